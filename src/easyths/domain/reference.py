"""Reference data: security names, types and listing dates; the 20%-limit fund list; T+0 funds.

Why shipped with the package: the client shows 证券名称 in every grid, the first days after an
IPO have no price limit, and some funds trade at ±20% or T+0; a paper account must know these
without a network. The files in `domain/data/` carry their source and date in their `#` header
lines (`SOURCES.md` there says more); `easyths refresh-data` writes fresher copies of the
securities file to `$EASYTHS_HOME/reference/`, which then take precedence row by row.
"""

from __future__ import annotations

import csv
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from importlib import resources
from pathlib import Path

from easyths.domain import calendar
from easyths.domain.codes import REPO_CODES, Board, Exchange, classify

SECURITIES = "securities.csv"
LIMIT20 = "funds_limit20.csv"
T0 = "funds_t0.csv"


@dataclass(frozen=True, slots=True)
class Security:
    code: str
    name: str
    type: str  # 沪市主板, 科创板, 创业板, 北交所, B股, ETF, 逆回购 …
    list_date: date | None


@dataclass(frozen=True, slots=True)
class ReferenceData:
    securities: dict[str, Security] = field(default_factory=dict)
    limit20: frozenset[str] = frozenset()
    t0: frozenset[str] = frozenset()
    sources: dict[str, list[str]] = field(default_factory=dict)  # file name -> its header lines

    def name(self, code: str) -> str | None:
        sec = self.securities.get(code)
        return sec.name if sec else None

    def listing_date(self, code: str) -> date | None:
        sec = self.securities.get(code)
        return sec.list_date if sec else None


def security_type(code: str) -> str:
    """The kind of a code in words, as a list of securities names it."""
    inst = classify(code)
    if code.startswith(("200", "900")):
        return "B股"
    return {
        Board.MAIN: "沪市主板" if inst.exchange is Exchange.SH else "深市主板",
        Board.CHINEXT: "创业板",
        Board.STAR: "科创板",
        Board.BSE: "北交所",
        Board.FUND: "基金",
        Board.CONVERTIBLE: "债券",
        Board.REPO: "逆回购",
    }[inst.board]


def read_table(lines: Iterable[str]) -> tuple[list[dict[str, str]], list[str]]:
    """(rows, header comments) of a CSV whose leading `#` lines name its source and date."""
    comments: list[str] = []
    body: list[str] = []
    for line in lines:
        if not body and line.startswith("#"):
            comments.append(line.lstrip("# ").rstrip())
        elif line.strip():
            body.append(line)
    return list(csv.DictReader(body)), comments


def _text(name: str, directory: Path | None) -> list[str] | None:
    if directory is not None and (directory / name).is_file():
        return (directory / name).read_text(encoding="utf-8").splitlines()
    return None


def _shipped(name: str) -> list[str]:
    return resources.files("easyths.domain").joinpath("data", name).read_text(encoding="utf-8").splitlines()


def _securities(rows: list[dict[str, str]]) -> dict[str, Security]:
    out: dict[str, Security] = {}
    for row in rows:
        code = (row.get("code") or "").strip().zfill(6)
        if len(code) != 6 or not code.isdigit():
            continue
        listed = (row.get("list_date") or "").strip()
        out[code] = Security(
            code,
            (row.get("name") or "").strip(),
            (row.get("type") or "").strip(),
            date.fromisoformat(listed) if listed else None,
        )
    return out


def load(directory: Path | None = None, *, shipped_fund_lists: bool = True) -> ReferenceData:
    """The shipped data, overlaid with `directory`'s files where they exist."""
    key = (directory, shipped_fund_lists)
    with _lock:
        if key not in _cache:
            _cache[key] = _load(directory, shipped_fund_lists)
        return _cache[key]


def _load(directory: Path | None, shipped_fund_lists: bool) -> ReferenceData:
    sources: dict[str, list[str]] = {}
    rows, comments = read_table(_shipped(SECURITIES))
    securities = _securities(rows)
    sources[SECURITIES] = comments
    local = _text(SECURITIES, directory)
    if local is not None:
        rows, comments = read_table(local)
        securities.update(_securities(rows))
        sources[f"{directory}/{SECURITIES}"] = comments
    for code, (_, _, name) in REPO_CODES.items():
        securities.setdefault(code, Security(code, name, "逆回购", None))
    lists: dict[str, frozenset[str]] = {}
    for name in (LIMIT20, T0):
        text = _text(name, directory) or (_shipped(name) if shipped_fund_lists else None)
        if text is None:
            lists[name] = frozenset()
            continue
        rows, comments = read_table(text)
        sources[name] = comments
        lists[name] = frozenset(r["code"].strip().zfill(6) for r in rows if r.get("code"))
        for r in rows:
            code = r["code"].strip().zfill(6)
            securities.setdefault(code, Security(code, r.get("name", "").strip(), "ETF", None))
    return ReferenceData(securities, lists[LIMIT20], lists[T0], sources)


_lock = threading.Lock()
_cache: dict[tuple[Path | None, bool], ReferenceData] = {}


def trading_day_of_listing(list_date: date, trade_date: date) -> int | None:
    """1 on the listing day, 2 on the next trading day…; None before listing or long after (>30)."""
    if trade_date < list_date or (trade_date - list_date) > timedelta(days=60):
        return None
    return len(calendar.sessions_between(list_date, trade_date)) + 1


__all__ = [
    "LIMIT20",
    "SECURITIES",
    "T0",
    "ReferenceData",
    "Security",
    "load",
    "read_table",
    "security_type",
    "trading_day_of_listing",
]
