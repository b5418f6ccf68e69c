"""The client settings the THS driver relies on, for the user to confirm.

Why a list for people, not a check: no public driver reads xiadan's settings dialog (PP reads
`xiadan.ini`, whose keys are undocumented), so the driver cannot know them; `easyths doctor`
prints this list and `[broker].popups` is where the user states the one the driver must know.
Sources: the peers' install notes and required-settings screenshots
(`docs/ths-facts.md#client-settings`).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Requirement:
    tab: str  # 系统设置 dialog tab
    item: str
    value: str
    why: str


REQUIRED: tuple[Requirement, ...] = (
    Requirement(
        "交易设置",
        "默认买入价格 / 默认买入数量 / 默认卖出价格 / 默认卖出数量",
        "空",
        "预填的默认值会和输入的数字连在一起；驱动回读后会拒绝发出与请求不符的委托",
    ),
    Requirement("快速交易", "切换页面是否清空代码", "是", "否则上一笔委托的代码、价格会留在下单页上"),
    Requirement(
        "快速交易",
        "委托成功后是否弹出提示对话框",
        "是，并设 [broker].popups = on",
        "合同编号直接来自提示框；关闭时每笔委托都要读一次当日委托来确认",
    ),
    Requirement(
        "快速交易",
        "撤单前是否需要确认",
        "是，并设 [broker].popups = on",
        "撤单确认框显示代码、价格、数量，驱动据此在同一代码的多笔委托中按合同编号撤单；关闭时这类撤单会被拒绝",
    ),
    Requirement(
        "快速交易",
        "买入时是否需要确认 / 卖出时是否需要确认",
        "与 [broker].popups 一致",
        "驱动只对内容与本次委托相符的确认框回答“是”",
    ),
    Requirement("快速交易", "是否弹出成交回报提示窗口", "无", "成交回报窗口会抢走焦点，驱动每一步前都要先关闭它"),
    Requirement("快速交易", "买卖后界面设置", "清空", "下单页清空是委托已发出的旁证"),
    Requirement("界面设置", "界面不操作超过多久锁屏(分)", "0", "锁屏后按键无法送达客户端"),
    Requirement("界面设置", "显示悬浮工具栏", "否", "悬浮工具栏会挡住查找窗口"),
    Requirement("界面", "窗口状态", "新版界面，不最小化，不用精简模式", "最小化或精简模式下控件无法操作"),
)


__all__ = ["REQUIRED", "Requirement"]
