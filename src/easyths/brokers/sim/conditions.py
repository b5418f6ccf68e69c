"""条件单 and 止盈止损: stored, monitored against each quote of their code, one-shot.

They trigger only in continuous trading (§8.2). On trigger they send an ordinary limit order at
the counter price (ask for buys, bid for sells) clamped to the day's limit band, through the same
checks as any order; if those refuse it, the order is recorded as a 废单, as a broker does.
Expiry counts natural days with the creation day as day one: a 1-day order lives until the end
of the day it was created, a 30-day one until the end of day 30.

Each condition keeps the engine operation that created it (`op_ref`), so a condition_buy cut off
by a crash is settled by finding it. The order a trigger sends carries no operation: it fires
inside whatever call moved the quote (often another operation's buy), and must not be credited
to that operation when its outcome is settled.
"""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from decimal import Decimal

from easyths.brokers.base import Row, Side
from easyths.brokers.sim import account, entry
from easyths.brokers.sim.context import SimContext
from easyths.brokers.sim.quotes import ask_of, bid_of, get_quote
from easyths.brokers.sim.store import dec
from easyths.domain.codes import classify
from easyths.domain.prices import round_half_up
from easyths.domain.sessions import Phase
from easyths.errors import BrokerRejected

WAITING = "未触发"
PRICE_KIND = "股价条件"
STOP_KIND = "止盈止损"


def _last_day(ctx: SimContext, expire_days: int) -> date:
    return ctx.today() + timedelta(days=expire_days - 1)


def place_price(
    ctx: SimContext, acct: str, side: Side, code: str, target: Decimal, qty: int, days: int, ref: str | None = None
) -> int:
    """Buy when the price falls to the target (≤), sell when it rises to it (≥)."""
    quote = get_quote(ctx.store, code)
    if quote is None:
        raise BrokerRejected(entry.no_quote(code))
    if side is Side.BUY and (error := classify(code).buy_quantity_error(qty)):
        raise BrokerRejected(error)
    if side is Side.SELL and account.position(ctx, acct, code) is None:
        raise BrokerRejected("没有相应的股票持仓记录，无法设置条件单")
    return _insert(ctx, acct, code, quote["name"], PRICE_KIND, side, qty, days, ref, target=target)


def place_stop(
    ctx: SimContext,
    acct: str,
    code: str,
    loss_pct: Decimal,
    profit_pct: Decimal,
    qty: int | None,
    days: int,
    ref: str | None = None,
) -> tuple[int, int]:
    """Percentages are of the position's cost price; a None quantity means all sellable at trigger."""
    pos = account.position(ctx, acct, code)
    if pos is None or pos["balance"] <= 0:
        raise BrokerRejected("没有相应的股票持仓记录，无法设置止盈止损")
    if qty is None and pos["available"] <= 0:  # the client's form defaults to 可卖 0 (T+1)
        raise BrokerRejected(f"{code}可卖数量为0（当日买入的股票次日才可卖），请指定委托数量 quantity")
    if qty is not None and qty > pos["balance"]:
        raise BrokerRejected(f"委托数量{qty}超过{code}的持仓数量{pos['balance']}，无法设置止盈止损")
    tick = classify(code).tick
    cost = pos["cost_amount"] / pos["balance"]
    loss = round_half_up(cost * (1 - loss_pct / 100), tick)
    profit = round_half_up(cost * (1 + profit_pct / 100), tick)
    cid = _insert(
        ctx,
        acct,
        code,
        pos["name"],
        STOP_KIND,
        Side.SELL,
        qty,
        days,
        ref,
        loss_pct=loss_pct,
        profit_pct=profit_pct,
        loss_price=loss,
        profit_price=profit,
    )
    return cid, qty if qty is not None else pos["available"]


def _insert(
    ctx: SimContext,
    acct: str,
    code: str,
    name: str,
    kind: str,
    side: Side,
    qty: int | None,
    days: int,
    ref: str | None,
    **prices: Decimal,
) -> int:
    cur = ctx.store.run(
        "INSERT INTO conditions (account, code, name, kind, side, target, loss_pct, profit_pct, loss_price,"
        " profit_price, quantity, expire_days, created, last_day, status, op_ref)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        acct,
        code,
        name,
        kind,
        side.value,
        prices.get("target"),
        prices.get("loss_pct"),
        prices.get("profit_pct"),
        prices.get("loss_price"),
        prices.get("profit_price"),
        qty,
        days,
        ctx.now().isoformat(timespec="seconds"),
        _last_day(ctx, days).isoformat(),
        WAITING,
        ref,
    )
    assert cur.lastrowid is not None
    return cur.lastrowid


def _triggered(cond: sqlite3.Row, price: Decimal) -> bool:
    if cond["kind"] == PRICE_KIND:
        return price <= dec(cond["target"]) if cond["side"] == "buy" else price >= dec(cond["target"])
    return price <= dec(cond["loss_price"]) or price >= dec(cond["profit_price"])


def check(ctx: SimContext, code: str) -> None:
    """Evaluate the waiting conditions of one code against its latest quote (none while the
    service is paused: they are evaluated again at resume)."""
    if ctx.conditions_held or ctx.phase() is not Phase.CONTINUOUS:
        return
    quote = get_quote(ctx.store, code)
    if quote is None:
        return
    today = ctx.today().isoformat()
    for cond in ctx.store.all(
        "SELECT * FROM conditions WHERE code = ? AND status = ? AND last_day >= ? ORDER BY id", code, WAITING, today
    ):
        if _triggered(cond, quote["price"]):
            _fire(ctx, cond, quote)


