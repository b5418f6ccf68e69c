"""The quick start's SDK example runs as printed, against the real app on the sim."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

import easyths
from easyths.client import AppTransport, Client
from easyths.docgen.operations import sim_app

QUICKSTART = Path(__file__).resolve().parents[2] / "docs" / "quickstart.md"


def _sdk_block() -> str:
    text = QUICKSTART.read_text(encoding="utf-8")
    section = text[text.index("## 用 Python SDK") :]
    match = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert match, "快速开始缺少 SDK 示例"
    return match.group(1)


def test_the_quickstart_sdk_example_runs_on_the_sim(monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
    with sim_app() as app, AppTransport(app) as transport:
        monkeypatch.setattr(easyths, "Client", lambda *a, **kw: Client(*a, transport=transport, **kw))
        exec(compile(_sdk_block(), str(QUICKSTART), "exec"), {})
    out = capsys.readouterr().out
    assert "600000 100 0" in out  # bought today: held 100, sellable 0 (T+1)
    assert "券商拒绝" in out
