"""The reference's response envelope `{success, message, data}` and the error mapping.

Why one mapping point: every error the service raises on purpose is an `EasyTHSError` with an
HTTP status and code; FastAPI's own errors (validation, 404 routes, bad JSON) are converted here
too, so a client always gets the same envelope, never FastAPI's bare `{"detail": ...}`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from easyths.api.contracts.bodies import bodies
from easyths.errors import EasyTHSError
from easyths.validation_text import chinese_message


def ok(data: Any = None, message: str = "查询成功", **extra: Any) -> dict[str, Any]:
    """The success envelope of the request's contract (v2: the 2.x envelope, see contracts/)."""
    return bodies().ok(data, message, extra)


def error_response(
    http_status: int,
    message: str,
    error_code: str,
    details: Any = None,
    headers: Mapping[str, str] | None = None,
    request: Request | None = None,
    **extra: Any,
) -> JSONResponse:
    """The one error body: the keys of `middleware.envelope_bytes` (the refusals made before
    routing), with the request id the serving layer gave this request; in the request's contract."""
    request_id = request.scope.get("state", {}).get("request_id") if request is not None else None
    status, body = bodies().error(http_status, message, error_code, details, extra, request_id)
    return JSONResponse(body, status_code=status, headers=headers)


_HTTP_CODES = {400: "BAD_REQUEST", 401: "UNAUTHORIZED", 403: "FORBIDDEN", 404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED"}


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(EasyTHSError)
    async def _ours(request: Request, exc: EasyTHSError) -> JSONResponse:
        extra = {"status": exc.details["status"]} if isinstance(exc.details, dict) and "status" in exc.details else {}
        return error_response(exc.http_status, exc.message, exc.error_code, exc.details, request=request, **extra)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        details = []
        for err in exc.errors():
            if err.get("type") == "json_invalid":  # its loc is the character position, not a field
                where = next((p for p in err.get("loc", ()) if isinstance(p, int)), None)
                at = f"（第 {where} 个字符附近）" if where is not None else ""
                details.append({"field": "body", "message": f"不是合法的 JSON{at}"})
                continue
            loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path")]
            details.append({"field": ".".join(loc) or "body", "message": chinese_message(err)})
        if any(err.get("type") == "json_invalid" for err in exc.errors()):
            return error_response(422, "请求体不是合法的 JSON", "INVALID_JSON", details, request=request)
        text = "; ".join(f"{d['field']}: {d['message']}" for d in details)
        return error_response(422, f"参数无效: {text}", "INVALID_PARAMS", details, request=request)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        message = exc.detail if isinstance(exc.detail, str) else "请求失败"
        if exc.status_code == 404 and message == "Not Found":
            message = f"接口不存在: {request.url.path}"
        if exc.status_code == 400 and message == "There was an error parsing the body":
            # FastAPI's own wording when the JSON parser gives up (e.g. nesting too deep): same as invalid JSON.
            why = [{"field": "body", "message": "无法解析（例如嵌套过深）"}]
            return error_response(422, "请求体不是合法的 JSON", "INVALID_JSON", why, request=request)
        headers = getattr(exc, "headers", None)
        if exc.status_code == 405 and message == "Method Not Allowed":
            message = f"接口不支持 {request.method} 方法: {request.url.path}"
            headers = _allow(request, headers)
        code = _HTTP_CODES.get(exc.status_code, "HTTP_ERROR")
        return error_response(exc.status_code, message, code, headers=headers, request=request)


def _allow(request: Request, headers: dict[str, str] | None) -> dict[str, str]:
    """Starlette's `Allow` names only the first matching route's methods, so a fixed path served by
    two routes (GET and POST /api/v1/sim/ipos) announced half of what it accepts: add the methods
    the app's own OpenAPI document gives that exact path."""
    methods = {m.strip() for m in (headers or {}).get("Allow", "").split(",") if m.strip()}
    ops = request.app.openapi().get("paths", {}).get(request.url.path, {})
    methods |= {m.upper() for m in ops if m in _VERBS}
    return {**(headers or {}), "Allow": ", ".join(sorted(methods))} if methods else dict(headers or {})


_VERBS = frozenset({"get", "put", "post", "delete", "patch", "head", "options"})


_ENVELOPE_SCHEMA = {
    "type": "object",
    "required": ["success", "message", "data"],
    "properties": {
        "success": {"type": "boolean"},
        "message": {"type": ["string", "null"]},
        "data": {},
        "error_code": {"type": ["string", "null"]},
        "details": {},
        "timestamp": {"type": "string"},
    },
}
_ERRORS = {
    400: "请求无法解析，或带了两个 Authorization 请求头",
    401: "缺少或错误的 API Key",
    403: "地址不在允许列表、未配置 API Key 的远程访问、其他网站发起的修改请求（CROSS_SITE_FORBIDDEN），"
    "或风控拒绝（RISK_LIMIT）",
    404: "接口、操作名称或操作 ID 不存在",
    405: "该路径不支持此方法",
    413: "请求体超过 [api].max_body_bytes",
    421: "Host 请求头不是本机名称或 [api].allowed_hosts 中的名称（HOST_FORBIDDEN，防 DNS 重绑定）",
    422: "参数无效（指出字段）",
    429: "超过 [api].rate_limit",
    500: "未预期的错误（INTERNAL，带 request_id）",
    503: "队列已满、日志库不可写或交易已暂停（TRADING_PAUSED）",
}

COMMON_ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"description": text, "content": {"application/json": {"schema": _ENVELOPE_SCHEMA}}}
    for code, text in _ERRORS.items()
}
"""Every route can answer these (middleware, auth, the error handlers), all in the envelope; the
OpenAPI document lists them on every path so clients and fuzzers know them."""
