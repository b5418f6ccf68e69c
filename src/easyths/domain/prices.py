"""Prices an exchange accepts: the tick rounding, the daily limits and the continuous-auction cage.

Pure functions over `Instrument` values so the sim, the API validation and the THS driver agree.
Numbers follow `docs/rules.md` (each with its public source); where that page marks a rule 待核实 the
caller passes the choice in (cage policy for funds and bonds) instead of it being fixed here.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from easyths.domain.codes import Board, Instrument, Kind

CENT = Decimal("0.01")
ST_RULE_CHANGE = date(2026, 7, 6)  # SSE/SZSE 2026 rules: main-board ST limit 5% → 10%


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


def ipo_free_days(inst: Instrument, main: int = 5, bse: int = 1) -> int:
    """Trading days after listing without a price limit: 5 on the main board, ChiNext and STAR
    (registration regime), the listing day on BSE (§3.2, BSE UNVERIFIED: configurable)."""
    if inst.kind is not Kind.STOCK:
        return 0
    return bse if inst.board is Board.BSE else main


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


__all__ = [
    "CENT",
    "ST_RULE_CHANGE",
    "cage_bounds",
    "ipo_free_days",
    "is_st",
    "limit_message",
    "limit_rate",
    "money",
    "price_limits",
    "round_half_up",
]
