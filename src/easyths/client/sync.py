"""`Client`: the blocking SDK. Every method is defined once in `_api` and driven here by httpx.

from easyths import Client

with Client() as client:                      # http://127.0.0.1:7648, no key on loopback
    order = client.buy("600000", 10.5, 100)   # submits, waits for the verdict
    print(order.contract_no)                  # 合同编号
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import TypeVar

import httpx

from easyths.client import _plan as p
from easyths.client._api import Api, SimApi, SyncRunner
from easyths.client._base import DEFAULT_URL, Config, reply_of
from easyths.client.events import Event, EventStream

T = TypeVar("T")


class Client(Api, SyncRunner):
    """Blocking client of an EasyTHS service.

    `timeout` bounds one HTTP exchange; `operation_timeout` bounds the wait for an operation's
    verdict in the verb-noun methods (None: no limit). Pass `transport=` to run without a network:
    `AppTransport(app)` runs an EasyTHS app in this process, `httpx.MockTransport` fakes answers.
    A ready `http_client=` is still accepted; it is given plain numbers, never httpx objects, as
    it may be another library's client. Transport errors are retried `retries` times where it is
    safe: reads, and submits, which always carry an Idempotency-Key, so a retried buy returns the
    first buy, never a second.
    """

    def __init__(
        self,
        base_url: str = DEFAULT_URL,
        api_key: str | None = None,
        timeout: float | None = 10.0,
        *,
        operation_timeout: float | None = 300.0,
        retries: int = 2,
        transport: httpx.BaseTransport | None = None,
        http_client: httpx.Client | None = None,
    ) -> None:
        self._cfg = Config(base_url, api_key, timeout, operation_timeout, retries)
        self._owns = http_client is None
        self._cfg.foreign = not self._owns
        self._http = http_client or httpx.Client(**self._cfg.http_args(transport))
        self.sim = SimControls(self)

    def close(self) -> None:
        if self._owns:
            self._http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- the runner: the only blocking code -------------------------------------------------------

    def _drive(self, plan: p.Plan[T]) -> T:
        outcome: p.Outcome = None
        try:
            while True:
                step = p.advance(plan, outcome)
                if isinstance(step, p.Sleep):
                    time.sleep(step.seconds)
                    outcome = None
                    continue
                try:
                    outcome = reply_of(self._http.request(**self._cfg.request_args(step)))
                except httpx.TransportError as exc:
                    outcome = self._cfg.unreachable(exc)
        except StopIteration as stop:
            result: T = stop.value  # a Plan[T] returns a T (StopIteration.value is typed Any)
            return result

    def _stream(self, events: EventStream) -> Iterator[Event]:
        while (pause := events.pause()) is not None:
            time.sleep(pause)
            try:
                with self._http.stream(**events.request_args(self._cfg)) as response:
                    if response.is_error:
                        response.read()
                        events.refused(response)
                    for line in response.iter_lines():
                        if (event := events.feed(line)) is not None:
                            yield event
            except httpx.TransportError as exc:
                events.dropped(exc)


class SimControls(SimApi, SyncRunner):
    """The sim broker's control surface (`client.sim`): quotes, clock, reset, state."""

    def __init__(self, client: Client) -> None:
        self._client = client

    def _drive(self, plan: p.Plan[T]) -> T:
        return self._client._drive(plan)


__all__ = ["Client", "SimControls"]
