"""What each route answers, once per contract: the one place the v1 and v2 answers differ.

Why one module of two mappings instead of a branch in every route: the routes (and the envelope
helpers, the serving layer's refusals) ask `bodies()` for the request's contract and call the
same method on either; what differs between the 1.x reference and the 2.x generation is read
here side by side, and a third contract would be a third class, not a third branch in twelve
places. The v2 tables and envelope stay in `v2.py`/`v2_api.py`; this module only chooses.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Protocol

from fastapi.responses import JSONResponse

from easyths import __version__
from easyths.api.contracts import Contract, current, v2_api
from easyths.api.contracts.v2 import v1_result_schema
from easyths.api.views import EXPIRED_MESSAGE, not_expired, result_body, status_view
from easyths.brokers.base import BrokerHealth
from easyths.engine.engine import Engine, Submitted
from easyths.engine.records import OperationRecord, OpStatus, is_expired, jsonable, now
from easyths.errors import ResultTimeout
from easyths.operations.registry import Registry
from easyths.settings import Settings


@dataclass(frozen=True, slots=True)
class ServiceFacts:
    """What /system/status reports, gathered by the route; each contract shows its part."""

    health: BrokerHealth | None
    backend: str
    registry: Registry
    stats: dict[str, Any]
    settings: Settings
    accounts: v2_api.AccountTracker


class Bodies(Protocol):
    """The answers a contract gives; `bodies()` picks the request's."""

    def ok(self, data: Any, message: str, extra: dict[str, Any]) -> dict[str, Any]: ...
    def error(
        self, http_status: int, message: str, code: str, details: Any, extra: dict[str, Any], request_id: str | None
    ) -> tuple[int, dict[str, Any]]: ...
    def refusal(self, message: str, code: str, extra: dict[str, Any]) -> bytes: ...
    def health(self, healthy: bool, components: dict[str, Any], problems: list[str]) -> dict[str, Any]: ...
    def system_status(self, facts: ServiceFacts) -> dict[str, Any]: ...
    def listing(self, registry: Registry) -> dict[str, Any]: ...
    async def submitted(self, engine: Engine, submitted: Submitted, wait: float | None) -> dict[str, Any]: ...
    def status(self, rec: OperationRecord, accounts: v2_api.AccountTracker) -> dict[str, Any]: ...
    async def result(
        self, engine: Engine, operation_id: str, timeout: float | None, accounts: v2_api.AccountTracker
    ) -> JSONResponse: ...
    def cancelled(self, rec: OperationRecord) -> dict[str, Any]: ...
    def queue_stats(self, stats: dict[str, Any]) -> dict[str, Any]: ...
    def recent(self, records: list[OperationRecord]) -> dict[str, Any]: ...


