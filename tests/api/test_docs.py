"""/docs and /redoc render from the service's own assets: no page names an outside host."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from easyths.api.app import create_app
from tests.conftest import make_settings


@pytest.fixture
def client(tmp_path: Path) -> TestClient:
    with TestClient(create_app(make_settings(tmp_path, api={"key": "k" * 32})), base_url="http://127.0.0.1") as c:
        yield c


def outside_hosts(html: str) -> list[str]:
    """Every absolute URL or protocol-relative reference in a page (a local page has none)."""
    return re.findall(r"(?:https?:)?//[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+", html)


@pytest.mark.parametrize("page", ["/docs", "/redoc", "/docs/oauth2-redirect"])
def test_the_doc_pages_reference_no_outside_host(client: TestClient, page: str) -> None:
    r = client.get(page)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert outside_hosts(r.text) == []
    for ref in re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", r.text):
        assert ref.startswith("/"), ref
        if ref != "/openapi.json":
            asset = client.get(ref)
            assert asset.status_code == 200 and len(asset.content) > 500, ref


def test_swagger_ui_is_told_not_to_call_the_public_validator(client: TestClient) -> None:
    assert '"validatorUrl": null' in client.get("/docs").text


def test_the_assets_are_the_packaged_files_and_nothing_else(client: TestClient) -> None:
    js = client.get("/docs/assets/swagger-ui-bundle.js")
    assert js.headers["content-type"].startswith("text/javascript") and b"SwaggerUIBundle" in js.content
    assert "cdn.redoc.ly" not in client.get("/docs/assets/redoc.standalone.js").text
    assert client.get("/docs/assets/..%2Fapp.py").status_code == 404
    assert client.get("/docs/assets/README.md").status_code == 404


def test_the_pages_and_the_schema_need_no_key(client: TestClient) -> None:
    assert client.get("/openapi.json").status_code == 200
    assert client.get("/api/v1/queue/stats").status_code == 401


def test_every_route_has_a_chinese_summary_in_swagger(client: TestClient) -> None:
    """/docs showed the core routes as 'Health', 'Submit Operation', 'Cancel Operation'…"""
    spec = client.get("/openapi.json").json()
    english = [
        f"{method.upper()} {path}: {op.get('summary')!r}"
        for path, methods in spec["paths"].items()
        for method, op in methods.items()
        if not re.search(r"[\u4e00-\u9fff]", op.get("summary") or "")
    ]
    assert english == []
