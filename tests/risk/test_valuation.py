"""The value cap over orders that have no price of their own, behind the real app: market orders
valued at what the broker freezes (sim) or the request's protect_price (THS, no quotes), stop-loss
orders at their take-profit trigger and the quantity held, and a condition checked again when it
triggers in the sim. The cap is `[risk].max_order_value` = 50,000 yuan throughout."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from easyths.api.app import create_app
from easyths.brokers.factory import create_broker
from tests.conftest import make_settings

CAP = {"max_order_value": 50000}
MONDAY = "2026-11-30T09:30:00+08:00"  # a trading day, continuous trading


@contextmanager
def service(tmp_path: Path, backend: str = "sim") -> Iterator[TestClient]:
    settings = make_settings(
        tmp_path,
        risk=CAP,
        broker={"backend": backend},
        sim={"clock": "virtual", "start": MONDAY, "quotes": "manual"},
        queue={"operation_timeout": 10},
    )
    broker = create_broker(settings)
    try:
        with TestClient(create_app(settings, broker=broker), base_url="http://127.0.0.1") as client:
            quote = client.put("/api/v1/sim/quotes/600000", json={"price": 10.0, "prev_close": 10.0})
            assert quote.status_code == 200, quote.text
            yield client
    finally:
        broker.close()


def run(c: TestClient, name: str, params: dict[str, Any]) -> dict[str, Any]:
    return c.post(f"/api/v1/operations/{name}?wait=10", json={"params": params}).json()


def refused_by_the_cap(body: dict[str, Any]) -> str:
    assert body["success"] is False and body["error_code"] == "RISK_LIMIT", body
    assert body["details"]["rule"] == "max_order_value"
    return str(body["message"])


def succeeded(body: dict[str, Any]) -> dict[str, Any]:
    assert body["success"] is True and body["data"]["status"] == "success", body
    return body["data"]["result"]["data"]


def test_a_market_buy_is_valued_at_the_limit_up_price_the_broker_freezes(tmp_path: Path) -> None:
    with service(tmp_path) as c:
        # 4,600 × 10.00 = 46,000 is under the cap; at the limit-up 11.00 it is 50,600: refused
        message = refused_by_the_cap(run(c, "market_buy", {"stock_code": "600000", "quantity": 4600}))
        assert "50600" in message and "50000" in message
        succeeded(run(c, "market_buy", {"stock_code": "600000", "quantity": 4500}))  # 49,500 at 11.00


def test_a_market_sell_over_the_cap_at_the_latest_price_is_refused(tmp_path: Path) -> None:
    with service(tmp_path) as c:
        message = refused_by_the_cap(run(c, "market_sell", {"stock_code": "600000", "quantity": 5100}))
        assert "51000" in message
        assert c.get("/api/v1/queue/stats").json()["data"]["total_count"] == 0  # nothing queued


def test_a_stop_loss_is_valued_at_its_take_profit_trigger_and_the_quantity_held(tmp_path: Path) -> None:
    with service(tmp_path) as c:
        succeeded(run(c, "buy", {"stock_code": "600000", "price": 10.0, "quantity": 4000}))
        stop = {"stock_code": "600000", "stop_loss_percent": 3, "stop_profit_percent": 30}
        # no quantity: the 4,000 held, at about 13.00 (cost +30%) = 52,000 > 50,000
        refused_by_the_cap(run(c, "stop_loss_profit", stop))
        refused_by_the_cap(run(c, "stop_loss_profit", {**stop, "quantity": 4000}))
        data = succeeded(run(c, "stop_loss_profit", {**stop, "stop_profit_percent": 20, "quantity": 3000}))
        assert data["condition_id"]


def test_a_condition_that_grew_past_the_cap_is_refused_when_it_triggers(tmp_path: Path) -> None:
    """Armed under the cap with no quantity (3,000 available → 31,500 at +5%), it sells all that
    is available when it fires two days later: 5,000 × 10.60 = 53,000, refused then, as a 废单."""
    with service(tmp_path) as c:
        succeeded(run(c, "buy", {"stock_code": "600000", "price": 10.0, "quantity": 3000}))
        assert c.post("/api/v1/sim/clock/advance", json={"days": 1}).status_code == 200  # T+1: sellable
        stop = {"stock_code": "600000", "stop_loss_percent": 3, "stop_profit_percent": 5}
        cid = succeeded(run(c, "stop_loss_profit", stop))["condition_id"]
        succeeded(run(c, "buy", {"stock_code": "600000", "price": 10.0, "quantity": 2000}))
        assert c.post("/api/v1/sim/clock/advance", json={"days": 1}).status_code == 200
        assert c.put("/api/v1/sim/quotes/600000", json={"price": 10.6}).status_code == 200
        orders = succeeded(run(c, "order_query", {}))["orders"]
        [fired] = [o for o in orders if o["操作"] == "卖出"]
        assert fired["备注"] == "废单" and fired["委托数量"] == 5000
        conditions = succeeded(run(c, "condition_order_query", {}))["condition_orders"]
        assert all(row["条件单编号"] != cid for row in conditions)  # it fired once, not again


def test_on_the_emulated_client_a_market_order_needs_protect_price_while_a_cap_is_on(tmp_path: Path) -> None:
    with service(tmp_path, backend="emulator") as c:
        message = refused_by_the_cap(run(c, "market_buy", {"stock_code": "600000", "quantity": 100}))
        assert "protect_price" in message and "50000" in message
        refused_by_the_cap(run(c, "market_buy", {"stock_code": "600000", "quantity": 5000, "protect_price": 11}))
        data = succeeded(run(c, "market_buy", {"stock_code": "600000", "quantity": 100, "protect_price": 11}))
        assert data["合同编号"]
