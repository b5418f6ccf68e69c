from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.ths.support import Harness, sim_harness, ths_harness


@pytest.fixture(params=["sim", "ths"])
def h(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Harness]:
    """The same contract, once against the sim broker and once against the THS driver on the
    emulated client (backed by its own sim)."""
    harness = sim_harness(tmp_path / "sim.db") if request.param == "sim" else ths_harness(tmp_path / "sim.db")
    yield harness
    harness.sim.close()
