"""打新 on the days after a subscription: 配号 at the open of T+1, 中签 at the open of T+2 (the
amount due frozen from 可用 then), payment when T+2's trading is over, the shares in 持仓 on the
listing day (`docs/rules.md#ipo`).

Why apart from `subscriptions.py`: these run from the sim's day rollovers (`control._sync`), not
from an operation; each step happens on its own day, in order, however far one advance jumps,
and tells the operation that subscribed (an `ipo_allotment` event).
"""

from __future__ import annotations

import random
import sqlite3
from datetime import date
from decimal import Decimal

from easyths.brokers.sim import account
from easyths.brokers.sim.context import SimContext
from easyths.brokers.sim.subscriptions import snapshot
from easyths.domain.ipo import SubStatus, nth_session
from easyths.domain.prices import money

ZERO = Decimal(0)
FIRST_NUMBER = 100000001  # 配号 of each issue start here and run on, one per unit


def _tell(ctx: SimContext, sub: sqlite3.Row, status: SubStatus, **fields: int | float | str | None) -> None:
    """An `ipo_allotment` event for each step (配号, 中签 or not, 缴款 or 放弃, 上市), sent when the
    step's transaction commits, under the operation that subscribed."""
    row = ctx.store.one("SELECT op_ref FROM orders WHERE contract_no = ?", sub["contract_no"])
    ctx.emit(
        "ipo_allotment",
        operation_id=None if row is None else row[0],
        stock_code=sub["stock_code"],
        stock_name=sub["name"],
        name=sub["name"],
        contract_no=str(sub["contract_no"]),
        status=status.value,
        quantity=sub["quantity"],
        account=sub["account"],
        **fields,
    )


def open_day(ctx: SimContext, day: date) -> None:
    """The open of `day`: 配号 for T+1, 中签 for T+2, new shares into 持仓 on the listing day."""
    for sub in ctx.store.all("SELECT * FROM ipo_subs WHERE status = ? ORDER BY id", SubStatus.SUBMITTED.value):
        if day >= nth_session(date.fromisoformat(sub["trade_date"]), 1):
            _number(ctx, sub)
    for sub in ctx.store.all("SELECT * FROM ipo_subs WHERE status = ? ORDER BY id", SubStatus.NUMBERED.value):
        if day >= nth_session(date.fromisoformat(sub["trade_date"]), 2):
            _draw(ctx, sub)
    for sub in ctx.store.all(
        "SELECT * FROM ipo_subs WHERE status = ? AND listing_date <= ? ORDER BY id",
        SubStatus.PAID.value,
        day.isoformat(),
    ):
        _list(ctx, sub)


def _number(ctx: SimContext, sub: sqlite3.Row) -> None:
    row = ctx.store.one(
        "SELECT MAX(first_no + quantity / unit) FROM ipo_subs WHERE stock_code = ? AND first_no IS NOT NULL",
        sub["stock_code"],
    )
    first = row[0] if row is not None and row[0] is not None else FIRST_NUMBER
    ctx.store.run(
        "UPDATE ipo_subs SET first_no = ?, status = ? WHERE id = ?", first, SubStatus.NUMBERED.value, sub["id"]
    )
    _tell(ctx, sub, SubStatus.NUMBERED, first_number=str(first), numbers=sub["quantity"] // sub["unit"])


def _draw(ctx: SimContext, sub: sqlite3.Row) -> None:
    """Each number wins with the issue's winning rate, from `[sim].ipo_seed`: the same seed and the
    same subscriptions give the same 中签, so a rehearsal can be replayed."""
    s = sub
    rng = random.Random(f"{ctx.settings.ipo_seed}:{s['stock_code']}:{s['first_no']}")
    units = s["quantity"] // s["unit"]
    won_units = sum(1 for _ in range(units) if rng.random() < float(s["winning_rate"]))
    if not won_units:
        ctx.store.run("UPDATE ipo_subs SET status = ? WHERE id = ?", SubStatus.LOST.value, s["id"])
        _tell(ctx, s, SubStatus.LOST, won=0)
        return
    won = won_units * s["unit"]
    due = s["price"] * won
    frozen = min(due, max(account.available_cash(ctx, s["account"]), ZERO))
    account.change_cash(ctx, s["account"], frozen=frozen)
    ctx.store.run(
        "UPDATE ipo_subs SET status = ?, won = ?, frozen = ? WHERE id = ?", SubStatus.WON.value, won, frozen, s["id"]
    )
    _tell(ctx, s, SubStatus.WON, won=won, due=float(money(due)))


def close_day(ctx: SimContext, day: date) -> None:
    """When `day`'s trading is over: record market values; T+2's 中签 is paid, or abandoned in the
    steps the cash cannot cover (`[sim].ipo_abandon_unit`)."""
    snapshot(ctx, day)
    for s in ctx.store.all("SELECT * FROM ipo_subs WHERE status = ? ORDER BY id", SubStatus.WON.value):
        if day < nth_session(date.fromisoformat(s["trade_date"]), 2):
            continue
        step = s["unit"] if ctx.settings.ipo_abandon_unit == "unit" else 1
        cash = s["frozen"] + max(account.available_cash(ctx, s["account"]), ZERO)
        paid = min(s["won"], int(cash // (s["price"] * step)) * step)
        account.change_cash(ctx, s["account"], balance=-(s["price"] * paid), frozen=-s["frozen"])
        status = SubStatus.PAID if paid else SubStatus.ABANDONED
        ctx.store.run(
            "UPDATE ipo_subs SET status = ?, paid = ?, abandoned = ?, frozen = '0' WHERE id = ?",
            status.value,
            paid,
            s["won"] - paid,
            s["id"],
        )
        _tell(ctx, s, status, won=s["won"], paid=paid, abandoned=s["won"] - paid)


def _list(ctx: SimContext, s: sqlite3.Row) -> None:
    """Listing day: the shares (张) paid for are in 持仓 at the issue price, sellable that day."""
    row = s
    acct, code, qty = row["account"], row["stock_code"], row["paid"]
    cost = row["price"] * qty
    pos = account.position(ctx, acct, code)
    if pos is None:
        ctx.store.run(
            "INSERT INTO positions (account, code, name, balance, available, frozen, cost_amount, opened)"
            " VALUES (?, ?, ?, ?, ?, 0, ?, ?)",
            acct,
            code,
            row["name"],
            qty,
            qty,
            cost,
            ctx.today().isoformat(),
        )
    else:
        ctx.store.run(
            "UPDATE positions SET balance = balance + ?, available = available + ?, cost_amount = cost_amount + ?"
            " WHERE account = ? AND code = ?",
            qty,
            qty,
            cost,
            acct,
            code,
        )
    ctx.store.run("UPDATE ipo_subs SET status = ? WHERE id = ?", SubStatus.LISTED.value, row["id"])
    _tell(ctx, row, SubStatus.LISTED, paid=qty)


__all__ = ["FIRST_NUMBER", "close_day", "open_day"]
