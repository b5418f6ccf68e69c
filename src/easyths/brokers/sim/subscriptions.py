"""打新 in the sim: quota, subscription, 配号, 中签, payment and listing (`docs/rules.md#ipo`).

Why every step is tied to the sim's day rollovers: the sim's clock may jump a week in one call,
and each step must still happen on its own day, in order: the market value is recorded when each
day's trading is over, 配号 at the open of T+1, 中签 at the open of T+2 (the amount due frozen
from 可用 then), payment when T+2's trading is over, the shares in 持仓 on the listing day.
A subscription is one order in 当日委托 (操作 配售申购, 备注 已报) committed with its operation id,
so a crash is settled by lookup like any order; it is never matched, frozen against or cancelled.
"""

from __future__ import annotations

import random
import sqlite3
from datetime import date
from decimal import Decimal

from easyths.brokers.base import Row, Side
from easyths.brokers.sim import account, ipo_calendar
from easyths.brokers.sim.context import SimContext
from easyths.brokers.sim.entry import new_order
from easyths.domain import calendar
from easyths.domain.codes import Board, Exchange
from easyths.domain.ipo import (
    BOARD_LABEL,
    BSE_NOT_SUPPORTED,
    KIND_LABEL,
    MARKET_LABEL,
    MIN_MARKET_VALUE,
    Issue,
    SubStatus,
    average,
    counts_for_market_value,
    hours_text,
    in_hours,
    nth_session,
    quota,
    window,
)
from easyths.domain.orders import OrderKind, OrderSubscribed
from easyths.domain.prices import money
from easyths.errors import BrokerRejected

ZERO = Decimal(0)
FIRST_NUMBER = 100000001  # 配号 of each issue start here and run on, one per unit


# --- market value and quota ----------------------------------------------------------------------


def snapshot(ctx: SimContext, day: date) -> None:
    """When `day`'s trading is over: each account's market value per market, at the last price."""
    for acct in [r[0] for r in ctx.store.all("SELECT name FROM accounts")]:
        totals: dict[Exchange, Decimal] = {}
        for pos in ctx.store.all("SELECT * FROM positions WHERE account = ? AND balance > 0", acct):
            exchange = counts_for_market_value(pos["code"])
            if exchange is not None:
                totals[exchange] = totals.get(exchange, ZERO) + account.valuation_price(ctx, pos) * pos["balance"]
        for exchange, value in totals.items():
            ctx.store.run(
                "INSERT OR REPLACE INTO market_values (account, day, exchange, value) VALUES (?, ?, ?, ?)",
                acct,
                day.isoformat(),
                exchange.value,
                money(value),
            )


def average_values(ctx: SimContext, acct: str, day: date) -> dict[Exchange, Decimal]:
    """The daily average over the 20 trading days ending T-2, per market (a day unrecorded is 0)."""
    days = window(day)
    values: dict[Exchange, dict[date, Decimal]] = {Exchange.SH: {}, Exchange.SZ: {}}
    for r in ctx.store.all(
        "SELECT day, exchange, value FROM market_values WHERE account = ? AND day >= ? AND day <= ?",
        acct,
        days[0].isoformat(),
        days[-1].isoformat(),
    ):
        values.setdefault(Exchange(r["exchange"]), {})[date.fromisoformat(r["day"])] = r["value"]
    return {exchange: average(by_day, days) for exchange, by_day in values.items()}


def allowed(issue: Issue, averages: dict[Exchange, Decimal]) -> int:
    """可申购数量: new bonds need no market value; new shares whole units of quota, up to the cap."""
    if issue.kind == "bond":
        return issue.cap
    return min(issue.cap, quota(averages.get(issue.exchange, ZERO), issue.board, issue.exchange))


# --- subscribing ---------------------------------------------------------------------------------


