"""The embedded (Chromium) panels: 条件单 pages and 国债逆回购.

Why by role and text: these pages are web content inside the client, so their controls have no
numeric ids; UI Automation exposes them as Edit/Button/ListItem/DataItem with their labels. The
labels are the only stable handle, and they are the ones a user sees (`docs/ths-facts.md#repo-popup`,
`docs/ths-facts.md#conditions`).
"""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any

from easyths.brokers.base import ConditionAck, OrderAck, Row, Side
from easyths.brokers.ths.columns import canonical_header, coerce
from easyths.brokers.ths.orders import (
    format_price,
)
from easyths.brokers.ths.seam import GridUnavailable, Locator
from easyths.brokers.ths.session import Attempt, ClientSession, said
from easyths.errors import BrokerError, OutcomeUnknown

log = logging.getLogger("easyths.ths")

ID_COLUMNS = ("条件单编号", "条件单号", "编号", "ID")
CONDITION_COLUMNS = ("方向", "监控标的")  # the cells the evidence names (docs/ths-facts.md#condition-monitor)
REPO_COLUMNS = ("证券代码", "年化利率")


def edit(label: str) -> Locator:
    return Locator(role="Edit", title=label)


def button(label: str) -> Locator:
    return Locator(role="Button", title=label)


def read_table(s: ClientSession, expect: tuple[str, ...], what: str, parent: Any = None) -> list[Row]:
    """An embedded table: HeaderItem labels, then one DataItem per cell, row after row. A table
    without its header items (not drawn yet, another tab) is an error, never "no rows"
    (`docs/ths-facts.md#condition-monitor`)."""
    seam = s.seam
    headers = [
        canonical_header(seam.text(h), s.config.columns) for h in seam.find_all(Locator(role="HeaderItem"), parent)
    ]
    if not headers:
        raise GridUnavailable(f"读取{what}失败：表格没有表头（页面未加载完成），不能当作没有数据")
    missing = [c for c in expect if c not in headers]
    if missing:
        raise GridUnavailable(f"读取{what}失败：表头缺少「{'、'.join(missing)}」，不能当作没有数据")
    cells = [seam.text(c) for c in seam.find_all(Locator(role="DataItem"), parent)]
    width = len(headers)
    rows: list[Row] = []
    for start in range(0, len(cells) - width + 1, width):
        line = cells[start : start + width]
        rows.append({h: coerce(h, c) for h, c in zip(headers, line, strict=True) if h})
    return rows


CODE_LABELS = ("代码", "股票代码", "证券代码")


def _fill(s: ClientSession, label: str, text: str) -> None:
    labels = CODE_LABELS if label in CODE_LABELS else (label,)
    for name in labels:  # the panel labels its code edit 代码 on some builds, 股票代码 on others
        if s.seam.exists(edit(name)):
            s.seam.set_text(s.find(edit(name)), text)
            return
    s.seam.set_text(s.find(edit(label)), text)


def _press(s: ClientSession, label: str) -> None:
    s.seam.click(s.find(button(label)))


def _finish_form(s: ClientSession, expire_days: int) -> None:
    """全自动委托 (which may raise an in-page 温馨提示, answered 我知道了), then the validity
    drop-down (请选择): open it, pick N天 (`docs/ths-facts.md#condition-create`)."""
    s.seam.click(s.find(Locator(role="RadioButton", title="全自动委托")))
    if s.seam.wait_for(lambda: s.seam.exists(button("我知道了")), min(s.config.dialog_grace, s.timeout)):
        s.seam.click(s.find(button("我知道了")))
    s.seam.click(s.find(Locator(role="ComboBox", title="请选择")))
    s.seam.click(s.find(Locator(role="ListItem", title=f"{expire_days}天")))


def _acknowledge_in_page(s: ClientSession, label: str) -> bool:
    """An in-page (CEF) prompt such as 温馨提示 or the delete 提示: not a window, so the dialog
    table never sees it; its button is pressed here, inside the flow that caused it."""
    found = s.seam.wait_for(lambda: s.seam.exists(button(label)), s.timeout)
    if not found:
        return False
    s.seam.click(s.find(button(label)))
    return True


# --- condition orders ---------------------------------------------------------------------
def condition_orders(s: ClientSession) -> list[Row]:
    s.goto("condition_monitor", fresh=True)
    s.seam.click(s.find(Locator(role="TabItem", title="未触发")))
    return read_table(s, CONDITION_COLUMNS, "条件单监控")


def target(row: Row) -> str:
    return str(row.get("证券代码") or row.get("监控标的") or "")


def _int_or_none(text: str) -> int | None:
    digits = "".join(ch for ch in text if ch.isdigit())
    return int(digits) if digits else None


def condition_id(row: Row) -> str:
    for column in ID_COLUMNS:
        if row.get(column):
            return str(row[column])
    return ""


def new_conditions(s: ClientSession, hint: dict[str, Any]) -> list[Row]:
    """Rows of 条件单监控 new since the hint's snapshot, on its code, that no other flow claimed
    (an identical condition set after an unknown one is not a second answer to it)."""
    before = set(hint.get("before", []))
    return [
        r
        for r in condition_orders(s)
        if condition_id(r) not in before
        and claim_key(condition_id(r)) not in s.claimed
        and hint["stock_code"] in target(r)
    ]


