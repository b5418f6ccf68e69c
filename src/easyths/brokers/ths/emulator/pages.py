"""The emulated client's pages: order forms, cancel page, query grids, embedded panels.

Each page is rebuilt when its menu item is selected (as the client does with 切换页面清空代码 on)
and reads the backing broker live. Trading goes through the broker; its `BrokerRejected` text is
shown the way the client shows it (`docs/ths-facts.md#dialog-catalogue`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Any

from easyths.brokers.base import MarketStrategy, Row, Side, TimeRange
from easyths.brokers.ths.columns import FUNDS_STATICS, KNOWN_VARIANTS
from easyths.brokers.ths.emulator import conditions, ipo_pages, panels
from easyths.brokers.ths.emulator.nodes import Node, Screen, button, cell, edit, static
from easyths.domain.codes import classify
from easyths.errors import BrokerError

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
MARKET_ITEMS = {  # how this build abbreviates the 1541 items (they differ by build and broker)
    MarketStrategy.COUNTERPARTY_BEST: "对手方最优",
    MarketStrategy.OWN_BEST: "本方最优",
    MarketStrategy.FIVE_LEVEL_CANCEL: "五档即成剩撤",
    MarketStrategy.IMMEDIATE_CANCEL: "即时成交剩撤",
    MarketStrategy.FILL_OR_KILL: "全额成交或撤销",
    MarketStrategy.FIVE_LEVEL_TO_LIMIT: "五档即成转限价",
}
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
        "cancel": cancel_page,
        "funds": funds_page,
        "holdings": funds_page,
        "orders": orders_page,
        "fills": lambda e: [grid(e, "fills", e.broker.today_fills)],
        "history": history_page,
        "condition_price": conditions.price_form,
        "stop_loss_profit": conditions.stop_form,
        "condition_monitor": conditions.monitor_page,
        "repo": panels.repo_page,
        **ipo_pages.builders(grid),
    }
    if page in ORDER_PAGES:
        emu.page.add(*order_page(emu, *ORDER_PAGES[page]))
    else:
        emu.page.add(*builders[page](emu))


# --- order entry -------------------------------------------------------------------------------
def order_page(emu: Screen, side: Side, market: bool) -> list[Node]:
    name = static(1036)
    code = edit(1032, on_text=lambda text: setattr(name, "text", name_of(emu, text)))
    price, qty = edit(1033), edit(1034)
    nodes = [static(None, f"{'市价' if market else ''}{side.label}股票"), code, name, Node("ComboBox", "", 1003)]
    if market:
        items = emu.market_items or MARKET_ITEMS
        kind = Node("ComboBox", items[MarketStrategy.FIVE_LEVEL_CANCEL], 1541, role="ComboBox")
        kind.items = lambda: list(items.values())
        nodes.append(kind)
    else:
        nodes.append(price)
    nodes += [qty, button(None, "重填")]
    if emu.faults.fire("prefilled_fields"):  # 默认买入数量 not 空 (`docs/ths-facts.md#prefill`)
        qty.text = "1"
        qty.data["prefilled"] = True

    def click() -> None:
        if not emu.faults.fire("lost_click"):  # a click that does not register does nothing
            submit(emu, side, market, nodes)

    qty.data["on_enter"] = lambda: submit(emu, side, market, nodes)
    nodes.append(button(1006, side.label, click))
    return nodes


def name_of(emu: Screen, code: str) -> str:
    if len(code) != 6 or not code.isdigit():
        return ""
    quote = _quote(emu, code)
    return (quote or {}).get("name") or f"股票{code}"


def _quote(emu: Screen, code: str) -> dict[str, Any] | None:
    state = getattr(emu.broker, "state", None)
    if state is None:
        return None
    return next((q for q in state().get("quotes", []) if q.get("stock_code") == code), None)


def _value(nodes: list[Node], cid: int) -> str:
    return next((n.text for n in nodes if n.control_id == cid), "").strip()


def submit(emu: Screen, side: Side, market: bool, nodes: list[Node]) -> None:
    """The client's sequence: [price-limit warning] → 委托确认 → send → 提示."""
    code, qty_text, price_text = _value(nodes, 1032), _value(nodes, 1034), _value(nodes, 1033)
    shown = _value(nodes, 1541)
    items = emu.market_items or MARKET_ITEMS
    strategy = next((str(k) for k, v in items.items() if v == shown), shown)
    faults = emu.faults
    die_after = False
    if faults.fire("client_death"):
        if faults.rng.random() < 0.5:
            emu.kill()  # dies before sending
            return
        die_after = True
    if faults.die == "on_submit":
        emu.kill()
        return
    emu.maybe_stray_popup()
    if faults.popup is not None:
        title, text = faults.popup
        faults.popup = None
        emu.show(title, text, {"确定": _noop}, kind="notice")
    try:
        quantity, price = int(qty_text), None if market else Decimal(price_text)
    except (ValueError, InvalidOperation):
        emu.show("提示", "委托数量或价格输入有误，请重新输入。")
        return

    def execute() -> None:
        try:
            if market:
                ack = emu.broker.place_market_order(side, code, quantity, MarketStrategy(strategy))
            else:
                assert price is not None
                ack = emu.broker.place_order(side, code, price, quantity)
        except BrokerError as exc:
            text = exc.message if exc.message.startswith("提交失败") else f"提交失败：{exc.message}。"
            emu.show("提示", text)
            return
        if faults.fire("slow_refresh"):
            emu.row_visible_at[ack.contract_no] = emu.now + faults.refresh_delay
        if faults.die == "after_accept" or die_after:
            emu.kill()
            return
        for n in nodes:
            if n.control_id in (1032, 1033, 1034, 1036):
                n.text = ""
        if faults.never != "result" and emu.success_popups:
            emu.show("提示", f"您的{side.label}委托已成功提交，合同编号：{ack.contract_no}。")

    def confirm() -> None:
        if faults.never == "confirm":
            return
        if not emu.confirm_orders:
            execute()
            return
        what = "市价" if market else f"委托价格：{price_text}\n"
        text = (
            f"操作类别：{side.label}\n证券代码：{code}\n证券名称：{name_of(emu, code)}\n"
            f"{what}委托数量：{quantity}\n\n是否确认以上委托？"
        )
        emu.show("委托确认", text, {"是(Y)": execute, "否(N)": _noop}, kind="confirm", body_id=1040)

    band = None if market or price is None else _band(emu, code)
    if band is not None and price is not None and not band[0] <= price <= band[1]:
        text = f"您输入的价格已超出涨跌停限制: [{band[0]} - {band[1]}]\n\n是否继续该笔委托?"
        emu.show("提示信息", text, {"是(Y)": confirm, "否(N)": _noop}, kind="price_limit", body_id=1040)
        return
    if faults.fire("continue_prompt"):
        # tick-size / 风险警示 / over-quantity warnings: 是 sends the order
        text = CONTINUE_TEXTS[faults.rng.randrange(len(CONTINUE_TEXTS))]
        emu.show("提示信息", text, {"是(Y)": confirm, "否(N)": _noop}, kind="continue", body_id=1040)
        return
    confirm()


