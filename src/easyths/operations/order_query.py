"""order_query: today's orders (委托 / 当日委托)."""

from __future__ import annotations

from typing import Any, ClassVar

from easyths.brokers.base import Broker
from easyths.operations.base import Operation, now_iso, shape_rows
from easyths.params import OrderQueryParams


class OrderQueryOperation(Operation):
    name: ClassVar[str] = "order_query"
    read_only: ClassVar[bool] = True
    description: ClassVar[str] = "查询当日委托"
    Params = OrderQueryParams

    def run(self, broker: Broker, params: Any) -> dict[str, Any]:
        rows = broker.today_orders(params.stock_code)
        return {
            "orders": shape_rows(rows, params.return_type),
            "timestamp": now_iso(),
            "message": f"委托查询成功，共{len(rows)}条",
        }
