"""Tables for the client commands that fit the terminal and format numbers as the client does.

Why not let rich squeeze columns: at 80 columns (the width when stdout is not a wide terminal)
it split 合同编号 over two lines and headers into "合同编 / 号", which a user copying a number
cannot use. Here no cell ever wraps: when the whole table is wider than the terminal, the
columns of least value are left out (named under the table, `--json` has them all).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table

from easyths.domain.codes import classify

# Prices at the instrument's tick (10.50 for a stock, 100.123 for a bond); money and ratios at
# two decimals; quantities as integers.
PRICE_COLUMNS = frozenset({"委托价格", "成交均价", "成本价", "市价", "成交价格", "价格", "发行价格", "发行价"})
MONEY_COLUMNS = frozenset(
    {"盈亏", "市值", "成交金额", "盈亏比(%)", "资金余额", "冻结金额", "可用金额", "可取金额", "股票市值", "总资产",
     "持仓盈亏", "当日盈亏", "金额（元）"}
)  # fmt: skip
RIGHT_ALIGNED = PRICE_COLUMNS | MONEY_COLUMNS | frozenset({"股票余额", "可用余额", "委托数量", "成交数量", "撤消数量"})


def money(value: Any) -> str:
    """Two decimals with thousands separators: 1,000,000.00, never 1000000.0."""
    return f"{Decimal(str(value)):,.2f}"


def cell(column: str, value: Any, code: str | None = None) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if not isinstance(value, int | float | Decimal):
        return str(value)
    number = Decimal(str(value))
    if column in PRICE_COLUMNS:
        tick = classify(code).tick if code and len(code) == 6 and code.isdigit() else Decimal("0.01")
        return f"{number.quantize(tick):f}"
    if column in MONEY_COLUMNS:
        return money(number)
    if number == number.to_integral_value():
        return str(int(number))
    return f"{number:f}"


def _build(title: str, columns: Sequence[str], rows: Sequence[Mapping[str, Any]]) -> Table:
    table = Table(
        title=title, title_justify="left", box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, padding=(0, 1, 0, 0)
    )
    for col in columns:
        table.add_column(col, no_wrap=True, justify="right" if col in RIGHT_ALIGNED else "left")
    for row in rows:
        code = row.get("证券代码")
        table.add_row(*(cell(col, row.get(col), code if isinstance(code, str) else None) for col in columns))
    return table


def fitted(
    title: str,
    columns: Sequence[str],
    rows: Sequence[Mapping[str, Any]],
    width: int,
    drop_order: Sequence[str] = (),
) -> tuple[Table, list[str]]:
    """The table with every column that fits in `width` (dropping `drop_order` first to last),
    and the columns left out."""
    shown = list(columns)
    dropped: list[str] = []
    wide = Console(width=10_000)
    table = _build(title, shown, rows)
    for candidate in drop_order:
        if wide.measure(table).maximum <= width:
            break
        if candidate in shown:
            shown.remove(candidate)
            dropped.append(candidate)
            table = _build(title, shown, rows)
    return table, dropped


def dropped_note(width: int, dropped: Sequence[str]) -> str:
    return f"（终端宽度 {width} 列，省略了：{'、'.join(dropped)}；加 --json 查看全部字段）"


def key_values(title: str, label: str, data: Mapping[str, Any]) -> Table:
    """A two-column table (资金): money at two decimals."""
    table = Table(
        title=title, title_justify="left", box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, padding=(0, 1, 0, 0)
    )
    table.add_column("项目", no_wrap=True)
    table.add_column(label, justify="right", no_wrap=True)
    for key, value in data.items():
        table.add_row(key, money(value) if isinstance(value, int | float | Decimal) else cell(key, value))
    return table


__all__ = ["cell", "dropped_note", "fitted", "key_values", "money"]