def claim_key(cid: str) -> str:
    """Condition ids share the session's claims with 合同编号, under their own prefix."""
    return f"条件单:{cid}"


def _new_condition(s: ClientSession, attempt: Attempt, text: str, quantity: int | None) -> ConditionAck:
    """The panel's success text has no id: the new row in 条件单监控 carries it."""
    new = new_conditions(s, attempt.hint)
    if len(new) != 1:
        raise OutcomeUnknown(f"条件单提交后未能确认（新增 {len(new)} 条），请稍后对账", details=attempt.hint)
    s.claim(claim_key(condition_id(new[0])))
    return ConditionAck(condition_id(new[0]), text or "条件单提交成功", quantity or 0)


def place_condition(
    s: ClientSession, side: Side, code: str, target: Decimal, quantity: int, expire_days: int
) -> ConditionAck:
    attempt = Attempt({"kind": "condition", "side": side.value, "stock_code": code, "quantity": quantity})
    with s.boundary(f"条件{side.label}", attempt):
        attempt.hint["before"] = [condition_id(r) for r in condition_orders(s)]
        s.goto("condition_price", fresh=True)
        s.seam.click(s.find(Locator(role="RadioButton", title=side.label)))
        _fill(s, "代码", code)
        _fill(s, "目标价格", format_price(code, target))
        _press(s, "下一步")
        _fill(s, "委托数量", str(quantity))
        _finish_form(s, expire_days)
        attempt.submitted = True
        _press(s, "提交确认")
        verdict = s.await_verdict(attempt, accept=lambda info: code in said(info))
        return _new_condition(s, attempt, verdict.text, quantity)
    raise AssertionError("unreachable")  # pragma: no cover


def place_stop_loss_profit(
    s: ClientSession, code: str, loss: Decimal, profit: Decimal, quantity: int | None, expire_days: int
) -> ConditionAck:
    attempt = Attempt({"kind": "condition", "side": Side.SELL.value, "stock_code": code, "quantity": quantity})
    with s.boundary("止盈止损", attempt):
        attempt.hint["before"] = [condition_id(r) for r in condition_orders(s)]
        s.goto("stop_loss_profit", fresh=True)
        _fill(s, "代码", code)
        _fill(s, "止盈比例", f"{profit:f}")
        _fill(s, "止损比例", f"{loss:f}")
        _press(s, "下一步")
        if quantity is not None:
            _fill(s, "委托数量", str(quantity))
        else:  # the form proposes all sellable shares; that is what the order will cover
            quantity = _int_or_none(s.seam.text(s.find(edit("委托数量"))))
        _finish_form(s, expire_days)
        attempt.submitted = True
        _press(s, "提交确认")
        verdict = s.await_verdict(attempt, accept=lambda info: code in said(info))
        return _new_condition(s, attempt, verdict.text, quantity)
    raise AssertionError("unreachable")  # pragma: no cover


def cancel_conditions(s: ClientSession, code: str | None, side: Side | None) -> list[str]:
    """Tick the matching rows' checkboxes, 删除, confirm; the ids of the rows that disappeared. Once
    删除 was pressed, a failure means they may be gone: unknown (`reconcile_condition_cancel`)."""
    attempt = Attempt({"kind": "condition_cancel"})
    with s.boundary("删除条件单", attempt):
        rows = condition_orders(s)
        boxes = s.seam.find_all(Locator(role="CheckBox"))  # one per row, in row order
        chosen = [
            (row, box)
            for row, box in zip(rows, boxes, strict=False)
            if (code is None or code in target(row)) and (side is None or side.label in str(row.get("方向", "")))
        ]
        if not chosen:
            return []
        for _, box in chosen:
            s.seam.click(box)
        attempt.hint["targets"] = [condition_id(row) for row, _ in chosen]
        attempt.submitted = True
        _press(s, "删除")
        _acknowledge_in_page(s, "确认")  # the in-page 提示 asks; its button is 确认
        try:
            s.await_verdict(Attempt({"kind": "condition_cancel"}))
        except BrokerError as exc:
            log.warning("删除条件单的提示: %s", exc.message)
        ids = {condition_id(r) for r in condition_orders(s)}
        return [condition_id(row) for row, _ in chosen if condition_id(row) not in ids]


def reconcile_condition_cancel(s: ClientSession, hint: dict[str, Any]) -> OrderAck:
    """A 删除 cut off: settled once none of its targets is still listed; else unknown."""
    targets = [str(t) for t in hint.get("targets", [])]
    if not targets:
        raise OutcomeUnknown("无法确定删除的条件单，请用 condition_order_query 核对条件单")
    with s.boundary("对账"):
        s.drain_dialogs()
        s.settled()
        listed = {condition_id(r) for r in condition_orders(s)}
    left = [t for t in targets if t in listed]
    if left:
        raise OutcomeUnknown(
            f"条件单 {'、'.join(left)} 仍在，删除结果未知，请用 condition_order_query 核对", details=hint
        )
    return OrderAck(",".join(targets), f"对账确认条件单已删除：{'、'.join(targets)}")


__all__ = [
    "cancel_conditions",
    "condition_id",
    "condition_orders",
    "place_condition",
    "place_stop_loss_profit",
    "read_table",
    "target",
]
