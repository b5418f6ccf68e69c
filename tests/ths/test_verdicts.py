"""The one promise, fault by fault: the status a user sees agrees with the order book.

`success` has its 合同编号 on the book, `failed` left nothing there, `unknown` is settled by
`reconcile` to one of those, and no intent is ever placed twice. Each named emulator fault is
switched on at probability 1 (popups on and off), then all of them at once at random.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from easyths.brokers.base import OrderAck, Side
from easyths.brokers.ths.dialogs import DialogKind, classify
from easyths.brokers.ths.emulator import Faults
from easyths.brokers.ths.emulator import order_form as _ths_order_form
from easyths.brokers.ths.emulator.faults import FAULT_NAMES
from easyths.brokers.ths.seam import DialogInfo
from easyths.errors import BrokerError, BrokerRejected, BrokerUnavailable, OrderVoided, OutcomeUnknown
from tests.ths.support import D, Harness, ths_harness


def harness(tmp_path: Path, popups: bool, **rates: float) -> Harness:
    h = ths_harness(tmp_path / "sim.db", faults=Faults(rates=dict(rates), seed=11), popups=popups)
    h.quote("600000", "10.00", name="浦发银行")
    return h


def user_status(h: Harness, place: Callable[[], OrderAck]) -> tuple[str, str | None]:
    """What the engine would finally show: unknown is reconciled (bounded) like the engine does."""
    assert h.emu is not None
    try:
        return "success", place().contract_no
    except BrokerRejected:
        return "failed", None
    except OutcomeUnknown as exc:
        hint = exc.details
    except BrokerUnavailable:
        return "failed", None  # refused before anything was submitted
    for _ in range(8):
        try:
            ack = h.broker.settle_hint(hint)
        except BrokerRejected:  # a 废单 on the book (OrderVoided): the engine settles it failed
            return "failed", None
        except BrokerError:
            h.emu.now += 5.0  # the engine retries later; the dead client comes back meanwhile
            continue
        return ("success", ack.contract_no) if ack is not None else ("failed", None)
    return "unknown", None


def agrees(h: Harness, status: tuple[str, str | None], before: list[str], quantity: int = 100) -> None:
    book = [str(r["合同编号"]) for r in h.sim.today_orders()]
    new = [c for c in book if c not in before]
    assert len(new) <= 1, f"placed twice: {new}"
    asked = [r["委托数量"] for r in h.sim.today_orders() if str(r["合同编号"]) in new]
    assert asked in ([], [quantity]), f"another quantity reached the book: {asked}"
    kind, contract = status
    if kind == "success":
        assert new == [contract], (status, new)
    elif kind == "failed":  # nothing live: at most a 废单
        live = [r for r in h.sim.today_orders() if str(r["合同编号"]) in new and r["备注"] != "废单"]
        assert live == [], (status, live)
    else:  # still unknown after the reconciles: allowed only while the book is ambiguous
        pytest.fail(f"never settled: {status}")


def buy(h: Harness, price: str = "9.90", quantity: int = 100) -> Callable[[], OrderAck]:
    return lambda: h.broker.place_order(Side.BUY, "600000", D(price), quantity)


def serves(h: Harness) -> None:
    assert h.emu is not None
    h.emu.faults.rates.clear()
    h.emu.locked_until = 0.0
    if not h.emu.alive:
        h.emu.restart()
    before = [str(r["合同编号"]) for r in h.sim.today_orders()]
    status = user_status(h, buy(h, "9.80"))
    assert status[0] == "success"
    agrees(h, status, before)


@pytest.mark.parametrize("popups", [False, True], ids=["popups-off", "popups-on"])
@pytest.mark.parametrize("fault", sorted(FAULT_NAMES))
def test_each_fault_keeps_the_status_in_line_with_the_book(tmp_path: Path, fault: str, popups: bool) -> None:
    h = harness(tmp_path, popups, **{fault: 1.0})
    for _ in range(3):
        before = [str(r["合同编号"]) for r in h.sim.today_orders()]
        agrees(h, user_status(h, buy(h)), before)
    assert h.emu is not None and h.emu.blind_confirms == 0
    serves(h)


@pytest.mark.parametrize("popups", [False, True], ids=["popups-off", "popups-on"])
def test_all_faults_at_random(tmp_path: Path, popups: bool) -> None:
    h = harness(tmp_path, popups, **{name: 0.25 for name in FAULT_NAMES})
    outcomes: dict[str, int] = {}
    assert h.emu is not None
    for i in range(30):
        h.emu.now += 1.0  # orders come a second apart: a locked desktop is unlocked after a while
        before = [str(r["合同编号"]) for r in h.sim.today_orders()]
        status = user_status(h, buy(h, f"9.{50 + i}"))
        agrees(h, status, before)
        outcomes[status[0]] = outcomes.get(status[0], 0) + 1
    assert outcomes.get("success", 0) > 0 and outcomes.get("failed", 0) > 0
    assert h.emu is not None and h.emu.blind_confirms == 0
    serves(h)


def test_a_continue_prompt_gets_no_and_the_order_is_never_failed_by_dialog(tmp_path: Path) -> None:
    h = harness(tmp_path, True, continue_prompt=1.0)
    with pytest.raises(OutcomeUnknown, match="已回答“否”"):
        buy(h)()
    assert h.orders_in_sim() == 0


@pytest.mark.parametrize(
    ("title", "text", "buttons"),
    [
        ("提示信息", "该证券为风险警示证券。\n是否继续?", ("是(Y)", "否(N)")),
        ("提示", "委托价格不是最小价位变动的整数倍，您确定要委托吗？", ("是(Y)", "否(N)")),
        ("提示", "已为您自动调整委托价格", ("是(Y)", "否(N)")),
    ],
)
def test_a_yes_no_prompt_the_driver_does_not_know_is_never_answered_yes(
    title: str, text: str, buttons: tuple[str, ...]
) -> None:
    assert classify(DialogInfo(None, title, text, buttons)).kind is DialogKind.CONTINUE


def test_an_unrecognised_prompt_after_submit_is_unknown_not_failed(tmp_path: Path) -> None:
    h = harness(tmp_path, False)
    assert h.emu is not None
    emu = h.emu

    def odd_prompt() -> None:
        emu.show("提示", "委托已受理，请留意后续状态。")  # neither success nor a known rejection

    emu.faults.never = "result"
    original = h.sim.place_order

    def place(*args: object, **kwargs: object) -> OrderAck:
        ack = original(*args, **kwargs)  # type: ignore[arg-type]
        odd_prompt()
        return ack

    h.sim.place_order = place  # type: ignore[method-assign]
    status = user_status(h, buy(h))
    assert status[0] == "success" and status[1] == h.sim.today_orders()[0]["合同编号"]


def test_after_answering_yes_to_a_prompt_a_rejection_is_unknown(tmp_path: Path) -> None:
    """If anything ever makes the driver press 是 on a prompt, no later dialog can say failed."""
    from easyths.brokers.ths.session import Attempt

    h = harness(tmp_path, True)
    assert h.emu is not None
    attempt = Attempt({"kind": "order", "stock_code": "600000", "side": "buy", "quantity": 100})
    attempt.continued = True
    h.emu.show("提示", "提交失败：[120147][当前时间不允许委托]")
    with pytest.raises(OutcomeUnknown, match="当前时间不允许委托"):
        h.broker.session.await_verdict(attempt)


def test_a_late_success_dialog_of_an_earlier_order_is_not_credited_to_the_next(tmp_path: Path) -> None:
    h = harness(tmp_path, True)
    assert h.emu is not None
    h.emu.faults.latency = 3.0  # slower than step_timeout: the first order ends unknown
    with pytest.raises(OutcomeUnknown) as first:
        buy(h)()
    h.emu.faults.latency = 0.0
    # An earlier flow's success 提示 arrives while the next order waits for its verdict.
    h.emu.show("提示", "您的买入委托已成功提交，合同编号：99999。")
    before = [str(r["合同编号"]) for r in h.sim.today_orders()]
    status = user_status(h, lambda: h.broker.place_order(Side.BUY, "600000", D("9.70"), 200))
    assert status[1] != "99999"
    agrees(h, status, before, quantity=200)
    assert h.broker.settle_hint(first.value.details) is None  # its late confirmation was closed, not answered


def test_a_late_rejection_while_an_earlier_flow_is_unsettled_is_unknown_not_failed(tmp_path: Path) -> None:
    h = harness(tmp_path, True)
    assert h.emu is not None
    h.emu.faults.never = "confirm"
    with pytest.raises(OutcomeUnknown):
        buy(h)()
    h.emu.faults.never = None
    h.emu.show("提示", "提交失败：资金不足。")  # whose? the earlier flow's, or ours
    before = [str(r["合同编号"]) for r in h.sim.today_orders()]
    agrees(h, user_status(h, buy(h, "9.70")), before)


def test_a_login_window_mid_flow_stops_it_and_health_reports_it(tmp_path: Path) -> None:
    h = harness(tmp_path, False)
    assert h.emu is not None
    h.emu.logged_in = False
    with pytest.raises(BrokerUnavailable, match="登录"):
        buy(h)()
    assert any("登录" in p for p in h.broker.health().problems)
    h.emu.logged_in = True
    assert h.orders_in_sim() == 0
    h.emu.show("用户登录", "登录超时，请重新登录", class_name="Afx:login")
    with pytest.raises(BrokerUnavailable, match="登录"):
        buy(h)()
    assert h.orders_in_sim() == 0


def test_a_locked_desktop_refuses_before_any_keystroke(tmp_path: Path) -> None:
    h = harness(tmp_path, False)
    assert h.emu is not None
    h.emu.locked_until = h.emu.now + 10
    with pytest.raises(BrokerUnavailable, match="锁定"):
        buy(h)()
    assert any("锁定" in p for p in h.broker.health().problems)
    h.emu.locked_until = 0.0
    serves(h)


def test_non_dialog_popups_are_closed_before_a_step(tmp_path: Path) -> None:
    h = harness(tmp_path, False)
    assert h.emu is not None
    h.emu.show("成交回报", "您的委托已成交", class_name="Afx:00400000:b")
    assert buy(h)()
    assert h.emu.dialogs_open == []
    assert any("成交回报" in text for text in h.broker.session.closed_dialogs)


def test_a_window_that_ignores_close_is_answered_no_and_the_loop_is_bounded(tmp_path: Path) -> None:
    h = harness(tmp_path, True, resist_close=1.0)
    assert h.emu is not None
    pressed: list[str] = []
    h.emu.show(
        "神秘窗口", "是否开通某项业务？", {"是(Y)": lambda: pressed.append("是"), "否(N)": lambda: pressed.append("否")}
    )
    assert buy(h)()
    assert pressed == ["否"] and h.emu.blind_confirms == 0
    stuck = h.emu.show("公告", "请阅读", {})
    stuck.answers = {}  # no button at all, and it ignores close
    with pytest.raises(BrokerUnavailable, match="弹窗无法关闭"):
        buy(h)()


def test_an_abandoned_flow_stops_at_its_next_step_and_the_next_waits_for_it(tmp_path: Path) -> None:
    h = harness(tmp_path, False)
    assert h.emu is not None
    session = h.broker.session
    entered, release = threading.Event(), threading.Event()
    real_find = h.emu.find
    stall = {"on": True}

    def slow_find(*args: object, **kwargs: object) -> object:
        if stall["on"]:
            stall["on"] = False
            entered.set()
            release.wait(5)  # a GUI call that hangs while the watchdog gives up
        return real_find(*args, **kwargs)  # type: ignore[arg-type]

    h.emu.find = slow_find  # type: ignore[method-assign]
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            buy(h)()
        except BaseException as exc:
            errors.append(exc)

    t = threading.Thread(target=worker)
    t.start()
    assert entered.wait(5)
    h.broker.abandon()  # the watchdog's call
    session.release_wait = 0.05
    with pytest.raises(BrokerUnavailable, match="已被放弃"):
        h.broker.holdings()  # the abandoned flow still holds the GUI: bounded wait, clear refusal
    release.set()
    t.join(5)
    assert len(errors) == 1 and isinstance(errors[0], BrokerError)  # it stopped at its next step
    assert h.orders_in_sim() == 0
    session.release_wait = 2.0
    serves(h)
    assert h.broker.health().extra["abandoned_operations"] == 1


def test_submit_by_enter_is_not_lost_when_clicks_are(tmp_path: Path) -> None:
    h = ths_harness(
        tmp_path / "sim.db", faults=Faults(rates={"lost_click": 1.0}), config={"submit_key": "enter"}, popups=False
    )
    h.quote("600000", "10.00", name="浦发银行")
    ack = buy(h)()
    assert [r["合同编号"] for r in h.sim.today_orders()] == [ack.contract_no]


# --- 废单: one verdict, whether the submit reads the book or a later reconcile does ------------------


def voided_by_the_exchange(h: Harness) -> str:
    """The order the client sent stands on the book as 废单 (outside the 10% band of 10.00)."""
    with pytest.raises(OrderVoided) as err:
        h.sim.place_order(Side.BUY, "600000", D("11.01"), 100)
    return str(err.value.details["合同编号"])


@pytest.mark.parametrize("popups", [False, True], ids=["popups-off", "popups-on"])
def test_a_废单_found_by_reconcile_is_failed_with_its_contract_no_not_success(tmp_path: Path, popups: bool) -> None:
    h = harness(tmp_path, popups)
    hint = {"kind": "order", "side": "buy", "stock_code": "600000", "quantity": 100, "price": "11.01", "before": []}
    contract = voided_by_the_exchange(h)
    with pytest.raises(OrderVoided) as err:
        h.broker.settle_hint(hint)
    assert "废单" in err.value.message and contract in err.value.message
    assert err.value.details == {"合同编号": contract, "备注": "废单"}
    with pytest.raises(OrderVoided):  # the client named the order: the book still decides
        h.broker.settle_hint({**hint, "contract_no": contract})


def test_a_废单_whose_refusal_dialog_was_lost_is_failed_at_submit_and_again_at_reconcile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = harness(tmp_path, False)
    assert h.emu is not None
    monkeypatch.setattr(_ths_order_form, "_band", lambda emu, code: None)  # a build without the client's band check
    show = h.emu.show

    def eat_refusals(title: str, text: str, *args: object, **kwargs: object) -> object:
        if text.startswith("提交失败"):
            return None  # the client's refusal never reaches the screen
        return show(title, text, *args, **kwargs)  # type: ignore[arg-type]

    h.emu.show = eat_refusals  # type: ignore[method-assign]
    with pytest.raises(OrderVoided) as submit:
        h.broker.place_order(Side.BUY, "600000", D("11.01"), 100)
    [row] = h.sim.today_orders()
    assert row["备注"] == "废单" and submit.value.details["合同编号"] == row["合同编号"]
    hint = {"kind": "order", "side": "buy", "stock_code": "600000", "quantity": 100, "price": "11.01", "before": []}
    with pytest.raises(OrderVoided) as later:
        h.broker.settle_hint(hint)
    assert later.value.details == submit.value.details


def unknown_then_identical(tmp_path: Path) -> tuple[Harness, dict[str, Any], OrderAck]:
    """A buy whose click was swallowed (unknown, nothing sent), then the same buy placed: its
    reconcile hint and the second one's ack."""
    h = harness(tmp_path, True)
    assert h.emu is not None
    h.emu.faults.never = "confirm"
    with pytest.raises(OutcomeUnknown) as first:
        buy(h)()
    h.emu.faults.never = None
    return h, first.value.details, buy(h)()


