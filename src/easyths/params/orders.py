"""Params of the operations that place, cancel or arm something (buy/sell, market, condition,
stop-loss, repo, 打新, cancels).

Checks are field validators, not model validators, so a 422 names the offending field
(`quantity`, `price`): fields validate in declaration order, so `stock_code` is already known.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated, ClassVar

from pydantic import Field, ValidationInfo, field_validator

from easyths.domain.codes import classify
from easyths.domain.sessions import AFTER_HOURS_ALL_FROM, AFTER_HOURS_MAX_QTY, after_hours_eligible
from easyths.params.fields import (
    CancelSide,
    ConditionSide,
    ExpireDays,
    Params,
    Percent,
    Price,
    RepoMarket,
    RepoTerm,
    StockCode,
)

# 国债逆回购 terms as the client names them, and their days.
REPO_TERM_DAYS: dict[RepoTerm, int] = {
    "1天期": 1,
    "2天期": 2,
    "3天期": 3,
    "4天期": 4,
    "7天期": 7,
    "14天期": 14,
    "28天期": 28,
    "91天期": 91,
    "182天期": 182,
}


CONTRACT_NO = r"^[0-9]{1,20}$"  # 合同编号 as the client shows it (ASCII digits: not １００１)


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


class StopLossProfitParams(OrderParams):
    stock_code: StockCode
    stop_loss_percent: Percent = Field(description="止损百分比（如3表示3%）")
    stop_profit_percent: Percent = Field(description="止盈百分比（如5表示5%）")
    quantity: Annotated[int | None, Field(gt=0)] = Field(
        None, description="卖出数量（整手），可选，不指定则使用全部可用持仓"
    )
    expire_days: ExpireDays = Field(30, description="有效期（自然日），可选1/3/5/10/20/30，默认30")
    protect_price: Price | None = Field(
        None,
        description="保护价（可选，元）：只用于风控估值。没有行情与持仓的后端（同花顺）在设置了 "
        "[risk].max_order_value 时，按 保护价×quantity 计入单笔委托金额上限；模拟券商按止盈触发价×数量估值",
    )

    @field_validator("stop_profit_percent")
    @classmethod
    def _profit_above_loss(cls, value: Decimal, info: ValidationInfo) -> Decimal:
        loss = info.data.get("stop_loss_percent")
        if loss is not None and value <= loss:
            raise ValueError("止盈百分比必须大于止损百分比")
        return value

    @field_validator("quantity")
    @classmethod
    def _size(cls, value: int | None, info: ValidationInfo) -> int | None:
        code = info.data.get("stock_code")
        return value if value is None or code is None else check_quantity(code, value, buy=False)


class ReverseRepoBuyParams(OrderParams):
    market: RepoMarket = Field(description="交易市场：上海/深圳")
    time_range: RepoTerm = Field(description="回购期限：1天期/2天期/3天期/4天期/7天期（及14/28/91/182天期）")
    amount: Annotated[int, Field(gt=0, description="出借金额（元，必须是1000的倍数）")]

    @field_validator("amount")
    @classmethod
    def _thousands(cls, value: int) -> int:
        if value % 1000:
            raise ValueError("出借金额必须是1000的倍数且不小于1000")
        return value


class IpoSubscribeParams(OrderParams):
    stock_code: StockCode = Field(description="申购代码或证券代码（6位数字，见 ipo_query）")
    quantity: Annotated[int, Field(gt=0)] | None = Field(
        None, description="申购数量（股/张，申购单位的整数倍）；不填为额度与申购上限允许的最大数量"
    )


class OrderCancelParams(Params):
    stock_code: StockCode | None = Field(None, description="股票代码，不指定则撤销所有")
    cancel_type: CancelSide = Field("all", description="撤单类型：all(全部)/buy(买入)/sell(卖出)，默认 all")
    contract_no: str | None = Field(None, pattern=CONTRACT_NO, description="合同编号：只撤这一笔委托（可选）")

    @field_validator("contract_no", mode="before")
    @classmethod
    def _digits(cls, value: object) -> object:
        """The pattern's own refusal says only 格式不正确; this one says what a 合同编号 looks like."""
        if isinstance(value, str) and not re.fullmatch(CONTRACT_NO, value):
            raise ValueError("合同编号必须是1到20位数字")
        return value


class ConditionOrderCancelParams(Params):
    stock_code: StockCode | None = Field(None, description="股票代码(6位数字)，不指定则删除所有条件单")
    order_type: ConditionSide | None = Field(None, description="订单类型：买入/卖出，不指定则不限")


__all__ = [
    "PROTECT_PRICE",
    "REPO_TERM_DAYS",
    "BuyParams",
    "ConditionOrderCancelParams",
    "ConditionParams",
    "ConditionSellParams",
    "IpoSubscribeParams",
    "MarketBuyParams",
    "MarketSellParams",
    "OrderCancelParams",
    "OrderParams",
    "ReverseRepoBuyParams",
    "SellParams",
    "StopLossProfitParams",
    "check_price",
    "check_quantity",
]
