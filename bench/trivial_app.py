"""The floor: a trivial FastAPI app served by the same stack as EasyTHS (uvicorn, uvloop,
httptools, access log off). POST stores a body and returns an id; GET returns it. A submit→result
cycle of EasyTHS is measured against this POST+GET cycle: what is left is the engine's cost.
"""

from __future__ import annotations

import itertools
from typing import Any

from fastapi import Body, FastAPI

app = FastAPI()
_items: dict[int, Any] = {}
_ids = itertools.count(1)


@app.post("/items")
async def create(body: Any = Body(None)) -> dict[str, Any]:
    item_id = next(_ids)
    _items[item_id] = body
    if len(_items) > 10_000:
        _items.pop(next(iter(_items)))
    return {"success": True, "data": {"id": item_id}}


@app.get("/items/{item_id}")
async def read(item_id: int) -> dict[str, Any]:
    return {"success": True, "data": _items.get(item_id)}


@app.get("/ping")
async def ping() -> dict[str, Any]:
    return {"success": True}
