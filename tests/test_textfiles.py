"""config.toml as Windows saves it: Notepad's ANSI (GBK), UTF-8 with a BOM, PowerShell's UTF-16."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from easyths.errors import ConfigError
from easyths.settings import load_settings
from easyths.textfiles import decode_user_text

CONFIG = '[app]\nname = "我的交易服务"\n\n[trading]\napp_path = "D:/同花顺软件/同花顺/xiadan.exe"\n'


def saved(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "config.toml"
    path.write_bytes(data)
    return path


def test_a_config_saved_by_notepad_as_ansi_gbk_loads_with_its_chinese_intact(tmp_path: Path) -> None:
    settings = load_settings(saved(tmp_path, CONFIG.encode("gbk")))
    assert settings.app.name == "我的交易服务"
    assert settings.exe_path == "D:/同花顺软件/同花顺/xiadan.exe"


def test_a_config_saved_as_utf8_with_a_bom_loads(tmp_path: Path) -> None:
    settings = load_settings(saved(tmp_path, codecs.BOM_UTF8 + CONFIG.encode("utf-8")))
    assert settings.app.name == "我的交易服务"


def test_a_config_written_by_powershell_redirection_as_utf16_loads(tmp_path: Path) -> None:
    settings = load_settings(saved(tmp_path, codecs.BOM_UTF16_LE + CONFIG.encode("utf-16-le")))
    assert settings.exe_path == "D:/同花顺软件/同花顺/xiadan.exe"


def test_bytes_in_no_known_encoding_stop_with_a_chinese_message_naming_the_line(tmp_path: Path) -> None:
    path = saved(tmp_path, b'[app]\nname = "\xff\xfe\x80"\n')
    with pytest.raises(ConfigError) as info:
        load_settings(path)
    assert "第 2 行" in info.value.message and "UTF-8" in info.value.message and str(path) in info.value.message


def test_a_bom_that_lies_about_the_encoding_is_a_clear_error() -> None:
    with pytest.raises(ConfigError, match="标明为 UTF-8"):
        decode_user_text(codecs.BOM_UTF8 + b"\xff\xff", "x.toml", "配置文件")


def test_utf8_is_preferred_to_gbk_when_both_could_decode() -> None:
    assert decode_user_text("价格".encode(), "x.csv", "行情文件") == "价格"


def test_invalid_toml_in_a_gbk_file_is_still_named_as_invalid_toml(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="不是合法的 TOML"):
        load_settings(saved(tmp_path, '[app\nname = "中文"\n'.encode("gbk")))
