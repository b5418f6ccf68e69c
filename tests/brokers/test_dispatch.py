"""The one dispatch of commands to a backend's methods: each kind reaches its method with the
operation id, the answer becomes the journalled `Ack`, and what a backend cannot do is refused
with nothing done."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from easyths.brokers.base import Ack, ConditionAck, OrderAck, RepoAck
from easyths.brokers.dispatch import submit_command
from easyths.domain.commands import CommandKind, MarketStrategy, OrderCommand, Side
from easyths.errors import BrokerRejected

D = Decimal


class Desk:
    """Records each call with its arguments; answers what a backend would."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[Any, ...], str | None]] = []

    def place_order(
        self, side: Side, stock_code: str, price: Decimal, quantity: int, *, ref: str | None = None
    ) -> OrderAck:
        self.calls.append(("place_order", (side, stock_code, price, quantity), ref))
        return OrderAck("1001", "已提交")

    def place_market_order(
        self, side: Side, stock_code: str, quantity: int, strategy: MarketStrategy, *, ref: str | None = None
    ) -> OrderAck:
        self.calls.append(("place_market_order", (side, stock_code, quantity, strategy), ref))
        return OrderAck("1002", "已提交")

    def lend_repo(self, market: str, term_days: int, amount: int, *, ref: str | None = None) -> RepoAck:
        self.calls.append(("lend_repo", (market, term_days, amount), ref))
        return RepoAck("1003", "131810", D("2.5"), "已出借")

    def place_condition_order(self, *args: Any, ref: str | None = None) -> ConditionAck:
        self.calls.append(("place_condition_order", args, ref))
        return ConditionAck("C1", "条件单设置成功", args[3])

    def place_stop_loss_profit(self, *args: Any, ref: str | None = None) -> ConditionAck:
        self.calls.append(("place_stop_loss_profit", args, ref))
        return ConditionAck("C2", "止盈止损单设置成功", 300)

    def cancel_orders(
        self,
        *,
        stock_code: str | None = None,
        side: str = "all",
        contract_no: str | None = None,
        ref: str | None = None,
    ) -> list[str]:
        self.calls.append(("cancel_orders", (stock_code, side, contract_no), ref))
        return [contract_no] if contract_no else ["1", "2"]

    def delete_conditions(self, stock_code: str | None, side: Side | None, *, ref: str | None = None) -> list[str]:
        self.calls.append(("delete_conditions", (stock_code, side), ref))
        return []


class SubscribingDesk(Desk):
    def subscribe_ipo(self, code: str, quantity: int | None, *, ref: str | None = None) -> Ack:
        self.calls.append(("subscribe_ipo", (code, quantity), ref))
        return Ack("申购委托已提交", contract_no="1004", quantity=1000)

    def cancelled_quantities(self, contract_no: str) -> tuple[int, int]:
        return 300, 700


def cmd(kind: CommandKind, **fields: Any) -> OrderCommand:
    return OrderCommand("op-1", kind, **fields)


def test_each_kind_reaches_its_method_with_the_operation_id() -> None:
    desk = Desk()
    limit = submit_command(
        desk, cmd(CommandKind.LIMIT, code="600000", side=Side.SELL, price=D("10.5"), quantity=100), ref="op-1"
    )
    market = submit_command(desk, cmd(CommandKind.MARKET, code="000001", side=Side.BUY, quantity=200), ref="op-1")
    repo = submit_command(desk, cmd(CommandKind.REPO, market="深圳", term_days=1, amount=1000), ref=None)
    assert desk.calls == [
        ("place_order", (Side.SELL, "600000", D("10.5"), 100), "op-1"),
        ("place_market_order", (Side.BUY, "000001", 200, MarketStrategy.FIVE_LEVEL_CANCEL), "op-1"),
        ("lend_repo", ("深圳", 1, 1000), None),
    ]
    assert (limit.contract_no, market.contract_no) == ("1001", "1002")
    assert (repo.contract_no, repo.repo_code, repo.rate, repo.message) == ("1003", "131810", D("2.5"), "已出借")


