"""What every part of the sim needs: the store, the settings, the fee schedule and the clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from easyths.brokers.sim.clock import Clock
from easyths.brokers.sim.store import Store
from easyths.domain import calendar
from easyths.domain.rules import FeeSchedule, Phase, session_phase
from easyths.settings import SimSection


@dataclass(slots=True)
class SimContext:
    store: Store
    settings: SimSection
    clock: Clock

    @property
    def fees(self) -> FeeSchedule:
        f = self.settings.fees
        return FeeSchedule(f.commission_rate, f.min_commission, f.stamp_duty_rate, f.transfer_fee_rate)

    def now(self) -> datetime:
        return self.clock.now()

    def today(self) -> date:
        return self.now().date()

    def phase(self) -> Phase:
        now = self.now()
        return session_phase(now.time(), calendar.is_session(now.date()))


__all__ = ["SimContext"]
