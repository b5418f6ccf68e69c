"""`PywinautoSeam`: the `GuiSeam` on a real xiadan.exe, through pywinauto (Windows only).

Why thin: everything that decides anything lives in the driver and is tested on the emulator;
this file only translates seam calls into pywinauto calls, so what cannot be tested here is small.
pywinauto is imported inside the constructor, never at module import, and only on Windows.
Win32 controls (ids, classes) go through the "win32" backend; role-based locators (the embedded
Chromium panels) through "uia" on the same process. `visible_only` everywhere: the client keeps
hidden pages with the same control ids.

UNTESTED on a real client from this repository's CI: see the notes marked UNCERTAIN.
"""

from __future__ import annotations

import logging
import re
import sys
import time
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from easyths.brokers.ths.pywinauto_support import com_ready, desktop_locked, escape_keys, guard, is_uia, png_bytes
from easyths.brokers.ths.seam import (
    ControlInfo,
    ControlNotFound,
    DialogInfo,
    GridUnavailable,
    Locator,
    SeamError,
    WindowGone,
)
from easyths.winenv import process_elevated

log = logging.getLogger(__name__)
T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])
SAVE_DIALOG = r"^(另存为|保存|Save As).*"
ROW_X, ROW_TOP, ROW_HEIGHT = 10, 30, 16  # a grid row's check-box cell (easytrader's config/client.py)


POPUP_TITLES = ("成交回报", "条件单触发", "触发提醒", "银证转账", "登录", "解锁")
# Windows that are not #32770 dialogs but popups all the same, by class: 条件单触发提醒 and 银证转账
# (`docs/ths-facts.md#dialog-identify`); their captions differ by build, their classes do not.
POPUP_CLASSES = {"CDlgTriggeredConfitionTip": "条件单触发提醒", "TranferAccount": "银证转账"}


