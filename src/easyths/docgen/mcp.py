"""The MCP page's tool list, read from the server `easyths.mcptools.build_server` builds."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from easyths.operations.registry import Registry


def _tools(allow_orders: bool) -> list[Any]:
    from easyths.mcptools import build_server  # the mcp package is only needed for this page

    async def listed() -> list[Any]:
        async with httpx.AsyncClient() as client:
            return list(await build_server(client, Registry(), allow_orders=allow_orders).list_tools())

    return asyncio.run(listed())


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


def tools_markdown() -> str:
    read_only = {t.name for t in _tools(allow_orders=False)}
    out = ["| 工具 | 需要 `allow_orders` | 说明 |", "|---|---|---|"]
    for tool in _tools(allow_orders=True):
        title = tool.description.split("【")[0].rstrip("。")
        needs = "否" if tool.name in read_only else "**是**"
        out.append(f"| `{tool.name}` | {needs} | {_cell(title)} |")
    return "\n".join(out) + "\n"


__all__ = ["tools_markdown"]
