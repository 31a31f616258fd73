// Wiring of the page: state, URL sync, the package's DcsClient against the edge proxy,
// filters, pagination, "load all", auto-refresh, the paste panel, exports, language.
// Requests, signing, parsing and normalizing are the package's job (/pkg/slim.js).
import { t, setLang, lang, initialLang, applyStatic, typeLabel, statusLabel } from "./i18n.js";
import {
  h, useKnownStatuses, renderRows, headerRow, detailsBlock, renderProgress, renderProgressError, searchText, warningsTable,
} from "./render.js";
import { toCsv, toJson, download, baseName } from "./export.js";
import { renderTimeline } from "./timeline.js";

const $ = (id) => document.getElementById(id);
const REFRESH_MS = 5000;
const PAGE_SIZES = [10, 20, 50, 100];
const DEFAULT_LIMIT = 20;
const ALL_PAGE_SIZE = 100;
const RANGES = { "1h": 3_600_000, "24h": 86_400_000, "7d": 7 * 86_400_000, "30d": 30 * 86_400_000 };
let pkg = null; // the dcs-tasks module, once loaded
/** The statuses and names the package knows (none until it has loaded). */
const known = () => (pkg ? pkg.knownValues() : { taskStatuses: [], taskNames: [], stepStatuses: [] });

const state = {
  config: null,
  client: null,
  instance: "",
  range: "all",
  from: "", // ISO-8601 UTC (custom range)
  to: "",
  status: "",
  type: "",
  q: "",
  offset: 0,
  limit: DEFAULT_LIMIT,
  mode: "page", // "page" | "all"
  loaded: false,
  tasks: [],
  total: 0,
  partial: false,
  expanded: new Set(),
  progress: new Map(), // task id -> TaskProgress
  autoRefresh: true,
  refreshTimer: null,
  inflight: null, // AbortController of the current list request
  allAbort: null, // AbortController of "load all"
  seq: 0,
  startSeq: 0,
  lastUpdated: null,
  langChosen: false,
};

// ---------------------------------------------------------------------------------------------
// URL <-> state

function readUrl() {
  const p = new URLSearchParams(location.search);
  state.instance = (p.get("instance") || "").trim();
  state.range = RANGES[p.get("range")] || p.get("range") === "custom" ? p.get("range") : "all";
  state.from = p.get("from") || "";
  state.to = p.get("to") || "";
  state.status = p.get("status") || "";
  state.type = p.get("type") || "";
  state.q = p.get("q") || "";
  const off = Number(p.get("offset"));
  state.offset = Number.isInteger(off) && off >= 0 ? off : 0;
  const lim = Number(p.get("limit"));
  state.limit = PAGE_SIZES.includes(lim) ? lim : DEFAULT_LIMIT;
  state.langChosen = p.has("lang");
  return p.get("lang");
}

function writeUrl() {
  const p = new URLSearchParams();
  if (state.instance) p.set("instance", state.instance);
  if (state.range !== "all") p.set("range", state.range);
  if (state.range === "custom") {
    if (state.from) p.set("from", state.from);
    if (state.to) p.set("to", state.to);
  }
  if (state.status) p.set("status", state.status);
  if (state.type) p.set("type", state.type);
  if (state.q) p.set("q", state.q);
  if (state.offset) p.set("offset", String(state.offset));
  if (state.limit !== DEFAULT_LIMIT) p.set("limit", String(state.limit));
  if (state.langChosen) p.set("lang", lang());
  const qs = p.toString();
  const url = `${location.pathname}${qs ? `?${qs}` : ""}${location.hash}`;
  if (url !== `${location.pathname}${location.search}${location.hash}`) history.replaceState(null, "", url);
}

// datetime-local values are local time; the URL keeps UTC ISO strings.
function isoToLocalInput(iso) {
  const d = new Date(iso);
  if (!iso || Number.isNaN(d.getTime())) return "";
  const pad = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}
function localInputToIso(v) {
  if (!v) return "";
  const d = new Date(v); // "YYYY-MM-DDTHH:mm[:ss]" without a zone is local time
  return Number.isNaN(d.getTime()) ? "" : d.toISOString();
}

/** startTime/endTime for the package (which validates them: start after end is its error). */
function timeQuery() {
  if (RANGES[state.range]) return { startTime: new Date(Date.now() - RANGES[state.range]) };
  if (state.range === "custom") {
    const q = {};
    if (state.from) q.startTime = state.from;
    if (state.to) q.endTime = state.to;
    return q;
  }
  return {};
}

// ---------------------------------------------------------------------------------------------
// Form

