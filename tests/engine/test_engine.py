"""The engine without HTTP: watchdog, bounded queue, restart recovery, journal durability, hooks."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, ClassVar

import pytest

from easyths.domain.commands import CommandKind
from easyths.engine.journal import Journal
from easyths.engine.queue import Engine
from easyths.engine.records import OpStatus
from easyths.engine.timers import ManualTimers, Timers
from easyths.errors import QueueFull
from easyths.operations.base import NoParams, Operation
from easyths.operations.registry import Registry
from easyths.settings import QueueSection
from tests.fakes import FakeBroker

RELEASE = threading.Event()


class HangOperation(Operation):
    """Stands for a GUI call that never returns."""

    name: ClassVar[str] = "hang"
    description: ClassVar[str] = "hangs"
    Params = NoParams

    def run(self, broker: Any, params: Any) -> dict[str, Any]:
        RELEASE.wait(10)
        return {"message": "late"}


class HangOrder(HangOperation):
    name: ClassVar[str] = "hang_order"
    places_order: ClassVar[bool] = True


def make_engine(
    tmp_path: Path, broker: FakeBroker | None = None, *, timers: Timers | None = None, **queue: Any
) -> Engine:
    registry = Registry(plugins=False)
    registry.add(HangOperation)
    registry.add(HangOrder)
    settings = QueueSection(**{"operation_timeout": 5, "reconcile_delays": [], **queue})
    return Engine(Journal(tmp_path / "journal.db"), registry, broker or FakeBroker(), settings, timers=timers)


BUY = {"stock_code": "600000", "price": 10, "quantity": 100}


def started_on_a_blocked_broker(
    tmp_path: Path, first: str, params: dict[str, Any], **queue: Any
) -> tuple[Engine, FakeBroker, str]:
    """An engine whose first operation is inside the broker and held there until `fake.gate` opens."""
    fake = FakeBroker()
    fake.gate.clear()
    engine = make_engine(tmp_path, fake, **queue)
    engine.start()
    op_id = engine.submit(first, params).record.id
    assert fake.entered.wait(5)
    return engine, fake, op_id


def wait_status(engine: Engine, op_id: str, *statuses: OpStatus, timeout: float = 5) -> OpStatus:
    """Waits on the engine's own transitions (no polling, no sleeping)."""
    status = engine.wait_for(op_id, *statuses, timeout=timeout).status
    assert status in statuses, f"{op_id} stayed {status}"
    return status


def test_watchdog_fails_a_hung_query_and_unknowns_a_hung_order_and_keeps_serving(tmp_path: Path) -> None:
    """The operations really hang in the worker thread; only the watchdog's clock is virtual, so
    each overrun happens when the test moves it, not after a real timeout."""
    RELEASE.clear()
    timers = ManualTimers()
    engine = make_engine(tmp_path, timers=timers, operation_timeout=5)
    engine.start()
    try:
        hung = engine.submit("hang", {}).record.id
        hung_order = engine.submit("hang_order", {}).record.id
        after = engine.submit("funds_query", {}).record.id
        wait_status(engine, hung, OpStatus.RUNNING)
        timers.advance(4.9)
        assert engine.get(hung).status is OpStatus.RUNNING  # within its time: left alone
        timers.advance(0.1)
        assert engine.get(hung).status is OpStatus.FAILED  # taken over on the test's thread
        assert "超时" in (engine.get(hung).error or "")
        wait_status(engine, hung_order, OpStatus.RUNNING)  # on the fresh worker
        timers.advance(5)
        assert engine.get(hung_order).status is OpStatus.UNKNOWN
        assert wait_status(engine, after, OpStatus.SUCCESS) is OpStatus.SUCCESS
    finally:
        RELEASE.set()
        engine.shutdown(0)
    assert engine.get(hung).status is OpStatus.FAILED  # the late return was discarded


