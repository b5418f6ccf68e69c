"""The virtual clock moves at most two years per advance, and a failed advance leaves it where it
was (9999-12-31 used to burn minutes of CPU, answer 500 and leave the clock broken)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from easyths.api.app import create_app
from easyths.brokers.base import Side
from easyths.brokers.sim import SimBroker
from easyths.errors import InvalidParams
from tests.brokers.sim.support import D, open_broker
from tests.conftest import make_settings


@pytest.fixture
def sim(tmp_path: Path) -> Iterator[SimBroker]:
    broker = open_broker(tmp_path / "sim.db")
    broker.set_quote("600000", D("10.50"), D("10.40"))
    yield broker
    broker.close()


def test_a_far_target_is_refused_over_http_before_any_day_is_processed(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, sim={"start": "2026-11-25T09:30:00"})
    with TestClient(create_app(settings), base_url="http://127.0.0.1") as c:
        before = c.get("/api/v1/sim/state").json()["data"]
        for body in ({"to": "9999-12-31T10:00:00"}, {"days": 3650}, {"to": "2028-11-26T09:30:00"}):
            r = c.post("/api/v1/sim/clock/advance", json=body)
            assert r.status_code == 422, (body, r.text)
            assert r.json()["error_code"] == "INVALID_PARAMS" and "2 年" in r.json()["message"]
        after = c.get("/api/v1/sim/state").json()["data"]
        assert (after["clock"], after["trading_day"]) == (before["clock"], before["trading_day"])
        assert c.post("/api/v1/sim/clock/advance", json={"to": "2028-11-24T09:30:00"}).status_code == 200


def test_an_advance_that_fails_midway_leaves_the_clock_and_the_days_as_they_were(
    sim: SimBroker, monkeypatch: pytest.MonkeyPatch
) -> None:
    sim.place_order(Side.BUY, "600000", D("10.50"), 100)  # filled today: sellable only after settlement
    before = sim.state()

    def broken(*args: object) -> None:
        raise RuntimeError("磁盘已满")

    monkeypatch.setattr("easyths.brokers.sim.control.repo.mature", broken)
    with pytest.raises(RuntimeError):
        sim.advance(days=3)
    after = sim.state()
    assert (after["clock"], after["trading_day"]) == (before["clock"], before["trading_day"])
    assert sim.holdings()[0]["可用余额"] == 0  # T+1 settlement was undone with the rest
    monkeypatch.undo()
    sim.advance(days=1)
    assert sim.state()["clock"] == datetime(2026, 11, 26, 9, 30).isoformat() + "+08:00"
    assert sim.holdings()[0]["可用余额"] == 100


def test_going_back_in_time_is_still_refused(sim: SimBroker) -> None:
    with pytest.raises(InvalidParams, match="过去"):
        sim.advance(to=datetime(2026, 11, 24, 9, 30))
