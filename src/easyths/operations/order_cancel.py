"""order_cancel: cancel today's open orders: all / buys / sells, by code, or one by 合同编号."""

from __future__ import annotations

from typing import Any, ClassVar

from easyths.brokers.base import Ack
from easyths.domain.commands import CommandKind, OrderCommand, Side
from easyths.operations.base import Operation, now_iso
from easyths.params import OrderCancelParams


class OrderCancelOperation(Operation):
    name: ClassVar[str] = "order_cancel"
    description: ClassVar[str] = "撤销委托"
    Params = OrderCancelParams
    places_order: ClassVar[bool] = True
    settles_on_book: ClassVar[bool] = True

    def command(self, params: Any, operation_id: str) -> OrderCommand:
        return OrderCommand(
            operation_id,
            CommandKind.CANCEL_ORDERS,
            code=params.stock_code,
            side=None if params.cancel_type == "all" else Side(params.cancel_type),
            contract_no=params.contract_no,
        )

    def acked(self, params: Any, ack: Ack) -> dict[str, Any]:
        result = self._result(params, list(ack.cancelled), ack.message)
        if params.contract_no and ack.cancelled:  # one order: 部撤 says how much had traded
            result |= {"filled_quantity": ack.filled, "cancelled_quantity": ack.withdrawn}
        return result

    @staticmethod
    def _result(params: Any, cancelled: list[str], message: str) -> dict[str, Any]:
        return {
            "stock_code": params.stock_code,
            "cancel_type": params.cancel_type,
            "contract_no": params.contract_no,
            "cancelled_count": len(cancelled),
            "cancelled": cancelled,
            "timestamp": now_iso(),
            "message": message,
        }
