"""What the operations ask of the sim that changes the account: orders, cancels, lending,
subscriptions and condition orders (a mixin of `SimBroker`).

Why apart: `broker.py` is the port (construction, `submit`, reconciliation, abilities) and
`reading.py` what the account shows; each method here is one transaction under the broker's
lock, run after the market caught up with the clock (`_sync`), and stores the operation id it
is given (`ref`) with what it creates, so a crash is settled by lookup.
"""

from __future__ import annotations

from decimal import Decimal

from easyths.brokers.base import Ack, CancelSide, ConditionAck, MarketName, MarketStrategy, OrderAck, RepoAck, Side
from easyths.brokers.sim import conditions, entry, reconcile, repo, settlement, subscriptions
from easyths.brokers.sim.control import SimControl
from easyths.domain.codes import REPO_CODES, Exchange, Kind, classify
from easyths.domain.commands import CommandKind
from easyths.domain.sessions import AFTER_HOURS_END, CLOSE, Phase, accepts_cancels
from easyths.errors import BrokerRejected, OrderVoided, not_cancellable


class SimPlacing(SimControl):
    # --- orders and cancels -----------------------------------------------------------------------

    def place_order(
        self, side: Side, stock_code: str, price: Decimal, quantity: int, *, ref: str | None = None
    ) -> OrderAck:
        """A limit order; between 15:00 and 15:30, when only 盘后固定价格交易 is open, it is one.
        A sell on a reverse-repo code is lending (§7.2), as in the client's 卖出 form."""
        if side is Side.SELL and classify(stock_code).kind is Kind.REPO:
            return self._lend_by_sell(stock_code, price, quantity, ref)
        with self._lock:
            with self.store.tx():
                self._sync()
                self._ensure_quote(stock_code)
                now = self.clock.now().time()
                if self.ctx.phase() in (Phase.CLOSED, Phase.AFTER_HOURS) and CLOSE <= now < AFTER_HOURS_END:
                    placed = entry.place_fixed(self.ctx, self._account(), side, stock_code, price, quantity, ref)
                else:
                    placed = entry.place_limit(self.ctx, self._account(), side, stock_code, price, quantity, ref)
            return self._ack(placed, side)

    def place_after_hours_order(self, side: Side, stock_code: str, price: Decimal, quantity: int) -> OrderAck:
        """盘后固定价格交易 (盘后定价委托): traded at the close between 15:05 and 15:30."""
        with self._lock:
            with self.store.tx():
                self._sync()
                self._ensure_quote(stock_code)
                placed = entry.place_fixed(self.ctx, self._account(), side, stock_code, price, quantity)
            return self._ack(placed, side)

    def place_market_order(
        self, side: Side, stock_code: str, quantity: int, strategy: MarketStrategy, *, ref: str | None = None
    ) -> OrderAck:
        with self._lock:
            with self.store.tx():
                self._sync()
                self._ensure_quote(stock_code)
                placed = entry.place_market(self.ctx, self._account(), side, stock_code, quantity, strategy, ref)
            return self._ack(placed, side)

    def _lend_by_sell(self, code: str, price: Decimal, quantity: int, ref: str | None) -> OrderAck:
        """卖出 204001 / 131810…: `quantity` in 张 (100 元 each), `price` the lowest annual rate
        accepted; booked like `reverse_repo_buy`, so the loan matures and pays interest."""
        if quantity % 10:
            raise BrokerRejected("逆回购卖出数量必须是10张（1000元）的整数倍")
        exchange, term_days, _ = REPO_CODES[code]
        market: MarketName = "上海" if exchange is Exchange.SH else "深圳"
        with self._lock, self.store.tx():
            self._sync()
            no, _, _ = repo.lend(
                self.ctx, self._account(), market, term_days, quantity * repo.FACE, limit=price, ref=ref
            )
        return OrderAck(str(no), f"您的卖出委托已成功提交，合同编号：{no}。")

    @staticmethod
    def _ack(placed: entry.Entry, side: Side) -> OrderAck:
        """A 废单 was committed with its 合同编号; the caller still learns it was refused."""
        if placed.rejection:
            raise OrderVoided(placed.rejection, details={"合同编号": str(placed.contract_no), "备注": "废单"})
        return OrderAck(str(placed.contract_no), f"您的{side.label}委托已成功提交，合同编号：{placed.contract_no}。")

    def cancel_orders(
        self,
        *,
        stock_code: str | None = None,
        side: CancelSide = "all",
        contract_no: str | None = None,
        ref: str | None = None,
    ) -> list[str]:
        with self._lock, self.store.tx():
            self._sync()
            orders = self.ctx.ledger.open_orders(
                account=self._account(),
                code=stock_code or None,
                side=None if side == "all" else side,
                contract_no=int(contract_no) if contract_no else None,
            )
            if contract_no and not orders:  # named one order, and it is not open: say what it is
                named = self.ctx.ledger.get(int(contract_no))
                today = self.ctx.today().isoformat()
                mine = named is not None and named.trade_date == today and named.account == self._account()
                raise not_cancellable(contract_no, named.status.value if mine and named else None)
            if orders and not accepts_cancels(self.ctx.phase()):
                raise BrokerRejected(f"提交失败：当前时间不允许撤单（{self.ctx.phase().value}）")
            for order in orders:
                settlement.cancel(self.ctx, order)
            done = [str(o.contract_no) for o in orders]
            reconcile.receipt(self.ctx, CommandKind.CANCEL_ORDERS, ref, done)
            return done

    def cancelled_quantities(self, contract_no: str) -> tuple[int, int]:
        """`ReadsCancelledQuantities`: (成交数量, 撤消数量) of one order, read from the ledger (the
        one order, not the day's whole table)."""
        with self._lock, self.store.tx():
            order = self.ctx.ledger.get(int(contract_no))
        if order is None:
            raise BrokerRejected(f"没有合同编号为 {contract_no} 的委托")
        return order.filled, order.cancelled

    # --- reverse repo -----------------------------------------------------------------------------

    def lend_repo(self, market: MarketName, term_days: int, amount: int, *, ref: str | None = None) -> RepoAck:
        with self._lock, self.store.tx():
            self._sync()
            no, code, rate = repo.lend(self.ctx, self._account(), market, term_days, amount, ref=ref)
            return RepoAck(str(no), code, rate, f"国债逆回购操作成功，成功出借:{amount} 元，年化利率为：{rate:.2f}%")

    # --- 打新 (docs/rules.md#ipo) -----------------------------------------------------------------

    def subscribe_ipo(self, code: str, quantity: int | None, *, ref: str | None = None) -> Ack:
        with self._lock, self.store.tx():
            self._sync()
            issue, qty, no = subscriptions.subscribe(self.ctx, self._account(), code, quantity, ref)
        unit = "张" if issue.kind == "bond" else "股"
        return Ack(
            f"申购委托已提交：{issue.name}（{issue.subscribe_code}）{qty}{unit}，合同编号：{no}",
            contract_no=str(no),
            quantity=qty,
        )

    # --- condition orders -------------------------------------------------------------------------

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
        with self._lock, self.store.tx():
            self._sync()
            self._ensure_quote(stock_code)
            cid = conditions.place_price(
                self.ctx, self._account(), side, stock_code, target_price, quantity, expire_days, ref
            )
            return ConditionAck(str(cid), f"条件单设置成功，编号：{cid}", quantity)

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
        with self._lock, self.store.tx():
            self._sync()
            cid, qty = conditions.place_stop(
                self.ctx,
                self._account(),
                stock_code,
                stop_loss_percent,
                stop_profit_percent,
                quantity,
                expire_days,
                ref,
            )
            return ConditionAck(str(cid), f"止盈止损单设置成功，编号：{cid}", qty)

    def cancel_condition_orders(self, *, stock_code: str | None = None, side: Side | None = None) -> int:
        return len(self.delete_conditions(stock_code, side))

    def delete_conditions(self, stock_code: str | None, side: Side | None, *, ref: str | None = None) -> list[str]:
        """`Desk`: the waiting conditions on `stock_code` / `side` deleted, a receipt kept under `ref`."""
        with self._lock, self.store.tx():
            self._sync()
            ids = [str(i) for i in conditions.cancel(self.ctx, self._account(), stock_code, side)]
            reconcile.receipt(self.ctx, CommandKind.CANCEL_CONDITIONS, ref, ids)
            return ids


__all__ = ["SimPlacing"]
