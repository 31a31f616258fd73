// <dcs-fleet>: every instance of a project and what each is doing in a time range. It opens on
// what needs attention (the summary line and the attention list), then a timeline with one lane
// per instance and one row per instance (status, engine, capacity, running/failed/succeeded task
// counts, its last task or its listing's error). What needs attention, the counts and the order
// are the core's (summarizeFleet); the listing is the package's (DcsClient.listFleetTasks). It
// refreshes itself every `refresh-interval` seconds (paused while the tab is hidden), keeps the
// last data when a refresh fails (`data-state="stale"`) and recovers when the upstream answers.
// Choosing an instance fires `dcs-instance-select` (a page opens its <dcs-task-list>).
import { revealText } from "../dcs_tasks.js";
import { ready } from "../ready.js";
import { applyStatic, translator } from "./i18n.js";
import { useReveal } from "./render.js";
import { CONCERN_KINDS, LIMITS } from "./vocab.js";
import { failed, listFleet, RANGES, schedule, stopLive, visibilityChanged } from "./fleet-load.js";
import { drawLanes, progress, render, showError, shownRows } from "./fleet-view.js";
import { concernView } from "./fleet-attention.js";
import { sheet } from "./style.js";
import { fleetTemplate } from "./fleet-template.js";
import { DCS_FLEET_ATTRIBUTES } from "./observed.js";
import { coalesced, emit, HostElement, openClient, reflect, translatorFor, upgradeProperties } from "./shared.js";

const DEFAULT_RANGE = "24h";
const DEFAULT_INTERVAL = 60;
const PROPS = ["endpoint", "projectId", "range", "concurrency", "refreshInterval", "client", "headers", "view"];
const CONCERNS = new Set([...CONCERN_KINDS, "running"]);

export class DcsFleet extends HostElement {
  static observedAttributes = DCS_FLEET_ATTRIBUTES;

