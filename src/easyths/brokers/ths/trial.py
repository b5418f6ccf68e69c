"""`easyths trial`: a user's first run on a real client, as the field trial nobody here can run.

Why: the driver is tested on the emulator, which is built from public evidence; whether it works
on a given broker's build is only learnt on that build. The trial walks every read, then one
round trip that cannot fill (a 1-lot limit buy far from the market, confirmed on the book by its
合同编号, cancelled by that 合同编号 and confirmed cancelled), and stops at the first surprise, so
that what it did is small and known. Its report is one file a user can attach to a bug report:
each step's verdict, time and GUI actions, plus the `easyths doctor` recording of the client's
pages (`recording.py`), with no account numbers, names, balances or grid cells. The report is a
recording with a `trial` section, so `ThsEmulator(recording=report)` loads it as it is.

Never a market order; never a retry: a step that fails is the end of the trial.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from easyths.brokers.base import Side
from easyths.brokers.ths.broker import UNVERIFIED, ThsBroker
from easyths.brokers.ths.recording import record
from easyths.domain import calendar
from easyths.domain.codes import Kind, classify
from easyths.domain.sessions import Phase, session_phase
from easyths.errors import BrokerRejected

REPORT = "easyths-trial/1"
_DIGITS = re.compile(r"\d")
LIVE = frozenset({"未成交", "已报", "已报待撤", "未报", "正报"})  # 备注 of an order still open, unfilled
CANCELLED = frozenset({"已撤", "已撤单", "全部撤单"})
_CLOSED = CANCELLED | {"已成", "全部成交", "部撤", "废单"}  # 备注 of an order nothing can cancel any more

# (step, what the user reads); the reads first, then the round trip.
STEPS: tuple[tuple[str, str], ...] = (
    ("client_check", "客户端检查"),
    ("recording", "记录各页面的窗口结构"),
    ("funds_query", "查询资金"),
    ("holding_query", "查询持仓"),
    ("order_query", "查询当日委托"),
    ("today_fills", "查询当日成交"),
    ("historical_commission_query", "查询历史委托（当日）"),
    ("reverse_repo_query", "查询逆回购利率"),
    ("condition_order_query", "查询条件单"),
    ("buy", "限价买入 1 手（远离市价，不会成交）"),
    ("confirm_on_book", "在当日委托中按合同编号找到这笔委托"),
    ("order_cancel", "按合同编号撤单"),
    ("confirm_cancelled", "在当日委托中确认已撤"),
)
TITLES = dict(STEPS)


class Surprise(Exception):
    """What the step saw is not what the trial expected: the trial stops here."""


@dataclass(slots=True)
class Step:
    name: str
    title: str
    verdict: str = "ok"  # ok | surprise | failed
    seconds: float = 0.0
    detail: str = ""  # counts and column names only, never values
    gui_actions: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # what the driver warned of, templates only


class _Warnings(logging.Handler):
    """The driver's warnings during a step, as their message templates: what it coped with
    (a retried read, an export that fell back to a copy, a prompt answered 否) is a finding of the
    trial, while the values a message carries (a dialog's text, a name) stay out of the report."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.seen: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.name.startswith("easyths.brokers.ths.emulator"):
            return  # the emulated client's own log is not the driver's finding
        template = mask(str(record.msg).split("%", 1)[0].rstrip(" :：[（("))
        if template and template not in self.seen:
            self.seen.append(template)


def refusal(code: str, price: Decimal, now: datetime) -> str | None:
    """Why the trial must not start now with this code and price (Chinese), or None."""
    day, at = now.date(), now.time()
    if session_phase(at, calendar.is_session(day)) is not Phase.CONTINUOUS:
        return (
            f"现在（{now:%Y-%m-%d %H:%M} 北京时间）不是连续竞价时段：试运行需要在交易日"
            " 9:30–11:30 或 13:00–14:57 运行，这时委托和撤单都会被受理"
        )
    try:
        inst = classify(code)
    except ValueError as exc:
        return f"证券代码无效：{exc}"
    if inst.kind is Kind.REPO:
        return f"{code} 是逆回购代码：请选一只流动性好的股票或基金"
    return inst.price_error(price)


def lot(code: str) -> int:
    """One lot: the smallest buy this board accepts (100, or 200 on STAR)."""
    return classify(code).buy_min


def mask(text: str) -> str:
    """Every digit masked: a message from the client may carry an amount or an account number."""
    return _DIGITS.sub("#", text)


def _fields(row: dict[str, Any]) -> str:
    if not row:
        raise Surprise("资金页上没有读到任何字段")
    return f"{len(row)} 个字段：{'、'.join(row)}"


def _columns(rows: list[dict[str, Any]]) -> str:
    names = list(rows[0]) if rows else []
    return f"{len(rows)} 行；列：{'、'.join(names) if names else '（空表）'}"


class Trial:
    """One run: `run()` returns the report (a recording plus a `trial` section)."""

    def __init__(self, broker: ThsBroker, code: str, price: Decimal, now: Callable[[], datetime]) -> None:
        self.broker = broker
        self.code = code
        self.price = price
        self.quantity = lot(code)
        self.now = now
        self.steps: list[Step] = []
        self.recording: dict[str, Any] = {}
        self.contract_no: str | None = None
        self.order_live = False  # a 合同编号 the trial placed and has not seen cancelled
        self.started = now()

    def run(self) -> dict[str, Any]:
        self.started = self.now()
        flows: dict[str, Callable[[], str]] = {
            "client_check": self._check,
            "recording": self._record,
            "funds_query": lambda: _fields(self.broker.funds()),
            "holding_query": lambda: _columns(self.broker.holdings()),
            "order_query": self._orders,
            "today_fills": lambda: _columns(self.broker.today_fills()),
            "historical_commission_query": lambda: _columns(self.broker.order_history("当日")),
            "reverse_repo_query": lambda: _columns(self.broker.repo_rates()),
            "condition_order_query": lambda: _columns(self.broker.condition_orders()),
            "buy": self._buy,
            "confirm_on_book": self._on_book,
            "order_cancel": self._cancel,
            "confirm_cancelled": self._cancelled,
        }
        drivers = (logging.getLogger("easyths.ths"), logging.getLogger("easyths.brokers.ths"))
        for name, title in STEPS:
            step = Step(name, title)
            self.steps.append(step)
            closed = len(self.broker.session.closed_dialogs)
            warnings = _Warnings()
            for log in drivers:
                log.addHandler(warnings)
            started = time.perf_counter()
            try:
                with self.broker.operation_scope(f"trial_{name}"):
                    step.detail = flows[name]()
                stray = self.broker.session.closed_dialogs[closed:]
                if stray:  # kind and title only: a popup's text may name a holding or a person
                    titles = "；".join(": ".join(d.split(": ")[:2]) for d in stray)
                    raise Surprise(f"驱动关闭了意料之外的弹窗（{titles}）：请在客户端的 快速交易 设置中关闭这类弹窗")
            except Surprise as exc:
                step.verdict, step.detail = "surprise", mask(str(exc))
            except Exception as exc:
                step.verdict = "failed"
                step.detail = mask(f"{type(exc).__name__}: {getattr(exc, 'message', None) or exc}")
            finally:
                for log in drivers:
                    log.removeHandler(warnings)
            step.notes = warnings.seen
            step.seconds = round(time.perf_counter() - started, 3)
            step.gui_actions = self.broker.gui_actions.of(f"trial_{name}")
            if step.verdict != "ok":
                break
        if not self.recording and self.broker.session.attached:
            self._record_anyway()
        return self._report()

    def _record_anyway(self) -> None:
        """Stopped before the recording step (a client check that found problems is the likeliest
        first-run failure): the recording is what a maintainer needs then, and it only visits
        pages, so it is still made, outside the steps; a failure to record leaves it out."""
        try:
            self.recording = record(self.broker.session.raw_seam, self.broker.config)
        except Exception:
            self.recording = {}

    # --- steps ------------------------------------------------------------------------------
    def _check(self) -> str:
        problems = self.broker.startup_check()
        if problems:
            raise Surprise("；".join(problems))
        popups = {True: "开启", False: "关闭", None: "未知"}[self.broker.session.popups]
        return f"未发现问题；委托弹窗：{popups}"

    def _record(self) -> str:
        self.recording = record(self.broker.session.raw_seam, self.broker.config)
        if self.recording.get("menu_missing"):
            raise Surprise(f"菜单中找不到这些页面：{'、'.join(self.recording['menu_missing'])}")
        failed = [p for p, v in self.recording.get("pages", {}).items() if isinstance(v, dict) and "error" in v]
        if failed:
            raise Surprise(f"这些页面无法打开：{'、'.join(failed)}")
        return f"记录了 {len(self.recording.get('pages', {}))} 个页面"

    def _orders(self) -> str:
        """当日委托, and no open order of the trial's code: a cancel by 合同编号 picks its row among
        the code's rows on the 撤单 page (`docs/ths-facts.md#cancel-by-contract`), so the trial
        starts only where its own order will be the one open row of the code."""
        rows = self.broker.today_orders()
        mine = [r for r in rows if str(r.get("证券代码")) == self.code and str(r.get("备注", "")) not in _CLOSED]
        if mine:
            raise Surprise(f"{self.code} 今天已有 {len(mine)} 笔未完结的委托：请换一只今天没有挂单的代码再试")
        return _columns(rows)

    def _buy(self) -> str:
        self.order_live = True  # from the moment it may be sent until it is seen cancelled
        try:
            ack = self.broker.place_order(Side.BUY, self.code, self.price, self.quantity)
        except BrokerRejected:  # a recognised refusal: nothing was placed
            self.order_live = False
            raise
        if not ack.contract_no:
            raise Surprise("委托已发出，但没有得到合同编号")
        self.contract_no, self.order_live = ack.contract_no, True
        return f"限价 {self.price} 买入 {self.code} {self.quantity} 股，得到合同编号（报告中隐去）"

    def _row(self) -> dict[str, Any]:
        rows = [r for r in self.broker.today_orders(self.code) if str(r.get("合同编号")) == self.contract_no]
        if len(rows) != 1:
            raise Surprise(f"当日委托中按合同编号找到 {len(rows)} 行（应为 1 行）")
        return rows[0]

    def _on_book(self) -> str:
        row = self._row()
        remark = str(row.get("备注", ""))
        if _filled(row) or remark not in LIVE:
            raise Surprise(f"这笔委托的备注是「{remark}」，成交数量 {row.get('成交数量', '?')}：不是未成交的挂单")
        return f"找到这笔委托，备注「{remark}」"

    def _cancel(self) -> str:
        assert self.contract_no is not None
        done = self.broker.cancel_orders(contract_no=self.contract_no)
        if list(done) != [self.contract_no]:
            raise Surprise(f"撤单结果不是这一笔委托（撤销了 {len(done)} 笔）")
        return "客户端受理了这笔撤单"

    def _cancelled(self) -> str:
        row = self._row()
        remark = str(row.get("备注", ""))
        if remark not in CANCELLED or _filled(row):
            raise Surprise(f"撤单后这笔委托的备注是「{remark}」，不是已撤")
        self.order_live = False
        return f"备注「{remark}」"

    # --- the report ---------------------------------------------------------------------------
    def _report(self) -> dict[str, Any]:
        stopped = next((s for s in self.steps if s.verdict != "ok"), None)
        completed = stopped is None and len(self.steps) == len(STEPS)
        trial: dict[str, Any] = {
            "format": REPORT,
            "started_at": self.started.isoformat(timespec="seconds"),
            "code": self.code,
            "price": str(self.price),
            "quantity": self.quantity,
            "verdict": "passed" if completed else "stopped",
            "stopped_at": None if stopped is None else stopped.name,
            "stopped_title": None if stopped is None else stopped.title,
            "order_may_be_open": self.order_live,
            "popups": self.broker.session.popups,
            "steps": [asdict(s) for s in self.steps],
            "unverified": list(UNVERIFIED),
        }
        return {**self.recording, "trial": trial}


def _filled(row: dict[str, Any]) -> bool:
    try:
        return Decimal(str(row.get("成交数量", "0")).replace(",", "") or "0") > 0
    except ArithmeticError:
        return True  # unreadable: a surprise, not a guess


__all__ = ["REPORT", "STEPS", "TITLES", "Step", "Surprise", "Trial", "lot", "mask", "refusal"]