function fillSelect(select, values, labelOf, current) {
  const sig = `${lang()}|${values.join(",")}`;
  if (select.dataset.sig === sig) {
    select.value = values.includes(current) ? current : "";
    return;
  }
  select.dataset.sig = sig;
  const opts = [h("option", { value: "" }, t("form.any"))];
  for (const v of values) opts.push(h("option", { value: v }, labelOf(v)));
  select.replaceChildren(...opts);
  select.value = values.includes(current) ? current : "";
}

function fillFilterOptions() {
  const { taskStatuses, taskNames } = known();
  const seenStatus = new Set(taskStatuses);
  const seenTypes = new Set(taskNames);
  for (const x of state.tasks) {
    if (x.status) seenStatus.add(x.status);
    if (x.name) seenTypes.add(x.name);
  }
  if (state.status) seenStatus.add(state.status);
  if (state.type) seenTypes.add(state.type);
  fillSelect($("status"), [...seenStatus], (s) => statusLabel(s), state.status);
  fillSelect($("type"), [...seenTypes], (n) => typeLabel(n) || n, state.type);
}

function stateToForm() {
  $("instance").value = state.instance;
  $("range").value = state.range;
  $("from").value = isoToLocalInput(state.from);
  $("to").value = isoToLocalInput(state.to);
  $("custom-from").hidden = $("custom-to").hidden = state.range !== "custom";
  $("search").value = state.q;
  $("page-size").value = String(state.limit);
  $("lang").value = lang();
  fillFilterOptions();
}

// ---------------------------------------------------------------------------------------------
// Errors

function showError(err, context) {
  const fields = $("error-fields");
  const rows = [];
  const add = (key, value, extra) => {
    if (value === undefined || value === null || value === "") return;
    rows.push(h("dt", {}, t(key)), h("dd", {}, h("code", { dataset: { field: key } }, String(value)), extra));
  };
  add("error.code", err.code || err.name);
  add("error.status", err.status);
  add("error.errorCode", err.errorCode);
  add("error.requestId", err.requestId, err.requestId
    ? h("button", { type: "button", class: "ghost small", dataset: { action: "copy-request-id" } }, t("error.copyRequestId")) : null);
  add("error.field", err.field);
  add("error.path", err.path);
  fields.replaceChildren(...rows);
  fields.dataset.requestId = err.requestId || "";
  $("error-title").textContent = context || t("error.title");
  $("error-message").textContent = err.errorMsg || err.message || String(err);
  const banner = $("error-banner");
  banner.hidden = false;
  banner.dataset.code = err.code || "";
  if (err?.status === 401) askForToken(err);
}

// ---------------------------------------------------------------------------------------------
// The proxy's token: typed by the user, sent as Authorization: Bearer, never in the URL; kept
// in memory, and in sessionStorage (this tab only) when "remember for this tab" is ticked.

const TOKEN_KEY = "dcs-tasks.proxyToken";
let proxyToken = "";

function storedToken() {
  try { return sessionStorage.getItem(TOKEN_KEY) || ""; } catch { return ""; }
}

function storeToken(remember) {
  try {
    if (remember && proxyToken) sessionStorage.setItem(TOKEN_KEY, proxyToken);
    else sessionStorage.removeItem(TOKEN_KEY);
  } catch { /* storage disabled: memory only */ }
}

const authHeaders = () => (proxyToken ? { Authorization: `Bearer ${proxyToken}` } : {});

function renderTokenState() {
  $("token-state").textContent = t(!proxyToken ? "token.none" : storedToken() ? "token.remembered" : "token.inUse");
  $("token-forget").disabled = !proxyToken;
}

let tokenRefusal = null; // the last 401, shown in the panel until a token is tried

function renderTokenReason() {
  const r = tokenRefusal;
  // The proxy's own codes have a translated reason; anything else shows what it said.
  const reason = r && (r.code === "TOKEN_REQUIRED" || r.code === "UNAUTHORIZED") ? t(`token.reason.${r.code}`) : r?.reason;
  $("token-reason").textContent = r ? t(r.withToken ? "token.rejected" : "token.required", { reason }) : "";
  $("token-reason").dataset.code = r ? r.code : "";
}

function askForToken(err) {
  tokenRefusal = {
    reason: err.errorMsg || err.message || String(err),
    code: err.errorCode || err.code || "",
    withToken: Boolean(proxyToken),
  };
  $("token-panel").open = true;
  renderTokenReason();
  renderTokenState();
  $("token-input").focus();
}

