"""Every SDK method, written once for `Client` and `AsyncClient` (see `_bridge`), by resource:
`_operations` (any operation, the queue, the service), `_orders`, `_queries`, `_ipo`, `_sim`; here
they are put together, with the live event stream.
"""

from __future__ import annotations

from easyths.client._bridge import AsyncRunner, SyncRunner, endpoint, stream
from easyths.client._ipo import IpoApi
from easyths.client._orders import OrdersApi
from easyths.client._queries import QueriesApi
from easyths.client._sim import SimApi
from easyths.client.events import EventStream


class Api(OrdersApi, QueriesApi, IpoApi):
    """The methods of `Client` and `AsyncClient`, each a plan (see `_bridge`)."""

    @stream
    def events(self, last_event_id: int | None = None, *, reconnect: bool = True) -> EventStream:
        """Iterate over live events (GET /api/v1/events); resumes after `last_event_id`.

        `for event in client.events()` on `Client`, `async for` on `AsyncClient`. With `reconnect`,
        a dropped stream is reopened from the last id seen, so no event is lost or repeated. Break
        out of the loop to stop.
        """
        return EventStream(last_event_id, reconnect=reconnect)


__all__ = ["Api", "AsyncRunner", "SimApi", "SyncRunner", "endpoint", "stream"]
