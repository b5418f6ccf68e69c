"""market_buy: a market buy (市价委托 → 买入), strategy chosen from the exchange's types."""

from __future__ import annotations

from typing import Any, ClassVar

from easyths.brokers.base import Ack, MarketStrategy, Side
from easyths.domain.codes import Exchange, classify
from easyths.domain.commands import CommandKind, OrderCommand
from easyths.operations.base import Operation
from easyths.params import MarketBuyParams

STRATEGIES = {
    1: MarketStrategy.COUNTERPARTY_BEST,
    2: MarketStrategy.OWN_BEST,
    3: MarketStrategy.FIVE_LEVEL_CANCEL,
    4: MarketStrategy.IMMEDIATE_CANCEL,
    5: MarketStrategy.FILL_OR_KILL,
    6: MarketStrategy.FIVE_LEVEL_TO_LIMIT,
}
# SH offers 对手方最优/本方最优 (since 2023) and the two five-level types, not 4/5.
SH_SUPPORTED = {1, 2, 3, 6}


def strategy_for(stock_code: str, choice: int) -> MarketStrategy:
    """The exchange's own list decides; an unsupported choice falls back to 五档即成剩撤."""
    if classify(stock_code).exchange is Exchange.SH and choice not in SH_SUPPORTED:
        choice = 3
    return STRATEGIES[choice]


class MarketBuyOperation(Operation):
    name: ClassVar[str] = "market_buy"
    description: ClassVar[str] = "市价买入股票操作"
    Params = MarketBuyParams
    places_order: ClassVar[bool] = True
    settles_on_book: ClassVar[bool] = True
    side: ClassVar[Side] = Side.BUY

    def command(self, params: Any, operation_id: str) -> OrderCommand:
        return OrderCommand(
            operation_id,
            CommandKind.MARKET,
            code=params.stock_code,
            side=self.side,
            quantity=params.quantity,
            strategy=strategy_for(params.stock_code, params.execution_strategy),
            protect_price=params.protect_price,
        )

    def acked(self, params: Any, ack: Ack) -> dict[str, Any]:
        strategy = strategy_for(params.stock_code, params.execution_strategy)
        return {
            "stock_code": params.stock_code,
            "quantity": params.quantity,
            "operation": self.name,
            "strategy": strategy.value,
            "合同编号": ack.contract_no,
            "message": f"成功提交{params.stock_code}的市价{self.side.label}委托，合同编号：{ack.contract_no}",
        }
