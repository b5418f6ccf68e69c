"""Optional broker abilities, declared: small protocols a backend satisfies or not.

Why protocols checked with `isinstance` (instead of `getattr` probes): an ability is then a named,
typed contract, listed here once; a backend that has it says so by having the methods, and a
caller that needs it asks `isinstance(broker, ValuesOrders)`, which a type checker follows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from easyths.domain.clock import Clock
from easyths.domain.commands import Side

if TYPE_CHECKING:
    from easyths.brokers.sim.broker import SimBroker


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
class NamesIssues(Protocol):
    """Knows today's new-share and new-bond issues (the sim's calendar): risk reads a subscription's
    申购代码 as the 证券代码 it names, so the allow/deny lists and the per-code counts see one code
    whichever of the two the user sent (`docs/rules.md#ipo-subscribe`)."""

    def ipo_security_code(self, code: str) -> str | None: ...


@runtime_checkable
class ChecksTriggers(Protocol):
    """Sends orders on its own when a condition triggers (the sim): risk checks them then too."""

    def set_trigger_check(self, check: TriggerCheck | None) -> None: ...


@runtime_checkable
class Abandons(Protocol):
    """Can be told, from another thread, to let go of a call the watchdog gave up on (THS)."""

    def abandon(self) -> None: ...


EventSink = Callable[[dict[str, Any]], None]


@runtime_checkable
class EmitsEvents(Protocol):
    """Tells of fills, condition triggers and expiries as they happen (the sim)."""

    def add_event_sink(self, fn: EventSink) -> None: ...


@runtime_checkable
class HasClock(Protocol):
    """Keeps its own clock (the sim's may be virtual): risk's "day" and hours follow it."""

    clock: Clock


@runtime_checkable
class ReconcilesByReference(Protocol):
    """Stores each command's operation id with what it creates, in the same transaction (the
    sim): an outcome cut off by a crash is then settled by lookup, `Evidence(by_reference=True)`."""

    reconciles_by_reference: bool


@runtime_checkable
class RemembersClaims(Protocol):
    """Settles by "the one new matching row" and keeps the rows it credited in memory (THS): told
    again after a restart which ones today's operations own."""

    def remember_claims(self, contract_nos: Iterable[str] = (), condition_ids: Iterable[str] = ()) -> None: ...


@runtime_checkable
class BacksOntoSim(Protocol):
    """Runs on a sim it owns (the emulated THS client): the sim's controls reach that sim."""

    sim: SimBroker


@runtime_checkable
class HoldsConditions(Protocol):
    """Monitors condition orders itself (the sim), so the kill switch can hold them: while held
    none fires; released, those whose condition still holds fire against the standing quote.
    A backend without it (THS: its conditions live in the client) cannot be held, and says so."""

    def hold_conditions(self, held: bool) -> int: ...


@runtime_checkable
class CountsGuiActions(Protocol):
    """Drives a GUI (the THS client) and counts its actions per operation: the engine names the
    operation it runs, `/metrics` reads the counts (`easyths_ths_gui_actions_total`)."""

    def operation_scope(self, name: str) -> AbstractContextManager[None]: ...
    def gui_action_counts(self) -> dict[tuple[str, str], int]: ...


__all__ = [
    "Abandons",
    "BacksOntoSim",
    "ChecksTriggers",
    "CountsGuiActions",
    "EmitsEvents",
    "EventSink",
    "HasClock",
    "HoldsConditions",
    "Marks",
    "NamesIssues",
    "ReconcilesByReference",
    "RemembersClaims",
    "TriggerCheck",
    "ValuesOrders",
]
