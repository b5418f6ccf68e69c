"""The listening socket as each platform needs it, Windows' rules run here on a recording socket."""

from __future__ import annotations

import errno
import socket

import pytest

from easyths.cli.sockets import IPPROTO_IPV6, IPV6_V6ONLY, SO_EXCLUSIVEADDRUSE, bind_error, prepare_listener
from easyths.cli.startup import EXIT_PORT_BUSY, bind_port


class RecordingSocket:
    def __init__(self) -> None:
        self.options: list[tuple[int, int, int]] = []

    def setsockopt(self, level: int, option: int, value: int, /) -> None:
        self.options.append((level, option, value))


def test_on_windows_the_port_is_held_exclusively_and_never_reused() -> None:
    """Without SO_EXCLUSIVEADDRUSE a 127.0.0.1 bind succeeds over another process's 0.0.0.0 one;
    SO_REUSEADDR on Windows would let us take a port in use."""
    sock = RecordingSocket()
    prepare_listener(sock, "127.0.0.1", windows=True)
    assert sock.options == [(socket.SOL_SOCKET, SO_EXCLUSIVEADDRUSE, 1)]
    assert getattr(socket, "SO_EXCLUSIVEADDRUSE", -5) == SO_EXCLUSIVEADDRUSE


def test_all_addresses_on_windows_also_take_ipv4() -> None:
    """Windows makes `::` IPv6-only by default; the client commands reach a `::` service at 127.0.0.1."""
    sock = RecordingSocket()
    prepare_listener(sock, "::", windows=True)
    assert (IPPROTO_IPV6, IPV6_V6ONLY, 0) in sock.options


def test_on_posix_time_wait_is_no_conflict() -> None:
    sock = RecordingSocket()
    prepare_listener(sock, "127.0.0.1", windows=False)
    assert sock.options == [(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)]


@pytest.mark.skipif(not socket.has_ipv6, reason="no IPv6 on this host")
def test_a_service_on_all_addresses_answers_on_ipv4_loopback() -> None:
    try:
        sock = bind_port("::", 0)
    except Exception as exc:  # an IPv6-less container
        pytest.skip(f"cannot bind :: here: {exc}")
    with sock, socket.create_connection(("127.0.0.1", sock.getsockname()[1]), timeout=5):
        pass


class WinOSError(OSError):
    def __init__(self, code: int, winerror: int) -> None:
        super().__init__(code, "以一种访问权限不允许的方式做了一个访问套接字的尝试。")
        self.winerror = winerror


def test_winerror_10013_names_the_reserved_port_ranges_and_how_to_see_them() -> None:
    error = bind_error(WinOSError(errno.EACCES, 10013), "127.0.0.1", 7648, EXIT_PORT_BUSY, lambda: None)
    assert error.exit_code == EXIT_PORT_BUSY
    assert "10013" in error.message and "excludedportrange" in error.message and "--port" in error.message
    assert "是否是本机的地址" not in error.message  # the old advice: the address was never the problem


def test_winerror_10048_is_a_busy_port() -> None:
    error = bind_error(WinOSError(errno.EADDRINUSE, 10048), "127.0.0.1", 7648, EXIT_PORT_BUSY)
    assert "端口 7648 已被占用" in error.message


def test_winerror_10013_inside_a_reserved_range_names_the_range() -> None:
    error = bind_error(
        WinOSError(errno.EACCES, 10013), "127.0.0.1", 7648, EXIT_PORT_BUSY, lambda: [(5357, 5357), (7601, 7700)]
    )
    assert "7601–7700" in error.message and "--port" in error.message
