"""End to end: the `easyths` command on a loopback port, driven over HTTP like a user's script."""

from __future__ import annotations

import subprocess
import textwrap
import time
from pathlib import Path

import httpx

from tests.e2e.conftest import EASYTHS, WINDOWS_ESSENTIALS, Server, backend_args


def result(c: httpx.Client, op_id: str, timeout: float = 10) -> dict:
    return c.get(f"/api/v1/operations/{op_id}/result", params={"timeout": timeout}).json()


def submit(c: httpx.Client, name: str, params: dict, priority: int = 0) -> str:
    r = c.post(f"/api/v1/operations/{name}", json={"params": params, "priority": priority})
    assert r.status_code == 200, r.text
    return r.json()["data"]["operation_id"]


def test_user_script_against_a_started_service(tmp_path: Path, server_factory: type[Server], backend: str) -> None:
    server = server_factory(tmp_path / "home", {"API_KEY": "e2e-key"}, backend_args(backend)).start()
    with server.client() as c:
        assert httpx.get(f"{server.url}/api/v1/system/health").status_code == 401
        health = c.get("/api/v1/system/health").json()
        assert health["data"]["components"]["backend"] == backend
        assert c.put("/api/v1/sim/quotes/600000", json={"price": 10.5, "prev_close": 10.4}).status_code == 200
        buy = submit(c, "buy", {"stock_code": "600000", "price": 10.50, "quantity": 100}, priority=5)
        body = result(c, buy)
        assert body["success"] is True, body
        assert body["data"]["合同编号"]
        holdings = result(c, submit(c, "holding_query", {"return_type": "json"}))
        row = next(r for r in holdings["data"]["holdings"] if r["证券代码"] == "600000")
        assert row["股票余额"] == 100
        funds = result(c, submit(c, "funds_query", {}))["data"]
        assert funds["可用金额"] < 1_000_000
        assert c.post("/api/v1/operations/buy", json={"params": {"stock_code": "600000"}}).status_code == 422
    assert server.stop() == 0
    log_dir = tmp_path / "home" / "logs"
    assert not any("e2e-key" in p.read_text(errors="replace") for p in log_dir.iterdir())


def test_cli_flags(tmp_path: Path) -> None:
    out = subprocess.run([EASYTHS, "--version"], capture_output=True, text=True, check=True)
    assert out.stdout.startswith("easyths ")
    subprocess.run([EASYTHS, "--get_config"], cwd=tmp_path, capture_output=True, check=True)
    assert "[sim.fees]" in (tmp_path / "config.toml").read_text(encoding="utf-8")
    (tmp_path / "bad.toml").write_text("[queue]\nmax_size = -5\n", encoding="utf-8")
    bad = subprocess.run([EASYTHS, "--config", str(tmp_path / "bad.toml")], capture_output=True, text=True)
    assert bad.returncode != 0 and "queue.max_size" in bad.stderr
    remote = subprocess.run(
        [EASYTHS, "--host", "0.0.0.0"],
        capture_output=True,
        text=True,
        cwd=tmp_path / "..",
        env={"PATH": "/usr/bin:/bin", "EASYTHS_HOME": str(tmp_path / "h"), **WINDOWS_ESSENTIALS},
    )
    assert remote.returncode != 0 and "API_KEY" in remote.stderr


SLOW_PLUGIN = '''
"""A third-party operation that holds the worker, so a kill can land while it runs."""
import time
from typing import ClassVar

from easyths.operations.base import NoParams, Operation


class SlowOrder(Operation):
    name: ClassVar[str] = "slow_order"
    description: ClassVar[str] = "slow"
    Params = NoParams
    places_order: ClassVar[bool] = True

    def run(self, broker, params):
        time.sleep(60)
        return {"message": "done"}
'''


