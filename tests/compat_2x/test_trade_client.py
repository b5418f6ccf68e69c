"""A 2.x user's script, unchanged: the published 2.0.7 TradeClient against the v2 contract.

Every operation goes through the client's own convenience method, and the fields of `data` are
checked, not only `success`.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest

from easyths.brokers.sim import SimBroker
from easyths.operations.registry import BUILTIN

ENVELOPE = {"success", "status", "message", "error_code", "current_used_account", "data", "timestamp"}
BEIJING_SECONDS = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")


def D(text: str) -> Decimal:
    return Decimal(text)


def market(sim: SimBroker) -> None:
    sim.set_quote("600000", D("10.00"), D("10.00"), name="浦发银行", volume=1_000_000)
    sim.set_quote("000001", D("12.00"), D("11.80"), name="平安银行", volume=1_000_000)
    sim.set_quote("204001", D("1.85"), D("1.80"))
    sim.set_quote("131810", D("1.90"), D("1.80"))


def completed(result: dict[str, Any]) -> Any:
    assert set(result) == ENVELOPE, result
    assert result["success"] is True, result
    assert result["status"] == "completed" and result["error_code"] is None, result
    assert BEIJING_SECONDS.match(result["timestamp"]), result["timestamp"]
    return result["data"]


def is_num(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def test_system_routes_answer_in_the_2x_envelope(tc: Any) -> None:
    health = tc.health_check()
    assert set(health) == ENVELOPE and health["success"] is True
    assert health["data"]["status"] == "healthy"
    status = tc.get_system_status()
    assert status["success"] is True and status["data"]["plugins"]["plugin_count"] == len(BUILTIN)
    assert status["data"]["account"]["current_used_account"] == "模拟账户"
    stats = tc.get_queue_stats()["data"]
    for key in ("total_processed", "total_failed", "total_success", "queue_size", "running_count", "queued_count"):
        assert isinstance(stats[key], int), key
    reconnect = tc.reconnect()
    assert reconnect["success"] is True and reconnect["status"] == "completed"


def test_the_listing_shows_2x_parameters_and_result_schemas(tc: Any) -> None:
    listing = tc.list_operations()["data"]
    assert listing["count"] == len(BUILTIN)
    buy = listing["operations"]["buy"]
    assert set(buy["parameters"]["properties"]) >= {"stock_code", "price", "quantity"}
    ack = buy["result_schema"]["properties"]
    assert set(ack) == {"stock_code", "price", "quantity", "contract_no"}
    holding = listing["operations"]["holding_query"]["result_schema"]
    assert holding["type"] == "array"
    row = holding["$defs"]["HoldingRow"]["properties"]
    assert "available_quantity" in row and "cost_price" in row


def test_buy_then_sell_next_day_with_their_contract_numbers(tc: Any, sim: SimBroker) -> None:
    market(sim)
    buy = completed(tc.buy("600000", 10.00, 500))
    assert buy["stock_code"] == "600000" and buy["price"] == 10.0 and buy["quantity"] == 500
    assert re.fullmatch(r"\d+", buy["contract_no"])
    sim.advance(days=1)
    sim.set_quote("600000", D("10.50"), None, volume=1_000_000)
    sell = completed(tc.sell("600000", 10.50, 200))
    assert sell["quantity"] == 200 and sell["contract_no"] != buy["contract_no"]
    orders = completed(tc.query_orders())
    assert [o["contract_no"] for o in orders] == [sell["contract_no"]]
    assert orders[0]["operation"] == "卖出" and orders[0]["remark"] == "已成"
    assert orders[0]["filled_quantity"] == 200 and orders[0]["avg_fill_price"] == 10.5
    history = completed(tc.query_historical_commission(time_range="近一周"))
    assert {h["contract_no"] for h in history} == {buy["contract_no"], sell["contract_no"]}
    assert all(re.fullmatch(r"\d{8}", h["order_date"]) for h in history)
    only = completed(tc.query_historical_commission(stock_code="000001", time_range="近一周"))
    assert only == []


def test_market_orders_name_the_strategy_used(tc: Any, sim: SimBroker) -> None:
    market(sim)
    mb = completed(tc.market_buy("000001", 300, execution_strategy=1))
    assert mb["stock_code"] == "000001" and mb["quantity"] == 300
    assert mb["strategy"] == "对手方最优价格" and mb["contract_no"]
    sim.advance(days=1)
    sim.set_quote("000001", D("12.00"), None, volume=1_000_000)
    ms = completed(tc.market_sell("000001", 100, execution_strategy=4))
    assert ms["strategy"] == "即时成交剩余撤销" and ms["contract_no"]


def test_holdings_and_funds_are_typed_english_fields(tc: Any, sim: SimBroker) -> None:
    market(sim)
    completed(tc.buy("600000", 10.00, 500))
    holdings = completed(tc.query_holdings())
    assert isinstance(holdings, list) and len(holdings) == 1
    h = holdings[0]
    assert h["stock_code"] == "600000" and h["stock_name"] == "浦发银行"
    assert h["quantity"] == 500 and h["available_quantity"] == 0 and h["daily_bought"] == 500
    assert h["frozen_quantity"] == 0 and h["daily_sold"] == 0
    for key in ("cost_price", "current_price", "floating_profit", "profit_ratio", "market_value", "position_ratio"):
        assert is_num(h[key]), (key, h[key])
    assert h["current_price"] == 10.0 and h["market"]
    funds = completed(tc.query_funds())
    assert set(funds) >= {
        "balance",
        "frozen_amount",
        "market_value",
        "total_assets",
        "available_amount",
        "withdrawable_amount",
        "holding_profit",
    }
    assert funds["market_value"] == 5000.0
    assert funds["total_assets"] == pytest.approx(funds["balance"] + funds["market_value"])
    assert all(v is None or is_num(v) for v in funds.values())


def test_cancel_order_counts_and_names_what_it_cancelled(tc: Any, sim: SimBroker) -> None:
    market(sim)
    resting = completed(tc.buy("600000", 9.50, 100))
    cancel = completed(tc.cancel_order(stock_code="600000", cancel_type="buy"))
    assert cancel == {
        "stock_code": "600000",
        "cancel_type": "buy",
        "cancelled_count": 1,
        "cancelled_contract_nos": [resting["contract_no"]],
    }
    again = completed(tc.cancel_order())
    assert again["cancelled_count"] == 0 and again["stock_code"] is None


def test_condition_orders_and_stop_loss_profit(tc: Any, sim: SimBroker) -> None:
    market(sim)
    cb = completed(tc.condition_buy("600000", 9.00, 100, expire_days=5))
    assert cb["stock_code"] == "600000" and cb["target_price"] == 9.0
    assert cb["quantity"] == 100 and cb["expire_days"] == 5 and cb["condition_id"]
    completed(tc.buy("000001", 12.00, 300))
    sim.advance(days=1)
    sim.set_quote("000001", D("12.00"), None, volume=1_000_000)
    cs = completed(tc.condition_sell("000001", 13.00, 100))
    assert cs["target_price"] == 13.0 and cs["expire_days"] == 30
    slp = completed(tc.stop_loss_profit("000001", 3, 5))
    assert slp["stop_loss_percent"] == 3.0 and slp["stop_profit_percent"] == 5.0
    assert slp["quantity"] == 300 and slp["expire_days"] == 30
    rows = completed(tc.query_condition_orders())
    assert len(rows) == 3
    row = rows[0]
    assert set(row) == {
        "status",
        "condition_type",
        "direction",
        "target",
        "trigger_condition",
        "latest_price",
        "change_ratio",
        "order_detail",
        "created_at",
        "monitor_cycle",
    }
    assert row["direction"] == "买入" and "600000" in row["target"]
    assert row["latest_price"] == 10.0 and row["change_ratio"] == 0.0
    assert row["status"] and row["trigger_condition"] and row["created_at"]
    deleted = completed(tc.cancel_condition_orders(stock_code="000001", order_type="卖出"))
    assert deleted == {"stock_code": "000001", "order_type": "卖出", "deleted_count": 2}
    assert len(completed(tc.query_condition_orders())) == 1


def test_reverse_repo_rates_and_a_loan(tc: Any, sim: SimBroker) -> None:
    market(sim)
    rates = completed(tc.query_reverse_repo())
    assert {"market": "上海", "term": "1天期", "annual_rate": 1.85} in rates
    assert {"market": "深圳", "term": "1天期", "annual_rate": 1.9} in rates
    loan = completed(tc.reverse_repo_buy("上海", "1天期", 10000))
    assert loan["market"] == "上海" and loan["time_range"] == "1天期" and loan["amount"] == 10000
    assert loan["annual_rate"] == 1.85 and loan["contract_no"]


def test_accounts_and_the_account_directive(tc: Any, sim: SimBroker) -> None:
    market(sim)
    accounts = tc.query_accounts()
    data = completed(accounts)
    assert data == {
        "available_accounts": [
            {"account_name": "模拟账户", "account_index": 1},
            {"account_name": "第二账户", "account_index": 2},
        ]
    }
    assert accounts["current_used_account"] == "模拟账户"
    switched = tc.switch_account("第二账户")
    assert completed(switched) == {"previous_used_account": "模拟账户"}
    assert switched["current_used_account"] == "第二账户"
    buy = tc.buy("600000", 10.00, 100, account_name="模拟账户")
    completed(buy)
    assert buy["current_used_account"] == "模拟账户"
    assert sim.current_account() == "模拟账户"
    assert completed(tc.query_holdings(account_name="第二账户")) == []


def test_a_refused_order_is_a_2x_client_rejection(tc: Any, sim: SimBroker) -> None:
    market(sim)
    refused = tc.buy("600000", 12.00, 100)  # above the 10% limit
    assert refused["success"] is False and refused["status"] == "failed"
    assert refused["error_code"] == "client_rejected"
    assert "涨跌停" in refused["message"] and refused["data"] is None


def test_invalid_params_are_refused_at_submit_with_422(published: Any, tc: Any) -> None:
    with pytest.raises(published.TradeClientError) as err:
        tc.buy("600000", 10.00, 150)
    assert err.value.status_code == 422
    assert '"error_code":"invalid_params"' in str(err.value).replace(" ", "")
    with pytest.raises(published.TradeClientError) as err:
        tc.get_operation_status("no-such-operation")
    assert err.value.status_code == 404
