"""An order cut off by a crash is settled against the sim's book after the restart, by the
operation id the sim stored with the order, never by guessing from code, side and quantity."""

from __future__ import annotations

from pathlib import Path

from easyths.brokers.base import Side, operation_ref
from easyths.brokers.sim import SimBroker
from easyths.engine import Engine
from easyths.engine.journal import Journal
from easyths.engine.records import OperationRecord, OpStatus, apply
from easyths.operations.registry import Registry
from easyths.settings import QueueSection
from tests.brokers.sim.support import D, open_broker
from tests.fakes import FakeBroker

BUY = {"stock_code": "600000", "price": 10, "quantity": 100}


def engine_on(tmp_path: Path, broker: object) -> Engine:
    settings = QueueSection(operation_timeout=5, reconcile_delays=[0.01, 0.05])
    return Engine(Journal(tmp_path / "journal.db"), Registry(plugins=False), broker, settings)  # type: ignore[arg-type]


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
    engine.wait_until(lambda: engine.get(op_id).status is not OpStatus.UNKNOWN, timeout=2)
    engine.run_until_idle()
    return engine.get(op_id)


def sim_with_quote(tmp_path: Path) -> SimBroker:
    sim = open_broker(tmp_path / "sim.db")
    sim.set_quote("600000", D("10.00"), D("10.00"))
    return sim


def test_an_order_the_sim_committed_before_the_crash_becomes_success_with_its_contract_no(tmp_path: Path) -> None:
    sim = sim_with_quote(tmp_path)
    rec = crashed_while_running(tmp_path, sim, "buy", BUY)
    token = operation_ref.set(rec.id)  # the worker got as far as the sim's commit
    try:
        ack = sim.place_order(Side.BUY, "600000", D("10.00"), 100)
    finally:
        operation_ref.reset(token)
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
        assert after.status is OpStatus.UNKNOWN and after.hint is None
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
    journal.save(apply(rec, OpStatus.UNKNOWN, message="客户端未给出结论", hint={"合同编号": ack.contract_no}))
    journal.close()
    engine = restarted(tmp_path, sim)
    try:
        done = settle(engine, rec.id)
        assert done.status is OpStatus.SUCCESS
        assert done.result is not None and done.result["data"]["合同编号"] == ack.contract_no
    finally:
        engine.shutdown(0)
        sim.close()
