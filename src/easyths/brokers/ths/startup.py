"""The start-up check: is the client there, logged in, reachable, set up as the driver needs?

Why before any order: a missing menu item, a client setting that hides the success popup, or a
grid that cannot be read would otherwise show up as a wrong verdict on real money. Problems come
back in Chinese, for health and `easyths doctor`; advice that is not a fault goes to the notes.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from easyths.brokers.ths.columns import menu_path
from easyths.brokers.ths.seam import Locator
from easyths.brokers.ths.session import TREE, ClientSession
from easyths.errors import BrokerError
from easyths.winenv import windows_problems

log = logging.getLogger("easyths.ths")


@dataclass(slots=True)
class Findings:
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # advice that is not a fault
    client_settings: dict[str, str] | None = None


def check(session: ClientSession, attach_timeout: float | None = None) -> Findings:
    """Window found, logged in, the pages the driver needs reachable, the settings it relies on,
    a test read of a grid."""
    found = Findings()
    config, seam = session.config, session.seam
    try:
        session.ensure(attach_timeout)
    except BrokerError as exc:
        found.problems = [exc.message]
        return found
    problems = found.problems
    try:
        state = seam.window_state()
        if state.get("login_window"):
            problems.append("同花顺客户端尚未登录：请先在客户端中登录资金账号")
        if state.get("minimized"):
            problems.append("下单窗口处于最小化状态：请还原窗口（最小化时部分控件无法操作）")
        problems += windows_problems(state.get("elevated"))
        if not seam.exists(TREE):
            problems.append("找不到左侧功能菜单（控件 129）：请在 系统设置 中启用新版界面")
        else:
            tree = seam.find(TREE, timeout=config.step_timeout)
            for page in ("buy", "sell", "cancel", "orders", "funds"):
                try:
                    seam.select_path(tree, menu_path(page, config.menu), exact=True)
                except Exception:
                    path = " → ".join(menu_path(page, config.menu))
                    problems.append(f"菜单中找不到「{path}」：请在 [broker.menu] 中配置 {page} 的菜单路径")
            seam.select_path(tree, menu_path("buy", config.menu), exact=True)
            for cid, label in ((1032, "证券代码"), (1033, "价格"), (1034, "数量"), (1006, "下单按钮")):
                if not seam.exists(Locator(control_id=cid)):
                    problems.append(f"买入页面缺少{label}输入框（控件 {cid}）：客户端版本可能不受支持")
            problems += client_settings(session, found)
            problems += grid_read(session)
    except Exception as exc:
        problems.append(f"检查客户端时出错：{type(exc).__name__}: {exc}")
    for problem in problems:
        log.warning("客户端检查: %s", problem)
    return found


def client_settings(session: ClientSession, found: Findings) -> list[str]:
    """The client's settings the driver depends on (`requirements.REQUIRED`). A real client's
    cannot be read, so the user confirms them (`easyths doctor` lists them) and states the
    popups in [broker].popups; a seam that can read them (a recorded or emulated client) is
    checked against that statement."""
    config = session.config
    reader = getattr(session.raw_seam, "client_settings", None)
    values = reader() if callable(reader) else None
    found.client_settings = values
    if not values:
        found.notes = [
            "驱动无法读取客户端设置：请按 easyths doctor 列出的设置逐项确认，"
            f"并确认 [broker].popups = {config.popups} 与客户端的确认/成功提示弹窗设置一致"
        ]
        return []
    found.notes = []
    problems: list[str] = []
    if values.get("切换页面是否清空代码") == "否":
        problems.append(
            "请在 系统设置 → 快速交易 中把「切换页面是否清空代码」设为 是（否则上一笔委托的代码会留在页面上）"
        )
    confirm = values.get("买入时是否需要确认") == "是" or values.get("卖出时是否需要确认") == "是"
    shown = confirm or values.get("委托成功后是否弹出提示对话框") == "是"
    if (config.popups == "on") != shown:
        state, want = ("开启", "on") if shown else ("关闭", "off")
        problems.append(
            f"客户端的委托确认/成功提示弹窗为{state}，与 [broker].popups = {config.popups} 不一致，请改为 {want}"
        )
    if values.get("是否弹出成交回报提示窗口") not in (None, "无", "否"):
        found.notes.append("客户端会弹出成交回报窗口：驱动会在每一步前关闭它，建议在 快速交易 中设为 无")
    return problems


def grid_read(session: ClientSession) -> list[str]:
    """A test read of a grid (当日委托): export or copy, captcha and all, before real money."""
    try:
        with session.hold("启动检查"):
            session.read_grid("orders")
    except Exception as exc:
        message = getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"
        return [f"试读当日委托表格失败：{message}（请检查 [broker].grid_read、导出文件夹或验证码识别器）"]
    return []


def refresh_blocked(session: ClientSession) -> None:
    """Health shows a login/lock window even between operations."""
    if not session.attached:
        return
    try:
        session.read_blocked()
    except Exception:
        return


__all__ = ["Findings", "check", "client_settings", "grid_read", "refresh_blocked"]
