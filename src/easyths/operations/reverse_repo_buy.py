"""reverse_repo_buy: lend cash through 国债逆回购 (a sell at the annual rate)."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

from pydantic import Field, field_validator

from easyths.brokers.base import Ack
from easyths.domain.codes import Exchange, repo_code
from easyths.domain.commands import CommandKind, OrderCommand, Side
from easyths.operations._orders import OrderParams
from easyths.operations.base import Operation

TERMS = {
    "1天期": 1,
    "2天期": 2,
    "3天期": 3,
    "4天期": 4,
    "7天期": 7,
    "14天期": 14,
    "28天期": 28,
    "91天期": 91,
    "182天期": 182,
}


class ReverseRepoBuyParams(OrderParams):
    market: Literal["上海", "深圳"] = Field(description="交易市场：上海/深圳")
    time_range: Literal["1天期", "2天期", "3天期", "4天期", "7天期", "14天期", "28天期", "91天期", "182天期"] = Field(
        description="回购期限：1天期/2天期/3天期/4天期/7天期（及14/28/91/182天期）"
    )
    amount: Annotated[int, Field(gt=0, description="出借金额（元，必须是1000的倍数）")]

    @field_validator("amount")
    @classmethod
    def _thousands(cls, value: int) -> int:
        if value % 1000:
            raise ValueError("出借金额必须是1000的倍数且不小于1000")
        return value


class ReverseRepoBuyOperation(Operation):
    name: ClassVar[str] = "reverse_repo_buy"
    description: ClassVar[str] = "国债逆回购出借"
    Params = ReverseRepoBuyParams
    places_order: ClassVar[bool] = True
    settles_on_book: ClassVar[bool] = True

    def command(self, params: Any, operation_id: str) -> OrderCommand:
        return OrderCommand(
            operation_id,
            CommandKind.REPO,
            code=_code(params.market, TERMS[params.time_range]),
            side=Side.SELL,
            market=params.market,
            term_days=TERMS[params.time_range],
            amount=params.amount,
        )

    def acked(self, params: Any, ack: Ack) -> dict[str, Any]:
        """Right away the broker names the code and rate; after the fact (reconciliation) only
        the 合同编号 is known."""
        if ack.reconciled or ack.rate is None:
            return {
                "market": params.market,
                "time_range": params.time_range,
                "amount": params.amount,
                "合同编号": ack.contract_no,
                "message": ack.message,
            }
        return {
            "market": params.market,
            "time_range": params.time_range,
            "amount": params.amount,
            "证券代码": ack.repo_code,
            "年化利率": f"{ack.rate:.3f}%",
            "合同编号": ack.contract_no,
            "message": f"国债逆回购操作成功, 成功出借:{params.amount} 元, 年化利率为:{ack.rate:.2f}%",
        }


def _code(market: str, term_days: int) -> str | None:
    """The instrument lent through (204001 …), for risk's code lists; None if there is none."""
    try:
        return repo_code(Exchange.SH if market == "上海" else Exchange.SZ, term_days)
    except KeyError:
        return None
