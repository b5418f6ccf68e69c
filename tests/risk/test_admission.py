"""Risk limits and the kill switch behind the real app: refused at submit with nothing queued,
counted in the journal so the limits and the pause survive a restart."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from easyths.api.app import create_app
from tests.conftest import make_settings
from tests.fakes import FakeBroker

ORDERS = {
    "buy": {"stock_code": "600000", "price": 10.5, "quantity": 100},
    "sell": {"stock_code": "600000", "price": 10.5, "quantity": 100},
    "market_buy": {"stock_code": "600000", "quantity": 100},
    "market_sell": {"stock_code": "600000", "quantity": 100},
    "condition_buy": {"stock_code": "600000", "target_price": 10.0, "quantity": 100},
    "condition_sell": {"stock_code": "600000", "target_price": 11.0, "quantity": 100},
    "stop_loss_profit": {"stock_code": "600000", "stop_loss_percent": 3, "stop_profit_percent": 5},
    "reverse_repo_buy": {"market": "上海", "time_range": "1天期", "amount": 1000},
}


@contextmanager
def service(tmp_path: Path, fake: FakeBroker | None = None, **risk: object) -> Iterator[TestClient]:
    settings = (
        make_settings(tmp_path, risk=risk, queue={"operation_timeout": 5})
        if risk
        else make_settings(tmp_path, queue={"operation_timeout": 5})
    )
    with TestClient(create_app(settings, broker=fake or FakeBroker()), base_url="http://127.0.0.1") as c:
        yield c


def post(c: TestClient, name: str, params: dict, **kw: object) -> object:
    return c.post(f"/api/v1/operations/{name}", json={"params": params}, **kw)  # type: ignore[arg-type]


def total(c: TestClient) -> int:
    return c.get("/api/v1/queue/stats").json()["data"]["total_count"]


def assert_risk_denied(r: object, rule: str) -> dict:
    assert r.status_code == 403, r.text  # type: ignore[attr-defined]
    body = r.json()  # type: ignore[attr-defined]
    assert body["success"] is False and body["error_code"] == "RISK_LIMIT"
    assert body["details"]["rule"] == rule and "风控拒绝" in body["message"]
    return body


def test_every_order_operation_is_checked_and_nothing_is_queued(tmp_path: Path) -> None:
    with service(tmp_path, deny_codes=["600000", "204001"]) as c:
        for name, params in ORDERS.items():
            assert_risk_denied(post(c, name, params), "deny_codes")
        assert total(c) == 0
        assert post(c, "order_cancel", {"stock_code": "600000"}).status_code == 200  # a cancel is not an order
        assert post(c, "holding_query", {}).status_code == 200


def test_the_old_max_order_amount_setting_is_honoured(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, trading={"max_order_amount": 5000})
    with TestClient(create_app(settings, broker=FakeBroker()), base_url="http://127.0.0.1") as c:
        body = assert_risk_denied(
            post(c, "buy", {"stock_code": "600000", "price": 10.5, "quantity": 500}), "max_order_value"
        )
        assert "5250" in body["message"] and "5000" in body["message"]
        assert post(c, "buy", {"stock_code": "600000", "price": 10.5, "quantity": 400}).status_code == 200
        assert c.get("/api/v1/system/risk").json()["data"]["limits"]["max_order_value"] == 5000


def test_risk_max_order_value_overrides_the_old_setting(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, trading={"max_order_amount": 5000}, risk={"max_order_value": 0})
    with TestClient(create_app(settings, broker=FakeBroker()), base_url="http://127.0.0.1") as c:
        assert post(c, "buy", {"stock_code": "600000", "price": 10.5, "quantity": 50000}).status_code == 200


def test_the_day_limit_survives_a_restart_and_shows_at_system_risk(tmp_path: Path) -> None:
    limits = {"max_orders_per_day": 2, "max_orders_per_code_per_day": 5}
    with service(tmp_path, **limits) as c:
        assert post(c, "buy", ORDERS["buy"]).status_code == 200
        assert post(c, "sell", ORDERS["sell"]).status_code == 200
    with service(tmp_path, **limits) as c:
        assert_risk_denied(post(c, "buy", {**ORDERS["buy"], "price": 10.6}), "max_orders_per_day")
        data = c.get("/api/v1/system/risk").json()["data"]
        assert data["today"]["orders"] == 2 and data["today"]["orders_by_code"] == {"600000": 2}
        assert data["today"]["denied"] == {"max_orders_per_day": 1}
        assert data["limits"]["max_orders_per_day"] == 2 and data["trading"]["paused"] is False


def test_the_per_code_limit_counts_per_code(tmp_path: Path) -> None:
    with service(tmp_path, max_orders_per_code_per_day=1) as c:
        assert post(c, "buy", ORDERS["buy"]).status_code == 200
        assert_risk_denied(post(c, "market_buy", ORDERS["market_buy"]), "max_orders_per_code_per_day")
        assert post(c, "buy", {**ORDERS["buy"], "stock_code": "000001"}).status_code == 200


def test_an_order_cancelled_in_the_queue_stops_counting(tmp_path: Path) -> None:
    fake = FakeBroker()
    fake.gate.clear()
    with service(tmp_path, fake, max_orders_per_day=2) as c:
        post(c, "buy", ORDERS["buy"])
        assert fake.entered.wait(5)
        queued = post(c, "sell", ORDERS["sell"]).json()["data"]["operation_id"]
        assert c.delete(f"/api/v1/operations/{queued}").status_code == 200
        assert c.get("/api/v1/system/risk").json()["data"]["today"]["orders"] == 1
        assert post(c, "sell", ORDERS["sell"]).status_code == 200
        fake.gate.set()


def test_quantity_limit_and_duplicate_guard_through_the_api(tmp_path: Path) -> None:
    with service(tmp_path, max_order_quantity=1000, duplicate_window=30) as c:
        assert_risk_denied(post(c, "market_sell", {**ORDERS["market_sell"], "quantity": 1100}), "max_order_quantity")
        assert post(c, "buy", ORDERS["buy"]).status_code == 200
        assert_risk_denied(post(c, "buy", ORDERS["buy"]), "duplicate_window")


def test_a_retried_submit_with_the_same_key_returns_the_original_and_is_not_rechecked(tmp_path: Path) -> None:
    with service(tmp_path, duplicate_window=30) as c:
        first = post(c, "buy", ORDERS["buy"], headers={"Idempotency-Key": "k1"}).json()["data"]
        again = post(c, "buy", ORDERS["buy"], headers={"Idempotency-Key": "k1"})
        assert again.status_code == 200 and again.json()["data"]["operation_id"] == first["operation_id"]


def test_the_allow_list_and_trading_hours_refuse_through_the_api(tmp_path: Path) -> None:
    with service(tmp_path, allow_codes=["000001"]) as c:
        assert_risk_denied(post(c, "buy", ORDERS["buy"]), "allow_codes")
    with service(tmp_path, trading_hours=["00:00-00:00:01"]) as c:
        assert_risk_denied(post(c, "buy", ORDERS["buy"]), "trading_hours")


def test_pause_refuses_orders_lets_queries_run_and_survives_a_restart(tmp_path: Path) -> None:
    with service(tmp_path) as c:
        r = c.post("/api/v1/system/pause", json={"reason": "策略异常"})
        assert r.status_code == 200 and r.json()["data"]["paused"] is True
        refused = post(c, "buy", ORDERS["buy"])
        assert refused.status_code == 503
        assert refused.json()["error_code"] == "TRADING_PAUSED" and "策略异常" in refused.json()["message"]
        assert post(c, "holding_query", {}).status_code == 200
        assert post(c, "order_cancel", {}).status_code == 200
    with service(tmp_path) as c:
        health = c.get("/api/v1/system/health").json()["data"]["components"]["trading"]
        assert health["paused"] is True and health["reason"] == "策略异常"
        assert post(c, "reverse_repo_buy", ORDERS["reverse_repo_buy"]).status_code == 503
        assert c.post("/api/v1/system/resume").json()["data"]["paused"] is False
        assert post(c, "buy", ORDERS["buy"]).status_code == 200
    with service(tmp_path) as c:
        assert c.get("/api/v1/system/health").json()["data"]["components"]["trading"]["paused"] is False


def test_pause_can_cancel_the_orders_still_in_the_queue(tmp_path: Path) -> None:
    fake = FakeBroker()
    fake.gate.clear()
    with service(tmp_path, fake) as c:
        running = post(c, "buy", ORDERS["buy"]).json()["data"]["operation_id"]
        assert fake.entered.wait(5)
        queued = post(c, "sell", ORDERS["sell"]).json()["data"]["operation_id"]
        query = post(c, "funds_query", {}).json()["data"]["operation_id"]
        r = c.post("/api/v1/system/pause", json={"cancel_queued": True}).json()
        assert r["data"]["cancelled"] == [queued] and "1 笔" in r["message"]
        fake.gate.set()
        assert c.get(f"/api/v1/operations/{running}/result", params={"timeout": 5}).json()["success"] is True
        assert c.get(f"/api/v1/operations/{query}/result", params={"timeout": 5}).json()["success"] is True
        assert c.get(f"/api/v1/operations/{queued}/status").json()["data"]["status"] == "cancelled"


def test_an_unreadable_pause_state_counts_as_paused(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir(parents=True)
    (home / "trading_state.json").write_text("{not json", encoding="utf-8")
    with service(tmp_path) as c:
        assert post(c, "buy", ORDERS["buy"]).status_code == 503
        c.post("/api/v1/system/resume")
        assert post(c, "buy", ORDERS["buy"]).status_code == 200


@pytest.mark.parametrize("name", ["order_cancel", "condition_order_cancel", "account_query"])
def test_non_orders_pass_even_when_every_code_is_denied(tmp_path: Path, name: str) -> None:
    with service(tmp_path, allow_codes=["999999"], max_orders_per_day=1) as c:
        assert post(c, name, {}).status_code == 200


def test_on_the_sim_the_day_limit_and_trading_hours_follow_its_virtual_clock(tmp_path: Path) -> None:
    """A rehearsal moves the sim's clock by days: the daily count starts again on each rehearsed
    day (it used to stay full until the wall-clock midnight), and the allowed hours are the sim's."""
    settings = make_settings(tmp_path, risk={"max_orders_per_day": 1, "trading_hours": ["09:30-11:30", "13:00-15:00"]})
    with TestClient(create_app(settings), base_url="http://127.0.0.1") as c:
        c.put("/api/v1/sim/quotes/600000", json={"price": 10.5, "pre_close": 10.4})
        day1 = c.get("/api/v1/system/risk").json()["data"]["today"]["date"]
        assert post(c, "buy", ORDERS["buy"]).status_code == 200
        assert_risk_denied(post(c, "buy", ORDERS["buy"]), "max_orders_per_day")
        assert c.post("/api/v1/sim/clock/advance", json={"days": 1}).status_code == 200
        assert c.get("/api/v1/system/risk").json()["data"]["today"]["date"] != day1
        assert post(c, "buy", ORDERS["buy"]).status_code == 200
        evening = c.get("/api/v1/sim/state").json()["data"]["clock"][:10] + "T20:00:00"
        assert c.post("/api/v1/sim/clock/advance", json={"to": evening}).status_code == 200
        c.post("/api/v1/sim/clock/advance", json={"days": 1})  # next session, the count is fresh again
        later = c.get("/api/v1/sim/state").json()["data"]["clock"][:10] + "T19:00:00"
        c.post("/api/v1/sim/clock/advance", json={"to": later})
        assert_risk_denied(post(c, "buy", ORDERS["buy"]), "trading_hours")