def install_plugin(root: Path) -> Path:
    """A plugin found through the `easyths.operations` entry-point group, as pip would install it."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "slow_plugin.py").write_text(textwrap.dedent(SLOW_PLUGIN), encoding="utf-8")
    info = root / "slow_plugin-0.1.dist-info"
    info.mkdir(exist_ok=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: slow-plugin\nVersion: 0.1\n", encoding="utf-8")
    (info / "entry_points.txt").write_text("[easyths.operations]\nslow_order = slow_plugin:SlowOrder\n")
    return root


def test_sigkill_with_queued_and_running_operations(tmp_path: Path, server_factory: type[Server], backend: str) -> None:
    home = tmp_path / "home"
    env = {"PYTHONPATH": str(install_plugin(tmp_path / "plugins"))}
    first = server_factory(home, env, backend_args(backend)).start()
    with first.client() as c:
        assert "slow_order" in c.get("/api/v1/operations/").json()["data"]["operations"]
        c.put("/api/v1/sim/quotes/000001", json={"price": 12.0, "prev_close": 12.0})
        done = submit(c, "funds_query", {})
        assert result(c, done)["success"]
        running = submit(c, "slow_order", {})
        for _ in range(100):
            if c.get(f"/api/v1/operations/{running}/status").json()["data"]["status"] == "running":
                break
            time.sleep(0.05)
        queued = [submit(c, "buy", {"stock_code": "000001", "price": 12.0, "quantity": 100}) for _ in range(3)]
        cancelled = submit(c, "holding_query", {})
        assert c.delete(f"/api/v1/operations/{cancelled}").status_code == 200
        assert c.get(f"/api/v1/operations/{queued[0]}/status").json()["data"]["status"] == "queued"
    first.kill()

    second = server_factory(home, env, backend_args(backend)).start()
    with second.client() as c:
        assert c.get(f"/api/v1/operations/{done}/status").json()["data"]["status"] == "success"
        slow = c.get(f"/api/v1/operations/{running}/status").json()["data"]
        assert slow["status"] == "unknown" and "不会被重新执行" in slow["error"]
        assert result(c, running)["status"] == "unknown"
        for op in queued:
            body = result(c, op)
            assert body["success"] is True and body["data"]["合同编号"], body
        assert c.get(f"/api/v1/operations/{cancelled}/status").json()["data"]["status"] == "cancelled"
        orders = result(c, submit(c, "order_query", {}))["data"]["orders"]
        assert len(orders) == 3  # each queued buy ran exactly once, the slow one never re-ran
        stats = c.get("/api/v1/queue/stats").json()["data"]
        assert stats["unknown_count"] == 1 and stats["cancelled_count"] == 1
    assert second.stop() == 0


def test_emulator_faults_from_the_environment_end_in_a_status_that_agrees_with_the_book(
    tmp_path: Path, server_factory: type[Server]
) -> None:
    """A 是否继续 prompt on every order: the driver answers 否, the order is `unknown`, the
    engine's reconcile settles it to `failed`, and the book has no order; the queue keeps serving.
    THS's absence is believed only at the last ask, so the delays are short here (1, 5, 30 s by default)."""
    env = {"EASYTHS_EMULATOR__FAULTS": '{"continue_prompt": 1.0}', "EASYTHS_QUEUE__RECONCILE_DELAYS": "[0.2, 0.5]"}
    server = server_factory(tmp_path / "home", env, ["--backend", "emulator"]).start()
    with server.client() as c:
        assert c.put("/api/v1/sim/quotes/600000", json={"price": 10.0, "prev_close": 10.0}).status_code == 200
        op = submit(c, "buy", {"stock_code": "600000", "price": 10.0, "quantity": 100})
        body = result(c, op)
        assert body["status"] in ("unknown", "failed"), body
        for _ in range(100):
            status = c.get(f"/api/v1/operations/{op}/status").json()["data"]["status"]
            if status != "unknown":
                break
            time.sleep(0.1)
        assert status == "failed"
        assert result(c, submit(c, "order_query", {}))["data"]["orders"] in ([], "没有当日委托")
        funds = result(c, submit(c, "funds_query", {}))
        assert funds["success"] is True
    assert server.stop() == 0