def subscribe(ctx: SimContext, acct: str, code: str, quantity: int | None, ref: str | None) -> tuple[Issue, int, int]:
    """(issue, quantity, 合同编号) of a subscription on the book, or `BrokerRejected` with nothing
    written: the caller's transaction rolls back whatever a refusal interrupted."""
    now = ctx.now()
    day = now.date()
    if not calendar.is_session(day):
        raise BrokerRejected(f"{day} 不是交易日，不能申购")
    issue, named = ipo_calendar.find(ctx, code, day)
    if issue is None:
        if not named:
            raise BrokerRejected(f"未找到申购代码或证券代码为 {code} 的新股/新债")
        dates = "、".join(f"{i.name}（{i.stock_code}）{i.subscribe_date}" for i in named)
        raise BrokerRejected(f"{code} 今天（{day}）不在申购日：{dates}")
    if issue.board is Board.BSE:
        raise BrokerRejected(BSE_NOT_SUPPORTED)
    if not in_hours(issue.exchange, now.time()):
        raise BrokerRejected(
            f"不在申购时间内：{MARKET_LABEL[issue.exchange]}市场申购时间为交易日 {hours_text(issue.exchange)}，"
            f"当前 {now:%H:%M:%S}"
        )
    if ctx.store.one("SELECT 1 FROM ipo_subs WHERE account = ? AND stock_code = ?", acct, issue.stock_code):
        raise BrokerRejected(f"已申购过{issue.name}（{issue.stock_code}），同一新股/新债只有第一笔申购有效，本次未申报")
    most = allowed(issue, average_values(ctx, acct, day))
    if most <= 0:
        avg = average_values(ctx, acct, day).get(issue.exchange, ZERO)
        raise BrokerRejected(
            f"可申购额度为0：{MARKET_LABEL[issue.exchange]}市场T-2日前20个交易日日均持有市值{avg:.2f}元，"
            f"不足{MIN_MARKET_VALUE:.0f}元或不足一个申购单位"
        )
    qty = most if quantity is None else quantity
    if qty % issue.unit:
        raise BrokerRejected(f"申购数量{qty}必须是申购单位{issue.unit}的整数倍")
    if qty > issue.cap:
        raise BrokerRejected(f"申购数量{qty}超过{issue.name}的申购上限{issue.cap}")
    if qty > most:
        raise BrokerRejected(f"申购数量{qty}超过可申购数量{most}")
    order = new_order(
        ctx, acct, Side.BUY, issue.stock_code, issue.name, issue.price, qty, kind=OrderKind.SUBSCRIPTION, ref=ref
    )
    saved = ctx.ledger.add(order.apply(OrderSubscribed()))
    ctx.store.run(
        "INSERT INTO ipo_subs (account, stock_code, subscribe_code, name, kind, price, unit, winning_rate,"
        " trade_date, listing_date, contract_no, quantity, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        acct,
        issue.stock_code,
        issue.subscribe_code,
        issue.name,
        issue.kind,
        issue.price,
        issue.unit,
        issue.winning_rate,
        day.isoformat(),
        issue.listing_date.isoformat(),
        saved.contract_no,
        qty,
        SubStatus.SUBMITTED.value,
    )
    return issue, qty, saved.contract_no


def subscribed_today(ctx: SimContext, acct: str) -> set[str]:
    return {r[0] for r in ctx.store.all("SELECT stock_code FROM ipo_subs WHERE account = ?", acct)}


# --- the days after ------------------------------------------------------------------------------


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


# --- rows ----------------------------------------------------------------------------------------


def issue_rows(ctx: SimContext, acct: str) -> list[Row]:
    """Today's issues with the account's 可申购数量 (0 without quota) and whether it subscribed."""
    day = ctx.today()
    averages = average_values(ctx, acct, day)
    done = subscribed_today(ctx, acct)
    return [
        {
            "申购代码": i.subscribe_code,
            "证券代码": i.stock_code,
            "证券名称": i.name,
            "类型": KIND_LABEL[i.kind],
            "市场": MARKET_LABEL[i.exchange],
            "板块": BOARD_LABEL[i.board],
            "发行价格": i.price,
            "申购上限": i.cap,
            "申购单位": i.unit,
            "可申购数量": allowed(i, averages),
            "已申购": i.stock_code in done,
            "申购日期": i.subscribe_date.isoformat(),
            "上市日期": i.listing_date.isoformat(),
        }
        for i in ipo_calendar.all_issues(ctx)
        if i.subscribe_date == day
    ]


def quota_row(ctx: SimContext, acct: str) -> Row:
    averages = average_values(ctx, acct, ctx.today())
    return {f"{MARKET_LABEL[ex]}市值": money(averages.get(ex, ZERO)) for ex in (Exchange.SH, Exchange.SZ)}


def allotment_rows(ctx: SimContext, acct: str) -> list[Row]:
    rows: list[Row] = []
    for s in ctx.store.all("SELECT * FROM ipo_subs WHERE account = ? ORDER BY trade_date DESC, id DESC", acct):
        t = date.fromisoformat(s["trade_date"])
        units = s["quantity"] // s["unit"]
        numbered = s["first_no"] is not None
        drawn = s["status"] not in (SubStatus.SUBMITTED.value, SubStatus.NUMBERED.value)
        rows.append(
            {
                "申购日期": s["trade_date"],
                "证券代码": s["stock_code"],
                "申购代码": s["subscribe_code"],
                "证券名称": s["name"],
                "类型": KIND_LABEL[s["kind"]],
                "申购数量": s["quantity"],
                "发行价格": s["price"],
                "状态": s["status"],
                "起始配号": str(s["first_no"]) if numbered else None,
                "配号数量": units if numbered else None,
                "配号日期": nth_session(t, 1).isoformat(),
                "中签数量": s["won"] if drawn else None,
                "应缴金额": money(s["price"] * s["won"]) if drawn else None,
                "缴款日期": nth_session(t, 2).isoformat(),
                "已缴数量": s["paid"],
                "放弃数量": s["abandoned"],
                "上市日期": s["listing_date"],
                "合同编号": str(s["contract_no"]),
            }
        )
    return rows


def reset(ctx: SimContext) -> None:
    """A fresh account has no subscriptions and no market-value history; the issues stay."""
    ctx.store.run("DELETE FROM ipo_subs")
    ctx.store.run("DELETE FROM market_values")


__all__ = [
    "allotment_rows",
    "allowed",
    "average_values",
    "close_day",
    "issue_rows",
    "open_day",
    "quota_row",
    "reset",
    "snapshot",
    "subscribe",
]