def test_an_identical_order_placed_after_an_unknown_one_is_not_credited_to_both(tmp_path: Path) -> None:
    """The first click was swallowed (nothing sent); the second, identical order is placed before
    the first is reconciled: the book has one order, so only one operation may claim it."""
    h, first, second = unknown_then_identical(tmp_path)
    assert [r["合同编号"] for r in h.sim.today_orders()] == [second.contract_no]
    assert h.broker.settle_hint(first) is None  # not success with the second's 合同编号


def test_a_cancel_cut_off_after_its_click_is_unknown_then_settled_by_the_book(tmp_path: Path) -> None:
    """The client dies right after 撤单 was pressed: the order is cancelled on the book, so the
    cancel must not read failed; reconciliation finds the target no longer cancellable."""
    h = harness(tmp_path, False)
    assert h.emu is not None
    emu = h.emu
    live = h.sim.place_order(Side.BUY, "600000", D("9.50"), 100).contract_no
    click = emu.click

    def dies_after_cancel(handle: object) -> None:
        click(handle)  # type: ignore[arg-type]
        if getattr(handle, "text", None) == "撤单(Del)":
            emu.kill()

    emu.click = dies_after_cancel  # type: ignore[method-assign]
    with pytest.raises(OutcomeUnknown) as cut:
        h.broker.cancel_orders(contract_no=live)
    assert {r["合同编号"]: r["备注"] for r in h.sim.today_orders()}[live] == "已撤"
    emu.click = click  # type: ignore[method-assign]
    emu.restart()
    ack = h.broker.settle_hint(cut.value.details)
    assert ack is not None and ack.cancelled == (live,)


