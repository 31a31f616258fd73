// <dcs-fleet>: every instance of a project and what each is doing in a time range: one row per
// instance (status, engine, capacity, its executing/failed/succeeded task counts, its last task,
// or its own error), what needs attention first, a timeline with one lane per instance, load
// progress. Choosing an instance fires `dcs-instance-select` (a page opens its <dcs-task-list>).
// The listing and the per-instance task lists are the package's (DcsClient.listFleetTasks).
import { revealText } from "../dcs_tasks.js";
import { ready } from "../ready.js";
import { applyStatic, translator } from "./i18n.js";
import { h, badge, fmtTime, isRunning, shown, useReveal } from "./render.js";
import { axisEnd } from "./timeline.js";
import { LIMITS, TIME_RANGES } from "./vocab.js";
import { attention, fleetRow, instanceKind, sortFleet } from "./fleet-data.js";
import { renderLanes } from "./fleet-timeline.js";
import { sheet } from "./style.js";
import { fleetTemplate } from "./fleet-template.js";
import { DCS_FLEET_ATTRIBUTES } from "./observed.js";
import { coalesced, emit, HostElement, openClient, reflect, translatorFor, upgradeProperties } from "./shared.js";

const RANGES = { all: null, ...TIME_RANGES };
const DEFAULT_RANGE = "24h";
const PROPS = ["endpoint", "projectId", "range", "concurrency", "client", "headers"];

export class DcsFleet extends HostElement {
  static observedAttributes = DCS_FLEET_ATTRIBUTES;

  #given = null;
  #own = null;
  #headers = {};
  #tr = translator("en");
  #built = false;
  #seq = 0;
  #abort = null;
  #rows = [];
  #loaded = false;
  #filter = { name: "", status: "" };
  #current = undefined;
  #updated = null;
  #resize = null;
  #width = 0;

