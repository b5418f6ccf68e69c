"""A web page on the user's desktop cannot trade: neither by rebinding its domain to 127.0.0.1
(the Host check) nor by a blind cross-site POST (the Origin check). Scripts keep working."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from easyths.api.app import create_app
from tests.conftest import make_settings

LOCAL = "http://127.0.0.1"
BUY = {"params": {"stock_code": "600000", "price": 10.0, "quantity": 100}}
EVIL = {"Origin": "https://evil.example"}


def sim_client(tmp_path: Path, **api: Any) -> TestClient:
    return TestClient(create_app(make_settings(tmp_path, api=api)), base_url=LOCAL)


@pytest.fixture
def sim(tmp_path: Path) -> Iterator[TestClient]:
    """The sim with one resting buy order (10.00 under a 10.50 quote)."""
    with sim_client(tmp_path) as c:
        c.put("/api/v1/sim/quotes/600000", json={"price": 10.5, "prev_close": 10.4})
        r = c.post("/api/v1/operations/buy?wait=10", json=BUY)
        assert r.json()["data"]["status"] == "success", r.text
        yield c


def open_orders(c: TestClient) -> list[dict[str, Any]]:
    r = c.post("/api/v1/operations/order_query?wait=10", json={"params": {}})
    return [o for o in r.json()["data"]["result"]["data"]["orders"] if o["备注"] == "未成交"]


def assert_refused(r: Any, status: int, code: str) -> None:
    assert r.status_code == status, r.text
    body = r.json()
    assert body["success"] is False and body["error_code"] == code and body["data"] is None
    assert "拒绝" in body["message"]


# DNS rebinding -------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/", "/api/v1/system/health", "/api/v1/operations/", "/docs"])
def test_a_rebound_domain_reads_nothing(sim: TestClient, path: str) -> None:
    assert_refused(sim.get(path, headers={"Host": "evil.example.com"}), 421, "HOST_FORBIDDEN")


def test_a_rebound_domain_cannot_place_an_order(sim: TestClient) -> None:
    before = len(sim.app.state.engine.journal.recent(None, 100))
    r = sim.post("/api/v1/operations/buy", json=BUY, headers={"Host": "evil.example.com:7648"})
    assert_refused(r, 421, "HOST_FORBIDDEN")
    assert len(sim.app.state.engine.journal.recent(None, 100)) == before  # nothing journalled, nothing ran


@pytest.mark.parametrize("host", ["127.0.0.1:7648", "localhost:7648", "LOCALHOST", "[::1]:7648", "127.0.0.2"])
def test_this_machines_names_are_served_on_any_port(sim: TestClient, host: str) -> None:
    assert sim.get("/api/v1/system/health", headers={"Host": host}).status_code == 200


def test_a_listed_host_is_served_and_with_a_key_no_host_is_checked_unless_listed(tmp_path: Path) -> None:
    with sim_client(tmp_path / "a", allowed_hosts=["trader.lan"]) as c:
        assert c.get("/api/v1/system/health", headers={"Host": "trader.lan:7648"}).status_code == 200
        assert c.get("/api/v1/system/health", headers={"Host": "other.lan"}).status_code == 421
    key = {"Authorization": "Bearer " + "k" * 16}
    with sim_client(tmp_path / "b", key="k" * 16) as c:
        assert c.get("/api/v1/system/health", headers={"Host": "192.168.1.5:7648", **key}).status_code == 200
    with sim_client(tmp_path / "c", key="k" * 16, allowed_hosts=["trader.lan"]) as c:
        assert c.get("/api/v1/system/health", headers={"Host": "192.168.1.5", **key}).status_code == 421


# Cross-site POSTs ----------------------------------------------------------------------------------
def test_a_cross_site_body_less_post_cannot_cancel_every_order(sim: TestClient) -> None:
    assert len(open_orders(sim)) == 1
    assert_refused(sim.post("/api/v1/operations/order_cancel", headers=EVIL), 403, "CROSS_SITE_FORBIDDEN")
    fetch = {"Sec-Fetch-Site": "cross-site"}  # a browser that left Origin out still says where it came from
    assert_refused(sim.post("/api/v1/operations/order_cancel", headers=fetch), 403, "CROSS_SITE_FORBIDDEN")
    assert len(open_orders(sim)) == 1


def test_a_cross_site_post_cannot_resume_after_a_pause(sim: TestClient) -> None:
    assert sim.post("/api/v1/system/pause", json={"reason": "止损"}).status_code == 200
    assert_refused(sim.post("/api/v1/system/resume", headers=EVIL), 403, "CROSS_SITE_FORBIDDEN")
    assert sim.get("/api/v1/system/risk").json()["data"]["trading"]["paused"] is True


def test_a_cross_site_post_cannot_pause_reset_or_reconnect(sim: TestClient) -> None:
    assert_refused(sim.post("/api/v1/system/pause", headers=EVIL), 403, "CROSS_SITE_FORBIDDEN")
    assert sim.get("/api/v1/system/risk").json()["data"]["trading"]["paused"] is False
    assert_refused(sim.post("/api/v1/sim/reset", headers=EVIL), 403, "CROSS_SITE_FORBIDDEN")
    assert len(open_orders(sim)) == 1  # the paper account was not wiped
    assert_refused(sim.post("/api/v1/system/reconnect", headers=EVIL), 403, "CROSS_SITE_FORBIDDEN")
    r = sim.post("/api/v1/operations/condition_order_cancel", headers={"Origin": "null"})  # a sandboxed frame
    assert_refused(r, 403, "CROSS_SITE_FORBIDDEN")
    r = sim.delete("/api/v1/operations/whatever", headers={"Origin": "http://localhost:3000"})  # another local port
    assert_refused(r, 403, "CROSS_SITE_FORBIDDEN")


def test_scripts_the_dashboard_and_listed_origins_keep_working(tmp_path: Path) -> None:
    with sim_client(tmp_path, cors_origins="http://localhost:3000") as c:
        assert c.post("/api/v1/system/pause").status_code == 200  # a script: no Origin
        own = {"Origin": "http://127.0.0.1:7648", "Host": "127.0.0.1:7648", "Sec-Fetch-Site": "same-origin"}
        assert c.post("/api/v1/system/resume", headers=own).status_code == 200  # the dashboard
        listed = {"Origin": "http://localhost:3000", "Sec-Fetch-Site": "same-site"}
        assert c.post("/api/v1/system/pause", headers=listed).status_code == 200
        assert c.get("/api/v1/system/health", headers=EVIL).status_code == 200  # reads stay CORS's business


def test_a_listed_origin_is_matched_as_the_browser_writes_it(tmp_path: Path) -> None:
    """`HTTP://LocalHost:3000/` in the settings: the cross-site check and the CORS answers both
    take it as the browser's `http://localhost:3000` (CORS compared it verbatim and never matched)."""
    with sim_client(tmp_path, cors_origins="HTTP://LocalHost:3000/") as c:
        listed = {"Origin": "http://localhost:3000", "Sec-Fetch-Site": "same-site"}
        r = c.post("/api/v1/system/pause", headers=listed)
        assert r.status_code == 200 and r.headers["access-control-allow-origin"] == "http://localhost:3000"
        pre = c.options("/api/v1/system/resume", headers={**listed, "Access-Control-Request-Method": "POST"})
        assert pre.status_code == 200 and pre.headers["access-control-allow-origin"] == "http://localhost:3000"


def test_a_wildcard_cors_origin_counts_only_with_a_key(tmp_path: Path) -> None:
    with sim_client(tmp_path / "a", cors_origins="*") as c:
        assert_refused(c.post("/api/v1/system/pause", headers=EVIL), 403, "CROSS_SITE_FORBIDDEN")
    key = {"Authorization": "Bearer " + "k" * 16}
    with sim_client(tmp_path / "b", cors_origins="*", key="k" * 16) as c:
        assert c.post("/api/v1/system/pause", headers={**EVIL, **key}).status_code == 200


def test_two_authorization_headers_are_a_bad_request(tmp_path: Path) -> None:
    with sim_client(tmp_path, key="k" * 16) as c:
        headers = [("Authorization", "Bearer " + "k" * 16), ("Authorization", "Bearer wrong")]
        r = c.get("/api/v1/system/health", headers=headers)
    assert r.status_code == 400 and r.json()["error_code"] == "BAD_REQUEST"
    assert "Authorization" in r.json()["message"]
