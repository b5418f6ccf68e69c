"""`easyths mcp`: the tools over stdio for desktop assistants, talking to the running service.

Why a client of the running service and not a second engine: one THS client window can only be
driven by one worker, and the sim account lives in one database; the service owns both. Its
address and key come from the same configuration (`[mcp].url`, else `[api].host`/`[api].port`).
"""

from __future__ import annotations

import logging

import anyio
import httpx

from easyths.client._base import is_loopback_url
from easyths.hosts import local_url
from easyths.mcptools.tools import build_server
from easyths.operations.registry import Registry
from easyths.settings import Settings


def service_url(settings: Settings) -> str:
    if settings.mcp.url:
        return settings.mcp.url.rstrip("/")
    return local_url(settings.api.host, settings.api.port)


def service_client(settings: Settings) -> httpx.AsyncClient:
    """The HTTP client to the service. Proxies from the environment are ignored for a loopback
    address, as the SDK does: on Windows httpx also reads the system proxy from the registry, and
    a proxy (or a corporate one refusing 127.0.0.1) between the assistant and the service on the
    same machine broke every tool call."""
    url = service_url(settings)
    headers = {"Authorization": f"Bearer {settings.api_key}"} if settings.api_key else {}
    return httpx.AsyncClient(base_url=url, headers=headers, timeout=60, trust_env=not is_loopback_url(url))


def quiet_logs(verbose: bool) -> None:
    """stderr is the assistant's log pane: a line per HTTP request (httpx at INFO) and the MCP
    library's per-message INFO drowned what matters. WARNING unless asked (`--verbose`)."""
    level = logging.INFO if verbose else logging.WARNING
    for name in ("httpx", "httpcore", "mcp", "easyths"):
        logging.getLogger(name).setLevel(level)


def serve_stdio(settings: Settings, *, verbose: bool = False) -> None:
    quiet_logs(verbose)

    async def main() -> None:
        async with service_client(settings) as client:
            server = build_server(client, Registry(), allow_orders=settings.mcp.allow_orders)
            await server.run_stdio_async()

    anyio.run(main)


__all__ = ["quiet_logs", "serve_stdio", "service_client", "service_url"]
