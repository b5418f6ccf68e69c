"""Live events over SSE on a loopback server: shape, ids, replay after a disconnect, heartbeats."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from easyths import Client
from easyths.api.app import create_app
from easyths.client.events import Event
from tests.client.conftest import LoopbackServer
from tests.conftest import make_settings

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LoopbackServer]:
    app = create_app(make_settings(tmp_path, events={"heartbeat": 0.2}))
    with LoopbackServer(app) as srv:
        yield srv


def take(events: Iterator[Event], n: int, timeout: float = 10) -> list[Event]:
    """The next n events, or fail after `timeout` (the iterator blocks while nothing happens)."""
    got: list[Event] = []

    def read() -> None:
        for event in events:
            got.append(event)
            if len(got) == n:
                return

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(timeout)
    assert len(got) == n, [(e.id, e.type, e.status) for e in got]
    return got


def test_operations_fills_and_triggers_arrive_in_order_with_increasing_ids(server: LoopbackServer) -> None:
    with Client(server.url) as client:
        client.sim.set_quote("600000", 10.5, 10.4)
        order = client.buy("600000", 10.5, 100)
        client.condition_buy("600000", 10.0, 100)
        client.sim.set_quote("600000", 10.0)
        events = take(client.events(last_event_id=0), 9)
    ids = [e.id for e in events]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    ops = [(e.name, e.status) for e in events if e.type == "operation"]
    assert ops == [
        ("buy", "queued"), ("buy", "running"), ("buy", "success"),
        ("condition_buy", "queued"), ("condition_buy", "running"), ("condition_buy", "success"),
    ]  # fmt: skip
    success = next(e for e in events if e.status == "success")
    assert success.operation_id == order.operation_id and success["result"]["data"]["合同编号"] == order.contract_no
    fills = [e for e in events if e.type == "fill"]
    assert fills[0]["contract_no"] == order.contract_no and fills[0]["stock_code"] == "600000"
    trigger = next(e for e in events if e.type == "condition_triggered")
    armed = next(e for e in events if e.name == "condition_buy")
    assert trigger.operation_id == armed.operation_id and trigger.operation == "condition_buy"
    assert trigger.at and trigger["stock_code"] == "600000"


def test_every_event_names_its_operation_and_numbers_are_numbers(server: LoopbackServer) -> None:
    """Fills came with `operation_id: null`, `name` meaning the stock there and the operation
    elsewhere, and the price as a string where order_query gives a number."""
    with Client(server.url) as client:
        client.sim.set_quote("600000", 10.5, 10.4, name="浦发银行")
        order = client.buy("600000", 10.5, 100)
        client.condition_buy("600000", 10.0, 100)
        client.sim.set_quote("600000", 10.0)  # triggers: the condition's order fills at 10.00
        events = take(client.events(last_event_id=0), 9)
    assert {e.v for e in events} == {2}
    for e in events:
        if e.type == "operation":
            assert e.operation == e.name and e.operation_id
    own, triggered = [e for e in events if e.type == "fill"]
    assert own.operation_id == order.operation_id and own.operation == "buy"
    assert own.stock_name == "浦发银行" and own["price"] == 10.5 and own["amount"] == 1050
    assert isinstance(own["price"], float) and isinstance(own["quantity"], int)
    armed = next(e for e in events if e.operation == "condition_buy")
    assert triggered.operation_id == armed.operation_id and triggered.operation == "condition_buy"
    assert triggered["price"] == 10.0


def test_a_client_that_reconnects_with_last_event_id_gets_exactly_what_it_missed(server: LoopbackServer) -> None:
    with Client(server.url) as client:
        client.sim.set_quote("600000", 10.5)
        client.buy("600000", 10.5, 100)
        first = take(client.events(last_event_id=0), 3)  # then the stream is dropped
        last = first[-1].id
        client.funds()
        client.holdings()
        missed = take(client.events(last_event_id=last), 7)  # buy's success, then 3 + 3 of the queries
        assert [e.id for e in missed] == list(range(last + 1, last + 8))
        assert [(e.name, e.status) for e in missed if e.status in ("success", "queued")] == [
            ("buy", "success"), ("funds_query", "queued"), ("funds_query", "success"),
            ("holding_query", "queued"), ("holding_query", "success"),
        ]  # fmt: skip
        every = take(client.events(last_event_id=0), 10)
        assert [e.id for e in every[: len(first)]] == [e.id for e in first]

        with httpx.stream("GET", f"{server.url}/api/v1/events", headers={"Last-Event-ID": str(last)}) as r:
            assert r.headers["content-type"].startswith("text/event-stream")
            data = [json.loads(line[6:]) for line in _lines(r, 3, "data: ")]
        assert [d["id"] for d in data] == [e.id for e in missed[:3]]


def test_a_live_stream_sends_new_events_and_heartbeats(server: LoopbackServer) -> None:
    with Client(server.url) as client, httpx.stream("GET", f"{server.url}/api/v1/events") as r:
        threading.Timer(0.3, client.funds).start()
        lines = _lines(r, 3, "data: ", keep_comments=True)
    assert any(line.startswith(": ping") for line in lines)
    statuses = [json.loads(line[6:])["status"] for line in lines if line.startswith("data: ")]
    assert statuses[:3] == ["queued", "running", "success"]


def test_the_events_survive_a_restart_and_ids_keep_increasing(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    with LoopbackServer(create_app(settings)) as srv, Client(srv.url) as client:
        client.funds()
        before = take(client.events(last_event_id=0), 3)
    with LoopbackServer(create_app(settings)) as srv, Client(srv.url) as client:
        client.funds()
        after = take(client.events(last_event_id=0), 6)
    assert [e.id for e in after[:3]] == [e.id for e in before]
    assert after[3].id > before[-1].id


def test_a_bad_last_event_id_is_422_and_the_stream_needs_the_key(tmp_path: Path) -> None:
    app = create_app(make_settings(tmp_path, api={"key": "k" * 32}))
    with LoopbackServer(app) as srv:
        assert httpx.get(f"{srv.url}/api/v1/events").status_code == 401
        auth = {"Authorization": "Bearer " + "k" * 32}
        r = httpx.get(f"{srv.url}/api/v1/events", headers={**auth, "Last-Event-ID": "abc"})
        assert r.status_code == 422 and r.json()["details"][0]["field"] == "Last-Event-ID"


def _lines(response: httpx.Response, n: int, prefix: str, *, keep_comments: bool = False) -> list[str]:
    """Read until n lines starting with `prefix` (and, with keep_comments, return comments too)."""
    got: list[str] = []
    count = 0
    for line in response.iter_lines():
        if line.startswith(prefix):
            got.append(line)
            count += 1
        elif keep_comments and line.startswith(":"):
            got.append(line)
        if count == n:
            return got
    raise AssertionError(f"stream ended after {got}")


def test_events_kept_in_the_journal_by_an_earlier_version_move_to_events_db_with_their_ids(tmp_path: Path) -> None:
    """Before events had their own file they were a table of journal.db; after the upgrade a
    client's Last-Event-ID must still name the same event, and new ids continue after the old."""
    import sqlite3

    from easyths.engine.events import SCHEMA

    settings = make_settings(tmp_path)
    settings.home.mkdir(parents=True, exist_ok=True)
    journal = settings.home / "journal.db"
    old = sqlite3.connect(journal)
    old.executescript(SCHEMA)
    for n in range(1, 4):
        data = json.dumps({"type": "fill", "operation_id": None, "at": "2026-11-27T10:00:00+08:00", "n": n})
        old.execute("INSERT INTO events (at, type, operation_id, data) VALUES ('x', 'fill', NULL, ?)", (data,))
    old.commit()
    old.close()
    with LoopbackServer(create_app(settings)) as srv, Client(srv.url) as client:
        client.funds()
        got = take(client.events(last_event_id=1), 5)
    assert [e.id for e in got[:2]] == [2, 3] and [getattr(e, "n", None) for e in got[:2]] == [2, 3]
    assert got[2].id == 4 and got[2].type == "operation"
    left = sqlite3.connect(journal).execute("SELECT name FROM sqlite_master WHERE name='events'").fetchall()
    assert left == []  # moved, not copied: the journal no longer carries them


