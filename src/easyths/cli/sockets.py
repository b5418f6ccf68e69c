"""The listening socket's options and bind errors, per platform (Windows selected by a switch so
its rules run in the tests here).

Why each option (docs/windows.md, "端口"):
- Windows: `SO_EXCLUSIVEADDRUSE`. Without it Windows lets a bind to 127.0.0.1:7648 succeed while
  another process listens on 0.0.0.0:7648, so a second service starts and each client reaches
  whichever socket Windows picks. `SO_REUSEADDR` must not be set there: on Windows it means "take
  over a port in use", not "ignore TIME_WAIT".
- POSIX: `SO_REUSEADDR`, as uvicorn does, so a restart is not refused over TIME_WAIT.
- `::` on both: `IPV6_V6ONLY = 0`, so "every address" also takes IPv4 as Linux does by default.
  Windows defaults to IPv6 only, and the client commands, which reach a `::` service at
  127.0.0.1, were refused.
"""

from __future__ import annotations

import errno
import socket
import sys
from collections.abc import Callable, Sequence
from typing import Protocol

from easyths.errors import StartupError
from easyths.winenv import PortRange, excluded_port_ranges, port_problem

ON_WINDOWS = sys.platform == "win32"
# ws2def.h: SO_EXCLUSIVEADDRUSE is ~SO_REUSEADDR with Windows' SO_REUSEADDR of 4 (Python exposes it on Windows).
SO_EXCLUSIVEADDRUSE = getattr(socket, "SO_EXCLUSIVEADDRUSE", ~4)
WSAEACCES = 10013  # "forbidden by its access permissions": a reserved range, or a port held exclusively
WSAEADDRINUSE = 10048
# IPPROTO_IPV6 / IPV6_V6ONLY are 41 / 27 on Windows; the host's values are used on the host.
IPV6_V6ONLY = getattr(socket, "IPV6_V6ONLY", 27)
IPPROTO_IPV6 = getattr(socket, "IPPROTO_IPV6", 41)


class Settable(Protocol):
    def setsockopt(self, level: int, option: int, value: int, /) -> None: ...


def prepare_listener(sock: Settable, host: str, *, windows: bool = ON_WINDOWS) -> None:
    """Set the options above on a socket not yet bound."""
    if windows:
        sock.setsockopt(socket.SOL_SOCKET, SO_EXCLUSIVEADDRUSE, 1)
    else:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if host == "::":
        sock.setsockopt(IPPROTO_IPV6, IPV6_V6ONLY, 0)


def bind_error(
    exc: OSError,
    host: str,
    port: int,
    exit_code: int,
    reserved: Callable[[], Sequence[PortRange] | None] = excluded_port_ranges,
) -> StartupError:
    """The Chinese explanation of a failed bind, with what to do; `reserved` reads Windows'
    reserved port ranges, asked only after a WinError 10013."""
    details = {"host": host, "port": port}
    winerror = getattr(exc, "winerror", None)
    if exc.errno in (errno.EADDRINUSE, getattr(errno, "WSAEADDRINUSE", -1)) or winerror == WSAEADDRINUSE:
        return StartupError(
            f"端口 {port} 已被占用（{host}:{port}）：可能已有一个 EasyTHS 或其他程序在监听。"
            f"请停止占用该端口的程序，或用 --port / [api].port 换一个端口。",
            exit_code=exit_code,
            details=details,
        )
    if winerror == WSAEACCES:
        in_range = port_problem(port, reserved())
        if in_range:
            return StartupError(
                f"无法监听 {host}:{port}（WinError 10013）：{in_range}。",
                exit_code=exit_code,
                details={**details, "winerror": WSAEACCES},
            )
        return StartupError(
            f"无法监听 {host}:{port}：Windows 拒绝使用这个端口（WinError 10013）。常见原因有两个：端口落在 Windows "
            f"保留的端口范围内（Hyper-V、WSL2、Docker 会成段保留端口，每次开机可能不同），或另一个程序独占了它。"
            f"请运行 netsh interface ipv4 show excludedportrange protocol=tcp 查看保留范围，"
            f"用 netstat -ano | findstr :{port} 查看占用者，然后用 --port / [api].port 换一个端口。",
            exit_code=exit_code,
            details={**details, "winerror": WSAEACCES},
        )
    return StartupError(
        f"无法监听 {host}:{port}：{exc.strerror or exc}。请检查 --host / [api].host 是否是本机的地址。",
        exit_code=exit_code,
        details=details,
    )


__all__ = ["bind_error", "prepare_listener"]
