"""Safe serving: allow-list, rate limit, body cap and the catch-all, each answering in the envelope."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import APIRouter
from fastapi.testclient import TestClient

from easyths.api.app import create_app
from easyths.api.middleware import RateLimiter
from tests.conftest import make_settings
from tests.fakes import FakeBroker

BUY = {"params": {"stock_code": "600000", "price": 10.5, "quantity": 100}}


def app_client(tmp_path: Path, client: tuple[str, int] = ("127.0.0.1", 50000), **api: object) -> TestClient:
    settings = make_settings(tmp_path, api=api) if api else make_settings(tmp_path)
    return TestClient(create_app(settings, broker=FakeBroker()), client=client, base_url="http://127.0.0.1")


def assert_envelope(body: dict, code: str) -> None:
    assert body["success"] is False and body["data"] is None and body["error_code"] == code
    assert isinstance(body["message"], str) and body["message"]


def test_an_address_outside_the_allow_list_gets_403_in_the_envelope(tmp_path: Path) -> None:
    with app_client(tmp_path, ("127.0.0.1", 1), allowed_ips=["192.168.1.0/24"]) as c:
        r = c.get("/api/v1/system/info")
    assert r.status_code == 403
    assert_envelope(r.json(), "IP_FORBIDDEN")
    assert "127.0.0.1" in r.json()["message"]


def test_an_address_inside_an_allowed_range_is_served(tmp_path: Path) -> None:
    with app_client(tmp_path, ("192.168.1.23", 1), allowed_ips=["192.168.1.0/24"], key="k") as c:
        r = c.get("/api/v1/system/info", headers={"Authorization": "Bearer k"})
    assert r.status_code == 200


def test_the_old_ip_whitelist_key_joins_the_allow_list(tmp_path: Path) -> None:
    with app_client(tmp_path, ("127.0.0.1", 1), ip_whitelist="10.0.0.1, 127.0.0.1") as c:
        assert c.get("/api/v1/system/info").status_code == 200
    with app_client(tmp_path, ("127.0.0.1", 1), ip_whitelist="10.0.0.1") as c:
        assert c.get("/api/v1/system/info").status_code == 403


def test_a_malformed_allow_list_entry_stops_start_up_naming_it(tmp_path: Path) -> None:
    from easyths.errors import ConfigError

    with pytest.raises(ConfigError, match=r"300\.1\.1\.1"):
        make_settings(tmp_path, api={"allowed_ips": ["300.1.1.1"]})


def test_requests_over_the_rate_limit_get_429_with_retry_after(tmp_path: Path) -> None:
    with app_client(tmp_path, rate_limit=3) as c:
        codes = [c.get("/api/v1/system/info").status_code for _ in range(4)]
        r = c.get("/api/v1/system/info")
    assert codes == [200, 200, 200, 429]
    assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1
    assert_envelope(r.json(), "RATE_LIMITED")
    assert "3" in r.json()["message"]


def test_the_rate_limit_is_per_client_and_the_window_slides() -> None:
    clock = [0.0]
    limiter = RateLimiter(2, clock=lambda: clock[0])
    assert limiter.retry_after("a") is None and limiter.retry_after("a") is None
    assert limiter.retry_after("a") == pytest.approx(60)
    assert limiter.retry_after("b") is None
    clock[0] = 30
    assert limiter.retry_after("a") == pytest.approx(30)
    clock[0] = 60.5
    assert limiter.retry_after("a") is None


def test_a_body_over_the_cap_gets_413_and_nothing_is_queued(tmp_path: Path) -> None:
    with app_client(tmp_path, max_body_bytes=2048) as c:
        big = {"params": {**BUY["params"], "account_name": "x" * 4000}}
        r = c.post("/api/v1/operations/buy", json=big)
        assert r.status_code == 413
        assert_envelope(r.json(), "PAYLOAD_TOO_LARGE")
        assert "2048" in r.json()["message"]
        assert c.get("/api/v1/queue/stats").json()["data"]["queued_count"] == 0


def test_a_streamed_body_without_length_over_the_cap_gets_413(tmp_path: Path) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(10):
            yield b" " * 1024

    with app_client(tmp_path, max_body_bytes=4096) as c:
        r = c.post("/api/v1/operations/buy", content=chunks(), headers={"Content-Type": "application/json"})
    assert r.status_code == 413


def test_the_default_body_cap_is_one_mebibyte(tmp_path: Path) -> None:
    assert make_settings(tmp_path).api.max_body_bytes == 1024 * 1024


def test_an_unexpected_error_answers_internal_with_a_request_id_that_is_in_the_log(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(make_settings(tmp_path), broker=FakeBroker())
    boom = APIRouter()

    @boom.get("/boom")
    async def _boom() -> None:
        raise ZeroDivisionError("secret internals")

    app.include_router(boom)
    with caplog.at_level(logging.ERROR, logger="easyths.api"), TestClient(app, base_url="http://127.0.0.1") as c:
        r = c.get("/boom")
    assert r.status_code == 500
    body = r.json()
    assert_envelope(body, "INTERNAL")
    assert "secret internals" not in r.text and "Traceback" not in r.text
    request_id = body["request_id"]
    assert request_id in body["message"] and r.headers["x-request-id"] == request_id
    assert any(request_id in rec.getMessage() and rec.exc_info for rec in caplog.records)


def test_every_response_carries_a_request_id(tmp_path: Path) -> None:
    with app_client(tmp_path) as c:
        assert c.get("/api/v1/system/info").headers["x-request-id"]
        assert c.get("/nope").headers["x-request-id"]
