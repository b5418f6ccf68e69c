"""A sim broker on a real SQLite file, its virtual clock at a known session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from easyths.brokers.sim import SimBroker
from tests.brokers.sim.support import open_broker


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "sim.db"


@pytest.fixture
def sim(db: Path) -> Iterator[SimBroker]:
    broker = open_broker(db)
    yield broker
    broker.close()
