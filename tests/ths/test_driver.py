"""Driver behaviour beyond the contract: start-up check, health, variants, reconnect, platform."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from easyths.brokers.base import Side
from easyths.brokers.ths import ThsBroker
from easyths.errors import BrokerUnavailable, ConfigError
from easyths.operations.buy import BuyOperation
from easyths.operations.holding_query import HoldingQueryOperation
from easyths.settings import BrokerSection, load_settings
from tests.ths.grid_variants import VARIANT_B_RECORDING
from tests.ths.support import D, Harness, ths_harness


@pytest.fixture
def h(tmp_path: Path) -> Harness:
    harness = ths_harness(tmp_path / "sim.db")
    harness.quote("600000", "10.00", name="浦发银行")
    return harness


@pytest.mark.skipif(sys.platform == "win32", reason="the refusal is for other systems")
def test_the_ths_backend_refuses_to_start_off_windows(tmp_path: Path) -> None:
    settings = load_settings(None, app={"home": str(tmp_path)}, broker={"backend": "ths"})
    with pytest.raises(ConfigError, match="只能在 Windows 上运行"):
        ThsBroker.from_settings(settings)


def test_health_reports_a_client_that_is_not_logged_in_or_minimised(h: Harness) -> None:
    assert h.emu is not None
    h.emu.logged_in = False
    h.emu.minimized = True
    h.broker.startup_check()
    health = h.broker.health()
    assert not health.logged_in
    assert any("尚未登录" in p for p in health.problems) and any("最小化" in p for p in health.problems)


def test_health_names_a_menu_path_the_client_does_not_have(tmp_path: Path) -> None:
    harness = ths_harness(tmp_path / "sim.db", config={"menu": {"funds": ["查询[F4]", "资金股份"]}})
    problems = harness.broker.health().problems
    assert problems == ["菜单中找不到「查询[F4] → 资金股份」：请在 [broker.menu] 中配置 funds 的菜单路径"]


def test_health_without_a_window_says_so_in_chinese(h: Harness) -> None:
    assert h.emu is not None
    h.emu.kill()
    health = h.broker.health()
    assert not health.connected and "未找到同花顺下单窗口" in health.problems[0]


def test_a_restarted_client_is_reattached_by_the_next_operation(h: Harness) -> None:
    assert h.emu is not None
    h.broker.place_order(Side.BUY, "600000", D("9.90"), 100)
    h.emu.kill()
    with pytest.raises(BrokerUnavailable):
        h.broker.today_orders()
    h.emu.restart()
    assert len(h.broker.today_orders()) == 1
    assert h.broker.health().connected


def test_a_variant_client_from_a_recording_reads_like_the_sim(tmp_path: Path) -> None:
    """核新网上交易系统 with 资金股份 and the Variant B holdings headers, configured in [broker]."""
    harness = ths_harness(
        tmp_path / "sim.db",
        recording=VARIANT_B_RECORDING,
        config={"window_title": "核新网上交易系统", "menu": VARIANT_B_RECORDING["menu"]},
    )
    harness.quote("000001", "12.00", name="平安银行")
    harness.broker.place_order(Side.BUY, "000001", D("12.00"), 100)
    assert harness.broker.health().problems == []
    shown = harness.broker.holdings()
    expected = harness.sim.holdings()
    assert shown == [{k: row[k] for k in shown[0]} for row in expected]
    assert {"股票余额", "可用余额", "成本价", "市价", "盈亏", "盈亏比(%)", "市值"} <= set(shown[0])


def test_a_client_without_order_confirmation_dialogs(tmp_path: Path) -> None:
    harness = ths_harness(tmp_path / "sim.db", confirm_orders=False)
    harness.quote("600000", "10.00", name="浦发银行")
    ack = harness.broker.place_order(Side.BUY, "600000", D("9.90"), 100)
    assert ack.contract_no == harness.sim.today_orders()[0]["合同编号"]


def test_operations_run_unchanged_on_the_driver(h: Harness) -> None:
    buy = BuyOperation()
    result = buy.run(h.broker, BuyOperation.Params(stock_code="600000", price=10.0, quantity=100))
    assert result["合同编号"] == h.sim.today_orders()[0]["合同编号"]
    rows = HoldingQueryOperation().run(h.broker, HoldingQueryOperation.Params())
    assert rows["holdings"][0]["证券代码"] == "600000"


def test_prices_are_typed_with_the_instruments_tick(h: Harness) -> None:
    h.quote("510300", "4.000", name="沪深300ETF")
    h.broker.place_order(Side.BUY, "510300", D("3.95"), 100)
    assert h.broker.today_orders("510300")[0]["委托价格"] == D("3.950")


def test_the_broker_section_defaults_are_the_classic_client() -> None:
    section = BrokerSection()
    assert section.window_title == "网上股票交易系统5.0" and section.grid_read == "export"
