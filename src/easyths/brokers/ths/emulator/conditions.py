"""The emulated 条件单 windows, built from the evidence (`docs/ths-facts.md#conditions`), not
from the driver.

股价条件 and 止盈止损 are not pages: selecting either opens a #32770 popup whose first pane has
class `ConditionToolBar`; beside it an `AfxWnd140s` pane holds CefBrowserWindow →
Chrome_WidgetWin_0 → Document, a web form with no ids. Its fields are known only by position
among the Document's own children (an Edit inside a ComboBox is not one of them): 股价条件 has a
Tab (second tab = 卖出), the code in the ComboBox's Edit named …代码…, the trigger price in the
first Edit, 下一步 (disabled on the 卖出 tab without a holding), then the quantity in Edit[2],
RadioButton 全自动委托 (the first time: an in-page 温馨提示 with 不再提醒 and 我知道了), and the
validity in the second Edit named 请选择, whose List offers 1/3/5/10/20/30 days by index (a
ListItem, then Enter). 止盈止损 takes five digits of the code in Edit[0], lists the matching
holdings, 止盈 % in Edit[4], 止损 % in Edit[6], then after 下一步 a Text 可卖… and the quantity
in Edit[4]. `{ESC}` closes the popup. What the form says after 提交确认 is not recorded: here an
in-page 提示 that the driver must not need.

Captions the evidence does not record (tab labels, the first 请选择, the list items'
texts, the unnamed Edits) are this emulator's own and the driver must not rely on them.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from easyths.brokers.base import Row, Side
from easyths.brokers.ths.emulator.nodes import Node, Screen, cell
from easyths.errors import BrokerError

DAYS = (1, 3, 5, 10, 20, 30)
CEF = "Chrome_WidgetWin_0"
NOTICE_OFF = "condition_notice_off"  # 不再提醒 ticked once: 温馨提示 shows no more


def ui(role: str, text: str = "", on_click: Callable[[], None] | None = None) -> Node:
    return Node(CEF, text, None, role=role, on_click=on_click)


def _field(label: str, value: str = "") -> Node:
    node = Node(CEF, value, None, role="Edit")
    node.data["label"] = label
    return node


def unhook(nodes: list[Node]) -> None:
    for node in nodes:
        node.parent = None


def _document(emu: Screen, kind: str) -> tuple[Node, list[Node]]:
    """The popup's panes: ConditionToolBar, and AfxWnd140s → CefBrowserWindow → Chrome_WidgetWin_0
    → Document (`docs/ths-facts.md#condition-create`)."""
    doc = Node("Chrome_RenderWidgetHostHWND", "", None, role="Document")
    host = Node("AfxWnd140s", "", None, role="Pane").add(
        Node("CefBrowserWindow", "", None, role="Pane").add(Node(CEF, "", None, role="Pane").add(doc))
    )
    toolbar = Node("ConditionToolBar", kind, None, role="Pane")
    return doc, [toolbar, host]


def notice(doc: Node, title: str, text: str, buttons: dict[str, Callable[[], None]]) -> Node:
    """An in-page prompt: a Custom named `title` with a Text and its buttons; not a window."""
    box = ui("Custom", title)

    def answer(action: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            if box in doc.children:
                doc.children.remove(box)
                box.parent = None
            action()

        return run

    box.add(ui("Text", text), *(ui("Button", label, answer(action)) for label, action in buttons.items()))
    doc.add(box)
    return box


def _noop() -> None:
    return None


class _Form:
    """What both forms share: the popup, the 全自动委托 radio, the validity list, the submit."""

    def __init__(self, emu: Screen, kind: str) -> None:
        self.emu = emu
        self.doc, panes = _document(emu, kind)
        self.stage = 1
        self.pricing = _field("请选择", "对手价")  # the first 请选择: no source says what it is
        self.quantity = _field("委托数量")
        self.validity = _field("请选择")
        self.validity.on_click = self.open_days
        self.auto = ui("RadioButton", "全自动委托", self.choose_auto)
        self.auto.enabled = emu.condition_auto
        self.submit_button = ui("Button", "提交确认", self.submit)
        self.days: int | None = None
        self.extra: list[Node] = []  # open lists and in-page notices, after the fields
        self.popup = emu.show("", "", {}, kind="form", extra=panes)

    # --- rendering: the Document's children are the form's fields in order ---------------------
    def fields(self) -> list[Node]:
        raise NotImplementedError

    def render(self) -> None:
        old = list(self.doc.children)
        self.doc.children.clear()
        self.doc.add(*self.fields(), *self.extra)
        unhook([n for n in old if n.parent is self.doc and n not in self.doc.children])

    def step_two(self) -> list[Node]:
        return [self.pricing, self.quantity, self.auto, self.validity, self.submit_button]

    def second_stage(self) -> None:
        self.stage = 2
        if self.emu.faults.fire("prefilled_fields"):  # a default the select-all may miss
            self.quantity.text = "1"
            self.quantity.data["prefilled"] = True
        self.render()

    # --- 全自动委托 and the validity list -------------------------------------------------------
    def choose_auto(self) -> None:
        self.auto.data["checked"] = True
        if self.emu.page.data.get(NOTICE_OFF):
            return
        off = ui("CheckBox", "不再提醒")
        off.on_click = lambda: off.data.update(checked=not off.data.get("checked"))

        def understood() -> None:
            self.extra.remove(box)
            if off.data.get("checked"):
                self.emu.page.data[NOTICE_OFF] = True

        box = notice(self.doc, "温馨提示", "全自动委托：条件触发后将自动按设定下单", {"我知道了": understood})
        box.add(off)
        self.extra.append(box)

    def open_days(self) -> None:
        """Clicking the validity Edit opens a List of ListItems, one per term; an item sets the
        value, Enter on the List closes it."""
        listing = ui("List")

        def pick(days: int, label: str) -> Callable[[], None]:
            def chosen() -> None:
                self.days = days
                self.validity.text = label

            return chosen

        listing.add(*(ui("ListItem", f"{d}天", pick(d, f"{d}天")) for d in DAYS))

        def close() -> None:
            if listing in self.extra:
                self.extra.remove(listing)
                self.render()

        listing.data["on_enter"] = close
        self.extra.append(listing)
        self.render()

    # --- the submit ------------------------------------------------------------------------
    def place(self) -> Any:
        raise NotImplementedError

    def submit(self) -> None:
        """What the client says after 提交确认 is not recorded; here an in-page 提示."""
        if not self.auto.data.get("checked"):
            text = "请选择委托方式"
        elif self.days is None:
            text = "请选择策略有效期"
        else:
            try:
                self.place()
                text = "条件单添加成功"
            except BrokerError as exc:
                text = exc.message
            except (ValueError, InvalidOperation):
                text = "输入有误，请检查"
        box = notice(self.doc, "提示", text, {"确定": lambda: self.extra.remove(box)})
        self.extra.append(box)


class PriceForm(_Form):
    """股价条件: buy when the price falls to the trigger, sell when it rises to it."""

    def __init__(self, emu: Screen) -> None:
        super().__init__(emu, "股价条件")
        self.side = Side.BUY
        self.code = _field("股票代码")
        self.code.on_text = lambda _: self.check_next()
        self.combo = ui("ComboBox").add(self.code)
        self.trigger = _field("触发价格")
        self.next_button = ui("Button", "下一步", self.next_step)
        self.tabs = ui("Tab").add(*(ui("TabItem", f"条件{s.label}", self.tab(s)) for s in (Side.BUY, Side.SELL)))
        self.mark_tab()
        self.render()

    def tab(self, side: Side) -> Callable[[], None]:
        def switch() -> None:  # another tab: a fresh form
            self.side, self.stage, self.days = side, 1, None
            for node in (self.code, self.trigger, self.quantity, self.validity):
                node.text = ""
            self.auto.data["checked"] = False
            self.extra.clear()
            self.mark_tab()
            self.check_next()
            self.render()

        return switch

    def mark_tab(self) -> None:
        for item, side in zip(self.tabs.children, (Side.BUY, Side.SELL), strict=True):
            item.data["checked"] = side is self.side

    def check_next(self) -> None:
        """On the 卖出 tab 下一步 stays disabled without a holding of the code."""
        code = self.code.text.strip()
        held = any(str(r.get("证券代码")) == code for r in self.emu.broker.holdings())
        self.next_button.enabled = self.side is Side.BUY or held

    def fields(self) -> list[Node]:
        first = [self.tabs, self.combo, self.trigger]
        return [*first, self.next_button] if self.stage == 1 else [*first, *self.step_two()]

    def next_step(self) -> None:
        code, price = self.code.text.strip(), self.trigger.text.strip()
        if len(code) == 6 and code.isdigit() and _decimal(price) is not None:
            self.second_stage()

    def place(self) -> Any:
        return self.emu.broker.place_condition_order(
            self.side, self.code.text.strip(), Decimal(self.trigger.text), int(self.quantity.text), self.days or 30
        )


class StopForm(_Form):
    """止盈止损 on a holding: five digits of the code, the holding picked from a list."""

    def __init__(self, emu: Screen) -> None:
        super().__init__(emu, "止盈止损")
        self.code = _field("股票代码")
        self.code.on_text = self.typed
        self.chosen: Row | None = None
        self.cost, self.last = _field("成本价"), _field("最新价")
        self.profit_price, self.profit = _field("止盈价"), _field("止盈比例")
        self.loss_price, self.loss = _field("止损价"), _field("止损比例")
        self.sellable = ui("Text", "")
        self.next_button = ui("Button", "下一步", self.next_step)
        self.render()

    def typed(self, text: str) -> None:
        """The edit keeps five digits ("不支持输入完整的代码"); the holdings whose code starts
        with them are listed, each a ListItem holding a Text "code name"."""
        self.code.text = self.code.text[:5]
        self.chosen = None
        self.extra = [n for n in self.extra if n.role != "List"]
        listing = ui("List")
        for row in self.emu.broker.holdings():
            code = str(row.get("证券代码"))
            if self.code.text and code.startswith(self.code.text):
                label = ui("Text", f"{code} {row.get('证券名称', '')}", self.pick(row, listing))
                listing.add(ui("ListItem", "", self.pick(row, listing)).add(label))
        self.extra.append(listing)
        self.render()

    def pick(self, row: Row, listing: Node) -> Callable[[], None]:
        def chosen() -> None:
            self.chosen = row
            self.cost.text, self.last.text = cell(row.get("成本价")), cell(row.get("市价"))
            if listing in self.extra:
                self.extra.remove(listing)
            self.render()

        return chosen

    def fields(self) -> list[Node]:
        if self.stage == 1:
            edits = [self.code, self.cost, self.last, self.profit_price, self.profit, self.loss_price, self.loss]
            return [*edits, self.next_button]
        return [self.code, self.profit, self.loss, self.sellable, *self.step_two()]

    def next_step(self) -> None:
        if self.chosen is None or _decimal(self.profit.text) is None or _decimal(self.loss.text) is None:
            return
        self.sellable.text = f"可卖数量：{self.chosen.get('可用余额', 0)}股"
        self.second_stage()

    def place(self) -> Any:
        assert self.chosen is not None
        return self.emu.broker.place_stop_loss_profit(
            str(self.chosen["证券代码"]),
            Decimal(self.loss.text),
            Decimal(self.profit.text),
            int(self.quantity.text),
            self.days or 30,
        )


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text.strip())
    except (InvalidOperation, ValueError):
        return None


def price_form(emu: Screen) -> list[Node]:
    """Selecting 股价条件 opens the popup; the page behind is left empty, as for 国债逆回购."""
    PriceForm(emu)
    return []


def stop_form(emu: Screen) -> list[Node]:
    StopForm(emu)
    return []


__all__ = ["CEF", "DAYS", "PriceForm", "StopForm", "notice", "price_form", "stop_form", "ui", "unhook"]
