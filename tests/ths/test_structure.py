"""The driver on the real window structure: nested grid, check-box cancel grid, page reset,
market-type aliases, history's own controls, the repo popup form and the condition panel."""

from __future__ import annotations

from pathlib import Path

import pytest

from easyths.brokers.base import MarketStrategy, Side
from easyths.brokers.ths import repo
from easyths.brokers.ths.emulator import Faults
from easyths.brokers.ths.seam import Locator
from easyths.errors import BrokerRejected, BrokerUnavailable, CancelAmbiguous, OrderNotCancellable
from tests.ths.support import D, Harness, ths_harness


@pytest.fixture
def h(tmp_path: Path) -> Harness:
    harness = ths_harness(tmp_path / "sim.db")
    harness.quote("600000", "10.00", name="浦发银行")
    return harness


def test_the_grid_is_the_ctrl_inside_the_1047_container(h: Harness) -> None:
    assert h.emu is not None
    h.broker.session.goto("orders")
    container = h.emu.find(Locator(control_id=1047))
    assert container.class_name == "HexinScrollWnd"
    assert h.broker.session.grid().class_name == "CVirtualGridCtrl"
    with pytest.raises(Exception, match="焦点不在表格上"):
        h.emu.export_grid(container, Path("unused"), 1.0)  # keys sent to the container do nothing


def test_reselecting_the_shown_page_keeps_its_fields_and_the_driver_resets_it(h: Harness) -> None:
    assert h.emu is not None
    s = h.broker.session
    s.goto("buy")
    s.type_into(1032, "000001")
    s.goto("buy")  # what a naive driver does
    assert h.emu.text(h.emu.find(Locator(control_id=1032))) == "000001"
    s.goto("buy", fresh=True)
    assert h.emu.text(h.emu.find(Locator(control_id=1032))) == ""
    ack = h.broker.place_order(Side.BUY, "600000", D("9.90"), 100)
    assert h.sim.today_orders()[0]["证券代码"] == "600000" and ack.contract_no


def test_a_menu_path_that_lands_on_another_page_is_refused(tmp_path: Path) -> None:
    h = ths_harness(tmp_path / "sim.db", config={"menu": {"sell": ["买入[F1]"]}})
    h.quote("600000", "10.00", name="浦发银行")
    with pytest.raises(BrokerUnavailable, match="未进入该页面"):
        h.broker.place_order(Side.SELL, "600000", D("10.00"), 100)
    assert h.orders_in_sim() == 0


def test_market_types_are_matched_by_alias_not_full_text(h: Harness) -> None:
    ack = h.broker.place_market_order(Side.BUY, "600000", 100, MarketStrategy.FIVE_LEVEL_CANCEL)
    assert h.sim.today_orders()[0]["合同编号"] == ack.contract_no


def test_a_build_with_its_own_market_labels_is_configured_by_alias(tmp_path: Path) -> None:
    h = ths_harness(tmp_path / "sim.db", config={"market_aliases": {"最优五档即时成交剩余撤销": ["五档剩撤(沪)"]}})
    assert h.emu is not None
    h.quote("600000", "10.00", name="浦发银行")
    h.emu.market_items = {MarketStrategy.FIVE_LEVEL_CANCEL: "五档剩撤(沪)", MarketStrategy.OWN_BEST: "本方最优"}
    assert h.broker.place_market_order(Side.BUY, "600000", 100, MarketStrategy.FIVE_LEVEL_CANCEL).contract_no
    with pytest.raises(BrokerRejected, match="没有「对手方最优价格」"):
        h.broker.place_market_order(Side.BUY, "600000", 100, MarketStrategy.COUNTERPARTY_BEST)
    assert h.orders_in_sim() == 1


@pytest.mark.parametrize("popups", [False, True])
def test_cancel_one_order_by_contract_ticks_that_row_only(tmp_path: Path, popups: bool) -> None:
    h = ths_harness(tmp_path / "sim.db", popups=popups, config={"popups": "on" if popups else "off"})
    h.quote("600000", "10.00", name="浦发银行")
    h.quote("000001", "12.00", name="平安银行")
    first = h.broker.place_order(Side.BUY, "600000", D("9.80"), 100).contract_no
    other = h.broker.place_order(Side.BUY, "000001", D("11.80"), 100).contract_no
    second = h.broker.place_order(Side.BUY, "600000", D("9.70"), 200).contract_no
    if not popups:  # two open orders of 600000 and no 撤单确认 to tell them apart: refused
        with pytest.raises(CancelAmbiguous, match="撤单前是否需要确认"):
            h.broker.cancel_orders(contract_no=second)
        assert {r["备注"] for r in h.sim.today_orders()} == {"未成交"}
        assert h.broker.cancel_orders(contract_no=other) == [other]  # the sole open order of its code
        return
    assert h.broker.cancel_orders(contract_no=second) == [second]
    states = {r["合同编号"]: r["备注"] for r in h.sim.today_orders()}
    assert states[second] == "已撤" and states[first] == "未成交" and states[other] == "未成交"
    assert h.broker.cancel_orders(stock_code="600000") == [first]
    with pytest.raises(OrderNotCancellable, match="已撤"):  # not open any more: said, not "nothing"
        h.broker.cancel_orders(contract_no=second)


