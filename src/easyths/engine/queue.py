"""The engine: a journalled priority queue feeding one worker thread.

Why this shape:
- One worker thread runs every broker call, so a GUI backend is never driven by two callers.
- The normal path costs two thread hand-offs per operation: the event loop appends to the heap
  and notifies the worker; the worker resolves the waiting request's future with
  `call_soon_threadsafe`. Nothing in the event loop sleeps or blocks on the broker.
- Records are replaced, never mutated: a transition is journalled first and only then becomes
  visible in memory, so nothing is acknowledged before it is durable.
- The watchdog is a second thread that only watches a deadline. When an operation overruns it,
  the watchdog finishes the record, abandons that worker thread (it cannot be killed; when it
  returns, its result is discarded) and starts a fresh worker, so the queue keeps serving.
- Finished operations live in the journal; RAM holds only queued and running ones.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import heapq
import logging
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from easyths.brokers.base import Broker, BrokerHealth
from easyths.engine.journal import Journal
from easyths.engine.records import OperationRecord, OpStatus, dumps, jsonable, now
from easyths.errors import (
    BrokerRejected,
    BrokerUnavailable,
    Conflict,
    EasyTHSError,
    InvalidParams,
    NotFound,
    OutcomeUnknown,
    QueueFull,
)
from easyths.operations.base import Operation, Params
from easyths.operations.registry import Registry
from easyths.settings import QueueSection

log = logging.getLogger(__name__)

INTERNAL = "internal"  # key of the running slot when it runs a reconciliation, not a user operation


class ResultTimeout(EasyTHSError):
    """`/result` waited `timeout` seconds; the operation is still queued or running."""

    error_code = "RESULT_TIMEOUT"
    http_status = 408


@dataclass(frozen=True, slots=True)
class Submitted:
    record: OperationRecord
    queue_position: int
    duplicate: bool  # an Idempotency-Key / client_order_id matched an earlier submit


@dataclass(frozen=True, slots=True)
class _Outcome:
    status: OpStatus
    data: dict[str, Any] | None
    message: str | None
    hint: dict[str, Any] | None = None


class Engine:
    def __init__(self, journal: Journal, registry: Registry, broker: Broker, settings: QueueSection) -> None:
        self.journal = journal
        self.registry = registry
        self.broker = broker
        self.settings = settings
        self._cond = threading.Condition()
        self._heap: list[tuple[int, int, str]] = []  # (-priority, seq, id)
        self._active: dict[str, OperationRecord] = {}  # queued + running
        self._models: dict[str, Params] = {}
        self._queued_by_priority = [0] * 11
        self._counts: dict[OpStatus, int] = dict.fromkeys(OpStatus, 0)
        self._internal: deque[Callable[[], None]] = deque()
        self._current: tuple[str, int] | None = None  # (op id or INTERNAL, worker generation)
        self._deadline: float | None = None
        self._generation = 0
        self._waiters: dict[str, list[tuple[asyncio.AbstractEventLoop, asyncio.Future[None]]]] = {}
        self._timers: set[threading.Timer] = set()
        self._stopping = False
        self._health: BrokerHealth | None = None
        self._health_at = 0.0
        self._finished_since_purge = 0
        self._worker_thread: threading.Thread | None = None

    # lifecycle ----------------------------------------------------------------------------------
    def start(self) -> None:
        self._recover()
        self._spawn_worker()
        watchdog = threading.Thread(target=self._watchdog, name="easyths-watchdog", daemon=True)
        watchdog.start()

    def _recover(self) -> None:
        """After a restart: running → unknown (never re-run); queued → resume or fail."""
        self.journal.purge_older_than(self.settings.retention_days)
        for rec in list(self.journal.with_status(OpStatus.RUNNING)):
            self._journal_finish(
                rec,
                _Outcome(OpStatus.UNKNOWN, None, "服务在操作执行期间停止，结果未知；该操作不会被重新执行"),
            )
            log.warning("操作 %s (%s) 在上次运行中断时正在执行，已标记为 unknown", rec.id, rec.name)
        for rec in list(self.journal.with_status(OpStatus.QUEUED)):
            if self.settings.on_restart == "fail":
                self._journal_finish(rec, _Outcome(OpStatus.FAILED, None, "服务重启，排队中的操作按配置判为失败"))
                continue
            try:
                model = self.registry.validate(rec.name, rec.params)
            except EasyTHSError as exc:
                self._journal_finish(rec, _Outcome(OpStatus.FAILED, None, f"重启后无法恢复该操作: {exc.message}"))
                continue
            self._enqueue(rec, model)
        self._counts = self.journal.counts()

    def shutdown(self, grace: float | None = None) -> None:
        """Stop taking work; give the running operation `grace` seconds, then journal it.

        Joining the worker (rather than watching the running slot) guarantees its last
        transition reached the journal before the caller closes it.
        """
        grace = self.settings.shutdown_grace if grace is None else grace
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
            worker = self._worker_thread
        if worker is not None and worker is not threading.current_thread():
            worker.join(grace)
        with self._cond:
            current = self._current
            self._current = None
            self._generation += 1
        for timer in list(self._timers):
            timer.cancel()
        if current is not None and current[0] != INTERNAL:
            rec = self._active.get(current[0])
            if rec is not None:
                self._finish(rec, self._interrupted(rec, "服务停止时操作仍在执行"))

    # submit / read / cancel (event loop) ------------------------------------------------------------
    def submit(
        self, name: str, params: dict[str, Any], priority: int = 0, idempotency_key: str | None = None
    ) -> Submitted:
        model = self.registry.validate(name, params)
        canonical = model.model_dump(mode="json", exclude_none=True)
        key = idempotency_key or getattr(model, "client_order_id", None)
        body_hash = hashlib.sha256(
            dumps({"name": name, "params": canonical, "priority": priority}).encode()
        ).hexdigest()
        if key is not None:
            earlier = self.journal.by_idempotency_key(key)
            if earlier is not None:
                if earlier.body_hash != body_hash:
                    raise InvalidParams(
                        f"Idempotency-Key '{key}' 已用于另一个不同内容的请求（操作 {earlier.id}）",
                        details=[{"field": "Idempotency-Key", "message": "与原请求内容不一致"}],
                    )
                return Submitted(self.get(earlier.id), 0, duplicate=True)
        with self._cond:
            if self._stopping:
                raise QueueFull("服务正在停止，暂不接受新操作")
            if sum(self._queued_by_priority) >= self.settings.max_size:
                raise QueueFull(f"队列已满（上限 {self.settings.max_size}），请稍后再试")
            position = sum(self._queued_by_priority[priority:])
        rec = OperationRecord(
            id=str(uuid.uuid4()),
            name=name,
            params=canonical,
            priority=priority,
            idempotency_key=key,
            body_hash=body_hash,
        )
        self.journal.insert(rec)  # durable before it is visible or acknowledged
        with self._cond:
            self._enqueue(rec, model)
            self._counts[OpStatus.QUEUED] += 1
            self._cond.notify_all()
        return Submitted(rec, position, duplicate=False)

    def _enqueue(self, rec: OperationRecord, model: Params) -> None:
        self._active[rec.id] = rec
        self._models[rec.id] = model
        self._queued_by_priority[rec.priority] += 1
        heapq.heappush(self._heap, (-rec.priority, rec.seq, rec.id))

    def get(self, op_id: str) -> OperationRecord:
        rec = self._active.get(op_id) or self.journal.get(op_id)
        if rec is None:
            raise NotFound(f"操作 {op_id} 不存在")
        return rec

    def cancel(self, op_id: str) -> OperationRecord:
        with self._cond:
            rec = self._active.get(op_id)
            if rec is not None and rec.status is OpStatus.QUEUED:
                done = dataclasses.replace(
                    rec, status=OpStatus.CANCELLED, finished_at=now(), error="操作已取消", updated_at=now()
                )
                self.journal.save(done)
                self._drop(rec)
                self._count(OpStatus.QUEUED, OpStatus.CANCELLED)
                self._resolve_waiters(op_id)
                return done
        rec = self.get(op_id)
        if rec.status is OpStatus.RUNNING:
            raise Conflict("操作正在执行，无法取消")
        raise Conflict(f"操作已结束（状态: {rec.status.value}），无法取消")

    async def wait(self, op_id: str, timeout: float | None) -> OperationRecord:
        """Wait for a finished status without blocking the loop; `ResultTimeout` after `timeout`."""
        loop = asyncio.get_running_loop()
        fut: asyncio.Future[None] = loop.create_future()
        with self._cond:
            rec = self._active.get(op_id)
            if rec is None:
                return self.get(op_id)
            entry = (loop, fut)
            self._waiters.setdefault(op_id, []).append(entry)
        try:
            await asyncio.wait_for(fut, timeout)
        except TimeoutError:
            with self._cond:
                waiters = self._waiters.get(op_id, [])
                if entry in waiters:
                    waiters.remove(entry)
            current = self.get(op_id)
            if current.status.finished:
                return current
            raise ResultTimeout(
                f"等待超时，操作当前状态: {current.status.value}", details={"status": current.status.value}
            ) from None
        return self.get(op_id)

    def stats(self) -> dict[str, Any]:
        with self._cond:
            counts = dict(self._counts)
            worker_busy = self._current is not None
        return {
            "queued_count": counts[OpStatus.QUEUED],
            "running_count": counts[OpStatus.RUNNING],
            "success_count": counts[OpStatus.SUCCESS],
            "failed_count": counts[OpStatus.FAILED],
            "cancelled_count": counts[OpStatus.CANCELLED],
            "unknown_count": counts[OpStatus.UNKNOWN],
            "total_count": sum(counts.values()),
            "max_size": self.settings.max_size,
            "worker_busy": worker_busy,
        }

    def health(self) -> BrokerHealth | None:
        """The broker's last health, refreshed on the worker thread (never from the event loop)."""
        return self._health

    # worker ---------------------------------------------------------------------------------------
    def _spawn_worker(self) -> None:
        gen = self._generation
        thread = threading.Thread(target=self._worker, args=(gen,), name=f"easyths-worker-{gen}", daemon=True)
        thread.start()
        self._worker_thread = thread

    def _worker(self, gen: int) -> None:
        self._refresh_health()
        while True:
            with self._cond:
                while not self._stopping and gen == self._generation and not (self._internal or self._heap):
                    if not self._cond.wait(timeout=5.0):
                        break  # idle: refresh the health cache below
                if self._stopping or gen != self._generation:
                    return
                job = self._take(gen)
            if job is None:
                self._refresh_health()
                continue
            job()
            self._refresh_health(max_age=1.0)

    def _take(self, gen: int) -> Callable[[], None] | None:
        """Next job under the lock: reconciliations first, then the highest-priority queued op."""
        if self._internal:
            internal = self._internal.popleft()
            self._claim(INTERNAL, gen)
            return lambda: self._run_internal(internal, gen)
        while self._heap:
            _, _, op_id = heapq.heappop(self._heap)
            rec = self._active.get(op_id)
            if rec is None or rec.status is not OpStatus.QUEUED:
                continue  # cancelled while queued
            self._queued_by_priority[rec.priority] -= 1
            running = dataclasses.replace(rec, status=OpStatus.RUNNING, started_at=now(), updated_at=now())
            self._claim(op_id, gen)
            return lambda: self._run(running, gen)
        return None

    def _claim(self, key: str, gen: int) -> None:
        self._current = (key, gen)
        self._deadline = time.monotonic() + self.settings.operation_timeout
        self._cond.notify_all()  # wake the watchdog

    def _release(self, key: str, gen: int) -> bool:
        """True when this worker still owns the slot (the watchdog did not take it over)."""
        with self._cond:
            if self._current != (key, gen):
                return False
            self._current = None
            self._deadline = None
            self._cond.notify_all()
            return True

    def _run(self, running: OperationRecord, gen: int) -> None:
        self.journal.save(running)  # journalled as running before the broker is touched
        with self._cond:
            self._active[running.id] = running
            self._count(OpStatus.QUEUED, OpStatus.RUNNING)
        model = self._models[running.id]
        outcome = self._execute(running, model)
        if not self._release(running.id, gen):
            log.warning("操作 %s 在看门狗判定超时后才返回，结果已丢弃: %s", running.id, outcome.status)
            return
        self._finish(running, outcome)

    def _execute(self, rec: OperationRecord, model: Params) -> _Outcome:
        op_cls = self.registry.get(rec.name)
        try:
            switch = model.account_name and rec.name != "account_switch"
            if switch and self.broker.current_account() != model.account_name:
                self.broker.switch_account(model.account_name)
            data = op_cls().run(self.broker, model)
        except OutcomeUnknown as exc:
            return _Outcome(OpStatus.UNKNOWN, None, exc.message, hint=exc.details)
        except (BrokerRejected, BrokerUnavailable) as exc:
            return _Outcome(OpStatus.FAILED, None, exc.message)
        except EasyTHSError as exc:
            return _Outcome(OpStatus.FAILED, None, exc.message)
        except Exception as exc:
            log.exception("操作 %s (%s) 执行异常", rec.id, rec.name)
            if op_cls.places_order:
                return _Outcome(OpStatus.UNKNOWN, None, f"执行异常，结果未知: {exc}")
            return _Outcome(OpStatus.FAILED, None, f"执行异常: {exc}")
        return _Outcome(OpStatus.SUCCESS, data, data.get("message"))

    def _interrupted(self, rec: OperationRecord, why: str) -> _Outcome:
        """A hung or interrupted order may have reached the broker: `unknown`, not `failed`."""
        if self.registry.get(rec.name).places_order:
            return _Outcome(OpStatus.UNKNOWN, None, f"{why}，委托结果未知，请以当日委托为准")
        return _Outcome(OpStatus.FAILED, None, why)

    def _finish(self, rec: OperationRecord, outcome: _Outcome) -> None:
        done = self._journal_finish(rec, outcome)
        with self._cond:
            self._drop(rec)
            self._count(rec.status, done.status)
            self._resolve_waiters(rec.id)
            self._finished_since_purge += 1
        if done.status is OpStatus.UNKNOWN and done.hint is not None:
            self._schedule_reconcile(done.id, 0)
        if self._finished_since_purge >= 1000:
            self._finished_since_purge = 0
            if self.journal.purge_older_than(self.settings.retention_days):
                with self._cond:
                    self._counts = self.journal.counts()

    def _journal_finish(self, rec: OperationRecord, outcome: _Outcome) -> OperationRecord:
        stamp = now()
        data = (
            None if outcome.data is None else jsonable({**outcome.data, "success": outcome.status is OpStatus.SUCCESS})
        )
        done = dataclasses.replace(
            rec,
            status=outcome.status,
            result={
                "success": outcome.status is OpStatus.SUCCESS,
                "data": data,
                "message": outcome.message,
                "timestamp": stamp.isoformat(),
            },
            error=None if outcome.status is OpStatus.SUCCESS else outcome.message,
            finished_at=stamp,
            updated_at=stamp,
            hint=jsonable(outcome.hint) if outcome.hint is not None else rec.hint,
        )
        self.journal.save(done)
        return done

    def _drop(self, rec: OperationRecord) -> None:
        if self._active.pop(rec.id, None) is not None and rec.status is OpStatus.QUEUED:
            self._queued_by_priority[rec.priority] -= 1
        self._models.pop(rec.id, None)

    def _count(self, old: OpStatus, new: OpStatus) -> None:
        self._counts[old] -= 1
        self._counts[new] += 1

    def _resolve_waiters(self, op_id: str) -> None:
        for loop, fut in self._waiters.pop(op_id, []):
            loop.call_soon_threadsafe(_set_done, fut)

    def _refresh_health(self, max_age: float = 5.0) -> None:
        if time.monotonic() - self._health_at < max_age:
            return
        try:
            self._health = self.broker.health()
        except Exception as exc:  # health must never take the worker down
            self._health = BrokerHealth(False, False, getattr(self.broker, "backend", "?"), problems=[str(exc)])
        self._health_at = time.monotonic()

    # reconciliation of unknown outcomes ---------------------------------------------------------------
    def _schedule_reconcile(self, op_id: str, attempt: int) -> None:
        delays = self.settings.reconcile_delays
        if attempt >= len(delays) or self._stopping:
            return

        def enqueue() -> None:
            self._timers.discard(timer)
            with self._cond:
                self._internal.append(lambda: self._reconcile(op_id, attempt))
                self._cond.notify_all()

        timer = threading.Timer(delays[attempt], enqueue)
        timer.daemon = True
        self._timers.add(timer)
        timer.start()

    def _run_internal(self, job: Callable[[], None], gen: int) -> None:
        try:
            job()
        except Exception:
            log.exception("内部任务执行失败")
        finally:
            self._release(INTERNAL, gen)

    def _reconcile(self, op_id: str, attempt: int) -> None:
        rec = self.journal.get(op_id)
        if rec is None or rec.status is not OpStatus.UNKNOWN or rec.hint is None:
            return
        try:
            ack = self.broker.reconcile(rec.hint)
        except OutcomeUnknown:
            self._schedule_reconcile(op_id, attempt + 1)
            return
        except Exception:
            log.exception("核对操作 %s 失败", op_id)
            self._schedule_reconcile(op_id, attempt + 1)
            return
        op_cls: type[Operation] = self.registry.get(rec.name)
        if ack is None:
            outcome = _Outcome(OpStatus.FAILED, None, "核对当日委托：未找到该委托，确认未下单")
        else:
            model = self.registry.validate(rec.name, rec.params)
            outcome = _Outcome(OpStatus.SUCCESS, op_cls().acked(model, ack), ack.message)
        done = self._journal_finish(rec, outcome)
        with self._cond:
            self._count(OpStatus.UNKNOWN, done.status)
        log.info("操作 %s 核对完成: unknown → %s", op_id, done.status.value)

    # watchdog ------------------------------------------------------------------------------------------
    def _watchdog(self) -> None:
        while True:
            with self._cond:
                while not self._stopping:
                    if self._current is None or self._deadline is None:
                        self._cond.wait()
                        continue
                    left = self._deadline - time.monotonic()
                    if left > 0:
                        self._cond.wait(left)
                        continue
                    break
                if self._stopping:
                    return
                assert self._current is not None
                key, _ = self._current
                self._current = None
                self._deadline = None
                self._generation += 1
                rec = self._active.get(key) if key != INTERNAL else None
                self._spawn_worker()
            timeout = self.settings.operation_timeout
            log.error("操作 %s 超过 %.1f 秒未完成，看门狗已接管，队列继续服务", key, timeout)
            if rec is not None:
                self._finish(rec, self._interrupted(rec, f"操作执行超时（超过 {timeout:g} 秒）"))


def _set_done(fut: asyncio.Future[None]) -> None:
    if not fut.done():
        fut.set_result(None)


__all__ = ["Engine", "ResultTimeout", "Submitted"]
