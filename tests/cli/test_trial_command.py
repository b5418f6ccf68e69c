"""`easyths trial --backend emulator` from the command line: it asks before anything is sent,
refuses the sim, and writes one report that names every step."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from easyths.brokers.sim import SimBroker
from easyths.cli.main import app
from easyths.settings import load_settings


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("EASYTHS_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.chdir(tmp_path)  # no config.toml here: the defaults (virtual clock at a session open)
    sim = SimBroker.from_settings(load_settings(None))
    sim.set_quote("600000", Decimal("10.00"), Decimal("10.00"), name="浦发银行")
    sim.close()
    return tmp_path / "home"


def _orders(home: Path) -> list[dict]:
    sim = SimBroker.from_settings(load_settings(None))
    try:
        return sim.today_orders()
    finally:
        sim.close()


def test_a_trial_on_the_emulated_client_writes_its_report(home: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    args = ["trial", "--backend", "emulator", "--code", "600000", "--price", "9.00", "--yes", "-o", str(out)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, (result.output, result.exception)
    assert "全部步骤通过" in result.output and "冻结约 900.00 元" in result.output
    report = json.loads(out.read_text(encoding="utf-8"))
    assert report["trial"]["verdict"] == "passed"
    assert report["menu"]["buy"] == ["买入[F1]"]  # the doctor recording is in the same file
    assert [o["备注"] for o in _orders(home)] == ["已撤"]


def test_without_a_yes_nothing_is_sent(home: Path) -> None:
    result = CliRunner().invoke(
        app, ["trial", "--backend", "emulator", "--code", "600000", "--price", "9.00"], input="no\n"
    )
    assert result.exit_code == 2 and "没有发出任何委托" in result.output
    assert _orders(home) == []


def test_the_sim_backend_is_refused(home: Path) -> None:
    result = CliRunner().invoke(app, ["trial", "--backend", "sim", "--code", "600000", "--price", "9.00", "--yes"])
    assert result.exit_code == 2 and "同花顺客户端" in result.output
