"""The emulated client's pages: the menu, the grids, the query pages; which builder each item opens.

Each page is rebuilt when its menu item is selected (as the client does with 切换页面清空代码 on)
and reads the backing broker live. Trading goes through the broker; its `BrokerRejected` text is
shown the way the client shows it (`docs/ths-facts.md#dialog-catalogue`).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from easyths.brokers.base import Row, Side, TimeRange
from easyths.brokers.ths.columns import FUNDS_STATICS, KNOWN_VARIANTS
from easyths.brokers.ths.emulator import condition_monitor, conditions, ipo_pages, order_form, panels
from easyths.brokers.ths.emulator.cancel_page import CANCELLABLE, cancel_page
from easyths.brokers.ths.emulator.nodes import Node, Screen, button, cell, edit, static

HOLDINGS = (
    "证券代码 证券名称 股票余额 可用余额 冻结数量 成本价 市价 盈亏 盈亏比(%) 当日盈亏 当日盈亏比(%) 市值 仓位占比(%) "
    "当日买入 当日卖出 交易市场 持股天数"
)
ORDERS = "委托时间 证券代码 证券名称 操作 备注 委托数量 成交数量 委托价格 成交均价 撤消数量 合同编号 交易市场"
FILLS = "成交时间 证券代码 证券名称 操作 成交数量 成交均价 成交金额 合同编号 成交编号 交易市场"
DEFAULT_HEADERS = {
    "holdings": HOLDINGS.split(),
    "orders": ORDERS.split(),
    "cancel": ORDERS.split(),
    "fills": FILLS.split(),
    "history": ["委托日期", *ORDERS.split()],
    "ipo": ipo_pages.HEADERS,
    "ipo_batch": ipo_pages.HEADERS,
}
SHARED = {"funds": "funds", "holdings": "funds"}  # one page, two names
PADDED_ROWS = 2  # a grid shows at least this many rows, placeholders where there is no order
ORDER_PAGES = {"buy": (Side.BUY, False), "sell": (Side.SELL, False), "market_buy": (Side.BUY, True)}
ORDER_PAGES["market_sell"] = (Side.SELL, True)
# 盘后定价委托 (a renamed build's nearest caption to 市价委托): a priced form, no strategy combo
ORDER_PAGES["after_hours_buy"] = (Side.BUY, False)
ORDER_PAGES["after_hours_sell"] = (Side.SELL, False)


def _noop() -> None:
    return None


def tree(emu: Screen) -> Node:
    root = Node("SysTreeView32", "", 129, role="Tree")
    seen: dict[tuple[str, ...], Node] = {}
    for path in emu.menu.values():
        parent = root
        for depth in range(len(path)):
            key = tuple(path[: depth + 1])
            if key not in seen:
                seen[key] = Node("TreeItem", path[depth], role="TreeItem")
                parent.add(seen[key])
            parent = seen[key]
    return root


def account_combo(emu: Screen) -> Node:
    combo = Node("ComboBox", "", None, role="ComboBox")
    combo.items = lambda: [str(r["account_name"]) for r in emu.broker.accounts()]
    combo.selected = emu.broker.current_account
    combo.on_select = emu.broker.switch_account
    return combo


def grid(emu: Screen, page: str, rows: Callable[[], list[Row]]) -> Node:
    """Grid 1047 rendering broker rows under the page's headers (a recorded variant or A)."""
    extra = (emu.recording or {}).get("columns", {})

    def render() -> tuple[list[str], list[list[str]]]:
        data = [r for r in rows() if emu.row_visible_at.get(str(r.get("合同编号")), 0.0) <= emu.now]
        headers = emu.headers.get(page) or (list(data[0]) if data else DEFAULT_HEADERS.get(page, []))
        canon = [extra.get(h) or KNOWN_VARIANTS.get(h) or h for h in headers]
        shown = [[cell(r.get(c)) for c in canon] for r in data]
        # a short table is padded with rows of blanks, zeros and dashes, copied as they are
        # (`docs/ths-facts.md#copy`): an empty table is its header and placeholders, never nothing
        filler = [["", "0", "--", "0.00"][i % 4] for i in range(len(headers))]
        return headers, shown + [filler] * max(0, PADDED_ROWS - len(shown))

    # The real nesting: 1047 is a HexinScrollWnd container, an AfxWnd140s (200) inside it holds the
    # CVirtualGridCtrl that takes focus, keys and copy (`docs/ths-facts.md#grid-identity`).
    inner = Node("CVirtualGridCtrl", "", None, role="Table")
    inner.grid = render
    container = Node("HexinScrollWnd", "", 1047, role="Pane")
    container.add(Node("AfxWnd140s", "", 200, role="Pane").add(inner))
    return container


def inner_grid(container: Node) -> Node:
    return next(n for n in container.walk() if n.grid is not None)


