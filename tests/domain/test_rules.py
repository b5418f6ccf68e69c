"""The exchange rules, pinned with numbers from `docs/rules.md`."""

from __future__ import annotations

from datetime import date, time

import pytest

from easyths.domain import calendar
from easyths.domain.codes import classify
from easyths.domain.orders import IllegalTransition, OrderEvent, OrderStatus, apply
from easyths.domain.rules import (
    FeeSchedule,
    Phase,
    accepts_cancels,
    accepts_orders,
    cage_bounds,
    is_t_plus_zero,
    price_limits,
    repo_fee,
    repo_interest,
    sell_quantity_error,
    session_phase,
    trade_fees,
)
from tests.brokers.sim.support import D

TODAY = date(2026, 11, 25)


@pytest.mark.parametrize(
    ("code", "good", "bad"),
    [
        ("600000", [100, 200, 1000], [50, 150]),  # main board: lots of 100
        ("300750", [100, 300], [120]),  # ChiNext: lots of 100
        ("688981", [200, 201, 257], [100, 199]),  # STAR: at least 200, then steps of 1
        ("920001", [100, 101], [99]),  # BSE: at least 100, then steps of 1
        ("113050", [10, 20], [5, 15]),  # convertible bonds: 10 张
        ("510300", [100, 500], [150]),  # ETF: 100 units
    ],
)
def test_buy_lots_follow_the_board(code: str, good: list[int], bad: list[int]) -> None:
    inst = classify(code)
    assert all(inst.buy_quantity_error(q) is None for q in good)
    assert all(inst.buy_quantity_error(q) for q in bad)


def test_a_repo_code_cannot_be_bought() -> None:
    """Buying 204001 would be borrowing (正回购): a retail account only lends, by selling."""
    assert "只能卖出" in (classify("204001").buy_quantity_error(10) or "")
    assert "只能卖出" in (classify("131810").buy_quantity_error(1000) or "")


def test_price_limit_of_600980_matches_the_real_client_dialog() -> None:
    assert price_limits(classify("600980"), D("25.53"), TODAY) == (D("22.98"), D("28.08"))


def test_price_limits_round_half_up_not_to_even() -> None:
    # 12.35 × 1.1 = 13.585: half-up gives 13.59 where banker's rounding would give 13.58
    assert price_limits(classify("600000"), D("12.35"), TODAY) == (D("11.12"), D("13.59"))


@pytest.mark.parametrize(
    ("code", "prev", "band"),
    [
        ("300750", "10.00", ("8.00", "12.00")),  # ChiNext 20%
        ("688981", "50.00", ("40.00", "60.00")),  # STAR 20%
        ("920001", "10.00", ("7.00", "13.00")),  # BSE 30%
        ("510300", "4.000", ("3.600", "4.400")),  # funds 10%, tick 0.001
        ("113050", "120.000", ("96.000", "144.000")),  # CB 20%
    ],
)
def test_price_limits_by_board(code: str, prev: str, band: tuple[str, str]) -> None:
    assert price_limits(classify(code), D(prev), TODAY) == (D(band[0]), D(band[1]))


def test_repo_has_no_price_limit() -> None:
    assert price_limits(classify("204001"), D("2.5"), TODAY) is None


def test_main_board_st_limit_is_5_percent_until_2026_07_05_and_10_after() -> None:
    main = classify("600000")
    assert price_limits(main, D("10.00"), date(2026, 7, 3), "ST海航") == (D("9.50"), D("10.50"))
    assert price_limits(main, D("10.00"), date(2026, 7, 6), "*ST海航") == (D("9.00"), D("11.00"))
    # ChiNext ST stays at 20%
    assert price_limits(classify("300001"), D("10.00"), date(2026, 7, 3), "ST特锐") == (D("8.00"), D("12.00"))


def test_price_cage_main_board_takes_the_wider_of_2_percent_and_10_ticks() -> None:
    main = classify("600000")
    assert cage_bounds(main, D("10.00"), D("10.00")) == (D("9.80"), D("10.20"))
    assert cage_bounds(main, D("2.00"), D("2.00")) == (D("1.90"), D("2.10"))
    assert cage_bounds(classify("300750"), D("2.00"), D("2.00")) == (D("1.96"), D("2.04"))
    assert cage_bounds(classify("510300"), D("4.000"), D("4.000")) is None


