"""The SQLite journal: every operation and every state change, written before it is acknowledged.

Why SQLite in WAL mode with synchronous=NORMAL: each commit is one append to the WAL, which
survives a crash or SIGKILL of the process (the OS holds the pages) at a cost of microseconds;
`[queue].fsync = true` switches to synchronous=FULL for power-loss durability at the cost of an
fsync per state change. Finished operations live here, not in RAM, so memory stays flat as
history grows.

One connection shared by the event loop (submit/status) and the worker thread (transitions),
serialised by a lock; every statement is an indexed point read or write. SQLite's own errors stop
here: every method raises `JournalError` (HTTP 503) instead, chained to the sqlite3 error, so a
submit whose insert fails is refused, never acknowledged.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

from easyths.brokers.base import Ack, Evidence
from easyths.domain.commands import OrderCommand
from easyths.engine.checkpoint import Checkpointer
from easyths.engine.records import OperationRecord, OpStatus, dumps, jsonable, now
from easyths.errors import JournalError

# operations_name_created serves `created_since` (the risk guard's day book, read at every start);
# on a journal made before it existed, the first start builds it once (about 2 s at 10^6 rows).
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
    hint TEXT,
    command TEXT,
    report TEXT
);
CREATE INDEX IF NOT EXISTS operations_status ON operations(status, priority DESC, seq);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS operations_finished ON operations(finished_at);
CREATE INDEX IF NOT EXISTS operations_name_created ON operations(name, created_at);
"""
# After SCHEMA: a journal written before commands existed gains their columns (nothing else
# changes: its `hint` column now holds `Evidence`, and an old hint dict there is read as one).
UPGRADES = (
    ("command", "ALTER TABLE operations ADD COLUMN command TEXT"),
    ("report", "ALTER TABLE operations ADD COLUMN report TEXT"),
)
INDEXES = "CREATE INDEX IF NOT EXISTS operations_command_created ON operations(created_at) WHERE command IS NOT NULL"

_COLUMNS = (
    "id, seq, name, params, priority, status, result, error, created_at, updated_at, "
    "started_at, finished_at, idempotency_key, body_hash, hint, command, report"
)


class JournalReader(Protocol):
    """What a route needs to read operations: by id, the most recent, counts by status."""

    def get(self, op_id: str) -> OperationRecord | None: ...

    def recent(self, status: OpStatus | None, limit: int) -> list[OperationRecord]: ...

    def counts(self) -> dict[OpStatus, int]: ...


@contextmanager
def _mapped(what: str) -> Iterator[None]:
    """sqlite3 errors leave the journal as `JournalError`, chained: one boundary, one tree."""
    try:
        yield
    except sqlite3.Error as exc:
        raise JournalError(f"操作日志（SQLite）{what}失败: {exc}") from exc


