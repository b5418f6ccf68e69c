"""The trading day's phases by time of day: what each accepts, the instants the sim acts at, and
who may trade after the close.

Why here: the sim, the THS trial and the docs generator must agree on the same clock of the day
(`docs/rules.md`, §6); the 2026-07-06 after-hours change is chosen by trade date.
"""

from __future__ import annotations

from datetime import date, time
from enum import StrEnum

from easyths.domain.codes import Board, Instrument

AFTER_HOURS_ALL_FROM = date(2026, 7, 6)  # SSE/SZSE 2026 rules: 盘后固定价格交易 for all A-shares and ETFs
# 盘后固定价格交易: one order at most 1,000,000 shares on every eligible board, the board's own
# minimum and step otherwise (STAR ≥200 by 1, the others by 100): `docs/rules.md#after-hours`.
AFTER_HOURS_MAX_QTY = 1_000_000


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


__all__ = [
    "AFTER_HOURS_ALL_FROM",
    "AFTER_HOURS_END",
    "AFTER_HOURS_MAX_QTY",
    "AFTER_HOURS_START",
    "CANCEL_PHASES",
    "CLOSE",
    "DAY_MARKS",
    "OPEN",
    "ORDER_PHASES",
    "Mark",
    "Phase",
    "accepts_cancels",
    "accepts_orders",
    "accepts_repo",
    "after_hours_eligible",
    "session_phase",
    "time_rejection",
]
