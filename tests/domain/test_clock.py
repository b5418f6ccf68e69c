"""The clocks: times are Shanghai's, the virtual one moves only when told, and a default start
is the next session's open."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from easyths.domain.clock import SHANGHAI, VirtualClock, WallClock, as_shanghai, default_start, parse_start


def test_a_naive_time_is_taken_as_shanghai_and_an_aware_one_is_converted() -> None:
    assert as_shanghai(datetime(2026, 11, 25, 9, 30)) == datetime(2026, 11, 25, 9, 30, tzinfo=SHANGHAI)
    utc = datetime(2026, 11, 25, 1, 30, tzinfo=UTC)
    assert as_shanghai(utc).hour == 9 and as_shanghai(utc).tzinfo is SHANGHAI
    assert parse_start("2026-11-25T09:30:00") == datetime(2026, 11, 25, 9, 30, tzinfo=SHANGHAI)
    assert parse_start("") is None and parse_start(None) is None


def test_the_virtual_clock_stands_still_until_set() -> None:
    clock = VirtualClock(datetime(2026, 11, 25, 9, 30))
    assert clock.now() == clock.now() == datetime(2026, 11, 25, 9, 30, tzinfo=SHANGHAI)
    clock.set(datetime(2026, 11, 26, 14, 0))
    assert clock.now() == datetime(2026, 11, 26, 14, 0, tzinfo=SHANGHAI) and clock.virtual


def test_the_wall_clock_reads_its_source_in_shanghai_time() -> None:
    ticks = iter([datetime(2026, 11, 25, 1, 30, tzinfo=UTC), datetime(2026, 11, 25, 1, 31, tzinfo=UTC)])
    clock = WallClock(lambda: next(ticks))
    assert clock.now().hour == 9 and clock.now() - datetime(2026, 11, 25, 9, 30, tzinfo=SHANGHAI) == timedelta(
        minutes=1
    )
    assert not clock.virtual


def test_the_default_start_is_the_open_of_today_or_of_the_next_session() -> None:
    assert default_start(date(2026, 11, 25)) == datetime(2026, 11, 25, 9, 30, tzinfo=SHANGHAI)  # a Wednesday
    assert default_start(date(2026, 11, 28)) == datetime(2026, 11, 30, 9, 30, tzinfo=SHANGHAI)  # Saturday → Monday
    assert default_start(date(2026, 10, 1)).date() == date(2026, 10, 8)  # after the National Day week
