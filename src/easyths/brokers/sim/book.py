"""The book: which open orders trade against the quote, at what price and how much.

The quote stands for the rest of the market: its ask (卖一) and bid (买一), each with the volume
it carries (`ask_left`, `bid_left`; unlimited when the quote gives none). Orders are matched one
code at a time by an indexed lookup, so a quote touches only its own code's orders.

Prices follow the exchange:
- an order arriving in continuous trading takes the standing counter price (the ask for a buy);
- an order resting in the book trades at its own price when the market reaches or passes it
  (a resting buy at 10.20 that the market gaps through to 9.90 buys at 10.20);
- the call auctions (09:25, 15:00) trade everything at one price: the one that maximises the
  matched volume of the auction's orders and the quote, then leaves the least imbalance, then is
  nearest the quote's price (SZSE breaks the last tie by the previous close, SSE by the midpoint;
  the quote's price stands for both here);
- 盘后固定价格交易 orders trade at the day's closing price, in time order.
The price cage is not applied here: it screens an order once, at entry (`entry.py`).
"""

from __future__ import annotations

import sqlite3
from decimal import Decimal

from easyths.brokers.sim import settlement
from easyths.brokers.sim.context import SimContext
from easyths.brokers.sim.quotes import ask_of, bid_of, get_quote, take_volume
from easyths.domain.codes import Instrument, classify
from easyths.domain.orders import Order, OrderKind, OrderReleased
from easyths.domain.prices import cage_bounds
from easyths.settings import SimSection

LIMIT_ONLY = (OrderKind.LIMIT,)
FIXED_ONLY = (OrderKind.FIXED,)
UNLIMITED = 10**15  # a quote without volume: the rest of the market takes any size


def in_cage(
    inst: Instrument, side: str, price: Decimal, quote: sqlite3.Row, settings: SimSection | None = None
) -> bool:
    settings = settings or SimSection()
    bounds = cage_bounds(
        inst, ask_of(quote), bid_of(quote), fund_pct=settings.fund_cage_pct, bond_pct=settings.bond_cage_pct
    )
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


def _by_priority(orders: list[Order]) -> tuple[list[Order], list[Order]]:
    """Buys best (highest) price first, sells lowest first, then by time (合同编号)."""
    buys = sorted((o for o in orders if o.side == "buy"), key=lambda o: (-o.price, o.contract_no))
    sells = sorted((o for o in orders if o.side == "sell"), key=lambda o: (o.price, o.contract_no))
    return buys, sells


def match_code(ctx: SimContext, code: str) -> None:
    """Continuous trading after a quote of `code` (or when trading resumes).

    Held orders (outside the cage at entry, or entered during the lunch break) that the cage
    now admits enter the book as arrivals; then resting orders the market reaches trade at their
    own price.
    """
    quote = get_quote(ctx.store, code)
    if quote is None:
        return
    inst = classify(code)
    orders = ctx.ledger.reachable(code, ask_of(quote), bid_of(quote))
    for order in [o for o in orders if o.held]:
        quote = get_quote(ctx.store, code)
        assert quote is not None
        if in_cage(inst, order.side, order.price, quote, ctx.settings):
            match_incoming(ctx, ctx.ledger.save(order.apply(OrderReleased())))
    buys, sells = _by_priority([o for o in orders if not o.held])
    for book in (buys, sells):
        for order in book:
            quote = get_quote(ctx.store, code)
            assert quote is not None
            counter, _ = _counter(quote, order.side)
            if not _crosses(order.side, order.price, counter):
                break
            _, more = _trade(ctx, order, quote, order.price)
            if not more:
                break


# --- call auctions --------------------------------------------------------------------------------


