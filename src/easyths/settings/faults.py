"""The faults the emulated THS client can inject (`[emulator].faults`), named for the settings.

Why here and not beside the emulator: the names are what a user may write in config.toml, so
the settings must know them to refuse a misspelt fault at load; the settings may not import the
emulator (it sits above them), so the emulator reads the names from here.
"""

from __future__ import annotations

# Fault name -> what happens (`[emulator].faults`, `emulator.faults.Faults.rates`):
FAULT_NAMES: dict[str, str] = {
    "continue_prompt": "下单后弹出“是否继续”提示（风险警示等）；回答“是”才会发出委托",
    "lost_click": "点击下单按钮没有反应（委托未发出）",
    "save_captcha": "导出表格（Ctrl+S）前要求输入验证码",
    "copy_captcha": "复制表格前要求输入验证码",
    "stray_popup": "弹出非对话框窗口（成交回报、条件单触发提醒、银证转账）抢走焦点",
    "slow_refresh": "新委托在当日委托中延迟出现",
    "resist_close": "弹窗不响应关闭（WM_CLOSE），只能按按钮",
    "client_death": "下单时客户端崩溃（发出前或发出后），一段时间后自动重启",
    "locked_desktop": "桌面被锁定一段时间，按键无法送达",
    "empty_clipboard": "复制表格后剪贴板中什么也没有（复制没有完成）",
    "stale_clipboard": "复制没有完成，剪贴板里仍是上一次复制的表格",
    "headerless_grid": "读到的表格没有表头行（表格未绘制完成）",
    "copy_captcha_late": "复制表格的验证码在复制调用返回之后才弹出",
    "renamed_menu": "此版本的菜单文字不同（没有「市价委托」，只有「盘后定价委托」），模糊选择会落到最相近的页面",
    "prefilled_fields": "下单页预填了默认数量，输入的数字接在后面",
    "keystrokes_lost": "按键没有送达（输入框里什么也没有）",
    "stale_funds": "资金页的数字停留在上次显示的值，按 F5 刷新后才更新",
    "confirm_as_prompt": "撤单确认以「提示信息」提问框的形式出现",
    "resorted_grid": "撤单表格在读取与勾选之间重新排序",
    "modify_button": "撤单确认框在「是」旁边还有「改单」（撤单并以新价格重新委托），按钮顺序与 id 打乱",
}


__all__ = ["FAULT_NAMES"]