class V1:
    """The 1.x reference: `{success, message, data, timestamp}`, errors with `error_code` and `details`."""

    def ok(self, data: Any, message: str, extra: dict[str, Any]) -> dict[str, Any]:
        return {"success": True, "message": message, "data": jsonable(data), "timestamp": now().isoformat(), **extra}

    def error(
        self, http_status: int, message: str, code: str, details: Any, extra: dict[str, Any], request_id: str | None
    ) -> tuple[int, dict[str, Any]]:
        body = {
            "success": False,
            "message": message,
            "data": None,
            "error_code": code,
            "details": jsonable(details),
            "timestamp": now().isoformat(),
            **extra,
        }
        if request_id is not None:
            body["request_id"] = request_id
        return http_status, body

    def refusal(self, message: str, code: str, extra: dict[str, Any]) -> bytes:
        # the same keys, order and compact form as the app's own errors (`error`)
        _, body = self.error(0, message, code, None, extra, None)
        return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()

    def health(self, healthy: bool, components: dict[str, Any], problems: list[str]) -> dict[str, Any]:
        data = {
            "status": "healthy" if healthy else "unhealthy",
            "timestamp": now().isoformat(),
            "components": components,
        }
        if healthy:
            return self.ok(data, "系统运行正常", {})
        return self.ok(data, f"系统异常: {'；'.join(problems) or '交易后端未连接'}", {})

    def system_status(self, facts: ServiceFacts) -> dict[str, Any]:
        h, backend, registry, settings = facts.health, facts.backend, facts.registry, facts.settings
        automator = {
            "connected": bool(h and h.connected),
            "logged_in": bool(h and h.logged_in),
            "app_path": h.app_path if h and h.app_path else (settings.exe_path if backend == "ths" else None),
            "backend": backend,
            "problems": h.problems if h else [],
            **(h.extra if h else {}),
        }
        names = registry.names()
        plugins = {"loaded_plugins": names, "plugin_count": len(names)}
        data = {"timestamp": now().isoformat(), "automator": automator, "plugins": plugins, "queue": facts.stats}
        return self.ok(data, "查询成功", {})

    def listing(self, registry: Registry) -> dict[str, Any]:
        operations = registry.describe()
        for name, entry in operations.items():
            entry["result_schema"] = v1_result_schema(name)
        return self.ok({"operations": operations, "count": len(operations)}, "查询成功", {})

    async def submitted(self, engine: Engine, submitted: Submitted, wait: float | None) -> dict[str, Any]:
        """Queued, or with `?wait` finished and carrying its result."""
        rec = submitted.record
        data: dict[str, Any] = {
            "operation_id": rec.id,
            "status": rec.status.value,
            "queue_position": submitted.queue_position,
        }
        message = "操作已添加到队列"
        if submitted.duplicate:
            data.update(queue_position=0, duplicate=True)
            message = "重复提交，返回原操作"
        if wait is not None:
            try:
                rec = await engine.wait(rec.id, wait)
            except ResultTimeout:
                rec = engine.get(rec.id)
            data["status"] = rec.status.value
            if rec.status.finished:
                not_expired(rec)  # an old duplicate of a query: its table is gone, never a summary in its place
                data["result"] = rec.result
                message = "操作成功" if rec.status is OpStatus.SUCCESS else (rec.error or "操作未成功")
        return self.ok(data, message, {})

    def status(self, rec: OperationRecord, accounts: v2_api.AccountTracker) -> dict[str, Any]:
        if is_expired(rec):  # the status stands; the table is gone and said to be, never replaced
            view = status_view(rec)
            view["result"] = {"success": rec.result["success"] if rec.result else None, "data": None, "expired": True}
            return self.ok(view, EXPIRED_MESSAGE.format(id=rec.id, name=rec.name), {})
        return self.ok(status_view(rec), "查询成功", {})

    async def result(
        self, engine: Engine, operation_id: str, timeout: float | None, accounts: v2_api.AccountTracker
    ) -> JSONResponse:
        rec = await engine.wait(operation_id, timeout)  # ResultTimeout: the error handler's 408
        not_expired(rec)
        return JSONResponse(result_body(rec))  # already JSON-safe: no jsonable_encoder walk

    def cancelled(self, rec: OperationRecord) -> dict[str, Any]:
        return self.ok({"operation_id": rec.id, "status": rec.status.value}, "操作已取消", {})

    def queue_stats(self, stats: dict[str, Any]) -> dict[str, Any]:
        return self.ok(stats, "查询成功", {})

    def recent(self, records: list[OperationRecord]) -> dict[str, Any]:
        return self.ok({"operations": [status_view(r) for r in records], "count": len(records)}, "查询成功", {})


