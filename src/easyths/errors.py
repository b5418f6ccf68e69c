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


__all__ = [
    "BrokerError",
    "BrokerRejected",
    "BrokerUnavailable",
    "ConfigError",
    "Conflict",
    "EasyTHSError",
    "InvalidParams",
    "NotFound",
    "OutcomeUnknown",
    "QueueFull",
]
