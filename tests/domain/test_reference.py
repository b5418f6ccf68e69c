"""The shipped reference data: every file names its source and date; the lists hold what they say."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from easyths.domain import reference
from easyths.domain.codes import classify
from easyths.domain.prices import price_limits


def test_every_shipped_file_names_its_source_and_its_date() -> None:
    data = reference.load()
    for name in (reference.SECURITIES, reference.LIMIT20, reference.T0):
        header = " ".join(data.sources[name])
        assert "来源" in header and re.search(r"20\d\d-\d\d-\d\d", header), name


def test_names_types_and_listing_dates_of_listed_codes() -> None:
    data = reference.load()
    assert len(data.securities) > 5000
    sec = data.securities["600000"]
    assert (sec.name, sec.type, sec.list_date) == ("浦发银行", "沪市主板", date(1999, 11, 10))
    assert data.securities["688981"].type == "科创板"
    assert data.securities["300750"].name == "宁德时代"
    assert data.name("204001") == "GC001"  # repo codes are named too
    assert data.name("588000") == "科创50ETF"


def test_the_fund_lists_hold_star_and_chinext_etfs_and_t0_kinds() -> None:
    data = reference.load()
    assert {"588000", "159915"} <= data.limit20
    assert {"518880", "511990", "513100", "511010"} <= data.t0
    assert "510300" not in data.limit20 | data.t0  # 沪深300ETF: ±10%, T+1


def test_a_20_percent_fund_gets_the_wider_band_rounded_to_its_tick() -> None:
    etf = classify("588000")
    band = price_limits(etf, Decimal("1.234"), date(2026, 11, 25), limit20=True)
    assert band == (Decimal("0.987"), Decimal("1.481"))  # 1.234 × 0.8 = 0.9872, × 1.2 = 1.4808
    assert price_limits(etf, Decimal("1.234"), date(2026, 11, 25)) == (Decimal("1.111"), Decimal("1.357"))


def test_trading_day_of_listing_counts_sessions() -> None:
    assert reference.trading_day_of_listing(date(2026, 11, 23), date(2026, 11, 23)) == 1
    assert reference.trading_day_of_listing(date(2026, 11, 23), date(2026, 11, 27)) == 5
    assert reference.trading_day_of_listing(date(2026, 11, 23), date(2026, 11, 30)) == 6  # over a weekend
    assert reference.trading_day_of_listing(date(2000, 1, 4), date(2026, 11, 30)) is None