CONTINUE_TEXTS = (
    "该证券为风险警示证券，请注意投资风险。\n是否继续?",
    "委托数量超过最大可委托数量的90%。\n是否继续?",
    "您的委托价格与最新价偏离较大。\n是否继续该笔委托?",
)


def _band(emu: Screen, code: str) -> tuple[Decimal, Decimal] | None:
    from easyths.domain.prices import price_limits

    quote = _quote(emu, code)
    if not quote or quote.get("prev_close") is None:
        return None
    state = getattr(emu.broker, "state", None)
    clock = str(state().get("clock", "")) if state is not None else ""
    day = date.fromisoformat(clock[:10]) if clock else date.today()
    return price_limits(classify(code), Decimal(str(quote["prev_close"])), day, quote.get("name"))


# --- cancel and queries ------------------------------------------------------------------------
CANCELLABLE = ("未成交", "部分成交", "已报", "未报")


def cancel_page(emu: Screen) -> list[Node]:
    """The 撤单[F3] page as the evidence shows it (`docs/ths-facts.md#cancel`): filter edit 3348 +
    查询代码 3349 narrow the grid by stock code only; a row is chosen by its position and ticked;
    撤单(Del) (1099) stays disabled until a row is ticked; 全撤(Z /) 撤买(X) 撤卖(C) act on what
    the grid shows. With confirmations on, 撤单确认 names the ticked order in statics 1042–1044
    and offers 改单 (1754) beside 是(&Y) with `modify_button`; `confirm_as_prompt` asks in a
    提示信息 instead; `resorted_grid` re-sorts the grid between a read and a tick."""
    state: dict[str, Any] = {"filter": "", "reversed": False}
    ticked: set[str] = set()

    def open_rows() -> list[Row]:
        rows = [r for r in emu.broker.today_orders() if r.get("备注") in CANCELLABLE]
        rows = [r for r in rows if not state["filter"] or r.get("证券代码") == state["filter"]]
        return list(reversed(rows)) if state["reversed"] else rows

    table = grid(emu, "cancel", open_rows)
    inner = inner_grid(table)
    cancel_one = button(1099, "撤单(Del)")
    cancel_one.enabled = False
    code_filter = edit(3348)

    def visible() -> list[Row]:
        return [r for r in open_rows() if emu.row_visible_at.get(str(r.get("合同编号")), 0.0) <= emu.now]

    def tick(row: int) -> None:
        if emu.faults.fire("resorted_grid"):  # another sort order since the driver's read
            state["reversed"] = not state["reversed"]
        rows = visible()
        if 0 <= row < len(rows):
            ticked.symmetric_difference_update({str(rows[row]["合同编号"])})
        cancel_one.enabled = bool(ticked)

    inner.data["tick"] = tick
    inner.data["ticked"] = ticked

    def query() -> None:
        state["filter"] = code_filter.text.strip()
        ticked.clear()
        cancel_one.enabled = False

    def cancel_selected() -> None:
        chosen = [r for r in visible() if str(r["合同编号"]) in ticked]
        if not chosen:
            return
        ticked.clear()
        cancel_one.enabled = False

        def go() -> None:
            for row in chosen:
                _cancel(emu, contract_no=str(row["合同编号"]))

        if not emu.popups:
            go()
            return
        _confirm_cancel(emu, chosen[0], go)

    cancel_one.on_click = cancel_selected

    def side_button(side: str) -> Callable[[], None]:
        def press() -> None:
            code = state["filter"] or None
            if not emu.popups:
                _cancel(emu, side=side, stock_code=code)
                return
            label = {"all": "全部", "buy": "买入", "sell": "卖出"}[side]
            emu.show(
                "撤单确认",
                f"您确定要撤销{label}可撤委托吗？",
                {"是(&Y)": lambda: _cancel(emu, side=side, stock_code=code), "否(&N)": _noop},
                kind="confirm",
                body_id=1040,
            )

        return press

    return [
        code_filter,
        button(3349, "查询代码", query),
        cancel_one,
        button(30001, "全撤(Z /)", side_button("all")),
        button(30002, "撤买(X)", side_button("buy")),
        button(30003, "撤卖(C)", side_button("sell")),
        table,
    ]


