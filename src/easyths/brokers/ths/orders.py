"""Order flows on the client: limit and market orders, cancels, and the verdict on each.

Why the before/after snapshot: the client's 提示 dialog is the cheap, usual verdict, but a popup
can eat it or the client can die after sending. Today's 合同编号 set taken before submit is what
lets the driver say "exactly one new matching order appeared" (success) or hand `reconcile` a
hint to settle later, instead of guessing. Nothing here ever resubmits.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Collection
from decimal import Decimal
from typing import Any

from easyths.brokers.base import MarketStrategy, OrderAck, Row, Side
from easyths.brokers.ths.seam import Locator
from easyths.brokers.ths.session import Attempt, ClientSession, Verdict, said
from easyths.domain.codes import classify
from easyths.errors import BrokerRejected, BrokerUnavailable, OrderVoided, OutcomeUnknown

log = logging.getLogger("easyths.ths")

CODE, PRICE, QTY, SUBMIT, NAME, MARKET_TYPE = 1032, 1033, 1034, 1006, 1036, 1541
SETTLE_READS = 3  # reads of 当日委托 while a new row may still be on its way
STALE_PAUSE = 1.0  # seconds between reads of a 当日委托 that has not caught up yet
_FIELD_RE = {
    "code": re.compile(r"(?:证券代码|股票代码|代码)[:：\s]*(\d{6})"),
    "quantity": re.compile(r"(?:委托数量|数量)[:：\s]*(\d+)"),
    "side": re.compile(r"(?:操作类别|操作|买卖方向|方向)[:：\s]*(\S+)"),
}


def describes(text: str, code: str, side: Side | None, quantity: int | None) -> bool:
    """Does a confirmation describe this order? Fields it names must match exactly (a
    confirmation of 000001 x 1000 is not ours for 600000 x 100); it must name our code."""
    found = {k: m.group(1) for k, r in _FIELD_RE.items() if (m := r.search(text))}
    if found.get("code", code if code in text else None) != code:
        return False
    if quantity is not None and "quantity" in found and int(found["quantity"]) != quantity:
        return False
    if side is not None and "side" in found and side.label not in found["side"]:
        return False
    return not (
        side is not None and (Side.SELL if side is Side.BUY else Side.BUY).label in text and side.label not in text
    )


def format_price(code: str, price: Decimal) -> str:
    """Typed with the instrument's tick: 10.5 → "10.50", 0.5 → "0.500" for funds/bonds."""
    return str(price.quantize(classify(code).tick))


def contract_numbers(rows: list[Row]) -> list[str]:
    return [str(r.get("合同编号", "")) for r in rows if r.get("合同编号")]


def matches(row: Row, hint: dict[str, Any]) -> bool:
    """Does a today's-orders row describe the order in `hint`?"""
    if str(row.get("证券代码", "")) != hint["stock_code"]:
        return False
    if Side(hint["side"]).label not in str(row.get("操作", "")):
        return False
    if hint.get("quantity") is not None and _int(row.get("委托数量")) != int(hint["quantity"]):
        return False
    if hint.get("price") is not None:
        try:
            return Decimal(str(row.get("委托价格"))) == Decimal(hint["price"])
        except ArithmeticError:
            return False
    return True


def refuse_if_void(row: Row, how: str) -> None:
    """A 废单 row is a refusal (failed), whether the submit reads it or a later reconcile does:
    both paths say the same thing, with the 合同编号 in the details."""
    if "废单" in str(row.get("备注", "")):
        contract = str(row.get("合同编号", ""))
        raise OrderVoided(f"{how}委托为废单，合同编号：{contract}", details={"合同编号": contract, "备注": "废单"})


def settle(rows: list[Row], hint: dict[str, Any], claimed: Collection[str] = ()) -> list[Row]:
    """The orders that are new since the hint's snapshot, match it and no other flow claimed
    (an identical order placed after it is someone else's, not a second answer)."""
    before = set(hint.get("before", []))
    return [
        r
        for r in rows
        if str(r.get("合同编号")) not in before and str(r.get("合同编号")) not in claimed and matches(r, hint)
    ]


