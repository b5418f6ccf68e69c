"""条件单监控 on the client: the list of waiting condition orders, deleting them, and the
verdict on a delete (`docs/ths-facts.md#condition-monitor`).

Why read it this way: the monitor is a web page embedded in the main window, with no grid to
copy. Its 未触发 pane (`pane-not_triggered`) holds two Tables: the first's Custom carries the
Header cells (the column names, the first one the check-box column), the second's children are
the rows, each a run of DataItem cells whose first holds the row's CheckBox. A pane without its
header cells, or a row whose width differs from the header's, is an error, never "no
condition orders". Deleting ticks exactly the matching rows (and unticks any other), presses
删除 and answers the in-page 提示 with 确认; what was deleted is read from the monitor after, and
a target still listed leaves the delete `unknown`, never `failed`.
"""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from easyths.brokers.base import OrderAck, Row, Side
from easyths.brokers.ths.columns import canonical_header, coerce
from easyths.brokers.ths.seam import GridUnavailable, Locator
from easyths.brokers.ths.session import Attempt, ClientSession
from easyths.errors import BrokerUnavailable, OutcomeUnknown

log = logging.getLogger("easyths.ths")

ID_COLUMNS = ("条件单编号", "条件单号", "编号", "ID")
EXPECTED = ("方向", "监控标的")  # the cells the evidence names (DataItem[4], DataItem[5])
NOT_TRIGGERED = Locator(role="Custom", auto_id="pane-not_triggered")


def own(role: str | None = None, **kw: Any) -> Locator:
    """A direct child of the parent given with it (fields are known by position among them)."""
    return Locator(role=role, children_only=True, **kw)


def claim_key(cid: str) -> str:
    """Condition ids share the session's claims with 合同编号, under their own prefix."""
    return f"条件单:{cid}"


def condition_id(row: Row) -> str:
    for column in ID_COLUMNS:
        if row.get(column):
            return str(row[column])
    return ""


def target(row: Row) -> str:
    return str(row.get("证券代码") or row.get("监控标的") or "")


def _document(s: ClientSession) -> Any:
    """Open 条件单监控 afresh (F5 as easyths does), dismiss a leftover in-page 提示 with 取消 (an
    earlier delete left unanswered: 确认 would delete whatever it had ticked), show 未触发."""
    s.goto("condition_monitor", fresh=True)
    doc = s.find(Locator(role="Document"), s.find(Locator(role="Pane", auto_id="2393")))
    s.seam.press_keys(s.seam.main_window(), "{F5}")
    for _ in range(3):
        leftover = s.seam.find_all(own("Custom", title="提示"), doc)
        if not leftover:
            break
        s.seam.click(s.find(own("Button", title="取消"), leftover[0]))
    tab = s.find(Locator(role="TabItem", title="未触发"), s.find(own("Tab"), doc))
    s.seam.click(tab)
    if not s.seam.wait_for(lambda: s.seam.exists(NOT_TRIGGERED, doc), s.timeout):
        raise GridUnavailable("读取条件单监控失败：点击「未触发」后没有出现未触发列表，不能当作没有条件单")
    return doc


def read(s: ClientSession) -> tuple[Any, list[tuple[Row, Any]]]:
    """The document and each waiting condition as (row, its CheckBox handle)."""
    doc = _document(s)
    pane = s.find(NOT_TRIGGERED, doc)
    tables = s.seam.find_all(own("Table"), pane)
    if len(tables) < 2:
        raise GridUnavailable("读取条件单监控失败：未触发列表缺少表头或数据表，不能当作没有条件单")
    cells = s.seam.find_all(Locator(role="Header"), tables[0])
    headers = [canonical_header(s.seam.text(h), s.config.columns) for h in cells]
    if not headers:
        raise GridUnavailable("读取条件单监控失败：表格没有表头（页面未加载完成），不能当作没有条件单")
    missing = [c for c in EXPECTED if c not in headers]
    if missing:
        raise GridUnavailable(f"读取条件单监控失败：表头缺少「{'、'.join(missing)}」，不能当作没有条件单")
    found: list[tuple[Row, Any]] = []
    for line in s.seam.find_all(own(), tables[1]):
        cells = s.seam.find_all(own("DataItem"), line)
        if len(cells) != len(headers):
            raise GridUnavailable(f"读取条件单监控失败：一行有 {len(cells)} 格，表头有 {len(headers)} 列")
        texts = [s.seam.text(c).replace("\xa0", " ") for c in cells]
        row = {h: coerce(h, t) for h, t in zip(headers[1:], texts[1:], strict=True) if h}
        found.append((row, s.find(Locator(role="CheckBox"), cells[0])))
    return doc, found


