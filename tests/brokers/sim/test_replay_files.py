"""Replay CSVs as Excel saves them on Chinese Windows: GBK ("CSV (逗号分隔)"), UTF-8 with a BOM
("CSV UTF-8"), times re-written as `2026/11/25 10:00`, codes stripped of their leading zeros."""

from __future__ import annotations

import codecs
import os
import subprocess
from datetime import datetime
from pathlib import Path

import pytest

from easyths.brokers.sim import ReplayQuotes, SimBroker, VirtualClock
from easyths.cli.startup import EXIT_BACKEND
from easyths.errors import ConfigError
from easyths.settings import SimSection
from tests.brokers.sim.support import D
from tests.e2e.conftest import EASYTHS, free_port

WED = datetime(2026, 11, 25, 9, 30)
ROWS = "time,code,price,prev_close,name\n2026-11-25T10:00:00,600000,10.10,10.00,浦发银行\n"
EXCEL_ROWS = "time,code,price,prev_close,name\n2026/11/25 10:00,1,12.00,12.00,平安银行\n"


def saved(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "day.csv"
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    "data",
    [ROWS.encode("gbk"), codecs.BOM_UTF8 + ROWS.encode("utf-8"), ROWS.encode("utf-8")],
    ids=["gbk", "utf8-bom", "utf8"],
)
def test_a_replay_file_in_any_encoding_excel_saves_replays_with_its_names_intact(tmp_path: Path, data: bytes) -> None:
    replay = ReplayQuotes(saved(tmp_path, data))
    batch = replay.next_batch()
    assert batch is not None
    when, quotes = batch
    assert when.strftime("%Y-%m-%d %H:%M") == "2026-11-25 10:00"
    assert [(q.code, q.price, q.name) for q in quotes] == [("600000", D("10.10"), "浦发银行")]


def test_excel_rewritten_times_and_codes_are_read_as_meant(tmp_path: Path) -> None:
    sim = SimBroker(
        tmp_path / "sim.db",
        SimSection(quotes="replay", replay_file=saved(tmp_path, EXCEL_ROWS.encode("gbk"))),
        clock=VirtualClock(WED),
    )
    assert sim.tick() == 1
    assert sim.clock.now().strftime("%H:%M") == "10:00"
    assert sim.state()["quotes"][0]["stock_code"] == "000001"
    sim.close()


def test_a_row_that_cannot_be_read_is_named_by_its_line(tmp_path: Path) -> None:
    path = saved(tmp_path, (ROWS + "明天十点,600000,10.20,10.00,浦发银行\n").encode("gbk"))
    with pytest.raises(ConfigError) as info:
        ReplayQuotes(path)
    assert "第 3 行" in info.value.message and str(path) in info.value.message


def test_the_service_started_on_a_gbk_replay_file_explains_instead_of_a_traceback(tmp_path: Path) -> None:
    """Before: UnicodeDecodeError from quotes.py, a traceback and exit 1. Now GBK is read; bytes
    in no encoding we know stop start-up with a Chinese message naming the file."""
    path = saved(tmp_path, b"time,code,price\n2026-11-25T10:00:00,600000,\xff\xfe\x80\n")
    env = {
        **os.environ,
        "EASYTHS_HOME": str(tmp_path / "home"),
        "EASYTHS_SIM__QUOTES": "replay",
        "EASYTHS_SIM__REPLAY_FILE": str(path),
    }
    env.pop("API_KEY", None)
    done = subprocess.run(
        [EASYTHS, "--port", str(free_port())], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60
    )
    assert done.returncode == EXIT_BACKEND, done.stderr
    assert "Traceback" not in done.stderr and "行情回放文件" in done.stderr and "UTF-8" in done.stderr
