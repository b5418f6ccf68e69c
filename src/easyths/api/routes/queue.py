"""Queue routes: statistics and the journal of submitted operations."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from easyths.api.contracts.bodies import bodies
from easyths.api.deps import ReaderDep, engine_of
from easyths.api.responses import QueueStats, RecentOperations, either
from easyths.engine.records import OpStatus

router = APIRouter(prefix="/api/v1/queue", tags=["队列"])


@router.get("/stats", response_model=either(QueueStats), summary="队列统计：各状态的操作数")
async def stats(request: Request) -> JSONResponse:
    engine = engine_of(request)  # polled by monitors and the dashboard: no dependency to resolve
    return JSONResponse(bodies().queue_stats(engine.stats()))


@router.get("/operations", response_model=either(RecentOperations), summary="最近的操作（可按状态筛选）")
async def recent_operations(
    reader: ReaderDep,
    status: OpStatus | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> JSONResponse:
    """Most recent operations first, from the journal (optionally one status)."""
    return JSONResponse(bodies().recent(reader.recent(status, limit)))
