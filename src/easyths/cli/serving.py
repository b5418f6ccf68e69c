"""How uvicorn serves: the fast protocol on loopback, a bounded one where strangers can connect.

Why two: on loopback only the user's own programs connect, and the cheapest protocol (httptools)
keeps a submit→result cycle near a bare GET (docs/performance.md). Bound beyond loopback, anyone
on the network can open a connection before the allow-list or the key is ever looked at (both
need the request's headers), and httptools buffers headers without limit: five connections each
sending an unfinished 200 MB header took the process from 140 MB to 1.1 GB, and ~20,000 half-open
connections used up the file descriptors. h11 bounds the header buffer but answers 400 and never
times a slow header out, so `BoundedH11Protocol` adds what is missing (docs/security.md):
- a header larger than `[api].max_header_bytes` gets 431 and the connection is closed, having
  buffered at most the limit plus one socket read;
- a connection that has not completed its request headers within `[api].header_timeout` seconds
  (from its first byte, or from connecting) is closed;
- a connection beyond `[api].max_connections` open ones is closed as soon as it is accepted, and
  uvicorn's `limit_concurrency` answers 503 when that many requests are in flight.
Proxy headers: uvicorn trusts `X-Forwarded-For` from 127.0.0.1 by default, so any local process
could pose as an allowed address or as someone else for the rate limit; only `[api].trusted_proxies`
are trusted here, none by default.
"""

from __future__ import annotations

import asyncio
from typing import Any, ClassVar

import h11
import uvicorn
from h11._connection import DEFAULT_MAX_INCOMPLETE_EVENT_SIZE  # where uvicorn's h11 protocol takes it from
from uvicorn.protocols.http.h11_impl import H11Protocol

from easyths.api.trust import host_name
from easyths.hosts import is_loopback
from easyths.settings import ApiSection, Settings


class _Connection(h11.Connection):
    """h11's connection, remembering the protocol error it raised, so the answer can be 431.

    h11's own limit bounds only an *incomplete* request head (what it buffers while waiting for
    the blank line); a complete one that arrived in one read passes whatever its size. So a
    parsed request line and headers larger than the limit are refused here too."""

    error: h11.RemoteProtocolError | None = None

    def __init__(self, limit: int) -> None:
        super().__init__(h11.SERVER, max_incomplete_event_size=limit)
        self.limit = limit

    def next_event(self) -> Any:
        try:
            event = super().next_event()
            if isinstance(event, h11.Request) and _head_size(event) > self.limit:
                raise h11.RemoteProtocolError("request head too large", error_status_hint=431)
            return event
        except h11.RemoteProtocolError as exc:
            self.error = exc
            raise


def _head_size(request: h11.Request) -> int:
    return len(request.method) + len(request.target) + 12 + sum(len(k) + len(v) + 4 for k, v in request.headers)


class BoundedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a header deadline, a connection cap and a 431 answer.

    The limits are class attributes because uvicorn builds one protocol per connection from a
    class; `bounded_protocol` makes the subclass that carries a service's settings."""

    header_timeout: ClassVar[float] = 10.0
    max_connections: ClassVar[int] = 512
    conn: _Connection  # uvicorn's h11.Connection, replaced in __init__ by the one that remembers its error

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.conn = _Connection(self.config.h11_max_incomplete_event_size or DEFAULT_MAX_INCOMPLETE_EVENT_SIZE)
        self._header_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]  # as uvicorn's own
        super().connection_made(transport)
        if len(self.connections) > self.max_connections:
            self.logger.warning("连接数超过上限 %d（[api].max_connections），关闭新连接", self.max_connections)
            transport.close()
            return
        self._watch_headers()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        self._watch_headers()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._watch_headers()  # a pipelined request already waiting is timed from now

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_header_timer()
        super().connection_lost(exc)

    def _watch_headers(self) -> None:
        """Time the headers while h11 still waits for a whole request line and headers; an idle
        keep-alive connection with nothing buffered is uvicorn's keep-alive timeout's business."""
        waiting = self.conn.their_state is h11.IDLE and not self.transport.is_closing()
        if waiting and (self.cycle is None or self.conn.trailing_data[0]):  # a copy of at most the limit
            if self._header_timer is None:
                self._header_timer = self.loop.call_later(self.header_timeout, self._headers_too_slow)
        else:
            self._stop_header_timer()

    def _stop_header_timer(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _headers_too_slow(self) -> None:
        self._header_timer = None
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            self.logger.warning("%s 在 %g 秒内未发完请求头，已断开", self.client, self.header_timeout)
            self.transport.close()

    def send_400_response(self, msg: str) -> None:
        error = self.conn.error
        if error is None or error.error_status_hint != 431:
            super().send_400_response(msg)
            return
        self.logger.warning(
            "%s 的请求头超过 %d 字节，已拒绝（431）", self.client, self.config.h11_max_incomplete_event_size
        )
        self.transport.write(
            b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-type: text/plain; charset=utf-8\r\n"
            b"connection: close\r\ncontent-length: 31\r\n\r\nRequest header fields too large"
        )
        self.transport.close()


def bounded_protocol(api: ApiSection) -> type[BoundedH11Protocol]:
    return type(
        "BoundedH11Protocol",
        (BoundedH11Protocol,),
        {"header_timeout": api.header_timeout, "max_connections": api.max_connections},
    )


def is_wide(host: str) -> bool:
    """Bound to anything but loopback (0.0.0.0 and :: included)."""
    return not is_loopback(host_name(host) if host.startswith("[") else host)


def server_config(settings: Settings, app: Any, **extra: Any) -> uvicorn.Config:
    """The uvicorn configuration `easyths` serves with (tests build the same one)."""
    api = settings.api
    trusted = [str(net) for net in api.trusted_networks()]
    options: dict[str, Any] = {
        "host": api.host,
        "port": api.port,
        "log_level": settings.logging.level.lower(),
        "access_log": api.access_log,
        "timeout_graceful_shutdown": int(settings.queue.shutdown_grace) + 1,
        "proxy_headers": bool(trusted),
        "forwarded_allow_ips": ",".join(trusted) or "",
    }
    if is_wide(api.host):
        options.update(
            http=bounded_protocol(api),
            h11_max_incomplete_event_size=api.max_header_bytes,
            limit_concurrency=api.max_connections,
        )
    return uvicorn.Config(app, **{**options, **extra})


__all__ = ["BoundedH11Protocol", "bounded_protocol", "is_wide", "server_config"]
