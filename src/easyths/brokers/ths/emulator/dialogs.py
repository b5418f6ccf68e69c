"""The emulated client's dialogs: shown by its pages, listed, pressed and closed through the seam.

Why apart: what a dialog offers and what pressing each button does is the emulator's side of the
driver's verdicts (`docs/ths-facts.md#dialogs`); `blind_confirms` counts the dialogs answered 是
that should never have been (a 是否继续 prompt, a notice with 否 beside it).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from easyths.brokers.ths.emulator.faults import Faults
from easyths.brokers.ths.emulator.nodes import Dialog, Node, static
from easyths.brokers.ths.seam import DialogInfo, SeamError, WindowGone


def _noop() -> None:
    return None


class EmulatedDialogs:
    """Mixed into `ThsEmulator`, which sets the state up."""

    faults: Faults
    generation: int
    alive: bool
    blind_confirms: int
    steps: int
    _dialogs: list[Dialog]
    _captcha_serial: int

    @property
    def now(self) -> float:
        raise NotImplementedError

    def _check(self, node: Node) -> Node:
        raise NotImplementedError

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
    ) -> Dialog:
        node = Node(class_name, title, generation=self.generation)
        node.add(static(1365, title), static(body_id, text), *extra)
        for label in answers if answers is not None else {"确定": _noop}:
            node.add(Node("Button", label, role="Button"))
        dialog = Dialog(
            node,
            title,
            text,
            self.now + self.faults.latency,
            dict(answers if answers is not None else {"确定": _noop}),
            on_close,
        )
        dialog.kind = kind
        dialog.class_name = class_name
        dialog.resist_close = self.faults.fire("resist_close")
        self._dialogs.append(dialog)
        return dialog

    STRAY = (
        ("成交回报", "您的委托已成交：浦发银行 买入 100 股"),
        ("条件单触发提醒", "您的条件单已触发，已按设定委托"),
        ("银证转账", "银证转账：请选择银行"),
    )

    def maybe_stray_popup(self) -> None:
        """stray_popup: a window that is not a #32770 dialog takes the focus."""
        if self.faults.fire("stray_popup"):
            title, text = self.STRAY[self.faults.rng.randrange(len(self.STRAY))]
            self.show(title, text, {"确定": _noop}, kind="notice", class_name="Afx:00400000:b")

    @property
    def dialogs_open(self) -> list[Dialog]:
        return [d for d in self._dialogs if d.due <= self.now]

    def next_captcha(self) -> str:
        self._captcha_serial += 1
        return f"{4000 + self._captcha_serial}"

    @property
    def dialogs_pending(self) -> list[Dialog]:
        """Every dialog, including those still on their way (latency)."""
        return list(self._dialogs)

    def dismiss(self, dialog: Dialog) -> None:
        if dialog in self._dialogs:
            self._dialogs.remove(dialog)

    def dialogs(self) -> list[DialogInfo]:
        self.steps += 1
        if not self.alive:
            return []
        return [
            DialogInfo(d.node, d.title, d.text, d.buttons, d.class_name, fields=_statics(d.node))
            for d in self.dialogs_open
        ]

    def _dialog(self, handle: Any) -> Dialog:
        self._check(handle)
        for d in self._dialogs:
            if d.node is handle:
                return d
        raise WindowGone("对话框已关闭")

    def press(self, dialog: Any, labels: Sequence[str]) -> str:
        d = self._dialog(dialog)
        for want in labels:
            for label, action in d.answers.items():
                if label.startswith(want):
                    could_decline = any(b.startswith(("否", "取消")) for b in d.answers)
                    risky = ("price_limit", "notice", "unknown", "continue")
                    if want.startswith(("是", "确定", "确认")) and d.kind in risky and could_decline:
                        self.blind_confirms += 1
                    self.dismiss(d)
                    action()
                    return label
        raise SeamError(f"对话框 {d.title} 没有按钮 {labels}")

    def close(self, dialog: Any) -> None:
        d = self._dialog(dialog)
        if d.resist_close:
            return  # ignores WM_CLOSE: only a button makes it go
        self.dismiss(d)
        if d.on_close is not None:
            d.on_close()


def _statics(node: Node) -> dict[int, str]:
    return {n.control_id: n.text for n in node.walk() if n.class_name == "Static" and n.control_id is not None}


__all__ = ["EmulatedDialogs"]
