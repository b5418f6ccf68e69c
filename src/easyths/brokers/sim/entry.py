"""Order entry: the checks an order meets when it arrives, and what it freezes.

Why rejections come back as values and not exceptions: an order outside the price limits gets a
合同编号 and shows as 废单 in the client's grid, so that row must be committed before the caller
raises `BrokerRejected`; an exception inside the transaction would roll it back.

The price cage applies here and only here (§3.3): an order outside it at entry is held out of
the book (`held`) until the cage moves to include it; once in the book it is never caged again.
An order entered while continuous trading is paused (the lunch break) is held the same way and
meets the cage when trading resumes, as the broker forwards it then.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, replace
from decimal import Decimal

from easyths.brokers.base import MarketStrategy, Side
from easyths.brokers.sim import account, book, settlement
from easyths.brokers.sim.context import SimContext
from easyths.brokers.sim.quotes import ask_of, bid_of, get_quote, take_volume
from easyths.domain.codes import Instrument, classify
from easyths.domain.fees import trade_fees
from easyths.domain.holdings import sell_quantity_error
from easyths.domain.hours import in_windows, parse_hours
from easyths.domain.orders import Order, OrderAccepted, OrderKind, OrderRejected
from easyths.domain.prices import limit_message
from easyths.domain.sessions import AFTER_HOURS_MAX_QTY, Phase, accepts_orders, after_hours_eligible, time_rejection
from easyths.errors import BrokerRejected

ZERO = Decimal("0")


@dataclass(frozen=True, slots=True)
class Entry:
    """The outcome of an order entry: a 合同编号, and the rejection text when it became a 废单."""

    contract_no: int
    rejection: str | None = None


def no_quote(code: str) -> str:
    return f"没有该证券的行情：{code}（模拟券商需先设置行情）"


def quote_or_reject(ctx: SimContext, code: str) -> sqlite3.Row:
    quote = get_quote(ctx.store, code)
    if quote is None:
        raise BrokerRejected(no_quote(code))
    return quote


def check_shares(ctx: SimContext, acct: str, inst: Instrument, qty: int, max_qty: int | None = None) -> None:
    """可用余额 is the holdings column: shares that may be sold now."""
    pos = account.position(ctx, acct, inst.code)
    available = pos["available"] if pos else 0
    if qty > available:
        raise BrokerRejected(f"可用余额不足：{inst.code}可用{available}股，委托卖出{qty}股")
    if error := sell_quantity_error(inst, qty, available, max_qty):
        raise BrokerRejected(error)


def buy_freeze(ctx: SimContext, inst: Instrument, price: Decimal, qty: int) -> Decimal:
    """Cash frozen for a buy: the amount plus the fees it would cost at that price."""
    amount = price * qty
    return amount + trade_fees(inst, False, amount, ctx.fees).total


def new_order(
    ctx: SimContext,
    acct: str,
    side: Side,
    code: str,
    name: str,
    price: Decimal,
    qty: int,
    *,
    kind: OrderKind = OrderKind.LIMIT,
    strategy: str | None = None,
    ref: str | None = None,
) -> Order:
    now = ctx.now()
    if kind is OrderKind.MARKET:
        op = f"五档{side.label[-2:]}"
    elif kind is OrderKind.FIXED:
        op = f"盘后{side.label[-2:]}"
    elif kind is OrderKind.SUBSCRIPTION:
        op = "配售申购"  # as 当日委托 names a new-share subscription (`docs/rules.md#ipo`)
    else:
        op = side.label
    return Order(
        contract_no=ctx.ledger.next_contract_no(),
        account=acct,
        trade_date=now.date().isoformat(),
        time=now.strftime("%H:%M:%S"),
        code=code,
        name=name,
        side=side.value,
        op=op,
        kind=kind,
        price=price,
        quantity=qty,
        strategy=strategy,
        op_ref=ref,
    )


def record_rejected(
    ctx: SimContext, acct: str, side: Side, code: str, price: Decimal, qty: int, message: str, ref: str | None = None
) -> int:
    """A 废单 row: the exchange refused an order that the client had sent."""
    quote = get_quote(ctx.store, code)
    order = new_order(ctx, acct, side, code, quote["name"] if quote else "", price, qty, ref=ref)
    ctx.ledger.add(order.apply(OrderRejected(message)))
    return order.contract_no


def accept(ctx: SimContext, order: Order, *, held: bool = False) -> Order:
    """Freeze what the order needs (cash for a buy, shares for a sell) and store it."""
    inst = classify(order.code)
    frozen = ZERO
    if order.side == "buy":
        frozen = buy_freeze(ctx, inst, order.price, order.quantity)
        available = account.available_cash(ctx, order.account)
        if frozen > available:
            raise BrokerRejected(f"可用金额不足：需要{frozen:.2f}元，可用{available:.2f}元")
        account.change_cash(ctx, order.account, frozen=frozen)
    else:
        cap = AFTER_HOURS_MAX_QTY if order.kind is OrderKind.FIXED else None
        check_shares(ctx, order.account, inst, order.quantity, cap)
        account.freeze_shares(ctx, order.account, order.code, order.quantity)
    return ctx.ledger.add(order.apply(OrderAccepted(frozen, held)))


def place_limit(
    ctx: SimContext, acct: str, side: Side, code: str, price: Decimal, qty: int, ref: str | None = None
) -> Entry:
    """`ref`: the engine operation placing it, stored with the order (None for a condition's trigger)."""
    now = ctx.now()
    phase = ctx.phase()
    if not accepts_orders(phase):
        raise BrokerRejected(time_rejection(now.time()))
    inst = classify(code)
    if error := inst.price_error(price):
        raise BrokerRejected(error)
    if side is Side.BUY and (error := inst.buy_quantity_error(qty)):
        raise BrokerRejected(error)
    quote = quote_or_reject(ctx, code)
    band = ctx.limits(inst, quote["prev_close"], quote["name"])
    if band is not None and not band[0] <= price <= band[1]:
        why = limit_message(band)
        return Entry(record_rejected(ctx, acct, side, code, price, qty, why, ref), why)
    held = False
    if phase is Phase.CONTINUOUS and not book.in_cage(inst, side.value, price, quote, ctx.settings):
        if ctx.settings.cage == "reject":
            # validate cash and shares first, so the message names the first rule broken
            _dry_check(ctx, acct, side, inst, price, qty)
            raise BrokerRejected("委托价格超出价格笼子范围（买入不高于基准价102%，卖出不低于基准价98%）")
        held = True
    elif phase is Phase.LUNCH:
        held = True  # forwarded at 13:00, when the cage of that moment decides
    order = accept(ctx, new_order(ctx, acct, side, code, quote["name"], price, qty, ref=ref), held=held)
    if phase is Phase.CONTINUOUS and not held:
        book.match_incoming(ctx, order)
    return Entry(order.contract_no)


def place_fixed(
    ctx: SimContext, acct: str, side: Side, code: str, price: Decimal, qty: int, ref: str | None = None
) -> Entry:
    """盘后固定价格交易 (§6): entered in its own windows (`[sim].after_hours_windows`, and
    15:05–15:30 itself), traded at the close from 15:05, expired at 15:30. The price is a limit:
    a buy below the close or a sell above it does not trade (UNCERTAIN: the exchanges may refuse
    such an order at entry instead)."""
    now = ctx.now()
    inst = classify(code)
    if not after_hours_eligible(inst, now.date(), ctx.settings.after_hours_all_from):
        raise BrokerRejected(f"{code}不能进行盘后固定价格交易")
    phase = ctx.phase()
    windows = parse_hours(ctx.settings.after_hours_windows)  # validated at settings load
    if phase is Phase.HOLIDAY or not (phase is Phase.AFTER_HOURS or in_windows(now.time(), windows)):
        raise BrokerRejected(time_rejection(now.time()))
    if error := inst.price_error(price):
        raise BrokerRejected(error)
    if side is Side.BUY and (error := inst.buy_quantity_error(qty, AFTER_HOURS_MAX_QTY)):
        raise BrokerRejected(error)
    quote = quote_or_reject(ctx, code)
    order = accept(ctx, new_order(ctx, acct, side, code, quote["name"], price, qty, kind=OrderKind.FIXED, ref=ref))
    if phase is Phase.AFTER_HOURS:
        book.match_fixed(ctx, code)
    return Entry(order.contract_no)


def _dry_check(ctx: SimContext, acct: str, side: Side, inst: Instrument, price: Decimal, qty: int) -> None:
    if side is Side.BUY:
        frozen = buy_freeze(ctx, inst, price, qty)
        available = account.available_cash(ctx, acct)
        if frozen > available:
            raise BrokerRejected(f"可用金额不足：需要{frozen:.2f}元，可用{available:.2f}元")
    else:
        check_shares(ctx, acct, inst, qty)


def place_market(
    ctx: SimContext, acct: str, side: Side, code: str, qty: int, strategy: MarketStrategy, ref: str | None = None
) -> Entry:
    """Market orders: continuous trading only, only for codes with a price limit (§3.4)."""
    now = ctx.now()
    if ctx.phase() is not Phase.CONTINUOUS:
        raise BrokerRejected(time_rejection(now.time()))
    inst = classify(code)
    if not inst.max_market_qty:  # reverse repo: no price limit, so no market orders
        raise BrokerRejected("该证券不支持市价委托")
    if qty > inst.max_market_qty or (side is Side.BUY and inst.buy_quantity_error(qty)):
        raise BrokerRejected(inst.buy_quantity_error(qty) or f"{code}市价委托数量不得超过{inst.max_market_qty}")
    quote = quote_or_reject(ctx, code)
    band = ctx.limits(inst, quote["prev_close"], quote["name"])
    if band is None:
        raise BrokerRejected("该证券不支持市价委托")
    if strategy is MarketStrategy.OWN_BEST:  # 本方最优: a limit order at our side's best price
        own = bid_of(quote) if side is Side.BUY else ask_of(quote)
        order = accept(ctx, new_order(ctx, acct, side, code, quote["name"], own, qty, strategy=strategy.value, ref=ref))
        book.match_incoming(ctx, order)
        return Entry(order.contract_no)
    # brokers freeze a market buy at the limit-up price; the order's own price is shown as 0
    order = new_order(
        ctx, acct, side, code, quote["name"], band[1], qty, kind=OrderKind.MARKET, strategy=strategy.value, ref=ref
    )
    order = replace(accept(ctx, order), price=ZERO)
    order = ctx.ledger.save(order)
    counter = ask_of(quote) if side is Side.BUY else bid_of(quote)
    left = quote["ask_left"] if side is Side.BUY else quote["bid_left"]
    available = qty if left is None else min(qty, left)
    if strategy is MarketStrategy.FILL_OR_KILL and available < qty:
        settlement.cancel(ctx, order)
        return Entry(order.contract_no)
    if available:
        order = settlement.fill(ctx, order, available, counter)
        take_volume(ctx.store, code, side.value, available)
    if order.status.is_open:
        if strategy in (MarketStrategy.COUNTERPARTY_BEST, MarketStrategy.FIVE_LEVEL_TO_LIMIT):
            # 剩余转限价: the remainder rests as a limit order at the price it traded
            ctx.ledger.save(replace(order, kind=OrderKind.LIMIT, price=counter))
        else:
            settlement.cancel(ctx, order)
    return Entry(order.contract_no)


__all__ = [
    "Entry",
    "accept",
    "buy_freeze",
    "check_shares",
    "new_order",
    "no_quote",
    "place_fixed",
    "place_limit",
    "place_market",
    "quote_or_reject",
    "record_rejected",
]
