"""condition_order_cancel: delete untriggered condition orders by code and/or direction."""

from __future__ import annotations

from typing import Any, ClassVar

from easyths.brokers.base import Ack, Side
from easyths.domain.commands import CommandKind, OrderCommand
from easyths.operations.base import Operation, now_iso
from easyths.params import ConditionOrderCancelParams


class ConditionOrderCancelOperation(Operation):
    name: ClassVar[str] = "condition_order_cancel"
    description: ClassVar[str] = "删除条件单"
    Params = ConditionOrderCancelParams
    places_order: ClassVar[bool] = True
    settles_on_book: ClassVar[bool] = True
    verify_with: ClassVar[str] = "请用 condition_order_query 核对条件单"

    def command(self, params: Any, operation_id: str) -> OrderCommand:
        return OrderCommand(
            operation_id,
            CommandKind.CANCEL_CONDITIONS,
            code=params.stock_code,
            side={"买入": Side.BUY, "卖出": Side.SELL}.get(params.order_type or ""),
        )

    def acked(self, params: Any, ack: Ack) -> dict[str, Any]:
        return self._result(params, len(ack.cancelled), ack.message)

    @staticmethod
    def _result(params: Any, count: int, message: str) -> dict[str, Any]:
        return {
            "stock_code": params.stock_code,
            "order_type": params.order_type,
            "deleted_count": count,
            "timestamp": now_iso(),
            "message": message,
        }
