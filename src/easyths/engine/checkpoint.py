"""Moving the journal's WAL back into the database file, off the request path.

Why: with SQLite's default auto-checkpoint, about one commit in 70 also copies the WAL into the
database, holding the journal's lock for 10–25 ms; a submit that lands on it waits, and so does
everybody behind it (that was most of our p99). The journal turns auto-checkpoint off and this
thread, on its own connection, runs a PASSIVE checkpoint every `interval` seconds: PASSIVE never
blocks writers or readers, and a commit stays durable the moment it is in the WAL (a SIGKILL
loses nothing), so moving the copy elsewhere changes when work is done, not what is kept.

Why a TRUNCATE past `wal_limit`: SQLite starts the WAL over only after a checkpoint that copied
every frame, and under steady writes a PASSIVE one rarely does, so the WAL grew to 1 GB in a
two-minute soak. Past the limit this thread runs one TRUNCATE checkpoint: it waits for the
writers of the moment (the journal's connection waits up to its busy timeout, 5 s, meanwhile),
copies everything and empties the file. That costs a pause of milliseconds once per `wal_limit`
of writes, and keeps the files bounded by what the journal holds.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from pathlib import Path

log = logging.getLogger(__name__)

WAL_LIMIT = 32 * 1024 * 1024  # bytes of WAL past which a checkpoint truncates it


class Checkpointer:
    def __init__(self, path: Path, interval: float, wal_limit: int = WAL_LIMIT) -> None:
        self._path = path
        self._interval = interval
        self._wal = path.with_name(path.name + "-wal")
        self.wal_limit = wal_limit
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="easyths-checkpoint", daemon=True)
        self.runs = 0

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(5)

    def _loop(self) -> None:
        try:
            db = sqlite3.connect(self._path, check_same_thread=False, isolation_level=None)
        except sqlite3.Error:
            log.exception("后台检查点线程无法打开操作日志，改由 SQLite 自动检查点")
            return
        try:
            while not self._stop.wait(self._interval):
                self.checkpoint(db)
        finally:
            db.close()

    def checkpoint(self, db: sqlite3.Connection) -> None:
        try:
            mode = "TRUNCATE" if self._wal_size() > self.wal_limit else "PASSIVE"
            db.execute(f"PRAGMA wal_checkpoint({mode})").fetchone()
            self.runs += 1
        except sqlite3.Error as exc:  # a busy or locked moment: the next round catches up
            log.warning("后台检查点失败（稍后重试）: %s", exc)

    def _wal_size(self) -> int:
        try:
            return self._wal.stat().st_size
        except OSError:
            return 0


__all__ = ["Checkpointer"]
