"""The 2.x envelope, error codes and operation semantics, built from our records.

2.x answers every route with one envelope::

    {success: bool|null, status: queued|running|completed|failed|cancelled|null, message: str,
     error_code: str|null, current_used_account: str|null, data: Any,
     timestamp: "2026-08-22 06:46:56"}        # Beijing time, seconds

`success` is null until an operation is final. Our verdicts are mapped onto these fields, never
softened: an order is `completed`/`success: true` only when the broker gave its 合同编号 (that is
what our `success` status means), and an operation whose outcome was not observed keeps the
status ``unknown`` with ``success: null`` and ``error_code: "timeout"`` (2.x's code for "it may
have run, do not resubmit"); reconciliation later turns it into completed or failed.
"""

from __future__ import annotations

from collections import OrderedDict
from datetime import datetime
from threading import Lock
from typing import Any
from zoneinfo import ZoneInfo

from easyths.api.contracts.v2 import RESULTS, current_account_of, result_schema, to_v2_data
from easyths.engine.records import OperationRecord, OpStatus, jsonable

BEIJING = ZoneInfo("Asia/Shanghai")
TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S"

# The 2.x error vocabulary (models/operations.py ErrorCode of 2.0.7).
ERROR_CODES = (
    "invalid_params",
    "not_connected",
    "client_rejected",
    "ui_error",
    "cancelled",
    "timeout",
    "not_found",
    "internal",
    "unauthorized",
    "forbidden",
    "rate_limited",
)

# Our error codes → 2.x codes. Codes not listed fall back by HTTP status (`HTTP_FALLBACK`).
ERROR_MAP: dict[str, str] = {
    "INVALID_PARAMS": "invalid_params",
    "INVALID_JSON": "invalid_params",
    "BAD_REQUEST": "invalid_params",
    "PAYLOAD_TOO_LARGE": "invalid_params",
    "NOT_FOUND": "not_found",
    "METHOD_NOT_ALLOWED": "not_found",
    "CONFLICT": "not_found",  # 2.x: "操作不存在或已开始执行，无法取消" is a 404 not_found
    "UNAUTHORIZED": "unauthorized",
    "FORBIDDEN": "forbidden",
    "IP_FORBIDDEN": "forbidden",
    "HOST_FORBIDDEN": "forbidden",
    "CROSS_SITE_FORBIDDEN": "forbidden",
    "RATE_LIMITED": "rate_limited",
    "RESULT_TIMEOUT": "timeout",
    "QUEUE_FULL": "internal",
    "BROKER_REJECTED": "client_rejected",
    "BROKER_UNAVAILABLE": "not_connected",
    "OUTCOME_UNKNOWN": "timeout",
    "WATCHDOG_TIMEOUT": "timeout",  # 2.x: the watchdog's "操作执行超时" is a timeout
    "INTERNAL": "internal",
    "SEAM_ERROR": "ui_error",  # the GUI driver could not find or read a control
    "WINDOW_GONE": "ui_error",
    "CONTROL_NOT_FOUND": "ui_error",
    "GRID_UNAVAILABLE": "ui_error",
    "JOURNAL_UNAVAILABLE": "internal",
    "RISK_LIMIT": "client_rejected",  # refused before it reached the client: still a refused order
    "TRADING_PAUSED": "client_rejected",
    "CONFIG_ERROR": "internal",
}
HTTP_FALLBACK: dict[int, str] = {
    400: "invalid_params",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "not_found",
    408: "timeout",
    409: "not_found",
    413: "invalid_params",
    422: "invalid_params",
    429: "rate_limited",
    503: "internal",
}
# 2.x answers a cancel that cannot happen with 404, whatever the reason.
HTTP_STATUS: dict[str, int] = {"CONFLICT": 404}

STATUS_MAP: dict[OpStatus, str] = {
    OpStatus.QUEUED: "queued",
    OpStatus.RUNNING: "running",
    OpStatus.SUCCESS: "completed",
    OpStatus.FAILED: "failed",
    OpStatus.CANCELLED: "cancelled",
    OpStatus.UNKNOWN: "unknown",  # EasyTHS addition: outcome not observed, awaiting reconciliation
}


