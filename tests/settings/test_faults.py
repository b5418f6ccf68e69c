"""[emulator].faults is checked at load against the emulator's fault names, read from the settings."""

from __future__ import annotations

import pytest

from easyths.brokers.ths.emulator.faults import FAULT_NAMES, Faults
from easyths.errors import ConfigError
from easyths.settings import load_settings
from easyths.settings.faults import FAULT_NAMES as SETTINGS_FAULT_NAMES


def test_a_misspelt_fault_stops_the_load_naming_it_and_the_key() -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(None, emulator={"faults": {"lost_clik": 1.0}})
    assert "emulator.faults" in caught.value.message and "lost_clik" in caught.value.message


def test_a_probability_outside_0_to_1_is_refused() -> None:
    with pytest.raises(ConfigError, match="0 到 1"):
        load_settings(None, emulator={"faults": {"lost_click": 2.0}})


def test_the_emulator_and_the_settings_know_the_same_faults() -> None:
    assert FAULT_NAMES is SETTINGS_FAULT_NAMES
    rates = dict.fromkeys(FAULT_NAMES, 0.5)
    assert load_settings(None, emulator={"faults": rates}).emulator.faults == rates
    assert Faults(rates=rates).rates == rates
