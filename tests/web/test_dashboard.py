"""The dashboard in headless chromium against a live sim service."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from easyths.api.app import create_app
from easyths.engine.scheduler import BACKGROUND_PRIORITY
from easyths.errors import EasyTHSError
from easyths.settings import load_settings
from tests.web.conftest import ARTIFACTS, LiveServer

KEY = "web-test-key-123"


def _server(tmp: Path, **sections: Any) -> LiveServer:
    settings = load_settings(None, app={"home": str(tmp)}, **sections)
    return LiveServer(create_app(settings))


def _seed(url: str, headers: dict[str, str] | None = None) -> None:
    """A quote, one filled buy and one resting buy: every panel has something to show."""
    with httpx.Client(base_url=url, headers=headers or {}, timeout=20) as c:
        for code, price, prev, name in (("600000", 10.5, 10.2, "浦发银行"), ("000001", 11.8, 12.0, "平安银行")):
            quote = {"price": price, "prev_close": prev, "name": name}
            c.put(f"/api/v1/sim/quotes/{code}", json=quote).raise_for_status()
        for code, price in (("600000", 10.5), ("000001", 11.8), ("600000", 10.0)):
            body = {"params": {"stock_code": code, "price": price, "quantity": 1000}}
            r = c.post("/api/v1/operations/buy?wait=10", json=body).json()
            assert r["data"]["status"] == "success", r


@pytest.fixture(scope="module")
def sim(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    server = _server(tmp_path_factory.mktemp("web-sim"))
    _seed(server.url)
    yield server
    server.close()


def _open(page: Any, url: str) -> None:
    page.goto(url + "/")
    page.wait_for_selector("body[data-ready='1']")


def test_the_page_loads_with_funds_holdings_and_orders(page: Any, sim: LiveServer) -> None:
    _open(page, sim.url)
    assert re.fullmatch(r"[\d,]+\.\d\d", page.text_content("[data-k='总资产']") or "")
    assert page.locator("#holdings tbody tr", has_text="浦发银行").count() == 1
    assert page.locator("#orders tbody tr").count() >= 3
    assert page.locator("#fills tbody tr", has_text="平安银行").count() == 1
    assert "模拟券商" in (page.text_content("#broker") or "")
    assert "正常" in (page.text_content("#health") or "")
    assert page.is_visible("#sim-panel")
    # gains red, losses green: 浦发 is up on the day (red), 平安 down (green)
    up = page.locator("#quotes tr[data-quote='600000'] td.gain")
    down = page.locator("#quotes tr[data-quote='000001'] td.loss")
    assert up.count() >= 1 and down.count() >= 1
    assert up.first.evaluate("e => getComputedStyle(e).color") == "rgb(217, 54, 62)"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)


def test_the_page_runs_under_its_own_content_security_policy(browser: Any, sim: LiveServer) -> None:
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    try:
        page = context.new_page()
        console: list[str] = []
        page.on("console", lambda msg: console.append(msg.text))
        page.goto(sim.url + "/")
        page.wait_for_selector("body[data-ready='1']", timeout=10_000)
        assert page.locator("#holdings tbody tr", has_text="浦发银行").count() == 1
        assert not [m for m in console if "Content Security Policy" in m], console
    finally:
        context.close()


def test_an_order_from_the_ticket_appears_in_todays_orders_without_a_reload(page: Any, sim: LiveServer) -> None:
    _open(page, sim.url)
    page.click("#ticket-tabs [data-kind='buy']")
    page.fill("#t-code", "600000")
    page.fill("#t-price", "10.01")
    page.fill("#t-qty", "300")
    page.click("#t-submit")
    page.wait_for_selector("#modal:not(.hidden)")
    assert "10.01" in (page.text_content("#modal-body") or "")
    page.click("#modal-ok")
    contract = page.wait_for_selector("#verdict-contract").text_content()
    assert contract and contract.isdigit()
    row = page.locator(f"#orders tbody tr[data-contract='{contract}']")
    row.wait_for()
    assert "300" in row.text_content() and "10.01" in row.text_content()
    # it went through the queue with an Idempotency-Key
    records = sim.app.state.engine.journal.recent(None, 20)
    placed = [r for r in records if r.name == "buy" and r.params.get("price") == 10.01]
    assert placed and (placed[0].idempotency_key or "").startswith("web-")

    # and cancelling it from its row asks first, then marks it 已撤
    row.locator("[data-cancel]").click()
    page.click("#modal-ok")
    page.wait_for_function(
        f"document.querySelector(\"#orders tr[data-contract='{contract}']\")?.textContent.includes('已撤')"
    )


def test_the_page_follows_the_live_event_stream(page: Any, sim: LiveServer) -> None:
    _open(page, sim.url)
    page.wait_for_function("document.querySelector('#stream').textContent.includes('实时')")
    with httpx.Client(base_url=sim.url, timeout=20) as c:
        # an order placed by a script shows up at once, in the operations and in today's orders
        order = {"params": {"stock_code": "000001", "price": 11.5, "quantity": 200}}
        contract = c.post("/api/v1/operations/buy?wait=10", json=order).json()["data"]["result"]["data"]["合同编号"]
        page.locator("#ops tbody tr", has_text=contract).wait_for()
        page.locator(f"#orders tr[data-contract='{contract}']").wait_for()
        # the market comes down to it: the sim's fill event reaches the page
        c.put("/api/v1/sim/quotes/000001", json={"price": 11.5}).raise_for_status()
    page.wait_for_function("document.querySelector('#toast').textContent.startsWith('成交')")
    page.wait_for_function(
        f"document.querySelector(\"#orders tr[data-contract='{contract}']\").textContent.includes('已成')"
    )


def test_without_the_event_stream_the_page_falls_back_to_polling(page: Any, sim: LiveServer) -> None:
    page.route("**/api/v1/events*", lambda route: route.fulfill(status=404, body="{}"))
    _open(page, sim.url)
    page.wait_for_function("document.querySelector('#stream').textContent.includes('定时刷新')")
    with httpx.Client(base_url=sim.url, timeout=20) as c:
        order = {"params": {"stock_code": "000001", "price": 11.0, "quantity": 300}}
        contract = c.post("/api/v1/operations/buy?wait=10", json=order).json()["data"]["result"]["data"]["合同编号"]
    page.locator(f"#orders tr[data-contract='{contract}']").wait_for()
    page.locator("#ops tbody tr", has_text=contract).wait_for()


class _RiskLimit(EasyTHSError):
    error_code = "RISK_LIMIT"
    http_status = 403


def _refuse_7700(op: Any, params: Any, context: dict[str, Any]) -> None:
    if getattr(params, "quantity", None) == 7700:
        raise _RiskLimit("单笔委托数量超过风控上限")


def test_a_refused_order_shows_why_and_that_nothing_was_placed(page: Any, sim: LiveServer) -> None:
    sim.app.state.engine.add_admission(_refuse_7700)
    _open(page, sim.url)
    page.click("#ticket-tabs [data-kind='buy']")
    page.fill("#t-code", "600000")
    page.fill("#t-price", "10.5")
    page.fill("#t-qty", "7700")
    page.click("#t-submit")
    page.click("#modal-ok")
    page.wait_for_selector("#verdict.fail")
    text = page.text_content("#verdict") or ""
    assert "未下单" in text and "风控上限" in text and "RISK_LIMIT" in text


def test_a_declined_confirmation_places_nothing(page: Any, sim: LiveServer) -> None:
    _open(page, sim.url)
    before = len(sim.app.state.engine.journal.recent(None, 500))
    page.click("#ticket-tabs [data-kind='sell']")
    page.fill("#t-code", "600000")
    page.fill("#t-price", "10.5")
    page.fill("#t-qty", "100")
    page.click("#t-submit")
    page.click("#modal-cancel")
    page.wait_for_timeout(300)
    assert page.is_hidden("#verdict")
    names = [r.name for r in sim.app.state.engine.journal.recent(None, 500)[: -before or None]]
    assert "sell" not in names


def test_a_sim_clock_advance_updates_the_page(page: Any, sim: LiveServer) -> None:
    _open(page, sim.url)
    before = page.text_content("#sim-clock")
    page.click("#next-day")
    page.wait_for_function(f"document.querySelector('#sim-clock').textContent !== {before!r}")
    after = page.text_content("#sim-clock") or ""
    assert after.endswith("09:30:00") and after[:10] > (before or "")[:10]
    assert after in (page.text_content("#clock") or "")
    # a move made by someone else (a script on the API) shows up too, without a reload
    with httpx.Client(base_url=sim.url, timeout=10) as c:
        state = c.post("/api/v1/sim/clock/advance", json={"days": 1}).json()["data"]
    expected = state["clock"].replace("T", " ")[:19]
    page.wait_for_function(f"document.querySelector('#sim-clock').textContent === {expected!r}")


def test_quotes_edited_on_the_page_move_the_account_and_the_equity_curve(page: Any, sim: LiveServer) -> None:
    _open(page, sim.url)
    for minutes, price in (("5", "10.80"), ("30", "11.20")):
        page.fill("#q-code", "600000")
        page.fill("#q-price", price)
        page.click("#quote-form button")
        page.wait_for_function(
            f"document.querySelector(\"#quotes tr[data-quote='600000']\")?.textContent.includes('{price}')"
        )
        page.click(f"[data-advance-min='{minutes}']")
        page.wait_for_function(f"document.querySelector(\"#holdings tbody\").textContent.includes('{price}')")
    page.wait_for_function("JSON.parse(localStorage.getItem('easyths.equity.sim') || '[]').length >= 2")
    assert page.locator("#equity polyline").count() == 1
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "dashboard-after-quotes.png"), full_page=True)


def test_with_an_api_key_the_page_asks_for_it_and_keeps_it_for_the_session(page: Any, tmp_path: Path) -> None:
    server = _server(tmp_path / "keyed", api={"key": KEY})
    try:
        _seed(server.url, {"Authorization": f"Bearer {KEY}"})
        assert httpx.get(server.url + "/").status_code == 200  # the page itself needs no key
        assert httpx.get(server.url + "/api/v1/system/status").status_code == 401  # the API does
        page.goto(server.url + "/")
        page.wait_for_selector("#key-prompt:not(.hidden)")
        page.fill("#key-input", "wrong")
        page.click("#key-ok")
        page.wait_for_function("document.querySelector('#key-error').textContent.includes('无效')")
        page.fill("#key-input", KEY)
        page.click("#key-ok")
        page.wait_for_selector("body[data-ready='1']")
        assert page.is_hidden("#key-prompt")
        assert page.locator("#holdings tbody tr", has_text="浦发银行").count() == 1
        assert page.evaluate("sessionStorage.getItem('easyths.key')") == KEY
        assert page.evaluate("JSON.stringify(localStorage)").find(KEY) == -1
        page.reload()  # same tab, same session: no prompt again
        page.wait_for_selector("body[data-ready='1']")
        assert page.is_hidden("#key-prompt")
    finally:
        server.close()


def test_market_orders_cancel_all_jump_to_a_date_and_reset_from_the_page(page: Any, sim: LiveServer) -> None:
    _open(page, sim.url)
    # a market buy through the ticket: confirmation names the strategy, the verdict the 合同编号
    page.click("#ticket-tabs [data-kind='market_buy']")
    assert page.is_hidden("#t-price") and page.is_visible("#t-strategy")
    page.fill("#t-code", "600000")
    page.fill("#t-qty", "100")
    page.click("#t-submit")
    page.wait_for_selector("#modal:not(.hidden)")  # after the service's check of the params
    assert "最优五档" in (page.text_content("#modal-body") or "")
    page.click("#modal-ok")
    assert (page.wait_for_selector("#verdict-contract").text_content() or "").isdigit()
    # a resting order, then 撤单 with no 合同编号 cancels everything open
    with httpx.Client(base_url=sim.url, timeout=20) as c:
        c.post(
            "/api/v1/operations/buy?wait=10", json={"params": {"stock_code": "600000", "price": 9.9, "quantity": 100}}
        )
    page.click("#ticket-tabs [data-kind='cancel']")
    assert "全部" in (page.text_content("#ticket-hint") or "")
    page.click("#t-submit")
    page.wait_for_selector("#modal:not(.hidden)")
    assert "全部未成交委托" in (page.text_content("#modal-body") or "")
    page.click("#modal-ok")
    page.wait_for_function("document.querySelector('#verdict').textContent.includes('撤单成功')")
    # jump to a date, then reset the account with a chosen cash
    page.fill("#jump-date", "2027-03-01")
    page.click("#jump button")
    page.wait_for_function("document.querySelector('#sim-clock').textContent === '2027-03-01 09:30:00'")
    page.fill("#reset-cash", "50000")
    page.click("#reset-form button")
    assert "50,000.00" in (page.text_content("#modal-body") or "")
    page.click("#modal-ok")
    page.wait_for_function("document.querySelector(\"[data-k='总资产']\").textContent === '50,000.00'")
    assert page.locator("#holdings tbody tr.empty").count() == 1


def test_on_the_ths_driver_over_the_emulator_the_page_shows_the_client_and_keeps_the_sim_controls(
    page: Any, tmp_path: Path
) -> None:
    server = _server(tmp_path / "emulator", broker={"backend": "emulator"})
    try:
        with httpx.Client(base_url=server.url, timeout=30) as c:
            c.put("/api/v1/sim/quotes/600000", json={"price": 10.5, "name": "浦发银行"}).raise_for_status()
            body = {"params": {"stock_code": "600000", "price": 10.5, "quantity": 100}}
            assert c.post("/api/v1/operations/buy?wait=20", json=body).json()["data"]["status"] == "success"
        _open(page, server.url)
        assert "同花顺模拟客户端" in (page.text_content("#broker") or "")
        assert page.is_visible("#sim-panel")
        assert page.locator("#holdings tbody tr", has_text="600000").count() == 1
    finally:
        server.close()


def test_trading_can_be_paused_and_resumed_from_the_status_bar(page: Any, tmp_path: Path) -> None:
    server = _server(tmp_path / "paused")
    try:
        _seed(server.url)
        _open(page, server.url)
        page.wait_for_function("document.querySelector('#trading').textContent === '交易：正常'")
        page.click("#pause-toggle")
        page.click("#modal-ok")
        page.wait_for_function("document.querySelector('#trading').textContent.includes('已暂停')")
        page.fill("#t-code", "600000")
        page.fill("#t-price", "10.5")
        page.fill("#t-qty", "100")
        page.click("#t-submit")
        page.click("#modal-ok")
        page.wait_for_selector("#verdict.fail")
        assert "未下单" in (page.text_content("#verdict") or "")
        page.click("#pause-toggle")
        page.click("#modal-ok")
        page.wait_for_function("document.querySelector('#trading').textContent === '交易：正常'")
    finally:
        server.close()


QUERIES = ("funds_query", "holding_query", "order_query")


def _queries(server: LiveServer) -> list[Any]:
    """The account queries in the journal, newest first."""
    return [r for r in server.app.state.engine.journal.recent(None, 500) if r.name in QUERIES]


def test_idle_tabs_submit_no_queries_and_refresh_once_after_an_order(browser: Any, tmp_path: Path) -> None:
    """Two open tabs cost one set of account queries at load, none while idle, and one set after an
    order (the page used to submit three queries per tab on load, on connect and every 15 s); the
    queries run below every client priority; 刷新 asks for a new set."""
    server = _server(tmp_path / "idle")
    contexts = [browser.new_context(bypass_csp=True) for _ in range(2)]
    try:
        _seed(server.url)
        pages = [c.new_page() for c in contexts]
        for page in pages:
            _open(page, server.url)
            page.wait_for_function("document.querySelector('#stream').textContent.includes('实时')")
        loaded = _queries(server)
        assert len(loaded) == 3, [r.name for r in loaded]
        assert {r.priority for r in loaded} == {BACKGROUND_PRIORITY}
        pages[0].wait_for_timeout(2500)  # the sim and queue polls go by (every 2 s): no queries
        assert len(_queries(server)) == 3
        with httpx.Client(base_url=server.url, timeout=20) as c:
            order = {"params": {"stock_code": "600000", "price": 9.8, "quantity": 100}}
            contract = c.post("/api/v1/operations/buy?wait=10", json=order).json()["data"]["result"]["data"]["合同编号"]
        for page in pages:
            page.locator(f"#orders tr[data-contract='{contract}']").wait_for()
        pages[0].wait_for_timeout(500)  # room for a second set, were the tabs not sharing
        assert len(_queries(server)) == 6
        pages[1].click("#refresh")
        engine = server.app.state.engine
        assert engine.wait_until(lambda: len(_queries(server)) == 9, 10)
        pages[1].wait_for_timeout(300)
        assert len(_queries(server)) == 9
        assert "账户（本机时间）：" in (pages[1].text_content("#account-age") or "")
    finally:
        for c in contexts:
            c.close()
        server.close()
