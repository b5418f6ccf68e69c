"""The order aggregate: fills, derived figures and the transition table."""

from __future__ import annotations

from decimal import Decimal

import pytest

from easyths.domain.fees import FeeSchedule
from easyths.domain.orders import (
    IllegalTransition,
    Order,
    OrderAccepted,
    OrderCancelled,
    OrderEvent,
    OrderExpired,
    OrderFilled,
    OrderKind,
    OrderRejected,
    OrderStatus,
    apply,
)

D = Decimal
FEES = FeeSchedule()


def _buy(qty: int = 1000, price: str = "10.00", frozen: str = "10005.10") -> Order:
    order = Order(1, "a", "2026-11-25", "09:30:00", "600000", "浦发银行", "buy", "买入", OrderKind.LIMIT, D(price), qty)
    return order.apply(OrderAccepted(D(frozen)))


def _fill(order: Order, qty: int, price: str) -> Order:
    amount = D(price) * qty
    return order.apply(OrderFilled(qty, D(price), "09:31:00", order.fee_for(amount, FEES)))


def test_an_order_filled_in_one_part_averages_at_that_price_and_releases_all_it_froze() -> None:
    order = _fill(_buy(), 1000, "9.98")
    assert order.status is OrderStatus.FILLED
    assert (order.filled, order.average_price(), order.frozen_cash) == (1000, D("9.98"), 0)
    assert order.fee_total == D("5.00") + D("0.10")  # min commission 5, transfer 0.001% of 9980


def test_an_order_filled_in_two_parts_averages_over_both_and_pays_the_minimum_once() -> None:
    order = _fill(_buy(), 300, "10.00")
    assert order.status is OrderStatus.PARTIAL
    assert order.frozen_cash == D("10005.10") * 700 / 1000
    order = _fill(order, 700, "9.90")
    assert order.average_price() == D("9.93")  # (3000 + 6930) / 1000
    assert order.filled_amount == D("9930.00")
    assert order.fee_total == D("5.00") + D("0.10")  # fees of 9930: commission 5 once, transfer 0.0993→0.10
    assert order.frozen_cash == 0


def test_an_order_filled_in_many_parts_sums_every_part() -> None:
    order = _buy(qty=100_000, price="10.00", frozen="1000635.00")
    prices = ["10.00", "9.99", "9.98", "9.97", "9.96"] * 4
    for price in prices:
        order = _fill(order, 5000, price)
    assert order.status is OrderStatus.FILLED and len(order.fills) == 20
    total = sum(D(p) * 5000 for p in prices)
    assert order.filled_amount == total == D("998000.00")
    assert order.average_price() == D("9.98")
    fees = order.fees(FEES)
    assert fees.commission == D("249.50") and fees.transfer_fee == D("9.98")
    # per-fill fees add up to the fees of the whole turnover, give or take the cent rounding
    assert abs(order.fee_total - fees.total) <= D("0.01")


def test_cancelling_a_partly_filled_order_is_部撤_and_frees_the_rest() -> None:
    order = _fill(_buy(), 400, "10.00").apply(OrderCancelled())
    assert (order.status, order.cancelled, order.frozen_cash) == (OrderStatus.PARTIAL_CANCELLED, 600, 0)


def test_expiry_of_an_untouched_order_is_已撤() -> None:
    order = _buy().apply(OrderExpired())
    assert (order.status, order.cancelled) == (OrderStatus.CANCELLED, 1000)


def test_illegal_moves_fail_at_the_spot() -> None:
    with pytest.raises(IllegalTransition):
        _buy().apply(OrderCancelled()).apply(OrderFilled(100, D("10"), "09:31:00"))
    with pytest.raises(IllegalTransition):
        _fill(_buy(), 1000, "10.00").apply(OrderCancelled())
    with pytest.raises(IllegalTransition):
        _buy().apply(OrderFilled(1100, D("10"), "09:31:00"))  # more than remains
    pending = Order(2, "a", "2026-11-25", "09:30:00", "600000", "", "buy", "买入", OrderKind.LIMIT, D(10), 100)
    assert pending.apply(OrderRejected("超出涨跌停")).status is OrderStatus.REJECTED


def test_order_state_machine() -> None:
    assert apply(OrderStatus.NEW, OrderEvent.PARTIALLY_FILLED) is OrderStatus.PARTIAL
    assert apply(OrderStatus.PARTIAL, OrderEvent.FILLED) is OrderStatus.FILLED
    assert apply(OrderStatus.PARTIAL, OrderEvent.CANCELLED) is OrderStatus.PARTIAL_CANCELLED
    assert apply(OrderStatus.NEW, OrderEvent.CANCELLED) is OrderStatus.CANCELLED
    assert apply(OrderStatus.NEW, OrderEvent.REJECTED) is OrderStatus.REJECTED
    with pytest.raises(IllegalTransition):
        apply(OrderStatus.CANCELLED, OrderEvent.FILLED)
    with pytest.raises(IllegalTransition):
        apply(OrderStatus.FILLED, OrderEvent.CANCELLED)
