"""What the two clients share besides the methods: configuration, headers, parameter building,
and the httpx-facing halves of one exchange (request arguments in, `Reply` out), so that each
client's runner is left with nothing but the blocking or awaited call itself.

Parameters are the service's own models (`easyths.params`), built without validating
(`model_construct`): the service validates every submit and answers a 422 naming the field, the
`ApiError` scripts already catch, so one place judges, with the rules of the service's version.
What the models give the SDK is the request's shape: mypy (the pydantic plugin types
`model_construct` from the fields) fails on an SDK method that names a field the service does
not have, and the values leave as the model has them.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from types import EllipsisType
from typing import Any, cast
from urllib.parse import urlsplit

import httpx
from pydantic import BaseModel

from easyths.client._plan import Reply, Request
from easyths.errors import ServiceUnreachable
from easyths.hosts import is_loopback
from easyths.params import CancelSide, ConditionSide, RepoMarket, RepoTerm
from easyths.params.orders import REPO_TERM_DAYS

DEFAULT_URL = "http://127.0.0.1:7648"
DEFAULT = object()  # "use the client's operation_timeout"

Number = float | int | Decimal | str
Side = CancelSide
Market = RepoMarket

REPO_TERMS = {days: term for term, days in REPO_TERM_DAYS.items()}


def is_loopback_url(url: str) -> bool:
    return is_loopback(urlsplit(url).hostname)


def num(value: Number) -> Decimal:
    """Prices are taken as given (str or Decimal keeps every digit; floats go through repr).

    Not a number, NaN or infinity is a ValueError here, like the other local checks: it used to
    escape as decimal.InvalidOperation, a JSON encoding ValueError or a TypeError from deep inside.
    """
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except InvalidOperation:
        raise ValueError(f"不是数字: {value!r}") from None
    if not number.is_finite():
        raise ValueError(f"必须是有限的数字: {value!r}")
    return number


def repo_term(term: int | str) -> RepoTerm:
    """`7`, `"7"` and `"7天期"` all mean the 7-day repo."""
    text = str(term).removesuffix("天期").removesuffix("天")
    if not text.isdigit() or int(text) not in REPO_TERMS:
        raise ValueError(f"回购期限无效: {term}（可选 {', '.join(map(str, REPO_TERMS))} 天）")
    return REPO_TERMS[int(text)]


CONDITION_SIDES: dict[str | None, ConditionSide | None] = {
    "buy": "买入",
    "sell": "卖出",
    "买入": "买入",
    "卖出": "卖出",
    None: None,
}


def condition_side(side: str | None) -> ConditionSide | None:
    if side not in CONDITION_SIDES:
        raise ValueError(f"方向无效: {side}（buy/sell 或 买入/卖出）")
    return CONDITION_SIDES[side]


def as_given(value: Any) -> Any:
    """A value of the SDK's signature passed on for the service to judge, where the model's type
    is narrower than what the signature has always taken (`expire_days: int`, a Literal there)."""
    return cast(Any, value)


def sent(params: BaseModel | dict[str, Any]) -> dict[str, Any]:
    """The `params` of a submit (or a sim control body): what the caller set and is not None
    (Decimals kept: the plan encodes them); a default it never asked for is the service's to fill in."""
    if isinstance(params, BaseModel):
        return params.model_dump(exclude_unset=True, exclude_none=True, warnings=False)
    return params


class Config:
    """Settings common to `Client` and `AsyncClient`.

    `trust_env` defaults to off for a loopback URL: a proxy configured in the environment for the
    internet must not sit between a strategy and the service on the same machine.
    """

    def __init__(
        self,
        base_url: str,
        api_key: str | None,
        timeout: float | None,
        operation_timeout: float | None,
        retries: int,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.operation_timeout = operation_timeout
        self.retries = retries
        # The SDK reads the 1.x contract; asking for it keeps it working against a service whose
        # default is the 2.x contract ([api].contract = "v2").
        self.headers = {"X-EasyTHS-Contract": "v1"}
        if api_key:
            self.headers["Authorization"] = f"Bearer {api_key}"
        self.trust_env = not is_loopback_url(self.base_url)
        self._timeouts: dict[float | None, httpx.Timeout] = {}
        # Set when the caller hands in an HTTP client the SDK did not make: that client may be
        # another library's (Starlette's TestClient picks httpx2 when it is installed), so it is
        # given plain numbers, never an httpx object (issue 18).
        self.foreign = False

    def http_timeout(self, wait: float | None) -> httpx.Timeout:
        """The timeout of one exchange the server may hold for `wait` seconds.

        Kept for the few waits that repeat (every submit asks the same ?wait), since building an
        httpx.Timeout is a good part of the SDK's own time per call; /result's shrinking waits
        are not kept.
        """
        timeout = self._timeouts.get(wait)
        if timeout is None:
            read = None if self.timeout is None else self.timeout + (wait or 0)
            timeout = httpx.Timeout(self.timeout, read=read)
            if len(self._timeouts) < 8:
                self._timeouts[wait] = timeout
        return timeout

    def op_timeout(self, timeout: Any) -> float | None:
        return self.operation_timeout if timeout is DEFAULT else timeout

    def http_args(self, transport: Any) -> dict[str, Any]:
        """Keyword arguments for the httpx client a `Client`/`AsyncClient` creates for itself."""
        return {
            "base_url": self.base_url,
            "transport": transport,
            "trust_env": self.trust_env,
            "timeout": self.http_timeout(None),
        }

    def request_args(self, req: Request) -> dict[str, Any]:
        """Keyword arguments of `httpx.(Async)Client.request` for one planned request."""
        args: dict[str, Any] = {
            "method": req.method,
            "url": req.path,
            "params": req.params,
            "json": req.json,
            "headers": {**self.headers, **req.headers} if req.headers else self.headers,  # httpx copies it
        }
        if req.wait is not None:
            args["timeout"] = self.timeout_arg(req.wait, read=...)
        return args

    def timeout_arg(self, wait: float | None, *, read: float | EllipsisType | None = ...) -> Any:
        """The `timeout=` of one request: an httpx.Timeout for our own client, plain numbers otherwise.

        `read=None` asks for no read limit (an event stream); the default derives it from `wait`.
        """
        if not self.foreign:
            return self.http_timeout(wait) if read is ... else httpx.Timeout(self.timeout, read=read)
        if read is ...:
            read = None if self.timeout is None else self.timeout + (wait or 0)
        return (self.timeout, read, self.timeout, self.timeout)  # connect, read, write, pool

    def unreachable(self, exc: Exception) -> ServiceUnreachable:
        """A transport error as the SDK's exception, which the plans retry where that is safe."""
        error = ServiceUnreachable(f"无法连接 EasyTHS 服务 {self.base_url}: {exc}")
        error.__cause__ = exc
        return error


def reply_of(response: httpx.Response) -> Reply:
    """The plans see a status and a decoded body; a body that is not JSON is None."""
    try:
        body = response.json()
    except ValueError:
        body = None
    return Reply(response.status_code, body)


__all__ = ["DEFAULT", "DEFAULT_URL", "Config", "Market", "Number", "Side"]
