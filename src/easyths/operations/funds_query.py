"""funds_query: the funds panel (资金余额 … 持仓盈亏)."""

from __future__ import annotations

from typing import Any, ClassVar

from easyths.brokers.base import Broker
from easyths.operations.base import FieldsQueryParams, Operation, now_iso


class FundsQueryOperation(Operation):
    name: ClassVar[str] = "funds_query"
    read_only: ClassVar[bool] = True
    description: ClassVar[str] = "查询账户资金信息"
    Params = FieldsQueryParams

    def run(self, broker: Broker, params: Any) -> dict[str, Any]:
        return {**broker.funds(), "timestamp": now_iso(), "message": "资金查询成功"}