def test_the_cancel_button_stays_disabled_until_a_row_is_ticked(h: Harness) -> None:
    assert h.emu is not None
    h.broker.place_order(Side.BUY, "600000", D("9.80"), 100)
    h.broker.session.goto("cancel")
    button = h.emu.find(Locator(title="撤单(Del)", class_name="Button"))
    assert not h.emu.is_enabled(button)
    h.emu.click(button)  # nothing happens
    assert h.sim.today_orders()[0]["备注"] == "未成交"
    h.emu.click_grid_row(h.broker.session.grid(), 0)
    assert h.emu.is_enabled(button)


def test_history_presses_its_own_range_and_query(h: Harness) -> None:
    h.broker.place_order(Side.BUY, "600000", D("10.00"), 100)
    h.sim.advance(days=3)
    assert h.broker.order_history("当日") == []
    week = h.broker.order_history("近一周")
    assert [r["证券代码"] for r in week] == ["600000"]
    assert h.broker.order_history("近一周", "000001") == []


def test_repo_lending_goes_through_the_popup_form(h: Harness) -> None:
    assert h.emu is not None
    h.quote("204001", "2.500")
    ack = h.broker.lend_repo("上海", 1, 10_000)
    assert ack.code == "204001" and ack.contract_no in [r["合同编号"] for r in h.sim.today_orders()]
    assert h.emu.dialogs_open == []


def test_repo_products_are_read_by_name_from_the_popup_and_an_unreadable_popup_is_an_error(
    h: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert h.emu is not None
    h.quote("204001", "2.500")
    h.quote("131810", "2.350")
    rates = {r["证券代码"]: r["年化利率"] for r in h.broker.repo_rates()}
    assert rates == {"204001": "2.500%", "131810": "2.350%"}  # shown as GC001 / R-001
    assert h.emu.dialogs_open == []  # the popup is closed again
    monkeypatch.setattr(repo, "BY_NAME", {})  # a build that names its products otherwise
    with pytest.raises(BrokerUnavailable, match="没有读到任何品种"):
        h.broker.repo_rates()
    assert h.emu.dialogs_open == []


def test_condition_panel_validity_dropdown_and_in_page_notice(h: Harness) -> None:
    ack = h.broker.place_condition_order(Side.BUY, "600000", D("9.50"), 100, 5)
    row = h.sim.condition_orders()[0]
    assert row["条件单编号"] == ack.condition_id and "5天" in str(row["监控周期"])
    assert h.broker.cancel_condition_orders(stock_code="600000") == 1
    assert h.sim.condition_orders() == []


def test_export_goes_to_the_configured_short_folder_and_is_retried_later(tmp_path: Path) -> None:
    folder = tmp_path / "grid"
    h = ths_harness(tmp_path / "sim.db", config={"export_dir": str(folder)}, faults=Faults())
    assert h.emu is not None
    h.quote("600000", "10.00", name="浦发银行")
    h.emu.faults.export_disabled = True
    h.broker.holdings()
    reader = h.broker.session.grids
    assert reader.export_works is False
    h.emu.faults.export_disabled = False
    for _ in range(25):
        h.broker.holdings()
    assert reader.export_works is True and folder.is_dir() and list(folder.iterdir()) == []


def test_the_save_captcha_is_answered_by_typing(tmp_path: Path) -> None:
    h = ths_harness(tmp_path / "sim.db", faults=Faults(rates={"save_captcha": 1.0}))
    assert h.emu is not None
    h.quote("600000", "10.00", name="浦发银行")
    h.broker.place_order(Side.BUY, "600000", D("10.00"), 100)
    assert h.broker.holdings() == h.sim.holdings()
    assert h.broker.session.grids.export_works is True


def test_health_lists_the_steps_not_verified_on_a_real_client(h: Harness) -> None:
    unverified = h.broker.health().extra["unverified"]
    assert any("逆回购" in step for step in unverified) and any("条件单" in step for step in unverified)


def test_the_startup_check_reads_the_clients_settings_and_says_what_to_change(tmp_path: Path) -> None:
    h = ths_harness(tmp_path / "sim.db", popups=True)
    assert h.emu is not None
    h.emu.clear_on_switch = False
    problems = h.broker.startup_check()
    assert any("切换页面是否清空代码" in p for p in problems)
    assert h.broker.session.popups is True  # learnt: popups on, so dialogs are waited for in full
    h.emu.clear_on_switch = True
    off = ths_harness(tmp_path / "off.db", popups=False, config={"popups": "on"})
    assert any("[broker].popups = on 不一致" in p for p in off.broker.startup_check())


def test_the_startup_check_test_reads_a_grid(tmp_path: Path) -> None:
    h = ths_harness(tmp_path / "sim.db", faults=Faults(export_disabled=True, captcha=True))
    h.broker.session.grids._recogniser = None
    problems = h.broker.startup_check()
    assert any(p.startswith("试读当日委托表格失败") and "验证码" in p for p in problems)