def test_a_replay_that_cannot_be_complete_says_so_first(tmp_path: Path) -> None:
    """Trimmed events are announced by a `gap` (with the id of the last one missing), and an id
    beyond anything stored by a `reset`, instead of a replay that silently starts later or a
    stream that waits for ids that will never come."""
    import sqlite3

    settings = make_settings(tmp_path)
    with LoopbackServer(create_app(settings)) as srv, Client(srv.url) as client:
        client.funds()
        client.funds()
        first = take(client.events(last_event_id=0), 6)
        db = sqlite3.connect(settings.home / "events.db")
        db.execute("DELETE FROM events WHERE id <= ?", (first[3].id,))  # as [events].keep trims
        db.commit()
        db.close()
        got = take(client.events(last_event_id=first[0].id), 3)
        assert got[0].type == "gap" and got[0].id == first[3].id
        gap = got[0].model_extra or {}
        assert (gap["missed_from"], gap["missed_to"]) == (first[1].id, first[3].id)
        assert "已超出保留范围" in gap["message"]
        assert [e.id for e in got[1:]] == [first[4].id, first[5].id]
        assert take(client.events(last_event_id=first[3].id), 2)[0].id == first[4].id  # no second gap

        stream = client.events(last_event_id=10_000)
        reset = take(stream, 1)[0]
        assert reset.type == "reset" and reset.id == first[5].id
        assert "超出已保存的范围" in (reset.model_extra or {})["message"]
        client.funds()
        assert [e.status for e in take(stream, 3)] == ["queued", "running", "success"]
