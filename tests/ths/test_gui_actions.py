"""GUI actions are counted per operation: on the driver over the emulated client, and in
`/metrics` as `easyths_ths_gui_actions_total{operation, action}` for the service's operations."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

from easyths.api.app import create_app
from easyths.brokers.base import Side
from easyths.brokers.factory import create_broker
from easyths.brokers.ths import ThsBroker
from easyths.brokers.ths.counting import CountingSeam, GuiActions
from easyths.brokers.ths.emulator.backend import EmulatedThsBroker
from easyths.brokers.ths.session import TREE
from tests.conftest import make_settings
from tests.ths.support import D, ths_harness

SERIES = re.compile(r'^easyths_ths_gui_actions_total\{action="(\w+)",operation="(\w+)"\} (\S+)$', re.M)


def test_a_limit_buy_counts_its_menu_switches_typing_and_grid_reads(tmp_path: Path) -> None:
    h = ths_harness(tmp_path / "sim.db")
    h.quote("600000", "10.00")
    assert isinstance(h.broker, ThsBroker)
    with h.broker.operation_scope("buy"):
        h.broker.place_order(Side.BUY, "600000", D("9.50"), 100)
    counts = h.broker.gui_actions.of("buy")
    assert counts["menu"] >= 1
    assert counts["type"] == 3  # code, price, quantity: each typed once
    assert counts["click"] >= 1
    assert counts.get("export", 0) + counts.get("copy", 0) >= 1  # 当日委托 read for the 合同编号
    assert {op for op, _ in h.broker.gui_action_counts()} == {"buy"}  # every action of the flow, in its scope


def test_outside_any_operation_the_actions_are_background(tmp_path: Path) -> None:
    h = ths_harness(tmp_path / "sim.db")
    assert isinstance(h.broker, ThsBroker)
    h.broker.startup_check()
    assert h.broker.gui_actions.of("background").get("menu", 0) >= 5  # the pages it proves reachable
    assert h.broker.gui_actions.of("holding_query") == {}


def test_the_polls_of_one_wait_count_once_whatever_the_client_takes(tmp_path: Path) -> None:
    h = ths_harness(tmp_path / "sim.db")
    actions = GuiActions()
    seam = CountingSeam(h.emu, actions)  # type: ignore[arg-type]
    polls = iter([None, "here"])  # the emulator polls again at the deadline
    with actions.operation("probe"):
        assert seam.wait_for(lambda: (seam.dialogs() and None) or next(polls), 5.0) == "here"
        assert seam.wait_for(lambda: seam.exists(TREE) and "ok", 5.0) == "ok"
        seam.dialogs()
    assert actions.of("probe") == {"popup_wait": 1, "wait": 1, "popup_check": 1}


def test_metrics_show_the_gui_actions_of_each_operation_run_by_the_service(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, broker={"backend": "emulator"})
    broker = create_broker(settings)
    assert isinstance(broker, EmulatedThsBroker)
    try:
        with TestClient(create_app(settings, broker=broker), base_url="http://127.0.0.1") as client:
            client.put("/api/v1/sim/quotes/600000", json={"price": 10.0, "prev_close": 10.0})
            order = {"params": {"stock_code": "600000", "price": 9.5, "quantity": 100}}
            assert client.post("/api/v1/operations/buy?wait=5", json=order).json()["success"] is True
            assert client.post("/api/v1/operations/holding_query?wait=5", json={"params": {}}).json()["success"]
            text = client.get("/metrics").text
    finally:
        broker.close()
    series = {(op, action): float(n) for action, op, n in SERIES.findall(text)}
    assert series[("buy", "type")] == 3
    assert series[("buy", "menu")] >= 1
    assert series[("holding_query", "menu")] >= 1
    assert ("holding_query", "type") not in series  # a query types nothing
    assert series[("background", "menu")] >= 5  # the start-up check


def test_the_sim_backend_exports_the_family_with_no_series(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    with TestClient(create_app(settings), base_url="http://127.0.0.1") as client:
        text = client.get("/metrics").text
    assert "# TYPE easyths_ths_gui_actions_total counter" in text
    assert not SERIES.findall(text)
