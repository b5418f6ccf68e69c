"""打新 in the sim: quota, subscription and the rows it shows (`docs/rules.md#ipo`); 配号, 中签,
payment and listing, on the days after, are `allotments.py`.

Why the market value is recorded when each day's trading is over (`snapshot`): the quota is the
average of 20 days ending T-2, and the sim's clock may jump a week in one call. A subscription is
one order in 当日委托 (操作 配售申购, 备注 已报) committed with its operation id, so a crash is
settled by lookup like any order; it is never matched, frozen against or cancelled.
"""

from __future__ import annotations

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
    "issue_rows",
    "quota_row",
    "reset",
    "snapshot",
    "subscribe",
]
