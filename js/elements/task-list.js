// <dcs-task-list>: the task view of one DCS instance, for a console to drop in. Filters, a table
// with expandable rows and live progress, a timeline, paging and "Load all", CSV/JSON export, a
// live watch of executing tasks, English and Chinese. Every piece of state lives in the instance
// (two elements on one page share nothing). Requests, signing, parsing and normalizing are the
// package's (DcsClient). This file is the element: its attributes, properties and lifecycle, and
// how it starts; the state and its rules are task-list-state.js, the loading and the live
// progress task-list-load.js, the drawing and the controls task-list-view.js.
import { revealText } from "../dcs_tasks.js";
import { ready } from "../ready.js";
import { applyStatic, translator } from "./i18n.js";
import { useReveal } from "./render.js";
import { sheet } from "./style.js";
import { taskListTemplate } from "./task-list-template.js";
import { DCS_TASK_LIST_ATTRIBUTES } from "./observed.js";
import { coalesced, emit, HostElement, openClient, reflect, translatorFor, upgradeProperties } from "./shared.js";
import { cleanView, DEFAULT_LIMIT, internals, newState } from "./task-list-state.js";
import { followView, loadPage, reload, scheduleRefresh, stopAll } from "./task-list-load.js";
import { bind, drawTimeline, fail, render, stateToForm, viewOf } from "./task-list-view.js";
import { LIMITS } from "./vocab.js";

export { cleanView };

const PROPS = ["endpoint", "projectId", "instanceId", "pageSize", "autoRefresh", "client", "headers", "view", "taskList"];

export class DcsTaskList extends HostElement {
  static observedAttributes = DCS_TASK_LIST_ATTRIBUTES;

  constructor() {
    super();
    this.attachShadow({ mode: "open" });
    internals.set(this, {
      s: newState(),
      given: null, // the client a console set (never freed here)
      own: null, // the client made from endpoint/project-id (freed when replaced)
      headers: {},
      static: null, // a TaskList set as data: shown, never fetched
      startSeq: 0,
      tr: translator("en"),
      built: false,
      ready: false,
      resize: null,
      watches: new Map(), // task id -> AbortController of its watchTaskProgress
      // Running tasks whose watch ended (progress 100, a FAILED step, an error) while the list
      // still shows them running: not watched again; the list is polled for them instead.
      unwatched: new Set(),
      // Running tasks whose watch an outage stopped: watched again once the service answers.
      erred: new Set(),
      view: viewOf(this),
      restart: coalesced(() => { if (this.isConnected) this.#start(); }),
    });
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
    return Number.isInteger(n) && n >= 1 && n <= LIMITS.maxPageSize ? n : DEFAULT_LIMIT;
  }
  set pageSize(v) { reflect(this, "page-size", v === null || v === undefined ? null : String(v)); }
  get autoRefresh() { return this.hasAttribute("auto-refresh"); }
  set autoRefresh(v) { this.toggleAttribute("auto-refresh", Boolean(v)); }

  /** The DcsClient in use: the one set here, else the one made from `endpoint`; null before. */
  get client() { const k = internals.get(this); return k.given ?? k.own; }
  set client(c) {
    if (c !== null && c !== undefined && typeof c.listTasks !== "function") throw new TypeError("dcs-task-list: client must be a DcsClient");
    internals.get(this).given = c ?? null;
    this.#queueRestart();
  }

  /** Extra headers for the proxy (e.g. its `Authorization: Bearer` token); not reflected. */
  get headers() { return { ...internals.get(this).headers }; }
  set headers(v) {
    internals.get(this).headers = { ...(v ?? {}) };
    this.#queueRestart();
  }

  /** The filters, time range, page offset and "Load all": { range, from, to, status, type, search, offset, all }. */
  get view() { return { ...internals.get(this).s.view }; }
  set view(v) {
    const k = internals.get(this);
    const before = k.s.view;
    k.s.view = cleanView(v);
    if (!k.built) return;
    stateToForm(this);
    followView(this, before);
  }

  /** A TaskList shown as it is (parsed elsewhere): no fetching, paging or progress. null: fetch again. */
  get taskList() { return internals.get(this).static; }
  set taskList(list) {
    if (list !== null && list !== undefined && !Array.isArray(list?.tasks)) throw new TypeError("dcs-task-list: taskList must be a TaskList");
    internals.get(this).static = list ?? null;
    this.#queueRestart();
  }

  /** The tasks loaded (every one, before the filters). */
  get tasks() { return [...internals.get(this).s.tasks]; }

  /** "loading" | "ready" | "stale" | "error" (also `data-state` on the element); "" before a load. */
  get state() { return this.dataset.state ?? ""; }

  /** Asks the instance's tasks again (the page, or everything after "Load all"). */
  refresh() { reload(this); }

  attributeChangedCallback(name, old, value) {
    const k = internals.get(this);
    if (old === value || !k.built) return;
    if (name === "lang") this.#applyLang();
    else if (name === "auto-refresh") {
      this.$("auto-refresh").checked = this.autoRefresh;
      scheduleRefresh(this);
    } else if (name === "page-size") {
      k.s.view.offset = 0;
      stateToForm(this);
      if (k.s.allBy) render(this); // every task is shown: no page to ask
      else if (k.s.loaded || k.s.inflight) loadPage(this);
    } else if (name === "instance-id") {
      this.#resetView();
      Object.assign(k.s, { loaded: false, tasks: [], total: 0, mode: "page", allBy: null, failedAt: null, lastUpdated: null });
      // another instance starts on its first page: "Load all" is asked per instance
      k.s.view.offset = 0;
      k.s.view.all = false;
      k.view.clearError();
      if (this.client && this.instanceId) reload(this);
      else render(this);
    } else this.#queueRestart();
  }

  connectedCallback() {
    upgradeProperties(this, PROPS);
    if (!internals.get(this).built) this.#build();
    this.#applyLang();
    internals.get(this).resize.observe(this.$("tasks-section"));
    this.#queueRestart();
  }

  disconnectedCallback() {
    const k = internals.get(this);
    k.startSeq++;
    stopAll(this);
    k.resize?.disconnect();
  }

  $(id) { return this.shadowRoot.getElementById(id); }

  // ---- building ---------------------------------------------------------------------------

  #build() {
    const k = internals.get(this);
    k.built = true;
    this.shadowRoot.adoptedStyleSheets = [sheet()];
    this.shadowRoot.append(taskListTemplate().content.cloneNode(true));
    bind(this);
    // The timeline is drawn at its box's pixel width: again when that changes (rotation, resize).
    k.resize = new ResizeObserver(() => {
      const w = this.$("tasks-section").clientWidth;
      if (w === k.s.timelineWidth) return;
      k.s.timelineWidth = w;
      if (k.s.loaded) drawTimeline(this);
    });
  }

  #applyLang() {
    internals.get(this).tr = translatorFor(this);
    applyStatic(this.shadowRoot, internals.get(this).tr.t);
    stateToForm(this);
    render(this);
  }

