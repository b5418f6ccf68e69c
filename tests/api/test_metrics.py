"""/metrics after a few operations: counters by name and status, latency, queue depth, journal,
broker errors; behind the same auth as the API."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from easyths import Client, OperationFailed
from easyths.api.app import create_app
from easyths.client import AppTransport
from tests.conftest import make_settings
from tests.fakes import FakeBroker

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
KEY = "k" * 32


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    out = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


def test_metrics_count_operations_by_name_and_status(tmp_path: Path) -> None:
    with AppTransport(create_app(make_settings(tmp_path, api={"key": KEY}))) as app:
        client = Client(transport=app, api_key=KEY)
        tc = httpx.Client(transport=app, base_url="http://127.0.0.1")
        client.sim.set_quote("600000", 10.5)
        client.buy("600000", 10.5, 100)
        client.buy("600000", 10.5, 100)
        client.funds()
        with pytest.raises(OperationFailed):
            client.sell("600000", 10.5, 100)  # bought today: nothing sellable yet (T+1)
        assert tc.get("/metrics").status_code == 401
        r = tc.get("/metrics", headers={"Authorization": f"Bearer {KEY}"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    m = samples(r.text)
    assert m[("easyths_operations_total", (("name", "buy"), ("status", "success")))] == 2
    assert m[("easyths_operations_total", (("name", "funds_query"), ("status", "success")))] == 1
    assert m[("easyths_operations_total", (("name", "sell"), ("status", "failed")))] == 1
    assert m[("easyths_operation_seconds_count", (("name", "buy"),))] == 2
    assert m[("easyths_operation_run_seconds_count", (("name", "funds_query"),))] == 1
    assert m[("easyths_broker_errors_total", (("error_code", "BROKER_REJECTED"),))] == 1
    assert m[("easyths_queue_depth", ())] == 0
    assert m[("easyths_journal_bytes", ())] > 0
    assert m[("easyths_journal_operations", (("status", "success"),))] == 3


def test_queue_depth_shows_waiting_operations(tmp_path: Path) -> None:
    fake = FakeBroker()
    fake.gate.clear()
    try:
        with AppTransport(create_app(make_settings(tmp_path), broker=fake)) as app:
            client = Client(transport=app)
            tc = httpx.Client(transport=app, base_url="http://127.0.0.1")
            client.submit("buy", {"stock_code": "600000", "price": 10.5, "quantity": 100})
            assert fake.entered.wait(5)
            client.submit("funds_query")
            client.submit("funds_query")
            m = samples(tc.get("/metrics").text)
            assert m[("easyths_queue_depth", ())] == 2 and m[("easyths_queue_running", ())] == 1
            fake.gate.set()
    finally:
        fake.gate.set()
