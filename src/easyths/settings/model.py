"""The root `Settings`: every section, and where its values come from.

Sources, highest first: constructor arguments (CLI flags), `API_KEY`, the environment
(`EASYTHS_<SECTION>__<KEY>`), the TOML file named by `config_file`, defaults. Why the file is read
by a source of its own that takes the path from the constructor's arguments: each `Settings(...)`
carries its file with it, so nothing is handed to the model through module state and two loads
(of two files, from two threads) cannot see each other's data.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic import AliasChoices, Field
from pydantic_settings import (
    BaseSettings,
    InitSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from easyths.paths import data_home
from easyths.settings.api import ApiSection
from easyths.settings.broker import BrokerSection, EmulatorSection
from easyths.settings.risk import RiskSection
from easyths.settings.service import (
    AppSection,
    EventsSection,
    LoggingSection,
    McpSection,
    QueueSection,
    TradingSection,
    WebSection,
)
from easyths.settings.sim import SimSection
from easyths.textfiles import read_toml


class Settings(BaseSettings):
    """Build it with `load_settings` (which finds the file and words errors in Chinese); the
    object is then passed down, or read from the app's state (`api/deps.py`)."""

    model_config = SettingsConfigDict(
        env_prefix="EASYTHS_",
        env_nested_delimiter="__",
        extra="forbid",
        validate_default=True,
    )

    app: AppSection = Field(default_factory=AppSection, description="服务名称与数据目录")
    trading: TradingSection = Field(default_factory=TradingSection, description="交易客户端路径与单笔金额上限")
    queue: QueueSection = Field(default_factory=QueueSection, description="操作队列、操作日志库与重启后的处理")
    api: ApiSection = Field(default_factory=ApiSection, description="HTTP 服务：监听地址、API 密钥与访问控制")
    logging: LoggingSection = Field(default_factory=LoggingSection, description="日志（按大小轮转，从不记录 API 密钥）")
    broker: BrokerSection = Field(default_factory=BrokerSection, description="交易后端与同花顺客户端驱动")
    sim: SimSection = Field(default_factory=SimSection, description="内置模拟券商")
    emulator: EmulatorSection = Field(
        default_factory=EmulatorSection, description="模拟的同花顺客户端（--backend emulator）与故障注入"
    )
    web: WebSection = Field(default_factory=WebSection, description="网页看板（浏览器打开 http://127.0.0.1:7648/ ）")
    mcp: McpSection = Field(default_factory=McpSection, description="MCP（供 AI 助手调用），默认关闭")
    events: EventsSection = Field(default_factory=EventsSection, description="实时事件流 /api/v1/events 与事件库")
    risk: RiskSection = Field(
        default_factory=RiskSection, description="下单前风控（提交时检查，不通过返回 403 RISK_LIMIT，不进入队列）"
    )
    config_file: Path | None = Field(None, validation_alias=AliasChoices("config_file"), exclude=True)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (
            init_settings,
            _ApiKeyEnvSource(settings_cls),
            env_settings,
            _ConfigFileSource(settings_cls, init_settings),
        )

    @property
    def home(self) -> Path:
        """Where the journal, the sim database and the logs live: absolute, so a relative or
        drive-less home cannot change meaning or break a database URI (paths.py)."""
        return data_home(self.app.home, os.environ.get("EASYTHS_HOME"))

    @property
    def api_key(self) -> str | None:
        return self.api.key.get_secret_value() if self.api.key else None

    @property
    def exe_path(self) -> str:
        return self.broker.exe_path or self.trading.app_path


class _ApiKeyEnvSource(PydanticBaseSettingsSource):
    """`API_KEY` (the reference's variable, no prefix) sets `[api].key`."""

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        key = os.environ.get("API_KEY")
        return {"api": {"key": key}} if key else {}


class _ConfigFileSource(PydanticBaseSettingsSource):
    """The TOML file given as `config_file`, read in the encodings Windows saves (textfiles.py)."""

    def __init__(self, settings_cls: type[BaseSettings], init_settings: PydanticBaseSettingsSource) -> None:
        super().__init__(settings_cls)
        given = init_settings.init_kwargs if isinstance(init_settings, InitSettingsSource) else {}
        self._path: Any = given.get("config_file")

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:
        return None, field_name, False

    def __call__(self) -> dict[str, Any]:
        return read_toml(Path(self._path)) if self._path is not None else {}


__all__ = ["Settings"]
