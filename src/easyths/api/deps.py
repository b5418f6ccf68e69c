"""Request dependencies: auth and what routes need, as `Annotated` aliases.

Routes ask for what they use (a journal reader, the broker's health, the registry, the engine's
submit/wait/cancel), each put on `app.state` by the app's lifespan, never for engine internals.
"""

from __future__ import annotations

import hmac
from typing import Annotated, Protocol

from fastapi import Depends, HTTPException, Request

from easyths import hosts
from easyths.brokers.base import BrokerHealth
from easyths.engine.engine import Engine
from easyths.engine.journal import JournalReader
from easyths.operations.registry import Registry
from easyths.settings import Settings


class HealthSource(Protocol):
    """The broker's last known health (cached off the event loop) and its backend name."""

    @property
    def backend(self) -> str: ...

    def health(self) -> BrokerHealth | None: ...


def is_loopback(host: str | None) -> bool:
    """A peer on this machine; Starlette's TestClient (peer "testclient") counts as one."""
    return host == "testclient" or hosts.is_loopback(host)


def auth_refusal(key: str | None, host: str | None, authorization: str) -> tuple[int, str] | None:
    """Why a caller may not use the API, as (HTTP status, Chinese message), or None when it may:
    with a key configured a Bearer token (constant-time compare), with none loopback only."""
    if key is None:
        return None if is_loopback(host) else (403, "未配置 API Key 时只允许本机访问")
    if not authorization.strip():
        return 401, "缺少认证信息，请在请求头中添加 Authorization: Bearer <API Key>"
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer":
        return 401, "Authorization 请求头的格式应为 Bearer <API Key>（缺少 Bearer，或用了别的认证方式）"
    if not token.strip():
        return 401, "Authorization 请求头缺少 API Key：应为 Bearer <API Key>"
    if not hmac.compare_digest(token.strip().encode(), key.encode()):
        return 401, "API Key 无效"
    return None


async def require_auth(request: Request) -> None:
    """The same check as a dependency, for what is served outside `/api/` (the MCP endpoint);
    `/api/...` and `/metrics` are checked once, before routing, by the ASGI layer."""
    settings: Settings = request.app.state.settings
    host = request.client.host if request.client else None
    refusal = auth_refusal(settings.api_key, host, request.headers.get("authorization", ""))
    if refusal is not None:
        status, message = refusal
        raise HTTPException(status, message, headers={"WWW-Authenticate": "Bearer"} if status == 401 else None)


def engine_of(request: Request) -> Engine:
    """The engine, read from the app without FastAPI's dependency machinery: the hot routes
    (submit, result, status, queue stats) use these accessors because resolving one dependency
    costs FastAPI about as much as such a route's own work; the others keep the injected form."""
    engine: Engine = request.app.state.engine  # Starlette's State is untyped
    return engine


def registry_of(request: Request) -> Registry:
    registry: Registry = request.app.state.registry  # Starlette's State is untyped
    return registry


def reader_of(request: Request) -> JournalReader:
    reader: JournalReader = request.app.state.reader  # Starlette's State is untyped
    return reader


async def get_engine(request: Request) -> Engine:
    return engine_of(request)


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings  # Starlette's State is untyped
    return settings


async def get_reader(request: Request) -> JournalReader:
    reader: JournalReader = request.app.state.reader  # Starlette's State is untyped
    return reader


async def get_health(request: Request) -> HealthSource:
    health: HealthSource = request.app.state.health  # Starlette's State is untyped
    return health


async def get_registry(request: Request) -> Registry:
    registry: Registry = request.app.state.registry  # Starlette's State is untyped
    return registry


EngineDep = Annotated[Engine, Depends(get_engine)]
ReaderDep = Annotated[JournalReader, Depends(get_reader)]
HealthDep = Annotated[HealthSource, Depends(get_health)]
RegistryDep = Annotated[Registry, Depends(get_registry)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
Auth = Depends(require_auth)
