"""Daily price limits and the price cage, pinned with numbers from `docs/rules.md`."""

from __future__ import annotations

from datetime import date

import pytest

from easyths.domain.codes import classify
from easyths.domain.prices import cage_bounds, price_limits
from tests.brokers.sim.support import D

TODAY = date(2026, 11, 25)


def test_price_limit_of_600980_matches_the_real_client_dialog() -> None:
    assert price_limits(classify("600980"), D("25.53"), TODAY) == (D("22.98"), D("28.08"))


def test_price_limits_round_half_up_not_to_even() -> None:
    # 12.35 × 1.1 = 13.585: half-up gives 13.59 where banker's rounding would give 13.58
    assert price_limits(classify("600000"), D("12.35"), TODAY) == (D("11.12"), D("13.59"))


@pytest.mark.parametrize(
    ("code", "prev", "band"),
    [
        ("300750", "10.00", ("8.00", "12.00")),  # ChiNext 20%
        ("688981", "50.00", ("40.00", "60.00")),  # STAR 20%
        ("920001", "10.00", ("7.00", "13.00")),  # BSE 30%
        ("510300", "4.000", ("3.600", "4.400")),  # funds 10%, tick 0.001
        ("113050", "120.000", ("96.000", "144.000")),  # CB 20%
    ],
)
def test_price_limits_by_board(code: str, prev: str, band: tuple[str, str]) -> None:
    assert price_limits(classify(code), D(prev), TODAY) == (D(band[0]), D(band[1]))


def test_repo_has_no_price_limit() -> None:
    assert price_limits(classify("204001"), D("2.5"), TODAY) is None


def test_main_board_st_limit_is_5_percent_until_2026_07_05_and_10_after() -> None:
    main = classify("600000")
    assert price_limits(main, D("10.00"), date(2026, 7, 3), "ST海航") == (D("9.50"), D("10.50"))
    assert price_limits(main, D("10.00"), date(2026, 7, 6), "*ST海航") == (D("9.00"), D("11.00"))
    # ChiNext ST stays at 20%
    assert price_limits(classify("300001"), D("10.00"), date(2026, 7, 3), "ST特锐") == (D("8.00"), D("12.00"))


def test_price_cage_main_board_takes_the_wider_of_2_percent_and_10_ticks() -> None:
    main = classify("600000")
    assert cage_bounds(main, D("10.00"), D("10.00")) == (D("9.80"), D("10.20"))
    assert cage_bounds(main, D("2.00"), D("2.00")) == (D("1.90"), D("2.10"))
    assert cage_bounds(classify("300750"), D("2.00"), D("2.00")) == (D("1.96"), D("2.04"))
    assert cage_bounds(classify("510300"), D("4.000"), D("4.000")) is None
