"""The settings: one `Settings` model (config.toml + environment), validated whole at start-up.

The package's parts, one job each:
- `base`, `service`, `api`, `broker`, `sim`, `risk`: the schema, one module per group of
  sections; every key carries its Chinese `Field(description=...)`;
- `model`: the root `Settings` and its sources (constructor > `API_KEY` > `EASYTHS_*` > file >
  defaults);
- `loader`: `load_settings`, which finds the file and turns a validation error into a Chinese
  `ConfigError` naming the key;
- `example`: the example config.toml written from the schema (`easyths --get_config`,
  `config.example.toml`).

Unknown keys are errors, so a typo in a config file stops start-up with the key named instead of
being silently ignored; the keys of the original project's `config_example.toml` are accepted so
existing files keep loading. There is no settings singleton: whoever loads the settings passes
them on (the app keeps them in its state, `api/deps.py`).
"""

from __future__ import annotations

from easyths.settings.api import ApiSection
from easyths.settings.base import Section
from easyths.settings.broker import BrokerSection, EmulatorSection
from easyths.settings.example import EXAMPLE_CONFIG, example_config
from easyths.settings.loader import default_config_path, load_settings
from easyths.settings.model import Settings
from easyths.settings.risk import RiskSection
from easyths.settings.service import (
    AppSection,
    EventsSection,
    LoggingSection,
    McpSection,
    QueueSection,
    TradingSection,
    WebSection,
)
from easyths.settings.sim import SimFees, SimSection

__all__ = [
    "EXAMPLE_CONFIG",
    "ApiSection",
    "AppSection",
    "BrokerSection",
    "EmulatorSection",
    "EventsSection",
    "LoggingSection",
    "McpSection",
    "QueueSection",
    "RiskSection",
    "Section",
    "Settings",
    "SimFees",
    "SimSection",
    "TradingSection",
    "WebSection",
    "default_config_path",
    "example_config",
    "load_settings",
]