function bindToken() {
  $("token-form").addEventListener("submit", (e) => {
    e.preventDefault();
    proxyToken = $("token-input").value.trim();
    $("token-input").value = "";
    storeToken($("token-remember").checked);
    tokenRefusal = null;
    renderTokenReason();
    renderTokenState();
    start();
  });
  $("token-remember").addEventListener("change", () => { storeToken($("token-remember").checked); renderTokenState(); });
  $("token-forget").addEventListener("click", () => {
    proxyToken = "";
    storeToken(false);
    $("token-remember").checked = false;
    renderTokenState();
    start();
  });
}

function clearError() {
  $("error-banner").hidden = true;
}

// ---------------------------------------------------------------------------------------------
// Loading

function visibleTasks(tasks = state.tasks) {
  const q = state.q.trim().toLowerCase();
  return tasks.filter((x) => (!state.status || x.status === state.status)
    && (!state.type || x.name === state.type)
    && (!q || searchText(x).includes(q)));
}

async function loadPage({ silent = false } = {}) {
  if (!state.client || !state.instance) return;
  cancelLoadAll();
  state.inflight?.abort();
  const ac = new AbortController();
  state.inflight = ac;
  const seq = ++state.seq;
  stopRefreshTimer();
  if (!silent) setBusy(true);
  try {
    const list = await state.client.listTasks(state.instance,
      { offset: state.offset, limit: state.limit, ...timeQuery() }, { signal: ac.signal });
    if (seq !== state.seq) return;
    state.mode = "page";
    state.partial = false;
    state.tasks = list.tasks;
    state.total = list.taskCount;
    state.loaded = true;
    state.lastUpdated = new Date();
    clearError();
    render();
    refreshExpandedProgress(silent);
  } catch (err) {
    if (seq !== state.seq || err?.code === "ABORTED") return;
    showError(err);
    if (!silent) {
      state.inflight = null;
      state.tasks = [];
      state.total = 0;
      state.loaded = false;
      render();
    }
  } finally {
    if (seq === state.seq) {
      state.inflight = null;
      setBusy(false);
      scheduleRefresh();
    }
  }
}

async function loadAll() {
  if (!state.client || !state.instance) return;
  state.inflight?.abort();
  cancelLoadAll();
  stopRefreshTimer();
  const seq = ++state.seq;
  const ac = new AbortController();
  state.allAbort = ac;
  const box = $("load-all-box");
  const bar = $("load-all-progress");
  box.hidden = false;
  bar.removeAttribute("value"); // indeterminate until the first page tells the total
  $("load-all-text").textContent = t("all.progress", { fetched: 0, total: "…" });
  $("load-all").disabled = true;
  let total = 0;
  const got = [];
  const onPage = ({ fetched, total: n }) => {
    total = n;
    bar.max = Math.max(1, n);
    bar.value = Math.min(fetched, n);
    $("load-all-text").textContent = t("all.progress", { fetched, total: n });
  };
  try {
    for await (const task of state.client.listAllTasks(state.instance, { ...timeQuery(), pageSize: ALL_PAGE_SIZE },
      { signal: ac.signal, onPage })) {
      got.push(task);
    }
    if (seq !== state.seq) return;
    state.partial = false;
    state.total = got.length;
    clearError();
  } catch (err) {
    if (seq !== state.seq) return;
    if (err?.code === "ABORTED") {
      state.partial = true;
      state.total = Math.max(total, got.length);
      announce(t("all.cancelled"));
    } else {
      showError(err);
      state.partial = got.length > 0;
      state.total = Math.max(total, got.length);
    }
  }
  if (seq !== state.seq) return;
  state.allAbort = null;
  box.hidden = true;
  $("load-all").disabled = false;
  state.mode = "all";
  state.tasks = got;
  state.loaded = true;
  state.lastUpdated = new Date();
  render();
  refreshExpandedProgress(true);
  scheduleRefresh();
}

function cancelLoadAll() {
  if (state.allAbort) {
    state.allAbort.abort();
    state.allAbort = null;
  }
  $("load-all-box").hidden = true;
  $("load-all").disabled = false;
}

/** Auto-refresh of the "all" view: the first page again, merged into what is shown. */
async function refreshAllView() {
  const seq = state.seq;
  try {
    const list = await state.client.listTasks(state.instance, { offset: 0, limit: ALL_PAGE_SIZE, ...timeQuery() });
    if (seq !== state.seq || state.mode !== "all") return;
    const byId = new Map(list.tasks.map((x) => [x.id, x]));
    const known = new Set(state.tasks.map((x) => x.id));
    const fresh = list.tasks.filter((x) => !known.has(x.id));
    state.tasks = [...fresh, ...state.tasks.map((x) => byId.get(x.id) || x)];
    state.total = Math.max(state.total + fresh.length, list.taskCount);
    state.lastUpdated = new Date();
    clearError();
    render();
    refreshExpandedProgress(true);
  } catch (err) {
    if (seq === state.seq) showError(err);
  } finally {
    if (seq === state.seq) scheduleRefresh();
  }
}