def condition_orders(s: ClientSession) -> list[Row]:
    return [row for row, _ in read(s)[1]]


def new_conditions(s: ClientSession, hint: dict[str, Any]) -> list[Row]:
    """Rows new since the hint's snapshot, on its code and side, that no other flow claimed (an
    identical condition set after an unknown one is not a second answer to it; one on the other
    side is never its answer)."""
    before = set(hint.get("before", []))
    side = None if hint.get("side") is None else Side(str(hint["side"]))
    rows = condition_orders(s)
    if not all(condition_id(r) for r in rows):  # "" would match "" in `before`, or pass as an id
        raise GridUnavailable(
            f"条件单监控中没有可识别的编号列（{'、'.join(ID_COLUMNS)}），不能据此判断条件单是否已设置"
        )
    return [
        r
        for r in rows
        if condition_id(r) not in before
        and claim_key(condition_id(r)) not in s.claimed
        and hint["stock_code"] in target(r)
        and (side is None or side.label in str(r.get("方向", "")))  # DataItem[4], always read
    ]


def _set_box(s: ClientSession, box: Any, on: bool) -> None:
    if s.seam.is_checked(box) != on:
        s.seam.click(box)
    if s.seam.is_checked(box) != on:
        raise BrokerUnavailable("条件单监控的勾选框没有按要求变化，未删除任何条件单")


def cancel_conditions(s: ClientSession, code: str | None, side: Side | None) -> list[str]:
    """Tick exactly the matching rows, 删除, 确认; the ids of the rows deleted. Once 删除 was
    pressed, a target still listed leaves the delete unknown (`reconcile_condition_cancel`)."""
    attempt = Attempt({"kind": "condition_cancel"})
    with s.boundary("删除条件单", attempt):
        doc, listed = read(s)

        def wanted(row: Row) -> bool:
            return (code is None or code in target(row)) and (side is None or side.label in str(row.get("方向", "")))

        targets = [condition_id(row) for row, _ in listed if wanted(row)]
        if not targets:
            return []
        if not all(targets):  # without an id, what was deleted could not be read back after
            raise BrokerUnavailable(
                f"条件单监控中没有可识别的编号列（{'、'.join(ID_COLUMNS)}），删除后无法核对，未删除任何条件单"
            )
        for row, box in listed:  # a box left ticked by hand would be deleted too: untick it
            _set_box(s, box, wanted(row))
        remove = s.find(own("Button", title="删除"), doc)
        if not s.seam.wait_for(partial(s.seam.is_enabled, remove), s.timeout):
            raise BrokerUnavailable("勾选条件单后「删除」按钮仍不可用，未删除任何条件单")
        if s.seam.find_all(own("Custom", title="提示"), doc):  # 确认 below would answer it, not ours
            raise BrokerUnavailable("条件单监控中有关不掉的「提示」（可能属于更早的删除），未删除任何条件单")
        attempt.hint["targets"] = targets
        attempt.submitted = True
        s.seam.click(remove)
        asks = s.seam.wait_for(lambda: next(iter(s.seam.find_all(own("Custom", title="提示"), doc)), None), s.timeout)
        if asks is None:
            why = "点击「删除」后没有出现确认提示，删除结果未知，请用 condition_order_query 核对"
            raise OutcomeUnknown(why, details=attempt.hint)
        s.seam.click(s.find(own("Button", title="确认"), asks))
        left = {condition_id(r) for r in condition_orders(s)}
        still = [t for t in targets if t in left]
        if still:
            raise OutcomeUnknown(
                f"删除后条件单 {'、'.join(still)} 仍在列表中，删除结果未知，请稍后对账", details=attempt.hint
            )
        return targets
    raise AssertionError("unreachable")  # pragma: no cover


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
    "claim_key",
    "condition_id",
    "condition_orders",
    "new_conditions",
    "reconcile_condition_cancel",
]
