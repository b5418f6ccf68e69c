"""Refreshing the reference data from the exchanges' public lists (`easyths refresh-data`).

Why here and not in `domain/`: this is I/O (HTTP, files); `domain/reference.py` only reads.
Sources, both public pages of the exchanges' own sites:
- SSE 股票列表 (JSON behind www.sse.com.cn's listing page): `A_STOCK_CODE`, `COMPANY_ABBR` /
  `SEC_NAME_CN`, `LIST_DATE` (YYYYMMDD); STOCK_TYPE 1 = 主板 A 股, 8 = 科创板.
- SZSE 股票列表 (www.szse.cn report 1110, JSON): `agdm` (A股代码), `agjc` (A股简称, may be
  wrapped in HTML), `agssrq` (A股上市日期).
The field names were written from the sites' known formats and could not be checked from this
machine (no network); the parsers are tested on payloads of that shape, and a response that does
not match makes the command fail with the exchange's name rather than write a partial file.
BSE and the fund lists are not fetched: BSE codes keep the shipped data, fund lists are curated.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

import httpx

from easyths.domain.reference import SECURITIES, security_type
from easyths.errors import BrokerUnavailable

SSE_URL = "https://query.sse.com.cn/sseQuery/commonQuery.do"
SZSE_URL = "https://www.szse.cn/api/report/ShowReport/data"
_TAG = re.compile(r"<[^>]+>")

Row = dict[str, str]


def _date(text: str) -> str:
    digits = re.sub(r"\D", "", text or "")
    return date(int(digits[:4]), int(digits[4:6]), int(digits[6:8])).isoformat() if len(digits) >= 8 else ""


def parse_sse(payload: dict[str, Any]) -> list[Row]:
    rows = []
    for item in payload.get("result") or payload.get("pageHelp", {}).get("data") or []:
        code = str(item.get("A_STOCK_CODE") or item.get("SECURITY_CODE_A") or "").strip()
        name = str(item.get("COMPANY_ABBR") or item.get("SEC_NAME_CN") or "").strip()
        if len(code) == 6 and name:
            rows.append({"code": code, "name": name, "list_date": _date(str(item.get("LIST_DATE") or ""))})
    return rows


def parse_szse(payload: list[dict[str, Any]]) -> tuple[list[Row], int]:
    """(rows, page count) of one page of report 1110."""
    if not payload:
        return [], 0
    table = payload[0]
    rows = []
    for item in table.get("data") or []:
        code = _TAG.sub("", str(item.get("agdm") or "")).strip()
        name = _TAG.sub("", str(item.get("agjc") or "")).strip()
        if len(code) == 6 and name:
            rows.append({"code": code, "name": name, "list_date": _date(str(item.get("agssrq") or ""))})
    return rows, int((table.get("metadata") or {}).get("pagecount") or 1)


def fetch(client: httpx.Client) -> list[Row]:
    rows: list[Row] = []
    for stock_type in ("1", "8"):
        try:
            response = client.get(
                SSE_URL,
                params={
                    "sqlId": "COMMON_SSE_CP_GPJCTPZ_GPLB_GP_L",
                    "STOCK_TYPE": stock_type,
                    "isPagination": "true",
                    "pageHelp.pageSize": "5000",
                    "pageHelp.pageNo": "1",
                },
                headers={"Referer": "https://www.sse.com.cn/"},
            )
            response.raise_for_status()
            part = parse_sse(response.json())
        except (httpx.HTTPError, ValueError) as exc:
            raise BrokerUnavailable(f"上交所股票列表下载失败: {exc}") from exc
        if not part:
            raise BrokerUnavailable("上交所股票列表格式无法识别（没有解析到任何证券）")
        rows += part
    page, pages = 1, 1
    while page <= pages:
        try:
            response = client.get(
                SZSE_URL, params={"SHOWTYPE": "JSON", "CATALOGID": "1110", "TABKEY": "tab1", "PAGENO": str(page)}
            )
            response.raise_for_status()
            part, pages = parse_szse(response.json())
        except (httpx.HTTPError, ValueError) as exc:
            raise BrokerUnavailable(f"深交所股票列表下载失败: {exc}") from exc
        if not part and page == 1:
            raise BrokerUnavailable("深交所股票列表格式无法识别（没有解析到任何证券）")
        rows += part
        page += 1
    return rows


def write_securities(path: Path, rows: Iterable[Row], source: list[str]) -> int:
    """Write rows as the loader reads them: `#` source lines, then code,name,type,list_date."""
    buffer = io.StringIO()
    for line in source:
        buffer.write(f"# {line}\n")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["code", "name", "type", "list_date"])
    count = 0
    for row in sorted(rows, key=lambda r: r["code"]):
        try:
            kind = security_type(row["code"])
        except ValueError:
            continue
        writer.writerow([row["code"], row["name"], kind, row.get("list_date", "")])
        count += 1
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return count


def refresh(directory: Path, *, transport: httpx.BaseTransport | None = None, timeout: float = 15.0) -> Path:
    """Download SSE and SZSE listed A-shares into `directory/securities.csv`."""
    with httpx.Client(transport=transport, timeout=timeout, follow_redirects=True) as client:
        rows = fetch(client)
    target = directory / SECURITIES
    today = date.today().isoformat()
    write_securities(
        target,
        rows,
        [f"来源: 上交所 {SSE_URL} (STOCK_TYPE 1, 8)；深交所 {SZSE_URL} (CATALOGID 1110)", f"下载日期: {today}"],
    )
    return target


__all__ = ["fetch", "parse_sse", "parse_szse", "refresh", "write_securities"]
