"""Cancelling one order by 合同编号 as the client allows it (`docs/ths-facts.md#cancel`): the
filter takes a stock code only and rows are chosen by position, so the driver cancels only what
it can prove is the target, answers 是 only to a confirmation that shows the target, never
presses 改单, and refuses (`CANCEL_AMBIGUOUS`) when it cannot tell orders apart."""

from __future__ import annotations

from pathlib import Path

import pytest

from easyths.brokers.base import Side
from easyths.brokers.ths.dialogs import DialogKind, classify
from easyths.brokers.ths.emulator import Faults
from easyths.brokers.ths.seam import DialogInfo
from easyths.errors import BrokerRejected, CancelAmbiguous, OutcomeUnknown
from tests.ths.support import D, Harness, ths_harness


def harness(tmp_path: Path, popups: bool, **rates: float) -> Harness:
    h = ths_harness(
        tmp_path / "sim.db",
        faults=Faults(rates=dict(rates)),
        popups=popups,
        config={"popups": "on" if popups else "off"},
    )
    h.quote("600000", "10.00", name="浦发银行")
    h.quote("000001", "12.00", name="平安银行")
    return h


def buy(h: Harness, code: str, price: str, quantity: int = 100) -> str:
    return h.broker.place_order(Side.BUY, code, D(price), quantity).contract_no


def remarks(h: Harness) -> dict[str, str]:
    return {str(r["合同编号"]): str(r["备注"]) for r in h.sim.today_orders()}


def test_the_sole_open_order_of_its_code_is_cancelled_without_any_confirmation(tmp_path: Path) -> None:
    h = harness(tmp_path, popups=False)
    mine = buy(h, "600000", "9.80")
    other = buy(h, "000001", "11.80")
    assert h.broker.cancel_orders(contract_no=mine) == [mine]
    assert remarks(h) == {mine: "已撤", other: "未成交"}


def test_several_orders_of_the_code_without_a_confirmation_are_refused(tmp_path: Path) -> None:
    h = harness(tmp_path, popups=False, resorted_grid=1.0)
    first, second = buy(h, "600000", "9.80"), buy(h, "600000", "9.70", 200)
    with pytest.raises(CancelAmbiguous) as refused:
        h.broker.cancel_orders(contract_no=second)
    assert refused.value.error_code == "CANCEL_AMBIGUOUS"
    assert "撤单前是否需要确认" in refused.value.message
    assert remarks(h) == {first: "未成交", second: "未成交"}  # the re-sorted grid ticked nothing away


def test_a_re_sorted_grid_is_caught_by_the_confirmation_and_nothing_else_is_cancelled(tmp_path: Path) -> None:
    h = harness(tmp_path, popups=True, resorted_grid=1.0)  # every tick lands on the other row
    first, second = buy(h, "600000", "9.80"), buy(h, "600000", "9.70", 200)
    with pytest.raises(BrokerRejected, match="重新排序"):
        h.broker.cancel_orders(contract_no=second)
    assert remarks(h) == {first: "未成交", second: "未成交"}
    assert h.emu is not None
    h.emu.faults.rates.clear()
    assert h.broker.cancel_orders(contract_no=second) == [second]
    assert remarks(h) == {first: "未成交", second: "已撤"}


def test_modify_beside_yes_is_never_pressed(tmp_path: Path) -> None:
    h = harness(tmp_path, popups=True, modify_button=1.0)
    first, second = buy(h, "600000", "9.80"), buy(h, "600000", "9.70", 200)
    assert h.broker.cancel_orders(contract_no=first) == [first]
    assert remarks(h) == {first: "已撤", second: "未成交"}  # no third order: 改单 would place one
    assert h.emu is not None and h.emu.blind_modifies == 0


def test_a_cancel_confirmation_asked_as_a_prompt_is_answered_yes_when_it_is_ours(tmp_path: Path) -> None:
    h = harness(tmp_path, popups=True, confirm_as_prompt=1.0)
    mine = buy(h, "600000", "9.80")
    assert h.broker.cancel_orders(contract_no=mine) == [mine]
    assert h.emu is not None and h.emu.blind_confirms == 0


def test_identical_orders_cannot_be_told_apart_and_are_refused(tmp_path: Path) -> None:
    h = harness(tmp_path, popups=True)
    first, second = buy(h, "600000", "9.80"), buy(h, "600000", "9.80")
    with pytest.raises(CancelAmbiguous, match="都相同"):
        h.broker.cancel_orders(contract_no=second)
    assert remarks(h) == {first: "未成交", second: "未成交"}


def test_cancel_by_code_cancels_that_codes_orders_only(tmp_path: Path) -> None:
    h = harness(tmp_path, popups=False)
    first, second, other = buy(h, "600000", "9.80"), buy(h, "600000", "9.70"), buy(h, "000001", "11.80")
    assert sorted(h.broker.cancel_orders(stock_code="600000")) == sorted([first, second])
    assert remarks(h) == {first: "已撤", second: "已撤", other: "未成交"}


def test_a_cancel_prompt_is_a_confirmation_not_a_continue_question() -> None:
    prompt = DialogInfo(None, "提示信息", "您确认要撤销该委托吗？", ("是(&Y)", "否(&N)"))
    assert classify(prompt).kind is DialogKind.CONFIRM


def test_popups_stated_on_while_the_client_asks_nothing_leave_a_several_row_cancel_unknown(tmp_path: Path) -> None:
    h = ths_harness(tmp_path / "sim.db", popups=False, config={"popups": "on"})  # the statement is wrong
    h.quote("600000", "10.00", name="浦发银行")
    buy(h, "600000", "9.80")
    second = buy(h, "600000", "9.70", 200)
    with pytest.raises(OutcomeUnknown, match="没有出现撤单确认框"):
        h.broker.cancel_orders(contract_no=second)
