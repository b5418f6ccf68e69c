"""Quotes that move by themselves: a background thread that ticks the random or replay source.

Why a thread and not the request path: a paper trader watching a random or replayed market
expects prices (and its resting orders) to move without asking. Each tick takes the broker's lock
for one transaction, applies only the quotes that changed, and so touches only the orders and
conditions of the codes that moved. Tests call `SimBroker.tick()` directly instead of waiting.
"""

from __future__ import annotations

import logging
import threading
from typing import Protocol

log = logging.getLogger(__name__)


class Tickable(Protocol):
    def tick(self) -> int: ...


class QuoteTicker:
    def __init__(self, broker: Tickable, interval: float) -> None:
        self.broker = broker
        self.interval = interval
        self.ticks = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="sim-quote-ticker", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.broker.tick()
            except Exception:  # a bad tick must not end the market
                log.exception("模拟行情更新失败")
            self.ticks += 1

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None


__all__ = ["QuoteTicker"]
