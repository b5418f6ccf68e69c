"""A paper account from before frozen_initial existed opens, and its live orders keep their frozen cash.

Why a test: the upgrade runs once per old file, so nothing else exercises it; it once passed its
parameters to sqlite loosely and raised TypeError on the first account with a live order.
"""

from __future__ import annotations

import sqlite3
from decimal import Decimal
from pathlib import Path

from easyths.brokers.sim.store import Store

OLD_ORDERS = """
CREATE TABLE orders (
    contract_no INTEGER PRIMARY KEY, account TEXT NOT NULL, trade_date TEXT NOT NULL, time TEXT NOT NULL,
    code TEXT NOT NULL, name TEXT NOT NULL, side TEXT NOT NULL, op TEXT NOT NULL,
    kind TEXT NOT NULL, strategy TEXT, price DECTEXT NOT NULL,
    quantity INTEGER NOT NULL, filled INTEGER NOT NULL DEFAULT 0, filled_amount DECTEXT NOT NULL DEFAULT '0',
    cancelled INTEGER NOT NULL DEFAULT 0, status TEXT NOT NULL,
    frozen_cash DECTEXT NOT NULL DEFAULT '0',
    commission DECTEXT NOT NULL DEFAULT '0', stamp DECTEXT NOT NULL DEFAULT '0',
    transfer DECTEXT NOT NULL DEFAULT '0', message TEXT NOT NULL DEFAULT ''
);
"""


def test_an_old_file_with_a_partly_filled_order_opens_with_the_order_s_initial_frozen_cash(tmp_path: Path) -> None:
    path = tmp_path / "sim.db"
    with sqlite3.connect(path) as conn:
        conn.executescript(OLD_ORDERS)
        conn.execute(
            "INSERT INTO orders (contract_no, account, trade_date, time, code, name, side, op, kind, price,"
            " quantity, filled, status, frozen_cash) VALUES (1, 'main', '2026-11-25', '10:00:00', '600000',"
            " '浦发银行', 'buy', '买入', 'limit', '10.00', 400, 100, '部分成交', '3000.00')"
        )
    conn.close()

    store = Store(path)
    try:
        row = store.one("SELECT frozen_cash, frozen_initial, price_num FROM orders WHERE contract_no = 1")
    finally:
        store.close()

    assert row is not None
    assert row["frozen_cash"] == Decimal("3000.00")
    assert row["frozen_initial"] == Decimal("4000")  # 3000 frozen for the 300 still open of 400
    assert row["price_num"] == 10.0
