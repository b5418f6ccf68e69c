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

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal, Protocol, runtime_checkable

from easyths.domain.commands import CommandKind, MarketStrategy, OrderCommand, Side

Row = dict[str, Any]

CancelSide = Literal["all", "buy", "sell"]
TimeRange = Literal["当日", "近一周", "近一月", "近三月", "近一年"]
MarketName = Literal["上海", "深圳"]


@dataclass(frozen=True, slots=True)
class Ack:
    """What the broker answered to a command. Our id is the command's `operation_id`; the ids
    here are the venue's: `contract_no` (合同编号) for an order, `condition_id` (条件单编号) for an
    armed condition, never one in the other's field."""

    message: str
    contract_no: str | None = None
    condition_id: str | None = None
    cancelled: tuple[str, ...] = ()  # what a cancel cancelled (合同编号 or 条件单编号)
    # one order cancelled by 合同编号: its 成交数量 and 撤消数量 once cancelled (部撤 when both > 0);
    # None where the backend did not read them back
    filled: int | None = None
    withdrawn: int | None = None
    quantity: int | None = None  # the quantity the broker used (a stop-loss given none: all held)
    repo_code: str | None = None  # REPO: the instrument lent through (204001 …)
    rate: Decimal | None = None  # REPO: annual rate in percent
    reconciled: bool = False  # found on the book afterwards, not the submit's own answer


@dataclass(frozen=True, slots=True)
class Evidence:
    """What the broker saw while running a command whose outcome it could not observe: with the
    journalled command, all that reconciliation needs. Journalled beside the `unknown` record.

    `by_reference`: the backend stored the command's operation id with whatever it created, so
    the book is searched by that id (exact) rather than by code, side and quantity (which an
    older identical order also matches: then only rows new since `before` count).
    """

    by_reference: bool = False
    before: tuple[str, ...] | None = None  # ids on the book (当日委托 / 条件单监控) before the submit
    targets: tuple[str, ...] | None = None  # what a cancel set out to cancel
    contract_no: str | None = None  # a 合同编号 the client named without the verdict being read
    dialogs: tuple[str, ...] = ()  # the dialog texts met, in order
    note: str | None = None  # the error or rejection text that left the outcome open

    FORMAT = 2  # the journal's "v"; a hint without it was written by 1.x code (a plain dict)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"v": self.FORMAT, "by_reference": self.by_reference}
        for name in ("before", "targets"):
            value = getattr(self, name)
            if value is not None:
                out[name] = list(value)
        if self.dialogs:
            out["dialogs"] = list(self.dialogs)
        if self.contract_no is not None:
            out["contract_no"] = self.contract_no
        if self.note is not None:
            out["note"] = self.note
        return out

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> Evidence:
        """Read the journal's form, or migrate a hint dict written before commands existed:
        `{"operation_ref", "kind"}` after a restart on the sim, or the THS driver's
        `{"kind", "stock_code", "side", "quantity", "price", "before", "targets", "seen", …}`.
        Its order fields are not kept: the command rebuilt from the journalled params holds them."""
        if raw.get("v") == cls.FORMAT:
            return cls(
                by_reference=bool(raw.get("by_reference")),
                before=_ids(raw.get("before")),
                targets=_ids(raw.get("targets")),
                contract_no=raw.get("contract_no"),
                dialogs=tuple(str(d) for d in raw.get("dialogs", ())),
                note=raw.get("note"),
            )
        known = raw.get("contract_no") or raw.get("合同编号")
        return cls(
            by_reference=bool(raw.get("operation_ref")),
            before=_ids(raw.get("before")),
            targets=_ids(raw.get("targets")),
            contract_no=None if known is None else str(known),
            dialogs=tuple(str(d) for d in raw.get("seen", ()) or ()),
            note=raw.get("error") or raw.get("rejection"),
        )


def _ids(value: Any) -> tuple[str, ...] | None:
    return None if not isinstance(value, list | tuple) else tuple(str(v) for v in value)


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

    # orders, cancels and conditions: one typed command each
    def submit(self, command: OrderCommand) -> Ack:
        """Place, cancel or arm what `command` describes; `command.operation_id` is ours, for a
        backend that can store it with what it creates (`ReconcilesByReference`)."""
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

    # condition orders
    def condition_orders(self) -> list[Row]: ...

    # accounts
    def accounts(self) -> list[Row]:
        """Rows {account_name, account_index, current: bool}."""
        ...

    def current_account(self) -> str: ...
    def switch_account(self, account_name: str) -> None: ...

    # unknown outcomes
    def reconcile(self, command: OrderCommand, evidence: Evidence) -> Ack | None:
        """Settle an earlier `OutcomeUnknown` of `command`, from what was seen while it ran.

        Return the ack when its effect is on the book, None when it certainly is not; raise
        `OrderVoided` when its order stands as 废单 (failed, as the submit would have said),
        `OutcomeUnknown` when it still cannot tell. Never places anything.
        """
        ...

    def close(self) -> None: ...


@runtime_checkable
class SubscribesIpo(Protocol):
    """A backend that can list today's new shares and bonds and the account's 配号/中签 (打新,
    `docs/rules.md#ipo`). Subscribing itself is a command (`CommandKind.IPO`)."""

    def ipo_issues(self) -> list[Row]:
        """Today's issues: 申购代码, 证券代码, 证券名称, 类型, 发行价格, 申购上限, 可申购数量, 已申购 …"""
        ...

    def ipo_allotments(self) -> list[Row]:
        """One row per subscription: 状态, 起始配号, 配号数量, 中签数量, 应缴金额, 缴款日期 …"""
        ...


__all__ = [
    "Ack",
    "Broker",
    "BrokerHealth",
    "CancelSide",
    "CommandKind",
    "ConditionAck",
    "Evidence",
    "MarketName",
    "MarketStrategy",
    "OrderAck",
    "OrderCommand",
    "RepoAck",
    "Row",
    "Side",
    "SubscribesIpo",
    "TimeRange",
]
