"""Build the MCP server: one typed tool per operation, generated from its params model.

Why generated: the tool's input schema then is the operation's own pydantic model (names, types,
Chinese descriptions, enums; `easyths.params` for the built-ins), so the tools cannot drift from
the API; the API still validates every call in full and answers in Chinese when a value breaks a
trading rule. The calls go through the SDK's `AsyncClient` on the HTTP client handed in (in
process or over loopback), so MCP is not a third HTTP client with its own envelope reading.
Order-placing operations are listed only with `[mcp].allow_orders = true`; an assistant without
that permission never sees a tool that could place an order, and calling one by name is refused.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

import httpx
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp_types import ToolAnnotations
from pydantic import BaseModel, Field, ValidationError

from easyths import __version__
from easyths.client import ApiError, AsyncClient
from easyths.client.models import Submitted
from easyths.domain.money import json_number
from easyths.operations.base import Operation
from easyths.operations.registry import Registry, describe_invalid

WAIT_SECONDS = 30.0  # a tool call waits this long for the verdict, then reports the operation as pending
CANCELS = {"order_cancel", "condition_order_cancel"}
# Places no order but decides which account the next one lands on: a read-only assistant that
# could switch accounts would change what the user's own scripts trade. So it, and the
# `account_name` argument every operation takes (it switches before running), are offered only
# with `[mcp].allow_orders`, and never marked read-only.
SWITCHES_ACCOUNT = {"account_switch"}
ACCOUNT_ARGUMENT = "account_name"
# Operation ids are UUIDs; anything else is refused before it becomes part of a URL path.
OPERATION_ID = r"^[0-9A-Za-z_-]{1,64}$"

ORDER_NOTE = (
    "【会真实下单/撤单】经服务的同一队列、幂等键与风控检查，与 HTTP 接口完全相同。"
    "返回的 placed 表示是否已下单，并给出合同编号；重试同一笔委托请传相同的 client_order_id，避免重复下单。"
)
READ_NOTE = "【只读】经服务队列执行的查询，不会改变账户。"
SWITCH_NOTE = "【会切换当前账户】之后的下单与查询都在新账户上进行，包括用户自己的脚本。"

INSTRUCTIONS = (
    "EasyTHS：同花顺交易客户端（或内置模拟券商）的本地服务。查询工具只读；下单工具只有在服务配置 "
    "[mcp].allow_orders = true 时才会出现。下单结果中 placed=true 才表示委托已被券商接受（附合同编号）；"
    "status=unknown 表示结果未知，请先用 order_query 查看当日委托，不要直接重复下单。"
)


class Api:
    """The service's HTTP API through the SDK, in process (ASGI transport) or over loopback.

    The SDK reads the 1.x envelope, whatever [api].contract the service answers by default, and
    leaves the key, base URL and transport to the HTTP client it is given.
    """

    def __init__(self, client: httpx.AsyncClient) -> None:
        # retries=0: a tool reports a dropped call instead of trying again behind the assistant
        self.sdk = AsyncClient(str(client.base_url), timeout=WAIT_SECONDS, retries=0, http_client=client)

    async def submit(self, name: str, params: dict[str, Any], key: str | None = None) -> Submitted | ApiError:
        """The operation as queued (finished within WAIT_SECONDS, or not yet), or the refusal."""
        try:
            return await self.sdk.submit(name, params, idempotency_key=key, wait=WAIT_SECONDS)
        except ApiError as exc:  # the service's error envelope, or ServiceUnreachable
            return exc

    async def read(self, plan: Callable[[], Awaitable[Any]]) -> dict[str, Any]:
        """A lookup tool's answer: {ok, data} or {ok: false, summary} with the refusal."""
        try:
            data = await plan()
        except ApiError as exc:
            return {"ok": False, "summary": _refused(exc)}
        if isinstance(data, BaseModel):  # the SDK's typed result, back to the JSON the service sent
            data = _plain(data.model_dump(by_alias=True, exclude_unset=True))
        return {"ok": True, "data": data}


