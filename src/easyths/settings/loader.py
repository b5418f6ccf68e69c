"""Loading the settings once, at start-up: find the file, validate everything, word errors in Chinese.

Why validate everything here: a malformed value (a window like "9:30-25:00", a port of "x", a
misspelt key) must stop start-up naming the key, not load and fail at the first order that
reads it. Nothing is cached: the caller keeps the `Settings` it gets and passes it down.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from easyths.errors import ConfigError
from easyths.paths import data_home
from easyths.settings.model import Settings
from easyths.validation_text import chinese_message


def default_config_path() -> Path | None:
    """`./config.toml`, else `$EASYTHS_HOME/config.toml`, else none."""
    home = data_home(None, os.environ.get("EASYTHS_HOME"))
    for candidate in (Path.cwd() / "config.toml", home / "config.toml"):
        if candidate.is_file():
            return candidate
    return None


def load_settings(config_file: Path | None = None, **overrides: Any) -> Settings:
    """Build settings or raise `ConfigError` naming the offending key.

    `overrides` are nested dicts per section (CLI flags), applied above every other source.
    """
    path = config_file if config_file is not None else default_config_path()
    if path is not None and not path.is_file():
        raise ConfigError(f"配置文件不存在: {path}")
    given = {k: v for k, v in overrides.items() if v not in (None, {}, [])}
    if path is not None:
        given["config_file"] = path
    try:
        return Settings(**given)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in err['loc'])}: {chinese_message(err)}" for err in exc.errors())
        where = f"（配置文件 {path}）" if path else ""
        raise ConfigError(f"配置无效{where}: {problems}") from exc


__all__ = ["default_config_path", "load_settings"]
