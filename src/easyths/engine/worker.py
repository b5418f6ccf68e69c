"""The worker thread that runs every broker call, and the watchdog that keeps it honest.

Why one worker: a GUI backend must never be driven by two callers. Why a watchdog: a GUI call can
hang forever and a thread cannot be killed; when the running job overruns its deadline the
watchdog takes the slot away (the job's late return is discarded), tells the broker to let go
(`Abandons`, when it can), finishes the record and starts a fresh worker, so the queue
keeps serving. The broker's health is refreshed here too, on the worker thread, because asking a
GUI backend from the event loop could block it.

The watchdog is a timer from the injected `Timers` (engine/timers.py), not a thread of its own:
armed when a job is claimed and nothing is armed, it checks the running job's deadline on the
same injected clock and, when the job is still within time, arms itself again for the rest. So a
claim costs no thread hand-off, an idle service wakes nobody, and a test with `ManualTimers` makes
an operation overrun by moving the clock (`timers.advance(timeout)`) instead of waiting it out.
The broker's health ages in real time: it limits how often a GUI is asked, which is about the
wall clock whatever clock the deadlines use.

`run_until_idle()` runs queued jobs in the caller's thread when no threads were started (tests
that want no timing at all; no watchdog then, as nothing could take the caller's thread back),
or waits for the threads to drain the queue.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from easyths.brokers.abilities import Abandons
from easyths.brokers.base import Broker, BrokerHealth
from easyths.engine.timers import Timer, Timers

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
        broker: Broker,
        *,
        has_work: Callable[[], bool],
        take: Callable[[], Job | None],
        on_overrun: Callable[[str], None],
        timeout: float,
        timers: Timers,
    ) -> None:
        """`cond` (state changed) and `work` (a job is ready) share one lock. `has_work` and `take`
        are called with it held; `on_overrun(key)` without it. `timers` runs the watchdog and is
        its clock.

        Why separate conditions: a submit wakes the worker and nobody else; a transition wakes only
        whoever waits for state (tests, `run_until_idle`). Each needless wake-up is a thread
        hand-off and a fight for the GIL.
        """
        self._cond = cond
        self._work = work
        self._timers = timers
        self._watchdog: Timer | None = None  # armed while a job may be running (threads only)
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

    def stop(self, grace: float) -> str | None:
        """Stop taking jobs, join the worker for `grace` seconds; the key still running, if any."""
        with self._cond:
            self._stopping = True
            for cond in (self._cond, self._work):
                cond.notify_all()
            if self._watchdog is not None:
                self._watchdog.cancel()
                self._watchdog = None
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
            self._deadline = self._timers.monotonic() + self.timeout  # the armed watchdog will see it
            if self._threads and self._watchdog is None:
                self._watchdog = self._timers.call_later(self.timeout, self._check_deadline)
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

    # the watchdog (a timer) ------------------------------------------------------------------------
    def _check_deadline(self) -> None:
        """Take the slot from a job past its deadline; a job still within time re-arms the timer for
        the rest, and an idle slot leaves it disarmed (the next claim arms it)."""
        with self._cond:
            self._watchdog = None
            if self._stopping or self._current is None or self._deadline is None:
                return
            left = self._deadline - self._timers.monotonic()
            if left > 0:
                self._watchdog = self._timers.call_later(left, self._check_deadline)
                return
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
