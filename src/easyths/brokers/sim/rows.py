"""Order and fill rows with the client's column names (`docs/rules.md#order-columns`, `#fill-columns`)."""

from __future__ import annotations

import sqlite3
from decimal import Decimal

from easyths.brokers.base import Row
from easyths.domain.codes import classify
from easyths.domain.orders import Order


def order_row(o: Order) -> Row:
    """成交数量 and 成交均价 come from the order's fills (all of them, however many)."""
    inst = classify(o.code)
    return {
        "委托时间": o.time,
        "证券代码": o.code,
        "证券名称": o.name,
        "操作": o.op,
        "备注": o.status.value,
        "委托数量": o.quantity,
        "成交数量": o.filled,
        "委托价格": o.price.quantize(inst.tick),
        "成交均价": o.average_price(),
        "撤消数量": o.cancelled,
        "合同编号": str(o.contract_no),
        "交易市场": inst.market_name,
    }


def fill_row(f: sqlite3.Row) -> Row:
    inst = classify(f["code"])
    return {
        "成交时间": f["time"],
        "证券代码": f["code"],
        "证券名称": f["name"],
        "操作": f["op"],
        "成交数量": f["quantity"],
        "成交均价": f["price"].quantize(inst.tick),
        "成交金额": f["amount"].quantize(Decimal("0.01")),
        "合同编号": str(f["contract_no"]),
        "成交编号": str(f["fill_no"]),
        "交易市场": inst.market_name,
    }


__all__ = ["fill_row", "order_row"]
