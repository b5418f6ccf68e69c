"""The operation routes through the real app: submit, status, result, cancel, list, errors.

The operations themselves (their parameters, commands and registry) are pinned in tests/operations."""

from __future__ import annotations

import threading

from fastapi.testclient import TestClient

from easyths.engine.records import OpStatus
from tests.fakes import FakeBroker

BUY = {"params": {"stock_code": "600000", "price": 10.50, "quantity": 100}, "priority": 5}


def submit(client: TestClient, name: str, body: dict, **kw) -> dict:
    r = client.post(f"/api/v1/operations/{name}", json=body, **kw)
    assert r.status_code == 200, r.text
    return r.json()["data"]


def test_buy_runs_and_result_carries_contract_number(client: TestClient) -> None:
    data = submit(client, "buy", BUY)
    assert data["status"] == "queued" and data["queue_position"] == 0
    r = client.get(f"/api/v1/operations/{data['operation_id']}/result", params={"timeout": 5})
    body = r.json()
    assert body["success"] is True
    assert body["data"]["stock_code"] == "600000"
    assert body["data"]["price"] == "10.50"
    assert body["data"]["quantity"] == 100
    assert body["data"]["operation"] == "buy"
    assert body["data"]["合同编号"] == "1001"
    assert body["data"]["result"]["data"]["合同编号"] == "1001"  # the per-operation examples' shape
    assert body["timestamp"].endswith("+08:00")
    status = client.get(f"/api/v1/operations/{data['operation_id']}/status").json()["data"]
    assert status["status"] == "success"
    assert status["name"] == "buy"
    assert status["result"]["success"] is True
    assert status["error"] is None


def test_flat_body_of_later_clients_is_accepted(client: TestClient, fake: FakeBroker) -> None:
    data = submit(client, "buy", {"stock_code": "000001", "price": 9.99, "quantity": 200, "priority": 3})
    client.get(f"/api/v1/operations/{data['operation_id']}/result", params={"timeout": 5})
    assert fake.calls[0][1][1:] == ("000001", __import__("decimal").Decimal("9.99"), 200)


def test_funds_values_are_json_numbers(client: TestClient) -> None:
    op = submit(client, "funds_query", {"params": {}})
    body = client.get(f"/api/v1/operations/{op['operation_id']}/result", params={"timeout": 5}).json()
    assert body["data"]["资金余额"] == 1000.5


def _assert_422(r, field: str) -> None:
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["success"] is False
    assert field in body["message"], body
    assert any(d["field"] == field for d in body["details"])


def test_a_bad_priority_is_422_naming_it_and_changes_nothing(client: TestClient) -> None:
    """The operations' own parameters are pinned in tests/operations; the priority is the route's."""
    for priority in (-1, 11, "high", True, 2.5):
        _assert_422(client.post("/api/v1/operations/buy", json={**BUY, "priority": priority}), "priority")
    assert client.get("/api/v1/queue/stats").json()["data"]["total_count"] == 0


