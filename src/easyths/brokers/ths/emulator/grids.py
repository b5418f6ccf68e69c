"""The emulated client's grids through the seam: copy (with its captchas and failed copies),
export (with the captcha in place of Save-As), and a row clicked at its position.

Why apart: these are the reads the driver must never take for "nothing" (`docs/ths-facts.md#copy`,
`docs/ths-facts.md#export`); every way a real copy or export goes wrong is switched on here by a
fault.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

from easyths.brokers.ths.emulator import pages
from easyths.brokers.ths.emulator.faults import Faults
from easyths.brokers.ths.emulator.nodes import Dialog, Node, Screen
from easyths.brokers.ths.seam import GridUnavailable


def _noop() -> None:
    return None


class EmulatedGrids:
    """Mixed into `ThsEmulator`, which sets the state up."""

    faults: Faults
    clipboard: str
    saving: Node | None
    save_dialog: Dialog | None
    save_captcha_ok_until: float
    steps: int

    @property
    def locked(self) -> bool:
        raise NotImplementedError

    def _check(self, node: Node) -> Node:
        raise NotImplementedError

    @property
    def screen(self) -> Screen:
        """The emulator this is mixed into, as its pages see it."""
        return cast(Screen, self)

    def render(self, grid: Node) -> str:
        """Tab text as the client copies it: the header row even when there are no rows (an
        empty table is its header), each line ending in a tab (`docs/ths-facts.md#copy`)."""
        assert grid.grid is not None
        headers, rows = grid.grid()
        lines = rows if self.faults.fire("headerless_grid") else [headers, *rows]
        return "".join("\t".join(line) + "\t\r\n" for line in lines)

    def export_grid(self, grid: Any, path: Path, timeout: float) -> bool:
        node = self._check(grid)
        if self.faults.export_disabled:
            raise GridUnavailable("此版本客户端不支持导出")
        if node.grid is None:
            raise GridUnavailable("按 Ctrl+S 后没有出现保存对话框（焦点不在表格上）")
        if self.locked:
            raise GridUnavailable("按 Ctrl+S 后没有出现保存对话框")
        if self.screen.now >= self.save_captcha_ok_until and self.faults.fire("save_captcha"):

            def passed() -> None:  # the answer lets Save-As come (`docs/ths-facts.md#export`)
                self.save_captcha_ok_until = self.screen.now + 60.0
                self.saving = node
                self.save_dialog = self.screen.show("另存为", "", {"保存(S)": _noop, "取消": _noop}, kind="save")

            saving = "检测到您正在保存数据，为保障您的账户资金安全，请先输入验证码"
            pages.captcha(self.screen, passed, text=saving)
            return False  # the captcha stands where Save-As would be
        path.write_bytes(self.render(node).encode("gbk"))
        return True

    def save_as(self, path: Path, timeout: float) -> bool:
        node, self.saving = self.saving, None
        if node is None:
            return False
        if self.save_dialog is not None:
            self.screen.dismiss(self.save_dialog)
            self.save_dialog = None
        path.write_bytes(self.render(self._check(node)).encode("gbk"))
        return True

    def clear_clipboard(self) -> None:
        self.steps += 1
        self.clipboard = ""

    def copy_grid(self, grid: Any) -> None:
        """Ctrl+A, Ctrl+C. A copy that does not land leaves the clipboard as it was (stale)."""
        node = self._check(grid)
        if node.grid is None or self.locked:
            return  # Ctrl+A/Ctrl+C on the container, or keys that never arrived: nothing lands
        if self.faults.fire("stale_clipboard"):
            return
        if self.faults.fire("empty_clipboard"):
            self.clipboard = ""
            return
        if self.faults.captcha or self.faults.fire("copy_captcha"):
            pages.captcha(self.screen, lambda: setattr(self, "clipboard", self.render(node)))
        elif self.faults.fire("copy_captcha_late"):  # shows after the copy call returned
            late = self.faults.captcha_delay
            pages.captcha(self.screen, lambda: setattr(self, "clipboard", self.render(node)), delay=late)
        else:
            self.clipboard = self.render(node)

    def clipboard_text(self) -> str:
        return self.clipboard

    def click_grid_row(self, grid: Any, row: int) -> None:
        """A click at row `row`'s position: whichever order sits there now is ticked."""
        node = self._check(grid)
        if self.locked:
            return
        node.selected_row = row
        if node.data.get("tick") is not None:
            node.data["tick"](row)

    def capture_image(self, handle: Any) -> bytes:
        return self._check(handle).image or b""


__all__ = ["EmulatedGrids"]
