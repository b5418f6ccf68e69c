"""`ThsEmulator`: an emulated 同花顺 xiadan.exe window tree behind the driver's `GuiSeam`.

Why ship it: like httpx's `MockTransport`, a fake beside the real thing lets anyone test code that
drives the client without Windows or an account. It has the real control ids (1032/1033/1034/1006,
1036, 1541, funds statics 1012–1029, grid 1047, tree 129, cancel buttons 30001–30003, dialog
statics 1365/1004/1040, captcha 2404/2405), the menus, dialogs and grids, and trades through a
`Broker` passed in (the sim in tests): its rejections come back as the client's own dialogs, so
the driver parses dialog text exactly as on the real client.

Time is virtual: `wait_for` jumps to the next dialog's due time instead of sleeping, so a slow or
silent client costs a test nothing. A recording made by `easyths doctor` (window title, menu
paths, grid headers) makes it emulate another client build.
"""

from __future__ import annotations

import difflib
import json
import logging
import time
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from easyths.brokers.sim.broker import SimBroker
from easyths.brokers.ths.columns import DEFAULT_MENU
from easyths.brokers.ths.emulator import ipo_pages, pages
from easyths.brokers.ths.emulator.dialogs import EmulatedDialogs
from easyths.brokers.ths.emulator.faults import Faults
from easyths.brokers.ths.emulator.grids import EmulatedGrids
from easyths.brokers.ths.emulator.nodes import Dialog, Node
from easyths.brokers.ths.seam import (
    ControlInfo,
    ControlNotFound,
    Locator,
    SeamError,
    WindowGone,
)

T = TypeVar("T")
log = logging.getLogger(__name__)


