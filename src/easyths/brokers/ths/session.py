"""One attachment to the client: re-attach, own the GUI, and map errors at one boundary.

Why one class for this: every operation starts the same way (is the window still there? any stray
popup in the way? go to page X and wait for its field) and ends the same way (map whatever the
GUI threw into the service's error tree). The jobs live in their own modules and meet here:
`locking` (who owns the GUI), `navigation` (pages and fields), `verdicts` (dialogs and what they
mean), `claims` (what earlier flows leave behind).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import date
from typing import Any, cast

from easyths.brokers.ths.claims import Claims
from easyths.brokers.ths.grid import CaptchaRecogniser, GridReader
from easyths.brokers.ths.locking import Abandoned, GuardedSeam, GuiLock
from easyths.brokers.ths.navigation import ARRIVAL, FILL_TRIES, GRID, GRID_CTRL, TREE, Navigation
from easyths.brokers.ths.seam import GuiSeam, SeamError, WindowGone
from easyths.brokers.ths.verdicts import CONDITION_FORM, Attempt, ClientBlocked, Verdict, said
from easyths.errors import BrokerError, BrokerRejected, BrokerUnavailable, OutcomeUnknown
from easyths.settings import BrokerSection

log = logging.getLogger("easyths.ths")


class ClientSession(Claims, Navigation):
    def __init__(self, seam: GuiSeam, config: BrokerSection, recogniser: CaptchaRecogniser | None = None) -> None:
        self.raw_seam = seam
        self.lock = GuiLock(release_wait=max(2 * config.step_timeout, 1.0))
        self.seam: GuiSeam = cast(GuiSeam, GuardedSeam(seam, self.lock.check_cancelled))
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

    # --- ownership of the GUI (`locking`) --------------------------------------------------------
    def hold(self, what: str) -> AbstractContextManager[None]:
        return self.lock.hold(what)

    def try_hold(self) -> bool:
        return self.lock.try_hold()

    def release(self) -> None:
        self.lock.release()

    def abandon(self) -> None:
        self.lock.abandon()

    def check_cancelled(self) -> None:
        self.lock.check_cancelled()

    @property
    def abandoned(self) -> int:
        return self.lock.abandoned

    @property
    def release_wait(self) -> float:
        return self.lock.release_wait

    @release_wait.setter
    def release_wait(self, value: float) -> None:
        self.lock.release_wait = value

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

    def check_blocked(self) -> None:
        """A login/lock window or a locked desktop stops the flow before any keystroke."""
        reason = self.read_blocked()
        if reason:
            raise ClientBlocked(reason)

    def read_blocked(self) -> str | None:
        """Read the window state into `blocked` (also for health between operations): why keys
        cannot reach the client now, or None."""
        state = self.seam.window_state()
        if state.get("login_window"):
            self.blocked = "客户端显示登录/解锁窗口：请在客户端中重新登录后再试"
        elif state.get("locked"):
            self.blocked = "Windows 桌面已锁定或远程桌面已断开：按键无法送达客户端，请保持桌面解锁"
        else:
            self.blocked = None
        return self.blocked

    def _alive(self) -> bool:
        try:
            return self.seam.is_alive()
        except Exception:
            return False


def _describe(exc: BaseException) -> str:
    if isinstance(exc, WindowGone):
        return "客户端窗口已消失"
    if isinstance(exc, SeamError):
        return f"界面操作失败: {exc}"
    return f"{type(exc).__name__}: {exc}"


__all__ = [
    "ARRIVAL",
    "CONDITION_FORM",
    "FILL_TRIES",
    "GRID",
    "GRID_CTRL",
    "TREE",
    "Abandoned",
    "Attempt",
    "ClientBlocked",
    "ClientSession",
    "GuardedSeam",
    "Verdict",
    "said",
]
