"""`/mcp` on the service: streamable HTTP behind the API's own auth.

Why in `api`: mounting is the API's business (its auth, its envelope, its in-process marker);
`easyths.mcptools` only builds the tools and knows nothing of the API, so the arrow runs one way.

Why the API's auth and not the SDK's OAuth: the service has one secret, the API key, and one
rule without it (loopback only); `/mcp` follows both. The tools call the API in process through
an ASGI transport with the same key, so an assistant's order takes exactly the HTTP path.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
from fastapi import FastAPI, HTTPException, Request
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
from mcp.server.transport_security import TransportSecuritySettings
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from easyths.api.deps import require_auth
from easyths.api.envelope import error_response
from easyths.api.middleware import IN_PROCESS
from easyths.hosts import is_loopback
from easyths.mcptools.tools import build_server
from easyths.operations.registry import Registry
from easyths.settings import Settings


class _Guarded:
    """An ASGI app (not a request handler): the API's auth, then the MCP session manager."""

    def __init__(self, manager: StreamableHTTPSessionManager) -> None:
        self.manager = manager

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        try:
            await require_auth(request)
        except HTTPException as exc:
            code = "UNAUTHORIZED" if exc.status_code == 401 else "FORBIDDEN"
            response = error_response(exc.status_code, str(exc.detail), code, headers=exc.headers, request=request)
            await response(scope, receive, send)
            return
        await self.manager.handle_request(scope, receive, send)


def _in_process(app: FastAPI) -> Callable[[Scope, Receive, Send], Awaitable[None]]:
    """The tools' calls, marked so the API's client checks (allow-list, rate limit, Host, Origin)
    skip them: they were applied to the assistant's own request at `/mcp`, and the synthetic
    client address of an in-process call would otherwise fail an allow-list without 127.0.0.1."""

    async def marked(scope: Scope, receive: Receive, send: Send) -> None:
        scope[IN_PROCESS] = True
        await app(scope, receive, send)

    return marked


def install(app: FastAPI, settings: Settings, registry: Registry) -> Any:
    """Add the `/mcp` route; return the context manager the app's lifespan must enter."""
    headers = {"Authorization": f"Bearer {settings.api_key}"} if settings.api_key else {}
    client = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=_in_process(app)),
        base_url="http://easyths.internal",
        headers=headers,
        timeout=None,
    )
    server = build_server(client, registry, allow_orders=settings.mcp.allow_orders)
    security = None
    if not is_loopback(settings.api.host):
        # Bound beyond loopback (with a key, or start-up refuses): clients reach it by any name.
        security = TransportSecuritySettings(enable_dns_rebinding_protection=False)
    server.streamable_http_app(json_response=True, transport_security=security, host=settings.api.host)
    manager = server.session_manager

    app.router.routes.append(Route("/mcp", endpoint=_Guarded(manager), methods=["GET", "POST", "DELETE"]))

    @asynccontextmanager
    async def running() -> AsyncIterator[None]:
        async with manager.run():
            try:
                yield
            finally:
                await client.aclose()

    return running


__all__ = ["install"]
