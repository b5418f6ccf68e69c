"""One exception tree for the whole service; the API maps it to HTTP at one boundary.

    EasyTHSError
    ├── ConfigError            configuration file or value invalid (start-up stops, key named)
    ├── InvalidParams          bad operation parameters (HTTP 422, field named)
    ├── NotFound               unknown operation name or operation id (HTTP 404)
    ├── Conflict               state forbids the request, e.g. cancel of a running op (HTTP 409)
    ├── QueueFull              the bounded queue is full (HTTP 503)
    ├── JournalError           the journal (SQLite) could not read or write: a submit is refused
    │                          (HTTP 503), never acknowledged
    ├── ResultTimeout          `/result` waited its `timeout`; the operation is still open (HTTP 408)
    ├── IllegalTransition      a status change the transition table forbids (a bug; HTTP 500)
    ├── SeamError              raised by a GUI seam (pywinauto, the emulator); the driver maps it
    │   ├── WindowGone         the client's window (or the dialog a handle points into) is gone
    │   ├── ControlNotFound    no control matched the locator within the timeout
    │   └── GridUnavailable    this way of reading a grid does not work on this client build
    ├── RiskDenied             a pre-trade risk rule refused the order, nothing queued (HTTP 403)
    ├── TradingPaused          the kill switch is on: orders refused, queries run (HTTP 503)
    ├── ClientForbidden        the client address is not in [api].allowed_ips (HTTP 403)
    ├── HostForbidden          the Host header does not name this machine (DNS rebinding, HTTP 421)
    ├── CrossSiteForbidden     a state-changing request sent by another site's web page (HTTP 403)
    ├── RateLimited            the client exceeded [api].rate_limit requests/minute (HTTP 429)
    ├── PayloadTooLarge        the request body exceeds [api].max_body_bytes (HTTP 413)
    ├── StartupError           start-up cannot proceed (folder locked, port busy, corrupt db);
    │                          carries the process exit code documented in the README
    └── BrokerError            raised by a broker while running an operation
        ├── BrokerRejected     the broker/client refused, with its own wording → status failed
        │   ├── CancelAmbiguous the client cannot be told which order to cancel (nothing touched) → failed
        │   └── OrderVoided    the order is on the book as 废单 (details carry its 合同编号) → failed
        ├── BrokerUnavailable  client not reachable, not logged in, died → status failed
        └── OutcomeUnknown     no conclusive sign either way → status unknown, reconcile later
    ApiError                   SDK side: the service answered with an error envelope (code, details)
    ├── OperationFailed        SDK side: the operation finished failed / unknown / cancelled
    ├── OperationTimeout       SDK side: still queued or running when the caller's timeout ran out
    └── ServiceUnreachable     SDK side: no answer at all (connection refused, network error)

Brokers raise only `BrokerError` subclasses; foreign errors (pywinauto, sqlite) are mapped with
``raise ... from exc`` where they occur (the seam, the journal), so the engine can decide the
operation's status from the exception type alone. A `SeamError` that escapes a broker is treated
like any unexpected exception: an order-placing operation becomes `unknown`, never `failed`.
"""

from __future__ import annotations

from typing import Any


