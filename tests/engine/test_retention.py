"""What the journal and the event log keep: orders for `retention_days`, a query's result only
while a client may fetch it, a query's event as a summary, and events.db bounded in bytes."""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from datetime import timedelta
from pathlib import Path

from easyths.engine import Engine
from easyths.engine.events import EventLog, operation_event
from easyths.engine.journal import Journal
from easyths.engine.records import OperationRecord, OpStatus, apply, now
from easyths.operations.registry import Registry
from easyths.settings import QueueSection
from tests.fakes import FakeBroker

BUY = {"stock_code": "600000", "price": 10, "quantity": 100}


def finished(journal: Journal, name: str, params: dict[str, object], age: timedelta) -> OperationRecord:
    """An operation that ran `age` ago and succeeded, as the journal keeps it."""
    stamp = now() - age
    rec = journal.insert(OperationRecord(id=f"{name}-old", name=name, params=params, priority=0, created_at=stamp))
    done = apply(apply(rec, OpStatus.RUNNING), OpStatus.SUCCESS, data={"message": "ok"})
    done = dataclasses.replace(done, started_at=stamp, finished_at=stamp, updated_at=stamp)
    journal.save(done)
    return done


def test_a_query_is_kept_while_it_can_be_fetched_and_an_order_for_its_retention_days(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "journal.db")
    old_query = finished(journal, "holding_query", {}, timedelta(minutes=20))
    old_order = finished(journal, "buy", BUY, timedelta(minutes=20))
    recent_query = finished(journal, "order_query", {}, timedelta(minutes=1))
    journal.close()
    settings = QueueSection(operation_timeout=5, query_retention_seconds=600)
    engine = Engine(Journal(tmp_path / "journal.db"), Registry(plugins=False), FakeBroker(), settings)
    engine.start(threads=False)  # the restart purges what nobody can fetch any more
    try:
        assert engine.reader.get(old_query.id) is None  # 20 minutes > 600 s: gone
        assert engine.reader.get(recent_query.id) is not None  # 1 minute: still fetchable
        assert engine.reader.get(old_order.id) is not None  # an order: kept for retention_days
    finally:
        engine.shutdown(0)


def test_the_journal_purges_only_the_names_it_is_given_and_only_finished_ones(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "journal.db")
    done = finished(journal, "holding_query", {}, timedelta(hours=1))
    queued = journal.insert(
        OperationRecord(
            id="q-queued", name="holding_query", params={}, priority=0, created_at=now() - timedelta(hours=1)
        )
    )
    assert journal.purge_named_before(["holding_query"], now()) == 1
    assert journal.get(done.id) is None and journal.get(queued.id) is not None
    assert journal.purge_named_before([], now()) == 0
    journal.close()


def test_a_query_event_carries_a_summary_and_an_order_event_its_data(tmp_path: Path) -> None:
    rows = [{"证券代码": f"{600000 + i}", "股票余额": 100} for i in range(50)]
    query = OperationRecord(id="q", name="holding_query", params={}, priority=0)
    query = apply(apply(query, OpStatus.RUNNING), OpStatus.SUCCESS, data={"holdings": rows, "message": "共50条"})
    event = operation_event(query)
    assert event["result"]["data"]["holdings"] == {"rows": 50} and event["result"]["data"]["message"] == "共50条"
    registry = Registry(plugins=False)
    buy = registry.get("buy")()
    order = OperationRecord(
        id="b", name="buy", params=BUY, priority=0, command=buy.command(registry.validate("buy", BUY), "b")
    )
    order = apply(apply(order, OpStatus.RUNNING), OpStatus.SUCCESS, data={"合同编号": "1001", "message": "ok"})
    assert operation_event(order)["result"]["data"]["合同编号"] == "1001"


def test_events_db_stays_within_its_byte_bound(tmp_path: Path) -> None:
    path = tmp_path / "events.db"
    log = EventLog(path, keep=1_000_000, window=0, max_bytes=1024 * 1024)
    try:
        payload = "x" * 1000
        for i in range(6000):  # about 6 MB of events
            log.append({"type": "note", "at": now().isoformat(), "n": i, "text": payload})
        assert log.flush(30)
        oldest, newest = log.bounds()
        assert newest - oldest + 1 < 3000 and oldest > 1  # the oldest went, the newest stayed
        assert log.since(newest - 1)[0]["n"] == 5999
    finally:
        log.close()
    with sqlite3.connect(path) as conn:
        pages, size = conn.execute("PRAGMA page_count").fetchone()[0], conn.execute("PRAGMA page_size").fetchone()[0]
        stored = conn.execute("SELECT data FROM events ORDER BY id DESC LIMIT 1").fetchone()[0]
    conn.close()
    assert pages * size < 3 * 1024 * 1024  # the bound plus one prune interval, not 6 MB
    assert json.loads(stored)["n"] == 5999


def test_the_cache_of_finished_records_is_bounded_by_the_rows_it_holds() -> None:
    from easyths.engine.scheduler import RECENT_ROWS, Scheduler

    sched = Scheduler(max_size=10)
    rows = [{"合同编号": str(i)} for i in range(RECENT_ROWS // 4)]
    for i in range(10):
        rec = OperationRecord(id=f"q{i}", name="order_query", params={}, priority=0)
        sched.remember(apply(apply(rec, OpStatus.RUNNING), OpStatus.SUCCESS, data={"orders": rows}))
    assert sched.get("q9") is not None and sched.get("q0") is None  # the newest stay, the oldest went
    assert sum(1 for i in range(10) if sched.get(f"q{i}") is not None) <= 4


def test_a_wal_past_its_limit_is_emptied_by_the_next_checkpoint(tmp_path: Path) -> None:
    from easyths.engine.checkpoint import Checkpointer

    journal = Journal(tmp_path / "journal.db", checkpoint_interval=None)
    journal._db.execute("PRAGMA wal_autocheckpoint=0")  # as with the background checkpointer
    for i in range(300):
        journal.insert(OperationRecord(id=f"q{i}", name="holding_query", params={"pad": "x" * 2000}, priority=0))
    wal = tmp_path / "journal.db-wal"
    assert wal.stat().st_size > 256 * 1024
    checkpointer = Checkpointer(tmp_path / "journal.db", interval=60, wal_limit=256 * 1024)
    conn = sqlite3.connect(tmp_path / "journal.db", isolation_level=None)
    try:
        checkpointer.checkpoint(conn)
    finally:
        conn.close()
    assert wal.stat().st_size == 0 and journal.get("q299") is not None
    journal.close()
