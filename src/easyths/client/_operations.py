"""The SDK's generic methods: submit, wait for and cancel any operation by name, the queue and the
service's own state; and the one way every verb-noun method runs its operation (`_op`), with its
parameters built from the operation's model (`easyths.params`)."""

from __future__ import annotations

from typing import Any

from easyths.client import _plan as p
from easyths.client import models as m
from easyths.client._base import (
    DEFAULT,
    Config,
    sent,
)
from easyths.client._bridge import endpoint
from easyths.params import (
    Params,
)


class OperationsApi:
    """Any operation by name (plugins included), its status and result, the queue and the service."""

    _cfg: Config

    @property
    def base_url(self) -> str:
        return self._cfg.base_url

    def _get(self, path: str, params: dict[str, Any] | None = None) -> p.Plan[Any]:
        return p.data(p.Request("GET", path, params), retries=self._cfg.retries)

    def _op(
        self,
        name: str,
        params: Params | dict[str, Any],
        *,
        key: str | None = None,
        priority: int = 0,
        timeout: Any = DEFAULT,
    ) -> p.Plan[m.OperationResult]:
        return p.run(
            name,
            sent(params),
            priority=priority,
            idempotency_key=key,
            timeout=self._cfg.op_timeout(timeout),
            retries=self._cfg.retries,
        )

    @endpoint
    def submit(
        self,
        name: str,
        params: dict[str, Any] | None = None,
        *,
        priority: int = 0,
        idempotency_key: str | None = None,
        wait: float | None = None,
    ) -> p.Plan[m.Submitted]:
        """Queue an operation; with `wait` the answer may already carry the result."""
        return p.submit(
            name, params, priority=priority, idempotency_key=idempotency_key, wait=wait, retries=self._cfg.retries
        )

    @endpoint
    def status(self, operation_id: str) -> p.Plan[m.OperationInfo]:
        """Never waits."""
        return m.OperationInfo.model_validate((yield from self._get(f"/api/v1/operations/{operation_id}/status")))

    @endpoint
    def result(self, operation_id: str, timeout: float | None = None) -> p.Plan[m.OperationResult]:
        """Wait for the verdict (None: no limit); `OperationTimeout` when `timeout` runs out."""
        return p.result(operation_id, timeout, retries=self._cfg.retries)

    @endpoint
    def run(
        self,
        name: str,
        params: dict[str, Any] | None = None,
        *,
        priority: int = 0,
        idempotency_key: str | None = None,
        timeout: Any = DEFAULT,
    ) -> p.Plan[m.OperationResult]:
        """Submit and wait; `OperationFailed` unless it succeeded. For plugins the SDK has no method for."""
        return self._op(name, params or {}, key=idempotency_key, priority=priority, timeout=timeout)

    @endpoint
    def cancel_operation(self, operation_id: str) -> p.Plan[m.OperationInfo]:
        """Remove a queued operation (409 `ApiError` once it runs)."""
        data = yield from p.data(p.Request("DELETE", f"/api/v1/operations/{operation_id}"))
        return m.OperationInfo.model_validate(data)

    @endpoint
    def list_operations(self) -> p.Plan[dict[str, Any]]:
        operations: dict[str, Any] = (yield from self._get("/api/v1/operations/"))["operations"]
        return operations

    @endpoint
    def queue_stats(self) -> p.Plan[m.QueueStats]:
        return m.QueueStats.model_validate((yield from self._get("/api/v1/queue/stats")))

    @endpoint
    def recent_operations(self, status: str | None = None, limit: int = 50) -> p.Plan[list[m.OperationInfo]]:
        query: dict[str, Any] = {"limit": limit, **({"status": status} if status else {})}
        data = yield from self._get("/api/v1/queue/operations", query)
        return [m.OperationInfo.model_validate(o) for o in data["operations"]]

    @endpoint
    def health(self) -> p.Plan[m.Health]:
        body = yield from p.call(p.Request("GET", "/api/v1/system/health"), retries=self._cfg.retries)
        return m.Health.model_validate({**body["data"], "message": body.get("message")})

    @endpoint
    def system_status(self) -> p.Plan[dict[str, Any]]:
        return self._get("/api/v1/system/status")

    @endpoint
    def info(self) -> p.Plan[dict[str, Any]]:
        return self._get("/api/v1/system/info")


__all__ = ["OperationsApi"]
