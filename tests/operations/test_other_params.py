"""The parameters of the operations that lend, cancel, read, subscribe and switch accounts: each
refusal names its field in Chinese; the defaults are the reference's."""

from __future__ import annotations

from typing import Any

import pytest

from easyths.errors import InvalidParams
from easyths.operations.registry import Registry

REPO = {"market": "上海", "time_range": "1天期", "amount": 1000}
TERMS = "'1天期', '2天期', '3天期', '4天期', '7天期', '14天期', '28天期', '91天期', '182天期'"


@pytest.mark.parametrize(
    ("name", "params", "field", "message"),
    [
        ("reverse_repo_buy", {**REPO, "market": "北京"}, "market", "必须是以下之一: '上海', '深圳'"),
        ("reverse_repo_buy", {**REPO, "time_range": "5天期"}, "time_range", f"必须是以下之一: {TERMS}"),
        ("reverse_repo_buy", {**REPO, "amount": 1500}, "amount", "出借金额必须是1000的倍数且不小于1000"),
        ("reverse_repo_buy", {**REPO, "amount": 0}, "amount", "必须大于 0"),
        ("reverse_repo_buy", {"market": "上海", "time_range": "1天期"}, "amount", "必填"),
        ("order_cancel", {"cancel_type": "some"}, "cancel_type", "必须是以下之一: 'all', 'buy', 'sell'"),
        ("order_cancel", {"stock_code": "60000"}, "stock_code", "股票代码必须是6位数字"),
        ("order_cancel", {"contract_no": "12a"}, "contract_no", "合同编号必须是1到20位数字"),
        ("order_cancel", {"contract_no": "1" * 21}, "contract_no", "合同编号必须是1到20位数字"),
        ("order_cancel", {"contract_no": "１００１"}, "contract_no", "合同编号必须是1到20位数字"),
        ("order_cancel", {"contract_no": 1001}, "contract_no", "必须是字符串"),
        ("condition_order_cancel", {"order_type": "buy"}, "order_type", "必须是以下之一: '买入', '卖出'"),
        (
            "historical_commission_query",
            {"time_range": "近两年"},
            "time_range",
            "必须是以下之一: '当日', '近一周', '近一月', '近三月', '近一年'",
        ),
        ("order_query", {"stock_code": "6000001"}, "stock_code", "股票代码必须是6位数字"),
        ("holding_query", {"return_type": "xml"}, "return_type", "必须是以下之一: 'str', 'json', 'dict', 'markdown'"),
        ("funds_query", {"retrun_type": "json"}, "retrun_type", "不支持的参数"),
        (
            "reverse_repo_query",
            {"return_type": "xml"},
            "return_type",
            "必须是以下之一: 'str', 'json', 'dict', 'markdown'",
        ),
        ("ipo_subscribe", {"stock_code": "754999", "quantity": 0}, "quantity", "必须大于 0"),
        ("ipo_subscribe", {}, "stock_code", "必填"),
        ("account_switch", {}, "account_name", "必填"),
        ("account_switch", {"account_name": ""}, "account_name", "长度不能少于 1"),
    ],
)
def test_a_bad_parameter_is_refused_naming_its_field(
    registry: Registry, name: str, params: dict[str, Any], field: str, message: str
) -> None:
    with pytest.raises(InvalidParams) as caught:
        registry.validate(name, params)
    assert caught.value.details == [{"field": field, "message": message}]
    assert caught.value.message == f"参数无效: {field}: {message}"


def test_the_defaults_are_the_references(registry: Registry) -> None:
    cancel: Any = registry.validate("order_cancel", {})
    assert (cancel.stock_code, cancel.cancel_type, cancel.contract_no) == (None, "all", None)
    history: Any = registry.validate("historical_commission_query", {})
    assert (history.time_range, history.return_type) == ("当日", "json")
    ipo: Any = registry.validate("ipo_subscribe", {"stock_code": "754999"})
    assert ipo.quantity is None  # the most the quota and the issue allow
    conditions: Any = registry.validate("condition_order_cancel", {})
    assert (conditions.stock_code, conditions.order_type) == (None, None)


@pytest.mark.parametrize("term", ["1天期", "2天期", "3天期", "4天期", "7天期", "14天期", "28天期", "91天期", "182天期"])
def test_every_repo_term_of_the_client_is_accepted_in_both_markets(registry: Registry, term: str) -> None:
    for market in ("上海", "深圳"):
        assert registry.validate("reverse_repo_buy", {"market": market, "time_range": term, "amount": 100_000})


def test_every_query_takes_the_return_type_old_scripts_send(registry: Registry) -> None:
    """The original ignored unknown keys and its scripts send `return_type` to every query."""
    for name in registry.names():
        if name.endswith("_query") and name != "account_query":  # newer than those scripts, no parameters
            assert registry.validate(name, {"return_type": "markdown"}), name
