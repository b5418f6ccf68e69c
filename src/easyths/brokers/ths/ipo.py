"""打新 on the client: today's issues from the single-subscription page, one subscription at a time.

Why the single page (新股申购 → 新股申购) and not the batch page peers use: the batch page submits
every ticked row with one click, and which rows a click ticks differs by broker and is not
documented, so one submit could not have one verdict per issue. The single page reuses the 买入
form's ids (1032 code, 1036 name, 1033 price, 1018 可申购数量, 1034 quantity, 1006 申购) above a
list of today's issues, so each subscription is filled, read back and judged like an order: a
合同编号 in the client's 提示, a recognised refusal, or its 配售申购 row in 当日委托; otherwise
`unknown` until that row settles it. The menu item is selected by its exact caption and arrival
is checked: a fuzzy 批量新股申购 lands on the single page on one build and the other way round on
another (`docs/ths-facts.md#ipo`). 配号 and 中签 pages have no public column evidence: refused.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from easyths.brokers.base import Ack, Evidence, Row
from easyths.brokers.ths import orders
from easyths.brokers.ths.columns import menu_path
from easyths.brokers.ths.grid import Table
from easyths.brokers.ths.seam import GridUnavailable, Locator, SeamError
from easyths.brokers.ths.session import Attempt, ClientSession, Verdict, said
from easyths.domain.codes import classify
from easyths.domain.ipo import BOARD_LABEL, KIND_LABEL, unit_of
from easyths.errors import BrokerRejected, BrokerUnavailable, OutcomeUnknown

log = logging.getLogger("easyths.ths")

CODE, NAME, PRICE, QUOTA, QTY, SUBMIT = 1032, 1036, 1033, 1018, 1034, 1006
# The list's captions as peers read them: PP takes 新股代码 else 证券代码, 申购价格 else 发行价格;
# the quantity column is 申购数量 on some builds and 可申购数量 on others (easytrader's config).
CODE_COLUMNS = ("新股代码", "申购代码", "证券代码")
NAME_COLUMNS = ("新股名称", "证券名称", "名称")
PRICE_COLUMNS = ("申购价格", "发行价格", "发行价")
QUOTA_COLUMNS = ("可申购数量", "申购数量")
CAP_COLUMNS = ("申购上限",)
MARKET_COLUMNS = ("市场", "交易市场")
SUBSCRIPTION = "申购"  # 当日委托's 操作 of a subscription reads 配售申购
SETTLE_READS = 3

ALLOTMENTS_NOT_SUPPORTED = (
    "同花顺后端暂不支持查询新股/新债的配号与中签：公开资料中没有客户端 新股配号、新股中签 页面的列名，"
    "驱动无法可靠读取，未操作客户端；请在客户端的相应页面或券商短信中查看"
)


@dataclass(frozen=True, slots=True)
class Listed:
    """One issue as the page lists it; what the page does not show is None."""

    code: str  # the code typed into 1032: the 申购代码
    name: str
    price: str  # as shown, typed back as shown
    allowed: int  # 可申购数量
    cap: int | None
    market: str | None

    @property
    def security_code(self) -> str | None:
        """The listed 证券代码 where it is the 申购代码: Shenzhen shares subscribe under their own
        code; Shanghai issues and new bonds subscribe under another one the page does not map."""
        return self.code if self.code.startswith(("00", "30")) and self.kind == "stock" else None

    @property
    def kind(self) -> str:
        return "bond" if "债" in self.name else "stock"

    def row(self, subscribed: bool, day: str) -> Row:
        security = self.security_code
        board = classify(security).board if security is not None else None
        unit = 10 if self.kind == "bond" else (unit_of("stock", board, classify(security).exchange) if board else None)
        return {
            "申购代码": self.code,
            "证券代码": security,
            "证券名称": self.name,
            "类型": KIND_LABEL[self.kind],
            "市场": self.market,
            "板块": "可转债" if self.kind == "bond" else (BOARD_LABEL[board] if board else None),
            "发行价格": _decimal(self.price),
            "申购上限": self.cap,
            "申购单位": unit,
            "可申购数量": self.allowed,
            "已申购": subscribed,
            "申购日期": day,
            "上市日期": None,
        }


def read_list(s: ClientSession) -> list[Listed]:
    """The page's list of today's issues. A read without its code and quantity columns, or with a
    cell that is not a code or a number, failed: never "no issues today"."""
    try:
        s.goto("ipo")
    except SeamError as exc:  # the exact caption is not in this build's tree
        path = " → ".join(menu_path("ipo", s.config.menu))
        raise BrokerUnavailable(
            f"客户端菜单中没有单只申购页「{path}」：请在 [broker.menu] 中配置 ipo 的菜单路径"
            "（驱动只用单只申购页，不用批量申购页），未申购"
        ) from exc
    grid = s.grid()
    s.seam.press_keys(grid, "{F5}")
    table = s.grids.read(grid, (), "新股申购")
    code_col, quota_col = _column(table, CODE_COLUMNS), _column(table, QUOTA_COLUMNS)
    if code_col is None or quota_col is None:
        raise GridUnavailable(
            f"读取新股申购列表失败：表头（{'、'.join(h for h in table.headers if h)}）中没有新股代码或可申购数量，"
            "不能当作今日无新股；如客户端列名不同，请在 [broker.columns] 中配置"
        )
    columns = {
        key: table.column(c) if (c := _column(table, names)) else [""] * len(table.cells)
        for key, names in (("name", NAME_COLUMNS), ("price", PRICE_COLUMNS), ("cap", CAP_COLUMNS))
    }
    markets = table.column(m) if (m := _column(table, MARKET_COLUMNS)) else [""] * len(table.cells)
    listed: list[Listed] = []
    for i, (code, allowed) in enumerate(zip(table.column(code_col), table.column(quota_col), strict=True)):
        number = _int(allowed)
        if not (len(code) == 6 and code.isdigit()) or number is None:
            raise GridUnavailable(f"读取新股申购列表失败：第{i + 1}行的代码「{code}」或可申购数量「{allowed}」无法识别")
        listed.append(
            Listed(
                code,
                columns["name"][i],
                columns["price"][i],
                number,
                _int(columns["cap"][i]),
                _market(markets[i], code),
            )
        )
    return listed


def subscriptions(s: ClientSession) -> list[Row]:
    """Today's subscriptions: 当日委托 rows whose 操作 is 配售申购 (a failed read raises, and so
    does a grid that does not show yet what this service saw placed: `orders.listed_orders`)."""
    return [r for r in orders.listed_orders(s) if SUBSCRIPTION in str(r.get("操作", ""))]


def issues(s: ClientSession) -> list[Row]:
    with s.boundary("查询新股申购"):
        shown = read_list(s)
        done = subscriptions(s)
        day = s.raw_seam.today().isoformat()
        return [i.row(any(_names(r, i) for r in done), day) for i in shown]
    raise AssertionError("unreachable")  # pragma: no cover


def subscribe(s: ClientSession, code: str, quantity: int | None) -> Ack:
    """One issue through the single page; see the module docstring. Nothing is sent when the issue
    is not listed, was already subscribed today, has no quota, or a field does not read back."""
    hint: dict[str, Any] = {"kind": "ipo", "stock_code": code, "quantity": quantity}
    attempt = Attempt(hint)
    with s.boundary("新股申购", attempt):
        issue = pick(read_list(s), code)
        rows = orders.listed_orders(s)  # a grid behind the book would hide today's subscription
        hint.update(before=orders.contract_numbers(rows), subscribe_code=issue.code, name=issue.name)
        done = [r for r in rows if _names(r, issue)]
        if done:
            raise BrokerRejected(
                f"今日已申购过{issue.name}（{issue.code}，合同编号 {done[0].get('合同编号')}）："
                "同一新股/新债只有第一笔申购有效，本次未申购"
            )
        s.goto("ipo", fresh=True)
        s.type_into(CODE, issue.code)
        allowed = _int(s.wait_text(Locator(control_id=QUOTA)))
        if allowed is None:
            raise BrokerUnavailable(f"输入 {issue.code} 后未能读取可申购数量（控件 {QUOTA}），未申购")
        qty = allowed if quantity is None else quantity
        if allowed <= 0:
            raise BrokerRejected(f"{issue.name}（{issue.code}）可申购数量为0（额度不足），未申购")
        if qty > allowed:
            raise BrokerRejected(f"申购数量{qty}超过客户端显示的可申购数量{allowed}，未申购")
        s.type_into(PRICE, issue.price)
        s.type_into(QTY, str(qty))
        orders.read_back(s, issue.code, issue.price, qty, None)
        hint["quantity"] = qty
        name = s.find(Locator(control_id=NAME))
        named = bool(s.seam.text(name).strip())  # only a name that was shown can clear itself
        attempt.submitted = True
        s.seam.click(s.find(Locator(control_id=SUBMIT)))
        verdict = s.await_verdict(
            attempt,
            accept=lambda info: orders.describes(said(info), issue.code, None, qty),
            quiet=lambda: named and not s.seam.text(name).strip(),  # the form cleared itself: sent
        )
        contract = _trusted(s, verdict, issue, qty)
        if contract:
            return Ack(verdict.text, contract_no=s.claim(contract), quantity=qty)
        return _from_book(s, attempt, issue, qty)
    raise AssertionError("unreachable")  # pragma: no cover


def pick(listed: list[Listed], code: str) -> Listed:
    """The listed issue `code` names (its 申购代码, or a Shenzhen share's own code)."""
    found = [i for i in listed if code in (i.code, i.security_code)]
    if not found:
        shown = "、".join(f"{i.name}（{i.code}）" for i in listed) or "无"
        raise BrokerRejected(
            f"客户端的今日新股申购列表中没有 {code}（列表：{shown}）；"
            "同花顺按申购代码申购，上海的新股、新债请用申购代码"
        )
    return found[0]


def _trusted(s: ClientSession, verdict: Verdict, issue: Listed, qty: int) -> str | None:
    """The 提示's 合同编号, or, when an earlier flow may still be sending dialogs, only if that
    合同编号 is this issue's 配售申购 row in 当日委托."""
    if not verdict.contract_no:
        return None
    if verdict.trusted:
        return verdict.contract_no
    rows = [r for r in orders.today_orders(s) if str(r.get("合同编号")) == verdict.contract_no]
    if len(rows) == 1 and _names(rows[0], issue, qty):
        return verdict.contract_no
    log.warning("成功提示中的合同编号 %s 不是本次申购（可能属于更早的委托），改由当日委托判断", verdict.contract_no)
    return None


def _from_book(s: ClientSession, attempt: Attempt, issue: Listed, qty: int) -> Ack:
    """No conclusive dialog: this issue's one new 配售申购 row settles it; else unknown."""
    before = {str(c) for c in attempt.hint.get("before", [])}
    found: list[Row] = []
    for i in range(1 if attempt.declined else SETTLE_READS):
        if i:  # a late 提示 (a refusal, or the 合同编号) is read by the table meanwhile
            late = s.await_verdict(attempt, accept=lambda _: False, timeout=min(0.5, s.timeout))
            contract = _trusted(s, late, issue, qty)
            if contract:
                return Ack(late.text, contract_no=s.claim(contract), quantity=qty)
        found = _new(orders.today_orders(s), before, s.claimed, issue, qty)
        if found:
            break
    if len(found) == 1:
        orders.refuse_if_void(found[0], "申购")
        contract = str(found[0]["合同编号"])
        message = f"申购委托已提交（由当日委托确认），合同编号：{contract}"
        return Ack(message, contract_no=s.claim(contract), quantity=qty)
    attempt.hint["seen"] = attempt.seen
    raise OutcomeUnknown(
        f"申购{issue.name}（{issue.code}）后未观察到明确结果（新增配售申购 {len(found)} 笔），请稍后对账",
        details=attempt.hint,
    )


def reconcile(s: ClientSession, code: str, quantity: int | None, evidence: Evidence) -> Ack | None:
    """Settle an unknown subscription from 当日委托: its 配售申购 row (new since the snapshot,
    nobody else's) is the success; none means nothing was placed. Each issue takes only one
    subscription a day, so two candidate rows leave it unknown rather than guess."""
    with s.boundary("对账"):
        s.drain_dialogs()  # a late confirmation is closed, never answered, before judging
        s.settled()
        try:
            issue = pick(read_list(s), code)
        except BrokerRejected:  # no longer listed: its code is all there is to match
            issue = Listed(code, "", "", 0, None, None)
        found: list[Row] = []
        for attempt in range(SETTLE_READS):  # "not there" is answered only after the grid had time
            if attempt:
                s.seam.wait_for(lambda: None, orders.STALE_PAUSE)
            rows = orders.today_orders(s)
            if evidence.contract_no:
                found = [r for r in rows if str(r.get("合同编号")) == evidence.contract_no]
            else:
                found = _new(rows, set(evidence.before or ()), s.claimed, issue, quantity)
            if found:
                break
    if evidence.contract_no and not found:
        return Ack("申购委托已存在", contract_no=evidence.contract_no, quantity=quantity)
    if not found:
        return None
    if len(found) > 1:
        raise OutcomeUnknown(f"对账发现 {len(found)} 笔可能的配售申购，无法确定")
    orders.refuse_if_void(found[0], "对账确认申购")
    contract = s.claim(str(found[0]["合同编号"]))
    qty = _int(str(found[0].get("委托数量")))
    return Ack(f"对账确认申购委托已提交（{found[0].get('备注') or '状态未知'}）", contract_no=contract, quantity=qty)


def _new(rows: list[Row], before: set[str], claimed: Collection[str], issue: Listed, qty: int | None) -> list[Row]:
    taken = before | set(claimed)
    return [r for r in rows if str(r.get("合同编号")) not in taken and _names(r, issue, qty)]


def _names(row: Row, issue: Listed, qty: int | None = None) -> bool:
    """Is this 当日委托 row a subscription to `issue`? By code (the 申购代码, or the 证券代码 where
    the page shows it) or by name, since builds list a subscription under either code."""
    if SUBSCRIPTION not in str(row.get("操作", "")):
        return False
    codes = {issue.code, issue.security_code} - {None}
    if str(row.get("证券代码", "")) not in codes and not (issue.name and row.get("证券名称") == issue.name):
        return False
    return qty is None or _int(str(row.get("委托数量"))) == qty


def _column(table: Table, names: tuple[str, ...]) -> str | None:
    return next((n for n in names if n in table.headers), None)


def _market(shown: str, code: str) -> str | None:
    """The market column where the page has one (上海…/深圳…); else PP's routing: codes starting 7
    are Shanghai subscriptions, 0 and 3 Shenzhen."""
    for market in ("上海", "深圳"):
        if shown.startswith(market):
            return market
    if code.startswith("7"):
        return "上海"
    if code.startswith(("0", "3")):
        return "深圳"
    return None


def _int(text: str) -> int | None:
    try:
        return int(Decimal(text.replace(",", "").strip()))
    except (InvalidOperation, ValueError):
        return None


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", "").strip())
    except InvalidOperation:
        return None


__all__ = ["ALLOTMENTS_NOT_SUPPORTED", "Listed", "issues", "pick", "read_list", "reconcile", "subscribe"]
