"""The order aggregate: an `Order` with its fills, changed only by `Order.apply(event)`.

Why an aggregate: the quantities a grid shows (成交数量, 成交均价), the fees charged and the cash
still frozen are all functions of the fills, so they are derived here instead of being kept as
running columns that each writer updates (which is how an order filled in three parts once showed
the last part's amount over the whole quantity). Status changes go through one transition table
keyed by (status, event), with past-tense events (NautilusTrader's `OrderFilled`), so an illegal
move such as a fill on a cancelled order fails at the spot.

The module is pure: no SQL, no clock. `brokers/sim/ledger.py` persists orders and fills.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal
from enum import StrEnum

from easyths.domain.codes import classify
from easyths.domain.fees import Fees, FeeSchedule, trade_fees
from easyths.errors import IllegalTransition

ZERO = Decimal("0")


class OrderStatus(StrEnum):
    """备注 as the client prints it."""

    PENDING = "未报"  # built, not yet accepted or rejected (never shown: entry decides at once)
    NEW = "未成交"  # accepted, nothing filled yet
    PARTIAL = "部分成交"  # some filled, the rest still working
    FILLED = "已成"  # everything filled (terminal)
    CANCELLED = "已撤"  # cancelled or expired with nothing filled (terminal)
    PARTIAL_CANCELLED = "部撤"  # cancelled or expired after a partial fill (terminal)
    REJECTED = "废单"  # refused by the exchange, e.g. outside the price limits (terminal)
    REPORTED = "已报"  # a new-share/bond subscription (配售申购): on the exchange's list, never matched
    # or cancelled; its outcome is its 配号 and 中签 (`docs/rules.md#ipo`), not a fill (terminal)

    @property
    def is_open(self) -> bool:
        return self in (OrderStatus.NEW, OrderStatus.PARTIAL)


class OrderKind(StrEnum):
    LIMIT = "limit"  # 限价委托 (also a market order's remainder turned limit)
    MARKET = "market"  # 市价委托, never rests: filled at once or its remainder is cancelled
    FIXED = "fixed"  # 盘后固定价格交易: trades 15:05–15:30 at the day's closing price
    SUBSCRIPTION = "subscription"  # 新股/新债申购 (配售申购): never in the matching book


class OrderEvent(StrEnum):
    """The names of the events, the keys of the transition table."""

    ACCEPTED = "accepted"
    PARTIALLY_FILLED = "partially_filled"
    FILLED = "filled"
    CANCELLED = "cancelled"  # by the user, or a market order's remainder
    EXPIRED = "expired"  # the day (or the after-hours session) closed with the order open
    REJECTED = "rejected"
    RELEASED = "released"  # held outside the price cage, now inside it: enters the book
    SUBSCRIBED = "subscribed"  # a subscription the exchange took (新股/新债申购)


# --- events (past tense) -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OrderAccepted:
    frozen_cash: Decimal = ZERO  # cash frozen for a buy: price × qty plus the estimated fees
    held: bool = False  # outside the price cage at entry: kept out of the book until it is inside


@dataclass(frozen=True, slots=True)
class OrderRejected:
    reason: str


@dataclass(frozen=True, slots=True)
class OrderFilled:
    quantity: int
    price: Decimal
    at: str  # HH:MM:SS of the trade
    fee: Decimal = ZERO  # what this fill adds to the order's fees (see `Order.fee_for`)
    amount: Decimal | None = None  # price × quantity unless given (repo: the principal)


@dataclass(frozen=True, slots=True)
class OrderCancelled:
    pass


@dataclass(frozen=True, slots=True)
class OrderExpired:
    pass


@dataclass(frozen=True, slots=True)
class OrderReleased:
    pass


@dataclass(frozen=True, slots=True)
class OrderSubscribed:
    pass


Event = OrderAccepted | OrderRejected | OrderFilled | OrderCancelled | OrderExpired | OrderReleased | OrderSubscribed

TRANSITIONS: dict[tuple[OrderStatus, OrderEvent], OrderStatus] = {
    (OrderStatus.PENDING, OrderEvent.ACCEPTED): OrderStatus.NEW,
    (OrderStatus.PENDING, OrderEvent.REJECTED): OrderStatus.REJECTED,
    (OrderStatus.PENDING, OrderEvent.SUBSCRIBED): OrderStatus.REPORTED,
    (OrderStatus.NEW, OrderEvent.RELEASED): OrderStatus.NEW,
    (OrderStatus.NEW, OrderEvent.PARTIALLY_FILLED): OrderStatus.PARTIAL,
    (OrderStatus.NEW, OrderEvent.FILLED): OrderStatus.FILLED,
    (OrderStatus.NEW, OrderEvent.CANCELLED): OrderStatus.CANCELLED,
    (OrderStatus.NEW, OrderEvent.EXPIRED): OrderStatus.CANCELLED,
    (OrderStatus.NEW, OrderEvent.REJECTED): OrderStatus.REJECTED,
    (OrderStatus.PARTIAL, OrderEvent.PARTIALLY_FILLED): OrderStatus.PARTIAL,
    (OrderStatus.PARTIAL, OrderEvent.FILLED): OrderStatus.FILLED,
    (OrderStatus.PARTIAL, OrderEvent.CANCELLED): OrderStatus.PARTIAL_CANCELLED,
    (OrderStatus.PARTIAL, OrderEvent.EXPIRED): OrderStatus.PARTIAL_CANCELLED,
}

OPEN_STATUSES = (OrderStatus.NEW.value, OrderStatus.PARTIAL.value)


def apply(status: OrderStatus, event: OrderEvent) -> OrderStatus:
    """The table lookup alone, for callers that only track a status."""
    try:
        return TRANSITIONS[(status, event)]
    except KeyError:
        raise IllegalTransition(f"{status.value} 不能 {event.value}") from None


def fill_event(filled: int, quantity: int) -> OrderEvent:
    return OrderEvent.FILLED if filled >= quantity else OrderEvent.PARTIALLY_FILLED


# --- the aggregate --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Fill:
    """One execution. `fill_no` (成交编号) is given by the ledger when it is stored."""

    quantity: int
    price: Decimal
    amount: Decimal
    fee: Decimal
    at: str
    fill_no: int | None = None


@dataclass(frozen=True, slots=True)
class Order:
    """One order as the venue keeps it. `contract_no` is the venue's id (合同编号), an int here,
    never the engine's operation id."""

    contract_no: int
    account: str
    trade_date: str  # ISO date
    time: str  # 委托时间 HH:MM:SS
    code: str
    name: str
    side: str  # "buy" | "sell"
    op: str  # 操作 as the grid shows it: 买入, 卖出, 五档买入, 盘后买入…
    kind: OrderKind
    price: Decimal
    quantity: int
    strategy: str | None = None
    status: OrderStatus = OrderStatus.PENDING
    fills: tuple[Fill, ...] = ()
    frozen_initial: Decimal = ZERO
    held: bool = False
    cancelled: int = 0
    message: str = ""
    op_ref: str | None = None  # the engine operation that placed it (settles a crash by lookup)
    new_fills: tuple[Fill, ...] = field(default=(), compare=False)  # fills the ledger has not stored

    # --- derived from the fills ---

    @property
    def filled(self) -> int:
        return sum(f.quantity for f in self.fills)

    @property
    def filled_amount(self) -> Decimal:
        return sum((f.amount for f in self.fills), ZERO)

    @property
    def remaining(self) -> int:
        return self.quantity - self.filled

    @property
    def fee_total(self) -> Decimal:
        return sum((f.fee for f in self.fills), ZERO)

    def average_price(self) -> Decimal:
        """成交均价: the fills' prices weighted by quantity, at the instrument's tick. Not amount over
        quantity: a repo fill's amount is the principal and its price the annual rate."""
        tick = classify(self.code).tick
        filled = self.filled
        if not filled:
            return ZERO.quantize(tick)
        return (sum((f.price * f.quantity for f in self.fills), ZERO) / filled).quantize(tick)

    def fees(self, schedule: FeeSchedule) -> Fees:
        """The breakdown of the fees on the whole filled turnover (minimum commission once)."""
        return trade_fees(classify(self.code), self.side == "sell", self.filled_amount, schedule)

    def fee_for(self, amount: Decimal, schedule: FeeSchedule) -> Decimal:
        """What a further fill of `amount` adds to the fees: the fees of the cumulative turnover
        after it, less those already charged, so the minimum commission is paid once per order."""
        after = trade_fees(classify(self.code), self.side == "sell", self.filled_amount + amount, schedule)
        return after.total - self.fee_total

    @property
    def frozen_cash(self) -> Decimal:
        """Cash still frozen: the entry's freeze in proportion to the unfilled quantity."""
        if not self.status.is_open or self.quantity <= 0:
            return ZERO
        return self.frozen_initial * self.remaining / self.quantity

    # --- the only way to change it ---

    def apply(self, event: Event) -> Order:
        if isinstance(event, OrderFilled):
            if event.quantity <= 0 or event.quantity > self.remaining:
                raise IllegalTransition(f"成交数量 {event.quantity} 超出剩余数量 {self.remaining}")
            name = fill_event(self.filled + event.quantity, self.quantity)
        else:
            name = _NAMES[type(event)]
        status = apply(self.status, name)
        if isinstance(event, OrderAccepted):
            return replace(self, status=status, frozen_initial=event.frozen_cash, held=event.held)
        if isinstance(event, OrderRejected):
            return replace(self, status=status, message=event.reason)
        if isinstance(event, OrderReleased):
            return replace(self, held=False)
        if isinstance(event, OrderSubscribed):
            return replace(self, status=status)
        if isinstance(event, OrderFilled):
            amount = event.amount if event.amount is not None else event.price * event.quantity
            fill = Fill(event.quantity, event.price, amount, event.fee, event.at)
            return replace(self, status=status, fills=(*self.fills, fill), new_fills=(*self.new_fills, fill))
        return replace(self, status=status, cancelled=self.remaining)  # cancelled or expired


_NAMES: dict[type, OrderEvent] = {
    OrderAccepted: OrderEvent.ACCEPTED,
    OrderRejected: OrderEvent.REJECTED,
    OrderCancelled: OrderEvent.CANCELLED,
    OrderExpired: OrderEvent.EXPIRED,
    OrderReleased: OrderEvent.RELEASED,
    OrderSubscribed: OrderEvent.SUBSCRIBED,
}


__all__ = [
    "OPEN_STATUSES",
    "TRANSITIONS",
    "Event",
    "Fill",
    "IllegalTransition",
    "Order",
    "OrderAccepted",
    "OrderCancelled",
    "OrderEvent",
    "OrderExpired",
    "OrderFilled",
    "OrderKind",
    "OrderRejected",
    "OrderReleased",
    "OrderStatus",
    "OrderSubscribed",
    "apply",
    "fill_event",
]
