"""What each operation asks the broker for (its command, with the engine's operation id) and
what it answers once the broker confirmed (its result data, right away or after reconciliation)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from easyths.brokers.base import Ack
from easyths.domain.commands import CommandKind, MarketStrategy, OrderCommand, Side
from easyths.operations.registry import Registry

D = Decimal


def command(registry: Registry, name: str, **params: Any) -> OrderCommand:
    cmd = registry.get(name)().command(registry.validate(name, params), "op-1")
    assert cmd is not None
    assert cmd.operation_id == "op-1"  # the engine's id travels with the command, not beside it
    return cmd


def test_a_limit_order_carries_its_code_side_price_and_quantity(registry: Registry) -> None:
    buy = command(registry, "buy", stock_code="600000", price=10.5, quantity=100)
    sell = command(registry, "sell", stock_code="000001", price=9.99, quantity=250)
    assert (buy.kind, buy.code, buy.side, buy.price, buy.quantity) == (
        CommandKind.LIMIT,
        "600000",
        Side.BUY,
        D("10.5"),
        100,
    )
    assert (sell.kind, sell.side, sell.price, sell.quantity) == (CommandKind.LIMIT, Side.SELL, D("9.99"), 250)


@pytest.mark.parametrize(
    ("code", "choice", "strategy"),
    [
        ("600000", 1, MarketStrategy.COUNTERPARTY_BEST),
        ("600000", 2, MarketStrategy.OWN_BEST),
        ("600000", 4, MarketStrategy.FIVE_LEVEL_CANCEL),  # SH has no 即时成交剩余撤销: falls back to 3
        ("600000", 5, MarketStrategy.FIVE_LEVEL_CANCEL),  # nor 全额成交或撤销
        ("600000", 6, MarketStrategy.FIVE_LEVEL_TO_LIMIT),
        ("000001", 4, MarketStrategy.IMMEDIATE_CANCEL),
        ("000001", 5, MarketStrategy.FILL_OR_KILL),
        ("300750", 3, MarketStrategy.FIVE_LEVEL_CANCEL),
    ],
)
def test_a_market_order_takes_the_strategy_its_exchange_offers(
    registry: Registry, code: str, choice: int, strategy: MarketStrategy
) -> None:
    cmd = command(registry, "market_sell", stock_code=code, quantity=100, execution_strategy=choice)
    assert (cmd.kind, cmd.side, cmd.strategy, cmd.price) == (CommandKind.MARKET, Side.SELL, strategy, None)


def test_market_orders_default_to_five_levels_then_cancel(registry: Registry) -> None:
    cmd = command(registry, "market_buy", stock_code="000001", quantity=100, protect_price=12.3)
    assert (cmd.side, cmd.strategy, cmd.protect_price) == (Side.BUY, MarketStrategy.FIVE_LEVEL_CANCEL, D("12.3"))


def test_condition_orders_arm_at_the_target_for_their_natural_days(registry: Registry) -> None:
    buy = command(registry, "condition_buy", stock_code="600000", target_price=9.5, quantity=100)
    sell = command(registry, "condition_sell", stock_code="600000", target_price=11, quantity=200, expire_days=5)
    assert (buy.kind, buy.side, buy.price, buy.expire_days) == (CommandKind.CONDITION, Side.BUY, D("9.5"), 30)
    assert (sell.side, sell.quantity, sell.expire_days) == (Side.SELL, 200, 5)
    assert buy.kind.arms_condition and sell.kind.places


def test_stop_loss_profit_is_a_sell_condition_with_both_percentages(registry: Registry) -> None:
    cmd = command(registry, "stop_loss_profit", stock_code="600000", stop_loss_percent=3, stop_profit_percent=5.5)
    assert (cmd.kind, cmd.side, cmd.quantity) == (CommandKind.STOP_LOSS_PROFIT, Side.SELL, None)
    assert (cmd.stop_loss_percent, cmd.stop_profit_percent, cmd.expire_days) == (D("3"), D("5.5"), 30)


@pytest.mark.parametrize(
    ("market", "term", "code", "days"),
    [
        ("上海", "1天期", "204001", 1),
        ("深圳", "1天期", "131810", 1),
        ("深圳", "7天期", "131801", 7),
        ("上海", "182天期", "204182", 182),
    ],
)
def test_lending_is_a_sell_of_the_markets_repo_code_for_the_term(
    registry: Registry, market: str, term: str, code: str, days: int
) -> None:
    cmd = command(registry, "reverse_repo_buy", market=market, time_range=term, amount=5000)
    assert (cmd.kind, cmd.side, cmd.code, cmd.term_days, cmd.amount) == (CommandKind.REPO, Side.SELL, code, days, 5000)


@pytest.mark.parametrize(("cancel_type", "side"), [("all", None), ("buy", Side.BUY), ("sell", Side.SELL)])
def test_a_cancel_names_the_side_it_cancels(registry: Registry, cancel_type: str, side: Side | None) -> None:
    cmd = command(registry, "order_cancel", cancel_type=cancel_type, stock_code="600000")
    assert (cmd.kind, cmd.side, cmd.code, cmd.contract_no) == (CommandKind.CANCEL_ORDERS, side, "600000", None)
    assert not cmd.kind.places  # risk and the kill switch never stop a cancel
    one = command(registry, "order_cancel", contract_no="1001")
    assert (one.contract_no, one.side, one.code) == ("1001", None, None)


@pytest.mark.parametrize(("order_type", "side"), [(None, None), ("买入", Side.BUY), ("卖出", Side.SELL)])
def test_deleting_conditions_names_the_side_in_the_clients_words(
    registry: Registry, order_type: str | None, side: Side | None
) -> None:
    cmd = command(registry, "condition_order_cancel", order_type=order_type)
    assert (cmd.kind, cmd.side) == (CommandKind.CANCEL_CONDITIONS, side)


def test_a_subscription_is_an_uncapped_buy(registry: Registry) -> None:
    cmd = command(registry, "ipo_subscribe", stock_code="754999", quantity=1000)
    assert (cmd.kind, cmd.side, cmd.quantity) == (CommandKind.IPO, Side.BUY, 1000)
    assert cmd.kind.places and not cmd.kind.capped  # nothing is frozen on T


def test_the_read_only_operations_ask_for_no_command(registry: Registry) -> None:
    for name in registry.names():
        cls = registry.get(name)
        if not cls.places_order:
            assert (
                cls().command(registry.validate(name, {"account_name": "a"} if name == "account_switch" else {}), "x")
                is None
            )


def acked(registry: Registry, name: str, ack: Ack, **params: Any) -> dict[str, Any]:
    return registry.get(name)().acked(registry.validate(name, params), ack)


def test_an_acknowledged_order_answers_its_合同编号_in_the_references_words(registry: Registry) -> None:
    data = acked(registry, "buy", Ack("ok", contract_no="1001"), stock_code="600000", price=10.5, quantity=100)
    assert data == {
        "stock_code": "600000",
        "price": "10.50",
        "quantity": 100,
        "operation": "buy",
        "合同编号": "1001",
        "message": "成功提交600000的买入委托，合同编号：1001",
    }
    market = acked(registry, "market_sell", Ack("ok", contract_no="7"), stock_code="600000", quantity=100)
    assert (
        market["strategy"] == "最优五档即时成交剩余撤销"
        and market["message"] == "成功提交600000的市价卖出委托，合同编号：7"
    )


def test_a_repo_answers_its_code_and_rate_right_away_and_only_its_合同编号_when_reconciled(registry: Registry) -> None:
    params = {"market": "上海", "time_range": "1天期", "amount": 5000}
    now = acked(registry, "reverse_repo_buy", Ack("ok", contract_no="9", repo_code="204001", rate=D("2.5")), **params)
    assert (now["证券代码"], now["年化利率"]) == ("204001", "2.500%")
    assert now["message"] == "国债逆回购操作成功, 成功出借:5000 元, 年化利率为:2.50%"
    later = acked(registry, "reverse_repo_buy", Ack("对账找到", contract_no="9", reconciled=True), **params)
    assert "证券代码" not in later and (later["合同编号"], later["message"]) == ("9", "对账找到")


def test_a_condition_answers_its_条件单编号_never_a_合同编号(registry: Registry) -> None:
    data = acked(
        registry, "condition_buy", Ack("ok", condition_id="C1"), stock_code="600000", target_price=9.5, quantity=100
    )
    assert data["condition_id"] == "C1" and "合同编号" not in data and data["target_price"] == 9.5
    assert data["message"] == "执行600000的条件单成功"
    found = acked(
        registry,
        "condition_sell",
        Ack("对账找到", condition_id="C2", reconciled=True),
        stock_code="600000",
        target_price=11,
        quantity=100,
    )
    assert found["message"] == "对账找到"


def test_a_stop_loss_without_a_quantity_answers_the_one_the_broker_used(registry: Registry) -> None:
    params = {"stock_code": "600000", "stop_loss_percent": 3, "stop_profit_percent": 5}
    assert acked(registry, "stop_loss_profit", Ack("ok", condition_id="C1", quantity=300), **params)["quantity"] == 300
    assert (
        acked(registry, "stop_loss_profit", Ack("ok", condition_id="C1", reconciled=True), **params)["quantity"] is None
    )


def test_cancelling_one_order_answers_how_much_had_traded(registry: Registry) -> None:
    ack = Ack("已撤", cancelled=("1001",), filled=300, withdrawn=700)
    one = acked(registry, "order_cancel", ack, contract_no="1001")
    assert (one["cancelled"], one["cancelled_count"], one["filled_quantity"], one["cancelled_quantity"]) == (
        ["1001"],
        1,
        300,
        700,
    )
    many = acked(registry, "order_cancel", Ack("撤单完成", cancelled=("1", "2")), cancel_type="buy")
    assert many["cancelled_count"] == 2 and "filled_quantity" not in many
    deleted = acked(registry, "condition_order_cancel", Ack("ok", cancelled=("C1", "C2", "C3")))
    assert deleted["deleted_count"] == 3
