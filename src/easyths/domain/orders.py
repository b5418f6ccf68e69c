"""The order state machine: THS 备注 states and one transition table.

Why a table: every place that changes an order (fill, cancel, day close, rejection) goes through
`apply()`, so an illegal move (a fill on a cancelled order) is an error at the spot instead of a
silently wrong grid.
"""

from __future__ import annotations

from enum import StrEnum


class OrderStatus(StrEnum):
    """备注 as the client prints it."""

    NEW = "未成交"  # accepted, nothing filled yet
    PARTIAL = "部分成交"  # some filled, the rest still working
    FILLED = "已成"  # everything filled (terminal)
    CANCELLED = "已撤"  # cancelled or expired with nothing filled (terminal)
    PARTIAL_CANCELLED = "部撤"  # cancelled or expired after a partial fill (terminal)
    REJECTED = "废单"  # refused by the exchange, e.g. outside the price limits (terminal)

    @property
    def is_open(self) -> bool:
        return self in (OrderStatus.NEW, OrderStatus.PARTIAL)


class OrderEvent(StrEnum):
    PARTIALLY_FILLED = "partially_filled"
    FILLED = "filled"
    CANCELLED = "cancelled"  # by the user, by the day's close or by a market order's remainder
    REJECTED = "rejected"


TRANSITIONS: dict[tuple[OrderStatus, OrderEvent], OrderStatus] = {
    (OrderStatus.NEW, OrderEvent.PARTIALLY_FILLED): OrderStatus.PARTIAL,
    (OrderStatus.NEW, OrderEvent.FILLED): OrderStatus.FILLED,
    (OrderStatus.NEW, OrderEvent.CANCELLED): OrderStatus.CANCELLED,
    (OrderStatus.NEW, OrderEvent.REJECTED): OrderStatus.REJECTED,
    (OrderStatus.PARTIAL, OrderEvent.PARTIALLY_FILLED): OrderStatus.PARTIAL,
    (OrderStatus.PARTIAL, OrderEvent.FILLED): OrderStatus.FILLED,
    (OrderStatus.PARTIAL, OrderEvent.CANCELLED): OrderStatus.PARTIAL_CANCELLED,
}

OPEN_STATUSES = (OrderStatus.NEW.value, OrderStatus.PARTIAL.value)


class IllegalTransition(ValueError):
    pass


def apply(status: OrderStatus, event: OrderEvent) -> OrderStatus:
    try:
        return TRANSITIONS[(status, event)]
    except KeyError:
        raise IllegalTransition(f"{status.value} 不能 {event.value}") from None


def fill_event(filled: int, quantity: int) -> OrderEvent:
    return OrderEvent.FILLED if filled >= quantity else OrderEvent.PARTIALLY_FILLED


__all__ = ["OPEN_STATUSES", "TRANSITIONS", "IllegalTransition", "OrderEvent", "OrderStatus", "apply", "fill_event"]
