"""order_cancel: cancel today's open orders: all / buys / sells, by code, or one by 合同编号."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import Field

from easyths.brokers.base import Broker, OrderAck
from easyths.operations.base import Operation, Params, StockCode, now_iso


class OrderCancelParams(Params):
    stock_code: StockCode | None = Field(None, description="股票代码，不指定则撤销所有")
    cancel_type: Literal["all", "buy", "sell"] = Field(
        "all", description="撤单类型：all(全部)/buy(买入)/sell(卖出)，默认 all"
    )
    contract_no: str | None = Field(None, pattern=r"^\d{1,20}$", description="合同编号：只撤这一笔委托（可选）")


class OrderCancelOperation(Operation):
    name: ClassVar[str] = "order_cancel"
    description: ClassVar[str] = "撤销委托"
    Params = OrderCancelParams
    places_order: ClassVar[bool] = True
    settles_on_book: ClassVar[bool] = True
    settle_kind: ClassVar[str] = "order_cancel"

    def run(self, broker: Broker, params: Any) -> dict[str, Any]:
        cancelled = broker.cancel_orders(
            stock_code=params.stock_code, side=params.cancel_type, contract_no=params.contract_no
        )
        message = f"撤单成功，共撤销{len(cancelled)}笔委托" if cancelled else "没有可撤销的委托"
        return self._result(params, cancelled, message)

    def acked(self, params: Any, ack: OrderAck) -> dict[str, Any]:
        """After the fact (reconciliation): `contract_no` lists what it cancelled, comma-separated."""
        return self._result(params, [c for c in ack.contract_no.split(",") if c], ack.message)

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
