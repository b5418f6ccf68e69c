"""What every SDK call does, written once for both clients (sans-I/O).

Why generators: `Client` and `AsyncClient` must behave identically (same retries, same waiting,
same errors). Each call here is a generator that yields `Request`s (and `Sleep`s) and receives
`Reply`s; `Client` drives it with blocking httpx, `AsyncClient` with awaits. The logic exists once
and the two clients only differ in how they move bytes.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar

from pydantic import BaseModel

from easyths.client import models as m
from easyths.domain.money import json_number
from easyths.errors import ApiError, OperationFailed, OperationTimeout, ServiceUnreachable

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)

FINISHED = frozenset({"success", "failed", "cancelled", "unknown"})
SUBMIT_WAIT = 30.0  # ?wait on submit: most operations finish within it, saving the /result round trip
RESULT_CHUNK = 60.0  # one /result long-poll; shorter than the idle limit of most proxies
RETRY_DELAYS = (0.2, 0.5, 1.0, 2.0)


@dataclass(frozen=True, slots=True)
class Request:
    method: str
    path: str
    params: dict[str, Any] | None = None
    json: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    wait: float | None = None  # seconds the server may hold the answer: added to the read timeout


@dataclass(frozen=True, slots=True)
class Sleep:
    seconds: float


@dataclass(frozen=True, slots=True)
class Reply:
    status_code: int
    body: Any


Plan = Generator[Request | Sleep, Reply | None, T]
Outcome = Reply | ServiceUnreachable | None  # what a runner hands back for a step


def advance(plan: Plan[Any], outcome: Outcome) -> Request | Sleep:
    """Give a plan the outcome of its last step and get the next one (`StopIteration` carries its value).

    Why here: a transport error is thrown into the plan, where `call` decides whether a retry is
    safe; both runners then stay a plain loop around their own I/O.
    """
    if isinstance(outcome, ServiceUnreachable):
        return plan.throw(outcome)
    return plan.send(outcome)


def jsonable(value: Any) -> Any:
    """Decimals leave as JSON numbers; float's repr round-trips, so Decimal('10.13') arrives as 10.13."""
    if isinstance(value, Decimal):
        return json_number(value)
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


def check(reply: Reply) -> dict[str, Any]:
    """The envelope of a successful answer, or the error envelope raised as `ApiError`."""
    body = reply.body
    if not isinstance(body, dict):
        raise ApiError(f"服务返回了非 JSON 应答（HTTP {reply.status_code}）", http_status=reply.status_code)
    if reply.status_code >= 400 or body.get("success") is False:
        raise ApiError(
            str(body.get("message") or body.get("detail") or f"HTTP {reply.status_code}"),
            error_code=str(body.get("error_code") or f"HTTP_{reply.status_code}"),
            http_status=reply.status_code,
            details=body.get("details"),
            envelope=body,
        )
    return body


def call(
    request: Request, *, retries: int = 0, accept: Callable[[Reply], dict[str, Any]] = check
) -> Plan[dict[str, Any]]:
    """One request; on a transport error, retried `retries` times (only where that is safe).

    `accept` turns the reply into the body or raises: `check` unless the caller reads an answer
    that `check` would take for an error.
    """
    for attempt in range(retries + 1):
        try:
            reply = yield request
        except ServiceUnreachable:
            if attempt >= retries:
                raise
            yield Sleep(RETRY_DELAYS[min(attempt, len(RETRY_DELAYS) - 1)])
            continue
        assert reply is not None
        return accept(reply)
    raise AssertionError("unreachable")  # pragma: no cover


def data(request: Request, *, retries: int = 0) -> Plan[Any]:
    return (yield from call(request, retries=retries))["data"]


# --- operations --------------------------------------------------------------------------------------


def submit(
    name: str,
    params: dict[str, Any] | None,
    *,
    priority: int = 0,
    idempotency_key: str | None = None,
    wait: float | None = None,
    retries: int = 0,
) -> Plan[m.Submitted]:
    """POST the nested body; with a key a retry after a network error returns the original."""
    headers = {"Idempotency-Key": idempotency_key} if idempotency_key else {}
    query = {"wait": wait} if wait is not None else None
    body = {"params": jsonable(params or {}), "priority": priority}
    request = Request("POST", f"/api/v1/operations/{name}", query, body, headers, wait)
    got = (yield from call(request, retries=retries if idempotency_key else 0))["data"]
    return m.Submitted.model_validate(got)


