"""The 2.x envelope pieces: error-code mapping, Beijing timestamps, the account tracker."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

from easyths.api.contracts import v2_api
from easyths.engine.records import OperationRecord, OpStatus


def test_our_error_codes_map_onto_the_2x_vocabulary() -> None:
    assert v2_api.error_code("INVALID_PARAMS", 422) == "invalid_params"
    assert v2_api.error_code("BROKER_REJECTED") == "client_rejected"
    assert v2_api.error_code("BROKER_UNAVAILABLE") == "not_connected"
    assert v2_api.error_code("RESULT_TIMEOUT", 408) == "timeout"
    assert v2_api.error_code("RISK_LIMIT", 403) == "client_rejected"
    assert v2_api.error_code("IP_FORBIDDEN", 403) == "forbidden"
    assert v2_api.error_code("INTERNAL", 500) == "internal"
    assert v2_api.error_code("CONTROL_NOT_FOUND") == "ui_error"
    assert v2_api.error_code("SOMETHING_NEW", 429) == "rate_limited"
    assert v2_api.error_code(None, 418) == "internal"
    assert all(v in v2_api.ERROR_CODES for v in v2_api.ERROR_MAP.values())
    assert v2_api.http_status("CONFLICT", 409) == 404


def test_timestamps_are_beijing_seconds() -> None:
    assert v2_api.timestamp(datetime(2026, 8, 21, 22, 46, 56, 123, tzinfo=UTC)) == "2026-08-22 06:46:56"
    assert v2_api.timestamp("2026-08-22T06:46:56.5+08:00") == "2026-08-22 06:46:56"


def _rec(op_id: str, name: str, status: OpStatus, data: dict | None = None, **params: str) -> OperationRecord:
    rec = OperationRecord(id=op_id, name=name, params=dict(params), priority=0)
    result = {"success": status is OpStatus.SUCCESS, "data": data, "message": "", "timestamp": "x"}
    return dataclasses.replace(rec, status=status, result=result if status.finished else None)


def test_the_tracker_remembers_the_account_each_operation_ran_on() -> None:
    tracker = v2_api.AccountTracker(capacity=2)
    first = _rec("a", "holding_query", OpStatus.SUCCESS, {"holdings": []})
    tracker(first)
    assert tracker.account_for(first) is None  # never confirmed: null, as in 2.x
    switched = _rec("b", "account_switch", OpStatus.SUCCESS, {"current_used_account": "甲"}, account_name="甲")
    tracker(switched)
    later = _rec("c", "funds_query", OpStatus.SUCCESS, {})
    tracker(later)
    assert tracker.account_for(later) == "甲" and tracker.account_for(first) is None
    directed = _rec("d", "buy", OpStatus.SUCCESS, {}, account_name="乙")
    tracker(directed)
    assert tracker.account_for(directed) == "乙" and tracker.current == "乙"
    assert tracker.account_for(first) is None  # evicted; finished ops never borrow today's account
    queued = _rec("e", "buy", OpStatus.QUEUED)
    assert tracker.account_for(queued) == "乙"


def test_an_unknown_outcome_is_neither_success_nor_failure() -> None:
    body = v2_api.operation_body(_rec("u", "buy", OpStatus.UNKNOWN))
    assert body["success"] is None and body["status"] == "unknown" and body["error_code"] == "timeout"