  #given = null;
  #own = null;
  #headers = {};
  /** What the element knows, shared with its controller (fleet-load.js) and view (fleet-view.js). */
  #k = {
    tr: translator("en"), built: false, seq: 0, abort: null, rows: [], summary: null, since: null,
    filter: { name: "", status: "", concern: "" }, updated: null, failedSince: null, lastError: null,
    state: "", timer: 0, dueAt: 0, paused: false, current: undefined, width: 0, frame: 0, lanesAt: 0,
    select: (id, view) => this.#select(id, view),
  };

  #onVisibility = () => visibilityChanged(this, this.#k);

  constructor() {
    super();
    this.attachShadow({ mode: "open" });
    this.#k.view = this.#viewApi();
  }

  get endpoint() { return this.getAttribute("endpoint"); }
  set endpoint(v) { reflect(this, "endpoint", v); }
  get projectId() { return this.getAttribute("project-id"); }
  set projectId(v) { reflect(this, "project-id", v); }
  /** The time range of the task counts: "1h" | "24h" | "7d" | "30d" | "all" (default "24h"). */
  get range() { const r = this.getAttribute("range"); return r in RANGES ? r : DEFAULT_RANGE; }
  set range(v) { reflect(this, "range", v); }
  /** Instances listed at once (1..16, default 4: the core's `LIMITS`). */
  get concurrency() {
    const n = Number(this.getAttribute("concurrency"));
    return Number.isInteger(n) && n >= 1 && n <= LIMITS.fleetConcurrencyMax ? n : LIMITS.fleetConcurrencyDefault;
  }
  set concurrency(v) { reflect(this, "concurrency", v); }
  /** Seconds between refreshes (default 60; 0: only when asked). */
  get refreshInterval() {
    const a = this.getAttribute("refresh-interval");
    const n = Number(a);
    return a !== null && a !== "" && Number.isFinite(n) && n >= 0 ? n : DEFAULT_INTERVAL;
  }
  set refreshInterval(v) { reflect(this, "refresh-interval", v); }
  get client() { return this.#given ?? this.#own; }
  set client(c) {
    if (c !== null && c !== undefined && typeof c.listFleetTasks !== "function") throw new TypeError("dcs-fleet: client must be a DcsClient");
    this.#given = c ?? null;
    this.#queue();
  }
  get headers() { return { ...this.#headers }; }
  set headers(v) { this.#headers = { ...(v ?? {}) }; this.#queue(); }
  /** The fleet as shown, in the core's order: { instance, tasks, error?, health }. */
  get rows() { return shownRows(this.#k); }
  /** The core's assessment of the last listing (summarizeFleet), or null before the first. */
  get summary() { return this.#k.summary; }
  /** "loading" | "ready" | "stale" | "error" (also `data-state` on the element); "" before a load. */
  get state() { return this.#k.state; }
  /** The range and the filters: { range, name, status, concern }. */
  get view() { return { range: this.range, ...this.#k.filter }; }
  set view(v) {
    const f = this.#k.filter;
    f.name = String(v?.name ?? "");
    f.status = String(v?.status ?? "");
    f.concern = CONCERNS.has(v?.concern) ? v.concern : "";
    if (v?.range && v.range !== this.range) this.range = v.range;
    else this.#render();
  }
  /** Lists the fleet again. */
  refresh() { this.#queue(); }

  attributeChangedCallback(name, old, value) {
    if (old === value || !this.#k.built) return;
    if (name === "lang") this.#applyLang();
    else if (name === "refresh-interval") { schedule(this, this.#k); this.#render(); }
    else this.#queue();
  }

  connectedCallback() {
    upgradeProperties(this, PROPS);
    if (!this.#k.built) this.#build();
    this.#applyLang();
    this.#resize.observe(this.$("fleet-section"));
    document.addEventListener("visibilitychange", this.#onVisibility);
    this.#queue();
  }

  disconnectedCallback() {
    this.#k.seq++;
    this.#k.abort?.abort();
    this.#k.abort = null;
    this.#resize?.disconnect();
    stopLive(this.#k);
    document.removeEventListener("visibilitychange", this.#onVisibility);
  }

  $(id) { return this.shadowRoot.getElementById(id); }

  #resize = null;

  #build() {
    this.#k.built = true;
    this.shadowRoot.adoptedStyleSheets = [sheet()];
    this.shadowRoot.append(fleetTemplate().content.cloneNode(true));
    this.#bindFilters();
    this.$("reload").addEventListener("click", () => this.refresh());
    this.$("load-cancel").addEventListener("click", () => this.#k.abort?.abort());
    this.$("fleet").addEventListener("click", (e) => {
      const b = e.target.closest("button[data-instance-id]") ?? e.target.closest("tr.instance")?.querySelector("button[data-instance-id]");
      if (b) this.#select(b.dataset.instanceId);
    });
    this.$("attention").addEventListener("click", (e) => {
      const b = e.target.closest("button[data-instance-id]");
      if (b) this.#openConcern(b.dataset.instanceId, Number(b.dataset.concern));
    });
    this.$("summary").addEventListener("click", (e) => {
      const b = e.target.closest("button[data-concern]");
      if (b) this.#setFilter("concern", b.getAttribute("aria-pressed") === "true" ? "" : b.dataset.concern);
    });
    this.#resize = new ResizeObserver(() => {
      const w = this.$("fleet-section").clientWidth;
      if (w === this.#k.width) return;
      this.#k.width = w;
      if (this.#k.summary) drawLanes(this, this.#k, shownRows(this.#k));
    });
  }

  #bindFilters() {
    const $ = (id) => this.$(id);
    $("filters").addEventListener("submit", (e) => e.preventDefault());
    $("filters-toggle").addEventListener("click", () => {
      const open = $("filters").classList.toggle("open");
      $("filters-toggle").setAttribute("aria-expanded", String(open));
    });
    $("range").addEventListener("change", () => {
      this.range = $("range").value;
      this.#viewChanged();
    });
    $("name").addEventListener("input", () => { this.#k.filter.name = $("name").value; this.#render(); });
    $("name").addEventListener("change", () => this.#viewChanged());
    $("status").addEventListener("change", () => this.#setFilter("status", $("status").value));
    $("concern").addEventListener("change", () => this.#setFilter("concern", $("concern").value));
  }

  #setFilter(key, value) {
    this.#k.filter[key] = value;
    this.#render();
    this.#viewChanged();
  }

  #viewChanged() {
    emit(this, "dcs-view-change", { view: this.view });
  }

  #applyLang() {
    this.#k.tr = translatorFor(this);
    applyStatic(this.shadowRoot, this.#k.tr.t);
    this.#render();
  }

  #queued = coalesced(() => { if (this.isConnected) this.#load(); });

  #queue() {
    if (this.#k.built) this.#queued();
  }

  /** Opens the client (the given one, or one for `endpoint`) and lists the fleet. */
  async #load() {
    const k = this.#k;
    const seq = ++k.seq;
    k.abort?.abort();
    stopLive(k);
    await ready;
    if (seq !== k.seq) return;
    useReveal(revealText);
    let client = this.#given;
    try {
      if (!client) {
        if (!k.rows.length) this.$("empty").textContent = k.tr.t("config.loading");
        const opened = await openClient(this.endpoint, this.projectId, this.#headers);
        if (seq !== k.seq) { opened?.client.free(); return; }
        if (!opened) { this.$("empty").textContent = k.tr.t("state.noEndpoint"); return; }
        this.#own?.free();
        this.#own = opened.client;
        client = this.#own;
        if (opened.config) emit(this, "dcs-config", { config: opened.config, client });
      }
    } catch (err) {
      if (seq === k.seq) failed(this, k, err); // /api/config: like a failed listing
      return;
    }
    await listFleet(this, k, client, seq);
  }

  /** The view's side of the controller (fleet-load.js calls these). */
  #viewApi() {
    const k = () => this.#k;
    return {
      loading: (first) => { if (first) progress(this, k(), 0, undefined); this.$("error-banner").hidden = true; this.#render({ lanes: false }); },
      progress: (done, total) => progress(this, k(), done, total),
      renderSoon: () => this.#renderSoon(),
      loaded: () => { this.$("load-box").hidden = true; if (k().state !== "error") this.$("error-banner").hidden = true; this.#render(); },
      fail: (err) => showError(this, k(), err),
      paused: (p) => { k().paused = p; this.#render({ lanes: false }); },
    };
  }

  #select(instanceId, view) {
    const row = this.#k.rows.find((r) => r.instance.instanceId === instanceId);
    if (row) emit(this, "dcs-instance-select", view ? { instance: row.instance, view } : { instance: row.instance });
  }

  /** An attention item's button: the instance's tasks, filtered to that concern. */
  #openConcern(instanceId, index) {
    const row = this.#k.rows.find((r) => r.instance.instanceId === instanceId);
    const c = row?.health.concerns[index];
    this.#select(instanceId, concernView(c, { range: this.range, since: this.#k.since }));
  }

  /**
   * While the fleet first loads, at most one redraw a frame, without the lanes (thousands of
   * bars: drawn once at the end; the listing's next requests wait for the main thread).
   */
  #renderSoon() {
    const k = this.#k;
    if (k.frame) return;
    k.frame = requestAnimationFrame(() => {
      k.frame = 0;
      this.#render({ lanes: false }); // the lanes once every instance is in
    });
  }

  #render(opts) {
    render(this, this.#k, opts);
  }
}
