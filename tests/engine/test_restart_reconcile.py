"""An order cut off by a crash is settled against the sim's book after the restart, by the
operation id the sim stored with the order, never by guessing from code, side and quantity."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import pytest

from easyths.brokers.base import Ack, Evidence, Side
from easyths.brokers.sim import SimBroker
from easyths.domain.commands import CommandKind, OrderCommand
from easyths.engine import Engine
from easyths.engine.journal import Journal
from easyths.engine.records import OperationRecord, OpStatus, apply
from easyths.engine.timers import ManualTimers
from easyths.errors import OrderVoided
from easyths.operations.registry import Registry
from easyths.settings import QueueSection
from tests.brokers.sim.support import FRIDAY, D, open_broker
from tests.fakes import FakeBroker

BUY = {"stock_code": "600000", "price": 10, "quantity": 100}
REPO = {"market": "上海", "time_range": "1天期", "amount": 1000}
T = TypeVar("T")


def engine_on(tmp_path: Path, broker: object) -> Engine:
    settings = QueueSection(operation_timeout=5, reconcile_delays=[0.01, 0.05])
    journal = Journal(tmp_path / "journal.db")
    return Engine(journal, Registry(plugins=False), broker, settings, timers=ManualTimers())  # type: ignore[arg-type]


def crashed_while_running(tmp_path: Path, broker: object, name: str, params: dict[str, object]) -> OperationRecord:
    """What a SIGKILL leaves behind: the operation journalled `running`, no outcome journalled."""
    engine = engine_on(tmp_path, broker)
    rec = engine.submit(name, params).record
    running = apply(rec, OpStatus.RUNNING)
    engine.journal.save(running)
    engine.journal.close()
    return running


def restarted(tmp_path: Path, broker: object) -> Engine:
    engine = engine_on(tmp_path, broker)
    engine.start(threads=False)
    return engine


def settle(engine: Engine, op_id: str) -> OperationRecord:
    """Each reconciliation the moment it is asked for, on this thread, until none is left."""
    assert isinstance(engine.timers, ManualTimers)
    engine.run_until_idle()
    while engine.timers.fire_next():
        engine.run_until_idle()
    return engine.get(op_id)


def sim_with_quote(tmp_path: Path) -> SimBroker:
    sim = open_broker(tmp_path / "sim.db")
    sim.set_quote("600000", D("10.00"), D("10.00"))
    return sim


def test_an_order_the_sim_committed_before_the_crash_becomes_success_with_its_contract_no(tmp_path: Path) -> None:
    sim = sim_with_quote(tmp_path)
    rec = crashed_while_running(tmp_path, sim, "buy", BUY)
    ack = committed(rec, sim)
    engine = restarted(tmp_path, sim)
    try:
        assert engine.get(rec.id).status is OpStatus.UNKNOWN  # never re-run, never guessed
        done = settle(engine, rec.id)
        assert done.status is OpStatus.SUCCESS
        assert done.result is not None and done.result["data"]["合同编号"] == ack.contract_no
        assert len(sim.today_orders()) == 1  # nothing placed twice
    finally:
        engine.shutdown(0)
        sim.close()


def test_an_order_the_sim_never_committed_becomes_failed_and_the_book_is_empty(tmp_path: Path) -> None:
    sim = sim_with_quote(tmp_path)
    rec = crashed_while_running(tmp_path, sim, "buy", BUY)
    engine = restarted(tmp_path, sim)
    try:
        done = settle(engine, rec.id)
        assert done.status is OpStatus.FAILED
        assert sim.today_orders() == []
    finally:
        engine.shutdown(0)
        sim.close()


def test_an_older_identical_order_is_not_credited_to_the_cut_off_operation(tmp_path: Path) -> None:
    sim = sim_with_quote(tmp_path)
    sim.place_order(Side.BUY, "600000", D("10.00"), 100)  # placed by hand earlier: same code, side, qty
    rec = crashed_while_running(tmp_path, sim, "buy", BUY)
    engine = restarted(tmp_path, sim)
    try:
        assert settle(engine, rec.id).status is OpStatus.FAILED
        assert len(sim.today_orders()) == 1
    finally:
        engine.shutdown(0)
        sim.close()


def test_a_backend_that_cannot_store_our_id_leaves_the_order_unknown_and_says_how_to_check(tmp_path: Path) -> None:
    fake = FakeBroker()
    rec = crashed_while_running(tmp_path, fake, "buy", BUY)
    engine = restarted(tmp_path, fake)
    try:
        engine.run_until_idle()
        after = engine.get(rec.id)
        assert after.status is OpStatus.UNKNOWN and after.evidence is None
        assert "order_query" in (after.error or "")
    finally:
        engine.shutdown(0)


def test_an_unknown_whose_reconciliation_was_pending_at_the_crash_is_settled_after_the_restart(
    tmp_path: Path,
) -> None:
    sim = sim_with_quote(tmp_path)
    rec = crashed_while_running(tmp_path, sim, "buy", BUY)
    ack = sim.place_order(Side.BUY, "600000", D("10.00"), 100)
    journal = Journal(tmp_path / "journal.db")  # unknown with a hint, its timers lost with the process
    named = Evidence(contract_no=ack.contract_no)
    journal.save(apply(rec, OpStatus.UNKNOWN, message="客户端未给出结论", evidence=named))
    journal.close()
    engine = restarted(tmp_path, sim)
    try:
        done = settle(engine, rec.id)
        assert done.status is OpStatus.SUCCESS
        assert done.result is not None and done.result["data"]["合同编号"] == ack.contract_no
    finally:
        engine.shutdown(0)
        sim.close()


# --- beyond buy/sell: 废单, repo, condition orders, cancels ------------------------------------------


def committed(rec: OperationRecord, sim: SimBroker) -> Ack:
    """The worker got as far as the sim's commit of `rec`'s command, then the process died."""
    assert rec.command is not None and rec.command.operation_id == rec.id
    return sim.submit(rec.command)


def friday_sim(tmp_path: Path) -> SimBroker:
    """Friday 10:00: 600000 at 10.00, GC001 at 2.5%, 1,000 shares of 600000 bought earlier by hand."""
    sim = open_broker(tmp_path / "sim.db", FRIDAY)
    sim.set_quote("600000", D("10.00"), D("10.00"))
    sim.set_quote("204001", D("2.5"))
    sim.place_order(Side.BUY, "600000", D("10.00"), 1000)
    return sim


def after_restart(tmp_path: Path, sim: SimBroker, rec: OperationRecord) -> OperationRecord:
    engine = restarted(tmp_path, sim)
    try:
        return settle(engine, rec.id)
    finally:
        engine.shutdown(0)


def data_of(rec: OperationRecord) -> dict[str, Any]:
    assert rec.result is not None and rec.result["data"] is not None, rec
    return rec.result["data"]


def test_a_废单_committed_before_the_crash_is_failed_with_its_contract_no_as_the_submit_said(tmp_path: Path) -> None:
    sim = sim_with_quote(tmp_path)
    rec = crashed_while_running(tmp_path, sim, "buy", {**BUY, "price": "11.01"})  # above the 10% limit (11.00)
    with pytest.raises(OrderVoided) as submit:
        committed(rec, sim)
    done = after_restart(tmp_path, sim, rec)
    sim.close()
    assert done.status is OpStatus.FAILED
    assert "废单" in (done.error or "") and submit.value.details["合同编号"] in (done.error or "")
    assert data_of(done)["合同编号"] == submit.value.details["合同编号"]


def test_a_废单_at_submit_names_itself_and_its_contract_no_in_the_message(tmp_path: Path) -> None:
    sim = sim_with_quote(tmp_path)
    engine = engine_on(tmp_path, sim)
    engine.start(threads=False)
    try:
        op = engine.submit("buy", {**BUY, "price": "11.01"}).record
        engine.run_until_idle()
        done = engine.get(op.id)
        assert done.status is OpStatus.FAILED
        [row] = sim.today_orders()
        assert row["备注"] == "废单" and f"废单，合同编号：{row['合同编号']}" in (done.error or "")
    finally:
        engine.shutdown(0)
        sim.close()


def test_a_repo_loan_committed_before_the_crash_is_success_with_its_contract_no(tmp_path: Path) -> None:
    sim = friday_sim(tmp_path)
    rec = crashed_while_running(tmp_path, sim, "reverse_repo_buy", REPO)
    ack = committed(rec, sim)
    done = after_restart(tmp_path, sim, rec)
    assert done.status is OpStatus.SUCCESS and data_of(done)["合同编号"] == ack.contract_no
    assert [r["合同编号"] for r in sim.today_orders() if r["证券代码"] == "204001"] == [ack.contract_no]
    sim.close()


def test_a_repo_loan_never_committed_is_failed_and_lent_nothing(tmp_path: Path) -> None:
    sim = friday_sim(tmp_path)
    rec = crashed_while_running(tmp_path, sim, "reverse_repo_buy", REPO)
    done = after_restart(tmp_path, sim, rec)
    assert done.status is OpStatus.FAILED
    assert [r for r in sim.today_orders() if r["证券代码"] == "204001"] == []
    sim.close()


CONDITIONS: dict[str, tuple[dict[str, Any], Callable[[SimBroker], Any]]] = {
    "condition_buy": (
        {"stock_code": "600000", "target_price": "9.00", "quantity": 100},
        lambda sim: sim.place_condition_order(Side.BUY, "600000", D("9.00"), 100, 30),
    ),
    "condition_sell": (
        {"stock_code": "600000", "target_price": "11.00", "quantity": 100},
        lambda sim: sim.place_condition_order(Side.SELL, "600000", D("11.00"), 100, 30),
    ),
    "stop_loss_profit": (
        {"stock_code": "600000", "stop_loss_percent": 3, "stop_profit_percent": 5, "quantity": 100},
        lambda sim: sim.place_stop_loss_profit("600000", D("3"), D("5"), 100, 30),
    ),
}


@pytest.mark.parametrize("name", sorted(CONDITIONS))
def test_a_condition_order_committed_before_the_crash_is_success_with_its_id(tmp_path: Path, name: str) -> None:
    params, _ = CONDITIONS[name]
    sim = friday_sim(tmp_path)
    rec = crashed_while_running(tmp_path, sim, name, params)
    ack = committed(rec, sim)
    done = after_restart(tmp_path, sim, rec)
    assert done.status is OpStatus.SUCCESS and data_of(done)["condition_id"] == ack.condition_id
    assert [r["条件单编号"] for r in sim.condition_orders()] == [ack.condition_id]
    sim.close()


@pytest.mark.parametrize("name", sorted(CONDITIONS))
def test_a_condition_order_never_committed_is_failed_and_nothing_is_monitored(tmp_path: Path, name: str) -> None:
    sim = friday_sim(tmp_path)
    rec = crashed_while_running(tmp_path, sim, name, CONDITIONS[name][0])
    done = after_restart(tmp_path, sim, rec)
    assert done.status is OpStatus.FAILED and "未找到该条件单" in (done.error or "")
    assert sim.condition_orders() == []
    sim.close()


def test_a_cancel_committed_before_the_crash_is_success_and_the_order_is_cancelled_on_the_book(
    tmp_path: Path,
) -> None:
    sim = friday_sim(tmp_path)
    live = sim.place_order(Side.BUY, "600000", D("9.50"), 100).contract_no
    rec = crashed_while_running(tmp_path, sim, "order_cancel", {"contract_no": live})
    committed(rec, sim)
    done = after_restart(tmp_path, sim, rec)
    assert done.status is OpStatus.SUCCESS and data_of(done)["cancelled"] == [live]
    assert {r["合同编号"]: r["备注"] for r in sim.today_orders()}[live] == "已撤"
    sim.close()


def test_a_cancel_never_committed_is_failed_and_the_order_is_still_live(tmp_path: Path) -> None:
    sim = friday_sim(tmp_path)
    live = sim.place_order(Side.BUY, "600000", D("9.50"), 100).contract_no
    rec = crashed_while_running(tmp_path, sim, "order_cancel", {"stock_code": "600000"})
    done = after_restart(tmp_path, sim, rec)
    assert done.status is OpStatus.FAILED and "撤单未执行" in (done.error or "")
    assert {r["合同编号"]: r["备注"] for r in sim.today_orders()}[live] == "未成交"
    sim.close()


def test_a_cancel_that_found_nothing_to_cancel_is_success_not_failed(tmp_path: Path) -> None:
    """Its receipt says it ran: with no receipt a later order on the code would make it look undone."""
    sim = friday_sim(tmp_path)
    rec = crashed_while_running(tmp_path, sim, "order_cancel", {"stock_code": "600000"})
    assert committed(rec, sim).cancelled == ()
    sim.place_order(Side.BUY, "600000", D("9.50"), 100)  # placed after it (e.g. resumed after the restart)
    done = after_restart(tmp_path, sim, rec)
    assert done.status is OpStatus.SUCCESS and data_of(done)["cancelled_count"] == 0
    sim.close()


def test_a_condition_cancel_committed_is_success_and_one_never_committed_is_failed(tmp_path: Path) -> None:
    sim = friday_sim(tmp_path)
    sim.place_condition_order(Side.BUY, "600000", D("9.00"), 100, 30)
    sim.place_condition_order(Side.SELL, "600000", D("11.00"), 100, 30)
    first = crashed_while_running(tmp_path, sim, "condition_order_cancel", {"order_type": "卖出"})
    assert len(committed(first, sim).cancelled) == 1
    done = after_restart(tmp_path, sim, first)
    assert done.status is OpStatus.SUCCESS and data_of(done)["deleted_count"] == 1
    second = crashed_while_running(tmp_path, sim, "condition_order_cancel", {"stock_code": "600000"})
    assert after_restart(tmp_path, sim, second).status is OpStatus.FAILED
    assert [r["方向"] for r in sim.condition_orders()] == ["买入"]
    sim.close()


@pytest.mark.parametrize(
    ("name", "params", "check"),
    [
        ("reverse_repo_buy", REPO, "order_query"),
        ("condition_buy", CONDITIONS["condition_buy"][0], "condition_order_query"),
        ("stop_loss_profit", CONDITIONS["stop_loss_profit"][0], "condition_order_query"),
        ("order_cancel", {"stock_code": "600000"}, "order_query"),
        ("condition_order_cancel", {"stock_code": "600000"}, "condition_order_query"),
    ],
)
def test_on_a_backend_that_cannot_store_our_id_each_stays_unknown_and_says_what_to_check(
    tmp_path: Path, name: str, params: dict[str, Any], check: str
) -> None:
    fake = FakeBroker()
    rec = crashed_while_running(tmp_path, fake, name, params)
    engine = restarted(tmp_path, fake)
    try:
        engine.run_until_idle()
        after = engine.get(rec.id)
        assert after.status is OpStatus.UNKNOWN and after.evidence is None
        assert check in (after.error or "")
        assert not [c for c in fake.calls if c[0] == "reconcile"]
    finally:
        engine.shutdown(0)


# --- a condition that fires inside a buy's run ---------------------------------------------------


def test_an_order_a_condition_sends_during_a_buy_is_not_credited_to_that_buy(tmp_path: Path) -> None:
    sim = sim_with_quote(tmp_path)  # Wednesday 09:30
    sim.set_quote("600000", D("10.50"), D("10.00"))
    sim.place_condition_order(Side.BUY, "600000", D("10.00"), 200, 30)
    sim.advance(to=datetime(2026, 11, 25, 12, 0))
    sim.set_quote("600000", D("9.90"))  # met during the lunch break: fires when trading resumes
    sim.clock.set(datetime(2026, 11, 25, 13, 0, 5))  # the worker's buy is the first call after 13:00
    rec = crashed_while_running(tmp_path, sim, "buy", {**BUY, "price": "9.90"})
    ack = committed(rec, sim)
    assert len(sim.today_orders()) == 2 and sim.condition_orders() == []  # it fired in the buy's call
    assert sim.ctx.ledger.placed_by(rec.id) == [int(ack.contract_no)]
    done = after_restart(tmp_path, sim, rec)
    assert done.status is OpStatus.SUCCESS and data_of(done)["合同编号"] == ack.contract_no
    sim.close()


def test_a_sim_file_from_before_condition_references_opens_and_stores_them(tmp_path: Path) -> None:
    path = tmp_path / "sim.db"
    open_broker(path).close()
    with sqlite3.connect(path) as conn:  # the conditions table as it was before op_ref
        conn.execute("ALTER TABLE conditions DROP COLUMN op_ref")
        conn.execute("DROP TABLE cancels")
    sim = open_broker(path)
    sim.set_quote("600000", D("10.00"), D("10.00"))
    cid = sim.place_condition_order(Side.BUY, "600000", D("9.00"), 100, 30, ref="op-1").condition_id
    sim.cancel_orders(stock_code="600000", ref="op-1")
    by_ref = Evidence(by_reference=True)
    found = sim.reconcile(OrderCommand("op-1", CommandKind.CONDITION, code="600000"), by_ref)
    assert found is not None and found.condition_id == cid
    assert sim.reconcile(OrderCommand("op-1", CommandKind.CANCEL_ORDERS, code="600000"), by_ref) is not None
    sim.close()


def test_a_restart_on_another_backend_settles_nothing_automatically(tmp_path: Path) -> None:
    """An order cut off on THS, then the same data folder started with the sim: the sim has never
    heard of the operation, so "not found" would be a false `failed` about a real order. Pending
    reconciliations from the other backend are not asked of this one either."""
    ths_like = FakeBroker()
    ths_like.backend = "ths"
    first = engine_on(tmp_path, ths_like)
    first.start(threads=False)  # the journal learns which backend runs its operations
    rec = first.submit("buy", BUY).record
    first.journal.save(apply(rec, OpStatus.RUNNING))
    pending = first.submit("sell", BUY).record
    first.journal.save(apply(apply(pending, OpStatus.RUNNING), OpStatus.UNKNOWN, message="无结论", evidence=Evidence()))
    first.shutdown(0)
    first.journal.close()
    sim = sim_with_quote(tmp_path)
    engine = restarted(tmp_path, sim)
    try:
        engine.run_until_idle()
        after = engine.get(rec.id)
        assert after.status is OpStatus.UNKNOWN and after.evidence is None
        assert "后端 ths" in (after.error or "") and "order_query" in (after.error or "")
        assert engine.get(pending.id).status is OpStatus.UNKNOWN
        assert sim.today_orders() == []
    finally:
        engine.shutdown(0)
        sim.close()
    sim = sim_with_quote(tmp_path)
    again = restarted(tmp_path, sim)  # the same backend again: back to normal
    try:
        assert again.journal.meta("backend") == "sim"
    finally:
        again.shutdown(0)
        sim.close()


def test_a_restart_tells_the_backend_which_orders_today_s_operations_already_own(tmp_path: Path) -> None:
    """THS keeps its "already credited" 合同编号 in memory; recovery hands them back from the journal
    (orders, repo loans, condition ids), but not what a cancel names: that order may be exactly the
    one an unknown buy is still looking for."""
    told: dict[str, list[str]] = {}

    class Remembering(FakeBroker):
        backend = "ths"

        def remember_claims(self, contract_nos: Any = (), condition_ids: Any = ()) -> None:
            told["contract_nos"], told["condition_ids"] = list(contract_nos), list(condition_ids)

    broker = Remembering()
    first = engine_on(tmp_path, broker)
    first.start(threads=False)
    done = {
        "buy": ({"stock_code": "600000", "price": 10, "quantity": 100}, {"合同编号": "111"}),
        "condition_buy": ({"stock_code": "600000", "target_price": 9, "quantity": 100}, {"condition_id": "C7"}),
        "order_cancel": ({"contract_no": "111"}, {"合同编号": "111", "cancelled": 1}),
    }
    for name, (params, data) in done.items():
        rec = first.submit(name, params).record
        first.journal.save(apply(apply(rec, OpStatus.RUNNING), OpStatus.SUCCESS, data=data, message="ok"))
    failed = first.submit("sell", BUY).record
    first.journal.save(apply(apply(failed, OpStatus.RUNNING), OpStatus.FAILED, data={"合同编号": "999"}, message="x"))
    first.shutdown(0)
    first.journal.close()
    told.clear()
    again = restarted(tmp_path, broker)
    try:
        assert told == {"contract_nos": ["111"], "condition_ids": ["C7"]}
    finally:
        again.shutdown(0)
