"""Settling `unknown` outcomes against the broker's order list, later, on the worker thread.

Why later and on the worker: right after a client dies or stays silent, its order list may not
show the order yet; asking again after `[queue].reconcile_delays` (1 s, 5 s, 30 s by default)
settles most cases. The question goes through the worker slot like an operation, because the
broker may be a GUI that only one caller may drive. An order is never placed again: the answer is
either "it is there" (success, with its 合同编号), "it is there as 废单" (failed, with its 合同编号,
as the submit would have said: `OrderVoided`) or "it is not" (failed). Any other error means
"cannot tell yet": asked again later, and `unknown` stays when the delays run out.

"It is not" is believed at once only from a backend whose book is its own ledger, looked up by
our operation id (`ReconcilesByReference`, the sim). A backend that reads its book off a screen
(THS: 当日委托 can show a new order seconds late) is asked again at every remaining delay, and
only the last ask may conclude "not there": a row read too early would otherwise journal an order
that is on the book as `failed`, breaking the first promise.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import replace

from easyths.brokers.abilities import ReconcilesByReference
from easyths.brokers.base import Broker
from easyths.engine.execute import Outcome, scope
from easyths.engine.records import OperationRecord, OpStatus
from easyths.engine.timers import ThreadTimers, Timer, Timers
from easyths.errors import OrderNotCancellable, OrderVoided, OutcomeUnknown
from easyths.operations.registry import Registry

log = logging.getLogger(__name__)


class Reconciler:
    def __init__(
        self,
        registry: Registry,
        broker: Broker,
        delays: list[float],
        *,
        read: Callable[[str], OperationRecord | None],
        enqueue: Callable[[Callable[[], None]], None],
        settle: Callable[[OperationRecord, Outcome], OperationRecord],
        timers: Timers | None = None,
    ) -> None:
        """`enqueue` hands a job to the worker slot; `settle` journals the outcome (via `apply`);
        `timers` says when to ask again (threads by default; tests pass `ManualTimers`)."""
        self._registry = registry
        self._broker = broker
        self._delays = delays
        self._read = read
        self._enqueue = enqueue
        self._settle = settle
        self._clock: Timers = timers or ThreadTimers()
        self._timers: set[Timer] = set()
        self._lock = threading.Lock()  # timers fire on their own threads while schedule/stop run on others
        self._stopped = False

    def schedule(self, op_id: str, attempt: int = 0) -> None:
        if attempt >= len(self._delays) or self._stopped:
            return

        def fire() -> None:
            with self._lock:
                self._timers.discard(timer)
            self._enqueue(lambda: self.reconcile(op_id, attempt))

        with self._lock:
            timer = self._clock.call_later(self._delays[attempt], fire)
            self._timers.add(timer)

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            timers, self._timers = list(self._timers), set()
        for timer in timers:
            timer.cancel()

    def reconcile(self, op_id: str, attempt: int) -> None:
        """Runs on the worker thread: ask the broker once, settle or try again later."""
        rec = self._read(op_id)
        if rec is None or rec.status is not OpStatus.UNKNOWN or rec.evidence is None:
            return
        try:
            model = self._registry.validate(rec.name, rec.params)
            op = self._registry.get(rec.name)()
            # a journal written before commands: the command is rebuilt from the journalled params
            command = rec.command or op.command(model, rec.id)
            if command is None:
                return
            with scope(self._broker, "reconcile"):
                ack = self._broker.reconcile(command, rec.evidence)
        except (OrderVoided, OrderNotCancellable) as exc:  # a 废单, or the cancel's order was not open
            data = exc.details if isinstance(exc.details, dict) else None
            self._done(rec, Outcome(OpStatus.FAILED, data, exc.message, error_code=exc.error_code))
            return
        except OutcomeUnknown:
            self.schedule(op_id, attempt + 1)
            return
        except Exception:
            log.exception("核对操作 %s 失败", op_id)
            self.schedule(op_id, attempt + 1)
            return
        if ack is None:
            if not self._absence_is_final(attempt):
                log.info("操作 %s 第 %d 次核对未在当日委托中找到，稍后再核对", op_id, attempt + 1)
                self.schedule(op_id, attempt + 1)
                return
            outcome = Outcome(OpStatus.FAILED, None, command.kind.not_done)
        else:
            found = replace(ack, reconciled=True)
            outcome = Outcome(OpStatus.SUCCESS, op.acked(model, found), ack.message, report=found)
        self._done(rec, outcome)

    def _absence_is_final(self, attempt: int) -> bool:
        """Whether "not on the book" may settle the operation as `failed` at this ask."""
        own_ledger = isinstance(self._broker, ReconcilesByReference) and self._broker.reconciles_by_reference
        return own_ledger or attempt + 1 >= len(self._delays)

    def _done(self, rec: OperationRecord, outcome: Outcome) -> None:
        done = self._settle(rec, outcome)
        log.info("操作 %s 核对完成: unknown → %s", rec.id, done.status.value)


__all__ = ["Reconciler"]
