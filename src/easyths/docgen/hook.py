"""The mkdocs hook (`hooks:` in mkdocs.yml): fills the generated parts of hand-written pages.

A page marks where generated content goes with an HTML comment, e.g. `<!-- easyths:settings -->`;
prose around it stays hand-written. Generation happens at every build, so the configuration,
operation and error pages always describe the code they were built from.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from easyths.docgen.cli import cli_markdown
from easyths.docgen.config import settings_markdown, settings_table
from easyths.docgen.errors import errors_markdown
from easyths.docgen.migration import v2_fields_markdown
from easyths.docgen.sim import boards_markdown, marks_markdown, phases_markdown
from easyths.docgen.startup import exit_codes_markdown
from easyths.settings import example_config

README_SECTION_WORDS = ("基准", "性能", "benchmark", "Benchmark")


def _operations() -> str:
    from easyths.docgen.operations import operations_markdown  # runs the sim: only when a page asks

    return operations_markdown()


def demote_headings(markdown: str, levels: int) -> str:
    """Push Markdown headings down `levels`, leaving fenced code alone (a bash comment is no heading)."""
    out: list[str] = []
    fenced = False
    for line in markdown.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
        elif not fenced and re.match(r"^#+ ", line):
            line = "#" * levels + line
        out.append(line)
    return "\n".join(out)


BENCH_ZH = {
    "bench_api.py": "服务开销：HTTP 上提交→结果 与同一服务器上空 GET 的对比，负载下的延迟分位数与吞吐",
    "bench_engine.py": "引擎成本（同一次运行中交替测量的比值）：对比最简 FastAPI、原版 2.0.7、10^6 条历史",
    "bench_sim.py": "模拟券商在大量挂单下每秒处理的行情数，并证明一次行情只触及它自己的代码",
    "bench_ths.py": "每个同花顺操作的界面动作次数与按每动作耗时换算的模型耗时，与 easytrader、原版的流程并列",
    "bench_contract.py": "v2 契约的转换成本：每行与每 100 行查询",
    "bench_sdk.py": "SDK 调用与它所代表的原始 POST ?wait 的对比，以及提交到 /events 收到成功事件的延迟",
    "fuzz.py": "更大规模的 schemathesis 模糊测试：按服务的 OpenAPI 对每个接口生成大量请求，检查错误都在信封中",
    "chaos.py": "混沌测试：并发客户端混合下单与查询，同时反复 SIGKILL 并重启服务，核对丢失与重复",
}


def bench_markdown(folder: Path) -> str:
    """The runnable scripts in bench/ (those with a __main__ block), with what each measures."""
    out = ["| 脚本 | 测量什么 |", "|---|---|"]
    for path in sorted(folder.glob("*.py")):
        text = path.read_text(encoding="utf-8")
        if "__main__" not in text:
            continue
        doc = re.match(r'\s*"""(.*?)(?:\n|""")', text, re.DOTALL)
        what = BENCH_ZH.get(path.name) or (doc.group(1).strip() if doc else "")
        out.append(f"| `.venv/bin/python bench/{path.name}` | {what} |")
    return "\n".join(out) + "\n"


def _mcp_tools() -> str:
    from easyths.docgen.mcp import tools_markdown  # imports the mcp package: only when a page asks

    return tools_markdown()


def data_sources() -> str:
    """The shipped reference data's SOURCES.md, its title dropped and its headings pushed down."""
    path = Path(__file__).resolve().parents[1] / "domain" / "data" / "SOURCES.md"
    if not path.is_file():
        return "（本版本没有内置参考数据。）\n"
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"^# .*\n", "", text, count=1)
    return demote_headings(text, 2)


def trial_steps_markdown() -> str:
    """The steps of `easyths trial`, in the order it runs them (from `brokers/ths/trial.py`)."""
    from easyths.brokers.ths.trial import STEPS

    rows = [f"| {i} | {title} | `{name}` |" for i, (name, title) in enumerate(STEPS, 1)]
    return "\n".join(["| # | 步骤 | 报告中的名称 |", "|---:|---|---|", *rows]) + "\n"


