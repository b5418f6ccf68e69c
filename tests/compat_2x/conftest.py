"""The published 2.0.7 `TradeClient` against this service in the v2 contract, on the sim.

The client runs unmodified against uvicorn on a loopback port: it catches `httpx` errors, so it
must talk through its own `httpx.Client`, not through a test client built on another library.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from fastapi import FastAPI

from easyths.api.app import create_app
from easyths.brokers.sim import SimBroker
from tests.brokers.sim.support import open_broker
from tests.client.conftest import LoopbackServer
from tests.compat_2x.published import load_trade_client
from tests.conftest import make_settings


@pytest.fixture(scope="session")
def published(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    return load_trade_client(tmp_path_factory.mktemp("easyths-2.0.7"))


@contextmanager
def serve(published: ModuleType, app: FastAPI) -> Iterator[Any]:
    """The app on a free loopback port, and a 2.x TradeClient pointed at it."""
    with LoopbackServer(app) as server:
        client = published.TradeClient(host="127.0.0.1", port=server.port, timeout=30)
        try:
            yield client
        finally:
            client.close()


@pytest.fixture
def sim(tmp_path: Path) -> Iterator[SimBroker]:
    broker = open_broker(tmp_path / "sim.db", accounts=["模拟账户", "第二账户"])
    yield broker
    broker.close()


@pytest.fixture
def tc(published: ModuleType, tmp_path: Path, sim: SimBroker) -> Iterator[Any]:
    settings = make_settings(tmp_path, api={"contract": "v2"})
    with serve(published, create_app(settings, broker=sim)) as client:
        yield client
