"""The pluggable quote sources (`[sim].quotes`): `manual` (set through the control API; the
default, so a fresh service is deterministic), `replay` (a CSV that also drives the virtual
clock), `random` (a seeded walk for demos) and `live` (Sina's public `hq.sinajs.cn` text format,
over an injected httpx transport so tests run on recorded payloads).

Why apart from `quotes.py`: a source only produces `Quote` snapshots; the book they feed, and
everything that matches against it, never knows which source it was.
"""

from __future__ import annotations

import csv
import io
import logging
import random
from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING

from easyths.brokers.sim.quotes import Quote, QuoteSource
from easyths.domain.clock import as_shanghai
from easyths.domain.codes import Exchange, classify
from easyths.domain.prices import round_half_up
from easyths.errors import ConfigError
from easyths.settings import SimSection
from easyths.textfiles import read_user_text

if TYPE_CHECKING:
    import httpx

log = logging.getLogger(__name__)


class ManualQuotes:
    """Quotes arrive only through `SimBroker.set_quote`."""

    kind = "manual"

    def fetch(self, codes: Sequence[str], now: datetime, known: Mapping[str, Decimal]) -> list[Quote]:
        return []


class RandomWalkQuotes:
    """A seeded random walk: the same seed and the same calls give the same prices.

    Each code has its own generator seeded by (seed, code), so the walk of one code does not
    depend on which other codes were asked for.
    """

    kind = "random"

    def __init__(self, seed: int = 42, step: Decimal = Decimal("0.005"), start: Decimal = Decimal("10.00")) -> None:
        self.seed, self.step, self.start = seed, step, start
        self._rngs: dict[str, random.Random] = {}

    def fetch(self, codes: Sequence[str], now: datetime, known: Mapping[str, Decimal]) -> list[Quote]:
        out = []
        for code in codes:
            inst = classify(code)
            rng = self._rngs.setdefault(code, random.Random(f"{self.seed}:{code}"))
            last = known.get(code)
            if last is None:
                out.append(Quote(code, self.start, self.start))
                continue
            move = Decimal(rng.choice((-2, -1, 0, 1, 2))) * self.step * last
            price = max(round_half_up(last + move, inst.tick), inst.tick)
            out.append(Quote(code, price))
        return out


class ReplayQuotes:
    """Rows `time,code,price[,prev_close,bid,ask,volume,name]`, consumed in time order.

    `next_batch()` returns all rows sharing the next timestamp; the broker moves its virtual
    clock there first, so a replayed day runs through the same sessions and rollovers.
    """

    kind = "replay"

    def __init__(self, path: Path | str, position: int = 0) -> None:
        # Excel on Chinese Windows saves "CSV (逗号分隔)" as GBK and "CSV UTF-8" with a BOM: both are
        # read (textfiles.py); a row that cannot be read stops start-up naming its line, never a traceback.
        text = read_user_text(Path(path), "行情回放文件")
        reader = csv.DictReader(io.StringIO(text, newline=""))
        rows = []
        for row in reader:
            if not row.get("code"):
                continue
            try:
                rows.append((_row_time(row.get("time")), _row_quote(row)))
            except ValueError as exc:
                raise ConfigError(
                    f"行情回放文件 {path} 第 {reader.line_num} 行无法读取：{exc}",
                    details={"path": str(path), "line": reader.line_num},
                ) from exc
        self.rows = sorted(rows, key=lambda pair: pair[0])
        self.position = position

    def fetch(self, codes: Sequence[str], now: datetime, known: Mapping[str, Decimal]) -> list[Quote]:
        return []

    def next_batch(self) -> tuple[datetime, list[Quote]] | None:
        if self.position >= len(self.rows):
            return None
        when = self.rows[self.position][0]
        batch = []
        while self.position < len(self.rows) and self.rows[self.position][0] == when:
            batch.append(self.rows[self.position][1])
            self.position += 1
        return when, batch


_EXCEL_TIMES = ("%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M")  # how Excel on Chinese Windows writes a date-time cell


