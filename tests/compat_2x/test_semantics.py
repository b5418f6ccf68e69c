"""2.x status/result/cancel semantics, and the per-request contract switch in both directions."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from easyths.api.app import create_app
from tests.compat_2x.conftest import serve
from tests.conftest import make_settings
from tests.fakes import FakeBroker

V2 = {"X-EasyTHS-Contract": "v2"}
V1 = {"X-EasyTHS-Contract": "v1"}
ENVELOPE = {"success", "status", "message", "error_code", "current_used_account", "data", "timestamp"}


def _make(tmp_path: Path, fake: FakeBroker, contract: str) -> FastAPI:
    settings = make_settings(
        tmp_path, api={"contract": contract}, queue={"operation_timeout": 5, "reconcile_delays": [30]}
    )
    return create_app(settings, broker=fake)


def _app(tmp_path: Path, fake: FakeBroker, contract: str) -> TestClient:
    return TestClient(_make(tmp_path, fake, contract), base_url="http://127.0.0.1")


@pytest.fixture
def held(published: ModuleType, tmp_path: Path, fake: FakeBroker) -> Iterator[tuple[Any, FakeBroker]]:
    """A v2 service whose broker holds the first order until `fake.gate` is set."""
    fake.gate.clear()
    with serve(published, _make(tmp_path, fake, "v2")) as tc:
        try:
            yield tc, fake
        finally:
            fake.gate.set()  # before the server stops, so its shutdown never waits on the gate


def test_status_is_null_success_until_final_and_result_times_out_with_408(
    published: ModuleType, held: tuple[Any, FakeBroker]
) -> None:
    tc, fake = held
    running = tc.execute_operation("buy", {"stock_code": "600000", "price": 10.5, "quantity": 100})
    assert fake.entered.wait(5)
    queued = tc.execute_operation("holding_query", {}, priority=3)
    snap = tc.get_operation_status(queued)
    assert set(snap) == ENVELOPE
    assert snap["success"] is None and snap["status"] == "queued" and snap["data"] is None
    assert tc.get_operation_status(running)["status"] == "running"
    with pytest.raises(published.TradeClientError) as err:
        tc.get_operation_result(running, timeout=0.05)
    assert err.value.status_code == 408
    assert tc.cancel_operation(queued) is True
    cancelled = tc.get_operation_result(queued)
    assert cancelled["success"] is False and cancelled["status"] == "cancelled"
    assert cancelled["error_code"] == "cancelled"
    with pytest.raises(published.TradeClientError) as err:
        tc.cancel_operation(running)  # already running: 2.x answers 404 not_found
    assert err.value.status_code == 404
    fake.gate.set()
    done = tc.get_operation_result(running, timeout=5)
    assert done["success"] is True and done["status"] == "completed"
    assert done["data"] == {"stock_code": "600000", "price": 10.5, "quantity": 100, "contract_no": "1001"}


def test_an_unobserved_order_stays_unknown_never_success(published: ModuleType, tmp_path: Path) -> None:
    fake = FakeBroker()
    fake.unknown = True
    with serve(published, _make(tmp_path, fake, "v2")) as tc:
        result = tc.buy("600000", 10.5, 100, timeout=5)
        assert result["success"] is None and result["status"] == "unknown"
        assert result["error_code"] == "timeout" and "勿直接重复提交" in result["message"]
        assert result["data"] is None


def test_default_v1_serves_v2_to_a_request_that_asks(tmp_path: Path, fake: FakeBroker) -> None:
    with _app(tmp_path, fake, "v1") as http:
        body = {"params": {"stock_code": "600000", "price": 10.5, "quantity": 100}}
        v1 = http.post("/api/v1/operations/buy?wait=5", json=body)
        assert v1.headers["X-EasyTHS-Contract"] == "v1"
        assert v1.json()["data"]["result"]["data"]["合同编号"] == "1001"
        sub = http.post("/api/v1/operations/holding_query", json={}, headers=V2)
        assert sub.headers["X-EasyTHS-Contract"] == "v2"
        assert set(sub.json()) == ENVELOPE and sub.json()["success"] is None
        op = sub.json()["data"]["operation_id"]
        v2 = http.get(f"/api/v1/operations/{op}/result", headers=V2).json()
        assert v2["data"] == [
            {
                "stock_code": "000001",
                "stock_name": "平安银行",
                "quantity": 100,
                "available_quantity": 100,
                **{k: None for k in ("frozen_quantity", "cost_price", "current_price", "floating_profit")},
                **{k: None for k in ("profit_ratio", "daily_profit", "daily_profit_ratio", "market_value")},
                **{k: None for k in ("position_ratio", "daily_bought", "daily_sold", "market")},
            }
        ]
        same = http.get(f"/api/v1/operations/{op}/result").json()
        assert same["data"]["holdings"][0]["股票余额"] == 100
        missing = http.get("/api/v1/operations/nope/status", headers=V2)
        assert missing.status_code == 404 and missing.json()["error_code"] == "not_found"
        assert http.get("/api/v1/operations/nope/status").json()["error_code"] == "NOT_FOUND"


def test_default_v2_serves_v1_to_a_request_that_asks(tmp_path: Path, fake: FakeBroker) -> None:
    with _app(tmp_path, fake, "v2") as http:
        v2 = http.get("/api/v1/queue/stats").json()
        assert set(v2) == ENVELOPE and "total_processed" in v2["data"]
        v1 = http.get("/api/v1/queue/stats", headers=V1)
        assert v1.headers["X-EasyTHS-Contract"] == "v1"
        assert "current_used_account" not in v1.json() and "total_processed" not in v1.json()["data"]
        listing = http.get("/api/v1/operations/", headers=V1).json()["data"]["operations"]["buy"]
        assert listing["parameters"]["stock_code"]["required"] is True  # the reference's listing
        bad = http.post("/api/v1/operations/buy", json={"stock_code": "600000"}, headers=V1)
        assert bad.status_code == 422 and bad.json()["error_code"] == "INVALID_PARAMS"
        bad2 = http.post("/api/v1/operations/buy", json={"stock_code": "600000"})
        assert bad2.status_code == 422 and bad2.json()["error_code"] == "invalid_params"
        assert set(bad2.json()) == ENVELOPE


def test_an_unknown_contract_header_is_refused(tmp_path: Path, fake: FakeBroker) -> None:
    with _app(tmp_path, fake, "v1") as http:
        r = http.get("/api/v1/queue/stats", headers={"X-EasyTHS-Contract": "v3"})
        assert r.status_code == 422 and r.json()["error_code"] == "INVALID_PARAMS"


def test_auth_errors_use_the_2x_codes(tmp_path: Path, fake: FakeBroker, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = make_settings(tmp_path, api={"contract": "v2", "key": "s3cret"})
    with TestClient(create_app(settings, broker=fake), base_url="http://127.0.0.1") as http:
        r = http.get("/api/v1/system/health")
        assert r.status_code == 401 and r.json()["error_code"] == "unauthorized"
        assert set(r.json()) == ENVELOPE
        ok = http.get("/api/v1/system/health", headers={"Authorization": "Bearer s3cret"})
        assert ok.json()["success"] is True


@pytest.mark.parametrize("contract", ["v1", "v2"])
def test_openapi_shows_the_result_schemas_of_the_configured_contract(
    tmp_path: Path, fake: FakeBroker, contract: str
) -> None:
    with _app(tmp_path, fake, contract) as http:
        doc = http.get("/openapi.json").json()
    assert doc["x-easyths-contract"] == contract
    per_op = doc["x-result-schemas"]
    assert len(per_op) == 21
    schemas = doc["components"]["schemas"]
    buy = schemas[per_op["buy"]["$ref"].rsplit("/", 1)[1]]
    holdings = schemas[per_op["holding_query"]["$ref"].rsplit("/", 1)[1]]
    if contract == "v2":
        assert "contract_no" in buy["properties"]
        assert holdings["type"] == "array"
        assert "available_quantity" in schemas["HoldingRow"]["properties"]
    else:
        assert "合同编号" in buy["properties"]
        assert "可用余额" in holdings["properties"]["holdings"]["items"]["properties"]
    assert doc["paths"]["/api/v1/operations/buy"]["post"]["x-result-schema"] == per_op["buy"]
    route = doc["paths"]["/api/v1/operations/{operation_id}/result"]["get"]["responses"]["200"]
    assert contract in route["description"]


def test_our_sdk_keeps_speaking_v1_to_a_service_configured_for_v2(tmp_path: Path) -> None:
    from easyths.client import AppTransport, Client
    from tests.client.test_sdk import paper_trade

    app = create_app(make_settings(tmp_path, api={"contract": "v2"}))
    with Client(transport=AppTransport(app)) as client:
        paper_trade(client)


@pytest.mark.parametrize(
    ("error", "code"),
    [
        ("easyths.errors:BrokerUnavailable", "not_connected"),
        ("easyths.errors:ControlNotFound", "ui_error"),
        ("easyths.errors:BrokerRejected", "client_rejected"),
    ],
)
def test_a_failed_query_says_why_in_2x_codes(
    published: ModuleType, tmp_path: Path, fake: FakeBroker, monkeypatch: pytest.MonkeyPatch, error: str, code: str
) -> None:
    import importlib

    module, name = error.split(":")
    exc = getattr(importlib.import_module(module), name)

    def broken() -> list:
        raise exc("同花顺未登录")

    monkeypatch.setattr(fake, "holdings", broken)
    with serve(published, _make(tmp_path, fake, "v2")) as tc:
        result = tc.query_holdings(timeout=5)
    assert result["success"] is False and result["status"] == "failed"
    assert result["error_code"] == code and "同花顺未登录" in result["message"]


def test_the_journal_listing_names_statuses_the_2x_way(tmp_path: Path, fake: FakeBroker) -> None:
    with _app(tmp_path, fake, "v2") as http:
        op = http.post("/api/v1/operations/funds_query", json={}).json()["data"]["operation_id"]
        assert http.get(f"/api/v1/operations/{op}/result").json()["status"] == "completed"
        rows = http.get("/api/v1/queue/operations").json()["data"]["operations"]
        assert rows[0]["operation_id"] == op and rows[0]["status"] == "completed" and rows[0]["success"] is True
        v1 = http.get("/api/v1/queue/operations", headers=V1).json()["data"]["operations"]
        assert v1[0]["status"] == "success"


def test_safe_serving_refusals_follow_the_request_contract(tmp_path: Path, fake: FakeBroker) -> None:
    settings = make_settings(tmp_path, api={"contract": "v2", "allowed_ips": ["10.0.0.1"]})
    with TestClient(create_app(settings, broker=fake), base_url="http://127.0.0.1") as http:
        r = http.get("/api/v1/system/health")
        assert r.status_code == 403 and set(r.json()) == ENVELOPE and r.json()["error_code"] == "forbidden"
        assert r.headers["X-Request-ID"]
        v1 = http.get("/api/v1/system/health", headers=V1)
        assert v1.status_code == 403 and v1.json()["error_code"] == "IP_FORBIDDEN"
    settings = make_settings(tmp_path, api={"contract": "v2", "rate_limit": 1})
    with TestClient(create_app(settings, broker=fake), base_url="http://127.0.0.1") as http:
        assert http.get("/api/v1/queue/stats").status_code == 200
        limited = http.get("/api/v1/queue/stats")
        assert limited.status_code == 429 and limited.json()["error_code"] == "rate_limited"


def test_a_risk_refusal_is_a_refused_order_in_2x_terms(tmp_path: Path, fake: FakeBroker) -> None:
    settings = make_settings(tmp_path, api={"contract": "v2"}, risk={"deny_codes": ["600000"]})
    with TestClient(create_app(settings, broker=fake), base_url="http://127.0.0.1") as http:
        r = http.post("/api/v1/operations/buy", json={"stock_code": "600000", "price": 10.5, "quantity": 100})
        assert r.status_code == 403 and set(r.json()) == ENVELOPE
        assert r.json()["error_code"] == "client_rejected" and r.json()["success"] is False
        assert not [c for c in fake.calls if c[0] == "place_order"]
