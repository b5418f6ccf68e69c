"""`PywinautoSeam`'s lines for the web forms (the 条件单 popup, 条件单监控) against stub UI
Automation elements: fields by position among a parent's own children, a popup's window handle
turned into its UI Automation element for role lookups, check state read back, list items invoked."""

from __future__ import annotations

from typing import Any

import pytest

from easyths.brokers.ths.seam import Locator
from tests.ths.stub_pywinauto import App, Clipboard, Control, installed


class Info:
    def __init__(self, control_type: str, name: str, automation_id: str = "") -> None:
        self.control_type = control_type
        self.name = name
        self.automation_id = automation_id


class Element:
    """A uia wrapper: `children`/`descendants` filtered by control type, as pywinauto's are."""

    def __init__(self, control_type: str, name: str = "", *kids: Element, value: str | None = None) -> None:
        self.element_info = Info(control_type, name)
        self.handle = 0
        self._kids = list(kids)
        self.value = value
        self.toggle_state = 0
        self.selected = False
        self.invoked = 0
        self.selected_calls = 0
        self.real_clicks = 0
        self.keys: list[str] = []

    def window_text(self) -> str:
        return self.element_info.name

    def control_id(self) -> int:
        return 0

    def class_name(self) -> str:
        return ""

    def is_visible(self) -> bool:
        return True

    def children(self, control_type: str | None = None) -> list[Element]:
        return [k for k in self._kids if control_type is None or k.element_info.control_type == control_type]

    def descendants(self, control_type: str | None = None) -> list[Element]:
        found: list[Element] = []
        for kid in self._kids:
            if control_type is None or kid.element_info.control_type == control_type:
                found.append(kid)
            found += kid.descendants(control_type)
        return found

    def get_value(self) -> str:
        assert self.value is not None
        return self.value

    def get_toggle_state(self) -> int:
        return self.toggle_state

    def is_selected(self) -> bool:
        return self.selected

    def invoke(self) -> None:
        self.invoked += 1

    def select(self) -> None:
        self.selected_calls += 1

    def click_input(self) -> None:
        self.real_clicks += 1

    def type_keys(self, keys: str, **_: Any) -> None:
        self.keys.append(keys)


class Uia:
    """`Application(backend="uia")`: a window handle's element."""

    def __init__(self, elements: dict[int, Element]) -> None:
        self.elements = elements

    def window(self, handle: int) -> Any:
        element = self.elements[handle]
        return type("Spec", (), {"wrapper_object": lambda _self: element})()


def form() -> tuple[Element, Element]:
    code = Element("Edit", "股票代码", value="600000")
    doc = Element(
        "Document",
        "",
        Element("ComboBox", "", code),
        Element("Edit", "触发价格", value="9.50"),
        Element("Edit", "请选择", value="对手价"),
        Element("Edit", "委托数量", value="100"),
    )
    return doc, code


def test_fields_by_position_count_the_documents_own_children_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """The code Edit sits inside the ComboBox: among the Document's own Edits the quantity is
    [2]; counted over all descendants it would be [3] and a price would go into it."""
    doc, code = form()
    with installed(monkeypatch, Clipboard()) as seam:
        own = seam.find_all(Locator(role="Edit", children_only=True), doc)
        assert [e.window_text() for e in own] == ["触发价格", "请选择", "委托数量"]
        assert seam.find(Locator(role="Edit", children_only=True, index=2), doc).window_text() == "委托数量"
        assert seam.find_all(Locator(role="Edit"), doc)[0] is code
        assert seam.exists(Locator(role="Edit", children_only=True, index=2), doc)
        assert not seam.exists(Locator(role="Edit", children_only=True, index=3), doc)
        assert seam.text(own[2]) == "100"  # an Edit's value, not its name


def test_a_role_lookup_under_a_popups_window_goes_through_its_uia_element(monkeypatch: pytest.MonkeyPatch) -> None:
    """`dialogs()` hands out win32 windows; the 条件单 popup's form is UI Automation content."""
    doc, _ = form()
    popup = Control(300, "", class_name="#32770")
    with installed(monkeypatch, Clipboard(), App()) as seam:
        seam._uia = Uia({300: Element("Pane", "", doc)})
        assert seam.find_all(Locator(role="Document"), popup) == [doc]


def test_check_state_is_read_back_and_list_items_are_invoked(monkeypatch: pytest.MonkeyPatch) -> None:
    box, radio, item = Element("CheckBox"), Element("RadioButton", "全自动委托"), Element("ListItem", "5天")
    with installed(monkeypatch, Clipboard()) as seam:
        assert not seam.is_checked(box) and not seam.is_checked(radio)
        box.toggle_state, radio.selected = 1, True
        assert seam.is_checked(box) and seam.is_checked(radio)
        seam.click(item)
    assert item.invoked == 1 and item.selected_calls == 0  # as easyths: invoke, then Enter


def test_web_texts_and_edits_get_a_real_click_buttons_the_invoke_pattern(monkeypatch: pytest.MonkeyPatch) -> None:
    """出借 and 确定 in the repo popup, a holding in the 止盈止损 list and the validity's 请选择 are
    Text / Edit elements without an Invoke pattern: clicked at their centre, as easyths does."""
    lend, validity, row = Element("Text", "出借"), Element("Edit", "请选择"), Element("Custom")
    submit, tab = Element("Button", "提交确认"), Element("TabItem", "未触发")
    with installed(monkeypatch, Clipboard()) as seam:
        for element in (lend, validity, row, submit, tab):
            seam.click(element)
    assert [e.real_clicks for e in (lend, validity, row, tab)] == [1, 1, 1, 1] and lend.invoked == 0
    assert submit.invoked == 1 and submit.real_clicks == 0


def test_a_web_edit_is_erased_by_the_length_of_its_value_not_its_label(monkeypatch: pytest.MonkeyPatch) -> None:
    """A default the select-all missed in the 条件单 quantity: "1" + "100" shown under the label 委托数量."""
    quantity = Element("Edit", "委托数量", value="1100")
    with installed(monkeypatch, Clipboard()) as seam:
        seam.erase(quantity)
    assert quantity.keys == ["{END}{BACKSPACE 4}"]
