"""The event log: operation transitions and broker events, numbered, stored, and fanned out live.

Why its own writer thread: events come from the event loop (submit, cancel), the worker (running,
finished) and the sim (fills, triggers, from whatever thread moves the market). None of them may
wait on SQLite, so `append()` only puts the event on a queue; one thread writes batches to its own
database, `events.db`, and only after the commit hands each event, now with its id, to the live
subscribers. An id therefore always names a stored event: a client that reconnects with
`Last-Event-ID` gets exactly what it missed from the table, then the live feed.

Why its own file and a batch window: in `journal.db` the event commits took the same SQLite write
lock as the engine's journal, so a submit could wait behind an event batch; and a writer that woke
for every event (three per operation) fought the event loop and the worker for the GIL on every
transition. The writer now stores what arrived during `window` seconds in one commit, and while
events keep coming it polls instead of waiting on its queue, so `append()` never has to wake it:
live delivery is that much later (milliseconds), the request path pays nothing for it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import queue
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from easyths.engine.records import OperationRecord, jsonable, now

log = logging.getLogger(__name__)

SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    type TEXT NOT NULL,
    operation_id TEXT,
    data TEXT NOT NULL
);
"""
BATCH = 500
SUMMARY_TEXT = 200  # a read's text longer than this is a table: an event gives its length
PRUNE_EVERY = 1000  # events between two prunes (count and bytes)
SUBSCRIBER_BACKLOG = 10_000
# Seconds after the last event during which the writer polls every `window` instead of blocking on
# its queue: waking a blocked thread costs the producer (the event loop, the worker) a cross-CPU
# wake-up per event, a measurable share of a submit on these machines; polling costs the writer a
# timer tick per window, and only while events are flowing.
ACTIVE = 1.0  # a client this far behind is dropped; it reconnects and replays


# Version of the events' shape (docs/events.md). 2: every event has `v`, `operation` (the
# operation's name) and `operation_id` where one caused it, `stock_name` where a stock is named;
# numbers are numbers. `name` keeps its 1.x meaning (operation name, or stock name on broker
# events) and is deprecated.
EVENT_SCHEMA_VERSION = 2


def operation_event(rec: OperationRecord) -> dict[str, Any]:
    """An operation's state change as an event (the `operation` type)."""
    event: dict[str, Any] = {
        "v": EVENT_SCHEMA_VERSION,
        "type": "operation",
        "operation_id": rec.id,
        "operation": rec.name,
        "name": rec.name,
        "status": rec.status.value,
        "at": rec.updated_at.isoformat(),
        "priority": rec.priority,
    }
    if rec.status.finished:
        event["error"] = rec.error
        if rec.result is not None:
            event["result"] = {k: rec.result.get(k) for k in ("success", "data", "message", "error_code")}
            if rec.command is None and isinstance(rec.result.get("data"), dict):
                event["result"]["data"] = summary(rec.result["data"])
    return event


def summary(data: dict[str, Any]) -> dict[str, Any]:
    """A read's result in an event: its tables by their size, not copied into every event (the
    dashboard's shared account read alone wrote 98 MB of events in a 12-minute soak). The rows
    stay fetchable at `/result` for `[queue].query_retention_seconds`."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, list):
            out[key] = {"rows": len(value)}
        elif isinstance(value, str) and len(value) > SUMMARY_TEXT:
            out[key] = {"chars": len(value)}  # a table shaped as text (return_type str/markdown)
        else:
            out[key] = value
    return out


def broker_event(event: dict[str, Any], operation_name: Callable[[str], str | None] | None = None) -> dict[str, Any]:
    """A broker's event (fill, condition_triggered, order_expired …) in the common shape, named
    after the operation it belongs to when the broker said which (`operation_id`)."""
    shaped: dict[str, Any] = {
        "v": EVENT_SCHEMA_VERSION,
        "operation_id": None,
        "operation": None,
        "name": None,
        "status": None,
    }
    shaped |= {"at": now().isoformat(), **event}
    if shaped["operation_id"] and operation_name is not None and shaped["operation"] is None:
        shaped["operation"] = operation_name(shaped["operation_id"])
    return shaped


@dataclass(eq=False)
class Subscription:
    loop: asyncio.AbstractEventLoop
    queue: asyncio.Queue[dict[str, Any]] = field(default_factory=asyncio.Queue)
    lagging: bool = False
    closed: bool = False

    def close(self) -> None:
        """Runs on the subscriber's loop: end the stream (the server is stopping)."""
        self.closed = True
        self.queue.put_nowait({})

    def offer(self, event: dict[str, Any]) -> None:
        """Runs on the subscriber's loop."""
        if self.queue.qsize() >= SUBSCRIBER_BACKLOG:
            self.lagging = True
            return
        self.queue.put_nowait(event)


