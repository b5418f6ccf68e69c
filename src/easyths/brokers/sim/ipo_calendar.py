"""The sim's issue calendar (新股/新债发行): data, from three places.

Why data and not code: a rehearsal needs issues on the days it replays, and a user wants the real
day's list. So issues come from the shipped examples (fictional, on by `[sim].ipo_examples`,
dated from the first trading day the sim's 打新 was used, so they are "today's" when one first
looks), from `ipos.csv` in the sim's reference folder, and from `POST /api/v1/sim/ipos`. Later
sources win for the same 证券代码: the API over the file over the examples. The file is read at
each use, so an edit shows without a restart; a row it cannot read is an error, never skipped.
"""

from __future__ import annotations

import csv
from dataclasses import replace
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from easyths.brokers.sim.context import SimContext
from easyths.domain import calendar
from easyths.domain.ipo import Issue, issue_error, nth_session
from easyths.errors import ConfigError, InvalidParams

FILE = "ipos.csv"
COLUMNS = (
    "stock_code",
    "subscribe_code",
    "name",
    "kind",
    "price",
    "cap",
    "subscribe_date",
    "winning_rate",
    "listing_date",
)
ANCHOR = "ipo_examples_from"

# (证券代码, 申购代码, 名称, kind, 发行价, 申购上限, T offset, 中签率): fictional, one per board
_EXAMPLES = (
    ("603777", "732777", "示例科技", "stock", "18.88", 12000, 0, "0.0004"),
    ("301555", "301555", "示例医疗", "stock", "32.50", 8500, 0, "0.0002"),
    ("113999", "754999", "示例转债", "bond", "100", 10000, 0, "0.0001"),
    ("688777", "787777", "示例芯片", "stock", "45.00", 5500, 1, "0.0003"),
    ("123999", "370999", "示例转债二", "bond", "100", 10000, 1, "0.0001"),
)
LISTING_AFTER = 6  # sessions after T: a typical gap, after payment on T+2


def examples(ctx: SimContext) -> list[Issue]:
    """The shipped issues, dated from the anchor day (fixed the first time it is asked for)."""
    if not ctx.settings.ipo_examples:
        return []
    saved = ctx.store.get_meta(ANCHOR)
    if saved is None:
        start = calendar.session_on_or_after(ctx.today())
        ctx.store.set_meta(ANCHOR, start.isoformat())
    else:
        start = date.fromisoformat(saved)
    out = []
    for code, sub, name, kind, price, cap, offset, rate in _EXAMPLES:
        day = nth_session(start, offset)
        out.append(
            Issue(
                code,
                sub,
                name,
                "bond" if kind == "bond" else "stock",
                Decimal(price),
                cap,
                day,
                Decimal(rate),
                nth_session(day, LISTING_AFTER),
                source="example",
            )
        )
    return out


def from_file(directory: Path | None) -> list[Issue]:
    if directory is None or not (directory / FILE).is_file():
        return []
    path = directory / FILE
    out = []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(line for line in fh if not line.startswith("#"))
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise ConfigError(f"{path} 缺少列: {', '.join(missing)}")
        for lineno, row in enumerate(reader, start=2):
            try:
                issue = parse({k: row.get(k) for k in COLUMNS}, source="file")
            except InvalidParams as exc:
                raise ConfigError(f"{path} 第{lineno}行无法读取: {exc.message}") from exc
            out.append(issue)
    return out


def parse(raw: dict[str, object], *, source: str) -> Issue:
    """An issue from text fields (the file) or JSON (the API), checked by `issue_error`."""
    try:
        kind = str(raw["kind"])
        if kind not in ("stock", "bond"):
            raise InvalidParams("kind: 必须是 stock 或 bond")
        issue = Issue(
            str(raw["stock_code"]),
            str(raw["subscribe_code"]),
            str(raw["name"]).strip(),
            "bond" if kind == "bond" else "stock",
            Decimal(str(raw["price"])),
            int(str(raw["cap"])),
            date.fromisoformat(str(raw["subscribe_date"])),
            Decimal(str(raw["winning_rate"])),
            date.fromisoformat(str(raw["listing_date"])),
            source=source,
        )
    except (KeyError, ValueError, InvalidOperation) as exc:
        raise InvalidParams(f"发行数据无法读取: {exc}") from exc
    if not issue.name:
        raise InvalidParams("name: 名称不能为空")
    if error := issue_error(issue):
        raise InvalidParams(error)
    return issue


def stored(ctx: SimContext) -> list[Issue]:
    return [
        Issue(
            r["stock_code"],
            r["subscribe_code"],
            r["name"],
            "bond" if r["kind"] == "bond" else "stock",
            r["price"],
            r["cap"],
            date.fromisoformat(r["subscribe_date"]),
            r["winning_rate"],
            date.fromisoformat(r["listing_date"]),
            source="api",
        )
        for r in ctx.store.all("SELECT * FROM ipo_issues ORDER BY subscribe_date, stock_code")
    ]


def all_issues(ctx: SimContext) -> list[Issue]:
    merged: dict[str, Issue] = {}
    for issue in [*examples(ctx), *from_file(ctx.reference_dir), *stored(ctx)]:
        merged[issue.stock_code] = issue
    return sorted(merged.values(), key=lambda i: (i.subscribe_date, i.stock_code))


def add(ctx: SimContext, issue: Issue) -> Issue:
    """Store (or replace) an issue; its 申购代码 must not name another issue."""
    for other in all_issues(ctx):
        if other.subscribe_code == issue.subscribe_code and other.stock_code != issue.stock_code:
            raise InvalidParams(
                f"subscribe_code: 申购代码 {issue.subscribe_code} 已属于 {other.name}（{other.stock_code}）"
            )
    ctx.store.run(
        "INSERT OR REPLACE INTO ipo_issues (stock_code, subscribe_code, name, kind, price, cap, subscribe_date,"
        " winning_rate, listing_date) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        issue.stock_code,
        issue.subscribe_code,
        issue.name,
        issue.kind,
        issue.price,
        issue.cap,
        issue.subscribe_date.isoformat(),
        issue.winning_rate,
        issue.listing_date.isoformat(),
    )
    return replace(issue, source="api")


def find(ctx: SimContext, code: str, day: date) -> tuple[Issue | None, list[Issue]]:
    """The issue `code` (证券代码 or 申购代码) names on `day`, and every issue it names at all."""
    named = [i for i in all_issues(ctx) if code in (i.stock_code, i.subscribe_code)]
    today = [i for i in named if i.subscribe_date == day]
    return (today[0] if today else None), named


__all__ = ["COLUMNS", "FILE", "add", "all_issues", "examples", "find", "from_file", "parse", "stored"]
