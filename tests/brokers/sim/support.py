"""Helpers shared by the sim tests."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path

from easyths.brokers.sim import SimBroker, VirtualClock
from easyths.settings import SimSection

WEDNESDAY = datetime(2026, 11, 25, 9, 30)  # an ordinary session
FRIDAY = datetime(2026, 11, 27, 10, 0)


def D(text: str | int) -> Decimal:
    return Decimal(str(text))


def open_broker(path: Path, start: datetime | None = WEDNESDAY, **settings: object) -> SimBroker:
    clock = VirtualClock(start) if start is not None else None
    return SimBroker(path, SimSection(**settings), clock=clock)
