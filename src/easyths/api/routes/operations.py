"""Operation routes: list, submit, status, result, cancel.

Bodies come in the reference's nested form `{"params": {...}, "priority": n}`; the flat form
`{...params, "priority": n}` of the original's 2.x clients is accepted too.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Header, Query, Request
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from starlette.routing import Match
from starlette.types import Scope

from easyths.api.contracts.bodies import bodies
from easyths.api.deps import EngineDep, RegistryDep, engine_of, reader_of, registry_of
from easyths.api.envelope import ok
from easyths.api.responses import CancelledView, OperationsListing, OperationView, SubmittedView, either
from easyths.errors import InvalidParams, NotFound

router = APIRouter(prefix="/api/v1/operations", tags=["操作"])


class _ItemRoute(APIRoute):
    """`POST /{operation_name}` (submit) and `DELETE /{operation_id}` (cancel) share one path shape.

    Why: for a method neither takes, Starlette answers 405 with the `Allow` of the first route of
    that shape (POST), which is wrong for an operation id. Here each route claims the path, for a
    method it does not take, only when the segment is what it serves: submit a registered operation
    name, cancel anything else (an id). The other route then answers the 405 with its own `Allow`.
    The methods each route takes, and what they answer, are unchanged.
    """

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        match, child = super().matches(scope)
        registry = getattr(scope["app"].state, "registry", None) if "app" in scope else None
        if match is Match.PARTIAL and registry is not None:
            segment = next(iter(child["path_params"].values()), None)
            if (segment in registry) != ("POST" in (self.methods or ())):
                return Match.NONE, {}
        return match, child


_EXAMPLE = {"params": {"stock_code": "600000", "price": 10.50, "quantity": 100}, "priority": 5}


@router.get("", include_in_schema=False)  # without the slash too: a redirect has no envelope
@router.get("/", response_model=either(OperationsListing), summary="已加载的操作及其参数")
async def list_operations(registry: RegistryDep) -> JSONResponse:
    return JSONResponse(bodies().listing(registry))


def _split_body(body: Any) -> tuple[dict[str, Any], int]:
    if body is None:
        body = {}
    if isinstance(body, bytes | str):  # not parsed: the Content-Type was not JSON (curl -d without -H)
        raise InvalidParams(
            "请求体必须是 JSON 对象，并带请求头 Content-Type: application/json",
            details=[{"field": "body", "message": "Content-Type 必须是 application/json"}],
        )
    if not isinstance(body, dict):
        raise InvalidParams("请求体必须是 JSON 对象", details=[{"field": "body", "message": "必须是 JSON 对象"}])
    body = dict(body)
    priority = body.pop("priority", 0)
    if isinstance(priority, bool) or not isinstance(priority, int) or not 0 <= priority <= 10:
        raise InvalidParams(
            "参数无效: priority: 优先级必须是0到10的整数",
            details=[{"field": "priority", "message": "必须是0到10的整数"}],
        )
    if "params" in body and (body.keys() == {"params"}):
        params = body["params"]
        if params is None:
            params = {}
        if not isinstance(params, dict):
            raise InvalidParams(
                "参数无效: params: 必须是 JSON 对象", details=[{"field": "params", "message": "必须是对象"}]
            )
        return params, priority
    return body, priority


async def submit_operation(
    operation_name: str,
    request: Request,
    body: Annotated[Any, Body(openapi_examples={"买入": {"value": _EXAMPLE}})] = None,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key", max_length=128)] = None,
    wait: Annotated[
        float | None,
        Query(ge=0, le=300, description="可选：最多等待这么多秒，结束时在 data.result 中一并返回结果"),
    ] = None,
) -> JSONResponse:
    engine, registry = engine_of(request), registry_of(request)
    registry.get(operation_name)  # 404 before looking at the body
    params, priority = _split_body(body)
    submitted = engine.submit(operation_name, params, priority, idempotency_key)
    return JSONResponse(await bodies().submitted(engine, submitted, wait))


router.add_api_route(
    "/{operation_name}",
    submit_operation,
    methods=["POST"],
    response_model=either(SubmittedView),
    route_class_override=_ItemRoute,
    summary="提交一个操作（任意操作名，含第三方插件）",
)


@router.post("/{operation_name}/check", summary="只检查参数、不提交（看板在确认前调用）")
async def check_operation(
    operation_name: str,
    request: Request,
    body: Annotated[Any, Body(openapi_examples={"买入": {"value": _EXAMPLE}})] = None,
) -> dict[str, Any]:
    """The operation's own parameter checks (lot, tick, code, ranges) without queueing anything,
    so a form can show "数量必须是100的整数倍" before the user confirms an order it would refuse.
    Risk rules are not run: some of them count what is submitted."""
    registry = registry_of(request)
    registry.get(operation_name)  # 404 before looking at the body
    params, _ = _split_body(body)
    model = registry.validate(operation_name, params)
    return ok(
        {"operation": operation_name, "params": model.model_dump(mode="json", exclude_none=True)}, "参数有效（未提交）"
    )


@router.get("/{operation_id}/status", response_model=either(OperationView), summary="操作状态（立即返回）")
async def operation_status(operation_id: str, request: Request) -> JSONResponse:
    rec = reader_of(request).get(operation_id)
    if rec is None:
        raise NotFound(f"操作 {operation_id} 不存在")
    return JSONResponse(bodies().status(rec, request.app.state.accounts))


@router.get("/{operation_id}/result", summary="等待并返回操作结果（?timeout=秒，超时 408）")
async def operation_result(
    operation_id: str,
    request: Request,
    timeout: Annotated[float | None, Query(gt=0, le=86400, description="最长等待秒数，不传则一直等待")] = None,
) -> Any:
    return await bodies().result(engine_of(request), operation_id, timeout, request.app.state.accounts)


async def cancel_operation(operation_id: str, engine: EngineDep) -> JSONResponse:
    return JSONResponse(bodies().cancelled(engine.cancel(operation_id)))


router.add_api_route(
    "/{operation_id}",
    cancel_operation,
    methods=["DELETE"],
    response_model=either(CancelledView),
    route_class_override=_ItemRoute,
    summary="取消排队中的操作（执行中或已结束为 409）",
)
