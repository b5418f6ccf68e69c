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
