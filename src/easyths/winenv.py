"""Facts about the Windows the service runs on that decide whether the THS backend can work, and
the Chinese problems health and `easyths doctor` report for them (docs/windows.md).

Why each check:
- Elevation: Windows drops keystrokes and messages from a process to a window of a more elevated
  one without an error (UIPI), so a service that is less elevated than xiadan.exe "places" orders
  that never arrive; one that is more elevated works but runs every click as administrator.
- 32-bit Python: pandas (through exchange-calendars) has no 32-bit Windows wheels, and a
  32-bit build that got this far anyway is not what we test.
- Reserved port ranges: Hyper-V, WSL2 and Docker reserve blocks of ports, different after each
  boot; a bind inside one fails with WinError 10013, which says nothing about reservations.

The readers touch Windows only when called there; everything else is pure and takes the facts as
arguments, so the decisions run in the tests on any system.
"""

from __future__ import annotations

import re
import struct
import subprocess
import sys
from collections.abc import Sequence

ON_WINDOWS = sys.platform == "win32"
PortRange = tuple[int, int]

_RANGE = re.compile(r"^\s*(\d+)\s+(\d+)\s*(\*?)\s*$")


def python_bits() -> int:
    return struct.calcsize("P") * 8


def parse_excluded_ranges(text: str) -> list[PortRange]:
    """Rows `start end [*]` of `netsh interface ipv4 show excludedportrange protocol=tcp`, in any
    display language (the header lines are skipped, not matched)."""
    return [(int(m[1]), int(m[2])) for line in text.splitlines() if (m := _RANGE.match(line))]


def excluded_port_ranges() -> list[PortRange] | None:
    """The TCP port ranges Windows has reserved now; None when they cannot be read."""
    if not ON_WINDOWS:
        return None
    try:
        done = subprocess.run(
            ["netsh", "interface", "ipv4", "show", "excludedportrange", "protocol=tcp"],
            capture_output=True,
            timeout=10,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return parse_excluded_ranges(done.stdout.decode("ascii", errors="replace"))  # the numbers are ASCII in any language


def reserved_range_of(port: int, ranges: Sequence[PortRange]) -> PortRange | None:
    return next(((lo, hi) for lo, hi in ranges if lo <= port <= hi), None)


def process_elevated(pid: int | None = None) -> bool | None:
    """Whether a process (this one by default) runs elevated; None when it cannot be told.

    A process we may not even query while we are not elevated is taken as elevated: limited
    queries are refused across that boundary."""
    if not ON_WINDOWS:  # pragma: no cover - the Windows branch below is all there is
        return None
    import ctypes
    from ctypes import wintypes

    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    advapi32 = ctypes.windll.advapi32  # type: ignore[attr-defined]
    process_query_limited_information, token_query, token_elevation = 0x1000, 0x0008, 20
    handle = (
        kernel32.GetCurrentProcess()
        if pid is None
        else kernel32.OpenProcess(process_query_limited_information, False, pid)
    )
    if not handle:
        return None
    token = wintypes.HANDLE()
    try:
        if not advapi32.OpenProcessToken(handle, token_query, ctypes.byref(token)):
            return True if pid is not None and process_elevated() is False else None
        try:
            elevation = wintypes.DWORD()
            size = wintypes.DWORD()
            ok = advapi32.GetTokenInformation(
                token, token_elevation, ctypes.byref(elevation), ctypes.sizeof(elevation), ctypes.byref(size)
            )
            return bool(elevation.value) if ok else None
        finally:
            kernel32.CloseHandle(token)
    finally:
        if pid is not None:
            kernel32.CloseHandle(handle)


def elevation_problem(service: bool | None, client: bool | None) -> str | None:
    if service is None or client is None or service == client:
        return None
    if client:
        return (
            "同花顺客户端以管理员身份运行，而本服务不是：Windows 会静默丢弃发给它的按键和点击（委托不会送出）。"
            "请在管理员终端中启动服务（任务计划程序中勾选「使用最高权限运行」），或让客户端以普通权限运行"
        )
    return "本服务以管理员身份运行，而同花顺客户端不是：请用与客户端相同的权限启动服务（普通终端）"


def python_problem(bits: int) -> str | None:
    if bits == 64:
        return None
    return f"当前是 {bits} 位 Python：同花顺后端需要 64 位 Python 3.11–3.13（python.org 的 64-bit 安装包）"


def port_problem(port: int, ranges: Sequence[PortRange] | None) -> str | None:
    reserved = reserved_range_of(port, ranges or ())
    if reserved is None:
        return None
    lo, hi = reserved
    return (
        f"端口 {port} 在 Windows 保留的端口范围 {lo}–{hi} 内（Hyper-V、WSL2 或 Docker 保留，重启后可能变化），"
        f"服务可能无法监听：请用 --port / [api].port 换一个不在保留范围内的端口"
    )


def windows_problems(client_elevated: bool | None) -> list[str]:
    """What the THS backend's start-up check adds on Windows (nothing elsewhere)."""
    if not ON_WINDOWS:
        return []
    found = [elevation_problem(process_elevated(), client_elevated), python_problem(python_bits())]
    return [p for p in found if p]


__all__ = [
    "elevation_problem",
    "excluded_port_ranges",
    "parse_excluded_ranges",
    "port_problem",
    "process_elevated",
    "python_bits",
    "python_problem",
    "reserved_range_of",
    "windows_problems",
]