def test_malformed_json_is_rejected(client: TestClient) -> None:
    r = client.post("/api/v1/operations/buy", content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code in (400, 422)
    assert r.json()["success"] is False
    r = client.post("/api/v1/operations/buy", json=[1, 2])
    assert r.status_code == 422
    assert client.get("/api/v1/queue/stats").json()["data"]["total_count"] == 0


def test_unknown_operation_and_unknown_id_are_404(client: TestClient) -> None:
    r = client.post("/api/v1/operations/fly", json={"params": {}})
    assert r.status_code == 404 and r.json()["success"] is False and "fly" in r.json()["message"]
    for path in ("/status", "/result"):
        r = client.get(f"/api/v1/operations/no-such-id{path}")
        assert r.status_code == 404 and r.json()["success"] is False
    assert client.delete("/api/v1/operations/no-such-id").status_code == 404


def test_priority_order_fifo_within_priority_and_cancel(client: TestClient, fake: FakeBroker) -> None:
    fake.gate.clear()
    blocker = submit(client, "holding_query", {"params": {}})
    assert fake.entered.wait(5)
    low1 = submit(client, "buy", {"params": {"stock_code": "000001", "price": 1, "quantity": 100}, "priority": 1})
    low2 = submit(client, "buy", {"params": {"stock_code": "000002", "price": 1, "quantity": 100}, "priority": 1})
    high = submit(client, "buy", {"params": {"stock_code": "000003", "price": 1, "quantity": 100}, "priority": 9})
    doomed = submit(client, "buy", {"params": {"stock_code": "000004", "price": 1, "quantity": 100}, "priority": 9})
    assert high["queue_position"] == 0 and low2["queue_position"] == 1 and doomed["queue_position"] == 1
    r = client.delete(f"/api/v1/operations/{doomed['operation_id']}")
    assert r.status_code == 200 and r.json()["message"] == "操作已取消"
    r = client.delete(f"/api/v1/operations/{blocker['operation_id']}")
    assert r.status_code == 409 and "正在执行" in r.json()["message"]
    fake.gate.set()
    for op in (low1, low2, high):
        client.get(f"/api/v1/operations/{op['operation_id']}/result", params={"timeout": 5})
    codes = [c[1][1] for c in fake.calls if c[0] == "place_order"]
    assert codes == ["000003", "000001", "000002"]
    r = client.delete(f"/api/v1/operations/{high['operation_id']}")
    assert r.status_code == 409 and "已结束" in r.json()["message"]
    cancelled = client.get(f"/api/v1/operations/{doomed['operation_id']}/status").json()["data"]
    assert cancelled["status"] == "cancelled"
    stats = client.get("/api/v1/queue/stats").json()["data"]
    assert stats["cancelled_count"] == 1 and stats["success_count"] == 4


def test_result_timeout_is_408_with_current_status(client: TestClient, fake: FakeBroker) -> None:
    fake.gate.clear()
    op = submit(client, "buy", BUY)
    assert fake.entered.wait(5)
    r = client.get(f"/api/v1/operations/{op['operation_id']}/result", params={"timeout": 0.2})
    assert r.status_code == 408
    assert r.json()["status"] == "running" and r.json()["success"] is False
    fake.gate.set()
    assert client.get(f"/api/v1/operations/{op['operation_id']}/result", params={"timeout": 5}).json()["success"]


def test_result_waits_without_blocking_other_requests(client: TestClient, fake: FakeBroker) -> None:
    fake.gate.clear()
    op = submit(client, "buy", BUY)
    results: list[dict] = []
    waiter = threading.Thread(
        target=lambda: results.append(client.get(f"/api/v1/operations/{op['operation_id']}/result").json())
    )
    waiter.start()
    assert client.app.state.engine.wait_until(lambda: client.app.state.engine.waiting(op["operation_id"]) == 1)
    assert client.get("/api/v1/system/health").status_code == 200  # the loop is free while /result waits
    fake.gate.set()
    waiter.join(5)
    assert results and results[0]["success"] is True


def test_rejection_is_failed_with_client_text(client: TestClient, fake: FakeBroker) -> None:
    fake.reject_with = "可用余额不足"
    op = submit(client, "buy", BUY)
    body = client.get(f"/api/v1/operations/{op['operation_id']}/result", params={"timeout": 5}).json()
    assert body["success"] is False and body["message"] == "可用余额不足" and body["status"] == "failed"
    status = client.get(f"/api/v1/operations/{op['operation_id']}/status").json()["data"]
    assert status["status"] == "failed" and status["error"] == "可用余额不足"


def test_unknown_outcome_is_reconciled(client: TestClient, fake: FakeBroker) -> None:
    from easyths.brokers.base import Ack

    fake.unknown = True
    fake.reconcile_answer = Ack("核对成功", contract_no="777")
    op = submit(client, "buy", BUY)
    body = client.get(f"/api/v1/operations/{op['operation_id']}/result", params={"timeout": 5}).json()
    assert body["status"] == "unknown" and body["success"] is False
    client.app.state.engine.wait_for(op["operation_id"], OpStatus.SUCCESS, OpStatus.FAILED)
    status = client.get(f"/api/v1/operations/{op['operation_id']}/status").json()["data"]
    assert status["status"] == "success"
    assert status["result"]["data"]["合同编号"] == "777"
    assert len([c for c in fake.calls if c[0] == "place_order"]) == 1  # never placed twice


def test_account_name_switches_in_the_same_slot(client: TestClient, fake: FakeBroker) -> None:
    op = submit(client, "holding_query", {"params": {"account_name": "副账户"}})
    client.get(f"/api/v1/operations/{op['operation_id']}/result", params={"timeout": 5})
    assert fake.calls[:2] == [("switch_account", ("副账户",)), ("holdings", ())]
    op = submit(client, "funds_query", {"params": {"account_name": "不存在"}})
    body = client.get(f"/api/v1/operations/{op['operation_id']}/result", params={"timeout": 5}).json()
    assert body["success"] is False and "不存在" in body["message"]


def test_idempotency_key_returns_original_and_rejects_different_body(client: TestClient, fake: FakeBroker) -> None:
    first = submit(client, "buy", BUY, headers={"Idempotency-Key": "k-1"})
    client.get(f"/api/v1/operations/{first['operation_id']}/result", params={"timeout": 5})
    again = submit(client, "buy", BUY, headers={"Idempotency-Key": "k-1"})
    assert again["operation_id"] == first["operation_id"] and again["duplicate"] is True
    other = {"params": {**BUY["params"], "quantity": 200}, "priority": 5}
    r = client.post("/api/v1/operations/buy", json=other, headers={"Idempotency-Key": "k-1"})
    assert r.status_code == 422 and "Idempotency-Key" in r.json()["message"]
    body_key = {"params": {**BUY["params"], "client_order_id": "c-9"}}
    a = submit(client, "buy", body_key)
    b = submit(client, "buy", body_key)
    assert a["operation_id"] == b["operation_id"]
    client.get(f"/api/v1/operations/{a['operation_id']}/result", params={"timeout": 5})
    assert len([c for c in fake.calls if c[0] == "place_order"]) == 2


def placed(fake: FakeBroker) -> int:
    return len([c for c in fake.calls if c[0] == "place_order"])


def test_a_client_order_id_under_different_idempotency_keys_is_refused_not_placed_again(
    client: TestClient, fake: FakeBroker
) -> None:
    """The header used to win and the param was dropped: one client_order_id under three headers
    placed three orders."""
    body = {"params": {**BUY["params"], "client_order_id": "order-7"}}
    for header in ("h-1", "h-2", "h-3"):
        r = client.post("/api/v1/operations/buy", json=body, headers={"Idempotency-Key": header})
        assert r.status_code == 422, r.text
        assert "client_order_id" in r.json()["message"] and "Idempotency-Key" in r.json()["message"]
    assert client.get("/api/v1/queue/stats").json()["data"]["total_count"] == 0


def test_either_key_finds_the_order_the_other_placed(client: TestClient, fake: FakeBroker) -> None:
    by_header = submit(client, "buy", BUY, headers={"Idempotency-Key": "same-order"})
    client.get(f"/api/v1/operations/{by_header['operation_id']}/result", params={"timeout": 5})
    with_param = {"params": {**BUY["params"], "client_order_id": "same-order"}, "priority": BUY.get("priority", 0)}
    by_param = submit(client, "buy", with_param)
    both = submit(client, "buy", with_param, headers={"Idempotency-Key": "same-order"})
    assert by_param["operation_id"] == both["operation_id"] == by_header["operation_id"]
    assert by_param["duplicate"] is True and both["duplicate"] is True
    first = submit(client, "buy", {"params": {**BUY["params"], "client_order_id": "param-first"}, "priority": 5})
    again = submit(client, "buy", {**BUY, "priority": 5}, headers={"Idempotency-Key": "param-first"})
    assert again["operation_id"] == first["operation_id"]
    client.get(f"/api/v1/operations/{first['operation_id']}/result", params={"timeout": 5})
    assert placed(fake) == 2


def test_recent_operations_listing(client: TestClient) -> None:
    op = submit(client, "funds_query", {"params": {}})
    client.get(f"/api/v1/operations/{op['operation_id']}/result", params={"timeout": 5})
    body = client.get("/api/v1/queue/operations", params={"status": "success"}).json()
    assert body["data"]["operations"][0]["operation_id"] == op["operation_id"]


def test_submit_can_wait_and_return_the_result_inline(client: TestClient, fake: FakeBroker) -> None:
    r = client.post("/api/v1/operations/buy", params={"wait": 5}, json=BUY).json()
    assert r["success"] is True and r["message"] == "操作成功"
    assert r["data"]["status"] == "success"
    assert r["data"]["result"]["data"]["合同编号"] == "1001"
    fake.gate.clear()
    r = client.post("/api/v1/operations/holding_query", params={"wait": 0.1}, json={"params": {}}).json()
    assert r["data"]["status"] in ("queued", "running") and "result" not in r["data"]
    fake.gate.set()


def test_a_submit_the_journal_cannot_write_is_refused_never_acknowledged(client: TestClient) -> None:
    client.app.state.engine.journal.close()
    r = client.post("/api/v1/operations/buy", json=BUY)
    assert r.status_code == 503 and r.json()["error_code"] == "JOURNAL_UNAVAILABLE"
    assert r.json()["success"] is False and r.json()["data"] is None


def test_json_nested_too_deep_is_422_invalid_json_and_changes_nothing(client: TestClient) -> None:
    """The JSON parser's RecursionError used to surface as 400 with FastAPI's English text."""
    body = b'{"params":' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    r = client.post("/api/v1/operations/buy", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 422, r.text
    assert r.json()["success"] is False and r.json()["error_code"] == "INVALID_JSON"
    assert r.json()["message"] == "请求体不是合法的 JSON"
    assert client.get("/api/v1/queue/stats").json()["data"]["total_count"] == 0


def test_wrong_method_is_405_in_chinese(client: TestClient) -> None:
    r = client.get("/api/v1/operations/buy")
    assert r.status_code == 405 and r.json()["error_code"] == "METHOD_NOT_ALLOWED"
    assert r.json()["success"] is False and "GET" in r.json()["message"] and "不支持" in r.json()["message"]


def test_a_bad_query_parameter_of_the_route_is_422_in_chinese(client: TestClient) -> None:
    """pydantic's own wording used to reach the user; the operations' parameters are in tests/operations."""
    r = client.post("/api/v1/operations/funds_query?wait=abc", json={"params": {}})
    assert r.status_code == 422 and r.json()["details"] == [{"field": "wait", "message": "必须是数字"}]
    assert client.get("/api/v1/queue/stats").json()["data"]["total_count"] == 0


def test_a_json_body_sent_without_the_json_content_type_says_so(client: TestClient) -> None:
    """`curl -d '{...}'` without -H sends form-urlencoded: '必须是 JSON 对象' did not say what was wrong."""
    body = b'{"params": {"stock_code": "600000", "price": 10.5, "quantity": 100}}'
    for ctype in ("application/x-www-form-urlencoded", "text/plain"):
        r = client.post("/api/v1/operations/buy", content=body, headers={"content-type": ctype})
        assert r.status_code == 422 and "Content-Type: application/json" in r.json()["message"], r.text
    r = client.post("/api/v1/operations/buy", content=b"[1]", headers={"content-type": "application/json"})
    assert r.status_code == 422 and r.json()["message"] == "请求体必须是 JSON 对象"
    assert client.get("/api/v1/queue/stats").json()["data"]["total_count"] == 0


def test_the_listing_answers_without_the_trailing_slash_too(client: TestClient) -> None:
    r = client.get("/api/v1/operations", follow_redirects=False)
    assert r.status_code == 200 and r.json()["success"] is True
    assert r.json()["data"] == client.get("/api/v1/operations/").json()["data"]


def test_check_runs_the_operations_own_checks_and_queues_nothing(client: TestClient) -> None:
    """The dashboard asks before it confirms: a lot error is known before the user says yes."""
    before = client.get("/api/v1/queue/stats").json()["data"]["total_count"]
    r = client.post(
        "/api/v1/operations/buy/check", json={"params": {"stock_code": "600000", "price": 10.5, "quantity": 150}}
    )
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["success"] is False and body["error_code"] == "INVALID_PARAMS"
    assert body["details"][0]["field"] == "quantity" and "100的整数倍" in body["details"][0]["message"]
    r = client.post(
        "/api/v1/operations/buy/check", json={"params": {"stock_code": "600000", "price": 10.505, "quantity": 100}}
    )
    assert r.status_code == 422 and r.json()["details"][0]["field"] == "price"
    good = client.post(
        "/api/v1/operations/buy/check", json={"params": {"stock_code": "600000", "price": 10.5, "quantity": 100}}
    )
    assert good.status_code == 200 and good.json()["data"]["params"]["quantity"] == 100
    assert client.post("/api/v1/operations/no_such_op/check", json={}).status_code == 404
    assert client.get("/api/v1/queue/stats").json()["data"]["total_count"] == before