class ThsEmulator(EmulatedDialogs, EmulatedGrids):
    """The emulated client. Test controls: `faults`, `kill()`, `restart()`, `dialogs_open`,
    `blind_confirms` (dialogs answered 是 that should never be), `logged_in`, `minimized`."""

    def __init__(
        self,
        broker: SimBroker,  # its pages place and cancel through the sim's own verbs, not the Broker port
        *,
        window_title: str = "网上股票交易系统5.0",
        recording: dict[str, Any] | Path | None = None,
        faults: Faults | None = None,
        popups: bool = False,
        confirm_orders: bool | None = None,
        realtime: bool = False,
    ) -> None:
        """`popups` False is the reference's 快速交易 setting: no 委托确认 and no success 提示
        (failures are still shown). `realtime`: waits take wall-clock time (the service
        under `--backend emulator`); otherwise time is virtual and tests cost nothing."""
        self.broker = broker
        self.window_title = window_title
        self.faults = faults or Faults()
        self.popups = popups
        self.confirm_orders = popups if confirm_orders is None else confirm_orders
        self.success_popups = popups
        self.realtime = realtime
        self._t0 = time.monotonic()
        self._now = 0.0
        self.menu: dict[str, list[str]] = {k: list(v) for k, v in {**DEFAULT_MENU, **ipo_pages.MENU}.items()}
        self.headers: dict[str, list[str]] = {}  # page -> displayed grid headers (a variant)
        self.recording: dict[str, Any] | None = None
        self.alive = True
        self.generation = 0
        self.logged_in = True
        self.minimized = False
        self.died_at: float | None = None
        self.locked_until = 0.0
        self.row_visible_at: dict[str, float] = {}  # slow_refresh: contract -> when it shows
        self.save_captcha_ok_until = 0.0
        self.market_items: dict[Any, str] | None = None  # 1541 labels of this build (None: abbreviated)
        self.clear_on_switch = True  # 切换页面是否清空代码
        self.condition_auto = True  # 全自动委托 selectable (greyed in simulated trading)
        self.blind_confirms = 0
        self.blind_modifies = 0  # 改单 pressed on a 撤单确认: a new order the driver never asked for
        self.clipboard = ""
        self.saving: Node | None = None  # the grid whose Save-As comes after an export captcha
        self.save_dialog: Dialog | None = None
        self.steps = 0  # seam calls made, for the benchmark
        self._dialogs: list[Dialog] = []
        self._captcha_serial = 0
        if recording is not None:
            self.load_recording(recording)
        self._build()

    # --- set-up ------------------------------------------------------------------------------
    def load_recording(self, recording: dict[str, Any] | Path) -> None:
        data = json.loads(recording.read_text("utf-8")) if isinstance(recording, Path) else recording
        self.recording = data
        self.window_title = data.get("window_title", self.window_title)
        self.menu.update({k: list(v) for k, v in data.get("menu", {}).items()})
        self.headers.update({k: list(v) for k, v in data.get("grid_headers", {}).items() if v})
        recorded = data.get("client_settings") or {}
        if recorded.get("买入时是否需要确认") in ("是", "否"):
            self.confirm_orders = recorded["买入时是否需要确认"] == "是"
        if recorded.get("委托成功后是否弹出提示对话框") in ("是", "否"):
            self.success_popups = recorded["委托成功后是否弹出提示对话框"] == "是"
            self.popups = self.success_popups
        if data.get("market_items"):
            from easyths.brokers.base import MarketStrategy
            from easyths.brokers.ths.orders import MARKET_ALIASES

            items = list(data["market_items"])
            self.market_items = {
                strategy: next((a for a in MARKET_ALIASES[strategy] if a in items), strategy.value)
                for strategy in MarketStrategy
                if any(a in items for a in MARKET_ALIASES[strategy])
            }

    def _build(self) -> None:
        if self.faults.fire("renamed_menu"):  # this build has no 市价委托, only 盘后定价委托
            for side, label in (("buy", "买入"), ("sell", "卖出")):
                self.menu.pop(f"market_{side}", None)
                self.menu[f"after_hours_{side}"] = ["盘后定价委托", label]
        self.generation += 1
        self.main = Node("Afx:400000:8:10003:0:0", self.window_title, generation=self.generation)
        self.page = Node("#32770", "", 59649, role="Pane")
        self.tree = pages.tree(self)
        self.main.add(pages.account_combo(self), self.tree, self.page)
        self.current_page: str | None = None
        self._dialogs = []

    @property
    def now(self) -> float:
        return time.monotonic() - self._t0 if self.realtime else self._now

    @now.setter
    def now(self, value: float) -> None:
        if not self.realtime:
            self._now = value

    @property
    def locked(self) -> bool:
        return self.now < self.locked_until

    def kill(self) -> None:
        """The client process dies: its window and dialogs vanish, every handle goes stale."""
        self.alive = False
        self.died_at = self.now
        self._dialogs = []

    def restart(self) -> None:
        self.alive = True
        self.died_at = None
        self.faults.die = None
        self._build()

    # --- GuiSeam: window ---------------------------------------------------------------------
    def attach(self, window_title: str, timeout: float) -> None:
        self.steps += 1
        if not self.alive and self.died_at is not None and ("client_death" in self.faults.rates or self.realtime):
            back = self.died_at + self.faults.restart_after  # the user restarts it after a while
            if back <= self.now + timeout:
                self.now = max(self.now, back)
                if self.realtime and self.now < back:
                    time.sleep(back - self.now)
                self.restart()
            else:
                self.now = self.now + timeout
        if not self.alive and self.faults.auto_restart:
            self.restart()
        if not self.alive or window_title != self.window_title:
            raise WindowGone(f"没有标题为 {window_title} 的窗口")

    def is_alive(self) -> bool:
        return self.alive

    def main_window(self) -> Node:
        return self._check(self.main)

    def window_state(self) -> dict[str, Any]:
        self._check(self.main)
        if not self.locked and self.faults.fire("locked_desktop"):
            self.locked_until = self.now + self.faults.lock_seconds
        return {
            "minimized": self.minimized,
            "title": self.window_title,
            "login_window": not self.logged_in,
            "locked": self.locked,
        }

    def _check(self, node: Node) -> Node:
        self.steps += 1
        root = node.root()
        if not self.alive or root.generation != self.generation:
            raise WindowGone("窗口已关闭")
        if root is not self.main and not any(d.node is root for d in self._dialogs):
            raise WindowGone("对话框已关闭")
        return node

    # --- GuiSeam: controls -------------------------------------------------------------------
    def _matches(self, node: Node, loc: Locator) -> bool:
        label = node.data.get("label") or node.text
        return (
            (loc.control_id is None or node.control_id == loc.control_id)
            and (loc.class_name is None or node.class_name == loc.class_name)
            and (loc.title is None or label == loc.title)
            and (loc.title_contains is None or loc.title_contains in label)
            and (loc.role is None or node.role == loc.role)
            and (loc.auto_id is None or node.data.get("auto_id") == loc.auto_id)
        )

    def find_all(self, locator: Locator, parent: Any = None) -> list[Any]:
        root = self._check(parent if parent is not None else self.main)
        nodes = root.children if locator.children_only else root.walk()
        return [n for n in nodes if self._matches(n, locator)]

    def find(self, locator: Locator, parent: Any = None, timeout: float = 0.0) -> Any:
        def hit() -> Node | None:
            found = self.find_all(locator, parent)
            return found[locator.index] if len(found) > locator.index else None

        node = self.wait_for(hit, timeout)
        if node is None:
            raise ControlNotFound(f"找不到控件 {locator.describe()}")
        return node

    def exists(self, locator: Locator, parent: Any = None) -> bool:
        return len(self.find_all(locator, parent)) > locator.index

    def text(self, handle: Any) -> str:
        return self._check(handle).text

    def set_text(self, handle: Any, text: str) -> None:
        node = self._check(handle)
        if self.locked or self.faults.fire("keystrokes_lost"):
            return  # keys that never arrive leave the field as it was, silently
        # a pre-filled default the select-all did not catch: the typed digits append to it
        node.text = node.text + text if node.data.get("prefilled") else text
        if node.on_text is not None:
            node.on_text(text)

    def erase(self, handle: Any) -> None:
        node = self._check(handle)
        if self.locked or self.faults.fire("keystrokes_lost"):
            return
        node.text = ""
        node.data.pop("prefilled", None)  # key by key, whatever select-all does on this build

    def click(self, handle: Any) -> None:
        node = self._check(handle)
        if not node.enabled or self.locked:
            return
        if node.on_click is not None:
            node.on_click()

    def is_enabled(self, handle: Any) -> bool:
        return self._check(handle).enabled

    def is_checked(self, handle: Any) -> bool:
        return bool(self._check(handle).data.get("checked"))

    def select_item(self, handle: Any, item: str) -> None:
        node = self._check(handle)
        if item not in self.items(node):
            raise SeamError(f"下拉框中没有 {item}")
        if node.on_select is not None:
            node.on_select(item)
        else:
            node.text = item

    def selected_item(self, handle: Any) -> str:
        node = self._check(handle)
        return node.selected() if node.selected is not None else node.text

    def items(self, handle: Any) -> list[str]:
        node = self._check(handle)
        return node.items() if node.items is not None else []

    def select_path(self, tree: Any, path: Sequence[str], *, exact: bool = False) -> None:
        """As pywinauto's tree: each level's most similar caption (difflib ratio, rejected only
        below 0.6) unless `exact` (`docs/ths-facts.md#fuzzy-menu`)."""
        self._check(tree)
        page = _resolve(self.menu, list(path), exact)
        if page is None:
            raise SeamError(f"菜单中没有 {' → '.join(path)}")
        if self.faults.die == "on_navigate" and page in ("buy", "sell", "market_buy", "market_sell"):
            self.kill()
            raise WindowGone("窗口已关闭")
        pages.open_page(self, page)

    def press_keys(self, handle: Any, keys: str) -> None:
        node = self._check(handle)
        if self.locked:
            return
        if "{ENTER}" in keys and node.data.get("on_enter") is not None:
            node.data["on_enter"]()
        escaped = next((d for d in self._dialogs if d.node is node.root()), None)
        if "{ESC}" in keys and escaped is not None:
            # Esc is a key, not WM_CLOSE: a dialog that ignores WM_CLOSE (resist_close) still goes,
            # as the 条件单 popup does for easyths (`docs/ths-facts.md#condition-create`)
            self.dismiss(escaped)
            if escaped.on_close is not None:
                escaped.on_close()
        if "{F5}" in keys and self.page.data.get("refresh") is not None:
            self.page.data["refresh"]()

    # --- GuiSeam: waiting and recording ------------------------------------------------------
    def wait_for(self, condition: Callable[[], T | None], timeout: float) -> T | None:
        if self.realtime:
            end = time.monotonic() + timeout
            while True:
                result = condition()
                if result or time.monotonic() >= end:
                    return result or None
                time.sleep(0.005)
        deadline = self.now + timeout
        while True:
            result = condition()
            if result:
                return result
            events = [d.due for d in self._dialogs] + list(self.row_visible_at.values()) + [self.locked_until]
            pending = [t for t in events if self.now < t <= deadline]
            if not pending:
                self.now = max(self.now, deadline)
                return condition() or None
            self.now = min(pending)

    def today(self) -> date:
        """The day of the exchange behind it (a virtual clock in tests)."""
        clock = getattr(self.broker, "clock", None)
        return clock.now().date() if clock is not None else date.today()

    def snapshot_tree(self) -> ControlInfo:
        return _info(self._check(self.main))

    def snapshot_uia(self) -> ControlInfo:
        """The UI Automation view (embedded panels have roles, no ids): the same tree here."""
        return _info(self._check(self.main))

    def client_settings(self) -> dict[str, str]:
        """The 系统设置 → 快速交易 / 交易设置 entries the driver depends on, as the client shows them."""
        yes_no = {True: "是", False: "否"}
        settings = {
            "买入时是否需要确认": yes_no[self.confirm_orders],
            "卖出时是否需要确认": yes_no[self.confirm_orders],
            "撤单前是否需要确认": yes_no[self.popups],
            "委托成功后是否弹出提示对话框": yes_no[self.success_popups],
            "撤单成功后是否弹出提示对话框": yes_no[self.popups],
            "切换页面是否清空代码": yes_no[self.clear_on_switch],
            "是否弹出成交回报提示窗口": "无",
        }
        settings.update((self.recording or {}).get("client_settings", {}))
        return settings

    def client_version(self) -> str:
        return str((self.recording or {}).get("client_version", "emulator"))


def _resolve(menu: dict[str, list[str]], path: list[str], exact: bool) -> str | None:
    """The page a tree path selects, level by level, as `TreeViewWrapper.get_item` finds it."""
    chosen: list[str] = []
    for depth, want in enumerate(path):
        level = list(dict.fromkeys(p[depth] for p in menu.values() if len(p) > depth and p[:depth] == chosen))
        if exact:
            hit = want if want in level else None
        else:
            scored = [(difflib.SequenceMatcher(None, want, caption).ratio(), caption) for caption in level]
            best = max(scored, default=(0.0, ""))
            hit = best[1] if best[0] >= 0.6 else None
        if hit is None:
            return None
        chosen.append(hit)
    return next((page for page, p in menu.items() if p == chosen), None)


def _info(node: Node) -> ControlInfo:
    return ControlInfo(
        node.control_id,
        node.class_name,
        node.data.get("label") or node.text,
        node.role,
        tuple(_info(c) for c in node.children),
    )


def _noop() -> None:
    return None


__all__ = ["Faults", "ThsEmulator"]