function setBusy(busy) {
  document.body.classList.toggle("busy", busy);
  $("tasks-section").setAttribute("aria-busy", String(busy));
  if (busy && !state.loaded) $("empty").textContent = t("state.loading");
}

// ---------------------------------------------------------------------------------------------
// Auto-refresh

function executingCount() {
  return visibleTasks().filter((x) => x.status === "EXECUTING").length;
}

function stopRefreshTimer() {
  clearTimeout(state.refreshTimer);
  state.refreshTimer = null;
}

/**
 * Live refresh while tasks run: the progress of each running task shown (or expanded) is
 * followed with watchTaskProgress (syncWatches); the list is asked again when one of them
 * ends, and every REFRESH_MS only while a running task cannot be watched (no progress).
 */
function scheduleRefresh() {
  stopRefreshTimer();
  syncWatches();
  updateRefreshIndicator();
  if (!state.autoRefresh || !state.loaded || state.allAbort) return;
  const shown = visibleTasks();
  const watchable = shown.filter((x) => isRunning(x) && x.enableShow && !unwatched.has(x.id));
  const unwatchable = shown.some((x) => isRunning(x) && (!x.enableShow || unwatched.has(x.id)))
    || watchable.length > MAX_WATCHES;
  if (!unwatchable) return;
  state.refreshTimer = setTimeout(() => {
    state.refreshTimer = null;
    if (document.hidden) return scheduleRefresh();
    if (state.mode === "all") refreshAllView();
    else loadPage({ silent: true });
  }, REFRESH_MS);
}

function updateRefreshIndicator() {
  const ind = $("refresh-indicator");
  const n = state.loaded ? executingCount() : 0;
  let st = "idle";
  if (!state.autoRefresh) st = "off";
  else if (n > 0) st = "active";
  ind.dataset.state = st;
  $("refresh-text").textContent = st === "active" ? t("refresh.active", { n, s: REFRESH_MS / 1000 })
    : st === "off" ? t("refresh.off") : t("refresh.idle");
  $("updated").textContent = state.lastUpdated
    ? t("refresh.updated", { time: state.lastUpdated.toLocaleTimeString(lang() === "zh" ? "zh-CN" : "en", { hour12: false }) }) : "";
}

// ---------------------------------------------------------------------------------------------
// Rendering

function render() {
  const focusKey = document.activeElement?.dataset?.focusKey;
  const shown = visibleTasks();
  $("tasks").querySelector("thead").replaceChildren(headerRow());
  renderRows($("tasks").querySelector("tbody"), shown, { scope: "t", expanded: state.expanded, withProgress: true });
  for (const row of $("tasks").querySelectorAll("tr.details-row:not([hidden])")) fillProgressSlot(row);
  drawTimeline(shown);
  syncWatches();
  for (const [id, p] of state.progress) if (watches.has(id)) showRunningProgress(id, p);
  fillFilterOptions();
  renderCount(shown.length);
  renderPager();
  $("empty").textContent = !state.instance ? t("state.empty")
    : !state.loaded ? (state.inflight ? t("state.loading") : "")
      : shown.length === 0 ? t("state.none") : "";
  $("tasks").hidden = shown.length === 0;
  $("export-csv").disabled = $("export-json").disabled = shown.length === 0;
  updateRefreshIndicator();
  if (focusKey) document.querySelector(`[data-focus-key="${CSS.escape(focusKey)}"]`)?.focus();
}

// ---------------------------------------------------------------------------------------------
// Timeline

/** The time-range filter's bounds (epoch ms) for the timeline's axis. */
function timelineRange(now) {
  if (RANGES[state.range]) return { from: now - RANGES[state.range], to: now };
  if (state.range === "custom") {
    return { from: state.from ? Date.parse(state.from) : undefined, to: state.to ? Date.parse(state.to) : undefined };
  }
  return {};
}

/** Redraws the timeline (on each render, watch update and resize), keeping a focused bar focused. */
function drawTimeline(shown = visibleTasks()) {
  const now = Date.now();
  const focused = $("timeline").contains(document.activeElement) ? document.activeElement.closest(".bar")?.dataset.taskId : undefined;
  renderTimeline($("timeline"), state.loaded ? shown : [], { ...timelineRange(now), now, onActivate: openRow });
  if (focused) $("timeline").querySelector(`.bar[data-task-id="${CSS.escape(focused)}"]`)?.focus({ preventScroll: true });
}

