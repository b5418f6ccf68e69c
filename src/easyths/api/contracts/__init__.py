"""Which response contract a request gets: v1 (the 1.x reference, default) or v2 (the original
project's 2.x generation, 2.0.7).

Why a per-request choice: one service can then serve scripts of both generations. `[api].contract`
sets the default; the header ``X-EasyTHS-Contract: v1|v2`` overrides it for one request. The
choice lives in a context variable set by a plain ASGI middleware before any route, dependency or
exception handler runs, so the envelope helpers and error handlers read it without every route
having to pass it along. Responses echo the contract in the same header.

`v2.py` declares the 2.x result fields as data; `v2_api.py` builds 2.x envelopes and semantics.
"""

from __future__ import annotations

import json
from contextvars import ContextVar
from typing import Any, Literal

from starlette.types import ASGIApp, Message, Receive, Scope, Send

Contract = Literal["v1", "v2"]
CONTRACTS: tuple[Contract, ...] = ("v1", "v2")
HEADER = "X-EasyTHS-Contract"
_HEADER_KEY = HEADER.lower().encode()

_current: ContextVar[Contract] = ContextVar("easyths_contract", default="v1")


def current() -> Contract:
    """The contract of the request being served (v1 outside any request)."""
    return _current.get()


def is_v2() -> bool:
    return _current.get() == "v2"


class ContractMiddleware:
    """Sets the request's contract from the header or the configured default; echoes it back."""

    def __init__(self, app: ASGIApp, default: Contract = "v1") -> None:
        self.app = app
        self.default = default

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        raw = next((v for k, v in scope.get("headers", []) if k == _HEADER_KEY), None)
        chosen: Contract = self.default
        if raw is not None:
            asked = raw.decode("latin-1").strip().lower()
            if asked not in CONTRACTS:
                token = _current.set(self.default)
                try:
                    await _refuse(send, asked, self.default)
                finally:
                    _current.reset(token)
                return
            chosen = asked  # type: ignore[assignment]
        token = _current.set(chosen)

        async def send_with_header(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [h for h in message.get("headers", []) if h[0] != _HEADER_KEY]
                headers.append((_HEADER_KEY, chosen.encode()))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_header)
        finally:
            _current.reset(token)


async def _refuse(send: Send, asked: str, default: Contract) -> None:
    from easyths.api.contracts import v2_api

    message = f"请求头 {HEADER} 的取值无效：{asked[:20]}（可选 v1 或 v2）"
    body: dict[str, Any]
    if default == "v2":
        body = v2_api.envelope(success=False, message=message, error_code="invalid_params")
    else:
        from easyths.engine.records import now

        body = {
            "success": False,
            "message": message,
            "data": None,
            "error_code": "INVALID_PARAMS",
            "details": [{"field": HEADER, "message": "可选 v1 或 v2"}],
            "timestamp": now().isoformat(),
        }
    payload = json.dumps(body, ensure_ascii=False).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 422,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": payload})


__all__ = ["CONTRACTS", "HEADER", "Contract", "ContractMiddleware", "current", "is_v2"]
