"""The book: which open orders trade against the quote, at what price and how much.

The quote stands for the rest of the market: its ask (卖一) and bid (买一), each with the volume
it carries (`ask_left`, `bid_left`; unlimited when the quote gives none). Orders are matched one
code at a time by an indexed lookup, so a quote touches only its own code's orders.
"""

from __future__ import annotations

import sqlite3
from decimal import Decimal

from easyths.brokers.sim import settlement
from easyths.brokers.sim.context import SimContext
from easyths.brokers.sim.quotes import ask_of, bid_of, get_quote, take_volume
from easyths.domain.codes import Instrument, classify
from easyths.domain.orders import Order, OrderKind
from easyths.domain.rules import cage_bounds

LIMIT_ONLY = (OrderKind.LIMIT,)


def in_cage(inst: Instrument, side: str, price: Decimal, quote: sqlite3.Row) -> bool:
    bounds = cage_bounds(inst, ask_of(quote), bid_of(quote))
    if bounds is None:
        return True
    return price <= bounds[1] if side == "buy" else price >= bounds[0]


def _counter(quote: sqlite3.Row, side: str) -> tuple[Decimal, int | None]:
    """The price and volume an order of `side` meets: the ask for a buy, the bid for a sell."""
    if side == "buy":
        return ask_of(quote), quote["ask_left"]
    return bid_of(quote), quote["bid_left"]


def _crosses(side: str, limit: Decimal, counter: Decimal) -> bool:
    return counter <= limit if side == "buy" else counter >= limit


def _trade(ctx: SimContext, order: Order, quote: sqlite3.Row, price: Decimal) -> tuple[Order, bool]:
    """Fill as much of `order` as the quote's volume allows; False when the volume is used up."""
    _, left = _counter(quote, order.side)
    qty = order.remaining if left is None else min(order.remaining, left)
    if qty <= 0:
        return order, False
    order = settlement.fill(ctx, order, qty, price)
    take_volume(ctx.store, order.code, order.side, qty)
    return order, True


def match_incoming(ctx: SimContext, order: Order) -> Order:
    """An order arriving in continuous trading takes the standing counter price."""
    quote = get_quote(ctx.store, order.code)
    if quote is None or not order.status.is_open:
        return order
    counter, _ = _counter(quote, order.side)
    if _crosses(order.side, order.price, counter):
        order, _ = _trade(ctx, order, quote, counter)
    return order


def match_code(ctx: SimContext, code: str) -> None:
    """Continuous trading after a quote of `code`: held orders now inside the cage enter the book;
    resting orders the market reaches trade, best price first, then by time (合同编号)."""
    quote = get_quote(ctx.store, code)
    if quote is None:
        return
    inst = classify(code)
    orders = ctx.ledger.open_orders(code=code, kinds=LIMIT_ONLY)
    buys = sorted((o for o in orders if o.side == "buy"), key=lambda o: (-o.price, o.contract_no))
    sells = sorted((o for o in orders if o.side == "sell"), key=lambda o: (o.price, o.contract_no))
    for book in (buys, sells):
        for order in book:
            quote = get_quote(ctx.store, code)
            assert quote is not None
            if not in_cage(inst, order.side, order.price, quote):
                continue  # held outside the cage until the market moves (§3.3)
            counter, _ = _counter(quote, order.side)
            if not _crosses(order.side, order.price, counter):
                break
            _, more = _trade(ctx, order, quote, counter)
            if not more:
                break


def close_day(ctx: SimContext) -> None:
    """15:00: the closing call matches at the last price, then every open order expires."""
    for code in ctx.ledger.open_codes():
        quote = get_quote(ctx.store, code)
        if quote is None:
            continue
        orders = ctx.ledger.open_orders(code=code, kinds=LIMIT_ONLY)
        buys = sorted((o for o in orders if o.side == "buy"), key=lambda o: (-o.price, o.contract_no))
        sells = sorted((o for o in orders if o.side == "sell"), key=lambda o: (o.price, o.contract_no))
        for book in (buys, sells):
            for order in book:
                quote = get_quote(ctx.store, code)
                assert quote is not None
                if not _crosses(order.side, order.price, quote["price"]):
                    break
                _, more = _trade(ctx, order, quote, quote["price"])
                if not more:
                    break
    for order in ctx.ledger.open_orders():
        settlement.cancel(ctx, order, expired=True)


def rematch_open(ctx: SimContext) -> None:
    """After the clock moves into continuous trading, resting orders meet the standing book."""
    from easyths.domain.rules import Phase

    if ctx.phase() is not Phase.CONTINUOUS:
        return
    for code in ctx.ledger.open_codes():
        match_code(ctx, code)


__all__ = ["close_day", "in_cage", "match_code", "match_incoming", "rematch_open"]
