"""`ThsBroker`: the `Broker` protocol driven through a `GuiSeam` on the real client.

Why the seam comes in through the constructor: the same driver runs on `PywinautoSeam` (Windows)
and on `emulator.ThsEmulator` (tests, benchmarks, `--backend emulator`), like httpx's transports.
Operations see only `Broker` methods and `BrokerError`s; which window was clicked is this
package's business.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable
from contextlib import AbstractContextManager
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from easyths.brokers.base import (
    Ack,
    BrokerHealth,
    CancelSide,
    ConditionAck,
    Evidence,
    MarketName,
    MarketStrategy,
    OrderAck,
    RepoAck,
    Row,
    Side,
    TimeRange,
)
from easyths.brokers.dispatch import submit_command
from easyths.brokers.ths import cancels, condition_monitor, conditions, ipo, orders, repo, startup
from easyths.brokers.ths.columns import FUNDS_STATICS
from easyths.brokers.ths.counting import CountingSeam, GuiActions
from easyths.brokers.ths.grid import CaptchaRecogniser, load_recogniser
from easyths.brokers.ths.hints import command_from_hint, driver_hint
from easyths.brokers.ths.readiness import unverified
from easyths.brokers.ths.seam import GuiSeam, Locator
from easyths.brokers.ths.session import ClientSession
from easyths.domain.commands import CommandKind, OrderCommand
from easyths.errors import (
    BrokerRejected,
    BrokerUnavailable,
    ConfigError,
    OutcomeUnknown,
    not_cancellable,
)
from easyths.settings import BrokerSection

if TYPE_CHECKING:
    from easyths.settings import Settings

log = logging.getLogger("easyths.ths")

ACCOUNT_COMBO = Locator(class_name="ComboBox", index=0)
# Steps short of public code on real clients (`readiness.py`, the docs' readiness table): health
# and `easyths doctor` list them so nobody mistakes the emulator for proof.
UNVERIFIED: tuple[str, ...] = unverified()
HISTORY_RANGES = ("当日", "近一周", "近一月", "近三月", "近一年")
HISTORY_BUTTONS = {"当日": 5315, "近一周": 5308, "近一月": 5309, "近三月": 5310, "近一年": 5311}
HISTORY_QUERY = 2449


class ThsBroker:
    """Every `Broker` method as steps on the client; see `orders`, `cancels`, `conditions` and `repo` for the flows."""

    backend = "ths"

    def __init__(
        self,
        seam: GuiSeam,
        config: BrokerSection,
        *,
        app_path: str | None = None,
        recogniser: CaptchaRecogniser | None = None,
    ) -> None:
        self.config = config
        self.app_path = app_path
        self.gui_actions = GuiActions()  # what each operation costs on the client (/metrics, bench)
        counted = CountingSeam(seam, self.gui_actions)
        self.session = ClientSession(counted, config, recogniser or load_recogniser(config.captcha_recogniser))
        self.problems: list[str] = []
        self.notes: list[str] = []  # advice that is not a fault (settings that could not be read)
        self.client_settings: dict[str, str] | None = None
        self._checked = False

    @classmethod
    def from_settings(cls, settings: Settings) -> ThsBroker:
        """The production wiring: pywinauto on Windows, a clear refusal elsewhere."""
        if sys.platform != "win32":
            raise ConfigError(
                "ths 后端只能在 Windows 上运行（需要同花顺下单程序 xiadan.exe 和 pywinauto）；"
                "在其他系统上请使用 --backend sim"
            )
        from easyths.brokers.ths.pywinauto_seam import PywinautoSeam

        seam = PywinautoSeam(exe_path=settings.exe_path)
        broker = cls(seam, settings.broker, app_path=settings.exe_path)
        broker.startup_check()
        return broker

    # --- start-up check and health -------------------------------------------------------------
    def startup_check(self, attach_timeout: float | None = None) -> list[str]:
        """Window found, logged in, the pages the driver needs reachable; problems in Chinese
        (`startup.check`)."""
        found = startup.check(self.session, attach_timeout)
        self.problems, self.notes, self.client_settings = found.problems, found.notes, found.client_settings
        self._checked = True
        return self.problems

    def operation_scope(self, name: str) -> AbstractContextManager[None]:
        """`CountsGuiActions`: the GUI actions made inside are counted under operation `name`."""
        return self.gui_actions.operation(name)

    def gui_action_counts(self) -> dict[tuple[str, str], int]:
        """`CountsGuiActions`: (operation, action) -> how many, since this broker was made."""
        return self.gui_actions.snapshot()

    def remember_claims(self, contract_nos: Iterable[str] = (), condition_ids: Iterable[str] = ()) -> None:
        """After a restart: the 合同编号 and condition ids the journal says today's operations
        already own, so a reconciliation still pending cannot credit one of them a second time."""
        for contract_no in contract_nos:
            self.session.claim(str(contract_no))
        for cid in condition_ids:
            self.session.claim(condition_monitor.claim_key(str(cid)))

    def abandon(self) -> None:
        """The engine's watchdog gave up on the running operation (called from its thread): the
        flow stops at its next seam call, and the next flow waits, bounded, until it let go."""
        self.session.abandon()

    def health(self) -> BrokerHealth:
        """Cheap when all is well (the engine asks after every job); after the client came back
        it re-runs the start-up check once. Never waits for a missing window, and never touches
        the GUI while a flow owns it (then the last known state is reported)."""
        if self.session.try_hold():
            try:
                if not self._checked or not self.session.attached or not self._alive():
                    self.startup_check(attach_timeout=0.0)
                startup.refresh_blocked(self.session)
            finally:
                self.session.release()
        connected = self.session.attached and self._alive()
        problems = list(self.problems)
        if self.session.blocked:
            problems.append(self.session.blocked)
        if self.session.grids.export_works is False and self.config.grid_read == "export":
            problems.append("表格导出不可用，已改用复制读取（可能需要验证码）")
        return BrokerHealth(
            connected=connected,
            logged_in=connected and not any("未登录" in p for p in problems),
            backend=self.backend,
            app_path=self.app_path,
            problems=problems,
            extra={
                "window_title": self.config.window_title,
                "closed_dialogs": self.session.closed_dialogs[-10:],
                "abandoned_operations": self.session.abandoned,
                "client_settings": self.client_settings,
                "popups": self.session.popups,
                "notes": list(self.notes),
                "unverified": list(UNVERIFIED),
            },
        )

    def _alive(self) -> bool:
        try:
            return self.session.seam.is_alive()
        except Exception:
            return False

    # --- orders (the `Desk` of `brokers.dispatch`; `ref` is ignored: the client stores nothing of ours)
    def place_order(
        self, side: Side, stock_code: str, price: Decimal, quantity: int, *, ref: str | None = None
    ) -> OrderAck:
        return orders.place(self.session, side, stock_code, quantity, price=price, strategy=None)

    def place_market_order(
        self, side: Side, stock_code: str, quantity: int, strategy: MarketStrategy, *, ref: str | None = None
    ) -> OrderAck:
        return orders.place(self.session, side, stock_code, quantity, price=None, strategy=strategy)

    def cancel_orders(
        self,
        *,
        stock_code: str | None = None,
        side: CancelSide = "all",
        contract_no: str | None = None,
        ref: str | None = None,
    ) -> list[str]:
        done = cancels.cancel(self.session, code=stock_code, side=side, contract_no=contract_no)
        if contract_no and not done:  # not among the cancellable rows: what is it?
            state = self._order_state(contract_no)
            if state is not None and any(s in state for s in cancels.CANCELLABLE):
                raise BrokerUnavailable(
                    f"委托 {contract_no}（{state}）还不在撤单列表中（客户端表格尚未刷新），未撤单，请稍后再试"
                )
            raise not_cancellable(contract_no, state)
        return done

    def submit(self, command: OrderCommand) -> Ack:
        """The port: each kind to its flow. The client stores nothing of ours, so the operation id
        is not sent; what the flow saw (snapshot, dialogs) comes back as `Evidence` on an
        `OutcomeUnknown`, for `reconcile`. Each kind goes to its method below (`brokers.dispatch`)."""
        try:
            return submit_command(self, command, ref=None)
        except OutcomeUnknown as exc:
            if isinstance(exc.details, dict):
                raise OutcomeUnknown(exc.message, details=Evidence.from_json(exc.details)) from exc
            raise

    def reconcile(self, command: OrderCommand, evidence: Evidence) -> Ack | None:
        """Settle from what the flow saw: the command says what to look for, the evidence which
        rows were already there (`before`) or what a cancel aimed at (`targets`)."""
        kind = command.kind
        if kind is CommandKind.IPO:  # its 配售申购 row in 当日委托
            return ipo.reconcile(self.session, command.code or "", command.quantity, evidence)
        hint = driver_hint(command, evidence)
        if kind is CommandKind.CANCEL_ORDERS:
            ack = cancels.reconcile_cancel(self.session, hint)
            return Ack(ack.message, cancelled=tuple(c for c in ack.contract_no.split(",") if c))
        if kind is CommandKind.CANCEL_CONDITIONS:
            ack = condition_monitor.reconcile_condition_cancel(self.session, hint)
            return Ack(ack.message, cancelled=tuple(c for c in ack.contract_no.split(",") if c))
        if kind.arms_condition:
            with self.session.boundary("对账"):
                new = condition_monitor.new_conditions(self.session, hint)
            if len(new) == 1:
                cid = condition_monitor.condition_id(new[0])
                self.session.claim(condition_monitor.claim_key(cid))
                return Ack("对账确认条件单已提交", condition_id=cid)
            if not new:
                return None
            raise OutcomeUnknown(f"对账发现 {len(new)} 条可能的条件单，无法确定", details=evidence)
        found = orders.reconcile(self.session, hint)
        return None if found is None else Ack(found.message, contract_no=found.contract_no)

    def settle_hint(self, hint: dict[str, Any], operation_id: str = "") -> Ack | None:
        """`reconcile` from the driver's own hint dict (what its flows raise), for its tests."""
        return self.reconcile(command_from_hint(hint, operation_id), Evidence.from_json(hint))

    # --- queries ---------------------------------------------------------------------------------
    def holdings(self) -> list[Row]:
        with self.session.boundary("查询持仓"):
            return self.session.read_grid("holdings").rows()
        raise AssertionError("unreachable")  # pragma: no cover

    def funds(self) -> Row:
        with self.session.boundary("查询资金"):
            s = self.session
            s.goto("funds")
            # the statics keep their last values until refreshed (`docs/ths-facts.md#refresh`)
            s.seam.press_keys(s.seam.main_window(), "{F5}")
            s.wait_text(Locator(control_id=1016))
            row: Row = {}
            for cid, name in FUNDS_STATICS.items():
                if s.seam.exists(Locator(control_id=cid)):
                    text = s.seam.text(s.find(Locator(control_id=cid))).strip()
                    if text and text != "--":  # statics this build leaves empty are not fields
                        row[name] = _money(text)
            return row
        raise AssertionError("unreachable")  # pragma: no cover

    def _order_state(self, contract_no: str) -> str | None:
        """备注 of one 合同编号 in 当日委托 (None: not there). A failed read raises, never None:
        "not on the book" must be something we read, not something we could not read."""
        for row in self.today_orders():
            if str(row.get("合同编号")) == contract_no:
                return str(row.get("备注") or "未知")
        return None

    def today_orders(self, stock_code: str | None = None) -> list[Row]:
        with self.session.boundary("查询当日委托"):
            return orders.listed_orders(self.session, stock_code)
        raise AssertionError("unreachable")  # pragma: no cover

    def today_fills(self, stock_code: str | None = None) -> list[Row]:
        with self.session.boundary("查询当日成交"):
            rows = self.session.read_grid("fills").rows()
            return [r for r in rows if stock_code is None or r.get("证券代码") == stock_code]
        raise AssertionError("unreachable")  # pragma: no cover

    def order_history(self, time_range: TimeRange, stock_code: str | None = None) -> list[Row]:
        with self.session.boundary("查询历史委托"):
            s = self.session
            s.goto("history")
            # its own range buttons, then 查询: the rows are stale until 查询 is pressed
            s.seam.click(s.find(Locator(control_id=HISTORY_BUTTONS[time_range])))
            s.seam.click(s.find(Locator(control_id=HISTORY_QUERY)))
            rows = s.read_page_grid("history", s.grid()).rows()
            return [r for r in rows if stock_code is None or r.get("证券代码") == stock_code]
        raise AssertionError("unreachable")  # pragma: no cover

    # --- 打新 (`SubscribesIpo`; subscribing is `CommandKind.IPO`) ----------------------------------
    def ipo_issues(self) -> list[Row]:
        return ipo.issues(self.session)

    def subscribe_ipo(self, code: str, quantity: int | None, *, ref: str | None = None) -> Ack:
        """`CommandKind.IPO`: one issue through the single page (`ipo.subscribe`)."""
        return ipo.subscribe(self.session, code, quantity)

    def ipo_allotments(self) -> list[Row]:
        """No public source shows the 新股配号 / 新股中签 pages' columns: refused, nothing touched."""
        raise BrokerRejected(ipo.ALLOTMENTS_NOT_SUPPORTED)

    # --- reverse repo and condition orders ------------------------------------------------------
    def repo_rates(self) -> list[Row]:
        return repo.repo_rates(self.session)

    def lend_repo(self, market: MarketName, term_days: int, amount: int, *, ref: str | None = None) -> RepoAck:
        return repo.lend_repo(self.session, market, term_days, amount)

    def place_condition_order(
        self,
        side: Side,
        stock_code: str,
        target_price: Decimal,
        quantity: int,
        expire_days: int,
        *,
        ref: str | None = None,
    ) -> ConditionAck:
        return conditions.place_condition(self.session, side, stock_code, target_price, quantity, expire_days)

    def place_stop_loss_profit(
        self,
        stock_code: str,
        stop_loss_percent: Decimal,
        stop_profit_percent: Decimal,
        quantity: int | None,
        expire_days: int,
        *,
        ref: str | None = None,
    ) -> ConditionAck:
        return conditions.place_stop_loss_profit(
            self.session, stock_code, stop_loss_percent, stop_profit_percent, quantity, expire_days
        )

    def condition_orders(self) -> list[Row]:
        with self.session.boundary("查询条件单"):
            return condition_monitor.condition_orders(self.session)
        raise AssertionError("unreachable")  # pragma: no cover

    def cancel_condition_orders(self, *, stock_code: str | None = None, side: Side | None = None) -> int:
        return len(self.delete_conditions(stock_code, side))

    def delete_conditions(self, stock_code: str | None, side: Side | None, *, ref: str | None = None) -> list[str]:
        return condition_monitor.cancel_conditions(self.session, stock_code, side)

    # --- accounts --------------------------------------------------------------------------------
    def _combo(self) -> Any:
        cid = self.config.account_combo_id
        return self.session.find(Locator(control_id=cid) if cid is not None else ACCOUNT_COMBO)

    def accounts(self) -> list[Row]:
        with self.session.boundary("查询账户"):
            combo = self._combo()
            current = self.session.seam.selected_item(combo)
            names = self.session.seam.items(combo)
            return [{"account_name": n, "account_index": i, "current": n == current} for i, n in enumerate(names)]
        raise AssertionError("unreachable")  # pragma: no cover

    def current_account(self) -> str:
        with self.session.boundary("查询当前账户"):
            return self.session.seam.selected_item(self._combo())
        raise AssertionError("unreachable")  # pragma: no cover

    def switch_account(self, account_name: str) -> None:
        with self.session.boundary("切换账户"):
            seam, combo = self.session.seam, self._combo()
            if account_name not in seam.items(combo):
                raise BrokerRejected(f"账户不存在：{account_name}")
            seam.select_item(combo, account_name)
            self.session.seen()  # another account's 当日委托: this one's orders are not in it
            if not seam.wait_for(lambda: seam.selected_item(self._combo()) == account_name, self.config.step_timeout):
                raise BrokerUnavailable(f"切换到账户 {account_name} 后客户端未显示该账户")

    def close(self) -> None:
        """The client stays open: it belongs to the user, not to this service."""
        self.session.attached = False


def _money(text: str) -> Decimal | str:
    try:
        return Decimal(text.replace(",", ""))
    except ArithmeticError:
        return text


__all__ = ["ThsBroker"]
