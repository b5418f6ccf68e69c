"""Record the client's window tree for a bug report; load it back into the emulator.

Why: client builds and brokers differ (menu names, grid headers, control ids). A recording made
on a user's machine by `easyths doctor` turns their variant into a test case: `ThsEmulator`
loads it and the driver runs against that shape. A recording holds structure and labels only:
never account numbers, balances, names of holdings or grid cell values, so it is safe to attach.
"""

from __future__ import annotations

import platform
import re
import time
from datetime import datetime
from typing import Any

from easyths.brokers.ths.columns import DEFAULT_MENU, FUNDS_STATICS, menu_path
from easyths.brokers.ths.grid import GridReader
from easyths.brokers.ths.seam import ControlInfo, DialogInfo, GuiSeam, Locator
from easyths.brokers.ths.session import CONDITION_FORM, GRID, GRID_CTRL, TREE
from easyths.settings import BrokerSection

FORMAT = "easyths-ths-recording/1"
GRID_PAGES = ("holdings", "orders", "fills", "history", "cancel")
PANEL_PAGES = ("condition_price", "stop_loss_profit", "condition_monitor", "repo")
# Controls whose caption is a label, not a value.
LABEL_ROLES = frozenset({"Button", "TreeItem", "TabItem", "RadioButton", "ListItem", "HeaderItem", "CheckBox", "Tree"})
VALUE_IDS = frozenset({1036, 1004, 1040, *FUNDS_STATICS})
_DIGITS = re.compile(r"\d")


def sanitize(node: ControlInfo, *, inside_row: bool = False) -> dict[str, Any]:
    """Structure kept, values dropped: edits, combos, value statics, table cells, any digits."""
    label = node.role in LABEL_ROLES or node.class_name in ("Button", "SysTreeView32", "TreeItem")
    keep = (
        not inside_row
        and node.role not in ("Edit", "ComboBox", "DataItem", "Table", "Image")
        and node.class_name not in ("Edit", "ComboBox", "CVirtualGridCtrl")
        and node.control_id not in VALUE_IDS
        and (label or not _DIGITS.search(node.title))
    )
    row = inside_row or node.role == "DataItem"
    out: dict[str, Any] = {"class_name": node.class_name, "title": node.title if keep else ""}
    if node.control_id is not None:
        out["control_id"] = node.control_id
    if node.role:
        out["role"] = node.role
    if node.children and not (row and node.role == "DataItem"):
        out["children"] = [sanitize(c, inside_row=row) for c in node.children]
    elif row and node.children:
        out["cells"] = len(node.children)
    return out


def _dialog_record(info: DialogInfo) -> dict[str, Any]:
    """A dialog's shape: class, title and buttons; its text with every digit masked (合同编号,
    amounts and account numbers never leave the machine)."""
    return {
        "class_name": info.class_name,
        "title": _DIGITS.sub("#", info.title),
        "text": _DIGITS.sub("#", info.text)[:200],
        "buttons": list(info.buttons),
    }


def menu_paths(tree: ControlInfo) -> list[list[str]]:
    """Every path of the left menu (control 129), from a tree snapshot."""
    paths: list[list[str]] = []

    def walk(node: ControlInfo, prefix: list[str]) -> None:
        for child in node.children:
            path = [*prefix, child.title]
            paths.append(path)
            walk(child, path)

    for node in _walk(tree):
        if node.control_id == 129:
            walk(node, [])
            break
    return paths


def _walk(node: ControlInfo) -> list[ControlInfo]:
    out = [node]
    for child in node.children:
        out += _walk(child)
    return out


