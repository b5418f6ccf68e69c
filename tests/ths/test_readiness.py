"""The readiness table and health's `unverified` list come from one source (`readiness.py`), and
the table names real operations, real facts anchors and real emulator tests."""

from __future__ import annotations

import json
import re
from io import StringIO
from pathlib import Path

from rich.console import Console

from easyths.brokers.ths.readiness import OPERATIONS, STEPS, Level, level_of, unverified
from easyths.cli.doctor import run_doctor
from easyths.docgen.hook import readiness_markdown
from easyths.operations.registry import Registry
from easyths.settings import BrokerSection
from tests.ths.support import ths_harness

ROOT = Path(__file__).resolve().parents[2]


def _table_rows(markdown: str, columns: int) -> list[list[str]]:
    rows = [[c.strip() for c in line.strip("|").split("|")] for line in markdown.splitlines() if line.startswith("|")]
    return [r for r in rows if len(r) == columns and not set(r[0]) <= {"-"}][1:]


def test_health_doctor_and_the_docs_table_list_the_same_unverified_steps(tmp_path: Path) -> None:
    h = ths_harness(tmp_path / "sim.db")
    health = h.broker.health().extra["unverified"]
    assert h.emu is not None
    output = tmp_path / "doctor.json"
    run_doctor(h.emu, BrokerSection(), output, console=Console(file=StringIO()))
    doctor = json.loads(output.read_text(encoding="utf-8"))["unverified"]
    steps = _table_rows(readiness_markdown(), 5)
    short_of_public = [re.sub(r"（\[事实\].*$", "", r[0]) for r in steps if r[2] != Level.PUBLIC.value]
    assert health == doctor == short_of_public == list(unverified())
    assert any("逆回购" in s for s in health) and any("条件单" in s for s in health)


def test_every_operation_row_states_its_weakest_step() -> None:
    rows = {r[0].strip("`"): r[1] for r in _table_rows(readiness_markdown(), 4)}
    assert list(rows) == list(OPERATIONS)
    for op, level in rows.items():
        assert level == level_of(op).value
    assert rows["order_cancel"] == Level.PARTIAL.value  # selecting one row of the 撤单 grid


def test_the_table_names_real_operations_facts_and_tests() -> None:
    assert set(OPERATIONS) <= set(Registry(plugins=False).names())
    facts = (ROOT / "docs" / "ths-facts.md").read_text(encoding="utf-8")
    for step in STEPS:
        assert f"{{#{step.facts}}}" in facts, step.facts
        assert step.level is Level.PUBLIC or step.step in unverified()
        assert step.level is not Level.PUBLIC or step.sources, "public code is named"
        for test in step.emulator:
            assert (ROOT / test).is_file(), test
    assert "<!-- easyths:ths-readiness -->" in (ROOT / "docs" / "first-run.md").read_text(encoding="utf-8")