/** A timeline bar was activated: expand that task's row and bring it into view. */
function openRow(id) {
  const button = $("tasks").querySelector(`tbody button.expand[data-id="${CSS.escape(id)}"]`);
  if (!button) return;
  if (button.getAttribute("aria-expanded") !== "true") toggleRow(button, state.tasks, { withProgress: true });
  button.closest("tr").scrollIntoView({ block: "nearest" });
  button.focus({ preventScroll: true });
}

function renderCount(shownCount) {
  const el = $("count");
  if (!state.loaded) { el.textContent = ""; return; }
  let text;
  if (state.mode === "all") {
    text = state.partial ? t("count.partial", { n: state.tasks.length, total: state.total }) : t("count.all", { total: state.tasks.length });
  } else if (state.tasks.length === 0) {
    text = t("count.page", { from: 0, to: 0, total: state.total });
  } else {
    text = t("count.page", { from: state.offset + 1, to: state.offset + state.tasks.length, total: state.total });
  }
  const filtered = state.status || state.type || state.q.trim();
  el.textContent = filtered ? `${text} · ${t("count.filtered", { shown: shownCount })}` : text;
  el.dataset.shown = String(shownCount);
  el.dataset.total = String(state.total);
}

function renderPager() {
  const paged = state.mode === "page";
  $("pager").hidden = !paged || !state.loaded;
  $("back-to-pages").hidden = paged;
  $("load-all").hidden = !state.loaded && !state.instance;
  const pages = Math.max(1, Math.ceil(state.total / state.limit));
  const page = Math.floor(state.offset / state.limit) + 1;
  $("page-info").textContent = t("page.of", { page, pages });
  $("prev").disabled = state.offset === 0;
  $("next").disabled = state.offset + state.limit >= state.total;
}

// ---------------------------------------------------------------------------------------------
// Row actions: expand (details and progress), copy

function findTask(list, id) {
  return list.find((x) => x.id === id);
}

// The progress of expanded running tasks is watched (watchTaskProgress): each change is shown
// as it comes; when the task is done, the list is asked again for its final status.
const watches = new Map(); // task id -> AbortController
// Running tasks whose watch ended (progress 100, a FAILED step, an error) while the list still
// shows them running: not watched again; the list is polled for them instead.
const unwatched = new Set();

function progressSlotOf(id) {
  return $("tasks").querySelector(`tr.details-row[data-id="${CSS.escape(id)}"]:not([hidden]) .progress-slot`);
}

function watchProgress(id) {
  if (watches.has(id) || !state.client) return;
  const ac = new AbortController();
  watches.set(id, ac);
  const { client, instance } = state;
  (async () => {
    try {
      for await (const p of client.watchTaskProgress(instance, id, { intervalMs: REFRESH_MS, signal: ac.signal })) {
        if (instance !== state.instance) return;
        state.progress.set(id, p);
        const slot = progressSlotOf(id);
        if (slot) renderProgress(slot, p);
        showRunningProgress(id, p);
        drawTimeline();
      }
      if (!ac.signal.aborted && instance === state.instance) {
        unwatched.add(id);
        reloadQuietly();
      }
    } catch (err) {
      if (err?.code === "ABORTED" || ac.signal.aborted) return;
      unwatched.add(id);
      const slot = progressSlotOf(id);
      if (slot && !state.progress.has(id)) renderProgressError(slot, err);
    } finally {
      if (watches.get(id) === ac) watches.delete(id);
      if (unwatched.has(id)) scheduleRefresh();
    }
  })();
}

/** Stops the watches whose task `keep` does not keep (all without `keep`). */
function stopWatches(keep = () => false) {
  for (const [id, ac] of watches) {
    if (keep(id)) continue;
    ac.abort();
    watches.delete(id);
  }
}

/** Most tasks watched at once (a page of running tasks; the rest wait for the next list). */
const MAX_WATCHES = 20;

/** The running tasks to follow: those shown while auto-refresh is on, and the expanded ones. */
function syncWatches() {
  if (!state.loaded || !state.client) return stopWatches();
  for (const id of unwatched) if (!isRunning(findTask(state.tasks, id))) unwatched.delete(id);
  const want = new Set();
  for (const x of visibleTasks()) {
    if (want.size >= MAX_WATCHES) break;
    if (isRunning(x) && x.enableShow && !unwatched.has(x.id) && (state.autoRefresh || state.expanded.has(x.id))) want.add(x.id);
  }
  stopWatches((id) => want.has(id));
  for (const id of want) watchProgress(id);
}