def _plain(value: Any) -> Any:
    """Numbers stay JSON numbers (pydantic's JSON mode writes a Decimal as a string) and times ISO text."""
    if isinstance(value, Decimal):
        return json_number(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _signature(op: type[Operation], *, may_switch: bool) -> inspect.Signature:
    params = []
    for name, field in op.Params.model_fields.items():
        if name == ACCOUNT_ARGUMENT and not may_switch:
            continue
        # Built at run time from the model's field for pydantic to read; no static type can be written for it.
        annotation = Annotated[(field.annotation, *field.metadata, Field(description=field.description or name))]  # type: ignore[name-defined]
        default = inspect.Parameter.empty if field.is_required() else field.get_default(call_default_factory=True)
        params.append(inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation, default=default))
    return inspect.Signature(params, return_annotation=dict[str, Any])


def _refused(exc: ApiError) -> str:
    return exc.message + (f"（{exc.error_code}）" if exc.error_code else "")


def _order_verdict(op: type[Operation], submitted: Submitted | ApiError) -> dict[str, Any]:
    """Say plainly whether an order was placed (or what was cancelled), with its 合同编号."""
    cancel = op.name in CANCELS
    if isinstance(submitted, ApiError):
        what = "未撤单" if cancel else "未下单"
        out: dict[str, Any] = {"summary": f"{what}：{_refused(submitted)}", "status": "refused"}
        out["error_code"] = submitted.error_code
        return {**out, **({"cancelled_count": 0} if cancel else {"placed": False, "合同编号": None})}
    state = submitted.status
    verdict = submitted.result or {}
    result = verdict.get("data") or {}
    base = {"status": state, "operation_id": submitted.operation_id, "duplicate": submitted.duplicate}
    message = result.get("message") or verdict.get("message") or ""
    if state == "success":
        if cancel:
            count = int(result.get("cancelled_count", result.get("deleted_count", 0)) or 0)
            return {**base, "summary": f"撤单已执行：{message}", "cancelled_count": count, "data": result}
        contract = result.get("合同编号")
        summary = f"已下单，合同编号 {contract}：{message}" if contract else f"已下单：{message}"
        return {**base, "summary": summary, "placed": True, "合同编号": contract, "data": result}
    if state in ("queued", "running"):
        return {
            **base,
            "summary": f"已提交，{WAIT_SECONDS:g} 秒内尚未执行完（{state}）；"
            "用 operation_status 查询结果，不要重复提交",
            **({"cancelled_count": None} if cancel else {"placed": None, "合同编号": None}),
        }
    if state == "unknown":
        return {
            **base,
            "summary": f"结果未知：{verdict.get('message')}。"
            "服务会与当日委托自动核对；请先用 order_query 查看，不要重复下单",
            **({"cancelled_count": None} if cancel else {"placed": None, "合同编号": None}),
        }
    what = "未撤单" if cancel else "未下单"
    return {
        **base,
        "summary": f"{what}：{verdict.get('message')}",
        **({"cancelled_count": 0} if cancel else {"placed": False, "合同编号": None}),
    }


def _query_result(submitted: Submitted | ApiError) -> dict[str, Any]:
    if isinstance(submitted, ApiError):
        return {"ok": False, "summary": f"查询失败：{_refused(submitted)}"}
    verdict = submitted.result or {}
    if submitted.status != "success":
        message = verdict.get("message") or "操作已添加到队列"
        return {"ok": False, "status": submitted.status, "summary": f"查询未成功：{message}"}
    result = dict(verdict.get("data") or {})
    result.pop("success", None)
    return {"ok": True, "data": result}


