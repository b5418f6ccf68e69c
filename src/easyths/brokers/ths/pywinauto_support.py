"""What `PywinautoSeam` needs around pywinauto: the COM apartment per thread, the error guard,
key escaping, the desktop-lock probe, image bytes (Windows only, imported lazily).

Kept apart from the seam's calls so each file stays one job: these decide nothing about the
client, they make pywinauto usable from the service's threads and its errors the seam's.
"""

from __future__ import annotations

import functools
import io
import logging
import re
import sys
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from easyths.brokers.ths.seam import SeamError, WindowGone

log = logging.getLogger("easyths.brokers.ths.pywinauto_seam")
F = TypeVar("F", bound=Callable[..., Any])
_KEY_SPECIALS = re.compile(r"([+^%~(){}\[\]])")


def desktop_locked() -> bool:
    """True when the input desktop cannot be opened: a locked workstation or a disconnected
    remote session, where keystrokes fail silently. UNCERTAIN on every Windows version."""
    try:
        import ctypes

        user32 = ctypes.windll.user32  # type: ignore[attr-defined]  # windll exists only on Windows
        handle = user32.OpenInputDesktop(0, False, 0x0100)  # DESKTOP_SWITCHDESKTOP
        if not handle:
            return True
        switched = bool(user32.SwitchDesktop(handle))
        user32.CloseDesktop(handle)
        return not switched
    except Exception:
        return False


def escape_keys(text: str) -> str:
    """pywinauto's type_keys treats + ^ % ~ ( ) { } [ ] as commands."""
    return _KEY_SPECIALS.sub(r"{\1}", text)


thread_state = threading.local()


def com_ready() -> None:
    """Join this thread to the COM apartment pywinauto chose, once per thread.

    UI Automation is COM, and the broker is built on the main thread but driven from the engine's
    worker thread. Importing pywinauto settles the process on the multithreaded apartment: it sets
    `sys.coinit_flags = 0` (MTA) unless that fails, and comtypes initialises the importing thread
    with it and creates the UI Automation object there (docs/windows.md, "COM 线程模型"). A worker
    that joined a single-threaded apartment instead would reach that object through a
    cross-apartment proxy that needs a message loop the worker never runs: the set-up behind
    pywinauto's hang reports. So the worker asks for exactly `sys.coinit_flags`."""
    if getattr(thread_state, "com", False):
        return
    import pythoncom  # pywin32, a pywinauto dependency
    import pywinauto  # noqa: F401  (sets sys.coinit_flags when it is first imported)

    flags = getattr(sys, "coinit_flags", pythoncom.COINIT_MULTITHREADED)
    try:
        pythoncom.CoInitializeEx(flags)
    except pythoncom.com_error as exc:  # RPC_E_CHANGED_MODE: someone set this thread up otherwise
        log.warning("本线程的 COM 已按另一种线程模型初始化，界面自动化可能变慢或卡住: %s", exc)
    thread_state.com = True


def is_uia(control: Any) -> bool:
    """A UI Automation element (it has a control type), not a win32 window wrapper."""
    return getattr(getattr(control, "element_info", None), "control_type", None) is not None


def png_bytes(image: Any) -> bytes:
    """pywinauto's `capture_as_image()` returns None, without raising, when Pillow is missing."""
    if image is None:
        raise SeamError(
            "无法截取验证码图片：截图需要 Pillow（pip install -c requirements.lock -e . 会在 Windows 上装好它）"
        )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def guard(method: F) -> F:
    """Foreign errors leave as `WindowGone` (window gone) or `SeamError`, chained."""

    @functools.wraps(method)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        com_ready()
        try:
            return method(self, *args, **kwargs)
        except SeamError:
            raise
        except Exception as exc:
            if not self.is_alive():
                raise WindowGone("同花顺窗口已关闭") from exc
            raise SeamError(f"{type(exc).__name__}: {exc}") from exc

    return wrapper  # type: ignore[return-value]  # functools.wraps keeps method's signature; F cannot say so


__all__ = ["com_ready", "desktop_locked", "escape_keys", "guard", "is_uia", "png_bytes", "thread_state"]
