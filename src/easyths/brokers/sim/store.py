"""SQLite persistence of the simulated account and exchange (WAL).

Why SQLite and not pickles: a paper account must survive a crash mid-order, so every change is
one transaction committed before the broker returns; a restart simply opens the file. Decimals
are stored as TEXT (declared DECTEXT) so money never passes through a float.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

from easyths.errors import BrokerUnavailable

sqlite3.register_adapter(Decimal, str)
sqlite3.register_converter("DECTEXT", lambda raw: Decimal(raw.decode()))
sqlite3.register_converter("DECIMAL", lambda raw: Decimal(raw.decode()))  # files from the first schema

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS accounts (
    name TEXT PRIMARY KEY, idx INTEGER NOT NULL,
    balance DECTEXT NOT NULL, frozen DECTEXT NOT NULL, unsettled DECTEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS positions (
    account TEXT NOT NULL, code TEXT NOT NULL, name TEXT NOT NULL,
    balance INTEGER NOT NULL, available INTEGER NOT NULL, frozen INTEGER NOT NULL,
    cost_amount DECTEXT NOT NULL,
    today_buy INTEGER NOT NULL DEFAULT 0, today_buy_amount DECTEXT NOT NULL DEFAULT '0',
    today_sell INTEGER NOT NULL DEFAULT 0, today_sell_amount DECTEXT NOT NULL DEFAULT '0',
    opened TEXT NOT NULL,
    PRIMARY KEY (account, code)
);
CREATE TABLE IF NOT EXISTS orders (
    contract_no INTEGER PRIMARY KEY, account TEXT NOT NULL, trade_date TEXT NOT NULL, time TEXT NOT NULL,
    code TEXT NOT NULL, name TEXT NOT NULL, side TEXT NOT NULL, op TEXT NOT NULL,
    kind TEXT NOT NULL, strategy TEXT, price DECTEXT NOT NULL,
    quantity INTEGER NOT NULL, filled INTEGER NOT NULL DEFAULT 0, filled_amount DECTEXT NOT NULL DEFAULT '0',
    cancelled INTEGER NOT NULL DEFAULT 0, status TEXT NOT NULL,
    frozen_cash DECTEXT NOT NULL DEFAULT '0', frozen_initial DECTEXT NOT NULL DEFAULT '0',
    held INTEGER NOT NULL DEFAULT 0, price_num REAL, op_ref TEXT,
    commission DECTEXT NOT NULL DEFAULT '0', stamp DECTEXT NOT NULL DEFAULT '0',
    transfer DECTEXT NOT NULL DEFAULT '0', message TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS orders_code_status ON orders (code, status);
CREATE INDEX IF NOT EXISTS orders_account_date ON orders (account, trade_date);
CREATE INDEX IF NOT EXISTS orders_status ON orders (status);
CREATE TABLE IF NOT EXISTS fills (
    fill_no INTEGER PRIMARY KEY AUTOINCREMENT, contract_no INTEGER NOT NULL, account TEXT NOT NULL,
    trade_date TEXT NOT NULL, time TEXT NOT NULL, code TEXT NOT NULL, name TEXT NOT NULL,
    side TEXT NOT NULL, op TEXT NOT NULL, quantity INTEGER NOT NULL,
    price DECTEXT NOT NULL, amount DECTEXT NOT NULL, fee DECTEXT NOT NULL DEFAULT '0'
);
CREATE INDEX IF NOT EXISTS fills_contract ON fills (contract_no);
CREATE INDEX IF NOT EXISTS fills_account_date ON fills (account, trade_date);
CREATE TABLE IF NOT EXISTS quotes (
    code TEXT PRIMARY KEY, name TEXT NOT NULL, price DECTEXT NOT NULL, prev_close DECTEXT NOT NULL,
    bid DECTEXT, ask DECTEXT, volume INTEGER, bid_left INTEGER, ask_left INTEGER, updated TEXT NOT NULL,
    close_price DECTEXT
);
CREATE TABLE IF NOT EXISTS conditions (
    id INTEGER PRIMARY KEY AUTOINCREMENT, account TEXT NOT NULL, code TEXT NOT NULL, name TEXT NOT NULL,
    kind TEXT NOT NULL, side TEXT NOT NULL,
    target DECTEXT, loss_pct DECTEXT, profit_pct DECTEXT, loss_price DECTEXT, profit_price DECTEXT,
    quantity INTEGER, expire_days INTEGER NOT NULL, created TEXT NOT NULL, last_day TEXT NOT NULL,
    status TEXT NOT NULL, contract_no TEXT, message TEXT NOT NULL DEFAULT '', op_ref TEXT
);
DROP INDEX IF EXISTS conditions_code_status;
CREATE INDEX IF NOT EXISTS conditions_code_status_day ON conditions (code, status, last_day);
CREATE INDEX IF NOT EXISTS conditions_status_day ON conditions (status, last_day);
-- what an engine operation's cancel did, written in the cancel's own transaction: after a crash
-- its row says it committed (and what it cancelled), its absence that nothing was cancelled
CREATE TABLE IF NOT EXISTS cancels (op_ref TEXT PRIMARY KEY, kind TEXT NOT NULL, ids TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS repos (
    id INTEGER PRIMARY KEY AUTOINCREMENT, account TEXT NOT NULL, contract_no INTEGER NOT NULL,
    code TEXT NOT NULL, principal DECTEXT NOT NULL, rate DECTEXT NOT NULL, fee DECTEXT NOT NULL,
    trade_date TEXT NOT NULL, maturity TEXT NOT NULL, days INTEGER NOT NULL, interest DECTEXT NOT NULL,
    status TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS repos_status_maturity ON repos (status, maturity);
-- 打新 (docs/rules.md#ipo): issues added through the API (the shipped examples and the reference
-- folder's ipos.csv are read, not stored), each account's subscriptions with the issue's terms
-- copied at subscription, and the daily market values the quota is averaged from
CREATE TABLE IF NOT EXISTS ipo_issues (
    stock_code TEXT PRIMARY KEY, subscribe_code TEXT NOT NULL, name TEXT NOT NULL, kind TEXT NOT NULL,
    price DECTEXT NOT NULL, cap INTEGER NOT NULL, subscribe_date TEXT NOT NULL, winning_rate DECTEXT NOT NULL,
    listing_date TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS ipo_subs (
    id INTEGER PRIMARY KEY AUTOINCREMENT, account TEXT NOT NULL, stock_code TEXT NOT NULL,
    subscribe_code TEXT NOT NULL, name TEXT NOT NULL, kind TEXT NOT NULL, price DECTEXT NOT NULL,
    unit INTEGER NOT NULL, winning_rate DECTEXT NOT NULL, trade_date TEXT NOT NULL, listing_date TEXT NOT NULL,
    contract_no INTEGER NOT NULL, quantity INTEGER NOT NULL, status TEXT NOT NULL,
    first_no INTEGER, won INTEGER NOT NULL DEFAULT 0, frozen DECTEXT NOT NULL DEFAULT '0',
    paid INTEGER NOT NULL DEFAULT 0, abandoned INTEGER NOT NULL DEFAULT 0,
    UNIQUE (account, stock_code)
);
CREATE INDEX IF NOT EXISTS ipo_subs_code ON ipo_subs (stock_code);
CREATE TABLE IF NOT EXISTS market_values (
    account TEXT NOT NULL, day TEXT NOT NULL, exchange TEXT NOT NULL, value DECTEXT NOT NULL,
    PRIMARY KEY (account, day, exchange)
);
"""


