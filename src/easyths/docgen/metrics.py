"""The metrics table of the 事件与监控 page: scraped from `/metrics` of the app on the sim at
build time, so it lists exactly the series the service exports."""

from __future__ import annotations

import re

from easyths.api.metrics import DECLARED_LABELS
from easyths.docgen.operations import sim_client

_LINE = re.compile(r"^# (HELP|TYPE) (\S+) (.*)$")
_TYPES = {"counter": "计数器", "gauge": "仪表", "histogram": "直方图", "summary": "摘要"}


def metrics_markdown() -> str:
    with sim_client() as client:
        client.put("/api/v1/sim/quotes/600000", json={"price": 10.5, "prev_close": 10.4})
        order = {"params": {"stock_code": "600000", "price": 10.5, "quantity": 100}}
        client.post("/api/v1/operations/buy?wait=10", json=order)
        client.post("/api/v1/operations/sell?wait=10", json=order)  # T+1: refused, so error series exist too
        text = client.get("/metrics").text
    helps: dict[str, str] = {}
    types: dict[str, str] = {}
    for line in text.splitlines():
        match = _LINE.match(line)
        if match:
            (helps if match.group(1) == "HELP" else types)[match.group(2)] = match.group(3)
    labels: dict[str, set[str]] = {}
    for line in text.splitlines():
        if line.startswith("#") or "{" not in line:
            continue
        name, _, rest = line.partition("{")
        labels.setdefault(name, set()).update(re.findall(r"(\w+)=", rest.split("}")[0]))
    out = ["| 指标 | 类型 | 标签 | 含义 |", "|---|---|---|---|"]
    for name, kind in types.items():
        if name.endswith("_created"):
            continue  # prometheus-client's creation timestamps of each series
        series = [n for n in labels if n == name or n.startswith(name + "_")]
        found = sorted({lab for n in series for lab in labels[n]} - {"le"}) or list(DECLARED_LABELS.get(name, ()))
        tags = ", ".join(f"`{t}`" for t in found) or "—"
        out.append(f"| `{name}` | {_TYPES.get(kind, kind)} | {tags} | {helps.get(name, '')} |")
    return "\n".join(out) + "\n"


__all__ = ["metrics_markdown"]
