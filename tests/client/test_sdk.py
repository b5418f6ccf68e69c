"""Every SDK method against the real app: in process, and over loopback HTTP."""

from __future__ import annotations

import threading
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from easyths import ApiError, Client, OperationFailed, OperationTimeout
from easyths.api.app import create_app
from easyths.client import AppTransport, ServiceUnreachable
from tests.client.conftest import LoopbackServer
from tests.conftest import make_settings
from tests.fakes import FakeBroker

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def paper_trade(client: Client) -> None:
    """A day and a half of paper trading through every verb-noun method."""
    assert client.health().healthy
    assert client.info()["backend"] == "sim"
    assert client.system_status()["automator"]["backend"] == "sim"
    assert "buy" in client.list_operations()

    state = client.sim.reset(cash=1_000_000)
    assert state.session_phase == "连续竞价"
    quote = client.sim.set_quote("600000", 10.5, 10.4, name="浦发银行")
    assert quote.price == Decimal("10.5") and quote.prev_close == Decimal("10.4")
    assert client.sim.state().quotes[0].stock_code == "600000"

    order = client.buy("600000", 10.5, 100, client_order_id="strategy-1")
    assert order.contract_no and order.side == "buy" and order.client_order_id == "strategy-1"
    assert order.price == Decimal("10.50") and order["合同编号"] == order.contract_no
    again = client.buy("600000", 10.5, 100, client_order_id="strategy-1")
    assert again.contract_no == order.contract_no, "the same client_order_id never buys twice"

    resting = client.buy("600000", "10.00", 100)
    assert resting.client_order_id, "a client_order_id is generated when none is given"
    rows = {row.contract_no: row for row in client.orders()}
    assert rows[order.contract_no].status == "已成" and rows[order.contract_no].filled == 100
    assert rows[resting.contract_no].status == "未成交"
    assert [r.contract_no for r in client.orders("600000")] == list(rows)
    cancelled = client.cancel(contract_no=resting.contract_no)
    assert cancelled.cancelled == [resting.contract_no] and cancelled.cancelled_count == 1
    assert {r.contract_no for r in client.order_history()} == set(rows)

    funds = client.funds()
    assert funds.available is not None and funds.available < Decimal(1_000_000)
    assert funds.total_assets == funds["总资产"]
    [holding] = client.holdings()
    assert (holding.stock_code, holding.balance, holding.available) == ("600000", 100, 0)

    market = client.market_buy("600000", 100)
    assert market.contract_no and market.side == "buy"
    condition = client.condition_buy("600000", 10.0, 100, expire_days=5)
    assert condition.condition_id and condition.target_price == Decimal("10.0")
    assert [c.side for c in client.condition_orders()] == ["买入"]
    assert client.cancel_condition_orders(side="buy").deleted_count == 1

    day2 = client.sim.advance(days=1)
    assert day2.trading_day != state.trading_day
    [holding] = client.holdings()
    assert holding.available == 200
    sold = client.sell("600000", 10.5, 100)
    assert sold.side == "sell" and sold.contract_no
    assert client.market_sell("600000", 100).side == "sell"
    client.sim.set_quote("600000", 10.6)
    client.buy("600000", 10.6, 200)
    client.sim.advance(days=1)
    stop = client.stop_loss_profit("600000", 3, 5, quantity=100)
    assert stop.condition_id and stop.stop_loss_percent == Decimal("3")
    assert client.condition_sell("600000", 11.5, 100).condition_id
    assert len(client.condition_orders()) == 2

    client.sim.set_quote("204001", 2.5)
    [rate] = client.repo_rates()
    assert rate.stock_code == "204001" and rate.rate == Decimal("2.5")
    loan = client.repo_lend("上海", 1, 1000)
    assert loan.stock_code == "204001" and loan.contract_no and loan.rate == Decimal("2.5")

    accounts = client.accounts()
    assert accounts.current == "模拟账户" and accounts.accounts[0].current
    assert client.switch_account("模拟账户") == "模拟账户"

    submitted = client.submit("funds_query", priority=3)
    assert client.result(submitted.operation_id, timeout=10).ok
    info = client.status(submitted.operation_id)
    assert info.status == "success" and info.name == "funds_query" and info.priority == 3
    assert client.run("holding_query", {"return_type": "markdown"}).data["holdings"].startswith("|")
    recent = client.recent_operations(limit=3)
    assert recent[0].operation_id != submitted.operation_id and len(recent) == 3
    assert client.recent_operations(status="failed") == []
    stats = client.queue_stats()
    assert stats.success_count == stats.total_count > 20

    with pytest.raises(ApiError) as err:
        client.buy("600000", 10.5, 10)
    assert err.value.error_code == "INVALID_PARAMS" and err.value.http_status == 422
    assert err.value.details == [{"field": "quantity", "message": "600000买入数量不得少于100"}]
    with pytest.raises(OperationFailed) as failed:
        client.sell("600001", 10.5, 100)
    assert failed.value.status == "failed" and failed.value.error_code == "BROKER_REJECTED"
    assert client.status(failed.value.operation_id).status == "failed"
    with pytest.raises(ApiError) as missing:
        client.status("no-such-operation")
    assert missing.value.error_code == "NOT_FOUND" and missing.value.envelope["success"] is False
    with pytest.raises(ApiError) as conflict:
        client.cancel_operation(submitted.operation_id)
    assert conflict.value.http_status == 409


