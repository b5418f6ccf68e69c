"""Risk limits and the kill switch: `GET /risk`, `POST /pause`, `POST /resume` under /api/v1/system.

Pause refuses new orders (503 TRADING_PAUSED) and lets queries and cancels run; it can also
cancel the orders still waiting in the queue, so a runaway strategy's backlog never reaches the
broker. The state is kept in the data folder and survives a restart.

Condition orders armed before the pause would otherwise still send orders during it. The sim
monitors its own, so it holds them (`HoldsConditions`) and fires at resume those still met; the
THS client monitors its own where we cannot reach, so the answer says so, and
`cancel_conditions: true` queues a `condition_order_cancel` (all of them) at top priority.
"""

from __future__ import annotations

import contextlib
from typing import Annotated, Any

from fastapi import APIRouter, Body, Request
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from easyths.api.deps import EngineDep, SettingsDep
from easyths.api.envelope import ok
from easyths.brokers.abilities import HoldsConditions
from easyths.engine.records import OpStatus
from easyths.errors import Conflict
from easyths.risk.guard import KillSwitch, RiskGuard

router = APIRouter(prefix="/api/v1/system", tags=["系统"])


class PauseRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    reason: str | None = Field(None, max_length=200, description="暂停原因（显示在拒绝信息与健康检查中）")
    cancel_queued: bool | None = Field(
        None, description="是否同时取消排队中的委托；不传时按 [risk].cancel_queued_on_pause"
    )
    cancel_conditions: bool = Field(
        False,
        description="是否同时删除全部条件单（以最高优先级排入 condition_order_cancel）；同花顺的条件单保存在客户端，"
        "暂停本身挡不住它们",
    )


def _switch(request: Request) -> KillSwitch:
    kill_switch: KillSwitch = request.app.state.kill_switch  # Starlette's State is untyped
    return kill_switch


def _guard(request: Request) -> RiskGuard:
    risk: RiskGuard = request.app.state.risk  # Starlette's State is untyped
    return risk


@router.get("/risk", summary="风控限额与今日计数")
async def risk(request: Request) -> dict[str, Any]:
    data = _guard(request).view()
    data["trading"] = _switch(request).state.view()
    return ok(data)


@router.post("/pause", summary="暂停交易（拒绝新委托，查询照常）")
async def pause(
    request: Request,
    engine: EngineDep,
    settings: SettingsDep,
    body: Annotated[PauseRequest | None, Body()] = None,
) -> dict[str, Any]:
    body = body or PauseRequest()
    state = _switch(request).pause(body.reason)
    cancel = settings.risk.cancel_queued_on_pause if body.cancel_queued is None else body.cancel_queued
    cancelled: list[str] = []
    if cancel:
        for rec in engine.reader.recent(OpStatus.QUEUED, settings.queue.max_size):
            if rec.command is not None and rec.command.kind.places:
                with contextlib.suppress(Conflict):  # it started meanwhile
                    cancelled.append(engine.cancel(rec.id).id)
    message = "交易已暂停：新委托将被拒绝，查询与撤单照常"
    if cancel:
        message += f"；已取消排队中的委托 {len(cancelled)} 笔"
    holder = _holder(request)
    if holder is not None:
        await run_in_threadpool(holder.hold_conditions, True)
        message += "；已设置的条件单暂停期间不触发，恢复时仍满足条件的立即触发"
    else:
        message += "；注意：同花顺的条件单保存在客户端，暂停无法阻止它们触发"
    condition_cancel = None
    if body.cancel_conditions:
        condition_cancel = engine.submit("condition_order_cancel", {}, priority=10).record.id
        message += f"，已排入删除全部条件单的操作 {condition_cancel}"
    elif holder is None:
        message += "，如需停止请带 cancel_conditions: true 暂停，或在客户端中删除"
    data = {
        **state.view(),
        "cancelled": cancelled,
        "conditions_held": holder is not None,
        "condition_cancel_operation_id": condition_cancel,
    }
    return ok(data, message)


@router.post("/resume", summary="恢复交易")
async def resume(request: Request) -> dict[str, Any]:
    state = _switch(request).resume()
    holder = _holder(request)
    fired = await run_in_threadpool(holder.hold_conditions, False) if holder is not None else 0
    message = "交易已恢复" + (f"；仍满足条件的 {fired} 个条件单已触发" if fired else "")
    return ok({**state.view(), "conditions_fired": fired}, message)


def _holder(request: Request) -> HoldsConditions | None:
    return getattr(request.app.state, "condition_holder", None)
