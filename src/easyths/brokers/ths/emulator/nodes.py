"""Nodes of the emulated THS window tree, and `Screen`: what a page may ask of the client.

Kept apart from the emulator so page builders and the seam share one small vocabulary, and so
pages depend on the `Screen` protocol instead of importing the emulator back (no import circle).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from easyths.brokers.sim.broker import SimBroker
    from easyths.brokers.ths.emulator.faults import Faults


@dataclass(eq=False, slots=True)
class Node:
    """One control. `text` is its caption or content; `source` renders live content (grids,
    combos) from the backing broker at read time, so the tree never goes stale."""

    class_name: str
    text: str = ""
    control_id: int | None = None
    role: str | None = None
    children: list[Node] = field(default_factory=list)
    parent: Node | None = None
    generation: int = 0
    enabled: bool = True
    on_click: Callable[[], None] | None = None
    on_text: Callable[[str], None] | None = None
    items: Callable[[], list[str]] | None = None
    selected: Callable[[], str] | None = None
    on_select: Callable[[str], None] | None = None
    grid: Callable[[], tuple[list[str], list[list[str]]]] | None = None
    selected_row: int | None = None
    image: bytes | None = None
    data: dict[str, Any] = field(default_factory=dict)

    def add(self, *nodes: Node) -> Node:
        for node in nodes:
            node.parent = self
            node.generation = self.generation
            self.children.append(node)
        return self

    def walk(self) -> Iterator[Node]:
        for child in self.children:
            yield child
            yield from child.walk()

    def root(self) -> Node:
        node = self
        while node.parent is not None:
            node = node.parent
        return node


def static(cid: int | None, text: str = "") -> Node:
    return Node("Static", text, cid, role="Text")


def edit(cid: int | None, label: str = "", on_text: Callable[[str], None] | None = None) -> Node:
    node = Node("Edit", "", cid, role="Edit", on_text=on_text)
    node.data["label"] = label
    return node


def button(cid: int | None, text: str, on_click: Callable[[], None] | None = None) -> Node:
    return Node("Button", text, cid, role="Button", on_click=on_click)


@dataclass(slots=True)
class Dialog:
    """A top-level dialog: due at a virtual time; `answers` maps a button label prefix to what
    pressing it does; closing (×/Esc) runs `on_close`."""

    node: Node
    title: str
    text: str
    due: float
    answers: dict[str, Callable[[], None]] = field(default_factory=dict)
    on_close: Callable[[], None] | None = None
    kind: str = "prompt"
    resist_close: bool = False  # ignores WM_CLOSE; only a button makes it go
    class_name: str = "#32770"  # popups such as 成交回报 are not #32770 dialogs

    @property
    def buttons(self) -> tuple[str, ...]:
        return tuple(self.answers)


def cell(value: Any) -> str:
    """A broker value as the client's grid shows it: Decimals in plain digits, None as --."""
    if value is None:
        return "--"
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


class Screen(Protocol):
    """What a page builder may use of the emulated client: its state and its dialogs."""

    broker: SimBroker
    faults: Faults
    page: Node
    popups: bool
    success_popups: bool
    confirm_orders: bool
    current_page: str | None
    menu: dict[str, list[str]]
    headers: dict[str, list[str]]
    recording: dict[str, Any] | None
    row_visible_at: dict[str, float]
    blind_modifies: int
    market_items: dict[Any, str] | None
    condition_auto: bool

    @property
    def now(self) -> float: ...

    def show(
        self,
        title: str,
        text: str,
        answers: dict[str, Callable[[], None]] | None = None,
        *,
        on_close: Callable[[], None] | None = None,
        kind: str = "prompt",
        body_id: int = 1004,
        extra: Sequence[Node] = (),
        class_name: str = "#32770",
    ) -> Dialog: ...

    def dismiss(self, dialog: Dialog) -> None: ...
    def maybe_stray_popup(self) -> None: ...
    def kill(self) -> None: ...
    def next_captcha(self) -> str:
        """A fresh captcha answer (the image shows it)."""
        ...


__all__ = ["Dialog", "Node", "Screen", "button", "cell", "edit", "static"]