def auction_price(
    buys: list[tuple[Decimal, int]], sells: list[tuple[Decimal, int]], reference: Decimal
) -> tuple[Decimal, int]:
    """(price, matched volume) of a call auction over (price, quantity) orders on each side.

    The price maximises the matched volume, then minimises the unmatched remainder at that price,
    then is nearest `reference`. A volume of 0 means nothing crosses; the price is then `reference`.
    """
    best: tuple[int, int, Decimal, Decimal] | None = None
    for price in sorted({p for p, _ in buys} | {p for p, _ in sells} | {reference}):
        demand = sum(q for p, q in buys if p >= price)
        supply = sum(q for p, q in sells if p <= price)
        volume = min(demand, supply)
        key = (-volume, abs(demand - supply), abs(price - reference), price)
        if best is None or key < best:
            best = key
    assert best is not None
    volume, price = -best[0], best[3]
    return (price, volume) if volume else (reference, 0)


def auction(ctx: SimContext, code: str) -> Decimal | None:
    """One call-auction match of `code`: the users' open limit orders and the quote (a sell of its
    ask volume at its price and a buy of its bid volume at its price). Returns the price set."""
    quote = get_quote(ctx.store, code)
    if quote is None:
        return None
    orders = ctx.ledger.open_orders(code=code, kinds=LIMIT_ONLY)
    buys, sells = _by_priority(orders)
    reference: Decimal = quote["price"]
    market_sell = UNLIMITED if quote["ask_left"] is None else quote["ask_left"]
    market_buy = UNLIMITED if quote["bid_left"] is None else quote["bid_left"]
    price, volume = auction_price(
        [(o.price, o.remaining) for o in buys] + [(reference, market_buy)],
        [(o.price, o.remaining) for o in sells] + [(reference, market_sell)],
        reference,
    )
    if volume:
        for book in (buys, sells):  # the users' orders stand ahead of the quote at equal prices
            left = volume
            for order in book:
                if left <= 0 or not (order.price >= price if order.side == "buy" else order.price <= price):
                    break
                qty = min(order.remaining, left)
                settlement.fill(ctx, order, qty, price)
                left -= qty
                take_volume(ctx.store, code, order.side, qty)  # the quote was the other side
    ctx.store.run("UPDATE quotes SET price = ? WHERE code = ?", price, code)
    return price


def closing_match(ctx: SimContext) -> None:
    """15:00: the closing call matches every code with open orders; the day's limit orders then
    expire; the close price is recorded for after-hours trading."""
    for code in ctx.ledger.open_codes(LIMIT_ONLY):
        auction(ctx, code)
    for order in ctx.ledger.open_orders(kinds=(OrderKind.LIMIT, OrderKind.MARKET)):
        settlement.cancel(ctx, order, expired=True)
    ctx.store.run("UPDATE quotes SET close_price = price")


def opening_match(ctx: SimContext) -> None:
    """09:25: the opening call matches the orders entered since 09:15."""
    for code in ctx.ledger.open_codes(LIMIT_ONLY):
        auction(ctx, code)


def resume(ctx: SimContext) -> None:
    """09:30 and 13:00: continuous trading starts; every code with open orders meets its quote."""
    for code in ctx.ledger.open_codes(LIMIT_ONLY):
        match_code(ctx, code)


# --- 盘后固定价格交易 ---------------------------------------------------------------------------------


def match_fixed(ctx: SimContext, code: str) -> None:
    """15:05–15:30: fixed-price orders trade at the close, in time order, as far as the quote's
    volume goes. A buy limited below the close (or a sell above it) does not trade."""
    quote = get_quote(ctx.store, code)
    if quote is None:
        return
    close: Decimal = quote["close_price"] if quote["close_price"] is not None else quote["price"]
    for order in ctx.ledger.open_orders(code=code, kinds=FIXED_ONLY):
        if not _crosses(order.side, order.price, close):
            continue
        quote = get_quote(ctx.store, code)
        assert quote is not None
        _trade(ctx, order, quote, close)


def after_hours(ctx: SimContext) -> None:
    for code in ctx.ledger.open_codes(FIXED_ONLY):
        match_fixed(ctx, code)


def after_hours_end(ctx: SimContext) -> None:
    for order in ctx.ledger.open_orders(kinds=FIXED_ONLY):
        settlement.cancel(ctx, order, expired=True)


__all__ = [
    "after_hours",
    "after_hours_end",
    "auction",
    "auction_price",
    "closing_match",
    "in_cage",
    "match_code",
    "match_fixed",
    "match_incoming",
    "opening_match",
    "resume",
]
