"""What the dashboard tells a user, at a desktop's and a phone's width: nothing clipped, times
labelled with their source, the ticket's own checks before the confirmation, the newest
operation first. Each check saves a screenshot at both sizes under tests/web/artifacts."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.web.conftest import ARTIFACTS, LiveServer
from tests.web.test_dashboard import _seed, _server

SIZES = {"desktop": {"width": 1440, "height": 900}, "phone": {"width": 390, "height": 844}}

# Elements whose content is wider than their box, outside any scrolling container: on a phone the
# funds cards clipped 1,000,000.00 and pushed the third card off screen.
OVERFLOWING = """() => {
  const scrolls = (el) => ["auto", "scroll"].includes(getComputedStyle(el).overflowX);
  const bad = [];
  for (const el of document.querySelectorAll("body *")) {
    if (!el.offsetParent && getComputedStyle(el).position !== "fixed") continue;  // hidden
    let a = el, inScroller = false;
    while ((a = a.parentElement)) if (scrolls(a)) { inScroller = true; break; }
    if (inScroller || scrolls(el)) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0) continue;
    if (el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0 && getComputedStyle(el).display !== "inline")
      bad.push(`${el.tagName}.${el.className}#${el.id} ${el.scrollWidth}>${el.clientWidth}`);
    else if (r.right > window.innerWidth + 1)
      bad.push(`${el.tagName}.${el.className}#${el.id} right ${Math.round(r.right)}>${window.innerWidth}`);
  }
  return bad;
}"""


@pytest.fixture(scope="module")
def sim(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    server = _server(tmp_path_factory.mktemp("web-layout"))
    _seed(server.url)
    yield server
    server.close()


@pytest.fixture(params=list(SIZES))
def sized(request: pytest.FixtureRequest, browser: Any) -> Iterator[tuple[str, Any]]:
    context = browser.new_context(viewport=SIZES[request.param], locale="zh-CN", bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        yield request.param, page
    finally:
        context.close()
    assert not errors, f"页面脚本错误: {errors}"


def _open(page: Any, url: str) -> None:
    page.goto(url + "/")
    page.wait_for_selector("body[data-ready='1']")
    page.wait_for_function("document.querySelector(\"[data-k='总资产']\").textContent.includes('.')")


def _shot(page: Any, name: str, size: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}-{size}.png"), full_page=True)


def test_nothing_is_wider_than_its_box(sized: tuple[str, Any], sim: LiveServer) -> None:
    size, page = sized
    _open(page, sim.url)
    _shot(page, "layout", size)
    assert page.evaluate(OVERFLOWING) == []
    for card in page.locator("#funds .card").all():  # every card on screen, none clipped
        box = card.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= SIZES[size]["width"] + 1


def test_times_say_whose_clock_they_are(sized: tuple[str, Any], sim: LiveServer) -> None:
    size, page = sized
    _open(page, sim.url)
    _shot(page, "time-labels", size)
    orders = page.locator("#orders").locator("xpath=ancestor::section").locator("h2").text_content() or ""
    ops = page.locator("#ops").locator("xpath=ancestor::section").locator("h2").text_content() or ""
    assert "模拟时钟" in orders and "本机" in ops
    assert "本机时间" in (page.text_content("#account-age") or "")
    assert "模拟时钟" in (page.text_content("#clock") or "")


def test_the_ticket_reports_lot_and_tick_errors_before_the_confirmation(
    sized: tuple[str, Any], sim: LiveServer
) -> None:
    size, page = sized
    _open(page, sim.url)
    before = len(sim.app.state.engine.journal.recent(None, 500))
    page.click("#ticket-tabs [data-kind='buy']")
    page.fill("#t-code", "600000")
    page.fill("#t-price", "10.505")
    page.fill("#t-qty", "150")
    page.click("#t-submit")
    page.wait_for_selector("#verdict.fail")
    _shot(page, "ticket-check", size)
    assert page.is_hidden("#modal")  # never asked to confirm an order the service would refuse
    text = page.text_content("#verdict") or ""
    assert "数量：" in text and "价格：" in text and "quantity" not in text and "price" not in text
    assert len(sim.app.state.engine.journal.recent(None, 500)) == before


def test_the_pages_own_order_is_listed_first_among_recent_operations(sized: tuple[str, Any], sim: LiveServer) -> None:
    """Its time was the browser's UTC "…Z", sorted as text against the server's "+08:00": the
    order just placed sank below older ones."""
    size, page = sized
    _open(page, sim.url)
    with httpx.Client(base_url=sim.url, timeout=20) as c:  # an older operation from elsewhere
        body = {"params": {"stock_code": "600000", "price": 9.9, "quantity": 100}}
        assert c.post("/api/v1/operations/buy?wait=10", json=body).json()["data"]["status"] == "success"
    page.click("#ticket-tabs [data-kind='buy']")
    page.fill("#t-code", "600000")
    page.fill("#t-price", "9.8")
    page.fill("#t-qty", "200")
    page.click("#t-submit")
    page.click("#modal-ok")
    contract = page.wait_for_selector("#verdict-contract").text_content()
    page.wait_for_timeout(500)  # let the event stream and the poll merge their views
    _shot(page, "recent-ops", size)
    first = page.locator("#ops tbody tr").first.text_content() or ""
    assert contract and contract in first, first


def test_cancelling_a_filled_order_from_the_ticket_shows_a_failure(sized: tuple[str, Any], sim: LiveServer) -> None:
    """The page showed "撤单 成功" for an order that had already filled."""
    size, page = sized
    _open(page, sim.url)
    with httpx.Client(base_url=sim.url, timeout=20) as c:
        body = {"params": {"stock_code": "600000", "price": 10.5, "quantity": 100}}
        filled = c.post("/api/v1/operations/buy?wait=10", json=body).json()["data"]["result"]["data"]["合同编号"]
    page.click("#ticket-tabs [data-kind='cancel']")
    page.fill("#t-contract", filled)
    page.click("#t-submit")
    page.click("#modal-ok")
    page.wait_for_selector("#verdict.fail")
    _shot(page, "cancel-filled", size)
    text = page.text_content("#verdict") or ""
    assert "未撤单" in text and "已成" in text and "成功" not in text
