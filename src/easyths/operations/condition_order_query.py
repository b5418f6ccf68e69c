"""condition_order_query: untriggered condition orders (条件单监控 → 未触发)."""

from __future__ import annotations

from typing import Any, ClassVar

from easyths.brokers.base import Broker
from easyths.operations.base import Operation, QueryParams, now_iso, shape_rows


class ConditionOrderQueryOperation(Operation):
    name: ClassVar[str] = "condition_order_query"
    read_only: ClassVar[bool] = True
    description: ClassVar[str] = "查询未触发的条件单"
    Params = QueryParams

    def run(self, broker: Broker, params: Any) -> dict[str, Any]:
        rows = broker.condition_orders()
        return {
            "condition_orders": shape_rows(rows, params.return_type),
            "timestamp": now_iso(),
            "message": f"条件单查询成功,共获取到{len(rows)}条数据",
        }
