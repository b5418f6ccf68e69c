"""Condition orders on the client: 股价条件 (condition buy / sell) and 止盈止损, as the evidence
shows them (`docs/ths-facts.md#condition-create`).

Why by position, and why so many read-backs: selecting either item opens a #32770 popup (known
by its `ConditionToolBar` pane) holding a web form with no ids, whose fields the evidence knows
only by their place among the document's own children (code in the ComboBox's Edit named …代码…,
trigger price Edit[0], quantity Edit[2]; for 止盈止损 five digits of the code in Edit[0], 止盈 %
Edit[4], 止损 % Edit[6], quantity Edit[4] after 下一步), the side by the Tab's position, the
validity by its index in the 请选择 list. A changed page would put a number in the wrong box, so
every field is read back (and typed once more when it differs) and the side tab, 全自动委托 and
the chosen validity are checked before 提交确认; anything that does not read back as asked stops
the flow with nothing sent. What the client says after 提交确认 is recorded by no source: the
verdict is the new row in 条件单监控 (`condition_monitor`), else `unknown`.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from easyths.brokers.base import ConditionAck, Side
from easyths.brokers.ths.condition_monitor import claim_key, condition_id, condition_orders, new_conditions, own
from easyths.brokers.ths.orders import format_price
from easyths.brokers.ths.seam import Locator, SeamError, WindowGone
from easyths.brokers.ths.session import CONDITION_FORM, FILL_TRIES, Attempt, ClientSession
from easyths.errors import BrokerRejected, BrokerUnavailable, OutcomeUnknown

DAYS = (1, 3, 5, 10, 20, 30)  # the validity list's items, by index (easyths' count_map)
TABS = {Side.BUY: 0, Side.SELL: 1}  # 股价条件's Tab: the second tab is 卖出 (easyths 2.x)


def _edit(index: int) -> Locator:
    return own("Edit", index=index)


def open_form(s: ClientSession, page: str) -> tuple[Any, Any]:
    """Select the item and wait for its popup; (popup, the form's Document)."""
    s.goto(page, fresh=True)
    popup = s.seam.wait_for(lambda: _form_popup(s), s.timeout)
    if popup is None:
        raise BrokerUnavailable(
            "选择条件单菜单后没有出现条件单窗口（ConditionToolBar）；首次使用须先在客户端中手动同意《条件单风险提示书》"
        )
    return popup, s.find(Locator(role="Document"), popup)


def _form_popup(s: ClientSession) -> Any:
    for info in s.seam.dialogs():
        if s.seam.exists(CONDITION_FORM, info.handle):
            return info.handle
    return None


def close_form(s: ClientSession, popup: Any) -> None:
    """Esc, as easyths closes it (a web popup closed by WM_CLOSE may not open again)."""
    try:
        s.seam.press_keys(popup, "{ESC}")
        if any(d.handle is popup or d.handle == popup for d in s.seam.dialogs()):
            s.seam.close(popup)
    except WindowGone:
        return


def fill(s: ClientSession, parent: Any, locator: Locator, text: str, what: str) -> Any:
    """Type into a field and read it back; a field showing something else is erased and typed
    once more; still different: nothing is submitted."""
    handle = s.find(locator, parent)
    for attempt in range(FILL_TRIES):
        if attempt:
            s.seam.erase(handle)
        s.seam.set_text(handle, text)
        if s.seam.text(handle).strip() == text:
            return handle
    raise BrokerUnavailable(f"{what}回读为「{s.seam.text(handle).strip()}」，与「{text}」不符，未提交条件单")


def _check(s: ClientSession, handle: Any, text: str, what: str) -> None:
    if s.seam.text(handle).strip() != text:
        raise BrokerUnavailable(f"提交前{what}回读为「{s.seam.text(handle).strip()}」，与「{text}」不符，未提交条件单")


def _next(s: ClientSession, doc: Any, arrived: Locator, no_holding: str | None) -> None:
    button = s.find(own("Button", title="下一步"), doc)
    if not s.seam.is_enabled(button):
        if no_holding is not None:
            raise BrokerRejected(no_holding)
        raise BrokerUnavailable("「下一步」不可用，未提交条件单")
    s.seam.click(button)
    if not s.seam.wait_for(lambda: s.seam.exists(arrived, doc), s.timeout):
        raise BrokerUnavailable("点击「下一步」后条件单表单没有进入下一步，未提交条件单")


def _automatic(s: ClientSession, doc: Any) -> Any:
    """全自动委托 (the order is placed when the condition triggers); the first time an in-page
    温馨提示 comes, answered 不再提醒 + 我知道了. Greyed and not chosen (as in simulated trading):
    the condition would only remind, so nothing is submitted."""
    radio = s.find(own("RadioButton", title="全自动委托"), doc)
    if not s.seam.is_checked(radio):
        if not s.seam.is_enabled(radio):
            raise BrokerUnavailable("「全自动委托」不可选（模拟账户中为灰色），条件触发后不会自动下单，未提交条件单")
        s.seam.click(radio)
        notice = s.seam.wait_for(
            lambda: next(iter(s.seam.find_all(own("Custom", title="温馨提示"), doc)), None),
            min(s.config.dialog_grace, s.timeout),
        )
        if notice is not None:
            for box in s.seam.find_all(Locator(role="CheckBox"), notice):
                if not s.seam.is_checked(box):
                    s.seam.click(box)  # 不再提醒
            s.seam.click(s.find(Locator(role="Button", title="我知道了"), notice))
    if not s.seam.is_checked(radio):
        raise BrokerUnavailable("未能选中「全自动委托」，未提交条件单")
    return radio


def _validity(s: ClientSession, doc: Any, days: int) -> tuple[Any, str]:
    """The second Edit named 请选择 opens a List of six terms; the item is taken by index, and
    its text must name `days` (the index is all the evidence gives), then Enter; the Edit must
    then show that item."""
    if days not in DAYS:
        raise BrokerUnavailable(f"有效期只能是 {'/'.join(map(str, DAYS))} 天，未提交条件单")
    edit = s.find(own("Edit", title="请选择", index=1), doc)
    s.seam.click(edit)
    listing = s.seam.wait_for(lambda: next(iter(s.seam.find_all(own("List"), doc)), None), s.timeout)
    if listing is None:
        raise BrokerUnavailable("点击「策略有效期」后没有出现选项列表，未提交条件单")
    items = s.seam.find_all(own("ListItem"), listing)
    if len(items) != len(DAYS):
        raise BrokerUnavailable(f"策略有效期列表有 {len(items)} 项，不是已知的 {len(DAYS)} 项，未提交条件单")
    item = items[DAYS.index(days)]
    label = s.seam.text(item).strip()
    if re.findall(r"\d+", label) != [str(days)]:
        place = DAYS.index(days) + 1
        raise BrokerUnavailable(f"策略有效期列表第 {place} 项为「{label}」，不是 {days} 天，未提交条件单")
    s.seam.click(item)
    s.seam.press_keys(listing, "{ENTER}")
    _check(s, edit, label, "策略有效期")
    return edit, label


def _submit(s: ClientSession, popup: Any, doc: Any, attempt: Attempt, quantity: int) -> ConditionAck:
    """Press 提交确认, close the popup; the verdict is the one new row of 条件单监控."""
    button = s.find(own("Button", title="提交确认"), doc)
    attempt.submitted = True
    s.seam.click(button)
    said = _in_page_text(s, doc)
    close_form(s, popup)
    new = new_conditions(s, attempt.hint)
    if len(new) != 1:
        shown = f"，客户端显示「{said}」" if said else ""
        raise OutcomeUnknown(f"条件单提交后未能确认（新增 {len(new)} 条{shown}），请稍后对账", details=attempt.hint)
    cid = condition_id(new[0])
    s.claim(claim_key(cid))
    return ConditionAck(cid, said or "条件单提交成功", quantity)


def _in_page_text(s: ClientSession, doc: Any) -> str:
    """What an in-page 提示 says after the submit, for the user only: no source records its texts."""
    try:
        boxes = s.seam.find_all(own("Custom", title="提示"), doc)
        return " ".join(s.seam.text(t) for b in boxes for t in s.seam.find_all(Locator(role="Text"), b)).strip()
    except SeamError:
        return ""


def place_condition(
    s: ClientSession, side: Side, code: str, trigger: Decimal, quantity: int, expire_days: int
) -> ConditionAck:
    attempt = Attempt({"kind": "condition", "side": side.value, "stock_code": code, "quantity": quantity})
    with s.boundary(f"条件{side.label}", attempt):
        attempt.hint["before"] = [condition_id(r) for r in condition_orders(s)]
        popup, doc = open_form(s, "condition_price")
        tabs = s.seam.find_all(own("TabItem"), s.find(own("Tab"), doc))
        if len(tabs) < 2:
            raise BrokerUnavailable("股价条件表单没有买入/卖出两个标签，未提交条件单")
        tab = tabs[TABS[side]]
        s.seam.click(tab)
        if not s.seam.is_checked(tab):
            raise BrokerUnavailable(f"未能切换到股价条件的{side.label}标签，未提交条件单")
        combo = s.find(own("ComboBox"), doc)
        code_box = fill(s, combo, Locator(role="Edit", title_contains="代码"), code, "股票代码")
        price = format_price(code, trigger)
        price_box = fill(s, doc, _edit(0), price, "触发价格")
        no_holding = "没有相应的股票持仓记录，无法设置条件单" if side is Side.SELL else None
        _next(s, doc, _edit(2), no_holding)
        qty_box = fill(s, doc, _edit(2), str(quantity), "委托数量")
        radio = _automatic(s, doc)
        days_box, days_label = _validity(s, doc, expire_days)
        for handle, text, what in (
            (code_box, code, "股票代码"),
            (price_box, price, "触发价格"),
            (qty_box, str(quantity), "委托数量"),
            (days_box, days_label, "策略有效期"),
        ):
            _check(s, handle, text, what)
        if not (s.seam.is_checked(tab) and s.seam.is_checked(radio)):
            raise BrokerUnavailable("提交前买卖标签或「全自动委托」已不是所选，未提交条件单")
        return _submit(s, popup, doc, attempt, quantity)
    raise AssertionError("unreachable")  # pragma: no cover


def place_stop_loss_profit(
    s: ClientSession, code: str, loss: Decimal, profit: Decimal, quantity: int | None, expire_days: int
) -> ConditionAck:
    attempt = Attempt({"kind": "condition", "side": Side.SELL.value, "stock_code": code, "quantity": quantity})
    with s.boundary("止盈止损", attempt):
        attempt.hint["before"] = [condition_id(r) for r in condition_orders(s)]
        popup, doc = open_form(s, "stop_loss_profit")
        fill(s, doc, _edit(0), code[:5], "股票代码")  # the edit takes five digits only
        _pick_holding(s, popup, doc, code)
        profit_box = fill(s, doc, _edit(4), f"{profit:f}", "止盈比例")
        loss_box = fill(s, doc, _edit(6), f"{loss:f}", "止损比例")
        _check(s, profit_box, f"{profit:f}", "止盈比例")
        sellable = Locator(role="Text", title_contains="可卖", children_only=True)
        _next(s, doc, sellable, None)
        if quantity is None:  # as easyths: all that is sellable, as the form states it
            quantity = _sellable(s, s.seam.text(s.find(sellable, doc)), code)
        qty_box = fill(s, doc, _edit(4), str(quantity), "委托数量")
        radio = _automatic(s, doc)
        days_box, days_label = _validity(s, doc, expire_days)
        _check(s, qty_box, str(quantity), "委托数量")
        _check(s, days_box, days_label, "策略有效期")
        _check(s, loss_box, f"{loss:f}", "止损比例")
        if not s.seam.is_checked(radio):
            raise BrokerUnavailable("提交前「全自动委托」已不是所选，未提交条件单")
        return _submit(s, popup, doc, attempt, quantity)
    raise AssertionError("unreachable")  # pragma: no cover


def _pick_holding(s: ClientSession, popup: Any, doc: Any, code: str) -> None:
    """The holdings matching the five digits are listed; the one whose text holds the whole code
    is clicked. None: no holding of it (the popup is closed, nothing was set)."""
    listing = s.seam.wait_for(lambda: next(iter(s.seam.find_all(own("List"), doc)), None), s.timeout)
    if listing is None:
        close_form(s, popup)
        raise BrokerUnavailable("输入代码后没有出现持仓列表，无法确认持仓，未提交止盈止损单")
    hits = s.seam.find_all(Locator(role="Text", title_contains=code), listing)
    if not hits:
        close_form(s, popup)
        raise BrokerRejected("没有相应的股票持仓记录，无法设置止盈止损")
    if len(hits) > 1:
        close_form(s, popup)
        raise BrokerUnavailable(f"持仓列表中有 {len(hits)} 项含 {code}，无法确定，未提交止盈止损单")
    s.seam.click(hits[0])
    if not s.seam.wait_for(lambda: not s.seam.exists(own("List"), doc), s.timeout):
        raise BrokerUnavailable("点击持仓后列表没有关闭，无法确认所选持仓，未提交止盈止损单")


def _sellable(s: ClientSession, text: str, code: str) -> int:
    digits = re.findall(r"\d+", text.replace(",", ""))
    if not digits:
        raise BrokerUnavailable(f"读不出可卖数量（「{text.strip()}」），请指定委托数量 quantity")
    if int(digits[0]) <= 0:
        raise BrokerRejected(f"{code}可卖数量为0（当日买入的股票次日才可卖），请指定委托数量 quantity")
    return int(digits[0])


__all__ = ["close_form", "open_form", "place_condition", "place_stop_loss_profit"]