def dec(value: object) -> Decimal:
    """A DECTEXT column as the type checker should see it: the converter above made it a Decimal, so
    anything else means the file was written by something other than this store."""
    if not isinstance(value, Decimal):
        raise TypeError(f"expected a Decimal column, got {type(value).__name__}")
    return value


FIRST_CONTRACT_NO = 100000001  # 合同编号 look like the venue's: numeric, increasing, never reused


class Store:
    """One connection, shared by the worker thread and the control routes under the broker's lock."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.conn = sqlite3.connect(
                self.path, check_same_thread=False, isolation_level=None, detect_types=sqlite3.PARSE_DECLTYPES
            )
            self.conn.row_factory = sqlite3.Row
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
            self._migrate()
            self.conn.executescript(SCHEMA)
        except sqlite3.Error as exc:
            raise BrokerUnavailable(f"模拟券商数据库无法打开: {exc}") from exc
        self._depth = 0
        self._lock = threading.RLock()
        self.after_commit: Callable[[], None] | None = None  # e.g. deliver the events of the transaction
        self.after_rollback: Callable[[], None] | None = None

    def _migrate(self) -> None:
        """Columns added after the first release, so an existing paper account keeps working."""
        added = {
            "orders": (
                ("frozen_initial", "DECTEXT NOT NULL DEFAULT '0'"),
                ("held", "INTEGER NOT NULL DEFAULT 0"),
                ("price_num", "REAL"),
                ("op_ref", "TEXT"),
            ),
            "fills": (("fee", "DECTEXT NOT NULL DEFAULT '0'"),),
            "quotes": (("close_price", "DECTEXT"),),
            "conditions": (("op_ref", "TEXT"),),
        }
        for table, columns in added.items():
            have = {r[1] for r in self.conn.execute(f"PRAGMA table_info({table})")}
            if not have:
                continue  # a new file: SCHEMA creates it whole
            for name, decl in columns:
                if name not in have:
                    self.conn.execute(f"ALTER TABLE {table} ADD COLUMN {name} {decl}")
            if table == "orders" and "price_num" not in have:
                self.conn.execute("UPDATE orders SET price_num = CAST(price AS REAL)")
            if table == "orders" and "frozen_initial" not in have:
                for no, qty, filled, frozen in self.conn.execute(
                    "SELECT contract_no, quantity, filled, frozen_cash FROM orders"
                    " WHERE status IN ('未成交', '部分成交')"
                ).fetchall():
                    initial = Decimal(str(frozen)) * qty / (qty - filled) if qty > filled else Decimal(0)
                    self.conn.execute("UPDATE orders SET frozen_initial = ? WHERE contract_no = ?", (initial, no))

    @contextmanager
    def tx(self) -> Iterator[None]:
        """A transaction; nested calls join the outer one so a whole broker call commits once."""
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield
                finally:
                    self._depth -= 1
                return
            self.conn.execute("BEGIN IMMEDIATE")
            self._depth = 1
            try:
                yield
            except BaseException:
                self.conn.execute("ROLLBACK")
                self._depth = 0
                if self.after_rollback is not None:
                    self.after_rollback()
                raise
            else:
                self.conn.execute("COMMIT")
                self._depth = 0
                if self.after_commit is not None:
                    self.after_commit()
            finally:
                self._depth = 0

    def run(self, sql: str, *args: Any) -> sqlite3.Cursor:
        return self.conn.execute(sql, args)

    def one(self, sql: str, *args: Any) -> sqlite3.Row | None:
        row: sqlite3.Row | None = self.conn.execute(sql, args).fetchone()  # row_factory is sqlite3.Row
        return row

    def all(self, sql: str, *args: Any) -> list[sqlite3.Row]:
        return self.conn.execute(sql, args).fetchall()

    def get_meta(self, key: str) -> str | None:
        row = self.one("SELECT value FROM meta WHERE key = ?", key)
        return None if row is None else row[0]

    def set_meta(self, key: str, value: str) -> None:
        self.run(
            "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            key,
            value,
        )

    def next_contract_no(self) -> int:
        current = int(self.get_meta("next_contract_no") or FIRST_CONTRACT_NO)
        self.set_meta("next_contract_no", str(current + 1))
        return current

    def close(self) -> None:
        with self._lock:
            self.conn.close()


__all__ = ["Store"]