def _row_time(text: str | None) -> datetime:
    """ISO 8601, or the `2026/7/6 9:30` that Excel writes when it re-saves a CSV."""
    value = (text or "").strip()
    try:
        return as_shanghai(datetime.fromisoformat(value))
    except ValueError:
        pass
    for pattern in _EXCEL_TIMES:
        try:
            return as_shanghai(datetime.strptime(value, pattern))
        except ValueError:
            continue
    raise ValueError(f"时间无效: {value!r}（应为 2026-07-06 09:30:00 或 2026/7/6 9:30）")


def _dec(text: str | None) -> Decimal | None:
    if text is None or not text.strip():
        return None
    try:
        return Decimal(text.strip())
    except InvalidOperation:
        raise ValueError(f"行情数值无效: {text!r}") from None


def _volume(text: str | None) -> int | None:
    amount = _dec(text)
    if amount is None:
        return None
    if amount != amount.to_integral_value() or amount < 0:  # Excel may write 300 as 300.0: that is still 300
        raise ValueError(f"挂单量无效: {text!r}")
    return int(amount)


def _row_quote(row: dict[str, str]) -> Quote:
    volume = row.get("volume")
    price = _dec(row.get("price")) or _dec(row.get("close"))
    if price is None:
        raise ValueError(f"行情缺少价格: {row}")
    return Quote(
        code=row["code"].strip().zfill(6),
        price=price,
        prev_close=_dec(row.get("prev_close")),
        name=(row.get("name") or "").strip() or None,
        bid=_dec(row.get("bid")),
        ask=_dec(row.get("ask")),
        volume=_volume(volume),
    )


SINA_URL = "https://hq.sinajs.cn/list="
_SINA_PREFIX = {Exchange.SH: "sh", Exchange.SZ: "sz", Exchange.BJ: "bj"}


def parse_sina(payload: str) -> list[Quote]:
    """`var hq_str_sh600000="名称,开,昨收,现价,高,低,买一,卖一,量,额,…";` → quotes.

    A zero price (before the open, suspended) is skipped: there is nothing to match against.
    """
    out = []
    for line in payload.splitlines():
        if "hq_str_" not in line or '"' not in line:
            continue
        code = line.split("hq_str_", 1)[1][2:8]
        fields = line.split('"')[1].split(",")
        if len(fields) < 10:
            continue
        price, prev_close = _dec(fields[3]), _dec(fields[2])
        if not price or not prev_close:
            continue
        bid, ask = _dec(fields[6]), _dec(fields[7])
        out.append(Quote(code, price, prev_close, fields[0] or None, bid or None, ask or None, None))
    return out


class LiveQuotes:
    kind = "live"

    def __init__(self, transport: httpx.BaseTransport | None = None, timeout: float = 3.0) -> None:
        import httpx  # only the live source needs it (importing httpx is ~60 ms of every start)

        self._client = httpx.Client(
            transport=transport, timeout=timeout, headers={"Referer": "https://finance.sina.com.cn"}
        )

    def fetch(self, codes: Sequence[str], now: datetime, known: Mapping[str, Decimal]) -> list[Quote]:
        import httpx

        if not codes:
            return []
        symbols = ",".join(_SINA_PREFIX[classify(c).exchange] + c for c in codes)
        try:
            response = self._client.get(SINA_URL + symbols)
            response.raise_for_status()
        except httpx.HTTPError as exc:
            log.warning("实时行情获取失败: %s", exc)
            return []
        return parse_sina(response.content.decode("gbk", errors="replace"))


def source_for(settings: SimSection) -> QuoteSource:
    if settings.quotes == "random":
        return RandomWalkQuotes(settings.random_seed)
    if settings.quotes == "replay":
        if settings.replay_file is None:
            raise ConfigError("[sim].quotes = replay 需要设置 [sim].replay_file")
        return ReplayQuotes(settings.replay_file)
    if settings.quotes == "live":
        return LiveQuotes(timeout=settings.live_timeout)
    return ManualQuotes()


__all__ = ["LiveQuotes", "ManualQuotes", "RandomWalkQuotes", "ReplayQuotes", "parse_sina", "source_for"]
