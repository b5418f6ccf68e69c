"""Trade and reverse-repo fees, pinned with numbers from `docs/rules.md#fees`."""

from __future__ import annotations

from easyths.domain.codes import classify
from easyths.domain.fees import FeeSchedule, repo_fee, repo_interest, trade_fees
from tests.brokers.sim.support import D


def test_buy_100_at_10_pays_the_minimum_commission_and_a_transfer_fee() -> None:
    fees = trade_fees(classify("600000"), False, D("1000.00"), FeeSchedule())
    assert (fees.commission, fees.stamp_duty, fees.transfer_fee) == (D("5.00"), D("0.00"), D("0.01"))


def test_stock_sell_adds_stamp_duty_each_fee_rounded_half_up() -> None:
    fees = trade_fees(classify("600000"), True, D("1000000"), FeeSchedule())
    assert (fees.commission, fees.stamp_duty, fees.transfer_fee) == (D("250.00"), D("500.00"), D("10.00"))
    small = trade_fees(classify("000001"), True, D("1050"), FeeSchedule())
    assert (small.stamp_duty, small.transfer_fee) == (D("0.53"), D("0.01"))  # 0.525 → 0.53


def test_etf_and_convertible_pay_commission_only() -> None:
    for code in ("510300", "113050"):
        fees = trade_fees(classify(code), True, D("100000"), FeeSchedule())
        assert (fees.commission, fees.stamp_duty, fees.transfer_fee) == (D("25.00"), D("0.00"), D("0.00"))


def test_repo_fee_and_interest() -> None:
    assert repo_fee(1, D("1000000")) == D("10.00")
    assert repo_fee(7, D("100000")) == D("5.00")
    assert repo_fee(91, D("100000")) == D("30.00")
    assert repo_interest(D("100000"), D("2.5"), 3) == D("20.55")  # 100000 × 2.5% × 3 / 365
