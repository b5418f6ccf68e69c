"""The form as the client shows it, not as the driver typed it: every field is read back before
anything is sent, the menu is selected by exact captions only, and every page proves arrival."""

from __future__ import annotations

from pathlib import Path

import pytest

from easyths.brokers.base import MarketStrategy, Side
from easyths.brokers.ths.emulator import Faults
from easyths.errors import BrokerUnavailable, SeamError
from tests.ths.stub_pywinauto import Clipboard, TreeItem, TreeView, installed
from tests.ths.support import D, Harness, ths_harness


def harness(tmp_path: Path, **rates: float) -> Harness:
    h = ths_harness(tmp_path / "sim.db", faults=Faults(rates=dict(rates)))
    h.quote("600000", "10.00", name="浦发银行")
    return h


def test_a_prefilled_quantity_is_erased_and_the_order_is_exactly_what_was_asked(tmp_path: Path) -> None:
    h = harness(tmp_path, prefilled_fields=1.0)
    contract = h.broker.place_order(Side.BUY, "600000", D("9.90"), 100).contract_no
    assert [(r["合同编号"], r["委托数量"]) for r in h.sim.today_orders()] == [(contract, 100)]  # not 1 + 100


def test_a_field_that_never_reads_back_as_asked_sends_nothing(tmp_path: Path) -> None:
    h = harness(tmp_path)
    assert h.emu is not None
    set_text = h.emu.set_text

    def appends_whatever(handle: object, text: str) -> None:
        set_text(handle, text)
        if getattr(handle, "control_id", None) == 1034:
            handle.text = "1" + text  # type: ignore[attr-defined]  # a default nothing erases

    h.emu.set_text = appends_whatever  # type: ignore[method-assign]
    with pytest.raises(BrokerUnavailable, match="数量「1100」"):
        h.broker.place_order(Side.BUY, "600000", D("9.90"), 100)
    assert h.orders_in_sim() == 0


def test_keystrokes_that_never_arrived_send_nothing(tmp_path: Path) -> None:
    h = harness(tmp_path, keystrokes_lost=1.0)
    with pytest.raises(BrokerUnavailable, match="回读"):
        h.broker.place_order(Side.BUY, "600000", D("9.90"), 100)
    assert h.orders_in_sim() == 0


def test_a_build_without_market_orders_refuses_them_and_sends_nothing(tmp_path: Path) -> None:
    h = harness(tmp_path, renamed_menu=1.0)
    with pytest.raises(BrokerUnavailable, match="市价委托"):
        h.broker.place_market_order(Side.BUY, "600000", 100, MarketStrategy.FIVE_LEVEL_CANCEL)
    assert h.orders_in_sim() == 0
    assert h.broker.place_order(Side.BUY, "600000", D("9.90"), 100).contract_no  # the rest still works


def menu() -> TreeView:
    """The new skin's tree without 市价委托 (`docs/ths-facts.md#menu-captions`)."""
    return TreeView(
        [
            TreeItem("买入[F1]"),
            TreeItem("卖出[F2]"),
            TreeItem("盘后定价委托", [TreeItem("买入"), TreeItem("卖出")]),
            TreeItem("查询[F4]", [TreeItem("资金股票"), TreeItem("当日委托"), TreeItem("当日成交")]),
        ]
    )


def test_the_seam_selects_exact_captions_and_never_the_nearest_one(monkeypatch: pytest.MonkeyPatch) -> None:
    tree = menu()
    with installed(monkeypatch, Clipboard()) as seam:
        with pytest.raises(SeamError, match="市价委托"):
            seam.select_path(tree, ["市价委托", "买入"], exact=True)
        seam.select_path(tree, ["查询[F4]", "当日委托"], exact=True)
    after_hours = tree.get_item(["盘后定价委托", "买入"], exact=True)
    assert not after_hours.selected  # 0.600 to 市价委托: a fuzzy select would have landed here
    assert tree.get_item(["查询[F4]", "当日委托"], exact=True).selected


def test_the_stub_tree_is_as_fuzzy_as_pywinauto(monkeypatch: pytest.MonkeyPatch) -> None:
    tree = menu()
    with installed(monkeypatch, Clipboard()) as seam:
        seam.select_path(tree, ["市价委托", "买入"])  # what `TreeViewWrapper.select` does
    assert tree.get_item(["盘后定价委托", "买入"], exact=True).selected


def test_funds_are_refreshed_before_they_are_read(tmp_path: Path) -> None:
    h = harness(tmp_path)
    h.broker.funds()  # what the page shows from now on, until refreshed
    assert h.emu is not None
    h.emu.faults.rates["stale_funds"] = 1.0
    h.broker.place_order(Side.BUY, "600000", D("9.90"), 100)
    assert h.broker.funds()["可用金额"] == h.sim.funds()["可用金额"]


def test_today_orders_are_read_with_the_filter_on_all(tmp_path: Path) -> None:
    h = harness(tmp_path)
    h.broker.place_order(Side.BUY, "600000", D("10.00"), 100)  # fills at once
    h.broker.place_order(Side.BUY, "600000", D("9.90"), 100)  # stays open
    assert h.emu is not None
    h.emu.page.data["order_filter"] = "可撤"  # the user left 当日委托 on 可撤
    assert len(h.broker.today_orders()) == len(h.sim.today_orders()) == 2
