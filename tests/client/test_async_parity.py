"""AsyncClient as thoroughly as Client: the same methods and signatures, and the behaviours the
sync tests pin (a lost answer retried with the same Idempotency-Key buys once, timeouts, an
unreachable service, local checks before anything is sent, the event stream's reconnect)."""

from __future__ import annotations

import inspect
import json
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
from fastapi import FastAPI

from easyths import ApiError, AsyncClient, Client, OperationTimeout
from easyths.api.app import create_app
from easyths.client import AsyncSimControls, ServiceUnreachable, SimControls
from tests.client.test_events_sdk import frame
from tests.client.test_sdk import socket_closed_port
from tests.conftest import make_settings
from tests.fakes import FakeBroker

pytestmark = [pytest.mark.anyio, pytest.mark.filterwarnings("ignore::DeprecationWarning")]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def public(cls: type) -> dict[str, Any]:
    return {name: getattr(cls, name) for name in dir(cls) if not name.startswith("_")}


@pytest.mark.parametrize(
    ("sync_cls", "async_cls"), [(Client, AsyncClient), (SimControls, AsyncSimControls)], ids=["client", "sim"]
)
def test_the_async_client_has_every_method_with_the_same_signature_awaited(sync_cls: type, async_cls: type) -> None:
    sync, aio = public(sync_cls), public(async_cls)
    assert set(sync) - {"close"} == set(aio) - {"aclose"}
    for name, method in sync.items():
        if not callable(method) or name == "close":
            continue
        sync_sig, async_sig = inspect.signature(method), inspect.signature(aio[name])
        assert sync_sig.parameters == async_sig.parameters, name
        assert method.__doc__ == aio[name].__doc__, name
        if name == "events":
            assert "AsyncIterator" in str(async_sig.return_annotation), name
        else:
            assert inspect.iscoroutinefunction(aio[name]), name
            assert not inspect.iscoroutinefunction(method), name
            assert sync_sig.return_annotation == async_sig.return_annotation != inspect.Signature.empty, name


async def test_a_lost_answer_is_retried_with_the_same_key_and_buys_once(sim_app: FastAPI) -> None:
    """The submit reaches the service but its answer is lost: the retry carries the same
    Idempotency-Key and gets the original operation back, not a second order."""
    async with (
        sim_app.router.lifespan_context(sim_app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=sim_app), base_url="http://127.0.0.1") as app,
    ):
        lost: list[str] = []

        async def handler(request: httpx.Request) -> httpx.Response:
            r = await app.request(request.method, str(request.url), headers=request.headers, content=request.content)
            if request.method == "POST" and "/operations/buy" in request.url.path and not lost:
                lost.append(request.headers["Idempotency-Key"])
                raise httpx.ReadError("connection reset after the server answered")
            return httpx.Response(r.status_code, content=r.content, headers=r.headers)

        async with AsyncClient("http://127.0.0.1", transport=httpx.MockTransport(handler)) as client:
            await client.sim.set_quote("600000", 10.5)
            order = await client.buy("600000", 10.5, 100)
            assert lost == [order.client_order_id]
            assert len(await client.orders()) == 1


async def test_result_times_out_then_cancel_operation_removes_a_queued_one(tmp_path: Path) -> None:
    fake = FakeBroker()
    fake.gate.clear()
    app = create_app(make_settings(tmp_path), broker=fake)
    try:
        async with (
            app.router.lifespan_context(app),
            AsyncClient("http://127.0.0.1", transport=httpx.ASGITransport(app=app)) as client,
        ):
            first = await client.submit("buy", {"stock_code": "600000", "price": 10.5, "quantity": 100})
            assert await anyio.to_thread.run_sync(fake.entered.wait, 5)
            second = await client.submit("funds_query")
            with pytest.raises(OperationTimeout) as timeout:
                await client.result(first.operation_id, timeout=0.2)
            assert timeout.value.operation_id == first.operation_id and timeout.value.status == "running"
            with pytest.raises(OperationTimeout):
                await client.funds(timeout=0.1)
            assert (await client.cancel_operation(second.operation_id)).status == "cancelled"
            fake.gate.set()
            assert (await client.result(first.operation_id, timeout=5)).data["合同编号"]
    finally:
        fake.gate.set()


