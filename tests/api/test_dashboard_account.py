"""The dashboard's account read: reuses what is fresh, joins what is queued, queries below every
client priority, and queries again once something changed the account."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from easyths.api.app import create_app
from easyths.engine.scheduler import BACKGROUND_PRIORITY
from tests.conftest import make_settings
from tests.fakes import FakeBroker

URL = "/api/v1/dashboard/account"
BUY = {"params": {"stock_code": "600000", "price": 10.5, "quantity": 100}}


def read(client: TestClient, **params: float) -> dict:
    r = client.get(URL, params=params)
    assert r.status_code == 200, r.text
    return r.json()["data"]


def sources(data: dict) -> set[str]:
    return {q["source"] for q in data.values()}


def test_the_first_read_queries_at_background_priority_and_the_next_reuses_it(client: TestClient) -> None:
    first = read(client)
    assert set(first) == {"funds_query", "holding_query", "order_query"} and sources(first) == {"new"}
    assert all(q["status"] == "success" and q["data"] is not None for q in first.values())
    assert "holdings" in first["holding_query"]["data"] and "orders" in first["order_query"]["data"]
    records = client.app.state.engine.journal.recent(None, 10)
    assert sorted(r.priority for r in records) == [BACKGROUND_PRIORITY] * 3
    again = read(client)
    assert sources(again) == {"cache"}
    assert {k: v["operation_id"] for k, v in again.items()} == {k: v["operation_id"] for k, v in first.items()}
    assert len(client.app.state.engine.journal.recent(None, 10)) == 3


def test_an_order_a_broker_event_or_max_age_0_makes_the_next_read_query_again(client: TestClient) -> None:
    feed = client.app.state.account_feed
    read(client)
    r = client.post("/api/v1/operations/buy?wait=5", json=BUY).json()
    assert r["data"]["status"] == "success"
    assert sources(read(client)) == {"new"}
    assert sources(read(client)) == {"cache"}
    feed.on_broker_event({"type": "fill", "stock_code": "600000"})
    assert sources(read(client)) == {"new"}
    assert sources(read(client, max_age=0)) == {"new"}
    assert feed.submitted == 12


def test_a_strategys_own_query_with_the_same_params_is_reused(client: TestClient) -> None:
    r = client.post("/api/v1/operations/holding_query?wait=5", json={"params": {"return_type": "json"}}).json()
    data = read(client)
    assert data["holding_query"]["source"] == "cache"
    assert data["holding_query"]["operation_id"] == r["data"]["operation_id"]
    assert data["funds_query"]["source"] == "new"


def test_tabs_share_queued_queries_and_a_later_order_runs_before_them(client: TestClient, fake: FakeBroker) -> None:
    engine = client.app.state.engine
    fake.gate.clear()  # the first order holds the worker
    try:
        first = client.post("/api/v1/operations/buy", json=BUY).json()["data"]["operation_id"]
        assert fake.entered.wait(5)
        tab1 = read(client, wait=0.1)
        assert sources(tab1) == {"new"} and {q["status"] for q in tab1.values()} == {"queued"}
        order = client.post("/api/v1/operations/sell", json=BUY).json()["data"]
        assert order["queue_position"] == 0  # ahead of the dashboard's three
        tab2 = read(client, wait=0.1)
        assert sources(tab2) == {"joined"}
        assert {q["operation_id"] for q in tab2.values()} == {q["operation_id"] for q in tab1.values()}
    finally:
        fake.gate.set()
    engine.wait_until(lambda: engine.stats()["queued_count"] == 0 and not engine.stats()["worker_busy"], 10)
    sell = engine.get(order["operation_id"])
    queries = [engine.get(q["operation_id"]) for q in tab1.values()]
    assert engine.get(first).status.value == "success" and sell.status.value == "success"
    assert all(sell.started_at < q.started_at for q in queries)
    assert client.app.state.account_feed.submitted == 3


def test_the_read_is_behind_the_api_key(tmp_path: Path, fake: FakeBroker) -> None:
    with TestClient(
        create_app(make_settings(tmp_path, api={"key": "k" * 16}), broker=fake), base_url="http://127.0.0.1"
    ) as c:
        assert c.get(URL).status_code == 401
        assert c.get(URL, headers={"Authorization": "Bearer " + "k" * 16}).status_code == 200
