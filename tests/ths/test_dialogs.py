"""The dialog table: each kind of client dialog maps to exactly one action."""

from __future__ import annotations

import pytest

from easyths.brokers.ths.dialogs import Action, DialogKind, classify, rejection_text
from easyths.brokers.ths.seam import DialogInfo


def info(title: str, text: str, buttons: tuple[str, ...] = ("确定",)) -> DialogInfo:
    return DialogInfo(None, title, text, buttons)


@pytest.mark.parametrize(
    ("title", "text", "kind", "action"),
    [
        ("委托确认", "证券代码：600000\n委托数量：100\n是否确认以上委托？", DialogKind.CONFIRM, Action.CONFIRM),
        ("提示", "您的买入委托已成功提交，合同编号：865912566。", DialogKind.SUCCESS, Action.PARSE_CONTRACT),
        (
            "提示",
            "提交失败：[120147][当前时间不允许委托]\n[curr_time=174029]\n。",
            DialogKind.FAILURE,
            Action.ACKNOWLEDGE_AND_REJECT,
        ),
        (
            "提示信息",
            "您输入的价格已超出涨跌停限制: [22.98 - 28.08]\n\n是否继续该笔委托?",
            DialogKind.PRICE_LIMIT,
            Action.DECLINE_AND_REJECT,
        ),
        ("提示", "系统正在清算中，请稍后重试！", DialogKind.FAILURE, Action.ACKNOWLEDGE_AND_REJECT),
        ("验证码", "请输入验证码", DialogKind.CAPTCHA, Action.SOLVE_CAPTCHA),
        ("营业部公告", "尊敬的客户：……", DialogKind.NOTICE, Action.CLOSE_AND_LOG),
        ("提示", "您的风险测评已过期，请重新测评", DialogKind.NOTICE, Action.CLOSE_AND_LOG),
        ("条件单触发提醒", "您的条件单已触发", DialogKind.NOTICE, Action.CLOSE_AND_LOG),
        ("升级助手", "发现新版本", DialogKind.NOTICE, Action.CLOSE_AND_LOG),
        ("某个窗口", "是否开通创业板权限？", DialogKind.UNKNOWN, Action.CLOSE_AND_LOG),
    ],
)
def test_each_dialog_kind_has_one_action(title: str, text: str, kind: DialogKind, action: Action) -> None:
    classified = classify(info(title, text))
    assert (classified.kind, classified.action) == (kind, action)


def test_the_contract_number_is_parsed_from_the_success_prompt() -> None:
    assert classify(info("提示", "您的卖出委托已成功提交，合同编号：2648899843。")).contract_no == "2648899843"


def test_a_price_limit_warning_is_never_read_as_a_confirmation() -> None:
    warning = info("提示信息", "您输入的价格已超出涨跌停限制: [9.00 - 11.00]\n是否继续该笔委托?", ("是(Y)", "否(N)"))
    assert classify(warning).kind is DialogKind.PRICE_LIMIT
    assert rejection_text(warning) == "您输入的价格已超出涨跌停限制: [9.00 - 11.00]"


def test_rejection_text_is_the_clients_words_on_one_line() -> None:
    failure = info("提示", "提交失败：[120147][当前时间不允许委托]\n[curr_time=174029]\n。")
    assert rejection_text(failure) == "提交失败：[120147][当前时间不允许委托] [curr_time=174029] 。"