def test_a_cancel_whose_target_is_still_live_stays_unknown_on_ths(tmp_path: Path) -> None:
    h = harness(tmp_path, False)
    live = h.sim.place_order(Side.BUY, "600000", D("9.50"), 100).contract_no
    with pytest.raises(OutcomeUnknown, match="仍可撤"):
        h.broker.settle_hint({"kind": "order_cancel", "targets": [live]})


def test_an_identical_condition_set_after_an_unknown_one_is_not_credited_to_both(tmp_path: Path) -> None:
    h = harness(tmp_path, False)
    hint = {"kind": "condition", "side": "buy", "stock_code": "600000", "quantity": 100, "before": []}
    second = h.broker.place_condition_order(Side.BUY, "600000", D("9.00"), 100, 30)  # set after the unknown one
    assert [r["条件单编号"] for r in h.sim.condition_orders()] == [second.condition_id]
    assert h.broker.settle_hint(hint) is None  # the unknown one was never set: not the second's id


def test_after_a_restart_a_pending_unknown_is_not_credited_an_order_another_operation_owns(tmp_path: Path) -> None:
    """The session's memory of credited 合同编号 dies with the process; the engine tells it again
    from the journal, or the unknown first order would be credited the second one's 合同编号."""
    h, first, second = unknown_then_identical(tmp_path)
    h.broker.session.claimed.clear()  # what a restart leaves of it
    h.broker.remember_claims(contract_nos=[second.contract_no])
    assert h.broker.settle_hint(first) is None  # not success with the second's 合同编号
