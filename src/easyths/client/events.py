"""Live events for the SDK: a server-sent-events reader, the same for the sync and async clients.

Why our own small parser instead of a dependency: the stream is ours (id, event, data lines and
comment heartbeats), and reconnecting from the last id is the part that matters; it fits here.
"""

from __future__ import annotations

import json
from typing import Any, NoReturn

import httpx

from easyths.client import _plan as p
from easyths.client._base import Config, reply_of
from easyths.client.models import Model
from easyths.errors import ServiceUnreachable

PATH = "/api/v1/events"
RECONNECT_DELAY = 0.5


class Event(Model):
    """One event: `type` (operation, fill, condition_triggered …), the operation's id, name and
    status where there is one, `at` (ISO time), and the event's own fields as extra attributes."""

    id: int
    type: str
    v: int | None = None  # the event shape's version (2 since `operation` and `stock_name`)
    operation_id: str | None = None
    operation: str | None = None  # the operation's name (buy …), on every event that has one
    stock_name: str | None = None  # on events about a stock (fills, triggers, expiries)
    name: str | None = None  # deprecated: the operation's name, or the stock's on broker events
    status: str | None = None
    at: str | None = None


class SSEParser:
    """Feeds lines, yields complete events (the WHATWG rules we need: id, data, comments)."""

    def __init__(self) -> None:
        self._id: str | None = None
        self._data: list[str] = []

    def feed(self, line: str) -> Event | None:
        if line == "":
            if not self._data:
                return None
            payload = json.loads("\n".join(self._data))
            self._data = []
            if self._id is not None:
                payload.setdefault("id", int(self._id))
            return Event.model_validate(payload)
        if line.startswith(":"):
            return None  # heartbeat
        name, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if name == "data":
            self._data.append(value)
        elif name == "id":
            self._id = value
        return None


class EventStream:
    """One `events()` iteration without I/O: what to ask for, how to read it, when to reopen.

    Why: the rules (resume after the last id seen, an error answer raised with its envelope, a
    dropped stream reopened or raised) are written once; `Client` and `AsyncClient` only open the
    stream, read its lines and sleep, blocking or awaited.
    """

    def __init__(self, last_event_id: int | None, *, reconnect: bool) -> None:
        self.last = last_event_id
        self.reconnect = reconnect
        self._opened = False
        self._parser = SSEParser()

    def pause(self) -> float | None:
        """Before each opening: seconds to wait first (none the first time), None to stop iterating."""
        if not self._opened:
            self._opened = True
            return 0.0
        return RECONNECT_DELAY if self.reconnect else None

    def request_args(self, cfg: Config) -> dict[str, Any]:
        """Keyword arguments of `httpx.(Async)Client.stream`: resume after the last event seen."""
        self._parser = SSEParser()  # a half-read event of a dropped stream is not continued
        headers = {**cfg.headers, "Accept": "text/event-stream"}
        if self.last is not None:
            headers["Last-Event-ID"] = str(self.last)
        return {"method": "GET", "url": PATH, "headers": headers, "timeout": cfg.timeout_arg(None, read=None)}

    def refused(self, response: httpx.Response) -> NoReturn:
        """An error answer instead of the stream (its body read): raised as `ApiError` with its envelope."""
        p.check(reply_of(response))
        raise AssertionError("an error status always raises")  # pragma: no cover

    def feed(self, line: str) -> Event | None:
        event = self._parser.feed(line.rstrip("\r"))
        if event is not None:
            self.last = event.id
        return event

    def dropped(self, exc: httpx.TransportError) -> None:
        """A broken stream: raised as `ServiceUnreachable` unless reconnecting."""
        if not self.reconnect:
            raise ServiceUnreachable(f"事件流已断开: {exc}") from exc


__all__ = ["Event", "EventStream", "SSEParser"]
