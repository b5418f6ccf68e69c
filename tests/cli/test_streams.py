"""Client commands with stdout redirected under a code page that has no Chinese (1252, an
English or European Windows), run as the real `easyths` process against a service on loopback."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from easyths.cli import streams
from tests.client.conftest import LoopbackServer

EASYTHS = str(Path(sys.executable).parent / "easyths")
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def easyths(*args: str, encoding: str) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONIOENCODING": encoding, "COLUMNS": "200"}
    env.pop("PYTHONUTF8", None)
    return subprocess.run([EASYTHS, *args], capture_output=True, env=env, timeout=60)


def test_a_table_redirected_under_cp1252_is_written_not_a_unicode_encode_error(loopback: LoopbackServer) -> None:
    done = easyths("funds", "--url", loopback.url, encoding="cp1252")
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    assert "可用金额" in done.stdout.decode("utf-8")


def test_json_redirected_under_cp1252_is_ascii_and_keeps_the_service_keys(loopback: LoopbackServer) -> None:
    """ASCII JSON: a PowerShell pipeline decodes it correctly under any console code page."""
    done = easyths("funds", "--url", loopback.url, "--json", encoding="cp1252")
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    assert done.stdout.isascii()
    assert json.loads(done.stdout)["总资产"] > 0


def test_on_chinese_windows_gbk_output_stays_gbk(loopback: LoopbackServer) -> None:
    """Code page 936 carries Chinese: nothing is changed, the console's own encoding is right."""
    done = easyths("funds", "--url", loopback.url, "--json", encoding="gbk")
    assert done.returncode == 0
    assert "总资产" in done.stdout.decode("gbk")


def test_an_error_under_cp1252_is_readable_on_stderr() -> None:
    done = easyths("funds", "--url", "http://127.0.0.1:9", encoding="cp1252")
    assert done.returncode == 1
    assert "SERVICE_UNREACHABLE" in done.stderr.decode("utf-8") and "无法连接" in done.stderr.decode("utf-8")


def test_prepare_leaves_streams_that_carry_chinese_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(streams, "_state", {"stdout_native": True})
    out = io.TextIOWrapper(io.BytesIO(), encoding="gb18030")
    err = io.TextIOWrapper(io.BytesIO(), encoding="ascii")
    streams.prepare(out, err)
    assert out.encoding == "gb18030" and err.encoding == "utf-8" and not streams.json_ascii()
