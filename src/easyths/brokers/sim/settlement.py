"""Settlement: what a fill or a cancel does to cash and shares, and the fees it costs.

Why apart from the book: the book decides *that* an order trades and at what price; this module
applies the `OrderFilled` / `OrderCancelled` / `OrderExpired` event to the order, moves the money
and the shares by the amounts the aggregate derives (fee = fees of the cumulative turnover less
those already charged; cash released = the freeze that the filled part no longer needs), stores
the order through the ledger and tells the event sinks.
"""

from __future__ import annotations

from decimal import Decimal

from easyths.brokers.sim import account
from easyths.brokers.sim.context import SimContext
from easyths.domain.codes import Kind, classify
from easyths.domain.orders import Order, OrderCancelled, OrderExpired, OrderFilled


def fill(ctx: SimContext, order: Order, qty: int, price: Decimal) -> Order:
    """One execution of `qty` at `price`."""
    amount = price * qty
    fee = order.fee_for(amount, ctx.fees)
    after = order.apply(OrderFilled(qty, price, ctx.now().strftime("%H:%M:%S"), fee))
    release = order.frozen_cash - after.frozen_cash
    if order.side == "buy":
        account.change_cash(ctx, order.account, frozen=-release)
        account.apply_buy(ctx, order.account, order.code, order.name, qty, amount, fee)
    else:
        account.apply_sell(ctx, order.account, order.code, qty, amount, fee)
    saved = ctx.ledger.save(after)
    tell_fill(ctx, saved, qty, price, amount)
    return saved


def tell(ctx: SimContext, event: str, order: Order, **details: int | float | str | None) -> None:
    """An event about one order (as stored after the change), sent when its transaction commits,
    under the operation it belongs to; `details` are the event's own fields."""
    ctx.emit(
        event,
        operation_id=operation_of(ctx, order),
        stock_code=order.code,
        stock_name=order.name,
        name=order.name,
        contract_no=str(order.contract_no),
        side=order.side,
        status=order.status.value,
        account=order.account,
        **details,
    )


def tell_fill(ctx: SimContext, saved: Order, qty: int, price: Decimal, amount: Decimal) -> None:
    """The `fill` event of the order's last execution (repo: `price` is the annual rate in %)."""
    fill_no = str(saved.fills[-1].fill_no)
    tell(ctx, "fill", saved, fill_no=fill_no, price=float(price), quantity=qty, amount=float(amount))


def operation_of(ctx: SimContext, order: Order) -> str | None:
    """The operation an order's event belongs to: the one that placed it, else the one that armed
    the condition that sent it (while it fires, then by its 合同编号 in the conditions table)."""
    if order.op_ref:
        return order.op_ref
    if ctx.firing is not None:
        return ctx.firing
    row = ctx.store.one("SELECT op_ref FROM conditions WHERE contract_no = ?", str(order.contract_no))
    return row["op_ref"] if row is not None else None


def cancel(ctx: SimContext, order: Order, *, expired: bool = False) -> Order:
    """Cancel (user, market remainder) or expire (the session closed): release what it holds."""
    after = order.apply(OrderExpired() if expired else OrderCancelled())
    if order.side == "buy":
        account.change_cash(ctx, order.account, frozen=-order.frozen_cash)
    elif classify(order.code).kind is not Kind.REPO:
        account.freeze_shares(ctx, order.account, order.code, -order.remaining)
    saved = ctx.ledger.save(after)
    if expired:
        tell(ctx, "order_expired", saved, price=float(order.price), quantity=order.remaining)
    return saved


__all__ = ["cancel", "fill", "operation_of", "tell", "tell_fill"]
