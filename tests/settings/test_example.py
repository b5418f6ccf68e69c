"""The example config.toml is written from the schema, so it cannot drift from it."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from easyths.docgen.config import walk_settings
from easyths.settings import EXAMPLE_CONFIG, example_config, load_settings

ROOT = Path(__file__).resolve().parents[2]
# A key written commented out: `# key = value` (descriptions never start with a bare key and " = ").
COMMENTED = re.compile(r'^# ((?:[A-Za-z0-9_-]+|"[^"]+") = .*)$')
REGENERATE = (
    '.venv/bin/python -c "from pathlib import Path; from easyths.settings import example_config; '
    "Path('config.example.toml').write_text(example_config(), encoding='utf-8', newline='\\n')\""
)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_committed_example_is_the_generated_one() -> None:
    committed = (ROOT / "config.example.toml").read_text(encoding="utf-8")
    assert committed == example_config(), f"config.example.toml 已过期，请在仓库根目录运行: {REGENERATE}"
    assert committed == EXAMPLE_CONFIG  # what `easyths --get_config` writes


def test_loading_the_example_gives_exactly_the_defaults(tmp_path: Path) -> None:
    loaded = load_settings(write(tmp_path, EXAMPLE_CONFIG))
    assert loaded.model_dump() == load_settings(None).model_dump()


def test_every_commented_out_example_is_a_valid_value(tmp_path: Path) -> None:
    lines = [m.group(1) if (m := COMMENTED.match(line)) else line for line in EXAMPLE_CONFIG.splitlines()]
    uncommented = "\n".join(lines) + "\n"
    assert uncommented != EXAMPLE_CONFIG
    settings = load_settings(write(tmp_path, uncommented))
    assert settings.broker.menu["funds"] == ["查询[F4]", "资金股份"]
    assert settings.risk.max_order_value == 500000


def test_every_setting_is_in_the_example_but_the_legacy_keys() -> None:
    keys: set[str] = set()
    section = ""
    for line in EXAMPLE_CONFIG.splitlines():
        if header := re.match(r"^\[(.+)\]$", line):
            section = header.group(1)
        elif assignment := re.match(r"^(?:# )?([A-Za-z0-9_-]+) = ", line):
            keys.add(f"{section}.{assignment.group(1)}")
    tomllib.loads(EXAMPLE_CONFIG)  # and it is TOML
    legacy = {
        "app.version",
        "app.onnx_model_dir",
        "app.save_error_captcha_image",
        "queue.priority_levels",
        "queue.batch_size",
        "api.ip_whitelist",
        "api.mcp_server_type",
    }
    assert keys == {doc.dotted for doc in walk_settings()} - legacy
