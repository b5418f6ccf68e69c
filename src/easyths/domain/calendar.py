"""The A-share trading calendar (SSE, SZSE and BSE share one), from `exchange_calendars` XSHG.

Why lazy: building the XSHG calendar costs about a second, so it is built on first use, once
per process, and reduced to a set of dates. Beyond the library's known holidays (its
`last_session`, 2026-12-31 in 4.x) the virtual clock can still be advanced: there we fall back to
Monday–Friday, because the exchanges have not published those holidays yet either.
"""

from __future__ import annotations

import threading
import warnings
from datetime import date, timedelta

_lock = threading.Lock()
_sessions: tuple[frozenset[date], date, date] | None = None


def _load() -> tuple[frozenset[date], date, date]:
    global _sessions
    if _sessions is None:
        with _lock:
            if _sessions is None:
                import exchange_calendars as xcals

                with warnings.catch_warnings():  # the library's own pandas deprecations, not ours
                    warnings.simplefilter("ignore")
                    cal = xcals.get_calendar("XSHG")
                days = frozenset(ts.date() for ts in cal.sessions)
                _sessions = (days, cal.first_session.date(), cal.last_session.date())
    return _sessions


def is_session(day: date) -> bool:
    days, first, last = _load()
    if first <= day <= last:
        return day in days
    return day.weekday() < 5


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


__all__ = ["is_session", "next_session", "previous_session", "session_on_or_after", "sessions_between"]
