"""The engine: a journalled priority queue feeding one worker thread.

Why this shape: each job has its module (statuses in `records`, ordering and waiters in
`scheduler`, SQLite in `journal`, the broker call in `execute`, threads in `worker`, unknown
outcomes in `reconcile`, what a restart finds in `recovery`); this class wires them and holds the
one lock. Every transition goes `apply()` → journal → visible in memory → waiters and listeners,
so nothing is acknowledged before it is durable (`running` of a read-only query is the one state
not journalled: a query interrupted by a crash is simply run again).

Hooks for other features:
- `add_listener(fn)`: `fn(record)` after every transition, including the queued insert; called on
  the thread that made it; must not block; exceptions are logged and swallowed.
- `add_admission(fn)`: `fn(op, params, context)` at submit, after the idempotency lookup, before
  anything is journalled; raise an `EasyTHSError` to refuse. `context["command"]` is the
  operation's command (None for a read); return a replacement (the same command, valued) or None.
"""

from __future__ import annotations

import asyncio
import logging
import random
import threading
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from easyths.brokers.base import Broker, BrokerHealth
from easyths.domain.commands import OrderCommand
from easyths.engine.execute import Outcome, execute, interrupted
from easyths.engine.journal import Journal
from easyths.engine.reader import Reader
from easyths.engine.reconcile import Reconciler
from easyths.engine.records import OperationRecord, OpStatus, apply, journalled, now
from easyths.engine.recovery import recover
from easyths.engine.scheduler import Scheduler, Taken, check_duplicate, fingerprint, legacy_fingerprint
from easyths.engine.scheduler import idempotency_key as one_key
from easyths.engine.timers import ThreadTimers, Timers
from easyths.engine.worker import Job, Release, Worker
from easyths.errors import Conflict, NotFound, QueueFull, ResultTimeout
from easyths.operations.base import Operation, Params
from easyths.operations.registry import Registry
from easyths.settings import QueueSection

log = logging.getLogger(__name__)

INTERNAL = "internal"  # key of the worker slot while it runs a reconciliation, not a user operation

Listener = Callable[[OperationRecord], None]
Admission = Callable[[Operation, Params, dict[str, Any]], OrderCommand | None]


@dataclass(frozen=True, slots=True)
class Submitted:
    record: OperationRecord
    queue_position: int
    duplicate: bool  # an Idempotency-Key / client_order_id matched an earlier submit


