"""The `Broker` protocol: the one seam between operations and a backend.

Why a protocol of plain rows: both backends end in the same place, a grid of the real client's
columns (证券代码, 可用余额, 合同编号 …, `docs/rules.md#columns`). Returning rows keyed by those
names means a strategy reads the same keys whether it runs on the sim or on xiadan.exe.

Every method runs on the engine's single worker thread, one call at a time; implementations do
not need locks against each other's calls but must be safe to *construct* on another thread.
Errors are only `easyths.errors.BrokerError` subclasses:
- `BrokerRejected(text)`: refused, with the broker's own wording;
- `BrokerUnavailable`: cannot talk to the broker at all;
- `OutcomeUnknown`: an order may or may not exist; the engine marks the operation `unknown`.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any, Literal, Protocol, runtime_checkable

Row = dict[str, Any]

CancelSide = Literal["all", "buy", "sell"]
TimeRange = Literal["当日", "近一周", "近一月", "近三月", "近一年"]
MarketName = Literal["上海", "深圳"]

# The engine's id of the operation the worker is running, set around each operation's run. A
# backend that can store it beside the order it creates (the sim can; the real client cannot)
# lets an operation cut off by a crash be settled after the restart by looking its order up,
# instead of guessing from code, side and quantity (which an older identical order also matches).
operation_ref: ContextVar[str | None] = ContextVar("easyths_operation_ref", default=None)


class Side(StrEnum):
    BUY = "buy"
    SELL = "sell"

    @property
    def label(self) -> str:
        """The client's wording: 买入 / 卖出."""
        return "买入" if self is Side.BUY else "卖出"


class MarketStrategy(StrEnum):
    """市价委托 types as the client's 1541 combo box names them."""

    COUNTERPARTY_BEST = "对手方最优价格"
    OWN_BEST = "本方最优价格"
    FIVE_LEVEL_CANCEL = "最优五档即时成交剩余撤销"
    IMMEDIATE_CANCEL = "即时成交剩余撤销"
    FILL_OR_KILL = "全额成交或撤销"
    FIVE_LEVEL_TO_LIMIT = "最优五档即时成交剩余转限价"


@dataclass(frozen=True, slots=True)
class OrderAck:
    """An order the broker accepted. `contract_no` is the venue's id (合同编号), never ours."""

    contract_no: str
    message: str


@dataclass(frozen=True, slots=True)
class RepoAck:
    contract_no: str
    code: str  # 204001 / 131810 …
    rate: Decimal  # annual rate in percent, e.g. 1.850
    message: str


@dataclass(frozen=True, slots=True)
class ConditionAck:
    condition_id: str
    message: str
    quantity: int


@dataclass(slots=True)
class BrokerHealth:
    connected: bool
    logged_in: bool
    backend: str
    app_path: str | None = None
    problems: list[str] = field(default_factory=list)  # what is wrong, in Chinese, for /health
    extra: dict[str, Any] = field(default_factory=dict)


@runtime_checkable
class Broker(Protocol):
    backend: str  # "sim" | "ths"

    def health(self) -> BrokerHealth: ...

    # orders
    def place_order(self, side: Side, stock_code: str, price: Decimal, quantity: int) -> OrderAck: ...
    def place_market_order(self, side: Side, stock_code: str, quantity: int, strategy: MarketStrategy) -> OrderAck: ...
    def cancel_orders(
        self, *, stock_code: str | None = None, side: CancelSide = "all", contract_no: str | None = None
    ) -> list[str]:
        """Cancel cancellable orders matching the filter; returns the 合同编号 cancelled."""
        ...

    # queries (rows keyed by the client's column names)
    def holdings(self) -> list[Row]: ...
    def funds(self) -> Row: ...
    def today_orders(self, stock_code: str | None = None) -> list[Row]: ...
    def today_fills(self, stock_code: str | None = None) -> list[Row]: ...
    def order_history(self, time_range: TimeRange, stock_code: str | None = None) -> list[Row]: ...

    # reverse repo
    def repo_rates(self) -> list[Row]:
        """Rows {市场类型: 上海市场/深圳市场, 时间类型: 1天期…, 年化利率: "2.500%", 证券代码}."""
        ...

    def lend_repo(self, market: MarketName, term_days: int, amount: int) -> RepoAck: ...

    # condition orders
    def place_condition_order(
        self, side: Side, stock_code: str, target_price: Decimal, quantity: int, expire_days: int
    ) -> ConditionAck: ...
    def place_stop_loss_profit(
        self,
        stock_code: str,
        stop_loss_percent: Decimal,
        stop_profit_percent: Decimal,
        quantity: int | None,
        expire_days: int,
    ) -> ConditionAck: ...
    def condition_orders(self) -> list[Row]: ...
    def cancel_condition_orders(self, *, stock_code: str | None = None, side: Side | None = None) -> int: ...

    # accounts
    def accounts(self) -> list[Row]:
        """Rows {account_name, account_index, current: bool}."""
        ...

    def current_account(self) -> str: ...
    def switch_account(self, account_name: str) -> None: ...

    # unknown outcomes
    def reconcile(self, hint: dict[str, Any]) -> OrderAck | None:
        """Settle an earlier `OutcomeUnknown`: `hint` is the `details` that exception carried.

        Return the order's ack when it exists, None when it certainly does not; raise
        `OrderVoided` when it stands on the book as 废单 (failed, as the submit would have said),
        `OutcomeUnknown` when it still cannot tell. Never places anything.
        """
        ...

    def close(self) -> None: ...


__all__ = [
    "Broker",
    "BrokerHealth",
    "CancelSide",
    "ConditionAck",
    "MarketName",
    "MarketStrategy",
    "OrderAck",
    "RepoAck",
    "Row",
    "Side",
    "TimeRange",
]
