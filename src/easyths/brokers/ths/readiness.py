"""How ready each THS operation is: every step the driver takes, and the evidence behind it.

Why one table in code: the docs' readiness table, health's `unverified` list and `easyths doctor`
must say the same thing, and say it honestly. The emulator is built from the public evidence
(`docs/ths-facts.md`), so a test on it proves the driver agrees with that evidence, never that a
given client behaves so. The evidence for a step is one of three levels: public code drives real
clients this way (the repository and file are named), the step is put together from partial
evidence (comments, screenshots, issue threads, code whose repository is unknown), or nothing
public shows it. Whatever is not the first level is `unverified`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Level(Enum):
    """The evidence for one step, strongest first."""

    PUBLIC = "公开代码在真实客户端上用过"
    PARTIAL = "依据部分证据"
    UNPROVEN = "未经证实"


ORDERS = ("buy", "sell")
MARKET = ("market_buy", "market_sell")
GRIDS = ("holding_query", "order_query", "historical_commission_query", "order_cancel")
CONDITIONS = ("condition_buy", "condition_sell", "stop_loss_profit")
IPO = ("ipo_query", "ipo_subscribe")
IPO_TESTS = ("tests/contract/test_ipo_contract.py", "tests/ths/test_ipo.py", "tests/ths/test_ipo_service.py")
CONTRACT = "tests/contract/test_broker_contract.py"  # every operation, on the sim and on the emulator
TRIAL = "tests/ths/test_trial.py"  # the reads and a limit buy cancelled by 合同编号, faults and all


@dataclass(frozen=True, slots=True)
class Readiness:
    step: str  # what the driver does, as the docs and health say it
    operations: tuple[str, ...]  # the API operations that need it ("*": every one)
    level: Level
    sources: tuple[str, ...]  # public repository and file (or the facts page's label for it)
    facts: str  # the anchor of `docs/ths-facts.md` where the evidence is set out
    emulator: tuple[str, ...] = (CONTRACT,)  # the tests that prove the step on the emulator


STEPS: tuple[Readiness, ...] = (
    Readiness(
        "按确切文字选择左侧菜单（控件 129）并确认到达的页面",
        ("*",),
        Level.PUBLIC,
        ("shidenggui/easytrader easytrader/clienttrader.py", "noimank/easyths easyths/core/base_operation.py"),
        "navigation",
        (CONTRACT, "tests/ths/test_structure.py", "tests/ths/test_fields.py"),
    ),
    Readiness(
        "填写后回读代码、价格、数量（不符时逐键删除重输，仍不符则不发出委托）",
        (*ORDERS, *MARKET),
        Level.PARTIAL,
        (
            "Raytone-D/puppet puppet/util.py（check_input_mode 回读长度）",
            "noimank/easyths easyths/operations/market_buy.py",
        ),
        "prefill",
        ("tests/ths/test_fields.py", "tests/ths/test_chaos.py"),
    ),
    Readiness(
        "限价委托：在 1032/1033/1034 输入代码、价格、数量后提交（1006）",
        ORDERS,
        Level.PUBLIC,
        ("shidenggui/easytrader easytrader/clienttrader.py", "noimank/easyths easyths/operations/buy.py"),
        "order-steps",
        (CONTRACT, TRIAL),
    ),
    Readiness(
        "以成功提示中的合同编号作为委托已受理的证据",
        (*ORDERS, *MARKET),
        Level.PUBLIC,
        ("shidenggui/easytrader easytrader/pop_dialog_handler.py",),
        "read-back",
        (CONTRACT, TRIAL, "tests/ths/test_verdicts.py"),
    ),
    Readiness(
        "成功提示关闭时，在当日委托中按代码、方向、数量、价格找出新的一行",
        (*ORDERS, *MARKET),
        Level.PARTIAL,
        ("Guling-Pro/guling-trader src/trader/ths/win.py",),
        "read-back",
        (CONTRACT, TRIAL, "tests/ths/test_verdicts.py"),
    ),
    Readiness(
        "弹窗关闭时以证券名称（1036）清空作为委托已发出的信号",
        (*ORDERS, *MARKET),
        Level.PARTIAL,
        ("noimank/easyths easyths/operations/buy.py",),
        "read-back",
    ),
    Readiness(
        "市价委托页与市价类型下拉框（1541）的选项",
        MARKET,
        Level.PARTIAL,
        ("shidenggui/easytrader easytrader/clienttrader.py", "Guling-Pro/guling-trader docs/ths_architecture.md"),
        "market-orders",
    ),
    Readiness(
        "读表格：导出（Ctrl+S）或复制（Ctrl+A、Ctrl+C），按本页的表头认出表格",
        (*GRIDS,),
        Level.PUBLIC,
        ("shidenggui/easytrader easytrader/grid_strategies.py",),
        "grids",
        (CONTRACT, TRIAL, "tests/ths/test_grid.py", "tests/ths/test_reads.py", "tests/ths/test_pywinauto_seam.py"),
    ),
    Readiness(
        "复制 / 导出表格时的验证码：识别图片 2405，逐键输入 2404",
        (*GRIDS,),
        Level.PARTIAL,
        ("shidenggui/easytrader easytrader/grid_strategies.py", "〔QBG 实测〕〔增强服务〕（未具名的公开代码）"),
        "captcha",
        ("tests/ths/test_faults.py",),
    ),
    Readiness(
        "资金页的静态文字（1012、1016 等）",
        ("funds_query",),
        Level.PUBLIC,
        ("shidenggui/easytrader easytrader/config/client.py", "noimank/easyths easyths/operations/funds_query.py"),
        "funds",
        (CONTRACT, TRIAL),
    ),
    Readiness(
        "历史委托的日期控件（5315、5308–5311）与查询按钮 2449",
        ("historical_commission_query",),
        Level.PARTIAL,
        ("noimank/easyths easyths/operations/historical_commission_query.py",),
        "history",
        (CONTRACT, TRIAL),
    ),
    Readiness(
        "撤单页按代码过滤（3348、3349）后按 全撤 / 撤买 / 撤卖",
        ("order_cancel",),
        Level.PUBLIC,
        ("noimank/easyths easyths/operations/order_cancel.py", "shidenggui/easytrader easytrader/config/client.py"),
        "cancel-filter",
    ),
    Readiness(
        "按合同编号撤一笔：按代码过滤后按位置点击那一行的勾选框；同一代码多行时以撤单确认框（1042–1044）核对，"
        "未开启撤单确认则拒绝（CANCEL_AMBIGUOUS）",
        ("order_cancel",),
        Level.PARTIAL,
        ("〔THSTraderServer〕（未具名的公开代码）", "〔严格驱动〕（未具名的公开代码）"),
        "cancel-by-contract",
        (CONTRACT, TRIAL, "tests/ths/test_cancels.py", "tests/ths/test_chaos.py"),
    ),
    Readiness(
        "撤单确认弹窗（撤单确认 / 您确认要撤销…）",
        ("order_cancel",),
        Level.PARTIAL,
        ("noimank/easyths src/automation/operations/order_cancel_operation.py（提交 9a15c7c）", "〔QBG 实测〕"),
        "cancel-confirm",
        (CONTRACT, TRIAL, "tests/ths/test_cancels.py"),
    ),
    Readiness(
        "国债逆回购出借弹窗（金额输入框 shuru、出借 文本、页内确认的 确定、按钮 1008 关闭）",
        ("reverse_repo_buy",),
        Level.PARTIAL,
        ("noimank/easyths easyths/operations/reverse_repo_buy.py",),
        "repo-popup",
        (CONTRACT, "tests/ths/test_structure.py"),
    ),
    Readiness(
        "逆回购弹窗中按品种名（GC001、R-001）读出各品种的利率",
        ("reverse_repo_query",),
        Level.PARTIAL,
        ("noimank/easyths easyths/operations/reverse_repo_query.py",),
        "repo-popup",
        (CONTRACT, TRIAL, "tests/ths/test_structure.py"),
    ),
    Readiness(
        "条件单弹窗（股价条件 / 止盈止损，含 ConditionToolBar 的 #32770）：按位置填写并回读各字段、按下标选有效期、"
        "提交后以条件单监控中新增的一条为准（否则结果未知）",
        CONDITIONS,
        Level.PARTIAL,
        (
            "noimank/easyths easyths/operations/condition_buy.py",
            "noimank/easyths easyths/operations/stop_loss_profit.py",
        ),
        "condition-create",
        (CONTRACT, "tests/ths/test_conditions.py", "tests/ths/test_chaos_conditions.py"),
    ),
    Readiness(
        "条件单监控页的读取与删除（表头与每行格数校验；先取消残留的页内提示，只勾选要删的行）",
        ("condition_order_query", "condition_order_cancel"),
        Level.PARTIAL,
        (
            "noimank/easyths easyths/operations/condition_order_query.py",
            "noimank/easyths easyths/operations/condition_order_cancel.py",
        ),
        "condition-monitor",
        (CONTRACT, TRIAL, "tests/ths/test_conditions.py", "tests/ths/test_chaos_conditions.py"),
    ),
    Readiness(
        "账户下拉框的读取与切换",
        ("account_query", "account_switch"),
        Level.PARTIAL,
        ("noimank/easyths 2.x 的账户切换（未记录提交号）", "〔增强服务〕"),
        "accounts",
    ),
    Readiness(
        "非 #32770 弹窗（成交回报、条件单触发提醒、银证转账）的识别与关闭",
        ("*",),
        Level.PARTIAL,
        ("〔其他〕：公开代码中的 CDlgTriggeredConfitionTip、TranferAccount 窗口类",),
        "dialog-identify",
        ("tests/ths/test_faults.py", TRIAL),
    ),
    Readiness(
        "新股申购：按确切文字进入单只申购页（新股申购 → 新股申购），以 1006「申购」、1032、1018 确认到达（不用批量页）",
        IPO,
        Level.PARTIAL,
        (
            "Raytone-D/puppet puppet_v4.py（提交 95d0212，节点 554）",
            "Guling-Pro/guling-trader docs/ths_architecture.md",
        ),
        "ipo",
        IPO_TESTS,
    ),
    Readiness(
        "新股申购：读取单只申购页的新股列表（新股代码、申购价格、可申购数量）作为今日新股与额度",
        IPO,
        Level.PARTIAL,
        ("Raytone-D/puppet puppet/client.py", "shidenggui/easytrader easytrader/config/client.py"),
        "ipo",
        IPO_TESTS,
    ),
    Readiness(
        "新股申购：在 1032/1033/1034 输入申购代码、价格、数量并回读后按 1006，"
        "以成功提示的合同编号或当日委托中的配售申购判断结果",
        ("ipo_subscribe",),
        Level.PARTIAL,
        ("Raytone-D/puppet puppet_v4.py（提交 95d0212，raffle）",),
        "ipo",
        IPO_TESTS,
    ),
    Readiness(
        "新股配号、新股中签页面：公开资料中没有列名，同花顺后端不支持（直接拒绝，不操作客户端）",
        ("ipo_allotment_query",),
        Level.UNPROVEN,
        (),
        "ipo",
        IPO_TESTS,
    ),
    Readiness(
        "桌面锁定检测（OpenInputDesktop）",
        ("*",),
        Level.UNPROVEN,
        (),
        "desktop",
        ("tests/ths/test_faults.py",),
    ),
    Readiness(
        "客户端设置与 [broker].popups 的说明一致（驱动无法读取设置，由用户按 easyths doctor 列出的清单确认）",
        ("*",),
        Level.UNPROVEN,
        (),
        "client-settings",
        ("tests/ths/test_recording.py", "tests/ths/test_cancels.py"),
    ),
)

# Every THS operation of the API, for the per-operation table.
OPERATIONS: tuple[str, ...] = (
    "buy", "sell", "market_buy", "market_sell", "funds_query", "holding_query", "order_query",
    "historical_commission_query", "order_cancel", "reverse_repo_query", "reverse_repo_buy", "condition_buy",
    "condition_sell", "stop_loss_profit", "condition_order_query", "condition_order_cancel", "account_query",
    "account_switch", "ipo_query", "ipo_subscribe", "ipo_allotment_query",
)  # fmt: skip


def steps_of(operation: str) -> list[Readiness]:
    """The steps of this operation's own flow (the shared ones, "*", are safeguards around every
    flow: menu navigation, stray popups, a locked desktop, the client's settings)."""
    return [s for s in STEPS if operation in s.operations]


def level_of(operation: str) -> Level:
    """An operation is as ready as the weakest step of its own flow."""
    order = list(Level)
    return max((s.level for s in steps_of(operation)), key=order.index)


def unverified() -> tuple[str, ...]:
    """What health and `easyths doctor` list: every step short of public code on real clients."""
    return tuple(s.step for s in STEPS if s.level is not Level.PUBLIC)


__all__ = ["OPERATIONS", "STEPS", "Level", "Readiness", "level_of", "steps_of", "unverified"]
