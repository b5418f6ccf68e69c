// EasyTHS dashboard: plain ES module, no build step. Everything shown comes from the HTTP API
// (the contract) and, when the service offers it, the live event stream GET /api/v1/events.
// Without the stream the page polls: it works either way.
// Funds, holdings and orders come from GET /api/v1/dashboard/account, which the service answers from
// a recent query while nothing changed, or by queries at the lowest priority (on the THS backend each
// query is GUI time on the client). The page reads it after an order, cancel or fill, on 刷新, and
// otherwise every [web].refresh_seconds: an idle page submits nothing.

const $ = (sel) => document.querySelector(sel);
const KEY_STORE = "easyths.key"; // sessionStorage only: gone when the tab closes
const COLOR_STORE = "easyths.gainColor";

const OP_LABELS = {
  buy: "买入", sell: "卖出", market_buy: "市价买入", market_sell: "市价卖出", order_cancel: "撤单",
  holding_query: "持仓查询", funds_query: "资金查询", order_query: "委托查询",
  historical_commission_query: "历史委托", reverse_repo_buy: "逆回购", reverse_repo_query: "逆回购查询",
  condition_buy: "条件买入", condition_sell: "条件卖出", stop_loss_profit: "止盈止损",
  condition_order_query: "条件单查询", condition_order_cancel: "条件单删除",
  account_query: "账户查询", account_switch: "切换账户",
};
const STATUS_LABELS = { queued: "排队中", running: "执行中", success: "成功", failed: "失败", cancelled: "已取消", unknown: "结果未知" };
const QUERY_OPS = new Set(["holding_query", "funds_query", "order_query", "historical_commission_query",
  "reverse_repo_query", "condition_order_query", "account_query"]);
const OPEN_ORDER_STATES = new Set(["未成交", "部分成交", "已报", "部成", "待报", "已报待撤"]);

const state = {
  config: { auth_required: false, gain_color: "red", refresh_seconds: 60 },
  key: sessionStorage.getItem(KEY_STORE),
  backend: null,
  hasSim: false,
  ops: new Map(), // operation_id -> status view
  orders: [],
  quotes: [],
  simClock: null,
  simDay: null,
  stream: "connecting", // live | polling | connecting
  lastEventId: null,
  accountTimer: null,
  accountInFlight: null,
  accountAgain: null, // null, "read" or "force": another read was asked for while one was in flight
  lastFundsOp: null, // the funds query the equity curve last took a point from
  ticketKind: "buy",
  paused: false,
  pendingKey: null, // Idempotency-Key of the order being confirmed; reused if the submit is retried
};

// ---------------------------------------------------------------------------------------------
// HTTP

class ApiError extends Error {
  constructor(message, status, body) { super(message); this.status = status; this.body = body; }
}

function authHeaders() {
  // The page reads the 1.x contract, whatever [api].contract the service defaults to.
  const headers = { "X-EasyTHS-Contract": "v1" };
  if (state.key) headers.Authorization = `Bearer ${state.key}`;
  return headers;
}

async function api(method, path, body, headers = {}) {
  const init = { method, headers: { ...authHeaders(), ...headers } };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers["Content-Type"] = "application/json";
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch (err) {
    throw new ApiError(`无法连接服务：${err.message}`, 0, null);
  }
  let json = null;
  try { json = await res.json(); } catch { /* not JSON */ }
  if (res.status === 401) {
    askForKey(state.key ? "API Key 无效或已更改，请重新输入" : "");
    throw new ApiError(json?.message || "需要 API Key", 401, json);
  }
  if (!res.ok || !json || json.success === false) {
    throw new ApiError(json?.message || `请求失败（HTTP ${res.status}）`, res.status, json);
  }
  return json;
}

let opSeq = 0;
function newKey() {
  if (crypto.randomUUID) return `web-${crypto.randomUUID()}`;
  opSeq += 1;
  return `web-${Date.now()}-${opSeq}-${Math.random().toString(16).slice(2)}`;
}

// Run an operation through the queue and wait for its verdict inline (?wait=).
async function runOp(name, params, { wait = 15, idempotencyKey = null } = {}) {
  const headers = idempotencyKey ? { "Idempotency-Key": idempotencyKey } : {};
  const res = await api("POST", `/api/v1/operations/${name}?wait=${wait}`, { params }, headers);
  return res;
}

// ---------------------------------------------------------------------------------------------
// Formatting

