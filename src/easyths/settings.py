"""One settings class: `config.toml` + environment, validated once at start-up.

Sources, highest first: constructor arguments (CLI flags), environment (`API_KEY`,
`EASYTHS_<SECTION>__<KEY>`), the TOML file, defaults. Unknown keys are errors so a typo in a
config file stops start-up with the key named instead of being silently ignored; the keys of
the original project's `config_example.toml` are accepted so existing files keep loading.
"""

from __future__ import annotations

import ipaddress
import os
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import (
    BaseSettings,
    InitSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from easyths.domain.fees import REPO_FEE_RATES
from easyths.domain.hours import parse_hours
from easyths.errors import ConfigError
from easyths.paths import data_home
from easyths.textfiles import read_toml
from easyths.validation_text import chinese_message


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class AppSection(Section):
    name: str = Field("同花顺交易自动化系统", description="服务名称，显示在 /api/v1/system/info 与日志中")
    version: str | None = Field(  # accepted from old config files; the package version is authoritative
        None, description="兼容原版配置文件，忽略；版本号以安装的程序包为准"
    )
    home: Path | None = Field(  # data folder; EASYTHS_HOME or ~/.easyths when unset
        None,
        description="数据目录（日志库 journal.db、模拟账户 sim.db、日志）；不设置时用 EASYTHS_HOME 或 ~/.easyths",
    )
    # accepted so a 2.x config.toml starts unchanged
    onnx_model_dir: str | None = Field(None, description="兼容原版 2.x 配置文件（验证码模型目录），忽略")
    save_error_captcha_image: bool | None = Field(None, description="兼容原版 2.x 配置文件，忽略")


class TradingSection(Section):
    app_path: str = Field(  # xiadan.exe, used by the ths backend
        "C:/同花顺软件/同花顺/xiadan.exe",
        description="同花顺下单程序 xiadan.exe 的路径（仅 ths 后端）；[broker].exe_path 优先",
    )
    max_order_amount: Decimal = Field(  # 单笔委托金额上限（元），client-side guard
        Decimal("10000000"), description="单笔委托金额上限（元）；[risk].max_order_value 未设置时风控沿用此值"
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
    reconcile_delays: list[float] = Field(  # settling `unknown`
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
    priority_levels: int | None = Field(None, description="兼容原版配置文件，未使用（优先级固定为 0-10）")
    batch_size: int | None = Field(None, description="兼容原版配置文件，未使用")


class ApiSection(Section):
    host: str = Field("127.0.0.1", description="监听地址；非本机地址必须同时配置 API Key，否则拒绝启动")
    port: int = Field(7648, ge=1, le=65535, description="监听端口")
    key: SecretStr | None = Field(
        None, description="API 密钥：设置后所有请求需带 Authorization: Bearer <key>；从不写入日志"
    )
    cors_origins: str = Field("", description="允许跨域访问的来源，逗号分隔；留空不开启 CORS")
    access_log: bool = Field(
        False, description="是否记录每个 HTTP 请求的访问日志（默认关闭；开启后由后台线程写出，不阻塞事件循环）"
    )
    rate_limit: int | None = Field(
        0, ge=0, description="每个客户端地址每分钟最多请求数，超出返回 429；0 为不限（原 2.x 的同名设置）"
    )
    allowed_ips: list[str] = Field(
        default_factory=list,
        description='只允许这些地址访问（IP 或 CIDR 网段，如 ["127.0.0.1", "192.168.1.0/24"]），'
        "其余返回 403；留空为不限制",
    )
    ip_whitelist: str | None = Field(None, description="旧配置键（原 2.x）：逗号分隔的地址或网段，并入 allowed_ips")
    max_body_bytes: int = Field(1024 * 1024, ge=1024, description="请求体最大字节数，超出返回 413；默认 1 MiB")
    allowed_hosts: list[str] = Field(
        default_factory=list,
        description="接受的 Host 请求头（主机名或地址，不含端口）：未配置 API Key 时只接受本机名称（localhost、"
        "127.0.0.1、::1）和这里列出的名称；配置了 API Key 时留空为不检查。其余返回 421 HOST_FORBIDDEN（防 DNS 重绑定）",
    )
    trusted_proxies: list[str] = Field(
        default_factory=list,
        description="只信任来自这些地址（IP 或 CIDR）的 X-Forwarded-For / X-Forwarded-Proto 请求头；"
        "留空（默认）不信任任何代理，客户端地址就是连接的对端地址",
    )
    max_header_bytes: int = Field(
        32 * 1024,
        ge=4096,
        le=1024 * 1024,
        description="监听非本机地址时请求行与请求头的最大字节数，超出返回 431；本机监听不限",
    )
    header_timeout: float = Field(
        10.0, gt=0, le=300, description="监听非本机地址时接收完整请求头的最长秒数，超时断开连接；本机监听不限"
    )
    max_connections: int = Field(
        512,
        ge=8,
        description="监听非本机地址时同时打开的连接数上限：超出的新连接立即关闭，"
        "同时处理的请求超出时返回 503；本机监听不限",
    )

    mcp_server_type: str | None = Field(  # accepted so a 2.x config.toml starts unchanged
        None, description="兼容原版 2.x 配置文件（MCP 传输类型），忽略；MCP 的设置见 [mcp]"
    )
    contract: Literal["v1", "v2"] = Field(
        "v1",
        description=(
            "响应契约：v1 按 1.x 接口文档（默认）；v2 兼容原项目 2.x（2.0.7）的 TradeClient："
            "信封含 status、error_code、current_used_account，查询结果为英文字段的记录列表。"
            "单个请求可用请求头 X-EasyTHS-Contract: v1 或 v2 临时覆盖"
        ),
    )

    @field_validator("allowed_ips", "trusted_proxies")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        for item in value:
            try:
                ipaddress.ip_network(item.strip(), strict=False)
            except ValueError as exc:
                raise ValueError(f"不是合法的 IP 地址或网段: {item!r}") from exc
        return value

    @field_validator("ip_whitelist")
    @classmethod
    def _old_networks(cls, value: str | None) -> str | None:
        if value:
            cls._networks([_wildcard_network(i) for i in value.split(",") if i.strip()])
        return value

    def allowed_networks(self) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
        """`allowed_ips` plus the old `ip_whitelist`; empty means every address may connect."""
        items = [*self.allowed_ips, *(_wildcard_network(i) for i in (self.ip_whitelist or "").split(","))]
        return [ipaddress.ip_network(i.strip(), strict=False) for i in items if i.strip()]

    @field_validator("key", mode="before")
    @classmethod
    def _empty_key_is_none(cls, value: Any) -> Any:
        return None if value in ("", None) else value

    @field_validator("key")
    @classmethod
    def _printable_ascii_key(cls, value: SecretStr | None) -> SecretStr | None:
        """HTTP headers carry ASCII only, so a key with any other character could never match:
        refuse it at load instead of answering 401 to every request. The key is never echoed."""
        if value is None:
            return value
        secret = value.get_secret_value()
        if not all("!" <= ch <= "~" for ch in secret):
            raise ValueError("API Key 只能由 ASCII 可见字符组成（不能含空格、中文或全角字符），否则请求头无法携带它")
        return value

    def cors_list(self) -> list[str]:
        """`cors_origins` as origins (no trailing slash); `*` is honoured only with a key (api/trust.py)."""
        return [o.strip().rstrip("/") for o in self.cors_origins.split(",") if o.strip()]

    def trusted_networks(self) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
        return [ipaddress.ip_network(i.strip(), strict=False) for i in self.trusted_proxies if i.strip()]


def _wildcard_network(item: str) -> str:
    """2.x's ip_whitelist writes networks with trailing wildcards (192.168.1.*): as CIDR."""
    parts = item.strip().split(".")
    if parts[-1] != "*" or len(parts) > 4:
        return item
    fixed = list(parts)
    while fixed and fixed[-1] == "*":
        fixed.pop()
    if not all(p.isdigit() for p in fixed):  # a wildcard before a fixed octet is not a network
        return item
    return ".".join([*fixed, *["0"] * (4 - len(fixed))]) + f"/{8 * len(fixed)}"


class LoggingSection(Section):
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = Field(
        "INFO", description="日志级别（不区分大小写）"
    )
    file: str = Field(  # relative paths are under EASYTHS_HOME
        "logs/easyths.log", description="日志文件；相对路径位于数据目录下"
    )
    max_bytes: int = Field(10 * 1024 * 1024, description="单个日志文件的最大字节数，超过后轮转")
    backup_count: int = Field(5, description="轮转后保留的旧日志文件个数")

    @field_validator("level", mode="before")
    @classmethod
    def _upper(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value

    @field_validator("file", mode="before")
    @classmethod
    def _empty_file_is_default(cls, value: Any) -> Any:
        """2.x config files write `file = ""` for "the default place"."""
        return "logs/easyths.log" if value in ("", None) else value


class BrokerSection(Section):
    """The `ths` backend's knobs: menu names and column variants differ by broker build."""

    backend: Literal["sim", "ths", "emulator"] = Field(
        "sim",
        description="交易后端：sim 内置模拟券商，ths 驱动同花顺客户端（仅 Windows），emulator 驱动模拟的同花顺客户端",
    )
    exe_path: str | None = Field(None, description="xiadan.exe 路径，优先于 [trading].app_path")
    window_title: str = Field("网上股票交易系统5.0", description="交易客户端主窗口标题（部分券商为 核新网上交易系统）")
    step_timeout: float = Field(  # longest wait for one control or dialog
        5.0, gt=0, description="驱动客户端时等待一个控件或弹窗的最长秒数"
    )
    grid_read: Literal["export", "copy"] = Field(
        "export", description="表格读取方式：export 导出到临时文件（推荐），copy 复制（可能需要验证码）"
    )
    menu: dict[str, list[str]] = Field(  # operation page -> menu path override
        default_factory=dict, description='按页面覆盖客户端左侧菜单路径，例如 funds = ["查询[F4]", "资金股份"]'
    )
    columns: dict[str, str] = Field(  # client header -> canonical header
        default_factory=dict, description='客户端表头到标准列名的映射，例如 "参考盈亏" = "盈亏"'
    )
    captcha_recogniser: str | None = Field(  # "module:callable" taking PNG bytes, returning the text
        None, description='复制表格需要验证码时使用的识别器："模块:函数"，参数为 PNG 字节，返回验证码文本'
    )
    account_combo_id: int | None = Field(  # account combo on the main window; None = first ComboBox
        None, description="主窗口上账户下拉框的控件 id；不设置时使用第一个下拉框"
    )
    export_dir: str | None = Field(
        None, description="表格导出（Ctrl+S）使用的临时文件夹，须为短 ASCII 路径；不设置时 Windows 上为 C:/easyths_grid"
    )
    submit_key: Literal["click", "enter"] = Field(
        "click",
        description="下单提交方式：click（点击下单按钮）或 enter（在数量框按回车，适用于点击偶尔无效的客户端）",
    )
    popups: Literal["on", "off"] = Field(
        "off",
        description=(
            "客户端「快速交易」中的确认与提示弹窗（委托确认、委托成功后的提示、撤单前确认）是否开启：on / off，"
            "按你的客户端设置填写，驱动不读取客户端设置。建议 on：成功提示带合同编号，"
            "撤单确认让驱动能在同一代码的多笔委托中按合同编号撤单；off 时这类撤单会被拒绝（CANCEL_AMBIGUOUS）。"
            "旧的 auto 按 off 处理"
        ),
    )

    @field_validator("popups", mode="before")
    @classmethod
    def _popups_auto_is_off(cls, value: object) -> object:
        """`auto` read the client's settings, which the driver cannot do on a real client: it meant
        waiting out every dialog. Kept loadable as the safe choice, off."""
        return "off" if value == "auto" else value

    dialog_grace: float = Field(0.5, gt=0, description="弹窗关闭时等待失败提示的秒数（只有失败才会弹窗）")
    market_aliases: dict[str, list[str]] = Field(
        default_factory=dict,
        description="市价委托类型的别名（按客户端版本/券商不同），键为标准名称，值为下拉框中可能出现的文字",
    )


class SimFees(Section):
    commission_rate: Decimal = Field(Decimal("0.00025"), description="佣金费率（双向），默认万分之 2.5")
    min_commission: Decimal = Field(Decimal("5"), description="单笔最低佣金（元）")
    stamp_duty_rate: Decimal | None = Field(
        None,
        description="印花税率，仅卖出股票时收取；不设则按模拟日期适用当时的法定费率（2023-08-28 起 0.05%，此前 0.1%）",
    )
    transfer_fee_rate: Decimal | None = Field(
        None,
        description="过户费率（股票双向）；不设则按模拟日期适用当时的费率（2022-04-29 起 0.001%，此前 0.002%）",
    )
    # 逆回购手续费（按期限天数，占出借金额比例）；未列出的期限按 0.0003（§7.4，UNCERTAIN）
    repo_fee_rates: dict[int, Decimal] = Field(
        description="逆回购手续费率：期限天数 → 占出借金额的比例；未列出的期限按 0.0003",
        default_factory=lambda: dict(REPO_FEE_RATES),  # the table is the domain's, written once
    )


class SimSection(Section):
    initial_cash: Decimal = Field(Decimal("1000000"), ge=0, description="模拟账户初始资金（元），重置时也用它")
    accounts: list[str] = Field(
        default_factory=lambda: ["模拟账户"], description="模拟账户名称列表，可用 account_switch 切换"
    )
    quotes: Literal["manual", "replay", "random", "live"] = Field(
        "manual",
        description="行情来源：manual 通过 API 设置，replay 回放 CSV，random 随机游走演示，live 公开实时行情（需联网）",
    )
    clock: Literal["virtual", "wall"] = Field(
        "virtual", description="时钟：virtual 虚拟时钟（只在指令下推进），wall 真实时间"
    )
    start: str | None = Field(  # virtual clock start (ISO, Asia/Shanghai); default: next session open
        None, description="虚拟时钟起点（上海时间，ISO 格式）；不设置时为今天或下一个交易日的 09:30"
    )
    replay_file: Path | None = Field(
        None, description="replay 行情文件（CSV：time,code,price[,prev_close,bid,ask,volume,name]）"
    )
    random_seed: int = Field(42, description="random 行情的随机种子（相同种子产生相同行情）")
    # 价格笼子外的限价单：hold（暂存，笼子移动后进入撮合，交易所做法）或 reject（直接拒绝）
    cage: Literal["hold", "reject"] = Field(
        "hold", description="价格笼子外的限价单：hold 暂存，笼子移动后进入撮合（交易所做法）；reject 直接拒绝"
    )
    # 可当日回转（T+0）的基金代码；可转债与逆回购按品种自动 T+0
    t0_codes: list[str] = Field(
        default_factory=list,
        description="追加的可当日回转（T+0）基金代码（内置名单见 domain/data/funds_t0.csv）；"
        "可转债与逆回购按品种自动 T+0",
    )
    # 成本价算法：diluted（摊薄成本，卖出盈亏计入成本）或 average（买入均价）
    cost_basis: Literal["diluted", "average"] = Field(
        "diluted", description="成本价算法：diluted 摊薄成本（卖出盈亏计入成本），average 买入均价"
    )
    repo_day_basis: int = Field(365, ge=360, le=366, description="逆回购计息的年天数基准")
    live_timeout: float = Field(3.0, gt=0, description="live 行情请求的超时（秒）")
    fees: SimFees = Field(default_factory=SimFees, description="模拟券商的费用，见 [sim.fees]")
    tick_seconds: float = Field(
        3.0,
        ge=0,
        description="random / replay / live 行情自动更新的间隔（秒，真实时间）；0 表示只在请求或推进时钟时更新",
    )
    bond_cage_pct: Decimal | None = Field(
        Decimal("10"),
        ge=0,
        description="可转债连续竞价的价格笼子（买入不高于基准价的 100%+N%，卖出不低于 100%-N%）；"
        "按 2022 年可转债交易细则取 10，未核实；留空表示不设笼子",
    )
    fund_cage_pct: Decimal | None = Field(
        None,
        ge=0,
        description="基金（ETF/LOF）连续竞价的价格笼子百分比；资料未给出，默认不设，可按券商规则配置（如 2）",
    )
    limit20_codes: list[str] = Field(
        default_factory=list, description="追加的涨跌幅 20% 基金代码（内置名单之外，见 domain/data/funds_limit20.csv）"
    )
    shipped_fund_lists: bool = Field(
        True, description="是否使用内置的 20% 涨跌幅基金名单和 T+0 基金名单（名单未与交易所核对，可关闭后自行配置）"
    )
    reference_dir: Path | None = Field(
        None,
        description="参考数据目录（证券名称、上市日期、基金名单），其中的文件按代码覆盖内置数据；"
        "默认 $EASYTHS_HOME/reference，easyths refresh-data 写入这里",
    )
    ipo_free_days: int = Field(5, ge=0, le=20, description="主板、创业板、科创板新股上市后无涨跌幅限制的交易日数")
    bse_ipo_free_days: int = Field(
        1, ge=0, le=20, description="北交所新股上市后无涨跌幅限制的交易日数（资料标注为未核实，默认仅上市首日）"
    )
    ipo_seed: int = Field(
        2026, description="新股/新债中签抽签的随机种子（相同种子、相同申购得到相同的中签结果，见文档「打新」）"
    )
    ipo_examples: bool = Field(
        True,
        description="是否加入内置的示例新股与新债（虚构，申购日从模拟账户第一次查询新股的交易日起排开）；"
        "关闭后只有参考数据目录的 ipos.csv 和 POST /api/v1/sim/ipos 加入的发行",
    )
    ipo_abandon_unit: Literal["unit", "share"] = Field(
        "unit",
        description="中签后资金不足时放弃认购的最小单位：unit 按整个申购单位（沪市主板1000股、科创板与深市500股、"
        "新债10张），share 按1股/1张；交易所细则对最小放弃单位的表述未核实，默认按申购单位",
    )
    after_hours_windows: list[str] = Field(
        default_factory=lambda: ["09:30-11:30", "13:00-15:30"],
        description="盘后固定价格交易的申报时间段（上交所规则；深交所为 9:15 起，未核实，可按券商调整）",
    )
    after_hours_all_from: date = Field(
        date(2026, 7, 6),
        description="从该交易日起所有沪深 A 股和基金可做盘后固定价格交易（此前仅科创板、创业板）",
    )

    @field_validator("after_hours_windows")
    @classmethod
    def _windows(cls, value: list[str]) -> list[str]:
        parse_hours(value)  # a malformed window is a start-up error, not an order left unknown
        return value


class EmulatorSection(Section):
    """`--backend emulator`: the THS driver against an emulated xiadan.exe backed by the sim."""

    popups: bool = Field(
        False,
        description="模拟客户端是否弹出委托确认与成功提示（默认关闭，同快速交易设置；失败提示总会弹出）",
    )
    latency_ms: int = Field(0, ge=0, le=60_000, description="模拟客户端每个弹窗出现前的延迟（毫秒）")
    faults: dict[str, float] = Field(
        default_factory=dict,
        description=(
            '故障注入：故障名称到发生概率（0–1），如 {"continue_prompt": 1.0}；可用名称 continue_prompt、lost_click、'
            "save_captcha、copy_captcha、stray_popup、slow_refresh、resist_close、client_death、locked_desktop"
        ),
    )
    seed: int = Field(7, description="故障注入的随机种子（相同种子重现相同的故障序列）")
    restart_after: float = Field(3.0, gt=0, le=600, description="模拟客户端崩溃后自动重启所需的秒数")

    @field_validator("faults")
    @classmethod
    def _known_faults(cls, value: dict[str, float]) -> dict[str, float]:
        from easyths.brokers.ths.emulator.faults import FAULT_NAMES

        unknown = sorted(set(value) - set(FAULT_NAMES))
        if unknown:
            raise ValueError(f"未知的故障名称 {unknown}，可用：{', '.join(FAULT_NAMES)}")
        bad = {k: v for k, v in value.items() if not 0.0 <= v <= 1.0}
        if bad:
            raise ValueError(f"故障概率必须在 0 到 1 之间：{bad}")
        return value


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
        None, description="easyths mcp（stdio）连接的服务地址；不设置时为 http://[api].host:[api].port"
    )


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


class RiskSection(Section):
    """Pre-trade limits checked at submit, before an order is journalled or queued (issue 10).

    Every limit is off at 0 / empty so existing scripts keep working; the one on by default is
    the value per order, which follows the old `[trading].max_order_amount`.
    """

    enabled: bool = Field(True, description="是否启用下单前风控检查（总开关；关闭后仅保留暂停交易开关）")
    max_order_value: Decimal | None = Field(
        None,
        ge=0,
        description="单笔委托金额上限（元，价格×数量；逆回购为出借金额）；"
        "不设置时沿用 [trading].max_order_amount，0 为不限",
    )
    max_order_quantity: int = Field(0, ge=0, description="单笔委托数量上限（股/份/张），0 为不限")
    max_orders_per_day: int = Field(0, ge=0, description="每日委托笔数上限（所有代码合计，按操作日志库统计），0 为不限")
    max_orders_per_code_per_day: int = Field(0, ge=0, description="每个代码每日委托笔数上限，0 为不限")
    allow_codes: list[str] = Field(
        default_factory=list, description="只允许交易这些代码（6位）；留空为不限制。逆回购按其代码（如 204001）判断"
    )
    deny_codes: list[str] = Field(default_factory=list, description="禁止交易的代码（6位），优先于 allow_codes")
    duplicate_window: float = Field(
        0.0,
        ge=0,
        description="重复委托保护窗口（秒）：窗口内相同代码、方向、价格、数量的委托被拒绝；0 为关闭",
    )
    trading_hours: list[str] = Field(
        default_factory=list,
        description='只在这些时段接受委托（上海时间，交易日），如 ["09:15-11:30", "13:00-15:00"]；留空为不限制',
    )
    cancel_queued_on_pause: bool = Field(
        False, description="暂停交易（POST /api/v1/system/pause）时是否同时取消排队中的委托（请求体可单次指定）"
    )

    @field_validator("allow_codes", "deny_codes")
    @classmethod
    def _six_digits(cls, value: list[str]) -> list[str]:
        bad = [c for c in value if not (isinstance(c, str) and len(c) == 6 and c.isdigit())]
        if bad:
            raise ValueError(f"代码必须是6位数字: {bad}")
        return value

    @field_validator("trading_hours")
    @classmethod
    def _ranges(cls, value: list[str]) -> list[str]:
        parse_hours(value)  # raises ValueError naming the bad range
        return value


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="EASYTHS_",
        env_nested_delimiter="__",
        extra="forbid",
        validate_default=True,
    )

    app: AppSection = Field(default_factory=AppSection)
    trading: TradingSection = Field(default_factory=TradingSection)
    queue: QueueSection = Field(default_factory=QueueSection)
    api: ApiSection = Field(default_factory=ApiSection)
    logging: LoggingSection = Field(default_factory=LoggingSection)
    broker: BrokerSection = Field(default_factory=BrokerSection)
    sim: SimSection = Field(default_factory=SimSection)
    emulator: EmulatorSection = Field(default_factory=EmulatorSection)
    web: WebSection = Field(default_factory=WebSection)
    mcp: McpSection = Field(default_factory=McpSection)
    events: EventsSection = Field(default_factory=EventsSection)
    risk: RiskSection = Field(default_factory=RiskSection)
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
        sources: list[PydanticBaseSettingsSource] = [init_settings, _ApiKeyEnvSource(settings_cls), env_settings]
        data = _CONFIG_DATA.get("data")
        if data is not None:  # read by load_settings in the encodings Windows saves (textfiles.py)
            sources.append(InitSettingsSource(settings_cls, init_kwargs=data))
        return tuple(sources)

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


_CONFIG_DATA: dict[str, dict[str, Any]] = {}


def default_config_path() -> Path | None:
    """`./config.toml`, else `$EASYTHS_HOME/config.toml`, else none."""
    for candidate in (Path.cwd() / "config.toml", _home_from_env() / "config.toml"):
        if candidate.is_file():
            return candidate
    return None


def _home_from_env() -> Path:
    return data_home(None, os.environ.get("EASYTHS_HOME"))


def load_settings(config_file: Path | None = None, **overrides: Any) -> Settings:
    """Build settings or raise `ConfigError` naming the offending key.

    `overrides` are nested dicts per section (CLI flags), applied above every other source.
    """
    path = config_file if config_file is not None else default_config_path()
    if path is not None:
        if not path.is_file():
            raise ConfigError(f"配置文件不存在: {path}")
        _CONFIG_DATA["data"] = read_toml(path)
    try:
        settings = Settings(**_given(overrides))
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in err['loc'])}: {chinese_message(err)}" for err in exc.errors())
        where = f"（配置文件 {path}）" if path else ""
        raise ConfigError(f"配置无效{where}: {problems}") from exc
    finally:
        _CONFIG_DATA.pop("data", None)
    settings.config_file = path
    return settings


