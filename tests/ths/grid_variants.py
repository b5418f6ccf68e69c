"""A recording of a Variant B client (as `easyths doctor` writes one), trimmed to what matters."""

from __future__ import annotations

from typing import Any

VARIANT_B_RECORDING: dict[str, Any] = {
    "format": "easyths-ths-recording/1",
    "window_title": "核新网上交易系统",
    "menu": {"funds": ["查询[F4]", "资金股份"], "holdings": ["查询[F4]", "资金股份"]},
    "grid_headers": {
        "holdings": [
            "证券代码",
            "证券名称",
            "持仓数量",
            "可用数量",
            "冻结数量",
            "参考成本价",
            "当前价",
            "浮动盈亏",
            "盈亏比例(%)",
            "当日盈亏",
            "当日盈亏比(%)",
            "最新市值",
            "仓位占比(%)",
            "持股天数",
        ],
    },
}
