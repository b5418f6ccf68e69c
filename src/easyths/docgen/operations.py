"""The 操作参考 page: parameters from each operation's params model, result fields and examples
from `docgen.examples`, responses from running those examples on the sim at build time.

Why run at build time: the response a reader sees is the one the code gives today, not one
pasted months ago; and a run that does not match its documentation stops the build.
"""

from __future__ import annotations

import json
import logging
import tempfile
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import FastAPI

with warnings.catch_warnings():  # starlette's note about httpx; the client works as is
    warnings.simplefilter("ignore", DeprecationWarning)
    from fastapi.testclient import TestClient

from easyths.api.app import create_app
from easyths.docgen.examples import COLUMNS, COMMON_FIELDS, EXAMPLE_SIM_SETTINGS, OPERATIONS, Example, OpDoc, Step
from easyths.operations.base import Operation
from easyths.operations.registry import Registry
from easyths.settings import load_settings

API = "http://127.0.0.1:7648/api/v1"


class ExampleFailed(AssertionError):
    """An example did not do what its documentation says (wrong status, or a setup step failed)."""


@dataclass
class Run:
    operation: str
    example: Example
    status_code: int
    response: dict[str, Any]

    @property
    def data(self) -> dict[str, Any] | None:
        """The business data of the result (`data.result.data`), None for a refused or failed run."""
        result = (self.response.get("data") or {}).get("result") or {}
        return result.get("data")


@contextmanager
def _quiet_logs() -> Iterator[None]:
    """Hold the sim's request, start/stop and refusal logs back to ERROR: they would fill the mkdocs output."""
    quiet = [logging.getLogger(name) for name in ("httpx", "httpx2", "easyths")]
    levels = [logger.level for logger in quiet]
    for logger in quiet:
        logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        for logger, level in zip(quiet, levels, strict=True):
            logger.setLevel(level)


@contextmanager
def sim_client(home: Path | None = None) -> Iterator[TestClient]:
    """The real app on the sim, in process, on a throw-away data folder and an empty config file."""
    with _quiet_logs(), _sim_client(home) as client:
        yield client


@contextmanager
def sim_app(home: Path | None = None) -> Iterator[FastAPI]:
    """The real app on the sim (not started), on a throw-away data folder and an empty config file."""
    with tempfile.TemporaryDirectory(prefix="easyths-docs-") as tmp:
        folder = Path(home or tmp)
        config = folder / "config.toml"
        config.write_text("", encoding="utf-8")
        settings = load_settings(config, app={"home": str(folder / "home")}, sim=dict(EXAMPLE_SIM_SETTINGS))
        yield create_app(settings)


@contextmanager
def _sim_client(home: Path | None) -> Iterator[TestClient]:
    with sim_app(home) as app:
        key = app.state.settings.api_key
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        with TestClient(app, headers=headers, base_url="http://127.0.0.1") as client:
            yield client


def _request(client: TestClient, step: Step) -> Any:
    response = client.request(step.method, step.path, json=step.body)
    body = response.json()
    status = (body.get("data") or {}).get("status") if isinstance(body, dict) else None
    if response.status_code >= 400 or status not in (None, "success"):
        raise ExampleFailed(f"准备步骤失败 {step.method} {step.path}: {response.status_code} {body}")
    return body


def run_example(client: TestClient, operation: str, example: Example) -> Run:
    client.post("/api/v1/sim/reset")
    for step in example.setup:
        _request(client, step)
    response = client.post(f"/api/v1/operations/{operation}?wait=10", json={"params": example.params})
    run = Run(operation, example, response.status_code, response.json())
    for step in example.teardown:
        _request(client, step)
    got = str(run.status_code) if run.status_code >= 400 else (run.response.get("data") or {}).get("status")
    if got != example.expect:
        raise ExampleFailed(f"{operation}「{example.title}」应为 {example.expect}，实际 {got}: {run.response}")
    return run


def run_all(client: TestClient, docs: dict[str, OpDoc] = OPERATIONS) -> dict[str, list[Run]]:
    return {name: [run_example(client, name, ex) for ex in doc.examples] for name, doc in docs.items()}


def field_problems(run: Run, doc: OpDoc) -> list[str]:
    """Differences between the documented result fields/columns and those of a successful run."""
    if run.example.expect != "success":
        return []
    data = run.data or {}
    problems: list[str] = []
    documented = {**doc.fields, **COMMON_FIELDS}
    if extra := sorted(set(data) - set(documented)):
        problems.append(f"{run.operation}: 结果中有未写入文档的字段 {extra}")
    if missing := sorted(set(documented) - set(data)):
        problems.append(f"{run.operation}: 文档中的字段 {missing} 不在结果中")
    if doc.rows_key:
        rows = data.get(doc.rows_key) or []
        if not rows:
            problems.append(f"{run.operation}: 示例没有产生任何 {doc.rows_key} 行，无法核对列")
        for row in rows[:1]:
            if list(row) != list(doc.columns):
                problems.append(f"{run.operation}: 列应为 {list(doc.columns)}，实际 {list(row)}")
        if undocumented := [c for c in doc.columns if c not in COLUMNS]:
            problems.append(f"{run.operation}: 列 {undocumented} 没有说明")
    return problems


