"""`--backend emulator`: the real THS driver against the emulated client, inside the service.

Why ship this: users can watch what the driver does (every dialog, every fault) before they point
it at real money, and anyone can reproduce a bug report with `[emulator].faults`. The emulated
client trades through the sim broker kept in `EASYTHS_HOME`, so the `/api/v1/sim/...` controls
(quotes, clock, reset) work as under `--backend sim`. Time is the wall clock here.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from easyths.brokers.sim import SimBroker
from easyths.brokers.ths.broker import ThsBroker
from easyths.brokers.ths.emulator.client import ThsEmulator
from easyths.brokers.ths.emulator.faults import Faults

if TYPE_CHECKING:
    from easyths.brokers.abilities import EventSink
    from easyths.settings import Settings

log = logging.getLogger("easyths.emulator")


def read_emulated_captcha(image: bytes) -> str:
    """The emulator draws its captcha as bytes `CAPTCHA:<code>`: the stand-in for an OCR model."""
    return image.decode(errors="replace").removeprefix("CAPTCHA:")


class EmulatedThsBroker(ThsBroker):
    """A `ThsBroker` whose seam is a `ThsEmulator` over the sim in `EASYTHS_HOME`."""

    backend = "emulator"

    def __init__(self, settings: Settings) -> None:
        section = settings.emulator
        self.sim = SimBroker.from_settings(settings)
        faults = Faults(
            latency=section.latency_ms / 1000,
            rates=dict(section.faults),
            seed=section.seed,
            restart_after=section.restart_after,
        )
        self.emulator = ThsEmulator(
            self.sim, window_title=settings.broker.window_title, faults=faults, popups=section.popups, realtime=True
        )
        broker_config = settings.broker.model_copy(update={"popups": "on" if section.popups else "off"})
        recogniser = None if settings.broker.captcha_recogniser else read_emulated_captcha
        super().__init__(self.emulator, broker_config, app_path="(模拟客户端)", recogniser=recogniser)
        if section.faults:
            log.warning("模拟客户端故障注入已开启: %s", section.faults)
        self.startup_check()

    def add_event_sink(self, fn: EventSink) -> None:
        """Fills and condition triggers happen in the sim behind the emulated client."""
        self.sim.add_event_sink(fn)

    def close(self) -> None:
        super().close()
        self.sim.close()


__all__ = ["EmulatedThsBroker", "read_emulated_captcha"]
