"""`GET /api/v1/events`: live events as server-sent events, replayable by id.

Each event is one `id:` line (its number in the journal's events table) and one `data:` line of
JSON (`type`, `operation_id`, `name`, `status`, `at` and the event's own fields). `Last-Event-ID`
(the header browsers send when they reconnect, or the `last_event_id` query) first replays what is
stored after that id, then the stream goes live; without it the stream starts with new events.
Comment lines (`: ping`) every `[events].heartbeat` seconds keep proxies from closing it.

A replay that cannot be complete says so instead of silently starting later: when events after
`Last-Event-ID` were already trimmed (`[events].keep`), a `gap` event comes first, and when the id
is beyond anything stored (another data folder, a deleted events.db) a `reset` event does; both
tell the client to re-read its state with the query operations. A `gap` carries the id of the last
trimmed event, so a client that reconnects after it is not told twice.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import StreamingResponse

from easyths.engine.events import EventLog
from easyths.engine.records import now
from easyths.errors import InvalidParams

router = APIRouter(prefix="/api/v1", tags=["事件"])

REPLAY_PAGE = 1000


def frame(event: dict[str, Any]) -> str:
    return f"id: {event['id']}\ndata: {json.dumps(event, ensure_ascii=False, separators=(',', ':'))}\n\n"


def _cursor(query: int | None, header: str | None) -> int | None:
    if query is not None:
        return query
    if header is None or not header.strip():
        return None
    try:
        return max(int(header.strip()), 0)
    except ValueError:
        raise InvalidParams(
            "Last-Event-ID 必须是事件编号（整数）", details=[{"field": "Last-Event-ID", "message": "必须是整数"}]
        ) from None


async def stream(request: Request, log: EventLog, cursor: int | None, heartbeat: float) -> AsyncIterator[str]:
    sub = log.subscribe()  # before the replay, so nothing committed in between is missed
    try:
        yield f"retry: 2000\n: EasyTHS 事件流，从 {cursor if cursor is not None else '最新'} 之后开始\n\n"
        if cursor is not None:
            notice, replay_from = await asyncio.to_thread(_continuity, log, cursor)
            cursor = replay_from
            if notice is not None:
                yield notice
            while True:
                page = await asyncio.to_thread(log.since, cursor, REPLAY_PAGE)
                for event in page:
                    cursor = int(event["id"])
                    yield frame(event)
                if len(page) < REPLAY_PAGE:
                    break
        while not (sub.lagging or sub.closed):
            try:
                event = await asyncio.wait_for(sub.queue.get(), heartbeat)
            except TimeoutError:
                if await request.is_disconnected():
                    return
                yield ": ping\n\n"
                continue
            if sub.closed:
                return
            if cursor is not None and event["id"] <= cursor:
                continue  # already sent by the replay
            cursor = event["id"]
            yield frame(event)
        # too far behind: end the stream; the client reconnects with Last-Event-ID and replays
    finally:
        log.unsubscribe(sub)


def _continuity(log: EventLog, cursor: int) -> tuple[str | None, int]:
    """A `gap` or `reset` frame when the replay after `cursor` cannot be complete, and the cursor
    to replay from."""
    oldest, newest = log.bounds()
    at = now().isoformat()
    if cursor > newest:
        notice = {
            "id": newest, "type": "reset", "operation_id": None, "name": None, "status": None, "at": at,
            "last_event_id": cursor, "newest_id": newest,
            "message": f"事件编号 {cursor} 超出已保存的范围（最新为 {newest}），可能是换了数据目录或事件库被删除；"
            "请用查询接口重新核对委托、持仓与操作状态，之后从最新事件继续",
        }  # fmt: skip
        return frame(notice), newest
    if oldest > cursor + 1:
        notice = {
            "id": oldest - 1, "type": "gap", "operation_id": None, "name": None, "status": None, "at": at,
            "missed_from": cursor + 1, "missed_to": oldest - 1,
            "message": f"事件 {cursor + 1}–{oldest - 1} 已超出保留范围（[events].keep），无法补发；"
            "请用查询接口重新核对委托、持仓与操作状态",
        }  # fmt: skip
        return frame(notice), oldest - 1
    return None, cursor


@router.get(
    "/events",
    summary="实时事件流（SSE）：操作状态变化、成交、条件单触发",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}, "description": "text/event-stream，每条事件一个 JSON"}},
)
async def events(
    request: Request,
    last_event_id: Annotated[
        int | None, Query(ge=0, description="从这个事件编号之后开始补发（与 Last-Event-ID 请求头相同）")
    ] = None,
    last_event_id_header: Annotated[str | None, Header(alias="Last-Event-ID", include_in_schema=False)] = None,
) -> StreamingResponse:
    log: EventLog = request.app.state.events
    heartbeat = request.app.state.settings.events.heartbeat
    cursor = _cursor(last_event_id, last_event_id_header)
    return StreamingResponse(
        stream(request, log, cursor, heartbeat),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


def close_streams(app: Any) -> None:
    """Called when the server starts stopping (see `cli.main.serve`): open streams end at once."""
    log: EventLog | None = getattr(app.state, "events", None)
    if log is not None:
        log.close_streams()


__all__ = ["close_streams", "router"]
