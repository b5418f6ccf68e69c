"""`easyths ipo` against a real service on loopback (the sim's shipped example issues)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from rich.cells import cell_len

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def test_ipo_lists_today_s_issues_with_the_quota(cli: Any) -> None:
    table = cli("ipo").output
    assert "示例转债" in table and "754999" in table and "可申购数量" in table
    rows = json.loads(cli("ipo", "--json").output)
    assert {r["证券代码"]: r["可申购数量"] for r in rows} == {"603777": 0, "301555": 0, "113999": 10000}


def test_subscribe_all_once_then_nothing_twice(cli: Any) -> None:
    first = json.loads(cli("ipo", "--subscribe-all", "--json").output)
    assert {o["stock_code"]: o["status"] for o in first} == {
        "603777": "skipped",
        "301555": "skipped",
        "113999": "success",
    }
    again = cli("ipo", "--subscribe-all").output
    assert "今日已申购" in again
    orders = json.loads(cli("orders", "--json").output)
    assert [o["操作"] for o in orders] == ["配售申购"]


def test_allotments_and_80_columns(cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    cli("ipo", "--subscribe-all")
    cli.client.sim.advance(2)
    rows = json.loads(cli("ipo", "--allotments", "--json").output)
    assert rows[0]["证券代码"] == "113999" and rows[0]["状态"] in ("中签", "未中签")
    monkeypatch.setenv("COLUMNS", "80")
    for args in (("ipo", "--allotments"), ("ipo",)):
        out = cli(*args).output
        assert all(cell_len(line.rstrip()) <= 80 for line in out.splitlines()), out


def test_a_refusal_exits_1_and_both_modes_at_once_is_a_usage_error(cli: Any) -> None:
    cli("ipo", "--subscribe-all", "--allotments", code=2)
    day = cli.client.sim.state().clock.date()
    cli.client.sim.advance(to=f"{day}T15:10:00")  # after the subscription hours
    out = cli("ipo", "--subscribe-all", code=1).output
    assert "failed" in out and "不在申购时间内" in out
    assert json.loads(cli("orders", "--json").output) == []
