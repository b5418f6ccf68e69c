"""The Windows start-up checks' decisions, on the facts Windows would give them."""

from __future__ import annotations

from easyths.winenv import (
    elevation_problem,
    parse_excluded_ranges,
    port_problem,
    python_problem,
)

# `netsh interface ipv4 show excludedportrange protocol=tcp` on a Chinese Windows with Hyper-V.
NETSH = """
协议 tcp 端口排除范围

开始端口    结束端口
----------    --------
      5357        5357
      7601        7700
     50000       50059     *

* - 管理的端口排除。
"""


def test_the_reserved_ranges_are_read_from_netsh_in_any_language() -> None:
    assert parse_excluded_ranges(NETSH) == [(5357, 5357), (7601, 7700), (50000, 50059)]


def test_a_port_inside_a_reserved_range_is_named_with_the_range() -> None:
    problem = port_problem(7648, parse_excluded_ranges(NETSH))
    assert problem is not None and "7601–7700" in problem and "--port" in problem
    assert port_problem(7600, parse_excluded_ranges(NETSH)) is None
    assert port_problem(7648, None) is None  # ranges unknown: no guess


def test_a_client_more_elevated_than_the_service_is_a_problem_saying_keys_are_dropped() -> None:
    problem = elevation_problem(service=False, client=True)
    assert problem is not None and "管理员" in problem and "丢弃" in problem


def test_the_same_elevation_or_an_unknown_one_is_no_problem() -> None:
    assert elevation_problem(True, True) is None and elevation_problem(False, False) is None
    assert elevation_problem(None, True) is None and elevation_problem(False, None) is None
    assert elevation_problem(service=True, client=False) is not None


def test_32_bit_python_is_named() -> None:
    assert python_problem(64) is None
    problem = python_problem(32)
    assert problem is not None and "64 位" in problem
