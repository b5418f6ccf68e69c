"""Pre-trade risk rules as pure functions: an order intent, the limits, today's book → allow or deny.

Why pure: the rules decide whether money moves, so they are tested exhaustively without a server,
a journal or a clock; the guard (`risk/guard.py`) feeds them today's counts from the journal and
the time. A denial is a `RiskDenied` naming the rule and the values in Chinese, so a user reading
an HTTP 403 knows which setting stopped the order and by how much.

Which operations are orders: every one whose command places something at the broker (limit,
market, condition, stop-loss/profit, reverse repo, new-share subscription: `CommandKind.places`),
built-in or plugin.
Cancels and queries are not orders.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Protocol

from easyths.domain.calendar import is_session
from easyths.domain.commands import CommandKind, OrderCommand, Side
from easyths.domain.hours import parse_hours
from easyths.errors import RiskDenied


class Limits(Protocol):
    """What the rules read; `settings.RiskSection` satisfies it (plus the effective value cap)."""

    max_order_quantity: int
    max_orders_per_day: int
    max_orders_per_code_per_day: int
    allow_codes: list[str]
    deny_codes: list[str]
    duplicate_window: float
    trading_hours: list[str]


@dataclass(frozen=True, slots=True)
class OrderIntent:
    """An order as the rules see it, read off its command. `price` is None where the order has no
    price of its own (market orders, stop-loss/profit, repo); `value` is what admission decided
    (`risk.valuation`), None where it could not be valued, so only the other rules apply."""

    kind: str
    side: str
    code: str
    quantity: int | None
    price: Decimal | None
    value: Decimal | None

    @property
    def fingerprint(self) -> tuple[str, str, str, int | None]:
        """What makes two orders the same for the duplicate guard: code, side, price, quantity."""
        return (self.code, self.side, "" if self.price is None else str(self.price.normalize()), self.quantity)


def intent_of(command: OrderCommand | None) -> OrderIntent | None:
    """The order a command places, or None when it places none (a read, a cancel). Whatever
    operation built the command, a plugin's included: no list of names decides what an order is."""
    if command is None or not command.kind.places:
        return None
    kind = command.kind
    if kind is CommandKind.REPO:
        return OrderIntent(kind.value, "lend", command.code or "", None, None, command.value)
    priced = kind in (CommandKind.LIMIT, CommandKind.CONDITION)
    side = (command.side or Side.SELL).value
    price = command.price if priced else None
    return OrderIntent(kind.value, side, command.code or "", command.quantity, price, command.value)


@dataclass(slots=True)
class DayBook:
    """Today's admitted orders: counts per day and per code, and the recent fingerprints.

    Seeded from the journal at start (so limits survive a restart) and kept up to date by the
    guard as orders are journalled."""

    day: date
    total: int = 0
    by_code: dict[str, int] = field(default_factory=dict)
    recent: deque[tuple[datetime, tuple[str, str, str, int | None]]] = field(default_factory=deque)

    def add(self, intent: OrderIntent, at: datetime) -> None:
        self.total += 1
        self.by_code[intent.code] = self.by_code.get(intent.code, 0) + 1
        self.recent.append((at, intent.fingerprint))

    def remove(self, intent: OrderIntent) -> None:
        """An order cancelled while still queued never reached the broker: it stops counting."""
        self.total = max(0, self.total - 1)
        if self.by_code.get(intent.code):
            self.by_code[intent.code] -= 1

    def forget_before(self, cutoff: datetime) -> None:
        while self.recent and self.recent[0][0] < cutoff:
            self.recent.popleft()


def _unvalued(intent: OrderIntent, cap: Decimal) -> str:
    market = intent.kind == CommandKind.MARKET.value
    what = "市价委托" if market else "止盈止损单"
    how = "在参数中提供 protect_price（保护价，元）" + ("" if market else "并指定 quantity")
    return (
        f"当前后端没有行情，无法估算这笔{what}的金额，而单笔委托金额上限 {cap:f} 元已开启：请{how}，"
        "按 保护价×数量 计入上限"
    )


