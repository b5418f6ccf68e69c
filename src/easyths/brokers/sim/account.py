"""Cash and positions of the simulated accounts, and the rows the client's grids show.

Cash is three numbers: 资金余额 (balance), 冻结金额 (frozen: open buys, money lent through repo)
and `unsettled` (today's sale proceeds: usable at once, withdrawable next trading day). The
client's identities follow: 可用 = 资金余额 − 冻结, 可取 = 可用 − unsettled, 总资产 = 资金余额 + 市值.
Positions keep 股票余额, 可用余额 (excludes today's buys under T+1) and 冻结数量 (open sells).
"""

from __future__ import annotations

import sqlite3
from datetime import date
from decimal import Decimal
from typing import Any

from easyths.brokers.base import Row
from easyths.brokers.sim.context import SimContext
from easyths.brokers.sim.quotes import get_quote
from easyths.brokers.sim.store import dec
from easyths.domain.codes import classify
from easyths.domain.holdings import is_t_plus_zero
from easyths.domain.prices import money
from easyths.errors import BrokerRejected

ZERO = Decimal("0")
PCT = Decimal("0.01")
PRICE = Decimal("0.001")


def ensure_accounts(ctx: SimContext) -> None:
    for idx, name in enumerate(ctx.settings.accounts):
        ctx.store.run(
            "INSERT OR IGNORE INTO accounts (name, idx, balance, frozen, unsettled) VALUES (?, ?, ?, '0', '0')",
            name,
            idx,
            money(ctx.settings.initial_cash),
        )


def cash(ctx: SimContext, account: str) -> sqlite3.Row:
    row = ctx.store.one("SELECT * FROM accounts WHERE name = ?", account)
    if row is None:
        raise BrokerRejected(f"账户不存在: {account}")
    return row


def available_cash(ctx: SimContext, account: str) -> Decimal:
    row = cash(ctx, account)
    return dec(row["balance"]) - dec(row["frozen"])


def change_cash(
    ctx: SimContext, account: str, *, balance: Decimal = ZERO, frozen: Decimal = ZERO, unsettled: Decimal = ZERO
) -> None:
    row = cash(ctx, account)
    ctx.store.run(
        "UPDATE accounts SET balance = ?, frozen = ?, unsettled = ? WHERE name = ?",
        row["balance"] + balance,
        max(row["frozen"] + frozen, ZERO),
        max(row["unsettled"] + unsettled, ZERO),
        account,
    )


def position(ctx: SimContext, account: str, code: str) -> sqlite3.Row | None:
    return ctx.store.one("SELECT * FROM positions WHERE account = ? AND code = ?", account, code)


def freeze_shares(ctx: SimContext, account: str, code: str, quantity: int) -> None:
    """An open sell moves shares from 可用余额 to 冻结数量; negative undoes it (cancel)."""
    ctx.store.run(
        "UPDATE positions SET available = available - ?, frozen = frozen + ? WHERE account = ? AND code = ?",
        quantity,
        quantity,
        account,
        code,
    )


def apply_buy(ctx: SimContext, account: str, code: str, name: str, qty: int, amount: Decimal, fees: Decimal) -> None:
    """Shares bought are in 股票余额 at once and in 可用余额 only for T+0 instruments."""
    t0 = is_t_plus_zero(classify(code), ctx.t0_codes())
    cost = amount + fees
    pos = position(ctx, account, code)
    if pos is None:
        ctx.store.run(
            "INSERT INTO positions (account, code, name, balance, available, frozen, cost_amount, today_buy,"
            " today_buy_amount, opened) VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?, ?)",
            account,
            code,
            name,
            qty,
            qty if t0 else 0,
            cost,
            qty,
            amount,
            ctx.today().isoformat(),
        )
    else:
        ctx.store.run(
            "UPDATE positions SET balance = balance + ?, available = available + ?, cost_amount = ?,"
            " today_buy = today_buy + ?, today_buy_amount = ?, name = ? WHERE account = ? AND code = ?",
            qty,
            qty if t0 else 0,
            pos["cost_amount"] + cost,
            qty,
            pos["today_buy_amount"] + amount,
            name,
            account,
            code,
        )
    change_cash(ctx, account, balance=-cost)


def apply_sell(ctx: SimContext, account: str, code: str, qty: int, amount: Decimal, fees: Decimal) -> None:
    """The frozen shares leave; the proceeds are usable now and withdrawable tomorrow."""
    pos = position(ctx, account, code)
    assert pos is not None
    net = amount - fees
    if ctx.settings.cost_basis == "average" and pos["balance"]:
        cost = pos["cost_amount"] - pos["cost_amount"] * qty / pos["balance"]
    else:  # diluted (摊薄): realised profit lowers the cost of what remains
        cost = pos["cost_amount"] - net
    if pos["balance"] == qty:
        cost = ZERO
    ctx.store.run(
        "UPDATE positions SET balance = balance - ?, frozen = frozen - ?, cost_amount = ?, today_sell = today_sell + ?,"
        " today_sell_amount = today_sell_amount + ? WHERE account = ? AND code = ?",
        qty,
        qty,
        cost,
        qty,
        amount,
        account,
        code,
    )
    change_cash(ctx, account, balance=net, unsettled=net)


