"""What a trade costs: commission, stamp duty and transfer fee by trade date, and the reverse
repo's fee and interest.

Why dated: a replayed day pays what was due that day, so the statutory rates are tables keyed by
the day they took effect (`docs/rules.md#fees`); commission is the user's, passed in.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from easyths.domain.codes import Instrument, Kind
from easyths.domain.prices import money

# Statutory rates by the day they took effect (`docs/rules.md#fees`): a replayed day pays what
# was due that day. Before the first change listed, the earlier rate applies to any day (older
# changes, such as the per-share Shanghai transfer fee before 2015, are not modelled).
STAMP_DUTY_RATES: tuple[tuple[date, Decimal], ...] = (
    (date.min, Decimal("0.001")),  # sells only, 0.1%
    (date(2023, 8, 28), Decimal("0.0005")),  # 财政部 税务总局公告 2023 年第 39 号: halved
)
TRANSFER_FEE_RATES: tuple[tuple[date, Decimal], ...] = (
    (date.min, Decimal("0.00002")),  # 0.02‰ both sides
    (date(2022, 4, 29), Decimal("0.00001")),  # 中国结算 2022-04 notice: 0.01‰
)


def rate_on(table: tuple[tuple[date, Decimal], ...], day: date) -> Decimal:
    """The rate of the last change on or before `day`."""
    rate = table[0][1]
    for since, value in table:
        if since <= day:
            rate = value
    return rate


@dataclass(frozen=True, slots=True)
class FeeSchedule:
    """The rates of one trading day: commission as the user set it, the statutory ones of that day
    unless `[sim.fees]` overrides them. The defaults are today's."""

    commission_rate: Decimal = Decimal("0.00025")
    min_commission: Decimal = Decimal("5")
    stamp_duty_rate: Decimal = Decimal("0.0005")
    transfer_fee_rate: Decimal = Decimal("0.00001")

    @classmethod
    def on(
        cls,
        day: date,
        commission_rate: Decimal,
        min_commission: Decimal,
        stamp_duty_rate: Decimal | None = None,
        transfer_fee_rate: Decimal | None = None,
    ) -> FeeSchedule:
        """Rates for `day`; a rate passed (set in the config) wins over the dated table."""
        return cls(
            commission_rate,
            min_commission,
            rate_on(STAMP_DUTY_RATES, day) if stamp_duty_rate is None else stamp_duty_rate,
            rate_on(TRANSFER_FEE_RATES, day) if transfer_fee_rate is None else transfer_fee_rate,
        )


@dataclass(frozen=True, slots=True)
class Fees:
    commission: Decimal
    stamp_duty: Decimal
    transfer_fee: Decimal

    @property
    def total(self) -> Decimal:
        return self.commission + self.stamp_duty + self.transfer_fee


ZERO_FEES = Fees(Decimal(0), Decimal(0), Decimal(0))


def trade_fees(inst: Instrument, sell: bool, amount: Decimal, schedule: FeeSchedule) -> Fees:
    """Fees of one order's turnover, each rounded half-up to 0.01 CNY.

    Stamp duty and transfer fee are for stocks only; funds and bonds pay commission only. The
    minimum commission applies per order, so callers pass the order's cumulative turnover.
    """
    if amount <= 0:
        return ZERO_FEES
    commission = money(max(amount * schedule.commission_rate, schedule.min_commission))
    stock = inst.kind is Kind.STOCK
    stamp = money(amount * schedule.stamp_duty_rate) if stock and sell else Decimal("0.00")
    transfer = money(amount * schedule.transfer_fee_rate) if stock else Decimal("0.00")
    return Fees(commission, stamp, transfer)


# §7.4: fee on the principal by tenor (1–4 days: 0.001% per day; 7d 0.005%; 14d 0.01%; 28d 0.02%).
REPO_FEE_RATES: dict[int, Decimal] = {
    1: Decimal("0.00001"),
    2: Decimal("0.00002"),
    3: Decimal("0.00003"),
    4: Decimal("0.00004"),
    7: Decimal("0.00005"),
    14: Decimal("0.0001"),
    28: Decimal("0.0002"),
}
REPO_FEE_LONG = Decimal("0.0003")  # 91 and 182 days


def repo_fee(term_days: int, principal: Decimal, rates: Mapping[int, Decimal] | None = None) -> Decimal:
    rate = (rates or REPO_FEE_RATES).get(term_days, REPO_FEE_LONG)
    return money(principal * rate)


def repo_interest(principal: Decimal, annual_percent: Decimal, days: int, basis: int = 365) -> Decimal:
    """interest = principal × rate × days occupied ÷ 365 (§7.3)."""
    return money(principal * annual_percent / 100 * days / basis)


__all__ = [
    "REPO_FEE_LONG",
    "REPO_FEE_RATES",
    "STAMP_DUTY_RATES",
    "TRANSFER_FEE_RATES",
    "ZERO_FEES",
    "FeeSchedule",
    "Fees",
    "rate_on",
    "repo_fee",
    "repo_interest",
    "trade_fees",
]
