"""The docs site as `easyths docs` serves it (the README's way to read it): search works, the
build prints no theme notice, and the copy button does not sit on a command's text."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.web.conftest import ARTIFACTS

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`easyths docs` in a subprocess, as a user runs it; its first line names the address."""
    out = tmp_path_factory.mktemp("site")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("EASYTHS_", "NO_MKDOCS")) and k != "API_KEY"}
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "easyths"), "docs", "--port", "0", "--dir", str(out)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        line = proc.stdout.readline() if proc.stdout else ""
        match = re.search(r"http://127\.0\.0\.1:\d+/", line)
        assert match, (line, proc.stderr.read() if proc.poll() is not None and proc.stderr else "")
        yield match.group(0)
    finally:
        proc.terminate()
        _, stderr = proc.communicate(timeout=20)
    assert "end of life" not in stderr and "Zensical" not in stderr, stderr


@pytest.fixture
def disk_page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        yield page
    finally:
        context.close()


def test_search_works(served: str, disk_page: Any) -> None:
    """Opened from disk the search box was gone: its index is fetched, which file:// refuses."""
    disk_page.goto(served)
    disk_page.click("input.md-search__input")
    disk_page.fill("input.md-search__input", "逆回购")
    disk_page.wait_for_selector(".md-search-result__item")
    assert "逆回购" in (disk_page.locator(".md-search-result__item").first.text_content() or "")


def test_the_copy_button_does_not_cover_the_first_line(served: str, disk_page: Any) -> None:
    disk_page.goto(served + "quickstart.html")
    block = disk_page.locator("pre:has(.md-code__nav)").first
    block.wait_for()
    button = block.locator(".md-code__nav").bounding_box()
    code = block.locator("code").first
    first_line_top = code.evaluate(
        "c => { const r = document.createRange(); r.setStart(c.firstChild || c, 0); r.setEnd(c.firstChild || c, 1);"
        " return r.getBoundingClientRect().top; }"
    )
    ARTIFACTS.mkdir(exist_ok=True)
    disk_page.screenshot(path=str(ARTIFACTS / "docs-code-block.png"))
    assert button is not None and first_line_top >= button["y"] + button["height"] - 1
