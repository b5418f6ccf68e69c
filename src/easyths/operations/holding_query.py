"""holding_query: the holdings grid (查询 → 资金股票)."""

from __future__ import annotations

from typing import Any, ClassVar

from easyths.brokers.base import Broker
from easyths.operations.base import Operation, QueryParams, now_iso, shape_rows


class HoldingQueryOperation(Operation):
    name: ClassVar[str] = "holding_query"
    read_only: ClassVar[bool] = True
    description: ClassVar[str] = "查询股票持仓信息"
    Params = QueryParams

    def run(self, broker: Broker, params: Any) -> dict[str, Any]:
        rows = broker.holdings()
        return {
            "holdings": shape_rows(rows, params.return_type),
            "timestamp": now_iso(),
            "message": f"持仓查询成功，共{len(rows)}条",
        }
