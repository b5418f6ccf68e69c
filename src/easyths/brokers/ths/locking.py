"""Who owns the client's GUI: one flow at a time, abandonable by the watchdog.

Why a lock with tokens, not a plain mutex: a flow the watchdog gave up on keeps running on its
own thread until its next step; every seam call checks its token first (`GuardedSeam`), so an
abandoned flow stops instead of typing into a window the next operation now owns, and the next
operation waits, bounded, for it to let go.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from easyths.brokers.ths.seam import GuiSeam, SeamError
from easyths.errors import BrokerUnavailable

log = logging.getLogger("easyths.ths")


class Abandoned(SeamError):
    """The watchdog gave up on this operation: its thread must stop touching the GUI now."""


class _Token:
    __slots__ = ("cancelled", "what")

    def __init__(self, what: str) -> None:
        self.cancelled = False
        self.what = what


class GuardedSeam:
    """The seam with the cancel token checked before every call: an abandoned worker raises
    `Abandoned` at its next step instead of typing into a window another operation now owns."""

    def __init__(self, seam: GuiSeam, check: Callable[[], None]) -> None:
        self._seam = seam
        self._check = check

    @property
    def raw(self) -> GuiSeam:
        return self._seam

    def __getattr__(self, name: str) -> Any:
        target = getattr(self._seam, name)
        if not callable(target):
            return target
        check = self._check

        def guarded(*args: Any, **kwargs: Any) -> Any:
            check()
            return target(*args, **kwargs)

        return guarded


class GuiLock:
    """The GUI's owner. Nested use on one thread (a flow calling a query) re-uses the token."""

    def __init__(self, release_wait: float) -> None:
        self.abandoned = 0
        self._gui = threading.Lock()
        self._holder: _Token | None = None
        self._local = threading.local()
        # How long the next operation waits for an abandoned one to let go of the GUI.
        self.release_wait = release_wait

    @contextmanager
    def hold(self, what: str) -> Iterator[None]:
        """Own the GUI for one flow. Nested use (a flow calling a query) re-uses the token.
        After an abandon the next flow waits, bounded, for the old thread to let go."""
        if getattr(self._local, "token", None) is not None:
            yield
            return
        if not self._gui.acquire(timeout=self.release_wait):
            holder = self._holder.what if self._holder is not None else "上一个操作"
            raise BrokerUnavailable(f"「{holder}」已被放弃但仍在操作客户端界面，请稍后再试")
        token = _Token(what)
        self._local.token = token
        self._holder = token
        try:
            yield
        finally:
            self._local.token = None
            self._holder = None
            self._gui.release()

    def try_hold(self) -> bool:
        """For health: never wait on a flow; True when the GUI was free and is now held (by a
        token of its own, so the start-up check's nested flows re-use it)."""
        if getattr(self._local, "token", None) is not None:
            return False
        if not self._gui.acquire(blocking=False):
            return False
        token = _Token("健康检查")
        self._local.token = token
        self._holder = token
        return True

    def release(self) -> None:
        self._local.token = None
        self._holder = None
        self._gui.release()

    def abandon(self) -> None:
        """Called from the watchdog's thread: the running flow stops at its next seam call."""
        holder = self._holder
        if holder is not None and not holder.cancelled:
            holder.cancelled = True
            self.abandoned += 1
            log.error("操作「%s」被看门狗放弃：其线程将在下一步停止操作客户端", holder.what)

    def check_cancelled(self) -> None:
        token = getattr(self._local, "token", None)
        if token is not None and token.cancelled:
            raise Abandoned(f"操作「{token.what}」已被放弃，停止操作客户端")


__all__ = ["Abandoned", "GuardedSeam", "GuiLock"]
