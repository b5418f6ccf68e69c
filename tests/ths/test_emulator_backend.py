"""`--backend emulator` in process: `[emulator]` settings (faults as JSON from the environment),
the service over the emulated client with the sim controls, and a dead client coming back."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from easyths.api.app import create_app
from easyths.brokers.factory import create_broker
from easyths.brokers.ths.emulator.backend import EmulatedThsBroker
from easyths.errors import ConfigError
from easyths.settings import load_settings
from tests.conftest import make_settings


def test_faults_come_from_the_environment_as_json(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EASYTHS_EMULATOR__FAULTS", '{"continue_prompt": 1.0, "stray_popup": 0.2}')
    monkeypatch.setenv("EASYTHS_EMULATOR__LATENCY_MS", "50")
    settings = load_settings(None, app={"home": str(tmp_path)})
    assert settings.emulator.faults == {"continue_prompt": 1.0, "stray_popup": 0.2}
    assert settings.emulator.latency_ms == 50 and settings.emulator.popups is False


@pytest.mark.parametrize("faults", ['{"no_such_fault": 1.0}', '{"lost_click": 1.5}'])
def test_a_wrong_fault_is_a_config_error_naming_the_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, faults: str
) -> None:
    monkeypatch.setenv("EASYTHS_EMULATOR__FAULTS", faults)
    with pytest.raises(ConfigError, match=r"emulator\.faults"):
        load_settings(None, app={"home": str(tmp_path)})


def test_the_service_over_the_emulated_client_with_sim_controls(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, broker={"backend": "emulator"})
    broker = create_broker(settings)
    assert isinstance(broker, EmulatedThsBroker) and broker.backend == "emulator"
    try:
        with TestClient(create_app(settings, broker=broker), base_url="http://127.0.0.1") as client:
            assert client.put("/api/v1/sim/quotes/600000", json={"price": 10.0, "prev_close": 10.0}).status_code == 200
            r = client.post(
                "/api/v1/operations/buy?wait=5",
                json={"params": {"stock_code": "600000", "price": 10.0, "quantity": 100}},
            )
            body = r.json()
            assert body["success"] is True, body
            contract = body["data"]["result"]["data"]["合同编号"]
            assert [o["合同编号"] for o in broker.sim.today_orders()] == [contract]
            health = client.get("/api/v1/system/health").json()["data"]
            assert health["components"]["backend"] == "emulator"
    finally:
        broker.close()


def test_a_dead_emulated_client_comes_back_after_a_while(tmp_path: Path) -> None:
    settings = make_settings(
        tmp_path, broker={"backend": "emulator", "step_timeout": 0.2}, emulator={"restart_after": 0.3}
    )
    broker = create_broker(settings)
    assert isinstance(broker, EmulatedThsBroker)
    try:
        broker.emulator.kill()
        assert not broker.health().connected
        time.sleep(0.35)
        assert broker.holdings() == []  # re-attached to the restarted client
        assert broker.health().connected
    finally:
        broker.close()
