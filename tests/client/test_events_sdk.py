"""The SDK's event iterator: parsing, and reconnecting from the last id when the stream drops."""

from __future__ import annotations

import json

import httpx
import pytest

from easyths import ApiError, Client
from easyths.client.events import SSEParser


def frame(event_id: int, status: str) -> str:
    body = {"id": event_id, "type": "operation", "operation_id": "op", "name": "buy", "status": status, "at": "t"}
    return f"id: {event_id}\ndata: {json.dumps(body)}\n\n"


def test_a_dropped_stream_is_reopened_after_the_last_id_seen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("easyths.client.events.RECONNECT_DELAY", 0)
    asked: list[str | None] = []

    def handler(request: httpx.Request) -> httpx.Response:
        asked.append(request.headers.get("Last-Event-ID"))
        if len(asked) == 1:  # the first stream ends after two events (a proxy dropped it)
            body = "retry: 2000\n\n" + frame(1, "queued") + ": ping\n\n" + frame(2, "running")
        else:
            body = frame(3, "success")
        return httpx.Response(200, text=body, headers={"content-type": "text/event-stream"})

    with Client("http://127.0.0.1", transport=httpx.MockTransport(handler)) as client:
        events = client.events()
        got = [next(events) for _ in range(3)]
    assert [(e.id, e.status) for e in got] == [(1, "queued"), (2, "running"), (3, "success")]
    assert asked == [None, "2"]


def test_an_error_answer_is_raised_with_its_envelope() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(401, json={"success": False, "message": "API Key 无效", "error_code": "UNAUTHORIZED"})

    with (
        Client("http://127.0.0.1", transport=httpx.MockTransport(handler)) as client,
        pytest.raises(ApiError) as err,
    ):
        next(client.events())
    assert err.value.error_code == "UNAUTHORIZED" and err.value.http_status == 401


def test_the_parser_joins_data_lines_and_ignores_comments() -> None:
    parser = SSEParser()
    lines = ["id: 7", 'data: {"type": "fill",', 'data: "stock_code": "600000"}', ": ping", ""]
    events = [e for e in map(parser.feed, lines) if e is not None]
    assert [(e.id, e.type, e["stock_code"]) for e in events] == [(7, "fill", "600000")]
