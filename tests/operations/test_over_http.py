"""Every operation over the real app and a real sim: each runs to a verdict from the book, and a
bad request is a 422 in the envelope, in Chinese, naming its field, and changes nothing."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi.testclient import TestClient

from easyths.brokers.sim import SimBroker
from easyths.domain.ipo import nth_session
from easyths.operations.registry import Registry
from tests.operations.conftest import run

T = date(2026, 11, 25)  # the sim's first day (tests/brokers/sim/support.WEDNESDAY)
BOND = {
    "stock_code": "113999",
    "subscribe_code": "754999",
    "name": "测试转债",
    "kind": "bond",
    "price": 100,
    "cap": 1000,
    "subscribe_date": nth_session(T, 1).isoformat(),
    "winning_rate": 1,
    "listing_date": nth_session(T, 6).isoformat(),
}


def ok(client: TestClient, name: str, done: set[str], **params: Any) -> dict[str, Any]:
    body = run(client, name, **params)
    assert body["success"] is True, (name, body)
    done.add(name)
    data: dict[str, Any] = body["data"]
    return data


def test_every_registered_operation_runs_on_the_sim_over_http(app: TestClient, registry: Registry) -> None:
    """A day of trading that calls each operation once at least; the registry may not hold one it skips."""
    done: set[str] = set()
    quote = {"price": 10.0, "prev_close": 10.0, "bid": 9.99, "ask": 10.0, "name": "浦发银行"}
    assert app.put("/api/v1/sim/quotes/600000", json=quote).status_code == 200
    assert ok(app, "buy", done, stock_code="600000", price=10.0, quantity=1000)["合同编号"]
    assert app.post("/api/v1/sim/ipos", json=BOND).status_code == 200
    assert app.post("/api/v1/sim/clock/advance", json={"days": 1}).status_code == 200
    assert app.put("/api/v1/sim/quotes/600000", json=quote).status_code == 200

    assert ok(app, "holding_query", done)["holdings"][0]["可用余额"] == 1000
    assert ok(app, "sell", done, stock_code="600000", price=10.0, quantity=100)["合同编号"]
    assert ok(app, "market_sell", done, stock_code="600000", quantity=100)["合同编号"]
    assert ok(app, "market_buy", done, stock_code="600000", quantity=100)["合同编号"]
    assert ok(app, "condition_buy", done, stock_code="600000", target_price=9.5, quantity=100)["condition_id"]
    assert ok(app, "condition_sell", done, stock_code="600000", target_price=11, quantity=100)["condition_id"]
    assert ok(app, "stop_loss_profit", done, stock_code="600000", stop_loss_percent=3, stop_profit_percent=5)[
        "condition_id"
    ]
    assert len(ok(app, "condition_order_query", done)["condition_orders"]) == 3
    assert ok(app, "condition_order_cancel", done, order_type="买入")["deleted_count"] == 1
    resting = ok(app, "buy", done, stock_code="600000", price=9.9, quantity=100)["合同编号"]
    assert ok(app, "order_cancel", done, contract_no=resting)["cancelled"] == [resting]
    orders = ok(app, "order_query", done)["orders"]  # today's: yesterday's buy is history
    assert [o["备注"] for o in orders if o["合同编号"] == resting] == ["已撤"] and len(orders) == 4
    assert ok(app, "historical_commission_query", done, time_range="近一周")["historical_commissions"]
    assert app.put("/api/v1/sim/quotes/204001", json={"price": 2.5, "prev_close": 2.4}).status_code == 200
    assert ok(app, "reverse_repo_query", done)
    assert ok(app, "reverse_repo_buy", done, market="上海", time_range="1天期", amount=1000)["证券代码"] == "204001"
    assert ok(app, "funds_query", done)["资金余额"] > 0
    [account] = ok(app, "account_query", done)["available_accounts"]
    assert ok(app, "account_switch", done, account_name=account["account_name"])["current_used_account"]
    assert any(row["申购代码"] == "754999" for row in ok(app, "ipo_query", done)["ipo_list"])
    assert ok(app, "ipo_subscribe", done, stock_code="754999")["合同编号"]
    assert ok(app, "ipo_allotment_query", done) is not None
    assert done == set(registry.names())


BAD = [
    ("buy", {"stock_code": "60000", "price": 10, "quantity": 100}, "stock_code"),
    ("buy", {"stock_code": "600000", "price": 10, "quantity": 150}, "quantity"),
    ("buy", {"stock_code": "688001", "price": 10, "quantity": 100}, "quantity"),
    ("buy", {"stock_code": "600000", "price": 0, "quantity": 100}, "price"),
    ("buy", {"stock_code": "600000", "price": -1, "quantity": 100}, "price"),
    ("buy", {"stock_code": "600000", "price": 10.005, "quantity": 100}, "price"),
    ("buy", {"stock_code": "600000", "price": 10, "quantity": 100, "colour": "red"}, "colour"),
    ("buy", {"stock_code": "600000", "quantity": 100}, "price"),
    ("buy", {"stock_code": "６０００００", "price": 10.5, "quantity": 100}, "stock_code"),
    ("buy", {"stock_code": "٦٠٠٠٠٠", "price": 10.5, "quantity": 100}, "stock_code"),
    ("sell", {"stock_code": "600000", "price": 10.001, "quantity": 100}, "price"),
    ("market_buy", {"stock_code": "600000", "quantity": 100, "execution_strategy": 0}, "execution_strategy"),
    ("market_sell", {"stock_code": "600000", "quantity": 0}, "quantity"),
    (
        "condition_buy",
        {"stock_code": "600000", "target_price": 10, "quantity": 100, "expire_days": True},
        "expire_days",
    ),
    ("condition_sell", {"stock_code": "600000", "target_price": 10, "quantity": 100, "expire_days": 7}, "expire_days"),
    (
        "stop_loss_profit",
        {"stock_code": "600000", "stop_loss_percent": 5, "stop_profit_percent": 3},
        "stop_profit_percent",
    ),
    ("reverse_repo_buy", {"market": "上海", "time_range": "1天期", "amount": 1500}, "amount"),
    ("order_cancel", {"cancel_type": "some"}, "cancel_type"),
    ("order_cancel", {"contract_no": "abc"}, "contract_no"),
    ("condition_order_cancel", {"order_type": "sell"}, "order_type"),
    ("ipo_subscribe", {"stock_code": "754999", "quantity": -1}, "quantity"),
    ("account_switch", {}, "account_name"),
    ("holding_query", {"return_type": "xml"}, "return_type"),
    ("historical_commission_query", {"time_range": "近两年"}, "time_range"),
]


def test_a_bad_request_is_a_422_in_the_envelope_and_changes_nothing(app: TestClient, sim: SimBroker) -> None:
    """One app for all the cases (an app per case cost ten seconds); each case names itself on failure."""
    app.put("/api/v1/sim/quotes/600000", json={"price": 10.0, "prev_close": 10.0})
    funds = sim.funds()
    for name, params, field in BAD:
        for path in (f"/api/v1/operations/{name}", f"/api/v1/operations/{name}/check"):
            r = app.post(path, json={"params": params})
            assert r.status_code == 422, (path, params, r.text)
            body = r.json()
            assert body["success"] is False and body["error_code"] == "INVALID_PARAMS" and body["data"] is None, body
            assert body["message"].startswith("参数无效: ") and f"{field}: " in body["message"], (path, body)
            [detail] = [d for d in body["details"] if d["field"] == field]
            assert any("\u4e00" <= ch <= "\u9fff" for ch in detail["message"]), (path, detail)
    assert app.get("/api/v1/queue/stats").json()["data"]["total_count"] == 0
    assert sim.today_orders() == [] and sim.condition_orders() == [] and sim.funds() == funds


def test_the_flat_body_of_later_clients_is_validated_alike(app: TestClient, sim: SimBroker) -> None:
    r = app.post("/api/v1/operations/buy", json={"stock_code": "600000", "price": 10, "quantity": 150, "priority": 3})
    assert r.status_code == 422 and r.json()["details"] == [
        {"field": "quantity", "message": "600000买入数量必须是100的整数倍"}
    ]
    assert sim.today_orders() == []


def test_pydantics_own_checks_answer_in_chinese(app: TestClient) -> None:
    """pydantic's wording ("Field required", "Input should be ...") used to reach the user."""
    cases = [
        ({"stock_code": "600000", "price": "abc", "quantity": 100}, "price", "必须是数字"),
        ({"stock_code": "600000", "price": 10.5}, "quantity", "必填"),
        ({"stock_code": "600000", "price": -1, "quantity": 100}, "price", "必须大于 0"),
        ({"stock_code": "600000", "price": 10.5, "quantity": 100.5}, "quantity", "必须是整数（不能有小数部分）"),
        ({"stock_code": "600000", "price": 10.5, "quantity": 100, "foo": 1}, "foo", "不支持的参数"),
        ({"stock_code": "600000", "price": 10.5, "quantity": 1e30}, "quantity", "整数超出范围"),  # was English
        ({"stock_code": "600000", "price": 10.5, "quantity": True}, "quantity", "必须是数字，不能是 true/false"),
    ]
    for params, field, text in cases:
        r = app.post("/api/v1/operations/buy", json={"params": params})
        assert r.status_code == 422 and r.json()["error_code"] == "INVALID_PARAMS", r.text
        assert {"field": field, "message": text} in r.json()["details"], r.text
        assert r.json()["message"] == f"参数无效: {field}: {text}"
    assert app.get("/api/v1/queue/stats").json()["data"]["total_count"] == 0


