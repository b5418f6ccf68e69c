"""Operation records, their statuses and the one transition table.

Why a table and one `apply()`: before, five places wrote an operation's status by hand; now every
change goes through `apply()`, which refuses a move the table does not allow (a cancelled
operation that "succeeds", a finished one that runs again) with `IllegalTransition`, at the spot.
Records are frozen: a transition returns a new record, so a record handed to a listener or a
waiting request never changes under it.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from easyths.brokers.base import Ack, Evidence
from easyths.domain.commands import OrderCommand
from easyths.domain.money import json_number
from easyths.errors import IllegalTransition

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
        return self in _FINISHED


_FINISHED = frozenset({OpStatus.SUCCESS, OpStatus.FAILED, OpStatus.CANCELLED, OpStatus.UNKNOWN})

TRANSITIONS: dict[OpStatus, frozenset[OpStatus]] = {
    # failed straight from queued: a restart with on_restart=fail, or params no longer valid
    OpStatus.QUEUED: frozenset({OpStatus.RUNNING, OpStatus.CANCELLED, OpStatus.FAILED}),
    OpStatus.RUNNING: frozenset({OpStatus.SUCCESS, OpStatus.FAILED, OpStatus.UNKNOWN}),
    # reconciliation against the day's orders settles an unknown outcome, once
    OpStatus.UNKNOWN: frozenset({OpStatus.SUCCESS, OpStatus.FAILED}),
    OpStatus.SUCCESS: frozenset(),
    OpStatus.FAILED: frozenset(),
    OpStatus.CANCELLED: frozenset(),
}


def now() -> datetime:
    return datetime.now(SHANGHAI)


def jsonable(value: Any) -> Any:
    """Decimals become JSON numbers only here, at the edge (money stays Decimal inside)."""
    if isinstance(value, Decimal):
        return json_number(value)
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


@dataclass(frozen=True, slots=True)
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
    command: OrderCommand | None = None  # what it asked of the broker (orders, cancels, conditions)
    evidence: Evidence | None = None  # what the broker saw of an `unknown` outcome, for reconciliation
    report: Ack | None = None  # what the broker answered (or reconciliation found), typed


EXPIRED = "expired"  # key of a query's journalled result whose table stayed in memory only


def journalled(rec: OperationRecord) -> OperationRecord:
    """What the journal keeps of a finished query: its verdict (success, message, error code, how
    many rows), not its table. A strategy polling its orders every second wrote each day's order
    table to disk thousands of times (about 8 MB per 1,000 operations in the soak); the full
    result stays in the engine's memory for the clients that fetch it at once."""
    result = rec.result
    if result is None or result.get(EXPIRED):
        return rec
    data = result.get("data")
    rows = sum(len(v) for v in data.values() if isinstance(v, list)) if isinstance(data, dict) else 0
    message = data.get("message") if isinstance(data, dict) else None
    kept: dict[str, Any] = {k: result[k] for k in ("success", "message", "timestamp", "error_code") if k in result}
    return replace(rec, result={**kept, "data": {"message": message, "rows": rows}, EXPIRED: True})


def is_expired(rec: OperationRecord) -> bool:
    return rec.result is not None and bool(rec.result.get(EXPIRED))


def apply(
    rec: OperationRecord,
    to: OpStatus,
    *,
    data: dict[str, Any] | None = None,
    message: str | None = None,
    evidence: Evidence | None = None,
    report: Ack | None = None,
    error_code: str | None = None,
) -> OperationRecord:
    """The record after the move `rec.status → to`; `IllegalTransition` if the table forbids it.

    A finished status carries the stored result `{success, data, message, timestamp}`; `data` is
    made JSON-safe here, once, so every reader (HTTP, listeners, the journal) sees the same thing.
    A failure also keeps the `error_code` of what caused it (BROKER_REJECTED, BROKER_UNAVAILABLE …)
    when known, so a contract can say why without parsing the message.
    """
    if to not in TRANSITIONS[rec.status]:
        raise IllegalTransition(f"操作 {rec.id} 不能从 {rec.status.value} 变为 {to.value}")
    stamp = now()
    if to is OpStatus.RUNNING:
        return dataclasses.replace(rec, status=to, started_at=stamp, updated_at=stamp)
    if to is OpStatus.CANCELLED:
        return dataclasses.replace(rec, status=to, error=message, finished_at=stamp, updated_at=stamp)
    success = to is OpStatus.SUCCESS
    result: dict[str, Any] = {
        "success": success,
        "data": None if data is None else jsonable({**data, "success": success}),
        "message": message,
        "timestamp": stamp.isoformat(),
    }
    if error_code is not None and not success:
        result["error_code"] = error_code
    return dataclasses.replace(
        rec,
        status=to,
        result=result,
        error=None if success else message,
        finished_at=stamp,
        updated_at=stamp,
        evidence=evidence if evidence is not None else rec.evidence,
        report=report if report is not None else rec.report,
    )


__all__ = ["SHANGHAI", "TRANSITIONS", "OpStatus", "OperationRecord", "apply", "dumps", "jsonable", "now"]
