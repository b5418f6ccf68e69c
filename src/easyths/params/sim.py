"""The bodies of the sim's control routes (quotes, clock, reset, the 打新 calendar), shared by the
routes and the SDK's `client.sim` like the operations' params."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from easyths.domain.money import decimal_from_json

Money = Annotated[Decimal, BeforeValidator(decimal_from_json), Field(gt=0, le=1_000_000)]


class QuoteBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    price: Money = Field(description="最新价（逆回购代码为年化利率%，如 2.5）")
    prev_close: Money | None = Field(None, description="昨收价；不填时沿用上次的昨收，首次为最新价")
    name: str | None = Field(None, min_length=1, max_length=32, description="证券名称（含 ST 时按风险警示股限价）")
    bid: Money | None = Field(None, description="买一价；不填时等于最新价")
    ask: Money | None = Field(None, description="卖一价；不填时等于最新价")
    volume: int | None = Field(None, ge=0, description="本笔行情可成交数量；不填为不限量")

    @model_validator(mode="after")
    def _book(self) -> QuoteBody:
        if self.bid is not None and self.ask is not None and self.bid > self.ask:
            raise ValueError("买一价不能高于卖一价")
        return self


class AdvanceBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    days: int | None = Field(None, ge=1, le=3650, description="推进到第 n 个后续交易日的 09:30")
    to: datetime | None = Field(None, description="推进到的时间（ISO 格式，无时区按上海时间）")

    @model_validator(mode="after")
    def _exactly_one(self) -> AdvanceBody:
        if (self.days is None) == (self.to is None):
            raise ValueError("days 和 to 必须且只能提供一个")
        return self


class ResetBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    cash: Annotated[Decimal, BeforeValidator(decimal_from_json), Field(ge=0, le=10**12)] | None = Field(
        None, description="初始资金（元），不填用 [sim].initial_cash"
    )

    @field_validator("cash")
    @classmethod
    def _cents(cls, value: Decimal | None) -> Decimal | None:
        if value is not None and value % Decimal("0.01"):
            raise ValueError("资金的最小单位为0.01元")
        return value


class IpoBody(BaseModel):
    """One issue of the sim's calendar (`docs/rules.md#ipo-calendar`)."""

    model_config = ConfigDict(extra="forbid")

    stock_code: str = Field(min_length=6, max_length=6, description="证券代码（上市后的代码）")
    subscribe_code: str = Field(min_length=6, max_length=6, description="申购代码（深市新股与证券代码相同）")
    name: str = Field(min_length=1, max_length=32, description="名称")
    kind: Literal["stock", "bond"] = Field(description="stock 新股 / bond 新债（可转债）")
    price: Money = Field(description="发行价（元；新债为面值 100）")
    cap: int = Field(gt=0, le=10_000_000, description="申购上限（股/张，申购单位的整数倍）")
    subscribe_date: date = Field(description="申购日（T 日，交易日）")
    winning_rate: Annotated[Decimal, BeforeValidator(decimal_from_json), Field(gt=0, le=1)] = Field(
        description="中签率（小数，如 0.00035 即 0.035%）"
    )
    listing_date: date = Field(description="上市日（T+2 之后的交易日）")


__all__ = ["AdvanceBody", "IpoBody", "Money", "QuoteBody", "ResetBody"]
