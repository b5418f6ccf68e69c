"""condition_buy: a 股价条件 order that buys when the price falls to the target (≤)."""

from __future__ import annotations

from typing import Any, ClassVar

from easyths.brokers.base import Broker, OrderAck, Side
from easyths.operations._orders import ConditionParams
from easyths.operations.base import Operation


class ConditionBuyOperation(Operation):
    name: ClassVar[str] = "condition_buy"
    description: ClassVar[str] = "条件买入：股价达到目标价格时自动买入"
    Params = ConditionParams
    places_order: ClassVar[bool] = True
    side: ClassVar[Side] = Side.BUY
    settles_on_book: ClassVar[bool] = True
    settle_kind: ClassVar[str] = "condition"
    verify_with: ClassVar[str] = "请用 condition_order_query 核对条件单"

    def run(self, broker: Broker, params: Any) -> dict[str, Any]:
        ack = broker.place_condition_order(
            self.side, params.stock_code, params.target_price, params.quantity, params.expire_days
        )
        return self._data(params, ack.condition_id, f"执行{params.stock_code}的条件单成功")

    def acked(self, params: Any, ack: OrderAck) -> dict[str, Any]:
        """After the fact (reconciliation): the condition found, its id in `contract_no`."""
        return self._data(params, ack.contract_no, ack.message)

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