def _tool(op: type[Operation], api: Api, *, may_switch: bool) -> Callable[..., Awaitable[dict[str, Any]]]:
    async def tool(**kwargs: Any) -> dict[str, Any]:
        if not may_switch and kwargs.get(ACCOUNT_ARGUMENT) is not None:  # not in the schema; refused anyway
            return {"ok": False, "summary": "只读模式下不能切换账户（account_name）；需要 [mcp].allow_orders = true"}
        params = {k: v for k, v in kwargs.items() if v is not None}
        submitted = await api.submit(op.name, params, params.get("client_order_id"))
        return _order_verdict(op, submitted) if op.places_order else _query_result(submitted)

    tool.__signature__ = _signature(op, may_switch=may_switch)  # type: ignore[attr-defined]  # read by inspect
    tool.__name__ = op.name
    tool.__doc__ = op.description
    return tool


class EasyTHSServer(MCPServer):
    """The MCP server whose refusals a Chinese user can act on: a tool hidden because orders are
    not allowed says which setting opens it (the library answered "Unknown tool: buy"), and bad
    arguments read as the HTTP API's 422 does (the library passed pydantic's English on)."""

    def __init__(self, *args: Any, hidden: frozenset[str] = frozenset(), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.hidden = hidden

    async def call_tool(self, name: str, arguments: dict[str, Any], context: Any = None) -> Any:
        if name in self.hidden:
            raise ToolError(
                f"工具 {name} 会下单或切换账户，当前未开启：在 config.toml 的 [mcp] 节设置 allow_orders = true "
                "（或环境变量 EASYTHS_MCP__ALLOW_ORDERS=true）并重启后可用"
            )
        if self._tool_manager.get_tool(name) is None:
            raise ToolError(f"没有名为 {name} 的工具；可用的工具见工具列表")
        try:
            return await super().call_tool(name, arguments, context)
        except ToolError as exc:
            if isinstance(exc.__cause__, ValidationError):
                raise ToolError(describe_invalid(exc.__cause__)) from exc.__cause__
            raise


def build_server(client: httpx.AsyncClient, registry: Registry, *, allow_orders: bool) -> MCPServer:
    """The tools: every query operation, order operations only when allowed, and a few lookups."""
    api = Api(client)
    hidden = frozenset(
        name
        for name in registry.names()
        if not allow_orders and (registry.get(name).places_order or name in SWITCHES_ACCOUNT)
    )
    server = EasyTHSServer(name="easyths", version=__version__, instructions=INSTRUCTIONS, hidden=hidden)
    for name in registry.names():
        op = registry.get(name)
        changes = op.places_order or name in SWITCHES_ACCOUNT
        if name in hidden:
            continue
        note = ORDER_NOTE if op.places_order else SWITCH_NOTE if changes else READ_NOTE
        hints = ToolAnnotations(
            title=op.description,
            read_only_hint=not changes,
            destructive_hint=op.places_order,
            idempotent_hint=not op.places_order,
            open_world_hint=False,
        )
        tool = _tool(op, api, may_switch=allow_orders)
        server.add_tool(tool, name=name, description=f"{op.description}。{note}", annotations=hints)

    read = ToolAnnotations(read_only_hint=True, open_world_hint=False)

    @server.tool(description="查询一个操作（含委托）的状态与结果。" + READ_NOTE, annotations=read)
    async def operation_status(
        operation_id: Annotated[str, Field(pattern=OPERATION_ID, description="提交操作时返回的 operation_id")],
    ) -> dict[str, Any]:
        return await api.read(lambda: api.sdk.status(operation_id))

    @server.tool(description="服务状态：交易后端是否连接、登录，队列统计。" + READ_NOTE, annotations=read)
    async def service_status() -> dict[str, Any]:
        return await api.read(api.sdk.system_status)

    @server.tool(description="模拟券商的时钟、交易时段与行情（仅 sim 后端）。" + READ_NOTE, annotations=read)
    async def sim_state() -> dict[str, Any]:
        return await api.read(api.sdk.sim.state)

    return server


__all__ = ["INSTRUCTIONS", "Api", "build_server"]
