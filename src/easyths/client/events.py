"""Live events for the SDK: a server-sent-events reader over httpx, sync and async.

Why our own small parser instead of a dependency: the stream is ours (id, event, data lines and
comment heartbeats), and reconnecting from the last id is the part that matters; it fits here.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import TYPE_CHECKING, Any

import httpx

from easyths.client import _plan as p
from easyths.client.models import Model
from easyths.errors import ServiceUnreachable

if TYPE_CHECKING:
    from easyths.client.aio import AsyncClient
    from easyths.client.sync import Client

PATH = "/api/v1/events"
RECONNECT_DELAY = 0.5


class Event(Model):
    """One event: `type` (operation, fill, condition_triggered …), the operation's id, name and
    status where there is one, `at` (ISO time), and the event's own fields as extra attributes."""

    id: int
    type: str
    operation_id: str | None = None
    name: str | None = None
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


def _parse(lines: Iterable[str]) -> Iterator[Event]:
    parser = SSEParser()
    for line in lines:
        event = parser.feed(line.rstrip("\r"))
        if event is not None:
            yield event


def _headers(client_headers: dict[str, str], last: int | None) -> dict[str, str]:
    headers = {**client_headers, "Accept": "text/event-stream"}
    if last is not None:
        headers["Last-Event-ID"] = str(last)
    return headers


def iter_events(client: Client, last_event_id: int | None, *, reconnect: bool) -> Iterator[Event]:
    last = last_event_id
    cfg = client._cfg
    while True:
        try:
            with client._http.stream(
                "GET", PATH, headers=_headers(cfg.headers, last), timeout=httpx.Timeout(cfg.timeout, read=None)
            ) as response:
                if response.status_code >= 400:
                    response.read()
                    p.check(p.Reply(response.status_code, _json(response)))
                for event in _parse(response.iter_lines()):
                    last = event.id
                    yield event
        except httpx.TransportError as exc:
            if not reconnect:
                raise ServiceUnreachable(f"事件流已断开: {exc}") from exc
        if not reconnect:
            return
        time.sleep(RECONNECT_DELAY)


async def aiter_events(client: AsyncClient, last_event_id: int | None, *, reconnect: bool) -> AsyncIterator[Event]:
    last = last_event_id
    cfg = client._cfg
    while True:
        try:
            async with client._http.stream(
                "GET", PATH, headers=_headers(cfg.headers, last), timeout=httpx.Timeout(cfg.timeout, read=None)
            ) as response:
                if response.status_code >= 400:
                    await response.aread()
                    p.check(p.Reply(response.status_code, _json(response)))
                parser = SSEParser()
                async for line in response.aiter_lines():
                    event = parser.feed(line.rstrip("\r"))
                    if event is not None:
                        last = event.id
                        yield event
        except httpx.TransportError as exc:
            if not reconnect:
                raise ServiceUnreachable(f"事件流已断开: {exc}") from exc
        if not reconnect:
            return
        await asyncio.sleep(RECONNECT_DELAY)


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


__all__ = ["Event", "SSEParser", "aiter_events", "iter_events"]