const moneyFmt = new Intl.NumberFormat("zh-CN", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const qtyFmt = new Intl.NumberFormat("zh-CN", { maximumFractionDigits: 0 });
const priceFmt = new Intl.NumberFormat("zh-CN", { minimumFractionDigits: 2, maximumFractionDigits: 3 });

function money(v) { return v === null || v === undefined || v === "" ? "—" : moneyFmt.format(Number(v)); }
function qty(v) { return v === null || v === undefined || v === "" ? "—" : qtyFmt.format(Number(v)); }
function price(v) { return v === null || v === undefined || v === "" || Number(v) === 0 ? "—" : priceFmt.format(Number(v)); }
function signClass(v) { const n = Number(v); return n > 0 ? "gain" : n < 0 ? "loss" : ""; }
function signed(v, fmt = money) { const n = Number(v); return (n > 0 ? "+" : "") + fmt(n); }
function esc(s) {
  return String(s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
}
function hhmmss(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : d.toLocaleTimeString("zh-CN", { hour12: false, timeZone: "Asia/Shanghai" });
}
// What the server's checks call a field, as the form labels it: "数量：必须是100的整数倍", not "quantity: …".
const FIELD_LABELS = {
  stock_code: "证券代码", price: "价格", quantity: "数量", contract_no: "合同编号",
  execution_strategy: "成交策略", params: "参数", body: "请求体", priority: "优先级",
};
function fieldErrors(body) {
  const details = Array.isArray(body?.details) ? body.details.filter((d) => d && d.field) : [];
  if (!details.length) return "";
  return details.map((d) => {
    const field = String(d.field).replace(/^params\./, "");
    return `<div>${esc(FIELD_LABELS[field] || field)}：${esc(d.message || "")}</div>`;
  }).join("");
}
// Instants from the server (+08:00) and from this browser (…Z) compared as instants, not as text.
function instant(iso) {
  const t = Date.parse(iso || "");
  return Number.isNaN(t) ? 0 : t;
}
function cell(v, cls = "") { return `<td class="${cls}">${v}</td>`; }

function toast(text, ms = 4000) {
  const el = $("#toast");
  el.textContent = text;
  el.classList.remove("hidden");
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => el.classList.add("hidden"), ms);
}

function fillTable(id, rowsHtml, emptyText, colspan) {
  const body = $(`#${id} tbody`);
  body.innerHTML = rowsHtml.length ? rowsHtml.join("") : `<tr class="empty"><td colspan="${colspan}">${emptyText}</td></tr>`;
}

// ---------------------------------------------------------------------------------------------
// Account: funds, holdings, orders, fills. One read for all three; `force` (刷新, the sim controls)
// asks for new queries, otherwise the service reuses what is fresh and shares queries between tabs.

function refreshAccount(force = false) {
  if (state.accountInFlight) {
    state.accountAgain = force || state.accountAgain === "force" ? "force" : "read";
    return state.accountInFlight;
  }
  state.accountInFlight = (async () => {
    let d = null;
    try {
      d = (await api("GET", `/api/v1/dashboard/account${force ? "?max_age=0" : ""}`)).data;
      const funds = d.funds_query, holdings = d.holding_query, orders = d.order_query;
      if (funds.data) {
        renderFunds(funds.data);
        if (funds.operation_id !== state.lastFundsOp) { state.lastFundsOp = funds.operation_id; recordEquity(funds.data); }
      }
      if (holdings.data) renderHoldings(holdings.data.holdings || []);
      if (orders.data) { state.orders = orders.data.orders || []; renderOrders(); }
      renderAccountAge(d);
      const failed = Object.values(d).find((q) => q.error);
      if (failed) toast(`刷新账户失败：${failed.error}`);
    } catch (err) {
      if (err.status !== 401) toast(`刷新账户失败：${err.message}`);
    } finally {
      state.accountInFlight = null;
      scheduleAccount(d);
      if (state.accountAgain) { const again = state.accountAgain; state.accountAgain = null; refreshAccount(again === "force"); }
    }
  })();
  return state.accountInFlight;
}

// The next timed read: when the oldest result shown turns refresh_seconds old (the service reuses it
// until then), so every open tab lands on the same refresh and one set of queries serves them all.
// A query still in the queue is looked at again shortly (the read joins it, it does not resubmit).
function scheduleAccount(d) {
  clearTimeout(state.accountTimer);
  const interval = Math.max(2, Number(state.config.refresh_seconds) || 60) * 1000;
  let delay = interval;
  if (d) {
    const qs = Object.values(d);
    if (qs.some((q) => q.age_seconds === null)) delay = 3000;
    else delay = Math.min(interval, Math.max(2000, interval - Math.max(...qs.map((q) => q.age_seconds)) * 1000 + 500));
  }
  state.accountTimer = setTimeout(() => {
    if (document.visibilityState === "visible") refreshAccount();
    // hidden: nothing until the tab is shown again (visibilitychange reads, and reschedules)
  }, delay);
}

function renderAccountAge(d) {
  const times = Object.values(d).map((q) => q.finished_at).filter(Boolean).sort();
  const el = $("#account-age");
  el.textContent = times.length ? `账户（本机时间）：${hhmmss(times[0])}` : "账户：查询中";
  el.title = "资金/持仓/委托的查询完成时间（上海时间）；有委托、撤单、成交时自动刷新，点「刷新」重新查询";
}

let accountDebounce = null;
let accountDebounceForce = false;
// Debounced: a burst of events (an order's fills, several tabs' orders) costs one read.
function refreshAccountSoon(force = false) {
  accountDebounceForce = accountDebounceForce || force;
  clearTimeout(accountDebounce);
  accountDebounce = setTimeout(() => {
    const f = accountDebounceForce;
    accountDebounceForce = false;
    refreshAccount(f);
  }, 300);
}

function renderFunds(f) {
  for (const el of document.querySelectorAll("#funds [data-k]")) {
    const v = f[el.dataset.k];
    el.textContent = el.dataset.sign ? signed(v) : money(v);
    el.classList.remove("gain", "loss");
    if (el.dataset.sign) { const c = signClass(v); if (c) el.classList.add(c); }
  }
}

function renderHoldings(rows) {
  $("#holdings-count").textContent = rows.length ? `${rows.length} 只` : "";
  fillTable("holdings", rows.map((h) => `<tr>
    ${cell(esc(h["证券代码"]), "num")}${cell(esc(h["证券名称"]))}
    ${cell(qty(h["股票余额"]), "r")}${cell(qty(h["可用余额"]), "r")}
    ${cell(price(h["成本价"]), "r")}${cell(price(h["市价"]), "r")}${cell(money(h["市值"]), "r")}
    ${cell(signed(h["盈亏"]), `r ${signClass(h["盈亏"])}`)}
    ${cell(signed(h["盈亏比(%)"]), `r ${signClass(h["盈亏比(%)"])}`)}
    ${cell(signed(h["当日盈亏"] ?? 0), `r ${signClass(h["当日盈亏"])}`)}
  </tr>`), "暂无持仓", 10);
}

function sideClass(op) { return String(op).includes("买") ? "gain" : String(op).includes("卖") ? "loss" : ""; }

function renderOrders() {
  const orders = [...state.orders].reverse(); // newest first
  $("#orders-count").textContent = orders.length ? `${orders.length} 笔` : "";
  fillTable("orders", orders.map((o) => {
    const open = OPEN_ORDER_STATES.has(o["备注"]);
    const cancel = open ? `<button type="button" class="link" data-cancel="${esc(o["合同编号"])}">撤单</button>` : "";
    return `<tr data-contract="${esc(o["合同编号"])}">
      ${cell(esc(o["委托时间"]), "num")}${cell(esc(o["证券代码"]), "num")}${cell(esc(o["证券名称"]))}
      ${cell(esc(o["操作"]), sideClass(o["操作"]))}${cell(esc(o["备注"]))}
      ${cell(price(o["委托价格"]), "r")}${cell(qty(o["委托数量"]), "r")}${cell(qty(o["成交数量"]), "r")}
      ${cell(price(o["成交均价"]), "r")}${cell(esc(o["合同编号"]), "num")}${cell(cancel)}
    </tr>`;
  }), "暂无委托", 11);
  const fills = orders.filter((o) => Number(o["成交数量"]) > 0);
  $("#fills-count").textContent = fills.length ? `${fills.length} 笔` : "";
  fillTable("fills", fills.map((o) => `<tr>
    ${cell(esc(o["委托时间"]), "num")}${cell(esc(o["证券代码"]), "num")}${cell(esc(o["证券名称"]))}
    ${cell(esc(o["操作"]), sideClass(o["操作"]))}${cell(qty(o["成交数量"]), "r")}${cell(price(o["成交均价"]), "r")}
    ${cell(money(Number(o["成交数量"]) * Number(o["成交均价"])), "r")}${cell(esc(o["合同编号"]), "num")}
  </tr>`), "暂无成交", 8);
}

// ---------------------------------------------------------------------------------------------
// Operations and queue

function contractOf(op) {
  const d = op.result?.data;
  return d && (d["合同编号"] || d.contract_no) ? d["合同编号"] || d.contract_no : null;
}

function opSummary(op) {
  const c = contractOf(op);
  if (c) return `合同编号 ${esc(c)}`;
  if (op.error) return esc(op.error);
  const d = op.result?.data;
  return esc(d?.message || "");
}

function upsertOp(view) {
  const prev = state.ops.get(view.operation_id);
  state.ops.set(view.operation_id, { ...(prev || {}), ...view });
}

function renderOps() {
  const showQueries = $("#show-queries").checked;
  const ops = [...state.ops.values()]
    .filter((o) => showQueries || !QUERY_OPS.has(o.name))
    .sort((a, b) => instant(b.created_at || b.timestamp) - instant(a.created_at || a.timestamp))
    .slice(0, 40);
  fillTable("ops", ops.map((o) => {
    const cancel = o.status === "queued" ? `<button type="button" class="link" data-cancel-op="${esc(o.operation_id)}">取消</button>` : "";
    return `<tr data-op="${esc(o.operation_id)}">
      ${cell(hhmmss(o.created_at || o.timestamp), "num")}${cell(esc(OP_LABELS[o.name] || o.name))}
      ${cell(`<span class="badge ${esc(o.status)}">${esc(STATUS_LABELS[o.status] || o.status)}</span>`)}
      ${cell(opSummary(o), "msg")}${cell(cancel)}
    </tr>`;
  }), "暂无操作", 5);
}

async function refreshOps() {
  const res = await api("GET", "/api/v1/queue/operations?limit=60");
  const changed = [];
  for (const view of res.data.operations) {
    const prev = state.ops.get(view.operation_id);
    if (!prev || prev.status !== view.status) changed.push(view);
    upsertOp(view);
  }
  renderOps();
  return changed;
}

async function refreshQueueStats() {
  const s = (await api("GET", "/api/v1/queue/stats")).data;
  const el = $("#queue-stats");
  el.textContent = `队列：排队 ${s.queued_count} · 执行 ${s.running_count} · 成功 ${s.success_count} · 失败 ${s.failed_count}` +
    (s.unknown_count ? ` · 未知 ${s.unknown_count}` : "");
  el.className = `pill ${s.unknown_count ? "warn" : ""}`;
}

let statsDebounce = null;
function refreshQueueStatsSoon() {
  clearTimeout(statsDebounce);
  statsDebounce = setTimeout(() => refreshQueueStats().catch(() => {}), 200);
}

// ---------------------------------------------------------------------------------------------
// Health, broker, sim

async function refreshHealth() {
  const el = $("#health");
  try {
    const h = await api("GET", "/api/v1/system/health");
    const ok = h.data.status === "healthy";
    el.textContent = ok ? "健康：正常" : `健康：${h.message}`;
    el.className = `pill ${ok ? "ok" : "bad"}`;
    const backend = h.data.components.backend;
    const broker = $("#broker");
    const names = { sim: "模拟券商", ths: "同花顺客户端", emulator: "同花顺模拟客户端" };
    broker.textContent = `后端：${names[backend] || backend}` +
      (h.data.components.automator === "connected" ? "" : "（未连接）");
    broker.className = `pill ${h.data.components.automator === "connected" ? "ok" : "bad"}`;
    if (state.backend !== backend) {
      state.backend = backend;
      drawEquity();
      await probeSim();
    }
  } catch (err) {
    el.textContent = err.status === 401 ? "健康：需要 API Key" : "健康：服务不可达";
    el.className = "pill bad";
  }
}

// The kill switch (issue 10): shown when the service has one; pausing asks first.
async function refreshTrading() {
  try {
    const t = (await api("GET", "/api/v1/system/risk")).data.trading;
    state.paused = t.paused;
    const el = $("#trading");
    el.textContent = t.paused ? `交易：已暂停${t.reason ? `（${t.reason}）` : ""}` : "交易：正常";
    el.className = `pill ${t.paused ? "bad" : "ok"}`;
    const btn = $("#pause-toggle");
    btn.textContent = t.paused ? "恢复交易" : "暂停交易";
    btn.classList.remove("hidden");
  } catch {
    $("#trading").classList.add("hidden");
    $("#pause-toggle").classList.add("hidden");
  }
}

async function togglePause() {
  const pausing = !state.paused;
  const ok = await confirmDialog(pausing ? "暂停交易？" : "恢复交易？", pausing
    ? "<p>暂停后新委托一律被拒绝（包括脚本与 AI 助手），查询与撤单照常。</p>"
    : "<p>恢复后新委托照常受理。</p>");
  if (!ok) return;
  try {
    const res = await api("POST", `/api/v1/system/${pausing ? "pause" : "resume"}`, pausing ? { reason: "看板手动暂停" } : undefined);
    toast(res.message, 3000);
  } catch (err) { toast(err.message); }
  refreshTrading();
}

function renderSim(s) {
  const changed = state.simClock !== null && state.simClock !== s.clock;
  state.simClock = s.clock;
  const clockText = s.clock.replace("T", " ").slice(0, 19);
  $("#sim-clock").textContent = clockText;
  $("#sim-phase").textContent = s.session_phase;
  $("#sim-day").textContent = s.trading_day;
  $("#clock").textContent = `模拟时钟：${clockText} ${s.session_phase}`;
  if (!$("#jump-date").value) $("#jump-date").value = s.trading_day;
  state.quotes = s.quotes || [];
  fillTable("quotes", state.quotes.map((q) => {
    const pct = q.prev_close ? ((q.price - q.prev_close) / q.prev_close) * 100 : 0;
    return `<tr data-quote="${esc(q.stock_code)}">${cell(esc(q.stock_code), "num")}${cell(esc(q.name || ""))}
      ${cell(price(q.price), `r ${signClass(pct)}`)}${cell(price(q.prev_close), "r")}
      ${cell(signed(pct) + "%", `r ${signClass(pct)}`)}</tr>`;
  }), "暂无行情，在上方设置", 5);
  return changed;
}

// The sim's controls exist whenever the service mounts them (the sim, or the THS emulator over it).
async function probeSim() {
  let ok = false;
  try {
    renderSim((await api("GET", "/api/v1/sim/state")).data);
    ok = true;
  } catch { /* 404: no sim behind this backend */ }
  state.hasSim = ok;
  $("#sim-panel").classList.toggle("hidden", !ok);
  $("#clock").classList.toggle("hidden", !ok);
  // Orders and fills carry the broker's times: the sim's virtual clock, not this computer's.
  document.querySelectorAll("[data-sim-time]").forEach((el) => { el.textContent = ok ? "时间：模拟时钟" : "时间：券商"; });
}

async function refreshSim() {
  if (!state.hasSim) return;
  try {
    const s = (await api("GET", "/api/v1/sim/state")).data;
    const newDay = state.simDay !== null && state.simDay !== s.trading_day; // T+1 shares, expiries, repo
    state.simDay = s.trading_day;
    // the clock moved elsewhere: orders may have filled or expired (those are events the service saw);
    // a new trading day changes the account without one, so that asks for new queries
    if (renderSim(s)) refreshAccountSoon(newDay);
  } catch (err) {
    if (err.status !== 401) toast(`读取模拟券商状态失败：${err.message}`);
  }
}

async function simAction(label, fn) {
  try {
    const res = await fn();
    if (res?.data?.clock) renderSim(res.data);
    toast(res.message || `${label}成功`, 2000);
  } catch (err) {
    toast(`${label}失败：${err.message}`);
  }
  await refreshSim();
  refreshAccountSoon(true); // a reset, a new day or a price is no event the service sees: query again
}

function shanghaiIso(date, time) { return `${date}T${time}+08:00`; }

function advanceMinutes(minutes) {
  const t = new Date(new Date(state.simClock).getTime() + minutes * 60000);
  return simAction("推进时钟", () => api("POST", "/api/v1/sim/clock/advance", { to: t.toISOString() }));
}

// ---------------------------------------------------------------------------------------------
// Equity curve: 总资产 points kept in this browser (localStorage), stamped with the sim clock when
// there is one, so a paper day replayed in seconds still draws as a day.

function equityStore() { return `easyths.equity.${state.backend || "?"}`; }
function loadEquity() { try { return JSON.parse(localStorage.getItem(equityStore()) || "[]"); } catch { return []; } }

function recordEquity(funds) {
  const v = Number(funds["总资产"]);
  if (!Number.isFinite(v)) return;
  const t = state.hasSim && state.simClock ? state.simClock : new Date().toISOString();
  const points = loadEquity();
  const last = points[points.length - 1];
  if (last && last.t === t) last.v = v; else points.push({ t, v });
  while (points.length > 2000) points.shift();
  localStorage.setItem(equityStore(), JSON.stringify(points));
  drawEquity();
}

function drawEquity() {
  const svg = $("#equity");
  const points = loadEquity();
  if (points.length === 0) { svg.innerHTML = ""; $("#equity-last").textContent = "暂无数据"; return; }
  const vs = points.map((p) => p.v);
  let lo = Math.min(...vs), hi = Math.max(...vs);
  if (hi - lo < 1e-9) { lo -= 1; hi += 1; }
  const n = points.length;
  const xy = points.map((p, i) => `${n === 1 ? 160 : (i / (n - 1)) * 316 + 2},${112 - ((p.v - lo) / (hi - lo)) * 104}`);
  const first = points[0].v;
  svg.innerHTML = `<line x1="0" x2="320" y1="${112 - ((first - lo) / (hi - lo)) * 104}" y2="${112 - ((first - lo) / (hi - lo)) * 104}"></line>` +
    (n === 1 ? `<circle cx="160" cy="${112 - ((points[0].v - lo) / (hi - lo)) * 104}" r="3"></circle>` : `<polyline points="${xy.join(" ")}"></polyline>`);
  const lastV = vs[vs.length - 1];
  $("#equity-min").textContent = `低 ${money(Math.min(...vs))}`;
  $("#equity-max").textContent = `高 ${money(Math.max(...vs))}`;
  const el = $("#equity-last");
  el.textContent = `最新 ${money(lastV)}（${signed(lastV - first)}）`;
  el.className = `num ${signClass(lastV - first)}`;
}

// ---------------------------------------------------------------------------------------------
// Order ticket: confirm, submit with an Idempotency-Key and ?wait=, show the verdict

const TICKET_FIELDS = {
  buy: ["code", "price", "qty"], sell: ["code", "price", "qty"],
  market_buy: ["code", "qty", "strategy"], market_sell: ["code", "qty", "strategy"],
  cancel: ["contract"],
};
const TICKET_LABELS = { buy: "买入", sell: "卖出", market_buy: "市价买入", market_sell: "市价卖出", cancel: "撤单" };

function setTicketKind(kind) {
  state.ticketKind = kind;
  for (const b of document.querySelectorAll("#ticket-tabs button")) b.classList.toggle("active", b.dataset.kind === kind);
  for (const label of document.querySelectorAll("#ticket label[data-for]")) {
    label.classList.toggle("hidden", !TICKET_FIELDS[kind].includes(label.dataset.for));
  }
  const btn = $("#t-submit");
  btn.textContent = TICKET_LABELS[kind];
  btn.className = `primary ${kind.includes("buy") ? "buy" : kind.includes("sell") ? "sell" : ""}`;
  updateHint();
}

function nameOf(code) {
  const q = state.quotes.find((x) => x.stock_code === code);
  if (q?.name) return q.name;
  const o = state.orders.find((x) => x["证券代码"] === code);
  return o ? o["证券名称"] : "";
}

function updateHint() {
  const kind = state.ticketKind;
  const code = $("#t-code").value.trim();
  const q = state.quotes.find((x) => x.stock_code === code);
  let hint = "";
  if (kind === "cancel") hint = $("#t-contract").value.trim() ? "撤销这一笔委托" : "将撤销全部未成交委托";
  else if (q) hint = `${q.name || code} 最新价 ${price(q.price)}`;
  if ((kind === "buy" || kind === "sell") && $("#t-price").value && $("#t-qty").value) {
    hint += `${hint ? "，" : ""}金额 ${money(Number($("#t-price").value) * Number($("#t-qty").value))} 元`;
  }
  $("#ticket-hint").textContent = hint;
}

function readTicket() {
  const kind = state.ticketKind;
  const code = $("#t-code").value.trim();
  if (kind === "cancel") {
    const contract = $("#t-contract").value.trim();
    if (contract && !/^\d{1,20}$/.test(contract)) throw new Error("合同编号应为数字");
    return { op: "order_cancel", params: contract ? { contract_no: contract } : { cancel_type: "all" } };
  }
  if (!/^\d{6}$/.test(code)) throw new Error("证券代码应为 6 位数字");
  const quantity = Number($("#t-qty").value);
  if (!Number.isInteger(quantity) || quantity <= 0) throw new Error("数量应为正整数");
  if (kind === "buy" || kind === "sell") {
    const p = Number($("#t-price").value);
    if (!(p > 0)) throw new Error("价格应大于 0");
    return { op: kind, params: { stock_code: code, price: p, quantity } };
  }
  return { op: kind, params: { stock_code: code, quantity, execution_strategy: Number($("#t-strategy").value) } };
}

function describeOrder(order) {
  const p = order.params;
  const rows = [["操作", TICKET_LABELS[state.ticketKind]]];
  if (order.op === "order_cancel") {
    rows.push(["范围", p.contract_no ? `合同编号 ${p.contract_no}` : "全部未成交委托"]);
  } else {
    rows.push(["证券", `${p.stock_code} ${nameOf(p.stock_code)}`]);
    if (p.price !== undefined) rows.push(["价格", price(p.price)]);
    rows.push(["数量", qty(p.quantity)]);
    if (p.price !== undefined) rows.push(["金额", `${money(p.price * p.quantity)} 元`]);
    if (p.execution_strategy !== undefined) rows.push(["成交策略", $("#t-strategy").selectedOptions[0].textContent]);
  }
  return `<table class="confirm-table">${rows.map(([k, v]) => `<tr><td class="label">${k}</td><td class="num">${esc(v)}</td></tr>`).join("")}</table>`;
}

function confirmDialog(title, html) {
  return new Promise((resolve) => {
    $("#modal-title").textContent = title;
    $("#modal-body").innerHTML = html;
    $("#modal").classList.remove("hidden");
    const done = (v) => {
      $("#modal").classList.add("hidden");
      $("#modal-ok").onclick = null; $("#modal-cancel").onclick = null;
      resolve(v);
    };
    $("#modal-ok").onclick = () => done(true);
    $("#modal-cancel").onclick = () => done(false);
    $("#modal-ok").focus();
  });
}

function showVerdict(kind, html) {
  const el = $("#verdict");
  el.className = `verdict ${kind}`;
  el.innerHTML = html;
}

async function submitOrder(order) {
  const label = TICKET_LABELS[state.ticketKind] || order.op;
  try {  // the operation's own checks first: a lot or tick error before the confirmation, not after
    await api("POST", `/api/v1/operations/${order.op}/check`, { params: order.params });
  } catch (err) {
    showVerdict("fail", `✘ 未下单：${fieldErrors(err.body) || esc(err.message)}`);
    return;
  }
  if (!(await confirmDialog(`确认${label}？`, describeOrder(order)))) return;
  const key = state.pendingKey || newKey();
  state.pendingKey = key;
  $("#t-submit").disabled = true;
  showVerdict("pending", "已提交，等待执行…");
  try {
    const res = await runOp(order.op, order.params, { wait: 20, idempotencyKey: key });
    state.pendingKey = null; // the service has it: a new order gets a new key
    const d = res.data;
    upsertOp({ operation_id: d.operation_id, name: order.op, status: d.status, created_at: new Date().toISOString(),
      result: d.result ? { success: d.result.success, data: d.result.data } : null, error: d.status === "success" ? null : res.message });
    renderOps();
    const r = d.result?.data || {};
    if (d.status === "success") {
      const contract = r["合同编号"];
      showVerdict("ok", `<div>✔ ${esc(r.message || res.message)}</div>` +
        (contract ? `<div class="contract">合同编号 <span class="num" id="verdict-contract">${esc(contract)}</span></div>` : ""));
    } else if (d.status === "queued" || d.status === "running") {
      showVerdict("pending", `已进入队列（${esc(STATUS_LABELS[d.status])}），结果将显示在“最近操作”中。操作编号 <span class="num">${esc(d.operation_id)}</span>`);
    } else if (d.status === "unknown") {
      showVerdict("fail", `⚠ 结果未知：${esc(res.message)}。请以当日委托为准，服务会自动核对。`);
    } else {  // a cancel of an order that is not open is a failure too: it says what the order is
      showVerdict("fail", `✘ ${order.op === "order_cancel" ? "未撤单" : "未下单"}：${esc(res.message)}`);
    }
  } catch (err) {
    if (err.status === 0) {
      showVerdict("fail", `✘ ${esc(err.message)}。再次确认将使用同一幂等键，不会重复下单。`);
    } else {
      state.pendingKey = null;
      const why = fieldErrors(err.body) || esc(err.message);
      showVerdict("fail", `✘ 未下单：${why}${err.body?.error_code ? `（${esc(err.body.error_code)}）` : ""}`);
    }
  } finally {
    $("#t-submit").disabled = false;
    refreshAccountSoon();
    refreshQueueStatsSoon();
  }
}

// ---------------------------------------------------------------------------------------------
// 打新: listed on demand (a query through the queue, so an idle tab submits none); 一键申购 sends
// one ipo_subscribe per issue with quota, keyed ipo-<申购日期>-<证券代码> as the SDK and the CLI do
// (the 申购代码 where the backend does not know the 证券代码: THS lists Shanghai issues by 申购代码 only),
// so the page, a morning script and a second tab never subscribe the same issue twice.

async function refreshIpos() {
  state.ipos = [];
  $("#ipo-all").disabled = true;
  try {
    const res = await runOp("ipo_query", { return_type: "json" }, { wait: 20 });
    const d = res.data;
    if (d.status !== "success") {
      fillTable("ipos", [], `未能查询（不是“今日无新股”）：${esc(res.message)}`, 6);
      return;
    }
    state.ipos = d.result?.data?.ipo_list || [];
  } catch (err) {
    fillTable("ipos", [], `未能查询（不是“今日无新股”）：${esc(err.message)}`, 6);
    return;
  }
  $("#ipo-count").textContent = `（${state.ipos.length}）`;
  fillTable("ipos", state.ipos.map((r) => `<tr data-ipo="${esc(ipoCode(r))}">${cell(esc(r["申购代码"]), "num")}` +
    `${cell(esc(r["证券名称"]))}${cell(esc(r["类型"]))}${cell(price(r["发行价格"]), "num")}` +
    `${cell(qty(r["可申购数量"]), "num")}${cell(r["已申购"] ? "已申购" : "—")}</tr>`), "今日无新股/新债", 6);
  $("#ipo-all").disabled = !ipoTodo().length;
}

function ipoCode(r) { return r["证券代码"] || r["申购代码"]; }
function ipoTodo() { return (state.ipos || []).filter((r) => !r["已申购"] && Number(r["可申购数量"]) > 0); }

async function subscribeAllIpos() {
  const todo = ipoTodo();
  if (!todo.length) return;
  const rows = todo.map((r) => `<tr><td class="label">${esc(r["证券名称"])}（${esc(r["申购代码"])}）</td>` +
    `<td class="num">${qty(r["可申购数量"])}${r["类型"] === "可转债" ? " 张" : " 股"}</td></tr>`).join("");
  const note = "<p>每只一笔申购委托，不可撤单；申购当天不冻结资金，中签后 T+2 日从可用资金缴款。</p>";
  if (!(await confirmDialog(`确认申购 ${todo.length} 只？`, `<table class="confirm-table">${rows}</table>${note}`))) return;
  $("#ipo-all").disabled = true;
  const el = $("#ipo-verdict");
  el.className = "verdict pending";
  el.textContent = "申购中…";
  const lines = [];
  let failed = false;
  for (const r of todo) {
    const code = ipoCode(r);
    const who = `${esc(r["证券名称"])}（${esc(code)}）`;
    try {
      const res = await runOp("ipo_subscribe", { stock_code: code }, { wait: 20, idempotencyKey: `ipo-${r["申购日期"]}-${code}` });
      const d = res.data;
      if (d.status === "success") {
        lines.push(`✔ ${who} 合同编号 <span class="num">${esc(d.result?.data?.["合同编号"])}</span>`);
      } else if (d.status === "unknown") {
        failed = true;
        lines.push(`⚠ ${who} 结果未知：${esc(res.message)}。请以当日委托的「配售申购」为准`);
      } else {
        failed = true;
        lines.push(`✘ ${who} 未申购：${esc(res.message)}`);
      }
    } catch (err) {
      failed = true;
      lines.push(`✘ ${who} 未申购：${esc(err.message)}`);
    }
  }
  el.className = `verdict ${failed ? "fail" : "ok"}`;
  el.innerHTML = lines.map((l) => `<div>${l}</div>`).join("");
  refreshAccountSoon();
  refreshQueueStatsSoon();
  await refreshIpos();
}

// ---------------------------------------------------------------------------------------------
// Live events: SSE read with fetch (EventSource cannot send the Authorization header).
// On any failure the page polls, and retries the stream later.

function setStream(mode, text) {
  state.stream = mode;
  const el = $("#stream");
  el.textContent = text;
  el.className = `pill ${mode === "live" ? "ok" : mode === "polling" ? "warn" : ""}`;
}

function handleEvent(ev) {
  const type = ev.type || "";
  if (ev.operation_id && ev.status) {
    const prev = state.ops.get(ev.operation_id);
    upsertOp({
      operation_id: ev.operation_id, name: ev.name || prev?.name, status: ev.status,
      created_at: prev?.created_at || ev.created_at || ev.at, timestamp: ev.at,
      ...(ev.result !== undefined ? { result: ev.result } : {}),
      ...(ev.error !== undefined ? { error: ev.error } : {}),
    });
    renderOps();
    refreshQueueStatsSoon();
    const finished = ["success", "failed", "unknown", "cancelled"].includes(ev.status);
    if (finished && !QUERY_OPS.has(ev.name)) {
      if (ev.result === undefined) refreshOneOp(ev.operation_id);
      refreshAccountSoon();
    }
    return;
  }
  if (type === "fill" || type === "condition_triggered" || type === "order_expired" || type.startsWith("order")) {
    if (type === "fill") toast(`成交：${ev.stock_code || ""} ${ev.side === "sell" ? "卖出" : "买入"} ${ev.quantity ?? ""} @ ${ev.price ?? ""}`, 3000);
    if (type === "condition_triggered") toast(`条件单触发：${ev.stock_code || ""}`, 3000);
    refreshAccountSoon();
  }
  if (type.startsWith("sim") || type === "clock") refreshSim();
  if (type === "gap" || type === "reset") {  // the stream could not replay what was missed: re-read everything
    toast(ev.message || "事件流有缺口，已重新读取", 4000);
    refreshAll();
  }
}

async function refreshOneOp(id) {
  try {
    const res = await api("GET", `/api/v1/operations/${id}/status`);
    upsertOp(res.data);
    renderOps();
  } catch { /* shown on the next refresh */ }
}

function parseBlock(block) {
  let data = "", event = null, id = null;
  for (const line of block.split(/\r?\n/)) {
    if (!line || line.startsWith(":")) continue;
    const i = line.indexOf(":");
    const field = i < 0 ? line : line.slice(0, i);
    const value = i < 0 ? "" : line.slice(i + 1).replace(/^ /, "");
    if (field === "data") data += (data ? "\n" : "") + value;
    else if (field === "event") event = value;
    else if (field === "id") id = value;
  }
  if (id) state.lastEventId = id;
  if (!data) return;
  try {
    const ev = JSON.parse(data);
    if (!ev.type && event) ev.type = event;
    handleEvent(ev);
  } catch { /* keep-alive or foreign data */ }
}

async function streamEvents() {
  const headers = { ...authHeaders(), Accept: "text/event-stream" };
  if (state.lastEventId) headers["Last-Event-ID"] = state.lastEventId;
  const res = await fetch("/api/v1/events", { headers });
  const type = res.headers.get("content-type") || "";
  if (!res.ok || !type.includes("text/event-stream") || !res.body) throw new Error(`HTTP ${res.status}`);
  setStream("live", "事件：实时");
  // Events may have been missed while the stream was down: catch up once.
  refreshOps().catch(() => {});
  refreshAccountSoon();
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buf = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buf += value;
    let m;
    while ((m = buf.match(/\r?\n\r?\n/))) {
      parseBlock(buf.slice(0, m.index));
      buf = buf.slice(m.index + m[0].length);
    }
  }
  throw new Error("事件流已结束");
}

