"""The emulated 国债逆回购 popup (the 条件单 windows are in `conditions`).

No numeric ids inside it, as on the real client: Edit/Text/DataItem nodes found by role, label
and automation id.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from easyths.brokers.base import MarketName, Row
from easyths.brokers.ths.emulator.nodes import Node, Screen, edit
from easyths.domain.codes import REPO_CODES, Exchange
from easyths.errors import BrokerError


def _ui(role: str, label: str, on_click: Callable[[], None] | None = None) -> Node:
    return Node("Chrome_WidgetWin_0", label, None, role=role, on_click=on_click)


def repo_page(emu: Screen) -> list[Node]:
    """国债逆回购 as the evidence shows it (`docs/ths-facts.md#repo-popup`): selecting the item opens
    a #32770 popup (not an embedded page) holding a web document; each product is a row (Custom)
    of Text cells [term, product name, rate] with names GC001… / R-001…, no header; a click on a
    row chooses it, the amount goes into Edit `shuru`, 出借 is a Text, an in-page 您是否确认以上…
    asks, its Text 确定 lends; Button 1008 closes the popup. The page behind it stays as it was."""
    quoted = {str(r["证券代码"]): r for r in emu.broker.repo_rates()}
    rates: list[Row] = [  # every product is listed; one without a quote shows its rate as --
        quoted.get(code) or {"证券代码": code, "时间类型": f"{days}天期", "年化利率": "--"}
        for code, (_, days, _) in REPO_CODES.items()
        if days <= 7
    ]
    state: dict[str, Any] = {"row": None}
    amount = edit(None, "出借金额")
    amount.data["auto_id"] = "shuru"
    lend_text = _ui("Text", "出借")
    body = Node("Chrome_RenderWidgetHostHWND", "", None, role="Document")
    for row in rates:
        code = str(row["证券代码"])
        cells = [str(row["时间类型"]), REPO_CODES[code][2], str(row["年化利率"])]
        line = _ui("Custom", "", partial(state.update, row=row))
        line.add(*(_ui("DataItem", text, partial(state.update, row=row)) for text in cells))
        body.add(_ui("Table", "").add(line))
    close = Node("Button", "", 1008, role="Button")
    body.add(amount, lend_text)
    popup = emu.show("", "国债逆回购", {}, kind="form", extra=[body, close])
    close.on_click = lambda: emu.dismiss(popup)

    def lend() -> None:
        chosen = state["row"]
        if chosen is None or not amount.text.strip():
            return  # 出借 does nothing until a product and an amount are there
        code = str(chosen["证券代码"])
        exchange, days, name = REPO_CODES[code]
        value = int(amount.text)

        def confirmed() -> None:
            for node in asked:
                body.children.remove(node)
            market: MarketName = "上海" if exchange is Exchange.SH else "深圳"
            try:
                ack = emu.broker.lend_repo(market, days, value)
            except BrokerError as exc:
                emu.show("提示", exc.message)
                return
            if emu.popups:
                emu.show("提示", f"您的出借委托已成功提交，合同编号：{ack.contract_no}。")

        question = f"您是否确认以上出借委托？{name} 出借金额 {value} 元 年化利率\xa0{chosen['年化利率']}"
        asked = [_ui("Text", question), _ui("Text", "确定", confirmed)]
        body.add(*asked)

    lend_text.on_click = lend
    return []


__all__ = ["repo_page"]
