"""reverse_repo_buy: lend cash through 国债逆回购 (a sell at the annual rate)."""

from __future__ import annotations

from typing import Any, ClassVar

from easyths.brokers.base import Ack
from easyths.domain.codes import Exchange, repo_code
from easyths.domain.commands import CommandKind, OrderCommand, Side
from easyths.operations.base import Operation
from easyths.params import ReverseRepoBuyParams
from easyths.params.orders import REPO_TERM_DAYS


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
            code=_code(params.market, REPO_TERM_DAYS[params.time_range]),
            side=Side.SELL,
            market=params.market,
            term_days=REPO_TERM_DAYS[params.time_range],
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