def record(seam: GuiSeam, config: BrokerSection) -> dict[str, Any]:
    """Attach, snapshot the main window, visit each known page, keep grid headers only."""
    seam.attach(config.window_title, config.step_timeout)
    state = seam.window_state()
    main = seam.snapshot_tree()
    paths = menu_paths(main)
    menu: dict[str, list[str]] = {}
    missing: list[str] = []
    for page in DEFAULT_MENU:
        path = menu_path(page, config.menu)
        if path in paths:
            menu[page] = path
        else:
            missing.append(page)
    reader = GridReader(
        seam, mode=config.grid_read, columns={}, timeout=config.step_timeout, recogniser=None, on_dialog=lambda _: None
    )
    headers: dict[str, list[str]] = {}
    pages: dict[str, Any] = {}
    panels: dict[str, Any] = {}
    timings: dict[str, float] = {}
    market_items: list[str] = []
    dialogs = [_dialog_record(d) for d in seam.dialogs()]  # whatever is open now: win32 and popups
    known = [d.handle for d in seam.dialogs()]
    tree = seam.find(TREE, timeout=config.step_timeout)
    for page, path in menu.items():
        started = time.perf_counter()
        try:
            seam.select_path(tree, path, exact=True)
            snap = seam.snapshot_tree()
            pages[page] = [sanitize(c) for c in snap.children if c.control_id != 129]  # menu recorded once
            snapshot_uia = getattr(seam, "snapshot_uia", None)  # PywinautoSeam's only, not the GuiSeam protocol
            if page in PANEL_PAGES and callable(snapshot_uia):
                uia = snapshot_uia()
                panels[page] = [sanitize(c) for c in uia.children if c.control_id != 129]
            for opened in [d for d in seam.dialogs() if all(d.handle is not k for k in known)]:
                # the page's own popup (国债逆回购 opens one): recorded, and closed again by its opener
                dialogs.append(_dialog_record(opened))
                if seam.exists(CONDITION_FORM, opened.handle):  # the 条件单 popup: Esc, as easyths closes it
                    seam.press_keys(opened.handle, "{ESC}")
                else:
                    seam.close(opened.handle)
            if page.startswith("market_") and seam.exists(Locator(control_id=1541)):
                market_items = market_items or seam.items(seam.find(Locator(control_id=1541)))
            if page in GRID_PAGES and seam.exists(GRID):
                container = seam.find(GRID, timeout=config.step_timeout)
                inner = seam.find_all(GRID_CTRL, container)
                text = reader.read_text(inner[0] if inner else container)
                first = text.split("\n", 1)[0]
                headers[page] = [h.strip() for h in first.split("\t") if h.strip()]
        except Exception as exc:  # a page that fails is a finding, not a reason to stop
            pages[page] = {"error": f"{type(exc).__name__}: {exc}"}
        timings[page] = round(time.perf_counter() - started, 3)
    dialogs += [_dialog_record(d) for d in seam.dialogs()]
    settings_reader = getattr(seam, "client_settings", None)
    client_settings = settings_reader() if callable(settings_reader) else None
    version_reader = getattr(seam, "client_version", None)
    return {
        "client_version": version_reader() if callable(version_reader) else "unknown",
        "client_settings": client_settings,  # labels and 是/否 only
        "dialogs": dialogs,
        "panels": panels,
        "market_items": market_items,
        "step_timings": timings,
        "format": FORMAT,
        "recorded_at": datetime.now().astimezone().isoformat(timespec="seconds"),
        "platform": platform.platform(),
        "window_title": config.window_title,
        "client_state": {"minimized": bool(state.get("minimized")), "login_window": bool(state.get("login_window"))},
        "menu": menu,
        "menu_missing": missing,
        "menu_paths": paths,
        "grid_headers": headers,
        "grid_read": {"export_works": reader.export_works},
        "tree": sanitize(main),
        "pages": pages,
    }


def suggest_config(recording: dict[str, Any]) -> dict[str, Any]:
    """The `[broker]` settings a recorded client needs (window title, menu paths that differ)."""
    menu = {k: v for k, v in recording.get("menu", {}).items() if DEFAULT_MENU.get(k) != v}
    out: dict[str, Any] = {"window_title": recording.get("window_title", "网上股票交易系统5.0")}
    if menu:
        out["menu"] = menu
    return out


__all__ = ["FORMAT", "menu_paths", "record", "sanitize", "suggest_config"]