def error_code(ours: str | None, http_status: int = 500) -> str:
    if ours is not None and ours.lower() in ERROR_CODES:
        return ours.lower()
    if ours is not None and ours in ERROR_MAP:
        return ERROR_MAP[ours]
    return HTTP_FALLBACK.get(http_status, "internal")


def http_status(ours: str | None, status: int) -> int:
    return HTTP_STATUS.get(ours or "", status)


def timestamp(value: datetime | str | None = None) -> str:
    if value is None:
        value = datetime.now(BEIJING)
    elif isinstance(value, str):
        text = value
        try:
            value = datetime.fromisoformat(text)
        except ValueError:
            return text
    if value.tzinfo is None:
        value = value.replace(tzinfo=BEIJING)
    return value.astimezone(BEIJING).strftime(TIMESTAMP_FORMAT)


def envelope(
    *,
    success: bool | None = None,
    status: str | None = None,
    message: str | None = "",
    error_code: str | None = None,
    current_used_account: str | None = None,
    data: Any = None,
    at: datetime | str | None = None,
) -> dict[str, Any]:
    return {
        "success": success,
        "status": status,
        "message": message or "",
        "error_code": error_code,
        "current_used_account": current_used_account,
        "data": jsonable(data),
        "timestamp": timestamp(at),
    }


# ---- the account each operation ran on ----------------------------------------------------------


class AccountTracker:
    """Remembers the account confirmed current, and which account each finished operation used.

    Why: 2.x puts the account an operation ran on in every result (`current_used_account`, null
    until confirmed). The engine's listener feeds this as operations finish; an account is
    confirmed by account_query/account_switch results or by an operation that ran with
    `account_name` (the engine switches first). Nothing here calls the broker.

    An operation's account is taken when it starts running, not when its finish is observed: the
    engine makes a finish visible (and wakes `/result` waiters) before it calls its listeners, so
    a result read in between would otherwise find no account for it. The `running` transition's
    listeners run on the worker thread before the broker is touched, and after every earlier
    operation's finish was observed, so the account current then is the one it ran on.
    """

    def __init__(self, capacity: int = 10_000) -> None:
        self._lock = Lock()
        self.current: str | None = None
        self._by_op: OrderedDict[str, str | None] = OrderedDict()
        self._capacity = capacity

    def observe(self, rec: OperationRecord) -> None:
        if rec.status is OpStatus.RUNNING:
            with self._lock:
                self._remember(rec.id, self.current)
            return
        if not rec.status.finished:
            return
        with self._lock:
            data = rec.result.get("data") if rec.result else None
            confirmed = current_account_of(rec.name, data) if rec.status is OpStatus.SUCCESS else None
            asked = rec.params.get("account_name") if isinstance(rec.params, dict) else None
            if confirmed:
                self.current = confirmed
            elif asked and rec.status is OpStatus.SUCCESS:
                self.current = asked
            self._remember(rec.id, self.current)

    def _remember(self, op_id: str, account: str | None) -> None:
        self._by_op[op_id] = account
        self._by_op.move_to_end(op_id)
        while len(self._by_op) > self._capacity:
            self._by_op.popitem(last=False)

    def __call__(self, rec: OperationRecord) -> None:
        self.observe(rec)

    def account_for(self, rec: OperationRecord) -> str | None:
        data = rec.result.get("data") if rec.result else None
        confirmed = current_account_of(rec.name, data)
        if confirmed:
            return confirmed
        asked = rec.params.get("account_name") if isinstance(rec.params, dict) else None
        if isinstance(asked, str) and asked and rec.status is OpStatus.SUCCESS:
            return asked  # the engine switched to it before running the operation
        with self._lock:
            if rec.id in self._by_op:
                return self._by_op[rec.id]
            return self.current if not rec.status.finished else None


# ---- operation bodies ---------------------------------------------------------------------------


def failure_code(rec: OperationRecord) -> str | None:
    if rec.status is OpStatus.SUCCESS or not rec.status.finished:
        return None
    if rec.status is OpStatus.CANCELLED:
        return "cancelled"
    if rec.status is OpStatus.UNKNOWN:
        return "timeout"
    ours = rec.result.get("error_code") if rec.result else None
    return error_code(ours) if ours else "internal"


def success_of(rec: OperationRecord) -> bool | None:
    if rec.status is OpStatus.SUCCESS:
        return True
    if rec.status in (OpStatus.FAILED, OpStatus.CANCELLED):
        return False
    return None  # queued, running, unknown: not (yet) known


