// <dcs-task-list>: the task view of one DCS instance, for a console to drop in. Filters, a table
// with expandable rows and live progress, a timeline, paging and "Load all", CSV/JSON export, a
// live watch of executing tasks, English and Chinese. Every piece of state lives in the instance
// (two elements on one page share nothing). Requests, signing, parsing and normalizing are the
// package's (DcsClient); this file only calls it and draws.
import { knownValues, revealText } from "../dcs_tasks.js";
import { ready } from "../ready.js";
import { applyStatic, translator } from "./i18n.js";
import { h, useKnownStatuses, renderRows, headerRow, detailsBlock, renderProgress, renderProgressError, searchText } from "./render.js";
import { toCsv, toJson, download, baseName } from "./export.js";
import { renderTimeline } from "./timeline.js";
import { sheet } from "./style.js";
import { taskListTemplate } from "./task-list-template.js";
import { DCS_TASK_LIST_ATTRIBUTES } from "./observed.js";
import { coalesced, copyText, emit, HostElement, openClient, reflect, translatorFor, upgradeProperties } from "./shared.js";

const REFRESH_MS = 5000;
const PAGE_SIZES = [10, 20, 50, 100];
const DEFAULT_LIMIT = 20;
const ALL_PAGE_SIZE = 100;
/** Most tasks watched at once (a page of running tasks; the rest wait for the next list). */
const MAX_WATCHES = 20;
export const RANGES = { "1h": 3_600_000, "24h": 86_400_000, "7d": 7 * 86_400_000, "30d": 30 * 86_400_000 };
const PROPS = ["endpoint", "projectId", "instanceId", "pageSize", "autoRefresh", "client", "headers", "view", "taskList"];
const isRunning = (task) => task?.status === "EXECUTING" || task?.status === "CREATED";

/** A view ({ range, from, to, status, type, search, offset }) with every value checked. */
export function cleanView(v = {}) {
  const range = RANGES[v.range] || v.range === "custom" ? v.range : "all";
  const iso = (x) => (typeof x === "string" && !Number.isNaN(Date.parse(x)) ? x : "");
  const off = Number(v.offset);
  return {
    range,
    from: range === "custom" ? iso(v.from) : "",
    to: range === "custom" ? iso(v.to) : "",
    status: typeof v.status === "string" ? v.status : "",
    type: typeof v.type === "string" ? v.type : "",
    search: typeof v.search === "string" ? v.search : "",
    offset: Number.isInteger(off) && off >= 0 ? off : 0,
  };
}

// datetime-local values are local time; the view keeps UTC ISO strings.
function isoToLocalInput(iso) {
  const d = new Date(iso);
  if (!iso || Number.isNaN(d.getTime())) return "";
  const pad = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}
function localInputToIso(v) {
  const d = new Date(v); // "YYYY-MM-DDTHH:mm[:ss]" without a zone is local time
  return !v || Number.isNaN(d.getTime()) ? "" : d.toISOString();
}

function debounce(fn, ms) {
  let timer;
  return (...a) => { clearTimeout(timer); timer = setTimeout(() => fn(...a), ms); };
}

export class DcsTaskList extends HostElement {
  static observedAttributes = DCS_TASK_LIST_ATTRIBUTES;

