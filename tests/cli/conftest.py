"""The CLI's client commands run against the real app on loopback (the fixtures of tests/client,
whose SDK they use): `cli` invokes a command with `--url` pointing there and checks its exit code."""

from __future__ import annotations

from typing import Any

import pytest
from typer.testing import CliRunner

from easyths import Client
from easyths.cli.main import app
from tests.client.conftest import LoopbackServer, loopback, sim_app

__all__ = ["loopback", "sim_app"]  # fixtures shared with tests/client


@pytest.fixture
def cli(loopback: LoopbackServer, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("COLUMNS", "200")
    runner = CliRunner()

    def invoke(*args: str, code: int = 0) -> Any:
        result = runner.invoke(app, [*args, "--url", loopback.url])
        assert result.exit_code == code, (result.output, result.exception)
        return result

    with Client(loopback.url) as client:
        client.sim.set_quote("600000", 10.5, 10.4, name="浦发银行")
        invoke.client = client  # type: ignore[attr-defined]
        yield invoke
