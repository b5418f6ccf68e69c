"""MCP tools for AI assistants: the operations as typed tools, over streamable HTTP at `/mcp` on
the service and over stdio as `easyths mcp`.

Why every tool goes through the HTTP API (in process for `/mcp`, over loopback for stdio): an
order an assistant places must meet the same auth, queue, idempotency and limits as one a script
places, and the API is the one place where all of them are applied. There is no second path.
"""

from easyths.mcptools.tools import build_server

__all__ = ["build_server"]
