"""The emulated embedded (Chromium) panels: 股价条件, 止盈止损, 条件单监控, 国债逆回购.

No numeric ids here, as on the real client: Edit/Button/RadioButton/ListItem/DataItem nodes
found by role and label.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from functools import partial
from typing import Any

from easyths.brokers.base import MarketName, Row, Side
from easyths.brokers.ths.emulator.nodes import Node, Screen, cell, edit
from easyths.domain.codes import REPO_CODES, Exchange
from easyths.errors import BrokerError

DAYS = (1, 3, 5, 10, 20, 30)


def _noop() -> None:
    return None


def _ui(role: str, label: str, on_click: Callable[[], None] | None = None) -> Node:
    return Node("Chrome_WidgetWin_0", label, None, role=role, on_click=on_click)


def _form(fields: list[str]) -> dict[str, Node]:
    return {label: edit(None, label) for label in fields}


def _choices(emu: Screen, state: dict[str, Any]) -> list[Node]:
    """全自动委托 and the validity drop-down: a 请选择 combo whose items show once it is opened."""
    combo = _ui("ComboBox", "请选择")
    items = [_ui("ListItem", f"{d}天") for d in DAYS]

    def choose(d: int, item: Node) -> Callable[[], None]:
        def pick() -> None:
            if not state.get("open"):
                return  # a closed drop-down's items cannot be clicked
            state.update(days=d, open=False)
            combo.text = item.text
            combo.data["label"] = "请选择"

        return pick

    for d, item in zip(DAYS, items, strict=True):
        item.on_click = choose(d, item)
    combo.on_click = lambda: state.update(open=True)

    def automatic() -> None:
        state.update(auto=True)
        if not state.get("told"):  # the first time: a 温馨提示 with 不再提醒 and 我知道了
            state["told"] = True
            page = emu.page.children
            _in_page_notice(page, "温馨提示", "全自动委托在条件触发后自动下单……", _noop, ok="我知道了", cancel=None)
            page[-1].add(_ui("CheckBox", "不再提醒"))
            page[-1].parent = emu.page

    return [_ui("RadioButton", "全自动委托", automatic), combo, *items]


def _in_page_notice(
    page: list[Node], title: str, text: str, on_ok: Callable[[], None], ok: str = "确认", cancel: str | None = "取消"
) -> None:
    """An in-page (CEF) prompt (a Custom named `title`): not a window, just elements added to the
    panel; the delete 提示 answers 确认/取消, the 温馨提示 我知道了 (`docs/ths-facts.md#conditions`)."""
    box = _ui("Custom", title)
    box.data["in_page"] = True

    def answered() -> None:
        if box.parent is not None:
            box.parent.children.remove(box)
            box.parent = None
        on_ok()

    box.add(_ui("Text", title), _ui("Text", text), _ui("Button", ok, answered))
    if cancel is not None:
        box.add(_ui("Button", cancel, lambda: ok_cancel(box)))
    page.append(box)


def ok_cancel(box: Node) -> None:
    if box.parent is not None:
        box.parent.children.remove(box)
        box.parent = None


def _outcome(emu: Screen, place: Callable[[], Any], success: str) -> None:
    try:
        place()
    except BrokerError as exc:
        emu.show("提示", exc.message)
        return
    emu.show("提示", success)


def condition_page(emu: Screen) -> list[Node]:
    state: dict[str, Any] = {"side": Side.BUY, "days": 30, "auto": False}
    fields = _form(["代码", "目标价格", "委托数量"])

    def submit() -> None:
        code = fields["代码"].text.strip()

        def place() -> Any:
            return emu.broker.place_condition_order(
                state["side"], code, Decimal(fields["目标价格"].text), int(fields["委托数量"].text), state["days"]
            )

        _outcome(emu, place, f"条件单提交成功：{code}")

    return [
        _ui("RadioButton", "买入", lambda: state.update(side=Side.BUY)),
        _ui("RadioButton", "卖出", lambda: state.update(side=Side.SELL)),
        fields["代码"],
        fields["目标价格"],
        _ui("Button", "下一步"),
        fields["委托数量"],
        *_choices(emu, state),
        _ui("Button", "提交确认", submit),
    ]


def stop_page(emu: Screen) -> list[Node]:
    state: dict[str, Any] = {"days": 30, "auto": False, "default": ""}
    fields = _form(["代码", "止盈比例", "止损比例", "委托数量"])

    def next_step() -> None:
        code = fields["代码"].text.strip()
        held = next((r for r in emu.broker.holdings() if r.get("证券代码") == code), None)
        state["default"] = f"{held['可用余额']}" if held else ""
        fields["委托数量"].text = state["default"]

    def submit() -> None:
        code = fields["代码"].text.strip()
        qty_text = fields["委托数量"].text.strip()
        quantity = None if qty_text == state["default"] or not qty_text else int(qty_text)

        def place() -> Any:
            return emu.broker.place_stop_loss_profit(
                code, Decimal(fields["止损比例"].text), Decimal(fields["止盈比例"].text), quantity, state["days"]
            )

        _outcome(emu, place, f"止盈止损单提交成功：{code}")

    return [
        fields["代码"],
        fields["止盈比例"],
        fields["止损比例"],
        _ui("Button", "下一步", next_step),
        fields["委托数量"],
        *_choices(emu, state),
        _ui("Button", "提交确认", submit),
    ]


def _table(
    emu: Screen, headers: list[str], rows: list[list[str]], on_row: Callable[[int], Callable[[], None]]
) -> list[Node]:
    """Header items, then one DataItem per cell (as the 条件单监控 table exposes them)."""
    nodes = [] if emu.faults.fire("headerless_grid") else [_ui("HeaderItem", h) for h in headers]
    for i, cells in enumerate(rows):
        nodes += [_ui("DataItem", c, on_row(i)) for c in cells]
    return nodes


def monitor_page(emu: Screen) -> list[Node]:
    rows: list[Row] = emu.broker.condition_orders()
    headers = list(rows[0]) if rows else ["条件单编号", "状态", "条件类型", "方向", "监控标的", "证券代码", "触发条件"]
    ticked: set[int] = set()
    nodes = _table(emu, headers, [[cell(r.get(h)) for h in headers] for r in rows], lambda i: _noop)
    boxes = [_ui("CheckBox", "", partial(ticked.symmetric_difference_update, {i})) for i in range(len(rows))]

    def delete() -> None:
        chosen = [rows[i] for i in sorted(ticked)]
        if not chosen:
            emu.show("提示", "请先勾选要删除的条件单")
            return

        def confirmed() -> None:
            # The broker deletes by code and direction; the driver ticks exactly such a set.
            for key in sorted({(str(r["证券代码"]), str(r["方向"])) for r in chosen}):
                side = Side.BUY if key[1] == "买入" else Side.SELL
                emu.broker.cancel_condition_orders(stock_code=key[0], side=side)
            emu.show("提示", f"删除成功，共{len(chosen)}条")

        _in_page_notice(emu.page.children, "提示", f"确定删除选中的{len(chosen)}条条件单吗？", confirmed)
        emu.page.children[-1].parent = emu.page

    return [_ui("TabItem", "未触发"), _ui("TabItem", "已触发"), *boxes, *nodes, _ui("Button", "删除", delete)]


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


__all__ = ["condition_page", "monitor_page", "repo_page", "stop_page"]
