"""Settling questions from the journal: the typed (command, evidence) pair and the driver's dicts.

Why a translation: the driver's flows build plain dicts (a hint: code, side, quantity, the rows
seen before, the targets of a cancel), which the journal stores; the engine asks with a typed
`OrderCommand` and `Evidence`. This is the one place the two forms meet.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from easyths.brokers.base import Evidence, Side
from easyths.brokers.ths import orders
from easyths.domain.commands import CommandKind, OrderCommand


def driver_hint(command: OrderCommand, evidence: Evidence) -> dict[str, Any]:
    """The driver's settle functions (`orders.settle`, `condition_monitor.new_conditions`) read a dict: built
    here from the typed pair, the one place the two forms meet. A repo is matched on code and side
    only (its quantity is in 张 and its price a rate)."""
    code = command.code or ""
    priced = command.kind is CommandKind.LIMIT and command.price is not None
    hint: dict[str, Any] = {
        "stock_code": code,
        "side": (command.side or Side.SELL).value,
        "quantity": None if command.kind is CommandKind.REPO else command.quantity,
        "price": orders.format_price(code, command.price) if priced and command.price is not None else None,
        "before": list(evidence.before or ()),
        "targets": list(evidence.targets or ()),
    }
    if evidence.contract_no:
        hint["contract_no"] = evidence.contract_no
    return hint


_HINT_KINDS = {
    "order": CommandKind.LIMIT,
    "repo": CommandKind.REPO,
    "condition": CommandKind.CONDITION,
    "order_cancel": CommandKind.CANCEL_ORDERS,
    "condition_cancel": CommandKind.CANCEL_CONDITIONS,
}


def command_from_hint(hint: dict[str, Any], operation_id: str) -> OrderCommand:
    """The command a driver hint describes (its flows still build dicts: `orders.place` …)."""
    kind = _HINT_KINDS.get(str(hint.get("kind") or "order"), CommandKind.LIMIT)
    if kind is CommandKind.LIMIT and hint.get("market"):
        kind = CommandKind.MARKET
    price = hint.get("price")
    return OrderCommand(
        operation_id=operation_id,
        kind=kind,
        code=hint.get("stock_code"),
        side=None if hint.get("side") is None else Side(str(hint["side"])),
        price=None if price is None else Decimal(str(price)),
        quantity=None if hint.get("quantity") is None else int(hint["quantity"]),
    )


__all__ = ["command_from_hint", "driver_hint"]