def result(operation_id: str, timeout: float | None, *, retries: int = 0) -> Plan[m.OperationResult]:
    """Long-poll /result in chunks until the verdict or `timeout` (None: no limit)."""
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        left = RESULT_CHUNK if deadline is None else min(RESULT_CHUNK, deadline - time.monotonic())
        request = Request(
            "GET", f"/api/v1/operations/{operation_id}/result", {"timeout": max(left, 0.001)}, wait=max(left, 0)
        )
        try:
            reply = yield from call(request, retries=retries, accept=_settled)
        except ApiError as exc:
            if exc.http_status == 408 and (deadline is None or time.monotonic() < deadline):
                continue
            if exc.http_status == 408:
                status = str(exc.envelope.get("status") or (exc.details or {}).get("status") or "queued")
                raise OperationTimeout(
                    f"等待操作结果超时（{timeout} 秒），操作 {operation_id} 当前状态: {status}",
                    operation_id=operation_id,
                    status=status,
                    envelope=exc.envelope,
                ) from None
            raise
        return _verdict(reply)


def _settled(reply: Reply) -> dict[str, Any]:
    """Like `check`, but a finished-not-successful /result (HTTP 200, success false) is no error."""
    if reply.status_code < 400 and isinstance(reply.body, dict) and "status" in reply.body:
        return reply.body
    return check(reply)


def _verdict(body: dict[str, Any]) -> m.OperationResult:
    nested = body.get("data")
    if isinstance(nested, dict) and isinstance(nested.get("result"), dict):
        nested = nested["result"].get("data")
    return m.OperationResult(
        operation_id=body["operation_id"],
        status=body["status"],
        success=bool(body.get("success")),
        message=body.get("message"),
        data=nested,
        error_code=body.get("error_code"),
        timestamp=body.get("timestamp"),
    )


def run(
    name: str,
    params: dict[str, Any] | None,
    *,
    priority: int = 0,
    idempotency_key: str | None = None,
    timeout: float | None,
    retries: int = 0,
) -> Plan[m.OperationResult]:
    """Submit, wait for the verdict, raise `OperationFailed` unless it succeeded."""
    wait = SUBMIT_WAIT if timeout is None else min(SUBMIT_WAIT, timeout)
    started = time.monotonic()
    sub = yield from submit(
        name, params, priority=priority, idempotency_key=idempotency_key, wait=wait, retries=retries
    )
    if sub.status in FINISHED and sub.result is not None:
        verdict = m.OperationResult(
            operation_id=sub.operation_id,
            status=sub.status,
            success=bool(sub.result.get("success")),
            message=sub.result.get("message"),
            data=sub.result.get("data"),
            error_code=sub.result.get("error_code"),  # the cause (BROKER_REJECTED …) where known
            timestamp=sub.result.get("timestamp"),
        )
    else:
        left = None if timeout is None else max(timeout - (time.monotonic() - started), 0.001)
        verdict = yield from result(sub.operation_id, left, retries=retries)
    if not verdict.ok:
        raise OperationFailed(
            verdict.message or f"操作未成功（{verdict.status}）",
            operation_id=verdict.operation_id,
            status=verdict.status,
            error_code=verdict.error_code or f"OPERATION_{verdict.status.upper()}",
            details={"client_order_id": idempotency_key} if idempotency_key else None,
        )
    return verdict


def new_client_order_id() -> str:
    return uuid.uuid4().hex


# --- typed results of the built-in operations ---------------------------------------------------------


def order(verdict: m.OperationResult, key: str | None, side: str) -> m.Order:
    return m.Order.model_validate(
        {**(verdict.data or {}), "operation_id": verdict.operation_id, "client_order_id": key, "side": side}
    )


def condition_ack(verdict: m.OperationResult, key: str | None) -> m.ConditionOrderAck:
    return m.ConditionOrderAck.model_validate(
        {**(verdict.data or {}), "operation_id": verdict.operation_id, "client_order_id": key}
    )


def repo_loan(verdict: m.OperationResult, key: str | None) -> m.RepoLoan:
    return m.RepoLoan.model_validate(
        {**(verdict.data or {}), "operation_id": verdict.operation_id, "client_order_id": key}
    )


def rows(verdict: m.OperationResult, key: str, model: type[M]) -> list[M]:
    return [model.model_validate(r) for r in (verdict.data or {}).get(key) or []]


def with_id(verdict: m.OperationResult, model: type[M]) -> M:
    return model.model_validate({**(verdict.data or {}), "operation_id": verdict.operation_id})


__all__ = ["Outcome", "Plan", "Reply", "Request", "Sleep", "advance"]
