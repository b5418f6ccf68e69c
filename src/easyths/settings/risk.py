"""[risk]: pre-trade limits checked at submit."""

from __future__ import annotations

from decimal import Decimal

from pydantic import Field, field_validator

from easyths.domain.hours import parse_hours
from easyths.settings.base import Section, six_digit_codes


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
        examples=[Decimal("500000")],
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
        return six_digit_codes(value)

    @field_validator("trading_hours")
    @classmethod
    def _ranges(cls, value: list[str]) -> list[str]:
        parse_hours(value)  # raises ValueError naming the bad range
        return value


__all__ = ["RiskSection"]
