"""Operation statuses move only along the transition table."""

from __future__ import annotations

import pytest

from easyths.engine.records import TRANSITIONS, OperationRecord, OpStatus, apply
from easyths.errors import IllegalTransition


def rec() -> OperationRecord:
    return OperationRecord(id="a", name="buy", params={}, priority=0)


def test_every_finished_status_is_terminal_except_unknown_which_reconciliation_settles() -> None:
    for status in OpStatus:
        if status.finished and status is not OpStatus.UNKNOWN:
            assert TRANSITIONS[status] == frozenset()
    assert TRANSITIONS[OpStatus.UNKNOWN] == {OpStatus.SUCCESS, OpStatus.FAILED}


def test_apply_stamps_times_and_builds_the_stored_result() -> None:
    running = apply(rec(), OpStatus.RUNNING)
    assert running.started_at is not None and running.finished_at is None
    done = apply(running, OpStatus.SUCCESS, data={"合同编号": "1"}, message="ok")
    assert done.result is not None and done.result["data"] == {"合同编号": "1", "success": True}
    assert done.error is None and done.finished_at is not None
    failed = apply(running, OpStatus.FAILED, message="可用余额不足")
    assert failed.error == "可用余额不足" and failed.result is not None and failed.result["success"] is False


def test_illegal_moves_are_refused_at_the_spot() -> None:
    done = apply(apply(rec(), OpStatus.RUNNING), OpStatus.SUCCESS)
    with pytest.raises(IllegalTransition):
        apply(done, OpStatus.RUNNING)
    with pytest.raises(IllegalTransition):
        apply(apply(rec(), OpStatus.CANCELLED), OpStatus.SUCCESS)
    with pytest.raises(IllegalTransition):
        apply(rec(), OpStatus.SUCCESS)  # nothing succeeds without having run
