"""`AsyncClient`: the asyncio SDK, the methods of `Client` (defined once in `_api`) driven with awaits.

from easyths import AsyncClient

async with AsyncClient() as client:
    order = await client.buy("600000", 10.5, 100)
    async for event in client.events():
        ...
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import TypeVar

import httpx

from easyths.client import _plan as p
from easyths.client._api import Api, AsyncRunner, SimApi
from easyths.client._base import DEFAULT_URL, Config, reply_of
from easyths.client.events import Event, EventStream

T = TypeVar("T")


class AsyncClient(Api, AsyncRunner):
    """Asyncio client of an EasyTHS service (same behaviour as `Client`).

    `timeout` bounds one HTTP exchange; `operation_timeout` bounds the wait for an operation's
    verdict in the verb-noun methods (None: no limit). Pass `transport=` (e.g.
    `httpx.ASGITransport(app)`) or a ready `http_client=` to run without
    a network. Transport errors are retried `retries` times where it is safe: reads, and submits,
    which always carry an Idempotency-Key, so a retried buy returns the first buy, never a second.
    """

    def __init__(
        self,
        base_url: str = DEFAULT_URL,
        api_key: str | None = None,
        timeout: float | None = 10.0,
        *,
        operation_timeout: float | None = 300.0,
        retries: int = 2,
        transport: httpx.AsyncBaseTransport | None = None,
        http_client: httpx.AsyncClient | None = None,
    ) -> None:
        self._cfg = Config(base_url, api_key, timeout, operation_timeout, retries)
        self._owns = http_client is None
        self._cfg.foreign = not self._owns
        self._http = http_client or httpx.AsyncClient(**self._cfg.http_args(transport))
        self.sim = AsyncSimControls(self)

    async def aclose(self) -> None:
        if self._owns:
            await self._http.aclose()

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # --- the runner: the only awaiting code -------------------------------------------------------

    async def _drive(self, plan: p.Plan[T]) -> T:
        outcome: p.Outcome = None
        try:
            while True:
                step = p.advance(plan, outcome)
                if isinstance(step, p.Sleep):
                    await asyncio.sleep(step.seconds)
                    outcome = None
                    continue
                try:
                    outcome = reply_of(await self._http.request(**self._cfg.request_args(step)))
                except httpx.TransportError as exc:
                    outcome = self._cfg.unreachable(exc)
        except StopIteration as stop:
            result: T = stop.value  # a Plan[T] returns a T (StopIteration.value is typed Any)
            return result

    async def _stream(self, events: EventStream) -> AsyncIterator[Event]:
        while (pause := events.pause()) is not None:
            await asyncio.sleep(pause)
            try:
                async with self._http.stream(**events.request_args(self._cfg)) as response:
                    if response.is_error:
                        await response.aread()
                        events.refused(response)
                    async for line in response.aiter_lines():
                        if (event := events.feed(line)) is not None:
                            yield event
            except httpx.TransportError as exc:
                events.dropped(exc)


class AsyncSimControls(SimApi, AsyncRunner):
    """The sim broker's control surface (`client.sim`): quotes, clock, reset, state."""

    def __init__(self, client: AsyncClient) -> None:
        self._client = client

    async def _drive(self, plan: p.Plan[T]) -> T:
        return await self._client._drive(plan)


__all__ = ["AsyncClient", "AsyncSimControls"]
