"""Reading operation records: memory first (open and recently finished), then the journal.

Why a separate reader: routes (and other features) read records without reaching into the engine
or its SQLite connection; this is the `JournalReader` the app puts on `app.state.reader`.
"""

from __future__ import annotations

import threading

from easyths.engine.journal import Journal
from easyths.engine.records import OperationRecord, OpStatus
from easyths.engine.scheduler import Scheduler


class Reader:
    """A `JournalReader`: open and recently finished records from memory, the rest from SQLite."""

    def __init__(self, sched: Scheduler, journal: Journal, cond: threading.Condition) -> None:
        self._sched = sched
        self._journal = journal
        self._cond = cond

    def get(self, op_id: str) -> OperationRecord | None:
        return self._sched.get(op_id) or self._journal.get(op_id)

    def recent(self, status: OpStatus | None, limit: int) -> list[OperationRecord]:
        return self._journal.recent(status, limit)

    def counts(self) -> dict[OpStatus, int]:
        with self._cond:
            return dict(self._sched.counts)


__all__ = ["Reader"]
