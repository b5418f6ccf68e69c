"""Commands: what an operation asks the broker to do, as one immutable, typed value.

Why a command (NautilusTrader's `SubmitOrder` is the model): before, an order crossed the broker
port as loose arguments, the engine's operation id travelled beside it in a context variable, and
risk and the kill switch recognised orders by a table of operation names, so an order-placing
plugin passed both. Now every operation that places, cancels or arms something describes it here
once; the journal stores it, risk values it, the kill switch reads its kind, and the broker port
takes it (`Broker.submit`), its operation id included.

Commands are imperative (`LIMIT`: "place this limit order"); what the broker answered (`Ack`) and
what it saw (`Evidence`) live beside the port in `easyths.brokers.base`.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from decimal import Decimal
from enum import StrEnum
from typing import Any


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


class CommandKind(StrEnum):
    """What a command asks for; it also says where its effect is found afterwards, which is how
    an outcome cut off by a crash is settled (the one list of kinds: no strings elsewhere)."""

    LIMIT = "limit"  # 限价委托: one order in 当日委托
    MARKET = "market"  # 市价委托: one order in 当日委托, priced by the exchange
    REPO = "repo"  # 国债逆回购出借: one order in 当日委托, priced by its annual rate
    IPO = "ipo"  # 新股/新债申购: one 配售申购 row in 当日委托, nothing frozen on T
    CONDITION = "condition"  # 股价条件单: one row in 条件单监控
    STOP_LOSS_PROFIT = "stop_loss_profit"  # 止盈止损: one row in 条件单监控
    CANCEL_ORDERS = "cancel_orders"  # 撤单: what it cancelled, from the orders it named
    CANCEL_CONDITIONS = "cancel_conditions"  # 删除条件单: what it deleted

    @property
    def places(self) -> bool:
        """Puts money at stake (an order or an armed condition): risk and the kill switch apply."""
        return self not in (CommandKind.CANCEL_ORDERS, CommandKind.CANCEL_CONDITIONS)

    @property
    def capped(self) -> bool:
        """Counts against the value cap: a subscription freezes nothing when it is placed (its
        amount is due only on a win, two days later), so the cap does not apply to it."""
        return self.places and self is not CommandKind.IPO

    @property
    def arms_condition(self) -> bool:
        """Leaves a condition waiting for a trigger, not an order on the book."""
        return self in (CommandKind.CONDITION, CommandKind.STOP_LOSS_PROFIT)

    @property
    def not_done(self) -> str:
        """What "nothing found on the book" means for this kind, in the user's words."""
        return _NOT_DONE[self]


_NOT_DONE = {
    CommandKind.LIMIT: "核对当日委托：未找到该委托，确认未下单",
    CommandKind.MARKET: "核对当日委托：未找到该委托，确认未下单",
    CommandKind.REPO: "核对当日委托：未找到该逆回购委托，确认未出借",
    CommandKind.IPO: "核对当日委托：未找到该申购委托，确认未申购",
    CommandKind.CONDITION: "核对条件单：未找到该条件单，确认未设置",
    CommandKind.STOP_LOSS_PROFIT: "核对条件单：未找到该条件单，确认未设置",
    CommandKind.CANCEL_ORDERS: "核对撤单记录：该撤单未执行，委托保持原状",
    CommandKind.CANCEL_CONDITIONS: "核对撤单记录：该删除未执行，条件单保持原状",
}

_DECIMALS = ("price", "protect_price", "stop_loss_percent", "stop_profit_percent", "value")


@dataclass(frozen=True, slots=True)
class OrderCommand:
    """One order, cancel or condition, as the broker is asked for it.

    `price` is the limit price (LIMIT), the trigger price (CONDITION) or the lowest accepted annual
    rate (REPO, None for the market's); a MARKET order's price rule is its `strategy`, a stop-loss's
    its two percentages. `value` is what risk counts against the value cap, decided at admission
    (`easyths.risk.valuation`): None until then, or where nothing is at stake (cancels).
    """

    operation_id: str
    kind: CommandKind
    code: str | None = None
    side: Side | None = None
    price: Decimal | None = None
    quantity: int | None = None
    strategy: MarketStrategy | None = None
    protect_price: Decimal | None = None  # MARKET: the worst price the user accepts, for the value cap
    stop_loss_percent: Decimal | None = None
    stop_profit_percent: Decimal | None = None
    expire_days: int | None = None
    contract_no: str | None = None  # CANCEL_ORDERS: only this 合同编号
    market: str | None = None  # REPO: 上海 / 深圳
    term_days: int | None = None  # REPO
    amount: int | None = None  # REPO: cash lent, in yuan
    value: Decimal | None = None

    def with_value(self, value: Decimal | None) -> OrderCommand:
        return replace(self, value=value)

    def with_id(self, operation_id: str) -> OrderCommand:
        return replace(self, operation_id=operation_id)

    def to_json(self) -> dict[str, Any]:
        """The journal's form: Decimals as strings (exact), enums by value, Nones left out."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if value is None:
                continue
            if isinstance(value, Decimal):
                value = str(value)
            elif isinstance(value, StrEnum):
                value = value.value
            out[f.name] = value
        return out

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> OrderCommand:
        known = {f.name for f in fields(cls)}
        data = {k: v for k, v in raw.items() if k in known}
        data["kind"] = CommandKind(data["kind"])
        if data.get("side") is not None:
            data["side"] = Side(data["side"])
        if data.get("strategy") is not None:
            data["strategy"] = MarketStrategy(data["strategy"])
        for name in _DECIMALS:
            if data.get(name) is not None:
                data[name] = Decimal(str(data[name]))
        return cls(**data)


__all__ = ["CommandKind", "MarketStrategy", "OrderCommand", "Side"]