def place(
    s: ClientSession, side: Side, code: str, quantity: int, *, price: Decimal | None, strategy: MarketStrategy | None
) -> OrderAck:
    """Fill the page, submit once, then read the verdict; see the module docstring."""
    market = strategy is not None
    hint: dict[str, Any] = {
        "kind": "order",
        "side": side.value,
        "stock_code": code,
        "quantity": quantity,
        "price": None if price is None else format_price(code, price),
        "market": market,
    }
    attempt = Attempt(hint)
    what = f"{'市价' if market else ''}{side.label}委托"
    with s.boundary(what, attempt):
        hint["before"] = contract_numbers(today_orders(s))
        s.goto(f"market_{side.value}" if market else side.value, fresh=True)
        s.type_into(CODE, code)
        if not s.wait_text(Locator(control_id=NAME)):
            log.warning("证券名称未显示（%s），继续提交，由客户端给出结论", code)
        if market:
            assert strategy is not None
            combo = s.find(Locator(control_id=MARKET_TYPE))
            item = market_item(s.seam.items(combo), strategy, s.config.market_aliases)
            s.seam.select_item(combo, item)
        else:
            s.type_into(PRICE, hint["price"])
        s.type_into(QTY, str(quantity))
        read_back(s, code, None if market else hint["price"], quantity, item if market else None)
        button = s.find(Locator(control_id=SUBMIT))
        name = s.find(Locator(control_id=NAME))
        named = bool(s.seam.text(name).strip())  # only a name that was shown can clear itself
        attempt.submitted = True
        if s.config.submit_key == "enter":  # builds that lose clicks on consecutive orders
            s.seam.press_keys(s.find(Locator(control_id=QTY)), "{ENTER}")
        else:
            s.seam.click(button)
        verdict = s.await_verdict(
            attempt,
            accept=lambda info: describes(said(info), code, side, quantity),
            quiet=lambda: named and not s.seam.text(name).strip(),  # the form cleared itself: it was sent
        )
        contract = trusted_contract(s, verdict, hint)
        if contract:
            return OrderAck(s.claim(contract), verdict.text)
        return _snapshot_verdict(s, attempt)
    raise AssertionError("unreachable")  # pragma: no cover


def read_back(s: ClientSession, code: str, price: str | None, quantity: int, item: str | None) -> None:
    """Every field as the form now shows it must be what was asked, before anything is sent: a
    pre-filled default the typing appended to, or keys that never arrived, would otherwise send
    another order (`docs/ths-facts.md#prefill`). A mismatch fails the operation, nothing sent."""
    fields = {"证券代码": CODE, "数量": QTY, **({"价格": PRICE} if price is not None else {})}
    shown = {label: s.seam.text(s.find(Locator(control_id=cid))).strip() for label, cid in fields.items()}
    wrong: list[str] = []
    if shown["证券代码"] != code:
        wrong.append(f"证券代码「{shown['证券代码']}」≠「{code}」")
    if price is not None and not _same_number(shown["价格"], price):
        wrong.append(f"价格「{shown['价格']}」≠「{price}」")
    if not _same_number(shown["数量"], str(quantity)):
        wrong.append(f"数量「{shown['数量']}」≠「{quantity}」")
    if item is not None:
        selected = s.seam.selected_item(s.find(Locator(control_id=MARKET_TYPE))).strip()
        if selected != item:
            wrong.append(f"市价委托类型「{selected}」≠「{item}」")
    if wrong:
        raise BrokerUnavailable(f"填写后回读与请求不符（{'；'.join(wrong)}），委托未提交")


def _same_number(shown: str, wanted: str) -> bool:
    try:
        return Decimal(shown.replace(",", "")) == Decimal(wanted)
    except ArithmeticError:
        return False


# How builds abbreviate the 1541 items (original easyths #21); `[broker].market_aliases` adds more.
MARKET_ALIASES: dict[str, tuple[str, ...]] = {
    MarketStrategy.COUNTERPARTY_BEST: ("对手方最优价格", "对手方最优", "对方最优"),
    MarketStrategy.OWN_BEST: ("本方最优价格", "本方最优"),
    MarketStrategy.FIVE_LEVEL_CANCEL: ("最优五档即时成交剩余撤销", "五档即成剩撤", "最优五档剩撤", "五档剩撤"),
    MarketStrategy.IMMEDIATE_CANCEL: ("即时成交剩余撤销", "即时成交剩撤", "即成剩撤"),
    MarketStrategy.FILL_OR_KILL: ("全额成交或撤销", "全额成交或撤", "全成或撤"),
    MarketStrategy.FIVE_LEVEL_TO_LIMIT: ("最优五档即时成交剩余转限价", "五档即成转限价", "五档剩转限", "五档转限价"),
}


def market_item(items: list[str], strategy: MarketStrategy, extra: dict[str, list[str]]) -> str:
    """The combo item meaning `strategy`: exact alias first, never a fuzzy guess. A strategy the
    build does not offer is a rejection naming what it does offer."""
    aliases: tuple[str, ...] = (*extra.get(str(strategy), ()), *MARKET_ALIASES[strategy])
    for alias in aliases:
        if alias in items:
            return alias
    offered = "、".join(items)
    raise BrokerRejected(
        f"客户端的市价委托类型中没有「{strategy}」（可选：{offered}），请在 [broker.market_aliases] 中配置"
    )


