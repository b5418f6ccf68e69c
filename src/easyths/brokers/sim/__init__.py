"""The simulated A-share broker: paper trading under the exchange's rules, persisted in SQLite."""

from easyths.brokers.sim.broker import SimBroker
from easyths.brokers.sim.clock import VirtualClock, WallClock
from easyths.brokers.sim.quotes import LiveQuotes, ManualQuotes, Quote, RandomWalkQuotes, ReplayQuotes

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
