"""国债逆回购: lending cash at the quoted annual rate.

Lending is a sell on the repo code at the rate (§7.2). The principal is frozen (it leaves 可用
but stays in 资金余额, so 总资产 does not dip); the fee is paid at once. On the maturity
settlement date (trade date + term, rolled forward to a trading day) principal and interest are
可用, and 可取 from the next trading day. Interest counts the calendar days actually occupied, so
a Friday GC001 earns three days.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from easyths.brokers.base import MarketName, Row, Side
from easyths.brokers.sim import account, settlement
from easyths.brokers.sim.context import SimContext
from easyths.brokers.sim.entry import new_order, no_quote
from easyths.brokers.sim.quotes import get_quote
from easyths.domain import calendar
from easyths.domain.codes import REPO_CODES, Exchange, repo_code
from easyths.domain.fees import repo_fee, repo_interest
from easyths.domain.orders import OrderAccepted, OrderFilled
from easyths.domain.prices import money
from easyths.domain.sessions import accepts_repo, time_rejection
from easyths.errors import BrokerRejected

STEP = 1000
FACE = 100  # one 张 is 100 CNY of principal


def maturity(trade_date: date, term_days: int) -> date:
    return calendar.session_on_or_after(trade_date + timedelta(days=term_days))


def lend(
    ctx: SimContext,
    acct: str,
    market: MarketName,
    term_days: int,
    amount: int,
    limit: Decimal | None = None,
    ref: str | None = None,
) -> tuple[int, str, Decimal]:
    """Lend `amount` at the quoted rate. `limit` is a sell order's own price: the lowest rate it
    accepts; the sim does not rest repo orders, so one above the quoted rate is refused."""
    now = ctx.now()
    if not accepts_repo(ctx.phase(), now.time()):
        raise BrokerRejected(time_rejection(now.time()))
    exchange = Exchange.SH if market == "上海" else Exchange.SZ
    try:
        code = repo_code(exchange, term_days)
    except KeyError:
        raise BrokerRejected(f"没有{market}市场{term_days}天期的逆回购品种") from None
    if amount < STEP or amount % STEP:
        raise BrokerRejected("出借金额必须是1000的倍数且不小于1000")
    quote = get_quote(ctx.store, code)
    if quote is None:
        raise BrokerRejected(no_quote(code) + "（逆回购的价格为年化利率%）")
    rate: Decimal = quote["price"]
    if limit is not None and limit > rate:
        raise BrokerRejected(f"委托利率{limit:.3f}%高于当前年化利率{rate:.3f}%，未能成交（模拟券商的逆回购委托不挂单）")
    principal = Decimal(amount)
    fee = repo_fee(term_days, principal, ctx.settings.fees.repo_fee_rates)
    available = account.available_cash(ctx, acct)
    if principal + fee > available:
        raise BrokerRejected(f"可用金额不足：需要{principal + fee:.2f}元，可用{available:.2f}元")
    due = maturity(now.date(), term_days)
    days = (due - now.date()).days
    interest = repo_interest(principal, rate, days, ctx.settings.repo_day_basis)
    qty = amount // FACE
    # a sell order keeps its own price (委托价格) and trades at the quoted rate, as on the exchange
    price = limit if limit is not None else rate
    order = new_order(ctx, acct, Side.SELL, code, quote["name"] or REPO_CODES[code][2], price, qty, ref=ref)
    order = order.apply(OrderAccepted()).apply(OrderFilled(qty, rate, now.strftime("%H:%M:%S"), fee, principal))
    saved = ctx.ledger.add(order)
    no = saved.contract_no
    settlement.tell_fill(ctx, saved, qty, rate, principal)  # price: the annual rate in %, repo's price
    ctx.store.run(
        "INSERT INTO repos (account, contract_no, code, principal, rate, fee, trade_date, maturity, days, interest,"
        " status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open')",
        acct,
        no,
        code,
        principal,
        rate,
        fee,
        now.date().isoformat(),
        due.isoformat(),
        days,
        interest,
    )
    account.change_cash(ctx, acct, balance=-fee, frozen=principal)
    return no, code, rate


def mature(ctx: SimContext, day: date) -> None:
    """Session open on `day`: repos due by then pay back principal and interest."""
    for repo in ctx.store.all("SELECT * FROM repos WHERE status = 'open' AND maturity <= ?", day.isoformat()):
        back = repo["principal"] + repo["interest"]
        account.change_cash(ctx, repo["account"], balance=repo["interest"], frozen=-repo["principal"], unsettled=back)
        ctx.store.run("UPDATE repos SET status = 'matured' WHERE id = ?", repo["id"])


def rates_rows(ctx: SimContext) -> list[Row]:
    rows: list[Row] = []
    for code, (exchange, days, _) in REPO_CODES.items():
        quote = get_quote(ctx.store, code)
        if quote is None:
            continue
        rows.append(
            {
                "市场类型": "上海市场" if exchange is Exchange.SH else "深圳市场",
                "时间类型": f"{days}天期",
                "年化利率": f"{quote['price']:.3f}%",
                "证券代码": code,
            }
        )
    return rows


def outstanding(ctx: SimContext, acct: str) -> list[Row]:
    """Open loans, for the control surface's state view."""
    return [
        {
            "证券代码": r["code"],
            "出借金额": money(r["principal"]),
            "年化利率": r["rate"],
            "到期日": r["maturity"],
            "占款天数": r["days"],
            "预计利息": r["interest"],
            "证券名称": REPO_CODES[r["code"]][2],
        }
        for r in ctx.store.all("SELECT * FROM repos WHERE account = ? AND status = 'open'", acct)
    ]


__all__ = ["lend", "mature", "maturity", "outstanding", "rates_rows"]