# ---------------------------------------------------------------- markdown


def _cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;").replace("\n", " ")


def _type(prop: dict[str, Any]) -> str:
    if "enum" in prop:
        return "string" if isinstance(prop["enum"][0], str) else "integer"
    if "type" in prop:
        return str(prop["type"])
    options = [o for o in prop.get("anyOf", []) if o.get("type") != "null"]
    if {o.get("type") for o in options} == {"number", "string"}:  # a Decimal: a JSON number (or its text)
        return "number"
    return " \\| ".join(_type(o) for o in options) or "string"


# JSON-schema bounds, and the raw gt/ge/lt/le pydantic emits for Decimal fields
_BOUNDS = (
    ("exclusiveMinimum", ">"),
    ("gt", ">"),
    ("minimum", "≥"),
    ("ge", "≥"),
    ("exclusiveMaximum", "<"),
    ("lt", "<"),
    ("maximum", "≤"),
    ("le", "≤"),
)


def _constraints(prop: dict[str, Any]) -> str:
    found: list[str] = []
    options = [prop, *prop.get("anyOf", [])]
    for option in options:
        if "enum" in option:
            found.append("取值 " + " / ".join(f"`{json.dumps(v, ensure_ascii=False)}`" for v in option["enum"]))
        if "const" in option:
            found.append(f"取值 `{json.dumps(option['const'], ensure_ascii=False)}`")
        for key, sign in _BOUNDS:
            if key in option:
                found.append(f"{sign} {option[key]}")
        if "minLength" in option:
            found.append(f"长度 ≥ {option['minLength']}")
        if "maxLength" in option:
            found.append(f"长度 ≤ {option['maxLength']}")
        if "pattern" in option:
            found.append(f"格式 `{option['pattern']}`")
    return "；".join(found) or "—"


def params_table(cls: type[Operation]) -> str:
    schema = cls.Params.model_json_schema()
    props: dict[str, Any] = schema.get("properties", {})
    required = set(schema.get("required", []))
    lines = ["| 参数 | 类型 | 必填 | 默认值 | 约束 | 说明 |", "|---|---|---|---|---|---|"]
    common = ("account_name", "client_order_id")  # shared by every operation: listed last
    fields = cls.Params.model_fields
    names = [n for n in fields if n not in common] + [n for n in common if n in fields]
    for name in names:
        info = fields[name]
        prop = props.get(name, {})
        default = "—" if name in required else f"`{json.dumps(prop.get('default'), ensure_ascii=False)}`"
        lines.append(
            f"| `{name}` | {_type(prop)} | {'是' if name in required else '否'} | {default} | "
            f"{_cell(_constraints(prop))} | {_cell(info.description or '')} |"
        )
    return "\n".join(lines)


def _curl(step: Step) -> str:
    url = step.path.replace("/api/v1", "$API", 1)
    parts = [f'curl -s -X {step.method} "{url}"']
    if step.body is not None:
        parts.append("-H 'Content-Type: application/json'")
        parts.append(f"-d '{json.dumps(step.body, ensure_ascii=False)}'")
    return " ".join(parts)


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)


def _example_markdown(name: str, run: Run) -> list[str]:
    ex = run.example
    out = [f"#### 示例：{ex.title}", ""]
    if ex.setup:
        out += ['??? note "先在模拟券商上准备（可直接复制执行）"', "", "    ```bash"]
        for step in ex.setup:
            if step.note:
                out.append(f"    # {step.note}")
            out.append(f"    {_curl(step)}")
        out += ["    ```", ""]
    request = Step("POST", f"/api/v1/operations/{name}?wait=10", {"params": ex.params})
    out += ["```bash", _curl(request), "```", ""]
    label = {"success": "响应（本文档构建时在模拟券商上实际运行所得）", "failed": "响应：操作失败（实际运行所得）"}
    out += [f"{label.get(ex.expect, f'响应：HTTP {run.status_code}（实际运行所得）')}：", ""]
    out += ["```json", _json(run.response), "```", ""]
    if ex.teardown:
        out += ["随后：", "", "```bash", *(_curl(s) for s in ex.teardown), "```", ""]
    return out


def _category(cls: type[Operation]) -> str:
    if cls.places_order:
        return "下单"
    return "查询" if cls.name.endswith("_query") else "账户"


