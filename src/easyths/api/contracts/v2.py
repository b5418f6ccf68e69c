"""The 2.x contract's result fields, declared once as data: one table per row kind.

Why tables and not code: the service's rows carry the real client's column names (证券代码,
股票余额, 合同编号 …) because that is what the 1.x reference and the client itself show. Users of
the original project's 2.x generation (2.0.7) read the same values under English snake_case
fields with numbers as numbers. Each `Col` below says, for one field, where it comes from in our
row (the canonical column first, then the spellings other client builds use), what it becomes in
2.x, its kind and its unit. Converting a row, describing the field in OpenAPI and documenting it
all read the same tables, so the contracts cannot drift apart.

Value rules (those of 2.x): ``--``/``-``/empty → null; numbers arrive as ``Decimal``, ``int`` or
client text with thousands separators and ``%`` and leave as JSON numbers; text is stripped of
the client's non-breaking spaces.

Where we deliberately add to 2.x: order acknowledgements carry ``contract_no`` (合同编号, the
proof an order exists: 2.x calls an order a success when no popup came and returns no number),
condition acknowledgements carry ``condition_id``, and a cancel lists the 合同编号 it cancelled.
Added fields never change the meaning of a 2.x field.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model


class Kind(StrEnum):
    TEXT = "text"  # str, stripped; placeholders → null
    INT = "int"  # whole units (股, 笔, 元 for repo amounts)
    NUM = "num"  # float: prices, money, percentages as percent values (2.5 means 2.5%)
    MARKET = "market"  # 上海市场/深圳市场 → 上海/深圳 (2.x's Market literal)
    ORDINAL = "ordinal"  # our 0-based list index → 2.x's 1-based 客户端列表序号
    BOOL = "bool"  # true/false (是/否 from a client grid)


@dataclass(frozen=True, slots=True)
class Col:
    """One result field: `v2` name, our `sources` (canonical first), kind, Chinese description."""

    v2: str
    sources: tuple[str, ...]
    kind: Kind
    description: str
    nullable: bool = True
    v1_type: str | None = None  # JSON type of the 1.x value when it differs (1.x sends some as text)

    @property
    def v1(self) -> str:
        """The name the 1.x contract uses for the same value (our canonical column)."""
        return self.sources[0]


Table = tuple[Col, ...]

T, INT, N = Kind.TEXT, Kind.INT, Kind.NUM


def col(
    v2: str,
    sources: str | tuple[str, ...],
    kind: Kind,
    description: str,
    nullable: bool = True,
    v1_type: str | None = None,
) -> Col:
    return Col(v2, (sources,) if isinstance(sources, str) else sources, kind, description, nullable, v1_type)


# ---- rows of the query grids ---------------------------------------------------------------------

HOLDING: Table = (
    col("stock_code", "证券代码", T, "证券代码"),
    col("stock_name", "证券名称", T, "证券名称"),
    col("quantity", ("股票余额", "持仓数量"), INT, "持仓数量（股）"),
    col("available_quantity", ("可用余额", "可用数量"), INT, "可用数量（股）"),
    col("frozen_quantity", "冻结数量", INT, "冻结数量（股）"),
    col("cost_price", ("成本价", "参考成本价"), N, "参考成本价（元）"),
    col("current_price", ("市价", "当前价"), N, "当前价（元）"),
    col("floating_profit", ("盈亏", "浮动盈亏"), N, "浮动盈亏（元）"),
    col("profit_ratio", ("盈亏比(%)", "盈亏比例(%)"), N, "盈亏比例（%，如 1.76 表示 1.76%）"),
    col("daily_profit", "当日盈亏", N, "当日盈亏（元）"),
    col("daily_profit_ratio", "当日盈亏比(%)", N, "当日盈亏比（%）"),
    col("market_value", ("市值", "最新市值"), N, "最新市值（元）"),
    col("position_ratio", "仓位占比(%)", N, "仓位占比（%）"),
    col("daily_bought", "当日买入", INT, "当日买入（股）"),
    col("daily_sold", "当日卖出", INT, "当日卖出（股）"),
    col("market", "交易市场", T, "交易市场"),
)

FUNDS: Table = (
    col("balance", "资金余额", N, "资金余额（元）"),
    col("frozen_amount", ("冻结金额", "冻结资金"), N, "冻结金额（元）"),
    col("market_value", "股票市值", N, "股票市值（元）"),
    col("total_assets", "总资产", N, "总资产（元）"),
    col("available_amount", ("可用金额", "可用资金"), N, "可用金额（元）"),
    col("withdrawable_amount", "可取金额", N, "可取金额（元）"),
    col("holding_profit", "持仓盈亏", N, "持仓盈亏（元）"),
    col("daily_profit", "当日盈亏", N, "当日盈亏（元）；客户端无该项时为 null"),
    col("daily_profit_ratio", ("当日盈亏比", "当日盈亏比(%)"), N, "当日盈亏比（%）；客户端无该项时为 null"),
)

ORDER: Table = (
    col("order_time", "委托时间", T, "委托时间"),
    col("stock_code", "证券代码", T, "证券代码"),
    col("stock_name", "证券名称", T, "证券名称"),
    col("operation", "操作", T, "操作（委托方向：买入/卖出）"),
    col("remark", "备注", T, "备注（未成交/部分成交/已成/已撤/部撤/废单）"),
    col("quantity", "委托数量", INT, "委托数量（股）"),
    col("filled_quantity", "成交数量", INT, "成交数量（股）"),
    col("price", "委托价格", N, "委托价格（元）"),
    col("avg_fill_price", "成交均价", N, "成交均价（元）"),
    col("cancelled_quantity", ("撤消数量", "撤销数量", "撤单数量"), INT, "撤销数量（股）"),
    col("contract_no", "合同编号", T, "合同编号"),
    col("market", "交易市场", T, "交易市场"),
)

HISTORY: Table = (col("order_date", "委托日期", T, "委托日期（YYYYMMDD）"), *ORDER)

# 2.x has no fills query; the table names our 当日成交 rows the same way for events and exports.
FILL: Table = (
    col("fill_time", "成交时间", T, "成交时间"),
    col("stock_code", "证券代码", T, "证券代码"),
    col("stock_name", "证券名称", T, "证券名称"),
    col("operation", "操作", T, "操作（买入/卖出）"),
    col("filled_quantity", "成交数量", INT, "成交数量（股）"),
    col("avg_fill_price", "成交均价", N, "成交均价（元）"),
    col("filled_amount", "成交金额", N, "成交金额（元）"),
    col("contract_no", "合同编号", T, "合同编号"),
    col("fill_no", "成交编号", T, "成交编号"),
    col("market", "交易市场", T, "交易市场"),
)

REPO_RATE: Table = (
    col("market", "市场类型", Kind.MARKET, "交易市场（上海/深圳）"),
    col("term", "时间类型", T, "期限（如 1天期）"),
    col("annual_rate", "年化利率", N, "年化利率（百分数值，如 2.5 表示 2.5%）", v1_type="string"),
)

CONDITION: Table = (
    col("status", "状态", T, "状态"),
    col("condition_type", "条件类型", T, "条件类型"),
    col("direction", "方向", T, "方向（买入/卖出）"),
    col("target", "监控标的", T, "监控标的"),
    col("trigger_condition", "触发条件", T, "触发条件"),
    col("latest_price", "最新价", N, "最新价（元）"),
    col("change_ratio", ("涨幅(%)", "涨幅"), N, "涨幅（%，如 1.23 表示 1.23%）"),
    col("order_detail", "委托单", T, "委托单"),
    col("created_at", "创建时间", T, "创建时间"),
    col("monitor_cycle", "监控周期", T, "监控周期"),
)

ACCOUNT: Table = (
    col("account_name", "account_name", T, "账户名（客户端下拉列表的展示名）", nullable=False),
    col("account_index", "account_index", Kind.ORDINAL, "账户序号（客户端列表位置，从 1 起）", nullable=False),
)

# ---- acknowledgements (our data dicts already use English keys for the request echo) -------------

LIMIT_ORDER_ACK: Table = (
    col("stock_code", "stock_code", T, "股票代码（6位数字）", nullable=False),
    col("price", "price", N, "委托价格（元）", nullable=False, v1_type="string"),
    col("quantity", "quantity", INT, "委托数量（股）", nullable=False),
    col("contract_no", "合同编号", T, "合同编号（EasyTHS 补充：委托存在的凭据）", nullable=False),
)

MARKET_ORDER_ACK: Table = (
    col("stock_code", "stock_code", T, "股票代码（6位数字）", nullable=False),
    col("quantity", "quantity", INT, "委托数量（股）", nullable=False),
    col("strategy", "strategy", T, "实际使用的成交策略名称（请求策略不支持时为兜底策略）", nullable=False),
    col("contract_no", "合同编号", T, "合同编号（EasyTHS 补充：委托存在的凭据）", nullable=False),
)

CONDITION_ORDER_ACK: Table = (
    col("stock_code", "stock_code", T, "股票代码（6位数字）", nullable=False),
    col("target_price", "target_price", N, "触发价格（元）", nullable=False),
    col("quantity", "quantity", INT, "委托数量（股）", nullable=False),
    col("expire_days", "expire_days", INT, "策略有效期（自然日）", nullable=False),
    col("condition_id", "condition_id", T, "条件单编号（EasyTHS 补充）"),
)

STOP_LOSS_ACK: Table = (
    col("stock_code", "stock_code", T, "股票代码（6位数字）", nullable=False),
    col("stop_loss_percent", "stop_loss_percent", N, "止损百分比（如 3 表示 3%）", nullable=False),
    col("stop_profit_percent", "stop_profit_percent", N, "止盈百分比（如 5 表示 5%）", nullable=False),
    col("quantity", "quantity", INT, "委托数量（股），未指定时为全部可卖持仓", nullable=False),
    col("expire_days", "expire_days", INT, "策略有效期（自然日）", nullable=False),
    col("condition_id", "condition_id", T, "条件单编号（EasyTHS 补充）"),
)

ORDER_CANCEL_ACK: Table = (
    col("stock_code", "stock_code", T, "目标股票代码，null 表示全部委托"),
    col("cancel_type", "cancel_type", T, "撤单类型：all-全部 buy-买入 sell-卖出", nullable=False),
    col("cancelled_count", "cancelled_count", INT, "撤销的委托笔数", nullable=False),
)

CONDITION_CANCEL_ACK: Table = (
    col("stock_code", "stock_code", T, "目标股票代码，null 表示全部条件单"),
    col("order_type", "order_type", T, "订单类型（买入/卖出），null 表示不限"),
    col("deleted_count", "deleted_count", INT, "删除的条件单数量", nullable=False),
)

REPO_BUY_ACK: Table = (
    col("market", "market", T, "交易市场（上海/深圳）", nullable=False),
    col("time_range", "time_range", T, "回购期限", nullable=False),
    col("amount", "amount", INT, "出借金额（元）", nullable=False),
    col("annual_rate", "年化利率", N, "成交年化利率（百分数值，如 2.5 表示 2.5%）", v1_type="string"),
    col("contract_no", "合同编号", T, "合同编号（EasyTHS 补充：委托存在的凭据）", nullable=False),
)

# 打新 (added by EasyTHS; 2.x has no subscription operations)
IPO_ISSUE: Table = (
    col("subscribe_code", "申购代码", T, "申购代码"),
    col("stock_code", "证券代码", T, "证券代码（上市后的代码）"),
    col("stock_name", "证券名称", T, "名称"),
    col("kind", "类型", T, "类型：股票 / 可转债"),
    col("market", "市场", T, "交易市场（上海/深圳）"),
    col("board", "板块", T, "板块：主板 / 科创板 / 创业板 / 可转债"),
    col("price", "发行价格", N, "发行价（元；新债为面值100元）", v1_type="string"),
    col("cap", "申购上限", INT, "申购上限（股；新债为张）"),
    col("unit", "申购单位", INT, "申购单位（股；新债为张）"),
    col("allowed", "可申购数量", INT, "本账户可申购数量（无额度为0）"),
    col("subscribed", "已申购", Kind.BOOL, "今日是否已申购"),
    col("subscribe_date", "申购日期", T, "申购日（T日）"),
    col("listing_date", "上市日期", T, "上市日期"),
)

IPO_ALLOTMENT: Table = (
    col("subscribe_date", "申购日期", T, "申购日（T日）"),
    col("stock_code", "证券代码", T, "证券代码"),
    col("subscribe_code", "申购代码", T, "申购代码"),
    col("stock_name", "证券名称", T, "名称"),
    col("kind", "类型", T, "类型：股票 / 可转债"),
    col("quantity", "申购数量", INT, "申购数量（股/张）"),
    col("price", "发行价格", N, "发行价（元）", v1_type="string"),
    col("status", "状态", T, "已申报 / 已配号 / 中签 / 未中签 / 已缴款 / 放弃认购 / 已上市"),
    col("first_number", "起始配号", T, "起始配号（T+1日起）"),
    col("numbers", "配号数量", INT, "配号数量（每个申购单位一个号）"),
    col("number_date", "配号日期", T, "配号日（T+1）"),
    col("won", "中签数量", INT, "中签数量（股/张，T+2日起）"),
    col("due", "应缴金额", N, "应缴金额（元）", v1_type="string"),
    col("pay_date", "缴款日期", T, "缴款日（T+2，收市时从资金扣缴）"),
    col("paid", "已缴数量", INT, "已缴款数量（股/张）"),
    col("abandoned", "放弃数量", INT, "资金不足放弃认购的数量（股/张）"),
    col("listing_date", "上市日期", T, "上市日期"),
    col("contract_no", "合同编号", T, "申购委托的合同编号"),
)

IPO_SUBSCRIBE_ACK: Table = (
    col("stock_code", "stock_code", T, "请求的申购代码或证券代码", nullable=False),
    col("quantity", "quantity", INT, "实际申购数量（股/张）"),
    col("contract_no", "合同编号", T, "合同编号（委托存在的凭据）", nullable=False),
)

ACCOUNT_SWITCH_ACK: Table = (
    col("previous_used_account", "previous_used_account", T, "切换前使用的账户（此前未确认过为 null）"),
)


# ---- which table each operation's result uses ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class ResultSpec:
    """How one operation's result data becomes 2.x data.

    `shape` "rows": `data` is the list of records found under our `rows_key`;
    "record": `data` is one object built from our data dict by `table`;
    "accounts": `{available_accounts: [rows]}` (the current account goes in the envelope).
    `extra` lists fields EasyTHS adds beyond the 2.x model as (v2 name, our key) pairs.
    """

    shape: Literal["rows", "record", "accounts"]
    table: Table
    rows_key: str | None = None
    title: str = ""
    extra: tuple[tuple[str, str], ...] = ()


RESULTS: dict[str, ResultSpec] = {
    "holding_query": ResultSpec("rows", HOLDING, "holdings", "HoldingRow"),
    "funds_query": ResultSpec("record", FUNDS, title="FundsResult"),
    "order_query": ResultSpec("rows", ORDER, "orders", "OrderRow"),
    "historical_commission_query": ResultSpec("rows", HISTORY, "historical_commissions", "HistoricalOrderRow"),
    "reverse_repo_query": ResultSpec("rows", REPO_RATE, "reverse_repo_interest", "ReverseRepoQuote"),
    "condition_order_query": ResultSpec("rows", CONDITION, "condition_orders", "ConditionOrderRow"),
    "account_query": ResultSpec("accounts", ACCOUNT, "available_accounts", "AccountRow"),
    "account_switch": ResultSpec("record", ACCOUNT_SWITCH_ACK, title="AccountSwitchResult"),
    "buy": ResultSpec("record", LIMIT_ORDER_ACK, title="LimitOrderResult"),
    "sell": ResultSpec("record", LIMIT_ORDER_ACK, title="LimitOrderResult"),
    "market_buy": ResultSpec("record", MARKET_ORDER_ACK, title="MarketOrderResult"),
    "market_sell": ResultSpec("record", MARKET_ORDER_ACK, title="MarketOrderResult"),
    "condition_buy": ResultSpec("record", CONDITION_ORDER_ACK, title="ConditionOrderResult"),
    "condition_sell": ResultSpec("record", CONDITION_ORDER_ACK, title="ConditionOrderResult"),
    "stop_loss_profit": ResultSpec("record", STOP_LOSS_ACK, title="StopLossResult"),
    "order_cancel": ResultSpec(
        "record", ORDER_CANCEL_ACK, title="OrderCancelResult", extra=(("cancelled_contract_nos", "cancelled"),)
    ),
    "condition_order_cancel": ResultSpec("record", CONDITION_CANCEL_ACK, title="ConditionOrderCancelResult"),
    "reverse_repo_buy": ResultSpec("record", REPO_BUY_ACK, title="ReverseRepoBuyResult"),
    "ipo_query": ResultSpec("rows", IPO_ISSUE, "ipo_list", "IpoIssueRow"),
    "ipo_allotment_query": ResultSpec("rows", IPO_ALLOTMENT, "allotments", "IpoAllotmentRow"),
    "ipo_subscribe": ResultSpec("record", IPO_SUBSCRIBE_ACK, title="IpoSubscribeResult"),
}


# ---- values -----------------------------------------------------------------------------------

PLACEHOLDERS = frozenset({"", "--", "-", "---"})
_NUMBERS = (int, float, Decimal)


def _clean(value: str) -> str:
    text = value.replace("\xa0", " ").replace("\u3000", " ").strip()
    if text.startswith('="') and text.endswith('"'):  # spreadsheet-protected export cell
        text = text[2:-1]
    return text


def to_number(value: Any) -> float | None:
    """Client text or Decimal → float; placeholders → None. Unparseable text → None, not an error:
    one odd cell must not fail a whole query."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, _NUMBERS):
        return float(value)
    text = _clean(str(value)).replace(",", "").replace("%", "").replace("％", "")
    if text in PLACEHOLDERS:
        return None
    try:
        return float(Decimal(text))
    except (InvalidOperation, ValueError):
        return None


