"""Stamp duty and transfer fee follow the sim's day: a replayed 2023 day pays 2023's rates."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from easyths.brokers.base import Side
from easyths.domain.codes import classify
from easyths.domain.fees import STAMP_DUTY_RATES, TRANSFER_FEE_RATES, FeeSchedule, rate_on, trade_fees
from easyths.settings import SimFees
from tests.brokers.sim.support import D, open_broker


def _round_trip_fees(db: Path, start: datetime, **fees: object) -> tuple[Decimal, Decimal]:
    """Buy 1,000 at 10.00 on `start`, sell them the next session at 10.00: (buy fees, sell fees)."""
    sim = open_broker(db, start, fees=SimFees(**fees))
    try:
        sim.set_quote("600000", D("10.00"), D("10.00"), bid=D("10.00"), ask=D("10.00"))
        sim.place_order(Side.BUY, "600000", D("10.00"), 1000)
        buy_fee = D("1000000") - D("10000") - sim.funds()["资金余额"]
        sim.advance(days=1)
        sim.set_quote("600000", D("10.00"), D("10.00"), bid=D("10.00"), ask=D("10.00"))
        before = sim.funds()["资金余额"]
        sim.place_order(Side.SELL, "600000", D("10.00"), 1000)
        sell_fee = before + D("10000") - sim.funds()["资金余额"]
        return buy_fee, sell_fee
    finally:
        sim.close()


@pytest.mark.parametrize(
    ("start", "buy", "sell"),
    [
        # 2022-03-01: transfer 0.002% (0.20), stamp 0.1% (10.00), commission 5.00 minimum
        (datetime(2022, 3, 1, 10, 0), D("5.20"), D("15.20")),
        # 2023-03-01: transfer already 0.001% (0.10), stamp still 0.1%
        (datetime(2023, 3, 1, 10, 0), D("5.10"), D("15.10")),
        # 2026: stamp halved on 2023-08-28 (5.00)
        (datetime(2026, 11, 25, 10, 0), D("5.10"), D("10.10")),
    ],
)
def test_the_sims_day_decides_the_statutory_rates(tmp_path: Path, start: datetime, buy: Decimal, sell: Decimal) -> None:
    assert _round_trip_fees(tmp_path / "sim.db", start) == (buy, sell)


def test_a_rate_set_in_the_config_wins_over_the_dated_table(tmp_path: Path) -> None:
    fees = _round_trip_fees(tmp_path / "sim.db", datetime(2023, 3, 1, 10, 0), stamp_duty_rate=D("0.0005"))
    assert fees == (D("5.10"), D("10.10"))


def test_the_tables_change_on_the_published_days() -> None:
    assert rate_on(STAMP_DUTY_RATES, datetime(2023, 8, 25).date()) == D("0.001")
    assert rate_on(STAMP_DUTY_RATES, datetime(2023, 8, 28).date()) == D("0.0005")
    assert rate_on(TRANSFER_FEE_RATES, datetime(2022, 4, 28).date()) == D("0.00002")
    assert rate_on(TRANSFER_FEE_RATES, datetime(2022, 4, 29).date()) == D("0.00001")
    old = FeeSchedule.on(datetime(2020, 1, 2).date(), D("0.00025"), D("5"))
    fees = trade_fees(classify("600000"), True, D("100000"), old)
    assert (fees.stamp_duty, fees.transfer_fee) == (D("100.00"), D("2.00"))
