"""The loader: file, environment, legacy keys, and errors that name the key (settings/loader.py, model.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from easyths.errors import ConfigError
from easyths.settings import EXAMPLE_CONFIG, load_settings

ORIGINAL_EXAMPLE = """
[app]
name = "同花顺交易自动化"
version = "1.0.0"

[trading]
app_path = "C:/同花顺远航版/transaction/xiadan.exe"

[queue]
max_size = 1000
priority_levels = 5
batch_size = 10

[api]
host = "127.0.0.1"
port = 7648
rate_limit = 10
cors_origins = "*"
key = ""
ip_whitelist = "127.0.0.1"

[logging]
level = "INFO"
file = "logs/trading.log"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults(tmp_path: Path) -> None:
    s = load_settings(None)
    assert (s.api.host, s.api.port, s.broker.backend, s.sim.quotes) == ("127.0.0.1", 7648, "sim", "manual")
    assert s.api_key is None
    assert s.home == tmp_path / "home"  # EASYTHS_HOME from the fixture


def test_original_projects_config_still_loads(tmp_path: Path) -> None:
    s = load_settings(write(tmp_path, ORIGINAL_EXAMPLE))
    assert s.exe_path == "C:/同花顺远航版/transaction/xiadan.exe"
    assert s.api_key is None  # empty key = none


def test_generated_example_is_valid(tmp_path: Path) -> None:
    s = load_settings(write(tmp_path, EXAMPLE_CONFIG))
    assert s.sim.fees.min_commission == 5


def test_environment_overrides_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, '[api]\nkey = "file-key"\n[sim]\nquotes = "manual"\n')
    monkeypatch.setenv("API_KEY", "env-key")
    monkeypatch.setenv("EASYTHS_SIM__QUOTES", "random")
    monkeypatch.setenv("EASYTHS_QUEUE__OPERATION_TIMEOUT", "12.5")
    s = load_settings(path)
    assert s.api_key == "env-key"
    assert s.sim.quotes == "random"
    assert s.queue.operation_timeout == 12.5


def test_config_toml_in_current_folder_is_found(tmp_path: Path) -> None:
    write(tmp_path, "[api]\nport = 9000\n")
    assert load_settings(None).api.port == 9000


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("[queue]\nmax_size = 0\n", "queue.max_size"),
        ("[api]\nport = 'x'\n", "api.port"),
        ("[sim]\nquotes = 'yahoo'\n", "sim.quotes"),
        ("[api]\nkye = 'typo'\n", "api.kye"),
        ("[nonsense]\na = 1\n", "nonsense"),
    ],
)
def test_invalid_values_name_the_key(tmp_path: Path, text: str, named: str) -> None:
    with pytest.raises(ConfigError) as exc:
        load_settings(write(tmp_path, text))
    assert named in exc.value.message


def test_invalid_toml_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="TOML"):
        load_settings(write(tmp_path, "[api\nport=1"))
    with pytest.raises(ConfigError, match="不存在"):
        load_settings(tmp_path / "nope.toml")


def test_the_access_log_is_off_by_default_and_when_on_is_written_by_a_background_thread() -> None:
    import io
    import logging
    import threading

    from easyths.logs import queue_access_log
    from easyths.settings import load_settings

    assert load_settings(None).api.access_log is False
    logger = logging.getLogger("uvicorn.access")
    out = io.StringIO()
    writers: list[str] = []

    class Recording(logging.StreamHandler):  # type: ignore[type-arg]
        def emit(self, record: logging.LogRecord) -> None:
            writers.append(threading.current_thread().name)
            super().emit(record)

    original = list(logger.handlers)
    logger.handlers = [Recording(out)]
    logger.setLevel(logging.INFO)
    try:
        listener = queue_access_log()
        logger.info('127.0.0.1 - "GET /api/v1/system/health HTTP/1.1" 200')
        listener.stop()
    finally:
        logger.handlers = original
    assert "/api/v1/system/health" in out.getvalue()
    assert writers and writers[0] != threading.current_thread().name


def test_invalid_values_are_explained_in_chinese(tmp_path: Path) -> None:
    """The reason after the key was pydantic's English ("Input should be a valid integer ...")."""
    with pytest.raises(ConfigError) as exc:
        load_settings(write(tmp_path, "[api]\nport = 'x'\n"))
    assert "api.port: 必须是整数" in exc.value.message and "Input should" not in exc.value.message
    with pytest.raises(ConfigError) as exc:
        load_settings(write(tmp_path, "[api]\nkye = 'typo'\n"))
    assert "api.kye: 不支持的参数" in exc.value.message


@pytest.mark.parametrize(
    "key", ["密钥密钥密钥密钥密钥密钥密钥密钥", "ｆｕｌｌｗｉｄｔｈｋｅｙ１２３４５６", "has a space in it ok"]
)
def test_a_key_no_header_can_carry_is_refused_at_load_without_echoing_it(tmp_path: Path, key: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(write(tmp_path, f'[api]\nkey = "{key}"\n'))
    assert "ASCII" in caught.value.message and key not in caught.value.message


def test_trusted_proxies_must_be_addresses(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="trusted_proxies"):
        load_settings(write(tmp_path, '[api]\ntrusted_proxies = ["proxy.lan"]\n'))
    assert load_settings(write(tmp_path, '[api]\ntrusted_proxies = ["10.0.0.0/8"]\n')).api.trusted_networks()


def test_broker_popups_is_stated_by_the_user_and_the_old_auto_loads_as_off(tmp_path: Path) -> None:
    """`auto` meant "read the client's settings", which the driver cannot do on a real client."""
    assert load_settings(None).broker.popups == "off"
    assert load_settings(write(tmp_path, '[broker]\npopups = "auto"\n')).broker.popups == "off"
    assert load_settings(write(tmp_path, '[broker]\npopups = "on"\n')).broker.popups == "on"


def test_a_malformed_after_hours_window_is_refused_at_load_naming_it() -> None:
    # It used to load and fail only when an after-hours order was entered, leaving that order unknown.
    with pytest.raises(ConfigError, match="9:30-25:00"):
        load_settings(None, sim={"after_hours_windows": ["9:30-25:00"]})
    with pytest.raises(ConfigError, match="15:30-13:00"):
        load_settings(None, sim={"after_hours_windows": ["15:30-13:00"]})
    assert load_settings(None, sim={"after_hours_windows": ["09:30-11:30"]}).sim.after_hours_windows == ["09:30-11:30"]
