"""Nodes of the emulated THS window tree and the faults it can inject.

Kept apart from the emulator so page builders and the seam share one small vocabulary.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

DiePoint = Literal["on_navigate", "on_submit", "after_accept"]

# Named faults with a probability each (`[emulator].faults`, `Faults.rates`):
FAULT_NAMES: dict[str, str] = {
    "continue_prompt": "下单后弹出“是否继续”提示（风险警示等）；回答“是”才会发出委托",
    "lost_click": "点击下单按钮没有反应（委托未发出）",
    "save_captcha": "导出表格（Ctrl+S）前要求输入验证码",
    "copy_captcha": "复制表格前要求输入验证码",
    "stray_popup": "弹出非对话框窗口（成交回报、条件单触发提醒、银证转账）抢走焦点",
    "slow_refresh": "新委托在当日委托中延迟出现",
    "resist_close": "弹窗不响应关闭（WM_CLOSE），只能按按钮",
    "client_death": "下单时客户端崩溃（发出前或发出后），一段时间后自动重启",
    "locked_desktop": "桌面被锁定一段时间，按键无法送达",
}


@dataclass(slots=True)
class Faults:
    """What can go wrong, switched on per test. All times are virtual seconds.

    - `latency`: every dialog appears this long after the click that caused it (slow client);
    - `never`: a dialog that never comes: "confirm" (the click is swallowed, nothing is sent) or
      "result" (the order is sent, the 提示 with 合同编号 never shows);
    - `popup`: a stray notice (title, text) that pops up when the next order is submitted;
    - `captcha`: grid copy asks for a captcha; `export_disabled`: Ctrl+S export does not work;
    - `die`: the window vanishes at that point of the next order; `auto_restart`: the next
      attach finds a freshly started client (as after a watchdog restart).
    """

    latency: float = 0.0
    never: Literal["confirm", "result"] | None = None
    popup: tuple[str, str] | None = None
    captcha: bool = False
    export_disabled: bool = False
    die: DiePoint | None = None
    auto_restart: bool = False
    rates: dict[str, float] = field(default_factory=dict)  # FAULT_NAMES -> probability 0..1
    seed: int = 7
    restart_after: float = 3.0  # a dead client comes back after this long (as a user restarts it)
    lock_seconds: float = 3.0  # how long a locked desktop stays locked
    refresh_delay: float = 1.5  # slow_refresh: how long a new order row stays invisible
    rng: random.Random = field(init=False, repr=False)

    def __post_init__(self) -> None:
        unknown = set(self.rates) - set(FAULT_NAMES)
        if unknown:
            raise ValueError(f"未知的故障名称: {sorted(unknown)}；可用: {sorted(FAULT_NAMES)}")
        self.rng = random.Random(self.seed)

    def fire(self, name: str) -> bool:
        """Does fault `name` strike now? Deterministic for a given seed."""
        rate = self.rates.get(name, 0.0)
        return rate >= 1.0 or (rate > 0.0 and self.rng.random() < rate)


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


__all__ = ["FAULT_NAMES", "Dialog", "DiePoint", "Faults", "Node", "button", "edit", "static"]