/** The progress of a running task in its row's end cell ("running · 45 %"). */
function showRunningProgress(id, p) {
  const cell = $("tasks").querySelector(`tr.task[data-id="${CSS.escape(id)}"] .col-end .running`);
  if (cell && Number.isFinite(p.progress)) cell.textContent = t("row.runningAt", { p: p.progress });
}

function reloadQuietly() {
  if (state.allAbort || state.inflight) return;
  if (state.mode === "all") refreshAllView();
  else loadPage({ silent: true });
}

const isRunning = (task) => task?.status === "EXECUTING" || task?.status === "CREATED";

async function fillProgressSlot(detailRow, { refetch = false } = {}) {
  const slot = detailRow.querySelector(".progress-slot");
  const id = detailRow.dataset.id;
  if (!slot || !state.client) return;
  const cached = state.progress.get(id);
  if (cached) renderProgress(slot, cached);
  if (isRunning(findTask(state.tasks, id))) {
    syncWatches();
    if (watches.has(id)) return;
  }
  if (cached && !refetch) return;
  try {
    const p = await state.client.showTaskProgress(state.instance, id);
    state.progress.set(id, p);
    const live = document.getElementById(detailRow.id);
    const liveSlot = live?.querySelector(".progress-slot");
    if (liveSlot) renderProgress(liveSlot, p);
  } catch (err) {
    const live = document.getElementById(detailRow.id)?.querySelector(".progress-slot");
    if (live && !cached) renderProgressError(live, err);
  }
}

function refreshExpandedProgress(onlyRunning) {
  for (const row of $("tasks").querySelectorAll("tr.details-row:not([hidden])")) {
    const task = findTask(state.tasks, row.dataset.id);
    if (!task?.enableShow) continue;
    const cached = state.progress.get(task.id);
    // a task that just finished still shows its last running progress: fetch it once more
    // (a running one is watched)
    if (!onlyRunning || isRunning(task) || !cached || (cached.progress ?? 0) < 100) {
      fillProgressSlot(row, { refetch: true });
    }
  }
}

function toggleRow(button, list, { withProgress }) {
  const id = button.dataset.id;
  const task = findTask(list, id);
  const detailRow = document.getElementById(button.getAttribute("aria-controls"));
  if (!task || !detailRow) return;
  const open = button.getAttribute("aria-expanded") !== "true";
  const label = `${typeLabel(task.name) || task.name} ${id}`;
  button.setAttribute("aria-expanded", String(open));
  button.setAttribute("aria-label", t(open ? "row.collapse" : "row.expand", { id: label }));
  detailRow.hidden = !open;
  if (withProgress) {
    if (open) state.expanded.add(id);
    else {
      state.expanded.delete(id);
      syncWatches();
    }
  }
  if (open) {
    detailRow.firstElementChild.replaceChildren(detailsBlock(task, { withProgress }));
    if (withProgress && task.enableShow) fillProgressSlot(detailRow);
  }
}

async function copyText(text) {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // fall through to the textarea fallback
  }
  const ta = h("textarea", { readonly: true, class: "sr-only", "aria-hidden": "true" });
  ta.value = text;
  document.body.append(ta);
  ta.select();
  let ok = false;
  try {
    ok = document.execCommand("copy");
  } catch {
    ok = false;
  }
  ta.remove();
  return ok;
}

async function copyTaskId(button) {
  const id = button.dataset.id;
  const ok = await copyText(id);
  announce(ok ? t("row.copied", { id }) : t("row.copyFailed"));
  button.classList.toggle("copied", ok);
  button.dataset.copied = ok ? "true" : "false";
}

function announce(msg) {
  const live = $("live");
  live.textContent = "";
  setTimeout(() => { live.textContent = msg; }, 30);
}

function onTableClick(e, getList, opts) {
  const button = e.target.closest("button[data-action]");
  if (!button) return;
  if (button.dataset.action === "toggle") toggleRow(button, getList(), opts);
  else if (button.dataset.action === "copy") copyTaskId(button);
}

// ---------------------------------------------------------------------------------------------
// Paste panel

let pasted = null;

