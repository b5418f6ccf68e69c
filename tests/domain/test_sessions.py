"""The phases of a trading day and what each accepts (`docs/rules.md`, sessions)."""

from __future__ import annotations

from datetime import time

import pytest

from easyths.domain.sessions import Phase, accepts_cancels, accepts_orders, session_phase


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