  constructor() {
    super();
    this.attachShadow({ mode: "open" });
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
  get client() { return this.#given ?? this.#own; }
  set client(c) {
    if (c !== null && c !== undefined && typeof c.listFleetTasks !== "function") throw new TypeError("dcs-fleet: client must be a DcsClient");
    this.#given = c ?? null;
    this.#queue();
  }
  get headers() { return { ...this.#headers }; }
  set headers(v) { this.#headers = { ...(v ?? {}) }; this.#queue(); }
  /** The fleet as shown: { instance, tasks, error?, counts, last } in attention order. */
  get rows() { return sortFleet(this.#rows); }
  /** Lists the fleet again. */
  refresh() { this.#queue(); }


  attributeChangedCallback(name, old, value) {
    if (old === value || !this.#built) return;
    if (name === "lang") this.#applyLang();
    else this.#queue();
  }

  connectedCallback() {
    upgradeProperties(this, PROPS);
    if (!this.#built) this.#build();
    this.#applyLang();
    this.#resize.observe(this.$("fleet-section"));
    this.#queue();
  }

  disconnectedCallback() {
    this.#seq++;
    this.#abort?.abort();
    this.#resize?.disconnect();
  }

  $(id) { return this.shadowRoot.getElementById(id); }

  #build() {
    this.#built = true;
    this.shadowRoot.adoptedStyleSheets = [sheet()];
    this.shadowRoot.append(fleetTemplate().content.cloneNode(true));
    const $ = (id) => this.$(id);
    $("filters").addEventListener("submit", (e) => e.preventDefault());
    $("range").addEventListener("change", () => {
      this.range = $("range").value;
      emit(this, "dcs-view-change", { view: { range: this.range } });
    });
    $("name").addEventListener("input", () => { this.#filter.name = $("name").value; this.#render(); });
    $("status").addEventListener("change", () => { this.#filter.status = $("status").value; this.#render(); });
    $("reload").addEventListener("click", () => this.refresh());
    $("load-cancel").addEventListener("click", () => this.#abort?.abort());
    $("fleet").addEventListener("click", (e) => {
      const b = e.target.closest("button[data-instance-id]") ?? e.target.closest("tr.instance")?.querySelector("button[data-instance-id]");
      if (b) this.#select(b.dataset.instanceId);
    });
    this.#resize = new ResizeObserver(() => {
      const w = this.$("fleet-section").clientWidth;
      if (w === this.#width) return;
      this.#width = w;
      if (this.#loaded) this.#drawLanes(this.#shown());
    });
  }

  #applyLang() {
    this.#tr = translatorFor(this);
    applyStatic(this.shadowRoot, this.#tr.t);
    this.#render();
  }

  #queued = coalesced(() => { if (this.isConnected) this.#load(); });

  #queue() {
    if (this.#built) this.#queued();
  }

  /** Lists the fleet: each instance's tasks in the range, as each instance finishes. */
  async #load() {
    const seq = ++this.#seq;
    this.#abort?.abort();
    await ready;
    if (seq !== this.#seq) return;
    useReveal(revealText);
    let client = this.#given;
    try {
      if (!client) {
        this.$("empty").textContent = this.#tr.t("config.loading");
        this.#own?.free();
        this.#own = null;
        const opened = await openClient(this.endpoint, this.projectId, this.#headers);
        if (seq !== this.#seq) { opened?.client.free(); return; }
        if (!opened) return this.#noEndpoint();
        this.#own = opened.client;
        client = this.#own;
        if (opened.config) emit(this, "dcs-config", { config: opened.config, client });
      }
    } catch (err) {
      if (seq === this.#seq) this.#fail(err);
      return;
    }
    await this.#list(client, seq);
  }

  #noEndpoint() {
    this.$("empty").textContent = this.#tr.t("state.noEndpoint");
  }

  async #list(client, seq) {
    const ac = new AbortController();
    this.#abort = ac;
    this.#rows = [];
    this.#loaded = false;
    this.$("error-banner").hidden = true;
    const box = this.$("load-box");
    const bar = this.$("load-progress");
    box.hidden = false;
    bar.removeAttribute("value");
    this.$("load-text").textContent = this.#tr.t("fleet.loading", { done: 0, total: "…" });
    this.$("empty").textContent = "";
    const onInstance = ({ done, total }) => {
      if (seq !== this.#seq) return;
      bar.max = Math.max(1, total);
      bar.value = done;
      this.$("load-text").textContent = this.#tr.t("fleet.loading", { done, total });
    };
    const span = RANGES[this.range];
    const q = span ? { startTime: new Date(Date.now() - span) } : {};
    let failed = null;
    try {
      for await (const entry of client.listFleetTasks(q, { signal: ac.signal, concurrency: this.concurrency, onInstance })) {
        if (seq !== this.#seq) return;
        this.#rows.push(fleetRow(entry));
        this.#loaded = true;
        this.#renderSoon();
      }
    } catch (err) {
      if (seq !== this.#seq) return;
      if (err?.code !== "ABORTED") failed = err;
    }
    if (seq !== this.#seq) return;
    box.hidden = true;
    this.#abort = null;
    this.#loaded = true;
    this.#updated = new Date();
    this.#render();
    if (failed) this.#fail(failed);
    else emit(this, "dcs-load", { instanceCount: this.#rows.length, instances: this.rows.map((r) => r.instance), failed: this.#rows.filter((r) => r.error).length });
  }

  #fail(err) {
    const { t } = this.#tr;
    this.$("load-box").hidden = true;
    this.$("error-message").textContent = err.errorMsg || err.message || String(err);
    const rows = [];
    for (const [key, v] of [["error.code", err.code || err.name], ["error.status", err.status], ["error.errorCode", err.errorCode], ["error.requestId", err.requestId]]) {
      if (v !== undefined && v !== null && v !== "") rows.push(h("dt", {}, t(key)), h("dd", {}, h("code", { dataset: { field: key } }, String(v))));
    }
    this.$("error-fields").replaceChildren(...rows);
    this.$("error-banner").hidden = false;
    this.$("empty").textContent = "";
    emit(this, "dcs-error", { error: err });
  }

  #select(instanceId) {
    const row = this.#rows.find((r) => r.instance.instanceId === instanceId);
    if (row) emit(this, "dcs-instance-select", { instance: row.instance });
  }

  #shown() {
    const q = this.#filter.name.trim().toLowerCase();
    const st = this.#filter.status;
    return sortFleet(this.#rows).filter((r) => (!st || r.instance.status === st)
      && (!q || `${r.instance.name} ${r.instance.instanceId}`.toLowerCase().includes(q)));
  }

  /**
   * While the fleet loads, at most one redraw a frame for the table and one a second for the
   * lanes (the listing's next requests wait for the main thread).
   */
  #renderSoon() {
    if (this.#frame) return;
    this.#frame = requestAnimationFrame(() => {
      this.#frame = 0;
      const lanes = Date.now() - this.#lanesAt > 1000;
      this.#render({ lanes });
    });
  }

  #frame = 0;
  #lanesAt = 0;

  #render({ lanes = true } = {}) {
    if (!this.#built) return;
    const { t } = this.#tr;
    this.$("range").value = this.range;
    this.#fillStatus();
    const shown = this.#shown();
    const table = this.$("fleet");
    table.tHead.replaceChildren(h("tr", {}, ["fleet.col.instance", "fleet.col.status", "fleet.col.engine", "fleet.col.capacity",
      "fleet.col.executing", "fleet.col.failed", "fleet.col.succeeded", "fleet.col.last"].map((k) => h("th", { scope: "col", class: k.replace("fleet.col.", "col-") }, t(k)))));
    table.tBodies[0].replaceChildren(...shown.map((r) => this.#row(r)));
    table.hidden = shown.length === 0;
    const failed = this.#rows.filter((r) => r.error).length;
    this.$("count").textContent = this.#loaded ? t("fleet.count", { n: this.#rows.length, range: t(`range.${this.range}`) })
      + (failed ? ` · ${t("fleet.countFailed", { n: failed })}` : "") + (shown.length !== this.#rows.length ? ` · ${t("count.filtered", { shown: shown.length })}` : "") : "";
    this.$("count").dataset.total = String(this.#rows.length);
    this.$("updated").textContent = this.#updated ? t("refresh.updated", { time: this.#updated.toLocaleTimeString(this.#tr.locale, { hour12: false }) }) : "";
    if (this.#loaded && !this.#abort && shown.length === 0) this.$("empty").textContent = t(this.#rows.length ? "state.none" : "fleet.none");
    else if (shown.length) this.$("empty").textContent = "";
    if (lanes) this.#drawLanes(shown);
  }

  #fillStatus() {
    const sel = this.$("status");
    const statuses = [...new Set([...(this.#rows.length ? [] : []), ...this.#rows.map((r) => r.instance.status)])].sort();
    const sig = `${this.#tr.lang}|${statuses.join(",")}`;
    if (sel.dataset.sig !== sig) {
      sel.dataset.sig = sig;
      sel.replaceChildren(h("option", { value: "" }, this.#tr.t("form.any")), ...statuses.map((s) => h("option", { value: s }, this.#tr.instanceStatusLabel(s))));
    }
    sel.value = statuses.includes(this.#filter.status) ? this.#filter.status : "";
  }

  #row(r) {
    const { t } = this.#tr;
    const tr = this.#tr;
    const i = r.instance;
    const n = (v, kind) => h("td", { class: `col-${kind} num`, "data-label": t(`fleet.col.${kind}`) },
      r.error ? "—" : h("span", { class: v > 0 ? `count-${kind}` : "muted" }, String(v)));
    const last = r.error
      ? h("span", { class: "inline-error", dataset: { code: r.error.code ?? "" } }, `${r.error.code ?? r.error.name}${r.error.status ? ` ${r.error.status}` : ""}: ${r.error.errorMsg || r.error.message}`)
      : r.last ? h("span", { class: "last" }, tr.typeLabel(r.last.name) || r.last.name, " ", badge(tr, r.last.status), " ",
        r.last.createdAt ? h("time", { datetime: r.last.createdAt, title: fmtTime(tr, r.last.createdAt).title }, fmtTime(tr, r.last.createdAt).text) : null)
        : h("span", { class: "muted" }, t("fleet.noTasks"));
    return h("tr", { class: `instance attention-${attention(r)}`, part: "row", dataset: { instanceId: i.instanceId, status: i.status, attention: String(attention(r)) } },
      h("td", { class: "col-instance", "data-label": t("fleet.col.instance") },
        h("button", { type: "button", class: "link", dataset: { instanceId: i.instanceId }, "aria-label": t("fleet.open", { name: shown(i.name) || i.instanceId }) }, shown(i.name) || i.instanceId),
        h("code", { class: "instance-id", title: i.instanceId }, i.instanceId)),
      h("td", { class: "col-status", "data-label": t("fleet.col.status") },
        h("span", { class: `badge badge-${instanceKind(i.status)}`, part: "status", title: i.status }, tr.instanceStatusLabel(i.status))),
      h("td", { class: "col-engine", "data-label": t("fleet.col.engine") }, [i.engine, i.engineVersion].filter(Boolean).join(" ") || "—"),
      h("td", { class: "col-capacity num", "data-label": t("fleet.col.capacity") }, i.capacity === undefined ? "—" : t("sum.gb", { v: String(i.capacity) })),
      n(r.counts.executing, "executing"), n(r.counts.failed, "failed"), n(r.counts.succeeded, "succeeded"),
      h("td", { class: "col-last", "data-label": t("fleet.col.last") }, last));
  }

  /**
   * The lanes' axis: the range; for "all", the tasks' span, where a task still running long
   * after the others ended (a stale EXECUTING) does not stretch it to now (its bar runs to the
   * right edge), as in the task timeline.
   */
  #axis(rows, now) {
    if (RANGES[this.range]) return { from: now - RANGES[this.range], to: now };
    let lo = Infinity;
    let hi = -Infinity;
    let running = false;
    for (const r of rows) {
      for (const t of r.tasks) {
        const a = Date.parse(t.createdAt ?? "");
        if (!Number.isFinite(a)) continue;
        const live = isRunning(t.status);
        const b = live ? a : Math.max(a, Date.parse(t.updatedAt ?? "") || a);
        lo = Math.min(lo, a);
        hi = Math.max(hi, b);
        running ||= live;
      }
    }
    if (!Number.isFinite(lo)) return { from: now - TIME_RANGES["24h"], to: now };
    hi = axisEnd(lo, hi, now, running);
    const pad = Math.max((hi - lo) * 0.02, 30_000);
    return { from: lo - pad, to: hi + pad };
  }

  #drawLanes(shown) {
    const now = Date.now();
    this.#lanesAt = now;
    const box = this.$("timeline");
    const active = this.shadowRoot.activeElement;
    const focused = box.contains(active) ? `${active.dataset.instanceId}/${active.dataset.taskId}` : undefined;
    const rows = this.#loaded ? shown.filter((r) => !r.error) : [];
    renderLanes(this.#tr, box, rows, {
      ...this.#axis(rows, now), now, onActivate: (id) => this.#select(id),
      current: focused ?? this.#current, onCurrent: (key) => { this.#current = key; },
    });
    if (focused) {
      const [iid, tid] = focused.split("/");
      box.querySelector(`.bar[data-instance-id="${CSS.escape(iid)}"][data-task-id="${CSS.escape(tid)}"]`)?.focus({ preventScroll: true });
    }
  }
}