def _given(overrides: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in overrides.items() if v not in (None, {}, [])}


EXAMPLE_CONFIG = """\
# EasyTHS 配置文件示例（config.toml）
# 读取顺序：命令行参数 > 环境变量 > 本文件 > 默认值
# 环境变量：API_KEY 设置 [api].key；其余为 EASYTHS_<节>__<键>，如 EASYTHS_SIM__QUOTES=random

[app]
name = "同花顺交易自动化系统"
# 数据目录（操作日志库、模拟账户、日志）；不设置时使用环境变量 EASYTHS_HOME 或 ~/.easyths
# home = "D:/easyths-data"

[trading]
# 同花顺下单程序路径（仅 ths 后端使用）
app_path = "C:/同花顺软件/同花顺/xiadan.exe"
# 单笔委托金额上限（元）
max_order_amount = 10000000

[queue]
# 队列最大长度，满时提交返回 503
max_size = 1000
# 单个操作的最长执行时间（秒），超时判为失败，队列继续服务
operation_timeout = 60
# 重启后排队中的操作：resume（继续执行）或 fail（判为失败）
on_restart = "resume"
# 已结束操作在日志库中保留的天数
retention_days = 30
# 已结束的查询（只读操作）保留的秒数，供客户端取回结果；下单、撤单与条件单按 retention_days 保留
query_retention_seconds = 60
# true：每次状态变更都落盘（fsync），断电也不丢，但更慢
fsync = false
# 结果未知（unknown）的委托在这些秒数后依次与当日委托核对
reconcile_delays = [1, 5, 30]
# Ctrl+C 时等待正在执行的操作完成的最长秒数
shutdown_grace = 10

[api]
# 监听地址；非本机地址必须配置 key
host = "127.0.0.1"
port = 7648
# API 密钥：设置后所有请求需携带 Authorization: Bearer <key>
key = ""
# 允许跨域的来源，逗号分隔；留空不开启 CORS
cors_origins = ""
# 只允许这些地址访问（IP 或 CIDR），其余返回 403；留空为不限制
allowed_ips = []
# 每个客户端地址每分钟最多请求数，超出返回 429；0 为不限
rate_limit = 0
# 请求体最大字节数，超出返回 413
max_body_bytes = 1048576
# 接受的 Host 请求头（防 DNS 重绑定）：未配置 key 时只接受本机名称与这里列出的名称
allowed_hosts = []
# 信任其 X-Forwarded-For 的反向代理地址；留空不信任任何代理
trusted_proxies = []
# 监听非本机地址时：请求头上限（字节，超出 431）、接收请求头的时限（秒）、同时连接数上限
max_header_bytes = 32768
header_timeout = 10
max_connections = 512

[logging]
level = "INFO"
# 相对路径位于数据目录下；日志按大小轮转，从不记录 API 密钥
file = "logs/easyths.log"

[broker]
# 后端：sim（内置模拟券商，默认）或 ths（驱动同花顺客户端，仅 Windows）
backend = "sim"
# 主窗口标题（部分券商为 核新网上交易系统）
window_title = "网上股票交易系统5.0"
# 单步等待控件/弹窗的最长时间（秒）
step_timeout = 5
# 表格读取方式：export（导出到临时文件，推荐）或 copy（复制，可能需要验证码）
grid_read = "export"

# 复制表格需要验证码时使用的识别器（"模块:函数"，参数为图片 PNG 字节，返回验证码文本）
# captcha_recogniser = "my_ocr:recognise"
# 主窗口上账户下拉框的控件 id；不设置时使用第一个下拉框
# account_combo_id = 1001

# 各券商菜单名称不同时在此覆盖（页面：buy sell cancel funds holdings orders fills history
# market_buy market_sell condition_price stop_loss_profit condition_monitor repo），例如：
# [broker.menu]
# funds = ["查询[F4]", "资金股份"]
# holdings = ["查询[F4]", "资金股份"]

# 表头与标准列名不同时在此映射（客户端表头 = 标准表头）；持仓数量/可用数量/参考成本价/当前价 等新版表头已内置
# [broker.columns]
# "参考盈亏" = "盈亏"

[sim]
# 模拟账户初始资金（元）
initial_cash = 1000000
# 行情来源：manual（通过 API 设置）、replay（回放 CSV）、random（随机游走演示）、live（公开实时行情）
quotes = "manual"
# 时钟：virtual（虚拟时钟，只在指令下推进）或 wall（真实时间）
clock = "virtual"
# 账户名称（account_switch 可切换）
accounts = ["模拟账户"]
# 虚拟时钟起点（上海时间，ISO 格式）；不设置时为今天或下一个交易日的 09:30
# start = "2026-11-25T09:30:00"
# replay 行情文件（CSV：time,code,price[,prev_close,bid,ask,volume,name]）
# replay_file = "ticks.csv"
# random 行情的随机种子（相同种子产生相同行情）
random_seed = 42
# 超出价格笼子的限价单：hold（暂存）或 reject（拒绝）
cage = "hold"
# 可 T+0 交易的基金代码（债券/黄金/跨境 ETF 等，以基金公告为准）
t0_codes = []
# 成本价：diluted（摊薄成本）或 average（买入均价）
cost_basis = "diluted"

[sim.fees]
commission_rate = 0.00025   # 佣金万2.5
min_commission = 5          # 佣金最低 5 元
# 印花税、过户费不设时按模拟日期适用当时的法定费率；设置后固定为该值
# stamp_duty_rate = 0.0005    # 印花税（仅卖出股票）
# transfer_fee_rate = 0.00001 # 过户费（股票双向）

[web]
# 网页看板（浏览器打开 http://127.0.0.1:7648/ ）；设置了 API Key 时页面会要求输入密钥
enabled = true
# 盈利显示颜色：red（红涨绿跌，A 股习惯）或 green（绿涨红跌）
gain_color = "red"
# 无变化时刷新资金/持仓/委托的间隔（秒）；下单、撤单、成交后立即刷新
refresh_seconds = 60

[mcp]
# MCP（供 AI 助手调用）：/mcp（streamable HTTP）与 easyths mcp（stdio）；默认关闭
enabled = false
# 是否提供下单/撤单工具（经同一队列、幂等与风控）；默认只读
allow_orders = false
# easyths mcp（stdio）连接的服务地址；不设置时为 http://[api].host:[api].port
# url = "http://127.0.0.1:7648"

[events]
# 实时事件流 /api/v1/events（SSE）：空闲时心跳间隔（秒）
heartbeat = 15
# 事件库 events.db 最多保留的条数（断线重连按 Last-Event-ID 补发）
keep = 100000
# 事件库 events.db 最多占用的字节数（64 MiB），与 keep 同时生效
max_bytes = 67108864
# 事件写入攒批窗口（毫秒）：一次提交写入窗口内到达的全部事件，实时推送相应延后
batch_window_ms = 5

[risk]
# 下单前风控（提交时检查，不通过返回 403 RISK_LIMIT，不进入队列）；0 或留空为不限
# 单笔委托金额上限（元）；不设置时沿用 [trading].max_order_amount
# max_order_value = 500000
max_order_quantity = 0
max_orders_per_day = 0
max_orders_per_code_per_day = 0
allow_codes = []
deny_codes = []
# 重复委托保护（秒）：窗口内相同代码、方向、价格、数量的委托被拒绝
duplicate_window = 0
# 只在这些时段接受委托（上海时间，交易日），如 ["09:15-11:30", "13:00-15:00"]
trading_hours = []
# 暂停交易时是否同时取消排队中的委托
cancel_queued_on_pause = false
"""

__all__ = ["EXAMPLE_CONFIG", "Settings", "load_settings"]
