"""`easyths`: with no subcommand, serve the API (sim backend by default).

Why the option spellings `--exe_path` / `--get_config`: they are the original project's flags,
and users' start scripts pass them; the dashed forms work too.
"""

from __future__ import annotations

import contextlib
import signal
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from easyths import __version__
from easyths.cli import client_commands, ipo_command, streams
from easyths.cli.docs_command import docs_command
from easyths.cli.startup import EXIT_BACKEND, EXIT_CONFIG, EXIT_UNEXPECTED
from easyths.errors import ConfigError, EasyTHSError, StartupError
from easyths.hosts import is_loopback
from easyths.settings import EXAMPLE_CONFIG, Settings, load_settings

app = typer.Typer(add_completion=False, help="EasyTHS：同花顺交易客户端的本地 HTTP 服务（默认内置模拟券商）")
console = Console(stderr=True, soft_wrap=True)  # messages are sentences: the terminal wraps them, not us


def _version(value: bool) -> None:
    if value:
        typer.echo(f"easyths {__version__}")
        raise typer.Exit()


def _write_example(value: bool) -> None:
    if value:
        target = Path.cwd() / "config.toml"
        if target.exists():
            console.print(f"[yellow]{target} 已存在，未覆盖[/yellow]")
            raise typer.Exit(1)
        target.write_text(EXAMPLE_CONFIG, encoding="utf-8")
        console.print(f"已生成示例配置文件: {target}")
        raise typer.Exit()


# Bound beyond loopback, anyone on the network may guess the key; a one-letter key was accepted.
MIN_WIDE_KEY = 16


def build_settings(
    config: Path | None, host: str | None, port: int | None, backend: str | None, exe_path: str | None
) -> Settings:
    overrides: dict[str, Any] = {}
    api = {k: v for k, v in {"host": host, "port": port}.items() if v is not None}
    broker = {k: v for k, v in {"backend": backend, "exe_path": exe_path}.items() if v is not None}
    base = load_settings(config)
    if api:
        overrides["api"] = {**base.api.model_dump(), **api}
    if broker:
        overrides["broker"] = {**base.broker.model_dump(), **broker}
    settings = load_settings(config, **overrides) if overrides else base
    key = settings.api_key
    if not is_loopback(settings.api.host) and not key:
        raise ConfigError(
            f"拒绝在非本机地址 {settings.api.host} 上无认证监听：请设置 API_KEY 环境变量或 [api].key，或改用 127.0.0.1"
        )
    if not is_loopback(settings.api.host) and key is not None and len(key) < MIN_WIDE_KEY:
        raise ConfigError(
            f"API Key 太短（{len(key)} 个字符）：监听非本机地址 {settings.api.host} 时，局域网里的任何人都能猜它，"
            f'至少需要 {MIN_WIDE_KEY} 个字符（可用 python -c "import secrets; print(secrets.token_urlsafe(24))" 生成）'
        )
    if not key and "*" in settings.api.cors_list():
        raise ConfigError(
            '[api].cors_origins = "*" 会让任何网页都能调用本服务，未配置 API Key 时不允许：'
            "请列出需要跨域访问的具体来源（如 http://localhost:3000），或留空，或同时设置 API Key"
        )
    return settings


@app.callback(invoke_without_command=True)
def main(
    ctx: typer.Context,
    host: Annotated[str | None, typer.Option("--host", help="监听地址（默认 127.0.0.1）")] = None,
    port: Annotated[int | None, typer.Option("--port", help="监听端口（默认 7648）")] = None,
    config: Annotated[Path | None, typer.Option("--config", help="配置文件路径（默认 ./config.toml）")] = None,
    backend: Annotated[
        str | None,
        typer.Option(
            "--backend", help="交易后端：sim（模拟券商）、ths（同花顺客户端）或 emulator（模拟的同花顺客户端）"
        ),
    ] = None,
    exe_path: Annotated[
        str | None, typer.Option("--exe_path", "--exe-path", help="同花顺 xiadan.exe 路径（ths 后端）")
    ] = None,
    get_config: Annotated[
        bool,
        typer.Option(
            "--get_config",
            "--get-config",
            callback=_write_example,
            is_eager=True,
            help="在当前目录生成示例 config.toml",
        ),
    ] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="显示版本并退出")
    ] = False,
) -> None:
    if ctx.invoked_subcommand is not None:
        return
    if backend is not None and backend not in ("sim", "ths", "emulator"):
        console.print(f"[red]--backend 只能是 sim、ths 或 emulator，收到: {backend}[/red]")
        raise typer.Exit(2)
    try:
        settings = build_settings(config, host, port, backend, exe_path)
        serve(settings)
    except ConfigError as exc:
        console.print(f"启动失败: {exc.message}", style="red", markup=False)
        raise typer.Exit(EXIT_CONFIG) from None
    except StartupError as exc:
        console.print(f"启动失败: {exc.message}", style="red", markup=False)
        raise typer.Exit(exc.exit_code) from None