def test_bounded_queue_refuses_when_full(tmp_path: Path) -> None:
    engine, fake, _ = started_on_a_blocked_broker(tmp_path, "holding_query", {}, max_size=2)
    try:
        engine.submit("funds_query", {})
        engine.submit("funds_query", {})
        with pytest.raises(QueueFull):
            engine.submit("funds_query", {})
        assert engine.stats()["queued_count"] == 2
    finally:
        fake.gate.set()
        engine.shutdown(1)


def test_restart_running_becomes_unknown_and_queued_resume(tmp_path: Path) -> None:
    engine, fake, running = started_on_a_blocked_broker(tmp_path, "buy", BUY)
    queued = engine.submit("funds_query", {}).record.id
    # simulate a crash: abandon the engine without shutdown; a new one opens the same journal
    second = make_engine(tmp_path)
    second.start()
    try:
        assert second.get(running).status is OpStatus.UNKNOWN
        assert wait_status(second, queued, OpStatus.SUCCESS) is OpStatus.SUCCESS
        assert second.stats()["unknown_count"] == 1
    finally:
        fake.gate.set()
        second.shutdown(1)


def test_restart_with_on_restart_fail(tmp_path: Path) -> None:
    engine, fake, _ = started_on_a_blocked_broker(tmp_path, "holding_query", {})
    queued = engine.submit("funds_query", {}).record.id
    second = make_engine(tmp_path, on_restart="fail")
    second.start()
    try:
        assert second.get(queued).status is OpStatus.FAILED
    finally:
        fake.gate.set()
        second.shutdown(0)


def test_shutdown_waits_for_the_running_operation(tmp_path: Path) -> None:
    engine, fake, op = started_on_a_blocked_broker(tmp_path, "buy", BUY)

    def release_once_stopping() -> None:  # the operation ends only after shutdown has begun
        engine.wait_until(lambda: engine._worker.stopping, timeout=5)
        fake.gate.set()

    threading.Thread(target=release_once_stopping, daemon=True).start()
    engine.shutdown(5)
    assert Journal(tmp_path / "journal.db").get(op).status is OpStatus.SUCCESS


def test_shutdown_journals_an_overrunning_order_as_unknown(tmp_path: Path) -> None:
    engine, fake, op = started_on_a_blocked_broker(tmp_path, "buy", BUY)
    engine.shutdown(0)  # no grace: the order is still inside the broker
    fake.gate.set()
    assert Journal(tmp_path / "journal.db").get(op).status is OpStatus.UNKNOWN


def test_finished_operations_are_not_kept_in_memory(tmp_path: Path) -> None:
    engine = make_engine(tmp_path)
    engine.start()
    try:
        ids = [engine.submit("funds_query", {}).record.id for _ in range(50)]
        assert engine.run_until_idle(5)
        assert engine._sched.open_ids() == []
        assert all(engine.get(i).status is OpStatus.SUCCESS for i in ids)
    finally:
        engine.shutdown(0)


def test_run_until_idle_runs_the_queue_in_the_callers_thread(tmp_path: Path) -> None:
    engine = make_engine(tmp_path)
    engine.start(threads=False)
    first = engine.submit("funds_query", {}, priority=1).record.id
    urgent = engine.submit("buy", BUY, priority=9).record.id
    order: list[str] = []
    engine.add_listener(lambda rec: order.append(f"{rec.id}:{rec.status.value}"))
    assert engine.run_until_idle()
    assert order == [f"{urgent}:running", f"{urgent}:success", f"{first}:running", f"{first}:success"]
    engine.shutdown(0)


