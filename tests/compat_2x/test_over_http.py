"""The published TradeClient, untouched, over real HTTP against the `easyths` command in v2."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import httpx

from tests.e2e.conftest import Server


def test_a_2x_script_runs_unchanged_against_the_service_with_one_setting(published: ModuleType, tmp_path: Path) -> None:
    server = Server(tmp_path / "home", extra_env={"EASYTHS_API__CONTRACT": "v2"}).start()
    try:
        quote = {"price": 10.0, "prev_close": 10.0, "name": "浦发银行", "volume": 1000000}
        httpx.put(f"{server.url}/api/v1/sim/quotes/600000", json=quote, timeout=10).raise_for_status()
        with published.TradeClient(port=server.port, timeout=30) as tc:
            assert tc.health_check()["success"] is True
            buy = tc.buy("600000", 10.00, 100)
            assert buy["success"] is True and buy["status"] == "completed", buy
            assert buy["data"]["quantity"] == 100 and buy["data"]["contract_no"]
            holdings = tc.query_holdings()["data"]
            assert holdings[0]["stock_code"] == "600000" and holdings[0]["quantity"] == 100
            assert tc.query_funds()["data"]["market_value"] == 1000.0
    finally:
        server.stop()
