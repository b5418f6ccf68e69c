"""The order-placing operations' parameters: each refusal names its field and says why in
Chinese, before anything is queued; what some session of the day accepts is let through."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from easyths.errors import InvalidParams
from easyths.operations.registry import Registry

D = Decimal
BUY = {"stock_code": "600000", "price": 10.5, "quantity": 100}


def refusal(registry: Registry, name: str, params: dict[str, Any]) -> tuple[str, str]:
    """(field, message) of the one error `params` has."""
    with pytest.raises(InvalidParams) as caught:
        registry.validate(name, params)
    [detail] = caught.value.details
    assert caught.value.message == f"参数无效: {detail['field']}: {detail['message']}"
    return detail["field"], detail["message"]


@pytest.mark.parametrize(
    ("name", "params", "field", "message"),
    [
        # the code: six ASCII digits, as a string
        ("buy", {**BUY, "stock_code": "60000"}, "stock_code", "股票代码必须是6位数字"),
        ("buy", {**BUY, "stock_code": "６０００００"}, "stock_code", "股票代码必须是6位数字"),
        ("buy", {**BUY, "stock_code": 600000}, "stock_code", "股票代码必须是6位数字字符串"),
        # lots by board
        ("buy", {**BUY, "quantity": 150}, "quantity", "600000买入数量必须是100的整数倍"),
        ("buy", {**BUY, "stock_code": "688001", "quantity": 100}, "quantity", "688001买入数量不得少于200"),
        ("buy", {**BUY, "stock_code": "113050", "quantity": 15}, "quantity", "113050买入数量必须是10的整数倍"),
        ("buy", {**BUY, "quantity": 0}, "quantity", "必须大于 0"),
        ("buy", {**BUY, "quantity": 100.5}, "quantity", "必须是整数（不能有小数部分）"),
        ("buy", {**BUY, "quantity": True}, "quantity", "必须是数字，不能是 true/false"),
        (
            "buy",
            {**BUY, "stock_code": "204001", "price": 2.5, "quantity": 10},
            "quantity",
            "204001是国债逆回购代码：只能卖出（出借资金），不能买入",
        ),
        # prices: positive and on the tick (0.01 for stocks, 0.001 for funds and bonds)
        ("buy", {**BUY, "price": 10.005}, "price", "委托价格的小数价格应为0.01的整数倍"),
        ("buy", {**BUY, "stock_code": "510300", "price": 3.4565}, "price", "委托价格的小数价格应为0.001的整数倍"),
        ("buy", {**BUY, "price": 0}, "price", "必须大于 0"),
        ("buy", {**BUY, "price": "abc"}, "price", "必须是数字"),
        ("sell", {**BUY, "price": -1}, "price", "必须大于 0"),
        # a sell's lot is the position's business, its cap is not
        ("sell", {**BUY, "quantity": 1_000_001}, "quantity", "600000单笔委托数量不得超过1000000"),
        # market orders: the exchange's six strategies
        ("market_buy", {"stock_code": "600000", "quantity": 150}, "quantity", "600000买入数量必须是100的整数倍"),
        (
            "market_buy",
            {"stock_code": "600000", "quantity": 100, "execution_strategy": 7},
            "execution_strategy",
            "不能大于 6",
        ),
        ("market_sell", {"stock_code": "600000", "quantity": 100, "protect_price": 0}, "protect_price", "必须大于 0"),
        # condition orders: the target on the tick, natural-day expiries from the client's list
        (
            "condition_buy",
            {"stock_code": "600000", "target_price": 10.001, "quantity": 100},
            "target_price",
            "委托价格的小数价格应为0.01的整数倍",
        ),
        (
            "condition_sell",
            {"stock_code": "600000", "target_price": 10, "quantity": 100, "expire_days": 2},
            "expire_days",
            "必须是以下之一: 1, 3, 5, 10, 20, 30",
        ),
        (
            "condition_buy",
            {"stock_code": "600000", "target_price": 10, "quantity": 100, "expire_days": True},
            "expire_days",
            "必须是数字，不能是 true/false",
        ),
        # stop-loss/profit: percentages in (0, 100], the profit above the loss
        (
            "stop_loss_profit",
            {"stock_code": "600000", "stop_loss_percent": 5, "stop_profit_percent": 5},
            "stop_profit_percent",
            "止盈百分比必须大于止损百分比",
        ),
        (
            "stop_loss_profit",
            {"stock_code": "600000", "stop_loss_percent": 0, "stop_profit_percent": 5},
            "stop_loss_percent",
            "必须大于 0",
        ),
        (
            "stop_loss_profit",
            {"stock_code": "600000", "stop_loss_percent": 3, "stop_profit_percent": 101},
            "stop_profit_percent",
            "不能大于 100",
        ),
        (
            "stop_loss_profit",
            {"stock_code": "600000", "stop_loss_percent": 3, "stop_profit_percent": 5, "quantity": 1_000_001},
            "quantity",
            "600000单笔委托数量不得超过1000000",
        ),
        # what every order carries
        ("buy", {**BUY, "client_order_id": ""}, "client_order_id", "长度不能少于 1"),
        ("buy", {**BUY, "client_order_id": "x" * 65}, "client_order_id", "长度不能超过 64"),
        ("sell", {**BUY, "account_name": ""}, "account_name", "长度不能少于 1"),
        ("buy", {**BUY, "colour": "red"}, "colour", "不支持的参数"),
        ("buy", {"stock_code": "600000", "price": 10.5}, "quantity", "必填"),
    ],
)
def test_a_bad_order_parameter_is_refused_naming_its_field(
    registry: Registry, name: str, params: dict[str, Any], field: str, message: str
) -> None:
    assert refusal(registry, name, params) == (field, message)


def test_a_sell_of_an_odd_lot_is_left_to_the_position(registry: Registry) -> None:
    """Holding 299, selling 199 is legal (rule 3.3.8): only the broker, with the position, can tell."""
    sell: Any = registry.validate("sell", {**BUY, "quantity": 199})
    market: Any = registry.validate("market_sell", {"stock_code": "600000", "quantity": 50})
    condition: Any = registry.validate("condition_sell", {"stock_code": "600000", "target_price": 10, "quantity": 1})
    assert (sell.quantity, market.quantity, condition.quantity) == (199, 50, 1)


def test_the_order_params_accept_what_some_session_accepts(registry: Registry) -> None:
    """STAR caps continuous orders at 100,000 but 盘后固定价格交易 takes 1,000,000; bonds have no
    after-hours session, so their 100,000 stands."""
    assert registry.validate("buy", {"stock_code": "688001", "price": 50, "quantity": 150_000})
    assert registry.validate("sell", {"stock_code": "300750", "price": 50, "quantity": 400_000})
    assert refusal(registry, "buy", {"stock_code": "688001", "price": 50, "quantity": 1_000_001}) == (
        "quantity",
        "688001单笔委托数量不得超过1000000",
    )
    assert refusal(registry, "buy", {"stock_code": "113001", "price": 100, "quantity": 100_010}) == (
        "quantity",
        "113001单笔委托数量不得超过100000",
    )


def test_prices_arrive_as_the_decimal_the_user_typed(registry: Registry) -> None:
    """JSON 10.1 goes through str: 10.0999… would be off the tick and a different order."""
    params: Any = registry.validate("buy", {**BUY, "price": 10.1})
    assert params.price == D("10.1")
    fund: Any = registry.validate("buy", {"stock_code": "510300", "price": 3.456, "quantity": 100})
    assert fund.price == D("3.456")
    condition: Any = registry.validate("condition_buy", {"stock_code": "600000", "target_price": 9.87, "quantity": 100})
    assert (condition.target_price, condition.expire_days) == (D("9.87"), 30)


def test_stop_loss_profit_without_a_quantity_means_the_whole_available_position(registry: Registry) -> None:
    params: Any = registry.validate(
        "stop_loss_profit", {"stock_code": "600000", "stop_loss_percent": 3, "stop_profit_percent": 5}
    )
    assert params.quantity is None and params.expire_days == 30
