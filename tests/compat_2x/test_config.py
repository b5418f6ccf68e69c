"""A 2.x user's config.toml (the published 2.0.7 config_example.toml) starts the service, and one
added line switches the contract."""

from __future__ import annotations

from pathlib import Path

import pytest

from easyths.settings import load_settings
from tests.compat_2x.published import wheel_member


@pytest.fixture
def example(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Path:
    dest = tmp_path_factory.getbasetemp() / "easyths-2.0.7-wheel"
    path = tmp_path / "config.toml"
    path.write_bytes(wheel_member(dest, "easyths/assets/config_example.toml"))
    return path


def test_the_published_2x_example_config_loads(example: Path) -> None:
    settings = load_settings(example)
    assert settings.api.contract == "v1"
    assert settings.logging.file == "logs/easyths.log"  # 2.x writes "" for the default place
    assert settings.api.port == 7648


def test_one_added_line_switches_the_contract(example: Path) -> None:
    text = example.read_text(encoding="utf-8").replace("[api]\n", '[api]\ncontract = "v2"\n', 1)
    example.write_text(text, encoding="utf-8")
    assert load_settings(example).api.contract == "v2"


def test_2x_ip_whitelist_wildcards_become_networks(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[api]\nip_whitelist = "127.0.0.1,192.168.1.*,10.*"\n', encoding="utf-8")
    nets = [str(n) for n in load_settings(path).api.allowed_networks()]
    assert nets == ["127.0.0.1/32", "192.168.1.0/24", "10.0.0.0/8"]
