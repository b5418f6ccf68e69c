"""HTTP views of an operation record: the reference's /status `data` and /result body.

Why here and not on the record: the engine keeps what happened; how the 1.x reference (and any
later contract) shows it to a client is the API's business, so a second contract can add its own
views without touching the engine.
"""

from __future__ import annotations

from typing import Any

from easyths.engine.records import OperationRecord, OpStatus, is_expired, now
from easyths.errors import ResultExpired

EXPIRED_MESSAGE = "操作 {id}（{name}）的查询结果已过期：查询表格只在内存中短暂保留，请重新提交查询"


def status_view(rec: OperationRecord) -> dict[str, Any]:
    """The reference's /status `data`."""
    return {
        "operation_id": rec.id,
        "name": rec.name,
        "status": rec.status.value,
        "priority": rec.priority,
        "result": None if rec.result is None else {"success": rec.result["success"], "data": rec.result["data"]},
        "error": rec.error,
        "timestamp": rec.updated_at.isoformat(),
        "created_at": rec.created_at.isoformat(),
        "started_at": rec.started_at.isoformat() if rec.started_at else None,
        "finished_at": rec.finished_at.isoformat() if rec.finished_at else None,
    }


def result_body(rec: OperationRecord) -> dict[str, Any]:
    """The reference's /result body. `data` also carries `operation_id` and the nested `result`
    that the per-operation examples of the reference show, so scripts written either way work."""
    result = rec.result or {"success": False, "data": None, "message": rec.error, "timestamp": now().isoformat()}
    data = result["data"]
    nested = {**(data or {}), "operation_id": rec.id, "result": result} if data is not None else None
    return {
        "success": result["success"],
        "data": nested,
        "message": result["message"],
        "timestamp": result["timestamp"],
        "operation_id": rec.id,
        "status": rec.status.value,
        "error_code": None if rec.status is OpStatus.SUCCESS else f"OPERATION_{rec.status.value.upper()}",
    }


def not_expired(rec: OperationRecord) -> None:
    """A query whose table memory has let go: its journal row holds the verdict only, and a
    summary in place of the table must never read as the table (nor as an empty one)."""
    if is_expired(rec):
        raise ResultExpired(EXPIRED_MESSAGE.format(id=rec.id, name=rec.name), details={"operation_id": rec.id})


__all__ = ["EXPIRED_MESSAGE", "not_expired", "result_body", "status_view"]
