"""Order entry and matching against the quote book.

A limit buy fills when the ask reaches it, at the ask; a sell when the bid reaches it, at the bid;
each up to the volume the quote carries (then it rests partially filled). Only continuous trading
matches on quote updates; the closing call matches once at the last price when the day closes.
Every status change goes through `domain.orders.apply`.

Why rejections come back as values and not exceptions: an order outside the price limits gets a
合同编号 and shows as 废单 in the client's grid, so that row must be committed before the caller
raises `BrokerRejected`; an exception inside the transaction would roll it back.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from decimal import Decimal

from easyths.brokers.base import MarketStrategy, Side
from easyths.brokers.sim import account
from easyths.brokers.sim.context import SimContext
from easyths.brokers.sim.quotes import ask_of, bid_of, get_quote
from easyths.domain.codes import Instrument, Kind, classify
from easyths.domain.orders import OPEN_STATUSES, OrderEvent, OrderStatus, apply, fill_event
from easyths.domain.rules import (
    Phase,
    accepts_orders,
    cage_bounds,
    limit_message,
    price_limits,
    sell_quantity_error,
    time_rejection,
    trade_fees,
)
from easyths.errors import BrokerRejected

ZERO = Decimal("0")


@dataclass(frozen=True, slots=True)
class Entry:
    """The outcome of an order entry: a 合同编号, and the rejection text when it became a 废单."""

    contract_no: int
    rejection: str | None = None


def no_quote(code: str) -> str:
    return f"没有该证券的行情：{code}（模拟券商需先设置行情）"


def _quote_or_reject(ctx: SimContext, code: str) -> sqlite3.Row:
    quote = get_quote(ctx.store, code)
    if quote is None:
        raise BrokerRejected(no_quote(code))
    return quote


def _check_sell(ctx: SimContext, acct: str, inst: Instrument, qty: int) -> None:
    pos = account.position(ctx, acct, inst.code)
    available = pos["available"] if pos else 0
    if qty > available:
        raise BrokerRejected("可用股份不足")
    if error := sell_quantity_error(inst, qty, available):
        raise BrokerRejected(error)


def _buy_freeze(ctx: SimContext, inst: Instrument, price: Decimal, qty: int) -> Decimal:
    amount = price * qty
    return amount + trade_fees(inst, False, amount, ctx.fees).total


def _insert(
    ctx: SimContext,
    acct: str,
    side: Side,
    inst: Instrument,
    name: str,
    price: Decimal,
    qty: int,
    *,
    kind: str = "limit",
    strategy: str | None = None,
    status: OrderStatus = OrderStatus.NEW,
    frozen: Decimal = ZERO,
    message: str = "",
) -> int:
    no = ctx.store.next_contract_no()
    now = ctx.now()
    op = side.label if kind == "limit" else f"五档{side.label[-2:]}"
    ctx.store.run(
        "INSERT INTO orders (contract_no, account, trade_date, time, code, name, side, op, kind, strategy, price,"
        " quantity, status, frozen_cash, message) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        no,
        acct,
        now.date().isoformat(),
        now.strftime("%H:%M:%S"),
        inst.code,
        name,
        side.value,
        op,
        kind,
        strategy,
        price,
        qty,
        status.value,
        frozen,
        message,
    )
    return no


def record_rejected(ctx: SimContext, acct: str, side: Side, code: str, price: Decimal, qty: int, message: str) -> int:
    """A 废单 row: the exchange refused an order that the client had sent."""
    quote = get_quote(ctx.store, code)
    return _insert(
        ctx,
        acct,
        side,
        classify(code),
        quote["name"] if quote else "",
        price,
        qty,
        status=OrderStatus.REJECTED,
        message=message,
    )


def place_limit(ctx: SimContext, acct: str, side: Side, code: str, price: Decimal, qty: int) -> Entry:
    now = ctx.now()
    if not accepts_orders(ctx.phase()):
        raise BrokerRejected(time_rejection(now.time()))
    inst = classify(code)
    if error := inst.price_error(price):
        raise BrokerRejected(error)
    if side is Side.BUY and (error := inst.buy_quantity_error(qty)):
        raise BrokerRejected(error)
    quote = _quote_or_reject(ctx, code)
    band = price_limits(inst, quote["prev_close"], now.date(), quote["name"])
    if band is not None and not band[0] <= price <= band[1]:
        no = record_rejected(ctx, acct, side, code, price, qty, limit_message(band))
        return Entry(no, limit_message(band))
    frozen = ZERO
    if side is Side.BUY:
        frozen = _buy_freeze(ctx, inst, price, qty)
        if frozen > account.available_cash(ctx, acct):
            raise BrokerRejected("可用余额不足")
    else:
        _check_sell(ctx, acct, inst, qty)
    if ctx.settings.cage == "reject" and ctx.phase() is Phase.CONTINUOUS and not _in_cage(inst, side, price, quote):
        raise BrokerRejected("委托价格超出价格笼子范围（买入不高于基准价102%，卖出不低于基准价98%）")
    no = _insert(ctx, acct, side, inst, quote["name"], price, qty, frozen=frozen)
    _freeze(ctx, acct, side, code, qty, frozen)
    if ctx.phase() is Phase.CONTINUOUS:
        match_code(ctx, code, only=no)
    return Entry(no)


def _freeze(ctx: SimContext, acct: str, side: Side, code: str, qty: int, frozen: Decimal) -> None:
    if side is Side.BUY:
        account.change_cash(ctx, acct, frozen=frozen)
    else:
        account.freeze_shares(ctx, acct, code, qty)


def place_market(ctx: SimContext, acct: str, side: Side, code: str, qty: int, strategy: MarketStrategy) -> Entry:
    """Market orders: continuous trading only, only for codes with a price limit (§3.4)."""
    now = ctx.now()
    if ctx.phase() is not Phase.CONTINUOUS:
        raise BrokerRejected(time_rejection(now.time()))
    inst = classify(code)
    if qty > inst.max_market_qty or (side is Side.BUY and inst.buy_quantity_error(qty)):
        raise BrokerRejected(inst.buy_quantity_error(qty) or f"{code}市价委托数量不得超过{inst.max_market_qty}")
    quote = _quote_or_reject(ctx, code)
    band = price_limits(inst, quote["prev_close"], now.date(), quote["name"])
    if band is None:
        raise BrokerRejected("该证券不支持市价委托")
    frozen = ZERO
    if side is Side.BUY:
        frozen = _buy_freeze(ctx, inst, band[1], qty)  # brokers freeze market buys at the limit-up price
        if frozen > account.available_cash(ctx, acct):
            raise BrokerRejected("可用余额不足")
    else:
        _check_sell(ctx, acct, inst, qty)
    no = _insert(ctx, acct, side, inst, quote["name"], ZERO, qty, kind="market", strategy=strategy.value, frozen=frozen)
    _freeze(ctx, acct, side, code, qty, frozen)
    order = _order(ctx, no)
    counter = ask_of(quote) if side is Side.BUY else bid_of(quote)
    left = quote["ask_left"] if side is Side.BUY else quote["bid_left"]
    available = qty if left is None else min(qty, left)
    if strategy is MarketStrategy.OWN_BEST:
        own = bid_of(quote) if side is Side.BUY else ask_of(quote)
        ctx.store.run("UPDATE orders SET kind = 'limit', price = ? WHERE contract_no = ?", own, no)
        match_code(ctx, code, only=no)
        return Entry(no)
    if strategy is MarketStrategy.FILL_OR_KILL and available < qty:
        cancel(ctx, order)
        return Entry(no)
    if available:
        _fill(ctx, order, available, counter)
        _take_volume(ctx, code, side, available)
    order = _order(ctx, no)
    if OrderStatus(order["status"]).is_open:
        if strategy in (MarketStrategy.COUNTERPARTY_BEST, MarketStrategy.FIVE_LEVEL_TO_LIMIT):
            ctx.store.run("UPDATE orders SET kind = 'limit', price = ? WHERE contract_no = ?", counter, no)
        else:
            cancel(ctx, order)
    return Entry(no)


def _order(ctx: SimContext, no: int) -> sqlite3.Row:
    row = ctx.store.one("SELECT * FROM orders WHERE contract_no = ?", no)
    assert row is not None
    return row


def _in_cage(inst: Instrument, side: Side, price: Decimal, quote: sqlite3.Row) -> bool:
    bounds = cage_bounds(inst, ask_of(quote), bid_of(quote))
    if bounds is None:
        return True
    return price <= bounds[1] if side is Side.BUY else price >= bounds[0]


def _take_volume(ctx: SimContext, code: str, side: Side, qty: int) -> None:
    column = "ask_left" if side is Side.BUY else "bid_left"
    ctx.store.run(
        f"UPDATE quotes SET {column} = MAX({column} - ?, 0) WHERE code = ? AND {column} IS NOT NULL", qty, code
    )


def match_code(ctx: SimContext, code: str, *, only: int | None = None, closing: bool = False) -> None:
    """Match the resting orders of one code (an indexed lookup, never a scan of all orders).

    Buys go best price first, then by time (合同编号); sells likewise. In the closing call the
    book is the last price, without a cage, still capped by the quote's remaining volume.
    """
    quote = get_quote(ctx.store, code)
    if quote is None:
        return
    inst = classify(code)
    sql = "SELECT * FROM orders WHERE code = ? AND status IN (?, ?) AND kind = 'limit'"
    args: list[object] = [code, *OPEN_STATUSES]
    if only is not None:
        sql += " AND contract_no = ?"
        args.append(only)
    orders = ctx.store.all(sql, *args)
    buys = sorted((o for o in orders if o["side"] == "buy"), key=lambda o: (-o["price"], o["contract_no"]))
    sells = sorted((o for o in orders if o["side"] == "sell"), key=lambda o: (o["price"], o["contract_no"]))
    for side, book in ((Side.BUY, buys), (Side.SELL, sells)):
        for order in book:
            quote = get_quote(ctx.store, code)
            assert quote is not None
            left = quote["ask_left"] if side is Side.BUY else quote["bid_left"]
            if closing:
                counter = quote["price"]
            else:
                counter = ask_of(quote) if side is Side.BUY else bid_of(quote)
                if not _in_cage(inst, side, order["price"], quote):
                    continue  # held outside the cage until the market moves (§3.3)
            if (side is Side.BUY and counter > order["price"]) or (side is Side.SELL and counter < order["price"]):
                break
            remaining = order["quantity"] - order["filled"]
            qty = remaining if left is None else min(remaining, left)
            if qty <= 0:
                break
            _fill(ctx, order, qty, counter)
            _take_volume(ctx, code, side, qty)


def _fill(ctx: SimContext, order: sqlite3.Row, qty: int, price: Decimal) -> None:
    """One execution. Fees are charged on the order's cumulative turnover, so the minimum
    commission is paid once per order however many fills it takes."""
    inst = classify(order["code"])
    side = Side(order["side"])
    amount = price * qty
    filled = order["filled"] + qty
    cum = trade_fees(inst, side is Side.SELL, order["filled_amount"] + amount, ctx.fees)
    fee = cum.total - (order["commission"] + order["stamp"] + order["transfer"])
    remaining = order["quantity"] - order["filled"]
    release = order["frozen_cash"] if filled >= order["quantity"] else order["frozen_cash"] * qty / remaining
    acct = order["account"]
    if side is Side.BUY:
        account.change_cash(ctx, acct, frozen=-release)
        account.apply_buy(ctx, acct, order["code"], order["name"], qty, amount, fee)
    else:
        account.apply_sell(ctx, acct, order["code"], qty, amount, fee)
    status = apply(OrderStatus(order["status"]), fill_event(filled, order["quantity"]))
    ctx.store.run(
        "UPDATE orders SET filled = ?, filled_amount = ?, status = ?, frozen_cash = ?,"
        " commission = ?, stamp = ?, transfer = ? WHERE contract_no = ?",
        filled,
        amount,
        status.value,
        order["frozen_cash"] - release,
        cum.commission,
        cum.stamp_duty,
        cum.transfer_fee,
        order["contract_no"],
    )
    now = ctx.now()
    ctx.store.run(
        "INSERT INTO fills (contract_no, account, trade_date, time, code, name, side, op, quantity, price, amount)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        order["contract_no"],
        acct,
        now.date().isoformat(),
        now.strftime("%H:%M:%S"),
        order["code"],
        order["name"],
        side.value,
        order["op"],
        qty,
        price,
        amount,
    )


def cancel(ctx: SimContext, order: sqlite3.Row) -> None:
    """Cancel (user, day close, market remainder): release what the order still holds."""
    status = apply(OrderStatus(order["status"]), OrderEvent.CANCELLED)
    remaining = order["quantity"] - order["filled"]
    if order["side"] == "buy":
        account.change_cash(ctx, order["account"], frozen=-order["frozen_cash"])
    elif classify(order["code"]).kind is not Kind.REPO:
        account.freeze_shares(ctx, order["account"], order["code"], -remaining)
    ctx.store.run(
        "UPDATE orders SET status = ?, cancelled = ?, frozen_cash = '0' WHERE contract_no = ?",
        status.value,
        remaining,
        order["contract_no"],
    )


def close_day(ctx: SimContext) -> None:
    """15:00: the closing call matches at the last price, then every open order expires."""
    codes = [r[0] for r in ctx.store.all("SELECT DISTINCT code FROM orders WHERE status IN (?, ?)", *OPEN_STATUSES)]
    for code in codes:
        match_code(ctx, code, closing=True)
    for order in ctx.store.all("SELECT * FROM orders WHERE status IN (?, ?)", *OPEN_STATUSES):
        cancel(ctx, order)


def rematch_open(ctx: SimContext) -> None:
    """After the clock moves into continuous trading, resting orders meet the standing book."""
    if ctx.phase() is not Phase.CONTINUOUS:
        return
    for (code,) in ctx.store.all("SELECT DISTINCT code FROM orders WHERE status IN (?, ?)", *OPEN_STATUSES):
        match_code(ctx, code)


__all__ = [
    "Entry",
    "cancel",
    "close_day",
    "match_code",
    "no_quote",
    "place_limit",
    "place_market",
    "record_rejected",
    "rematch_open",
]
