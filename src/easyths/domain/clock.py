"""Clocks: a virtual one that moves only when told, and the wall clock (`Clock` is what both are).

Why in `domain` and injected: the sim, risk and the API read the same clock. Tests and strategy
rehearsals replay whole days in milliseconds on the virtual clock; paper trading in real time uses
the wall clock. The broker persists the virtual time, so a restart resumes where the clock stood.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from typing import Protocol, runtime_checkable
from zoneinfo import ZoneInfo

from easyths.domain import calendar

SHANGHAI = ZoneInfo("Asia/Shanghai")
SESSION_OPEN = time(9, 30)


@runtime_checkable
class Clock(Protocol):
    virtual: bool

    def now(self) -> datetime:
        """Aware datetime in Asia/Shanghai."""
        ...


class VirtualClock:
    virtual = True

    def __init__(self, start: datetime | None = None) -> None:
        self._now = as_shanghai(start) if start is not None else default_start()

    def now(self) -> datetime:
        return self._now

    def set(self, when: datetime) -> None:
        self._now = as_shanghai(when)


class WallClock:
    virtual = False

    def __init__(self, now: Callable[[], datetime] | None = None) -> None:
        self._now_fn = now or (lambda: datetime.now(SHANGHAI))

    def now(self) -> datetime:
        return as_shanghai(self._now_fn())


def as_shanghai(when: datetime) -> datetime:
    """Naive times are taken as Shanghai time: that is what users type into `start` and `to`."""
    if when.tzinfo is None:
        return when.replace(tzinfo=SHANGHAI)
    return when.astimezone(SHANGHAI)


def default_start(today: date | None = None) -> datetime:
    """09:30 of today when today is a session, else of the next session."""
    today = today or datetime.now(SHANGHAI).date()
    day = calendar.session_on_or_after(today)
    return datetime.combine(day, SESSION_OPEN, tzinfo=SHANGHAI)


def parse_start(text: str | None) -> datetime | None:
    return as_shanghai(datetime.fromisoformat(text)) if text else None


__all__ = ["SHANGHAI", "Clock", "VirtualClock", "WallClock", "as_shanghai", "default_start", "parse_start"]
