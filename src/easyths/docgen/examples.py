"""What the 操作参考 page says about each operation that the code cannot: the meaning of each result
field and row column, and an example to run on the sim.

Why this is checked rather than trusted: `tests/docs/test_operation_examples.py` runs every example
against the sim and compares the documented fields and columns with the real ones, and the page
shows the real response of the run made at build time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Step:
    """A request made before (or after) an example, shown to the reader as curl."""

    method: str
    path: str  # under the server root, e.g. /api/v1/sim/quotes/600000
    body: dict[str, Any] | None = None
    note: str = ""


@dataclass(frozen=True)
class Example:
    title: str
    params: dict[str, Any]
    setup: tuple[Step, ...] = ()
    teardown: tuple[Step, ...] = ()
    expect: str = "success"  # operation status, or "422" for a refused submit


@dataclass(frozen=True)
class OpDoc:
    fields: dict[str, str]  # result data field -> meaning (success and message are added)
    examples: tuple[Example, ...]
    rows_key: str | None = None  # the result field that holds the rows, for queries
    columns: tuple[str, ...] = ()  # the columns of those rows (meanings in COLUMNS)
    notes: str = ""
    errors: tuple[str, ...] = ()  # error codes / outcomes worth knowing, in prose


COMMON_FIELDS = {
    "success": "是否成功（结果里总是 true；失败时 data 为 null，原因在 message）",
    "message": "给人看的结果说明",
}

COLUMNS: dict[str, str] = {
    # holdings (docs/rules.md#holdings-columns)
    "证券代码": "6 位证券代码（字符串，保留前导零）",
    "证券名称": "证券名称",
    "股票余额": "持有数量（含今日买入）",
    "可用余额": "今日可卖数量（T+1：不含今日买入；挂单卖出的部分在冻结数量中）",
    "冻结数量": "卖出挂单冻结的数量",
    "成本价": "成本价（[sim].cost_basis：摊薄成本或买入均价，含费用）",
    "市价": "最新价",
    "盈亏": "浮动盈亏（元）",
    "盈亏比(%)": "盈亏比例（%）",
    "当日盈亏": "当日盈亏（元）",
    "当日盈亏比(%)": "当日盈亏比例（%）",
    "市值": "市值 = 市价 × 股票余额",
    "仓位占比(%)": "市值占总资产的比例（%）",
    "当日买入": "今日买入成交数量",
    "当日卖出": "今日卖出成交数量",
    "交易市场": "上海Ａ股 / 深圳Ａ股（全角 Ａ，与客户端一致）",
    "持股天数": "持股天数",
    # orders (§9.3)
    "委托日期": "委托日期 YYYYMMDD（仅历史委托）",
    "委托时间": "委托时间 HH:MM:SS",
    "操作": "买入 / 卖出 / 五档买入 / 五档卖出 …",
    "备注": "委托状态：未成交、部分成交、已成、已撤、部撤、废单",
    "委托数量": "委托数量",
    "成交数量": "已成交数量",
    "委托价格": "委托价格",
    "成交均价": "成交均价",
    "撤消数量": "已撤数量（客户端写作「撤消」）",
    "合同编号": "券商给出的委托编号（字符串），撤单与核对都用它",
    # reverse repo rates
    "市场类型": "上海市场 / 深圳市场",
    "时间类型": "期限，如 1天期",
    "年化利率": "年化利率，如 1.850%",
    # condition orders
    "条件单编号": "条件单编号",
    "状态": "条件单：未触发；打新：已申报 / 已配号 / 中签 / 未中签 / 已缴款 / 放弃认购 / 已上市",
    "条件类型": "股价条件 / 止盈止损",
    "方向": "买入 / 卖出",
    "监控标的": "名称(代码)",
    "触发条件": "触发条件，如 最新价≤10.2",
    "最新价": "监控标的的最新价",
    "涨幅(%)": "相对昨收的涨幅（%）",
    "委托单": "触发后发出的委托",
    "创建时间": "创建时间",
    "监控周期": "有效期（自然日）与截止日期",
    # 打新 (docs/rules.md#ipo)
    "申购代码": "申购时使用的代码（沪市新股、新债与证券代码不同；深市新股相同）",
    "类型": "股票 / 可转债",
    "市场": "上海 / 深圳",
    "板块": "主板 / 科创板 / 创业板 / 可转债",
    "发行价格": "发行价（元；新债为面值 100 元）",
    "申购上限": "本次发行每个账户的申购上限（股；新债为张）",
    "申购单位": "申购数量必须是它的整数倍：沪市主板 1000 股，科创板与深市 500 股，新债 10 张",
    "可申购数量": "本账户可申购的最大数量：新股按市值额度与申购上限取小，新债为申购上限；无额度为 0",
    "已申购": "今天是否已申购（同一只只有第一笔有效）",
    "申购日期": "申购日（T 日）",
    "上市日期": "上市日，中签并缴款的股份（张）当天进入持仓",
    "申购数量": "申购的数量（股/张）",
    "起始配号": "第一个配号（T+1 日起有值），每个申购单位一个号，连续编号",
    "配号数量": "配号个数 = 申购数量 ÷ 申购单位",
    "配号日期": "配号日（T+1）",
    "中签数量": "中签的数量（股/张，T+2 日起有值）",
    "应缴金额": "中签数量 × 发行价（元），T+2 日从可用资金冻结",
    "缴款日期": "缴款日（T+2），当日收市后扣款",
    "已缴数量": "已缴款的数量（股/张）",
    "放弃数量": "资金不足放弃认购的数量（股/张）",
    # accounts
    "account_name": "账户名（account_switch 与 account_name 参数用它）",
    "account_index": "账户在客户端下拉框中的序号",
    "current": "是否为当前账户",
}

HOLDINGS = tuple(k for k in list(COLUMNS)[:17])
ORDERS = (
    "委托时间",
    "证券代码",
    "证券名称",
    "操作",
    "备注",
    "委托数量",
    "成交数量",
    "委托价格",
    "成交均价",
    "撤消数量",
    "合同编号",
    "交易市场",
)
CONDITIONS = (
    "条件单编号",
    "状态",
    "条件类型",
    "方向",
    "监控标的",
    "证券代码",
    "触发条件",
    "最新价",
    "涨幅(%)",
    "委托单",
    "创建时间",
    "监控周期",
)

QUOTE = Step(
    "PUT",
    "/api/v1/sim/quotes/600000",
    {"price": 10.50, "prev_close": 10.40, "name": "浦发银行"},
    "设置浦发银行行情：最新价 10.50，昨收 10.40",
)


def _op(name: str, params: dict[str, Any], note: str = "") -> Step:
    return Step("POST", f"/api/v1/operations/{name}?wait=10", {"params": params}, note)


BOUGHT = (QUOTE, _op("buy", {"stock_code": "600000", "price": 10.50, "quantity": 100}, "买入 100 股（成交）"))
HELD = (
    QUOTE,
    _op("buy", {"stock_code": "600000", "price": 10.50, "quantity": 1000}, "买入 1000 股（成交）"),
    Step("POST", "/api/v1/sim/clock/advance", {"days": 1}, "推进到下一个交易日（T+1 后可卖）"),
)
RESTING = (
    QUOTE,
    _op("buy", {"stock_code": "600000", "price": 10.40, "quantity": 100}, "挂一笔 10.40 的买单（未成交）"),
)
REPO_QUOTES = (
    Step("PUT", "/api/v1/sim/quotes/204001", {"price": 1.85}, "GC001 年化利率 1.85%"),
    Step("PUT", "/api/v1/sim/quotes/131810", {"price": 1.80}, "R-001 年化利率 1.80%"),
)
CONDITION = (QUOTE, _op("condition_buy", {"stock_code": "600000", "target_price": 10.20, "quantity": 100}, "条件买入"))

ORDER_FIELDS = {
    "stock_code": "股票代码",
    "price": '委托价格（按最小价位取整后的字符串，如 "10.50"）',
    "quantity": "委托数量",
    "operation": "操作名",
    "合同编号": "券商给出的委托编号；撤单、查询与核对都用它",
}
MARKET_FIELDS = {
    "stock_code": "股票代码",
    "quantity": "委托数量",
    "operation": "操作名",
    "strategy": "实际使用的市价委托类型（沪市不支持的类型按 最优五档即时成交剩余撤销）",
    "合同编号": "券商给出的委托编号",
}
CONDITION_FIELDS = {
    "stock_code": "股票代码",
    "target_price": "目标价格（触发价）",
    "quantity": "触发后委托的数量",
    "expire_days": "有效期（自然日）",
    "operation": "操作名",
    "condition_id": "条件单编号（条件单查询中的 条件单编号）",
}
ORDER_ERRORS = (
    "参数不合规（代码、数量、价位、金额上限）：提交即返回 422 `INVALID_PARAMS`，`details` 指出字段",
    "券商拒绝（资金不足、超出涨跌停、非交易时间……）：状态 `failed`，`message` 是券商原文",
    "客户端没有给出结论：状态 `unknown`，绝不自动重下，之后与当日委托核对",
)

OPERATIONS: dict[str, OpDoc] = {
    "buy": OpDoc(
        fields=ORDER_FIELDS,
        examples=(
            Example("限价买入 100 股", {"stock_code": "600000", "price": 10.50, "quantity": 100}, (QUOTE,)),
            Example(
                "数量不是整手：提交即被拒绝",
                {"stock_code": "600000", "price": 10.50, "quantity": 150},
                (QUOTE,),
                expect="422",
            ),
        ),
        errors=ORDER_ERRORS,
    ),
    "sell": OpDoc(
        fields=ORDER_FIELDS,
        examples=(
            Example("卖出昨天买入的 500 股", {"stock_code": "600000", "price": 10.50, "quantity": 500}, HELD),
            Example(
                "今天买入的股票今天不能卖（T+1）",
                {"stock_code": "600000", "price": 10.50, "quantity": 100},
                BOUGHT,
                expect="failed",
            ),
        ),
        errors=ORDER_ERRORS,
    ),
    "market_buy": OpDoc(
        fields=MARKET_FIELDS,
        examples=(
            Example("市价买入 100 股", {"stock_code": "600000", "quantity": 100, "execution_strategy": 3}, (QUOTE,)),
        ),
        errors=ORDER_ERRORS,
    ),
    "market_sell": OpDoc(
        fields=MARKET_FIELDS,
        examples=(Example("市价卖出 300 股", {"stock_code": "600000", "quantity": 300}, HELD),),
        errors=ORDER_ERRORS,
    ),
    "holding_query": OpDoc(
        fields={"holdings": "持仓行（return_type 为 str/markdown 时是文本表格）", "timestamp": "查询时间"},
        rows_key="holdings",
        columns=HOLDINGS,
        examples=(Example("查询持仓", {"return_type": "json"}, HELD),),
    ),
    "funds_query": OpDoc(
        fields={
            "资金余额": "资金余额 = 可用金额 + 冻结金额",
            "冻结金额": "买入挂单冻结的资金",
            "可用金额": "可用于买入的资金（含今日卖出所得）",
            "可取金额": "可转出的资金（今日卖出所得 T+1 后才可取）",
            "股票市值": "持仓市值",
            "总资产": "总资产 = 资金余额 + 股票市值",
            "持仓盈亏": "持仓浮动盈亏",
            "timestamp": "查询时间",
        },
        examples=(Example("查询资金", {}, BOUGHT),),
    ),
    "order_query": OpDoc(
        fields={"orders": "当日委托行", "timestamp": "查询时间"},
        rows_key="orders",
        columns=ORDERS,
        examples=(Example("查询 600000 的当日委托", {"stock_code": "600000"}, RESTING),),
    ),
    "order_cancel": OpDoc(
        fields={
            "stock_code": "请求的股票代码（未指定为 null）",
            "cancel_type": "请求的撤单类型",
            "contract_no": "请求的合同编号（未指定为 null）",
            "cancelled_count": "撤销的委托笔数",
            "cancelled": "撤销的合同编号列表",
            "timestamp": "撤单时间",
        },
        examples=(Example("撤销 600000 的买入挂单", {"stock_code": "600000", "cancel_type": "buy"}, RESTING),),
        notes=(
            "只撤可撤的委托（未成交、部分成交，部分成交的撤单后为「部撤」）。按股票代码、买卖方向或全部撤单时，"
            "没有可撤的委托也是成功，`cancelled_count` 为 0。按 `contract_no` 撤一笔而该委托不在可撤状态时"
            "（已成、已撤、部撤、废单，或当日没有这笔委托），操作为 **failed**，错误码 `ORDER_NOT_CANCELLABLE`，"
            "结果的 data 带 `合同编号` 与 `状态`：撤单没有发生，委托的实际状态就是答案。按 `contract_no` 撤单成功时，"
            "结果另有 `filled_quantity` 与 `cancelled_quantity`（该委托的成交数量与撤消数量，两者都大于 0 即「部撤」；"
            "同花顺后端暂为 null）。"
        ),
    ),
    "historical_commission_query": OpDoc(
        fields={"historical_commissions": "历史委托行", "time_range": "查询的时间范围", "timestamp": "查询时间"},
        rows_key="historical_commissions",
        columns=("委托日期", *ORDERS),
        examples=(Example("近一周的历史委托", {"time_range": "近一周"}, HELD),),
    ),
    "reverse_repo_buy": OpDoc(
        fields={
            "market": "交易市场",
            "time_range": "回购期限",
            "amount": "出借金额（元）",
            "证券代码": "逆回购代码（如 204001 GC001、131810 R-001）",
            "年化利率": "成交时的年化利率",
            "合同编号": "券商给出的委托编号",
        },
        examples=(
            Example("上海 1 天期出借 1 万元", {"market": "上海", "time_range": "1天期", "amount": 10000}, REPO_QUOTES),
        ),
        notes="出借是对逆回购代码的卖出委托，价格是年化利率；到期本息自动回到可用资金。",
        errors=ORDER_ERRORS,
    ),
    "reverse_repo_query": OpDoc(
        fields={"reverse_repo_interest": "各期限的年化利率行", "timestamp": "查询时间"},
        rows_key="reverse_repo_interest",
        columns=("市场类型", "时间类型", "年化利率", "证券代码"),
        examples=(Example("查询逆回购利率", {}, REPO_QUOTES),),
        notes="模拟券商只列出设置过行情的逆回购代码。",
    ),
    "condition_buy": OpDoc(
        fields=CONDITION_FIELDS,
        examples=(
            Example(
                "跌到 10.20 时买入 100 股",
                {"stock_code": "600000", "target_price": 10.20, "quantity": 100, "expire_days": 30},
                (QUOTE,),
            ),
        ),
        notes="条件单只在连续竞价时段监控；触发后按对手价发出限价委托，触发前不冻结资金。",
        errors=ORDER_ERRORS,
    ),
    "condition_sell": OpDoc(
        fields=CONDITION_FIELDS,
        examples=(
            Example("涨到 11.00 时卖出 500 股", {"stock_code": "600000", "target_price": 11.00, "quantity": 500}, HELD),
        ),
        errors=ORDER_ERRORS,
    ),
    "stop_loss_profit": OpDoc(
        fields={
            "stock_code": "股票代码",
            "stop_loss_percent": "止损百分比",
            "stop_profit_percent": "止盈百分比",
            "quantity": "触发后卖出的数量（未指定时为当时的可用持仓）",
            "expire_days": "有效期（自然日）",
            "operation": "操作名",
            "condition_id": "条件单编号",
        },
        examples=(
            Example(
                "成本价下跌 3% 止损、上涨 5% 止盈",
                {"stock_code": "600000", "stop_loss_percent": 3, "stop_profit_percent": 5, "quantity": 500},
                HELD,
            ),
        ),
        notes="百分比以持仓成本价为基准；只能为持有的证券设置。",
        errors=ORDER_ERRORS,
    ),
    "condition_order_query": OpDoc(
        fields={"condition_orders": "未触发的条件单行", "timestamp": "查询时间"},
        rows_key="condition_orders",
        columns=CONDITIONS,
        examples=(Example("查询未触发的条件单", {}, CONDITION),),
    ),
    "condition_order_cancel": OpDoc(
        fields={
            "stock_code": "请求的股票代码（未指定为 null）",
            "order_type": "请求的方向（未指定为 null）",
            "deleted_count": "删除的条件单数量",
            "timestamp": "删除时间",
        },
        examples=(Example("删除 600000 的条件买入单", {"stock_code": "600000", "order_type": "买入"}, CONDITION),),
    ),
    "account_query": OpDoc(
        fields={
            "available_accounts": "可切换的账户行",
            "current_used_account": "当前账户名",
            "timestamp": "查询时间",
        },
        rows_key="available_accounts",
        columns=("account_name", "account_index", "current"),
        examples=(Example("查询账户", {}),),
    ),
    "account_switch": OpDoc(
        fields={
            "previous_used_account": "切换前的账户",
            "current_used_account": "切换后的账户",
            "timestamp": "切换时间",
        },
        examples=(
            Example(
                "切换到第二个模拟账户",
                {"account_name": "模拟账户2"},
                teardown=(_op("account_switch", {"account_name": "模拟账户"}, "切回"),),
            ),
        ),
        notes='模拟券商的账户来自 `[sim].accounts`（示例运行时配置为 ["模拟账户", "模拟账户2"]）。'
        "任何操作都可以带 `account_name`，在同一个队列位置先切换账户再执行。",
    ),
}

IPO_ROWS = (
    "申购代码",
    "证券代码",
    "证券名称",
    "类型",
    "市场",
    "板块",
    "发行价格",
    "申购上限",
    "申购单位",
    "可申购数量",
    "已申购",
    "申购日期",
    "上市日期",
)
ALLOTMENT_ROWS = (
    "申购日期",
    "证券代码",
    "申购代码",
    "证券名称",
    "类型",
    "申购数量",
    "发行价格",
    "状态",
    "起始配号",
    "配号数量",
    "配号日期",
    "中签数量",
    "应缴金额",
    "缴款日期",
    "已缴数量",
    "放弃数量",
    "上市日期",
    "合同编号",
)
IPO_NOTE = (
    "模拟券商内置虚构的示例发行（`[sim].ipo_examples`），申购日从第一次使用打新的交易日排开；"
    "也可以用参考数据目录的 `ipos.csv` 或 `POST /api/v1/sim/ipos` 加入。规则与出处见[交易规则](rules.md#ipo)。"
)
OPERATIONS.update(
    {
        "ipo_query": OpDoc(
            fields={
                "ipo_list": "今日可申购的新股/新债行",
                "市值额度": "模拟券商：T-2 日前 20 个交易日的日均持有市值（元），按市场",
                "timestamp": "查询时间",
            },
            rows_key="ipo_list",
            columns=IPO_ROWS,
            examples=(Example("查询今日新股/新债", {}),),
            notes=IPO_NOTE + "没有额度的新股也列出，可申购数量为 0；读不到列表是错误，不是空列表。",
        ),
        "ipo_subscribe": OpDoc(
            fields={
                "stock_code": "请求的申购代码或证券代码",
                "quantity": "实际申购的数量（未指定时为额度与上限允许的最大数量）",
                "合同编号": "申购委托的合同编号（当日委托中操作为「配售申购」）",
            },
            examples=(
                Example("申购示例转债（新债不需要市值）", {"stock_code": "754999"}),
                Example(
                    "同一只第二次申购被拒绝",
                    {"stock_code": "754999"},
                    (_op("ipo_subscribe", {"stock_code": "754999"}, "第一次申购"),),
                    expect="failed",
                ),
            ),
            notes="每只一笔、不可撤单；T 日不冻结资金，所以金额上限不适用，但受交易开关、允许/禁止代码和每日笔数限制。"
            "允许/禁止列表与每代码笔数按证券代码核对：用申购代码提交时，模拟券商先把它换成对应的证券代码。",
            errors=ORDER_ERRORS,
        ),
        "ipo_allotment_query": OpDoc(
            fields={"allotments": "每笔申购的配号、中签与缴款行（新的在前）", "timestamp": "查询时间"},
            rows_key="allotments",
            columns=ALLOTMENT_ROWS,
            examples=(
                Example(
                    "申购后两天查看中签",
                    {},
                    (
                        _op("ipo_subscribe", {"stock_code": "754999"}, "申购示例转债"),
                        Step("POST", "/api/v1/sim/clock/advance", {"days": 2}, "推进到 T+2（配号、中签）"),
                    ),
                ),
            ),
            notes="T+1 配号，T+2 公布中签并从可用资金冻结应缴金额，收市后扣款；资金不足的部分放弃认购。",
        ),
    }
)

# Settings the examples are run with (the reader's defaults work too, except account_switch's).
EXAMPLE_SIM_SETTINGS: dict[str, Any] = {"accounts": ["模拟账户", "模拟账户2"], "start": "2026-11-25T09:30:00"}

__all__ = ["COLUMNS", "COMMON_FIELDS", "EXAMPLE_SIM_SETTINGS", "OPERATIONS", "Example", "OpDoc", "Step"]
