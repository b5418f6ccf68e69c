"""The THS backend's Windows start-up checks in health and the doctor's problems, with Windows'
answers (elevation, pointer size) stood in for: the decisions are ours, the facts are Windows'."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from easyths import winenv
from easyths.cli.doctor import run_doctor
from easyths.settings import BrokerSection
from tests.ths.support import Harness, ths_harness


@pytest.fixture
def on_windows(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    facts: dict[str, Any] = {"service_elevated": False, "bits": 64}
    monkeypatch.setattr(winenv, "ON_WINDOWS", True)
    monkeypatch.setattr(winenv, "process_elevated", lambda pid=None: facts["service_elevated"])
    monkeypatch.setattr(winenv, "python_bits", lambda: facts["bits"])
    return facts


def client_elevated(h: Harness, monkeypatch: pytest.MonkeyPatch, elevated: bool | None) -> None:
    assert h.emu is not None
    state = h.emu.window_state
    monkeypatch.setattr(h.emu, "window_state", lambda: {**state(), "elevated": elevated})


def test_a_client_run_as_administrator_under_a_plain_service_is_reported_in_health(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, on_windows: dict[str, Any]
) -> None:
    h = ths_harness(tmp_path / "sim.db")
    client_elevated(h, monkeypatch, True)
    h.broker.startup_check()  # type: ignore[attr-defined]
    problems = h.broker.health().problems
    assert any("管理员" in p and "丢弃" in p for p in problems), problems


def test_the_same_elevation_is_no_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, on_windows: dict[str, Any]
) -> None:
    on_windows["service_elevated"] = True
    h = ths_harness(tmp_path / "sim.db")
    client_elevated(h, monkeypatch, True)
    assert h.broker.startup_check() == []  # type: ignore[attr-defined]


def test_32_bit_python_is_reported(tmp_path: Path, on_windows: dict[str, Any]) -> None:
    on_windows["bits"] = 32
    h = ths_harness(tmp_path / "sim.db")
    assert any("64 位" in p for p in h.broker.startup_check())  # type: ignore[attr-defined]


def test_off_windows_nothing_is_checked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(winenv, "python_bits", lambda: 32)
    h = ths_harness(tmp_path / "sim.db")
    assert h.broker.startup_check() == []  # type: ignore[attr-defined]


def test_the_doctor_reports_a_reserved_port_beside_the_client_checks(tmp_path: Path) -> None:
    h = ths_harness(tmp_path / "sim.db")
    assert h.emu is not None
    out = StringIO()
    reserved = winenv.port_problem(7648, winenv.parse_excluded_ranges("  7601  7700\n"))
    assert reserved is not None
    code = run_doctor(
        h.emu, BrokerSection(), tmp_path / "doc.json", console=Console(file=out, width=200), extra=[reserved]
    )
    assert code == 1 and "7601–7700" in out.getvalue()
    assert json.loads((tmp_path / "doc.json").read_text("utf-8"))["problems"] == [reserved]
