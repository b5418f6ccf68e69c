"""Closing the console window stops the service the way Ctrl+C does, as far as Windows allows.

Why: closing the window, logging off or shutting down sends the console a close event. The C
runtime turns Ctrl+C and Ctrl+Break into signals, which uvicorn handles, but not the close
event: the process was ended mid-operation, the queue not drained and the running order left
for recovery to call `unknown`. A handler registered with SetConsoleCtrlHandler asks the server to
stop and holds the close until the service has stopped; Windows ends the process when the handler
returns, or about five seconds after a close event whatever it does (docs/windows.md, "停止服务").
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

CTRL_CLOSE_EVENT, CTRL_LOGOFF_EVENT, CTRL_SHUTDOWN_EVENT = 2, 5, 6
CLOSING = {CTRL_CLOSE_EVENT: "关闭控制台窗口", CTRL_LOGOFF_EVENT: "注销", CTRL_SHUTDOWN_EVENT: "关机"}
GRACE = 4.5  # seconds: inside the five Windows gives a close event


class ConsoleCloseGuard:
    """`install()` registers the handler (only on Windows unless a `kernel32` is given, as the
    tests do); `finished()` releases a close that is waiting for the service to stop."""

    def __init__(
        self,
        request_stop: Callable[[], None],
        *,
        kernel32: Any = None,
        callback_type: Callable[[Callable[[int], bool]], Any] | None = None,
        grace: float = GRACE,
    ) -> None:
        self._request_stop = request_stop
        self._kernel32 = kernel32
        self._callback_type = callback_type
        self._grace = grace
        self._stopped = threading.Event()
        self._callback: Any = None  # kept referenced: Windows calls it after install() returns

    def install(self) -> ConsoleCloseGuard:
        kernel32, callback_type = self._kernel32, self._callback_type
        if kernel32 is None:
            if sys.platform != "win32":
                return self
            import ctypes

            kernel32 = ctypes.windll.kernel32
            callback_type = ctypes.WINFUNCTYPE(ctypes.c_int, ctypes.c_uint)
        self._callback = (callback_type or (lambda f: f))(self.handle)
        if not kernel32.SetConsoleCtrlHandler(self._callback, True):
            log.warning("无法注册控制台关闭处理：关闭窗口时服务不会先停下正在执行的操作")
            self._callback = None
        self._kernel32 = kernel32
        return self

    def handle(self, event: int) -> bool:
        """Runs on a thread Windows creates. False hands Ctrl+C/Ctrl+Break on to the C runtime."""
        what = CLOSING.get(event)
        if what is None:
            return False
        log.warning("收到%s事件：停止接收新操作，等待当前操作结束（最多 %.1f 秒）", what, self._grace)
        self._request_stop()
        if not self._stopped.wait(self._grace):
            log.warning("%s：服务未能在 %.1f 秒内停下，正在执行的操作重启后按 unknown 核对", what, self._grace)
        return True

    def finished(self) -> None:
        self._stopped.set()
        if self._callback is not None and self._kernel32 is not None:
            self._kernel32.SetConsoleCtrlHandler(self._callback, False)
            self._callback = None


__all__ = ["CTRL_CLOSE_EVENT", "ConsoleCloseGuard"]