function parsePasted() {
  const out = $("paste-output");
  const text = $("paste-input").value;
  pasted = null;
  if (!text.trim()) { out.replaceChildren(); return; }
  if (!pkg) return;
  const strict = $("paste-strict").checked;
  let list;
  try {
    list = pkg.parseListTasksResponse(text, { strict });
  } catch (err) {
    out.replaceChildren(h("div", { class: "paste-error", role: "alert", dataset: { code: err.code || "" } },
      h("strong", {}, `${t("paste.error")}: `), h("code", {}, err.code || err.name), " ",
      err.path ? h("code", { class: "err-path" }, err.path) : null, " ", err.message));
    return;
  }
  pasted = list;
  const table = h("table", { class: "tasks", id: "paste-tasks" }, h("thead", {}, headerRow()), h("tbody"));
  renderRows(table.tBodies[0], list.tasks, { scope: "p", expanded: new Set(), withProgress: false });
  table.addEventListener("click", (e) => onTableClick(e, () => pasted?.tasks || [], { withProgress: false }));
  out.replaceChildren(
    h("h3", {}, t("paste.warnings", { n: list.warnings.length })),
    list.warnings.length ? warningsTable(list.warnings) : h("p", { class: "muted" }, t("paste.noWarnings")),
    h("h3", {}, t("paste.result", { n: list.tasks.length, count: list.taskCount })),
    h("div", { class: "table-wrap" }, table),
    h("h3", {}, t("paste.json")),
    h("pre", { class: "paste-json" }, JSON.stringify(list, null, 2)));
}

async function fillSeed() {
  try {
    const r = await fetch(new URL("seed-example.json", document.baseURI));
    if (!r.ok) throw new Error(`HTTP ${r.status}`);
    $("paste-input").value = await r.text();
    parsePasted();
  } catch (err) {
    $("paste-output").replaceChildren(h("div", { class: "paste-error", role: "alert" }, String(err.message || err)));
  }
}

// ---------------------------------------------------------------------------------------------
// Events

function debounce(fn, ms) {
  let timer;
  return (...a) => { clearTimeout(timer); timer = setTimeout(() => fn(...a), ms); };
}

function resetView() {
  state.offset = 0;
  state.expanded.clear();
  state.progress.clear();
  stopWatches();
  unwatched.clear();
}

function bind() {
  $("query").addEventListener("submit", (e) => {
    e.preventDefault();
    const id = $("instance").value.trim();
    if (id !== state.instance) {
      resetView();
      state.loaded = false;
      state.tasks = [];
    }
    state.instance = id;
    writeUrl();
    if (id) loadPage(); else { clearError(); render(); }
  });
  $("range").addEventListener("change", () => {
    state.range = $("range").value;
    $("custom-from").hidden = $("custom-to").hidden = state.range !== "custom";
    if (state.range !== "custom") { state.from = ""; state.to = ""; }
    state.offset = 0;
    writeUrl();
    if (state.range !== "custom" || state.from || state.to) reload();
  });
  for (const id of ["from", "to"]) {
    $(id).addEventListener("change", () => {
      state[id] = localInputToIso($(id).value);
      state.offset = 0;
      writeUrl();
      reload();
    });
  }
  $("status").addEventListener("change", () => { state.status = $("status").value; writeUrl(); render(); scheduleRefresh(); });
  $("type").addEventListener("change", () => { state.type = $("type").value; writeUrl(); render(); scheduleRefresh(); });
  // The query takes effect when typing pauses: state, URL, table and timeline together (a
  // watch redrawing the timeline in between must not show a filter the table does not).
  const onSearch = debounce(() => { state.q = $("search").value; writeUrl(); render(); scheduleRefresh(); }, 150);
  $("search").addEventListener("input", onSearch);
  $("page-size").addEventListener("change", () => {
    state.limit = Number($("page-size").value);
    state.offset = 0;
    writeUrl();
    loadPage();
  });
  $("prev").addEventListener("click", () => {
    state.offset = Math.max(0, state.offset - state.limit);
    writeUrl();
    loadPage();
  });
  $("next").addEventListener("click", () => {
    state.offset += state.limit;
    writeUrl();
    loadPage();
  });
  $("load-all").addEventListener("click", () => loadAll());
  $("load-all-cancel").addEventListener("click", () => state.allAbort?.abort());
  $("back-to-pages").addEventListener("click", () => { state.offset = 0; writeUrl(); loadPage(); });
  $("auto-refresh").addEventListener("change", () => {
    state.autoRefresh = $("auto-refresh").checked;
    scheduleRefresh();
  });
  $("refresh-now").addEventListener("click", () => reload());
  $("tasks").addEventListener("click", (e) => onTableClick(e, () => state.tasks, { withProgress: true }));
  // The timeline is drawn at its box's pixel width: again when that changes (rotation, resize).
  let timelineWidth = 0;
  new ResizeObserver(() => {
    const w = $("tasks-section").clientWidth;
    if (w === timelineWidth) return;
    timelineWidth = w;
    if (state.loaded) drawTimeline();
  }).observe($("tasks-section"));
  $("error-dismiss").addEventListener("click", () => { clearError(); $("instance").focus(); });
  $("error-fields").addEventListener("click", async (e) => {
    const b = e.target.closest("button[data-action='copy-request-id']");
    if (!b) return;
    const id = $("error-fields").dataset.requestId;
    const ok = await copyText(id);
    announce(ok ? id : t("row.copyFailed"));
  });
  $("export-csv").addEventListener("click", () => {
    download(`${baseName(state.instance)}.csv`, toCsv(visibleTasks()), "text/csv;charset=utf-8");
  });
  $("export-json").addEventListener("click", () => {
    const meta = {
      instanceId: state.instance,
      query: { ...timeQuery(), offset: state.mode === "page" ? state.offset : undefined, limit: state.mode === "page" ? state.limit : undefined, all: state.mode === "all" },
      filters: { status: state.status || undefined, type: state.type || undefined, search: state.q || undefined },
      taskCount: state.total,
    };
    download(`${baseName(state.instance)}.json`, toJson(visibleTasks(), meta), "application/json");
  });
  $("lang").addEventListener("change", () => {
    setLang($("lang").value);
    state.langChosen = true;
    writeUrl();
    applyStatic();
    render();
    renderTokenReason();
    renderTokenState();
    if (pasted || $("paste-input").value.trim()) parsePasted();
  });
  $("paste-parse").addEventListener("click", parsePasted);
  $("paste-strict").addEventListener("change", parsePasted);
  $("paste-input").addEventListener("input", debounce(parsePasted, 300));
  $("paste-seed").addEventListener("click", fillSeed);
  $("paste-clear").addEventListener("click", () => { $("paste-input").value = ""; parsePasted(); $("paste-input").focus(); });
}