def test_listeners_see_every_transition_and_a_failing_listener_is_swallowed(tmp_path: Path) -> None:
    engine = make_engine(tmp_path)
    engine.start(threads=False)
    seen: list[tuple[str, OpStatus]] = []

    def broken(rec: Any) -> None:
        raise RuntimeError("listener bug")

    engine.add_listener(broken)
    engine.add_listener(lambda rec: seen.append((rec.id, rec.status)))
    op = engine.submit("buy", BUY).record.id
    cancelled = engine.submit("funds_query", {}).record.id
    engine.cancel(cancelled)
    engine.run_until_idle()
    assert seen == [
        (op, OpStatus.QUEUED),
        (cancelled, OpStatus.QUEUED),
        (cancelled, OpStatus.CANCELLED),
        (op, OpStatus.RUNNING),
        (op, OpStatus.SUCCESS),
    ]
    engine.shutdown(0)


def test_admission_refuses_before_anything_is_journalled_and_never_rechecks_a_duplicate(tmp_path: Path) -> None:
    from easyths.errors import EasyTHSError

    class Paused(EasyTHSError):
        error_code = "TRADING_PAUSED"
        http_status = 503

    engine = make_engine(tmp_path)
    engine.start(threads=False)
    contexts: list[dict[str, Any]] = []
    paused = False

    def admit(op: Any, params: Any, context: dict[str, Any]) -> None:
        contexts.append(context)
        if paused and op.places_order:
            raise Paused("交易已暂停")

    engine.add_admission(admit)
    first = engine.submit("buy", BUY, idempotency_key="k-1", context={"client": "127.0.0.1"})
    [context] = contexts
    command = context.pop("command")  # the order as the admission sees it, with the operation's id
    assert context == {"client": "127.0.0.1", "operation": "buy", "idempotency_key": "k-1", "priority": 0}
    assert command.kind is CommandKind.LIMIT and command.operation_id == first.record.id
    assert first.record.command == command
    paused = True
    again = engine.submit("buy", BUY, idempotency_key="k-1")
    assert again.duplicate and again.record.id == first.record.id and len(contexts) == 1
    with pytest.raises(Paused):
        engine.submit("buy", BUY)
    assert engine.stats()["total_count"] == 1
    assert len(engine.reader.recent(None, 10)) == 1
    engine.shutdown(0)


def test_watchdog_asks_the_broker_to_abandon_the_hung_call(tmp_path: Path) -> None:
    RELEASE.clear()
    fake = FakeBroker()
    abandoned = threading.Event()
    fake.abandon = abandoned.set  # type: ignore[attr-defined]
    timers = ManualTimers()
    engine = make_engine(tmp_path, fake, timers=timers, operation_timeout=5)
    engine.start()
    try:
        hung = engine.submit("hang", {}).record.id
        wait_status(engine, hung, OpStatus.RUNNING)
        timers.advance(5)
        assert abandoned.is_set()
        assert engine.get(hung).status is OpStatus.FAILED
    finally:
        RELEASE.set()
        engine.shutdown(0)


def test_the_services_own_timers_run_the_watchdog_too(tmp_path: Path) -> None:
    """The default wiring (ThreadTimers, the monotonic clock): a short timeout, then the engine's
    own transition is awaited; the only test here that lets real time pass for the watchdog."""
    RELEASE.clear()
    engine = make_engine(tmp_path, operation_timeout=0.05)
    engine.start()
    try:
        hung = engine.submit("hang", {}).record.id
        after = engine.submit("funds_query", {}).record.id
        assert wait_status(engine, hung, OpStatus.FAILED) is OpStatus.FAILED
        assert wait_status(engine, after, OpStatus.SUCCESS) is OpStatus.SUCCESS
    finally:
        RELEASE.set()
        engine.shutdown(0)


