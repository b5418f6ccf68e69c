"""The SQLite journal: every operation and every state change, written before it is acknowledged.

Why SQLite in WAL mode with synchronous=NORMAL: each commit is one append to the WAL, which
survives a crash or SIGKILL of the process (the OS holds the pages) at a cost of microseconds;
`[queue].fsync = true` switches to synchronous=FULL for power-loss durability at the cost of an
fsync per state change. Finished operations live here, not in RAM, so memory stays flat as
history grows.

One connection shared by the event loop (submit/status) and the worker thread (transitions),
serialised by a lock; every statement is an indexed point read or write.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from easyths.engine.records import OperationRecord, OpStatus, dumps, now

SCHEMA = """
CREATE TABLE IF NOT EXISTS operations (
    id TEXT PRIMARY KEY,
    seq INTEGER NOT NULL UNIQUE,
    name TEXT NOT NULL,
    params TEXT NOT NULL,
    priority INTEGER NOT NULL,
    status TEXT NOT NULL,
    result TEXT,
    error TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    started_at TEXT,
    finished_at TEXT,
    idempotency_key TEXT UNIQUE,
    body_hash TEXT,
    hint TEXT
);
CREATE INDEX IF NOT EXISTS operations_status ON operations(status, priority DESC, seq);
CREATE INDEX IF NOT EXISTS operations_finished ON operations(finished_at);
"""

_COLUMNS = (
    "id, seq, name, params, priority, status, result, error, created_at, updated_at, "
    "started_at, finished_at, idempotency_key, body_hash, hint"
)


class Journal:
    def __init__(self, path: Path, *, fsync: bool = False) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(f"PRAGMA synchronous={'FULL' if fsync else 'NORMAL'}")
        self._db.executescript(SCHEMA)
        row = self._db.execute("SELECT COALESCE(MAX(seq), 0) FROM operations").fetchone()
        self._seq = int(row[0])

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # writes -------------------------------------------------------------------------------------
    def insert(self, rec: OperationRecord) -> None:
        with self._lock:
            self._seq += 1
            rec.seq = self._seq
            self._db.execute(
                f"INSERT INTO operations ({_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    rec.id,
                    rec.seq,
                    rec.name,
                    dumps(rec.params),
                    rec.priority,
                    rec.status.value,
                    None if rec.result is None else dumps(rec.result),
                    rec.error,
                    rec.created_at.isoformat(),
                    rec.updated_at.isoformat(),
                    None,
                    None,
                    rec.idempotency_key,
                    rec.body_hash,
                    None,
                ),
            )

    def save(self, rec: OperationRecord) -> None:
        """Persist a transition of `rec` (status, result, error, times, hint)."""
        rec.updated_at = now()
        with self._lock:
            self._db.execute(
                "UPDATE operations SET status=?, result=?, error=?, updated_at=?, started_at=?, "
                "finished_at=?, hint=? WHERE id=?",
                (
                    rec.status.value,
                    None if rec.result is None else dumps(rec.result),
                    rec.error,
                    rec.updated_at.isoformat(),
                    rec.started_at.isoformat() if rec.started_at else None,
                    rec.finished_at.isoformat() if rec.finished_at else None,
                    None if rec.hint is None else dumps(rec.hint),
                    rec.id,
                ),
            )

    def purge_finished_before(self, cutoff: datetime) -> int:
        with self._lock:
            cur = self._db.execute(
                "DELETE FROM operations WHERE finished_at IS NOT NULL AND finished_at < ?", (cutoff.isoformat(),)
            )
            return cur.rowcount

    def purge_older_than(self, days: int) -> int:
        return self.purge_finished_before(now() - timedelta(days=days))

    # reads --------------------------------------------------------------------------------------
    def get(self, op_id: str) -> OperationRecord | None:
        with self._lock:
            row = self._db.execute(f"SELECT {_COLUMNS} FROM operations WHERE id=?", (op_id,)).fetchone()
        return None if row is None else _record(row)

    def by_idempotency_key(self, key: str) -> OperationRecord | None:
        with self._lock:
            row = self._db.execute(f"SELECT {_COLUMNS} FROM operations WHERE idempotency_key=?", (key,)).fetchone()
        return None if row is None else _record(row)

    def with_status(self, *statuses: OpStatus) -> Iterator[OperationRecord]:
        marks = ",".join("?" * len(statuses))
        with self._lock:
            rows = self._db.execute(
                f"SELECT {_COLUMNS} FROM operations WHERE status IN ({marks}) ORDER BY priority DESC, seq",
                [s.value for s in statuses],
            ).fetchall()
        return (_record(r) for r in rows)

    def recent(self, status: OpStatus | None, limit: int) -> list[OperationRecord]:
        query = f"SELECT {_COLUMNS} FROM operations"
        args: list[Any] = []
        if status is not None:
            query += " WHERE status=?"
            args.append(status.value)
        query += " ORDER BY seq DESC LIMIT ?"
        args.append(limit)
        with self._lock:
            rows = self._db.execute(query, args).fetchall()
        return [_record(r) for r in rows]

    def counts(self) -> dict[OpStatus, int]:
        with self._lock:
            rows = self._db.execute("SELECT status, COUNT(*) FROM operations GROUP BY status").fetchall()
        found = {OpStatus(s): int(n) for s, n in rows}
        return {s: found.get(s, 0) for s in OpStatus}


def _dt(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def _record(row: tuple[Any, ...]) -> OperationRecord:
    (
        op_id,
        seq,
        name,
        params,
        priority,
        status,
        result,
        error,
        created,
        updated,
        started,
        finished,
        key,
        body,
        hint,
    ) = row
    return OperationRecord(
        id=op_id,
        seq=seq,
        name=name,
        params=json.loads(params),
        priority=priority,
        status=OpStatus(status),
        result=None if result is None else json.loads(result),
        error=error,
        created_at=_dt(created) or now(),
        updated_at=_dt(updated) or now(),
        started_at=_dt(started),
        finished_at=_dt(finished),
        idempotency_key=key,
        body_hash=body,
        hint=None if hint is None else json.loads(hint),
    )
