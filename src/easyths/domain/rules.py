"""Exchange rules that depend on the board, the trade date and the time of day.

Pure functions over `Instrument` values so the sim, the API validation and the THS driver agree.
Numbers follow `docs/rules.md` (each with its public source); where that page marks a rule 待核实 the caller passes the
choice in (fee rates, cage policy, T+0 list) instead of it being fixed here.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, time
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from easyths.domain.codes import Board, Instrument, Kind

CENT = Decimal("0.01")
ST_RULE_CHANGE = date(2026, 7, 6)  # SSE/SZSE 2026 rules: main-board ST limit 5% → 10%
AFTER_HOURS_ALL_FROM = date(2026, 7, 6)  # same rules: 盘后固定价格交易 for all A-shares and ETFs


def round_half_up(value: Decimal, quantum: Decimal) -> Decimal:
    """Exchanges round limit prices and cages 四舍五入 to the tick (SSE 3.3.17 / SZSE 3.3.19)."""
    return value.quantize(quantum, rounding=ROUND_HALF_UP)


def money(value: Decimal) -> Decimal:
    return round_half_up(value, CENT)


# --- price limits -----------------------------------------------------------------------------


def is_st(name: str | None) -> bool:
    """ST / *ST is only visible in the security's name, as in the client."""
    return name is not None and "ST" in name.upper()


def limit_rate(
    inst: Instrument, trade_date: date, name: str | None = None, *, limit20: bool = False, first_days: bool = False
) -> Decimal | None:
    """The daily limit as a fraction, or None when the instrument has none (repo; a stock in its
    first days after listing, `first_days`). `limit20`: a fund on the exchange's 20% list."""
    if inst.board is Board.REPO or first_days:
        return None
    if inst.board in (Board.CHINEXT, Board.STAR, Board.CONVERTIBLE) or (inst.board is Board.FUND and limit20):
        return Decimal("0.20")
    if inst.board is Board.BSE:
        return Decimal("0.30")
    if inst.board is Board.MAIN and is_st(name) and trade_date < ST_RULE_CHANGE:
        return Decimal("0.05")
    return Decimal("0.10")


def price_limits(
    inst: Instrument,
    prev_close: Decimal,
    trade_date: date,
    name: str | None = None,
    *,
    limit20: bool = False,
    first_days: bool = False,
) -> tuple[Decimal, Decimal] | None:
    """(limit_down, limit_up) rounded half-up to the tick, or None without a limit."""
    rate = limit_rate(inst, trade_date, name, limit20=limit20, first_days=first_days)
    if rate is None:
        return None
    down = round_half_up(prev_close * (1 - rate), inst.tick)
    up = round_half_up(prev_close * (1 + rate), inst.tick)
    return max(down, inst.tick), up


def limit_message(band: tuple[Decimal, Decimal]) -> str:
    """The client's own dialog text for an out-of-band price."""
    return f"您输入的价格已超出涨跌停限制: [{band[0]} - {band[1]}]"


# --- price cage (价格笼子), continuous auction only ---------------------------------------------


def cage_bounds(
    inst: Instrument,
    buy_base: Decimal,
    sell_base: Decimal,
    *,
    fund_pct: Decimal | None = None,
    bond_pct: Decimal | None = Decimal("10"),
) -> tuple[Decimal, Decimal] | None:
    """(lowest valid sell, highest valid buy) in continuous trading; None where no cage applies.

    Main board: max(102%, +10 ticks) / min(98%, -10 ticks); ChiNext/STAR 102%/98%;
    BSE max(105%, +10 ticks) / min(95%, -10 ticks) (UNCERTAIN, §3.3). Convertible bonds:
    ±`bond_pct`% of the base (10%, the 2022 CB trading rules; written from knowledge, UNCERTAIN).
    Funds: ±`fund_pct`% when configured, none by default (the note gives no fund cage). Repo: none.
    """
    ten = inst.tick * 10
    if inst.board is Board.MAIN:
        hi = max(buy_base * Decimal("1.02"), buy_base + ten)
        lo = min(sell_base * Decimal("0.98"), sell_base - ten)
    elif inst.board in (Board.CHINEXT, Board.STAR):
        hi, lo = buy_base * Decimal("1.02"), sell_base * Decimal("0.98")
    elif inst.board is Board.BSE:
        hi = max(buy_base * Decimal("1.05"), buy_base + ten)
        lo = min(sell_base * Decimal("0.95"), sell_base - ten)
    elif inst.board is Board.CONVERTIBLE and bond_pct is not None:
        hi, lo = buy_base * (1 + bond_pct / 100), sell_base * (1 - bond_pct / 100)
    elif inst.board is Board.FUND and fund_pct is not None:
        hi, lo = buy_base * (1 + fund_pct / 100), sell_base * (1 - fund_pct / 100)
    else:
        return None
    return round_half_up(lo, inst.tick), round_half_up(hi, inst.tick)


