"""New-share (新股) and new-bond (新债) subscription rules, as pure functions.

Why pure and here: the sim applies them, the operations and the dashboard explain them, and the
tests pin them with numbers; none of that needs a database. Each rule and its public source is in
the project's rules page (`docs/rules.md#ipo`); the comments below name the rule only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal
from enum import StrEnum
from typing import Literal

from easyths.domain import calendar
from easyths.domain.codes import Board, Exchange, Kind, classify

IssueKind = Literal["stock", "bond"]
KIND_LABEL: dict[str, str] = {"stock": "股票", "bond": "可转债"}
MARKET_LABEL: dict[Exchange, str] = {Exchange.SH: "上海", Exchange.SZ: "深圳", Exchange.BJ: "北京"}
BOARD_LABEL: dict[Board, str] = {
    Board.MAIN: "主板",
    Board.STAR: "科创板",
    Board.CHINEXT: "创业板",
    Board.BSE: "北交所",
    Board.CONVERTIBLE: "可转债",
}

# 持有市值门槛: 1万元 in the market (SSE and SZSE rules alike).
MIN_MARKET_VALUE = Decimal("10000")
# The window of daily market values: 20 trading days ending T-2 (inclusive).
WINDOW_DAYS = 20
BOND_UNIT = 10  # 新债: 1手 = 10张 (SSE 1手, SZSE 10张), one 配号 per unit
BOND_FACE = Decimal("100")

# 申购时间 on T, per exchange: SSE 9:30-11:30 / 13:00-15:00, SZSE 9:15-11:30 / 13:00-15:00.
HOURS: dict[Exchange, tuple[tuple[time, time], ...]] = {
    Exchange.SH: ((time(9, 30), time(11, 30)), (time(13, 0), time(15, 0))),
    Exchange.SZ: ((time(9, 15), time(11, 30)), (time(13, 0), time(15, 0))),
}

BSE_NOT_SUPPORTED = "北交所新股申购须全额预缴申购资金，本服务暂不支持北交所新股申购"


class SubStatus(StrEnum):
    """Where one subscription stands; each member is what the user reads in 状态."""

    SUBMITTED = "已申报"  # T: on the book, waiting for 配号
    NUMBERED = "已配号"  # T+1: numbers assigned, one per unit
    WON = "中签"  # T+2: some units won; the amount due is frozen, paid at the close
    LOST = "未中签"  # T+2: no unit won
    PAID = "已缴款"  # T+2 close: paid for every unit won (some may have been abandoned)
    ABANDONED = "放弃认购"  # T+2 close: cash short for every unit won
    LISTED = "已上市"  # listing day: the shares (张) are in 持仓


@dataclass(frozen=True, slots=True)
class Issue:
    """One issue of the calendar. `cap` is 申购上限 in shares (张 for bonds); `winning_rate` is a
    fraction (0.00035 = 0.035%)."""

    stock_code: str
    subscribe_code: str
    name: str
    kind: IssueKind
    price: Decimal
    cap: int
    subscribe_date: date
    winning_rate: Decimal
    listing_date: date
    source: str = "api"  # api | file | example

    @property
    def exchange(self) -> Exchange:
        return classify(self.stock_code).exchange

    @property
    def board(self) -> Board:
        return classify(self.stock_code).board

    @property
    def unit(self) -> int:
        return unit_of(self.kind, self.board, self.exchange)

    def view(self) -> dict[str, object]:
        return {
            "stock_code": self.stock_code,
            "subscribe_code": self.subscribe_code,
            "name": self.name,
            "kind": self.kind,
            "price": str(self.price),
            "cap": self.cap,
            "subscribe_date": self.subscribe_date.isoformat(),
            "winning_rate": str(self.winning_rate),
            "listing_date": self.listing_date.isoformat(),
            "source": self.source,
        }


def unit_of(kind: str, board: Board, exchange: Exchange) -> int:
    """Shares (张) per 申购单位 and per 配号: SSE main board 1000, STAR 500, SZSE 500, bonds 10."""
    if kind == "bond":
        return BOND_UNIT
    if exchange is Exchange.SH and board is Board.MAIN:
        return 1000
    return 500


def value_per_unit(board: Board, exchange: Exchange) -> Decimal:
    """Market value that buys one unit of quota: SSE main board 1万元, STAR and SZSE 5000元."""
    return Decimal("10000") if exchange is Exchange.SH and board is Board.MAIN else Decimal("5000")


def quota(average_value: Decimal, board: Board, exchange: Exchange) -> int:
    """可申购额度 (shares) from the average daily market value in the issue's market.

    Below 1万元 nothing; above, whole units only (the part below one unit's value does not count)."""
    if average_value < MIN_MARKET_VALUE:
        return 0
    units = int(average_value // value_per_unit(board, exchange))
    return units * unit_of("stock", board, exchange)


def window(subscribe_date: date) -> list[date]:
    """The 20 trading days whose market values are averaged: ending T-2, inclusive."""
    end = calendar.previous_session(calendar.previous_session(subscribe_date))
    days = [end]
    while len(days) < WINDOW_DAYS:
        days.append(calendar.previous_session(days[-1]))
    return sorted(days)


def average(values: dict[date, Decimal], days: list[date]) -> Decimal:
    """Days without a snapshot (nothing held, or before the account existed) count as 0."""
    total = sum((values.get(d, Decimal(0)) for d in days), Decimal(0))
    return (total / len(days)).quantize(Decimal("0.01"))


def counts_for_market_value(code: str) -> Exchange | None:
    """The market whose quota a holding counts toward: non-restricted A-shares (and depositary
    receipts) of SSE and SZSE; funds, bonds, repo, B-shares and BSE shares do not count."""
    inst = classify(code)
    if inst.kind is not Kind.STOCK or inst.exchange is Exchange.BJ or code.startswith(("200", "900")):
        return None
    return inst.exchange


def in_hours(exchange: Exchange, at: time) -> bool:
    return any(start <= at <= end for start, end in HOURS.get(exchange, ()))


def hours_text(exchange: Exchange) -> str:
    return "、".join(f"{s:%H:%M}-{e:%H:%M}" for s, e in HOURS[exchange])


def nth_session(day: date, n: int) -> date:
    """T+n in trading days."""
    for _ in range(n):
        day = calendar.next_session(day)
    return day


def issue_error(issue: Issue) -> str | None:
    """Why `issue` cannot be in the calendar, in Chinese, or None."""
    try:
        inst = classify(issue.stock_code)
    except ValueError as exc:
        return f"stock_code: {exc}"
    if not (len(issue.subscribe_code) == 6 and issue.subscribe_code.isascii() and issue.subscribe_code.isdigit()):
        return "subscribe_code: 申购代码必须是6位数字"
    if inst.board is Board.BSE:
        return BSE_NOT_SUPPORTED
    if issue.kind == "stock" and inst.board not in (Board.MAIN, Board.STAR, Board.CHINEXT):
        return f"stock_code: {issue.stock_code} 不是沪深主板、科创板或创业板的股票代码"
    if issue.kind == "stock" and issue.stock_code.startswith(("200", "900")):
        return f"stock_code: {issue.stock_code} 是B股代码"
    if issue.kind == "bond" and inst.board is not Board.CONVERTIBLE:
        return f"stock_code: {issue.stock_code} 不是可转债代码（沪市11开头，深市12开头）"
    if issue.price <= 0:
        return "price: 发行价必须大于0"
    if issue.cap <= 0 or issue.cap % issue.unit:
        return f"cap: 申购上限必须是申购单位 {issue.unit} 的正整数倍"
    if not Decimal(0) < issue.winning_rate <= 1:
        return "winning_rate: 中签率必须在 0 到 1 之间（小数，如 0.00035 即 0.035%）"
    if not calendar.is_session(issue.subscribe_date):
        return f"subscribe_date: {issue.subscribe_date} 不是交易日"
    if issue.listing_date <= nth_session(issue.subscribe_date, 2) or not calendar.is_session(issue.listing_date):
        return "listing_date: 上市日必须是缴款日（T+2）之后的交易日"
    return None


__all__ = [
    "BOND_FACE",
    "BOND_UNIT",
    "BSE_NOT_SUPPORTED",
    "HOURS",
    "KIND_LABEL",
    "MARKET_LABEL",
    "MIN_MARKET_VALUE",
    "WINDOW_DAYS",
    "Issue",
    "IssueKind",
    "SubStatus",
    "average",
    "counts_for_market_value",
    "hours_text",
    "in_hours",
    "issue_error",
    "nth_session",
    "quota",
    "unit_of",
    "value_per_unit",
    "window",
]
