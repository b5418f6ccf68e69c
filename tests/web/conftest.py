"""A live service (uvicorn in a thread, free loopback port) and Debian's headless chromium.

Why a real server and a real browser: the dashboard is JavaScript talking to the HTTP API, and
what it must prove (data shows, an order appears without a reload, the key prompt) only happens
in a browser. Chromium is Debian's package, never a downloaded build; .ci/run installs it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.live import LiveServer

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).parent / "artifacts"
_missing: list[str] = []

__all__ = ["ARTIFACTS", "LiveServer"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Module-scoped: Playwright's sync API keeps an asyncio loop running in this thread while it is
    open, which would break any later test that starts its own loop (anyio.run, asyncio tests)."""
    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} 不存在：浏览器测试无法运行（apt-get install -y chromium）"
        if os.environ.get("CI") and sys.platform != "win32":  # Windows CI has no Debian chromium: skipped there
            pytest.fail(message + "；CI 中必须安装 chromium", pytrace=False)
        _missing.append(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    # bypass_csp: Playwright's wait_for_function evaluates strings, which the page's CSP forbids;
    # test_the_page_runs_under_its_own_content_security_policy loads it with the CSP in force.
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN", bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        yield page
    finally:
        context.close()
    assert not errors, f"页面脚本错误: {errors}"


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _missing:
        terminalreporter.write_line("!" * 80, red=True, bold=True)
        terminalreporter.write_line(f"浏览器测试被跳过: {_missing[0]}", red=True, bold=True)
        terminalreporter.write_line("!" * 80, red=True, bold=True)
