"""Each core route's answer is what its declared response model says, in both contracts (the
models are the document's; the routes send their answers as built, so nothing else checks this).
The routes are the app's own: the operation routes are built per app, for its contract."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from pydantic import TypeAdapter

from easyths.api.app import create_app
from tests.api.test_methods import routes
from tests.conftest import make_settings
from tests.fakes import FakeBroker


@pytest.fixture(params=["v1", "v2"])
def contract(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def client(tmp_path: Path, fake: FakeBroker, contract: str) -> Iterator[TestClient]:
    settings = make_settings(tmp_path, api={"contract": contract})
    with TestClient(create_app(settings, broker=fake), base_url="http://127.0.0.1") as c:
        yield c


def _declared(client: TestClient, method: str, path: str) -> Any:
    for route in routes(client.app.router.routes):  # type: ignore[attr-defined]
        if isinstance(route, APIRoute) and route.path == path and method in route.methods:
            return route.response_model
    raise LookupError(f"{method} {path}")


def _calls(client: TestClient, fake: FakeBroker, contract: str) -> Iterator[tuple[str, str, Any]]:
    headers = {"X-EasyTHS-Contract": contract}
    submit = client.post("/api/v1/operations/funds_query?wait=10", json={}, headers=headers)
    yield "POST", "/api/v1/operations/funds_query", submit  # the operation's own route serves it
    submitted = submit.json()["data"]["operation_id"]
    yield "POST", "/api/v1/operations/{operation_name}", submit  # and what the generic route declares
    yield (
        "GET",
        "/api/v1/operations/{operation_id}/result",
        client.get(f"/api/v1/operations/{submitted}/result", headers=headers),
    )
    yield (
        "GET",
        "/api/v1/operations/{operation_id}/status",
        client.get(f"/api/v1/operations/{submitted}/status", headers=headers),
    )
    for path in ("/api/v1/system/health", "/api/v1/system/status", "/api/v1/system/info"):
        yield "GET", path, client.get(path, headers=headers)
    for path in ("/api/v1/operations/", "/api/v1/queue/stats", "/api/v1/queue/operations"):
        yield "GET", path, client.get(path, headers=headers)
    fake.gate.clear()  # the worker holds the next operation, so the one after it is still queued
    client.post("/api/v1/operations/holding_query", json={}, headers=headers)
    assert fake.entered.wait(5)
    queued = client.post("/api/v1/operations/funds_query", json={}, headers=headers).json()["data"]["operation_id"]
    yield "DELETE", "/api/v1/operations/{operation_id}", client.delete(f"/api/v1/operations/{queued}", headers=headers)
    fake.gate.set()


def test_every_core_answer_matches_the_model_its_route_declares(
    client: TestClient, fake: FakeBroker, contract: str
) -> None:
    checked = []
    for method, path, response in _calls(client, fake, contract):
        assert response.status_code == 200, (method, path, response.text)
        model = _declared(client, method, path)
        assert model is not None, f"{method} {path} declares no response model"
        TypeAdapter(model).validate_python(response.json())
        checked.append(path)
    assert len(checked) == 11
