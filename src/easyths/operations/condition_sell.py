"""condition_sell: a 股价条件 order that sells when the price rises to the target (≥)."""

from __future__ import annotations

from typing import ClassVar

from easyths.brokers.base import Side
from easyths.operations.condition_buy import ConditionBuyOperation
from easyths.params import ConditionSellParams


class ConditionSellOperation(ConditionBuyOperation):
    name: ClassVar[str] = "condition_sell"
    description: ClassVar[str] = "条件卖出：股价达到目标价格时自动卖出"
    Params = ConditionSellParams
    side: ClassVar[Side] = Side.SELL