def serve(settings: Settings) -> None:
    """Start-up in the order that lets every failure explain itself (see `cli/startup.py`): lock
    the data folder, bind the port, check the databases, build the broker, then serve on the
    socket already bound. Building the broker before the server means a backend that cannot start
    (ths off Windows, a client not found) stops with its own message instead of a traceback."""
    from easyths.api.app import create_app
    from easyths.brokers.factory import create_broker
    from easyths.cli.console_close import ConsoleCloseGuard
    from easyths.cli.serving import server_config
    from easyths.cli.startup import DataFolderLock, bind_port, check_database, private_data_folder
    from easyths.logs import queue_access_log, redact_console, setup_logging

    private_data_folder(settings.home)  # before anything is created in it: 0700 / 0600 on POSIX
    lock = DataFolderLock(settings.home).acquire()
    try:
        sock = bind_port(settings.api.host, settings.api.port)
        try:
            check_database(settings.home / "journal.db", "操作日志库")
            check_database(settings.home / "events.db", "事件库")
            if settings.broker.backend == "sim":
                check_database(settings.home / "sim.db", "模拟账户数据库")
            log_file = setup_logging(settings)
            try:
                broker = create_broker(settings)
            except EasyTHSError as exc:
                raise StartupError(
                    f"交易后端 {settings.broker.backend} 无法启动: {exc.message}", exit_code=EXIT_BACKEND
                ) from exc
            guard: ConsoleCloseGuard | None = None
            try:
                application = create_app(settings, broker=broker)
                console.print(
                    f"EasyTHS {__version__} · 后端 [bold]{settings.broker.backend}[/bold] · "
                    f"http://{settings.api.host}:{settings.api.port}/docs · 数据目录 {settings.home} · 日志 {log_file}"
                )
                server = _server(server_config(settings, application))  # bounded when bound wide
                # Closing the console window stops like Ctrl+C (Windows; cli/console_close.py).
                guard = ConsoleCloseGuard(lambda: signal.raise_signal(signal.SIGINT)).install()
                redact_console(settings)  # uvicorn's console handlers exist once its Config is built
                listener = queue_access_log() if settings.api.access_log else None
                sys.setswitchinterval(GIL_SWITCH_INTERVAL)
                try:
                    with contextlib.suppress(KeyboardInterrupt):  # uvicorn re-raises Ctrl+C after a clean stop
                        server.run(sockets=[sock])
                finally:
                    if listener is not None:
                        listener.stop()
                if not server.started:
                    raise StartupError("服务启动失败，原因见上方输出与日志", exit_code=EXIT_UNEXPECTED)
            finally:
                broker.close()
                if guard is not None:
                    guard.finished()
        finally:
            sock.close()
    finally:
        lock.release()


# The worker thread gives up the GIL at every SQLite call and lock wait; with many clients the event
# loop holds it, and CPython makes the waiting thread wait a whole switch interval (5 ms by default)
# before it may ask for it back, so the one-at-a-time queue idled while requests were parsed. At
# 0.5 ms, 10 clients got about 1.5x the operations per second and half the p99 (bench_engine.py).
GIL_SWITCH_INTERVAL = 0.0005


def _server(config: Any) -> Any:
    """uvicorn's Server, but the first Ctrl+C also ends the live event streams: uvicorn waits for
    open responses before shutting down, and an SSE stream never ends by itself."""
    import uvicorn

    from easyths.api.routes.events import close_streams

    class Server(uvicorn.Server):
        def handle_exit(self, sig: int, frame: Any) -> None:
            close_streams(config.app)
            super().handle_exit(sig, frame)

    return Server(config)


