"""The dialog table: which kind a client dialog is, and what the driver does about it.

Why a table: peers answer popups with ad-hoc `if "确认" in title: press 是`, which confirms a
price-limit warning as readily as an order confirmation. Here every dialog is classified first,
in a fixed order of rules, and each kind has exactly one action. Unknown dialogs are closed and
logged, never confirmed. The keyword lists are data so a new broker's wording is a one-line change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from easyths.brokers.ths.seam import DialogInfo


class DialogKind(StrEnum):
    CONFIRM = "confirm"  # 委托确认 / 撤单确认: press 是 — only inside the flow that caused it
    SUCCESS = "success"  # 提示 …成功… 合同编号: the verdict, parse the id
    PRICE_LIMIT = "price_limit"  # 超出涨跌停限制 … 是否继续: decline, reject with the text
    FAILURE = "failure"  # 提示 / 提示信息 without 成功: a rejection with the client's text
    CAPTCHA = "captcha"  # 验证码 before a grid copy: ask the recogniser
    CONTINUE = "continue"  # any other 提示信息 that asks 是否继续: 否, and the outcome is unknown
    LOGIN = "login"  # 登录 / 解锁 / 重新登录 window: the flow stops, health reports it
    NOTICE = "notice"  # risk-assessment, 营业部公告, 条件单触发提醒 …: close and log
    UNRECOGNISED = "unrecognised"  # a 提示 whose text is neither success nor a known rejection
    UNKNOWN = "unknown"  # anything else: close and log, never confirm


class Action(StrEnum):
    CONFIRM = "confirm"
    PARSE_CONTRACT = "parse_contract"
    DECLINE_AND_REJECT = "decline_and_reject"
    ACKNOWLEDGE_AND_REJECT = "acknowledge_and_reject"
    SOLVE_CAPTCHA = "solve_captcha"
    DECLINE_UNKNOWN = "decline_unknown"  # press 否; the verdict can no longer be `failed` by dialog
    STOP = "stop"  # leave it alone and stop the flow with a clear message
    ACKNOWLEDGE_UNKNOWN = "acknowledge_unknown"  # 确定 (or 否 when it asks), record, keep judging
    CLOSE_AND_LOG = "close_and_log"


ACTIONS: dict[DialogKind, Action] = {
    DialogKind.CONFIRM: Action.CONFIRM,
    DialogKind.SUCCESS: Action.PARSE_CONTRACT,
    DialogKind.PRICE_LIMIT: Action.DECLINE_AND_REJECT,
    DialogKind.FAILURE: Action.ACKNOWLEDGE_AND_REJECT,
    DialogKind.CAPTCHA: Action.SOLVE_CAPTCHA,
    DialogKind.CONTINUE: Action.DECLINE_UNKNOWN,
    DialogKind.LOGIN: Action.STOP,
    DialogKind.NOTICE: Action.CLOSE_AND_LOG,
    DialogKind.UNRECOGNISED: Action.ACKNOWLEDGE_UNKNOWN,
    DialogKind.UNKNOWN: Action.CLOSE_AND_LOG,
}

# Button labels, in the order tried. The client's are 是(Y)/否(N)/确定/取消.
YES = ("是", "确定", "确认", "提交确认", "OK")
NO = ("否", "取消", "Cancel")
OK = ("确定", "确认", "OK", "是", "关闭")

NOTICE_KEYWORDS = (
    "成交回报",
    "风险测评",
    "风险评估",
    "风险承受",
    "营业部公告",
    "公告",
    "条件单触发",
    "触发提醒",
    "银证转账",
    "退出确认",
    "是否退出",
    "升级",
    "消息",
)
PRICE_LIMIT_KEYWORDS = ("超出涨跌停", "涨跌停限制")
CONTINUE_KEYWORDS = ("是否继续", "继续委托", "仍要继续", "是否仍")
LOGIN_KEYWORDS = ("用户登录", "重新登录", "登录超时", "请登录", "解锁", "已锁定", "屏幕锁定")
CONFIRM_TITLES = ("委托确认", "撤单确认", "确认")
CONFIRM_KEYWORDS = ("是否确认", "确认以上", "确定要", "您确定", "是否撤", "确认撤", "确定删除", "是否删除")
# What a 提示 must say to count as the client refusing: anything else after a submit is unknown.
REJECTION_KEYWORDS = (
    "失败",
    "不允许",
    "不足",
    "错误",
    "有误",
    "无效",
    "拒绝",
    "不能",
    "不可",
    "非法",
    "禁止",
    "不在交易时间",
    "未开通",
    "没有可撤",
    "没有相应",
    "无法",
    "请先",
    "清算",
    "请稍后重试",
    "不存在",
    "超过",
    "废单",
)
ORDER_CONFIRM_KEYWORDS = ("是否确认以上", "确认以上委托")
# Builds that ask the cancel confirmation as a 提示信息 prompt (`docs/ths-facts.md#cancel-confirm`):
# a confirmation, answered 是 only inside the cancel flow that caused it and only when it is ours.
CANCEL_CONFIRM_KEYWORDS = ("您确认要撤销", "您确定要撤销", "您是否确定撤销", "是否确定撤销以上委托")
PROMPT_TITLES = ("提示", "提示信息", "信息")
SUCCESS_KEYWORDS = ("成功",)

CONTRACT_RE = re.compile(r"合同编号[:：\s]*([0-9A-Za-z]+)")


@dataclass(frozen=True, slots=True)
class Classified:
    info: DialogInfo
    kind: DialogKind
    contract_no: str | None = None

    @property
    def action(self) -> Action:
        return ACTIONS[self.kind]


def classify(info: DialogInfo) -> Classified:
    """Rules in order; the first that matches wins. Price limit before confirm: its body asks
    是否继续该笔委托? which would otherwise read as a confirmation."""
    title, text = info.title.strip(), info.text.strip()
    both = f"{title}\n{text}"
    if "验证码" in both:
        return Classified(info, DialogKind.CAPTCHA)
    if any(k in both for k in LOGIN_KEYWORDS) or (title.endswith("登录") and "合同编号" not in text):
        return Classified(info, DialogKind.LOGIN)
    if any(k in text for k in PRICE_LIMIT_KEYWORDS):
        return Classified(info, DialogKind.PRICE_LIMIT)
    if any(k in text for k in CONTINUE_KEYWORDS):
        # tick size, 风险警示, over-quantity …: 是 would send the order, so the driver says 否
        return Classified(info, DialogKind.CONTINUE)
    if any(k in both for k in NOTICE_KEYWORDS) and "合同编号" not in text:
        return Classified(info, DialogKind.NOTICE)
    if _asks(info) and any(k in text for k in CANCEL_CONFIRM_KEYWORDS):
        return Classified(info, DialogKind.CONFIRM)
    if title in PROMPT_TITLES and _asks(info) and not any(k in text for k in ORDER_CONFIRM_KEYWORDS):
        # a 提示 with 是/否 that is not an order's own confirmation ("您确定要委托吗?" after a
        # tick-size warning): 是 would send something the driver did not check
        return Classified(info, DialogKind.CONTINUE)
    if title in CONFIRM_TITLES or (any(k in text for k in CONFIRM_KEYWORDS) and _has_yes(info)):
        return Classified(info, DialogKind.CONFIRM)
    if title in PROMPT_TITLES or not title:
        if any(k in text for k in SUCCESS_KEYWORDS) and "失败" not in text:
            match = CONTRACT_RE.search(text)
            return Classified(info, DialogKind.SUCCESS, match.group(1) if match else None)
        if any(k in text for k in REJECTION_KEYWORDS):
            return Classified(info, DialogKind.FAILURE)
        if _asks(info):  # a yes/no question nobody taught the driver: never 是
            return Classified(info, DialogKind.CONTINUE)
        if text:
            return Classified(info, DialogKind.UNRECOGNISED)
    return Classified(info, DialogKind.UNKNOWN)


def _asks(info: DialogInfo) -> bool:
    """A 是/否 choice: answering it 是 may do something (send an order)."""
    return any(b.startswith(("是", "否")) for b in info.buttons)


def _has_yes(info: DialogInfo) -> bool:
    return not info.buttons or any(b.startswith(YES) for b in info.buttons)


def rejection_text(info: DialogInfo) -> str:
    """The client's wording, one line: what the user sees in the API's message. The trailing
    question of a warning (是否继续该笔委托?) is dropped: the driver has answered it 否."""
    lines = [line.strip() for line in info.text.splitlines() if line.strip()]
    return " ".join(line for line in lines if not line.startswith("是否继续")) or " ".join(lines)


__all__ = [
    "ACTIONS",
    "CONTRACT_RE",
    "NO",
    "OK",
    "REJECTION_KEYWORDS",
    "YES",
    "Action",
    "Classified",
    "DialogKind",
    "classify",
    "rejection_text",
]