def _confirm_cancel(emu: Screen, row: Row, go: Callable[[], None]) -> None:
    """撤单确认 (statics 1042 code, 1043 price, 1044 volume, 1768 tip; 是(&Y) 6, 否(&N) 7, 改单
    1754), or the 提示信息 prompt some builds show instead."""
    code, price, volume = str(row["证券代码"]), cell(row.get("委托价格")), cell(row.get("委托数量"))
    if emu.faults.fire("confirm_as_prompt"):
        text = f"您确认要撤销该委托吗？\n证券代码：{code}  委托价格：{price}  委托数量：{volume}"
        emu.show("提示信息", text, {"是(&Y)": go, "否(&N)": _noop}, kind="confirm", body_id=1040)
        return
    answers: dict[str, Callable[[], None]] = {"是(&Y)": go, "否(&N)": _noop}
    if emu.faults.fire("modify_button"):

        def modify() -> None:  # 撤单并以新的价格委托: cancels and places a new order
            go()
            emu.blind_modifies += 1
            side = Side.BUY if "买" in str(row.get("操作")) else Side.SELL
            with contextlib.suppress(BrokerError):
                emu.broker.place_order(side, code, Decimal(price), int(volume))

        keys = ["改单", "否(&N)", "是(&Y)"]  # ids and order shuffled: only the captions say which
        answers = {"改单": modify, **answers}
        answers = {k: answers[k] for k in keys}
    fields = [static(1042, code), static(1043, price), static(1044, volume), static(1768, "撤单后不可恢复")]
    emu.show("撤单确认", "", answers, kind="confirm", body_id=1041, extra=fields)


def _cancel(emu: Screen, **kwargs: Any) -> None:
    try:
        done = emu.broker.cancel_orders(**kwargs)
    except BrokerError as exc:
        emu.show("提示", exc.message)
        return
    if not done:
        emu.show("提示", "没有可撤销的委托。")
    elif not emu.popups:
        return
    elif len(done) == 1:
        emu.show("提示", f"您的撤单委托已成功提交，合同编号：{done[0]}。")
    else:
        emu.show("提示", f"撤单委托已成功提交，共{len(done)}笔。")


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
