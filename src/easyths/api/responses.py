"""What the core routes answer, as models the routes declare (`response_model`), for /docs and
/openapi.json.

Why a union of both envelopes: a request chooses its contract with the `X-EasyTHS-Contract` header
whatever `[api].contract` says, so one route answers the 1.x reference's envelope or the 2.x one;
the document says both (`anyOf`). Why the routes return a `JSONResponse` (`contracts.bodies`)
instead of letting FastAPI validate against these models: validation would drop the keys a model
does not name (a broker's extra health fields, a newer result) and cost every request a walk of
its body; the models describe, the answers are built in one place, and the OpenAPI fuzz test
(tests/fuzz) checks that what the service sends matches what is declared here.
"""

from __future__ import annotations

from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, create_model

T = TypeVar("T")


class _Open(BaseModel):
    """Keys not named here may be added by a newer service or a backend (documented as allowed)."""

    model_config = ConfigDict(extra="allow")


class Envelope(_Open, Generic[T]):
    """The 1.x reference's envelope."""

    success: bool = Field(description="请求是否成功")
    message: str | None = Field(description="说明（中文）")
    data: T
    timestamp: str = Field(description="服务时间，ISO 8601（北京时间）")


class V2Envelope(_Open):
    """2.x 统一响应信封（请求头 X-EasyTHS-Contract: v2，或 [api].contract = "v2"）"""

    success: bool | None = Field(description="终态业务结果；排队/执行中/结果未知为 null")
    status: Literal["queued", "running", "completed", "failed", "cancelled", "unknown"] | None = Field(
        description="操作状态；unknown 为 EasyTHS 补充：结果未观察到，待对账"
    )
    message: str
    error_code: str | None
    current_used_account: str | None
    data: Any = None
    timestamp: str = Field(description="北京时间，格式 2026-08-22 06:46:56")


class OperationResultView(_Open):
    success: bool | None
    data: dict[str, Any] | None = Field(description="业务数据（查询结果已过期时为 null）")


class OperationView(_Open):
    """An operation as /status and the queue listing show it."""

    operation_id: str
    name: str
    status: str = Field(description="queued/running/success/failed/cancelled/unknown")
    priority: int
    result: OperationResultView | None
    error: str | None
    timestamp: str
    created_at: str
    started_at: str | None
    finished_at: str | None


class SubmittedView(_Open):
    operation_id: str
    status: str
    queue_position: int
    duplicate: bool = Field(False, description="Idempotency-Key（或 client_order_id）与之前的提交相同：返回原操作")
    result: dict[str, Any] | None = Field(None, description="带 ?wait 且已结束时的结果")


class CancelledView(_Open):
    operation_id: str
    status: str


class QueueStats(_Open):
    queued_count: int
    running_count: int
    success_count: int
    failed_count: int
    cancelled_count: int
    unknown_count: int
    total_count: int
    max_size: int
    worker_busy: bool


class RecentOperations(_Open):
    operations: list[OperationView]
    count: int


class OperationsListing(_Open):
    operations: dict[str, dict[str, Any]] = Field(description="操作名 → {name, version, description, parameters, …}")
    count: int


class HealthView(_Open):
    status: str = Field(description="healthy/unhealthy")
    timestamp: str
    components: dict[str, Any] = Field(description="automator, logged_in, backend, plugins, queue, trading …")


class SystemStatusView(_Open):
    timestamp: str
    automator: dict[str, Any]
    plugins: dict[str, Any]
    queue: QueueStats


class SystemInfoView(_Open):
    name: str
    version: str
    description: str
    backend: str
    features: list[str]


def either(model: type[BaseModel]) -> Any:
    """The answer of a route in either contract: `Envelope[model] | V2Envelope`, the first named
    after its data (`QueueStatsEnvelope`) in the document."""
    envelope = create_model(f"{model.__name__.removesuffix('View')}Envelope", __base__=Envelope[model])  # type: ignore[valid-type]  # a runtime-chosen model, for FastAPI
    return envelope | V2Envelope


__all__ = [
    "CancelledView",
    "Envelope",
    "HealthView",
    "OperationView",
    "OperationsListing",
    "QueueStats",
    "RecentOperations",
    "SubmittedView",
    "SystemInfoView",
    "SystemStatusView",
    "V2Envelope",
    "either",
]
