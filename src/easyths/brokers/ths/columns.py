"""Per-broker names the driver needs: menu paths, column variants, funds statics.

Why data, not code: menu trees and grid headers differ between brokers and client builds
(资金股票 vs 资金股份, 股票余额 vs 持仓数量). The defaults here are the classic 网上股票交易系统5.0
(Variant A, `docs/rules.md#columns`); `[broker.menu]` and `[broker.columns]` override them.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

# page key -> tree path from the root of control 129
DEFAULT_MENU: dict[str, list[str]] = {
    "buy": ["买入[F1]"],
    "sell": ["卖出[F2]"],
    "cancel": ["撤单[F3]"],
    "funds": ["查询[F4]", "资金股票"],
    "holdings": ["查询[F4]", "资金股票"],
    "orders": ["查询[F4]", "当日委托"],
    "fills": ["查询[F4]", "当日成交"],
    "history": ["查询[F4]", "历史委托"],
    "market_buy": ["市价委托", "买入"],
    "market_sell": ["市价委托", "卖出"],
    "condition_price": ["条件单", "股价条件"],
    "stop_loss_profit": ["条件单", "止盈止损"],
    "condition_monitor": ["条件单", "条件单监控"],
    "repo": ["国债逆回购"],
    "ipo": ["新股申购", "新股申购"],  # the single-subscription page (`docs/ths-facts.md#ipo`)
}

# The columns a read of each page's grid must carry to count as a read of that page: without them
# it read something else (another panel's 1047, a stale clipboard) and is an error, not rows.
# 当日委托 / 撤单 on some builds call 合同编号 委托编号 (mapped below, `docs/ths-facts.md#cancel-controls`).
EXPECTED_COLUMNS: dict[str, tuple[str, ...]] = {
    "orders": ("证券代码", "合同编号", "操作", "备注"),
    "cancel": ("证券代码", "合同编号"),
    "fills": ("证券代码",),
    "holdings": ("证券代码",),
    "history": ("证券代码",),
}
PAGE_NAMES: dict[str, str] = {
    "orders": "当日委托",
    "cancel": "撤单",
    "fills": "当日成交",
    "holdings": "持仓",
    "history": "历史委托",
}

# Variant B (newer / 远航版 template) and other known spellings -> canonical Variant A header.
KNOWN_VARIANTS: dict[str, str] = {
    "持仓数量": "股票余额",
    "可用数量": "可用余额",
    "参考成本价": "成本价",
    "当前价": "市价",
    "浮动盈亏": "盈亏",
    "盈亏比例(%)": "盈亏比(%)",
    "最新市值": "市值",
    "撤单数量": "撤消数量",
    "委托编号": "合同编号",
    "撤销数量": "撤消数量",
    "股东账户": "股东帐户",
    "可用资金": "可用金额",
    "冻结资金": "冻结金额",
}

# Funds panel statics (`docs/ths-facts.md#funds`): control id -> field.
FUNDS_STATICS: dict[int, str] = {
    1012: "资金余额",
    1013: "冻结金额",
    1014: "股票市值",
    1015: "总资产",
    1016: "可用金额",
    1017: "可取金额",
    1026: "当日盈亏",
    1027: "持仓盈亏",
    1029: "当日盈亏比",
}

# Columns kept as text whatever they look like: codes and ids keep their leading zeros.
TEXT_COLUMNS = frozenset(
    {
        "证券代码",
        "证券名称",
        "合同编号",
        "成交编号",
        "股东帐户",
        "委托时间",
        "成交时间",
        "委托日期",
        "成交日期",
        "操作",
        "备注",
        "交易市场",
        "条件单号",
        "监控标的",
        "方向",
        "状态",
        "有效期",
        "条件类型",
        "触发条件",
        "创建时间",
        "市场类型",
        "时间类型",
        "年化利率",
        "条件单编号",
        "委托单",
        "监控周期",
    }
)
INT_SUFFIXES = ("数量", "余额", "天数", "当日买入", "当日卖出")


def menu_path(page: str, overrides: dict[str, list[str]]) -> list[str]:
    return list(overrides.get(page) or DEFAULT_MENU[page])


def canonical_header(header: str, overrides: dict[str, str]) -> str:
    header = header.strip()
    return overrides.get(header) or KNOWN_VARIANTS.get(header) or header


def coerce(header: str, value: str) -> Any:
    """Grid text → the value the sim broker puts in the same column.

    Quantities become int, money and prices Decimal; codes, ids, times and labels stay text.
    An unparseable number stays text rather than failing the whole read.
    """
    value = _unwrap(value)
    if header in TEXT_COLUMNS:
        return value
    if value in ("", "--", "-"):
        return None
    if header.endswith(INT_SUFFIXES):
        try:
            return int(Decimal(value.replace(",", "")))
        except (InvalidOperation, ValueError):
            return value
    try:
        return Decimal(value.replace(",", "").rstrip("%"))
    except InvalidOperation:
        return value


def _unwrap(value: str) -> str:
    """Exports protect codes from spreadsheets as ="000001"; keep the digits, as text."""
    value = value.strip()
    if value.startswith('="') and value.endswith('"'):
        return value[2:-1]
    return value


__all__ = [
    "DEFAULT_MENU",
    "EXPECTED_COLUMNS",
    "FUNDS_STATICS",
    "KNOWN_VARIANTS",
    "PAGE_NAMES",
    "TEXT_COLUMNS",
    "canonical_header",
    "coerce",
    "menu_path",
]
