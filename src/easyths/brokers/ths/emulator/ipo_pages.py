"""The emulated client's 新股申购 pages, as public code shows them (`docs/ths-facts.md#ipo`).

Why these two and nothing more: peers reach a single-subscription page that reuses the 买入 form's
ids (1032 code, 1036 name, 1033 price, 1018 可申购数量, 1034 quantity, 1006 申购) above a grid of
today's issues, and a batch page (grid 1047, 全选 1098, 申购 1006). The 配号, 中签 and quota pages
are named in menus but no public source shows their columns, so the emulator does not make them
up. The menu follows the 申万 build (新股申购 → 新股申购 / 新股批量申购), where a fuzzy selection
of easytrader's 批量新股申购 lands on the single page; a recording's menu gives other brokers' trees.
Subscribing goes through the sim's own verb; its refusals come back as the client's 提示.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from easyths.brokers.base import Row
from easyths.brokers.ths.emulator.nodes import Node, Screen, button, edit, static
from easyths.errors import BrokerError

# The menu items beyond the driver's own (`columns.DEFAULT_MENU["ipo"]` is the single page).
MENU: dict[str, list[str]] = {"ipo_batch": ["新股申购", "新股批量申购"]}
# Other brokers' 新股申购 menus as public code names them (a recording's `menu` applies one): the
# batch item only, under easytrader's default caption (华泰, 广发, 海通, 通用), 国金's, 银河's.
BUILDS: dict[str, dict[str, list[str]]] = {
    "申万": {"ipo": ["新股申购", "新股申购"], "ipo_batch": ["新股申购", "新股批量申购"]},
    "easytrader 默认": {"ipo": [], "ipo_batch": ["新股申购", "批量新股申购"]},
    "国金": {"ipo": [], "ipo_batch": ["新股申购", "新股批量申购"]},
    "银河": {"ipo": [], "ipo_batch": ["新股申购", "一键打新"]},
}
# The list's columns: PP reads 新股代码 (else 证券代码), 申购价格 (else 发行价格) and 可申购数量;
# an old build's list starts with the market (上海/深圳) and ends with the maximum quantity.
HEADERS = ["市场", "新股代码", "新股名称", "申购价格", "申购上限", "可申购数量"]


def _noop() -> None:
    return None


def issue_rows(emu: Screen) -> list[Row]:
    """Today's issues under every caption a build may show them with (a recorded variant picks)."""
    rows: list[Row] = []
    for r in emu.broker.ipo_issues():
        code, price = str(r["申购代码"]), r["发行价格"]
        rows.append(
            {
                "市场": r["市场"],
                "新股代码": code,
                "申购代码": code,
                "证券代码": code,  # the code column under the caption some builds give it (PP)
                "新股名称": r["证券名称"],
                "证券名称": r["证券名称"],
                "申购价格": price,
                "发行价格": price,
                "申购上限": r["申购上限"],
                "可申购数量": r["可申购数量"],
                "申购数量": r["可申购数量"],
            }
        )
    return rows


def _issue(emu: Screen, code: str) -> Row | None:
    return next((r for r in issue_rows(emu) if r["申购代码"] == code), None)


GridMaker = Callable[[Screen, str, Callable[[], list[Row]]], Node]  # `pages.grid`


def grid_of(emu: Screen, page: str, grid: GridMaker) -> Node:
    """Grid 1047 showing the build's captions (`HEADERS`, or a recording's), each row keyed by them."""

    def shown() -> list[Row]:
        headers = emu.headers.get(page) or HEADERS
        return [{h: r.get(h) for h in headers} for r in issue_rows(emu)]

    return grid(emu, page, shown)


def single_page(emu: Screen, grid: GridMaker) -> list[Node]:
    """新股申购 → 新股申购: the buy form's ids, 1006 captioned 申购, and the list of today's issues.
    Typing a listed code shows its name (1036) and the account's 可申购数量 (1018)."""
    name, allowed = static(1036), static(1018)

    def typed(text: str) -> None:
        found = _issue(emu, text.strip())
        name.text = str(found["新股名称"]) if found else ""
        allowed.text = str(found["可申购数量"]) if found else ""

    code = edit(1032, "新股代码", on_text=typed)
    price, qty = edit(1033, "申购价格"), edit(1034, "申购数量")
    nodes = [static(None, "新股申购"), code, name, price, allowed, qty]

    def click() -> None:
        if not emu.faults.fire("lost_click"):
            submit(emu, nodes)

    nodes += [button(1006, "申购", click), grid_of(emu, "ipo", grid)]
    return nodes


def batch_page(emu: Screen, grid: GridMaker) -> list[Node]:
    """新股批量申购: the list with 全选 (1098) and 申购 (1006). Which rows a click ticks differs by
    broker and is not documented, so this page only shows itself: the driver never submits here."""
    return [
        static(None, "新股批量申购"),
        button(1098, "全选"),
        button(1006, "申购"),
        grid_of(emu, "ipo_batch", grid),
    ]


def _text(nodes: list[Node], cid: int) -> str:
    return next((n.text for n in nodes if n.control_id == cid), "").strip()


def submit(emu: Screen, nodes: list[Node]) -> None:
    """申购 pressed: [委托确认] → the sim subscribes → 提示 with the 合同编号 (popups on), or the
    client's failure 提示. A subscription shows in 当日委托 as 配售申购 (the sim's row)."""
    faults = emu.faults
    code, price_text, qty_text = _text(nodes, 1032), _text(nodes, 1033), _text(nodes, 1034)
    if faults.die == "on_submit":
        emu.kill()
        return
    emu.maybe_stray_popup()
    try:
        quantity, price = int(qty_text), Decimal(price_text)
    except (ValueError, InvalidOperation):
        emu.show("提示", "委托数量或价格输入有误，请重新输入。")
        return
    found = _issue(emu, code)

    def execute() -> None:
        if found is not None and Decimal(str(found["申购价格"])) != price:
            emu.show("提示", f"提交失败：申购价格{price_text}与发行价格{found['申购价格']}不符。")
            return
        try:
            ack = emu.broker.subscribe_ipo(code, quantity)
        except BrokerError as exc:
            emu.show("提示", f"提交失败：{exc.message}。")
            return
        if faults.fire("slow_refresh") and ack.contract_no:
            emu.row_visible_at[ack.contract_no] = emu.now + faults.refresh_delay
        if faults.die == "after_accept":
            emu.kill()
            return
        for n in nodes:
            if n.control_id in (1032, 1033, 1034, 1036, 1018):
                n.text = ""
        if faults.never != "result" and emu.success_popups:
            emu.show("提示", f"您的申购委托已成功提交，合同编号：{ack.contract_no}。")

    if faults.never == "confirm":
        return
    if not emu.confirm_orders:
        execute()
        return
    named = found["新股名称"] if found else ""
    text = (
        f"操作类别：申购\n证券代码：{code}\n证券名称：{named}\n申购价格：{price_text}\n申购数量：{quantity}"
        "\n\n是否确认以上委托？"
    )
    emu.show("委托确认", text, {"是(Y)": execute, "否(N)": _noop}, kind="confirm", body_id=1040)


def builders(grid: GridMaker) -> dict[str, Callable[[Screen], list[Node]]]:
    """The pages by key, given the emulator's grid maker (`pages.grid`, passed in: no import circle)."""
    return {"ipo": lambda emu: single_page(emu, grid), "ipo_batch": lambda emu: batch_page(emu, grid)}


__all__ = ["BUILDS", "HEADERS", "MENU", "batch_page", "builders", "issue_rows", "single_page", "submit"]