  #given = null; // the client a console set (never freed here)
  #own = null; // the client made from endpoint/project-id (freed when replaced)
  #headers = {};
  #static = null; // a TaskList set as data: shown, never fetched
  #startSeq = 0;
  #tr = translator("en");
  #built = false;
  #resize = null;
  #watches = new Map(); // task id -> AbortController of its watchTaskProgress
  // Running tasks whose watch ended (progress 100, a FAILED step, an error) while the list still
  // shows them running: not watched again; the list is polled for them instead.
  #unwatched = new Set();
  #s = {
    view: cleanView(), mode: "page", loaded: false, tasks: [], total: 0, partial: false,
    expanded: new Set(), progress: new Map(), refreshTimer: null, inflight: null, allAbort: null,
    seq: 0, lastUpdated: null, current: undefined, selected: undefined, timelineWidth: 0,
  };

  constructor() {
    super();
    this.attachShadow({ mode: "open" });
  }

  // ---- attributes and properties ---------------------------------------------------------

  get endpoint() { return this.getAttribute("endpoint"); }
  set endpoint(v) { reflect(this, "endpoint", v); }
  get projectId() { return this.getAttribute("project-id"); }
  set projectId(v) { reflect(this, "project-id", v); }
  get instanceId() { return this.getAttribute("instance-id") ?? ""; }
  set instanceId(v) { reflect(this, "instance-id", v); }
  get pageSize() {
    const n = Number(this.getAttribute("page-size"));
    return Number.isInteger(n) && n >= 1 && n <= 1000 ? n : DEFAULT_LIMIT;
  }
  set pageSize(v) { reflect(this, "page-size", v === null || v === undefined ? null : String(v)); }
  get autoRefresh() { return this.hasAttribute("auto-refresh"); }
  set autoRefresh(v) { this.toggleAttribute("auto-refresh", Boolean(v)); }

  /** The DcsClient in use: the one set here, else the one made from `endpoint`; null before. */
  get client() { return this.#given ?? this.#own; }
  set client(c) {
    if (c !== null && c !== undefined && typeof c.listTasks !== "function") throw new TypeError("dcs-task-list: client must be a DcsClient");
    this.#given = c ?? null;
    this.#queueRestart();
  }

  /** Extra headers for the proxy (e.g. its `Authorization: Bearer` token); not reflected. */
  get headers() { return { ...this.#headers }; }
  set headers(v) {
    this.#headers = { ...(v ?? {}) };
    this.#queueRestart();
  }

  /** The filters, time range and page offset: { range, from, to, status, type, search, offset }. */
  get view() { return { ...this.#s.view }; }
  set view(v) {
    const before = this.#s.view;
    const next = cleanView(v);
    this.#s.view = next;
    if (!this.#built) return;
    this.#stateToForm();
    const refetch = next.range !== before.range || next.from !== before.from || next.to !== before.to || next.offset !== before.offset;
    if (refetch && this.#s.loaded) this.#reload();
    else this.#render();
  }

  /** A TaskList shown as it is (parsed elsewhere): no fetching, paging or progress. null: fetch again. */
  get taskList() { return this.#static; }
  set taskList(list) {
    if (list !== null && list !== undefined && !Array.isArray(list?.tasks)) throw new TypeError("dcs-task-list: taskList must be a TaskList");
    this.#static = list ?? null;
    this.#queueRestart();
  }

  /** The tasks loaded (every one, before the filters). */
  get tasks() { return [...this.#s.tasks]; }

  /** Asks the instance's tasks again (the page, or everything after "Load all"). */
  refresh() { this.#reload(); }


  attributeChangedCallback(name, old, value) {
    if (old === value || !this.#built) return;
    if (name === "lang") this.#applyLang();
    else if (name === "auto-refresh") {
      this.$("auto-refresh").checked = this.autoRefresh;
      this.#scheduleRefresh();
    } else if (name === "page-size") {
      this.#s.view.offset = 0;
      this.#stateToForm();
      if (this.#s.loaded || this.#s.inflight) this.#loadPage();
    } else if (name === "instance-id") {
      this.#resetView();
      this.#s.view.offset = 0;
      this.#s.loaded = false;
      this.#s.tasks = [];
      this.#s.total = 0;
      this.#clearError();
      if (this.client && this.instanceId) this.#loadPage();
      else this.#render();
    } else this.#queueRestart();
  }

  connectedCallback() {
    upgradeProperties(this, PROPS);
    if (!this.#built) this.#build();
    this.#applyLang();
    this.#resize.observe(this.$("tasks-section"));
    this.#queueRestart();
  }

  disconnectedCallback() {
    this.#startSeq++;
    this.#stopAll();
    this.#resize?.disconnect();
  }

  $(id) { return this.shadowRoot.getElementById(id); }

  // ---- building ---------------------------------------------------------------------------

  #build() {
    this.#built = true;
    this.shadowRoot.adoptedStyleSheets = [sheet()];
    this.shadowRoot.append(taskListTemplate().content.cloneNode(true));
    this.#bind();
    // The timeline is drawn at its box's pixel width: again when that changes (rotation, resize).
    this.#resize = new ResizeObserver(() => {
      const w = this.$("tasks-section").clientWidth;
      if (w === this.#s.timelineWidth) return;
      this.#s.timelineWidth = w;
      if (this.#s.loaded) this.#drawTimeline();
    });
  }

  #applyLang() {
    this.#tr = translatorFor(this);
    applyStatic(this.shadowRoot, this.#tr.t);
    this.#stateToForm();
    this.#render();
  }

  #fillSelect(select, values, labelOf, current) {
    const sig = `${this.#tr.lang}|${values.join(",")}`;
    if (select.dataset.sig !== sig) {
      select.dataset.sig = sig;
      select.replaceChildren(h("option", { value: "" }, this.#tr.t("form.any")), ...values.map((v) => h("option", { value: v }, labelOf(v))));
    }
    select.value = values.includes(current) ? current : "";
  }

  #fillFilterOptions() {
    const { view, tasks } = this.#s;
    const k = this.#known();
    const statuses = new Set(k.taskStatuses);
    const types = new Set(k.taskNames);
    for (const x of tasks) {
      if (x.status) statuses.add(x.status);
      if (x.name) types.add(x.name);
    }
    if (view.status) statuses.add(view.status);
    if (view.type) types.add(view.type);
    this.#fillSelect(this.$("status"), [...statuses], (s) => this.#tr.statusLabel(s), view.status);
    this.#fillSelect(this.$("type"), [...types], (n) => this.#tr.typeLabel(n) || n, view.type);
  }

  #known() {
    return this.#ready ? knownValues() : { taskStatuses: [], taskNames: [], stepStatuses: [] };
  }

  #ready = false;

  #stateToForm() {
    const { view } = this.#s;
    this.$("range").value = view.range;
    this.$("from").value = isoToLocalInput(view.from);
    this.$("to").value = isoToLocalInput(view.to);
    this.$("custom-from").hidden = this.$("custom-to").hidden = view.range !== "custom";
    this.$("search").value = view.search;
    const size = this.$("page-size");
    const n = this.pageSize;
    if (![...size.options].some((o) => Number(o.value) === n)) {
      size.replaceChildren(...[...new Set([...PAGE_SIZES, n])].sort((a, b) => a - b).map((v) => h("option", { value: String(v) }, String(v))));
    }
    size.value = String(n);
    this.$("auto-refresh").checked = this.autoRefresh;
    this.#fillFilterOptions();
  }

  #viewChanged() {
    emit(this, "dcs-view-change", { view: this.view, pageSize: this.pageSize });
  }

  // ---- starting -----------------------------------------------------------------------------

  /** Coalesces changes (endpoint, project, headers, client, data) into one (re)start. */
  #queueRestart() {
    if (this.#built) this.#restart();
  }

  #restart = coalesced(() => { if (this.isConnected) this.#start(); });

  async #start() {
    const seq = ++this.#startSeq;
    this.#stopAll();
    await ready;
    if (seq !== this.#startSeq) return;
    if (!this.#ready) {
      this.#ready = true;
      const k = knownValues();
      useKnownStatuses([...k.taskStatuses, ...k.stepStatuses], revealText);
    }
    if (this.#static) return this.#showStatic();
    let client = this.#given;
    if (!client) {
      try {
        client = await this.#makeClient(seq);
      } catch (err) {
        if (seq === this.#startSeq) this.#fail(err, this.#tr.t("config.failed"));
        return;
      }
      if (!client) return;
    }
    this.#clearError();
    if (this.instanceId) await this.#loadPage();
    else this.#render();
  }

  /** A DcsClient for `endpoint` (its project from `project-id`, else from the proxy's /api/config). */
  async #makeClient(seq) {
    this.#own?.free();
    this.#own = null;
    if (!this.endpoint) {
      this.#s.loaded = false;
      this.#render();
      this.$("empty").textContent = this.#tr.t("state.noEndpoint");
      return null;
    }
    if (!this.projectId) this.$("empty").textContent = this.#tr.t("config.loading");
    const opened = await openClient(this.endpoint, this.projectId, this.#headers);
    if (seq !== this.#startSeq) {
      opened?.client.free();
      return null;
    }
    this.#own = opened.client;
    if (opened.config) emit(this, "dcs-config", { config: opened.config, client: this.#own });
    return this.#own;
  }

  #showStatic() {
    const list = this.#static;
    this.#s.mode = "static";
    this.#s.tasks = list.tasks;
    this.#s.total = list.taskCount ?? list.tasks.length;
    this.#s.loaded = true;
    this.#s.partial = false;
    this.#clearError();
    this.#render();
  }

  #stopAll() {
    this.#stopWatches();
    this.#s.inflight?.abort();
    this.#s.inflight = null;
    this.#cancelLoadAll();
    this.#stopRefreshTimer();
  }

  // ---- errors -------------------------------------------------------------------------------

  /** Shows `err` in the banner and tells the page (`dcs-error`). */
  #fail(err, context) {
    this.#showError(err, context);
    emit(this, "dcs-error", { error: err });
  }

  #showError(err, context) {
    const { t } = this.#tr;
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
    const fields = this.$("error-fields");
    fields.replaceChildren(...rows);
    fields.dataset.requestId = err.requestId || "";
    this.$("error-title").textContent = context || t("error.title");
    this.$("error-message").textContent = err.errorMsg || err.message || String(err);
    const banner = this.$("error-banner");
    banner.hidden = false;
    banner.dataset.code = err.code || "";
  }

  #clearError() {
    this.$("error-banner").hidden = true;
  }

  // ---- loading ------------------------------------------------------------------------------

  /** startTime/endTime for the package (which validates them: start after end is its error). */
  #timeQuery() {
    const { view } = this.#s;
    if (RANGES[view.range]) return { startTime: new Date(Date.now() - RANGES[view.range]) };
    if (view.range !== "custom") return {};
    const q = {};
    if (view.from) q.startTime = view.from;
    if (view.to) q.endTime = view.to;
    return q;
  }

  #visibleTasks(tasks = this.#s.tasks) {
    const { status, type, search } = this.#s.view;
    const q = search.trim().toLowerCase();
    return tasks.filter((x) => (!status || x.status === status) && (!type || x.name === type)
      && (!q || searchText(this.#tr, x).includes(q)));
  }

  #loaded(tasks, total, mode) {
    const s = this.#s;
    s.mode = mode;
    s.tasks = tasks;
    s.total = total;
    s.loaded = true;
    s.lastUpdated = new Date();
    this.#render();
    this.#refreshExpandedProgress(mode === "all");
    emit(this, "dcs-load", { instanceId: this.instanceId, taskCount: total, tasks: [...tasks] });
  }

  async #loadPage({ silent = false } = {}) {
    const s = this.#s;
    const client = this.client;
    if (!client || !this.instanceId || this.#static) return;
    this.#cancelLoadAll();
    s.inflight?.abort();
    const ac = new AbortController();
    s.inflight = ac;
    const seq = ++s.seq;
    this.#stopRefreshTimer();
    if (!silent) this.#setBusy(true);
    try {
      const list = await client.listTasks(this.instanceId,
        { offset: s.view.offset, limit: this.pageSize, ...this.#timeQuery() }, { signal: ac.signal });
      if (seq !== s.seq) return;
      s.partial = false;
      this.#clearError();
      this.#loaded(list.tasks, list.taskCount, "page");
    } catch (err) {
      if (seq !== s.seq || err?.code === "ABORTED") return;
      this.#fail(err);
      if (!silent) {
        s.inflight = null;
        s.tasks = [];
        s.total = 0;
        s.loaded = false;
        this.#render();
      }
    } finally {
      if (seq === s.seq) {
        s.inflight = null;
        this.#setBusy(false);
        this.#scheduleRefresh();
      }
    }
  }

  async #loadAll() {
    const s = this.#s;
    const client = this.client;
    if (!client || !this.instanceId || this.#static) return;
    s.inflight?.abort();
    this.#cancelLoadAll();
    this.#stopRefreshTimer();
    const seq = ++s.seq;
    const ac = new AbortController();
    s.allAbort = ac;
    const bar = this.$("load-all-progress");
    this.$("load-all-box").hidden = false;
    bar.removeAttribute("value"); // indeterminate until the first page tells the total
    this.$("load-all-text").textContent = this.#tr.t("all.progress", { fetched: 0, total: "…" });
    this.$("load-all").disabled = true;
    let total = 0;
    const got = [];
    const onPage = ({ fetched, total: n }) => {
      total = n;
      bar.max = Math.max(1, n);
      bar.value = Math.min(fetched, n);
      this.$("load-all-text").textContent = this.#tr.t("all.progress", { fetched, total: n });
    };
    try {
      for await (const task of client.listAllTasks(this.instanceId, { ...this.#timeQuery(), pageSize: ALL_PAGE_SIZE }, { signal: ac.signal, onPage })) {
        got.push(task);
      }
      if (seq !== s.seq) return;
      s.partial = false;
      this.#clearError();
    } catch (err) {
      if (seq !== s.seq) return;
      if (err?.code === "ABORTED") this.#announce(this.#tr.t("all.cancelled"));
      else this.#fail(err);
      s.partial = err?.code === "ABORTED" || got.length > 0;
    }
    if (seq !== s.seq) return;
    s.allAbort = null;
    this.$("load-all-box").hidden = true;
    this.$("load-all").disabled = false;
    this.#loaded(got, s.partial ? Math.max(total, got.length) : got.length, "all");
    this.#scheduleRefresh();
  }

  #cancelLoadAll() {
    this.#s.allAbort?.abort();
    this.#s.allAbort = null;
    if (!this.#built) return;
    this.$("load-all-box").hidden = true;
    this.$("load-all").disabled = false;
  }

  /** Auto-refresh of the "all" view: the first page again, merged into what is shown. */
  async #refreshAllView() {
    const s = this.#s;
    const seq = s.seq;
    try {
      const list = await this.client.listTasks(this.instanceId, { offset: 0, limit: ALL_PAGE_SIZE, ...this.#timeQuery() });
      if (seq !== s.seq || s.mode !== "all") return;
      const byId = new Map(list.tasks.map((x) => [x.id, x]));
      const known = new Set(s.tasks.map((x) => x.id));
      const fresh = list.tasks.filter((x) => !known.has(x.id));
      s.tasks = [...fresh, ...s.tasks.map((x) => byId.get(x.id) || x)];
      s.total = Math.max(s.total + fresh.length, list.taskCount);
      s.lastUpdated = new Date();
      this.#clearError();
      this.#render();
      this.#refreshExpandedProgress(true);
    } catch (err) {
      if (seq === s.seq) this.#fail(err);
    } finally {
      if (seq === s.seq) this.#scheduleRefresh();
    }
  }

  #reload() {
    if (this.#static) this.#render();
    else if (this.#s.mode === "all" && this.#s.loaded) this.#loadAll();
    else this.#loadPage();
  }

  #setBusy(busy) {
    this.toggleAttribute("busy", busy);
    this.$("tasks-section").setAttribute("aria-busy", String(busy));
    if (busy && !this.#s.loaded) this.$("empty").textContent = this.#tr.t("state.loading");
  }

  // ---- auto-refresh and live progress -----------------------------------------------------

  #stopRefreshTimer() {
    clearTimeout(this.#s.refreshTimer);
    this.#s.refreshTimer = null;
  }

  /**
   * Live refresh while tasks run: the progress of each running task shown (or expanded) is
   * followed with watchTaskProgress (#syncWatches); the list is asked again when one of them
   * ends, and every REFRESH_MS only while a running task cannot be watched (no progress).
   */
  #scheduleRefresh() {
    const s = this.#s;
    this.#stopRefreshTimer();
    this.#syncWatches();
    this.#updateRefreshIndicator();
    if (!this.autoRefresh || !s.loaded || s.allAbort || this.#static || !this.isConnected) return;
    const shown = this.#visibleTasks();
    const watchable = shown.filter((x) => isRunning(x) && x.enableShow && !this.#unwatched.has(x.id));
    const unwatchable = shown.some((x) => isRunning(x) && (!x.enableShow || this.#unwatched.has(x.id))) || watchable.length > MAX_WATCHES;
    if (!unwatchable) return;
    s.refreshTimer = setTimeout(() => {
      s.refreshTimer = null;
      if (document.hidden) this.#scheduleRefresh();
      else if (s.mode === "all") this.#refreshAllView();
      else this.#loadPage({ silent: true });
    }, REFRESH_MS);
  }

  #updateRefreshIndicator() {
    const { t } = this.#tr;
    const s = this.#s;
    const n = s.loaded ? this.#visibleTasks().filter((x) => x.status === "EXECUTING").length : 0;
    const st = !this.autoRefresh ? "off" : n > 0 ? "active" : "idle";
    this.$("refresh-indicator").dataset.state = st;
    this.$("refresh-text").textContent = st === "active" ? t("refresh.active", { n, s: REFRESH_MS / 1000 }) : t(`refresh.${st}`);
    this.$("updated").textContent = s.lastUpdated
      ? t("refresh.updated", { time: s.lastUpdated.toLocaleTimeString(this.#tr.locale, { hour12: false }) }) : "";
  }

  #progressSlotOf(id) {
    return this.$("tasks").querySelector(`tr.details-row[data-id="${CSS.escape(id)}"]:not([hidden]) .progress-slot`);
  }

  #watchProgress(id) {
    const client = this.client;
    if (this.#watches.has(id) || !client) return;
    const ac = new AbortController();
    this.#watches.set(id, ac);
    const instance = this.instanceId;
    const s = this.#s;
    (async () => {
      try {
        for await (const p of client.watchTaskProgress(instance, id, { intervalMs: REFRESH_MS, signal: ac.signal })) {
          if (instance !== this.instanceId) return;
          s.progress.set(id, p);
          const slot = this.#progressSlotOf(id);
          if (slot) renderProgress(this.#tr, slot, p);
          this.#showRunningProgress(id, p);
          this.#drawTimeline();
        }
        if (!ac.signal.aborted && instance === this.instanceId) {
          this.#unwatched.add(id);
          this.#reloadQuietly();
        }
      } catch (err) {
        if (err?.code === "ABORTED" || ac.signal.aborted) return;
        this.#unwatched.add(id);
        const slot = this.#progressSlotOf(id);
        if (slot && !s.progress.has(id)) renderProgressError(this.#tr, slot, err);
      } finally {
        if (this.#watches.get(id) === ac) this.#watches.delete(id);
        if (this.#unwatched.has(id)) this.#scheduleRefresh();
      }
    })();
  }

  /** Stops the watches whose task `keep` does not keep (all without `keep`). */
  #stopWatches(keep = () => false) {
    for (const [id, ac] of this.#watches) {
      if (keep(id)) continue;
      ac.abort();
      this.#watches.delete(id);
    }
  }

  /** The running tasks to follow: those shown while auto-refresh is on, and the expanded ones. */
  #syncWatches() {
    const s = this.#s;
    if (!s.loaded || !this.client || this.#static || !this.isConnected) return this.#stopWatches();
    for (const id of this.#unwatched) if (!isRunning(s.tasks.find((x) => x.id === id))) this.#unwatched.delete(id);
    const want = new Set();
    for (const x of this.#visibleTasks()) {
      if (want.size >= MAX_WATCHES) break;
      if (isRunning(x) && x.enableShow && !this.#unwatched.has(x.id) && (this.autoRefresh || s.expanded.has(x.id))) want.add(x.id);
    }
    this.#stopWatches((id) => want.has(id));
    for (const id of want) this.#watchProgress(id);
  }

  /** The progress of a running task in its row's end cell ("running · 45 %"). */
  #showRunningProgress(id, p) {
    const cell = this.$("tasks").querySelector(`tr.task[data-id="${CSS.escape(id)}"] .col-end .running`);
    if (cell && Number.isFinite(p.progress)) cell.textContent = this.#tr.t("row.runningAt", { p: p.progress });
  }

  #reloadQuietly() {
    if (this.#s.allAbort || this.#s.inflight) return;
    if (this.#s.mode === "all") this.#refreshAllView();
    else this.#loadPage({ silent: true });
  }

  async #fillProgressSlot(detailRow, { refetch = false } = {}) {
    const s = this.#s;
    const slot = detailRow.querySelector(".progress-slot");
    const id = detailRow.dataset.id;
    const client = this.client;
    if (!slot || !client) return;
    const cached = s.progress.get(id);
    if (cached) renderProgress(this.#tr, slot, cached);
    if (isRunning(s.tasks.find((x) => x.id === id))) {
      this.#syncWatches();
      if (this.#watches.has(id)) return;
    }
    if (cached && !refetch) return;
    try {
      const p = await client.showTaskProgress(this.instanceId, id);
      s.progress.set(id, p);
      const live = this.#progressSlotOf(id);
      if (live) renderProgress(this.#tr, live, p);
    } catch (err) {
      const live = this.#progressSlotOf(id);
      if (live && !cached) renderProgressError(this.#tr, live, err);
    }
  }

  #refreshExpandedProgress(onlyRunning) {
    if (this.#static) return;
    for (const row of this.$("tasks").querySelectorAll("tr.details-row:not([hidden])")) {
      const task = this.#s.tasks.find((x) => x.id === row.dataset.id);
      if (!task?.enableShow) continue;
      const cached = this.#s.progress.get(task.id);
      // a task that just finished still shows its last running progress: fetch it once more
      // (a running one is watched)
      if (!onlyRunning || isRunning(task) || !cached || (cached.progress ?? 0) < 100) this.#fillProgressSlot(row, { refetch: true });
    }
  }

  // ---- rows ---------------------------------------------------------------------------------

  /** Opens or closes a row's details; opening selects the task (`dcs-select`). */
  #toggleRow(button, open = button.getAttribute("aria-expanded") !== "true") {
    const s = this.#s;
    const id = button.dataset.id;
    const task = s.tasks.find((x) => x.id === id);
    const detailRow = this.$(button.getAttribute("aria-controls"));
    if (!task || !detailRow) return;
    const withProgress = !this.#static;
    const label = `${this.#tr.typeLabel(task.name) || task.name} ${id}`;
    button.setAttribute("aria-expanded", String(open));
    button.setAttribute("aria-label", this.#tr.t(open ? "row.collapse" : "row.expand", { id: label }));
    detailRow.hidden = !open;
    if (open) s.expanded.add(id);
    else {
      s.expanded.delete(id);
      this.#syncWatches();
      return;
    }
    detailRow.firstElementChild.replaceChildren(detailsBlock(this.#tr, task, { withProgress }));
    if (withProgress && task.enableShow) this.#fillProgressSlot(detailRow);
    s.selected = id;
    for (const tr of this.$("tasks").querySelectorAll("tr.task.selected")) tr.classList.remove("selected");
    button.closest("tr").classList.add("selected");
    emit(this, "dcs-select", { task });
  }

  async #copyTaskId(button) {
    const id = button.dataset.id;
    const ok = await copyText(this.shadowRoot, id);
    this.#announce(ok ? this.#tr.t("row.copied", { id }) : this.#tr.t("row.copyFailed"));
    button.classList.toggle("copied", ok);
    button.dataset.copied = ok ? "true" : "false";
  }

  #announce(msg) {
    const live = this.$("live");
    live.textContent = "";
    setTimeout(() => { live.textContent = msg; }, 30);
  }

  #onTableClick(e) {
    const button = e.target.closest("button[data-action]");
    if (button?.dataset.action === "toggle") this.#toggleRow(button);
    else if (button?.dataset.action === "copy") this.#copyTaskId(button);
    else if (!button && !e.target.closest("a, input, select, textarea, pre, tr.details-row") && !String(globalThis.getSelection?.() ?? "")) {
      // a click anywhere else on a task row opens it (the expand button is the keyboard's way)
      const row = e.target.closest("tr.task");
      const toggle = row?.querySelector("button.expand");
      if (toggle) this.#toggleRow(toggle);
    }
  }

  /** A timeline bar was activated: expand that task's row and bring it into view. */
  #openRow(id) {
    const button = this.$("tasks").querySelector(`tbody button.expand[data-id="${CSS.escape(id)}"]`);
    if (!button) return;
    if (button.getAttribute("aria-expanded") !== "true") this.#toggleRow(button, true);
    button.closest("tr").scrollIntoView({ block: "nearest" });
    button.focus({ preventScroll: true });
  }

  #resetView() {
    const s = this.#s;
    s.expanded.clear();
    s.progress.clear();
    s.selected = undefined;
    s.current = undefined;
    this.#stopAll();
    this.#unwatched.clear();
  }

  // ---- events of the shadow DOM ---------------------------------------------------------

  #bind() {
    const $ = (id) => this.$(id);
    const s = this.#s;
    const changed = (refetch) => {
      this.#viewChanged();
      if (refetch) this.#reload();
      else {
        this.#render();
        this.#scheduleRefresh();
      }
    };
    $("filters").addEventListener("submit", (e) => e.preventDefault());
    $("range").addEventListener("change", () => {
      s.view.range = $("range").value;
      $("custom-from").hidden = $("custom-to").hidden = s.view.range !== "custom";
      if (s.view.range !== "custom") s.view.from = s.view.to = "";
      s.view.offset = 0;
      changed(s.view.range !== "custom" || s.view.from || s.view.to);
    });
    for (const id of ["from", "to"]) {
      $(id).addEventListener("change", () => {
        s.view[id] = localInputToIso($(id).value);
        s.view.offset = 0;
        changed(true);
      });
    }
    $("status").addEventListener("change", () => { s.view.status = $("status").value; changed(false); });
    $("type").addEventListener("change", () => { s.view.type = $("type").value; changed(false); });
    // The query takes effect when typing pauses: view, table and timeline together (a watch
    // redrawing the timeline in between must not show a filter the table does not).
    $("search").addEventListener("input", debounce(() => { s.view.search = $("search").value; changed(false); }, 150));
    $("page-size").addEventListener("change", () => {
      this.pageSize = Number($("page-size").value); // attributeChangedCallback reloads
      this.#viewChanged();
    });
    const page = (offset) => { s.view.offset = offset; this.#viewChanged(); this.#loadPage(); };
    $("prev").addEventListener("click", () => page(Math.max(0, s.view.offset - this.pageSize)));
    $("next").addEventListener("click", () => page(s.view.offset + this.pageSize));
    $("back-to-pages").addEventListener("click", () => page(0));
    $("load-all").addEventListener("click", () => this.#loadAll());
    $("load-all-cancel").addEventListener("click", () => s.allAbort?.abort());
    $("auto-refresh").addEventListener("change", () => { this.autoRefresh = $("auto-refresh").checked; });
    $("refresh-now").addEventListener("click", () => this.#reload());
    $("tasks").addEventListener("click", (e) => this.#onTableClick(e));
    $("error-dismiss").addEventListener("click", () => this.#clearError());
    $("error-fields").addEventListener("click", async (e) => {
      if (!e.target.closest("button[data-action='copy-request-id']")) return;
      const id = $("error-fields").dataset.requestId;
      const ok = await copyText(this.shadowRoot, id);
      this.#announce(ok ? id : this.#tr.t("row.copyFailed"));
    });
    $("export-csv").addEventListener("click", () => {
      download(`${baseName(this.instanceId)}.csv`, toCsv(this.#tr, this.#visibleTasks()), "text/csv;charset=utf-8");
    });
    $("export-json").addEventListener("click", () => this.#exportJson());
  }

  #exportJson() {
    const { view, mode, total } = this.#s;
    const paged = mode === "page";
    const meta = {
      instanceId: this.instanceId || undefined,
      query: { ...this.#timeQuery(), offset: paged ? view.offset : undefined, limit: paged ? this.pageSize : undefined, all: mode === "all" },
      filters: { status: view.status || undefined, type: view.type || undefined, search: view.search || undefined },
      taskCount: total,
    };
    download(`${baseName(this.instanceId)}.json`, toJson(this.#visibleTasks(), meta), "application/json");
  }

  // ---- drawing ------------------------------------------------------------------------------

  #render() {
    if (!this.#built) return;
    const s = this.#s;
    const { t } = this.#tr;
    const focusKey = this.shadowRoot.activeElement?.dataset?.focusKey;
    const shown = this.#visibleTasks();
    const table = this.$("tasks");
    table.tHead.replaceChildren(headerRow(this.#tr));
    renderRows(this.#tr, table.tBodies[0], shown, { scope: "t", expanded: s.expanded, withProgress: !this.#static });
    if (s.selected) table.querySelector(`tr.task[data-id="${CSS.escape(s.selected)}"]`)?.classList.add("selected");
    for (const row of table.querySelectorAll("tr.details-row:not([hidden])")) this.#fillProgressSlot(row);
    this.#drawTimeline(shown);
    this.#syncWatches();
    for (const [id, p] of s.progress) if (this.#watches.has(id)) this.#showRunningProgress(id, p);
    this.#fillFilterOptions();
    this.#renderCount(shown.length);
    this.#renderPager();
    const empty = this.#static ? "" : !this.instanceId ? t("state.empty") : !s.loaded ? (s.inflight ? t("state.loading") : "") : "";
    this.$("empty").textContent = s.loaded && shown.length === 0 ? t("state.none") : empty;
    table.hidden = shown.length === 0;
    this.$("export-csv").disabled = this.$("export-json").disabled = shown.length === 0;
    this.$("refresh").hidden = Boolean(this.#static);
    // Landmarks named after the instance: two elements on one page stay told apart.
    const id = this.instanceId;
    this.$("filters").setAttribute("aria-label", id ? t("filters.labelOf", { id }) : t("filters.label"));
    this.$("tasks-heading").textContent = id ? t("tasks.headingOf", { id }) : t("tasks.heading");
    this.#updateRefreshIndicator();
    if (focusKey) this.shadowRoot.querySelector(`[data-focus-key="${CSS.escape(focusKey)}"]`)?.focus();
  }

  /** The time-range filter's bounds (epoch ms) for the timeline's axis. */
  #timelineRange(now) {
    const { view } = this.#s;
    if (RANGES[view.range]) return { from: now - RANGES[view.range], to: now };
    if (view.range !== "custom") return {};
    return { from: view.from ? Date.parse(view.from) : undefined, to: view.to ? Date.parse(view.to) : undefined };
  }

  /** Redraws the timeline (on each render, watch update and resize), keeping a focused bar focused. */
  #drawTimeline(shown = this.#visibleTasks()) {
    const box = this.$("timeline");
    const now = Date.now();
    const active = this.shadowRoot.activeElement;
    const focused = box.contains(active) ? active.closest(".bar")?.dataset.taskId : undefined;
    renderTimeline(this.#tr, box, this.#s.loaded ? shown : [], {
      ...this.#timelineRange(now), now, onActivate: (id) => this.#openRow(id),
      current: focused ?? this.#s.current, onCurrent: (id) => { this.#s.current = id; },
    });
    if (focused) box.querySelector(`.bar[data-task-id="${CSS.escape(focused)}"]`)?.focus({ preventScroll: true });
  }

  #renderCount(shownCount) {
    const { t } = this.#tr;
    const s = this.#s;
    const el = this.$("count");
    if (!s.loaded) {
      el.textContent = "";
      return;
    }
    let text;
    if (s.mode === "static") text = t("count.static", { n: s.tasks.length });
    else if (s.mode === "all") text = s.partial ? t("count.partial", { n: s.tasks.length, total: s.total }) : t("count.all", { total: s.tasks.length });
    else if (s.tasks.length === 0) text = t("count.page", { from: 0, to: 0, total: s.total });
    else text = t("count.page", { from: s.view.offset + 1, to: s.view.offset + s.tasks.length, total: s.total });
    const filtered = s.view.status || s.view.type || s.view.search.trim();
    el.textContent = filtered ? `${text} · ${t("count.filtered", { shown: shownCount })}` : text;
    el.dataset.shown = String(shownCount);
    el.dataset.total = String(s.total);
  }

  #renderPager() {
    const s = this.#s;
    const paged = s.mode === "page";
    const limit = this.pageSize;
    this.$("pager").hidden = !paged || !s.loaded;
    this.$("back-to-pages").hidden = s.mode !== "all";
    this.$("load-all").hidden = Boolean(this.#static) || (!s.loaded && !this.instanceId);
    const pages = Math.max(1, Math.ceil(s.total / limit));
    this.$("page-info").textContent = this.#tr.t("page.of", { page: Math.floor(s.view.offset / limit) + 1, pages });
    this.$("prev").disabled = s.view.offset === 0;
    this.$("next").disabled = s.view.offset + limit >= s.total;
  }
}
