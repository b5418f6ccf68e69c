"""A journal written before commands existed (1.x: no `command`/`report` columns, the hint an
untyped dict) still settles its `unknown` orders after the upgrade: the command is rebuilt from
the journalled params and the old hint is read as `Evidence`."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from easyths.brokers.base import Side
from easyths.engine import Engine
from easyths.engine.journal import Journal
from easyths.engine.records import OperationRecord, OpStatus
from easyths.engine.timers import ManualTimers
from easyths.operations.registry import Registry
from easyths.settings import QueueSection
from tests.brokers.sim.support import D, open_broker

# The operations table exactly as the code before this change created it.
OLD_SCHEMA = """
CREATE TABLE operations (
    id TEXT PRIMARY KEY, seq INTEGER NOT NULL UNIQUE, name TEXT NOT NULL, params TEXT NOT NULL,
    priority INTEGER NOT NULL, status TEXT NOT NULL, result TEXT, error TEXT, created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL, started_at TEXT, finished_at TEXT, idempotency_key TEXT UNIQUE,
    body_hash TEXT, hint TEXT
);
CREATE INDEX operations_status ON operations(status, priority DESC, seq);
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE INDEX operations_finished ON operations(finished_at);
CREATE INDEX operations_name_created ON operations(name, created_at);
"""
STAMP = "2026-11-27T10:00:00+08:00"


def old_journal(path: Path, rows: list[tuple[str, str, dict[str, object], dict[str, object]]]) -> None:
    """(id, name, params, hint) rows left `unknown` by the old code, its backend recorded as sim."""
    with sqlite3.connect(path) as conn:
        conn.executescript(OLD_SCHEMA)
        for seq, (op_id, name, params, hint) in enumerate(rows, start=1):
            conn.execute(
                "INSERT INTO operations VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (op_id, seq, name, json.dumps(params), 0, "unknown", None, "结果未知", STAMP, STAMP, STAMP, STAMP,
                 None, None, json.dumps(hint, ensure_ascii=False)),
            )  # fmt: skip
        conn.execute("INSERT INTO meta VALUES ('backend', 'sim')")
    conn.close()


def settled(engine: Engine, op_id: str) -> OperationRecord:
    """Each reconciliation the moment it is asked for, on this thread, until none is left."""
    assert isinstance(engine.timers, ManualTimers)
    engine.run_until_idle()
    while engine.timers.fire_next():
        engine.run_until_idle()
    return engine.get(op_id)


def test_old_unknown_orders_with_hint_dicts_reconcile_after_the_upgrade(tmp_path: Path) -> None:
    sim = open_broker(tmp_path / "sim.db")
    sim.set_quote("600000", D("10.00"), D("10.00"))
    by_ref = sim.place_order(Side.BUY, "600000", D("10.00"), 100, ref="old-ref")  # what the old sim stored
    before = [r["合同编号"] for r in sim.today_orders()]
    snapshot = sim.place_order(Side.BUY, "600000", D("9.90"), 100)  # found as the one new matching row
    buy = {"stock_code": "600000", "price": 10, "quantity": 100}
    # the THS driver's 1.x hint: the order's fields and the 当日委托 snapshot taken before it
    driver_hint = {"kind": "order", "side": "buy", "stock_code": "600000", "quantity": 100, "price": "9.90"}
    driver_hint |= {"market": False, "before": before, "seen": ["委托确认"]}
    old_journal(
        tmp_path / "journal.db",
        [
            ("old-ref", "buy", buy, {"operation_ref": "old-ref", "kind": "order"}),  # 1.x restart hint
            ("old-snapshot", "buy", {**buy, "price": 9.9}, driver_hint),
            ("old-nothing", "buy", {**buy, "price": 9}, {"operation_ref": "old-nothing", "kind": "order"}),
        ],
    )
    settings = QueueSection(operation_timeout=5, reconcile_delays=[0.01, 0.05])
    engine = Engine(Journal(tmp_path / "journal.db"), Registry(plugins=False), sim, settings, timers=ManualTimers())
    engine.start(threads=False)
    try:
        done = settled(engine, "old-ref")
        assert done.status is OpStatus.SUCCESS and done.result is not None
        assert done.result["data"]["合同编号"] == by_ref.contract_no
        assert done.report is not None and done.report.contract_no == by_ref.contract_no
        found = settled(engine, "old-snapshot")
        assert found.status is OpStatus.SUCCESS and found.report is not None
        assert found.report.contract_no == snapshot.contract_no
        assert settled(engine, "old-nothing").status is OpStatus.FAILED  # nothing of it on the book
        assert len(sim.today_orders()) == 2  # nothing placed again
    finally:
        engine.shutdown(0)
        sim.close()
