"""打新 through the SDK on the real app (the sim's shipped example issues): one operation per
issue, keyed by the day and the code, so running it again subscribes nothing twice."""

from __future__ import annotations

import pytest

from easyths.client import Client
from easyths.errors import OperationFailed


def test_query_then_subscribe_all_takes_the_bond_and_skips_the_shares_without_quota(sdk: Client) -> None:
    issues = {i.stock_code: i for i in sdk.ipo_query()}
    assert set(issues) == {"603777", "301555", "113999"}
    assert issues["113999"].kind == "bond" and issues["113999"].allowed == 10000
    assert issues["603777"].kind == "stock" and issues["603777"].allowed == 0
    first = {o.stock_code: o for o in sdk.subscribe_all_ipos()}
    assert first["113999"].status == "success" and first["113999"].quantity == 10000
    assert first["113999"].contract_no
    assert {first[c].status for c in ("603777", "301555")} == {"skipped"}
    again = {o.stock_code: o for o in sdk.subscribe_all_ipos()}
    assert again["113999"].status == "skipped" and again["113999"].message == "今日已申购"
    [row] = [o for o in sdk.orders() if o.stock_code == "113999"]
    assert row.contract_no == first["113999"].contract_no


def test_the_day_and_code_key_returns_the_first_subscription_instead_of_a_second(sdk: Client) -> None:
    day = sdk.ipo_query()[0].subscribe_date
    key = f"ipo-{day}-113999"
    a = sdk.ipo_subscribe("754999", client_order_id=key)
    b = sdk.ipo_subscribe("754999", client_order_id=key)
    assert a.operation_id == b.operation_id and a.contract_no == b.contract_no


def test_a_refused_subscription_raises_with_the_broker_s_words(sdk: Client) -> None:
    with pytest.raises(OperationFailed, match="可申购额度为0"):
        sdk.ipo_subscribe("732777")


def test_allotments_follow_the_days(sdk: Client) -> None:
    sdk.ipo_subscribe("754999", 100)
    sdk.sim.advance(1)
    [numbered] = sdk.ipo_allotments()
    assert (numbered.status, numbered.numbers, numbered.first_number) == ("已配号", 10, "100000001")
