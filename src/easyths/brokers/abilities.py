"""Optional broker abilities, declared: small protocols a backend satisfies or not.

Why protocols checked with `isinstance` (instead of `getattr` probes): an ability is then a named,
typed contract, listed here once; a backend that has it says so by having the methods, and a
caller that needs it asks `isinstance(broker, ValuesOrders)`, which a type checker follows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol, runtime_checkable

from easyths.domain.commands import Side


@dataclass(frozen=True, slots=True)
class Marks:
    """What a backend knows of one code at admission, to value an order placed on it."""

    price: Decimal | None  # the latest price (a market sell freezes nothing, it trades about here)
    limit_up: Decimal | None  # today's upper limit (brokers freeze a market buy at it)
    held: int  # 股票余额
    available: int  # 可用余额
    cost_price: Decimal | None  # 成本价 of the position (a stop-loss's triggers are percentages of it)


# A check run when a condition triggers: (code, side, price, quantity) -> a refusal, or None.
TriggerCheck = Callable[[str, Side, Decimal, int], str | None]


@runtime_checkable
class ValuesOrders(Protocol):
    """Knows prices and positions without a GUI round trip (the sim), so risk can value a market
    order at what the broker would freeze and a stop-loss at its trigger."""

    def marks(self, code: str) -> Marks | None: ...


@runtime_checkable
class ChecksTriggers(Protocol):
    """Sends orders on its own when a condition triggers (the sim): risk checks them then too."""

    def set_trigger_check(self, check: TriggerCheck | None) -> None: ...


__all__ = ["ChecksTriggers", "Marks", "TriggerCheck", "ValuesOrders"]
