"""Typed results of the SDK.

Why aliases instead of renaming rows: the service returns rows with the column names the real
client shows (证券代码, 股票余额, 合同编号 …, the same keys from the sim and from 同花顺). The models
read those keys and expose English attributes (`order.contract_no`), while `row["合同编号"]` and
`row.model_dump(by_alias=True)` still give the original keys, and columns a broker adds that no
model names (a THS build's extra column) are kept, not dropped.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from easyths.domain.money import decimal_from_json


def _decimal(value: Any) -> Any:
    """Numbers go through str so 10.1 stays 10.1; blanks and '--' (a client's empty cell) are None;
    a trailing '%' (年化利率 "2.500%") is dropped."""
    if isinstance(value, str):
        text = value.strip().rstrip("%").replace(",", "")
        if text in ("", "--", "-"):
            return None
        try:
            return Decimal(text)
        except InvalidOperation:
            raise ValueError(f"not a number: {value!r}") from None
    return decimal_from_json(value)


def _int(value: Any) -> Any:
    if isinstance(value, str):
        text = value.strip().replace(",", "")
        if text in ("", "--", "-"):
            return None
        return int(Decimal(text))
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _text(value: Any) -> Any:
    return value if value is None or isinstance(value, str) else str(value)


Num = Annotated[Decimal | None, BeforeValidator(_decimal)]
Int = Annotated[int | None, BeforeValidator(_int)]
Text = Annotated[str | None, BeforeValidator(_text)]


class Model(BaseModel):
    """Frozen results; unknown keys are kept (a newer server may add fields).

    `result["合同编号"]` reads by the service's own key, as scripts written against the raw JSON do.
    """

    model_config = ConfigDict(populate_by_name=True, extra="allow", frozen=True)

    def __getitem__(self, key: str) -> Any:
        for name, info in type(self).model_fields.items():
            if key in (info.alias, name):
                return getattr(self, name)
        extra = self.model_extra or {}
        if key in extra:
            return extra[key]
        raise KeyError(key)

    def get(self, key: str, default: Any = None) -> Any:
        try:
            return self[key]
        except KeyError:
            return default


class Row(Model):
    """A row of a client grid (its keys are the client's column names)."""


# --- operations ----------------------------------------------------------------------------------


class Submitted(Model):
    """What POST /operations/{name} answers: the operation is journalled (and maybe finished)."""

    operation_id: str
    status: str
    queue_position: int = 0
    duplicate: bool = False
    result: dict[str, Any] | None = None  # present when ?wait saw it finish


class OperationInfo(Model):
    """An operation's status view (GET /status, the queue listing)."""

    operation_id: str
    name: str | None = None
    status: str
    priority: int = 0
    result: dict[str, Any] | None = None
    error: str | None = None
    timestamp: datetime | None = None
    created_at: datetime | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None


class OperationResult(Model):
    """GET /result: the operation's verdict. `data` is the business data (None unless success)."""

    operation_id: str
    status: str
    success: bool
    message: str | None = None
    data: dict[str, Any] | None = None
    error_code: str | None = None
    timestamp: datetime | None = None

    @property
    def ok(self) -> bool:
        return self.status == "success"


# --- orders ----------------------------------------------------------------------------------------


class Order(Model):
    """An order the broker accepted: `contract_no` is its 合同编号."""

    operation_id: str
    client_order_id: str | None = None
    stock_code: str
    price: Num = None  # limit orders
    quantity: int
    side: str  # buy / sell
    contract_no: str = Field(alias="合同编号")
    strategy: Text = None  # market orders: the execution strategy used
    message: str | None = None


class ConditionOrderAck(Model):
    """A condition or stop-loss/profit order the client accepted; it waits for its trigger."""

    operation_id: str
    client_order_id: str | None = None
    stock_code: str
    condition_id: Text = None
    quantity: Int = None
    target_price: Num = None
    stop_loss_percent: Num = None
    stop_profit_percent: Num = None
    expire_days: int | None = None
    message: str | None = None


class RepoLoan(Model):
    """A reverse-repo loan (国债逆回购出借)."""

    operation_id: str
    client_order_id: str | None = None
    market: str
    time_range: str
    amount: int
    stock_code: Text = Field(None, alias="证券代码")
    rate: Num = Field(None, alias="年化利率")  # percent, e.g. 2.5
    contract_no: Text = Field(None, alias="合同编号")
    message: str | None = None


class CancelResult(Model):
    operation_id: str
    cancelled_count: int = 0
    cancelled: list[str] = []  # 合同编号 of the cancelled orders
    message: str | None = None


class ConditionCancelResult(Model):
    operation_id: str
    deleted_count: int = 0
    message: str | None = None


# --- account rows ----------------------------------------------------------------------------------


class Funds(Row):
    balance: Num = Field(None, alias="资金余额")
    frozen: Num = Field(None, alias="冻结金额")
    available: Num = Field(None, alias="可用金额")
    withdrawable: Num = Field(None, alias="可取金额")
    market_value: Num = Field(None, alias="股票市值")
    total_assets: Num = Field(None, alias="总资产")
    position_pnl: Num = Field(None, alias="持仓盈亏")


class Holding(Row):
    stock_code: str = Field(alias="证券代码")
    name: Text = Field(None, alias="证券名称")
    balance: Int = Field(None, alias="股票余额")  # shares held
    available: Int = Field(None, alias="可用余额")  # shares sellable today (T+1)
    frozen: Int = Field(None, alias="冻结数量")
    cost_price: Num = Field(None, alias="成本价")
    price: Num = Field(None, alias="市价")
    pnl: Num = Field(None, alias="盈亏")
    pnl_pct: Num = Field(None, alias="盈亏比(%)")
    market_value: Num = Field(None, alias="市值")
    market: Text = Field(None, alias="交易市场")


class OrderRow(Row):
    """A row of 当日委托 / 历史委托. `status` is the client's 备注 (未成交, 部分成交, 已成, 已撤 …)."""

    contract_no: str = Field(alias="合同编号")
    stock_code: str = Field(alias="证券代码")
    name: Text = Field(None, alias="证券名称")
    side: Text = Field(None, alias="操作")  # 买入 / 卖出
    status: Text = Field(None, alias="备注")
    quantity: Int = Field(None, alias="委托数量")
    filled: Int = Field(None, alias="成交数量")
    price: Num = Field(None, alias="委托价格")
    avg_price: Num = Field(None, alias="成交均价")
    cancelled: Int = Field(None, alias="撤消数量")
    time: Text = Field(None, alias="委托时间")
    date: Text = Field(None, alias="委托日期")  # history only
    market: Text = Field(None, alias="交易市场")


class ConditionOrder(Row):
    condition_id: Text = Field(None, alias="条件单编号")
    status: Text = Field(None, alias="状态")
    kind: Text = Field(None, alias="条件类型")
    side: Text = Field(None, alias="方向")
    stock_code: Text = Field(None, alias="证券代码")
    trigger: Text = Field(None, alias="触发条件")
    order: Text = Field(None, alias="委托单")
    created: Text = Field(None, alias="创建时间")


class RepoRate(Row):
    market: Text = Field(None, alias="市场类型")
    term: Text = Field(None, alias="时间类型")
    rate: Num = Field(None, alias="年化利率")
    stock_code: Text = Field(None, alias="证券代码")


class IpoIssue(Row):
    """A new share or bond on offer today (`ipo_query`): `allowed` is this account's 可申购数量."""

    subscribe_code: Text = Field(None, alias="申购代码")
    stock_code: Text = Field(None, alias="证券代码")
    name: Text = Field(None, alias="证券名称")
    kind_label: Text = Field(None, alias="类型")  # 股票 / 可转债
    market: Text = Field(None, alias="市场")
    board: Text = Field(None, alias="板块")
    price: Num = Field(None, alias="发行价格")
    cap: Int = Field(None, alias="申购上限")
    unit: Int = Field(None, alias="申购单位")
    allowed: Int = Field(None, alias="可申购数量")
    subscribed: bool | None = Field(None, alias="已申购")
    subscribe_date: Text = Field(None, alias="申购日期")
    listing_date: Text = Field(None, alias="上市日期")

    @property
    def kind(self) -> str | None:
        """`stock` or `bond`, from 类型 (股票 / 可转债)."""
        return {"股票": "stock", "可转债": "bond"}.get(self.kind_label or "")


class IpoSubscription(Model):
    """A subscription on the book (`ipo_subscribe`): `contract_no` is its 合同编号."""

    operation_id: str
    client_order_id: str | None = None
    stock_code: str
    quantity: Int = None
    contract_no: str = Field(alias="合同编号")
    message: str | None = None


class IpoAllotment(Row):
    """One subscription's 配号 (T+1), 中签 (T+2), amount due and payment (`ipo_allotment_query`)."""

    subscribe_date: Text = Field(None, alias="申购日期")
    stock_code: Text = Field(None, alias="证券代码")
    subscribe_code: Text = Field(None, alias="申购代码")
    name: Text = Field(None, alias="证券名称")
    kind_label: Text = Field(None, alias="类型")
    quantity: Int = Field(None, alias="申购数量")
    price: Num = Field(None, alias="发行价格")
    status: Text = Field(None, alias="状态")
    first_number: Text = Field(None, alias="起始配号")
    numbers: Int = Field(None, alias="配号数量")
    won: Int = Field(None, alias="中签数量")
    due: Num = Field(None, alias="应缴金额")
    pay_date: Text = Field(None, alias="缴款日期")
    paid: Int = Field(None, alias="已缴数量")
    abandoned: Int = Field(None, alias="放弃数量")
    listing_date: Text = Field(None, alias="上市日期")
    contract_no: Text = Field(None, alias="合同编号")


class IpoOutcome(Model):
    """What `subscribe_all_ipos` did for one issue: `status` success / failed / unknown / skipped."""

    stock_code: str
    name: str | None = None
    status: str
    quantity: int | None = None
    contract_no: str | None = None
    operation_id: str | None = None
    message: str | None = None


class Account(Row):
    account_name: str
    account_index: int | None = None
    current: bool = False


class Accounts(Model):
    accounts: list[Account]
    current: str | None = None


# --- system, queue, sim ----------------------------------------------------------------------------


class QueueStats(Model):
    queued_count: int = 0
    running_count: int = 0
    success_count: int = 0
    failed_count: int = 0
    cancelled_count: int = 0
    unknown_count: int = 0
    total_count: int = 0
    max_size: int | None = None
    worker_busy: bool = False


class Health(Model):
    status: str  # healthy / unhealthy
    message: str | None = None
    components: dict[str, Any] = {}
    timestamp: datetime | None = None

    @property
    def healthy(self) -> bool:
        return self.status == "healthy"


class Quote(Model):
    stock_code: str
    name: str | None = None
    price: Num = None
    prev_close: Num = None
    bid: Num = None
    ask: Num = None
    volume: Int = None
    updated: datetime | None = None


class SimState(Model):
    clock: datetime
    clock_type: str | None = None
    trading_day: str | None = None
    is_trading_day: bool | None = None
    session_phase: str | None = None
    quote_source: str | None = None
    current_account: str | None = None
    quotes: list[Quote] = []
    repos: list[dict[str, Any]] = []


__all__ = [
    "Account",
    "Accounts",
    "CancelResult",
    "ConditionCancelResult",
    "ConditionOrder",
    "ConditionOrderAck",
    "Funds",
    "Health",
    "Holding",
    "IpoAllotment",
    "IpoIssue",
    "IpoOutcome",
    "IpoSubscription",
    "OperationInfo",
    "OperationResult",
    "Order",
    "OrderRow",
    "QueueStats",
    "Quote",
    "RepoLoan",
    "RepoRate",
    "Row",
    "SimState",
    "Submitted",
]
