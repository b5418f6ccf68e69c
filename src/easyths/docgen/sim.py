"""Tables of the 模拟券商 page generated from `easyths.domain`: boards and their numbers, the
trading phases and what each accepts. The prose (sources, what is not modelled) is hand-written.
"""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

from easyths.domain import rules
from easyths.domain.codes import Board, classify

# One representative code per board; the page shows what `classify` and `rules` make of it.
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
        bounds = rules.cage_bounds(inst, base, base)
        if bounds is None:
            return "无"
        parts.append(f"基准 {base}：买 ≤ {bounds[1]}，卖 ≥ {bounds[0]}")
    return "；".join(parts)


def boards_markdown() -> str:
    before, after = date(2026, 7, 3), rules.ST_RULE_CHANGE
    header = "| 代码示例 | 品种 | 交易所 | 买入最小/递增 | 价位 | 涨跌幅（主板 ST：2026-07-06 前 / 起） "
    lines = [header + "| 单笔上限（限价/市价） | T+0 | 价格笼子 |", "|---|---|---|---|---|---|---|---|---|"]
    for code, label in SAMPLES:
        inst = classify(code)
        normal = _pct(rules.limit_rate(inst, after))
        st = f"{_pct(rules.limit_rate(inst, before, 'ST'))} / {_pct(rules.limit_rate(inst, after, 'ST'))}"
        limits = normal if inst.board is not Board.MAIN else f"{normal}（{st}）"
        repo = inst.board is Board.REPO
        lot = "按金额，1,000 元的整数倍" if repo else f"{inst.buy_min} / {inst.buy_step}"
        size = "—" if repo else f"{inst.max_limit_qty:,} / {inst.max_market_qty:,}"
        lines.append(
            f"| `{code}` | {label} | {inst.exchange.value} | {lot} | {inst.tick} | {limits} | {size} | "
            f"{'是' if inst.t_plus_zero else '否'} | {_cage(code)} |"
        )
    return "\n".join(lines) + "\n"


def phases_markdown() -> str:
    lines = ["| 时段 | 阶段 | 接受委托 | 接受撤单 |", "|---|---|---|---|"]
    start = time(0, 0)
    for end, phase in rules._BOUNDS:
        lines.append(_phase_row(start, end, phase))
        start = end
    lines.append(_phase_row(start, None, rules.Phase.CLOSED))
    return "\n".join(lines) + "\n"


def _phase_row(start: time, end: time | None, phase: rules.Phase) -> str:
    span = f"{start:%H:%M}–{end:%H:%M}" if end else f"{start:%H:%M} 以后"
    yes = {True: "是", False: "否"}
    return f"| {span} | {phase.value} | {yes[rules.accepts_orders(phase)]} | {yes[rules.accepts_cancels(phase)]} |"


__all__ = ["boards_markdown", "phases_markdown"]
