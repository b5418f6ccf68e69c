"""Safe serving: the contract, the allow-list, the rate limit, the body cap and the catch-all, as
one ASGI layer, with the API key check.

Why one pure ASGI layer instead of several middlewares: it runs on every request, so it must cost
next to nothing (no extra task, no body buffering, one wrapper around `send` for the whole request
instead of one per concern), and the order of its checks is the order a reader expects: which
contract the answer speaks (so every refusal below is in it), which name you reached us by
(Host, against DNS rebinding: api/trust.py), who you are (address), how often (rate), how much
(body), which site sent a state-changing request (Origin, against cross-site POSTs), whether you
hold the key (for `/api/...`, `/mcp` and `/metrics`), then the app, with anything the app did not
expect turned into the envelope instead of a stack trace.

Why the key is checked here and not as a FastAPI dependency: a dependency runs after routing and
after the body is parsed, so a caller without the key learnt that its JSON was malformed or which
paths exist, and resolving it cost every request about a fifth of a cheap GET. Here it is one
header read before anything else looks at the request. A CORS preflight (OPTIONS) carries no
credentials by design and is let through to the CORS layer.

It sits inside Starlette's `ServerErrorMiddleware` and outside the routing/exception handlers, so
errors the service raises on purpose still go through `envelope.install_error_handlers`, and only
the unexpected ones reach the catch-all here: logged with their traceback and a request id, and
answered with HTTP 500 `INTERNAL` carrying the same id, never the traceback.
"""

from __future__ import annotations

import ipaddress
import logging
import random
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from easyths.api import contracts
from easyths.api.contracts import Contract
from easyths.api.contracts.bodies import bodies
from easyths.api.deps import auth_refusal
from easyths.api.trust import CROSS_SITE_MESSAGE, HOST_MESSAGE, HostCheck, OriginCheck
from easyths.settings import ApiSection

log = logging.getLogger("easyths.api")

REQUEST_ID_HEADER = "X-Request-ID"
# Set in the scope of the MCP tools' own in-process calls (never reachable from a socket): they
# already passed the client's checks at `/mcp`, and their synthetic client address and Host say
# nothing about who is asking.
IN_PROCESS = "easyths.in_process"

# Request ids only tie a log line to an answer, so they need not be unpredictable: drawing them from
# a generator seeded once avoids `os.urandom` per request, which releases the GIL for a syscall and so
# hands the event loop to whichever thread is waiting (the worker, the event writer) mid-request.
_ids = random.Random()


def envelope_bytes(message: str, error_code: str, **extra: Any) -> bytes:
    """A refusal made before routing, in the request's contract (`contracts.bodies`)."""
    return bodies().refusal(message, error_code, extra)


