"""ipo_subscribe: subscribe to one of today's new shares or bonds (打新, `docs/rules.md#ipo`).

An order like any other (journalled, idempotent, `unknown` until the book shows it, under the kill
switch and the daily counts), but nothing is frozen on T, so no value cap applies. "All of today's"
is a loop in the SDK and the CLI, one operation per issue.
"""

from __future__ import annotations

from typing import Any, ClassVar

from easyths.brokers.base import Ack
from easyths.domain.commands import CommandKind, OrderCommand, Side
from easyths.operations.base import Operation
from easyths.params import IpoSubscribeParams


class IpoSubscribeOperation(Operation):
    name: ClassVar[str] = "ipo_subscribe"
    description: ClassVar[str] = "新股/新债申购（每只一笔，不可撤单；T日不冻结资金）"
    Params = IpoSubscribeParams
    places_order: ClassVar[bool] = True
    settles_on_book: ClassVar[bool] = True
    verify_with: ClassVar[str] = "请用 order_query 核对当日委托中的配售申购"

    def command(self, params: Any, operation_id: str) -> OrderCommand:
        return OrderCommand(
            operation_id, CommandKind.IPO, code=params.stock_code, side=Side.BUY, quantity=params.quantity
        )

    def acked(self, params: Any, ack: Ack) -> dict[str, Any]:
        return {
            "stock_code": params.stock_code,
            "quantity": ack.quantity if ack.quantity is not None else params.quantity,
            "合同编号": ack.contract_no,
            "message": ack.message,
        }
