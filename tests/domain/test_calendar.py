"""The copied XSHG holiday table gives exactly the library's calendar (start-up skips the library)."""

from __future__ import annotations

from datetime import date, timedelta
from importlib.metadata import version
from pathlib import Path

import pytest

from easyths.domain import calendar, xshg_holidays


def test_table_is_the_installed_librarys_calendar() -> None:
    if version("exchange_calendars") != xshg_holidays.VERSION:
        pytest.skip(
            f"exchange_calendars {version('exchange_calendars')} installed, table from {xshg_holidays.VERSION}: "
            "regenerate with python -m easyths.domain.calendar > src/easyths/domain/xshg_holidays.py"
        )
    table, library = calendar._from_table(), calendar._from_library()
    assert table == library
    day = date(1985, 1, 1)
    while day <= date(2029, 12, 31):
        inside = library.first <= day <= library.last
        closed = day in library.holidays if inside else calendar._statutory_holiday(day)  # beyond: 元旦, 春节…
        expected = day.weekday() < 5 and not closed
        assert calendar.is_session(day) is expected, day
        day += timedelta(days=1)


def test_table_file_is_what_the_generator_writes() -> None:
    if version("exchange_calendars") != xshg_holidays.VERSION:
        pytest.skip("another exchange_calendars version installed")
    assert calendar.render_table() == Path(xshg_holidays.__file__).read_text(encoding="utf-8")


def test_another_library_version_is_asked_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xshg_holidays, "VERSION", "0.0.0")
    assert calendar._from_table() is None


def test_bounds_follow_the_librarys_defaults() -> None:
    s = calendar._from_table(date(2026, 11, 28))
    if s is None:
        pytest.skip("another exchange_calendars version installed")
    assert s.first == date(2006, 11, 28)  # a Tuesday, 20 years back
    assert s.last == date(2026, 12, 31)  # the library's last holiday year
    assert calendar._add_years(date(2028, 2, 29), -20) == date(2008, 2, 29)
    assert calendar._add_years(date(2028, 2, 29), 1) == date(2029, 2, 28)


def test_calendar_knows_holidays_and_falls_back_to_weekdays_beyond_its_range() -> None:
    assert not calendar.is_session(date(2026, 10, 1))  # National Day
    assert calendar.is_session(date(2026, 11, 27))
    assert calendar.next_session(date(2026, 11, 27)) == date(2026, 11, 30)  # Friday → Monday
    assert calendar.is_session(date(2027, 3, 3))  # beyond the library: a Wednesday
    assert not calendar.is_session(date(2027, 3, 6))  # a Saturday
    # statutory holidays are known beyond the library too: 元旦, 春节 (除夕 on 2027-02-05), 劳动节, 国庆
    assert not any(calendar.is_session(date(2027, m, d)) for m, d in ((1, 1), (2, 5), (2, 8), (5, 1), (10, 1)))
    assert calendar.next_session(date(2026, 12, 31)) == date(2027, 1, 4)  # GC001 on the last day earns 4 days
