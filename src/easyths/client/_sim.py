"""The sim broker's control surface of the SDK (`client.sim`): quotes, the virtual clock, reset, state."""

from __future__ import annotations

from typing import Any

from easyths.client import _plan as p
from easyths.client import models as m
from easyths.client._base import (
    Number,
    num,
)
from easyths.client._bridge import endpoint


class SimApi:
    """The sim broker's control surface (`client.sim`): quotes, clock, reset, state."""

    def _call(self, method: str, path: str, body: Any = None) -> p.Plan[Any]:
        return p.data(p.Request(method, path, json=body))

    @endpoint
    def set_quote(
        self,
        stock_code: str,
        price: Number,
        prev_close: Number | None = None,
        *,
        name: str | None = None,
        bid: Number | None = None,
        ask: Number | None = None,
        volume: int | None = None,
    ) -> p.Plan[m.Quote]:
        """Set a quote; resting orders and condition orders of that code react at once."""
        body = {"price": num(price), "name": name, "volume": volume}
        body |= {k: num(v) for k, v in {"prev_close": prev_close, "bid": bid, "ask": ask}.items() if v is not None}
        data = yield from self._call("PUT", f"/api/v1/sim/quotes/{stock_code}", p.jsonable(body))
        return m.Quote.model_validate(data)

    @endpoint
    def advance(self, days: int | None = None, *, to: str | None = None) -> p.Plan[m.SimState]:
        """Move the virtual clock `days` trading days (to 09:30) or `to` an ISO time."""
        body = p.jsonable({"days": days, "to": to})
        return m.SimState.model_validate((yield from self._call("POST", "/api/v1/sim/clock/advance", body)))

    @endpoint
    def reset(self, cash: Number | None = None) -> p.Plan[m.SimState]:
        """Empty the paper account, with `cash` (default: [sim].initial_cash)."""
        body = p.jsonable({"cash": num(cash)}) if cash is not None else None
        return m.SimState.model_validate((yield from self._call("POST", "/api/v1/sim/reset", body)))

    @endpoint
    def state(self) -> p.Plan[m.SimState]:
        return m.SimState.model_validate((yield from self._call("GET", "/api/v1/sim/state")))


__all__ = ["SimApi"]
