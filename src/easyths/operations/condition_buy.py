"""condition_buy: a 股价条件 order that buys when the price falls to the target (≤)."""

from __future__ import annotations

from typing import Any, ClassVar

from easyths.brokers.base import Ack, Side
from easyths.domain.commands import CommandKind, OrderCommand
from easyths.operations.base import Operation
from easyths.params import ConditionParams


class ConditionBuyOperation(Operation):
    name: ClassVar[str] = "condition_buy"
    description: ClassVar[str] = "条件买入：股价达到目标价格时自动买入"
    Params = ConditionParams
    places_order: ClassVar[bool] = True
    side: ClassVar[Side] = Side.BUY
    settles_on_book: ClassVar[bool] = True
    verify_with: ClassVar[str] = "请用 condition_order_query 核对条件单"

    def command(self, params: Any, operation_id: str) -> OrderCommand:
        return OrderCommand(
            operation_id,
            CommandKind.CONDITION,
            code=params.stock_code,
            side=self.side,
            price=params.target_price,
            quantity=params.quantity,
            expire_days=params.expire_days,
        )

    def acked(self, params: Any, ack: Ack) -> dict[str, Any]:
        """Right away or after the fact (reconciliation, whose message says how it was found)."""
        message = ack.message if ack.reconciled else f"执行{params.stock_code}的条件单成功"
        return self._data(params, ack.condition_id or "", message)

    def _data(self, params: Any, condition_id: str, message: str) -> dict[str, Any]:
        return {
            "stock_code": params.stock_code,
            "target_price": float(params.target_price),
            "quantity": params.quantity,
            "expire_days": params.expire_days,
            "operation": self.name,
            "condition_id": condition_id,
            "message": message,
        }