class V2:
    """The 2.x generation (2.0.7): one envelope with `status` and 2.x error codes (`v2_api`)."""

    def ok(self, data: Any, message: str, extra: dict[str, Any]) -> dict[str, Any]:
        return v2_api.envelope(success=True, status=extra.get("status"), message=message, data=data)

    def error(
        self, http_status: int, message: str, code: str, details: Any, extra: dict[str, Any], request_id: str | None
    ) -> tuple[int, dict[str, Any]]:
        """No details or request id in 2.x bodies (the id stays in the X-Request-ID header)."""
        status = extra.get("status")
        body = v2_api.envelope(
            success=False if status is None else None,
            status=status if status in v2_api.STATUS_MAP.values() else None,
            message=message,
            error_code=v2_api.error_code(code, http_status),
        )
        return v2_api.http_status(code, http_status), body

    def refusal(self, message: str, code: str, extra: dict[str, Any]) -> bytes:
        body = v2_api.envelope(success=False, message=message, error_code=v2_api.error_code(code))
        return json.dumps(body, ensure_ascii=False).encode()

    def health(self, healthy: bool, components: dict[str, Any], problems: list[str]) -> dict[str, Any]:
        """2.x health: success false with not_connected when the client is not usable."""
        data = {"status": "healthy" if healthy else "unhealthy", **components}
        if healthy:
            return v2_api.envelope(success=True, message="系统运行正常", data=data)
        reason = "；".join(problems) or "同花顺未连接"
        return v2_api.envelope(success=False, message=f"系统异常: {reason}", error_code="not_connected", data=data)

    def system_status(self, facts: ServiceFacts) -> dict[str, Any]:
        h, backend, registry, settings = facts.health, facts.backend, facts.registry, facts.settings
        names = registry.names()
        data = {
            "name": settings.app.name,
            "version": __version__,
            "description": "同花顺交易自动化系统（EasyTHS，兼容 2.x 契约）",
            "automator": {
                "connected": bool(h and h.connected),
                "process_alive": bool(h and h.connected),
                "app_path": h.app_path if h and h.app_path else None,
                "backend": backend,
            },
            "account": {"available_accounts": None, "current_used_account": facts.accounts.current},
            "plugins": {"loaded_plugins": names, "plugin_count": len(names), "plugin_details": registry.describe()},
            "queue": v2_api.queue_stats(facts.stats),
        }
        return self.ok(data, "查询成功", {})

    def listing(self, registry: Registry) -> dict[str, Any]:
        operations = registry.describe()
        schemas = {name: registry.get(name).Params.model_json_schema() for name in operations}
        return self.ok(v2_api.listing(operations, schemas), "查询成功", {})

    async def submitted(self, engine: Engine, submitted: Submitted, wait: float | None) -> dict[str, Any]:
        """2.x answers a submit at once; its clients poll /status or /result."""
        return v2_api.submitted_body(submitted.record, submitted.queue_position, submitted.duplicate)

    def status(self, rec: OperationRecord, accounts: v2_api.AccountTracker) -> dict[str, Any]:
        not_expired(rec)  # the 2.x body carries the result itself: say it is gone (410)
        return v2_api.operation_body(rec, accounts)

    async def result(
        self, engine: Engine, operation_id: str, timeout: float | None, accounts: v2_api.AccountTracker
    ) -> JSONResponse:
        try:
            rec = await engine.wait(operation_id, timeout)
        except ResultTimeout:
            return JSONResponse(v2_api.timeout_body(engine.get(operation_id)), status_code=408)
        not_expired(rec)
        return JSONResponse(v2_api.operation_body(rec, accounts))

    def cancelled(self, rec: OperationRecord) -> dict[str, Any]:
        return v2_api.cancelled_body()

    def queue_stats(self, stats: dict[str, Any]) -> dict[str, Any]:
        return self.ok(v2_api.queue_stats(stats), "查询成功", {})

    def recent(self, records: list[OperationRecord]) -> dict[str, Any]:
        return self.ok({"operations": [v2_api.summary(r) for r in records], "count": len(records)}, "查询成功", {})


BODIES: dict[Contract, Bodies] = {"v1": V1(), "v2": V2()}


def bodies(contract: Contract | None = None) -> Bodies:
    """The answers of `contract`, by default the request's (see `contracts.current`)."""
    return BODIES[contract or current()]


__all__ = ["BODIES", "V1", "V2", "Bodies", "ServiceFacts", "bodies"]
