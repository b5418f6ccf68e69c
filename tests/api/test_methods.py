"""A method a route does not take is 405 in the envelope, in Chinese, with an `Allow` listing what
the path takes: for every route of the app, and for the one path shape two routes share."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
from fastapi.testclient import TestClient
from starlette.routing import Route

from easyths.api.app import create_app
from tests.conftest import make_settings
from tests.fakes import FakeBroker

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "QUERY")


def routes(router_routes: list) -> list[Route]:  # type: ignore[type-arg]
    """Every route, those of included routers too (FastAPI keeps them nested)."""
    found: list[Route] = []
    for route in router_routes:
        if isinstance(route, Route):
            found.append(route)
        elif hasattr(route, "original_router"):
            found.extend(routes(route.original_router.routes))
    return found


def assert_405(r: httpx.Response, allow: set[str]) -> None:
    assert r.status_code == 405, (r.request.method, r.request.url, r.status_code, r.text)
    assert set(r.headers["allow"].replace(" ", "").split(",")) == allow, (r.request.url, r.headers["allow"])
    body = r.json()
    assert body["success"] is False and body["data"] is None and body["error_code"] == "METHOD_NOT_ALLOWED"
    assert f"接口不支持 {r.request.method} 方法" in body["message"]


def test_every_route_answers_a_method_it_does_not_take_with_405_and_its_allow(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, mcp={"enabled": True})
    app = create_app(settings, broker=FakeBroker())
    with TestClient(app, base_url="http://127.0.0.1") as client:
        checked = 0
        for route in routes(app.router.routes):
            if re.fullmatch(r"/api/v1/operations/[^/]+", route.path):
                continue  # the shared shape (and each operation's own submit path on it) has its own test below
            path = re.sub(r"\{[^}]+\}", "x1", route.path)
            for method in METHODS:
                if method in (route.methods or ()):
                    continue
                assert_405(client.request(method, path), set(route.methods or ()))
                checked += 1
        assert checked > 150  # about 25 routes


def test_submit_and_cancel_share_a_path_shape_and_allow_names_the_one_that_serves_it(client: TestClient) -> None:
    """`/api/v1/operations/buy` is where buy is submitted (POST); any other segment is an operation id
    (DELETE). Starlette used to say `Allow: POST` for both."""
    for method in ("GET", "PUT", "PATCH", "OPTIONS", "QUERY"):
        assert_405(client.request(method, "/api/v1/operations/buy"), {"POST"})
        assert_405(client.request(method, "/api/v1/operations/9f1c2d3e-0000-4000-8000-000000000000"), {"DELETE"})
    # what the two routes answer is unchanged
    assert client.post("/api/v1/operations/nope", json={}).json()["error_code"] == "NOT_FOUND"
    assert client.delete("/api/v1/operations/nope").json()["error_code"] == "NOT_FOUND"
    data = client.post("/api/v1/operations/funds_query", json={}).json()["data"]
    assert client.delete(f"/api/v1/operations/{data['operation_id']}").status_code in (200, 409)
