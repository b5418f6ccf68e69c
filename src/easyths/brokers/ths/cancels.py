"""Cancelling orders on the client's 撤单[F3] page, and the verdict on each cancel.

Why the flows look like this (`docs/ths-facts.md#cancel`): the page filters by stock code only
(3348 + 查询代码 3349), never by 合同编号, and a row can be chosen only by its position in a grid
that may re-sort between a read and a selection. So one order is cancelled by narrowing to its
code: a sole open row is certainly ours; among several, the 撤单确认 dialog's code, price and
volume (statics 1042–1044) must be ours before 是 is pressed, and without that dialog, or with an
identical twin on the book, the driver refuses (`CancelAmbiguous`) rather than guess. What was
cancelled is read from 当日委托 afterwards (已撤 / 部撤), never from the dialogs nor from rows
leaving the 撤单 grid. Once a 撤单 was pressed, a failure means the cancels may have gone:
`unknown` (`reconcile_cancel`), never `failed`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Any

from easyths.brokers.base import CancelSide, OrderAck, Row, Side
from easyths.brokers.ths.orders import today_orders
from easyths.brokers.ths.seam import DialogInfo, Locator
from easyths.brokers.ths.session import Attempt, ClientSession, said
from easyths.errors import BrokerRejected, BrokerUnavailable, CancelAmbiguous, OutcomeUnknown

log = logging.getLogger("easyths.ths")

CANCEL_ALL, CANCEL_BUY, CANCEL_SELL = 30001, 30002, 30003
CANCEL_BUTTONS = {"all": CANCEL_ALL, "buy": CANCEL_BUY, "sell": CANCEL_SELL}
CANCEL_FILTER, CANCEL_QUERY = 3348, 3349
# The single-order button: 撤单(Del) (id 1099) on the new skin, 撤单 on PP's builds.
SINGLE_CANCEL = ("撤单(Del)", "撤单")
CONFIRM_CODE, CONFIRM_PRICE, CONFIRM_VOLUME = 1042, 1043, 1044
CANCELLABLE = ("未成交", "部分成交", "已报", "未报", "部成", "待报", "正报")
TICK_TRIES = 2  # a re-sorted grid gets one more read and tick before the cancel is refused


def cancel(s: ClientSession, *, code: str | None, side: CancelSide, contract_no: str | None) -> list[str]:
    """One order by 合同编号; otherwise the side buttons (全撤/撤买/撤卖) on the grid narrowed to
    `code` when given, as the client offers it."""
    attempt = Attempt({"kind": "order_cancel"})
    with s.boundary("撤单", attempt):
        candidates = [r for r in _cancel_rows(s) if _cancellable(r, code, side, contract_no)]
        if not candidates:
            return []
        attempt.hint["targets"] = [str(r["合同编号"]) for r in candidates]
        if contract_no is not None:
            refusal = _cancel_one(s, candidates[0], attempt)
        else:
            if code is not None:
                _cancel_rows(s, code)  # the side buttons act on what the grid shows
            button = s.find(Locator(control_id=CANCEL_BUTTONS[side]))
            attempt.submitted = True
            s.seam.click(button)
            refusal, _ = _confirm(s, accept=lambda info: code is None or _names(info, code))
        if not attempt.submitted:  # nothing was pressed, so nothing changed
            if refusal:
                raise BrokerUnavailable(refusal)
            return []
        return _cancelled(s, attempt.hint["targets"], [refusal] if refusal else [], attempt.hint)
    raise AssertionError("unreachable")  # pragma: no cover


def _cancel_one(s: ClientSession, target: Row, attempt: Attempt) -> str:
    """Narrow to the code, tick the row whose 合同编号 matches, 撤单, and answer 是 only to a
    confirmation that shows this order; see the module docstring for why."""
    contract_no, code = str(target["合同编号"]), str(target["证券代码"])
    for _ in range(TICK_TRIES):
        rows = [r for r in _cancel_rows(s, code) if _cancellable(r, code, "all", None)]
        numbers = [str(r.get("合同编号")) for r in rows]
        if contract_no not in numbers:
            return ""  # filled or cancelled meanwhile: 当日委托 says which
        mine = rows[numbers.index(contract_no)]
        if len(rows) > 1:
            if s.popups is not True:
                raise CancelAmbiguous(
                    f"代码 {code} 有 {len(rows)} 笔可撤委托，客户端只能按代码筛选，且未开启撤单确认，"
                    f"无法确定勾选的是 {contract_no}：请在 系统设置 → 快速交易 中把「撤单前是否需要确认」设为 是，"
                    "并把 [broker].popups 设为 on"
                )
            twins = [r for r in rows if r is not mine and _same_order(r, mine)]
            if twins:
                others = "、".join(str(t.get("合同编号")) for t in twins)
                raise CancelAmbiguous(
                    f"委托 {contract_no} 与 {others} 的代码、价格、数量都相同，撤单确认框无法区分，请在客户端中手动撤单"
                )
        s.seam.click_grid_row(s.grid(), numbers.index(contract_no))  # by its position, as every peer
        button = _single_cancel_button(s)
        if not s.seam.wait_for(partial(s.seam.is_enabled, button), s.timeout):
            return f"勾选委托 {contract_no} 后撤单按钮仍不可用"
        attempt.submitted = True
        s.seam.click(button)
        refusal, confirmed = _confirm(s, accept=partial(_shows, row=mine, sole=len(rows) == 1), attempt=attempt)
        if len(rows) > 1 and not confirmed and not attempt.refused and not refusal:
            raise OutcomeUnknown(
                f"撤单后没有出现撤单确认框（[broker].popups = on 与客户端设置不符？），无法确认撤掉的是 {contract_no}，"
                "请用 order_query 核对当日委托",
                details=attempt.hint,
            )
        if not attempt.refused:
            return refusal
        log.warning("撤单确认框显示的不是委托 %s（表格可能已重新排序），已回答“否”，重新读取后再试", contract_no)
        attempt.refused.clear()
    return f"撤单确认框显示的委托与 {contract_no} 不符（表格在读取与勾选之间重新排序），已取消撤单"


def _shows(info: DialogInfo, row: Row, sole: bool) -> bool:
    """Is this confirmation about `row`? By its statics 1042–1044 where it has them; a prompt
    without them only when the filtered grid held this one order (or it names the 合同编号)."""
    fields = info.fields
    if CONFIRM_CODE in fields:
        return (
            fields[CONFIRM_CODE].strip() == str(row.get("证券代码"))
            and _number(fields.get(CONFIRM_PRICE, "")) == _number(row.get("委托价格"))
            and _number(fields.get(CONFIRM_VOLUME, "")) == _number(row.get("委托数量"))
        )
    text = said(info)
    return str(row.get("合同编号")) in text or (sole and "合同编号" not in text and _names(info, str(row["证券代码"])))


def _names(info: DialogInfo, code: str) -> bool:
    fields = info.fields
    if CONFIRM_CODE in fields:
        return fields[CONFIRM_CODE].strip() == code
    text = said(info)
    return code in text or "证券代码" not in text  # a bulk prompt names no code


def _same_order(a: Row, b: Row) -> bool:
    return all(_number(a.get(k)) == _number(b.get(k)) for k in ("委托价格", "委托数量")) and str(a.get("操作")) == str(
        b.get("操作")
    )


def _number(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        return None


def _single_cancel_button(s: ClientSession) -> Any:
    for caption in SINGLE_CANCEL:
        locator = Locator(class_name="Button", title=caption)
        if s.seam.exists(locator):
            return s.find(locator)
    return s.find(Locator(class_name="Button", title=SINGLE_CANCEL[0]))  # raises: names what is missing


def _confirm(
    s: ClientSession, accept: Callable[[DialogInfo], bool], attempt: Attempt | None = None
) -> tuple[str, bool]:
    """Walk the dialogs after a 撤单: the client's refusal text ("" when none), and whether a
    confirmation of ours was answered 是."""
    walk = attempt if attempt is not None else Attempt({"kind": "cancel"})
    flow = Attempt({"kind": "cancel"})
    try:
        s.await_verdict(flow, accept=accept, timeout=s.dialog_wait)
    except BrokerRejected as exc:
        log.warning("撤单被拒绝: %s", exc.message)
        return exc.message, flow.confirmed
    except OutcomeUnknown:
        return "", flow.confirmed  # 当日委托 read afterwards decides
    finally:
        walk.refused.extend(flow.refused)
    return "", flow.confirmed


def _cancelled(s: ClientSession, targets: list[str], refused: list[str], hint: dict[str, Any]) -> list[str]:
    """What the book says after the 撤单: a target counts as cancelled only when 当日委托 shows it
    已撤/部撤, never because it left the 撤单 grid (an unread or re-sorted grid would say so too).
    A target still cancellable, or not in the read at all, leaves the cancel `unknown`."""
    rows = {str(r.get("合同编号")): r for r in today_orders(s)}
    done = [t for t in targets if t in rows and "撤" in str(rows[t].get("备注", ""))]
    unsettled = [t for t in targets if t not in rows or _cancellable(rows[t], None, "all", None)]
    if not done and refused and all(t in rows for t in targets):  # nothing went: the refusal is the answer
        raise BrokerRejected(refused[0])
    if unsettled:
        raise OutcomeUnknown(f"撤单后委托 {'、'.join(unsettled)} 未显示为已撤，撤单结果未知，请稍后对账", details=hint)
    return done


def reconcile_cancel(s: ClientSession, hint: dict[str, Any]) -> OrderAck:
    """A cancel cut off after its 撤单: settled (success) once no target is cancellable any more,
    listing those now 已撤/部撤 in `contract_no`. A target still cancellable stays unknown: the
    client sends cancels on its own time, so "not yet" is not "never" (only the sim is atomic)."""
    targets = [str(t) for t in hint.get("targets", [])]
    if not targets:
        raise OutcomeUnknown("无法确定撤单的对象，请用 order_query 核对当日委托")
    with s.boundary("对账"):
        s.drain_dialogs()
        s.settled()
        rows = {str(r.get("合同编号")): r for r in today_orders(s)}
    live = [t for t in targets if t not in rows or _cancellable(rows[t], None, "all", None)]
    if live:
        raise OutcomeUnknown(
            f"委托 {'、'.join(live)} 仍可撤或未读到，撤单结果未知，请用 order_query 核对当日委托", details=hint
        )
    done = [t for t in targets if "撤" in str(rows[t].get("备注", ""))]
    text = f"已撤 {'、'.join(done)}" if done else "目标委托均已不可撤（已成交或已撤）"
    return OrderAck(",".join(done), f"对账确认撤单：{text}")


def _cancel_rows(s: ClientSession, code: str = "") -> list[Row]:
    """The 撤单 grid, narrowed by code with filter 3348 + 查询代码 3349 (empty: every row)."""
    s.goto("cancel")
    s.type_into(CANCEL_FILTER, code)
    s.seam.click(s.find(Locator(control_id=CANCEL_QUERY)))
    grid = s.grid()
    s.seam.press_keys(grid, "{F5}")
    return s.read_page_grid("cancel", grid).rows()


def _cancellable(row: Row, code: str | None, side: CancelSide, contract_no: str | None) -> bool:
    if contract_no is not None and str(row.get("合同编号")) != contract_no:
        return False
    if code is not None and row.get("证券代码") != code:
        return False
    if side != "all" and Side(side).label not in str(row.get("操作", "")):
        return False
    return any(state in str(row.get("备注", "")) for state in CANCELLABLE)


__all__ = ["CANCELLABLE", "cancel", "reconcile_cancel"]
