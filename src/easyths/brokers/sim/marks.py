"""What the sim knows of a code at admission, for risk to value an order (`ValuesOrders`)."""

from __future__ import annotations

from easyths.brokers.abilities import Marks
from easyths.brokers.sim import account
from easyths.brokers.sim.context import SimContext
from easyths.brokers.sim.quotes import get_quote
from easyths.domain.codes import classify


def marks(ctx: SimContext, acct: str, code: str) -> Marks | None:
    """The latest price, today's limit-up and the account's position in `code`; None when the sim
    has neither a quote nor a position (it would refuse the order anyway)."""
    quote = get_quote(ctx.store, code)
    pos = account.position(ctx, acct, code)
    if quote is None and pos is None:
        return None
    limit_up = None
    if quote is not None:
        band = ctx.limits(classify(code), quote["prev_close"], quote["name"])
        limit_up = None if band is None else band[1]
    held = int(pos["balance"]) if pos is not None else 0
    cost = pos["cost_amount"] / held if pos is not None and held > 0 else None
    return Marks(
        price=None if quote is None else quote["price"],
        limit_up=limit_up,
        held=held,
        available=int(pos["available"]) if pos is not None else 0,
        cost_price=cost,
    )


__all__ = ["marks"]