async def test_no_service_is_service_unreachable() -> None:
    with socket_closed_port() as port:
        async with AsyncClient(f"http://127.0.0.1:{port}", retries=1) as client:
            with pytest.raises(ServiceUnreachable) as err:
                await client.health()
    assert err.value.error_code == "SERVICE_UNREACHABLE" and isinstance(err.value.__cause__, httpx.TransportError)


async def test_headers_keys_and_a_refused_key() -> None:
    seen: list[httpx.Request] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.headers.get("Authorization") != "Bearer good":
            return httpx.Response(401, json={"success": False, "message": "API Key 无效", "error_code": "UNAUTHORIZED"})
        verdict = {"success": True, "data": {"合同编号": "7", "stock_code": "600000", "price": 10.5, "quantity": 100}}
        data = {"operation_id": "op", "status": "success", "result": verdict}
        return httpx.Response(200, json={"success": True, "data": data})

    async with AsyncClient("http://127.0.0.1", "good", transport=httpx.MockTransport(handler)) as client:
        order = await client.buy("600000", "10.50", 100, client_order_id="k-1")
    assert (order.contract_no, order.client_order_id, order.side, order.operation_id) == ("7", "k-1", "buy", "op")
    sent = seen[0]
    assert sent.headers["Idempotency-Key"] == "k-1" and sent.headers["X-EasyTHS-Contract"] == "v1"
    assert json.loads(sent.content)["params"] == {"stock_code": "600000", "quantity": 100, "price": 10.5}
    async with AsyncClient("http://127.0.0.1", "bad", transport=httpx.MockTransport(handler)) as client:
        with pytest.raises(ApiError) as err:
            await client.queue_stats()
    assert err.value.error_code == "UNAUTHORIZED" and err.value.http_status == 401


@pytest.mark.parametrize("price", [float("nan"), "Infinity", "abc"])
async def test_a_price_that_is_not_a_finite_number_is_a_value_error_before_anything_is_sent(price: Any) -> None:
    def handler(request: httpx.Request) -> httpx.Response:  # pragma: no cover - must not be reached
        raise AssertionError(f"sent {request.url}")

    async with AsyncClient("http://127.0.0.1", transport=httpx.MockTransport(handler)) as client:
        with pytest.raises(ValueError, match="数字"):
            await client.buy("600000", price, 100)
        with pytest.raises(ValueError, match="数字"):
            await client.sim.set_quote("600000", price)


async def test_a_dropped_event_stream_is_reopened_after_the_last_id_seen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("easyths.client.events.RECONNECT_DELAY", 0)
    asked: list[str | None] = []

    def handler(request: httpx.Request) -> httpx.Response:
        asked.append(request.headers.get("Last-Event-ID"))
        body = frame(1, "queued") + ": ping\n\n" + frame(2, "running") if len(asked) == 1 else frame(3, "success")
        return httpx.Response(200, text=body, headers={"content-type": "text/event-stream"})

    async with AsyncClient("http://127.0.0.1", transport=httpx.MockTransport(handler)) as client:
        got = []
        async for event in client.events():
            got.append((event.id, event.status))
            if len(got) == 3:
                break
    assert got == [(1, "queued"), (2, "running"), (3, "success")]
    assert asked == [None, "2"]


async def test_an_event_stream_error_answer_is_raised_and_a_drop_without_reconnect_too() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        return httpx.Response(401, json={"success": False, "message": "API Key 无效", "error_code": "UNAUTHORIZED"})

    async with AsyncClient("http://127.0.0.1", transport=httpx.MockTransport(refuse)) as client:
        with pytest.raises(ApiError) as err:
            await client.events().__anext__()
    assert err.value.error_code == "UNAUTHORIZED" and err.value.http_status == 401

    def drop(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadError("reset")

    async with AsyncClient("http://127.0.0.1", transport=httpx.MockTransport(drop)) as client:
        with pytest.raises(ServiceUnreachable):
            await client.events(reconnect=False).__anext__()


async def test_a_stream_that_ends_without_reconnect_ends_the_iteration() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, text=frame(5, "success"), headers={"content-type": "text/event-stream"})

    async with AsyncClient("http://127.0.0.1", transport=httpx.MockTransport(handler)) as client:
        got = [event.id async for event in client.events(4, reconnect=False)]
    assert got == [5]
