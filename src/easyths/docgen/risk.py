"""The 风控与安全 page's examples: a risk refusal and the kill switch, run on the sim at build time
with a quantity limit set, so the page shows the service's real answers."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from easyths.docgen.examples import Step
from easyths.docgen.operations import _curl, _json, _quiet_logs

LIMITS = {"max_order_quantity": 1000}
BIG = {"params": {"stock_code": "600000", "price": 10.50, "quantity": 2000}}
STEPS = (
    ("单笔数量超过上限：提交即被拒绝，没有进入队列", Step("POST", "/api/v1/operations/buy?wait=10", BIG)),
    ("查看限额与今日计数", Step("GET", "/api/v1/system/risk")),
    ("暂停交易（紧急开关）", Step("POST", "/api/v1/system/pause", {"reason": "盘中异常"})),
    ("暂停期间的新委托", Step("POST", "/api/v1/operations/buy?wait=10",
                              {"params": {"stock_code": "600000", "price": 10.50, "quantity": 100}})),
    ("恢复交易", Step("POST", "/api/v1/system/resume")),
)  # fmt: skip


def risk_examples_markdown() -> str:
    from fastapi.testclient import TestClient

    from easyths.api.app import create_app
    from easyths.settings import load_settings

    toml = ", ".join(f"{k} = {json.dumps(v)}" for k, v in LIMITS.items())
    out = [f"以下请求在构建时于模拟券商上实际运行，`[risk]` 为 `{toml}`（`API=http://127.0.0.1:7648/api/v1`）：", ""]
    with tempfile.TemporaryDirectory(prefix="easyths-docs-") as tmp, _quiet_logs():
        folder = Path(tmp)
        (folder / "config.toml").write_text("", encoding="utf-8")
        settings = load_settings(folder / "config.toml", app={"home": str(folder / "home")}, risk=dict(LIMITS))
        with TestClient(create_app(settings), base_url="http://127.0.0.1") as client:
            client.put("/api/v1/sim/quotes/600000", json={"price": 10.5, "prev_close": 10.4})
            for title, step in STEPS:
                response = client.request(step.method, step.path, json=step.body)
                body: Any = response.json()
                out += [f"**{title}**", "", "```bash", _curl(step), "```", ""]
                out += [f"HTTP {response.status_code}：", "", "```json", _json(body), "```", ""]
    return "\n".join(out)


__all__ = ["risk_examples_markdown"]
