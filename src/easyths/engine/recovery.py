"""Restart recovery: what the journal left by a stopped or killed process means now.

Why its own module: these are the rules a user relies on after a crash, and they read best in one
place. An operation that was running is never run again: it becomes `unknown`, with a hint for
reconciliation when the backend stored our operation id with what it placed (the sim), otherwise
with what to check by hand (THS). Unknowns whose reconciliation was still pending are asked again.
Queued operations are resumed, validated again, or failed when `[queue].on_restart = "fail"`.
The engine then puts the resumed ones back on its heap.

A backend that settles by "the one new matching row" (THS) remembers which rows it already
credited only in memory; it is told again (`remember_claims`) which ones today's successful
operations own, so a reconciliation pending across the restart cannot credit them twice.

Settling by operation id is only sound on the backend that ran the operation: after a crash on
THS, a restart with `--backend sim` on the same data folder would look for the id in the sim, find
nothing and say `failed` about an order that may be on the real book. The journal remembers its
backend; when it changed, nothing is settled automatically and the user is told what to check.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from easyths.brokers.abilities import ReconcilesByReference, RemembersClaims
from easyths.brokers.base import Ack, Broker, Evidence
from easyths.engine.journal import Journal
from easyths.engine.records import OperationRecord, OpStatus, apply, now
from easyths.errors import EasyTHSError
from easyths.operations.base import Operation, Params
from easyths.operations.registry import Registry
from easyths.settings import QueueSection

log = logging.getLogger(__name__)


@dataclass
class Recovered:
    resumed: list[tuple[OperationRecord, Params]] = field(default_factory=list)  # queued, validated again
    to_reconcile: list[str] = field(default_factory=list)  # unknown ids with a hint


def recover(
    journal: Journal,
    registry: Registry,
    broker: Broker,
    settings: QueueSection,
    save: Callable[[OperationRecord], None],
) -> Recovered:
    """Settle the journal after a restart; `save` journals a transition and tells the listeners."""
    journal.purge_older_than(settings.retention_days)
    reads = [name for name in registry.names() if registry.get(name).read_only]
    journal.purge_named_before(reads, now() - timedelta(seconds=settings.query_retention_seconds))
    backend = broker.backend
    before = journal.meta("backend") or backend  # a journal from before this was recorded: the same
    switched = before != backend
    if switched:
        log.warning("上次运行的后端是 %s，本次是 %s：中断或待核对的操作不会自动核对", before, backend)
    for rec in list(journal.with_status(OpStatus.RUNNING)):
        why = "服务在操作执行期间停止，结果未知；该操作不会被重新执行"
        evidence = None if switched else restart_evidence(rec, registry, broker)
        if switched:
            why += f"（它在后端 {before} 上执行，本次启动的后端是 {backend}，无法自动核对）"
        if evidence is None:
            why += f"，{verify_with(rec, registry)}"
        save(apply(rec, OpStatus.UNKNOWN, message=why, evidence=evidence))
        log.warning("操作 %s (%s) 在上次运行中断时正在执行，已标记为 unknown", rec.id, rec.name)
    if isinstance(broker, RemembersClaims) and not switched:
        contract_nos, condition_ids = credited_today(journal, registry)
        broker.remember_claims(contract_nos=contract_nos, condition_ids=condition_ids)
    found = Recovered()
    for rec in journal.with_status(OpStatus.UNKNOWN):
        if rec.evidence is not None and not switched:  # its reconciliation was pending when the process died
            found.to_reconcile.append(rec.id)
    journal.set_meta("backend", backend)
    for rec in list(journal.with_status(OpStatus.QUEUED)):
        if settings.on_restart == "fail":
            save(apply(rec, OpStatus.FAILED, message="服务重启，排队中的操作按配置判为失败"))
            continue
        try:
            found.resumed.append((rec, registry.validate(rec.name, rec.params)))
        except EasyTHSError as exc:
            save(apply(rec, OpStatus.FAILED, message=f"重启后无法恢复该操作: {exc.message}"))
    return found


def credited_today(journal: Journal, registry: Registry) -> tuple[list[str], list[str]]:
    """The 合同编号 and condition ids today's successful operations already own, read from their
    journalled reports (`Ack`). A backend that settles an unknown by "the one new matching row"
    (THS) must not credit one of these a second time after a restart; it kept them in memory
    only. Cancels are left out: the order a cancel names may be exactly the one an unknown buy is
    still looking for."""
    start = now().replace(hour=0, minute=0, second=0, microsecond=0)
    contract_nos: list[str] = []
    condition_ids: list[str] = []
    for rec in journal.commands_since(start):
        if rec.status is not OpStatus.SUCCESS or rec.command is None or not rec.command.kind.places:
            continue
        report = rec.report or _legacy_report(rec)
        if report is None:
            continue
        if report.condition_id:
            condition_ids.append(report.condition_id)
        elif report.contract_no:
            contract_nos.append(report.contract_no)
    return contract_nos, condition_ids


def _legacy_report(rec: OperationRecord) -> Ack | None:
    """An operation finished by code older than journalled reports (the day of an upgrade): its
    ids are read once from its result data, the one place that code kept them."""
    data = (rec.result or {}).get("data")
    if not isinstance(data, dict):
        return None
    if data.get("condition_id"):
        return Ack("", condition_id=str(data["condition_id"]))
    return Ack("", contract_no=str(data["合同编号"])) if data.get("合同编号") else None


def restart_evidence(rec: OperationRecord, registry: Registry, broker: Broker) -> Evidence | None:
    """How to settle an order cut off by the crash, when that can be done safely: only for a
    backend that stored our operation id with what it created (`ReconcilesByReference`); any
    other match (code, side, quantity) could credit an older identical order."""
    if not isinstance(broker, ReconcilesByReference):
        return None
    try:
        op_cls = registry.get(rec.name)
    except EasyTHSError:
        return None
    return Evidence(by_reference=True) if op_cls.settles_on_book else None


def verify_with(rec: OperationRecord, registry: Registry) -> str:
    """What the user checks by hand (当日委托 or 条件单) when the outcome cannot be settled."""
    try:
        return registry.get(rec.name).verify_with
    except EasyTHSError:
        return Operation.verify_with


__all__ = ["Recovered", "credited_today", "recover", "restart_evidence", "verify_with"]
