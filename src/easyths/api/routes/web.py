"""The dashboard: `/` and its static files from `easyths/web/`, plus the page's public config.

Why these routes are outside the API's auth: the page and its scripts hold no data and no
secret, and the browser must load them before it can ask the user for the key. Every figure
the page shows comes from the API with the key the user typed. With no key configured the
service is loopback-only, and so are these routes, so nothing about the service is reachable
from elsewhere. Files are served from a fixed list read at start-up: no path from the request
ever reaches the filesystem.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import JSONResponse, Response

from easyths.api.deps import is_loopback
from easyths.settings import Settings

_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
}


def _load() -> dict[str, tuple[bytes, str]]:
    files: dict[str, tuple[bytes, str]] = {}
    for entry in resources.files("easyths.web").iterdir():
        suffix = "." + entry.name.rsplit(".", 1)[-1] if "." in entry.name else ""
        if entry.is_file() and suffix in _TYPES:
            files[entry.name] = (entry.read_bytes(), _TYPES[suffix])
    return files


async def page_access(request: Request) -> None:
    """With no API key the service answers loopback only, the page included."""
    settings: Settings = request.app.state.settings
    if settings.api_key is None and not is_loopback(request.client.host if request.client else None):
        raise HTTPException(403, "未配置 API Key 时只允许本机访问")


def build_router() -> APIRouter:
    files = _load()
    router = APIRouter(tags=["看板"], include_in_schema=False, dependencies=[Depends(page_access)])
    headers = {"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"}
    # A page that places orders must not run foreign code or sit inside someone else's frame
    # (clickjacking a confirmation button): only its own files, only its own origin.
    page_headers = {
        **headers,
        "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; base-uri 'none'; "
        "form-action 'none'; frame-ancestors 'none'",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "no-referrer",
    }

    @router.get("/")
    async def index() -> Response:
        body, media = files["index.html"]
        return Response(body, media_type=media, headers=page_headers)

    @router.get("/web/config.json")
    async def page_config(request: Request) -> JSONResponse:
        """What the page needs before it has a key: whether to ask for one, and display options."""
        settings: Settings = request.app.state.settings
        data: dict[str, Any] = {
            "auth_required": settings.api_key is not None,
            "gain_color": settings.web.gain_color,
            "refresh_seconds": settings.web.refresh_seconds,
        }
        return JSONResponse(data, headers=headers)

    @router.get("/web/{name}")
    async def asset(name: str) -> Response:
        if name not in files:
            raise HTTPException(404, f"文件不存在: {name}")
        body, media = files[name]
        return Response(body, media_type=media, headers=headers)

    return router


__all__ = ["build_router", "page_access"]
