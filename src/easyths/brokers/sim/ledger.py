"""The one repository of orders and fills: every SQL statement on those two tables lives here.

Why one owner: matching, repo and conditions produce events on `Order` values; only this module
turns an order into rows. The `orders` row keeps the derived figures (成交数量, amount, fees,
frozen cash) as a cache for old files and ad-hoc SQL; they are always recomputed from the fills
when an order is saved, never updated on their own.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from decimal import Decimal

from easyths.brokers.sim.store import Store
from easyths.domain.codes import Kind, classify
from easyths.domain.fees import FeeSchedule
from easyths.domain.orders import OPEN_STATUSES, Fill, Order, OrderKind, OrderStatus


class Ledger:
    def __init__(self, store: Store, fees: Callable[[], FeeSchedule]) -> None:
        self.store = store
        self._fees = fees  # asked at each write: the rates depend on the sim's day

    @property
    def fees(self) -> FeeSchedule:
        return self._fees()

    def next_contract_no(self) -> int:
        return self.store.next_contract_no()

    # --- writes -----------------------------------------------------------------------------------

    def add(self, order: Order) -> Order:
        self.store.run(
            "INSERT INTO orders (contract_no, account, trade_date, time, code, name, side, op, kind, strategy, price,"
            " quantity, status, frozen_initial, held, message, op_ref)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            order.contract_no,
            order.account,
            order.trade_date,
            order.time,
            order.code,
            order.name,
            order.side,
            order.op,
            order.kind.value,
            order.strategy,
            order.price,
            order.quantity,
            order.status.value,
            order.frozen_initial,
            int(order.held),
            order.message,
            order.op_ref,  # the engine's operation that placed it, for settling after a crash
        )
        return self.save(order)

    def has_order(self, contract_no: int) -> bool:
        return self.store.one("SELECT 1 FROM orders WHERE contract_no = ?", contract_no) is not None

    def placed_by(self, op_ref: str) -> list[int]:
        """合同编号 of the orders an engine operation placed (its `OrderCommand.operation_id`)."""
        return [r[0] for r in self.store.all("SELECT contract_no FROM orders WHERE op_ref = ?", op_ref)]

    def save(self, order: Order) -> Order:
        """Store the order's state and its new fills; returns it with 成交编号 assigned."""
        stored = list(order.fills[: len(order.fills) - len(order.new_fills)])
        for fill in order.new_fills:
            cur = self.store.run(
                "INSERT INTO fills (contract_no, account, trade_date, time, code, name, side, op, quantity, price,"
                " amount, fee) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                order.contract_no,
                order.account,
                order.trade_date,
                fill.at,
                order.code,
                order.name,
                order.side,
                order.op,
                fill.quantity,
                fill.price,
                fill.amount,
                fill.fee,
            )
            stored.append(replace(fill, fill_no=cur.lastrowid))
        order = replace(order, fills=tuple(stored), new_fills=())
        fees = order.fees(self.fees)
        commission = fees.commission
        if classify(order.code).kind is Kind.REPO:  # repo: the tenor's fee, carried by the fill
            commission = order.fee_total
            fees = replace(fees, stamp_duty=Decimal(0), transfer_fee=Decimal(0))
        self.store.run(
            "UPDATE orders SET status = ?, filled = ?, filled_amount = ?, cancelled = ?, frozen_cash = ?,"
            " frozen_initial = ?, held = ?, commission = ?, stamp = ?, transfer = ?, message = ?, price = ?, kind = ?,"
            " price_num = ? WHERE contract_no = ?",
            order.status.value,
            order.filled,
            order.filled_amount,
            order.cancelled,
            order.frozen_cash,
            order.frozen_initial,
            int(order.held),
            commission if order.fills else Decimal(0),
            fees.stamp_duty if order.fills else Decimal(0),
            fees.transfer_fee if order.fills else Decimal(0),
            order.message,
            order.price,
            order.kind.value,
            float(order.price),  # for the SQL pre-filter of `reachable` only; money stays Decimal
            order.contract_no,
        )
        return order

    def reset(self) -> None:
        self.store.run("DELETE FROM orders")
        self.store.run("DELETE FROM fills")

    # --- reads ------------------------------------------------------------------------------------

    def get(self, contract_no: int) -> Order | None:
        row = self.store.one("SELECT * FROM orders WHERE contract_no = ?", contract_no)
        return None if row is None else self._load([row])[0]

    def open_orders(
        self,
        *,
        account: str | None = None,
        code: str | None = None,
        side: str | None = None,
        contract_no: int | None = None,
        kinds: Sequence[OrderKind] | None = None,
    ) -> list[Order]:
        """Open orders in 合同编号 order; by code it is an indexed lookup, never a scan."""
        sql = "SELECT * FROM orders WHERE status IN (?, ?)"
        args: list[object] = [*OPEN_STATUSES]
        for column, value in (("account", account), ("code", code), ("side", side), ("contract_no", contract_no)):
            if value is not None:
                sql += f" AND {column} = ?"
                args.append(value)
        if kinds is not None:
            sql += f" AND kind IN ({','.join('?' * len(kinds))})"
            args.extend(k.value for k in kinds)
        return self._load(self.store.all(sql + " ORDER BY contract_no", *args))

    def reachable(self, code: str, ask: Decimal, bid: Decimal) -> list[Order]:
        """Open limit orders of `code` that a quote with this ask and bid may trade, plus the held
        ones: a pre-filter on a float shadow of the price with a margin, so the caller still
        decides in Decimal; the orders the market cannot reach are never loaded."""
        margin = 1e-6
        return self._load(
            self.store.all(
                "SELECT * FROM orders WHERE code = ? AND status IN (?, ?) AND kind = 'limit'"
                " AND (held = 1 OR (side = 'buy' AND price_num >= ?) OR (side = 'sell' AND price_num <= ?))"
                " ORDER BY contract_no",
                code,
                *OPEN_STATUSES,
                float(ask) - margin,
                float(bid) + margin,
            )
        )

    def open_codes(self, kinds: Sequence[OrderKind] | None = None) -> list[str]:
        sql = "SELECT DISTINCT code FROM orders WHERE status IN (?, ?)"
        args: list[object] = [*OPEN_STATUSES]
        if kinds is not None:
            sql += f" AND kind IN ({','.join('?' * len(kinds))})"
            args.extend(k.value for k in kinds)
        return [r[0] for r in self.store.all(sql + " ORDER BY code", *args)]

    def since(self, account: str, since: str, code: str | None = None) -> list[Order]:
        sql = "SELECT * FROM orders WHERE account = ? AND trade_date >= ?"
        args: list[object] = [account, since]
        if code:
            sql += " AND code = ?"
            args.append(code)
        return self._load(self.store.all(sql + " ORDER BY contract_no", *args))

    def fills_on(self, account: str, day: str, code: str | None = None) -> list[sqlite3.Row]:
        sql = "SELECT * FROM fills WHERE account = ? AND trade_date = ?"
        args: list[object] = [account, day]
        if code:
            sql += " AND code = ?"
            args.append(code)
        return self.store.all(sql + " ORDER BY fill_no", *args)

    def _load(self, rows: Iterable[sqlite3.Row]) -> list[Order]:
        rows = list(rows)
        fills: dict[int, list[Fill]] = {}
        with_fills = [r["contract_no"] for r in rows if r["filled"]]
        for start in range(0, len(with_fills), 500):
            chunk = with_fills[start : start + 500]
            for f in self.store.all(
                f"SELECT * FROM fills WHERE contract_no IN ({','.join('?' * len(chunk))}) ORDER BY fill_no", *chunk
            ):
                fills.setdefault(f["contract_no"], []).append(
                    Fill(f["quantity"], f["price"], f["amount"], f["fee"], f["time"], f["fill_no"])
                )
        return [_order(r, tuple(fills.get(r["contract_no"], ()))) for r in rows]


def _order(row: sqlite3.Row, fills: tuple[Fill, ...]) -> Order:
    return Order(
        contract_no=row["contract_no"],
        account=row["account"],
        trade_date=row["trade_date"],
        time=row["time"],
        code=row["code"],
        name=row["name"],
        side=row["side"],
        op=row["op"],
        kind=OrderKind(row["kind"]),
        price=row["price"],
        quantity=row["quantity"],
        strategy=row["strategy"],
        status=OrderStatus(row["status"]),
        fills=fills,
        frozen_initial=row["frozen_initial"],
        held=bool(row["held"]),
        cancelled=row["cancelled"],
        message=row["message"],
    )


__all__ = ["Ledger"]