async function eventLoop() {
  let delay = 2000;
  for (;;) {
    try {
      await streamEvents();
      delay = 2000;
    } catch (err) {
      setStream("polling", "事件：定时刷新");
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 30000);
    }
  }
}

// Poll what the stream would have told us. Cheap GETs only; account queries are on their own timer.
async function pollTick() {
  if (state.stream !== "live") {
    try {
      const changed = await refreshOps();
      if (changed.some((o) => !QUERY_OPS.has(o.name) && o.status !== "queued" && o.status !== "running")) refreshAccountSoon();
      await refreshQueueStats();
    } catch { /* shown by health */ }
  }
  await refreshSim();
}

// ---------------------------------------------------------------------------------------------
// Key prompt

function askForKey(message = "") {
  $("#key-error").textContent = message;
  $("#key-prompt").classList.remove("hidden");
  $("#key-input").focus();
}

async function checkKey(key) {
  const res = await fetch("/api/v1/system/status", { headers: { Authorization: `Bearer ${key}` } });
  return res.status !== 401;
}

let keyWaiter = null;

function waitForKey() {
  return new Promise((resolve) => { keyWaiter = resolve; askForKey(); });
}

async function onKeySubmit(e) {
  e.preventDefault();
  const key = $("#key-input").value.trim();
  if (!key) return;
  if (!(await checkKey(key))) { $("#key-error").textContent = "API Key 无效"; return; }
  state.key = key;
  sessionStorage.setItem(KEY_STORE, key);
  $("#key-input").value = "";
  $("#key-prompt").classList.add("hidden");
  if (keyWaiter) { const resolve = keyWaiter; keyWaiter = null; resolve(); } else refreshAll();
}

