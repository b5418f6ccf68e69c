"""The console close handler's registration and behaviour, with kernel32 stood in for."""

from __future__ import annotations

import threading
from typing import Any

from easyths.cli.console_close import CTRL_CLOSE_EVENT, ConsoleCloseGuard

CTRL_C_EVENT = 0


class FakeKernel32:
    def __init__(self) -> None:
        self.handlers: list[Any] = []

    def SetConsoleCtrlHandler(self, handler: Any, add: bool) -> int:
        if add:
            self.handlers.append(handler)
        else:
            self.handlers.remove(handler)
        return 1


def test_the_handler_is_registered_and_removed_when_the_service_has_stopped() -> None:
    kernel32 = FakeKernel32()
    guard = ConsoleCloseGuard(lambda: None, kernel32=kernel32).install()
    assert len(kernel32.handlers) == 1
    guard.finished()
    assert kernel32.handlers == []


def test_closing_the_window_asks_the_server_to_stop_and_waits_until_it_has() -> None:
    kernel32 = FakeKernel32()
    asked = threading.Event()
    guard = ConsoleCloseGuard(asked.set, kernel32=kernel32, grace=30).install()
    answer: list[bool] = []
    windows_thread = threading.Thread(target=lambda: answer.append(kernel32.handlers[0](CTRL_CLOSE_EVENT)))
    windows_thread.start()
    assert asked.wait(10)
    assert not answer  # still holding the close: returning lets Windows end the process
    guard.finished()
    windows_thread.join(10)
    assert answer == [True]


def test_ctrl_c_is_left_to_the_c_runtime_and_uvicorn() -> None:
    stops: list[int] = []
    guard = ConsoleCloseGuard(lambda: stops.append(1), kernel32=FakeKernel32())
    assert guard.handle(CTRL_C_EVENT) is False and stops == []


def test_off_windows_nothing_is_registered() -> None:
    guard = ConsoleCloseGuard(lambda: None).install()
    guard.finished()  # no kernel32: nothing to remove, no error
