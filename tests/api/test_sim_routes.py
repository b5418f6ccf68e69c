"""The sim's HTTP control surface, and a day of paper trading through the real operations API."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from easyths.api.app import create_app
from easyths.api.envelope import install_error_handlers
from easyths.api.routes.sim import router
from easyths.brokers.base import Side
from easyths.brokers.sim import SimBroker
from tests.brokers.sim.support import D, open_broker
from tests.conftest import make_settings


@pytest.fixture
def sim(tmp_path: Path) -> Iterator[SimBroker]:
    broker = open_broker(tmp_path / "sim.db")
    yield broker
    broker.close()


@pytest.fixture
def control(sim: SimBroker) -> Iterator[TestClient]:
    app = FastAPI()
    install_error_handlers(app)
    app.include_router(router)
    app.state.broker = sim
    with TestClient(app, base_url="http://127.0.0.1") as client:
        yield client


def test_put_quote_sets_the_book_and_fills_a_resting_order(control: TestClient, sim: SimBroker) -> None:
    r = control.put("/api/v1/sim/quotes/600000", json={"price": 10.5, "prev_close": 10.0, "name": "浦发银行"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["success"] is True
    assert body["data"]["price"] == 10.5 and body["data"]["prev_close"] == 10
    sim.place_order(Side.BUY, "600000", D("10.10"), 100)
    control.put("/api/v1/sim/quotes/600000", json={"price": 10.1, "bid": 10.09, "ask": 10.1})
    assert sim.today_orders()[0]["备注"] == "已成"


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/sim/quotes/600000", {"price": -1}),
        ("/api/v1/sim/quotes/600000", {"price": "abc"}),
        ("/api/v1/sim/quotes/600000", {"price": 10, "surprise": 1}),
        ("/api/v1/sim/quotes/600000", {"price": 10, "bid": 10.2, "ask": 10.1}),
        ("/api/v1/sim/quotes/60000X", {"price": 10}),
        ("/api/v1/sim/quotes/６０００００", {"price": 10}),  # full-width digits are not a code
    ],
)
def test_bad_quotes_are_422(control: TestClient, path: str, body: dict[str, Any]) -> None:
    r = control.put(path, json=body)
    assert r.status_code == 422, r.text
    assert r.json()["success"] is False


def test_off_tick_quotes_and_sub_cent_cash_are_422_and_change_nothing(control: TestClient, sim: SimBroker) -> None:
    """10.123 for a stock used to be taken: it traded at 10.123 while the grids showed 10.12."""
    control.put("/api/v1/sim/quotes/600000", json={"price": 10.12})
    for body in ({"price": 10.123}, {"price": 10.12, "bid": 10.115}, {"price": 10.12, "prev_close": 10.001}):
        r = control.put("/api/v1/sim/quotes/600000", json=body)
        assert r.status_code == 422, r.text
        assert r.json()["details"][0]["message"] == "价格的小数应为0.01的整数倍"
    assert control.put("/api/v1/sim/quotes/510300", json={"price": 4.123}).status_code == 200  # funds: 0.001
    assert control.put("/api/v1/sim/quotes/510300", json={"price": 4.1234}).status_code == 422
    assert [q["price"] for q in sim.state()["quotes"] if q["stock_code"] == "600000"] == [D("10.12")]
    r = control.post("/api/v1/sim/reset", json={"cash": 100.005})
    assert r.status_code == 422 and r.json()["details"] == [{"field": "cash", "message": "资金的最小单位为0.01元"}]
    assert sim.funds()["总资产"] == 1000000


def test_clock_advance_takes_exactly_one_of_days_and_to(control: TestClient) -> None:
    assert control.post("/api/v1/sim/clock/advance", json={}).status_code == 422
    assert control.post("/api/v1/sim/clock/advance", json={"days": 1, "to": "2026-11-26T10:00:00"}).status_code == 422
    assert control.post("/api/v1/sim/clock/advance", json={"to": "2020-01-01T10:00:00"}).status_code == 422
    r = control.post("/api/v1/sim/clock/advance", json={"days": 2})
    assert r.json()["data"]["clock"] == "2026-11-27T09:30:00+08:00"
    r = control.post("/api/v1/sim/clock/advance", json={"to": "2026-11-27T11:45:00"})
    assert r.json()["data"]["session_phase"] == "午间休市"


def test_state_and_reset(control: TestClient, sim: SimBroker) -> None:
    control.put("/api/v1/sim/quotes/204001", json={"price": 2.5})
    state = control.get("/api/v1/sim/state").json()["data"]
    assert state["session_phase"] == "连续竞价"
    assert state["quotes"][0]["stock_code"] == "204001"
    clock = state["clock"]
    control.put("/api/v1/sim/quotes/600000", json={"price": 10})
    first = sim.place_order(Side.BUY, "600000", D("10"), 100).contract_no
    r = control.post("/api/v1/sim/reset", json={"cash": 50000})
    assert r.status_code == 200
    # it says what it cleared and what it kept
    assert "50,000.00" in r.json()["message"] and "合同编号继续递增" in r.json()["message"]
    assert r.json()["data"]["clock"] == clock and r.json()["data"]["quotes"]
    assert sim.funds()["总资产"] == 50000
    assert control.post("/api/v1/sim/reset").status_code == 200
    assert sim.funds()["总资产"] == 1000000
    after = sim.place_order(Side.BUY, "600000", D("10"), 100).contract_no
    assert int(after) > int(first)  # a number is never given to two orders


def test_routes_answer_404_when_the_backend_is_not_the_sim() -> None:
    app = FastAPI()
    install_error_handlers(app)
    app.include_router(router)
    app.state.broker = object()
    with TestClient(app, base_url="http://127.0.0.1") as client:
        r = client.get("/api/v1/sim/state")
    assert r.status_code == 404
    assert r.json()["message"] == "当前后端不是模拟券商"


# --- a day of paper trading through the real app ----------------------------------------------------


def run(client: TestClient, name: str, **params: Any) -> dict[str, Any]:
    r = client.post(f"/api/v1/operations/{name}", json={"params": params})
    assert r.status_code == 200, r.text
    op_id = r.json()["data"]["operation_id"]
    return client.get(f"/api/v1/operations/{op_id}/result", params={"timeout": 10}).json()


def test_a_day_of_paper_trading_over_http(tmp_path: Path) -> None:
    sim = open_broker(tmp_path / "sim.db")
    app = create_app(make_settings(tmp_path), broker=sim)
    with TestClient(app, base_url="http://127.0.0.1") as client:
        client.put("/api/v1/sim/quotes/600000", json={"price": 10.0, "prev_close": 10.0, "volume": 300})
        buy = run(client, "buy", stock_code="600000", price=10.0, quantity=500)
        assert buy["success"] is True, buy
        contract = buy["data"]["合同编号"]
        orders = run(client, "order_query")["data"]
        assert "部分成交" in str(orders)
        cancel = run(client, "order_cancel", contract_no=contract)
        assert cancel["data"]["cancelled"] == [contract]
        sell_today = run(client, "sell", stock_code="600000", price=10.0, quantity=100)
        assert sell_today["success"] is False and "可用余额不足" in str(sell_today)
        funds = run(client, "funds_query")["data"]
        assert funds["资金余额"] == 1000000 - 3005.03  # 3000 + commission 5.00 + transfer 0.03
        assert funds["冻结金额"] == 0

        client.post("/api/v1/sim/clock/advance", json={"days": 1})
        client.put("/api/v1/sim/quotes/600000", json={"price": 10.5})
        sell = run(client, "sell", stock_code="600000", price=10.5, quantity=300)
        assert sell["success"] is True, sell
        holdings = run(client, "holding_query")["data"]["holdings"]
        assert holdings[0]["当日卖出"] == 300
        funds = run(client, "funds_query")["data"]
        # 3150 − commission 5.00 − stamp duty 1.58 − transfer 0.03
        assert funds["可用金额"] == pytest.approx(1000000 - 3005.03 + 3143.39)
        assert funds["可取金额"] == pytest.approx(1000000 - 3005.03)
        limit = run(client, "buy", stock_code="600000", price=12.0, quantity=100)
        assert limit["success"] is False and "超出涨跌停限制" in str(limit)
    sim.close()


def test_bad_values_for_the_sim_controls_are_worded_in_chinese(control: TestClient) -> None:
    """pydantic's English ("Input should be a valid datetime ...") used to reach the user."""
    r = control.post("/api/v1/sim/clock/advance", json={"to": "notadate"})
    assert r.status_code == 422 and r.json()["details"] == [
        {"field": "to", "message": "必须是日期时间（如 2026-11-26T14:00:00）"}
    ]
    r = control.post("/api/v1/sim/reset", json={"cash": "abc"})
    assert r.status_code == 422 and r.json()["details"] == [{"field": "cash", "message": "必须是数字"}]
