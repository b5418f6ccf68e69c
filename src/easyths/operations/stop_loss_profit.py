"""stop_loss_profit: 止盈止损 on a holding, percentages relative to its cost price."""

from __future__ import annotations

from typing import Any, ClassVar

from easyths.brokers.base import Ack
from easyths.domain.commands import CommandKind, OrderCommand, Side
from easyths.operations.base import Operation
from easyths.params import StopLossProfitParams


class StopLossProfitOperation(Operation):
    name: ClassVar[str] = "stop_loss_profit"
    description: ClassVar[str] = "止盈止损：价格达到止盈或止损条件时自动卖出"
    Params = StopLossProfitParams
    places_order: ClassVar[bool] = True
    settles_on_book: ClassVar[bool] = True
    verify_with: ClassVar[str] = "请用 condition_order_query 核对条件单"

    def command(self, params: Any, operation_id: str) -> OrderCommand:
        return OrderCommand(
            operation_id,
            CommandKind.STOP_LOSS_PROFIT,
            code=params.stock_code,
            side=Side.SELL,
            quantity=params.quantity,
            stop_loss_percent=params.stop_loss_percent,
            stop_profit_percent=params.stop_profit_percent,
            expire_days=params.expire_days,
            protect_price=params.protect_price,
        )

    def acked(self, params: Any, ack: Ack) -> dict[str, Any]:
        """Right away (the broker says the quantity it used when none was given) or after the
        fact (reconciliation: then only the params' quantity is known)."""
        return {
            "stock_code": params.stock_code,
            "stop_loss_percent": float(params.stop_loss_percent),
            "stop_profit_percent": float(params.stop_profit_percent),
            "quantity": ack.quantity if ack.quantity is not None else params.quantity,
            "expire_days": params.expire_days,
            "operation": self.name,
            "condition_id": ack.condition_id,
            "message": ack.message if ack.reconciled else f"执行{params.stock_code}的止盈止损单成功",
        }
