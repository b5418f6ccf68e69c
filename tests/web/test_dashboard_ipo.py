"""打新 on the dashboard in headless chromium: listed on demand, 一键申购 asks first, subscribes
each issue with quota once (keyed by day and code), and a declined confirmation places nothing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.web.conftest import LiveServer
from tests.web.test_dashboard import _open, _server


@pytest.fixture
def server(tmp_path: Any) -> Iterator[LiveServer]:
    live = _server(tmp_path / "web-ipo")  # the sim's shipped example issues
    yield live
    live.close()


def _subscriptions(server: LiveServer) -> list[Any]:
    return [r for r in server.app.state.engine.journal.recent(None, 50) if r.name == "ipo_subscribe"]


def test_the_ipo_panel_lists_on_demand_and_subscribes_after_confirmation(page: Any, server: LiveServer) -> None:
    _open(page, server.url)
    assert page.is_disabled("#ipo-all")
    page.click("#ipo-load")
    bond = page.locator("#ipos tr[data-ipo='113999']")
    bond.wait_for()
    assert "示例转债" in bond.text_content() and "10,000" in bond.text_content()
    assert "0" in page.locator("#ipos tr[data-ipo='603777']").text_content()
    page.wait_for_function("!document.querySelector('#ipo-all').disabled")

    page.click("#ipo-all")
    page.wait_for_selector("#modal:not(.hidden)")
    body = page.text_content("#modal-body") or ""
    assert "示例转债" in body and "603777" not in body  # only issues with quota
    page.click("#modal-cancel")
    assert _subscriptions(server) == []

    page.click("#ipo-all")
    page.click("#modal-ok")
    page.wait_for_function("document.querySelector('#ipo-verdict').textContent.includes('合同编号')")
    [record] = _subscriptions(server)
    assert record.idempotency_key and record.idempotency_key.endswith("-113999")
    page.wait_for_function("document.querySelector(\"#ipos tr[data-ipo='113999']\").textContent.includes('已申购')")
    assert page.is_disabled("#ipo-all")
    page.wait_for_function("document.querySelector('#orders').textContent.includes('配售申购')")


def test_one_click_subscribes_on_the_emulated_ths_client_by_subscribe_code(page: Any, tmp_path: Any) -> None:
    """THS lists a Shanghai issue by its 申购代码 only (no 证券代码): the panel keys and subscribes it
    by that code (it sent a null code before, refused as invalid params)."""
    live = _server(tmp_path / "web-ipo-ths", broker={"backend": "emulator", "step_timeout": 0.5})
    try:
        _open(page, live.url)
        page.click("#ipo-load")
        page.locator("#ipos tr[data-ipo='754999']").wait_for()
        page.wait_for_function("!document.querySelector('#ipo-all').disabled")
        page.click("#ipo-all")
        page.click("#modal-ok")
        page.wait_for_function("document.querySelector('#ipo-verdict').textContent.includes('合同编号')")
        [record] = _subscriptions(live)
        assert record.idempotency_key and record.idempotency_key.endswith("-754999")
        page.wait_for_function("document.querySelector(\"#ipos tr[data-ipo='754999']\").textContent.includes('已申购')")
    finally:
        live.close()
