"""The typed SDK: `Client` (blocking) and `AsyncClient` (asyncio), on httpx, speaking only HTTP.

Every verb-noun method submits one operation, waits for its verdict and returns a typed result
(`client.buy(...)` → `Order` with `.contract_no`); a failed verdict raises `OperationFailed`, an
error envelope `ApiError` (with `error_code`, `message`, `details`).
"""

from easyths.client import models
from easyths.client.aio import AsyncClient, AsyncSimControls
from easyths.client.events import Event
from easyths.client.sync import Client, SimControls
from easyths.client.transport import AppTransport
from easyths.errors import ApiError, OperationFailed, OperationTimeout, ServiceUnreachable

__all__ = [
    "ApiError",
    "AppTransport",
    "AsyncClient",
    "AsyncSimControls",
    "Client",
    "Event",
    "OperationFailed",
    "OperationTimeout",
    "ServiceUnreachable",
    "SimControls",
    "models",
]
