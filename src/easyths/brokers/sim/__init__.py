"""The simulated A-share broker: paper trading under the exchange's rules, persisted in SQLite."""

from easyths.brokers.sim.broker import SimBroker
from easyths.brokers.sim.quotes import Quote
from easyths.brokers.sim.sources import LiveQuotes, ManualQuotes, RandomWalkQuotes, ReplayQuotes
from easyths.domain.clock import VirtualClock, WallClock

__all__ = [
    "LiveQuotes",
    "ManualQuotes",
    "Quote",
    "RandomWalkQuotes",
    "ReplayQuotes",
    "SimBroker",
    "VirtualClock",
    "WallClock",
]