def operation_body(rec: OperationRecord, accounts: AccountTracker | None = None) -> dict[str, Any]:
    """The 2.x /status and /result body of an operation, final or not."""
    result = rec.result or {}
    data = result.get("data")
    if data is not None:
        data = to_v2_data(rec.name, {k: v for k, v in data.items() if k not in ("message", "success")})
    if rec.status is OpStatus.SUCCESS:
        message = result.get("message") or "操作成功"
    elif rec.status.finished:
        message = rec.error or result.get("message") or ""
        if rec.status is OpStatus.UNKNOWN:
            message = f"{message}（结果未知：可能已提交，请以当日委托为准，勿直接重复提交）"
    else:
        message = ""
    return envelope(
        success=success_of(rec),
        status=STATUS_MAP[rec.status],
        message=message,
        error_code=failure_code(rec),
        current_used_account=accounts.account_for(rec) if accounts else None,
        data=data if rec.status.finished else None,
        at=result.get("timestamp") or rec.updated_at,
    )


def summary(rec: OperationRecord) -> dict[str, Any]:
    """One line of the journal listing (an EasyTHS route) in 2.x terms: statuses and codes as 2.x
    names them, times in its format; the result data itself is behind /result."""
    return {
        "operation_id": rec.id,
        "name": rec.name,
        "status": STATUS_MAP[rec.status],
        "success": success_of(rec),
        "error_code": failure_code(rec),
        "message": (rec.result or {}).get("message") if rec.status is OpStatus.SUCCESS else rec.error,
        "priority": rec.priority,
        "created_at": timestamp(rec.created_at),
        "finished_at": timestamp(rec.finished_at) if rec.finished_at else None,
    }


def submitted_body(rec: OperationRecord, queue_position: int, duplicate: bool) -> dict[str, Any]:
    data: dict[str, Any] = {"operation_id": rec.id, "queue_position": queue_position}
    if duplicate:
        data["duplicate"] = True  # EasyTHS addition: an Idempotency-Key matched an earlier submit
    return envelope(
        status=STATUS_MAP[rec.status],
        message="重复提交，返回原操作" if duplicate else "操作已添加到队列",
        data=data,
    )


def timeout_body(rec: OperationRecord) -> dict[str, Any]:
    text = "排队" if rec.status is OpStatus.QUEUED else "执行"
    return envelope(status=STATUS_MAP[rec.status], message=f"等待超时，操作仍在{text}中", error_code="timeout")


def cancelled_body() -> dict[str, Any]:
    return envelope(success=True, status="cancelled", message="操作已取消")


def listing(describe: dict[str, Any], params_schemas: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """2.x /operations/ data: name, description, JSON-schema parameters and result_schema."""
    operations = {
        name: {
            "name": name,
            "description": entry.get("description", ""),
            "parameters": params_schemas.get(name, {}),
            "result_schema": result_schema(name),
            "supports_account_directive": name not in ("account_query", "account_switch"),
        }
        for name, entry in describe.items()
    }
    return {"operations": operations, "count": len(operations)}


def queue_stats(ours: dict[str, Any]) -> dict[str, Any]:
    """2.x queue stats keys, computed from ours (ours are kept beside them)."""
    success = int(ours.get("success_count", 0))
    failed = int(ours.get("failed_count", 0))
    cancelled = int(ours.get("cancelled_count", 0))
    unknown = int(ours.get("unknown_count", 0))
    queued = int(ours.get("queued_count", 0))
    running = int(ours.get("running_count", 0))
    return {
        **ours,
        "total_processed": success + failed + cancelled + unknown,
        "total_failed": failed,
        "total_success": success,
        "total_timeouts": unknown,
        "queue_size": queued,
        "processing": True,
        "running_count": running,
        "completed_count": success + failed + cancelled + unknown,
        "queued_count": queued,
    }


__all__ = [
    "ERROR_CODES",
    "ERROR_MAP",
    "RESULTS",
    "STATUS_MAP",
    "AccountTracker",
    "cancelled_body",
    "envelope",
    "error_code",
    "listing",
    "operation_body",
    "queue_stats",
    "submitted_body",
    "summary",
    "timeout_body",
    "timestamp",
]
