"""What every part of the sim needs: the store, the ledger, the settings, the fees, the clock,
and the outbox of events for the sinks.

Why an outbox: events (fills, triggers, expiries) are produced inside a transaction; they reach
the sinks only after it commits, so a listener never hears of a fill that was rolled back.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from easyths.brokers.abilities import TriggerCheck
from easyths.brokers.sim.ledger import Ledger
from easyths.brokers.sim.store import Store
from easyths.domain import calendar, reference
from easyths.domain.clock import Clock
from easyths.domain.codes import Instrument
from easyths.domain.fees import FeeSchedule
from easyths.domain.prices import ipo_free_days, price_limits
from easyths.domain.reference import ReferenceData, trading_day_of_listing
from easyths.domain.sessions import Phase, session_phase
from easyths.settings import SimSection


@dataclass(slots=True)
class SimContext:
    store: Store
    settings: SimSection
    clock: Clock
    outbox: list[dict[str, Any]] = field(default_factory=list)
    _ledger: Ledger | None = None
    firing: str | None = None  # while a condition fires: the operation that armed it (its events name it)
    _at: datetime | None = None  # while a past instant (09:25, 15:00…) is processed, it is "now"
    reference_dir: Path | None = None  # `easyths refresh-data` output, over the shipped data
    trigger_check: TriggerCheck | None = None  # risk's check of the order a condition sends
    conditions_held: bool = False  # the service is paused: armed conditions wait (HoldsConditions)

    @property
    def fees(self) -> FeeSchedule:
        """The day's rates: a replayed 2023-03-01 pays that day's stamp duty (`docs/rules.md#fees`)."""
        f = self.settings.fees
        return FeeSchedule.on(self.today(), f.commission_rate, f.min_commission, f.stamp_duty_rate, f.transfer_fee_rate)

    @property
    def ledger(self) -> Ledger:
        if self._ledger is None:
            self._ledger = Ledger(self.store, lambda: self.fees)
        return self._ledger

    @property
    def reference(self) -> ReferenceData:
        return reference.load(self.reference_dir, shipped_fund_lists=self.settings.shipped_fund_lists)

    def name_of(self, code: str) -> str:
        return self.reference.name(code) or ""

    def t0_codes(self) -> frozenset[str]:
        return self.reference.t0 | frozenset(self.settings.t0_codes)

    def limits(self, inst: Instrument, prev_close: Decimal, name: str | None) -> tuple[Decimal, Decimal] | None:
        """Today's band: the 20% fund list and the first days after listing from the reference."""
        day = self.today()
        limit20 = inst.code in self.reference.limit20 or inst.code in self.settings.limit20_codes
        listed = self.ipo_listing_date(inst.code) or self.reference.listing_date(inst.code)
        nth = trading_day_of_listing(listed, day) if listed else None
        free = ipo_free_days(inst, self.settings.ipo_free_days, self.settings.bse_ipo_free_days)
        first_days = nth is not None and nth <= free
        return price_limits(inst, prev_close, day, name, limit20=limit20, first_days=first_days)

    def ipo_listing_date(self, code: str) -> date | None:
        """A new issue the sim listed itself (打新) has its first days without a limit too
        (`docs/rules.md#price-limits`): its listing day is the one its subscriptions carry."""
        row = self.store.one("SELECT listing_date FROM ipo_subs WHERE stock_code = ? LIMIT 1", code)
        return None if row is None else date.fromisoformat(row[0])

    def now(self) -> datetime:
        return self._at if self._at is not None else self.clock.now()

    @contextmanager
    def at(self, when: datetime) -> Iterator[None]:
        """Act as of `when`: a 09:25 match found late still trades at 09:25 under that phase."""
        self._at = when
        try:
            yield
        finally:
            self._at = None

    def today(self) -> date:
        return self.now().date()

    def phase(self) -> Phase:
        now = self.now()
        return session_phase(now.time(), calendar.is_session(now.date()))

    def emit(self, type_: str, **fields: Any) -> None:
        """Queue an event for the sinks; sent when the transaction commits."""
        self.outbox.append({"type": type_, "at": self.now().isoformat(timespec="seconds"), **fields})


__all__ = ["SimContext"]
