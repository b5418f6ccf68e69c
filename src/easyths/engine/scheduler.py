"""The scheduler: which operation runs next, how many wait, who is waiting for which result.

Why pure: ordering (priority, then FIFO), the bounded-queue check, idempotency and the waiting
requests are the queue's rules; they are tested here without threads, clocks or SQLite. The
engine holds the one lock around every call and does the I/O (journal, broker, event loop).
Only open operations (queued, running, or claimed by the worker) are held in full; finished ones
stay in a small bounded cache of recent records, so memory does not grow with history.
"""

from __future__ import annotations

import hashlib
import heapq
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from easyths.engine.records import OperationRecord, OpStatus, dumps
from easyths.errors import Conflict, InvalidParams, QueueFull
from easyths.operations.base import Params

Waiter = Callable[[OperationRecord], None]  # called once with the finished record, off the lock

# Clients give 0-10. Below them, for the service's own reads (the dashboard's account queries):
# they run only when no client operation is queued, so they never delay a client's order.
BACKGROUND_PRIORITY = -1
_LEVELS = 10 - BACKGROUND_PRIORITY + 1


def idempotency_key(header: str | None, client_order_id: str | None) -> str | None:
    """The `Idempotency-Key` header and the `client_order_id` param name the same thing, the
    order: either one identifies it, so a retry carrying the other still finds the first. Two
    different values in one request contradict each other (the header used to win and the
    param was dropped, so one `client_order_id` under three headers placed three orders)."""
    if header is not None and client_order_id is not None and header != client_order_id:
        raise InvalidParams(
            f"请求头 Idempotency-Key（{header}）与参数 client_order_id（{client_order_id}）不一致："
            "两者标识同一笔委托，请只传其中一个，或传相同的值",
            details=[{"field": "client_order_id", "message": "与 Idempotency-Key 请求头不一致"}],
        )
    return header if header is not None else client_order_id


def fingerprint(name: str, params: dict[str, Any], priority: int) -> str:
    """What "the same request" means for an idempotency key: name, canonical params, priority.

    `client_order_id` is left out: it is the key itself, so a repeat that names the order by the
    header instead of the param (or the reverse) is the same request."""
    if "client_order_id" in params:
        params = {k: v for k, v in params.items() if k != "client_order_id"}
    return hashlib.sha256(dumps({"name": name, "params": params, "priority": priority}).encode()).hexdigest()


def legacy_fingerprint(name: str, params: dict[str, Any], priority: int) -> str:
    """The fingerprint journalled before `client_order_id` was left out: old records still match their retries."""
    return hashlib.sha256(dumps({"name": name, "params": params, "priority": priority}).encode()).hexdigest()


def check_duplicate(earlier: OperationRecord, key: str, body_hash: str, legacy_hash: str | None = None) -> None:
    """The same key with a different body is the client's mistake, never a second order."""
    if earlier.body_hash != body_hash and (legacy_hash is None or earlier.body_hash != legacy_hash):
        raise InvalidParams(
            f"Idempotency-Key '{key}' 已用于另一个不同内容的请求（操作 {earlier.id}）",
            details=[{"field": "Idempotency-Key", "message": "与原请求内容不一致"}],
        )


@dataclass(frozen=True, slots=True)
class Taken:
    """The operation the worker took off the heap, with its validated params."""

    record: OperationRecord
    model: Params


RECENT_ROWS = 20_000  # result rows the cache of finished records may hold (about 6 MB of order rows)


def weight(rec: OperationRecord) -> int:
    """What a cached record costs, in result rows (a text table counts a row per 100 characters)."""
    data = (rec.result or {}).get("data")
    if not isinstance(data, dict):
        return 1
    rows = 1
    for value in data.values():
        if isinstance(value, list):
            rows += len(value)
        elif isinstance(value, str):
            rows += len(value) // 100
    return rows


