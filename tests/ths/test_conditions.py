"""Condition orders on the evidence-built emulator (`docs/ths-facts.md#conditions`): 股价条件 and
止盈止损 are a #32770 popup with a ConditionToolBar pane and a web form addressed by position,
条件单监控 an embedded page. Whatever the form does not read back as asked stops the flow with
nothing set; a submit the monitor cannot confirm is `unknown`."""

from __future__ import annotations

from pathlib import Path

import pytest

from easyths.brokers.base import Side
from easyths.brokers.ths.emulator import Faults
from easyths.brokers.ths.emulator import condition_monitor as monitor
from easyths.brokers.ths.emulator import conditions as emulated
from easyths.brokers.ths.emulator.nodes import Node
from easyths.brokers.ths.seam import Locator
from easyths.errors import BrokerRejected, BrokerUnavailable, OutcomeUnknown
from tests.ths.support import D, Harness, ths_harness
from tests.ths.test_reads import after_the_client_acts, fault


def harness(tmp_path: Path, *, popups: bool = False, held: bool = True) -> Harness:
    h = ths_harness(tmp_path / "sim.db", faults=Faults(), popups=popups)
    h.quote("600000", "10.00", name="浦发银行")
    h.quote("600004", "8.00", name="白云机场")
    if held:  # bought yesterday: sellable today
        h.sim.place_order(Side.BUY, "600000", D("10.00"), 300)
        h.sim.place_order(Side.BUY, "600004", D("8.00"), 200)
        h.sim.advance(days=1)
        h.quote("600000", "10.00", "10.00", name="浦发银行")
        h.quote("600004", "8.00", "8.00", name="白云机场")
    return h


def popup_of(h: Harness) -> Node:
    assert h.emu is not None
    forms = [d.node for d in h.emu.dialogs_open if any(c.class_name == "ConditionToolBar" for c in d.node.children)]
    assert len(forms) == 1
    return forms[0]


def test_selecting_a_condition_item_opens_a_popup_whose_fields_are_known_by_position(tmp_path: Path) -> None:
    """The emulator as the evidence draws it, not as a driver would like it: a #32770 with a
    ConditionToolBar pane; the code sits in the ComboBox's Edit (not a child of the Document), so
    the trigger price is the Document's Edit[0] and the quantity Edit[2] after 下一步."""
    h = harness(tmp_path)
    emu = h.emu
    assert emu is not None
    emu.select_path(emu.find(Locator(control_id=129)), ["条件单", "股价条件"], exact=True)
    popup = popup_of(h)
    assert popup.class_name == "#32770" and next(d for d in emu.dialogs_open if d.node is popup).title == ""
    doc = emu.find(Locator(role="Document"), popup)
    own_edits = emu.find_all(Locator(role="Edit", children_only=True), doc)
    assert len(own_edits) == 1 and not emu.exists(Locator(role="RadioButton"), doc)
    combo = emu.find(Locator(role="ComboBox"), doc)
    emu.set_text(emu.find(Locator(role="Edit", title_contains="代码"), combo), "600000")
    emu.set_text(own_edits[0], "9.50")
    emu.click(emu.find(Locator(role="Button", title="下一步"), doc))
    edits = emu.find_all(Locator(role="Edit", children_only=True), doc)
    assert [e.data.get("label") for e in edits][2] == "委托数量"
    assert len(emu.find_all(Locator(role="Edit", title="请选择", children_only=True), doc)) == 2
    emu.press_keys(popup, "{ESC}")  # Esc closes it
    assert emu.dialogs_open == []


def test_a_condition_buy_and_sell_reach_the_book_as_asked_and_leave_no_popup(tmp_path: Path) -> None:
    h = harness(tmp_path)
    buy = h.broker.place_condition_order(Side.BUY, "600000", D("9.50"), 100, 5)
    sell = h.broker.place_condition_order(Side.SELL, "600000", D("10.80"), 200, 20)
    rows = {r["条件单编号"]: r for r in h.sim.condition_orders()}
    assert rows[buy.condition_id]["方向"] == "买入" and "≤9.50" in str(rows[buy.condition_id]["触发条件"])
    assert rows[buy.condition_id]["监控周期"].startswith("5天")
    assert rows[sell.condition_id]["方向"] == "卖出" and rows[sell.condition_id]["委托单"] == "对手价卖出200股"
    assert rows[sell.condition_id]["监控周期"].startswith("20天")
    assert h.emu is not None and h.emu.dialogs_open == []


