"""What of a holding an order may sell: the odd-lot remainder (rule 3.3.8) and which instruments
may be sold the day they were bought (T+0).

Why apart from the prices and sessions: these read the position, not the quote or the clock.
"""

from __future__ import annotations

from collections.abc import Collection

from easyths.domain.codes import Instrument, Kind


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


def is_t_plus_zero(inst: Instrument, t0_codes: Collection[str] = ()) -> bool:
    """CBs (and repo) by board; T+0 funds from configuration, since the list is per fund (§4)."""
    return inst.t_plus_zero or inst.code in t0_codes


__all__ = ["is_t_plus_zero", "sell_quantity_error"]