class EventLog:
    def __init__(
        self,
        path: Path,
        *,
        keep: int = 100_000,
        window: float = 0.005,
        legacy: Path | None = None,
        max_bytes: int = 64 * 1024 * 1024,
    ) -> None:
        """`legacy`: the journal database that held the `events` table before it had its own file;
        its events move here once, keeping their ids, so a client's `Last-Event-ID` stays valid.
        `keep` and `max_bytes` bound the table by count and by the pages it uses, whichever first."""
        self.keep = keep
        self.max_bytes = max_bytes
        self.window = window
        # the operation's name for a broker event that names its operation id (set by the app)
        self.operation_name: Callable[[str], str | None] | None = None
        self._db = self._connect(path)
        self._db.executescript(SCHEMA)
        if legacy is not None and legacy.exists():
            _adopt(self._db, legacy)
        self._read_lock = threading.Lock()
        self._reader = self._connect(path)
        self._queue: queue.SimpleQueue[dict[str, Any] | threading.Event | None] = queue.SimpleQueue()
        self._subs: set[Subscription] = set()
        self._subs_lock = threading.Lock()
        self._since_prune = 0
        self.closing = False
        self._thread = threading.Thread(target=self._run, name="easyths-events", daemon=True)
        self._thread.start()

    @staticmethod
    def _connect(path: Path) -> sqlite3.Connection:
        db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA busy_timeout=5000")
        db.execute("PRAGMA synchronous=NORMAL")
        return db

    # producers (any thread, never blocks) ----------------------------------------------------------
    def append(self, event: dict[str, Any]) -> None:
        self._queue.put(event)

    def on_operation(self, rec: OperationRecord) -> None:
        """`engine.add_listener(log.on_operation)`."""
        self.append(operation_event(rec))

    def on_broker_event(self, event: dict[str, Any]) -> None:
        """`broker.add_event_sink(log.on_broker_event)`."""
        self.append(broker_event(event, self.operation_name))

    # consumers --------------------------------------------------------------------------------------
    def subscribe(self) -> Subscription:
        sub = Subscription(asyncio.get_running_loop())
        with self._subs_lock:
            if self.closing:  # the server is stopping: a stream opened now ends at once
                sub.closed = True
            else:
                self._subs.add(sub)
        return sub

    def unsubscribe(self, sub: Subscription) -> None:
        with self._subs_lock:
            self._subs.discard(sub)

    def close_streams(self) -> None:
        """End every live stream now, so a stopping server need not wait for its clients (they
        reconnect with Last-Event-ID and lose nothing). Any thread."""
        with self._subs_lock:
            self.closing = True
            subs = list(self._subs)
        for sub in subs:
            with contextlib.suppress(RuntimeError):  # its loop is already closed
                sub.loop.call_soon_threadsafe(sub.close)

    def since(self, last_id: int, limit: int = 1000) -> list[dict[str, Any]]:
        """Stored events after `last_id`, oldest first (blocking: call it from a thread)."""
        with self._read_lock:
            rows = self._reader.execute(
                "SELECT id, data FROM events WHERE id > ? ORDER BY id LIMIT ?", (last_id, limit)
            ).fetchall()
        return [{"id": row[0], **json.loads(row[1])} for row in rows]

    def last_id(self) -> int:
        with self._read_lock:
            return int(self._reader.execute("SELECT COALESCE(MAX(id), 0) FROM events").fetchone()[0])

    def bounds(self) -> tuple[int, int]:
        """(oldest, newest) stored ids; (0, 0) when none is stored."""
        with self._read_lock:
            row = self._reader.execute("SELECT COALESCE(MIN(id), 0), COALESCE(MAX(id), 0) FROM events").fetchone()
        return int(row[0]), int(row[1])

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait until everything appended so far is stored and published (tests, shutdown)."""
        done = threading.Event()
        self._queue.put(done)
        return done.wait(timeout)

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join(10)
        self._db.close()
        with self._read_lock:
            self._reader.close()

    # the writer thread --------------------------------------------------------------------------------
    def _run(self) -> None:
        last_event = 0.0
        while True:
            if self.window > 0 and time.monotonic() - last_event < ACTIVE:
                time.sleep(self.window)  # busy: poll, so that producers never have to wake this thread
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    continue
            else:
                item = self._queue.get()  # quiet: sleep until something happens
                if item is not None and not isinstance(item, threading.Event) and self.window > 0:
                    time.sleep(self.window)  # let the batch fill: one commit for all of it
            last_event = time.monotonic()
            batch: list[dict[str, Any]] = []
            markers: list[threading.Event] = []
            stop = False
            while True:
                if item is None:
                    stop = True
                elif isinstance(item, threading.Event):
                    markers.append(item)
                else:
                    batch.append(item)
                if stop or len(batch) >= BATCH:
                    break
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
            if batch:
                try:
                    self._publish(self._store(batch))
                except Exception:  # a full disk must not take the service down; events are best effort
                    log.exception("写入事件失败（%d 条已丢弃）", len(batch))
            for marker in markers:
                marker.set()
            if stop:
                return

    def _store(self, batch: list[dict[str, Any]]) -> list[dict[str, Any]]:
        stored: list[dict[str, Any]] = []
        self._db.execute("BEGIN IMMEDIATE")
        try:
            for event in batch:
                data = jsonable(event)
                cur = self._db.execute(
                    "INSERT INTO events (at, type, operation_id, data) VALUES (?, ?, ?, ?)",
                    (str(data.get("at")), str(data.get("type")), data.get("operation_id"), _dumps(data)),
                )
                stored.append({"id": cur.lastrowid, **data})
            self._since_prune += len(batch)
            if self._since_prune >= PRUNE_EVERY:
                self._since_prune = 0
                self._db.execute("DELETE FROM events WHERE id <= (SELECT MAX(id) FROM events) - ?", (self.keep,))
                self._prune_bytes()
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        return stored

    def used_bytes(self) -> int:
        """Bytes in pages the database uses (freed pages are reused, so the file stays about this)."""
        pages = self._db.execute("PRAGMA page_count").fetchone()[0]
        free = self._db.execute("PRAGMA freelist_count").fetchone()[0]
        size = self._db.execute("PRAGMA page_size").fetchone()[0]
        return int((pages - free) * size)

    def _prune_bytes(self) -> None:
        """Over `max_bytes`: drop the oldest tenth of the events, until under (inside the batch's
        transaction). A reconnecting client can then replay less, never more than is stored."""
        for _ in range(10):
            if self.used_bytes() <= self.max_bytes:
                return
            low, high = self._db.execute("SELECT MIN(id), MAX(id) FROM events").fetchone()
            if low is None or low >= high:
                return
            self._db.execute("DELETE FROM events WHERE id < ?", (low + max(1, (high - low) // 10),))

    def _publish(self, events: list[dict[str, Any]]) -> None:
        with self._subs_lock:
            subs = list(self._subs)
        for sub in subs:
            for event in events:
                try:
                    sub.loop.call_soon_threadsafe(sub.offer, event)
                except RuntimeError:  # its loop closed: the client is gone
                    self.unsubscribe(sub)
                    break


def _adopt(db: sqlite3.Connection, legacy: Path) -> None:
    """Move the events of a journal database written by an earlier version into this one."""
    db.execute("ATTACH DATABASE ? AS legacy", (str(legacy),))
    try:
        found = db.execute("SELECT 1 FROM legacy.sqlite_master WHERE type='table' AND name='events'").fetchone()
        if found is None:
            return
        db.execute("BEGIN IMMEDIATE")
        try:
            db.execute("INSERT OR IGNORE INTO main.events SELECT id, at, type, operation_id, data FROM legacy.events")
            db.execute("DROP TABLE legacy.events")
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        log.info("事件已从 %s 迁移到独立的事件库", legacy.name)
    finally:
        db.execute("DETACH DATABASE legacy")


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


__all__ = ["EventLog", "Subscription", "broker_event", "operation_event"]