def settle_day(ctx: SimContext) -> None:
    """Start of a session: yesterday's buys become sellable, yesterday's proceeds withdrawable."""
    ctx.store.run("DELETE FROM positions WHERE balance <= 0 AND frozen <= 0")
    ctx.store.run(
        "UPDATE positions SET available = balance - frozen, today_buy = 0, today_buy_amount = '0',"
        " today_sell = 0, today_sell_amount = '0'"
    )
    ctx.store.run("UPDATE accounts SET unsettled = '0'")


def _valuation(ctx: SimContext, pos: sqlite3.Row) -> tuple[Decimal, Decimal]:
    """(市价, 昨收): the latest quote, else the cost price when the book has never seen the code."""
    quote = get_quote(ctx.store, pos["code"])
    cost_price = pos["cost_amount"] / pos["balance"] if pos["balance"] else ZERO
    if quote is None:
        return cost_price, cost_price
    return quote["price"], quote["prev_close"]


def valuation_price(ctx: SimContext, pos: sqlite3.Row) -> Decimal:
    """市价 of a position as the grids value it (the market value that counts for 打新 too)."""
    return _valuation(ctx, pos)[0]


def holdings_rows(ctx: SimContext, account: str) -> list[Row]:
    positions = ctx.store.all("SELECT * FROM positions WHERE account = ? ORDER BY code", account)
    funds = funds_row(ctx, account)
    total = funds["总资产"]
    today = ctx.today()
    rows: list[Row] = []
    for pos in positions:
        if pos["balance"] <= 0 and pos["today_sell"] == 0:
            continue
        inst = classify(pos["code"])
        price, prev = _valuation(ctx, pos)
        balance = pos["balance"]
        cost_price = pos["cost_amount"] / balance if balance else ZERO
        value = money(price * balance)
        pnl = money(value - pos["cost_amount"]) if balance else money(ZERO)
        held_before = balance - pos["today_buy"] + pos["today_sell"]
        day_pnl = money(
            (price - prev) * (balance - pos["today_buy"])
            + price * pos["today_buy"]
            - pos["today_buy_amount"]
            + pos["today_sell_amount"]
            - prev * pos["today_sell"]
        )
        # yesterday's value of what was held plus what was bought today: a position opened today
        # has a 当日盈亏 too, and its ratio must not read 0.00
        day_base = prev * held_before + pos["today_buy_amount"]
        rows.append(
            {
                "证券代码": pos["code"],
                "证券名称": pos["name"] or ctx.name_of(pos["code"]),
                "股票余额": balance,
                "可用余额": pos["available"],
                "冻结数量": pos["frozen"],
                "成本价": cost_price.quantize(PRICE),
                "市价": price.quantize(inst.tick),
                "盈亏": pnl,
                "盈亏比(%)": _pct(price / cost_price - 1) if cost_price else ZERO.quantize(PCT),
                "当日盈亏": day_pnl,
                "当日盈亏比(%)": _pct(day_pnl / day_base) if day_base else ZERO.quantize(PCT),
                "市值": value,
                "仓位占比(%)": _pct(value / total) if total else ZERO.quantize(PCT),
                "当日买入": pos["today_buy"],
                "当日卖出": pos["today_sell"],
                "交易市场": inst.market_name,
                "持股天数": (today - date.fromisoformat(pos["opened"])).days,
            }
        )
    return rows


def _pct(ratio: Decimal) -> Decimal:
    return money(ratio * 100)


def market_value(ctx: SimContext, account: str) -> tuple[Decimal, Decimal]:
    """(股票市值, 持仓盈亏) over the account's positions."""
    value = pnl = ZERO
    for pos in ctx.store.all("SELECT * FROM positions WHERE account = ? AND balance > 0", account):
        price, _ = _valuation(ctx, pos)
        v = money(price * pos["balance"])
        value += v
        pnl += v - pos["cost_amount"]
    return money(value), money(pnl)


def funds_row(ctx: SimContext, account: str) -> dict[str, Any]:
    row = cash(ctx, account)
    balance, frozen = money(row["balance"]), money(row["frozen"])
    available = balance - frozen
    withdrawable = money(max(min(available, available - money(row["unsettled"])), ZERO))  # 0.00, not 0
    value, pnl = market_value(ctx, account)
    return {
        "资金余额": balance,
        "冻结金额": frozen,
        "可用金额": available,
        "可取金额": withdrawable,
        "股票市值": value,
        "总资产": balance + value,
        "持仓盈亏": pnl,
    }


__all__ = [
    "apply_buy",
    "apply_sell",
    "available_cash",
    "cash",
    "change_cash",
    "ensure_accounts",
    "freeze_shares",
    "funds_row",
    "holdings_rows",
    "position",
    "settle_day",
    "valuation_price",
]
