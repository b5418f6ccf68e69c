"""The worker thread that runs every broker call, and the watchdog that keeps it honest.

Why one worker: a GUI backend must never be driven by two callers. Why a watchdog: a GUI call can
hang forever and a thread cannot be killed; when the running job overruns its deadline the
watchdog takes the slot away (the job's late return is discarded), tells the broker to let go
(`Abandons`, when it can), finishes the record and starts a fresh worker, so the queue
keeps serving. The broker's health is refreshed here too, on the worker thread, because asking a
GUI backend from the event loop could block it.

`run_until_idle()` runs queued jobs in the caller's thread when no threads were started (tests
that want no timing at all), or waits for the threads to drain the queue.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from easyths.brokers.abilities import Abandons
from easyths.brokers.base import Broker, BrokerHealth

log = logging.getLogger(__name__)

Release = Callable[[], bool]  # True when the job still owned the slot (the watchdog did not take it)


@dataclass(frozen=True, slots=True)
class Job:
    key: str  # the operation's id, or "internal" for a reconciliation
    run: Callable[[Release], None]


class Worker:
    def __init__(
        self,
        cond: threading.Condition,
        work: threading.Condition,
        watch: threading.Condition,
        broker: Broker,
        *,
        has_work: Callable[[], bool],
        take: Callable[[], Job | None],
        on_overrun: Callable[[str], None],
        timeout: float,
    ) -> None:
        """`cond` (state changed), `work` (a job is ready) and `watch` (the watchdog's) share one
        lock. `has_work` and `take` are called with it held; `on_overrun(key)` without it.

        Why separate conditions: a submit wakes the worker and nobody else; a transition wakes only
        whoever waits for state (tests, `run_until_idle`); the watchdog is woken by nothing but its
        own poll. Each needless wake-up is a thread hand-off and a fight for the GIL.
        """
        self._cond = cond
        self._work = work
        self._watch = watch
        self._poll = min(1.0, timeout / 4)
        self._broker = broker
        self._has_work = has_work
        self._take = take
        self._on_overrun = on_overrun
        self.timeout = timeout
        self._current: tuple[str, int] | None = None  # (job key, worker generation) owning the slot
        self._in_flight: tuple[str, int] | None = None  # the same until the job has fully returned
        self._deadline: float | None = None
        self._generation = 0
        self._stopping = False
        self._thread: threading.Thread | None = None
        self._threads = False
        self.health: BrokerHealth | None = None
        self._health_at = 0.0

    # lifecycle ---------------------------------------------------------------------------------
    def start(self) -> None:
        self._threads = True
        self._spawn()
        threading.Thread(target=self._watchdog, name="easyths-watchdog", daemon=True).start()

    def stop(self, grace: float) -> str | None:
        """Stop taking jobs, join the worker for `grace` seconds; the key still running, if any."""
        with self._cond:
            self._stopping = True
            for cond in (self._cond, self._work, self._watch):
                cond.notify_all()
            thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(grace)
        with self._cond:
            current, self._current = self._current, None
            self._generation += 1
        return None if current is None else current[0]

    @property
    def stopping(self) -> bool:
        return self._stopping

    @property
    def busy(self) -> bool:
        return self._current is not None

    def _spawn(self) -> None:
        gen = self._generation
        self._thread = threading.Thread(target=self._loop, args=(gen,), name=f"easyths-worker-{gen}", daemon=True)
        self._thread.start()

    # the worker thread ----------------------------------------------------------------------------
    def _loop(self, gen: int) -> None:
        self.refresh_health()
        while True:
            with self._cond:
                while not self._stopping and gen == self._generation and not self._has_work():
                    if not self._work.wait(timeout=5.0):
                        break  # idle: refresh the health cache below
                if self._stopping or gen != self._generation:
                    return
                job = self._claim(gen)
            if job is not None:
                self._run(job, gen)
            self.refresh_health(max_age=1.0 if job is not None else 5.0)

    def _claim(self, gen: int) -> Job | None:
        job = self._take()
        if job is not None:
            self._current = self._in_flight = (job.key, gen)
            self._deadline = time.monotonic() + self.timeout  # the watchdog's poll will see it
        return job

    def _run(self, job: Job, gen: int) -> None:
        def release() -> bool:
            with self._cond:
                if self._current != (job.key, gen):
                    return False
                self._current = None
                self._deadline = None
                self._cond.notify_all()
                return True

        try:
            job.run(release)
        except Exception:  # the worker must survive anything a job does (even a journal failure)
            log.exception("队列任务 %s 执行失败", job.key)
            release()
        finally:
            with self._cond:
                if self._in_flight == (job.key, gen):
                    self._in_flight = None
                    self._cond.notify_all()

    def run_until_idle(self, timeout: float | None = None) -> bool:
        """Inline (no threads started): run jobs here until none is left. Threaded: wait until the
        queue is empty and the slot free. False if `timeout` passed first."""
        if not self._threads:
            while True:
                with self._cond:
                    if self._stopping or not self._has_work():
                        return True
                    job = self._claim(self._generation)
                if job is not None:
                    self._run(job, self._generation)
        with self._cond:
            return self._cond.wait_for(lambda: not self._has_work() and self._in_flight is None, timeout)

    def refresh_health(self, max_age: float = 5.0) -> None:
        if time.monotonic() - self._health_at < max_age:
            return
        try:
            self.health = self._broker.health()
        except Exception as exc:  # health must never take the worker down
            self.health = BrokerHealth(False, False, self._broker.backend, problems=[str(exc)])
        self._health_at = time.monotonic()

    # the watchdog thread ---------------------------------------------------------------------------
    def _watchdog(self) -> None:
        while True:
            with self._cond:
                while not self._stopping:
                    if self._deadline is not None and self._deadline <= time.monotonic():
                        break
                    self._watch.wait(self._poll)  # polls: a claim never has to wake this thread
                if self._stopping:
                    return
                assert self._current is not None
                key, _ = self._current
                self._current = None
                self._deadline = None
                self._generation += 1
            log.error("任务 %s 超过 %.1f 秒未完成，看门狗已接管，队列继续服务", key, self.timeout)
            if isinstance(self._broker, Abandons):
                try:
                    self._broker.abandon()
                except Exception:
                    log.exception("broker.abandon() 失败")
            try:
                self._on_overrun(key)
            except Exception:
                log.exception("看门狗结束任务 %s 失败", key)
            with self._cond:
                self._in_flight = None
                if not self._stopping:
                    self._spawn()
                self._cond.notify_all()


__all__ = ["Job", "Release", "Worker"]