class RateLimiter:
    """Sliding one-minute log of request times per client address.

    Exact (no burst at window edges) and cheap: one deque append and a few pops per request;
    clients with an empty log are dropped so memory follows the active clients only."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self._clock = clock
        self._log: dict[str, deque[float]] = {}
        self._lock = threading.Lock()
        self._last_sweep = clock()

    def retry_after(self, client: str) -> float | None:
        """Record a request; None when allowed, else the seconds until the next one is."""
        at = self._clock()
        with self._lock:
            times = self._log.setdefault(client, deque())
            while times and times[0] <= at - 60:
                times.popleft()
            if len(times) >= self.per_minute:
                return max(0.0, times[0] + 60 - at)
            times.append(at)
            if at - self._last_sweep > 60:
                self._sweep(at)
            return None

    def _sweep(self, at: float) -> None:
        self._last_sweep = at
        for client in [c for c, t in self._log.items() if not t or t[-1] <= at - 60]:
            del self._log[client]


class SafeServing:
    def __init__(self, app: ASGIApp, settings: ApiSection, clock: Callable[[], float] = time.monotonic) -> None:
        self.app = app
        self.contract: Contract = settings.contract
        self.networks = settings.allowed_networks()
        self.limiter = RateLimiter(settings.rate_limit, clock) if settings.rate_limit else None
        self.max_body = settings.max_body_bytes
        has_key = settings.key is not None
        self.hosts = HostCheck(settings, has_key)
        self.origins = OriginCheck(settings, has_key)

    def _allowed(self, host: str | None) -> bool:
        if not self.networks:
            return True
        if host is None:
            return False
        if host == "testclient":  # Starlette's TestClient; treated as loopback, as deps.py does
            host = "127.0.0.1"
        try:
            addr = ipaddress.ip_address(host)
        except ValueError:
            return False
        if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
            addr = addr.ipv4_mapped
        return any(addr in net for net in self.networks)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        asked: bytes | None = None
        declared: int | None = None
        seen = _Seen()
        for name, value in scope.get("headers", ()):
            if name == contracts.HEADER_KEY:
                asked = value
            elif name == b"content-length":
                declared = _int(value)
            elif name == b"authorization":
                seen.authorizations += 1
                seen.authorization = value
            elif name == b"host":
                seen.host = value
            elif name == b"origin":
                seen.origin = value
            elif name == b"sec-fetch-site":
                seen.fetch_site = value
        chosen = contracts.parse(asked, self.contract)
        if chosen is None:
            assert asked is not None
            await contracts.refuse(send, asked, self.contract)
            return
        token = contracts.use(chosen)
        try:
            await self._serve(scope, receive, send, chosen, declared, seen)
        finally:
            contracts.reset(token)

    async def _serve(
        self, scope: Scope, receive: Receive, send: Send, chosen: Contract, declared: int | None, seen: _Seen
    ) -> None:
        request_id = f"{_ids.getrandbits(64):016x}"  # see `_ids`
        scope.setdefault("state", {})["request_id"] = request_id
        ours = [(REQUEST_ID_HEADER.lower().encode(), request_id.encode()), (contracts.HEADER_KEY, chosen.encode())]
        client = scope.get("client")
        host = client[0] if client else None

        async def reply(
            status: int, message: str, code: str, headers: list[tuple[bytes, bytes]] | None = None, **extra: Any
        ) -> None:
            body = envelope_bytes(message, code, request_id=request_id, **extra)
            await send(
                {
                    "type": "http.response.start",
                    "status": status,
                    "headers": [
                        (b"content-type", b"application/json"),
                        (b"content-length", str(len(body)).encode()),
                        *ours,
                        *(headers or []),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": body})

        in_process = scope.get(IN_PROCESS, False)  # MCP's own calls: the client was checked at /mcp
        if not in_process and not self.hosts.allows(seen.host):
            shown = (seen.host or b"").decode("latin-1")[:100]
            log.warning("拒绝 Host 为 %r 的请求（来自 %s，请求 %s）", shown, host, request_id)
            await reply(421, HOST_MESSAGE.format(host=shown), "HOST_FORBIDDEN")
            return
        if not in_process and not self._allowed(host):
            log.warning("拒绝来自 %s 的请求：不在 [api].allowed_ips 中（请求 %s）", host, request_id)
            await reply(403, f"客户端地址 {host} 不在允许访问的地址列表（[api].allowed_ips）中", "IP_FORBIDDEN")
            return
        if self.limiter is not None and not in_process:
            wait = self.limiter.retry_after(host or "?")
            if wait is not None:
                seconds = max(1, int(wait + 0.999))
                await reply(
                    429,
                    f"请求过于频繁：每分钟最多 {self.limiter.per_minute} 次（[api].rate_limit），请 {seconds} 秒后再试",
                    "RATE_LIMITED",
                    [(b"retry-after", str(seconds).encode())],
                )
                return
        if declared is not None and declared > self.max_body:
            await reply(413, self._too_large(declared), "PAYLOAD_TOO_LARGE")
            return

        method: str = scope.get("method", "")
        if not in_process:
            origin = self.origins.refusal(method, scope.get("path", ""), seen.origin, seen.fetch_site, seen.host)
            if origin is not None:
                log.warning("拒绝来自 %s 的跨站 %s %s（请求 %s）", origin[:100], method, scope.get("path"), request_id)
                await reply(403, CROSS_SITE_MESSAGE.format(origin=origin[:100]), "CROSS_SITE_FORBIDDEN")
                return
        if seen.authorizations > 1:  # the API and MCP's SDK would each read a different one
            await reply(400, "请求头 Authorization 只能出现一次", "BAD_REQUEST")
            return

        if _needs_key(scope):
            settings = getattr(getattr(scope.get("app"), "state", None), "settings", None)
            key = settings.api_key if settings is not None else None  # unknown: loopback only, as with no key
            refusal = auth_refusal(key, host, seen.authorization.decode("latin-1"))
            if refusal is not None:
                status, message = refusal
                challenge = [(b"www-authenticate", b"Bearer")] if status == 401 else None
                await reply(status, message, "UNAUTHORIZED" if status == 401 else "FORBIDDEN", challenge)
                return

        received = 0
        started = False
        cut_off = False  # a streamed body passed the cap: 413 sent, the app's own answer dropped

        async def capped_receive() -> Message:
            """Count a body sent without Content-Length; past the cap answer 413 at once and
            tell the app the client left (FastAPI would turn an exception here into a 400)."""
            nonlocal received, started, cut_off
            if cut_off:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    cut_off = True
                    if not started:
                        started = True
                        await reply(413, self._too_large(received), "PAYLOAD_TOO_LARGE")
                    return {"type": "http.disconnect"}
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if cut_off:
                return
            if message["type"] == "http.response.start":
                started = True
                kept = [h for h in message.get("headers", ()) if h[0] != contracts.HEADER_KEY]
                message["headers"] = [*kept, *ours]
            await send(message)

        try:
            await self.app(scope, capped_receive, tracking_send)
        except Exception:
            if cut_off:
                return
            log.exception("未预期的错误（请求 %s %s %s）", request_id, scope.get("method"), scope.get("path"))
            if not started:
                await reply(500, f"服务内部错误（请求编号 {request_id}，详情见服务日志）", "INTERNAL")

    def _too_large(self, size: int) -> str:
        return f"请求体 {size} 字节超过上限 {self.max_body} 字节（[api].max_body_bytes）"


class _Seen:
    """The headers the checks read, gathered in the one pass over the request's headers."""

    __slots__ = ("authorization", "authorizations", "fetch_site", "host", "origin")

    def __init__(self) -> None:
        self.authorization = b""
        self.authorizations = 0
        self.host: bytes | None = None
        self.origin: bytes | None = None
        self.fetch_site: bytes | None = None


def _needs_key(scope: Scope) -> bool:
    path: str = scope.get("path", "")
    return scope.get("method") != "OPTIONS" and (
        path.startswith(("/api/", "/mcp/")) or path.rstrip("/") in ("/metrics", "/mcp")
    )


def _int(value: bytes) -> int | None:
    try:
        return int(value)
    except ValueError:
        return None


__all__ = ["IN_PROCESS", "REQUEST_ID_HEADER", "RateLimiter", "SafeServing"]