def readiness_markdown() -> str:
    """The readiness tables: per operation its weakest evidence, per step its evidence, public
    sources and emulator tests (from `brokers/ths/readiness.py`, which health's `unverified` reads)."""
    from easyths.brokers.ths.readiness import OPERATIONS, STEPS, level_of, steps_of

    out = ["| 操作 | 就绪程度（最弱一步） | 它自己的步骤 | 模拟客户端上的测试 |", "|---|---|---|---|"]
    for op in OPERATIONS:
        own = steps_of(op)
        steps = "；".join(f"{s.step}（{s.level.value}）" for s in own)
        tests = "、".join(f"`{t}`" for t in dict.fromkeys(t for s in own for t in s.emulator))
        out.append(f"| `{op}` | {level_of(op).value} | {steps} | {tests} |")
    out += ["", "每一步（「所有操作」是每个流程前后共用的步骤）：", ""]
    out += ["| 步骤 | 用于 | 证据 | 公开出处 | 模拟客户端上的测试 |", "|---|---|---|---|---|"]
    for s in STEPS:
        used = "所有操作" if "*" in s.operations else "、".join(f"`{o}`" for o in s.operations)
        sources = "；".join(s.sources) or "无"
        tests = "、".join(f"`{t}`" for t in s.emulator)
        step = f"{s.step}（[事实](ths-facts.md#{s.facts})）"
        out.append(f"| {step} | {used} | {s.level.value} | {sources} | {tests} |")
    return "\n".join(out) + "\n"


def _routes() -> str:
    from easyths.docgen.operations import routes_markdown

    return routes_markdown()


def _risk_examples() -> str:
    from easyths.docgen.risk import risk_examples_markdown  # runs the sim: only when a page asks

    return risk_examples_markdown()


def _metrics() -> str:
    from easyths.docgen.metrics import metrics_markdown  # runs the sim: only when a page asks

    return metrics_markdown()


def readme_benchmarks(readme: Path) -> str:
    """The README's benchmark section (headed with 基准/性能/benchmark), links made plain text."""
    text = readme.read_text(encoding="utf-8") if readme.is_file() else ""
    lines = text.splitlines()
    start = next(
        (i for i, line in enumerate(lines) if line.startswith("## ") and any(w in line for w in README_SECTION_WORDS)),
        None,
    )
    if start is None:
        return '!!! note "暂无数据"\n\n    README 中还没有基准测试一节；运行 `bench/` 下的脚本可以得到本机的数据。\n'
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    body = "\n".join(lines[start + 1 : end]).strip()
    body = demote_headings(body, 0)  # its ### sit under the page's own ## heading
    body = re.sub(r"\[([^\]]+)\]\((?!#)([^)]+)\)", r"\1（`\2`）", body)  # links outside the site: text
    return f"*以下内容在构建时取自 README 的「{lines[start][3:].strip()}」一节。*\n\n{body}\n"


def _generators(config: Any) -> dict[str, Callable[[], str]]:
    root = Path(config["config_file_path"]).parent
    return {
        "settings": settings_markdown,
        "example-config": lambda: "```toml\n" + example_config() + "```\n",
        "cli": cli_markdown,
        "emulator-settings": lambda: settings_table(["emulator"]),
        "risk-settings": lambda: settings_table(["risk"]),
        "broker-settings": lambda: settings_table(["trading.app_path", "broker", "queue.operation_timeout"]),
        "errors": errors_markdown,
        "operations": _operations,
        "sim-boards": boards_markdown,
        "v2-fields": v2_fields_markdown,
        "mcp-tools": _mcp_tools,
        "metrics": _metrics,
        "risk-examples": _risk_examples,
        "routes": _routes,
        "exit-codes": exit_codes_markdown,
        "sim-data-sources": data_sources,
        "sim-phases": phases_markdown,
        "sim-marks": marks_markdown,
        "readme-benchmarks": lambda: readme_benchmarks(root / "README.md"),
        "bench-scripts": lambda: bench_markdown(root / "bench"),
        "trial-steps": trial_steps_markdown,
        "ths-readiness": readiness_markdown,
    }


MARKER = re.compile(r"<!--\s*easyths:([a-z-]+)\s*-->")


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    generators = _generators(config)

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in generators:
            raise KeyError(f"{page.file.src_path}: 未知的生成标记 easyths:{name}")
        return generators[name]()

    return MARKER.sub(fill, markdown)
