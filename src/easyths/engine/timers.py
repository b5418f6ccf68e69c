"""When the engine asks for something later: real threads in service, a hand-cranked clock in tests.

Why injected: reconciliation asks the broker again after `[queue].reconcile_delays`. With real
timers a test can only wait for them, and a test that drives the queue itself (`start(threads=False)`)
waited its whole timeout for a job no thread would run. `ManualTimers` fires what is due when told,
in due order, so such a test runs each reconciliation the moment it asks, and never sleeps
(arq/rq's "run the worker until idle", applied to time).
"""

from __future__ import annotations

import heapq
import itertools
import threading
from collections.abc import Callable
from typing import Protocol


class Timer(Protocol):
    def cancel(self) -> None: ...


class Timers(Protocol):
    def call_later(self, delay: float, fn: Callable[[], None]) -> Timer:
        """Run `fn` once, `delay` seconds from now, on a thread that is not the caller's."""
        ...


class ThreadTimers:
    """The service's timers: one daemon `threading.Timer` each (a handful at a time: unknowns only)."""

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
    """Virtual time: nothing fires until `advance()` or `fire_next()` is called, on the caller's thread."""

    def __init__(self) -> None:
        self.now = 0.0
        self._heap: list[tuple[float, int, _Pending]] = []
        self._seq = itertools.count()  # ties fire in the order they were asked for

    def call_later(self, delay: float, fn: Callable[[], None]) -> Timer:
        pending = _Pending(fn)
        heapq.heappush(self._heap, (self.now + delay, next(self._seq), pending))
        return pending

    @property
    def pending(self) -> int:
        return sum(not p.cancelled for _, _, p in self._heap)

    def fire_next(self) -> bool:
        """Move the clock to the next timer and run it; False when none is left."""
        while self._heap:
            due, _, pending = heapq.heappop(self._heap)
            if pending.cancelled:
                continue
            self.now = max(self.now, due)
            pending.fn()
            return True
        return False

    def advance(self, seconds: float) -> int:
        """Move the clock `seconds` on, running every timer due by then (also ones they set); returns how many ran."""
        until = self.now + seconds
        ran = 0
        while self._heap and self._heap[0][0] <= until:
            if self.fire_next():
                ran += 1
        self.now = until
        return ran


__all__ = ["ManualTimers", "ThreadTimers", "Timer", "Timers"]
