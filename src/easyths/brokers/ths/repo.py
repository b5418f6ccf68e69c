"""Reverse repo (国债逆回购) on the client, as the evidence shows it (`docs/ths-facts.md#repo-popup`).

Why a popup, by name and by position: selecting 国债逆回购 opens a separate #32770 window holding
a web document, not an embedded page. Each product is a row of three Text cells — term (1天期),
product name (GC001 in Shanghai, R-001 in Shenzhen), annual rate — with no header, so a row is
recognised by its product name, which the exchange's code table maps to the traded code
(GC001 → 204001, R-001 → 131810). The amount goes into Edit `shuru`, 出借 is a Text, an in-page
您是否确认以上… asks and its Text 确定 lends; Button 1008 closes the popup. A popup whose rows
cannot be read is an error, never "no products".
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from easyths.brokers.base import MarketName, RepoAck, Row, Side
from easyths.brokers.ths.orders import contract_numbers, refuse_if_void, settle, today_orders, trusted_contract
from easyths.brokers.ths.seam import GridUnavailable, Locator
from easyths.brokers.ths.session import Attempt, ClientSession, said
from easyths.domain.codes import REPO_CODES, Exchange, repo_code
from easyths.errors import BrokerUnavailable, OutcomeUnknown

MARKETS = {"上海": Exchange.SH, "深圳": Exchange.SZ}
BY_NAME = {name: code for code, (_, _, name) in REPO_CODES.items()}  # GC001 -> 204001
AMOUNT = Locator(role="Edit", auto_id="shuru")
LEND = Locator(role="Text", title="出借")
CONFIRM = Locator(role="Text", title="确定")
ASKS = Locator(role="Text", title_contains="您是否确认以上")
CLOSE = Locator(control_id=1008)
ROW = Locator(role="Custom")
CELL = Locator(role="DataItem")


def open_popup(s: ClientSession) -> Any:
    """Select 国债逆回购 and wait for its popup (the window holding the `shuru` edit)."""
    s.goto("repo", fresh=True)
    popup = s.seam.wait_for(lambda: _popup(s), s.timeout)
    if popup is None:
        raise BrokerUnavailable("选择「国债逆回购」后没有出现逆回购窗口，请检查 [broker.menu] 中的 repo 路径")
    return popup


def _popup(s: ClientSession) -> Any:
    for info in s.seam.dialogs():
        if s.seam.exists(AMOUNT, info.handle):
            return info.handle
    return None


def products(s: ClientSession, popup: Any) -> list[tuple[Any, str, Row | None]]:
    """(row handle, traded code, rates row or None when it shows no rate) per product row."""
    found: list[tuple[Any, str, Row | None]] = []
    for line in s.seam.find_all(ROW, popup):
        cells = [s.seam.text(c).replace("\xa0", " ").strip() for c in s.seam.find_all(CELL, line)]
        code = next((BY_NAME[c] for c in cells if c in BY_NAME), None)
        if code is None:
            continue
        rate = next((c for c in cells if c.endswith("%")), None)
        try:
            value = Decimal(rate.rstrip("%").strip()) if rate else None
        except InvalidOperation:
            value = None
        if value is None:
            found.append((line, code, None))
            continue
        exchange, days, _ = REPO_CODES[code]
        row: Row = {
            "市场类型": "上海市场" if exchange is Exchange.SH else "深圳市场",
            "时间类型": f"{days}天期",
            "年化利率": f"{value:.3f}%",
            "证券代码": code,
        }
        found.append((line, code, row))
    if not found:
        raise GridUnavailable("逆回购窗口中没有读到任何品种（页面未加载完成或版式不同），不能当作没有品种")
    return found


def close_popup(s: ClientSession, popup: Any) -> None:
    if s.seam.exists(CLOSE, popup):
        s.seam.click(s.find(CLOSE, popup))
    else:
        s.seam.close(popup)


def repo_rates(s: ClientSession) -> list[Row]:
    with s.boundary("查询逆回购利率"):
        popup = open_popup(s)
        try:
            return [row for _, _, row in products(s, popup) if row is not None]
        finally:
            close_popup(s, popup)
    raise AssertionError("unreachable")  # pragma: no cover


def lend_repo(s: ClientSession, market: MarketName, term_days: int, amount: int) -> RepoAck:
    code = repo_code(MARKETS[market], term_days)
    attempt = Attempt({"kind": "repo", "side": Side.SELL.value, "stock_code": code, "amount": amount})
    with s.boundary("国债逆回购", attempt):
        attempt.hint["before"] = contract_numbers(today_orders(s))
        popup = open_popup(s)
        chosen = next(((line, row) for line, c, row in products(s, popup) if c == code), None)
        if chosen is None:
            close_popup(s, popup)
            raise BrokerUnavailable(f"逆回购窗口中没有 {REPO_CODES[code][2]}（{code}）")
        line, row = chosen
        s.seam.click(line)
        box = s.find(AMOUNT, popup)
        s.seam.set_text(box, str(amount))
        if s.seam.text(box).strip() != str(amount):
            close_popup(s, popup)
            raise BrokerUnavailable(f"出借金额回读为「{s.seam.text(box).strip()}」，与 {amount} 不符，未出借")
        s.seam.click(s.find(LEND, popup))
        if not s.seam.wait_for(lambda: s.seam.exists(ASKS, popup), s.timeout):
            close_popup(s, popup)  # nothing was asked, so nothing was lent (出借 greys out past 可用)
            raise BrokerUnavailable("点击「出借」后没有出现确认（金额可能超过可用资金），未出借")
        attempt.submitted = True
        s.seam.click(s.find(CONFIRM, popup))
        close_popup(s, popup)
        # with the client's popups off only a failure comes as a dialog: a short wait, then the book
        verdict = s.await_verdict(attempt, accept=lambda info: code in said(info), timeout=s.dialog_wait)
        contract = trusted_contract(s, verdict, {**attempt.hint, "quantity": None})
        if not contract:
            found = settle(today_orders(s), {**attempt.hint, "quantity": None, "price": None}, s.claimed)
            if len(found) != 1:
                raise OutcomeUnknown("逆回购提交后未能确认，请稍后对账", details=attempt.hint)
            refuse_if_void(found[0], "逆回购")
            contract = str(found[0]["合同编号"])
        rate = Decimal(str(row["年化利率"]).rstrip("%")) if row is not None else Decimal("0")
        return RepoAck(s.claim(contract), code, rate, verdict.text)
    raise AssertionError("unreachable")  # pragma: no cover


__all__ = ["lend_repo", "products", "repo_rates"]