@app.command("doctor")
def doctor_command(
    output: Annotated[Path | None, typer.Option("--output", "-o", help="窗口结构记录文件（JSON）")] = None,
) -> None:
    """检查同花顺客户端及其设置，并记录窗口结构供问题反馈（仅 Windows）。"""
    from easyths.cli.doctor import doctor

    raise typer.Exit(doctor(output))


@app.command("trial")
def trial_command(
    code: Annotated[str, typer.Option("--code", help="一只流动性好的股票或基金代码，如 600000")],
    price: Annotated[str, typer.Option("--price", help="限价：在今天的涨跌停范围内、远离市价（不会成交）")],
    backend: Annotated[
        str | None, typer.Option("--backend", help="ths（真实客户端，默认取配置）或 emulator（模拟客户端演练）")
    ] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="试运行报告文件（JSON）")] = None,
    yes: Annotated[bool, typer.Option("--yes", help="不再询问确认（用于演练与自动化）")] = False,
    config: Annotated[Path | None, typer.Option("--config", help="配置文件路径（默认 ./config.toml）")] = None,
) -> None:
    """在真实客户端上试运行：读取各页面，再以远离市价的限价买入 1 手、按合同编号撤单，写出报告（仅交易时段）。"""
    from easyths.cli.trial import trial

    try:
        base = load_settings(config)
        settings = load_settings(config, broker={**base.broker.model_dump(), "backend": backend}) if backend else base
    except ConfigError as exc:
        console.print(f"启动失败: {exc.message}", style="red", markup=False)
        raise typer.Exit(2) from None
    raise typer.Exit(trial(settings, code, price, output, assume_yes=yes))


@app.command("mcp")
def mcp_command(
    config: Annotated[Path | None, typer.Option("--config", help="配置文件路径（默认 ./config.toml）")] = None,
    verbose: Annotated[bool, typer.Option("--verbose", help="在 stderr 记录每个请求（默认只记录警告和错误）")] = False,
) -> None:
    """以 stdio 提供 MCP 工具（供桌面 AI 助手使用），连接正在运行的 EasyTHS 服务；需在 mcp 节设 enabled = true。"""
    try:
        settings = load_settings(config)
    except ConfigError as exc:
        console.print(f"[red]启动失败: {exc.message}[/red]")
        raise typer.Exit(2) from None
    if not settings.mcp.enabled:
        console.print(
            "[red]MCP 未启用：请在配置文件中设置 \\[mcp] enabled = true（或环境变量 EASYTHS_MCP__ENABLED=true）[/red]"
        )
        raise typer.Exit(2)
    from easyths.mcptools.stdio import serve_stdio, service_url

    mode = "可下单" if settings.mcp.allow_orders else "只读"
    console.print(f"EasyTHS MCP（stdio，{mode}）→ {service_url(settings)}")
    serve_stdio(settings, verbose=verbose)


@app.command("refresh-data")
def refresh_data_command(
    config: Annotated[Path | None, typer.Option("--config", help="配置文件路径（默认 ./config.toml）")] = None,
) -> None:
    """从上交所、深交所公开的股票列表下载证券名称与上市日期（需联网），供模拟券商使用。"""
    from easyths.brokers.sim.refdata import refresh
    from easyths.errors import EasyTHSError

    settings = load_settings(config)
    directory = settings.sim.reference_dir or settings.home / "reference"
    try:
        target = refresh(directory)
    except EasyTHSError as exc:
        console.print(f"[red]更新失败: {exc.message}[/red]")
        raise typer.Exit(1) from None
    console.print(f"已写入 {target}")


client_commands.register(app)  # buy, sell, funds, holdings, orders, cancel, ops (on the SDK)
app.command("docs")(docs_command)
app.command("ipo")(ipo_command.ipo)  # 打新: list, --subscribe-all, --allotments (on the SDK)


def run() -> None:
    streams.prepare()  # before anything is printed: a redirected stdout on a non-Chinese code page
    app(prog_name="easyths")


if __name__ == "__main__":  # pragma: no cover
    run()
