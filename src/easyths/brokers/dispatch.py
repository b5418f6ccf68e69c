"""One `submit` for every backend: a command's kind to the backend's method for it, and the
method's answer to the `Ack` the engine journals.

Why shared: the sim and the THS driver each unpacked the command and built the `Ack` kind by kind,
the same way but for the sim storing the operation id with what it creates. Written once, both
answer alike, and a kind added to `CommandKind` that a backend does not list is refused with
nothing done (it once fell through into "delete condition orders" on THS).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Protocol, runtime_checkable

from easyths.brokers.base import Ack, CancelSide, ConditionAck, MarketName, OrderAck, RepoAck
from easyths.domain.commands import CommandKind, MarketStrategy, OrderCommand, Side
from easyths.errors import BrokerRejected

DEFAULT_EXPIRE_DAYS = 30  # the client's default validity of a condition order (natural days)


class Desk(Protocol):
    """The per-kind methods `submit_command` calls. `ref` is the command's operation id: a backend
    that can store it with what it creates does (the sim, `ReconcilesByReference`); one whose
    venue keeps nothing of ours ignores it (THS)."""

    def place_order(
        self, side: Side, stock_code: str, price: Decimal, quantity: int, *, ref: str | None = None
    ) -> OrderAck: ...

    def place_market_order(
        self, side: Side, stock_code: str, quantity: int, strategy: MarketStrategy, *, ref: str | None = None
    ) -> OrderAck: ...

    def lend_repo(self, market: MarketName, term_days: int, amount: int, *, ref: str | None = None) -> RepoAck: ...

    def place_condition_order(
        self,
        side: Side,
        stock_code: str,
        target_price: Decimal,
        quantity: int,
        expire_days: int,
        *,
        ref: str | None = None,
    ) -> ConditionAck: ...

    def place_stop_loss_profit(
        self,
        stock_code: str,
        stop_loss_percent: Decimal,
        stop_profit_percent: Decimal,
        quantity: int | None,
        expire_days: int,
        *,
        ref: str | None = None,
    ) -> ConditionAck: ...

    def cancel_orders(
        self,
        *,
        stock_code: str | None = None,
        side: CancelSide = "all",
        contract_no: str | None = None,
        ref: str | None = None,
    ) -> list[str]:
        """The 合同编号 cancelled."""
        ...

    def delete_conditions(self, stock_code: str | None, side: Side | None, *, ref: str | None = None) -> list[str]:
        """The 条件单编号 deleted."""
        ...


@runtime_checkable
class SubscribesByCommand(Protocol):
    """A desk that takes `CommandKind.IPO` (打新); one without it refuses the kind, nothing sent."""

    def subscribe_ipo(self, code: str, quantity: int | None, *, ref: str | None = None) -> Ack: ...


@runtime_checkable
class ReadsCancelledQuantities(Protocol):
    """A desk that can say, for one order it just cancelled, how much had traded and how much was
    withdrawn (部撤); one that cannot leaves both null in the answer rather than guessing."""

    def cancelled_quantities(self, contract_no: str) -> tuple[int, int]: ...


def submit_command(desk: Desk, command: OrderCommand, *, ref: str | None) -> Ack:
    """Carry out `command` on `desk`; `ref` is passed to every method (see `Desk`)."""
    kind = command.kind
    code, qty = command.code or "", command.quantity or 0
    if kind in (CommandKind.LIMIT, CommandKind.MARKET, CommandKind.CONDITION) and command.side is None:
        raise BrokerRejected("委托缺少买卖方向，未执行任何操作")  # never guessed: a sell must not become a buy
    side = command.side or Side.BUY  # set for every kind that reads it (checked above)
    expire_days = command.expire_days or DEFAULT_EXPIRE_DAYS
    if kind is CommandKind.LIMIT:
        if command.price is None:
            raise BrokerRejected("限价委托缺少价格，未执行任何操作")
        return _order(desk.place_order(side, code, command.price, qty, ref=ref))
    if kind is CommandKind.MARKET:
        strategy = command.strategy or MarketStrategy.FIVE_LEVEL_CANCEL
        return _order(desk.place_market_order(side, code, qty, strategy, ref=ref))
    if kind is CommandKind.REPO:
        market: MarketName = "深圳" if command.market == "深圳" else "上海"
        lent = desk.lend_repo(market, command.term_days or 1, command.amount or 0, ref=ref)
        return Ack(lent.message, contract_no=lent.contract_no, repo_code=lent.code, rate=lent.rate)
    if kind is CommandKind.IPO and isinstance(desk, SubscribesByCommand):
        return desk.subscribe_ipo(code, command.quantity, ref=ref)
    if kind is CommandKind.CONDITION:
        if command.price is None:
            raise BrokerRejected("条件单缺少目标价格，未执行任何操作")
        return _armed(desk.place_condition_order(side, code, command.price, qty, expire_days, ref=ref))
    if kind is CommandKind.STOP_LOSS_PROFIT:
        if command.stop_loss_percent is None or command.stop_profit_percent is None:
            raise BrokerRejected("止盈止损单缺少百分比，未执行任何操作")
        loss, profit = command.stop_loss_percent, command.stop_profit_percent
        return _armed(desk.place_stop_loss_profit(code, loss, profit, command.quantity, expire_days, ref=ref))
    if kind is CommandKind.CANCEL_ORDERS:
        return _cancelled(desk, command, ref)
    if kind is CommandKind.CANCEL_CONDITIONS:
        ids = desk.delete_conditions(command.code, command.side, ref=ref)
        return Ack("条件单删除成功" if ids else "没有匹配的条件单", cancelled=tuple(ids))
    raise BrokerRejected(f"此后端不支持这类委托（{kind}），未执行任何操作")


def _order(ack: OrderAck) -> Ack:
    return Ack(ack.message, contract_no=ack.contract_no)


def _armed(cond: ConditionAck) -> Ack:
    return Ack(cond.message, condition_id=cond.condition_id, quantity=cond.quantity)


def _cancelled(desk: Desk, command: OrderCommand, ref: str | None) -> Ack:
    side: CancelSide = "all" if command.side is None else command.side.value
    done = desk.cancel_orders(stock_code=command.code, side=side, contract_no=command.contract_no, ref=ref)
    message = f"撤单成功，共撤销{len(done)}笔委托" if done else "没有可撤销的委托"
    if not (command.contract_no and done and isinstance(desk, ReadsCancelledQuantities)):
        return Ack(message, cancelled=tuple(done))
    filled, withdrawn = desk.cancelled_quantities(command.contract_no)  # one order: how much traded
    if filled:
        message = f"撤单成功：合同编号 {command.contract_no} 部撤，已成交 {filled}，撤销 {withdrawn}"
    return Ack(message, cancelled=tuple(done), filled=filled, withdrawn=withdrawn)


__all__ = ["DEFAULT_EXPIRE_DAYS", "Desk", "ReadsCancelledQuantities", "SubscribesByCommand", "submit_command"]
