"""Settling an operation whose outcome was not observed (a crash, most often) from the sim's book.

Why it can be exact here: what an engine operation creates in the sim (an order, a repo loan's
order, a condition) is stored with its `operation_ref` (`brokers.base.operation_ref`), and a
cancel writes a receipt (`cancels`), in the one transaction of its broker call. That transaction
either committed or it did not, so "found" means done and "not found" means nothing was done:
`failed` is then safe, never a guess. The orders a condition sends when it triggers carry no
operation (`conditions`), so a buy during which one fired still finds exactly its own order.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from easyths.brokers.base import OrderAck, operation_ref
from easyths.brokers.sim import conditions
from easyths.brokers.sim.context import SimContext
from easyths.domain.orders import OrderStatus
from easyths.errors import OrderVoided, OutcomeUnknown

CANCEL_KINDS = {"order_cancel": "委托", "condition_cancel": "条件单"}


def receipt(ctx: SimContext, kind: str, ids: list[str]) -> None:
    """Inside a cancel's transaction: which operation cancelled what (even nothing)."""
    ref = operation_ref.get()
    if ref is not None:
        ctx.store.run("INSERT OR REPLACE INTO cancels (op_ref, kind, ids) VALUES (?, ?, ?)", ref, kind, ",".join(ids))


def settle(ctx: SimContext, hint: dict[str, Any], new_since: Callable[[dict[str, Any]], list[int]]) -> OrderAck | None:
    """The `Broker.reconcile` answer: the ack of what the operation did, None when it did
    nothing, `OrderVoided` when its order stands as 废单 (failed, as the submit said).

    `kind` says where to look: "order" (default) and "repo" in the orders, "condition" in the
    conditions, "order_cancel" / "condition_cancel" in the receipts (then `contract_no` lists
    the ids it cancelled, comma-separated, "" for none). A hint naming the order (合同编号) is
    answered from the book too, and a `before` snapshot as the THS driver would. Any other hint
    is refused: code, side and quantity also match an older identical order.
    """
    op_ref = hint.get("operation_ref")
    kind = str(hint.get("kind") or "order")
    contract = hint.get("合同编号") or hint.get("contract_no")
    if op_ref and kind in CANCEL_KINDS:
        return _cancel_receipt(ctx, str(op_ref), kind)
    if op_ref and kind == "condition":
        return _one(conditions.created_by(ctx, str(op_ref)), op_ref, "核对条件单：条件单已设置，编号")
    if op_ref and kind in ("order", "repo"):
        found = ctx.ledger.placed_by(str(op_ref))
    elif op_ref:
        raise OutcomeUnknown(f"模拟券商无法核对这类操作（{kind}）")
    elif contract and str(contract).isdigit():
        found = [int(contract)] if ctx.ledger.has_order(int(contract)) else []
    elif isinstance(hint.get("before"), list) and hint.get("stock_code"):
        found = new_since(hint)
    else:
        raise OutcomeUnknown("模拟券商无法在没有操作编号、合同编号或下单前快照的情况下核对委托")
    if len(found) == 1:
        order = ctx.ledger.get(found[0])
        if order is not None and order.status is OrderStatus.REJECTED:
            reason = f"（{order.message}）" if order.message else ""
            raise OrderVoided(
                f"核对当日委托：委托为废单{reason}，合同编号：{found[0]}",
                details={"合同编号": str(found[0]), "备注": "废单"},
            )
    return _one(found, op_ref, "核对当日委托：委托已在簿上，合同编号")


def _one(found: list[int], op_ref: object, what: str) -> OrderAck | None:
    if len(found) > 1:
        raise OutcomeUnknown(f"操作 {op_ref} 对应多笔记录 {found}，请人工核对")
    if not found:
        return None
    return OrderAck(str(found[0]), f"{what}：{found[0]}")


def _cancel_receipt(ctx: SimContext, op_ref: str, kind: str) -> OrderAck | None:
    row = ctx.store.one("SELECT ids FROM cancels WHERE op_ref = ? AND kind = ?", op_ref, kind)
    if row is None:
        return None
    ids = [i for i in str(row[0]).split(",") if i]
    what = CANCEL_KINDS[kind]
    said = f"已撤销{len(ids)}笔{what}：{'、'.join(ids)}" if ids else f"没有可撤销的{what}"
    return OrderAck(",".join(ids), f"核对撤单记录：撤单已执行，{said}")


__all__ = ["receipt", "settle"]
