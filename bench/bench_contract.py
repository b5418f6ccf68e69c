"""What the v2 contract costs: converting our rows to 2.x records, per row and per 100-row query.

Run: .venv/bin/python bench/bench_contract.py  (prints figures; no assertions)
"""

from __future__ import annotations

import time
from decimal import Decimal

from easyths.api.contracts import v2

ROW = {
    "证券代码": "600000",
    "证券名称": "浦发银行",
    "股票余额": 1200,
    "可用余额": 1200,
    "冻结数量": 0,
    "成本价": Decimal("10.123"),
    "市价": Decimal("10.50"),
    "盈亏": Decimal("452.40"),
    "盈亏比(%)": Decimal("3.72"),
    "当日盈亏": Decimal("12.00"),
    "当日盈亏比(%)": Decimal("0.10"),
    "市值": Decimal("12600.00"),
    "仓位占比(%)": Decimal("1.26"),
    "当日买入": 0,
    "当日卖出": 0,
    "交易市场": "上海Ａ股",
    "持股天数": 3,
}


def per_call(fn: object, n: int) -> float:
    start = time.perf_counter()
    for _ in range(n):
        fn()  # type: ignore[operator]
    return (time.perf_counter() - start) / n


def main() -> None:
    data = {"holdings": [dict(ROW) for _ in range(100)]}
    one = per_call(lambda: v2.convert_row(v2.HOLDING, ROW), 20_000)
    hundred = per_call(lambda: v2.to_v2_data("holding_query", data), 500)
    print(f"one holding row → 2.x record: {one * 1e6:.1f} µs")
    print(f"100-row holding_query data → 2.x: {hundred * 1e3:.2f} ms")


if __name__ == "__main__":
    main()
