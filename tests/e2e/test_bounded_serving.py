"""Serving where strangers can connect: headers are bounded in size and time, connections in
number, and proxy headers are believed only from listed proxies. Each service runs with the
exact uvicorn configuration `easyths` uses (`server_config`), on a socket bound to loopback the
way `easyths` hands uvicorn its own bound socket; `host` in the settings decides the protocol."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from easyths.api.app import create_app
from easyths.cli.serving import BoundedH11Protocol, server_config
from tests.conftest import make_settings
from tests.fakes import FakeBroker

KEY = "a-long-enough-key-0123"
AUTH = {"Authorization": f"Bearer {KEY}"}


@contextmanager
def serving(tmp_path: Path, **api: Any) -> Iterator[str]:
    settings = make_settings(tmp_path, api=api)
    config = server_config(settings, create_app(settings, broker=FakeBroker()), log_level="warning")
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(2048)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    started = threading.Event()
    while not server.started and thread.is_alive():
        started.wait(0.02)
    try:
        yield f"127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(15)
        sock.close()


def wide(tmp_path: Path, **api: Any) -> Any:
    return serving(tmp_path, host="0.0.0.0", key=KEY, **api)


def connect(address: str) -> socket.socket:
    host, port = address.split(":")
    conn = socket.create_connection((host, int(port)), timeout=30)
    return conn


def read_all(conn: socket.socket) -> bytes:
    out = b""
    while chunk := conn.recv(65536):
        out += chunk
    return out


def test_loopback_keeps_the_fast_protocol_and_wide_binding_gets_the_bounded_one(tmp_path: Path) -> None:
    local = server_config(make_settings(tmp_path), None)
    assert local.http == "auto" and local.h11_max_incomplete_event_size is None and local.limit_concurrency is None
    bound = server_config(make_settings(tmp_path, api={"host": "0.0.0.0", "key": KEY}), None)
    assert isinstance(bound.http, type) and issubclass(bound.http, BoundedH11Protocol)
    assert bound.h11_max_incomplete_event_size == 32 * 1024 and bound.limit_concurrency == 512


def test_a_100_kb_header_is_refused_with_431(tmp_path: Path) -> None:
    with wide(tmp_path) as address:
        r = httpx.get(f"http://{address}/api/v1/system/health", headers={**AUTH, "X-Big": "a" * 100_000})
        assert r.status_code == 431
        ok = httpx.get(f"http://{address}/api/v1/system/health", headers={**AUTH, "X-Small": "a" * 1000})
        assert ok.status_code == 200


def test_unfinished_huge_headers_are_cut_off_not_buffered(tmp_path: Path) -> None:
    """Five connections each start a 20 MB header and never finish it: each is answered 431 and
    closed while most of its 20 MB was still unsent (the service kept at most the limit)."""
    size = 20 * 2**20
    chunk = b"a" * 65536
    with wide(tmp_path, allowed_ips=["10.9.9.9"]) as address:  # not even an allowed address
        conns = [connect(address) for _ in range(5)]
        sent = []
        for conn in conns:
            conn.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: ")
            total = 0
            try:
                while total < size:
                    conn.sendall(chunk)
                    total += len(chunk)
            except OSError:  # reset or broken pipe: the service closed it
                pass
            sent.append(total)
        answers = []
        for conn in conns:
            try:
                answers.append(read_all(conn))
            except OSError:
                answers.append(b"reset")
            conn.close()
    assert all(total < size for total in sent), sent
    assert all(a.startswith(b"HTTP/1.1 431") or a == b"reset" for a in answers), answers
    assert any(a.startswith(b"HTTP/1.1 431") for a in answers)


def test_a_header_that_never_completes_is_dropped_after_the_header_timeout(tmp_path: Path) -> None:
    with wide(tmp_path, header_timeout=0.3) as address:
        silent, slow = connect(address), connect(address)
        slow.sendall(b"GET /api/v1/system/health HTTP/1.1\r\nHost: x\r\n")  # and then nothing
        assert read_all(silent) == b""  # closed by the service, nothing answered
        assert read_all(slow) == b""
        r = httpx.get(f"http://{address}/api/v1/system/health", headers=AUTH)
        assert r.status_code == 200  # a request that completes its headers is unaffected


def test_connections_beyond_the_cap_are_closed_at_once(tmp_path: Path) -> None:
    with wide(tmp_path, max_connections=8, header_timeout=60) as address:
        held = [connect(address) for _ in range(8)]
        extra = connect(address)
        assert read_all(extra) == b""  # accepted and closed; its descriptor is free again
        for conn in held:
            conn.close()


def test_a_spoofed_x_forwarded_for_is_not_believed_from_loopback(tmp_path: Path) -> None:
    """uvicorn trusted proxy headers from 127.0.0.1, so any local process posed as an allowed
    address (and as anyone for the rate limit)."""
    spoof = {"X-Forwarded-For": "10.1.2.3"}
    with serving(tmp_path / "a", allowed_ips=["10.1.2.3"], key=KEY) as address:
        r = httpx.get(f"http://{address}/api/v1/system/health", headers={**AUTH, **spoof})
        assert r.status_code == 403 and r.json()["error_code"] == "IP_FORBIDDEN"
    with serving(tmp_path / "b", allowed_ips=["10.1.2.3"], key=KEY, trusted_proxies=["127.0.0.1"]) as address:
        r = httpx.get(f"http://{address}/api/v1/system/health", headers={**AUTH, **spoof})
        assert r.status_code == 200  # a listed proxy is believed