  #resetView() {
    const k = internals.get(this);
    k.s.expanded.clear();
    k.s.progress.clear();
    k.s.selected = undefined;
    k.s.current = undefined;
    stopAll(this);
    k.unwatched.clear();
    k.erred.clear();
  }

  // ---- starting -----------------------------------------------------------------------------

  /** Coalesces changes (endpoint, project, headers, client, data) into one (re)start. */
  #queueRestart() {
    const k = internals.get(this);
    if (k.built) k.restart();
  }

  async #start() {
    const k = internals.get(this);
    const seq = ++k.startSeq;
    stopAll(this);
    await ready;
    if (seq !== k.startSeq) return;
    if (!k.ready) {
      k.ready = true;
      useReveal(revealText);
    }
    if (k.static) return this.#showStatic();
    let client = k.given;
    if (!client) {
      try {
        client = await this.#makeClient(seq);
      } catch (err) {
        if (seq === k.startSeq) {
          this.dataset.state = "error";
          fail(this, err, k.tr.t("config.failed"));
        }
        return;
      }
      if (!client) return;
    }
    k.view.clearError();
    if (this.instanceId) await reload(this);
    else render(this);
  }

  /** A DcsClient for `endpoint` (its project from `project-id`, else from the proxy's /api/config). */
  async #makeClient(seq) {
    const k = internals.get(this);
    k.own?.free();
    k.own = null;
    if (!this.endpoint) {
      k.s.loaded = false;
      render(this);
      this.$("empty").textContent = k.tr.t("state.noEndpoint");
      return null;
    }
    if (!this.projectId) this.$("empty").textContent = k.tr.t("config.loading");
    const opened = await openClient(this.endpoint, this.projectId, k.headers);
    if (seq !== k.startSeq) {
      opened?.client.free();
      return null;
    }
    k.own = opened.client;
    if (opened.config) emit(this, "dcs-config", { config: opened.config, client: k.own });
    return k.own;
  }

  #showStatic() {
    const k = internals.get(this);
    const list = k.static;
    Object.assign(k.s, { mode: "static", tasks: list.tasks, total: list.taskCount ?? list.tasks.length, loaded: true, partial: false });
    this.dataset.state = "ready";
    k.view.clearError();
    render(this);
  }
}