def to_int(value: Any) -> int | None:
    number = to_number(value)
    return None if number is None else int(number)


def to_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        value = format(value, "f")
    text = _clean(str(value))
    return None if text in PLACEHOLDERS else text


def _bool(value: Any) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    text = to_text(value)
    return None if text is None else text in ("是", "true", "True", "1")


def _market(value: Any) -> str | None:
    text = to_text(value)
    return None if text is None else text.removesuffix("市场")


def _ordinal(value: Any) -> int | None:
    number = to_int(value)
    return None if number is None else number + 1


CONVERT = {
    Kind.TEXT: to_text,
    Kind.INT: to_int,
    Kind.NUM: to_number,
    Kind.MARKET: _market,
    Kind.ORDINAL: _ordinal,
    Kind.BOOL: _bool,
}


def _lookup(row: dict[str, Any], sources: tuple[str, ...]) -> Any:
    for name in sources:
        if name in row and row[name] is not None:
            return row[name]
    return None


_PLANS: dict[int, tuple[tuple[str, tuple[str, ...], Any], ...]] = {}


def _plan(table: Table) -> tuple[tuple[str, tuple[str, ...], Any], ...]:
    """(field, sources, converter) per column, resolved once per table: looking a converter up by
    an enum member on every cell costs more than the conversion itself."""
    plan = _PLANS.get(id(table))
    if plan is None:
        plan = _PLANS[id(table)] = tuple((c.v2, c.sources, CONVERT[c.kind]) for c in table)
    return plan


