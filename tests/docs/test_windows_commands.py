"""The install and test commands, as typed on each platform: the README's Windows commands are the
ones the docs site shows, each line parses in Windows PowerShell 5.1 and in cmd, every install of
the project keeps the lock, and CI runs the README's own bash test command."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
WINDOWS_PAGE = (ROOT / "docs" / "windows.md").read_text(encoding="utf-8")


def section(text: str, heading: str) -> str:
    start = text.index(f"\n{heading}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else len(text)]


def blocks(text: str, lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", text, re.S)


README_WINDOWS = blocks(section(README, "## Windows"), "bat")
# Typed at a prompt; a block that starts with `@echo off` is the content of a .cmd file, run by cmd only.
TYPED = [b for b in [*README_WINDOWS, *blocks(WINDOWS_PAGE, "bat")] if not b.startswith("@echo off")]
TYPED_LINES = sorted({line for block in TYPED for line in block.splitlines() if line.strip()})

# What breaks as typed in PowerShell 5.1 or cmd, and why.
NOT_PORTABLE = [
    (re.compile(r"&&|\|\|"), "pipeline chains are a parse error in Windows PowerShell 5.1"),
    (re.compile(r"'"), "cmd passes single quotes through to the program"),
    (re.compile(r"\bpython3\b(?!\.\d)"), "python3 is the Microsoft Store stub on python.org installs"),
    (re.compile(r"(?<![\w.])curl(?!\.exe)\b"), "curl is Invoke-WebRequest in Windows PowerShell 5.1"),
    (re.compile(r"/bin/|\.venv/"), "a POSIX virtual environment path"),
    (re.compile(r"\s&\s*$"), "a POSIX background job"),
    (re.compile(r"\$|%\w+%|`"), "a shell variable or escape that only one of the two shells expands"),
]


def test_the_readme_windows_commands_are_the_ones_the_docs_site_shows() -> None:
    assert len(README_WINDOWS) >= 3
    shown = blocks(WINDOWS_PAGE, "bat")
    for block in README_WINDOWS:
        assert block in shown, f"README's Windows block is not on docs/windows.md:\n{block}"


def test_the_windows_page_is_in_the_site_navigation() -> None:
    assert "windows.md" in (ROOT / "mkdocs.yml").read_text(encoding="utf-8")


@pytest.mark.parametrize("line", TYPED_LINES)
def test_each_windows_line_works_as_typed_in_powershell_and_cmd(line: str) -> None:
    for pattern, why in NOT_PORTABLE:
        assert not pattern.search(line), f"{line!r}: {why}"


def test_the_windows_install_and_test_commands_are_complete() -> None:
    lines = "\n".join(README_WINDOWS)
    assert "py -3.12 -m venv .venv" in lines
    assert '.venv\\Scripts\\python -m pip install -c requirements.lock -e ".[test]"' in lines
    assert ".venv\\Scripts\\python -m pytest" in lines


def test_every_install_of_the_project_keeps_the_lock() -> None:
    """Except the deliberate run against the newest releases (--upgrade, EASYTHS_UNLOCKED)."""
    pages = {"README.md": README, **{p.name: p.read_text(encoding="utf-8") for p in (ROOT / "docs").glob("*.md")}}
    for name, text in pages.items():
        commands = [line for lang in ("bash", "bat") for block in blocks(text, lang) for line in block.splitlines()]
        for line in commands:
            if re.search(r"pip install\b.*\s-e\s", line) and "--upgrade" not in line:
                assert "-c requirements.lock" in line, f"{name}: {line.strip()}"


def test_ci_runs_the_readme_bash_test_command() -> None:
    bash = blocks(section(README, "## 两条命令"), "bash")
    test_command = next(b.strip() for b in bash if "pytest" in b)
    assert test_command in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_the_windows_workflow_installs_and_tests_as_the_readme_says() -> None:
    workflow = (ROOT / ".github" / "workflows" / "windows.yml").read_text(encoding="utf-8")
    test_block = next(b for b in README_WINDOWS if "pytest" in b)
    for line in test_block.splitlines():
        assert f"run: {line}" in workflow, line
