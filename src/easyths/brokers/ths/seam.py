"""The narrow GUI seam between the THS driver and a window system.

Why a seam: the driver's logic (which page, which field, which dialog means what, when an order
is a success) is the part worth testing, and it must run on Linux CI. Everything that touches
real windows sits behind this protocol: `PywinautoSeam` on Windows, `ThsEmulator` in tests.

The protocol is deliberately small and dumb: it finds controls and pokes them. It never decides
anything about orders. Handles are opaque; a handle whose window has gone raises `WindowGone`.
Seam implementations raise only `SeamError` subclasses on purpose, but the driver still guards
every call, because pywinauto and COM raise whatever they like.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Protocol, TypeVar, runtime_checkable

from easyths.errors import ControlNotFound, GridUnavailable, SeamError, WindowGone

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Locator:
    """How to find one control: any combination of id, class, exact title and role.

    `role` is for embedded (Chromium) panels that have no numeric ids: UI Automation control
    types such as "Edit", "Button", "ListItem", "CheckBox", "DataItem", "Text", "TabItem".
    `title_contains` matches a substring, for labels like "30天" or a row holding a code.
    """

    control_id: int | None = None
    class_name: str | None = None
    title: str | None = None
    title_contains: str | None = None
    role: str | None = None
    auto_id: str | None = None  # UI Automation AutomationId (e.g. "shuru" in the repo form)
    index: int = 0
    # Only the parent's own children: the 条件单 forms address their fields by position among
    # the document's children (an Edit inside a ComboBox is not one, `docs/ths-facts.md#condition-create`)
    children_only: bool = False

    def describe(self) -> str:
        parts = [
            f"id={self.control_id}" if self.control_id is not None else "",
            f"class={self.class_name}" if self.class_name else "",
            f"title={self.title}" if self.title is not None else "",
            f"title~{self.title_contains}" if self.title_contains else "",
            f"role={self.role}" if self.role else "",
            f"auto_id={self.auto_id}" if self.auto_id else "",
            f"index={self.index}" if self.index else "",
            "children" if self.children_only else "",
        ]
        return " ".join(p for p in parts if p) or "any"


@dataclass(frozen=True, slots=True)
class DialogInfo:
    """A top-level dialog of the client: title (Static 1365 or the caption) and body text
    (Static 1004 / 1040, or every static joined), plus its button labels."""

    handle: Any
    title: str
    text: str
    buttons: tuple[str, ...] = ()
    class_name: str = "#32770"  # popups such as 成交回报 are other window classes
    # visible statics by control id: 撤单确认 names the order in 1042 (code) 1043 (price) 1044
    # (volume), `docs/ths-facts.md#cancel-confirm`
    fields: dict[int, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ControlInfo:
    """One node of a window-tree recording: no text of value cells, only structure."""

    control_id: int | None
    class_name: str
    title: str
    role: str | None
    children: tuple[ControlInfo, ...] = ()


@runtime_checkable
class GuiSeam(Protocol):
    """What the driver may do to the client. Every wait is bounded by the `timeout` given."""

    # window
    def attach(self, window_title: str, timeout: float) -> None:
        """(Re)attach to the main window; raises `WindowGone` when it is not there."""
        ...

    def is_alive(self) -> bool: ...
    def main_window(self) -> Any: ...
    def window_state(self) -> dict[str, Any]:
        """Facts for the start-up check: {"minimized": bool, "title": str, "login_window": bool,
        "locked": bool (desktop locked / remote session disconnected: input would not land)}."""
        ...

    # controls
    def find(self, locator: Locator, parent: Any = None, timeout: float = 0.0) -> Any:
        """First match under `parent` (default: the main window), waiting up to `timeout`."""
        ...

    def find_all(self, locator: Locator, parent: Any = None) -> list[Any]: ...
    def exists(self, locator: Locator, parent: Any = None) -> bool: ...
    def text(self, handle: Any) -> str: ...
    def set_text(self, handle: Any, text: str) -> None:
        """Select all and type: newer builds ignore WM_SETTEXT on the order edits."""
        ...

    def erase(self, handle: Any) -> None:
        """Delete a field's text key by key (End, then one Backspace per character): for a field
        whose select-all did not select (easyths sends {BACKSPACE 6}, `docs/ths-facts.md#prefill`)."""
        ...

    def click(self, handle: Any) -> None: ...
    def is_enabled(self, handle: Any) -> bool: ...
    def is_checked(self, handle: Any) -> bool:
        """A CheckBox ticked, a RadioButton or TabItem selected (the 条件单 forms' 全自动委托, the
        side tab, the 条件单监控 row boxes): read back before anything is submitted."""
        ...

    def select_item(self, handle: Any, item: str) -> None:
        """Choose an item of a combo box or list by its text."""
        ...

    def selected_item(self, handle: Any) -> str: ...
    def items(self, handle: Any) -> list[str]: ...
    def select_path(self, tree: Any, path: Sequence[str], *, exact: bool = False) -> None:
        """Select a tree item by its labels from the root, e.g. ["查询[F4]", "资金股票"]; raises
        when a label is not there. As pywinauto's tree: `exact=False` takes the most similar label
        (ratio >= 0.6, `docs/ths-facts.md#fuzzy-menu`), so the driver always passes `exact=True`."""
        ...

    def press_keys(self, handle: Any, keys: str) -> None:
        """pywinauto key syntax, e.g. "{F5}"."""
        ...

    # grids
    def export_grid(self, grid: Any, path: Path, timeout: float) -> bool:
        """Ctrl+S the grid and, when the Save-As dialog comes, save into `path` (GBK tab-separated
        text): True. False when another dialog of the client came instead (the export captcha),
        left open. `GridUnavailable` when nothing came."""
        ...

    def save_as(self, path: Path, timeout: float) -> bool:
        """Complete a Save-As dialog that is open or comes within `timeout` (as after the export
        captcha's answer); False when another dialog came instead or none."""
        ...

    def clear_clipboard(self) -> None:
        """Empty the clipboard (a copy that does not land leaves it as it was)."""
        ...

    def copy_grid(self, grid: Any) -> None:
        """Select all + copy; a captcha dialog may follow, even after this returned."""
        ...

    def clipboard_text(self) -> str:
        """The clipboard's text, "" when it holds none; a failure to read it raises."""
        ...

    def click_grid_row(self, grid: Any, row: int) -> None:
        """Click row `row` (0-based, data rows) at its position, where its check box is (the 撤单
        grid): every public driver picks a row by its position (`docs/ths-facts.md#cancel-by-contract`).
        What was ticked is proven above the seam (撤单(Del) enabled, the 撤单确认 statics)."""
        ...

    def capture_image(self, handle: Any) -> bytes:
        """PNG bytes of a control, for the captcha image (2405)."""
        ...

    # dialogs
    def dialogs(self) -> list[DialogInfo]:
        """Top-level dialogs of the client process, excluding the main window, oldest first;
        also the known non-#32770 popups (成交回报, 条件单触发提醒, 银证转账, login windows)."""
        ...

    def press(self, dialog: Any, labels: Sequence[str]) -> str:
        """Press the first button whose label starts with one of `labels`; returns the label."""
        ...

    def close(self, dialog: Any) -> None: ...

    # waiting and recording
    def wait_for(self, condition: Callable[[], T | None], timeout: float) -> T | None:
        """Poll `condition` until it returns a truthy value or `timeout` passes (then None)."""
        ...

    def today(self) -> date:
        """The client's calendar day (its 当日委托 is that day's): the machine's date."""
        ...

    def snapshot_tree(self) -> ControlInfo:
        """The main window's control tree (structure and labels), for `easyths doctor`."""
        ...


__all__ = [
    "ControlInfo",
    "ControlNotFound",
    "DialogInfo",
    "GridUnavailable",
    "GuiSeam",
    "Locator",
    "SeamError",
    "WindowGone",
]
