"""Operation records and their statuses."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


class OpStatus(StrEnum):
    QUEUED = "queued"  # journalled, waiting for the worker
    RUNNING = "running"  # the worker is executing it against the broker
    SUCCESS = "success"  # finished; the broker confirmed (an order has its 合同编号)
    FAILED = "failed"  # finished; rejected, invalid at run time, or timed out (nothing placed)
    CANCELLED = "cancelled"  # removed from the queue before it ran
    UNKNOWN = "unknown"  # outcome not observed (process died, no verdict); reconciled, never re-run

    @property
    def finished(self) -> bool:
        return self in (OpStatus.SUCCESS, OpStatus.FAILED, OpStatus.CANCELLED, OpStatus.UNKNOWN)


def now() -> datetime:
    return datetime.now(SHANGHAI)


def jsonable(value: Any) -> Any:
    """Decimals become JSON numbers only here, at the edge (money stays Decimal inside)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() and value.as_tuple().exponent >= 0 else float(value)
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, StrEnum):
        return value.value
    return value


def dumps(value: Any) -> str:
    return json.dumps(jsonable(value), ensure_ascii=False, separators=(",", ":"))


@dataclass(slots=True)
class OperationRecord:
    id: str
    name: str
    params: dict[str, Any]
    priority: int
    seq: int = 0  # FIFO order within a priority; assigned by the journal
    status: OpStatus = OpStatus.QUEUED
    result: dict[str, Any] | None = None  # {success, data, message, timestamp}
    error: str | None = None
    created_at: datetime = field(default_factory=now)
    updated_at: datetime = field(default_factory=now)
    started_at: datetime | None = None
    finished_at: datetime | None = None
    idempotency_key: str | None = None
    body_hash: str | None = None
    hint: dict[str, Any] | None = None  # what reconciliation of an `unknown` outcome needs

    def status_view(self) -> dict[str, Any]:
        """The reference's /status `data`."""
        return {
            "operation_id": self.id,
            "name": self.name,
            "status": self.status.value,
            "priority": self.priority,
            "result": None if self.result is None else {"success": self.result["success"], "data": self.result["data"]},
            "error": self.error,
            "timestamp": self.updated_at.isoformat(),
            "created_at": self.created_at.isoformat(),
            "started_at": self.started_at.isoformat() if self.started_at else None,
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
        }
