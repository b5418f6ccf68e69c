"""One error body for every refusal the app makes, whoever makes it (the serving layer before
routing, auth, the routes, the error handlers): the same keys in the same compact JSON, Chinese
messages, a request id. 401 and 413 used to differ (spacing, an extra field); invalid JSON named
a character position as its field; too-deep JSON answered in English; HEAD on GET routes was 405."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from easyths.api.app import create_app
from tests.conftest import make_settings

KEY = "error-body-test-key-0123"
KEYS = ["success", "message", "data", "error_code", "details", "timestamp", "request_id"]


def _body(r: Any) -> dict[str, Any]:
    assert '": ' not in r.text and '", "' not in r.text, r.text  # compact, like every JSONResponse
    body = r.json()
    assert list(body) == KEYS, (r.status_code, list(body))
    assert body["success"] is False and body["request_id"] == r.headers["x-request-id"]
    return body


def test_every_refusal_has_the_same_body(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, api={"key": KEY, "rate_limit": 40, "max_body_bytes": 10_000})
    auth = {"Authorization": f"Bearer {KEY}"}
    with TestClient(create_app(settings), base_url="http://127.0.0.1") as c:
        seen: dict[int, dict[str, Any]] = {}
        seen[401] = _body(c.get("/api/v1/system/info"))
        twice = [("authorization", f"Bearer {KEY}"), ("authorization", f"Bearer {KEY}")]
        seen[400] = _body(c.get("/api/v1/system/info", headers=twice))
        seen[404] = _body(c.get("/api/v1/operations/nope/status", headers=auth))
        seen[405] = _body(c.put("/api/v1/system/info", headers=auth))
        seen[413] = _body(c.post("/api/v1/operations/buy", headers=auth, content=b"{" + b" " * 20_000 + b"}"))
        seen[422] = _body(c.post("/api/v1/operations/buy", headers={**auth, "content-type": "application/json"},
                                 content=b"{bad"))  # fmt: skip
        done = c.post("/api/v1/operations/funds_query?wait=10", headers=auth, json={}).json()["data"]
        seen[409] = _body(c.delete(f"/api/v1/operations/{done['operation_id']}", headers=auth))
        c.post("/api/v1/system/pause", headers=auth, json={"reason": "test"})
        body = {"params": {"stock_code": "600000", "price": 10.5, "quantity": 100}}
        seen[503] = _body(c.post("/api/v1/operations/buy", headers=auth, json=body))
        while (r := c.get("/api/v1/system/info", headers=auth)).status_code != 429:
            pass
        seen[429] = _body(r)
    assert seen[422]["details"] == [{"field": "body", "message": "不是合法的 JSON（第 1 个字符附近）"}]
    for status, body in seen.items():  # every message says it in Chinese
        assert re.search(r"[\u4e00-\u9fff]", body["message"]), (status, body)


def test_authorization_problems_are_named(tmp_path: Path) -> None:
    with TestClient(create_app(make_settings(tmp_path, api={"key": KEY})), base_url="http://127.0.0.1") as c:
        missing = c.get("/api/v1/system/info").json()["message"]
        scheme = c.get("/api/v1/system/info", headers={"Authorization": KEY}).json()["message"]
        empty = c.get("/api/v1/system/info", headers={"Authorization": "Bearer "}).json()["message"]
    assert "缺少认证信息" in missing
    assert "应为 Bearer <API Key>" in scheme and "缺少认证信息" not in scheme
    assert "缺少 API Key" in empty


def test_json_nested_too_deep_is_refused_in_chinese(tmp_path: Path) -> None:
    with TestClient(create_app(make_settings(tmp_path)), base_url="http://127.0.0.1") as c:
        r = c.post("/api/v1/operations/buy", content=b"[" * 5000 + b"]" * 5000,
                   headers={"content-type": "application/json"})  # fmt: skip
    body = _body(r)
    assert r.status_code == 422 and body["error_code"] == "INVALID_JSON"
    assert "There was an error" not in json.dumps(body, ensure_ascii=False)


def test_head_is_answered_wherever_get_is(tmp_path: Path) -> None:
    with TestClient(create_app(make_settings(tmp_path)), base_url="http://127.0.0.1") as c:
        for path in ("/api/v1/system/health", "/api/v1/queue/stats", "/", "/openapi.json"):
            got, head = c.get(path), c.head(path)
            assert head.status_code == got.status_code == 200, path
            assert head.content == b"" and head.headers["content-type"] == got.headers["content-type"]
        assert c.head("/api/v1/nope").status_code == 404
