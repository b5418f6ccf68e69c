"""ipo_allotment_query: each subscription's 配号 (T+1), 中签 (T+2), amount due and payment."""

from __future__ import annotations

from typing import Any, ClassVar

from easyths.brokers.base import Broker
from easyths.operations.base import Operation, QueryParams, now_iso, shape_rows
from easyths.operations.ipo_query import ipo_desk


class IpoAllotmentQueryOperation(Operation):
    name: ClassVar[str] = "ipo_allotment_query"
    read_only: ClassVar[bool] = True
    description: ClassVar[str] = "查询新股/新债的配号与中签（中签数量、应缴金额、缴款日期、放弃认购）"
    Params = QueryParams

    def run(self, broker: Broker, params: Any) -> dict[str, Any]:
        rows = ipo_desk(broker).ipo_allotments()
        return {
            "allotments": shape_rows(rows, params.return_type),
            "timestamp": now_iso(),
            "message": f"查询配号与中签成功，共{len(rows)}笔申购" if rows else "没有申购记录",
        }
