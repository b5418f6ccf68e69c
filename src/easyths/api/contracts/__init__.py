"""Which response contract a request gets: v1 (the 1.x reference, default) or v2 (the original
project's 2.x generation, 2.0.7).

Why a per-request choice: one service can then serve scripts of both generations. `[api].contract`
sets the default; the header ``X-EasyTHS-Contract: v1|v2`` overrides it for one request. The
choice lives in a context variable set by the service's one ASGI layer (`api/middleware.py`)
before any route, dependency or exception handler runs, so the envelope helpers and error
handlers read it without every route having to pass it along. Responses echo the contract in the same header.

`bodies.py` maps each answer to its contract (the one place v1 and v2 differ); `v2.py` declares
the 2.x result fields as data; `v2_api.py` builds 2.x envelopes and semantics.
"""

from __future__ import annotations

import json
from contextvars import ContextVar, Token
from typing import Literal

from starlette.types import Send

Contract = Literal["v1", "v2"]
CONTRACTS: tuple[Contract, ...] = ("v1", "v2")
HEADER = "X-EasyTHS-Contract"
HEADER_KEY = HEADER.lower().encode()

_current: ContextVar[Contract] = ContextVar("easyths_contract", default="v1")


def current() -> Contract:
    """The contract of the request being served (v1 outside any request)."""
    return _current.get()


def parse(raw: bytes | None, default: Contract) -> Contract | None:
    """The contract a request asks for with the header's raw value; None for a value we do not know."""
    if raw is None:
        return default
    asked = raw.decode("latin-1").strip().lower()
    return asked if asked in CONTRACTS else None


def use(contract: Contract) -> Token[Contract]:
    """Make `contract` the one of the request being served (undo with `_current.reset(token)`)."""
    return _current.set(contract)


def reset(token: Token[Contract]) -> None:
    _current.reset(token)


async def refuse(send: Send, raw: bytes, default: Contract) -> None:
    """422 for an unknown header value, in the configured default contract."""
    token = _current.set(default)
    try:
        await _refuse(send, raw.decode("latin-1").strip().lower(), default)
    finally:
        _current.reset(token)


async def _refuse(send: Send, asked: str, default: Contract) -> None:
    from easyths.api.contracts.bodies import bodies  # it imports this module

    message = f"请求头 {HEADER} 的取值无效：{asked[:20]}（可选 v1 或 v2）"
    details = [{"field": HEADER, "message": "可选 v1 或 v2"}]
    _, body = bodies(default).error(422, message, "INVALID_PARAMS", details, {}, None)
    payload = json.dumps(body, ensure_ascii=False).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 422,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": payload})


__all__ = ["CONTRACTS", "HEADER", "HEADER_KEY", "Contract", "current", "parse", "refuse", "reset", "use"]