def convert_row(table: Table, row: dict[str, Any]) -> dict[str, Any]:
    """One of our rows (any known column spelling) → one 2.x record, fields in the table's order."""
    return {field: fn(_lookup(row, sources)) for field, sources, fn in _plan(table)}


def convert_rows(table: Table, rows: Any) -> Any:
    """A list of rows → list of records. Anything else (the text a `return_type` of str/markdown
    produced) passes through unchanged: it was asked for explicitly."""
    if not isinstance(rows, list):
        return rows
    return [convert_row(table, r) if isinstance(r, dict) else r for r in rows]


def to_v2_data(operation: str, data: Any) -> Any:
    """Our result data for `operation` → the 2.x `data`. Unknown operations (third-party plugins)
    and empty data pass through unchanged."""
    spec = RESULTS.get(operation)
    if spec is None or not isinstance(data, dict):
        return data
    if spec.shape == "rows":
        return convert_rows(spec.table, data.get(spec.rows_key or "", []))
    if spec.shape == "accounts":
        return {"available_accounts": convert_rows(spec.table, data.get(spec.rows_key or "", []))}
    record = convert_row(spec.table, data)
    for v2_name, ours in spec.extra:
        record[v2_name] = data.get(ours)
    return record


def current_account_of(operation: str, data: Any) -> str | None:
    """The account an account operation reports as current (the envelope's current_used_account)."""
    if isinstance(data, dict):
        value = data.get("current_used_account")
        if isinstance(value, str) and value:
            return value
    return None


