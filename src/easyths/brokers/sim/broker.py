"""`SimBroker`: the simulated A-share broker behind the `Broker` protocol.

Why one lock: broker methods run on the engine's worker thread while the control routes (quotes,
clock) run on the HTTP side; one `RLock` around every public method keeps the account, the book
and the clock consistent, and each method is one SQLite transaction committed before it returns.
The clock, quote and reset controls live in `control.py`, what the operations ask that changes the
account in `placing.py`, what the account shows in `reading.py`; this module is the port.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime
from pathlib import Path
from typing import Any

from easyths.brokers.abilities import EventSink, Marks, TriggerCheck
from easyths.brokers.base import (
    Ack,
    BrokerHealth,
    Evidence,
    Row,
)
from easyths.brokers.dispatch import submit_command
from easyths.brokers.sim import account, conditions, reconcile
from easyths.brokers.sim import marks as sim_marks
from easyths.brokers.sim.context import SimContext
from easyths.brokers.sim.placing import SimPlacing
from easyths.brokers.sim.quotes import QuoteSource
from easyths.brokers.sim.reading import SimReading
from easyths.brokers.sim.sources import ReplayQuotes, source_for
from easyths.brokers.sim.store import Store
from easyths.brokers.sim.ticker import QuoteTicker
from easyths.domain import calendar
from easyths.domain.clock import Clock, VirtualClock, WallClock, parse_start
from easyths.domain.commands import OrderCommand
from easyths.settings import Settings, SimSection

log = logging.getLogger(__name__)


class SimBroker(SimPlacing, SimReading):
    reconciles_by_reference = True  # orders, conditions and cancels carry the engine's operation id
    backend = "sim"

    def __init__(
        self,
        path: Any,
        settings: SimSection | None = None,
        *,
        clock: Clock | None = None,
        quotes: QuoteSource | None = None,
    ) -> None:
        """`path` is the SQLite file. A virtual clock saved in the file wins over the injected
        one's start, so a restart resumes at the persisted time."""
        self.settings = settings or SimSection()
        self._lock = threading.RLock()
        self.store = Store(path)
        if clock is None:
            clock = WallClock() if self.settings.clock == "wall" else VirtualClock(parse_start(self.settings.start))
        self.clock = clock
        self.quotes = quotes or source_for(self.settings)
        reference_dir = self.settings.reference_dir or Path(path).parent / "reference"
        self.ctx = SimContext(self.store, self.settings, clock, reference_dir=reference_dir)
        self._sinks: list[EventSink] = []
        self._ticker: QuoteTicker | None = None
        self.store.after_commit = self._deliver
        self.store.after_rollback = self.ctx.outbox.clear
        with self._lock, self.store.tx():
            saved = self.store.get_meta("clock")
            if saved and isinstance(clock, VirtualClock):
                clock.set(datetime.fromisoformat(saved))
            if isinstance(self.quotes, ReplayQuotes):
                self.quotes.position = int(self.store.get_meta("replay_position") or 0)
            account.ensure_accounts(self.ctx)
            if self.store.get_meta("current_account") is None:
                self.store.set_meta("current_account", self.settings.accounts[0])
            if self.store.get_meta("trading_day") is None:
                today = clock.now().date()
                day = today if calendar.is_session(today) else calendar.previous_session(today)
                self.store.set_meta("trading_day", day.isoformat())
                self.store.set_meta("mark_done", clock.now().isoformat())
            self._sync()

    @classmethod
    def from_settings(cls, settings: Settings) -> SimBroker:
        """The service's sim: a random, replay or live source moves by itself every `tick_seconds`."""
        broker = cls(settings.home / "sim.db", settings.sim)
        if settings.sim.quotes in ("random", "replay", "live") and settings.sim.tick_seconds > 0:
            broker.start_ticker(settings.sim.tick_seconds)
        return broker

    def start_ticker(self, interval: float) -> QuoteTicker:
        if self._ticker is None:
            self._ticker = QuoteTicker(self, interval)
            self._ticker.start()
        return self._ticker

    # --- events ---------------------------------------------------------------------------------

    def add_event_sink(self, fn: EventSink) -> None:
        """`fn(event)` hears every fill, condition trigger and expiry, after its transaction
        commits, on the thread that produced it. It must not block; its exceptions are logged."""
        self._sinks.append(fn)

    def _deliver(self) -> None:
        events, self.ctx.outbox[:] = list(self.ctx.outbox), []
        for event in events:
            for sink in self._sinks:
                try:
                    sink(event)
                except Exception:  # a listener's bug must not undo a committed trade
                    log.exception("事件接收方出错: %s", event.get("type"))

    # --- Broker protocol: orders ---------------------------------------------------------------------

    def marks(self, code: str) -> Marks | None:
        """`ValuesOrders`: for risk at admission (called on the event loop: no network fetch)."""
        with self._lock, self.store.tx():
            if self.quotes.kind == "random":
                self._ensure_quote(code)
            return sim_marks.marks(self.ctx, self._account(), code)

    def set_trigger_check(self, check: TriggerCheck | None) -> None:
        """`ChecksTriggers`: risk's check of the orders conditions send when they trigger."""
        self.ctx.trigger_check = check

    def hold_conditions(self, held: bool) -> int:
        """`HoldsConditions`: the kill switch's pause holds armed conditions; its resume releases
        them, and a condition that still holds then fires against the standing quote (one that
        held only during the pause does not). Returns how many fired on release."""
        with self._lock, self.store.tx():
            self._sync()  # what happened before this instant happened under the previous state
            self.ctx.conditions_held = held
            if held:
                return 0
            waiting = "SELECT count(*) FROM conditions WHERE status = ?"
            before = self.store.all(waiting, conditions.WAITING)[0][0]
            conditions.check_all(self.ctx)
            return int(before - self.store.all(waiting, conditions.WAITING)[0][0])

    def submit(self, command: OrderCommand) -> Ack:
        """The port (`brokers.dispatch`): the operation id goes with the command to be stored with
        what it creates (orders, conditions, cancel receipts), so a crash is settled by lookup."""
        return submit_command(self, command, ref=command.operation_id)

    def _new_since(self, command: OrderCommand, evidence: Evidence) -> list[int]:
        """Today's orders like the command's (code, side, quantity) that were not on the book in
        the `before` snapshot, as the THS driver settles against 当日委托."""
        before = set(evidence.before or ())
        return [
            o.contract_no
            for o in self._orders(0, command.code)
            if str(o.contract_no) not in before
            and (command.side is None or o.side == command.side.value)
            and (command.quantity is None or o.quantity == command.quantity)
        ]

    # --- accounts, health -------------------------------------------------------------------------

    def accounts(self) -> list[Row]:
        with self._lock:
            current = self._account()
            rows = self.store.all("SELECT name, idx FROM accounts ORDER BY idx")
            return [
                {"account_name": r["name"], "account_index": r["idx"], "current": r["name"] == current} for r in rows
            ]

    def current_account(self) -> str:
        with self._lock:
            return self._account()

    def switch_account(self, account_name: str) -> None:
        with self._lock, self.store.tx():
            account.cash(self.ctx, account_name)  # raises for an unknown name
            self.store.set_meta("current_account", account_name)

    def reconcile(self, command: OrderCommand, evidence: Evidence) -> Ack | None:
        """Settle an `unknown` outcome from the book; see `brokers.sim.reconcile`."""
        with self._lock:
            return reconcile.settle(self.ctx, command, evidence, self._new_since)

    def health(self) -> BrokerHealth:
        with self._lock:
            now = self.clock.now()
            return BrokerHealth(
                connected=True,
                logged_in=True,
                backend="sim",
                extra={
                    "clock": now.isoformat(),
                    "session_phase": self.ctx.phase().value,
                    "clock_type": "virtual" if self.clock.virtual else "wall",
                    "quote_source": self.quotes.kind,
                },
            )

    def close(self) -> None:
        if self._ticker is not None:
            self._ticker.stop()
            self._ticker = None
        with self._lock:
            self.store.close()


__all__ = ["SimBroker"]
