"""The THS client page's emulator example runs as printed: the real driver on the emulated client."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

PAGE = Path(__file__).resolve().parents[2] / "docs" / "ths-client.md"


def test_the_emulator_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
    text = PAGE.read_text(encoding="utf-8")
    section = text[text.index("### 在代码里使用") :]
    block = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert block, "同花顺客户端页缺少模拟客户端示例"
    monkeypatch.chdir(tmp_path)
    exec(compile(block.group(1), str(PAGE), "exec"), {})
    assert capsys.readouterr().out.split() == ["100000001", "100"]
