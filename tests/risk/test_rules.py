"""Each risk rule alone: what passes, what is denied, and that the denial names rule and values."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from easyths.errors import RiskDenied
from easyths.operations.registry import Registry
from easyths.risk.rules import DayBook, OrderIntent, check, intent_of
from easyths.risk.valuation import value_of
from easyths.settings import RiskSection

SH = datetime.fromisoformat("2026-11-27T10:00:00+08:00")  # a Friday, a trading day


REGISTRY = Registry(plugins=False)


def intent(name: str, params: dict[str, object]) -> OrderIntent | None:
    """The intent risk sees for a submit: the operation's own command, valued with no quotes (THS)."""
    command = REGISTRY.get(name)().command(REGISTRY.validate(name, params), "op")
    return intent_of(None if command is None else command.with_value(value_of(command, None)))


def limits(**kw: object) -> RiskSection:
    return RiskSection(**kw)


def buy(code: str = "600000", price: float = 10.0, quantity: int = 100) -> object:
    return intent("buy", {"stock_code": code, "price": price, "quantity": quantity})


def denied(
    intent: object, lim: RiskSection, cap: Decimal | None = None, book: DayBook | None = None, at: datetime = SH
) -> RiskDenied:
    with pytest.raises(RiskDenied) as info:
        check(intent, lim, cap, book or DayBook(at.date()), at)  # type: ignore[arg-type]
    assert info.value.http_status == 403 and info.value.error_code == "RISK_LIMIT"
    return info.value


def passes(
    intent: object, lim: RiskSection, cap: Decimal | None = None, book: DayBook | None = None, at: datetime = SH
) -> None:
    check(intent, lim, cap, book or DayBook(at.date()), at)  # type: ignore[arg-type]


def test_queries_and_cancels_are_not_orders() -> None:
    assert intent("holding_query", {}) is None
    assert intent("order_cancel", {"stock_code": "600000"}) is None


def test_every_order_operation_has_an_intent_with_its_side() -> None:
    sides = {
        "buy": intent("buy", {"stock_code": "600000", "price": 10, "quantity": 100}),
        "sell": intent("sell", {"stock_code": "600000", "price": 10, "quantity": 100}),
        "market_buy": intent("market_buy", {"stock_code": "600000", "quantity": 100}),
        "market_sell": intent("market_sell", {"stock_code": "600000", "quantity": 100}),
        "condition_buy": intent("condition_buy", {"stock_code": "600000", "target_price": 9, "quantity": 100}),
        "condition_sell": intent("condition_sell", {"stock_code": "600000", "target_price": 11, "quantity": 100}),
        "stop_loss_profit": intent(
            "stop_loss_profit", {"stock_code": "600000", "stop_loss_percent": 3, "stop_profit_percent": 5}
        ),
        "reverse_repo_buy": intent("reverse_repo_buy", {"market": "上海", "time_range": "1天期", "amount": 5000}),
    }
    assert {k: v.side for k, v in sides.items()} == {  # type: ignore[union-attr]
        "buy": "buy",
        "sell": "sell",
        "market_buy": "buy",
        "market_sell": "sell",
        "condition_buy": "buy",
        "condition_sell": "sell",
        "stop_loss_profit": "sell",
        "reverse_repo_buy": "lend",
    }
    assert sides["reverse_repo_buy"].code == "204001" and sides["reverse_repo_buy"].value == 5000  # type: ignore[union-attr]
    assert sides["condition_buy"].value == 900  # type: ignore[union-attr]
    assert sides["market_buy"].value is None  # type: ignore[union-attr]


def test_the_value_per_order_is_capped_and_the_denial_names_both_amounts() -> None:
    passes(buy(price=10, quantity=1000), limits(), Decimal("10000"))
    err = denied(buy(price=10.01, quantity=1000), limits(), Decimal("10000"))
    assert err.details["rule"] == "max_order_value"
    assert "10010" in err.message and "10000" in err.message and "单笔委托金额" in err.message


def test_a_zero_value_cap_is_off() -> None:
    passes(buy(price=100, quantity=100000), limits(), Decimal("0"))


def test_the_repo_amount_counts_as_its_value() -> None:
    repo = intent("reverse_repo_buy", {"market": "深圳", "time_range": "7天期", "amount": 200000})
    assert denied(repo, limits(), Decimal("100000")).details["limit"] == 100000


