"""The published 2.0.7 `TradeClient` against this service in the v2 contract, on the sim."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from easyths.api.app import create_app
from easyths.brokers.sim import SimBroker
from tests.compat_2x.published import load_trade_client
from tests.conftest import make_settings
from tests.sim.support import open_broker


@pytest.fixture(scope="session")
def published(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    return load_trade_client(tmp_path_factory.mktemp("easyths-2.0.7"))


class _ToTestClient(httpx.BaseTransport):
    """Forward the published client's httpx requests to the in-process TestClient.

    Why not hand it the TestClient itself: Starlette's TestClient is built on httpx2 when that is
    installed (the `mcp` package brings it), and the published client catches httpx's exceptions;
    its errors must surface as the httpx types it was written for.
    """

    def __init__(self, http: TestClient) -> None:
        self.http = http

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        reply = self.http.request(
            request.method, str(request.url), headers=list(request.headers.multi_items()), content=request.read()
        )
        return httpx.Response(
            reply.status_code, headers=list(reply.headers.multi_items()), content=reply.content, request=request
        )


def attach(published: ModuleType, http: TestClient) -> Any:
    """A 2.x TradeClient whose HTTP client is the in-process one: same code, same requests."""
    client = published.TradeClient(host="testserver", port=80, timeout=30)
    client._client = httpx.Client(base_url="http://testserver", transport=_ToTestClient(http), timeout=30)
    return client


@pytest.fixture
def sim(tmp_path: Path) -> Iterator[SimBroker]:
    broker = open_broker(tmp_path / "sim.db", accounts=["模拟账户", "第二账户"])
    yield broker
    broker.close()


@pytest.fixture
def http(tmp_path: Path, sim: SimBroker) -> Iterator[TestClient]:
    settings = make_settings(tmp_path, api={"contract": "v2"})
    with TestClient(create_app(settings, broker=sim)) as client:
        yield client


@pytest.fixture
def tc(published: ModuleType, http: TestClient) -> Any:
    return attach(published, http)
