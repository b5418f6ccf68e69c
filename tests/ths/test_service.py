"""The THS driver on the emulator behind the real service: a client that dies mid-order leaves
the operation `unknown`, the engine's reconciliation settles it, and the queue keeps serving."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from easyths.api.app import create_app
from easyths.brokers.ths.emulator import Faults
from easyths.engine.records import OpStatus
from tests.conftest import make_settings
from tests.ths.support import ths_harness

BUY = {"params": {"stock_code": "600000", "price": 9.90, "quantity": 100}}


def wait_status(client: TestClient, op_id: str, want: str, timeout: float = 5.0) -> dict:
    """Waits on the engine's transitions, then reads the status as a client would."""
    client.app.state.engine.wait_for(op_id, OpStatus(want), timeout=timeout)
    return client.get(f"/api/v1/operations/{op_id}/status").json()["data"]


def test_a_client_dying_mid_order_is_unknown_then_reconciled_and_the_queue_keeps_serving(tmp_path: Path) -> None:
    h = ths_harness(tmp_path / "sim.db", faults=Faults(die="after_accept", auto_restart=True))
    h.quote("600000", "10.00", name="浦发银行")
    settings = make_settings(tmp_path, queue={"operation_timeout": 10, "reconcile_delays": [0.05, 0.1]})
    with TestClient(create_app(settings, broker=h.broker), base_url="http://127.0.0.1") as client:
        first = client.post("/api/v1/operations/buy", json=BUY).json()["data"]["operation_id"]
        settled = wait_status(client, first, "success")
        assert settled["status"] == "success", settled
        contract = h.sim.today_orders()[0]["合同编号"]
        assert contract in str(settled["result"])
        second = client.post("/api/v1/operations/buy", json=BUY).json()["data"]["operation_id"]
        body = client.get(f"/api/v1/operations/{second}/result", params={"timeout": 5}).json()
        assert body["success"] is True and body["data"]["合同编号"] == h.sim.today_orders()[1]["合同编号"]
        assert h.orders_in_sim() == 2  # nothing placed twice
        health = client.get("/api/v1/system/health").json()
        assert "ths" in str(health)


def test_an_order_当日委托_shows_late_is_success_after_reconciliation_not_failed(tmp_path: Path) -> None:
    """Popups off and 当日委托 shows the new row 2.5 s late: the submit cannot see it (unknown), and
    the first reconciliations read the grid before it caught up. The order is on the book, so the
    operation must end success with its 合同编号, never failed (which tells a script to buy again)."""
    h = ths_harness(tmp_path / "sim.db", faults=Faults(rates={"slow_refresh": 1.0}))
    h.emu.faults.refresh_delay = 2.5
    h.quote("600000", "10.00", name="浦发银行")
    settings = make_settings(tmp_path, queue={"operation_timeout": 10, "reconcile_delays": [0.2, 0.5, 1.0, 2.0]})
    with TestClient(create_app(settings, broker=h.broker), base_url="http://127.0.0.1") as client:
        op = client.post("/api/v1/operations/buy", json=BUY).json()["data"]["operation_id"]
        settled = wait_status(client, op, "success", timeout=15)
        assert settled["status"] == "success", settled
        [row] = h.sim.today_orders()
        assert row["合同编号"] in str(settled["result"])
        assert h.orders_in_sim() == 1  # nothing placed twice
