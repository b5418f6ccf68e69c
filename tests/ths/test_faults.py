"""Injected faults end in a clear failure, or in `unknown` that `reconcile` settles; nothing is
ever placed twice (orders are counted in the sim behind the emulator), and the driver keeps
serving afterwards."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from easyths.brokers.base import Side
from easyths.brokers.ths.emulator import Faults
from easyths.errors import BrokerRejected, BrokerUnavailable, OutcomeUnknown
from tests.ths.support import D, Harness, ths_harness


@pytest.fixture
def faults() -> Faults:
    return Faults()


@pytest.fixture
def h(tmp_path: Path, faults: Faults) -> Harness:
    harness = ths_harness(tmp_path / "sim.db", faults=faults, popups=True)
    harness.quote("600000", "10.00", name="浦发银行")
    return harness


def buy(h: Harness, price: str = "9.90") -> str:
    return h.broker.place_order(Side.BUY, "600000", D(price), 100).contract_no


def still_serves(h: Harness) -> None:
    before = h.orders_in_sim()
    assert buy(h, "9.80") == h.sim.today_orders()[-1]["合同编号"]
    assert h.orders_in_sim() == before + 1


def test_a_slow_client_within_the_step_timeout_just_takes_longer(h: Harness, faults: Faults) -> None:
    faults.latency = 1.5  # virtual seconds, below step_timeout = 2
    start = h.emu.now
    assert buy(h) == h.sim.today_orders()[0]["合同编号"]
    assert h.emu.now - start >= 3.0  # confirmation and 提示 each came 1.5 s late
    assert h.orders_in_sim() == 1


def test_a_client_slower_than_the_timeout_is_unknown_then_reconciled_without_a_second_order(
    h: Harness, faults: Faults
) -> None:
    faults.latency = 3.0  # step_timeout is 2
    with pytest.raises(OutcomeUnknown) as info:
        buy(h)
    hint = info.value.details
    json.dumps(hint)  # the journal stores it
    assert (hint["side"], hint["stock_code"], hint["price"], hint["quantity"]) == ("buy", "600000", "9.90", 100)
    faults.latency = 0.0
    assert h.broker.settle_hint(hint) is None  # the late confirmation was closed, never answered 是
    assert h.emu.dialogs_pending == []
    assert h.orders_in_sim() == 0 and h.emu.blind_confirms == 0
    still_serves(h)


def test_a_missing_result_dialog_is_settled_from_today_orders(h: Harness, faults: Faults) -> None:
    faults.never = "result"
    contract = buy(h)
    assert contract == h.sim.today_orders()[0]["合同编号"]
    assert h.orders_in_sim() == 1


def test_a_confirmation_that_never_comes_is_unknown_and_reconciles_to_nothing(h: Harness, faults: Faults) -> None:
    faults.never = "confirm"
    with pytest.raises(OutcomeUnknown) as info:
        buy(h)
    faults.never = None
    assert h.broker.settle_hint(info.value.details) is None
    assert h.orders_in_sim() == 0
    still_serves(h)


def test_a_stray_notice_mid_order_is_closed_and_logged_never_confirmed(h: Harness, faults: Faults) -> None:
    faults.popup = ("营业部公告", "尊敬的客户：本营业部将于周六进行系统升级。")
    assert buy(h)
    assert h.orders_in_sim() == 1 and h.emu.blind_confirms == 0
    assert any("营业部公告" in text for text in h.broker.session.closed_dialogs)


def test_an_unknown_dialog_is_closed_not_answered(h: Harness) -> None:
    h.emu.show("神秘窗口", "是否开通某项业务？", {"是(Y)": lambda: None, "否(N)": lambda: None}, kind="unknown")
    assert buy(h)
    assert h.emu.blind_confirms == 0 and h.emu.dialogs_open == []


def test_a_leftover_confirmation_is_closed_before_the_next_flow(h: Harness) -> None:
    placed: list[bool] = []
    h.emu.show("委托确认", "证券代码：600000 是否确认以上委托？", {"是(Y)": lambda: placed.append(True)})
    assert buy(h)
    assert placed == [] and h.orders_in_sim() == 1


def test_a_price_limit_warning_is_declined_and_nothing_is_sent(h: Harness) -> None:
    with pytest.raises(BrokerRejected, match=r"^您输入的价格已超出涨跌停限制: \[9.00 - 11.00\]$"):
        buy(h, "11.50")
    assert h.orders_in_sim() == 0 and h.emu.blind_confirms == 0


def test_a_client_that_dies_before_submit_is_unavailable_and_reattaches_after_restart(
    h: Harness, faults: Faults
) -> None:
    faults.die = "on_navigate"
    with pytest.raises(BrokerUnavailable):
        buy(h)
    with pytest.raises(BrokerUnavailable, match="未找到同花顺下单窗口"):
        buy(h)  # still gone: a clear failure, not a hang
    assert not h.broker.health().connected
    h.emu.restart()
    assert h.broker.health().connected
    assert h.orders_in_sim() == 0
    still_serves(h)


def test_a_client_that_dies_on_submit_is_unknown_and_reconciles_to_nothing(h: Harness, faults: Faults) -> None:
    faults.die = "on_submit"
    with pytest.raises(OutcomeUnknown) as info:
        buy(h)
    h.emu.restart()
    assert h.broker.settle_hint(info.value.details) is None
    assert h.orders_in_sim() == 0
    still_serves(h)


def test_a_client_that_dies_after_the_order_was_accepted_reconciles_to_that_order(h: Harness, faults: Faults) -> None:
    faults.die = "after_accept"
    faults.auto_restart = True  # the user (or a watchdog) restarts the client
    with pytest.raises(OutcomeUnknown) as info:
        buy(h)
    ack = h.broker.settle_hint(info.value.details)
    assert ack is not None and ack.contract_no == h.sim.today_orders()[0]["合同编号"]
    assert h.orders_in_sim() == 1
    still_serves(h)


def test_reconcile_while_the_client_is_still_down_stays_unavailable(h: Harness, faults: Faults) -> None:
    faults.die = "after_accept"
    with pytest.raises(OutcomeUnknown) as info:
        buy(h)
    with pytest.raises(BrokerUnavailable):
        h.broker.settle_hint(info.value.details)
    h.emu.restart()
    assert h.broker.settle_hint(info.value.details) is not None


def test_copy_with_captcha_when_export_is_disabled(h: Harness, faults: Faults) -> None:
    faults.export_disabled = True
    faults.captcha = True
    buy(h, "10.00")
    assert h.broker.holdings() == h.sim.holdings()
    assert h.broker.session.grids.export_works is False
    assert "表格导出不可用" in " ".join(h.broker.health().problems)


def test_captcha_without_a_recogniser_is_a_clear_failure(tmp_path: Path) -> None:
    harness = ths_harness(tmp_path / "sim.db", faults=Faults(export_disabled=True, captcha=True))
    harness.broker.session.grids._recogniser = None
    with pytest.raises(BrokerUnavailable, match="验证码"):
        harness.broker.holdings()
    assert harness.emu is not None and harness.emu.dialogs_open == []


def test_a_late_confirmation_of_another_order_is_declined_while_ours_goes_through(h: Harness, faults: Faults) -> None:
    assert h.emu is not None
    answered: list[str] = []
    stale = h.emu.show(
        "委托确认",
        "操作类别：买入\n证券代码：000001\n委托数量：300\n是否确认以上委托？",
        {"是(Y)": lambda: answered.append("是"), "否(N)": lambda: answered.append("否")},
        kind="confirm",
    )
    stale.due = h.emu.now + 0.1  # arrives while our order waits for its own confirmation
    faults.latency = 0.5
    assert buy(h) == h.sim.today_orders()[0]["合同编号"]
    assert answered == ["否"] and h.orders_in_sim() == 1
