"""The risk guard and the kill switch, wired into the engine as one admission and one listener.

Why counts come from the journal: the day's orders are rows of the journal, so the book is seeded
from it at start and a restart (or a SIGKILL) cannot reset a daily limit. After that the engine's
listener keeps the book current: an order counts once it is journalled as queued (a refused or
never-journalled submit does not count), and stops counting if it is cancelled while still queued
(it never reached the broker). Submits run on the event loop one at a time and the listener fires
inside `submit`, so check-then-count has no gap between two submits.

Why the guard reads the broker's clock: on the sim with a virtual clock a strategy rehearses days
in minutes, and "per day" and the allowed trading hours must follow the days it rehearses, not the
wall clock (the daily count used to stay full after `advance`). The journal only knows wall-clock
times, so with a virtual clock the book is not seeded from it at start: a restart in the middle of
a rehearsed day starts that day's counts again.

Why the kill switch is a file: its state must survive a restart and be readable by a person; it is
written atomically (temp file, fsync, rename). A state file that cannot be read counts as paused:
when in doubt, no new orders.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from easyths.brokers.abilities import Marks, NamesIssues, ValuesOrders
from easyths.domain.clock import Clock
from easyths.domain.commands import CommandKind, OrderCommand, Side
from easyths.engine.journal import Journal
from easyths.engine.records import OperationRecord, OpStatus, now
from easyths.errors import RiskDenied, TradingPaused
from easyths.risk.rules import DayBook, OrderIntent, check, intent_of
from easyths.risk.valuation import value_of
from easyths.settings import Settings

log = logging.getLogger(__name__)

STATE_FILE = "trading_state.json"


@dataclass(frozen=True, slots=True)
class PauseState:
    paused: bool
    reason: str | None = None
    since: str | None = None

    def view(self) -> dict[str, Any]:
        return {"paused": self.paused, "reason": self.reason, "since": self.since}


class KillSwitch:
    """Refuses new orders while paused; queries, cancels and everything already queued still run."""

    def __init__(self, home: Path) -> None:
        self.path = home / STATE_FILE
        self.state = self._load()

    def _load(self) -> PauseState:
        if not self.path.exists():
            return PauseState(False)
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
            return PauseState(bool(raw["paused"]), raw.get("reason"), raw.get("since"))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.error("交易开关状态文件 %s 无法读取（%s），按「已暂停」处理；确认后可调用 resume 恢复", self.path, exc)
            return PauseState(True, f"状态文件 {self.path.name} 无法读取，按暂停处理", now().isoformat())

    def _store(self, state: PauseState) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        with tmp.open("w", encoding="utf-8") as fh:
            json.dump(state.view(), fh, ensure_ascii=False)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.path)
        self.state = state

    def pause(self, reason: str | None) -> PauseState:
        self._store(PauseState(True, reason or "手动暂停", now().isoformat()))
        log.warning("交易已暂停：%s", self.state.reason)
        return self.state

    def resume(self) -> PauseState:
        self._store(PauseState(False))
        log.warning("交易已恢复")
        return self.state

    def admit(self, command: OrderCommand | None) -> None:
        """Any command that places something is refused while paused, whichever operation built it."""
        if self.state.paused and command is not None and command.kind.places:
            raise TradingPaused(
                f"交易已暂停（{self.state.reason}，自 {self.state.since}）：新委托被拒绝，查询与撤单不受影响；"
                f"恢复请调用 POST /api/v1/system/resume",
                details=self.state.view(),
            )


class RiskGuard:
    """Today's book of orders, seeded from the journal, checked at admission."""

    def __init__(
        self,
        settings: Settings,
        journal: Journal,
        clock: Clock | None = None,
        marks: ValuesOrders | None = None,
        issues: NamesIssues | None = None,
    ) -> None:
        """`clock`: the broker's (the sim's, possibly virtual); None for the wall clock. `marks`: a
        backend that knows prices and positions (the sim), to value market and stop-loss orders.
        `issues`: a backend that knows today's new issues (the sim), to read a 申购代码 as its 证券代码.

        An order that cannot be valued (a market order on THS without `protect_price`) is refused
        only while the user's own cap `[risk].max_order_value` is on: the cap inherited from
        `[trading].max_order_amount` is on by default, and refusing every such order under it
        would break scripts that never asked for a cap."""
        self.limits = settings.risk
        cap = settings.risk.max_order_value
        self.max_order_value: Decimal | None = settings.trading.max_order_amount if cap is None else cap
        self.value_required = bool(cap)
        self._marks_of = marks
        self.issues = issues
        self.journal = journal
        self._now: Callable[[], datetime] = clock.now if clock is not None else now
        self._lock = threading.Lock()
        self._counted: dict[str, OrderIntent] = {}
        self.book = DayBook(self._now().date())
        self.denied: dict[str, int] = {}
        if clock is None or not clock.virtual:
            self._seed()

    def _seed(self) -> None:
        start = datetime.combine(self.book.day, time(0), tzinfo=now().tzinfo)
        for rec in self.journal.commands_since(start):
            if rec.status is not OpStatus.CANCELLED:
                self._count(rec, rec.created_at)

    def _roll(self, at: datetime) -> None:
        if at.date() != self.book.day:
            self.book = DayBook(at.date())
            self._counted.clear()
            self.denied.clear()

    def _count(self, rec: OperationRecord, at: datetime) -> None:
        """Count an order journalled at `at` (the guard's clock): today's only."""
        if rec.id in self._counted:
            return
        intent = intent_of(rec.command)
        if intent is None or at.date() != self.book.day:
            return
        self._counted[rec.id] = intent
        self.book.add(intent, at)

    # engine hooks -------------------------------------------------------------------------------
    def admit(self, command: OrderCommand | None) -> OrderCommand | None:
        """The command valued (`risk.valuation`), after the rules passed it; None for a read."""
        if command is None or not command.kind.places:
            return command
        command = self._named(command).with_value(value_of(command, self._marks(command.code)))
        intent = intent_of(command)
        if intent is None or not self.limits.enabled:
            return command
        at = self._now()
        with self._lock:
            self._roll(at)
            if self.limits.duplicate_window:
                self.book.forget_before(at - timedelta(seconds=self.limits.duplicate_window))
            try:
                check(intent, self.limits, self.max_order_value, self.book, at, value_required=self.value_required)
            except RiskDenied as exc:
                rule = exc.details["rule"]
                self.denied[rule] = self.denied.get(rule, 0) + 1
                log.warning("风控拒绝 %s: %s", command.kind.value, exc.message)
                raise
        return command

    def _named(self, command: OrderCommand) -> OrderCommand:
        """A subscription by its 申购代码 is judged (and journalled) under the 证券代码 it names,
        where the backend knows its issues; elsewhere under the code the user sent."""
        if command.kind is not CommandKind.IPO or self.issues is None or not command.code:
            return command
        try:
            named = self.issues.ipo_security_code(command.code)
        except Exception:  # not found is the broker's to say (it refuses the subscription)
            log.exception("读取 %s 对应的证券代码失败，按提交的代码核对风控", command.code)
            return command
        return command if not named else replace(command, code=named)

    def _marks(self, code: str | None) -> Marks | None:
        if self._marks_of is None or not code:
            return None
        try:
            return self._marks_of.marks(code)
        except Exception:  # a failed read is not a zero price: the order is valued as unknown
            log.exception("读取 %s 的行情与持仓失败，按无法估值处理", code)
            return None

    def trigger_check(self, code: str, side: Side, price: Decimal, quantity: int) -> str | None:
        """Run when a condition triggers in the sim: its order is valued again at the price and
        quantity it is sent with (a stop-loss given no quantity sells all then available)."""
        cap = self.max_order_value
        if not self.limits.enabled or not cap or price * quantity <= cap:
            return None
        return (
            f"风控拒绝（max_order_value）：条件单触发时{side.label}委托金额 {price * quantity:f} 元"
            f"超过单笔上限 {cap:f} 元，未委托"
        )

    def on_record(self, rec: OperationRecord) -> None:
        if rec.command is None or not rec.command.kind.places:
            return
        at = self._now()
        with self._lock:
            self._roll(at)
            if rec.status is OpStatus.QUEUED:
                self._count(rec, at)
            elif rec.status is OpStatus.CANCELLED and rec.started_at is None:
                intent = self._counted.pop(rec.id, None)
                if intent is not None:
                    self.book.remove(intent)

    def view(self) -> dict[str, Any]:
        with self._lock:
            self._roll(self._now())
            lim = self.limits
            return {
                "enabled": lim.enabled,
                "limits": {
                    "max_order_value": self.max_order_value,
                    "max_order_quantity": lim.max_order_quantity,
                    "max_orders_per_day": lim.max_orders_per_day,
                    "max_orders_per_code_per_day": lim.max_orders_per_code_per_day,
                    "allow_codes": lim.allow_codes,
                    "deny_codes": lim.deny_codes,
                    "duplicate_window": lim.duplicate_window,
                    "trading_hours": lim.trading_hours,
                },
                "today": {
                    "date": self.book.day.isoformat(),
                    "orders": self.book.total,
                    "orders_by_code": dict(sorted(self.book.by_code.items())),
                    "denied": dict(self.denied),
                },
            }


class Admission:
    """The one admission function the engine calls: kill switch first, then the risk rules."""

    def __init__(self, switch: KillSwitch, guard: RiskGuard) -> None:
        self.switch = switch
        self.guard = guard

    def __call__(self, op: Any, params: Any, context: dict[str, Any]) -> OrderCommand | None:
        """Reads the operation's command (`context["command"]`), whatever operation built it;
        returns it valued, for the journal."""
        command = context.get("command")
        self.switch.admit(command)
        return self.guard.admit(command)


__all__ = ["Admission", "KillSwitch", "PauseState", "RiskGuard"]
