"""Quotes: the snapshot a source delivers (`Quote`, `QuoteSource`) and the book the sim matches
against (the `quotes` table: last price, best bid/ask and the volume they still carry).

The sources themselves (manual, replay, random, live) are `sources.py`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol

from easyths.brokers.sim.store import Store, dec


@dataclass(frozen=True, slots=True)
class Quote:
    """A snapshot: last price, previous close and the best bid/ask with the volume they carry.

    Without bid/ask both equal the last price; without volume the book is unlimited.
    """

    code: str
    price: Decimal
    prev_close: Decimal | None = None
    name: str | None = None
    bid: Decimal | None = None
    ask: Decimal | None = None
    volume: int | None = None


class QuoteSource(Protocol):
    kind: str

    def fetch(self, codes: Sequence[str], now: datetime, known: Mapping[str, Decimal]) -> list[Quote]:
        """New quotes for `codes` (may be fewer); `known` holds the book's last prices."""
        ...


# --- the book -----------------------------------------------------------------------------------


def get_quote(store: Store, code: str) -> sqlite3.Row | None:
    return store.one("SELECT * FROM quotes WHERE code = ?", code)


def upsert_quote(store: Store, quote: Quote, now: datetime, default_name: str = "") -> sqlite3.Row:
    """Merge a snapshot into the book: a missing name or prev_close keeps the previous one; a code
    never named gets `default_name` (the reference data's)."""
    old = get_quote(store, quote.code)
    name = quote.name or (old["name"] if old and old["name"] else default_name)
    prev_close = quote.prev_close or (old["prev_close"] if old else quote.price)
    store.run(
        "INSERT OR REPLACE INTO quotes (code, name, price, prev_close, bid, ask, volume, bid_left, ask_left, updated,"
        " close_price) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        quote.code,
        name,
        quote.price,
        prev_close,
        quote.bid,
        quote.ask,
        quote.volume,
        quote.volume,
        quote.volume,
        now.isoformat(),
        old["close_price"] if old else None,  # the day's close stays through after-hours quotes
    )
    row = get_quote(store, quote.code)
    assert row is not None
    return row


def ask_of(row: sqlite3.Row) -> Decimal:
    return dec(row["ask"] if row["ask"] is not None else row["price"])


def bid_of(row: sqlite3.Row) -> Decimal:
    return dec(row["bid"] if row["bid"] is not None else row["price"])


def quote_dict(row: sqlite3.Row) -> dict[str, Any]:
    return {
        "stock_code": row["code"],
        "name": row["name"],
        "price": row["price"],
        "prev_close": row["prev_close"],
        "bid": bid_of(row),
        "ask": ask_of(row),
        "volume": row["volume"],
        "bid_left": row["bid_left"],
        "ask_left": row["ask_left"],
        "updated": row["updated"],
    }


def take_volume(store: Store, code: str, side: str, qty: int) -> None:
    """A trade uses up the volume on the side it met: the ask's for a buy, the bid's for a sell."""
    column = "ask_left" if side == "buy" else "bid_left"
    store.run(f"UPDATE quotes SET {column} = MAX({column} - ?, 0) WHERE code = ? AND {column} IS NOT NULL", qty, code)


def roll_quotes(store: Store) -> None:
    """A new session: yesterday's last price becomes the previous close; the book is refreshed."""
    store.run(
        "UPDATE quotes SET prev_close = price, bid = NULL, ask = NULL, bid_left = volume, ask_left = volume,"
        " close_price = NULL"
    )


__all__ = [
    "Quote",
    "QuoteSource",
    "ask_of",
    "bid_of",
    "get_quote",
    "quote_dict",
    "roll_quotes",
    "take_volume",
    "upsert_quote",
]
