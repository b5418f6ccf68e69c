"""The 2.x mapping tables: values convert the 2.x way, and every column our backends emit is mapped."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from easyths.api.contracts import v2
from easyths.brokers.base import Side
from easyths.operations.registry import BUILTIN
from tests.brokers.sim.support import D, open_broker

# Columns our rows carry that 2.x has no field for (kept in v1, dropped in v2).
NOT_IN_2X = {
    "holding": {"持股天数"},
    "condition": {"条件单编号", "证券代码"},
    "repo": {"证券代码"},
}


def test_placeholders_become_null_and_numbers_become_numbers() -> None:
    assert v2.to_number("--") is None
    assert v2.to_number("") is None
    assert v2.to_number("1,234.50") == 1234.5
    assert v2.to_number("2.500%") == 2.5
    assert v2.to_number(Decimal("10.10")) == 10.1
    assert v2.to_number("abc") is None
    assert v2.to_int("1,200") == 1200
    assert v2.to_int(Decimal("300")) == 300
    assert v2.to_text("\xa0平安银行 ") == "平安银行"
    assert v2.to_text("--") is None
    assert v2.to_text('="000001"') == "000001"


def test_a_holding_row_of_either_client_build_maps_to_the_same_record() -> None:
    classic = {"证券代码": "000001", "股票余额": 1200, "可用余额": 200, "成本价": Decimal("10.5"), "盈亏比(%)": "1.76"}
    newer = {"证券代码": "000001", "持仓数量": "1,200", "可用数量": "200", "参考成本价": "10.500"}
    newer["盈亏比例(%)"] = "1.76%"
    a, b = v2.convert_row(v2.HOLDING, classic), v2.convert_row(v2.HOLDING, newer)
    assert a == b
    assert a["quantity"] == 1200 and a["available_quantity"] == 200
    assert a["cost_price"] == 10.5 and a["profit_ratio"] == 1.76
    assert list(a) == [c.v2 for c in v2.HOLDING]


def test_repo_rates_name_the_market_as_2x_does() -> None:
    row = {"市场类型": "上海市场", "时间类型": "1天期", "年化利率": "1.850%", "证券代码": "204001"}
    assert v2.convert_row(v2.REPO_RATE, row) == {"market": "上海", "term": "1天期", "annual_rate": 1.85}


def test_account_index_is_one_based_like_the_2x_client_list() -> None:
    data = {"available_accounts": [{"account_name": "主账户", "account_index": 0, "current": True}]}
    assert v2.to_v2_data("account_query", data) == {
        "available_accounts": [{"account_name": "主账户", "account_index": 1}]
    }


def test_an_order_ack_keeps_its_contract_number() -> None:
    data = {"stock_code": "600000", "price": "10.50", "quantity": 100, "合同编号": "1001", "message": "x"}
    assert v2.to_v2_data("buy", data) == {
        "stock_code": "600000",
        "price": 10.5,
        "quantity": 100,
        "contract_no": "1001",
    }


def test_text_results_asked_for_by_return_type_pass_through() -> None:
    assert v2.to_v2_data("holding_query", {"holdings": "空数据"}) == "空数据"


def test_every_builtin_operation_has_a_2x_result_model() -> None:
    assert set(v2.RESULTS) == set(BUILTIN)
    for name in BUILTIN:
        schema = v2.result_schema(name)
        assert schema is not None
        assert v2.v1_result_schema(name) is not None


def _known(table: v2.Table) -> set[str]:
    return {s for c in table for s in c.sources}


def _populated_sim(tmp_path: Path) -> Any:
    sim = open_broker(tmp_path / "sim.db")
    sim.set_quote("600000", D("10.00"), D("10.00"), name="浦发银行", volume=10000)
    sim.place_order(Side.BUY, "600000", D("10.00"), 500)
    sim.place_order(Side.BUY, "600000", D("9.50"), 100)  # rests
    sim.place_condition_order(Side.BUY, "600000", D("9.00"), 100, 5)
    for code in ("204001", "131810"):
        sim.set_quote(code, D("1.85"), D("1.80"))
    return sim


def test_every_column_the_sim_emits_is_mapped_or_deliberately_dropped(tmp_path: Path) -> None:
    sim = _populated_sim(tmp_path)
    try:
        grids: list[tuple[str, v2.Table, list[dict[str, Any]]]] = [
            ("holding", v2.HOLDING, sim.holdings()),
            ("funds", v2.FUNDS, [sim.funds()]),
            ("order", v2.ORDER, sim.today_orders()),
            ("history", v2.HISTORY, sim.order_history("近一周")),
            ("fill", v2.FILL, sim.today_fills()),
            ("repo", v2.REPO_RATE, sim.repo_rates()),
            ("condition", v2.CONDITION, sim.condition_orders()),
        ]
        for kind, table, rows in grids:
            assert rows, kind
            for row in rows:
                unmapped = set(row) - _known(table) - NOT_IN_2X.get(kind, set())
                assert not unmapped, (kind, unmapped)
                record = v2.convert_row(table, row)
                for c in table:
                    value = record[c.v2]
                    if c.kind in (v2.Kind.INT, v2.Kind.ORDINAL):
                        assert value is None or type(value) is int, (kind, c.v2, value)
                    elif c.kind is v2.Kind.NUM:
                        assert value is None or type(value) is float, (kind, c.v2, value)
                    else:
                        assert value is None or type(value) is str, (kind, c.v2, value)
        holding = v2.convert_row(v2.HOLDING, sim.holdings()[0])
        assert holding["stock_code"] == "600000" and holding["quantity"] == 500
        orders = [v2.convert_row(v2.ORDER, r) for r in sim.today_orders()]
        assert {o["remark"] for o in orders} == {"已成", "未成交"}
        assert all(o["contract_no"] for o in orders)
    finally:
        sim.close()


@pytest.mark.parametrize("name", sorted(v2.RESULTS))
def test_schema_fields_are_the_table_fields(name: str) -> None:
    spec = v2.RESULTS[name]
    schema = v2.result_schema(name)
    assert schema is not None
    defs = schema.get("$defs", {})
    row = defs.get(spec.title) or schema
    assert set(row["properties"]) == {c.v2 for c in spec.table} | {e for e, _ in spec.extra}
