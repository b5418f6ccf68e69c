"""Settling an operation whose outcome was not observed (a crash, most often) from the sim's book.

Why it can be exact here: what an engine operation creates in the sim (an order, a repo loan's
order, a condition) is stored with its command's `operation_id`, and a
cancel writes a receipt (`cancels`), in the one transaction of its broker call. That transaction
either committed or it did not, so "found" means done and "not found" means nothing was done:
`failed` is then safe, never a guess. The orders a condition sends when it triggers carry no
operation (`conditions`), so a buy during which one fired still finds exactly its own order.
"""

from __future__ import annotations

from collections.abc import Callable

from easyths.brokers.base import Ack, Evidence
from easyths.brokers.sim import conditions
from easyths.brokers.sim.context import SimContext
from easyths.domain.commands import CommandKind, OrderCommand
from easyths.domain.orders import OrderStatus
from easyths.errors import OrderVoided, OutcomeUnknown

CANCELS = {CommandKind.CANCEL_ORDERS: "委托", CommandKind.CANCEL_CONDITIONS: "条件单"}


def receipt(ctx: SimContext, kind: CommandKind, ref: str | None, ids: list[str]) -> None:
    """Inside a cancel's transaction: which operation cancelled what (even nothing)."""
    if ref is not None:
        ctx.store.run(
            "INSERT OR REPLACE INTO cancels (op_ref, kind, ids) VALUES (?, ?, ?)", ref, _RECEIPT[kind], ",".join(ids)
        )


# the receipts table's own words, kept as the 1.x sim wrote them so its receipts still read
_RECEIPT = {CommandKind.CANCEL_ORDERS: "order_cancel", CommandKind.CANCEL_CONDITIONS: "condition_cancel"}


def settle(
    ctx: SimContext, command: OrderCommand, evidence: Evidence, new_since: Callable[[OrderCommand, Evidence], list[int]]
) -> Ack | None:
    """The `Broker.reconcile` answer: the ack of what the command did, None when it did
    nothing, `OrderVoided` when its order stands as 废单 (failed, as the submit said).

    By reference (the command's operation id stored with what it made) the command's kind says
    where to look: the orders, the conditions, or the cancel receipts. Evidence naming the order
    (合同编号) is answered from the book too, and a `before` snapshot as the THS driver would. Any
    other evidence is refused: code, side and quantity also match an older identical order.
    """
    op_ref = command.operation_id if evidence.by_reference else None
    kind = command.kind
    if op_ref and kind in CANCELS:
        return _cancel_receipt(ctx, op_ref, kind)
    if op_ref and kind.arms_condition:
        found = conditions.created_by(ctx, op_ref)
        if len(found) > 1:
            raise OutcomeUnknown(f"操作 {op_ref} 对应多笔记录 {found}，请人工核对")
        return None if not found else Ack(f"核对条件单：条件单已设置，编号：{found[0]}", condition_id=str(found[0]))
    if op_ref:
        found = ctx.ledger.placed_by(op_ref)
    elif evidence.contract_no and evidence.contract_no.isdigit():
        found = [int(evidence.contract_no)] if ctx.ledger.has_order(int(evidence.contract_no)) else []
    elif evidence.before is not None and command.code and not kind.arms_condition and kind not in CANCELS:
        found = new_since(command, evidence)
    else:
        raise OutcomeUnknown("模拟券商无法在没有操作编号、合同编号或下单前快照的情况下核对委托")
    if len(found) > 1:
        raise OutcomeUnknown(f"操作 {command.operation_id} 对应多笔记录 {found}，请人工核对")
    if not found:
        return None
    order = ctx.ledger.get(found[0])
    if order is not None and order.status is OrderStatus.REJECTED:
        reason = f"（{order.message}）" if order.message else ""
        raise OrderVoided(
            f"核对当日委托：委托为废单{reason}，合同编号：{found[0]}",
            details={"合同编号": str(found[0]), "备注": "废单"},
        )
    return Ack(f"核对当日委托：委托已在簿上，合同编号：{found[0]}", contract_no=str(found[0]))


def _cancel_receipt(ctx: SimContext, op_ref: str, kind: CommandKind) -> Ack | None:
    row = ctx.store.one("SELECT ids FROM cancels WHERE op_ref = ? AND kind = ?", op_ref, _RECEIPT[kind])
    if row is None:
        return None
    ids = [i for i in str(row[0]).split(",") if i]
    what = CANCELS[kind]
    said = f"已撤销{len(ids)}笔{what}：{'、'.join(ids)}" if ids else f"没有可撤销的{what}"
    return Ack(f"核对撤单记录：撤单已执行，{said}", cancelled=tuple(ids))


__all__ = ["receipt", "settle"]
