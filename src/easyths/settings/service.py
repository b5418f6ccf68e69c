"""The service's own sections: [app], [trading], [queue], [logging], [web], [mcp], [events]."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator

from easyths.settings.base import LEGACY, Section


class AppSection(Section):
    name: str = Field("同花顺交易自动化系统", description="服务名称，显示在 /api/v1/system/info 与日志中")
    version: str | None = Field(  # accepted from old config files; the package version is authoritative
        None, description="兼容原版配置文件，忽略；版本号以安装的程序包为准", json_schema_extra=LEGACY
    )
    home: Path | None = Field(  # data folder; EASYTHS_HOME or ~/.easyths when unset
        None,
        description="数据目录（日志库 journal.db、模拟账户 sim.db、日志）；不设置时用 EASYTHS_HOME 或 ~/.easyths",
        examples=["D:/easyths-data"],
    )
    # accepted so a 2.x config.toml starts unchanged
    onnx_model_dir: str | None = Field(
        None, description="兼容原版 2.x 配置文件（验证码模型目录），忽略", json_schema_extra=LEGACY
    )
    save_error_captcha_image: bool | None = Field(
        None, description="兼容原版 2.x 配置文件，忽略", json_schema_extra=LEGACY
    )


class TradingSection(Section):
    app_path: str = Field(  # xiadan.exe, used by the ths backend
        "C:/同花顺软件/同花顺/xiadan.exe",
        description="同花顺下单程序 xiadan.exe 的路径（仅 ths 后端）；[broker].exe_path 优先",
    )
    max_order_amount: Decimal = Field(  # 单笔委托金额上限（元），client-side guard
        Decimal("10000000"),
        ge=0,
        description="单笔委托金额上限（元）；[risk].max_order_value 未设置时风控沿用此值",
    )


class QueueSection(Section):
    max_size: int = Field(1000, ge=1, description="队列最大长度（排队中的操作数），满时提交返回 503 QUEUE_FULL")
    operation_timeout: float = Field(  # seconds before the watchdog fails an operation
        60.0, gt=0, description="单个操作的最长执行时间（秒）；超时由看门狗判定，下单类操作记为 unknown，队列继续服务"
    )
    on_restart: Literal["resume", "fail"] = Field(  # what happens to `queued` ops after a restart
        "resume", description="重启后仍在排队的操作：resume 继续执行，fail 判为失败"
    )
    retention_days: int = Field(  # finished operations older than this are purged
        30, ge=1, description="已结束的操作在日志库中保留的天数，过期后清除"
    )
    query_retention_seconds: float = Field(  # a finished query's result: kept while a client may fetch it
        60.0,
        ge=10,
        le=30 * 86400,
        description=(
            "已结束的查询（只读操作）的记录在日志库中保留的秒数（日志库只记结论，查询表格只在内存中短暂保留，"
            "被淘汰后取结果返回 410 RESULT_EXPIRED）；过期后整条清除（下单、撤单与条件单按 retention_days 保留）"
        ),
    )
    fsync: bool = Field(  # true: fsync every journal write (power-loss durable, slower)
        False, description="true：每次写日志库都落盘（fsync），断电也不丢，但更慢"
    )
    reconcile_delays: list[Annotated[float, Field(ge=0)]] = Field(  # settling `unknown`
        default_factory=lambda: [1.0, 5.0, 30.0],
        description="结果未知（unknown）的委托在这些秒数后依次与当日委托核对",
    )
    shutdown_grace: float = Field(  # seconds Ctrl+C waits for the running operation
        10.0, ge=0, description="Ctrl+C 停止服务时等待正在执行的操作完成的最长秒数"
    )
    checkpoint_interval: float = Field(
        1.0,
        gt=0,
        description="后台把日志库的 WAL 合并回数据库文件的间隔（秒）；在请求之外进行，不影响已提交数据的持久性",
    )
    priority_levels: int | None = Field(
        None, description="兼容原版配置文件，未使用（优先级固定为 0-10）", json_schema_extra=LEGACY
    )
    batch_size: int | None = Field(None, description="兼容原版配置文件，未使用", json_schema_extra=LEGACY)


class LoggingSection(Section):
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = Field(
        "INFO", description="日志级别（不区分大小写）"
    )
    file: str = Field(  # relative paths are under EASYTHS_HOME
        "logs/easyths.log", description="日志文件；相对路径位于数据目录下"
    )
    max_bytes: int = Field(10 * 1024 * 1024, ge=0, description="单个日志文件的最大字节数，超过后轮转；0 为不轮转")
    backup_count: int = Field(5, ge=0, description="轮转后保留的旧日志文件个数")

    @field_validator("level", mode="before")
    @classmethod
    def _upper(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value

    @field_validator("file", mode="before")
    @classmethod
    def _empty_file_is_default(cls, value: Any) -> Any:
        """2.x config files write `file = ""` for "the default place"."""
        return "logs/easyths.log" if value in ("", None) else value


class WebSection(Section):
    """The dashboard at `/` (issue 12)."""

    enabled: bool = Field(True, description="是否在 / 提供网页看板（静态页面，数据仍经 API 认证）")
    gain_color: Literal["red", "green"] = Field(
        "red", description="盈利（上涨）显示的颜色：red 为红涨绿跌（A 股习惯），green 为绿涨红跌"
    )
    refresh_seconds: float = Field(
        60.0,
        ge=2,
        le=3600,
        description="看板在无变化时刷新资金/持仓/委托的间隔（秒）；下单、撤单、成交后与点击「刷新」时立即刷新。"
        "多个看板页签共用此间隔内的查询结果，看板查询以最低优先级排队，不会耽误下单",
    )


class McpSection(Section):
    """MCP tools for AI assistants (issue 12): off unless enabled; orders only when allowed."""

    enabled: bool = Field(False, description="是否启用 MCP（/mcp 的 streamable HTTP 与 easyths mcp 的 stdio）")
    allow_orders: bool = Field(False, description="是否向 MCP 提供下单/撤单工具；false 时只提供查询工具")
    url: str | None = Field(
        None,
        description="easyths mcp（stdio）连接的服务地址；不设置时为 http://[api].host:[api].port",
        examples=["http://127.0.0.1:7648"],
    )

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value and not value.startswith(("http://", "https://")):
            raise ValueError(f"服务地址必须以 http:// 或 https:// 开头，收到: {value!r}")
        return value


class EventsSection(Section):
    """Live events at /api/v1/events and the metrics at /metrics (issue 11)."""

    heartbeat: float = Field(
        15.0, gt=0, le=300, description="事件流空闲时发送心跳注释的间隔（秒），防止代理或防火墙断开长连接"
    )
    keep: int = Field(
        100_000, ge=100, description="事件库（events.db）最多保留的条数；断线重连只能补发保留范围内的事件"
    )
    max_bytes: int = Field(
        64 * 1024 * 1024,
        ge=1024 * 1024,
        description="事件库（events.db）最多占用的字节数（与 keep 同时生效，先到先删最旧的事件）",
    )
    batch_window_ms: float = Field(
        5.0,
        ge=0,
        le=1000,
        description="事件写入的攒批窗口（毫秒）：收到一条事件后再等这么久，一次提交写入期间到达的全部事件；"
        "实时推送相应延后，请求路径不再为事件等待。0 表示来一条写一条",
    )


__all__ = [
    "AppSection",
    "EventsSection",
    "LoggingSection",
    "McpSection",
    "QueueSection",
    "TradingSection",
    "WebSection",
]
