"""A query's table is not written to the journal: its verdict is, and the table stays in memory
for the client that fetches it at once. After that (here: after a restart), asking for it is a
clear 410, never the summary in its place nor an empty table. Orders keep their whole result."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from fastapi.testclient import TestClient

from easyths.api.app import create_app
from tests.conftest import make_settings


def _journalled(home: Path, op_id: str) -> dict:
    with sqlite3.connect(home / "journal.db") as db:
        (raw,) = db.execute("SELECT result FROM operations WHERE id = ?", (op_id,)).fetchone()
    return json.loads(raw)


def test_a_query_is_journalled_without_its_table_and_expires_honestly(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    home = settings.home
    with TestClient(create_app(settings), base_url="http://127.0.0.1") as c:
        c.put("/api/v1/sim/quotes/600000", json={"price": 10.5, "prev_close": 10.4})
        buy = c.post("/api/v1/operations/buy?wait=10", json={"params": {"stock_code": "600000", "price": 10.5,
                                                                         "quantity": 100}}).json()["data"]  # fmt: skip
        query = c.post("/api/v1/operations/order_query?wait=10", json={}).json()["data"]
        assert query["result"]["data"]["orders"][0]["合同编号"] == "100000001"  # the client gets the table
        fetched = c.get(f"/api/v1/operations/{query['operation_id']}/result").json()
        assert fetched["data"]["orders"][0]["合同编号"] == "100000001"
    kept = _journalled(home, query["operation_id"])
    assert kept["expired"] is True and kept["success"] is True and kept["data"]["rows"] == 1
    assert "合同编号" not in json.dumps(kept, ensure_ascii=False)  # the table never reached the disk
    assert _journalled(home, buy["operation_id"])["data"]["合同编号"] == "100000001"  # orders keep theirs

    with TestClient(create_app(make_settings(tmp_path)), base_url="http://127.0.0.1") as c:  # memory is gone
        r = c.get(f"/api/v1/operations/{query['operation_id']}/result")
        assert r.status_code == 410 and r.json()["error_code"] == "RESULT_EXPIRED", r.text
        assert "重新提交查询" in r.json()["message"]
        status = c.get(f"/api/v1/operations/{query['operation_id']}/status").json()  # the verdict stands
        assert status["data"]["status"] == "success" and "重新提交查询" in status["message"]
        assert status["data"]["result"] == {"success": True, "data": None, "expired": True}
        v2 = c.get(f"/api/v1/operations/{query['operation_id']}/status", headers={"X-EasyTHS-Contract": "v2"})
        assert v2.status_code == 410 and "重新提交查询" in v2.json()["message"]
        order = c.get(f"/api/v1/operations/{buy['operation_id']}/result").json()
        assert order["data"]["合同编号"] == "100000001"
