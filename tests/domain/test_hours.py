"""Time-of-day ranges as users write them in settings: parsed whole or refused in Chinese."""

from __future__ import annotations

from datetime import time

import pytest

from easyths.domain.hours import in_windows, parse_hours


def test_ranges_parse_to_time_pairs_spaces_allowed() -> None:
    assert parse_hours(["09:15-11:30", "13:00 - 15:00"]) == [(time(9, 15), time(11, 30)), (time(13), time(15))]
    assert parse_hours([]) == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("9:15-11:30", "交易时段格式应为 HH:MM-HH:MM，收到: '9:15-11:30'"),
        ("09:15", "交易时段格式应为 HH:MM-HH:MM，收到: '09:15'"),
        ("上午-下午", "交易时段格式应为 HH:MM-HH:MM"),
        ("11:30-09:15", "交易时段结束时间必须晚于开始时间: '11:30-09:15'"),
        ("13:00-13:00", "交易时段结束时间必须晚于开始时间"),
    ],
)
def test_a_malformed_range_is_refused_naming_it(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_hours(["09:30-11:30", text])


def test_a_window_holds_its_start_not_its_end() -> None:
    windows = parse_hours(["15:05-15:30"])
    assert in_windows(time(15, 5), windows) and in_windows(time(15, 29, 59), windows)
    assert not in_windows(time(15, 30), windows) and not in_windows(time(15, 4, 59), windows)
    assert not in_windows(time(10), [])
