"""The client's dialogs: closing leftovers, and walking the ones that follow a submit to a verdict.

Why here and by the table in `dialogs`: what a dialog means decides an order's status, so it is
decided in one place. Only a recognised rejection fails a flow, only a 合同编号 proves it, a
是否继续 prompt nobody taught the driver gets 否, and a leftover is closed, never confirmed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from easyths.brokers.ths import dialogs
from easyths.brokers.ths.seam import DialogInfo, GuiSeam, Locator, SeamError, WindowGone
from easyths.errors import BrokerRejected, BrokerUnavailable, OutcomeUnknown
from easyths.settings import BrokerSection

log = logging.getLogger("easyths.ths")

MAX_DIALOGS = 8  # dialogs handled in one flow before the driver gives up on a verdict
MAX_CLOSE = 12  # leftover dialogs closed before a step before the driver gives up on the window
# The 股价条件 / 止盈止损 popup: a #32770 holding a ConditionToolBar pane, closed with Esc
# (`docs/ths-facts.md#condition-create`).
CONDITION_FORM = Locator(class_name="ConditionToolBar")


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


def said(info: DialogInfo) -> str:
    """A dialog's title and text, as one string for the keyword tests."""
    return f"{info.title}\n{info.text}"


class DialogHandling:
    """Mixed into `ClientSession`, which sets the state up."""

    seam: GuiSeam
    config: BrokerSection
    timeout: float
    popups: bool | None
    blocked: str | None
    closed_dialogs: list[str]
    outstanding: list[dict[str, Any]]

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


__all__ = [
    "CONDITION_FORM",
    "MAX_CLOSE",
    "MAX_DIALOGS",
    "Attempt",
    "ClientBlocked",
    "DialogHandling",
    "Verdict",
    "said",
]