class Journal:
    def __init__(self, path: Path, *, fsync: bool = False, checkpoint_interval: float | None = 1.0) -> None:
        """`checkpoint_interval`: seconds between background WAL checkpoints (see `checkpoint.py`);
        None keeps SQLite's auto-checkpoint inside commits."""
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock = threading.Lock()
        with _mapped("打开"):
            self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute(f"PRAGMA synchronous={'FULL' if fsync else 'NORMAL'}")
            # 2 MiB: the pages a cycle touches (rightmost leaves, one id-index leaf) stay cached; a
            # bigger cache only filled up with what start-up scans touch (counts), so RSS grew with
            # history (16 MiB at 10^6 operations) while a miss is a few µs from the OS page cache.
            self._db.execute("PRAGMA cache_size=-2048")
            self._db.executescript(SCHEMA)
            present = {r[1] for r in self._db.execute("PRAGMA table_info(operations)")}
            for column, statement in UPGRADES:
                if column not in present:
                    self._db.execute(statement)
            self._db.execute(INDEXES)
            row = self._db.execute("SELECT COALESCE(MAX(seq), 0) FROM operations").fetchone()
            self._checkpointer: Checkpointer | None = None
            if checkpoint_interval is not None:
                self._db.execute("PRAGMA wal_autocheckpoint=0")
                self._checkpointer = Checkpointer(path, checkpoint_interval)
                self._checkpointer.start()
        self._seq = int(row[0])

    def close(self) -> None:
        if self._checkpointer is not None:
            self._checkpointer.stop()
        with self._lock, _mapped("关闭"):
            self._db.close()  # the last connection to close checkpoints and removes the WAL

    # writes -------------------------------------------------------------------------------------
    def insert(self, rec: OperationRecord) -> OperationRecord:
        """Journal a new operation; returns it with its `seq` (FIFO order within a priority)."""
        with self._lock, _mapped("写入"):
            rec = dataclasses.replace(rec, seq=self._seq + 1)
            self._db.execute(
                f"INSERT INTO operations ({_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
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
                    None if rec.command is None else _encode(rec.command.to_json()),
                    None,
                ),
            )
            self._seq += 1
        return rec

    def save(self, rec: OperationRecord) -> None:
        """Persist a transition of `rec` (status, result, error, times, hint)."""
        self.save_many((rec,))

    def save_many(self, records: Sequence[OperationRecord]) -> None:
        """Persist several transitions in one commit (group commit): all or none are durable."""
        rows = [_update_row(rec) for rec in records]
        with self._lock, _mapped("写入"):
            if len(rows) == 1:
                self._db.execute(_UPDATE, rows[0])
                return
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.executemany(_UPDATE, rows)
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def purge_finished_before(self, cutoff: datetime) -> int:
        with self._lock, _mapped("清理"):
            cur = self._db.execute(
                "DELETE FROM operations WHERE finished_at IS NOT NULL AND finished_at < ?", (cutoff.isoformat(),)
            )
            return cur.rowcount

    def purge_named_before(self, names: Sequence[str], cutoff: datetime) -> int:
        """Delete the operations of these names finished before `cutoff` (the queries, whose results
        are kept only while a client may fetch them); the (name, created_at) index narrows the scan,
        since an operation is created before it finishes."""
        if not names:
            return 0
        marks = ",".join("?" * len(names))
        with self._lock, _mapped("清理"):
            cur = self._db.execute(
                f"DELETE FROM operations WHERE name IN ({marks}) AND created_at < ? AND finished_at < ?",
                [*names, cutoff.isoformat(), cutoff.isoformat()],
            )
            return cur.rowcount

    def meta(self, key: str) -> str | None:
        """A fact about the journal itself (e.g. the backend that last ran its operations)."""
        with self._lock, _mapped("读取"):
            row = self._db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        with self._lock, _mapped("写入"):
            self._db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def purge_older_than(self, days: int) -> int:
        return self.purge_finished_before(now() - timedelta(days=days))

    # reads --------------------------------------------------------------------------------------
    def get(self, op_id: str) -> OperationRecord | None:
        with self._lock, _mapped("读取"):
            row = self._db.execute(f"SELECT {_COLUMNS} FROM operations WHERE id=?", (op_id,)).fetchone()
        return None if row is None else _record(row)

    def by_idempotency_key(self, key: str) -> OperationRecord | None:
        with self._lock, _mapped("读取"):
            row = self._db.execute(f"SELECT {_COLUMNS} FROM operations WHERE idempotency_key=?", (key,)).fetchone()
        return None if row is None else _record(row)

    def with_status(self, *statuses: OpStatus) -> Iterator[OperationRecord]:
        marks = ",".join("?" * len(statuses))
        with self._lock, _mapped("读取"):
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
        with self._lock, _mapped("读取"):
            rows = self._db.execute(query, args).fetchall()
        return [_record(r) for r in rows]

    def created_since(self, since: datetime, names: Sequence[str]) -> list[OperationRecord]:
        """Operations of these names created at or after `since` (the risk guard's day book).

        Why the (name, created_at) index: this runs at every start, and without it the scan read
        the whole table (0.5 s and the page cache filled with useless rows at 10^6 operations)."""
        marks = ",".join("?" * len(names))
        with self._lock, _mapped("读取"):
            rows = self._db.execute(
                f"SELECT {_COLUMNS} FROM operations WHERE name IN ({marks}) AND created_at >= ? ORDER BY seq",
                [*names, since.isoformat()],
            ).fetchall()
        return [_record(r) for r in rows]

    def commands_since(self, since: datetime) -> list[OperationRecord]:
        """Operations with a command created at or after `since`: the risk guard's day book and
        the ids today's orders own, whatever the operation's name (a plugin's included)."""
        with self._lock, _mapped("读取"):
            rows = self._db.execute(
                f"SELECT {_COLUMNS} FROM operations WHERE command IS NOT NULL AND created_at >= ? ORDER BY seq",
                [since.isoformat()],
            ).fetchall()
        return [_record(r) for r in rows]

    def counts(self) -> dict[OpStatus, int]:
        with self._lock, _mapped("读取"):
            rows = self._db.execute("SELECT status, COUNT(*) FROM operations GROUP BY status").fetchall()
        found = {OpStatus(s): int(n) for s, n in rows}
        return {s: found.get(s, 0) for s in OpStatus}


_UPDATE = (
    "UPDATE operations SET status=?, result=?, error=?, updated_at=?, started_at=?, finished_at=?, hint=?, report=?"
    " WHERE id=?"
)


def _update_row(rec: OperationRecord) -> tuple[Any, ...]:
    """`apply()` already made result and hint JSON-safe, so they are encoded without a second walk."""
    return (
        rec.status.value,
        None if rec.result is None else _encode(rec.result),
        rec.error,
        rec.updated_at.isoformat(),
        rec.started_at.isoformat() if rec.started_at else None,
        rec.finished_at.isoformat() if rec.finished_at else None,
        None if rec.evidence is None else _encode(rec.evidence.to_json()),
        None if rec.report is None else _encode(_report_json(rec.report)),
        rec.id,
    )


def _late(value: Any) -> Any:
    """Only for a value `apply()` did not see (it should not happen): made JSON-safe here instead."""
    safe = jsonable(value)
    return str(safe) if safe is value else safe


_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=_late).encode


def _report_json(ack: Ack) -> dict[str, Any]:
    """The broker's answer as the journal keeps it: Decimals as exact strings, empty fields left out."""
    out: dict[str, Any] = {}
    for key, value in dataclasses.asdict(ack).items():
        if value in (None, (), [], False):
            continue
        out[key] = str(value) if isinstance(value, Decimal) else list(value) if isinstance(value, tuple) else value
    return out


def _report(raw: dict[str, Any]) -> Ack:
    return Ack(
        message=str(raw.get("message", "")),
        contract_no=raw.get("contract_no"),
        condition_id=raw.get("condition_id"),
        cancelled=tuple(raw.get("cancelled") or ()),
        quantity=raw.get("quantity"),
        repo_code=raw.get("repo_code"),
        rate=None if raw.get("rate") is None else Decimal(str(raw["rate"])),
        reconciled=bool(raw.get("reconciled")),
        filled=raw.get("filled"),
        withdrawn=raw.get("withdrawn"),
    )


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
        command,
        report,
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
        command=None if command is None else OrderCommand.from_json(json.loads(command)),
        evidence=None if hint is None else Evidence.from_json(json.loads(hint)),
        report=None if report is None else _report(json.loads(report)),
    )
