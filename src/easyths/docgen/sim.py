"""Tables of the 模拟券商 page generated from `easyths.domain`: boards and their numbers, the
trading phases and what each accepts. The prose (sources, what is not modelled) is hand-written.
"""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

from easyths.domain import prices, sessions
from easyths.domain.codes import Board, Instrument, classify

# One representative code per board; the page shows what `classify`, `prices` and `sessions` make of it.
SAMPLES = (
    ("600000", "沪市主板"),
    ("000001", "深市主板"),
    ("300750", "创业板"),
    ("688981", "科创板"),
    ("920163", "北交所"),
    ("510300", "沪市 ETF"),
    ("159915", "深市 ETF"),
    ("113050", "可转债（沪）"),
    ("123100", "可转债（深）"),
    ("204001", "逆回购 GC001"),
    ("131810", "逆回购 R-001"),
)


def _pct(rate: Decimal | None) -> str:
    return "无" if rate is None else f"±{rate * 100:.0f}%"


def _cage(code: str) -> str:
    """The cage computed for a base price of 10.00 and of 1.00 (where the 10-tick floor shows)."""
    inst = classify(code)
    parts = []
    for base in (Decimal("10.00"), Decimal("1.00")):
        bounds = prices.cage_bounds(inst, base, base)
        if bounds is None:
            return "无"
        parts.append(f"基准 {base}：买 ≤ {bounds[1]}，卖 ≥ {bounds[0]}")
    return "；".join(parts)


def _ipo(inst: Instrument) -> str:
    days = prices.ipo_free_days(inst)
    return f"{days}" if days else "—"


def boards_markdown() -> str:
    before, after = date(2026, 7, 3), prices.ST_RULE_CHANGE
    header = "| 代码示例 | 品种 | 交易所 | 买入最小/递增 | 价位 | 涨跌幅（主板 ST：2026-07-06 前 / 起） "
    lines = [header + "| 上市后无涨跌幅（交易日） | 单笔上限（限价/市价） | T+0 | 价格笼子 |", "|" + "---|" * 10]
    for code, label in SAMPLES:
        inst = classify(code)
        normal = _pct(prices.limit_rate(inst, after))
        st = f"{_pct(prices.limit_rate(inst, before, 'ST'))} / {_pct(prices.limit_rate(inst, after, 'ST'))}"
        limits = normal if inst.board is not Board.MAIN else f"{normal}（{st}）"
        repo = inst.board is Board.REPO
        lot = "按金额，1,000 元的整数倍" if repo else f"{inst.buy_min} / {inst.buy_step}"
        size = "—" if repo else f"{inst.max_limit_qty:,} / {inst.max_market_qty:,}"
        lines.append(
            f"| `{code}` | {label} | {inst.exchange.value} | {lot} | {inst.tick} | {limits} | {_ipo(inst)} | {size} | "
            f"{'是' if inst.t_plus_zero else '否'} | {_cage(code)} |"
        )
    return "\n".join(lines) + "\n"


def phases_markdown() -> str:
    """Sample `session_phase` minute by minute over a trading day and group the runs, so the table
    follows the rules whatever their internal layout."""
    runs: list[tuple[time, time | None, sessions.Phase]] = []
    for minute in range(24 * 60):
        at = time(minute // 60, minute % 60)
        phase = sessions.session_phase(at, True)
        if runs and runs[-1][2] is phase:
            continue
        if runs:
            runs[-1] = (runs[-1][0], at, runs[-1][2])
        runs.append((at, None, phase))
    yes = {True: "是", False: "否"}
    lines = ["| 时段 | 阶段 | 接受委托 | 接受撤单 |", "|---|---|---|---|"]
    for start, end, phase in runs:
        span = f"{start:%H:%M}–{end:%H:%M}" if end else f"{start:%H:%M} 以后"
        orders = yes[sessions.accepts_orders(phase)]
        if phase.name == "AFTER_HOURS":
            orders = "仅盘后固定价格委托"
        lines.append(f"| {span} | {phase.value} | {orders} | {yes[sessions.accepts_cancels(phase)]} |")
    return "\n".join(lines) + "\n"


# What the sim does at each instant of `sessions.DAY_MARKS` (by Mark value).
MARKS_ZH = {
    "opening_match": "开盘集合竞价撮合：以成交量最大的价格一次性成交",
    "continuous": "连续竞价开始（13:00 为午后恢复）：暂存的委托在此刻的价格笼子允许时进入撮合，条件单开始监控",
    "closing_match": "收盘集合竞价撮合；当日未成交的普通委托全部失效",
    "after_hours": "盘后固定价格交易按收盘价撮合",
    "after_hours_end": "盘后固定价格委托失效",
}


def marks_markdown() -> str:
    marks = sessions.DAY_MARKS
    lines = ["| 时点 | 模拟券商做什么 |", "|---|---|"]
    for at, mark in marks:
        lines.append(f"| {at:%H:%M} | {MARKS_ZH.get(mark.value, mark.value)} |")
    return "\n".join(lines) + "\n"


__all__ = ["boards_markdown", "marks_markdown", "phases_markdown"]
