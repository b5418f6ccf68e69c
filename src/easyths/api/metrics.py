"""`/metrics` in the Prometheus text format, behind the same auth as the API.

Why a registry per app: tests and embedders build several apps in one process; counters must not
leak between them. Counters and the latency histogram are fed by the engine's listener (finished
transitions); queue depth and journal size are read at scrape time, so they are never stale.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.registry import Collector

from easyths.brokers.abilities import CountsGuiActions
from easyths.engine.records import OperationRecord

if TYPE_CHECKING:
    from easyths.engine.engine import Engine

# error codes that say the broker (the client GUI or the sim) failed or gave no verdict
BROKER_CODES = frozenset(
    {"BROKER_ERROR", "BROKER_REJECTED", "BROKER_UNAVAILABLE", "OUTCOME_UNKNOWN", "WATCHDOG_TIMEOUT"}
)
# Series a backend may have none of (the sim drives no GUI): their labels, for the docs' table.
GUI_ACTION_LABELS = ("operation", "action")
DECLARED_LABELS: dict[str, tuple[str, ...]] = {"easyths_ths_gui_actions_total": GUI_ACTION_LABELS}
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300)


class _Live(Collector):
    """Values read when scraped: queue depth by status, worker busy, journal size."""

    def __init__(self, engine: Engine, journal_path: Path) -> None:
        self.engine = engine
        self.journal_path = journal_path

    def collect(self) -> Iterator[Any]:
        stats = self.engine.stats()
        depth = GaugeMetricFamily("easyths_queue_depth", "排队中的操作数（未开始执行）")
        depth.add_metric([], stats["queued_count"])
        yield depth
        running = GaugeMetricFamily("easyths_queue_running", "正在执行的操作数（0 或 1）")
        running.add_metric([], stats["running_count"])
        yield running
        size = GaugeMetricFamily("easyths_journal_bytes", "操作日志 journal.db 的大小（字节，含 WAL）")
        size.add_metric([], sum(_size(Path(f"{self.journal_path}{suffix}")) for suffix in ("", "-wal")))
        yield size
        ops = GaugeMetricFamily("easyths_journal_operations", "操作日志中的操作条数（按状态）", labels=["status"])
        for key, value in stats.items():
            if key.endswith("_count") and key != "total_count":
                ops.add_metric([key.removesuffix("_count")], value)
        yield ops
        gui = CounterMetricFamily(
            "easyths_ths_gui_actions",
            "同花顺客户端界面动作数（按操作 operation 与动作 action：menu 菜单切换、key 按键、type 输入、click 点击、"
            "select 选择、dialog 应答弹窗、popup_check 查看弹窗、popup_wait 等待弹窗、wait 等待页面或字段、"
            "copy 复制表格、export 导出表格、captcha 识别验证码、read 读控件；仅 ths / emulator 后端）",
            labels=list(GUI_ACTION_LABELS),
        )
        broker = self.engine.broker
        if isinstance(broker, CountsGuiActions):
            for (operation, action), count in sorted(broker.gui_action_counts().items()):
                gui.add_metric([operation, action], count)
        yield gui


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self._live: _Live | None = None
        self.operations = Counter(
            "easyths_operations", "结束的操作数（按操作名与最终状态）", ["name", "status"], registry=self.registry
        )
        self.latency = Histogram(
            "easyths_operation_seconds",
            "操作从提交到结束的耗时（秒，按操作名）",
            ["name"],
            buckets=BUCKETS,
            registry=self.registry,
        )
        self.run_time = Histogram(
            "easyths_operation_run_seconds",
            "操作在交易后端中执行的耗时（秒，按操作名）",
            ["name"],
            buckets=BUCKETS,
            registry=self.registry,
        )
        self.broker_errors = Counter(
            "easyths_broker_errors", "交易后端错误数（拒绝、不可用、结果未知、超时，按错误码）", ["error_code"],
            registry=self.registry,
        )  # fmt: skip

    def watch(self, engine: Engine, journal_path: Path) -> None:
        """Follow this start's engine (an app may be started again, e.g. by a second TestClient)."""
        engine.add_listener(self.on_operation)
        if self._live is not None:
            self.registry.unregister(self._live)
        self._live = _Live(engine, journal_path)
        self.registry.register(self._live)

    def on_operation(self, rec: OperationRecord) -> None:
        """Engine listener: counts each operation once, when it reaches a final status.

        A reconciled `unknown` that later settles counts again under its settled status.
        """
        if not rec.status.finished:
            return
        self.operations.labels(rec.name, rec.status.value).inc()
        if rec.finished_at is not None:
            self.latency.labels(rec.name).observe(max((rec.finished_at - rec.created_at).total_seconds(), 0))
            if rec.started_at is not None:
                self.run_time.labels(rec.name).observe(max((rec.finished_at - rec.started_at).total_seconds(), 0))
        code = (rec.result or {}).get("error_code")
        if code in BROKER_CODES:
            self.broker_errors.labels(code).inc()

    def render(self) -> bytes:
        return generate_latest(self.registry)


router = APIRouter(tags=["系统"])


@router.get("/metrics", summary="Prometheus 指标", response_class=Response)
async def metrics(request: Request) -> Response:
    return Response(request.app.state.metrics.render(), media_type=CONTENT_TYPE_LATEST)


__all__ = ["DECLARED_LABELS", "Metrics", "router"]