class Scheduler:
    def __init__(self, max_size: int, recent_size: int = 1024) -> None:
        self.max_size = max_size
        self._heap: list[tuple[int, int, str]] = []  # (-priority, seq, id)
        self._open: dict[str, OperationRecord] = {}  # queued + running, as last made visible
        self._models: dict[str, Params] = {}
        self._queued_by_priority = [0] * _LEVELS  # index: priority - BACKGROUND_PRIORITY
        self._claimed: str | None = None  # taken by the worker, "running" not yet visible
        self._waiters: dict[str, list[Waiter]] = {}
        self._recent: OrderedDict[str, OperationRecord] = OrderedDict()
        self._recent_size = recent_size
        self._recent_weight = 0  # rows held by the cached results (`weight`)
        self.counts: dict[OpStatus, int] = dict.fromkeys(OpStatus, 0)

    # admission -------------------------------------------------------------------------------------
    def position_for(self, priority: int) -> int:
        """Queue position a new operation of `priority` would get; `QueueFull` at the bound."""
        queued = sum(self._queued_by_priority)
        if queued >= self.max_size:
            raise QueueFull(f"队列已满（上限 {self.max_size}），请稍后再试")
        return sum(self._queued_by_priority[priority - BACKGROUND_PRIORITY :])

    def push(self, rec: OperationRecord, model: Params, *, counted: bool = True) -> None:
        """A journalled `queued` record joins the heap (`counted=False`: counts came from the journal)."""
        self._open[rec.id] = rec
        self._models[rec.id] = model
        self._queued_by_priority[rec.priority - BACKGROUND_PRIORITY] += 1
        heapq.heappush(self._heap, (-rec.priority, rec.seq, rec.id))
        if counted:
            self.counts[OpStatus.QUEUED] += 1

    # the worker's side -------------------------------------------------------------------------------
    def take(self) -> Taken | None:
        """Next queued operation by priority then FIFO; it is claimed until `mark()` shows it running."""
        while self._heap:
            _, _, op_id = heapq.heappop(self._heap)
            rec = self._open.get(op_id)
            if rec is None or rec.status is not OpStatus.QUEUED:
                continue  # cancelled while queued
            self._queued_by_priority[rec.priority - BACKGROUND_PRIORITY] -= 1
            self._claimed = op_id
            return Taken(rec, self._models[op_id])
        return None

    def peek(self) -> OperationRecord | None:
        """The operation `take()` would return next, left in place (cancelled ones are dropped)."""
        while self._heap:
            rec = self._open.get(self._heap[0][2])
            if rec is not None and rec.status is OpStatus.QUEUED:
                return rec
            heapq.heappop(self._heap)
        return None

    def has_work(self) -> bool:
        return any(self._queued_by_priority)

    def mark(self, rec: OperationRecord, previous: OpStatus) -> list[Waiter]:
        """Make the transition `previous → rec.status` visible; a finished record leaves the open
        set, is remembered for a while, and its waiters are returned (to be called off the lock)."""
        self.counts[previous] -= 1
        self.counts[rec.status] += 1
        if previous is OpStatus.QUEUED and self._claimed != rec.id and rec.id in self._open:
            # left the queue without being taken (cancel)
            self._queued_by_priority[rec.priority - BACKGROUND_PRIORITY] -= 1
        if self._claimed == rec.id:
            self._claimed = None
        if not rec.status.finished:
            self._open[rec.id] = rec
            return []
        self.remember(rec)  # before leaving the open set: a lock-free reader always finds it somewhere
        self._open.pop(rec.id, None)
        self._models.pop(rec.id, None)
        return self._waiters.pop(rec.id, [])

    def remember(self, rec: OperationRecord) -> None:
        """Keep a finished record for a while: `/result` right after the run reads no SQLite.

        Bounded by count and by the rows the cached results hold: 1,024 results of a day's order
        table (thousands of rows each) held the server at 370 MB in a soak; now the oldest go
        first once `RECENT_ROWS` are held, and a reader finds them in the journal instead."""
        old = self._recent.pop(rec.id, None)
        if old is not None:
            self._recent_weight -= weight(old)
        self._recent[rec.id] = rec
        self._recent_weight += weight(rec)
        while len(self._recent) > 1 and (len(self._recent) > self._recent_size or self._recent_weight > RECENT_ROWS):
            _, gone = self._recent.popitem(last=False)
            self._recent_weight -= weight(gone)

    def forget(self, op_ids: set[str] | None = None) -> None:
        """Drop cached finished records (after a purge), all of them when `op_ids` is None."""
        if op_ids is None:
            self._recent.clear()
            self._recent_weight = 0
            return
        for op_id in op_ids:
            gone = self._recent.pop(op_id, None)
            if gone is not None:
                self._recent_weight -= weight(gone)

    # readers ----------------------------------------------------------------------------------------
    def get(self, op_id: str) -> OperationRecord | None:
        """An open or recently finished record, without touching the journal."""
        return self._open.get(op_id) or self._recent.get(op_id)

    def cancellable(self, op_id: str) -> OperationRecord | None:
        """The queued record if `op_id` may still be cancelled; `Conflict` if it runs; None if not open."""
        rec = self._open.get(op_id)
        if rec is None:
            return None
        if rec.status is not OpStatus.QUEUED or self._claimed == op_id:
            raise Conflict("操作正在执行，无法取消")
        return rec

    def open_ids(self) -> list[str]:
        return list(self._open)

    def model(self, op_id: str) -> Params | None:
        return self._models.get(op_id)

    # waiters ----------------------------------------------------------------------------------------
    def add_waiter(self, op_id: str, waiter: Waiter) -> bool:
        """Register `waiter` for the end of an open operation; False when it is not open."""
        if op_id not in self._open:
            return False
        self._waiters.setdefault(op_id, []).append(waiter)
        return True

    def remove_waiter(self, op_id: str, waiter: Waiter) -> None:
        waiters = self._waiters.get(op_id)
        if waiters and waiter in waiters:
            waiters.remove(waiter)
            if not waiters:
                del self._waiters[op_id]

    def waiting(self, op_id: str) -> int:
        return len(self._waiters.get(op_id, ()))

    def queued(self) -> int:
        return sum(self._queued_by_priority)


__all__ = [
    "BACKGROUND_PRIORITY",
    "Scheduler",
    "Taken",
    "Waiter",
    "check_duplicate",
    "fingerprint",
    "idempotency_key",
    "legacy_fingerprint",
]
