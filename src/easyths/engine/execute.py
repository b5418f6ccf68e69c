"""Running one operation against the broker, and what its exception means for its status.

Why here and nowhere else: the mapping from "what happened" to `success | failed | unknown` is
the engine's safety rule (a buy whose outcome was not observed must never read `failed`, or a
script buys again). It is decided from the exception type alone, in one place.
"""

from __future__ import annotations

import logging
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from typing import Any

from easyths.brokers.abilities import CountsGuiActions
from easyths.brokers.base import Ack, Broker, Evidence
from easyths.engine.records import OperationRecord, OpStatus
from easyths.errors import EasyTHSError, OrderNotCancellable, OrderVoided, OutcomeUnknown, SeamError
from easyths.operations.base import Operation, Params

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Outcome:
    status: OpStatus
    data: dict[str, Any] | None
    message: str | None
    evidence: Evidence | None = None
    report: Ack | None = None
    error_code: str | None = None  # the error's code when it failed (kept in the record's result)


def execute(op_cls: type[Operation], broker: Broker, rec: OperationRecord, model: Params) -> Outcome:
    """Run the operation's own `prepare` (e.g. switch account), then submit its command (the one
    journalled at admission; rebuilt for an operation queued before commands were journalled),
    or `run` one that only reads, in the caller's thread."""
    op = op_cls()
    report: Ack | None = None
    try:
        with scope(broker, rec.name):
            op.prepare(broker, model)
            command = rec.command or op.command(model, rec.id)
            if command is None:
                data = op.run(broker, model)
            else:
                report = broker.submit(command)
                data = op.acked(model, report)
    except OutcomeUnknown as exc:
        return Outcome(OpStatus.UNKNOWN, None, exc.message, evidence=evidence_of(exc), error_code=exc.error_code)
    except SeamError as exc:  # a GUI error the driver did not map: like any unexpected exception
        return unexpected(op_cls, rec, exc)
    except OrderNotCancellable as exc:  # the order's state is the answer the user asked for
        return Outcome(OpStatus.FAILED, dict(exc.details or {}), exc.message, error_code=exc.error_code)
    except EasyTHSError as exc:
        return Outcome(OpStatus.FAILED, None, _named(exc), error_code=exc.error_code)
    except Exception as exc:
        return unexpected(op_cls, rec, exc)
    return Outcome(OpStatus.SUCCESS, data, data.get("message"), report=report)


def scope(broker: Broker, operation: str) -> AbstractContextManager[None]:
    """A GUI backend counts its actions under the operation's name (`/metrics`); others need not."""
    return broker.operation_scope(operation) if isinstance(broker, CountsGuiActions) else nullcontext()


def evidence_of(exc: OutcomeUnknown) -> Evidence | None:
    """What the backend saw, when it said: typed from `submit`; a dict from a backend or plugin
    written before `Evidence` (read as the old hint it is); None leaves nothing to reconcile."""
    if isinstance(exc.details, Evidence):
        return exc.details
    if isinstance(exc.details, dict):
        return Evidence.from_json(exc.details)
    return None


def _named(exc: EasyTHSError) -> str:
    """A 废单's message names it and its 合同编号, as reconciliation would (`Reconciler`); the
    broker's own wording stays first. (Its data stays empty: a refusal has none in either contract.)"""
    if not isinstance(exc, OrderVoided) or not isinstance(exc.details, dict) or "合同编号" in exc.message:
        return exc.message
    return f"{exc.message}（废单，合同编号：{exc.details.get('合同编号')}）"


def unexpected(op_cls: type[Operation], rec: OperationRecord, exc: BaseException) -> Outcome:
    log.error("操作 %s (%s) 执行异常", rec.id, rec.name, exc_info=exc)
    code = exc.error_code if isinstance(exc, EasyTHSError) else "INTERNAL"  # SeamError keeps its own
    if op_cls.places_order:
        return Outcome(OpStatus.UNKNOWN, None, f"执行异常，结果未知: {exc}", error_code=code)
    return Outcome(OpStatus.FAILED, None, f"执行异常: {exc}", error_code=code)


def interrupted(op_cls: type[Operation], why: str) -> Outcome:
    """A hung or interrupted order may have reached the broker: `unknown`, not `failed`."""
    if op_cls.places_order:
        return Outcome(OpStatus.UNKNOWN, None, f"{why}，委托结果未知，请以当日委托为准", error_code="WATCHDOG_TIMEOUT")
    return Outcome(OpStatus.FAILED, None, why, error_code="WATCHDOG_TIMEOUT")


__all__ = ["Outcome", "evidence_of", "execute", "interrupted", "unexpected"]
