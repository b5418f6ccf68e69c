"""The emulated embedded (Chromium) panels: 股价条件, 止盈止损, 条件单监控, 国债逆回购.

No numeric ids here, as on the real client: Edit/Button/RadioButton/ListItem/DataItem nodes
found by role and label.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from easyths.brokers.base import Row, Side
from easyths.domain.codes import REPO_CODES, Exchange
from easyths.errors import BrokerError
from easyths.testing._ths_tree import Node, edit

if TYPE_CHECKING:
    from easyths.testing.ths_emulator import ThsEmulator

DAYS = (1, 3, 5, 10, 20, 30)


def _noop() -> None:
    return None


def _ui(role: str, label: str, on_click: Callable[[], None] | None = None) -> Node:
    return Node("Chrome_WidgetWin_0", label, None, role=role, on_click=on_click)


def _form(fields: list[str]) -> dict[str, Node]:
    return {label: edit(None, label) for label in fields}


def _choices(state: dict[str, Any]) -> list[Node]:
    nodes = [_ui("RadioButton", "全自动委托", lambda: state.update(auto=True))]
    nodes += [_ui("ListItem", f"{d}天", lambda d=d: state.update(days=d)) for d in DAYS]
    return nodes


def _outcome(emu: ThsEmulator, place: Callable[[], Any], success: str) -> None:
    try:
        place()
    except BrokerError as exc:
        emu.show("提示", exc.message)
        return
    emu.show("提示", success)


def condition_page(emu: ThsEmulator) -> list[Node]:
    state: dict[str, Any] = {"side": Side.BUY, "days": 30, "auto": False}
    fields = _form(["股票代码", "目标价格", "委托数量"])

    def submit() -> None:
        code = fields["股票代码"].text.strip()

        def place() -> Any:
            return emu.broker.place_condition_order(
                state["side"], code, Decimal(fields["目标价格"].text), int(fields["委托数量"].text), state["days"]
            )

        _outcome(emu, place, f"条件单提交成功：{code}")

    return [
        _ui("RadioButton", "买入", lambda: state.update(side=Side.BUY)),
        _ui("RadioButton", "卖出", lambda: state.update(side=Side.SELL)),
        fields["股票代码"],
        fields["目标价格"],
        _ui("Button", "下一步"),
        fields["委托数量"],
        *_choices(state),
        _ui("Button", "提交确认", submit),
    ]


def stop_page(emu: ThsEmulator) -> list[Node]:
    state: dict[str, Any] = {"days": 30, "auto": False, "default": ""}
    fields = _form(["股票代码", "止盈比例", "止损比例", "委托数量"])

    def next_step() -> None:
        code = fields["股票代码"].text.strip()
        held = next((r for r in emu.broker.holdings() if r.get("证券代码") == code), None)
        state["default"] = f"{held['可用余额']}" if held else ""
        fields["委托数量"].text = state["default"]

    def submit() -> None:
        code = fields["股票代码"].text.strip()
        qty_text = fields["委托数量"].text.strip()
        quantity = None if qty_text == state["default"] or not qty_text else int(qty_text)

        def place() -> Any:
            return emu.broker.place_stop_loss_profit(
                code, Decimal(fields["止损比例"].text), Decimal(fields["止盈比例"].text), quantity, state["days"]
            )

        _outcome(emu, place, f"止盈止损单提交成功：{code}")

    return [
        fields["股票代码"],
        fields["止盈比例"],
        fields["止损比例"],
        _ui("Button", "下一步", next_step),
        fields["委托数量"],
        *_choices(state),
        _ui("Button", "提交确认", submit),
    ]


def _table(headers: list[str], rows: list[list[str]], on_row: Callable[[int], Callable[[], None]]) -> list[Node]:
    nodes = [_ui("HeaderItem", h) for h in headers]
    for i, cells in enumerate(rows):
        item = _ui("DataItem", " ".join(cells), on_row(i))
        item.add(*[_ui("Text", c) for c in cells])
        nodes.append(item)
    return nodes


def monitor_page(emu: ThsEmulator) -> list[Node]:
    from easyths.testing._ths_pages import cell

    rows: list[Row] = emu.broker.condition_orders()
    headers = list(rows[0]) if rows else ["条件单编号", "状态", "条件类型", "方向", "监控标的", "证券代码", "触发条件"]
    ticked: set[int] = set()
    nodes = _table(headers, [[cell(r.get(h)) for h in headers] for r in rows], lambda i: _noop)
    items = [n for n in nodes if n.role == "DataItem"]
    for i, item in enumerate(items):
        item.add(_ui("CheckBox", "", lambda i=i: ticked.symmetric_difference_update({i})))

    def delete() -> None:
        chosen = [rows[i] for i in sorted(ticked)]
        if not chosen:
            emu.show("提示", "请先勾选要删除的条件单")
            return

        def confirmed() -> None:
            # The broker deletes by code and direction; the driver ticks exactly such a set.
            for key in sorted({(str(r["证券代码"]), str(r["方向"])) for r in chosen}):
                side = Side.BUY if key[1] == "买入" else Side.SELL
                emu.broker.cancel_condition_orders(stock_code=key[0], side=side)
            emu.show("提示", f"删除成功，共{len(chosen)}条")

        emu.show("提示", f"确定删除选中的{len(chosen)}条条件单吗？", {"确定": confirmed, "取消": _noop}, kind="confirm")

    return [_ui("TabItem", "未触发"), _ui("TabItem", "已触发"), *nodes, _ui("Button", "删除", delete)]


def repo_page(emu: ThsEmulator) -> list[Node]:
    rates: list[Row] = emu.broker.repo_rates()
    state: dict[str, Any] = {"row": None}
    amount = edit(None, "出借金额")
    cells = [[r["时间类型"], str(r["证券代码"]), REPO_CODES[str(r["证券代码"])][2], str(r["年化利率"])] for r in rates]
    nodes = _table(["期限", "证券代码", "名称", "年化利率"], cells, lambda i: lambda: state.update(row=i))

    def lend() -> None:
        if state["row"] is None:
            emu.show("提示", "请先选择逆回购品种")
            return
        code = str(rates[state["row"]]["证券代码"])
        exchange, days, name = REPO_CODES[code]
        market = "上海" if exchange is Exchange.SH else "深圳"
        value = int(amount.text or 0)

        def confirmed() -> None:
            try:
                ack = emu.broker.lend_repo(market, days, value)  # type: ignore[arg-type]
            except BrokerError as exc:
                emu.show("提示", exc.message)
                return
            emu.show("提示", f"您的出借委托已成功提交，合同编号：{ack.contract_no}。")

        text = f"品种：{name}（{code}）\n出借金额：{value}元\n您是否确认以上出借委托？"
        emu.show("委托确认", text, {"是(Y)": confirmed, "否(N)": _noop}, kind="confirm", body_id=1040)

    return [*nodes, amount, _ui("Button", "出借", lend)]


__all__ = ["condition_page", "monitor_page", "repo_page", "stop_page"]
