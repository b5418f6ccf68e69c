"""Auth, system routes, docs and the envelope on unknown routes."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from easyths.api.app import create_app
from tests.conftest import make_settings
from tests.fakes import FakeBroker


@pytest.fixture
def keyed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> TestClient:
    monkeypatch.setenv("API_KEY", "s3cret-key")
    settings = make_settings(tmp_path)
    with TestClient(create_app(settings, broker=FakeBroker()), base_url="http://127.0.0.1") as c:
        yield c


def test_bearer_key_is_required_when_configured(keyed: TestClient) -> None:
    for path in ("/api/v1/system/health", "/api/v1/queue/stats", "/api/v1/operations/"):
        r = keyed.get(path)
        assert r.status_code == 401 and r.json()["success"] is False
        assert r.headers["www-authenticate"] == "Bearer"
        assert keyed.get(path, headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert keyed.get(path, headers={"Authorization": "Bearer s3cret-key"}).status_code == 200
    r = keyed.post("/api/v1/operations/buy", json={"params": {}}, headers={"Authorization": "Basic s3cret-key"})
    assert r.status_code == 401
    assert (
        keyed.get("/api/v1/queue/stats", headers={"Authorization": "Bearer s3cret-key"}).json()["data"]["total_count"]
        == 0
    )


def test_malformed_json_without_the_key_is_401_not_a_parse_error(keyed: TestClient) -> None:
    """The body used to be parsed first: a caller without the key got 422 INVALID_JSON."""
    deep = b'{"params":' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    for body in (b"{bad json", deep):
        for headers in ({}, {"Authorization": "Bearer wrong"}):
            r = keyed.post(
                "/api/v1/operations/buy", content=body, headers={"content-type": "application/json", **headers}
            )
            assert r.status_code == 401, r.text
            assert r.json()["error_code"] == "UNAUTHORIZED" and r.headers["www-authenticate"] == "Bearer"
    good = {"content-type": "application/json", "Authorization": "Bearer s3cret-key"}
    r = keyed.post("/api/v1/operations/buy", content=b"{bad json", headers=good)
    assert r.status_code == 422 and r.json()["error_code"] == "INVALID_JSON"


def test_key_from_config_file(tmp_path: Path) -> None:
    cfg = tmp_path / "config.toml"
    cfg.write_text('[api]\nkey = "from-file"\n', encoding="utf-8")
    from easyths.settings import load_settings

    settings = load_settings(cfg, app={"home": str(tmp_path / "h")})
    with TestClient(create_app(settings, broker=FakeBroker()), base_url="http://127.0.0.1") as c:
        assert c.get("/api/v1/system/info").status_code == 401
        assert c.get("/api/v1/system/info", headers={"Authorization": "Bearer from-file"}).status_code == 200


def test_no_key_means_open_on_loopback_only(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    app = create_app(settings, broker=FakeBroker())
    with TestClient(app, base_url="http://127.0.0.1") as local:
        assert local.get("/api/v1/system/health").status_code == 200
    with TestClient(app, client=("192.168.1.20", 5000), base_url="http://127.0.0.1") as remote:
        r = remote.get("/api/v1/system/health")
        assert r.status_code == 403 and "本机" in r.json()["message"]


def test_health_status_info(client: TestClient) -> None:
    health = client.get("/api/v1/system/health").json()
    assert health["success"] and health["message"] == "系统运行正常"
    data = health["data"]
    assert data["status"] == "healthy"
    assert data["components"]["automator"] == "connected" and data["components"]["logged_in"] is True
    assert data["components"]["plugins"]["loaded"] == 21
    status = client.get("/api/v1/system/status").json()["data"]
    assert status["automator"]["backend"] == "fake"
    assert status["plugins"]["plugin_count"] == 21 and "buy" in status["plugins"]["loaded_plugins"]
    info = client.get("/api/v1/system/info").json()["data"]
    assert info["name"] == "同花顺交易自动化系统" and "优先级队列" in info["features"]
    stats = client.get("/api/v1/queue/stats").json()
    assert stats["message"] == "查询成功"
    assert {"queued_count", "running_count", "success_count", "failed_count"} <= stats["data"].keys()


def test_docs_and_unknown_route(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    assert client.get("/redoc").status_code == 200
    assert "/api/v1/operations/{operation_name}" in client.get("/openapi.json").json()["paths"]
    r = client.get("/api/v1/nowhere")
    assert r.status_code == 404 and r.json()["success"] is False


def test_log_never_contains_the_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import logging

    from easyths.logs import setup_logging

    monkeypatch.setenv("API_KEY", "top-secret-123")
    settings = make_settings(tmp_path)
    path = setup_logging(settings)
    logging.getLogger("easyths.test").warning("header was Bearer %s", "top-secret-123")
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = path.read_text(encoding="utf-8")
    assert "Bearer ***" in text and "top-secret-123" not in text


def test_the_key_is_checked_before_routing_so_paths_are_not_revealed(keyed: TestClient) -> None:
    """/api/... and /metrics are refused without the key whatever follows; with it, an unknown
    path is the usual 404 and /metrics answers."""
    for path in ("/api/v1/no-such-route", "/api/v1/operations/00000000-0000-4000-8000-000000000000/status", "/metrics"):
        r = keyed.get(path)
        assert r.status_code == 401 and r.json()["error_code"] == "UNAUTHORIZED", path
        assert r.headers["www-authenticate"] == "Bearer" and r.headers["x-request-id"]
    auth = {"Authorization": "Bearer s3cret-key"}
    assert keyed.get("/api/v1/no-such-route", headers=auth).status_code == 404
    assert keyed.get("/metrics", headers=auth).status_code == 200
    assert (
        keyed.get("/api/v1/queue/stats", headers={**auth, "X-EasyTHS-Contract": "v2"}).headers["x-easyths-contract"]
        == "v2"
    )


def test_a_cors_preflight_needs_no_key_but_the_request_after_it_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Browsers send OPTIONS without credentials; refusing it would break every cross-origin call."""
    monkeypatch.setenv("API_KEY", "s3cret-key")
    settings = make_settings(tmp_path, api={"cors_origins": "http://localhost:3000"})
    with TestClient(create_app(settings, broker=FakeBroker()), base_url="http://127.0.0.1") as c:
        origin = {"Origin": "http://localhost:3000"}
        pre = c.options(
            "/api/v1/queue/stats",
            headers={
                **origin,
                "Access-Control-Request-Method": "GET",
                "Access-Control-Request-Headers": "authorization",
            },
        )
        assert pre.status_code == 200 and pre.headers["access-control-allow-origin"] == "http://localhost:3000"
        assert c.get("/api/v1/queue/stats", headers=origin).status_code == 401
        ok = c.get("/api/v1/queue/stats", headers={**origin, "Authorization": "Bearer s3cret-key"})
        assert ok.status_code == 200 and ok.headers["access-control-allow-origin"] == "http://localhost:3000"