def test_the_quantity_per_order_is_capped_for_market_orders_too() -> None:
    lim = limits(max_order_quantity=500)
    passes(buy(quantity=500), lim)
    err = denied(intent("market_buy", {"stock_code": "600000", "quantity": 600}), lim)
    assert err.details == {"rule": "max_order_quantity", "value": 600, "limit": 500}
    assert "600" in err.message and "500" in err.message


def test_orders_per_day_in_total_are_capped() -> None:
    book = DayBook(SH.date())
    lim = limits(max_orders_per_day=2)
    for code in ("600000", "000001"):
        passes(buy(code), lim, book=book)
        book.add(buy(code), SH)  # type: ignore[arg-type]
    err = denied(buy("300750"), lim, book=book)
    assert err.details["rule"] == "max_orders_per_day" and "2 笔" in err.message


def test_orders_per_day_per_code_are_capped_and_other_codes_still_pass() -> None:
    book = DayBook(SH.date())
    lim = limits(max_orders_per_code_per_day=1)
    book.add(buy("600000"), SH)  # type: ignore[arg-type]
    err = denied(buy("600000", price=11), lim, book=book)
    assert err.details["code"] == "600000" and "600000" in err.message
    passes(buy("000001"), lim, book=book)


def test_a_cancelled_queued_order_stops_counting() -> None:
    book = DayBook(SH.date())
    book.add(buy(), SH)  # type: ignore[arg-type]
    book.remove(buy())  # type: ignore[arg-type]
    passes(buy(), limits(max_orders_per_day=1), book=book)


def test_the_deny_list_wins_over_the_allow_list() -> None:
    err = denied(buy("600000"), limits(allow_codes=["600000"], deny_codes=["600000"]))
    assert err.details["rule"] == "deny_codes" and "600000" in err.message


def test_only_allowed_codes_pass_when_an_allow_list_is_set() -> None:
    lim = limits(allow_codes=["600000", "204001"])
    passes(buy("600000"), lim)
    passes(intent("reverse_repo_buy", {"market": "上海", "time_range": "1天期", "amount": 1000}), lim)
    assert denied(buy("000001"), lim).details["rule"] == "allow_codes"


def test_an_identical_order_inside_the_window_is_a_duplicate_and_outside_it_is_not() -> None:
    book = DayBook(SH.date())
    lim = limits(duplicate_window=5)
    book.add(buy(), SH)  # type: ignore[arg-type]
    err = denied(buy(), lim, book=book, at=SH + timedelta(seconds=2))
    assert err.details["rule"] == "duplicate_window" and "5 秒" in err.message
    passes(buy(quantity=200), lim, book=book, at=SH + timedelta(seconds=2))
    passes(
        intent("sell", {"stock_code": "600000", "price": 10, "quantity": 100}),
        lim,
        book=book,
        at=SH + timedelta(seconds=2),
    )
    passes(buy(), lim, book=book, at=SH + timedelta(seconds=6))


def test_the_duplicate_guard_compares_prices_by_value() -> None:
    book = DayBook(SH.date())
    book.add(intent("buy", {"stock_code": "600000", "price": Decimal("10.50"), "quantity": 100}), SH)  # type: ignore[arg-type]
    denied(
        intent("buy", {"stock_code": "600000", "price": 10.5, "quantity": 100}),
        limits(duplicate_window=5),
        book=book,
        at=SH,
    )


def test_orders_outside_trading_hours_or_on_a_holiday_are_refused() -> None:
    lim = limits(trading_hours=["09:15-11:30", "13:00-15:00"])
    passes(buy(), lim)
    lunch = SH.replace(hour=12)
    err = denied(buy(), lim, at=lunch)
    assert err.details["rule"] == "trading_hours" and "12:00:00" in err.message
    saturday = SH + timedelta(days=1)
    denied(buy(), lim, at=saturday)


def test_malformed_trading_hours_are_a_config_error_naming_the_range() -> None:
    from easyths.errors import ConfigError
    from easyths.settings import load_settings

    with pytest.raises(ConfigError, match="25:00"):
        load_settings(None, risk={"trading_hours": ["09:00-25:00"]})


def test_codes_in_the_lists_must_be_six_digits() -> None:
    from easyths.errors import ConfigError
    from easyths.settings import load_settings

    with pytest.raises(ConfigError, match="6位"):
        load_settings(None, risk={"deny_codes": ["60000"]})
