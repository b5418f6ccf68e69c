"""buy: a limit buy order (买入)."""

from __future__ import annotations

from typing import Any, ClassVar

from easyths.brokers.base import Ack, Side
from easyths.domain.codes import classify
from easyths.domain.commands import CommandKind, OrderCommand
from easyths.operations.base import Operation
from easyths.params import BuyParams


class BuyOperation(Operation):
    name: ClassVar[str] = "buy"
    description: ClassVar[str] = "买入股票操作"
    Params = BuyParams
    places_order: ClassVar[bool] = True
    settles_on_book: ClassVar[bool] = True
    side: ClassVar[Side] = Side.BUY

    def command(self, params: Any, operation_id: str) -> OrderCommand:
        return OrderCommand(
            operation_id,
            CommandKind.LIMIT,
            code=params.stock_code,
            side=self.side,
            price=params.price,
            quantity=params.quantity,
        )

    def acked(self, params: Any, ack: Ack) -> dict[str, Any]:
        return {
            "stock_code": params.stock_code,
            "price": str(params.price.quantize(classify(params.stock_code).tick)),
            "quantity": params.quantity,
            "operation": self.name,
            "合同编号": ack.contract_no,
            "message": f"成功提交{params.stock_code}的{self.side.label}委托，合同编号：{ack.contract_no}",
        }
