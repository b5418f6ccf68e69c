"""The scheduler's rules without threads, clocks or SQLite: order, bound, cancel, waiters, memory."""

from __future__ import annotations

import pytest

from easyths.engine.records import OperationRecord, OpStatus, apply
from easyths.engine.scheduler import BACKGROUND_PRIORITY, Scheduler, check_duplicate, fingerprint
from easyths.errors import Conflict, InvalidParams, QueueFull
from easyths.operations.base import NoParams

_seq = iter(range(1, 10_000))


def queued(op_id: str, priority: int = 0) -> OperationRecord:
    return OperationRecord(id=op_id, name="funds_query", params={}, priority=priority, seq=next(_seq))


def test_higher_priority_first_then_first_come_first_served() -> None:
    s = Scheduler(max_size=10)
    for op_id, priority in [("a", 0), ("b", 5), ("c", 5), ("d", 9)]:
        s.push(queued(op_id, priority), NoParams())
    taken = []
    while (t := s.take()) is not None:
        taken.append(t.record.id)
        s.mark(apply(t.record, OpStatus.RUNNING), OpStatus.QUEUED)
    assert taken == ["d", "b", "c", "a"]


def test_a_background_read_waits_for_every_client_operation_even_priority_0_submitted_later() -> None:
    s = Scheduler(max_size=10)
    s.push(queued("dashboard", BACKGROUND_PRIORITY), NoParams())
    assert s.position_for(0) == 0 and s.position_for(BACKGROUND_PRIORITY) == 1
    s.push(queued("order"), NoParams())
    taken = []
    while (t := s.take()) is not None:
        taken.append(t.record.id)
        s.mark(apply(t.record, OpStatus.RUNNING), OpStatus.QUEUED)
    assert taken == ["order", "dashboard"] and not s.has_work()


def test_the_bound_counts_queued_operations_and_positions_count_those_ahead() -> None:
    s = Scheduler(max_size=2)
    assert s.position_for(0) == 0
    s.push(queued("a", 3), NoParams())
    assert s.position_for(0) == 1 and s.position_for(5) == 0
    s.push(queued("b"), NoParams())
    with pytest.raises(QueueFull):
        s.position_for(0)


def test_a_cancelled_operation_is_skipped_and_frees_its_place() -> None:
    s = Scheduler(max_size=1)
    rec = queued("a")
    s.push(rec, NoParams())
    assert s.cancellable("a") is rec
    s.mark(apply(rec, OpStatus.CANCELLED, message="操作已取消"), OpStatus.QUEUED)
    assert s.queued() == 0 and s.take() is None
    assert s.counts[OpStatus.CANCELLED] == 1 and s.counts[OpStatus.QUEUED] == 0


def test_a_taken_operation_cannot_be_cancelled_even_before_it_shows_running() -> None:
    s = Scheduler(max_size=5)
    s.push(queued("a"), NoParams())
    assert s.take() is not None
    with pytest.raises(Conflict):
        s.cancellable("a")


def test_waiters_get_the_finished_record_once_and_it_is_remembered_for_a_while() -> None:
    s = Scheduler(max_size=5, recent_size=2)
    rec = queued("a")
    s.push(rec, NoParams())
    woken: list[OperationRecord] = []
    assert s.add_waiter("a", woken.append)
    taken = s.take()
    assert taken is not None
    running = apply(taken.record, OpStatus.RUNNING)
    assert s.mark(running, OpStatus.QUEUED) == []
    done = apply(running, OpStatus.SUCCESS, data={"x": 1})
    for wake in s.mark(done, OpStatus.RUNNING):
        wake(done)
    assert woken == [done] and s.get("a") is done and s.open_ids() == []
    assert not s.add_waiter("a", woken.append)  # finished: nothing to wait for
    for op_id in ("b", "c"):
        s.remember(apply(apply(queued(op_id), OpStatus.RUNNING), OpStatus.FAILED, message="x"))
    assert s.get("a") is None  # the memory of finished records is bounded


def test_an_idempotency_key_with_another_body_is_refused() -> None:
    body = fingerprint("buy", {"stock_code": "600000"}, 0)
    earlier = OperationRecord(id="a", name="buy", params={}, priority=0, body_hash=body)
    check_duplicate(earlier, "k", body)
    with pytest.raises(InvalidParams):
        check_duplicate(earlier, "k", fingerprint("buy", {"stock_code": "600000"}, 1))
