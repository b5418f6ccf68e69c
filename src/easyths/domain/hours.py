"""Time-of-day ranges as users write them in settings ("09:15-11:30").

Why in `domain`: both the settings (to refuse a malformed `[risk].trading_hours` at load) and the
risk rules (to apply it) read them, and the settings must not import the risk package above them.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import time


def parse_hours(ranges: Iterable[str]) -> list[tuple[time, time]]:
    """`["09:15-11:30", "13:00-15:00"]` → time pairs; ValueError names a malformed range."""
    parsed = []
    for text in ranges:
        try:
            start, end = (time.fromisoformat(part.strip()) for part in text.split("-"))
        except ValueError as exc:
            raise ValueError(f"交易时段格式应为 HH:MM-HH:MM，收到: {text!r}") from exc
        if end <= start:
            raise ValueError(f"交易时段结束时间必须晚于开始时间: {text!r}")
        parsed.append((start, end))
    return parsed


def in_windows(at: time, windows: Collection[tuple[time, time]]) -> bool:
    """Whether `at` falls in one of the parsed ranges, each start included and end excluded."""
    return any(start <= at < end for start, end in windows)


__all__ = ["in_windows", "parse_hours"]