class PywinautoSeam:
    def __init__(self, exe_path: str | None = None, *, poll: float = 0.05) -> None:
        if sys.platform != "win32":
            raise RuntimeError("PywinautoSeam 只能在 Windows 上使用")
        import pywinauto  # noqa: F401  (fail early with a clear ImportError when missing)
        from pywinauto import Application, findwindows, handleprops, timings

        # Typed here because on any other platform a type checker sees this method stop at the raise above.
        self._Application: Any = Application
        self._findwindows: Any = findwindows
        self._handleprops: Any = handleprops
        self._timings: Any = timings
        self._exe_path: str | None = exe_path
        self._poll: float = poll
        self._app: Any = None
        self._uia: Any = None
        self._main: Any = None

    # --- window ----------------------------------------------------------------------------
    def attach(self, window_title: str, timeout: float) -> None:
        com_ready()
        try:
            app = self._Application(backend="win32")
            try:  # the configured exe first; a client installed elsewhere is found by its title
                if not self._exe_path:
                    raise LookupError("no exe path")
                app.connect(path=self._exe_path, timeout=timeout)
            except Exception:
                app.connect(title_re=f"^{re.escape(window_title)}", timeout=timeout)
            spec = app.window(title_re=f"^{re.escape(window_title)}", visible_only=False)
            main = spec.wait("exists", timeout=timeout, retry_interval=self._poll)
            uia = self._Application(backend="uia").connect(process=app.process)
        except Exception as exc:
            raise WindowGone(f"未找到窗口 {window_title}: {exc}") from exc
        self._app, self._uia, self._main = app, uia, main

    def is_alive(self) -> bool:
        return self._main is not None and bool(self._handleprops.iswindow(self._main.handle))

    def main_window(self) -> Any:
        if not self.is_alive():
            raise WindowGone("同花顺窗口已关闭")
        return self._main

    @guard
    def window_state(self) -> dict[str, Any]:
        main = self.main_window()
        login = any("登录" in w.window_text() for w in self._top_windows() if w.handle != main.handle)
        return {
            "minimized": bool(main.is_minimized()),
            "title": main.window_text(),
            "login_window": login,
            "locked": desktop_locked(),
            "elevated": process_elevated(self._app.process),  # compared with ours: winenv.py
        }

    # --- controls --------------------------------------------------------------------------
    def _spec(self, locator: Locator, parent: Any) -> Any:
        if locator.role is not None:  # embedded panel: UI Automation
            base = self._uia.window(handle=(parent or self.main_window()).handle)
            criteria: dict[str, Any] = {"control_type": locator.role, "found_index": locator.index}
        else:
            base = self._app.window(handle=(parent or self.main_window()).handle)
            criteria = {"found_index": locator.index, "visible_only": True}
            if locator.control_id is not None:
                criteria["control_id"] = locator.control_id
            if locator.class_name is not None:
                criteria["class_name"] = locator.class_name
        if locator.auto_id is not None:
            criteria["auto_id"] = locator.auto_id
        if locator.title is not None:
            criteria["title"] = locator.title
        if locator.title_contains is not None:
            criteria["title_re"] = f".*{re.escape(locator.title_contains)}.*"
        return base.child_window(**criteria)

    @guard
    def find(self, locator: Locator, parent: Any = None, timeout: float = 0.0) -> Any:
        if locator.children_only or (parent is not None and not getattr(parent, "handle", None)):
            # own children, or inside a uia element without a window: walked here, not by a spec
            found = self.wait_for(lambda: self._nth(locator, parent), max(timeout, self._poll))
            if found is None:
                raise ControlNotFound(f"找不到控件 {locator.describe()}")
            return found
        spec = self._spec(locator, parent)
        try:
            return spec.wait("exists", timeout=max(timeout, self._poll), retry_interval=self._poll)
        except self._timings.TimeoutError as exc:
            raise ControlNotFound(f"找不到控件 {locator.describe()}") from exc

    @guard
    def find_all(self, locator: Locator, parent: Any = None) -> list[Any]:
        base = parent or self.main_window()
        if locator.role is not None:
            if not is_uia(base):  # a window handle (the main window, a popup from `dialogs`)
                base = self._uia.window(handle=base.handle).wrapper_object()
            found = (base.children if locator.children_only else base.descendants)(control_type=locator.role)
        else:
            found = [c for c in (base.children() if locator.children_only else base.descendants()) if c.is_visible()]
        return [c for c in found if self._matches(c, locator)]

    def _nth(self, locator: Locator, parent: Any) -> Any:
        found = self.find_all(locator, parent)
        return found[locator.index] if len(found) > locator.index else None

    @staticmethod
    def _matches(control: Any, loc: Locator) -> bool:
        text = control.window_text()
        return (
            (loc.control_id is None or control.control_id() == loc.control_id)
            and (loc.auto_id is None or getattr(control.element_info, "automation_id", None) == loc.auto_id)
            and (loc.class_name is None or control.class_name() == loc.class_name)
            and (loc.title is None or text == loc.title)
            and (loc.title_contains is None or loc.title_contains in text)
        )

    def exists(self, locator: Locator, parent: Any = None) -> bool:
        try:
            if locator.children_only or (parent is not None and not getattr(parent, "handle", None)):
                return self._nth(locator, parent) is not None
            return bool(self._spec(locator, parent).exists(timeout=0))
        except Exception:
            return False

    @guard
    def text(self, handle: Any) -> str:
        getter = getattr(handle, "get_value", None)  # uia Edit: the value, not the label
        return str(getter() if getter is not None else handle.window_text())

    @guard
    def set_text(self, handle: Any, text: str) -> None:
        """Select all + type: newer builds ignore WM_SETTEXT on the order edits."""
        handle.set_focus()
        handle.type_keys("^a{BACKSPACE}" + escape_keys(text), with_spaces=True, set_foreground=False, pause=0)

    @guard
    def erase(self, handle: Any) -> None:
        """One Backspace per character the field shows: a web Edit's window text is its label
        (委托数量), its value is what it shows."""
        getter = getattr(handle, "get_value", None)
        count = max(len(str(getter() if getter is not None else handle.window_text())), 1)
        handle.type_keys(f"{{END}}{{BACKSPACE {count}}}", set_foreground=False)

    @guard
    def click(self, handle: Any) -> None:
        """As easyths acts on each kind (`docs/ths-facts.md#pw-clicking`): a CheckBox toggled, a
        list item invoked (the 条件单 validity), a RadioButton selected, a Button invoked; a web
        page's Text, Edit, Tab item, row or cell has no Invoke pattern (every uia wrapper has an
        `invoke` method, which raises there), so it gets a real click at its centre (出借, 确定,
        a holding in the 止盈止损 list, the validity's 请选择). Win32 controls: BM_CLICK."""
        kind = getattr(handle.element_info, "control_type", None)
        if kind == "CheckBox":
            handle.toggle()
        elif kind == "ListItem":
            handle.invoke()
        elif kind == "RadioButton":
            handle.select()
        elif kind == "Button":
            handle.invoke()
        elif kind is not None:
            handle.click_input()
        else:
            handle.click()  # BM_CLICK: no focus or mouse needed

    @guard
    def is_enabled(self, handle: Any) -> bool:
        return bool(handle.is_enabled())

    @guard
    def is_checked(self, handle: Any) -> bool:
        """uia: a CheckBox's toggle state (1 = on); a RadioButton's or TabItem's SelectionItem."""
        if getattr(handle.element_info, "control_type", None) == "CheckBox":
            return bool(handle.get_toggle_state() == 1)
        return bool(handle.is_selected())

    @guard
    def select_item(self, handle: Any, item: str) -> None:
        handle.select(item)

    @guard
    def selected_item(self, handle: Any) -> str:
        return str(handle.selected_text())

    @guard
    def items(self, handle: Any) -> list[str]:
        return [str(t) for t in handle.item_texts()]

    @guard
    def select_path(self, tree: Any, path: Sequence[str], *, exact: bool = False) -> None:
        """`TreeViewWrapper.select(path)` is always fuzzy (it calls `get_item(path)` without
        `exact`), so the item is found with `get_item(path, exact=exact)` and then selected
        (`docs/ths-facts.md#fuzzy-menu`)."""
        try:
            item = tree.get_item(list(path), exact=exact)
        except IndexError as exc:
            raise SeamError(f"菜单中没有 {' → '.join(path)}") from exc
        if item is None:  # the tree reported no items at all
            raise SeamError("左侧菜单为空")
        item.select()

    @guard
    def press_keys(self, handle: Any, keys: str) -> None:
        handle.type_keys(keys, set_foreground=False)

    # --- grids -----------------------------------------------------------------------------
    @guard
    def export_grid(self, grid: Any, path: Path, timeout: float) -> bool:
        """Ctrl+S on the grid, then the save dialog (`另存为`, PP and easytrader)."""
        grid.set_focus()
        grid.type_keys("^s", set_foreground=False)
        if not self.save_as(path, timeout):
            if not self.dialogs():
                raise GridUnavailable("按 Ctrl+S 后没有出现保存对话框")
            return False
        return True

    @guard
    def save_as(self, path: Path, timeout: float) -> bool:
        spec = self._app.window(title_re=SAVE_DIALOG)

        def save_or_other() -> str | None:
            if spec.exists(timeout=0):
                return "save"
            others = [d for d in self.dialogs() if not re.match(SAVE_DIALOG, d.title)]
            return "other" if others else None

        if self.wait_for(save_or_other, timeout) != "save":
            return False
        dialog = spec.wrapper_object()
        dialog.child_window(class_name="Edit", found_index=0).set_edit_text(str(path))
        dialog.child_window(title_re="^保存|^Save", class_name="Button").click()
        return True

    @guard
    def clear_clipboard(self) -> None:
        import win32clipboard  # pywin32, a pywinauto dependency

        win32clipboard.OpenClipboard()
        try:
            win32clipboard.EmptyClipboard()
        finally:
            win32clipboard.CloseClipboard()

    @guard
    def copy_grid(self, grid: Any) -> None:
        """As easytrader: foreground the grid without `set_focus` (which made the keys miss), then
        Ctrl+A, 0.2 s, Ctrl+C (without the pause the copy failed "80 %" of the time);
        `docs/ths-facts.md#copy`."""
        import win32gui  # pywin32

        win32gui.SetForegroundWindow(grid.handle)
        grid.type_keys("^A^C", set_foreground=False, pause=0.2)

    @guard
    def clipboard_text(self) -> str:
        """The clipboard's text; "" only when it holds no text (nothing copied yet). Failing to
        open or read it (easytrader #275: OpenClipboard fails on large tables) is a `SeamError`,
        never "": the reader must not take an unread clipboard for an empty grid."""
        import win32clipboard  # pywin32, a pywinauto dependency
        from pywinauto import clipboard

        if win32clipboard.CF_UNICODETEXT not in clipboard.GetFormats():
            return ""  # GetData would raise "That format is not available": a fact, not an error
        return str(clipboard.GetData(win32clipboard.CF_UNICODETEXT))

    @guard
    def click_grid_row(self, grid: Any, row: int) -> None:
        """A click posted to the grid at the row's check-box cell, with easytrader's geometry on the
        classic skin (first row at y 30, rows 16 high; its IPO grid ticks at x 10); the new skin
        (another peer ticks its first row at (7, 45)) is not measured. No keys, no focus, no real
        mouse: pywinauto's `click(coords=…)` posts the button messages (`docs/ths-facts.md#grid-identity`)."""
        grid.click(coords=(ROW_X, ROW_TOP + ROW_HEIGHT * row))

    @guard
    def capture_image(self, handle: Any) -> bytes:
        return png_bytes(handle.capture_as_image())

    # --- dialogs ---------------------------------------------------------------------------
    def _top_windows(self) -> list[Any]:
        from pywinauto.controls.hwndwrapper import HwndWrapper

        elements = self._findwindows.find_elements(process=self._app.process, top_level_only=True, visible_only=True)
        return [HwndWrapper(e) for e in elements]

    @guard
    def dialogs(self) -> list[DialogInfo]:
        if not self.is_alive():
            return []
        out: list[DialogInfo] = []
        for window in self._top_windows():
            if window.handle == self._main.handle:
                continue
            if window.class_name() != "#32770":
                # 成交回报, 条件单触发提醒, 银证转账, login windows: other classes, same trouble
                caption, kind = window.window_text(), window.class_name()
                if kind in POPUP_CLASSES or any(k in caption for k in POPUP_TITLES):
                    title = caption or POPUP_CLASSES[kind]
                    out.append(DialogInfo(window, title, title, (), kind))
                continue
            # hidden controls (立即重启, 前往普通下单 …) are not part of what the dialog says
            shown = [c for c in window.children() if c.is_visible()]
            statics = {c.control_id(): c.window_text() for c in shown if c.class_name() == "Static"}
            title = statics.get(1365) or window.window_text()
            body = statics.get(1004) or statics.get(1040) or "\n".join(t for t in statics.values() if t)
            buttons = tuple(c.window_text() for c in shown if c.class_name() == "Button")
            out.append(DialogInfo(window, title, body, buttons, fields=statics))
        return out

    @guard
    def press(self, dialog: Any, labels: Sequence[str]) -> str:
        """A visible button by caption, never by id: ids mean different things in different
        dialogs, and 撤单确认's 改单 sits beside 是 (`docs/ths-facts.md#dialog-button-ids`)."""
        buttons = [c for c in dialog.children() if c.class_name() == "Button" and c.is_visible()]
        for want in labels:
            for button in buttons:
                if button.window_text().startswith(want):
                    button.click()
                    return str(button.window_text())
        raise SeamError(f"对话框中没有按钮 {list(labels)}")

    @guard
    def close(self, dialog: Any) -> None:
        dialog.close()  # WM_CLOSE: the client treats it as 取消/否

    # --- waiting and recording -------------------------------------------------------------
    def wait_for(self, condition: Callable[[], T | None], timeout: float) -> T | None:
        deadline = time.monotonic() + timeout
        while True:
            result = condition()
            if result or time.monotonic() >= deadline:
                return result or None
            time.sleep(self._poll)

    def today(self) -> date:
        return date.today()

    @guard
    def snapshot_tree(self) -> ControlInfo:
        return self._info(self.main_window())

    def _info(self, control: Any) -> ControlInfo:
        if control.class_name() == "SysTreeView32":
            items = tuple(self._tree_item(i) for i in control.roots())
            return ControlInfo(control.control_id(), "SysTreeView32", "", "Tree", items)
        children = tuple(self._info(c) for c in control.children() if c.is_visible())
        return ControlInfo(control.control_id(), control.class_name(), control.window_text(), None, children)

    @guard
    def snapshot_uia(self) -> ControlInfo:
        """The UI Automation tree (embedded Chromium panels have roles and names, no ids)."""
        return self._uia_info(self._uia.window(handle=self.main_window().handle).wrapper_object(), 0)

    def _uia_info(self, element: Any, depth: int) -> ControlInfo:
        info = element.element_info
        children = () if depth >= 12 else tuple(self._uia_info(c, depth + 1) for c in element.children())
        cid = info.control_id if isinstance(getattr(info, "control_id", None), int) else None
        return ControlInfo(cid, info.class_name or "", info.name or "", info.control_type, children)

    def client_settings(self) -> dict[str, str] | None:
        """None: no public driver reads the 系统设置 dialog, so the user confirms the settings
        (`requirements.REQUIRED`, printed by `easyths doctor`) and states [broker].popups."""
        return None

    def client_version(self) -> str:
        try:
            import win32api  # pywin32

            info = win32api.GetFileVersionInfo(self._exe_path or "", "\\")
            ms, ls = info["FileVersionMS"], info["FileVersionLS"]
            return f"{ms >> 16}.{ms & 0xFFFF}.{ls >> 16}.{ls & 0xFFFF}"
        except Exception:
            return "unknown"

    def _tree_item(self, item: Any) -> ControlInfo:
        children = tuple(self._tree_item(c) for c in item.children())
        return ControlInfo(None, "TreeItem", str(item.text()), "TreeItem", children)


__all__ = ["PywinautoSeam"]