def check_all(ctx: SimContext) -> None:
    """When continuous trading starts (09:30, 13:00): a condition met while the market was paused
    (the lunch break, the auctions) fires now, against the latest quote (§8.2)."""
    today = ctx.today().isoformat()
    for (code,) in ctx.store.all(
        "SELECT DISTINCT code FROM conditions WHERE status = ? AND last_day >= ? ORDER BY code", WAITING, today
    ):
        check(ctx, code)


def _fire(ctx: SimContext, cond: sqlite3.Row, quote: sqlite3.Row) -> None:
    side = Side(cond["side"])
    inst = classify(cond["code"])
    price = round_half_up(ask_of(quote) if side is Side.BUY else bid_of(quote), inst.tick)
    band = ctx.limits(inst, quote["prev_close"], quote["name"])
    if band is not None:
        price = min(max(price, band[0]), band[1])
    qty = cond["quantity"]
    if qty is None:
        pos = account.position(ctx, cond["account"], cond["code"])
        qty = pos["available"] if pos else 0
    ctx.store.run("UPDATE conditions SET status = '已触发' WHERE id = ?", cond["id"])
    mark = len(ctx.outbox)  # the trigger is told before the fills of the order it sends
    ctx.firing = cond["op_ref"]
    try:  # no `ref`: not the running operation's order (see the module docstring)
        if qty <= 0:
            raise BrokerRejected(f"可用余额不足：{cond['code']}可用0股")
        if ctx.trigger_check is not None and (why := ctx.trigger_check(cond["code"], side, price, qty)):
            raise BrokerRejected(why)  # valued again as sent: recorded as a 废单 with risk's reason
        placed = entry.place_limit(ctx, cond["account"], side, cond["code"], price, qty)
        no, message = placed.contract_no, placed.rejection or "已委托"
    except BrokerRejected as exc:
        no = entry.record_rejected(ctx, cond["account"], side, cond["code"], price, max(qty, 0), exc.message)
        message = exc.message
    finally:
        ctx.firing = None
    ctx.store.run("UPDATE conditions SET contract_no = ?, message = ? WHERE id = ?", str(no), message, cond["id"])
    ctx.emit(
        "condition_triggered",
        operation_id=cond["op_ref"],
        stock_code=cond["code"],
        stock_name=cond["name"],
        name=cond["name"],
        condition_id=str(cond["id"]),
        contract_no=str(no),
        side=side.value,
        price=float(price),
        quantity=qty,
        trigger_price=float(quote["price"]),
        message=message,
        account=cond["account"],
    )
    ctx.outbox.insert(mark, ctx.outbox.pop())


def expire(ctx: SimContext) -> None:
    ctx.store.run(
        "UPDATE conditions SET status = '已失效' WHERE status = ? AND last_day < ?", WAITING, ctx.today().isoformat()
    )


def rows(ctx: SimContext, acct: str) -> list[Row]:
    out: list[Row] = []
    for cond in ctx.store.all("SELECT * FROM conditions WHERE account = ? AND status = ? ORDER BY id", acct, WAITING):
        quote = get_quote(ctx.store, cond["code"])
        price = quote["price"] if quote else None
        change = (
            round_half_up((quote["price"] / quote["prev_close"] - 1) * 100, Decimal("0.01"))
            if quote and quote["prev_close"]
            else None
        )
        if cond["kind"] == PRICE_KIND:
            trigger = f"最新价{'≤' if cond['side'] == 'buy' else '≥'}{cond['target']}"
        else:
            loss = f"最新价≤{cond['loss_price']}（止损{cond['loss_pct']}%）"
            trigger = f"{loss}或≥{cond['profit_price']}（止盈{cond['profit_pct']}%）"
        qty = f"{cond['quantity']}股" if cond["quantity"] is not None else "全部可用"
        side = Side(cond["side"])
        out.append(
            {
                "条件单编号": str(cond["id"]),
                "状态": cond["status"],
                "条件类型": cond["kind"],
                "方向": side.label,
                "监控标的": f"{cond['name']}({cond['code']})",
                "证券代码": cond["code"],
                "触发条件": trigger,
                "最新价": price,
                "涨幅(%)": change,
                "委托单": f"对手价{side.label}{qty}",
                "创建时间": cond["created"].replace("T", " ")[:19],
                "监控周期": f"{cond['expire_days']}天（至{cond['last_day']}）",
            }
        )
    return out


def cancel(ctx: SimContext, acct: str, code: str | None, side: Side | None) -> list[int]:
    """Delete the waiting conditions that match; returns their ids."""
    sql = "SELECT id FROM conditions WHERE account = ? AND status = ?"
    args: list[object] = [acct, WAITING]
    if code is not None:
        sql += " AND code = ?"
        args.append(code)
    if side is not None:
        sql += " AND side = ?"
        args.append(side.value)
    ids = [r[0] for r in ctx.store.all(sql + " ORDER BY id", *args)]
    for cid in ids:
        ctx.store.run("UPDATE conditions SET status = '已删除' WHERE id = ?", cid)
    return ids


def created_by(ctx: SimContext, op_ref: str) -> list[int]:
    """Ids of the conditions an engine operation created (its `OrderCommand.operation_id`)."""
    return [r[0] for r in ctx.store.all("SELECT id FROM conditions WHERE op_ref = ? ORDER BY id", op_ref)]


__all__ = ["cancel", "check", "check_all", "created_by", "expire", "place_price", "place_stop", "rows"]
