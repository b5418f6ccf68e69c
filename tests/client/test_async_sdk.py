"""AsyncClient against the real app: through httpx's ASGITransport, and over loopback HTTP."""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest
from fastapi import FastAPI

from easyths import ApiError, AsyncClient, OperationFailed
from tests.client.conftest import LoopbackServer

pytestmark = [pytest.mark.anyio, pytest.mark.filterwarnings("ignore::DeprecationWarning")]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


async def paper_trade(client: AsyncClient) -> None:
    assert (await client.health()).healthy
    assert (await client.info())["backend"] == "sim"
    assert (await client.system_status())["queue"]["total_count"] == 0
    assert "sell" in await client.list_operations()
    await client.sim.reset(cash=500_000)
    await client.sim.set_quote("600000", 10.5, 10.4)
    assert (await client.sim.state()).quotes[0].price == Decimal("10.5")

    order = await client.buy("600000", 10.5, 100, client_order_id="a-1")
    assert (await client.buy("600000", 10.5, 100, client_order_id="a-1")).contract_no == order.contract_no
    resting = await client.buy("600000", 10.0, 100)
    assert {r.contract_no for r in await client.orders()} == {order.contract_no, resting.contract_no}
    assert (await client.cancel(contract_no=resting.contract_no)).cancelled == [resting.contract_no]
    assert len(await client.order_history("当日")) == 2
    assert (await client.funds()).available < Decimal(500_000)
    assert [h.balance for h in await client.holdings()] == [100]
    assert (await client.market_buy("600000", 100)).contract_no
    assert (await client.condition_buy("600000", 10.0, 100)).condition_id
    assert len(await client.condition_orders()) == 1
    assert (await client.cancel_condition_orders()).deleted_count == 1
    await client.sim.advance(days=1)
    assert (await client.sell("600000", 10.5, 100)).side == "sell"
    assert (await client.market_sell("600000", 100)).side == "sell"
    await client.buy("600000", 10.5, 200)
    await client.sim.advance(days=1)
    assert (await client.stop_loss_profit("600000", 3, 5)).condition_id
    assert (await client.condition_sell("600000", 12, 100)).condition_id
    await client.sim.set_quote("131810", 3.1)
    assert [r.stock_code for r in await client.repo_rates()] == ["131810"]
    assert (await client.repo_lend("深圳", "1天期", 2000)).amount == 2000
    assert (await client.accounts()).current == await client.switch_account("模拟账户")

    submitted = await client.submit("funds_query", wait=5)
    assert submitted.status == "success" and submitted.result is not None
    assert (await client.result(submitted.operation_id)).ok
    assert (await client.status(submitted.operation_id)).status == "success"
    assert (await client.run("funds_query")).data["总资产"] > 0
    assert (await client.recent_operations(limit=1))[0].name == "funds_query"
    assert (await client.queue_stats()).failed_count == 0

    with pytest.raises(ApiError) as err:
        await client.sell("600000", 10.555, 100)
    assert err.value.error_code == "INVALID_PARAMS" and err.value.details[0]["field"] == "price"
    with pytest.raises(OperationFailed):
        await client.buy("600000", 10.5, 100_000)
    with pytest.raises(ApiError) as conflict:
        await client.cancel_operation(submitted.operation_id)
    assert conflict.value.error_code == "CONFLICT"


async def test_every_method_through_the_asgi_transport(sim_app: FastAPI) -> None:
    async with sim_app.router.lifespan_context(sim_app):
        transport = httpx.ASGITransport(app=sim_app)
        async with AsyncClient("http://127.0.0.1", transport=transport) as client:
            await paper_trade(client)


async def test_every_method_over_loopback_http(loopback: LoopbackServer) -> None:
    async with AsyncClient(loopback.url) as client:
        await paper_trade(client)


async def test_events_as_an_async_iterator(loopback: LoopbackServer) -> None:
    async with AsyncClient(loopback.url) as client:
        await client.funds()
        seen = []
        async for event in client.events(last_event_id=0):
            seen.append((event.id, event.name, event.status))
            if len(seen) == 3:
                break
    assert seen == [(1, "funds_query", "queued"), (2, "funds_query", "running"), (3, "funds_query", "success")]
