"""The journal: SQLite errors mapped at its edge, group commits, checkpoints off the commit path."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from easyths.engine.checkpoint import Checkpointer
from easyths.engine.journal import Journal
from easyths.engine.records import OperationRecord, OpStatus, apply
from easyths.errors import JournalError


def new(op_id: str) -> OperationRecord:
    return OperationRecord(id=op_id, name="funds_query", params={}, priority=0)


def test_sqlite_errors_leave_the_journal_as_journal_error(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "j.db")
    journal.insert(new("a"))
    with pytest.raises(JournalError) as duplicate:
        journal.insert(new("a"))
    assert isinstance(duplicate.value.__cause__, sqlite3.IntegrityError)
    journal.close()
    with pytest.raises(JournalError):
        journal.get("a")


def test_a_group_commit_writes_every_transition(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "j.db")
    a, b = journal.insert(new("a")), journal.insert(new("b"))
    done = apply(apply(a, OpStatus.RUNNING), OpStatus.SUCCESS, data={"x": 1})
    running = apply(b, OpStatus.RUNNING)
    journal.save_many([done, running])
    assert journal.get("a") == done and journal.get("b") == running
    assert (journal.get("a").seq, journal.get("b").seq) == (1, 2)  # type: ignore[union-attr]
    journal.close()


def test_commits_never_checkpoint_and_the_background_checkpoint_catches_up(tmp_path: Path) -> None:
    journal = Journal(tmp_path / "j.db", checkpoint_interval=3600)  # the thread will not fire in this test
    assert journal._db.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 0
    for i in range(300):
        journal.insert(new(str(i)))
    file = tmp_path / "j.db"
    before = file.stat().st_size
    assert Path(f"{file}-wal").stat().st_size > 1000 * 4096  # past SQLite's default: no commit copied it
    db = sqlite3.connect(file)
    Checkpointer(file, 1.0).checkpoint(db)
    assert file.stat().st_size > before  # the background checkpoint copied the WAL into the file
    db.close()
    journal.close()
    assert Journal(tmp_path / "j.db", checkpoint_interval=None).get("299") is not None
