"""What a pause does to condition orders: on the sim an armed condition does not fire during the
pause, and one still met at resume fires then; on a backend whose conditions live in the client
(THS) the answer says the pause cannot stop them, and `cancel_conditions` deletes them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from easyths.api.app import create_app
from easyths.domain.commands import CommandKind
from tests.conftest import make_settings
from tests.fakes import FakeBroker

CONDITION = {"params": {"stock_code": "600000", "target_price": 10.0, "quantity": 100}}


@pytest.fixture
def sim(tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(create_app(make_settings(tmp_path)), base_url="http://127.0.0.1") as c:
        quote(c, 10.5)
        r = c.post("/api/v1/operations/condition_buy?wait=10", json=CONDITION)
        assert r.json()["data"]["status"] == "success", r.text
        yield c


def quote(c: TestClient, price: float) -> None:
    r = c.put("/api/v1/sim/quotes/600000", json={"price": price, "prev_close": 10.4})
    assert r.status_code == 200, r.text


def query(c: TestClient, name: str) -> list[dict[str, Any]]:
    r = c.post(f"/api/v1/operations/{name}?wait=10", json={"params": {}}).json()
    data = r["data"]["result"]["data"]
    return data["orders"] if name == "order_query" else data["condition_orders"]


def test_a_condition_crossing_during_a_pause_does_not_fire_and_fires_at_resume_if_still_met(
    sim: TestClient,
) -> None:
    paused = sim.post("/api/v1/system/pause", json={"reason": "盘中异常"}).json()
    assert paused["data"]["conditions_held"] is True and "条件单" in paused["message"]
    quote(sim, 9.9)  # the trigger is crossed while paused
    assert query(sim, "order_query") == []
    assert [c["状态"] for c in query(sim, "condition_order_query")] == ["未触发"]
    resumed = sim.post("/api/v1/system/resume").json()
    assert resumed["data"]["conditions_fired"] == 1 and "1 个条件单已触发" in resumed["message"]
    orders = query(sim, "order_query")
    assert len(orders) == 1 and orders[0]["操作"] == "买入"


def test_a_condition_met_only_during_the_pause_keeps_waiting_after_it(sim: TestClient) -> None:
    sim.post("/api/v1/system/pause")
    quote(sim, 9.9)
    quote(sim, 10.3)  # back above the trigger before the resume
    assert sim.post("/api/v1/system/resume").json()["data"]["conditions_fired"] == 0
    assert query(sim, "order_query") == []
    assert [c["状态"] for c in query(sim, "condition_order_query")] == ["未触发"]
    quote(sim, 9.9)  # after the resume it fires as usual
    assert len(query(sim, "order_query")) == 1


def test_a_pause_survives_a_restart_with_the_conditions_still_held(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    with TestClient(create_app(settings), base_url="http://127.0.0.1") as c:
        quote(c, 10.5)
        c.post("/api/v1/operations/condition_buy?wait=10", json=CONDITION)
        c.post("/api/v1/system/pause")
    with TestClient(create_app(settings), base_url="http://127.0.0.1") as c:
        quote(c, 9.9)
        assert query(c, "order_query") == []


def test_cancel_conditions_deletes_them_with_the_pause(sim: TestClient) -> None:
    r = sim.post("/api/v1/system/pause", json={"cancel_conditions": True}).json()
    op = r["data"]["condition_cancel_operation_id"]
    done = sim.get(f"/api/v1/operations/{op}/result", params={"timeout": 10}).json()
    assert done["success"] is True, done
    assert query(sim, "condition_order_query") == []


def test_where_conditions_live_in_the_client_the_pause_says_it_cannot_stop_them(tmp_path: Path) -> None:
    fake = FakeBroker()
    with TestClient(create_app(make_settings(tmp_path), broker=fake), base_url="http://127.0.0.1") as c:
        r = c.post("/api/v1/system/pause").json()
        assert r["data"]["conditions_held"] is False
        assert "客户端" in r["message"] and "cancel_conditions" in r["message"]
        r = c.post("/api/v1/system/pause", json={"cancel_conditions": True}).json()
        done = c.get(f"/api/v1/operations/{r['data']['condition_cancel_operation_id']}/result", params={"timeout": 10})
        assert done.json()["success"] is True
    sent = [(cmd.kind, cmd.code) for cmd in fake.commands]
    assert sent == [(CommandKind.CANCEL_CONDITIONS, None)]  # every condition order, all codes
