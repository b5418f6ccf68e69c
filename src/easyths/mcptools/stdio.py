"""`easyths mcp`: the tools over stdio for desktop assistants, talking to the running service.

Why a client of the running service and not a second engine: one THS client window can only be
driven by one worker, and the sim account lives in one database; the service owns both. Its
address and key come from the same configuration (`[mcp].url`, else `[api].host`/`[api].port`).
"""

from __future__ import annotations

import anyio
import httpx

from easyths.mcptools.tools import build_server
from easyths.operations.registry import Registry
from easyths.settings import Settings


def service_url(settings: Settings) -> str:
    if settings.mcp.url:
        return settings.mcp.url.rstrip("/")
    host = settings.api.host
    if host in ("0.0.0.0", "::", ""):
        host = "127.0.0.1"
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{settings.api.port}"


def serve_stdio(settings: Settings) -> None:
    headers = {"Authorization": f"Bearer {settings.api_key}"} if settings.api_key else {}

    async def main() -> None:
        async with httpx.AsyncClient(base_url=service_url(settings), headers=headers, timeout=60) as client:
            server = build_server(client, Registry(), allow_orders=settings.mcp.allow_orders)
            await server.run_stdio_async()

    anyio.run(main)


__all__ = ["serve_stdio", "service_url"]
