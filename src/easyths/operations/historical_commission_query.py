"""historical_commission_query: 历史委托 over a time range."""

from __future__ import annotations

from typing import Any, ClassVar

from easyths.brokers.base import Broker
from easyths.operations.base import Operation, now_iso, shape_rows
from easyths.params import HistoryParams


class HistoricalCommissionQueryOperation(Operation):
    name: ClassVar[str] = "historical_commission_query"
    read_only: ClassVar[bool] = True
    description: ClassVar[str] = "查询历史委托"
    Params = HistoryParams

    def run(self, broker: Broker, params: Any) -> dict[str, Any]:
        rows = broker.order_history(params.time_range, params.stock_code)
        return {
            "historical_commissions": shape_rows(rows, params.return_type),
            "time_range": params.time_range,
            "timestamp": now_iso(),
            "message": f"历史委托查询成功，共{len(rows)}条",
        }