def operation_markdown(cls: type[Operation], doc: OpDoc | None, runs: list[Run]) -> str:
    name = cls.name
    kind = "下单类（改变账户；不会自动重试，结果未知时记为 `unknown` 并核对）" if cls.places_order else _category(cls)
    out = [f"## {name} — {cls.description} {{#{name}}}", "", f"`POST /api/v1/operations/{name}` · {kind}", ""]
    if doc and doc.notes:
        out += [doc.notes, ""]
    out += ["### 参数", "", params_table(cls), ""]
    if doc is None:
        out += ['!!! warning "尚无文档"', "", "    这个操作（可能来自插件）还没有结果字段说明与示例。", ""]
        return "\n".join(out)
    out += ["### 结果字段", "", "`data.result.data`（或 `/result` 的 `data`）中的字段：", ""]
    out += ["| 字段 | 说明 |", "|---|---|"]
    out += [f"| `{k}` | {_cell(v)} |" for k, v in {**doc.fields, **COMMON_FIELDS}.items()]
    out.append("")
    if doc.rows_key:
        out += [f"`{doc.rows_key}` 每一行的列（与同花顺客户端表头一致）：", "", "| 列 | 说明 |", "|---|---|"]
        out += [f"| `{c}` | {_cell(COLUMNS.get(c, ''))} |" for c in doc.columns]
        out.append("")
    if doc.errors:
        out += ["### 错误与结果未知", "", *(f"- {e}" for e in doc.errors), "", "详见[错误码](errors.md)。", ""]
    out += ["### 示例", ""]
    for run in runs:
        out += _example_markdown(name, run)
    return "\n".join(out)


# Chinese for routes whose OpenAPI summary is the English default; others use their own summary.
ROUTES_ZH = {
    "GET /api/v1/system/health": "健康检查：交易后端是否连接、登录，队列统计，问题说明",
    "POST /api/v1/system/reconnect": "报告交易后端当前是否可用（断开后服务会自动重连）",
    "GET /api/v1/system/status": "系统状态：后端、客户端路径、已加载的操作、队列",
    "GET /api/v1/system/info": "名称、版本、后端与功能",
    "GET /api/v1/operations/": "已加载的操作及其参数",
    "POST /api/v1/operations/{operation_name}": "提交一个操作（任意操作名，含第三方插件）",
    "GET /api/v1/operations/{operation_id}/status": "操作状态（立即返回）",
    "GET /api/v1/operations/{operation_id}/result": "等待并返回操作结果（?timeout=秒，超时 408）",
    "DELETE /api/v1/operations/{operation_id}": "取消排队中的操作（执行中或已结束为 409）",
    "GET /api/v1/queue/stats": "队列统计：各状态的操作数",
    "GET /api/v1/queue/operations": "最近的操作（可按状态筛选）",
}


def routes_markdown() -> str:
    """Every HTTP route of the app on the sim, from its OpenAPI document; per-operation submit
    paths are summarised in one row (they are the sections of this page)."""
    with sim_client() as client:
        app = client.app  # TestClient types it as any ASGI app; here it is the one create_app built
        assert isinstance(app, FastAPI)
        spec = app.openapi()
    out = ["| 方法 | 路径 | 作用 |", "|---|---|---|"]
    per_operation = 0
    for path, methods in spec.get("paths", {}).items():
        for method, op in methods.items():
            key = f"{method.upper()} {path}"
            if method == "post" and path.startswith("/api/v1/operations/") and "{" not in path:
                per_operation += 1
                continue
            text = ROUTES_ZH.get(key) or op.get("summary") or ""
            out.append(f"| {method.upper()} | `{path}` | {_cell(text)} |")
    if per_operation:
        out.append(f"| POST | `/api/v1/operations/<操作名>` | 每个操作一个路径（共 {per_operation} 个，见下文各节） |")
    return "\n".join(out) + "\n"


def operations_markdown(registry: Registry | None = None) -> str:
    """The whole reference: a summary table, then one section per operation in registry order."""
    registry = registry or Registry()
    with sim_client() as client:
        runs = run_all(client, {n: d for n, d in OPERATIONS.items() if n in registry})
    problems = [p for rs in runs.values() for r in rs for p in field_problems(r, OPERATIONS[r.operation])]
    if problems:
        raise ExampleFailed("操作参考与实际结果不符：\n" + "\n".join(problems))
    classes = [registry.get(n) for n in registry.names()]
    out = ["| 操作 | 说明 | 类别 |", "|---|---|---|"]
    for c in classes:
        out.append(f"| [`{c.name}`](#{c.name}) | {_cell(c.description)} | {_category(c)} |")
    out.append("")
    for cls in classes:
        out += [operation_markdown(cls, OPERATIONS.get(cls.name), runs.get(cls.name, [])), ""]
    return "\n".join(out)


__all__ = [
    "ExampleFailed",
    "Run",
    "field_problems",
    "operations_markdown",
    "params_table",
    "routes_markdown",
    "run_all",
    "sim_app",
    "sim_client",
]
