"""One exception tree for the whole service; the API maps it to HTTP at one boundary.

    EasyTHSError
    ├── ConfigError            configuration file or value invalid (start-up stops, key named)
    ├── InvalidParams          bad operation parameters (HTTP 422, field named)
    ├── NotFound               unknown operation name or operation id (HTTP 404)
    ├── Conflict               state forbids the request, e.g. cancel of a running op (HTTP 409)
    ├── QueueFull              the bounded queue is full (HTTP 503)
    └── BrokerError            raised by a broker while running an operation
        ├── BrokerRejected     the broker/client refused, with its own wording → status failed
        ├── BrokerUnavailable  client not reachable, not logged in, died → status failed
        └── OutcomeUnknown     no conclusive sign either way → status unknown, reconcile later
    ApiError                   SDK side: the service answered with an error envelope (code, details)
    ├── OperationFailed        SDK side: the operation finished failed / unknown / cancelled
    ├── OperationTimeout       SDK side: still queued or running when the caller's timeout ran out
    └── ServiceUnreachable     SDK side: no answer at all (connection refused, network error)

Brokers raise only `BrokerError` subclasses; foreign errors (pywinauto, sqlite) are mapped with
``raise ... from exc`` where they occur, so the engine can decide the operation's status from the
exception type alone.
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


class BrokerError(EasyTHSError):
    error_code = "BROKER_ERROR"


class BrokerRejected(BrokerError):
    """The broker said no; `message` is its own text (e.g. 可用余额不足)."""

    error_code = "BROKER_REJECTED"


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

    For `unknown` an order may exist: check the order list before placing it again.
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
    "ConfigError",
    "Conflict",
    "EasyTHSError",
    "InvalidParams",
    "NotFound",
    "OperationFailed",
    "OperationTimeout",
    "OutcomeUnknown",
    "QueueFull",
    "ServiceUnreachable",
]