def trusted_contract(s: ClientSession, verdict: Verdict, hint: dict[str, Any]) -> str | None:
    """The dialog's 合同编号, if it can be taken on its word; when an earlier flow may still be
    sending dialogs, only if that 合同编号 is on the book as an order like ours."""
    if not verdict.contract_no:
        return None
    if verdict.trusted:
        return verdict.contract_no
    rows = [r for r in today_orders(s) if str(r.get("合同编号")) == verdict.contract_no]
    if len(rows) == 1 and matches(rows[0], {**hint, "quantity": hint.get("quantity"), "price": None}):
        return verdict.contract_no
    log.warning("成功提示中的合同编号 %s 与本次委托不符（可能属于更早的委托），改由当日委托判断", verdict.contract_no)
    return None


def _snapshot_verdict(s: ClientSession, attempt: Attempt) -> OrderAck:
    """No conclusive dialog: exactly one new matching order is a success, else unknown. A row
    may take a moment to appear, so 当日委托 is read up to `SETTLE_READS` times (bounded)."""
    hint = attempt.hint
    found: list[Row] = []
    for i in range(1 if attempt.declined else SETTLE_READS):
        if i:  # let the grid repaint; a late 提示 (a rejection) is read by the table meanwhile
            # a confirmation this late is declined: the driver has stopped waiting to send
            late = s.await_verdict(attempt, accept=lambda _: False, timeout=min(0.5, s.timeout))
            contract = trusted_contract(s, late, hint)
            if contract:
                return OrderAck(s.claim(contract), late.text)
        found = settle(today_orders(s), hint, s.claimed)
        if found:
            break
    if len(found) == 1:
        contract = str(found[0]["合同编号"])
        refuse_if_void(found[0], "")
        log.info("委托结果由当日委托确认：合同编号 %s", contract)
        return OrderAck(s.claim(contract), f"委托已提交（由当日委托确认），合同编号：{contract}")
    hint["seen"] = attempt.seen
    if attempt.declined and not found:
        raise OutcomeUnknown(
            f"客户端提示「{attempt.declined[0]}」，已回答“否”，委托应未发出；结果以对账为准", details=hint
        )
    raise OutcomeUnknown(f"未观察到明确的委托结果（新增匹配委托 {len(found)} 笔），请稍后对账", details=hint)


def reconcile(s: ClientSession, hint: dict[str, Any]) -> OrderAck | None:
    """Re-read today's orders: one new match settles it, none means it was never placed; a
    match that is a 废单 is `OrderVoided` (failed), as the submit's own verdict would say."""
    known = hint.get("contract_no")
    with s.boundary("对账"):
        s.drain_dialogs()  # a confirmation arriving late is closed, never answered, before judging
        s.settled()
        rows = today_orders(s)
        found = [r for r in rows if str(r.get("合同编号")) == str(known)] if known else settle(rows, hint, s.claimed)
    if known and not found:
        return OrderAck(str(known), "委托已存在")  # the client named it; the grid may lag behind
    if len(found) == 1:
        refuse_if_void(found[0], "对账确认")
        remark = found[0].get("备注") or "状态未知"
        return OrderAck(s.claim(str(found[0]["合同编号"])), f"对账确认委托已提交（{remark}）")
    if not found:
        return None
    raise OutcomeUnknown(f"对账发现 {len(found)} 笔可能的委托，无法确定", details=hint)


def listed_orders(s: ClientSession, code: str | None = None) -> list[Row]:
    """当日委托 for the order query. A read without an order this service saw placed today shows
    a grid that has not caught up with the exchange: read again after a pause, then fail rather
    than answer a list that leaves it out."""
    for attempt in range(SETTLE_READS):
        if attempt:
            s.seam.wait_for(lambda: None, STALE_PAUSE)
        rows = s.read_grid("orders").rows()
        listed = {str(r.get("合同编号")) for r in rows}
        s.seen(listed)
        missing = s.expected_today() - listed
        if not missing:
            return [r for r in rows if code is None or r.get("证券代码") == code]
    s.seen(missing)  # said once; a client switched to another account by hand must not block for good
    raise BrokerUnavailable(
        f"当日委托中没有本服务今天已确认的委托 {'、'.join(sorted(missing))}（客户端表格尚未刷新），请稍后再查"
    )


def today_orders(s: ClientSession, code: str | None = None) -> list[Row]:
    rows = s.read_grid("orders").rows()
    return [r for r in rows if code is None or r.get("证券代码") == code]


def _int(value: Any) -> int | None:
    try:
        return int(Decimal(str(value)))
    except ArithmeticError:
        return None


__all__ = [
    "contract_numbers",
    "describes",
    "format_price",
    "place",
    "reconcile",
    "refuse_if_void",
    "settle",
    "today_orders",
    "trusted_contract",
]