def test_every_method_against_the_app_in_process(sdk: Client) -> None:
    paper_trade(sdk)


def test_every_method_over_loopback_http(loopback: LoopbackServer) -> None:
    with Client(loopback.url) as client:
        paper_trade(client)


@pytest.fixture
def held(tmp_path: Path) -> Any:
    """An app on the fake broker whose first order is held inside the broker."""
    fake = FakeBroker()
    fake.gate.clear()
    app = create_app(make_settings(tmp_path), broker=fake)
    with Client(transport=AppTransport(app)) as client:
        yield client, fake
    fake.gate.set()


def test_result_times_out_then_cancel_operation_removes_a_queued_one(held: Any) -> None:
    client, fake = held
    first = client.submit("buy", {"stock_code": "600000", "price": 10.5, "quantity": 100})
    assert fake.entered.wait(5)
    second = client.submit("funds_query")
    with pytest.raises(OperationTimeout) as timeout:
        client.result(first.operation_id, timeout=0.2)
    assert timeout.value.operation_id == first.operation_id and timeout.value.status == "running"
    with pytest.raises(OperationTimeout):
        client.funds(timeout=0.1)
    cancelled = client.cancel_operation(second.operation_id)
    assert cancelled.status == "cancelled"
    fake.gate.set()
    assert client.result(first.operation_id, timeout=5).data["合同编号"]


def test_a_lost_answer_is_retried_with_the_same_key_and_buys_once(sim_app: Any) -> None:
    """The submit reaches the service but its answer is lost: the SDK retries with the same
    Idempotency-Key and gets the original operation back, not a second order."""
    with AppTransport(sim_app) as app:
        lost: list[str] = []

        def handler(request: httpx.Request) -> httpx.Response:
            answer = app.handle_request(request)
            if request.method == "POST" and "/operations/buy" in request.url.path and not lost:
                lost.append(request.headers["Idempotency-Key"])
                raise httpx.ReadError("connection reset after the server answered")
            return answer

        with Client(transport=httpx.MockTransport(handler)) as client:
            client.sim.set_quote("600000", 10.5)
            order = client.buy("600000", 10.5, 100)
            assert lost == [order.client_order_id]
            assert len(client.orders()) == 1


def test_no_service_is_service_unreachable() -> None:
    with (
        socket_closed_port() as port,
        Client(f"http://127.0.0.1:{port}", retries=1) as client,
        pytest.raises(ServiceUnreachable) as err,
    ):
        client.health()
    assert err.value.error_code == "SERVICE_UNREACHABLE"


def test_the_api_key_is_sent_as_a_bearer_token(tmp_path: Path) -> None:
    app = create_app(make_settings(tmp_path, api={"key": "k" * 32}))
    with AppTransport(app) as transport:
        assert Client(transport=transport, api_key="k" * 32).queue_stats().total_count == 0
        with pytest.raises(ApiError) as err:
            Client(transport=transport, api_key="wrong").queue_stats()
    assert err.value.http_status == 401 and err.value.error_code == "UNAUTHORIZED"


def test_many_threads_may_share_one_client(sdk: Client) -> None:
    sdk.sim.set_quote("600000", 10.5)
    errors: list[BaseException] = []

    def trade(i: int) -> None:
        try:
            sdk.buy("600000", 10.5, 100, client_order_id=f"t{i}")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=trade, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors
    assert len(sdk.orders()) == 4


class socket_closed_port:
    """A loopback port that was free a moment ago and has nothing listening."""

    def __enter__(self) -> int:
        import socket

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            return s.getsockname()[1]

    def __exit__(self, *exc: object) -> None:
        return None


@pytest.mark.parametrize("price", [float("nan"), Decimal("NaN"), Decimal("Infinity"), float("-inf"), "abc"])
def test_a_price_that_is_not_a_finite_number_is_a_value_error_before_anything_is_sent(sdk: Client, price: Any) -> None:
    """It used to escape as decimal.InvalidOperation, a JSON encoding error or a TypeError."""
    with pytest.raises(ValueError, match="数字"):
        sdk.buy("600000", price, 100)
    with pytest.raises(ValueError, match="数字"):
        sdk.condition_buy("600000", price, 100)
    assert sdk.queue_stats().total_count == 0
