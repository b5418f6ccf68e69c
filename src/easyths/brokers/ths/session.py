"""One attachment to the client: re-attach, navigate, wait, handle dialogs, map errors.

Why one class for this: every operation starts the same way (is the window still there? any stray
popup in the way? go to page X and wait for its field) and ends the same way (map whatever the
GUI threw into the service's error tree). Keeping that here lets each operation read as its steps.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from easyths.brokers.ths import dialogs
from easyths.brokers.ths.columns import menu_path
from easyths.brokers.ths.grid import CaptchaRecogniser, GridReader, Table
from easyths.brokers.ths.seam import DialogInfo, GuiSeam, Locator, SeamError, WindowGone
from easyths.errors import BrokerError, BrokerRejected, BrokerUnavailable, OutcomeUnknown
from easyths.settings import BrokerSection

log = logging.getLogger("easyths.ths")

TREE = Locator(control_id=129, class_name="SysTreeView32")
GRID = Locator(control_id=1047)
MAX_DIALOGS = 8  # dialogs handled in one flow before the driver gives up on a verdict


@dataclass(slots=True)
class Attempt:
    """An order-placing flow in progress: `submitted` flips when the submit button is pressed,
    after which any failure means the order may exist (`OutcomeUnknown`, never a retry)."""

    hint: dict[str, Any]
    submitted: bool = False
    seen: list[str] = field(default_factory=list)  # dialog texts met, for the logs and the hint


class Verdict:
    """What the dialogs said: a 合同编号, or nothing conclusive (None)."""

    def __init__(self, contract_no: str | None, text: str = "") -> None:
        self.contract_no = contract_no
        self.text = text


class ClientSession:
    def __init__(self, seam: GuiSeam, config: BrokerSection, recogniser: CaptchaRecogniser | None = None) -> None:
        self.seam = seam
        self.config = config
        self.timeout = config.step_timeout
        self.attached = False
        self.closed_dialogs: list[str] = []  # "kind: title: text" of every popup closed unanswered
        self.grids = GridReader(
            seam,
            mode=config.grid_read,
            columns=config.columns,
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

    @contextmanager
    def boundary(self, what: str, attempt: Attempt | None = None) -> Iterator[None]:
        """The one place foreign errors become service errors (`raise ... from exc`)."""
        try:
            self.ensure()
            self.clear_dialogs()
            yield
        except BrokerError:
            raise
        except Exception as exc:
            if isinstance(exc, WindowGone) or not self._alive():
                self.attached = False
            if attempt is not None and attempt.submitted:
                attempt.hint["error"] = f"{type(exc).__name__}: {exc}"
                raise OutcomeUnknown(
                    f"{what}已提交但客户端未给出结果（{_describe(exc)}），请稍后对账", details=attempt.hint
                ) from exc
            raise BrokerUnavailable(f"{what}失败：{_describe(exc)}") from exc

    def _alive(self) -> bool:
        try:
            return self.seam.is_alive()
        except Exception:
            return False

    # --- navigation and fields --------------------------------------------------------------
    def goto(self, page: str) -> None:
        tree = self.seam.find(TREE, timeout=self.timeout)
        self.seam.select_path(tree, menu_path(page, self.config.menu))

    def find(self, locator: Locator, parent: Any = None) -> Any:
        return self.seam.find(locator, parent, self.timeout)

    def type_into(self, control_id: int, text: str) -> None:
        self.seam.set_text(self.find(Locator(control_id=control_id)), text)

    def wait_text(self, locator: Locator, parent: Any = None) -> str:
        """Wait until a static has text (e.g. 1036 证券名称 after the code is typed)."""
        handle = self.find(locator, parent)
        return self.seam.wait_for(lambda: self.seam.text(handle).strip(), self.timeout) or ""

    def read_grid(self, page: str) -> Table:
        self.goto(page)
        grid = self.find(GRID)
        self.seam.press_keys(grid, "{F5}")  # refresh: the grid may still show the last visit
        return self.grids.read(grid)

    # --- dialogs ----------------------------------------------------------------------------
    def clear_dialogs(self) -> None:
        """Close whatever is open before a flow starts; nothing left over is ever confirmed."""
        for info in self.seam.dialogs():
            self.dismiss(info)

    def dismiss(self, info: DialogInfo) -> None:
        kind = dialogs.classify(info).kind
        log.warning("关闭未处理的弹窗 [%s] %s: %s", kind, info.title, dialogs.rejection_text(info))
        self.closed_dialogs.append(f"{kind}: {info.title}: {dialogs.rejection_text(info)}")
        del self.closed_dialogs[:-50]
        self.seam.close(info.handle)

    def drain_dialogs(self) -> None:
        """Wait one step for late dialogs and close each; used before a verdict from the lists."""
        while (info := self.next_dialog()) is not None:
            self.dismiss(info)

    def next_dialog(self) -> DialogInfo | None:
        return self.seam.wait_for(lambda: next(iter(self.seam.dialogs()), None), self.timeout)

    def await_verdict(self, attempt: Attempt, accept: Callable[[str], bool] | None = None) -> Verdict:
        """Walk the dialogs that follow a submit, by the table, until a verdict or silence.

        `accept`: whether a confirmation's text describes this flow (it names the code or the
        合同编号); a confirmation about something else is declined, never answered 是.
        """
        for _ in range(MAX_DIALOGS):
            info = self.next_dialog()
            if info is None:
                return Verdict(None)
            c = dialogs.classify(info)
            text = dialogs.rejection_text(info)
            attempt.seen.append(f"{c.kind}: {text}")
            match c.action:
                case dialogs.Action.CONFIRM:
                    if accept is not None and not accept(f"{info.title}\n{info.text}"):
                        # not ours (a late one from an earlier flow): decline, keep waiting for ours
                        log.warning("确认框内容与本次操作不符，已拒绝: %s", text)
                        self.seam.press(info.handle, dialogs.NO)
                        continue
                    self.seam.press(info.handle, dialogs.YES)
                case dialogs.Action.PARSE_CONTRACT:
                    self.seam.press(info.handle, dialogs.OK)
                    return Verdict(c.contract_no, text)
                case dialogs.Action.DECLINE_AND_REJECT:
                    self.seam.press(info.handle, dialogs.NO)
                    raise BrokerRejected(text, details={"dialog": info.title})
                case dialogs.Action.ACKNOWLEDGE_AND_REJECT:
                    self.seam.press(info.handle, dialogs.OK)
                    raise BrokerRejected(text, details={"dialog": info.title})
                case _:
                    self.dismiss(info)
        return Verdict(None)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, WindowGone):
        return "客户端窗口已消失"
    if isinstance(exc, SeamError):
        return f"界面操作失败: {exc}"
    return f"{type(exc).__name__}: {exc}"


__all__ = ["GRID", "TREE", "Attempt", "ClientSession", "Verdict"]
