"""System routes: health, status, info."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from easyths import __version__
from easyths.api.deps import EngineDep, HealthDep, RegistryDep, SettingsDep
from easyths.api.envelope import ok
from easyths.engine.records import now

router = APIRouter(prefix="/api/v1/system", tags=["系统"])


@router.get("/health")
async def health(engine: EngineDep, source: HealthDep, registry: RegistryDep) -> dict[str, Any]:
    h = source.health()
    healthy = h is not None and h.connected and h.logged_in
    components: dict[str, Any] = {
        "automator": "connected" if h and h.connected else "disconnected",
        "logged_in": bool(h and h.logged_in),
        "backend": h.backend if h else source.backend,
        "plugins": {"loaded": len(registry)},
        "queue": engine.stats(),
    }
    if h and h.problems:
        components["problems"] = h.problems
    data = {"status": "healthy" if healthy else "unhealthy", "timestamp": now().isoformat(), "components": components}
    if healthy:
        return ok(data, "系统运行正常")
    problems = "；".join(h.problems) if h and h.problems else "交易后端未连接"
    return ok(data, f"系统异常: {problems}")


@router.get("/status")
async def status(engine: EngineDep, source: HealthDep, registry: RegistryDep, settings: SettingsDep) -> dict[str, Any]:
    h = source.health()
    names = registry.names()
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


@router.get("/info")
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