def test_the_watchdog_counts_each_operation_from_its_own_start(tmp_path: Path) -> None:
    """One timer serves every operation: armed at the first claim, it finds the next operation
    still within its own time and arms itself again for the rest, instead of failing it early."""
    RELEASE.clear()
    timers = ManualTimers()
    engine = make_engine(tmp_path, timers=timers, operation_timeout=5)
    engine.start()
    try:
        quick = engine.submit("funds_query", {}).record.id
        wait_status(engine, quick, OpStatus.SUCCESS)  # armed at t=0, due at t=5
        timers.advance(3)
        hung = engine.submit("hang", {}).record.id  # claimed at t=3: its deadline is t=8
        wait_status(engine, hung, OpStatus.RUNNING)
        assert timers.advance(2) == 1  # t=5: the timer fires, finds 3 s left, re-arms
        assert engine.get(hung).status is OpStatus.RUNNING
        assert timers.advance(3) == 1  # t=8
        assert engine.get(hung).status is OpStatus.FAILED
        assert timers.pending == 0  # the fresh worker is idle: nothing armed
    finally:
        RELEASE.set()
        engine.shutdown(0)


def test_a_query_is_not_journalled_as_running_and_runs_again_after_a_crash(tmp_path: Path) -> None:
    engine, fake, running = started_on_a_blocked_broker(tmp_path, "holding_query", {})
    assert engine.get(running).status is OpStatus.RUNNING
    assert Journal(tmp_path / "journal.db").get(running).status is OpStatus.QUEUED
    second = make_engine(tmp_path)
    second.start(threads=False)
    fake.gate.set()
    second.run_until_idle()
    assert second.get(running).status is OpStatus.SUCCESS
    second.shutdown(0)
    engine.shutdown(1)


def test_a_journal_that_cannot_write_refuses_the_submit_with_503(tmp_path: Path) -> None:
    from easyths.errors import JournalError

    engine = make_engine(tmp_path)
    engine.start(threads=False)
    engine.journal.close()
    with pytest.raises(JournalError) as refused:
        engine.submit("buy", BUY)
    assert refused.value.http_status == 503
    assert engine.stats()["queued_count"] == 0


def test_a_finish_rides_on_the_next_running_commit_and_is_not_visible_before_it(tmp_path: Path) -> None:
    engine = make_engine(tmp_path)
    engine.start(threads=False)
    ids = [engine.submit("buy", BUY).record.id for _ in range(3)]
    batches: list[list[str]] = []
    save_many = engine.journal.save_many

    def spy(records: Any) -> None:
        batches.append([f"{r.id}:{r.status.value}" for r in records])
        save_many(records)

    engine.journal.save_many = spy  # type: ignore[method-assign]
    visible: list[str] = []
    engine.add_listener(lambda rec: visible.append(f"{rec.id}:{rec.status.value}"))
    engine.run_until_idle()
    a, b, c = ids
    assert batches == [
        [f"{a}:running"],
        [f"{a}:success", f"{b}:running"],
        [f"{b}:success", f"{c}:running"],
        [f"{c}:success"],
    ]
    assert visible == [item for batch in batches for item in batch]  # visible only after its commit
    engine.shutdown(0)


def test_listeners_hear_queued_before_running_even_when_the_worker_is_quick(tmp_path: Path) -> None:
    """The `queued` listener call used to come after the worker was woken, so a quick worker could
    publish `running` first and the event stream showed an operation running before it was queued.
    A listener slow on `queued` makes that race certain if it is still there."""
    engine = make_engine(tmp_path)
    heard: list[tuple[str, OpStatus]] = []

    def listener(rec: Any) -> None:
        if rec.status is OpStatus.QUEUED:
            threading.Event().wait(0.02)  # the worker has all this time to run the operation
        heard.append((rec.id, rec.status))

    engine.add_listener(listener)
    engine.start()
    try:
        ids = [engine.submit("funds_query", {}).record.id for _ in range(5)]
        for op_id in ids:
            wait_status(engine, op_id, OpStatus.SUCCESS)
        for op_id in ids:
            order = [status for rec_id, status in heard if rec_id == op_id]
            assert order == [OpStatus.QUEUED, OpStatus.RUNNING, OpStatus.SUCCESS], (op_id, order)
    finally:
        engine.shutdown(1)
