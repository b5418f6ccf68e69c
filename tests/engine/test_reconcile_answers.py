"""What a broker's reconcile answer makes of an `unknown` operation: a 废单 on the book is failed
with its 合同编号 (as the submit would have said); any other refusal while settling means "cannot
tell yet", never failed, because failed tells a script it may place the order again."""

from __future__ import annotations

import threading
from pathlib import Path

from easyths.brokers.base import Ack, Evidence
from easyths.domain.commands import OrderCommand
from easyths.engine import Engine
from easyths.engine.journal import Journal
from easyths.engine.records import OperationRecord, OpStatus
from easyths.engine.timers import ManualTimers
from easyths.errors import BrokerRejected, OrderVoided
from easyths.operations.registry import Registry
from easyths.settings import QueueSection
from tests.fakes import FakeBroker

BUY = {"stock_code": "600000", "price": 10, "quantity": 100}


class Answering(FakeBroker):
    """A broker whose orders end unknown and whose reconcile raises `answer`."""

    def __init__(self, answer: Exception, asked: int) -> None:
        super().__init__()
        self.unknown = True
        self.answer = answer
        self.asked = threading.Semaphore(0)
        self.expected = asked

    def reconcile(self, command: OrderCommand, evidence: Evidence) -> Ack | None:
        self.calls.append(("reconcile", (command, evidence)))
        self.asked.release()
        raise self.answer


def settled(tmp_path: Path, broker: Answering) -> OperationRecord:
    """The operation once the broker was asked as often as it will be (each delay, or once)."""
    settings = QueueSection(operation_timeout=5, reconcile_delays=[0.01, 0.01])
    engine = Engine(Journal(tmp_path / "journal.db"), Registry(plugins=False), broker, settings)
    engine.start()
    try:
        op_id = engine.submit("buy", BUY).record.id
        for _ in range(broker.expected):
            assert broker.asked.acquire(timeout=5)
        engine.run_until_idle(5)
        return engine.get(op_id)
    finally:
        engine.shutdown(0)


def test_a_废单_answer_settles_unknown_as_failed_with_its_contract_no(tmp_path: Path) -> None:
    voided = OrderVoided("对账确认委托为废单，合同编号：123", details={"合同编号": "123", "备注": "废单"})
    done = settled(tmp_path, Answering(voided, asked=1))
    assert done.status is OpStatus.FAILED
    assert done.error == "对账确认委托为废单，合同编号：123"
    assert done.result is not None and done.result["data"]["合同编号"] == "123"
    assert done.result["error_code"] == "BROKER_REJECTED"


def test_any_other_refusal_while_settling_leaves_it_unknown(tmp_path: Path) -> None:
    done = settled(tmp_path, Answering(BrokerRejected("账户不存在：信用账户"), asked=2))
    assert done.status is OpStatus.UNKNOWN


class LateBook(FakeBroker):
    """A broker whose orders end unknown and whose book shows the order only from the `shows_at`-th
    ask on (None: never), as 当日委托 on a screen can lag the exchange."""

    def __init__(self, shows_at: int | None, *, own_ledger: bool = False) -> None:
        super().__init__()
        self.unknown = True
        self.shows_at = shows_at
        self.asks = 0
        if own_ledger:
            self.reconciles_by_reference = True

    def reconcile(self, command: OrderCommand, evidence: Evidence) -> Ack | None:
        self.asks += 1
        if self.shows_at is not None and self.asks >= self.shows_at:
            return Ack(message="对账确认委托已提交", contract_no="4242")
        return None


def settled_by_hand(tmp_path: Path, broker: FakeBroker, delays: list[float]) -> OperationRecord:
    """Every reconciliation fired the moment it is asked for, on this thread, until none is left."""
    timers = ManualTimers()
    settings = QueueSection(operation_timeout=5, reconcile_delays=delays)
    engine = Engine(Journal(tmp_path / "journal.db"), Registry(plugins=False), broker, settings, timers=timers)
    engine.start(threads=False)
    try:
        op_id = engine.submit("buy", BUY).record.id
        engine.run_until_idle()
        while timers.fire_next():
            engine.run_until_idle()
        return engine.get(op_id)
    finally:
        engine.shutdown(0)


def test_an_order_the_screen_shows_late_is_success_not_failed(tmp_path: Path) -> None:
    """The first asks find no row (the grid has not caught up): absence is not believed before the
    last delay, so the order that is on the book ends success, not failed. Fails on an engine that
    settles "not found" at the first ask."""
    broker = LateBook(shows_at=3)
    done = settled_by_hand(tmp_path, broker, [0.2, 0.5, 1.0, 2.0])
    assert done.status is OpStatus.SUCCESS, done
    assert done.result is not None and done.result["data"]["合同编号"] == "4242"
    assert broker.asks == 3


def test_a_screen_book_never_showing_the_order_is_failed_only_at_the_last_ask(tmp_path: Path) -> None:
    broker = LateBook(shows_at=None)
    done = settled_by_hand(tmp_path, broker, [0.2, 0.5, 1.0])
    assert done.status is OpStatus.FAILED
    assert broker.asks == 3


def test_a_backend_reading_its_own_ledger_is_believed_at_the_first_ask(tmp_path: Path) -> None:
    """The sim looks the order up by our operation id in its own ledger: "not there" is final."""
    broker = LateBook(shows_at=None, own_ledger=True)
    done = settled_by_hand(tmp_path, broker, [0.2, 0.5, 1.0])
    assert done.status is OpStatus.FAILED
    assert broker.asks == 1
