"""The sim's control surface: quotes, clock, reset, state — outside the operation queue.

Why outside the queue: these move the market and the clock, not the account; a paper trader sets
a price and expects resting orders to react at once, even while an operation is queued. The
handlers are plain `def` so FastAPI runs them in its threadpool: they take the broker's lock,
which the worker thread may hold for a moment, and must never block the event loop.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from easyths.api.envelope import ok
from easyths.brokers.abilities import BacksOntoSim
from easyths.brokers.sim import SimBroker
from easyths.domain.codes import classify
from easyths.domain.money import decimal_from_json
from easyths.errors import InvalidParams, NotFound

router = APIRouter(prefix="/api/v1/sim", tags=["模拟券商"])


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


def get_sim(request: Request) -> SimBroker:
    broker = getattr(request.app.state, "broker", None)
    if isinstance(broker, BacksOntoSim):  # `--backend emulator`: the sim behind the emulated client
        broker = broker.sim
    if not isinstance(broker, SimBroker):
        raise NotFound("当前后端不是模拟券商")
    return broker


Sim = Annotated[SimBroker, Depends(get_sim)]


@router.put("/quotes/{stock_code}", summary="设置行情（撮合挂单与条件单）")
def put_quote(stock_code: str, body: QuoteBody, sim: Sim) -> dict[str, Any]:
    try:
        inst = classify(stock_code)
    except ValueError as exc:
        raise InvalidParams(str(exc), details=[{"field": "stock_code", "message": str(exc)}]) from exc
    # an off-tick quote (10.123 for a stock) would trade at a price no order can carry and make the
    # grids disagree (成交均价 10.12, 市值 1012.30)
    off_tick = [
        {"field": field, "message": f"价格的小数应为{inst.tick}的整数倍"}
        for field in ("price", "prev_close", "bid", "ask")
        if (value := getattr(body, field)) is not None and value % inst.tick
    ]
    if off_tick:
        text = "; ".join(f"{d['field']}: {d['message']}" for d in off_tick)
        raise InvalidParams(f"参数无效: {text}", details=off_tick)
    quote = sim.set_quote(
        stock_code, body.price, body.prev_close, name=body.name, bid=body.bid, ask=body.ask, volume=body.volume
    )
    return ok(quote, f"{stock_code} 行情已更新")


@router.post("/clock/advance", summary="推进虚拟时钟（经过日切）")
def advance_clock(body: AdvanceBody, sim: Sim) -> dict[str, Any]:
    return ok(sim.advance(days=body.days, to=body.to), "时钟已推进")


RESET_MESSAGE = (
    "模拟账户已重置：资金为 {cash:,.2f} 元，委托、成交、持仓、条件单和逆回购已清空；"
    "行情和模拟时钟保留（时间不会倒退），合同编号继续递增、不会重复使用"
)


@router.post("/reset", summary="重置模拟账户")
def reset(sim: Sim, body: ResetBody | None = None) -> dict[str, Any]:
    cash = body.cash if body and body.cash is not None else None
    state = sim.reset(cash)
    return ok(state, RESET_MESSAGE.format(cash=cash if cash is not None else sim.settings.initial_cash))


@router.post("/ipos", summary="加入或替换一只新股/新债（打新演练的发行日历）")
def add_ipo(body: IpoBody, sim: Sim) -> dict[str, Any]:
    issue = sim.add_ipo(body.model_dump(mode="json"))
    return ok(issue, f"已加入发行 {issue['name']}（{issue['stock_code']}）")


@router.get("/ipos", summary="发行日历：内置示例、ipos.csv 与 API 加入的全部发行")
def list_ipos(sim: Sim) -> dict[str, Any]:
    return ok(sim.list_ipos(), "查询成功")


@router.get("/state", summary="时钟、交易时段与行情")
def state(sim: Sim) -> dict[str, Any]:
    return ok(sim.state(), "查询成功")


__all__ = ["router"]