def test_a_condition_sell_without_a_holding_is_refused_before_anything_is_set(tmp_path: Path) -> None:
    h = harness(tmp_path, held=False)
    with pytest.raises(BrokerRejected, match="持仓"):  # 下一步 is disabled on the 卖出 tab
        h.broker.place_condition_order(Side.SELL, "600000", D("10.80"), 100, 30)
    assert h.sim.condition_orders() == []


def test_a_prefilled_quantity_is_erased_and_typed_again_before_the_submit(tmp_path: Path) -> None:
    h = harness(tmp_path)
    fault(h, "prefilled_fields")
    ack = h.broker.place_condition_order(Side.BUY, "600000", D("9.50"), 100, 30)
    assert h.sim.condition_orders()[0]["委托单"] == "对手价买入100股" and ack.quantity == 100


def test_keystrokes_that_never_arrive_set_nothing_and_fail(tmp_path: Path) -> None:
    h = harness(tmp_path)
    fault(h, "keystrokes_lost")
    with pytest.raises(BrokerUnavailable, match="回读"):
        h.broker.place_condition_order(Side.BUY, "600000", D("9.50"), 100, 30)
    assert h.sim.condition_orders() == []


def test_a_validity_list_other_than_the_known_six_terms_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The term is taken by index, as the evidence gives it; a list of other terms would make
    index 2 something else than 5 days, so the driver refuses rather than guess."""
    h = harness(tmp_path)
    monkeypatch.setattr(emulated, "DAYS", (1, 2, 3, 5, 10, 30))
    with pytest.raises(BrokerUnavailable, match="策略有效期"):
        h.broker.place_condition_order(Side.BUY, "600000", D("9.50"), 100, 5)
    assert h.sim.condition_orders() == []


def test_a_greyed_automatic_order_is_refused(tmp_path: Path) -> None:
    """Without 全自动委托 the condition would only remind: nothing is set."""
    h = harness(tmp_path)
    assert h.emu is not None
    h.emu.condition_auto = False
    with pytest.raises(BrokerUnavailable, match="全自动委托"):
        h.broker.place_stop_loss_profit("600000", D("3"), D("5"), None, 30)
    assert h.sim.condition_orders() == []


def test_stop_loss_profit_picks_the_holding_with_the_whole_code(tmp_path: Path) -> None:
    """The code edit takes five digits: 60000 lists 600000 and 600004; the one asked for is taken."""
    h = harness(tmp_path)
    ack = h.broker.place_stop_loss_profit("600004", D("3"), D("5"), None, 10)
    row = h.sim.condition_orders()[0]
    assert row["证券代码"] == "600004" and ack.quantity == 200 and row["委托单"] == "对手价卖出200股"


def test_stop_loss_profit_on_shares_bought_today_needs_a_quantity(tmp_path: Path) -> None:
    h = harness(tmp_path, held=False)
    h.sim.place_order(Side.BUY, "600000", D("10.00"), 300)  # T+1: nothing sellable today
    with pytest.raises(BrokerRejected, match="可卖数量为0"):
        h.broker.place_stop_loss_profit("600000", D("3"), D("5"), None, 10)
    assert h.broker.place_stop_loss_profit("600000", D("3"), D("5"), 300, 10).quantity == 300


def test_a_submit_the_monitor_cannot_confirm_is_unknown_and_stays_so(tmp_path: Path) -> None:
    h = harness(tmp_path)
    after_the_client_acts(h, "place_condition_order", then="headerless_grid")
    with pytest.raises(OutcomeUnknown) as info:
        h.broker.place_condition_order(Side.BUY, "600000", D("9.50"), 100, 30)
    assert len(h.sim.condition_orders()) == 1
    with pytest.raises(BrokerUnavailable):
        h.broker.settle_hint(info.value.details)  # the monitor still cannot be read: not "not set"


def test_a_delete_prompt_left_unanswered_is_cancelled_never_confirmed(tmp_path: Path) -> None:
    h = harness(tmp_path)
    first = h.broker.place_condition_order(Side.BUY, "600000", D("9.50"), 100, 30)
    assert h.emu is not None
    h.emu.page.data[monitor.PENDING] = {first.condition_id}  # a 删除 asked and left
    assert [r["条件单编号"] for r in h.broker.condition_orders()] == [first.condition_id]
    assert [r["条件单编号"] for r in h.sim.condition_orders()] == [first.condition_id]


def test_a_delete_ticks_only_the_matching_rows(tmp_path: Path) -> None:
    h = harness(tmp_path)
    buy = h.broker.place_condition_order(Side.BUY, "600004", D("7.50"), 100, 30)
    sell = h.broker.place_condition_order(Side.SELL, "600000", D("10.80"), 100, 30)
    assert h.broker.cancel_condition_orders(stock_code="600000") == 1
    assert [r["条件单编号"] for r in h.sim.condition_orders()] == [buy.condition_id]
    assert sell.condition_id not in [r["条件单编号"] for r in h.broker.condition_orders()]


def test_the_monitor_lists_the_books_conditions_with_popups_on(tmp_path: Path) -> None:
    h = harness(tmp_path, popups=True)
    h.broker.place_condition_order(Side.BUY, "600000", D("9.50"), 100, 30)
    h.broker.place_stop_loss_profit("600000", D("3"), D("5"), 100, 10)
    assert h.broker.condition_orders() == h.sim.condition_orders()


def test_a_monitor_without_an_id_column_never_makes_a_success(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No source names the monitor's id column: a client whose monitor shows none the driver
    knows gives every row the id "", which proves nothing. The submit is then `unknown`, and a
    delete whose targets cannot be told apart afterwards is refused before 删除 is pressed."""
    from easyths.brokers.ths import condition_monitor as driver_monitor

    h = harness(tmp_path)
    monkeypatch.setattr(driver_monitor, "ID_COLUMNS", ("不存在的列",))
    with pytest.raises(OutcomeUnknown):
        h.broker.place_condition_order(Side.BUY, "600000", D("9.50"), 100, 5)
    assert len(h.sim.condition_orders()) == 1
    with pytest.raises(BrokerUnavailable, match="编号"):
        h.broker.cancel_condition_orders(stock_code="600000")
    assert len(h.sim.condition_orders()) == 1