def test_buy_100_at_10_pays_the_minimum_commission_and_a_transfer_fee() -> None:
    fees = trade_fees(classify("600000"), False, D("1000.00"), FeeSchedule())
    assert (fees.commission, fees.stamp_duty, fees.transfer_fee) == (D("5.00"), D("0.00"), D("0.01"))


def test_stock_sell_adds_stamp_duty_each_fee_rounded_half_up() -> None:
    fees = trade_fees(classify("600000"), True, D("1000000"), FeeSchedule())
    assert (fees.commission, fees.stamp_duty, fees.transfer_fee) == (D("250.00"), D("500.00"), D("10.00"))
    small = trade_fees(classify("000001"), True, D("1050"), FeeSchedule())
    assert (small.stamp_duty, small.transfer_fee) == (D("0.53"), D("0.01"))  # 0.525 → 0.53


def test_etf_and_convertible_pay_commission_only() -> None:
    for code in ("510300", "113050"):
        fees = trade_fees(classify(code), True, D("100000"), FeeSchedule())
        assert (fees.commission, fees.stamp_duty, fees.transfer_fee) == (D("25.00"), D("0.00"), D("0.00"))


def test_repo_fee_and_interest() -> None:
    assert repo_fee(1, D("1000000")) == D("10.00")
    assert repo_fee(7, D("100000")) == D("5.00")
    assert repo_fee(91, D("100000")) == D("30.00")
    assert repo_interest(D("100000"), D("2.5"), 3) == D("20.55")  # 100000 × 2.5% × 3 / 365


@pytest.mark.parametrize(
    ("at", "phase", "orders", "cancels"),
    [
        (time(9, 10), Phase.PRE_OPEN, False, False),
        (time(9, 15), Phase.OPENING_CALL, True, True),
        (time(9, 22), Phase.OPENING_CALL_LOCKED, True, False),
        (time(9, 27), Phase.PRE_CONTINUOUS, False, False),
        (time(9, 30), Phase.CONTINUOUS, True, True),
        (time(12, 0), Phase.LUNCH, True, True),
        (time(14, 56, 59), Phase.CONTINUOUS, True, True),
        (time(14, 58), Phase.CLOSING_CALL, True, False),
        (time(15, 0), Phase.CLOSED, False, False),
    ],
)
def test_sessions_by_time(at: time, phase: Phase, orders: bool, cancels: bool) -> None:
    assert session_phase(at) is phase
    assert accepts_orders(phase) is orders
    assert accepts_cancels(phase) is cancels


def test_a_holiday_has_no_session() -> None:
    assert session_phase(time(10, 0), trading_day=False) is Phase.HOLIDAY


@pytest.mark.parametrize(
    ("qty", "ok"),
    [
        (99, True),
        (100, True),
        (199, True),
        (200, True),
        (299, True),
        (1, False),
        (101, False),
        (198, False),
        (298, False),
    ],
)
def test_odd_lot_remainder_is_sold_in_one_order(qty: int, ok: bool) -> None:
    assert (sell_quantity_error(classify("600000"), qty, 299) is None) is ok


def test_star_sells_step_by_one_above_200_and_a_small_holding_goes_whole() -> None:
    star = classify("688981")
    assert sell_quantity_error(star, 201, 250) is None
    assert sell_quantity_error(star, 50, 250)
    assert sell_quantity_error(star, 150, 150) is None


def test_t_plus_zero_for_convertibles_and_configured_funds() -> None:
    assert is_t_plus_zero(classify("113050"))
    assert not is_t_plus_zero(classify("600000"))
    assert not is_t_plus_zero(classify("511990"))
    assert is_t_plus_zero(classify("511990"), ["511990"])


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


def test_calendar_knows_holidays_and_falls_back_to_weekdays_beyond_its_range() -> None:
    assert not calendar.is_session(date(2026, 10, 1))  # National Day
    assert calendar.is_session(date(2026, 11, 27))
    assert calendar.next_session(date(2026, 11, 27)) == date(2026, 11, 30)  # Friday → Monday
    assert calendar.is_session(date(2027, 3, 3))  # beyond the library: a Wednesday
    assert not calendar.is_session(date(2027, 3, 6))  # a Saturday
    # statutory holidays are known beyond the library too: 元旦, 春节 (除夕 on 2027-02-05), 劳动节, 国庆
    assert not any(calendar.is_session(date(2027, m, d)) for m, d in ((1, 1), (2, 5), (2, 8), (5, 1), (10, 1)))
    assert calendar.next_session(date(2026, 12, 31)) == date(2027, 1, 4)  # GC001 on the last day earns 4 days
