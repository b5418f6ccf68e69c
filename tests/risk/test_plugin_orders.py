"""An order-placing operation from a third-party plugin, installed through the
`easyths.operations` entry point, meets the same value cap and kill switch as the built-in ones:
risk reads the command it builds, not a list of operation names (nothing in `risk/` names it)."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from easyths.api.app import create_app
from easyths.brokers.factory import create_broker
from tests.conftest import make_settings

PLUGIN = """
from typing import Any, ClassVar

from easyths.brokers.base import Ack
from easyths.domain.commands import CommandKind, OrderCommand, Side
from easyths.params import BuyParams
from easyths.operations.base import Operation


class BlockBuy(Operation):
    name: ClassVar[str] = "block_buy"
    description: ClassVar[str] = "插件：按整手买入"
    Params = BuyParams
    places_order: ClassVar[bool] = True
    settles_on_book: ClassVar[bool] = True

    def command(self, params: Any, operation_id: str) -> OrderCommand:
        return OrderCommand(
            operation_id, CommandKind.LIMIT, code=params.stock_code, side=Side.BUY,
            price=params.price, quantity=params.quantity,
        )

    def acked(self, params: Any, ack: Ack) -> dict[str, Any]:
        return {"合同编号": ack.contract_no, "message": ack.message}
"""


@pytest.fixture
def installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A distribution on sys.path, as `pip install` leaves one: a module and its entry point."""
    site = tmp_path / "site"
    (site / "blockbuy_plugin-1.0.dist-info").mkdir(parents=True)
    (site / "blockbuy_plugin.py").write_text(PLUGIN, encoding="utf-8")
    info = site / "blockbuy_plugin-1.0.dist-info"
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: blockbuy-plugin\nVersion: 1.0\n", encoding="utf-8")
    (info / "entry_points.txt").write_text("[easyths.operations]\nblock_buy = blockbuy_plugin:BlockBuy\n")
    monkeypatch.syspath_prepend(str(site))
    importlib.invalidate_caches()


def test_a_plugin_order_meets_the_value_cap_and_the_kill_switch(tmp_path: Path, installed: None) -> None:
    settings = make_settings(
        tmp_path,
        risk={"max_order_value": 50000},
        sim={"clock": "virtual", "start": "2026-11-30T09:30:00+08:00", "quotes": "manual"},
    )
    broker = create_broker(settings)
    try:
        with TestClient(create_app(settings, broker=broker), base_url="http://127.0.0.1") as c:
            assert c.put("/api/v1/sim/quotes/600000", json={"price": 10.0, "prev_close": 10.0}).status_code == 200

            def block_buy(quantity: int) -> dict:
                body = {"params": {"stock_code": "600000", "price": 10.0, "quantity": quantity}}
                return c.post("/api/v1/operations/block_buy?wait=10", json=body).json()

            over = block_buy(6000)  # 60,000 > 50,000
            assert over["error_code"] == "RISK_LIMIT" and over["details"]["rule"] == "max_order_value", over
            assert c.post("/api/v1/system/pause", json={"reason": "测试"}).status_code == 200
            assert block_buy(100)["error_code"] == "TRADING_PAUSED"
            assert c.get("/api/v1/queue/stats").json()["data"]["total_count"] == 0  # nothing queued
            assert c.post("/api/v1/system/resume").status_code == 200
            done = block_buy(100)
            assert done["data"]["status"] == "success", done
            assert [o["合同编号"] for o in broker.today_orders()] == [done["data"]["result"]["data"]["合同编号"]]
            assert c.get("/api/v1/system/risk").json()["data"]["today"]["orders"] == 1  # counted as an order
    finally:
        broker.close()
