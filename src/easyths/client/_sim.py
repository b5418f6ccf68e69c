"""The sim broker's control surface of the SDK (`client.sim`): quotes, the virtual clock, reset, state."""

from __future__ import annotations

from typing import Any

from easyths.client import _plan as p
from easyths.client import models as m
from easyths.client._base import Number, as_given, num, sent
from easyths.client._bridge import endpoint
from easyths.params.sim import AdvanceBody, QuoteBody, ResetBody


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
        quote = QuoteBody.model_construct(
            price=num(price),
            prev_close=None if prev_close is None else num(prev_close),
            name=name,
            bid=None if bid is None else num(bid),
            ask=None if ask is None else num(ask),
            volume=volume,
        )
        data = yield from self._call("PUT", f"/api/v1/sim/quotes/{stock_code}", p.jsonable(sent(quote)))
        return m.Quote.model_validate(data)

    @endpoint
    def advance(self, days: int | None = None, *, to: str | None = None) -> p.Plan[m.SimState]:
        """Move the virtual clock `days` trading days (to 09:30) or `to` an ISO time."""
        body = p.jsonable(sent(AdvanceBody.model_construct(days=days, to=as_given(to))))
        return m.SimState.model_validate((yield from self._call("POST", "/api/v1/sim/clock/advance", body)))

    @endpoint
    def reset(self, cash: Number | None = None) -> p.Plan[m.SimState]:
        """Empty the paper account, with `cash` (default: [sim].initial_cash)."""
        body = p.jsonable(sent(ResetBody.model_construct(cash=num(cash)))) if cash is not None else None
        return m.SimState.model_validate((yield from self._call("POST", "/api/v1/sim/reset", body)))

    @endpoint
    def state(self) -> p.Plan[m.SimState]:
        return m.SimState.model_validate((yield from self._call("GET", "/api/v1/sim/state")))


__all__ = ["SimApi"]
