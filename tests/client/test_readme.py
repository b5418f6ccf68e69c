"""The README's SDK example runs as printed, against the real service on loopback."""

from __future__ import annotations

import contextlib
import functools
import io
import re
from pathlib import Path

import pytest

import easyths.client
from easyths import Client
from tests.client.conftest import LoopbackServer

README = Path(__file__).resolve().parents[2] / "README.md"
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def test_the_readme_sdk_example_prints_what_its_comments_say(
    loopback: LoopbackServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Python SDK") :]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)  # type: ignore[union-attr]
    monkeypatch.setattr(easyths.client, "Client", functools.partial(Client, loopback.url))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "README.md", "exec"), {"__name__": "readme"})
    lines = out.getvalue().splitlines()
    assert lines[0] == "合同编号 100000001"
    assert lines[1].startswith("可用金额 ")
    assert lines[2] == "600000 100 0"
    assert lines[3].startswith("BROKER_REJECTED 可用余额不足：600000可用0股")
    assert lines[4] == "100000002"
