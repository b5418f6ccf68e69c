"""The emulated 条件单监控, built from the evidence (`docs/ths-facts.md#condition-monitor`), not
from the driver.

条件单监控 is embedded in the page (AfxWnd140s 2393 → … → Document): a Tab 未触发/已触发, the
pane `pane-not_triggered` with two Tables (the first's Custom holds the Header cells, the
second's children are the rows, DataItem[0] holding the row's CheckBox), Button 删除 (enabled
only with a box ticked), an in-page 提示 with 确认/取消, which stays on the page if left
unanswered.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from easyths.brokers.base import Row, Side
from easyths.brokers.ths.emulator.conditions import CEF, notice, ui, unhook
from easyths.brokers.ths.emulator.nodes import Node, Screen, cell

PENDING = "condition_delete_pending"  # a delete 提示 left unanswered: ids it would delete
FALLBACK_HEADERS = ["条件单编号", "状态", "条件类型", "方向", "监控标的", "证券代码", "触发条件"]


def monitor_page(emu: Screen) -> list[Node]:
    """条件单监控 embedded in the page; F5 redraws it from the book. Ticking a box changes only
    the box and 删除, as in a web page; 删除 adds the in-page 提示."""
    doc = Node("Chrome_RenderWidgetHostHWND", "", None, role="Document")
    host = Node("AfxWnd140s", "", None, role="Pane")
    host.data["auto_id"] = "2393"
    host.add(Node("CefBrowserWindow", "", None, role="Pane").add(Node(CEF, "", None, role="Pane").add(doc)))
    state: dict[str, Any] = {"tab": "已触发", "ticked": set()}
    remove = ui("Button", "删除")

    def tab(name: str) -> Callable[[], None]:
        def switch() -> None:
            state.update(tab=name, ticked=set())
            render()

        return switch

    def toggle(box: Node, cid: str) -> None:
        box.data["checked"] = not box.data.get("checked")
        state["ticked"].symmetric_difference_update({cid})
        remove.enabled = bool(state["ticked"])

    def delete() -> None:
        if state["ticked"] and not emu.page.data.get(PENDING):
            emu.page.data[PENDING] = set(state["ticked"])
            ask()

    def ask() -> None:
        pending = emu.page.data[PENDING]
        notice(doc, "提示", f"确定删除选中的{len(pending)}条条件单吗？", {"确认": confirm, "取消": cancel})

    def render() -> None:
        old = list(doc.children)
        doc.children.clear()
        rows: list[Row] = emu.broker.condition_orders() if state["tab"] == "未触发" else []
        headers = list(rows[0]) if rows else FALLBACK_HEADERS
        pane = ui("Custom", state["tab"])
        pane.data["auto_id"] = "pane-not_triggered" if state["tab"] == "未触发" else "pane-triggered"
        head = ui("Custom")
        if not emu.faults.fire("headerless_grid"):
            head.add(*(ui("Header", h) for h in ["", *headers]))
        body = ui("Table")
        for row in rows:
            box = ui("CheckBox", "")
            box.on_click = lambda box=box, cid=str(row["条件单编号"]): toggle(box, cid)
            body.add(ui("Custom").add(ui("DataItem").add(box), *(ui("DataItem", cell(row.get(h))) for h in headers)))
        pane.add(ui("Table").add(head), body)
        state["ticked"] = set()
        remove.enabled = False
        tabs = ui("Tab").add(ui("TabItem", "未触发", tab("未触发")), ui("TabItem", "已触发", tab("已触发")))
        for item in tabs.children:
            item.data["checked"] = item.text == state["tab"]
        doc.add(tabs, pane, remove)
        unhook([n for n in old if n.parent is doc and n not in doc.children])
        if emu.page.data.get(PENDING):  # left unanswered, the 提示 is still there next time
            ask()

    def confirm() -> None:
        ids = emu.page.data.pop(PENDING, set())
        # the sim deletes by code and direction: the rows ticked here go with their group (the
        # driver ticks whole groups; `docs/ths-facts.md#condition-monitor`)
        chosen = [r for r in emu.broker.condition_orders() if str(r["条件单编号"]) in ids]
        for code, direction in sorted({(str(r["证券代码"]), str(r["方向"])) for r in chosen}):
            emu.broker.cancel_condition_orders(stock_code=code, side=Side.BUY if direction == "买入" else Side.SELL)
        render()

    def cancel() -> None:
        emu.page.data.pop(PENDING, None)

    remove.on_click = delete
    emu.page.data["refresh"] = render
    render()
    return [host]


__all__ = ["PENDING", "monitor_page"]
