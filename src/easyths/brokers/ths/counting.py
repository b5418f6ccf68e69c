"""What each operation costs on the client, counted as GUI actions by a seam that delegates.

Why count actions and not seconds: on a real client every action (a menu switch, a keystroke, a
grid export, a wait for a popup) costs roughly a fixed client latency, while the emulator answers
at once; counts are the same on both, so they are measured here and turned into a modelled time
by a stated latency profile (`bench/bench_ths.py`). Grid reads also summon the copy/export
captcha sooner the more often they happen (`docs/ths-facts.md#captcha`), so their count is a cost
of its own. A wrapper instead of counters in every flow: the driver's flows stay as they are, and
whatever they call is counted.

Nested calls made while a `wait_for` polls are not counted one by one (their number depends on
how fast the client answers): the wait counts once, as a popup wait when it looked at the
dialogs (it lasts until a dialog comes or the grace runs out), else as a wait for a field or page.
A popup check is one look at the open dialogs, without waiting.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from easyths.brokers.ths.seam import GuiSeam

T = TypeVar("T")

# Seam method -> action. Everything else a seam does (find, exists, text, clipboard, state) is a
# "read" of a control, cheap but not free.
ACTION_OF: dict[str, str] = {
    "select_path": "menu",
    "press_keys": "key",
    "set_text": "type",
    "click": "click",
    "select_item": "select",
    "click_grid_row": "click",
    "press": "dialog",
    "close": "dialog",
    "dialogs": "popup_check",
    "copy_grid": "copy",
    "export_grid": "export",
    "attach": "attach",
    "capture_image": "captcha",  # a copy/export captcha's image taken to be read (docs/ths-facts.md#captcha)
}
ACTIONS: tuple[str, ...] = (
    "menu", "key", "type", "click", "select", "dialog", "popup_check", "popup_wait", "wait",
    "copy", "export", "captcha", "read", "attach",
)  # fmt: skip
BACKGROUND = "background"  # start-up check and health: no operation asked for them


class GuiActions:
    """Counts per (operation, action), thread-safe; the operation is whatever the thread that
    drives the GUI declared last with `operation(name)` (the engine's worker, the bench, the trial)."""

    def __init__(self) -> None:
        self._counts: dict[tuple[str, str], int] = {}
        self._lock = threading.Lock()
        self._local = threading.local()

    @property
    def current(self) -> str:
        return getattr(self._local, "operation", None) or BACKGROUND

    @contextmanager
    def operation(self, name: str) -> Iterator[None]:
        """Count what happens inside under `name` (nested: the inner name, then back)."""
        before = getattr(self._local, "operation", None)
        self._local.operation = name
        try:
            yield
        finally:
            self._local.operation = before

    def add(self, action: str, operation: str | None = None) -> None:
        key = (operation or self.current, action)
        with self._lock:
            self._counts[key] = self._counts.get(key, 0) + 1

    def snapshot(self) -> dict[tuple[str, str], int]:
        with self._lock:
            return dict(self._counts)

    def of(self, operation: str) -> dict[str, int]:
        """One operation's counts by action (what the bench and the trial print)."""
        return {action: n for (op, action), n in self.snapshot().items() if op == operation}


class CountingSeam:
    """A `GuiSeam` that counts each call into `GuiActions` and then makes it on the real seam."""

    def __init__(self, seam: GuiSeam, actions: GuiActions) -> None:
        self._seam = seam
        self._actions = actions
        self._waiting = threading.local()

    @property
    def wrapped(self) -> GuiSeam:
        return self._seam

    def __getattr__(self, name: str) -> Any:
        target = getattr(self._seam, name)
        if not callable(target):
            return target
        action = ACTION_OF.get(name, "read")

        def counted(*args: Any, **kwargs: Any) -> Any:
            seen: set[str] | None = getattr(self._waiting, "seen", None)
            if seen is not None:
                seen.add(action)
            else:
                self._actions.add(action)
            return target(*args, **kwargs)

        return counted

    def wait_for(self, condition: Callable[[], T | None], timeout: float) -> T | None:
        outer: set[str] | None = getattr(self._waiting, "seen", None)
        seen: set[str] = set()
        self._waiting.seen = seen
        try:
            return self._seam.wait_for(condition, timeout)
        finally:
            self._waiting.seen = outer
            action = "popup_wait" if "popup_check" in seen or "popup_wait" in seen else "wait"
            if outer is not None:
                outer.add(action)
            else:
                self._actions.add(action)


__all__ = ["ACTIONS", "ACTION_OF", "BACKGROUND", "CountingSeam", "GuiActions"]
