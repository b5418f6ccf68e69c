"""Build the configured broker. Imports are lazy so the sim never loads pywinauto and vice versa."""

from __future__ import annotations

from easyths.brokers.base import Broker
from easyths.settings import Settings


def create_broker(settings: Settings) -> Broker:
    if settings.broker.backend == "ths":
        from easyths.brokers.ths import ThsBroker

        return ThsBroker.from_settings(settings)
    if settings.broker.backend == "emulator":  # the THS driver on an emulated client over the sim
        from easyths.brokers.ths.emulator.backend import EmulatedThsBroker

        return EmulatedThsBroker(settings)
    from easyths.brokers.sim import SimBroker

    return SimBroker.from_settings(settings)
