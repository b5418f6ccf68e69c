"""A THS driver on the emulator, backed by its own sim broker at a known session."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from easyths.brokers.base import Broker
from easyths.brokers.sim import SimBroker, VirtualClock
from easyths.brokers.ths import ThsBroker
from easyths.brokers.ths.emulator import Faults, ThsEmulator
from easyths.settings import BrokerSection, SimSection

WEDNESDAY = datetime(2026, 11, 25, 10, 0)  # an ordinary continuous-trading morning
ACCOUNTS = ["主账户", "信用账户"]


def D(text: str | int | float) -> Decimal:
    return Decimal(str(text))


def open_sim(path: Path, start: datetime = WEDNESDAY) -> SimBroker:
    return SimBroker(path, SimSection(accounts=ACCOUNTS), clock=VirtualClock(start))


def recogniser(image: bytes) -> str:
    """Reads the emulator's captcha image (b"CAPTCHA:<code>"): a stand-in for an OCR model."""
    return image.decode().removeprefix("CAPTCHA:")


@dataclass
class Harness:
    """`broker` is what the test drives; `sim` is the exchange behind it (the same object for
    the sim backend); `emu` is the emulated client for the ths backend."""

    broker: Broker
    sim: SimBroker
    emu: ThsEmulator | None = None
    # can it cancel one of several open orders of a code? The client filters by code only and
    # tells them apart only in its 撤单确认 dialog (`docs/ths-facts.md#cancel`)
    tells_orders_apart: bool = True

    def quote(self, code: str, price: str | float, prev_close: str | float | None = None, **kw: Any) -> None:
        self.sim.set_quote(code, D(price), D(prev_close if prev_close is not None else price), **kw)

    def orders_in_sim(self) -> int:
        return len(self.sim.today_orders())


def ths_harness(
    path: Path,
    *,
    faults: Faults | None = None,
    recording: dict[str, Any] | None = None,
    config: dict[str, Any] | None = None,
    **emu_kw: Any,
) -> Harness:
    sim = open_sim(path)
    emu = ThsEmulator(sim, faults=faults, recording=recording, **emu_kw)
    # [broker].popups states what the emulated client's settings are, as a user states theirs
    config = {"popups": "on" if emu_kw.get("popups") else "off", **(config or {})}
    settings = BrokerSection(backend="ths", step_timeout=2.0, **config)
    broker = ThsBroker(emu, settings, recogniser=recogniser)
    return Harness(broker, sim, emu, tells_orders_apart=bool(emu_kw.get("popups")))


def sim_harness(path: Path) -> Harness:
    sim = open_sim(path)
    return Harness(sim, sim)
