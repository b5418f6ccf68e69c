"""market_sell: a market sell (市价委托 → 卖出)."""

from __future__ import annotations

from typing import ClassVar

from easyths.brokers.base import Side
from easyths.operations.market_buy import MarketBuyOperation
from easyths.params import MarketSellParams


class MarketSellOperation(MarketBuyOperation):
    name: ClassVar[str] = "market_sell"
    description: ClassVar[str] = "市价卖出股票操作"
    Params = MarketSellParams
    side: ClassVar[Side] = Side.SELL
