"""historical_commission_query: 历史委托 over a time range."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import Field

from easyths.brokers.base import Broker
from easyths.operations.base import Operation, QueryParams, StockCode, now_iso, shape_rows


class HistoryParams(QueryParams):
    stock_code: StockCode | None = Field(None, description="股票代码(6位数字)，不指定则查询所有股票")
    time_range: Literal["当日", "近一周", "近一月", "近三月", "近一年"] = Field(
        "当日", description="时间范围：当日/近一周/近一月/近三月/近一年，默认当日"
    )


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
