"""Params shared by the order-placing operations (buy/sell, market, condition).

Checks are field validators, not model validators, so a 422 names the offending field
(`quantity`, `price`): fields validate in declaration order, so `stock_code` is already known.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, ClassVar

from pydantic import Field, ValidationInfo, field_validator

from easyths.domain.codes import classify
from easyths.domain.sessions import AFTER_HOURS_ALL_FROM, AFTER_HOURS_MAX_QTY, after_hours_eligible
from easyths.operations.base import ExpireDays, Params, Price, StockCode


class OrderParams(Params):
    """Carries `client_order_id`, the body-level alternative to the Idempotency-Key header."""

    client_order_id: str | None = Field(
        None, min_length=1, max_length=64, description="客户端订单号（可选）：相同编号的重复提交返回原操作"
    )


def check_quantity(code: str | None, quantity: int, *, buy: bool) -> int:
    """Sizes no session accepts. The cap is the largest of the day's sessions: an order entered
    for 盘后固定价格交易 may be up to 1,000,000 shares where continuous trading stops at 100,000
    (STAR); the broker applies the cap of the session the order meets (`docs/rules.md#after-hours`)."""
    if code is None:  # the code itself was invalid; its own error is reported
        return quantity
    inst = classify(code)
    cap = inst.max_limit_qty
    if after_hours_eligible(inst, AFTER_HOURS_ALL_FROM):
        cap = max(cap, AFTER_HOURS_MAX_QTY)
    if buy:
        if error := inst.buy_quantity_error(quantity, cap):
            raise ValueError(error)
    elif quantity > cap:
        raise ValueError(f"{code}单笔委托数量不得超过{cap}")
    return quantity


def check_price(code: str | None, quantity: int | None, price: Decimal) -> Decimal:
    """Tick and range only. The value cap (`[trading].max_order_amount`, `[risk].max_order_value`)
    is a risk rule checked at admission (403 RISK_LIMIT), so a configured cap is honoured."""
    if code is None:
        return price
    if error := classify(code).price_error(price):
        raise ValueError(error)
    return price


class _Sized(OrderParams):
    buy_side: ClassVar[bool] = True

    stock_code: StockCode
    quantity: Annotated[int, Field(gt=0, description="委托数量（股/份/张）")]

    @field_validator("quantity")
    @classmethod
    def _lot(cls, value: int, info: ValidationInfo) -> int:
        return check_quantity(info.data.get("stock_code"), value, buy=cls.buy_side)


class BuyParams(_Sized):
    quantity: Annotated[int, Field(gt=0, description="买入数量（沪深主板/创业板100的整数倍，科创板≥200股）")]
    price: Price = Field(description="买入价格（股票0.01元，基金/债券0.001元）")

    @field_validator("price")
    @classmethod
    def _tick(cls, value: Decimal, info: ValidationInfo) -> Decimal:
        return check_price(info.data.get("stock_code"), info.data.get("quantity"), value)


class SellParams(BuyParams):
    """Sell sizes are not lot-checked here: an odd-lot remainder is legal and only the position
    can tell whether this quantity is one; the broker decides with the position at hand."""

    buy_side: ClassVar[bool] = False

    quantity: Annotated[int, Field(gt=0, description="卖出数量（100的整数倍；不足100股的零股须一次性卖出）")]
    price: Price = Field(description="卖出价格（股票0.01元，基金/债券0.001元）")


PROTECT_PRICE = (
    "保护价（可选，元）：只用于风控估值，不随委托发送。没有行情的后端（同花顺）在设置了 [risk].max_order_value 时，"
    "按 保护价×数量 计入单笔委托金额上限；不提供则该委托被拒绝。模拟券商按行情估值（买入按涨停价，卖出按最新价）"
)


class MarketBuyParams(_Sized):
    execution_strategy: Annotated[int, Field(ge=1, le=6)] = Field(
        3,
        description="成交策略：1-对手方最优 2-本方最优 3-最优五档即时成交剩余撤销 4-即时成交剩余撤销 "
        "5-全额成交或撤销 6-最优五档即时成交剩余转限价；沪市不支持的策略按3执行",
    )
    protect_price: Price | None = Field(None, description=PROTECT_PRICE)


class MarketSellParams(MarketBuyParams):
    buy_side: ClassVar[bool] = False


class ConditionParams(_Sized):
    target_price: Price = Field(description="目标价格（触发价格）")
    expire_days: ExpireDays = Field(30, description="有效期（自然日），可选1/3/5/10/20/30，默认30")

    @field_validator("target_price")
    @classmethod
    def _tick(cls, value: Decimal, info: ValidationInfo) -> Decimal:
        return check_price(info.data.get("stock_code"), info.data.get("quantity"), value)


class ConditionSellParams(ConditionParams):
    buy_side: ClassVar[bool] = False