function reload() {
  if (state.mode === "all" && state.loaded) loadAll();
  else loadPage();
}

// ---------------------------------------------------------------------------------------------
// Start

async function loadConfig() {
  const r = await fetch("/api/config", { headers: { Accept: "application/json", ...authHeaders() } });
  const text = await r.text();
  let body = null;
  try { body = JSON.parse(text); } catch { /* reported below */ }
  if (!r.ok || !body || typeof body.projectId !== "string") {
    const e = new Error(body?.message || body?.error || `${r.status} ${r.statusText}`);
    e.code = body?.code || "CONFIG";
    e.status = r.status;
    if (body?.code) e.errorCode = body.code;
    e.requestId = r.headers.get("x-request-id");
    throw e;
  }
  return body;
}

async function main() {
  const langParam = readUrl();
  setLang(initialLang(langParam, navigator.languages?.length ? navigator.languages : [navigator.language]));
  applyStatic();
  bind();
  stateToForm();
  $("auto-refresh").checked = state.autoRefresh;
  render();
  $("empty").textContent = t("config.loading");
  bindToken();
  proxyToken = storedToken();
  $("token-remember").checked = Boolean(proxyToken);
  renderTokenState();
  try {
    // The package's smallest entry: the .wasm as its own file, compiled while it streams in.
    pkg = await import("/pkg/slim.js");
    await pkg.init();
    const k = pkg.knownValues();
    useKnownStatuses([...k.taskStatuses, ...k.stepStatuses]);
  } catch (err) {
    showError(err, "/pkg/slim.js");
    return;
  }
  await start();
}

/** Reads the proxy's configuration and opens the client (again, after a token change). */
async function start() {
  if (!pkg) return;
  const seq = ++state.startSeq;
  stopWatches();
  state.inflight?.abort();
  cancelLoadAll();
  let config;
  try {
    config = await loadConfig();
  } catch (err) {
    if (seq !== state.startSeq) return;
    showError(err, t("config.failed"));
    $("empty").textContent = "";
    return;
  }
  if (seq !== state.startSeq) return;
  state.config = config;
  try {
    // The proxy holds the credentials and signs: the page sends only the proxy's token, if any.
    state.client?.free();
    state.client = new pkg.DcsClient({ endpoint: location.origin, projectId: state.config.projectId, headers: authHeaders() });
  } catch (err) {
    state.client = null;
    showError(err);
    return;
  }
  clearError();
  if (tokenRefusal === null && proxyToken) $("token-panel").open = false;
  if (!state.instance && state.config.demoInstance) {
    state.instance = state.config.demoInstance;
    $("instance").value = state.instance;
    writeUrl();
  }
  document.body.dataset.ready = "true";
  if ($("paste-input").value.trim()) parsePasted();
  if (state.instance) await loadPage();
  else render();
}

main();
