"""The sim's control surface: quotes, clock, reset, state — outside the operation queue.

Why outside the queue: these move the market and the clock, not the account; a paper trader sets
a price and expects resting orders to react at once, even while an operation is queued. The
handlers are plain `def` so FastAPI runs them in its threadpool: they take the broker's lock,
which the worker thread may hold for a moment, and must never block the event loop.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request

from easyths.api.envelope import ok
from easyths.brokers.abilities import BacksOntoSim
from easyths.brokers.sim import SimBroker
from easyths.domain.codes import classify
from easyths.errors import InvalidParams, NotFound
from easyths.params.sim import AdvanceBody, IpoBody, QuoteBody, ResetBody

router = APIRouter(prefix="/api/v1/sim", tags=["模拟券商"])


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
