"""`GET /api/v1/dashboard/account`: the dashboard's funds, holdings and orders in one read.

Why a route of its own rather than three submits from the page: the answer comes from
`AccountFeed`, which reuses a recent result or joins a query already in the queue, and submits new
queries only below every client priority, so open dashboard tabs cost the broker (on THS: the
client's GUI) as little as the data allows. Behind the API key like every `/api/v1` route.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from easyths.api.account_feed import AccountFeed
from easyths.api.envelope import ok
from easyths.settings import Settings

router = APIRouter(prefix="/api/v1/dashboard", tags=["看板"])


@router.get("/account", summary="看板用：资金、持仓与当日委托（复用近期结果，低优先级查询）")
async def account(
    request: Request,
    max_age: Annotated[
        float | None,
        Query(
            ge=0,
            le=3600,
            description="可复用几秒内完成的查询结果（期间账户无变化时）；0 为重新查询；默认 [web].refresh_seconds",
        ),
    ] = None,
    wait: Annotated[float, Query(gt=0, le=60, description="最多等待查询完成的秒数")] = 15,
) -> dict[str, Any]:
    """`data` has `funds_query`, `holding_query` and `order_query`, each with `operation_id`,
    `status`, `source` (`cache` reused, `joined` shared with a query already queued, `new`),
    `finished_at`, `age_seconds`, `data` (the query's result data) and `error`."""
    settings: Settings = request.app.state.settings
    feed: AccountFeed = request.app.state.account_feed
    age = settings.web.refresh_seconds if max_age is None else max_age
    return ok(await feed.read(age, wait))


__all__ = ["router"]