class EasyTHSError(Exception):
    """Base of every error EasyTHS raises on purpose."""

    error_code: str = "ERROR"
    http_status: int = 500

    def __init__(self, message: str, *, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class ConfigError(EasyTHSError):
    error_code = "CONFIG_ERROR"


class InvalidParams(EasyTHSError):
    error_code = "INVALID_PARAMS"
    http_status = 422


class NotFound(EasyTHSError):
    error_code = "NOT_FOUND"
    http_status = 404


class Conflict(EasyTHSError):
    error_code = "CONFLICT"
    http_status = 409


class QueueFull(EasyTHSError):
    error_code = "QUEUE_FULL"
    http_status = 503


class JournalError(EasyTHSError):
    """SQLite refused a read or write (disk full, locked, corrupt); mapped at the journal's edge."""

    error_code = "JOURNAL_UNAVAILABLE"
    http_status = 503


class ResultExpired(EasyTHSError):
    """A query's table is kept in memory only, for the clients that fetch it right away; the
    journal keeps its verdict. Once memory has let it go, asking again is the answer (never an
    empty or partial table in its place)."""

    error_code = "RESULT_EXPIRED"
    http_status = 410


class ResultTimeout(EasyTHSError):
    """`/result` waited `timeout` seconds; the operation is still queued or running."""

    error_code = "RESULT_TIMEOUT"
    http_status = 408


class IllegalTransition(EasyTHSError, ValueError):
    """A status change that the transition table forbids (operation or order): a bug, loudly."""

    error_code = "ILLEGAL_TRANSITION"


class SeamError(EasyTHSError):
    """Base of the errors a GUI seam raises on purpose."""

    error_code = "SEAM_ERROR"


class WindowGone(SeamError):
    """The client's window (or the dialog a handle points into) no longer exists."""

    error_code = "WINDOW_GONE"


class ControlNotFound(SeamError):
    """No control matched the locator within the timeout."""

    error_code = "CONTROL_NOT_FOUND"


class GridUnavailable(SeamError):
    """This way of reading a grid does not work on this client build (e.g. export disabled)."""

    error_code = "GRID_UNAVAILABLE"


class RiskDenied(EasyTHSError):
    """`details` names the rule (`rule`) and the values that broke it (`value`, `limit`)."""

    error_code = "RISK_LIMIT"
    http_status = 403


class TradingPaused(EasyTHSError):
    error_code = "TRADING_PAUSED"
    http_status = 503


class ClientForbidden(EasyTHSError):
    error_code = "IP_FORBIDDEN"
    http_status = 403


class HostForbidden(EasyTHSError):
    """Answered by the ASGI layer before routing (api/trust.py); the class names the code."""

    error_code = "HOST_FORBIDDEN"
    http_status = 421


class CrossSiteForbidden(EasyTHSError):
    """Answered by the ASGI layer before routing (api/trust.py); the class names the code."""

    error_code = "CROSS_SITE_FORBIDDEN"
    http_status = 403


class RateLimited(EasyTHSError):
    error_code = "RATE_LIMITED"
    http_status = 429


class PayloadTooLarge(EasyTHSError):
    error_code = "PAYLOAD_TOO_LARGE"
    http_status = 413


class StartupError(EasyTHSError):
    """Start-up stops with `message` (what is wrong and what to do) and exits with `exit_code`."""

    error_code = "STARTUP_ERROR"

    def __init__(self, message: str, *, exit_code: int, details: Any = None) -> None:
        super().__init__(message, details=details)
        self.exit_code = exit_code


class BrokerError(EasyTHSError):
    error_code = "BROKER_ERROR"


class BrokerRejected(BrokerError):
    """The broker said no; `message` is its own text (e.g. 可用余额不足)."""

    error_code = "BROKER_REJECTED"


class CancelAmbiguous(BrokerRejected):
    """The client cannot be told which order to cancel (it filters by code only, and nothing on
    screen tells several open orders of that code apart): refused, nothing was touched."""

    error_code = "CANCEL_AMBIGUOUS"


class OrderVoided(BrokerRejected):
    """The order reached the book and stands there as 废单: refused, nothing live, but it has a
    合同编号 (in `details`). Its own class because it is the one refusal `reconcile` may answer:
    any other error while settling an `unknown` means "cannot tell yet", never `failed`."""


class OrderNotCancellable(BrokerRejected):
    """One order named by 合同编号 could not be cancelled because it is not open: filled,
    already cancelled, a 废单, or not on today's book. The user asked "is it cancelled?" and the
    answer is no: `failed`, with the order's state in `details` (合同编号, 状态). Its own class,
    like `OrderVoided`, because reconciliation may answer it too."""

    error_code = "ORDER_NOT_CANCELLABLE"


NOT_ON_TODAYS_BOOK = "当日无此委托"


def not_cancellable(contract_no: str, state: str | None) -> OrderNotCancellable:
    """The refusal for a 合同编号 whose row says `state` (None: no such row today)."""
    state = state or NOT_ON_TODAYS_BOOK
    why = NOT_ON_TODAYS_BOOK if state == NOT_ON_TODAYS_BOOK else f"委托{state}，没有可撤销的数量"
    return OrderNotCancellable(
        f"合同编号 {contract_no} 无法撤单：{why}", details={"合同编号": contract_no, "状态": state}
    )


class BrokerUnavailable(BrokerError):
    error_code = "BROKER_UNAVAILABLE"


class OutcomeUnknown(BrokerError):
    """Nothing conclusive was observed; an order may or may not exist. Never retry blindly."""

    error_code = "OUTCOME_UNKNOWN"


class ApiError(EasyTHSError):
    """Raised by the SDK (`easyths.Client`): the service's error envelope as an exception.

    `error_code`, `message`, `details` and `http_status` are the envelope's, per instance (the
    class attributes are only defaults); `envelope` is the whole body as received.
    """

    def __init__(
        self,
        message: str,
        *,
        error_code: str = "API_ERROR",
        http_status: int = 0,
        details: Any = None,
        envelope: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message, details=details)
        self.error_code = error_code
        self.http_status = http_status
        self.envelope = envelope or {}

    def __str__(self) -> str:
        return f"[{self.error_code}] {self.message}"


class OperationFailed(ApiError):
    """The operation ran and did not succeed (`status` failed, unknown or cancelled).

    `error_code` is the cause when the service names it (BROKER_REJECTED, WATCHDOG_TIMEOUT …),
    else OPERATION_<STATUS>. For `unknown` an order may exist: check the order list before
    placing it again.
    """

    def __init__(self, message: str, *, operation_id: str, status: str, **kwargs: Any) -> None:
        kwargs.setdefault("error_code", f"OPERATION_{status.upper()}")
        super().__init__(message, **kwargs)
        self.operation_id = operation_id
        self.status = status


class OperationTimeout(ApiError):
    """The caller stopped waiting; the operation goes on in the queue (`operation_id` to follow it)."""

    def __init__(self, message: str, *, operation_id: str, status: str, **kwargs: Any) -> None:
        kwargs.setdefault("error_code", "RESULT_TIMEOUT")
        kwargs.setdefault("http_status", 408)
        super().__init__(message, **kwargs)
        self.operation_id = operation_id
        self.status = status


class ServiceUnreachable(ApiError):
    """No HTTP answer (refused, reset, timed out); mapped from httpx's transport errors."""

    def __init__(self, message: str, **kwargs: Any) -> None:
        kwargs.setdefault("error_code", "SERVICE_UNREACHABLE")
        super().__init__(message, **kwargs)


__all__ = [
    "ApiError",
    "BrokerError",
    "BrokerRejected",
    "BrokerUnavailable",
    "CancelAmbiguous",
    "ClientForbidden",
    "ConfigError",
    "Conflict",
    "ControlNotFound",
    "EasyTHSError",
    "GridUnavailable",
    "IllegalTransition",
    "InvalidParams",
    "JournalError",
    "NotFound",
    "OperationFailed",
    "OperationTimeout",
    "OrderVoided",
    "OutcomeUnknown",
    "PayloadTooLarge",
    "QueueFull",
    "RateLimited",
    "ResultTimeout",
    "RiskDenied",
    "SeamError",
    "ServiceUnreachable",
    "StartupError",
    "TradingPaused",
    "WindowGone",
]