class Engine:
    def __init__(
        self,
        journal: Journal,
        registry: Registry,
        broker: Broker,
        settings: QueueSection,
        *,
        timers: Timers | None = None,
    ) -> None:
        """`timers`: the clock and scheduler of the watchdog, of reconciliation and of the queries'
        purge (real threads and the monotonic clock unless a test passes `ManualTimers`)."""
        self.journal = journal
        self.registry = registry
        self.broker = broker
        self.settings = settings
        self.timers: Timers = timers or ThreadTimers()
        lock = threading.RLock()
        self._cond = threading.Condition(lock)  # state changed: for wait_until and run_until_idle
        self._work = threading.Condition(lock)  # a job is ready: wakes the worker, nobody else
        self._sched = Scheduler(settings.max_size)
        self._internal: deque[Callable[[], None]] = deque()
        self._listeners: list[Listener] = []
        self._admissions: list[Admission] = []
        self._finished_since_purge = 0
        self._reads = [n for n in registry.names() if registry.get(n).read_only]  # queries
        self._next_read_purge = self.timers.monotonic() + settings.query_retention_seconds / 2
        self._pending: list[tuple[OperationRecord, OpStatus]] = []  # finished, awaiting a group commit
        self.reader = Reader(self._sched, journal, self._cond)
        self._worker = Worker(
            self._cond,
            self._work,
            broker,
            has_work=self._has_work,
            take=self._take,
            on_overrun=self._overrun,
            timeout=settings.operation_timeout,
            timers=self.timers,
        )
        self._reconciler = Reconciler(
            registry,
            broker,
            settings.reconcile_delays,
            read=self.journal.get,
            enqueue=self._enqueue_internal,
            settle=self._finish,
            timers=self.timers,
        )

    # hooks -------------------------------------------------------------------------------------------
    def add_listener(self, fn: Listener) -> None:
        self._listeners.append(fn)

    def add_admission(self, fn: Admission) -> None:
        self._admissions.append(fn)

    # lifecycle ---------------------------------------------------------------------------------------
    def start(self, *, threads: bool = True) -> None:
        """Recover the journal, then start the worker and watchdog (`threads=False`: tests drive
        the queue with `run_until_idle()` in their own thread)."""
        self._recover()
        if threads:
            self._worker.start()

    def run_until_idle(self, timeout: float | None = None) -> bool:
        return self._worker.run_until_idle(timeout)

    def wait_for(self, op_id: str, *statuses: OpStatus, timeout: float = 5.0) -> OperationRecord:
        """Block (not on an event loop) until `op_id` reaches one of `statuses`; for tests and
        synchronous callers. Returns the record as it is when the time is up."""
        self.wait_until(lambda: self.get(op_id).status in statuses, timeout)
        return self.get(op_id)

    def wait_until(self, predicate: Callable[[], bool], timeout: float = 5.0) -> bool:
        """Block until `predicate()` holds, re-checked at every transition or new waiter."""
        with self._cond:
            return self._cond.wait_for(predicate, timeout)

    def waiting(self, op_id: str) -> int:
        """How many requests wait for the end of `op_id`."""
        with self._cond:
            return self._sched.waiting(op_id)

    def _recover(self) -> None:
        """After a restart (rules in `recovery.py`): then the resumed operations rejoin the heap."""
        found = recover(self.journal, self.registry, self.broker, self.settings, self._journal_only)
        for op_id in found.to_reconcile:
            self._reconciler.schedule(op_id)
        with self._cond:
            for rec, model in found.resumed:
                self._sched.push(rec, model, counted=False)
            self._sched.counts = self.journal.counts()

    def _journal_only(self, rec: OperationRecord) -> None:
        self.journal.save(rec)
        self._notify(rec)

    def shutdown(self, grace: float | None = None) -> None:
        """Stop taking work; give the running operation `grace` seconds, then journal it.

        Joining the worker (rather than watching the slot) guarantees its last transition reached
        the journal before the caller closes it.
        """
        key = self._worker.stop(self.settings.shutdown_grace if grace is None else grace)
        self._reconciler.stop()
        self._flush()
        if key is not None and key != INTERNAL:
            self._abandon(key, "服务停止时操作仍在执行")

    # submit / read / cancel -----------------------------------------------------------------------
    def submit(
        self,
        name: str,
        params: dict[str, Any],
        priority: int = 0,
        idempotency_key: str | None = None,
        context: dict[str, Any] | None = None,
    ) -> Submitted:
        op_cls = self.registry.get(name)
        model = self.registry.validate(name, params)
        canonical = model.model_dump(mode="json", exclude_none=True)
        key = one_key(idempotency_key, model.__dict__.get("client_order_id"))  # a plain read: most params lack it
        body_hash = None  # only compared when a key is given, so only computed then
        if key is not None:
            body_hash = fingerprint(name, canonical, priority)
            earlier = self.journal.by_idempotency_key(key)
            if earlier is not None:
                check_duplicate(earlier, key, body_hash, legacy_fingerprint(name, canonical, priority))
                return Submitted(self.get(earlier.id), 0, duplicate=True)
        op_id = _new_id()
        op = op_cls()
        command = op.command(model, op_id)
        if self._admissions:
            facts = {**(context or {}), "operation": name, "idempotency_key": key, "priority": priority}
            for admit in self._admissions:
                facts["command"] = command
                command = admit(op, model, facts) or command
        with self._cond:
            if self._worker.stopping:
                raise QueueFull("服务正在停止，暂不接受新操作")
            position = self._sched.position_for(priority)
        stamp = now()
        rec = OperationRecord(
            id=op_id, name=name, params=canonical, priority=priority, idempotency_key=key,
            body_hash=body_hash, created_at=stamp, updated_at=stamp, command=command,
        )  # fmt: skip
        rec = self.journal.insert(rec)  # durable before it is visible or acknowledged
        self._notify(rec)  # before the worker can see it: listeners get `queued` before `running`
        with self._cond:
            self._sched.push(rec, model)
            self._work.notify()
        return Submitted(rec, position, duplicate=False)

    def get(self, op_id: str) -> OperationRecord:
        rec = self.reader.get(op_id)
        if rec is None:
            raise NotFound(f"操作 {op_id} 不存在")
        return rec

    def cancel(self, op_id: str) -> OperationRecord:
        with self._cond:
            queued = self._sched.cancellable(op_id)
        if queued is None:  # not open: finished (or unknown to us: NotFound)
            raise Conflict(f"操作已结束（状态: {self.get(op_id).status.value}），无法取消")
        done = apply(queued, OpStatus.CANCELLED, message="操作已取消")
        self.journal.save(done)
        self._publish(done, OpStatus.QUEUED)
        return done

    async def wait(self, op_id: str, timeout: float | None) -> OperationRecord:
        """Wait for a finished status without blocking the loop; `ResultTimeout` after `timeout`."""
        loop = asyncio.get_running_loop()
        fut: asyncio.Future[OperationRecord] = loop.create_future()

        def wake(rec: OperationRecord) -> None:
            loop.call_soon_threadsafe(_set_done, fut, rec)

        with self._cond:
            waiting = self._sched.add_waiter(op_id, wake)
            self._cond.notify_all()
        if not waiting:
            return self.get(op_id)
        try:
            return await asyncio.wait_for(fut, timeout)
        except TimeoutError:
            with self._cond:
                self._sched.remove_waiter(op_id, wake)
            current = self.get(op_id)
            if current.status.finished:
                return current
            raise ResultTimeout(
                f"等待超时，操作当前状态: {current.status.value}", details={"status": current.status.value}
            ) from None

    def stats(self) -> dict[str, Any]:
        with self._cond:
            counts = dict(self._sched.counts)
        return {
            "queued_count": counts[OpStatus.QUEUED],
            "running_count": counts[OpStatus.RUNNING],
            "success_count": counts[OpStatus.SUCCESS],
            "failed_count": counts[OpStatus.FAILED],
            "cancelled_count": counts[OpStatus.CANCELLED],
            "unknown_count": counts[OpStatus.UNKNOWN],
            "total_count": sum(counts.values()),
            "max_size": self.settings.max_size,
            "worker_busy": self._worker.busy,
        }

    @property
    def backend(self) -> str:
        return self.broker.backend

    def health(self) -> BrokerHealth | None:
        """The broker's last health, refreshed on the worker thread (never from the event loop)."""
        return self._worker.health

    # the worker's jobs (take runs under the lock) -------------------------------------------------
    def _has_work(self) -> bool:
        return bool(self._internal) or bool(self._pending) or self._sched.has_work()

    def _take(self) -> Job | None:
        if self._internal:
            job = self._internal.popleft()

            def flush_then_run() -> None:
                self._flush()
                job()

            return Job(INTERNAL, _internal(flush_then_run))
        taken = self._sched.take()
        if taken is not None:
            return Job(taken.record.id, lambda release: self._run(taken, release))
        if self._pending:  # the operation it was waiting for was cancelled: commit it alone
            return Job(INTERNAL, _internal(self._flush))
        return None

    def _enqueue_internal(self, job: Callable[[], None]) -> None:
        with self._cond:
            self._internal.append(job)
            self._work.notify()

    def _run(self, taken: Taken, release: Release) -> None:
        op_cls = self.registry.get(taken.record.name)
        running = apply(taken.record, OpStatus.RUNNING)
        if op_cls.read_only:
            self._flush()
        else:  # journalled as running before the broker is touched, with the finish before it
            self._flush(running)
        self._publish(running, OpStatus.QUEUED)
        outcome = execute(op_cls, self.broker, running, taken.model)
        if not release():
            log.warning("操作 %s 在看门狗判定超时后才返回，结果已丢弃: %s", running.id, outcome.status)
            return
        self._finish(running, outcome, group=True)

    def _flush(self, running: OperationRecord | None = None) -> None:
        """Group commit: finished records waiting for the next `running` go to disk in one commit
        with it; only then are they visible and their waiters woken (never acknowledged before)."""
        pending, self._pending = self._pending, []
        records = [self._durable(done) for done, _ in pending] + ([running] if running is not None else [])
        if records:
            self.journal.save_many(records)
        for done, previous in pending:
            self._finished(done, previous)

    def _next_commits_running(self) -> bool:
        with self._cond:
            rec = self._sched.peek()
        return rec is not None and not self.registry.get(rec.name).read_only

    def _finish(self, rec: OperationRecord, outcome: Outcome, *, group: bool = False) -> OperationRecord:
        """Journal and publish a finished record. `group`: when the next operation will journal its
        `running` anyway, the finish waits for that commit instead of costing one of its own."""
        done = apply(
            rec,
            outcome.status,
            data=outcome.data,
            message=outcome.message,
            evidence=outcome.evidence,
            report=outcome.report,
            error_code=outcome.error_code,
        )
        if group and self._next_commits_running():
            self._pending.append((done, rec.status))
            return done
        self.journal.save(self._durable(done))
        self._finished(done, rec.status)
        return done

    def _durable(self, done: OperationRecord) -> OperationRecord:
        """A finished query goes to the journal without its table (`records.journalled`); the
        engine's memory keeps the whole record, which is what `/result` and `/status` read."""
        if done.status.finished and self.registry.get(done.name).read_only:
            return journalled(done)
        return done

    def _finished(self, done: OperationRecord, previous: OpStatus) -> None:
        self._publish(done, previous)
        if done.status is OpStatus.UNKNOWN and done.evidence is not None:
            self._reconciler.schedule(done.id)
        self._finished_since_purge += 1
        if self._finished_since_purge >= 1000 or self.timers.monotonic() >= self._next_read_purge:
            self._purge()

    def _purge(self) -> None:
        """Orders, cancels and conditions are kept `retention_days`; a query's result only while a
        client may still fetch it (`query_retention_seconds`): a strategy polling its orders all
        day must not write its tables to the user's disk for a month."""
        self._finished_since_purge = 0
        keep = self.settings.query_retention_seconds
        self._next_read_purge = self.timers.monotonic() + keep / 2
        gone = self.journal.purge_older_than(self.settings.retention_days)
        gone += self.journal.purge_named_before(self._reads, now() - timedelta(seconds=keep))
        if gone:
            with self._cond:
                self._sched.counts = self.journal.counts()
                self._sched.forget()

    def _overrun(self, key: str) -> None:
        if key != INTERNAL:
            self._abandon(key, f"操作执行超时（超过 {self.settings.operation_timeout:g} 秒）")

    def _abandon(self, op_id: str, why: str) -> None:
        """Finish an operation whose worker was taken away (watchdog or shutdown)."""
        rec = self._sched.get(op_id)
        if rec is None or rec.status.finished:
            return
        if rec.status is OpStatus.QUEUED:  # claimed, `running` not yet visible
            rec = apply(rec, OpStatus.RUNNING)
            self._publish(rec, OpStatus.QUEUED)
        self._finish(rec, interrupted(self.registry.get(rec.name), why))

    def _publish(self, rec: OperationRecord, previous: OpStatus) -> None:
        """Make a journalled transition visible, wake its waiters, tell the listeners."""
        with self._cond:
            waiters = self._sched.mark(rec, previous)
            self._cond.notify_all()
        for wake in waiters:
            wake(rec)
        self._notify(rec)

    def _notify(self, rec: OperationRecord) -> None:
        for fn in self._listeners:
            try:
                fn(rec)
            except Exception:
                log.exception("操作监听器 %r 失败", fn)


_rng = random.Random()  # seeded once from the OS


def _new_id() -> str:
    """A random (version 4) UUID without a syscall per submit: `uuid4()` reads `os.urandom`, which
    releases the GIL on the event loop and lets the worker or the event writer cut into the request."""
    return str(uuid.UUID(int=_rng.getrandbits(128), version=4))


def _internal(job: Callable[[], None]) -> Callable[[Release], None]:
    def run(release: Release) -> None:
        try:
            job()
        finally:
            release()

    return run


def _set_done(fut: asyncio.Future[OperationRecord], rec: OperationRecord) -> None:
    if not fut.done():
        fut.set_result(rec)


__all__ = ["INTERNAL", "Admission", "Engine", "Listener", "Submitted"]
