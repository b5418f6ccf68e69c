"""打新 over HTTP on the real app and the sim: the calendar control, ipo_query, ipo_subscribe
(journalled, idempotent, under the kill switch and the deny list) and ipo_allotment_query."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from easyths.api.app import create_app
from easyths.brokers.sim import SimBroker
from easyths.domain.ipo import nth_session
from tests.brokers.sim.support import open_broker
from tests.conftest import make_settings

T = date(2026, 11, 25)
BOND = {
    "stock_code": "113999",
    "subscribe_code": "754999",
    "name": "测试转债",
    "kind": "bond",
    "price": 100,
    "cap": 1000,
    "subscribe_date": T.isoformat(),
    "winning_rate": 1,
    "listing_date": nth_session(T, 5).isoformat(),
}


@pytest.fixture
def sim(tmp_path: Path) -> Iterator[SimBroker]:
    broker = open_broker(tmp_path / "sim.db", datetime(2026, 11, 25, 10, 0), ipo_examples=False)
    yield broker
    broker.close()


def _client(tmp_path: Path, sim: SimBroker, **sections: dict[str, Any]) -> TestClient:
    return TestClient(create_app(make_settings(tmp_path, **sections), broker=sim), base_url="http://127.0.0.1")


@pytest.fixture
def client(tmp_path: Path, sim: SimBroker) -> Iterator[TestClient]:
    with _client(tmp_path, sim) as c:
        assert c.post("/api/v1/sim/ipos", json=BOND).status_code == 200
        yield c


def submit(client: TestClient, name: str, headers: dict[str, str] | None = None, **params: Any) -> Any:
    return client.post(f"/api/v1/operations/{name}", json={"params": params}, headers=headers or {})


def run(client: TestClient, name: str, **params: Any) -> Any:
    r = submit(client, name, **params)
    assert r.status_code == 200, r.text
    op_id = r.json()["data"]["operation_id"]
    return client.get(f"/api/v1/operations/{op_id}/result", params={"timeout": 10}).json()


def test_the_calendar_control_adds_lists_and_refuses_bad_issues(client: TestClient) -> None:
    listed = client.get("/api/v1/sim/ipos").json()["data"]
    assert [(i["stock_code"], i["subscribe_code"], i["source"]) for i in listed] == [("113999", "754999", "api")]
    for bad, said in (
        ({**BOND, "cap": 15}, "cap"),
        ({**BOND, "stock_code": "920001", "kind": "stock"}, "北交所"),
        ({**BOND, "subscribe_date": "2026-11-28"}, "不是交易日"),
        ({**BOND, "stock_code": "113998"}, "已属于"),
        ({**BOND, "winning_rate": 2}, "winning_rate"),
    ):
        r = client.post("/api/v1/sim/ipos", json=bad)
        assert r.status_code == 422 and said in r.json()["message"], r.text
    assert len(client.get("/api/v1/sim/ipos").json()["data"]) == 1


def test_query_subscribe_and_allotments_through_the_operations_api(client: TestClient) -> None:
    query = run(client, "ipo_query")
    assert query["success"] is True
    [issue] = query["data"]["ipo_list"]
    assert (issue["申购代码"], issue["类型"], issue["可申购数量"], issue["已申购"]) == ("754999", "可转债", 1000, False)
    done = run(client, "ipo_subscribe", stock_code="754999", quantity=100)
    assert done["success"] is True, done
    contract = done["data"]["合同编号"]
    orders = run(client, "order_query")["data"]["orders"]
    assert [(o["操作"], o["合同编号"]) for o in orders] == [("配售申购", contract)]
    again = run(client, "ipo_subscribe", stock_code="113999")
    assert again["success"] is False and "第一笔" in again["message"]
    assert len(run(client, "order_query")["data"]["orders"]) == 1
    client.post("/api/v1/sim/clock/advance", json={"days": 2})
    [allot] = run(client, "ipo_allotment_query")["data"]["allotments"]
    assert (allot["状态"], allot["中签数量"], allot["应缴金额"]) == ("中签", 100, 10000)


def test_bad_params_are_422_and_reach_nothing(client: TestClient) -> None:
    for params in ({"stock_code": "75499"}, {"stock_code": "754999", "quantity": 0}, {"code": "754999"}):
        r = submit(client, "ipo_subscribe", **params)
        assert r.status_code == 422 and r.json()["success"] is False, r.text
    assert run(client, "order_query")["data"]["orders"] == []


def test_an_idempotency_key_returns_the_first_subscription(client: TestClient) -> None:
    headers = {"Idempotency-Key": "ipo-2026-11-25-754999"}
    first = submit(client, "ipo_subscribe", headers, stock_code="754999")
    second = submit(client, "ipo_subscribe", headers, stock_code="754999")
    assert first.json()["data"]["operation_id"] == second.json()["data"]["operation_id"]


def test_the_kill_switch_and_the_deny_list_stop_a_subscription(tmp_path: Path, sim: SimBroker) -> None:
    with _client(tmp_path, sim, risk={"deny_codes": ["113999"]}) as client:
        client.post("/api/v1/sim/ipos", json=BOND)
        for code in ("113999", "754999"):  # the list names the 证券代码; its 申购代码 is the same issue
            denied = submit(client, "ipo_subscribe", stock_code=code)
            assert denied.status_code == 403 and "113999" in denied.json()["message"], denied.text
        assert client.post("/api/v1/system/pause", json={"reason": "测试"}).status_code == 200
        paused = submit(client, "ipo_subscribe", stock_code="754999")
        assert paused.status_code == 503 and "交易已暂停" in paused.json()["message"]
        assert run(client, "order_query")["data"]["orders"] == []


def test_on_a_backend_without_ipo_the_query_fails_rather_than_listing_nothing(tmp_path: Path) -> None:
    from tests.fakes import FakeBroker

    with TestClient(create_app(make_settings(tmp_path), broker=FakeBroker()), base_url="http://127.0.0.1") as c:
        result = run(c, "ipo_query")
    assert result["success"] is False and "不支持" in result["message"]


def test_the_value_cap_does_not_apply_to_a_subscription(tmp_path: Path, sim: SimBroker) -> None:
    """Nothing is frozen on T: with a 1,000-yuan cap a 100,000-yuan bond subscription still goes."""
    with _client(tmp_path, sim, risk={"max_order_value": 1000}) as client:
        client.post("/api/v1/sim/ipos", json=BOND)
        done = run(client, "ipo_subscribe", stock_code="754999")
        assert done["success"] is True and done["data"]["quantity"] == 1000, done
