"""SDK overhead: `client.funds()` and `client.buy()` against the raw HTTP they stand for, and the
latency from an order's submit to its `success` event on the live stream; last, the SDK's own CPU
time per call (both clients, the HTTP client stubbed out), which the end-to-end figures are too
noisy to show.

Starts `easyths` (sim backend, fresh EASYTHS_HOME) on a free loopback port and prints latency
percentiles. What the SDK adds on top of one `POST ?wait` is parsing into typed models and the
Idempotency-Key. Run: `.venv/bin/python bench/bench_sdk.py [--n 300]`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from easyths import AsyncClient, Client

sys.path.insert(0, str(Path(__file__).resolve().parent))  # run as a script: bench/ is not a package on the path
from bench_api import free_port, line

_VERDICT = {"success": True, "data": {"合同编号": "1", "stock_code": "600000", "price": 10.5, "quantity": 100}}
_DONE = {"operation_id": "op", "status": "success", "result": _VERDICT}
_CANNED = json.dumps({"success": True, "data": _DONE}).encode()


def _canned(*_: object, **__: object) -> httpx.Response:
    return httpx.Response(200, content=_CANNED, headers={"content-type": "application/json"})


class _Stub:
    """Stands for httpx.Client: every request answers a finished operation at once."""

    request = staticmethod(_canned)

    def close(self) -> None: ...


class _AsyncStub:
    async def request(self, *args: object, **kwargs: object) -> httpx.Response:
        return _canned()

    async def aclose(self) -> None: ...


def sdk_cpu(repeats: int = 30, calls: int = 300) -> None:
    """CPU time of one call inside the SDK (build, send, parse into models), best of `repeats`.

    Process time, not wall time: other work on the machine then barely moves the figure.
    """

    def best(batch: Callable[[], object]) -> float:
        times = []
        for _ in range(repeats):
            t = time.process_time()
            batch()
            times.append((time.process_time() - t) / calls * 1e6)
        return min(times)

    client = Client(http_client=_Stub())  # type: ignore[arg-type]
    funds = best(lambda: [client.funds() for _ in range(calls)])
    buy = best(lambda: [client.buy("600000", 10.5, 100) for _ in range(calls)])
    print(f"SDK CPU per call, HTTP stubbed: Client       funds() {funds:6.1f} us  buy() {buy:6.1f} us")

    async def batches() -> list[float]:
        a = AsyncClient(http_client=_AsyncStub())  # type: ignore[arg-type]
        out = []
        for call in (a.funds, lambda: a.buy("600000", 10.5, 100)):
            times = []
            for _ in range(repeats):
                t = time.process_time()
                for _ in range(calls):
                    await call()
                times.append((time.process_time() - t) / calls * 1e6)
            out.append(min(times))
        return out

    afunds, abuy = asyncio.run(batches())
    print(f"SDK CPU per call, HTTP stubbed: AsyncClient  funds() {afunds:6.1f} us  buy() {abuy:6.1f} us")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=300)
    n = parser.parse_args().n
    port = free_port()
    home = tempfile.mkdtemp(prefix="easyths-bench-sdk-")
    env = {**os.environ, "EASYTHS_HOME": home}
    env.pop("API_KEY", None)
    exe = str(Path(sys.executable).parent / "easyths")
    proc = subprocess.Popen([exe, "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/api/v1/system/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit("easyths did not start")
            time.sleep(0.1)
        with Client(url) as client, httpx.Client(base_url=url, timeout=30) as raw:
            client.sim.set_quote("600000", 10.5)
            client.sim.reset(cash=10**11)
            client.sim.set_quote("600000", 10.5)
            for _ in range(20):  # warm up both paths
                client.funds()
                raw.post("/api/v1/operations/funds_query?wait=10", json={"params": {}})
            raw_funds, sdk_funds, raw_buy, sdk_buy = [], [], [], []
            for _ in range(n):
                t = time.perf_counter()
                raw.post("/api/v1/operations/funds_query?wait=10", json={"params": {}}).json()
                raw_funds.append(time.perf_counter() - t)
                t = time.perf_counter()
                client.funds()
                sdk_funds.append(time.perf_counter() - t)
                body = {"params": {"stock_code": "600000", "price": 10.5, "quantity": 100}}
                t = time.perf_counter()
                raw.post("/api/v1/operations/buy?wait=10", json=body).json()
                raw_buy.append(time.perf_counter() - t)
                t = time.perf_counter()
                client.buy("600000", 10.5, 100)
                sdk_buy.append(time.perf_counter() - t)
            print(f"easyths on {url}, n={n} each, interleaved")
            print(line("raw POST funds_query?wait", raw_funds))
            print(line("client.funds()", sdk_funds))
            print(line("raw POST buy?wait", raw_buy))
            print(line("client.buy() (+Idempotency-Key)", sdk_buy))

            seen: dict[str, float] = {}
            ready = threading.Event()

            def listen() -> None:
                with httpx.stream("GET", f"{url}/api/v1/events", timeout=httpx.Timeout(10, read=None)) as r:
                    ready.set()
                    for data in r.iter_lines():
                        if data.startswith("data: ") and '"status":"success"' in data and '"name":"buy"' in data:
                            op = data.split('"operation_id":"', 1)[1].split('"', 1)[0]
                            seen[op] = time.perf_counter()
                            if len(seen) >= min(n, 100):
                                return

            listener = threading.Thread(target=listen, daemon=True)
            listener.start()
            ready.wait(10)
            time.sleep(0.2)
            sent: dict[str, float] = {}
            for _ in range(min(n, 100)):
                t = time.perf_counter()
                sub = client.submit("buy", {"stock_code": "600000", "price": 10.5, "quantity": 100})
                sent[sub.operation_id] = t
                time.sleep(0.01)
            listener.join(30)
            delays = [seen[k] - sent[k] for k in sent if k in seen]
            print(line("submit → success event on /events", delays), f"(received {len(delays)}/{len(sent)})")
    finally:
        proc.terminate()
        proc.wait(30)
    sdk_cpu()


if __name__ == "__main__":
    main()