# ---- schemas (for /operations/ and OpenAPI) ----------------------------------------------------

_PY_TYPES: dict[Kind, type] = {
    Kind.TEXT: str,
    Kind.INT: int,
    Kind.NUM: float,
    Kind.MARKET: str,
    Kind.ORDINAL: int,
    Kind.BOOL: bool,
}


class ResultModel(BaseModel):
    model_config = ConfigDict(extra="forbid")


def table_model(name: str, table: Table, extra: tuple[tuple[str, str], ...] = ()) -> type[BaseModel]:
    fields: dict[str, Any] = {}
    for c in table:
        py: Any = _PY_TYPES[c.kind]
        fields[c.v2] = (py | None if c.nullable else py, Field(description=c.description))
    for v2_name, _ in extra:
        fields[v2_name] = (list[str] | None, Field(None, description="撤销的合同编号列表（EasyTHS 补充）"))
    return create_model(name, __base__=ResultModel, **fields)


def _build_models() -> dict[str, Any]:
    models: dict[str, Any] = {}
    cache: dict[str, type[BaseModel]] = {}
    for op, spec in RESULTS.items():
        model = cache.get(spec.title) or table_model(spec.title, spec.table, spec.extra)
        cache[spec.title] = model
        if spec.shape == "rows":
            models[op] = list[model]  # type: ignore[valid-type]  # a model class built at run time
        elif spec.shape == "accounts":
            models[op] = cache.setdefault(
                "AccountsResult",
                create_model(
                    "AccountsResult",
                    __base__=ResultModel,
                    # the row model is built at run time, so no static type can name it
                    available_accounts=(list[model], Field(description="客户端全部可用账户记录")),  # type: ignore[valid-type]
                ),
            )
        else:
            models[op] = model
    return models


