"""Orders filled in parts through the sim, the events the sim emits, and the clock it writes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from easyths.brokers.base import Side
from easyths.brokers.sim import SimBroker
from tests.brokers.sim.support import D, open_broker


def test_an_order_filled_in_three_parts_shows_the_average_of_all_three(sim: SimBroker) -> None:
    sim.set_quote("600000", D("10.00"), D("10.00"), name="浦发银行", volume=300)
    ack = sim.place_order(Side.BUY, "600000", D("10.00"), 1000)  # 300 @ 10.00 at entry
    sim.set_quote("600000", D("9.95"), volume=300)  # resting: 300 more
    sim.set_quote("600000", D("9.90"), volume=1000)  # the last 400
    [order] = sim.today_orders()
    assert (order["备注"], order["成交数量"]) == ("已成", 1000)
    fills = sim.today_fills()
    assert [f["成交数量"] for f in fills] == [300, 300, 400]
    amount = sum(f["成交金额"] for f in fills)
    assert order["成交均价"] == (amount / 1000).quantize(D("0.01"))
    assert all(f["合同编号"] == ack.contract_no for f in fills)
    funds = sim.funds()
    fees = D("5.00") + (amount * D("0.00001")).quantize(D("0.01"))  # min commission once
    assert funds["冻结金额"] == 0
    assert funds["资金余额"] == D("1000000") - amount - fees


def test_every_fill_reaches_the_event_sinks_after_commit(sim: SimBroker) -> None:
    events: list[dict[str, Any]] = []
    sim.add_event_sink(events.append)
    sim.add_event_sink(lambda e: 1 / 0)  # a broken listener is logged, not fatal
    sim.set_quote("600000", D("10.00"), D("10.00"), name="浦发银行", volume=100)
    ack = sim.place_order(Side.BUY, "600000", D("10.00"), 200)
    sim.set_quote("600000", D("10.00"), volume=100)
    assert [e["type"] for e in events] == ["fill", "fill"]
    first = events[0]
    assert (first["stock_code"], first["contract_no"], first["side"], first["quantity"]) == (
        "600000",
        ack.contract_no,
        "buy",
        100,
    )
    assert first["price"] == 10.0 and first["stock_name"] == first["name"] == "浦发银行"
    assert first["at"].startswith("2026-11-25T09:30")


def test_a_query_does_not_write_the_clock(db: Path) -> None:
    sim = open_broker(db)
    writes: list[str] = []
    sim.store.conn.set_trace_callback(lambda sql: writes.append(sql) if "meta" in sql and "INSERT" in sql else None)
    sim.funds()
    sim.holdings()
    sim.today_orders()
    assert writes == []
    sim.advance(to=sim.clock.now().replace(hour=10))
    assert any("INSERT" in w for w in writes)
    sim.close()


def test_a_quote_loads_only_the_orders_it_can_reach(sim: SimBroker) -> None:
    sim.set_quote("600000", D("10.00"), D("10.00"))
    for i in range(5):
        sim.place_order(Side.BUY, "600000", D("9.50") - D("0.01") * i, 100)
    near = sim.place_order(Side.BUY, "600000", D("9.90"), 100).contract_no
    assert sim.ctx.ledger.reachable("600000", D("9.95"), D("9.94")) == []
    [order] = sim.ctx.ledger.reachable("600000", D("9.90"), D("9.89"))
    assert str(order.contract_no) == near  # exactly at the price: the float margin keeps it


def test_lending_through_repo_is_a_fill_for_the_sinks(db: Path) -> None:
    sim = open_broker(db)
    events: list[dict[str, Any]] = []
    sim.add_event_sink(events.append)
    sim.set_quote("131810", D("1.85"))
    ack = sim.lend_repo("深圳", 1, 10000)
    [event] = events
    assert (event["type"], event["stock_code"], event["contract_no"], event["price"]) == (
        "fill",
        "131810",
        ack.contract_no,
        1.85,
    )
    assert event["quantity"] == 100 and event["amount"] == 10000 and event["stock_name"] == "R-001"
    sim.close()


def test_fills_of_a_triggered_order_name_the_operation_that_armed_the_condition(sim: SimBroker) -> None:
    """While it fires and later: the order itself carries no operation (reconciliation must not
    take it for the running operation's), its events do."""
    events: list[dict[str, Any]] = []
    sim.add_event_sink(events.append)
    sim.set_quote("600000", D("10.50"), D("10.50"), name="浦发银行")
    sim.place_condition_order(Side.BUY, "600000", D("10.00"), 200, 5, ref="op-armed")
    sim.set_quote("600000", D("9.98"), bid=D("9.97"), ask=D("9.99"), volume=100)  # fires: 100 of 200 fill
    sim.set_quote("600000", D("9.98"), bid=D("9.97"), ask=D("9.99"), volume=100)  # the rest, later
    fills = [e for e in events if e["type"] == "fill"]
    assert [f["quantity"] for f in fills] == [100, 100]
    assert {f["operation_id"] for f in fills} == {"op-armed"}
    [trigger] = [e for e in events if e["type"] == "condition_triggered"]
    assert trigger["operation_id"] == "op-armed" and trigger["price"] == 9.99
