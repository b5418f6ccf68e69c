"""Chaos: many clients over mixed operations while the service is SIGKILLed and restarted.

Loopback only, bounded in count and time. It starts the real `easyths` command (sim backend) on a
free 127.0.0.1 port in a temporary data folder, prepares positions (buy, advance one trading day),
then runs `--clients` concurrent clients for `--seconds` seconds submitting buys, sells, market
orders and queries, each with its own Idempotency-Key, retrying the same key after a dropped
connection until the service acknowledges it. Meanwhile a killer SIGKILLs the service `--kills`
times at random moments and restarts it. Then it checks, from the HTTP API and the two databases:

  lost     acknowledged operation ids that do not answer with a final status
  doubled  an operation placed twice: sim orders no operation accounts for, or one 合同编号 on two ops
  book     sim orders == successful order operations (same 合同编号 set)
  money    cash and every position equal what the fills imply (amount ± fee per fill)

and prints: clients, operations, kills, lost, doubled (exit status 1 when any check fails).

    .venv/bin/python bench/chaos.py                      # 60 clients, 60 s, 8 kills
    .venv/bin/python bench/chaos.py --clients 80 --seconds 120 --kills 15
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from decimal import Decimal
from pathlib import Path

import httpx

EASYTHS = str(Path(sys.executable).parent / "easyths")
CODES = {"600000": Decimal("10.50"), "000001": Decimal("12.30"), "300750": Decimal("200.00")}
ORDER_OPS = {"buy", "sell", "market_buy", "market_sell"}
FINAL = {"success", "failed", "cancelled", "unknown"}
INITIAL_CASH = Decimal("100000000")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Service:
    def __init__(self, home: Path) -> None:
        self.home = home
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None
        self.env = {
            **os.environ,
            "EASYTHS_HOME": str(home),
            "EASYTHS_SIM__INITIAL_CASH": str(INITIAL_CASH),
            "EASYTHS_QUEUE__RECONCILE_DELAYS": "[0.2, 0.5, 1]",
            "EASYTHS_QUEUE__MAX_SIZE": "5000",
            "EASYTHS_LOGGING__LEVEL": "WARNING",
        }
        self.env.pop("API_KEY", None)

    def start(self) -> float:
        t0 = time.monotonic()
        with (self.home / "service.out").open("ab") as out:
            self.proc = subprocess.Popen(
                [EASYTHS, "--host", "127.0.0.1", "--port", str(self.port)], env=self.env, stdout=out, stderr=out
            )
        deadline = t0 + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"easyths exited {self.proc.returncode}: see {self.home / 'service.out'}")
            try:
                if httpx.get(f"{self.url}/api/v1/system/health", timeout=1).status_code == 200:
                    return time.monotonic() - t0
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        raise RuntimeError("easyths did not start within 60 s")

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> int:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGINT)
        return self.proc.wait(30)


def pick(rng: random.Random) -> tuple[str, dict]:
    code = rng.choice(list(CODES))
    price = CODES[code]
    roll = rng.random()
    qty = rng.choice([100, 200, 300, 500])
    if roll < 0.30:
        return "buy", {"stock_code": code, "price": float(price), "quantity": qty}
    if roll < 0.50:
        return "sell", {"stock_code": code, "price": float(price), "quantity": qty}
    if roll < 0.60:
        return "market_buy", {"stock_code": code, "quantity": qty}
    if roll < 0.70:
        return "market_sell", {"stock_code": code, "quantity": qty}
    return rng.choice(["holding_query", "funds_query", "order_query"]), {}


class Run:
    def __init__(self, svc: Service, clients: int, seconds: float, kills: int, seed: int) -> None:
        self.svc = svc
        self.clients = clients
        self.seconds = seconds
        self.kills = kills
        self.seed = seed
        self.acked: dict[str, tuple[str, str]] = {}  # op id -> (name, idempotency key)
        self.by_key: dict[str, set[str]] = {}
        self.refused = Counter[int]()
        self.transport_errors = 0
        self.kill_count = 0
        self.restart_times: list[float] = []
        self.down = asyncio.Event()

    async def client(self, n: int, http: httpx.AsyncClient, end: float) -> None:
        rng = random.Random(self.seed * 1000 + n)
        while time.monotonic() < end:
            name, params = pick(rng)
            key = uuid.uuid4().hex
            for _ in range(400):  # the same key until acknowledged: a retry never places a second order
                try:
                    r = await http.post(
                        f"/api/v1/operations/{name}", json={"params": params}, headers={"Idempotency-Key": key}
                    )
                except httpx.TransportError:
                    self.transport_errors += 1
                    await asyncio.sleep(0.1)
                    continue
                if r.status_code == 200:
                    op_id = r.json()["data"]["operation_id"]
                    self.acked[op_id] = (name, key)
                    self.by_key.setdefault(key, set()).add(op_id)
                elif r.status_code == 503:  # queue full or journal busy: not acknowledged, same key again
                    await asyncio.sleep(0.1)
                    continue
                else:
                    self.refused[r.status_code] += 1
                break
            await asyncio.sleep(rng.uniform(0.0, 0.05))

    async def killer(self, end: float) -> None:
        rng = random.Random(self.seed)
        gap = self.seconds / (self.kills + 1)
        for _ in range(self.kills):
            await asyncio.sleep(rng.uniform(0.5 * gap, 1.5 * gap))
            if time.monotonic() > end:
                break
            await asyncio.to_thread(self.svc.kill)
            self.kill_count += 1
            self.restart_times.append(await asyncio.to_thread(self.svc.start))

    async def main(self) -> None:
        end = time.monotonic() + self.seconds
        limits = httpx.Limits(max_connections=self.clients + 10, max_keepalive_connections=self.clients + 10)
        async with httpx.AsyncClient(base_url=self.svc.url, timeout=10, limits=limits) as http:
            await asyncio.gather(self.killer(end), *(self.client(n, http, end) for n in range(self.clients)))


def prepare(svc: Service) -> None:
    """Positions to sell: buy each code, then one trading day later (T+1) they are available."""
    with httpx.Client(base_url=svc.url, timeout=30) as c:
        for code, price in CODES.items():
            r = c.put(f"/api/v1/sim/quotes/{code}", json={"price": float(price), "prev_close": float(price)})
            r.raise_for_status()
            body = {"params": {"stock_code": code, "price": float(price), "quantity": 40000}}
            answer = c.post("/api/v1/operations/buy", json=body).json()
            op = answer["data"]
            assert op is not None, answer
            res = c.get(f"/api/v1/operations/{op['operation_id']}/result", params={"timeout": 30}).json()
            assert res["success"], res
        c.post("/api/v1/sim/clock/advance", json={"days": 1}).raise_for_status()
        for code, price in CODES.items():
            c.put(f"/api/v1/sim/quotes/{code}", json={"price": float(price), "prev_close": float(price)})


def settle(svc: Service, acked: dict[str, tuple[str, str]], timeout: float = 120) -> dict[str, str]:
    """Wait for the queue to drain and `unknown` outcomes to reconcile, then read every acked id."""
    deadline = time.monotonic() + timeout
    with httpx.Client(base_url=svc.url, timeout=30) as c:
        while time.monotonic() < deadline:
            stats = c.get("/api/v1/queue/stats").json()["data"]
            if stats["queued_count"] == 0 and stats["running_count"] == 0:
                break
            time.sleep(0.2)
        time.sleep(2.5)  # reconcile_delays 0.2, 0.5, 1 s
        statuses = {}
        for op_id in acked:
            r = c.get(f"/api/v1/operations/{op_id}/status")
            statuses[op_id] = r.json()["data"]["status"] if r.status_code == 200 else f"http {r.status_code}"
    return statuses


def audit(
    home: Path, acked: dict[str, tuple[str, str]], by_key: dict[str, set[str]], statuses: dict[str, str]
) -> dict[str, object]:
    journal = sqlite3.connect(f"file:{home / 'journal.db'}?mode=ro", uri=True)
    ops = {
        op_id: (name, status, json.loads(result) if result else None)
        for op_id, name, status, result in journal.execute("SELECT id, name, status, result FROM operations")
    }
    journal.close()
    sim = sqlite3.connect(f"file:{home / 'sim.db'}?mode=ro", uri=True)
    rows = sim.execute("SELECT contract_no, status, quantity FROM orders")
    orders = {int(no): (status, qty) for no, status, qty in rows}
    fills = list(sim.execute("SELECT code, side, quantity, price, amount, fee FROM fills"))
    balance = Decimal(sim.execute("SELECT balance FROM accounts ORDER BY idx LIMIT 1").fetchone()[0])
    positions = {code: int(bal) for code, bal in sim.execute("SELECT code, balance FROM positions")}
    sim.close()

    lost = [i for i in acked if statuses.get(i) not in FINAL or i not in ops]
    unknown = [i for i in acked if statuses.get(i) == "unknown"]
    contract_of: dict[str, int] = {}
    for op_id, (name, status, result) in ops.items():
        if name in ORDER_OPS and status == "success":
            data = (result or {}).get("data") or {}
            no = data.get("合同编号") or data.get("contract_no")
            if no is not None:
                contract_of[op_id] = int(no)
    per_contract = Counter(contract_of.values())
    shared = sum(n - 1 for n in per_contract.values() if n > 1)
    orphans = sorted(set(orders) - set(per_contract))
    missing = sorted(set(per_contract) - set(orders))
    key_doubles = sum(len(ids) - 1 for ids in by_key.values())  # one Idempotency-Key, two operations
    cash = INITIAL_CASH
    expect_pos: Counter[str] = Counter()
    for code, side, qty, _price, amount, fee in fills:
        amount, fee = Decimal(amount), Decimal(fee)
        if side in ("buy", "买入"):
            cash -= amount + fee
            expect_pos[code] += int(qty)
        else:
            cash += amount - fee
            expect_pos[code] -= int(qty)
    success_orders = sum(1 for i in acked if ops.get(i, ("", "", None))[0] in ORDER_OPS and ops[i][1] == "success")
    return {
        "lost": len(lost),
        "unknown_left": len(unknown),
        "doubled": shared + len(orphans) + key_doubles,
        "orders_on_book": len(orders),
        "successful_order_ops": len(contract_of),
        "successful_order_ops_acked": success_orders,
        "book_matches": not orphans and not missing and not shared,
        "cash_expected": str(cash),
        "cash_actual": str(balance),
        "cash_ok": cash == balance,
        "positions_ok": {c: q for c, q in expect_pos.items() if q} == {c: q for c, q in positions.items() if q},
        "fills": len(fills),
        "lost_ids": lost[:5],
        "orphan_orders": orphans[:5],
        "missing_orders": missing[:5],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=60)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--kills", type=int, default=8)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="keep the temporary data folder")
    args = parser.parse_args()
    args.seconds = min(args.seconds, 600)  # bounded: never longer than ten minutes of load
    args.kills = min(args.kills, 100)
    home = Path(tempfile.mkdtemp(prefix="easyths-chaos-"))
    svc = Service(home)
    run = Run(svc, args.clients, args.seconds, args.kills, args.seed)
    try:
        svc.start()
        prepare(svc)
        t0 = time.monotonic()
        asyncio.run(run.main())
        elapsed = time.monotonic() - t0
        statuses = settle(svc, run.acked)
        svc.stop()
    finally:
        if svc.proc is not None and svc.proc.poll() is None:
            svc.proc.kill()
    result = audit(home, run.acked, run.by_key, statuses)
    by_status = Counter(statuses.values())
    by_name = Counter(name for name, _ in run.acked.values())
    ok = (
        result["lost"] == 0
        and result["doubled"] == 0
        and result["book_matches"]
        and result["cash_ok"]
        and result["positions_ok"]
    )
    print(
        f"clients {args.clients}, operations {len(run.acked)}, kills {run.kill_count}, "
        f"lost {result['lost']}, doubled {result['doubled']}"
    )
    print(f"  load {elapsed:.1f} s; acknowledged by name {dict(by_name)}; final status {dict(by_status)}")
    print(
        f"  refused (not acknowledged) by HTTP status {dict(run.refused)}; dropped connections retried "
        f"{run.transport_errors}; restart to healthy median "
        f"{sorted(run.restart_times)[len(run.restart_times) // 2] if run.restart_times else 0:.2f} s"
    )
    print(
        f"  sim orders {result['orders_on_book']} == successful order operations {result['successful_order_ops']}: "
        f"{result['book_matches']}; fills {result['fills']}; cash {result['cash_actual']} (implied "
        f"{result['cash_expected']}): {result['cash_ok']}; positions as fills imply: {result['positions_ok']}; "
        f"unknown left {result['unknown_left']}"
    )
    if not ok:
        print(f"  FAILED: {json.dumps(result, ensure_ascii=False, default=str)}")
    if args.keep:
        print(f"  data folder kept: {home}")
    else:
        import shutil

        shutil.rmtree(home, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