def _deny(rule: str, message: str, **values: Any) -> RiskDenied:
    return RiskDenied(f"风控拒绝（{rule}）：{message}，未进入队列", details={"rule": rule, **values})


def check(
    intent: OrderIntent,
    limits: Limits,
    max_order_value: Decimal | None,
    book: DayBook,
    at: datetime,
    *,
    value_required: bool = False,
) -> None:
    """Raise `RiskDenied` for the first rule the order breaks; return None when it passes.

    `max_order_value` is the effective value cap (None or 0 = off); `value_required`: an order
    that could not be valued is refused while the cap is on (the user set `[risk].max_order_value`
    and the backend has no quotes), with how to make it valuable. `at` is the submit time in
    Asia/Shanghai. Rules run cheapest and most fundamental first."""
    code = intent.code
    if code and code in limits.deny_codes:
        raise _deny("deny_codes", f"代码 {code} 在禁止交易列表中", code=code)
    if limits.allow_codes and code not in limits.allow_codes:
        raise _deny("allow_codes", f"代码 {code or '（无）'} 不在允许交易列表 {limits.allow_codes} 中", code=code)
    if limits.trading_hours:
        hours = parse_hours(limits.trading_hours)
        now_t = at.time()
        if not is_session(at.date()) or not any(start <= now_t <= end for start, end in hours):
            raise _deny(
                "trading_hours",
                f"当前时间 {at:%Y-%m-%d %H:%M:%S} 不在允许的交易时段 {'、'.join(limits.trading_hours)}（交易日）内",
                at=at.isoformat(),
                limit=limits.trading_hours,
            )
    if limits.max_order_quantity and intent.quantity is not None and intent.quantity > limits.max_order_quantity:
        raise _deny(
            "max_order_quantity",
            f"单笔委托数量 {intent.quantity} 超过上限 {limits.max_order_quantity}",
            value=intent.quantity,
            limit=limits.max_order_quantity,
        )
    capped = CommandKind(intent.kind).capped
    if max_order_value and intent.value is None and value_required and capped:
        raise _deny("max_order_value", _unvalued(intent, max_order_value), limit=max_order_value)
    if max_order_value and intent.value is not None and intent.value > max_order_value:
        raise _deny(
            "max_order_value",
            f"单笔委托金额 {intent.value:f} 元超过上限 {max_order_value:f} 元",
            value=intent.value,
            limit=max_order_value,
        )
    if limits.max_orders_per_day and book.total >= limits.max_orders_per_day:
        raise _deny(
            "max_orders_per_day",
            f"今日已委托 {book.total} 笔，达到每日上限 {limits.max_orders_per_day} 笔",
            value=book.total,
            limit=limits.max_orders_per_day,
        )
    per_code = book.by_code.get(code, 0)
    if limits.max_orders_per_code_per_day and per_code >= limits.max_orders_per_code_per_day:
        raise _deny(
            "max_orders_per_code_per_day",
            f"代码 {code} 今日已委托 {per_code} 笔，达到单代码每日上限 {limits.max_orders_per_code_per_day} 笔",
            code=code,
            value=per_code,
            limit=limits.max_orders_per_code_per_day,
        )
    if limits.duplicate_window:
        fingerprint = intent.fingerprint
        for placed_at, seen in reversed(book.recent):
            age = (at - placed_at).total_seconds()
            if age > limits.duplicate_window:
                break
            if seen == fingerprint:
                price = "市价" if intent.price is None else f"{intent.price:f}"
                raise _deny(
                    "duplicate_window",
                    f"{age:.1f} 秒前已有相同委托（代码 {code}、方向 {intent.side}、"
                    f"价格 {price}、数量 {intent.quantity}），"
                    f"重复委托保护窗口 {limits.duplicate_window:g} 秒",
                    code=code,
                    seconds_ago=round(age, 3),
                    limit=limits.duplicate_window,
                )


__all__ = ["DayBook", "Limits", "OrderIntent", "check", "intent_of", "parse_hours"]
