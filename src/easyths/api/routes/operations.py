"""Operation routes: list, submit, status, result, cancel.

Bodies come in the reference's nested form `{"params": {...}, "priority": n}`; the flat form
`{...params, "priority": n}` of the original's 2.x clients is accepted too.

Why a router built per app (`build_router`): each loaded operation (built-ins and the app's
plugins) gets its own declared submit route, with its body and its answer in the document, and
/result declares the answer of the app's `[api].contract`. Every submit route runs the same
handler and the same validation (the registry's), so what a request gets does not depend on
which of them served it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from enum import Enum
from typing import Annotated, Any

from fastapi import APIRouter, Body, Header, Path, Query, Request
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from starlette.routing import Match
from starlette.types import Scope

from easyths.api.contracts import Contract
from easyths.api.contracts import openapi as results
from easyths.api.contracts.bodies import bodies
from easyths.api.deps import EngineDep, RegistryDep, engine_of, reader_of, registry_of
from easyths.api.envelope import ok
from easyths.api.openapi_ops import examples, request_body, submitted_answer
from easyths.api.responses import CancelledView, OperationsListing, OperationView, SubmittedView, either
from easyths.errors import InvalidParams, NotFound
from easyths.operations.registry import Registry


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
_TAGS: list[str | Enum] = ["操作"]
_TYPED_TAGS: list[str | Enum] = ["操作（按名称，含参数模型）"]
IdempotencyKey = Annotated[
    str | None,
    Header(alias="Idempotency-Key", max_length=128, description="幂等键：相同键的重复提交返回原操作；内容不同则 422"),
]
Wait = Annotated[
    float | None, Query(ge=0, le=300, description="可选：最多等待这么多秒，结束时在 data.result 中一并返回结果")
]
Submit = Callable[..., Awaitable[JSONResponse]]
_SUBMIT_ANSWERS: dict[int | str, dict[str, Any]] = {
    404: {"description": "操作不存在"},
    422: {"description": "参数无效，details 中 field 指明字段"},
    503: {"description": "队列已满、日志库不可写、服务正在停止或交易已暂停（TRADING_PAUSED）"},
    403: {"description": "风控拒绝（RISK_LIMIT，details.rule 指明规则）或地址不被允许"},
}


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


async def _submit(
    operation_name: str, request: Request, body: Any, idempotency_key: str | None, wait: float | None
) -> JSONResponse:
    engine, registry = engine_of(request), registry_of(request)
    registry.get(operation_name)  # 404 before looking at the body
    params, priority = _split_body(body)
    submitted = engine.submit(operation_name, params, priority, idempotency_key)
    return JSONResponse(await bodies().submitted(engine, submitted, wait))


def _declared(handler: Submit, **annotations: Any) -> Submit:
    """`handler` with run-time annotations (a model or an enum chosen per app), which FastAPI reads
    from `__annotations__` like any other."""
    handler.__annotations__ = {**handler.__annotations__, **annotations}
    return handler


def _generic_submit(names: list[str]) -> Submit:
    async def submit_operation(
        operation_name: str,
        request: Request,
        body: Annotated[Any, Body(openapi_examples={"买入": {"value": _EXAMPLE}})] = None,
        idempotency_key: IdempotencyKey = None,
        wait: Wait = None,
    ) -> JSONResponse:
        return await _submit(operation_name, request, body, idempotency_key, wait)

    name = Annotated[str, Path(description="已加载的操作名称（内置与插件）", json_schema_extra={"enum": names})]
    return _declared(submit_operation, operation_name=name)


def _typed_submit(name: str, body: Any) -> Submit:
    async def submit(request: Request, body: Any = None, idempotency_key: Any = None, wait: Any = None) -> JSONResponse:
        return await _submit(name, request, body, idempotency_key, wait)

    submit.__name__ = f"submit_{name}"
    return _declared(
        submit, body=Annotated[body, Body(openapi_examples=examples(name))], idempotency_key=IdempotencyKey, wait=Wait
    )


def _add_typed_submit(router: APIRouter, registry: Registry, contract: Contract, name: str) -> None:
    cls = registry.get(name)
    ref = results.result_ref(contract, name)
    description = (
        f'提交操作 `{name}`（{cls.description}）。请求体两种格式均可：嵌套 `{{"params": {{...}}, '
        '"priority": n}`，或扁平 `{...参数, "priority": n}`。加 `?wait=秒数` 可在结束时一并返回结果；'
        "`Idempotency-Key` 请求头（或下单参数 `client_order_id`）使重复提交返回原操作。"
        + ("\n\n**会改变账户（下单/撤单），不会自动重试。**" if getattr(cls, "places_order", False) else "")
    )
    if ref is not None:
        component = ref["$ref"].rsplit("/", 1)[1]
        description += f"\n\n结果（/result 的 data，{contract} 契约）的结构见组件 `{component}`。"
    router.add_api_route(
        f"/{name}",
        _typed_submit(name, request_body(name, cls.Params)),
        methods=["POST"],
        tags=_TYPED_TAGS,
        summary=f"{name}：{cls.description}",
        description=description,
        operation_id=f"submit_{name}",
        response_model=submitted_answer(name, results.results("v1").get(name, dict[str, Any])),
        response_description="已加入队列（或 ?wait 时已结束并带 data.result）",
        responses=_SUBMIT_ANSWERS,
        openapi_extra={"x-result-schema": ref} if ref is not None else None,
    )


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


async def operation_status(operation_id: str, request: Request) -> JSONResponse:
    rec = reader_of(request).get(operation_id)
    if rec is None:
        raise NotFound(f"操作 {operation_id} 不存在")
    return JSONResponse(bodies().status(rec, request.app.state.accounts))


async def operation_result(
    operation_id: str,
    request: Request,
    timeout: Annotated[float | None, Query(gt=0, le=86400, description="最长等待秒数，不传则一直等待")] = None,
) -> Any:
    return await bodies().result(engine_of(request), operation_id, timeout, request.app.state.accounts)


async def cancel_operation(operation_id: str, engine: EngineDep) -> JSONResponse:
    return JSONResponse(bodies().cancelled(engine.cancel(operation_id)))


def build_router(registry: Registry, contract: Contract) -> APIRouter:
    """The operation routes of an app: its operations' submit routes, /result in its contract."""
    router = APIRouter(prefix="/api/v1/operations")  # tags per route: the typed ones have their own
    router.add_api_route(
        "/",
        list_operations,
        methods=["GET"],
        tags=_TAGS,
        response_model=either(OperationsListing),
        summary="已加载的操作及其参数",
    )
    # without the slash too: a redirect has no envelope
    router.add_api_route("", list_operations, methods=["GET"], tags=_TAGS, include_in_schema=False)
    router.add_api_route(
        "/{operation_name}/check",
        check_operation,
        methods=["POST"],
        tags=_TAGS,
        summary="只检查参数、不提交（看板在确认前调用）",
    )
    router.add_api_route(
        "/{operation_id}/status",
        operation_status,
        methods=["GET"],
        tags=_TAGS,
        response_model=either(OperationView),
        summary="操作状态（立即返回）",
    )
    router.add_api_route(
        "/{operation_id}/result",
        operation_result,
        methods=["GET"],
        tags=_TAGS,
        response_model=results.result_answer(contract),
        response_description=f"操作结果（{contract} 契约），data 的结构按操作见 x-result-schemas",
        summary="等待并返回操作结果（?timeout=秒，超时 408）",
    )
    router.add_api_route(
        "/{operation_id}",
        cancel_operation,
        methods=["DELETE"],
        tags=_TAGS,
        response_model=either(CancelledView),
        route_class_override=_ItemRoute,
        summary="取消排队中的操作（执行中或已结束为 409）",
    )
    # The submit routes come last: Starlette tries routes in order, and a read (status, result) would
    # otherwise be matched against every typed route first (~20 scope and regex checks a request).
    # The 405 answers are unchanged: _ItemRoute decides which route owns a one-segment path.
    for name in registry.names():
        _add_typed_submit(router, registry, contract, name)
    router.add_api_route(
        "/{operation_name}",
        _generic_submit(registry.names()),
        methods=["POST"],
        tags=_TAGS,
        response_model=either(SubmittedView),
        route_class_override=_ItemRoute,
        summary="提交一个操作（任意操作名，含第三方插件）",
        description="通用提交入口（任意操作名，含第三方插件）。每个操作的参数模型见上方按名称列出的接口。",
    )
    return router
