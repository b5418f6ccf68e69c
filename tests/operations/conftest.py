"""The operations on the real app over a real sim broker (a SQLite file, a virtual clock at a
Wednesday's open), so a refused request can be shown to have changed nothing on the book."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from easyths.api.app import create_app
from easyths.brokers.sim import SimBroker
from easyths.operations.registry import Registry
from tests.brokers.sim.support import open_broker
from tests.conftest import make_settings


@pytest.fixture
def registry() -> Registry:
    return Registry(plugins=False)


@pytest.fixture
def sim(tmp_path: Path) -> Iterator[SimBroker]:
    broker = open_broker(tmp_path / "sim.db")
    yield broker
    broker.close()


@pytest.fixture
def app(tmp_path: Path, sim: SimBroker) -> Iterator[TestClient]:
    with TestClient(create_app(make_settings(tmp_path), broker=sim), base_url="http://127.0.0.1") as client:
        yield client


def run(client: TestClient, name: str, **params: Any) -> dict[str, Any]:
    """Submit over HTTP and wait for the outcome: the /result body."""
    r = client.post(f"/api/v1/operations/{name}", json={"params": params})
    assert r.status_code == 200, r.text
    op_id = r.json()["data"]["operation_id"]
    body: dict[str, Any] = client.get(f"/api/v1/operations/{op_id}/result", params={"timeout": 10}).json()
    return body
