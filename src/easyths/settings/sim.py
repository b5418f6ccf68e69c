"""[sim] and [sim.fees]: the embedded simulated broker."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from easyths.domain.fees import REPO_FEE_RATES
from easyths.domain.hours import parse_hours
from easyths.settings.base import Section, six_digit_codes


class SimFees(Section):
    commission_rate: Decimal = Field(Decimal("0.00025"), ge=0, description="佣金费率（双向），默认万分之 2.5")
    min_commission: Decimal = Field(Decimal("5"), ge=0, description="单笔最低佣金（元）")
    stamp_duty_rate: Decimal | None = Field(
        None,
        ge=0,
        description="印花税率，仅卖出股票时收取；不设则按模拟日期适用当时的法定费率（2023-08-28 起 0.05%，此前 0.1%）",
        examples=[Decimal("0.0005")],
    )
    transfer_fee_rate: Decimal | None = Field(
        None,
        ge=0,
        description="过户费率（股票双向）；不设则按模拟日期适用当时的费率（2022-04-29 起 0.001%，此前 0.002%）",
        examples=[Decimal("0.00001")],
    )
    # 逆回购手续费（按期限天数，占出借金额比例）；未列出的期限按 0.0003（§7.4，UNCERTAIN）
    repo_fee_rates: dict[Annotated[int, Field(ge=1)], Annotated[Decimal, Field(ge=0)]] = Field(
        description="逆回购手续费率：期限天数 → 占出借金额的比例；未列出的期限按 0.0003",
        default_factory=lambda: dict(REPO_FEE_RATES),  # the table is the domain's, written once
    )


class SimSection(Section):
    initial_cash: Decimal = Field(Decimal("1000000"), ge=0, description="模拟账户初始资金（元），重置时也用它")
    accounts: list[str] = Field(
        default_factory=lambda: ["模拟账户"],
        min_length=1,
        description="模拟账户名称列表（至少一个），可用 account_switch 切换",
    )
    quotes: Literal["manual", "replay", "random", "live"] = Field(
        "manual",
        description="行情来源：manual 通过 API 设置，replay 回放 CSV，random 随机游走演示，live 公开实时行情（需联网）",
    )
    clock: Literal["virtual", "wall"] = Field(
        "virtual", description="时钟：virtual 虚拟时钟（只在指令下推进），wall 真实时间"
    )
    start: str | None = Field(  # virtual clock start (ISO, Asia/Shanghai); default: next session open
        None,
        description="虚拟时钟起点（上海时间，ISO 格式）；不设置时为今天或下一个交易日的 09:30",
        examples=["2026-11-25T09:30:00"],
    )
    replay_file: Path | None = Field(
        None,
        description="replay 行情文件（CSV：time,code,price[,prev_close,bid,ask,volume,name]）",
        examples=["ticks.csv"],
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
        examples=[Decimal("2")],
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
        examples=["D:/easyths-data/reference"],
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

    @field_validator("t0_codes", "limit20_codes")
    @classmethod
    def _codes(cls, value: list[str]) -> list[str]:
        return six_digit_codes(value)  # compared with the book's codes: any other spelling never matches

    @field_validator("accounts")
    @classmethod
    def _distinct_names(cls, value: list[str]) -> list[str]:
        """The sim keys its accounts by name: a repeated name was silently one account."""
        if not all(name.strip() for name in value):
            raise ValueError("账户名称不能为空")
        repeated = sorted({name for name in value if value.count(name) > 1})
        if repeated:
            raise ValueError(f"账户名称重复: {repeated}（模拟券商按名称区分账户，重复的名称只会是同一个账户）")
        return value

    @field_validator("start")
    @classmethod
    def _iso_start(cls, value: str | None) -> str | None:
        """Read by the virtual clock when the sim opens; refused here so the message names the key."""
        if value:
            try:
                datetime.fromisoformat(value)
            except ValueError:
                raise ValueError(
                    f"虚拟时钟起点必须是 ISO 格式的日期时间（如 2026-11-25T09:30:00），收到: {value!r}"
                ) from None
        return value

    @model_validator(mode="after")
    def _replay_needs_a_file(self) -> SimSection:
        """Refused when the sim opened, after the settings had loaded; refused at load instead."""
        if self.quotes == "replay" and self.replay_file is None:
            raise ValueError("quotes = replay 需要同时设置 replay_file（行情 CSV 文件）")
        return self


__all__ = ["SimFees", "SimSection"]
