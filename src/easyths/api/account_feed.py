"""The dashboard's account reads (funds, holdings, orders), shared and as cheap on the broker as
the data allows.

Why on the server: on the THS backend every query is GUI time on the real client, queued one at a
time with the user's own orders. Each open dashboard tab used to submit three queries every 15 s,
two tabs twice that. Here every tab (and any client) asks the same feed, which
- answers from the last finished query of the same name and params (whoever submitted it, a
  strategy's own `holding_query` too) while nothing has changed the account since that query
  started and it is at most `max_age` seconds old;
- joins a query of the same name and params already queued (or running since the last change)
  instead of submitting a second one, so tabs reacting to the same event cost one set;
- otherwise submits at `BACKGROUND_PRIORITY`, below every client priority, so a dashboard read
  never runs ahead of a queued order.
"The account changed" is what the service can see: an order-placing (not read-only) operation
finished, or the broker reported an event (sim fills, condition triggers, expiries). What it cannot
see (a fill on the real exchange, an order typed into the client by hand) the dashboard picks up
at its slow interval (`[web].refresh_seconds`), which is also the default `max_age`.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from easyths.brokers.abilities import EmitsEvents
from easyths.engine.engine import Engine
from easyths.engine.records import OperationRecord, OpStatus, now
from easyths.engine.scheduler import BACKGROUND_PRIORITY
from easyths.errors import EasyTHSError, ResultTimeout
from easyths.operations.registry import Registry

QUERIES = ("funds_query", "holding_query", "order_query")


@dataclass(frozen=True, slots=True)
class _Done:
    record: OperationRecord
    generation: int  # the account's generation when the query started; -1 when not seen
    at: float  # monotonic time it finished


@dataclass(slots=True)
class _Open:
    op_id: str
    generation: int | None  # None while queued; set when it starts running


class AccountFeed:
    def __init__(self, engine: Engine, registry: Registry, clock: Callable[[], float] = time.monotonic) -> None:
        self._engine = engine
        self._registry = registry
        self._clock = clock
        # the dashboard's params for each query, canonical as the journal stores them
        self._params = {
            name: registry.validate(name, {}).model_dump(mode="json", exclude_none=True)
            for name in QUERIES
            if name in registry
        }
        self._lock = threading.Lock()
        self._generation = 0
        self._done: dict[str, _Done] = {}
        self._open: dict[str, _Open] = {}
        self.submitted = 0  # queries this feed put on the queue (for tests and metrics)

    def attach(self, broker: object) -> AccountFeed:
        """Listen to the engine's transitions and, when the broker has them, its events."""
        self._engine.add_listener(self.on_record)
        if isinstance(broker, EmitsEvents):
            broker.add_event_sink(self.on_broker_event)
        return self

    # what changes the account --------------------------------------------------------------------------
    def changed(self) -> None:
        with self._lock:
            self._generation += 1

    def on_broker_event(self, event: dict[str, Any]) -> None:
        self.changed()

    def on_record(self, rec: OperationRecord) -> None:
        """Engine listener: runs on the thread of the transition; only dict updates under a lock."""
        if self._params.get(rec.name) == rec.params:
            self._on_query(rec)
        elif rec.status.finished and rec.status is not OpStatus.CANCELLED and not self._read_only(rec.name):
            self.changed()

    def _read_only(self, name: str) -> bool:
        try:
            return self._registry.get(name).read_only
        except EasyTHSError:
            return False

    def _on_query(self, rec: OperationRecord) -> None:
        with self._lock:
            current = self._open.get(rec.name)
            mine = current is not None and current.op_id == rec.id
            if rec.status is OpStatus.QUEUED:
                if current is None:
                    self._open[rec.name] = _Open(rec.id, None)
            elif rec.status is OpStatus.RUNNING:
                self._open[rec.name] = _Open(rec.id, self._generation)
            elif rec.status.finished:
                if mine:
                    del self._open[rec.name]
                if rec.status is OpStatus.SUCCESS:
                    started = (
                        current.generation if mine and current is not None and current.generation is not None else -1
                    )
                    self._done[rec.name] = _Done(rec, started, self._clock())

    # the read ----------------------------------------------------------------------------------------
    def _pick(self, name: str, max_age: float) -> OperationRecord | str | None:
        """A fresh finished record, or the id of an open query to join, or None (submit one)."""
        with self._lock:
            done = self._done.get(name)
            if done is not None and done.generation == self._generation and self._clock() - done.at <= max_age:
                return done.record
            current = self._open.get(name)
            if current is not None and current.generation in (None, self._generation):
                return current.op_id
        return None

    async def read(self, max_age: float, wait: float) -> dict[str, dict[str, Any]]:
        """Each query's latest result: `{name: {operation_id, status, source, finished_at, age_seconds,
        data, error}}`, `source` being `cache` (a finished result reused), `joined` (an open query
        shared) or `new`.

        A query still queued or running after `wait` seconds is reported as such without data;
        the next read joins it."""
        targets: dict[str, OperationRecord | str] = {}
        source: dict[str, str] = {}
        for name in self._params:
            picked = self._pick(name, max_age)
            if picked is None:
                picked = self._engine.submit(name, dict(self._params[name]), BACKGROUND_PRIORITY).record.id
                self.submitted += 1
                source[name] = "new"
            else:
                source[name] = "cache" if isinstance(picked, OperationRecord) else "joined"
            targets[name] = picked
        records = await asyncio.gather(*(self._finished(t, wait) for t in targets.values()))
        return {name: _view(rec, source[name]) for name, rec in zip(targets, records, strict=True)}

    async def _finished(self, target: OperationRecord | str, wait: float) -> OperationRecord:
        if isinstance(target, OperationRecord):
            return target
        try:
            return await self._engine.wait(target, wait)
        except ResultTimeout:
            return self._engine.get(target)


def _view(rec: OperationRecord, source: str) -> dict[str, Any]:
    ok = rec.status is OpStatus.SUCCESS and rec.result is not None
    return {
        "operation_id": rec.id,
        "status": rec.status.value,
        "source": source,
        "finished_at": rec.finished_at.isoformat() if rec.finished_at else None,
        # the server's own clock: a page times its next read from it, whatever the browser's clock says
        "age_seconds": round((now() - rec.finished_at).total_seconds(), 3) if rec.finished_at else None,
        "data": rec.result.get("data") if ok and rec.result else None,
        "error": None if ok else rec.error,
    }


__all__ = ["QUERIES", "AccountFeed"]
