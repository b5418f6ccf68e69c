"""The emulated 撤单[F3] page and its 撤单确认 (`docs/ths-facts.md#cancel`)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from easyths.brokers.base import Row, Side
from easyths.brokers.ths.emulator.nodes import Node, Screen, button, cell, edit, static
from easyths.errors import BrokerError

GridMaker = Callable[[Screen, str, Callable[[], list[Row]]], Node]


def _noop() -> None:
    return None


CANCELLABLE = ("未成交", "部分成交", "已报", "未报")


def cancel_page(emu: Screen, grid: GridMaker) -> list[Node]:
    """The 撤单[F3] page as the evidence shows it (`docs/ths-facts.md#cancel`): filter edit 3348 +
    查询代码 3349 narrow the grid by stock code only; a row is chosen by its position and ticked;
    撤单(Del) (1099) stays disabled until a row is ticked; 全撤(Z /) 撤买(X) 撤卖(C) act on what
    the grid shows. With confirmations on, 撤单确认 names the ticked order in statics 1042–1044
    and offers 改单 (1754) beside 是(&Y) with `modify_button`; `confirm_as_prompt` asks in a
    提示信息 instead; `resorted_grid` re-sorts the grid between a read and a tick."""
    state: dict[str, Any] = {"filter": "", "reversed": False}
    ticked: set[str] = set()

    def open_rows() -> list[Row]:
        rows = [r for r in emu.broker.today_orders() if r.get("备注") in CANCELLABLE]
        rows = [r for r in rows if not state["filter"] or r.get("证券代码") == state["filter"]]
        return list(reversed(rows)) if state["reversed"] else rows

    table = grid(emu, "cancel", open_rows)
    inner = next(n for n in table.walk() if n.grid is not None)  # the CVirtualGridCtrl
    cancel_one = button(1099, "撤单(Del)")
    cancel_one.enabled = False
    code_filter = edit(3348)

    def visible() -> list[Row]:
        return [r for r in open_rows() if emu.row_visible_at.get(str(r.get("合同编号")), 0.0) <= emu.now]

    def tick(row: int) -> None:
        if emu.faults.fire("resorted_grid"):  # another sort order since the driver's read
            state["reversed"] = not state["reversed"]
        rows = visible()
        if 0 <= row < len(rows):
            ticked.symmetric_difference_update({str(rows[row]["合同编号"])})
        cancel_one.enabled = bool(ticked)

    inner.data["tick"] = tick
    inner.data["ticked"] = ticked

    def query() -> None:
        state["filter"] = code_filter.text.strip()
        ticked.clear()
        cancel_one.enabled = False

    def cancel_selected() -> None:
        chosen = [r for r in visible() if str(r["合同编号"]) in ticked]
        if not chosen:
            return
        ticked.clear()
        cancel_one.enabled = False

        def go() -> None:
            for row in chosen:
                _cancel(emu, contract_no=str(row["合同编号"]))

        if not emu.popups:
            go()
            return
        _confirm_cancel(emu, chosen[0], go)

    cancel_one.on_click = cancel_selected

    def side_button(side: str) -> Callable[[], None]:
        def press() -> None:
            code = state["filter"] or None
            if not emu.popups:
                _cancel(emu, side=side, stock_code=code)
                return
            label = {"all": "全部", "buy": "买入", "sell": "卖出"}[side]
            emu.show(
                "撤单确认",
                f"您确定要撤销{label}可撤委托吗？",
                {"是(&Y)": lambda: _cancel(emu, side=side, stock_code=code), "否(&N)": _noop},
                kind="confirm",
                body_id=1040,
            )

        return press

    return [
        code_filter,
        button(3349, "查询代码", query),
        cancel_one,
        button(30001, "全撤(Z /)", side_button("all")),
        button(30002, "撤买(X)", side_button("buy")),
        button(30003, "撤卖(C)", side_button("sell")),
        table,
    ]


def _confirm_cancel(emu: Screen, row: Row, go: Callable[[], None]) -> None:
    """撤单确认 (statics 1042 code, 1043 price, 1044 volume, 1768 tip; 是(&Y) 6, 否(&N) 7, 改单
    1754), or the 提示信息 prompt some builds show instead."""
    code, price, volume = str(row["证券代码"]), cell(row.get("委托价格")), cell(row.get("委托数量"))
    if emu.faults.fire("confirm_as_prompt"):
        text = f"您确认要撤销该委托吗？\n证券代码：{code}  委托价格：{price}  委托数量：{volume}"
        emu.show("提示信息", text, {"是(&Y)": go, "否(&N)": _noop}, kind="confirm", body_id=1040)
        return
    answers: dict[str, Callable[[], None]] = {"是(&Y)": go, "否(&N)": _noop}
    if emu.faults.fire("modify_button"):

        def modify() -> None:  # 撤单并以新的价格委托: cancels and places a new order
            go()
            emu.blind_modifies += 1
            side = Side.BUY if "买" in str(row.get("操作")) else Side.SELL
            with contextlib.suppress(BrokerError):
                emu.broker.place_order(side, code, Decimal(price), int(volume))

        keys = ["改单", "否(&N)", "是(&Y)"]  # ids and order shuffled: only the captions say which
        answers = {"改单": modify, **answers}
        answers = {k: answers[k] for k in keys}
    fields = [static(1042, code), static(1043, price), static(1044, volume), static(1768, "撤单后不可恢复")]
    emu.show("撤单确认", "", answers, kind="confirm", body_id=1041, extra=fields)


def _cancel(emu: Screen, **kwargs: Any) -> None:
    try:
        done = emu.broker.cancel_orders(**kwargs)
    except BrokerError as exc:
        emu.show("提示", exc.message)
        return
    if not done:
        emu.show("提示", "没有可撤销的委托。")
    elif not emu.popups:
        return
    elif len(done) == 1:
        emu.show("提示", f"您的撤单委托已成功提交，合同编号：{done[0]}。")
    else:
        emu.show("提示", f"撤单委托已成功提交，共{len(done)}笔。")


__all__ = ["CANCELLABLE", "cancel_page"]
