from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.ths.support import Harness, sim_harness, ths_harness


@pytest.fixture(params=["sim", "ths", "ths-popups"])
def h(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Harness]:
    """The same contract against the sim broker and against the THS driver on the emulated
    client (backed by its own sim), with the client's confirmation and success popups off (the
    reference's 快速交易 settings) and on."""
    if request.param == "sim":
        harness = sim_harness(tmp_path / "sim.db")
    else:
        harness = ths_harness(tmp_path / "sim.db", popups=request.param == "ths-popups")
    yield harness
    harness.sim.close()
