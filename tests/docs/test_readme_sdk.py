"""The README's SDK example, run as printed on a sim that has already been used and reset (as it
is after the README's own curl walk-through): what its comments claim must still be true."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

import easyths
from easyths.client import AppTransport, Client
from easyths.docgen.operations import sim_app

README = Path(__file__).resolve().parents[2] / "README.md"


def _sdk_block() -> str:
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Python SDK") :]
    match = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert match, "README 缺少 SDK 示例"
    return match.group(1)


def test_the_readme_sdk_example_after_the_walk_through_and_a_reset(
    monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    with sim_app() as app, AppTransport(app) as transport:
        with Client(transport=transport) as used:  # the walk-through's two orders, then 重新开始
            used.sim.set_quote("600000", 10.50, prev_close=10.40)
            assert [used.buy("600000", 10.50, 100).contract_no for _ in range(2)] == ["100000001", "100000002"]
            used.sim.reset(cash=100_000)
        monkeypatch.setattr(easyths, "Client", lambda *a, **kw: Client(*a, transport=transport, **kw))
        exec(compile(_sdk_block(), str(README), "exec"), {})
    out = capsys.readouterr().out
    first = re.search(r"合同编号 (\d+)", out)
    assert first and int(first.group(1)) == 100000003  # never reused after the reset
    assert out.split()[-1] == "100000004"  # the next one, as the comment says
    assert "600000 100 0" in out and "BROKER_REJECTED" in out
    assert "100000001" not in out and "100000002" not in out
