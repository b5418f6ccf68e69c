"""Getting to a page and filling its fields: exact menu paths, proof of arrival, read-back.

Why every page proves arrival: pywinauto's tree selection is fuzzy and menus differ by build, so
a selection can land on a neighbouring page (a sell run as a buy, easytrader #281); a control
only that page has is the proof. Why read-back: a default the select-all missed, or keys that
never arrived, leave a field showing something else than what was typed.
"""

from __future__ import annotations

from typing import Any

from easyths.brokers.ths.columns import EXPECTED_COLUMNS, PAGE_NAMES, menu_path
from easyths.brokers.ths.grid import GridReader, Table
from easyths.brokers.ths.seam import Locator
from easyths.brokers.ths.verdicts import DialogHandling
from easyths.errors import BrokerUnavailable

TREE = Locator(control_id=129, class_name="SysTreeView32")
GRID = Locator(control_id=1047)
GRID_CTRL = Locator(class_name="CVirtualGridCtrl")
ORDER_FILTER = Locator(control_id=2410, class_name="ComboBox")
# A control only that page has: proof the menu click landed where the driver thinks. Every page
# has one: a fuzzy or stale selection must never act on the wrong page (a sell run as a buy,
# easytrader #281; `docs/ths-facts.md#menu-captions`).
ARRIVAL: dict[str, tuple[Locator, ...]] = {
    "buy": (Locator(control_id=1006, title="买入"), Locator(control_id=1033)),
    "sell": (Locator(control_id=1006, title="卖出"), Locator(control_id=1033)),
    "market_buy": (Locator(control_id=1006, title="买入"), Locator(control_id=1541)),
    "market_sell": (Locator(control_id=1006, title="卖出"), Locator(control_id=1541)),
    "cancel": (Locator(control_id=3348), Locator(control_id=30001)),
    "funds": (Locator(control_id=1016),),
    "holdings": (Locator(control_id=1016),),
    "history": (Locator(control_id=2449),),
    # query grids: the grid is there; its header, checked on every read, says which grid it is
    "orders": (Locator(class_name="CVirtualGridCtrl"),),
    "fills": (Locator(class_name="CVirtualGridCtrl"),),
    # popups, not pages: `conditions.open_form` and `repo.open_popup` wait for them
    "condition_price": (),
    "stop_loss_profit": (),
    "condition_monitor": (Locator(role="Pane", auto_id="2393"), Locator(role="TabItem", title="未触发")),
    # 新股申购's single page: the buy form's ids with 1006 captioned 申购, and 1018 可申购数量; the batch
    # page (no 1032) and the 买入 page (1006 买入) fail it (`docs/ths-facts.md#ipo`)
    "ipo": (Locator(control_id=1006, title_contains="申购"), Locator(control_id=1032), Locator(control_id=1018)),
    "repo": (),
}
# The 股价条件 / 止盈止损 popup: a #32770 holding a ConditionToolBar pane, closed with Esc
# (`docs/ths-facts.md#condition-create`).
FILL_TRIES = 2  # a field that does not read back as typed is erased and typed once more


class Navigation(DialogHandling):
    """Mixed into `ClientSession`, which sets the state up."""

    grids: GridReader

    def goto(self, page: str, *, fresh: bool = False) -> None:
        """Select the page by its exact menu path and confirm arrival by a control only that
        page has. `fresh`: selecting the page already shown does nothing on the real client (its
        fields keep the last order's text), so go to another page first, as F3 then F1 does."""
        self.clear_dialogs()  # a popup that took focus would eat the keystrokes of this step
        tree = self.seam.find(TREE, timeout=self.timeout)
        if fresh:
            other = "cancel" if page != "cancel" else "buy"
            self.seam.select_path(tree, menu_path(other, self.config.menu), exact=True)
        self.seam.select_path(tree, menu_path(page, self.config.menu), exact=True)
        marks = ARRIVAL[page]
        if marks and not self.seam.wait_for(lambda: all(self.seam.exists(m) for m in marks), self.timeout):
            path = " → ".join(menu_path(page, self.config.menu))
            raise BrokerUnavailable(f"选择菜单「{path}」后未进入该页面（找不到该页特有的控件），请检查 [broker.menu]")

    def grid(self) -> Any:
        """The CVirtualGridCtrl inside container 1047 (focus, keys and copy go there)."""
        container = self.find(GRID)
        inner = self.seam.find_all(GRID_CTRL, container)
        return inner[0] if inner else container

    def find(self, locator: Locator, parent: Any = None) -> Any:
        return self.seam.find(locator, parent, self.timeout)

    def type_into(self, control_id: int, text: str) -> None:
        """Type, read back; when the field shows something else (keys lost, or a pre-filled
        default the select-all missed, `docs/ths-facts.md#prefill`), erase it key by key and type
        again, `FILL_TRIES` times at most. The order flow reads every field back once more."""
        handle = self.find(Locator(control_id=control_id))
        for attempt in range(FILL_TRIES):
            if attempt:
                self.seam.erase(handle)
            self.seam.set_text(handle, text)
            if self.seam.text(handle).strip() == text:
                return

    def wait_text(self, locator: Locator, parent: Any = None) -> str:
        """Wait until a static has text (e.g. 1036 证券名称 after the code is typed)."""
        handle = self.find(locator, parent)
        return self.seam.wait_for(lambda: self.seam.text(handle).strip(), self.timeout) or ""

    def read_grid(self, page: str) -> Table:
        self.goto(page)
        if page == "orders":
            self.show_all_orders()
        grid = self.grid()
        self.seam.press_keys(grid, "{F5}")  # refresh: the grid may still show the last visit
        return self.read_page_grid(page, grid)

    def show_all_orders(self) -> None:
        """当日委托's filter (ComboBox 2410, where the build has it) must read 全部: filtered to
        可撤, a filled order would look absent and a sent order `failed` (`docs/ths-facts.md#order-filter`)."""
        if not self.seam.exists(ORDER_FILTER):
            return
        combo = self.find(ORDER_FILTER)
        if self.seam.selected_item(combo).strip() != "全部":
            self.seam.select_item(combo, "全部")
            if self.seam.selected_item(combo).strip() != "全部":
                raise BrokerUnavailable("当日委托的筛选无法设为「全部」，不能据此判断委托")

    def read_page_grid(self, page: str, grid: Any) -> Table:
        """A read of `page`'s grid that proves itself by the page's columns, or `GridUnavailable`."""
        return self.grids.read(grid, EXPECTED_COLUMNS.get(page, ()), PAGE_NAMES.get(page, page))


__all__ = ["ARRIVAL", "FILL_TRIES", "GRID", "GRID_CTRL", "ORDER_FILTER", "TREE", "Navigation"]