def open_page(emu: Screen, page: str) -> None:
    """Selecting the page already shown does nothing (its fields keep their text), as on the
    real client; another page first, then this one, resets it."""
    if page == emu.current_page or (emu.current_page in SHARED and SHARED[emu.current_page] == SHARED.get(page)):
        return
    emu.page.children.clear()
    emu.page.data.pop("refresh", None)
    emu.current_page = page
    emu.maybe_stray_popup()
    builders: dict[str, Callable[[Screen], list[Node]]] = {
        "cancel": lambda e: cancel_page(e, grid),
        "funds": funds_page,
        "holdings": funds_page,
        "orders": orders_page,
        "fills": lambda e: [grid(e, "fills", e.broker.today_fills)],
        "history": history_page,
        "condition_price": conditions.price_form,
        "stop_loss_profit": conditions.stop_form,
        "condition_monitor": condition_monitor.monitor_page,
        "repo": panels.repo_page,
        **ipo_pages.builders(grid),
    }
    if page in ORDER_PAGES:
        emu.page.add(*order_form.order_page(emu, *ORDER_PAGES[page]))
    else:
        emu.page.add(*builders[page](emu))


# --- queries ---------------------------------------------------------------------------------
ORDER_FILTERS = ("全部", "可撤", "已成交", "已撤")


def orders_page(emu: Screen) -> list[Node]:
    """当日委托 with its filter combo 2410 (`docs/ths-facts.md#order-filter`); the page opens on
    whatever the user left it on."""
    state = {"filter": emu.page.data.get("order_filter", "全部")}
    combo = Node("ComboBox", "", 2410, role="ComboBox")
    combo.items = lambda: list(ORDER_FILTERS)
    combo.selected = lambda: state["filter"]

    def choose(item: str) -> None:
        state["filter"] = item
        emu.page.data["order_filter"] = item

    combo.on_select = choose

    def rows() -> list[Row]:
        shown = emu.broker.today_orders()
        if state["filter"] == "可撤":
            return [r for r in shown if r.get("备注") in CANCELLABLE]
        if state["filter"] != "全部":
            return [r for r in shown if r.get("备注") == state["filter"]]
        return shown

    return [combo, button(2449, "过滤"), grid(emu, "orders", rows)]


def funds_page(emu: Screen) -> list[Node]:
    """The 资金股票 statics. With stale_funds they show what they showed last time until F5
    (funds did not refresh after fills on 通用, easytrader #288; `docs/ths-facts.md#refresh`)."""
    statics = {cid: static(cid) for cid in FUNDS_STATICS}

    def refresh() -> None:
        funds = emu.broker.funds()
        for cid, name in FUNDS_STATICS.items():
            statics[cid].text = cell(funds.get(name)) if name in funds else ""
        emu.page.data["funds_shown"] = {cid: n.text for cid, n in statics.items()}

    shown = emu.page.data.get("funds_shown")
    if shown and emu.faults.fire("stale_funds"):
        for cid, text in shown.items():
            statics[cid].text = text
    else:
        refresh()
    emu.page.data["refresh"] = refresh
    return [*statics.values(), grid(emu, "holdings", emu.broker.holdings)]


HISTORY_BUTTONS: dict[TimeRange, int] = {"当日": 5315, "近一周": 5308, "近一月": 5309, "近三月": 5310, "近一年": 5311}


def history_page(emu: Screen) -> list[Node]:
    """历史委托: range buttons 5315/5308–5311 and 查询 2449; the grid shows what the last 查询
    fetched, so choosing a range without 查询 leaves the rows stale."""
    state: dict[str, TimeRange] = {"range": "当日", "shown": "当日"}
    table = grid(emu, "history", lambda: emu.broker.order_history(state["shown"]))
    buttons = [button(cid, r, partial(state.update, range=r)) for r, cid in HISTORY_BUTTONS.items()]
    stock = Node("ComboBox", "", 1337, role="ComboBox").add(edit(1001))  # the code filter: ComboBox 1337 → Edit 1001
    return [*buttons, stock, button(2449, "查询", lambda: state.update(shown=state["range"])), table]


COPY_CAPTCHA = "检测到您正在拷贝数据，为保护您的账号数据安全，请\n先输入验证码："


def captcha(emu: Screen, on_ok: Callable[[], None], text: str = COPY_CAPTCHA, delay: float = 0.0) -> None:
    """The copy/save captcha as measured (`docs/ths-facts.md#captcha`): an untitled #32770, text in
    statics 2393/2394, image 2405 (bytes a test recogniser reads), edit 2404, 确定 (id 1), 取消 (id 2)."""
    answer = emu.next_captcha()
    box = edit(2404)
    image = Node("Static", "", 2405, role="Image", image=f"CAPTCHA:{answer}".encode())

    def check() -> None:
        if box.text.strip() == answer:
            on_ok()
        else:
            captcha(emu, on_ok, text)

    dialog = emu.show("", text, {"确定": check, "取消": _noop}, kind="captcha", extra=[box, image], body_id=2393)
    dialog.due += delay


__all__ = ["open_page", "tree"]
