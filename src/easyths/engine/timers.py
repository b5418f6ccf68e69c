"""When the engine asks for something later, and what time it is: real threads and the monotonic
clock in service, a hand-cranked clock in tests.

Why injected: reconciliation asks the broker again after `[queue].reconcile_delays`, and the
worker's watchdog takes the slot from an operation that overruns `[queue].operation_timeout`. With
real timers a test can only wait for them (a test that drives the queue itself waited its whole
timeout for a job no thread would run; a watchdog test waited the timeout out in real time).
`ManualTimers` fires what is due when told, in due order, and its clock moves only then, so such a
test runs each reconciliation or overrun the moment it chooses, and never sleeps (arq/rq's "run
the worker until idle", applied to time).
"""

from __future__ import annotations

import heapq
import itertools
import threading
import time
from collections.abc import Callable
from typing import Protocol


class Timer(Protocol):
    def cancel(self) -> None: ...


class Timers(Protocol):
    def call_later(self, delay: float, fn: Callable[[], None]) -> Timer:
        """Run `fn` once, `delay` seconds from now, on a thread that is not the caller's."""
        ...

    def monotonic(self) -> float:
        """Seconds on the clock `call_later` counts in (only differences mean anything)."""
        ...


class ThreadTimers:
    """The service's timers: one daemon `threading.Timer` each (a handful at a time: unknowns, and
    the watchdog's one timer, armed again only when it finds its operation still within time)."""

    def monotonic(self) -> float:
        return time.monotonic()

    def call_later(self, delay: float, fn: Callable[[], None]) -> Timer:
        timer = threading.Timer(delay, fn)
        timer.daemon = True
        timer.start()
        return timer


class _Pending:
    __slots__ = ("cancelled", "fn")

    def __init__(self, fn: Callable[[], None]) -> None:
        self.fn = fn
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True


class ManualTimers:
    """Virtual time: nothing fires until `advance()` or `fire_next()` is called, on the caller's thread.

    Timers may be asked for from any thread (the worker arms its watchdog on its own thread); they
    run only on the thread that moves the clock, outside the lock, so a timer may set another.
    """

    def __init__(self) -> None:
        self.now = 0.0
        self._heap: list[tuple[float, int, _Pending]] = []
        self._seq = itertools.count()  # ties fire in the order they were asked for
        self._lock = threading.Lock()

    def monotonic(self) -> float:
        return self.now

    def call_later(self, delay: float, fn: Callable[[], None]) -> Timer:
        pending = _Pending(fn)
        with self._lock:
            heapq.heappush(self._heap, (self.now + delay, next(self._seq), pending))
        return pending

    @property
    def pending(self) -> int:
        with self._lock:
            return sum(not p.cancelled for _, _, p in self._heap)

    def fire_next(self, until: float | None = None) -> bool:
        """Move the clock to the next timer (due by `until`, if given) and run it; False when none is left."""
        with self._lock:
            while self._heap and (until is None or self._heap[0][0] <= until):
                due, _, pending = heapq.heappop(self._heap)
                if pending.cancelled:
                    continue
                self.now = max(self.now, due)
                break
            else:
                return False
        pending.fn()
        return True

    def advance(self, seconds: float) -> int:
        """Move the clock `seconds` on, running every timer due by then (also ones they set); returns how many ran."""
        until = self.now + seconds
        ran = 0
        while self.fire_next(until):
            ran += 1
        with self._lock:
            self.now = max(self.now, until)
        return ran


__all__ = ["ManualTimers", "ThreadTimers", "Timer", "Timers"]
