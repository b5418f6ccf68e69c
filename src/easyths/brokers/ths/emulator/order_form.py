"""The emulated 买入 / 卖出 / 市价委托 forms and what the client does when one is submitted.

The client's sequence (`docs/ths-facts.md#order-form`, `docs/ths-facts.md#dialog-catalogue`):
[price-limit warning] → 委托确认 → send → 提示 with the 合同编号; the exchange's rejection comes back
as the client's own 提示, so the driver parses dialog text exactly as on the real client.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from easyths.brokers.base import MarketStrategy, Side
from easyths.brokers.ths.emulator.nodes import Node, Screen, button, edit, static
from easyths.domain.codes import classify
from easyths.errors import BrokerError

MARKET_ITEMS = {  # how this build abbreviates the 1541 items (they differ by build and broker)
    MarketStrategy.COUNTERPARTY_BEST: "对手方最优",
    MarketStrategy.OWN_BEST: "本方最优",
    MarketStrategy.FIVE_LEVEL_CANCEL: "五档即成剩撤",
    MarketStrategy.IMMEDIATE_CANCEL: "即时成交剩撤",
    MarketStrategy.FILL_OR_KILL: "全额成交或撤销",
    MarketStrategy.FIVE_LEVEL_TO_LIMIT: "五档即成转限价",
}


def _noop() -> None:
    return None


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


__all__ = ["MARKET_ITEMS", "name_of", "order_page", "submit"]