RESULT_MODELS: dict[str, Any] = _build_models()


def result_schema(operation: str) -> dict[str, Any] | None:
    """JSON schema of the 2.x `data` of `operation` (None for an operation 2.x does not know)."""
    from pydantic import TypeAdapter

    model = RESULT_MODELS.get(operation)
    return None if model is None else TypeAdapter(model).json_schema()


def v1_result_schema(operation: str) -> dict[str, Any] | None:
    """JSON schema of the 1.x result rows of `operation`: the same tables under our column names."""
    spec = RESULTS.get(operation)
    if spec is None:
        return None
    props: dict[str, Any] = {}
    for c in spec.table:
        kind = {
            "text": "string",
            "int": "integer",
            "num": "number",
            "market": "string",
            "ordinal": "integer",
            "bool": "boolean",
        }
        props[c.v1] = {"type": c.v1_type or kind[c.kind.value], "description": c.description}
    row = {"type": "object", "properties": props}
    if spec.shape in ("rows", "accounts"):
        return {"type": "object", "properties": {spec.rows_key: {"type": "array", "items": row}}}
    return row


__all__ = [
    "ACCOUNT",
    "CONDITION",
    "FILL",
    "FUNDS",
    "HISTORY",
    "HOLDING",
    "ORDER",
    "REPO_RATE",
    "RESULTS",
    "RESULT_MODELS",
    "Col",
    "Kind",
    "ResultSpec",
    "Table",
    "convert_row",
    "convert_rows",
    "current_account_of",
    "result_schema",
    "to_int",
    "to_number",
    "to_text",
    "to_v2_data",
    "v1_result_schema",
]
