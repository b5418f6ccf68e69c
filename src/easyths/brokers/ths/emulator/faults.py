"""The faults the emulated client can inject, each with a probability (`[emulator].faults`).

The fault names are a setting's vocabulary, so they live with the settings
(`easyths.settings.faults`), which validate `[emulator].faults` at load without importing the
emulator; they are re-exported here for the emulator and its tests.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Literal

from easyths.settings.faults import FAULT_NAMES

DiePoint = Literal["on_navigate", "on_submit", "after_accept"]


@dataclass(slots=True)
class Faults:
    """What can go wrong, switched on per test. All times are virtual seconds.

    - `latency`: every dialog appears this long after the click that caused it (slow client);
    - `never`: a dialog that never comes: "confirm" (the click is swallowed, nothing is sent) or
      "result" (the order is sent, the 提示 with 合同编号 never shows);
    - `popup`: a stray notice (title, text) that pops up when the next order is submitted;
    - `captcha`: grid copy asks for a captcha; `export_disabled`: Ctrl+S export does not work;
    - `die`: the window vanishes at that point of the next order; `auto_restart`: the next
      attach finds a freshly started client (as after a watchdog restart).
    """

    latency: float = 0.0
    never: Literal["confirm", "result"] | None = None
    popup: tuple[str, str] | None = None
    captcha: bool = False
    export_disabled: bool = False
    die: DiePoint | None = None
    auto_restart: bool = False
    rates: dict[str, float] = field(default_factory=dict)  # FAULT_NAMES -> probability 0..1
    seed: int = 7
    restart_after: float = 3.0  # a dead client comes back after this long (as a user restarts it)
    lock_seconds: float = 3.0  # how long a locked desktop stays locked
    refresh_delay: float = 1.5  # slow_refresh: how long a new order row stays invisible
    captcha_delay: float = 0.3  # copy_captcha_late: how long after the copy the captcha shows
    rng: random.Random = field(init=False, repr=False)

    def __post_init__(self) -> None:
        unknown = set(self.rates) - set(FAULT_NAMES)
        if unknown:
            raise ValueError(f"未知的故障名称: {sorted(unknown)}；可用: {sorted(FAULT_NAMES)}")
        self.rng = random.Random(self.seed)

    def fire(self, name: str) -> bool:
        """Does fault `name` strike now? Deterministic for a given seed."""
        rate = self.rates.get(name, 0.0)
        return rate >= 1.0 or (rate > 0.0 and self.rng.random() < rate)


__all__ = ["FAULT_NAMES", "DiePoint", "Faults"]
