"""`AppTransport`: the blocking `Client` talking to an EasyTHS app in the same process.

Shipped beside the SDK the way httpx ships `MockTransport`: tests, notebooks and the docs drive
the real app through the SDK's own httpx client, with no socket and no third-party test client.
Starlette's `TestClient` is not used for this on purpose: it picks whichever HTTP library it
finds first (httpx or httpx2), so the SDK's httpx objects handed to it break when a dependency
pulls the other one in (issue 18: mcp 2.3 brought httpx2 and six SDK tests failed).

The async client needs none of this: `AsyncClient(transport=httpx.ASGITransport(app))`.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from types import TracebackType
from typing import Any

import anyio.from_thread
import httpx

Scope = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[Any]], Callable[[Any], Awaitable[None]]], Awaitable[None]]


class AppTransport(httpx.BaseTransport):
    """Runs an ASGI app (and its lifespan) on a private event loop thread for a blocking client.

    The app starts on the first request (or `__enter__`) and shuts down on `close()`, which the
    `Client` calls when it closes, so `with Client(transport=AppTransport(app)) as c:` runs the
    app's start-up and shut-down exactly as a server would. Responses are buffered whole, as with
    any in-process transport: an endless event stream needs a real server (uvicorn on loopback).
    """

    def __init__(self, app: ASGIApp, *, lifespan: bool = True, client: tuple[str, int] = ("127.0.0.1", 50000)) -> None:
        self._app = app
        self._asgi = httpx.ASGITransport(app=app, client=client)
        self._lifespan = lifespan
        self._stack: contextlib.ExitStack | None = None
        self._portal: anyio.from_thread.BlockingPortal | None = None

    def __enter__(self) -> AppTransport:
        self._start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None = None,
        exc: BaseException | None = None,
        tb: TracebackType | None = None,
    ) -> None:
        self.close()

    def _start(self) -> anyio.from_thread.BlockingPortal:
        if self._portal is not None:
            return self._portal
        stack = contextlib.ExitStack()
        try:
            portal = stack.enter_context(anyio.from_thread.start_blocking_portal())
            if self._lifespan:
                stack.enter_context(portal.wrap_async_context_manager(self._lifespan_context()))
        except BaseException:
            stack.close()
            raise
        self._stack, self._portal = stack, portal
        return portal

    @contextlib.asynccontextmanager
    async def _lifespan_context(self) -> AsyncIterator[None]:
        """The app's own lifespan (Starlette/FastAPI keep it on the router); other apps have none here."""
        router = getattr(self._app, "router", None)
        context = getattr(router, "lifespan_context", None)
        if context is None:
            yield
            return
        async with context(self._app):
            yield

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        portal = self._start()
        body = request.read()

        async def exchange() -> tuple[int, list[tuple[bytes, bytes]], bytes]:
            inner = httpx.Request(request.method, request.url, headers=request.headers, content=body)
            response = await self._asgi.handle_async_request(inner)
            raw = b"".join([chunk async for chunk in response.aiter_raw()])
            return response.status_code, response.headers.raw, raw

        status, headers, raw = portal.call(exchange)
        return httpx.Response(status, headers=headers, stream=httpx.ByteStream(raw), request=request)

    def close(self) -> None:
        stack, self._stack, self._portal = self._stack, None, None
        if stack is not None:
            stack.close()


__all__ = ["AppTransport"]
