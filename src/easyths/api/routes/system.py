"""System routes: health, status, info."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from easyths import __version__
from easyths.api.contracts.bodies import ServiceFacts, bodies
from easyths.api.deps import EngineDep, HealthDep, RegistryDep, SettingsDep
from easyths.api.envelope import error_response, ok
from easyths.api.responses import HealthView, SystemInfoView, SystemStatusView, either

router = APIRouter(prefix="/api/v1/system", tags=["系统"])


@router.get("/health", response_model=either(HealthView), summary="健康检查：交易后端是否连接、登录，队列统计")
async def health(request: Request, engine: EngineDep, source: HealthDep, registry: RegistryDep) -> JSONResponse:
    h = source.health()
    healthy = h is not None and h.connected and h.logged_in
    components: dict[str, Any] = {
        "automator": "connected" if h and h.connected else "disconnected",
        "logged_in": bool(h and h.logged_in),
        "backend": h.backend if h else source.backend,
        "plugins": {"loaded": len(registry)},
        "queue": engine.stats(),
    }
    switch = getattr(request.app.state, "kill_switch", None)
    if switch is not None:
        components["trading"] = switch.state.view()  # the kill switch: paused, reason, since
    if h and h.problems:
        components["problems"] = h.problems
    return JSONResponse(bodies().health(healthy, components, h.problems if h else []))


@router.post("/reconnect", response_model=None, summary="报告交易后端当前是否可用（断开后自动重连）")
async def reconnect(source: HealthDep, request: Request) -> Any:
    """The 2.x client's reconnect. Our broker re-attaches to the client by itself when it comes
    back (the worker refreshes health after every job); this reports whether it is usable now."""
    h = source.health()
    if h is not None and h.connected:
        return ok(None, "同花顺重连成功", status="completed")
    problems = "；".join(h.problems) if h and h.problems else "交易后端未连接"
    message = f"同花顺重连失败，请检查客户端是否已启动: {problems}"
    return error_response(503, message, "BROKER_UNAVAILABLE", request=request)


@router.get(
    "/status", response_model=either(SystemStatusView), summary="系统状态：后端、客户端路径、已加载的操作、队列"
)
async def status(
    engine: EngineDep, source: HealthDep, registry: RegistryDep, settings: SettingsDep, request: Request
) -> JSONResponse:
    return JSONResponse(
        bodies().system_status(
            ServiceFacts(
                source.health(), source.backend, registry, engine.stats(), settings, request.app.state.accounts
            )
        )
    )


@router.get("/info", response_model=either(SystemInfoView), summary="名称、版本、后端与功能")
async def info(source: HealthDep, settings: SettingsDep) -> JSONResponse:
    body = ok(
        {
            "name": settings.app.name,
            "version": __version__,
            "description": "基于pywinauto的同花顺交易软件自动化系统（内置A股模拟券商）",
            "backend": source.backend,
            "features": ["操作串行化", "优先级队列", "插件化架构", "RESTful API", "实时监控", "操作持久化", "模拟交易"],
        }
    )
    return JSONResponse(body)
