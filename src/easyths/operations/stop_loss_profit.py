"""stop_loss_profit: 止盈止损 on a holding, percentages relative to its cost price."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, ClassVar

from pydantic import Field, ValidationInfo, field_validator

from easyths.brokers.base import Ack
from easyths.domain.commands import CommandKind, OrderCommand, Side
from easyths.operations._orders import OrderParams, check_quantity
from easyths.operations.base import ExpireDays, Operation, Percent, Price, StockCode


class StopLossProfitParams(OrderParams):
    stock_code: StockCode
    stop_loss_percent: Percent = Field(description="止损百分比（如3表示3%）")
    stop_profit_percent: Percent = Field(description="止盈百分比（如5表示5%）")
    quantity: Annotated[int | None, Field(gt=0)] = Field(
        None, description="卖出数量（整手），可选，不指定则使用全部可用持仓"
    )
    expire_days: ExpireDays = Field(30, description="有效期（自然日），可选1/3/5/10/20/30，默认30")
    protect_price: Price | None = Field(
        None,
        description="保护价（可选，元）：只用于风控估值。没有行情与持仓的后端（同花顺）在设置了 "
        "[risk].max_order_value 时，按 保护价×quantity 计入单笔委托金额上限；模拟券商按止盈触发价×数量估值",
    )

    @field_validator("stop_profit_percent")
    @classmethod
    def _profit_above_loss(cls, value: Decimal, info: ValidationInfo) -> Decimal:
        loss = info.data.get("stop_loss_percent")
        if loss is not None and value <= loss:
            raise ValueError("止盈百分比必须大于止损百分比")
        return value

    @field_validator("quantity")
    @classmethod
    def _size(cls, value: int | None, info: ValidationInfo) -> int | None:
        code = info.data.get("stock_code")
        return value if value is None or code is None else check_quantity(code, value, buy=False)


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