def test_conditions_default_to_30_natural_days_and_answer_their_条件单编号() -> None:
    desk = Desk()
    armed = submit_command(
        desk, cmd(CommandKind.CONDITION, code="600000", side=Side.BUY, price=D("9.5"), quantity=100), ref="r"
    )
    stop = submit_command(
        desk,
        cmd(
            CommandKind.STOP_LOSS_PROFIT,
            code="600000",
            stop_loss_percent=D("3"),
            stop_profit_percent=D("5"),
            expire_days=5,
        ),
        ref="r",
    )
    assert desk.calls == [
        ("place_condition_order", (Side.BUY, "600000", D("9.5"), 100, 30), "r"),
        ("place_stop_loss_profit", ("600000", D("3"), D("5"), None, 5), "r"),
    ]
    assert (armed.condition_id, armed.contract_no, armed.quantity) == ("C1", None, 100)
    assert (stop.condition_id, stop.quantity) == ("C2", 300)


def test_cancels_say_how_many_and_one_order_how_much_traded_where_the_backend_can_read_it() -> None:
    many = submit_command(Desk(), cmd(CommandKind.CANCEL_ORDERS, side=Side.BUY), ref=None)
    assert (many.cancelled, many.message) == (("1", "2"), "撤单成功，共撤销2笔委托")
    blind = submit_command(Desk(), cmd(CommandKind.CANCEL_ORDERS, contract_no="7"), ref=None)
    assert (blind.cancelled, blind.filled, blind.withdrawn) == (("7",), None, None)  # unread, not zero
    read = submit_command(SubscribingDesk(), cmd(CommandKind.CANCEL_ORDERS, contract_no="7"), ref=None)
    assert (read.filled, read.withdrawn) == (300, 700)
    assert read.message == "撤单成功：合同编号 7 部撤，已成交 300，撤销 700"
    deleted = submit_command(Desk(), cmd(CommandKind.CANCEL_CONDITIONS), ref=None)
    assert (deleted.cancelled, deleted.message) == ((), "没有匹配的条件单")


def test_a_subscription_goes_only_to_a_backend_that_takes_it() -> None:
    desk = Desk()
    with pytest.raises(BrokerRejected, match="此后端不支持这类委托（ipo），未执行任何操作"):
        submit_command(desk, cmd(CommandKind.IPO, code="754999"), ref="r")
    assert desk.calls == []  # above all, not a delete of condition orders
    subscribing = SubscribingDesk()
    assert submit_command(subscribing, cmd(CommandKind.IPO, code="754999"), ref="r").contract_no == "1004"
    assert subscribing.calls == [("subscribe_ipo", ("754999", None), "r")]


@pytest.mark.parametrize(
    "command",
    [
        cmd(CommandKind.LIMIT, code="600000", side=Side.BUY, quantity=100),
        cmd(CommandKind.CONDITION, code="600000", side=Side.BUY, quantity=100),
        cmd(CommandKind.STOP_LOSS_PROFIT, code="600000", stop_loss_percent=D("3")),
    ],
)
def test_a_command_missing_its_price_is_refused_with_nothing_sent(command: OrderCommand) -> None:
    desk = Desk()
    with pytest.raises(BrokerRejected, match="未执行任何操作"):
        submit_command(desk, command, ref="r")
    assert desk.calls == []


@pytest.mark.parametrize(
    "command",
    [
        cmd(CommandKind.LIMIT, code="600000", price=D("10"), quantity=100),
        cmd(CommandKind.MARKET, code="600000", quantity=100),
        cmd(CommandKind.CONDITION, code="600000", price=D("10"), quantity=100),
    ],
)
def test_an_order_missing_its_side_is_refused_never_taken_for_a_buy(command: OrderCommand) -> None:
    desk = Desk()
    with pytest.raises(BrokerRejected, match="缺少买卖方向"):
        submit_command(desk, command, ref="r")
    assert desk.calls == []