def test_fund_prices_take_three_decimals(app: TestClient) -> None:
    app.put("/api/v1/sim/quotes/510300", json={"price": 3.456, "prev_close": 3.456})
    body = run(app, "buy", stock_code="510300", price=3.456, quantity=100)
    assert body["success"] is True and body["data"]["price"] == "3.456", body


def test_a_query_shapes_its_rows_by_return_type(app: TestClient) -> None:
    app.put("/api/v1/sim/quotes/600000", json={"price": 10.0, "prev_close": 10.0, "name": "浦发银行"})
    assert run(app, "buy", stock_code="600000", price=10.0, quantity=100)["success"] is True
    for return_type, check in [
        ("json", lambda h: h[0]["证券代码"] == "600000"),
        ("dict", lambda h: isinstance(h, list) and h[0]["股票余额"] == 100),
        ("str", lambda h: isinstance(h, str) and "证券代码" in h and "600000" in h),
        ("markdown", lambda h: h.startswith("| 证券代码") and "| 600000 |" in h),
    ]:
        body = run(app, "holding_query", return_type=return_type)
        assert check(body["data"]["holdings"]), (return_type, body)


VARYING = {"operation_id", "result", "timestamp"}  # what differs between two runs of one query


def test_return_type_sent_to_every_query_by_old_scripts_is_accepted_but_typos_are_not(app: TestClient) -> None:
    """The original ignored unknown keys and its scripts send `return_type` to every query; funds and
    repo rates are one set of fields, so it is accepted there and changes nothing."""
    for name in ("funds_query", "reverse_repo_query"):
        as_text, as_json = run(app, name, return_type="str"), run(app, name, return_type="json")
        assert as_text["success"] is True and as_json["success"] is True
        fields = [{k: v for k, v in body["data"].items() if k not in VARYING} for body in (as_text, as_json)]
        assert fields[0] == fields[1], name  # one set of fields: return_type changes nothing
        assert app.post(f"/api/v1/operations/{name}", json={"params": {"return_type": "xml"}}).status_code == 422
        bad = app.post(f"/api/v1/operations/{name}", json={"params": {"retrun_type": "json"}})
        assert bad.status_code == 422 and bad.json()["details"][0]["field"] == "retrun_type"
