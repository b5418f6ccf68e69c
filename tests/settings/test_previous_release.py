"""A config.toml written by the previous release keeps loading, with the variants users make of it.

`previous_release_config.toml` is what `easyths --get_config` wrote at commit a86a5f6, before the
settings became a package with load-time checks: the checks exist to refuse values that were
silently wrong, so every value that file spells, and the edits users make to it, must still load."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from easyths.settings import load_settings

PREVIOUS = (Path(__file__).parent / "previous_release_config.toml").read_text(encoding="utf-8")


def edited(tmp_path: Path, *edits: tuple[str, str, str]) -> Path:
    """The previous release's file with `key = value` replaced (or added) in `[section]`."""
    text = PREVIOUS
    for section, key, value in edits:
        head = text.index(f"\n[{section}]\n") + len(section) + 4
        body_end = text.find("\n[", head)
        body = text[head:body_end]
        line = re.compile(rf"^{re.escape(key)} = .*$", re.M)
        body = line.sub(f"{key} = {value}", body, count=1) if line.search(body) else f"{key} = {value}\n{body}"
        text = text[:head] + body + text[body_end:]
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_previous_releases_example_config_loads_as_the_defaults(tmp_path: Path) -> None:
    assert load_settings(edited(tmp_path)).model_dump() == load_settings(None).model_dump()


@pytest.mark.parametrize(
    "edits",
    [
        [("api", "key", '""')],
        [("api", "key", '"a-long-enough-api-key-1234"'), ("api", "host", '"0.0.0.0"')],
        [("api", "host", '"localhost"')],
        [("api", "host", '"::1"')],
        [("api", "cors_origins", '"http://localhost:3000, http://127.0.0.1:8080/"')],
        [("api", "key", '"a-long-enough-api-key-1234"'), ("api", "cors_origins", '"*"')],
        [("api", "allowed_ips", '["127.0.0.1", "192.168.1.0/24"]'), ("api", "rate_limit", "60")],
        [("sim", "quotes", '"random"'), ("sim", "clock", '"wall"')],
        [("sim", "start", '"2026-11-25T09:30:00"'), ("sim", "accounts", '["模拟账户", "模拟账户2"]')],
        [("sim", "t0_codes", '["511880"]'), ("sim", "cost_basis", '"average"'), ("sim", "cage", '"reject"')],
        [("risk", "trading_hours", '["09:15-11:30", "13:00-15:00"]'), ("risk", "max_order_value", "500000")],
        [("logging", "level", '"debug"'), ("mcp", "enabled", "true"), ("mcp", "url", '"http://127.0.0.1:7648"')],
    ],
)
def test_the_edits_users_make_to_it_still_load(tmp_path: Path, edits: list[tuple[str, str, str]]) -> None:
    load_settings(edited(tmp_path, *edits))