# --- fees --------------------------------------------------------------------------------------


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


# --- sessions ----------------------------------------------------------------------------------


class Phase(StrEnum):
    PRE_OPEN = "盘前"  # before 09:15: nothing accepted
    OPENING_CALL = "开盘集合竞价"  # 09:15–09:20: orders and cancels
    OPENING_CALL_LOCKED = "开盘集合竞价（不可撤单）"  # 09:20–09:25: orders only
    PRE_CONTINUOUS = "集合竞价撮合"  # 09:25–09:30: the exchange accepts nothing
    CONTINUOUS = "连续竞价"  # 09:30–11:30, 13:00–14:57
    LUNCH = "午间休市"  # 11:30–13:00: the broker queues orders
    CLOSING_CALL = "收盘集合竞价"  # 14:57–15:00: orders, no cancels
    CLOSED = "已收盘"  # after 15:00 (15:00–15:05, and after 15:30)
    AFTER_HOURS = "盘后固定价格交易"  # 15:05–15:30: fixed-price orders trade at the close
    HOLIDAY = "休市"  # not a trading day


_BOUNDS: tuple[tuple[time, Phase], ...] = (
    (time(9, 15), Phase.PRE_OPEN),
    (time(9, 20), Phase.OPENING_CALL),
    (time(9, 25), Phase.OPENING_CALL_LOCKED),
    (time(9, 30), Phase.PRE_CONTINUOUS),
    (time(11, 30), Phase.CONTINUOUS),
    (time(13, 0), Phase.LUNCH),
    (time(14, 57), Phase.CONTINUOUS),
    (time(15, 0), Phase.CLOSING_CALL),
)
CLOSE = time(15, 0)
OPEN = time(9, 30)
AFTER_HOURS_START = time(15, 5)
AFTER_HOURS_END = time(15, 30)


def session_phase(at: time, trading_day: bool = True) -> Phase:
    if not trading_day:
        return Phase.HOLIDAY
    for end, phase in _BOUNDS:
        if at < end:
            return phase
    if AFTER_HOURS_START <= at < AFTER_HOURS_END:
        return Phase.AFTER_HOURS
    return Phase.CLOSED


class Mark(StrEnum):
    """Instants of a trading day at which the sim acts even when no call arrives (§6)."""

    OPENING_MATCH = "opening_match"  # 09:25: the opening call auction matches
    CONTINUOUS = "continuous"  # 09:30 and 13:00: held orders and conditions meet the market
    CLOSING_MATCH = "closing_match"  # 15:00: the closing call matches; day orders expire
    AFTER_HOURS = "after_hours"  # 15:05: fixed-price orders trade at the close
    AFTER_HOURS_END = "after_hours_end"  # 15:30: fixed-price orders expire


DAY_MARKS: tuple[tuple[time, Mark], ...] = (
    (time(9, 25), Mark.OPENING_MATCH),
    (time(9, 30), Mark.CONTINUOUS),
    (time(13, 0), Mark.CONTINUOUS),
    (CLOSE, Mark.CLOSING_MATCH),
    (AFTER_HOURS_START, Mark.AFTER_HOURS),
    (AFTER_HOURS_END, Mark.AFTER_HOURS_END),
)


def after_hours_eligible(inst: Instrument, trade_date: date, all_from: date = AFTER_HOURS_ALL_FROM) -> bool:
    """盘后固定价格交易: STAR and ChiNext stocks; from `all_from` (2026-07-06) every A-share and
    fund on SH/SZ too. BSE, bonds and repo never (§6). Funds are taken whole: the note names ETFs,
    whether LOFs are in is UNCERTAIN."""
    if inst.board in (Board.STAR, Board.CHINEXT):
        return True
    if inst.board in (Board.MAIN, Board.FUND):
        return trade_date >= all_from
    return False


