"""The A-share trading calendar (SSE, SZSE and BSE share one), from `exchange_calendars` XSHG.

Why a copied holiday table: importing `exchange_calendars` (and pandas with it) and building the
XSHG calendar costs about half a second, more than the rest of a start together, and the sim needs
the calendar when it starts. XSHG is a precomputed calendar (weekdays minus a fixed holiday
list), so `xshg_holidays.py` holds that list as the installed version of the library has it, and
the calendar is rebuilt from it with the library's own bounds. When another version of the
library is installed, the library itself is asked, as before (slower, never different).
Regenerate the table with `python -m easyths.domain.calendar > src/easyths/domain/xshg_holidays.py`.

Why lazy: built on first use, once per process. Beyond the library's known holidays (its
`last_session`, 2026-12-31 in 4.x) the virtual clock can still be advanced: there we fall back to
Monday–Friday less the statutory holidays fixed by law (《全国年节及纪念日放假办法》, 2025: 元旦 1,
春节 4 from 除夕, 劳动节 2, 国庆 3 days), because the exchanges have not published the rest (清明,
端午, 中秋 and the bridging days) yet either. Without them a GC001 lent on 31 December would mature
on New Year's Day and earn one day instead of four.
"""

from __future__ import annotations

import threading
import warnings
from dataclasses import dataclass
from datetime import date, timedelta

_lock = threading.Lock()


@dataclass(frozen=True, slots=True)
class _Sessions:
    """Sessions between `first` and `last` are the weekdays not in `holidays`; outside, Monday–Friday."""

    holidays: frozenset[date]
    first: date
    last: date


_sessions: _Sessions | None = None


def _load() -> _Sessions:
    global _sessions
    if _sessions is None:
        with _lock:
            if _sessions is None:
                _sessions = _from_table() or _from_library()
    return _sessions


def _from_library() -> _Sessions:
    import exchange_calendars as xcals

    with warnings.catch_warnings():  # the library's own pandas deprecations, not ours
        warnings.simplefilter("ignore")
        cal = xcals.get_calendar("XSHG")
    days = frozenset(ts.date() for ts in cal.sessions)
    first, last = cal.first_session.date(), cal.last_session.date()
    holidays = frozenset(d for d in _days(first, last) if d.weekday() < 5 and d not in days)
    return _Sessions(holidays, first, last)


def _from_table(today: date | None = None) -> _Sessions | None:
    """The library's XSHG calendar without importing it, when the table is of the installed version.

    The bounds are the library's defaults: from 20 years before today (not before its first
    holiday year) to a year after today (not beyond its last holiday year)."""
    from importlib.metadata import PackageNotFoundError, version

    from easyths.domain import xshg_holidays as table

    try:
        if version("exchange_calendars") != table.VERSION:
            return None
    except PackageNotFoundError:
        return None
    holidays = frozenset(date.fromisoformat(d) for d in table.HOLIDAYS.split())
    today = today or date.today()  # the library uses the local date too (pd.Timestamp.now())
    start = max(_add_years(today, -20), date.fromisoformat(table.BOUND_MIN))
    end = min(_add_years(today, 1), date.fromisoformat(table.BOUND_MAX))
    first = start
    while first.weekday() >= 5 or first in holidays:
        first += timedelta(days=1)
    last = end
    while last.weekday() >= 5 or last in holidays:
        last -= timedelta(days=1)
    return _Sessions(frozenset(d for d in holidays if first <= d <= last), first, last)


def _add_years(day: date, years: int) -> date:
    """As pandas' DateOffset(years=n): 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


_FIXED_HOLIDAYS = frozenset({(1, 1), (5, 1), (5, 2), (10, 1), (10, 2), (10, 3)})
_NEW_YEARS_EVE = {  # 农历除夕: the Spring Festival's four statutory days start here
    2027: date(2027, 2, 5),
    2028: date(2028, 1, 25),
    2029: date(2029, 2, 12),
    2030: date(2030, 2, 2),
    2031: date(2031, 1, 22),
}


def _statutory_holiday(day: date) -> bool:
    if (day.month, day.day) in _FIXED_HOLIDAYS:
        return True
    eve = _NEW_YEARS_EVE.get(day.year)
    return eve is not None and 0 <= (day - eve).days < 4


def is_session(day: date) -> bool:
    s = _load()
    if s.first <= day <= s.last:
        return day.weekday() < 5 and day not in s.holidays
    return day.weekday() < 5 and not _statutory_holiday(day)


def next_session(day: date) -> date:
    """The first trading day strictly after `day`."""
    day += timedelta(days=1)
    while not is_session(day):
        day += timedelta(days=1)
    return day


def session_on_or_after(day: date) -> date:
    return day if is_session(day) else next_session(day)


def previous_session(day: date) -> date:
    day -= timedelta(days=1)
    while not is_session(day):
        day -= timedelta(days=1)
    return day


def sessions_between(start: date, end: date) -> list[date]:
    """Trading days in (start, end]."""
    out: list[date] = []
    day = next_session(start)
    while day <= end:
        out.append(day)
        day = next_session(day)
    return out


def render_table() -> str:
    """`xshg_holidays.py` as the installed `exchange_calendars` has the XSHG holidays."""
    from importlib.metadata import version

    import exchange_calendars as xcals

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cls = type(xcals.get_calendar("XSHG"))
        listed = sorted(ts.date() for ts in cls.precomputed_holidays())
        bound_min, bound_max = cls.bound_min().date(), cls.bound_max().date()
    weekdays = [d.isoformat() for d in listed if d.weekday() < 5]
    lines = [" ".join(weekdays[i : i + 10]) for i in range(0, len(weekdays), 10)]
    body = "\n".join(lines)
    return (
        '"""XSHG holidays (weekdays without a session) as `exchange_calendars` lists them; generated by\n'
        "`python -m easyths.domain.calendar`, used by `calendar.py` only with this version of the library.\n"
        '"""\n\n'
        f'VERSION = "{version("exchange_calendars")}"\n'
        f'BOUND_MIN = "{bound_min.isoformat()}"\n'
        f'BOUND_MAX = "{bound_max.isoformat()}"\n'
        f'HOLIDAYS = """\n{body}\n"""\n'
    )


__all__ = ["is_session", "next_session", "previous_session", "session_on_or_after", "sessions_between"]


if __name__ == "__main__":  # pragma: no cover - regenerates xshg_holidays.py
    print(render_table(), end="")