// ---------------------------------------------------------------------------------------------
// Wiring

function applyColors() {
  const scheme = localStorage.getItem(COLOR_STORE) || state.config.gain_color;
  document.body.classList.toggle("gain-green", scheme === "green");
  $("#color-toggle").textContent = scheme === "green" ? "绿涨红跌" : "红涨绿跌";
}

async function refreshAll(force = false) {
  await refreshHealth();
  await Promise.allSettled([refreshOps(), refreshQueueStats(), refreshSim(), refreshTrading()]);
  await refreshAccount(force);
}

function wire() {
  for (const b of document.querySelectorAll("#ticket-tabs button")) b.onclick = () => setTicketKind(b.dataset.kind);
  for (const id of ["#t-code", "#t-price", "#t-qty", "#t-contract"]) $(id).addEventListener("input", updateHint);
  $("#ticket").onsubmit = (e) => {
    e.preventDefault();
    let order;
    try { order = readTicket(); } catch (err) { showVerdict("fail", `✘ ${esc(err.message)}`); return; }
    submitOrder(order);
  };
  $("#orders").addEventListener("click", (e) => {
    const c = e.target.closest("[data-cancel]");
    if (!c) return;
    setTicketKind("cancel");
    $("#t-contract").value = c.dataset.cancel;
    updateHint();
    submitOrder({ op: "order_cancel", params: { contract_no: c.dataset.cancel } });
  });
  $("#ops").addEventListener("click", async (e) => {
    const c = e.target.closest("[data-cancel-op]");
    if (!c) return;
    try { await api("DELETE", `/api/v1/operations/${c.dataset.cancelOp}`); } catch (err) { toast(err.message); }
    refreshOps().catch(() => {});
  });
  $("#show-queries").onchange = renderOps;
  $("#ipo-load").onclick = () => refreshIpos();
  $("#ipo-all").onclick = () => subscribeAllIpos();
  $("#pause-toggle").onclick = togglePause;
  $("#key-form").onsubmit = onKeySubmit; // also answers later 401s: a changed key re-prompts in place
  $("#refresh").onclick = () => refreshAll(true);
  $("#logout").onclick = () => { sessionStorage.removeItem(KEY_STORE); state.key = null; location.reload(); };
  $("#color-toggle").onclick = () => {
    const now = localStorage.getItem(COLOR_STORE) || state.config.gain_color;
    localStorage.setItem(COLOR_STORE, now === "green" ? "red" : "green");
    applyColors();
  };
  for (const b of document.querySelectorAll("[data-advance-min]")) b.onclick = () => advanceMinutes(Number(b.dataset.advanceMin));
  $("[data-advance-close]").onclick = () => {
    const day = state.simClock.slice(0, 10);
    simAction("推进时钟", () => api("POST", "/api/v1/sim/clock/advance", { to: shanghaiIso(day, "15:00:00") }));
  };
  $("#next-day").onclick = () => simAction("推进时钟", () => api("POST", "/api/v1/sim/clock/advance", { days: 1 }));
  $("#jump").onsubmit = (e) => {
    e.preventDefault();
    const day = $("#jump-date").value;
    simAction("跳转日期", () => api("POST", "/api/v1/sim/clock/advance", { to: shanghaiIso(day, "09:30:00") }));
  };
  $("#quote-form").onsubmit = (e) => {
    e.preventDefault();
    const code = $("#q-code").value.trim();
    const body = { price: Number($("#q-price").value) };
    if ($("#q-prev").value) body.prev_close = Number($("#q-prev").value);
    if ($("#q-name").value.trim()) body.name = $("#q-name").value.trim();
    simAction("设置行情", () => api("PUT", `/api/v1/sim/quotes/${encodeURIComponent(code)}`, body));
  };
  $("#quotes").addEventListener("click", (e) => {
    const row = e.target.closest("[data-quote]");
    if (!row) return;
    const q = state.quotes.find((x) => x.stock_code === row.dataset.quote);
    $("#q-code").value = q.stock_code; $("#q-name").value = q.name || "";
    $("#q-price").value = q.price; $("#q-prev").value = q.prev_close ?? "";
    $("#t-code").value = q.stock_code;
    if (!$("#t-price").value) $("#t-price").value = q.price;
    updateHint();
  });
  $("#reset-form").onsubmit = async (e) => {
    e.preventDefault();
    const cash = $("#reset-cash").value.trim();
    const ok = await confirmDialog("重置模拟账户？", `<p>持仓、委托与成交将被清空，资金恢复为 ${cash ? `${esc(money(cash))} 元` : "配置的初始资金"}。</p>`);
    if (!ok) return;
    localStorage.removeItem(equityStore());
    await simAction("重置账户", () => api("POST", "/api/v1/sim/reset", cash ? { cash: Number(cash) } : {}));
    drawEquity();
  };
}

async function main() {
  try {
    const res = await fetch("/web/config.json");
    if (res.ok) state.config = { ...state.config, ...(await res.json()) };
  } catch { /* defaults */ }
  applyColors();
  wire();
  setTicketKind("buy");
  if (state.config.auth_required) {
    $("#logout").classList.remove("hidden");
    if (!state.key || !(await checkKey(state.key))) {
      sessionStorage.removeItem(KEY_STORE);
      state.key = null;
      await waitForKey();
    }
  }
  await refreshAll();
  document.body.dataset.ready = "1"; // for tests and for people: the first load is done
  eventLoop();
  setInterval(pollTick, 2000);
  setInterval(refreshHealth, 10000);
  setInterval(refreshTrading, 10000);
  // Account reads are timed by scheduleAccount (after each read), only while the page is visible.
  document.addEventListener("visibilitychange", () => { if (document.visibilityState === "visible") refreshAll(); });
}

main();
