"""sell: a limit sell order (卖出); shares the buy flow with the side flipped."""

from __future__ import annotations

from typing import ClassVar

from easyths.brokers.base import Side
from easyths.operations.buy import BuyOperation
from easyths.params import SellParams


class SellOperation(BuyOperation):
    name: ClassVar[str] = "sell"
    description: ClassVar[str] = "卖出股票操作"
    Params = SellParams
    side: ClassVar[Side] = Side.SELL
