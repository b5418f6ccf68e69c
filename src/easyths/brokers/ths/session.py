"""One attachment to the client: re-attach, navigate, wait, handle dialogs, map errors.

Why one class for this: every operation starts the same way (is the window still there? any stray
popup in the way? go to page X and wait for its field) and ends the same way (map whatever the
GUI threw into the service's error tree). Keeping that here lets each operation read as its steps.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any, cast

from easyths.brokers.ths import dialogs
from easyths.brokers.ths.columns import EXPECTED_COLUMNS, PAGE_NAMES, menu_path
from easyths.brokers.ths.grid import CaptchaRecogniser, GridReader, Table
from easyths.brokers.ths.seam import DialogInfo, GuiSeam, Locator, SeamError, WindowGone
from easyths.errors import BrokerError, BrokerRejected, BrokerUnavailable, OutcomeUnknown
from easyths.settings import BrokerSection

log = logging.getLogger("easyths.ths")

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
CONDITION_FORM = Locator(class_name="ConditionToolBar")
FILL_TRIES = 2  # a field that does not read back as typed is erased and typed once more
MAX_DIALOGS = 8  # dialogs handled in one flow before the driver gives up on a verdict
MAX_CLOSE = 12  # leftover dialogs closed before a step before the driver gives up on the window
OUTSTANDING = 16  # earlier flows remembered as "may still send dialogs"
CLAIMED = 4096  # 合同编号 remembered as credited (several days of orders)


class Abandoned(SeamError):
    """The watchdog gave up on this operation: its thread must stop touching the GUI now."""


class ClientBlocked(BrokerUnavailable):
    """A login, lock or relogin window, or a locked desktop: no keystroke would land."""


@dataclass(slots=True)
class Attempt:
    """An order-placing flow in progress: `submitted` flips when the submit button is pressed,
    after which any failure means the order may exist (`OutcomeUnknown`, never a retry).
    `continued` flips when the driver answered 是 to anything but its own confirmation: from
    then on no dialog can make the verdict `failed`."""

    hint: dict[str, Any]
    submitted: bool = False
    confirmed: bool = False  # our own 委托确认 answered 是
    continued: bool = False
    declined: list[str] = field(default_factory=list)  # prompts answered 否 (order likely not sent)
    refused: list[str] = field(default_factory=list)  # confirmations answered 否: not this flow's
    seen: list[str] = field(default_factory=list)  # dialog texts met, for the logs and the hint


class Verdict:
    """What the dialogs said: a 合同编号, or nothing conclusive (None). `trusted` is False when
    an earlier flow may still be sending dialogs, so the 合同编号 must be checked on the book."""

    def __init__(self, contract_no: str | None, text: str = "", *, trusted: bool = True) -> None:
        self.contract_no = contract_no
        self.text = text
        self.trusted = trusted


class _Token:
    __slots__ = ("cancelled", "what")

    def __init__(self, what: str) -> None:
        self.cancelled = False
        self.what = what


class GuardedSeam:
    """The seam with the cancel token checked before every call: an abandoned worker raises
    `Abandoned` at its next step instead of typing into a window another operation now owns."""

    def __init__(self, seam: GuiSeam, session: ClientSession) -> None:
        self._seam = seam
        self._session = session

    @property
    def raw(self) -> GuiSeam:
        return self._seam

    def __getattr__(self, name: str) -> Any:
        target = getattr(self._seam, name)
        if not callable(target):
            return target
        check = self._session.check_cancelled

        def guarded(*args: Any, **kwargs: Any) -> Any:
            check()
            return target(*args, **kwargs)

        return guarded


class ClientSession:
    def __init__(self, seam: GuiSeam, config: BrokerSection, recogniser: CaptchaRecogniser | None = None) -> None:
        self.raw_seam = seam
        self.seam: GuiSeam = cast(GuiSeam, GuardedSeam(seam, self))
        self.config = config
        self.timeout = config.step_timeout
        self.attached = False
        self.closed_dialogs: list[str] = []  # "kind: title: text" of every popup closed unanswered
        self.blocked: str | None = None  # login / lock window seen: the message health shows
        # The client's confirmation/success popups: True/False when configured or learnt by the
        # start-up check, None when unknown (then every dialog wait is the full step timeout).
        self.popups: bool | None = {"on": True, "off": False}.get(config.popups)
        # Flows that ended without a verdict (unknown, abandoned): their dialogs may still arrive,
        # so until a reconcile has drained them no dialog verdict is taken on its word.
        self.outstanding: list[dict[str, Any]] = []
        # 合同编号 already credited to a flow (a success, or a reconcile that found it): the book
        # settles a later question only with rows nobody has claimed, so an identical order placed
        # after an unknown one is never credited to both (`orders.settle`).
        self.claimed: dict[str, None] = {}
        # 合同编号 this service saw placed, not yet seen in a read of 当日委托, with their day:
        # a read without them shows a grid that has not caught up (`orders.listed_orders`)
        self.expected: dict[str, date] = {}
        self.abandoned = 0
        self._gui = threading.Lock()
        self._holder: _Token | None = None
        self._local = threading.local()
        # How long the next operation waits for an abandoned one to let go of the GUI.
        self.release_wait = max(2 * self.timeout, 1.0)
        self.grids = GridReader(
            self.seam,
            mode=config.grid_read,
            columns=config.columns,
            export_dir=config.export_dir,
            timeout=self.timeout,
            recogniser=recogniser,
            on_dialog=self.dismiss,
        )

    # --- attachment -------------------------------------------------------------------------
    def ensure(self, timeout: float | None = None) -> None:
        """Re-attach when the window is gone (client restarted) instead of failing forever."""
        if self.attached and self.seam.is_alive():
            return
        self.attached = False
        try:
            self.seam.attach(self.config.window_title, self.timeout if timeout is None else timeout)
        except Exception as exc:
            raise BrokerUnavailable(
                f"未找到同花顺下单窗口「{self.config.window_title}」，请确认 xiadan.exe 已启动并登录"
            ) from exc
        self.attached = True
        log.info("已连接同花顺下单窗口")

    # --- ownership of the GUI: one flow at a time, abandonable ---------------------------------
    @contextmanager
    def hold(self, what: str) -> Iterator[None]:
        """Own the GUI for one flow. Nested use (a flow calling a query) re-uses the token.
        After an abandon the next flow waits, bounded, for the old thread to let go."""
        if getattr(self._local, "token", None) is not None:
            yield
            return
        if not self._gui.acquire(timeout=self.release_wait):
            holder = self._holder.what if self._holder is not None else "上一个操作"
            raise BrokerUnavailable(f"「{holder}」已被放弃但仍在操作客户端界面，请稍后再试")
        token = _Token(what)
        self._local.token = token
        self._holder = token
        try:
            yield
        finally:
            self._local.token = None
            self._holder = None
            self._gui.release()

    def try_hold(self) -> bool:
        """For health: never wait on a flow; True when the GUI was free and is now held (by a
        token of its own, so the start-up check's nested flows re-use it)."""
        if getattr(self._local, "token", None) is not None:
            return False
        if not self._gui.acquire(blocking=False):
            return False
        token = _Token("健康检查")
        self._local.token = token
        self._holder = token
        return True

    def release(self) -> None:
        self._local.token = None
        self._holder = None
        self._gui.release()

    def abandon(self) -> None:
        """Called from the watchdog's thread: the running flow stops at its next seam call."""
        holder = self._holder
        if holder is not None and not holder.cancelled:
            holder.cancelled = True
            self.abandoned += 1
            log.error("操作「%s」被看门狗放弃：其线程将在下一步停止操作客户端", holder.what)

    def check_cancelled(self) -> None:
        token = getattr(self._local, "token", None)
        if token is not None and token.cancelled:
            raise Abandoned(f"操作「{token.what}」已被放弃，停止操作客户端")

    @contextmanager
    def boundary(self, what: str, attempt: Attempt | None = None) -> Iterator[None]:
        """The one place foreign errors become service errors (`raise ... from exc`)."""
        with self.hold(what):
            try:
                self.ensure()
                self.check_blocked()
                self.clear_dialogs()
                yield
            except OutcomeUnknown as exc:
                self._remember(attempt)
                raise exc
            except BrokerError as exc:
                if attempt is not None and attempt.submitted and not isinstance(exc, BrokerRejected):
                    self._remember(attempt)
                    attempt.hint["error"] = exc.message
                    raise OutcomeUnknown(
                        f"{what}已提交但未能确认结果（{exc.message}），请稍后对账", details=attempt.hint
                    ) from exc
                raise
            except Exception as exc:
                if isinstance(exc, WindowGone) or not self._alive():
                    self.attached = False
                if attempt is not None and attempt.submitted:
                    self._remember(attempt)
                    attempt.hint["error"] = f"{type(exc).__name__}: {exc}"
                    raise OutcomeUnknown(
                        f"{what}已提交但客户端未给出结果（{_describe(exc)}），请稍后对账", details=attempt.hint
                    ) from exc
                raise BrokerUnavailable(f"{what}失败：{_describe(exc)}") from exc

    def _remember(self, attempt: Attempt | None) -> None:
        if attempt is not None and attempt.submitted:
            self.outstanding.append(attempt.hint)
            del self.outstanding[:-OUTSTANDING]

    def claim(self, contract_no: str) -> str:
        """Remember a 合同编号 as some flow's own (bounded: the oldest are forgotten first)."""
        self.claimed[contract_no] = None
        if not contract_no.startswith("条件单:"):
            self.expected[contract_no] = self.raw_seam.today()
            while len(self.expected) > OUTSTANDING:
                del self.expected[next(iter(self.expected))]
        while len(self.claimed) > CLAIMED:
            del self.claimed[next(iter(self.claimed))]
        return contract_no

    def expected_today(self) -> set[str]:
        """The 合同编号 placed today that no read of 当日委托 has shown yet."""
        today = self.raw_seam.today()
        return {c for c, day in self.expected.items() if day == today}

    def seen(self, contract_nos: set[str] | None = None) -> None:
        """A read of 当日委托 showed these (None: forget them all, e.g. another account)."""
        for contract_no in list(self.expected) if contract_nos is None else contract_nos:
            self.expected.pop(contract_no, None)

    def settled(self) -> None:
        """Late dialogs have been waited for and closed: earlier flows can send no more."""
        self.outstanding.clear()

    def check_blocked(self) -> None:
        """A login/lock window or a locked desktop stops the flow before any keystroke."""
        state = self.seam.window_state()
        if state.get("login_window"):
            self.blocked = "客户端显示登录/解锁窗口：请在客户端中重新登录后再试"
        elif state.get("locked"):
            self.blocked = "Windows 桌面已锁定或远程桌面已断开：按键无法送达客户端，请保持桌面解锁"
        else:
            self.blocked = None
            return
        raise ClientBlocked(self.blocked)

    def _alive(self) -> bool:
        try:
            return self.seam.is_alive()
        except Exception:
            return False

    # --- navigation and fields --------------------------------------------------------------
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

    # --- dialogs ----------------------------------------------------------------------------
    def clear_dialogs(self) -> None:
        """Close whatever is open before a step; nothing left over is ever confirmed. Bounded:
        a window that will not go away stops the flow instead of spinning."""
        for _ in range(MAX_CLOSE):
            found = self.seam.dialogs()
            if not found:
                return
            for info in found:
                if dialogs.classify(info).kind is dialogs.DialogKind.LOGIN:
                    self.blocked = f"客户端弹出登录/解锁窗口「{info.title}」：请在客户端中处理后再试"
                    raise ClientBlocked(self.blocked)
                self.dismiss(info)
        raise BrokerUnavailable("客户端有弹窗无法关闭，请在客户端中手动关闭后再试")

    def dismiss(self, info: DialogInfo) -> None:
        """Close (WM_CLOSE = 取消/否); a window that ignores it gets 否/取消, then 确定."""
        kind = dialogs.classify(info).kind
        log.warning("关闭未处理的弹窗 [%s] %s: %s", kind, info.title, dialogs.rejection_text(info))
        self.closed_dialogs.append(f"{kind}: {info.title}: {dialogs.rejection_text(info)}")
        del self.closed_dialogs[:-50]
        try:
            if self.seam.exists(CONDITION_FORM, info.handle):
                self.seam.press_keys(info.handle, "{ESC}")  # a web popup closed by WM_CLOSE may not reopen
                if not self._still_open(info):
                    return
            self.seam.close(info.handle)
        except WindowGone:
            return
        if not self._still_open(info):
            return
        answers = dialogs.NO if any(b.startswith(("是", "否")) for b in info.buttons) else (*dialogs.NO, "确定", "关闭")
        try:
            self.seam.press(info.handle, answers)
        except SeamError:
            log.warning("弹窗「%s」不响应关闭", info.title)

    def _still_open(self, info: DialogInfo) -> bool:
        try:
            return any(d.handle is info.handle or d.handle == info.handle for d in self.seam.dialogs())
        except SeamError:
            return False

    def drain_dialogs(self) -> None:
        """Wait one step for late dialogs and close each; used before a verdict from the lists.
        Bounded by `MAX_CLOSE` dialogs."""
        for _ in range(MAX_CLOSE):
            info = self.next_dialog(self.dialog_wait)
            if info is None:
                return
            if dialogs.classify(info).kind is dialogs.DialogKind.LOGIN:
                self.blocked = f"客户端弹出登录/解锁窗口「{info.title}」：请在客户端中处理后再试"
                raise ClientBlocked(self.blocked)
            self.dismiss(info)

    def next_dialog(self, timeout: float | None = None, quiet: Callable[[], bool] | None = None) -> DialogInfo | None:
        """The oldest open dialog, waiting up to `timeout`; None at once when `quiet()` says
        nothing more is coming (e.g. the order form cleared itself: the client sent it)."""

        def probe() -> DialogInfo | bool | None:
            found = next(iter(self.seam.dialogs()), None)
            if found is not None:
                return found
            return True if quiet is not None and quiet() else None

        got = self.seam.wait_for(probe, self.timeout if timeout is None else timeout)
        return got if isinstance(got, DialogInfo) else None

    @property
    def dialog_wait(self) -> float:
        """How long to wait for a dialog that only comes on failure: short when the client's
        confirmation and success popups are off (the reference's 快速交易 settings)."""
        if self.popups is False:
            return min(self.config.dialog_grace, self.timeout)
        return self.timeout

    def await_verdict(
        self,
        attempt: Attempt,
        accept: Callable[[DialogInfo], bool] | None = None,
        *,
        quiet: Callable[[], bool] | None = None,
        timeout: float | None = None,
    ) -> Verdict:
        """Walk the dialogs that follow a submit, by the table, until a verdict or silence.

        `accept`: whether a confirmation describes this flow (it names the code or the
        合同编号); a confirmation about something else is declined, never answered 是.

        The rules that keep the user's status in line with the order book:
        - only a recognised rejection is `BrokerRejected`, and only while the driver has not
          answered 是 to anything but its own confirmation, and no earlier flow may still be
          sending dialogs (then a rejection may be someone else's: the flow ends unknown);
        - a 是否继续 prompt it does not know gets 否 and leaves the verdict to the book;
        - a login/lock window stops the flow (`ClientBlocked`; unknown once submitted).
        """
        untrusted = bool(self.outstanding)
        for _ in range(MAX_DIALOGS):
            # `quiet` ends the wait early only until our own confirmation was answered: after
            # that the result 提示 (with its 合同编号) is worth waiting for.
            info = self.next_dialog(timeout, None if attempt.confirmed else quiet)
            if info is None:
                return Verdict(None)
            c = dialogs.classify(info)
            text = dialogs.rejection_text(info)
            attempt.seen.append(f"{c.kind}: {text}")
            match c.action:
                case dialogs.Action.CONFIRM:
                    if accept is not None and not accept(info):
                        # not ours (a late one from an earlier flow): decline, keep waiting for ours
                        log.warning("确认框内容与本次操作不符，已拒绝: %s", text)
                        self.seam.press(info.handle, dialogs.NO)
                        attempt.refused.append(text)
                        continue
                    self.seam.press(info.handle, dialogs.YES)
                    attempt.confirmed = True
                case dialogs.Action.PARSE_CONTRACT:
                    self.seam.press(info.handle, dialogs.OK)
                    if c.contract_no and c.contract_no in set(attempt.hint.get("before", [])):
                        log.warning("成功提示中的合同编号 %s 属于更早的委托，已忽略", c.contract_no)
                        continue
                    return Verdict(c.contract_no, text, trusted=not untrusted)
                case dialogs.Action.DECLINE_AND_REJECT | dialogs.Action.ACKNOWLEDGE_AND_REJECT:
                    declined = c.action is dialogs.Action.DECLINE_AND_REJECT
                    self.seam.press(info.handle, dialogs.NO if declined else dialogs.OK)
                    if attempt.continued or untrusted:
                        why = "已对提示回答“是”" if attempt.continued else "此前有未确认的操作，提示可能属于它"
                        attempt.hint["rejection"] = text
                        raise OutcomeUnknown(
                            f"客户端提示「{text}」，但{why}，结果未知，请稍后对账", details=attempt.hint
                        )
                    raise BrokerRejected(text, details={"dialog": info.title})
                case dialogs.Action.DECLINE_UNKNOWN:
                    log.warning("未识别的“是否继续”提示，已回答“否”: %s", text)
                    self.seam.press(info.handle, dialogs.NO)
                    attempt.declined.append(text)
                    # after 否 the client sends nothing more of ours: only a short look for leftovers
                    timeout = min(self.config.dialog_grace, self.timeout)
                case dialogs.Action.STOP:
                    self.blocked = f"客户端弹出登录/解锁窗口「{info.title}」：请在客户端中处理后再试"
                    raise ClientBlocked(self.blocked)
                case dialogs.Action.ACKNOWLEDGE_UNKNOWN:
                    log.warning("未识别的提示（结果交由当日委托判断）: %s", text)
                    self.dismiss(info)
                case _:
                    self.dismiss(info)
        return Verdict(None)


def said(info: DialogInfo) -> str:
    """A dialog's title and text, as one string for the keyword tests."""
    return f"{info.title}\n{info.text}"


def _describe(exc: BaseException) -> str:
    if isinstance(exc, WindowGone):
        return "客户端窗口已消失"
    if isinstance(exc, SeamError):
        return f"界面操作失败: {exc}"
    return f"{type(exc).__name__}: {exc}"


__all__ = [
    "ARRIVAL",
    "CONDITION_FORM",
    "GRID",
    "GRID_CTRL",
    "TREE",
    "Abandoned",
    "Attempt",
    "ClientBlocked",
    "ClientSession",
    "GuardedSeam",
    "Verdict",
]