def in_windows(at: time, windows: Collection[tuple[time, time]]) -> bool:
    return any(start <= at < end for start, end in windows)


ORDER_PHASES = frozenset(
    {Phase.OPENING_CALL, Phase.OPENING_CALL_LOCKED, Phase.CONTINUOUS, Phase.LUNCH, Phase.CLOSING_CALL}
)
CANCEL_PHASES = frozenset({Phase.OPENING_CALL, Phase.CONTINUOUS, Phase.LUNCH})


def accepts_orders(phase: Phase) -> bool:
    """Lunch is accepted because brokers queue orders for 13:00 (§6); 09:25–09:30 is not."""
    return phase in ORDER_PHASES


def accepts_cancels(phase: Phase) -> bool:
    return phase in CANCEL_PHASES


def accepts_repo(phase: Phase, at: time) -> bool:
    """Repo trades 9:30–11:30 and 13:00–15:30 (§7.2, UNCERTAIN for SZ 9:15)."""
    if phase in (Phase.CONTINUOUS, Phase.LUNCH, Phase.CLOSING_CALL, Phase.AFTER_HOURS):
        return True
    return phase is Phase.CLOSED and at < time(15, 30)


def time_rejection(at: time) -> str:
    return f"提交失败：[120147][当前时间不允许委托][curr_time={at.strftime('%H%M%S')}]。"


# --- sizes and settlement ---------------------------------------------------------------------


# 盘后固定价格交易: one order at most 1,000,000 shares on every eligible board, the board's own
# minimum and step otherwise (STAR ≥200 by 1, the others by 100): `docs/rules.md#after-hours`.
AFTER_HOURS_MAX_QTY = 1_000_000


def sell_quantity_error(inst: Instrument, quantity: int, available: int, max_qty: int | None = None) -> str | None:
    """Rule 3.3.8: a remainder below the lot is sold in one order, alone or with whole lots.

    Holding 299 on the main board: 99/100/199/200/299 are valid, 1/101/198/298 are not. Boards
    that step by 1 above the minimum (STAR ≥200, BSE ≥100) accept any size from the minimum on.
    """
    if quantity <= 0:
        return "委托数量必须大于0"
    if inst.kind is Kind.REPO or quantity == available:
        return None
    cap = inst.max_limit_qty if max_qty is None else max_qty
    if quantity > cap:
        return f"{inst.code}单笔委托数量不得超过{cap}"
    if inst.buy_step != inst.buy_min:
        if quantity >= inst.buy_min:
            return None
    elif quantity % inst.buy_step == 0 or quantity % inst.buy_step == available % inst.buy_step:
        return None
    return f"卖出数量错误：不足{inst.buy_min}的零股部分须一次性卖出"


def ipo_free_days(inst: Instrument, main: int = 5, bse: int = 1) -> int:
    """Trading days after listing without a price limit: 5 on the main board, ChiNext and STAR
    (registration regime), the listing day on BSE (§3.2, BSE UNVERIFIED: configurable)."""
    if inst.kind is not Kind.STOCK:
        return 0
    return bse if inst.board is Board.BSE else main


def is_t_plus_zero(inst: Instrument, t0_codes: Collection[str] = ()) -> bool:
    """CBs (and repo) by board; T+0 funds from configuration, since the list is per fund (§4)."""
    return inst.t_plus_zero or inst.code in t0_codes


__all__ = [
    "AFTER_HOURS_ALL_FROM",
    "AFTER_HOURS_MAX_QTY",
    "CENT",
    "CLOSE",
    "DAY_MARKS",
    "OPEN",
    "REPO_FEE_RATES",
    "ST_RULE_CHANGE",
    "ZERO_FEES",
    "FeeSchedule",
    "Fees",
    "Mark",
    "Phase",
    "accepts_cancels",
    "accepts_orders",
    "accepts_repo",
    "after_hours_eligible",
    "cage_bounds",
    "in_windows",
    "ipo_free_days",
    "is_st",
    "is_t_plus_zero",
    "limit_message",
    "limit_rate",
    "money",
    "price_limits",
    "repo_fee",
    "repo_interest",
    "round_half_up",
    "sell_quantity_error",
    "session_phase",
    "time_rejection",
    "trade_fees",
]