def test_a_reconcile_without_monitor_ids_stays_unknown(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With an earlier condition listed, "" is in the snapshot: a new row without an id would be
    taken for the old one and the reconcile would answer "nothing placed" while it is on the book."""
    from easyths.brokers.ths import condition_monitor as driver_monitor

    h = harness(tmp_path)
    h.broker.place_condition_order(Side.BUY, "600004", D("7.50"), 100, 30)
    monkeypatch.setattr(driver_monitor, "ID_COLUMNS", ("不存在的列",))
    with pytest.raises(OutcomeUnknown) as unknown:
        h.broker.place_condition_order(Side.BUY, "600000", D("9.50"), 100, 5)
    assert len(h.sim.condition_orders()) == 2
    with pytest.raises((BrokerUnavailable, OutcomeUnknown)):
        h.broker.settle_hint(unknown.value.details)


def test_a_reconcile_takes_only_a_new_condition_on_its_own_side(tmp_path: Path) -> None:
    """An unknown condition buy that never reached the book, and a condition sell on the same
    code set meanwhile (by hand, or by another unknown flow): the sell is not the buy's answer.
    Crediting it would show the buy a success and leave the sell, which is on the book, failed."""
    h = harness(tmp_path)
    before = [str(r["条件单编号"]) for r in h.sim.condition_orders()]
    h.sim.place_condition_order(Side.SELL, "600000", D("10.80"), 100, 30)
    hint = {"kind": "condition", "side": Side.BUY.value, "stock_code": "600000", "quantity": 100, "before": before}
    assert h.broker.settle_hint(hint) is None


def test_a_leftover_delete_prompt_that_will_not_go_stops_the_delete(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 删除 asked and left, whose 取消 does nothing: the driver's own 删除 would find that
    提示 first and answer it 确认, deleting the condition the earlier 删除 had ticked. A 提示 that
    three 取消 did not close stops the read, before anything is ticked or pressed."""
    h = harness(tmp_path)
    buy = h.broker.place_condition_order(Side.BUY, "600004", D("7.50"), 100, 30)
    sell = h.broker.place_condition_order(Side.SELL, "600000", D("10.80"), 100, 30)
    assert h.emu is not None
    h.emu.page.data[monitor.PENDING] = {buy.condition_id}  # a 删除 of the buy, asked and left
    stuck = monitor.notice

    def notice(doc: Node, title: str, text: str, buttons: dict[str, object]) -> Node:
        return stuck(doc, title, text, {**buttons, "取消": lambda: None})  # type: ignore[dict-item]

    monkeypatch.setattr(monitor, "notice", notice)
    with pytest.raises(BrokerUnavailable, match="提示"):
        h.broker.cancel_condition_orders(stock_code="600000")
    assert sorted(r["条件单编号"] for r in h.sim.condition_orders()) == sorted([buy.condition_id, sell.condition_id])
