"""The app factory. Nothing is built at import time: `create_app(settings, broker=None)` wires
journal, registry, broker and engine inside the lifespan, so tests and the CLI each get their own.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, nullcontext

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from easyths import __version__
from easyths.api.account_feed import AccountFeed
from easyths.api.contracts import openapi as contract_openapi
from easyths.api.contracts.v2_api import AccountTracker
from easyths.api.docs import install_docs
from easyths.api.envelope import COMMON_ERROR_RESPONSES, install_error_handlers
from easyths.api.head import HeadAsGet
from easyths.api.metrics import Metrics
from easyths.api.metrics import router as metrics_router
from easyths.api.middleware import SafeServing
from easyths.api.routes import events as events_routes
from easyths.api.routes import operations, queue, risk, system
from easyths.brokers.abilities import (
    ChecksTriggers,
    EmitsEvents,
    HasClock,
    HoldsConditions,
    NamesIssues,
    ValuesOrders,
)
from easyths.brokers.base import Broker
from easyths.engine.engine import Engine
from easyths.engine.events import EventLog
from easyths.engine.journal import Journal
from easyths.operations.registry import Registry
from easyths.risk.guard import Admission, KillSwitch, RiskGuard
from easyths.settings import Settings

log = logging.getLogger(__name__)


def create_app(settings: Settings, broker: Broker | None = None, registry: Registry | None = None) -> FastAPI:
    """`broker=None` builds the configured backend (sim by default) each time the app starts.

    A given broker is used as is and not closed: its owner (a test, the emulator) closes it.
    """
    given = broker
    registry = registry or Registry()
    backend = given.backend if given is not None else settings.broker.backend

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if given is None:
            from easyths.brokers.factory import create_broker

            active = create_broker(settings)
        else:
            active = given
        journal = Journal(
            settings.home / "journal.db",
            fsync=settings.queue.fsync,
            checkpoint_interval=settings.queue.checkpoint_interval,
        )
        engine = Engine(journal, registry, active, settings.queue)
        _guard_orders(app, settings, engine, journal, active)
        app.state.broker = active
        app.state.engine = engine
        app.state.reader = engine.reader  # JournalReader: memory first, then SQLite
        app.state.health = engine  # HealthSource: the broker's health as the worker last saw it
        app.state.registry = registry
        _track_accounts(app, engine, active)
        app.state.account_feed = AccountFeed(engine, registry).attach(active)  # the dashboard's shared reads
        events = EventLog(
            settings.home / "events.db",
            keep=settings.events.keep,
            max_bytes=settings.events.max_bytes,
            window=settings.events.batch_window_ms / 1000,
            legacy=journal.path,
        )
        events.operation_name = lambda op_id: rec.name if (rec := engine.reader.get(op_id)) else None
        engine.add_listener(events.on_operation)  # before start: recovery transitions are events too
        if isinstance(active, EmitsEvents):
            active.add_event_sink(events.on_broker_event)  # sim fills, condition triggers, expiries
        app.state.events = events
        app.state.metrics.watch(engine, journal.path)
        engine.start()
        log.info("EasyTHS %s 已启动，后端 %s，数据目录 %s", __version__, active.backend, settings.home)
        mcp_running = getattr(app.state, "mcp_running", None)  # `/mcp`'s session manager, when enabled
        try:
            async with mcp_running() if mcp_running else nullcontext():
                yield
        finally:
            engine.shutdown()
            events.close()
            journal.close()
            if given is None:
                active.close()
            log.info("EasyTHS 已停止")

    app = FastAPI(
        title="EasyTHS 同花顺交易自动化 API",
        version=__version__,
        description="同花顺交易客户端的本地 HTTP 接口：操作串行化、优先级队列、持久化、内置模拟券商。",
        lifespan=lifespan,
        responses=COMMON_ERROR_RESPONSES,
        docs_url=None,  # served by install_docs from packaged assets, not a CDN
        redoc_url=None,
    )
    app.state.settings = settings
    install_error_handlers(app)
    contract_openapi.install(app, settings.api.contract)  # the contract and its result components, top level
    install_docs(app)
    if origins := settings.api.cors_list():
        app.add_middleware(CORSMiddleware, allow_origins=origins, allow_methods=["*"], allow_headers=["*"])
    app.add_middleware(SafeServing, settings=settings.api)  # also sets the request's contract (v1/v2)
    app.add_middleware(HeadAsGet)  # outermost: HEAD is a GET without its body, for every layer
    app.state.metrics = Metrics()
    # No auth dependency on these routers: SafeServing checks the key for every /api/... and /metrics.
    operations_router = operations.build_router(registry, settings.api.contract)  # this app's operations
    for router in (system.router, risk.router, operations_router, queue.router, events_routes.router, metrics_router):
        app.include_router(router)
    if backend in ("sim", "emulator"):  # emulator: the sim behind the emulated client
        from easyths.api.routes import sim

        app.include_router(sim.router)
    if settings.web.enabled:
        from easyths.api.routes import dashboard, web

        app.include_router(web.build_router())
        app.include_router(dashboard.router)
    if settings.mcp.enabled:
        from easyths.api.mcp_mount import install

        app.state.mcp_running = install(app, settings, registry)
    return app


def _guard_orders(app: FastAPI, settings: Settings, engine: Engine, journal: Journal, broker: Broker) -> None:
    """The kill switch and the risk rules refuse an order at submit, before it is journalled; the
    rules' "day" and trading hours follow the sim's clock when it has one (a virtual one moves)."""
    switch = KillSwitch(settings.home)
    clock = broker.clock if isinstance(broker, HasClock) else None
    marks = broker if isinstance(broker, ValuesOrders) else None
    issues = broker if isinstance(broker, NamesIssues) else None
    guard = RiskGuard(settings, journal, clock, marks, issues)
    if isinstance(broker, ChecksTriggers):
        broker.set_trigger_check(guard.trigger_check)
    holder = broker if isinstance(broker, HoldsConditions) else None
    if holder is not None and switch.state.paused:
        holder.hold_conditions(True)  # paused before the restart: the sim's conditions stay held
    app.state.condition_holder = holder  # None: the backend's conditions cannot be held (THS)
    engine.add_admission(Admission(switch, guard))
    engine.add_listener(guard.on_record)
    app.state.kill_switch = switch
    app.state.risk = guard


def _track_accounts(app: FastAPI, engine: Engine, broker: Broker) -> None:
    """The 2.x contract reports the account each operation ran on; the tracker learns it from
    finished operations. The sim's current account is known without touching any GUI."""
    tracker = AccountTracker()
    engine.add_listener(tracker)
    if broker.backend == "sim":
        tracker.current = broker.current_account()
    app.state.accounts = tracker
