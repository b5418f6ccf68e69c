from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from easyths.api.app import create_app
from easyths.settings import Settings, load_settings
from tests.fakes import FakeBroker


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """`posix_only` tests (signals, file modes, euid) are skipped on Windows; the rest run there."""
    if sys.platform != "win32":
        return
    skip = pytest.mark.skip(reason="POSIX only")
    for item in items:
        if item.get_closest_marker("posix_only"):
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test may read the developer's ~/.easyths, ./config.toml or API_KEY."""
    monkeypatch.setenv("EASYTHS_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("API_KEY", raising=False)
    monkeypatch.chdir(tmp_path)


def make_settings(tmp_path: Path, **sections: dict) -> Settings:
    return load_settings(None, app={"home": str(tmp_path / "home")}, **sections)


@pytest.fixture
def fake() -> FakeBroker:
    return FakeBroker()


@pytest.fixture
def client(tmp_path: Path, fake: FakeBroker) -> Iterator[TestClient]:
    settings = make_settings(tmp_path, queue={"operation_timeout": 5, "reconcile_delays": [0.05, 0.1]})
    with TestClient(create_app(settings, broker=fake), base_url="http://127.0.0.1") as c:
        yield c
