"""System routes: health, status, info."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from easyths import __version__
from easyths.api.contracts import is_v2, v2_api
from easyths.api.deps import EngineDep, HealthDep, RegistryDep, SettingsDep
from easyths.api.envelope import error_response, ok
from easyths.engine.records import now

router = APIRouter(prefix="/api/v1/system", tags=["系统"])


@router.get("/health", summary="健康检查：交易后端是否连接、登录，队列统计")
async def health(request: Request, engine: EngineDep, source: HealthDep, registry: RegistryDep) -> dict[str, Any]:
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
    if is_v2():
        return _health_v2(healthy, components, h.problems if h else [])
    data = {"status": "healthy" if healthy else "unhealthy", "timestamp": now().isoformat(), "components": components}
    if healthy:
        return ok(data, "系统运行正常")
    problems = "；".join(h.problems) if h and h.problems else "交易后端未连接"
    return ok(data, f"系统异常: {problems}")


def _health_v2(healthy: bool, components: dict[str, Any], problems: list[str]) -> dict[str, Any]:
    """2.x health: success false with not_connected when the client is not usable."""
    data = {"status": "healthy" if healthy else "unhealthy", **components}
    if healthy:
        return v2_api.envelope(success=True, message="系统运行正常", data=data)
    reason = "；".join(problems) or "同花顺未连接"
    return v2_api.envelope(success=False, message=f"系统异常: {reason}", error_code="not_connected", data=data)


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


@router.get("/status", summary="系统状态：后端、客户端路径、已加载的操作、队列")
async def status(
    engine: EngineDep, source: HealthDep, registry: RegistryDep, settings: SettingsDep, request: Request
) -> dict[str, Any]:
    h = source.health()
    names = registry.names()
    if is_v2():
        accounts: v2_api.AccountTracker = request.app.state.accounts
        return ok(
            {
                "name": settings.app.name,
                "version": __version__,
                "description": "同花顺交易自动化系统（EasyTHS，兼容 2.x 契约）",
                "automator": {
                    "connected": bool(h and h.connected),
                    "process_alive": bool(h and h.connected),
                    "app_path": h.app_path if h and h.app_path else None,
                    "backend": source.backend,
                },
                "account": {"available_accounts": None, "current_used_account": accounts.current},
                "plugins": {
                    "loaded_plugins": names,
                    "plugin_count": len(names),
                    "plugin_details": registry.describe(),
                },
                "queue": v2_api.queue_stats(engine.stats()),
            }
        )
    return ok(
        {
            "timestamp": now().isoformat(),
            "automator": {
                "connected": bool(h and h.connected),
                "logged_in": bool(h and h.logged_in),
                "app_path": h.app_path
                if h and h.app_path
                else (settings.exe_path if source.backend == "ths" else None),
                "backend": source.backend,
                "problems": h.problems if h else [],
                **(h.extra if h else {}),
            },
            "plugins": {"loaded_plugins": names, "plugin_count": len(names)},
            "queue": engine.stats(),
        }
    )


@router.get("/info", summary="名称、版本、后端与功能")
async def info(source: HealthDep, settings: SettingsDep) -> dict[str, Any]:
    return ok(
        {
            "name": settings.app.name,
            "version": __version__,
            "description": "基于pywinauto的同花顺交易软件自动化系统（内置A股模拟券商）",
            "backend": source.backend,
            "features": ["操作串行化", "优先级队列", "插件化架构", "RESTful API", "实时监控", "操作持久化", "模拟交易"],
        }
    )
