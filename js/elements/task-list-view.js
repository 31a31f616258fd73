// <dcs-task-list>'s view: drawing its shadow DOM from the element's state (the table, the
// timeline, the filters' form; the count, pager, live-refresh line and error banner are
// task-list-status.js) and wiring its controls to the controller (task-list-load.js).
// `viewOf(el)` is what the controller calls back (k.view).
import { h, renderRows, headerRow, detailsBlock, renderProgress, renderProgressError } from "./render.js";
import { toCsv, toJson, download, baseName } from "./export.js";
import { renderTimeline } from "./timeline.js";
import { copyText, emit } from "./shared.js";
import { debounce } from "./dom.js";
import {
  internals, isoToLocalInput, localInputToIso, PAGE_SIZES, timelineRange, timeQuery, visibleTasks,
} from "./task-list-state.js";
import { fillProgress, followView, loadAll, loadPage, reload, syncWatches } from "./task-list-load.js";
import { announce, fail, refreshIndicator, renderCount, renderPager } from "./task-list-status.js";

export { fail };
import { TASK_NAMES, TASK_STATUSES } from "./vocab.js";

const shownOf = (k) => visibleTasks(k.tr, k.s.view, k.s.tasks);

/** The callbacks the controller draws through. */
export function viewOf(el) {
  const k = () => internals.get(el);
  const $ = (id) => el.$(id);
  return {
    render: () => render(el),
    fail: (err, context) => fail(el, err, context),
    clearError: () => { $("error-banner").hidden = true; },
    busy: (busy) => {
      el.toggleAttribute("busy", busy);
      $("tasks-section").setAttribute("aria-busy", String(busy));
      if (busy && !k().s.loaded) $("empty").textContent = k().tr.t("state.loading");
    },
    allProgress: (fetched, total) => {
      const bar = $("load-all-progress");
      $("load-all-box").hidden = false;
      $("load-all").disabled = true;
      if (total === undefined) bar.removeAttribute("value"); // indeterminate until the first page
      else {
        bar.max = Math.max(1, total);
        bar.value = Math.min(fetched, total);
      }
      $("load-all-text").textContent = k().tr.t("all.progress", { fetched, total: total ?? "…" });
    },
    allEnded: () => {
      if (!k().built) return;
      $("load-all-box").hidden = true;
      $("load-all").disabled = false;
    },
    announce: (msg) => announce(el, msg),
    refreshIndicator: () => refreshIndicator(el),
    progress: (id, p, { live = false } = {}) => {
      const slot = slotOf(el, id);
      if (slot) renderProgress(k().tr, slot, p);
      if (!live) return;
      showRunningProgress(el, id, p);
      drawTimeline(el);
    },
    progressError: (id, err) => {
      const slot = slotOf(el, id);
      if (slot) renderProgressError(k().tr, slot, err);
    },
    hasSlot: (id) => Boolean(slotOf(el, id)),
    expandedIds: () => [...$("tasks").querySelectorAll("tr.details-row:not([hidden])")].map((r) => r.dataset.id),
  };
}

function slotOf(el, id) {
  return el.$("tasks").querySelector(`tr.details-row[data-id="${CSS.escape(id)}"]:not([hidden]) .progress-slot`);
}

/** The progress of a running task in its row's end cell ("running · 45 %"). */
function showRunningProgress(el, id, p) {
  const cell = el.$("tasks").querySelector(`tr.task[data-id="${CSS.escape(id)}"] .col-end .running`);
  if (cell && Number.isFinite(p.progress)) cell.textContent = internals.get(el).tr.t("row.runningAt", { p: p.progress });
}

// ---- the form ------------------------------------------------------------------------------

function fillSelect(tr, select, values, labelOf, current) {
  const sig = `${tr.lang}|${values.join(",")}`;
  if (select.dataset.sig !== sig) {
    select.dataset.sig = sig;
    select.replaceChildren(h("option", { value: "" }, tr.t("form.any")), ...values.map((v) => h("option", { value: v }, labelOf(v))));
  }
  select.value = values.includes(current) ? current : "";
}

function fillFilterOptions(el) {
  const { tr, s: { view, tasks } } = internals.get(el);
  const statuses = new Set(TASK_STATUSES);
  const types = new Set(TASK_NAMES);
  for (const x of tasks) {
    if (x.status) statuses.add(x.status);
    if (x.name) types.add(x.name);
  }
  if (view.status) statuses.add(view.status);
  if (view.type) types.add(view.type);
  fillSelect(tr, el.$("status"), [...statuses], (s) => tr.statusLabel(s), view.status);
  fillSelect(tr, el.$("type"), [...types], (n) => tr.typeLabel(n) || n, view.type);
}

/** The form shows the view (range, dates, search, page size, auto-refresh, filters). */
export function stateToForm(el) {
  const { view } = internals.get(el).s;
  const $ = (id) => el.$(id);
  $("range").value = view.range;
  $("from").value = isoToLocalInput(view.from);
  $("to").value = isoToLocalInput(view.to);
  $("custom-from").hidden = $("custom-to").hidden = view.range !== "custom";
  $("search").value = view.search;
  const size = $("page-size");
  const n = el.pageSize;
  if (![...size.options].some((o) => Number(o.value) === n)) {
    size.replaceChildren(...[...new Set([...PAGE_SIZES, n])].sort((a, b) => a - b).map((v) => h("option", { value: String(v) }, String(v))));
  }
  size.value = String(n);
  $("auto-refresh").checked = el.autoRefresh;
  fillFilterOptions(el);
}

export function viewChanged(el) {
  emit(el, "dcs-view-change", { view: el.view, pageSize: el.pageSize });
}

// ---- rows ---------------------------------------------------------------------------------

/** Opens or closes a row's details; opening selects the task (`dcs-select`). */
function toggleRow(el, button, open = button.getAttribute("aria-expanded") !== "true") {
  const k = internals.get(el);
  const s = k.s;
  const id = button.dataset.id;
  const task = s.tasks.find((x) => x.id === id);
  const detailRow = el.$(button.getAttribute("aria-controls"));
  if (!task || !detailRow) return;
  const withProgress = !k.static;
  const label = `${k.tr.typeLabel(task.name) || task.name} ${id}`;
  button.setAttribute("aria-expanded", String(open));
  button.setAttribute("aria-label", k.tr.t(open ? "row.collapse" : "row.expand", { id: label }));
  detailRow.hidden = !open;
  if (open) s.expanded.add(id);
  else {
    s.expanded.delete(id);
    syncWatches(el);
    return;
  }
  detailRow.firstElementChild.replaceChildren(detailsBlock(k.tr, task, { withProgress }));
  if (withProgress && task.enableShow) fillProgress(el, id);
  s.selected = id;
  for (const tr of el.$("tasks").querySelectorAll("tr.task.selected")) tr.classList.remove("selected");
  button.closest("tr").classList.add("selected");
  emit(el, "dcs-select", { task });
}

async function copyTaskId(el, button) {
  const { tr } = internals.get(el);
  const id = button.dataset.id;
  const ok = await copyText(el.shadowRoot, id);
  announce(el, ok ? tr.t("row.copied", { id }) : tr.t("row.copyFailed"));
  button.classList.toggle("copied", ok);
  button.dataset.copied = ok ? "true" : "false";
}

function onTableClick(el, e) {
  const button = e.target.closest("button[data-action]");
  if (button?.dataset.action === "toggle") toggleRow(el, button);
  else if (button?.dataset.action === "copy") copyTaskId(el, button);
  else if (!button && !e.target.closest("a, input, select, textarea, pre, tr.details-row") && !String(globalThis.getSelection?.() ?? "")) {
    // a click anywhere else on a task row opens it (the expand button is the keyboard's way)
    const toggle = e.target.closest("tr.task")?.querySelector("button.expand");
    if (toggle) toggleRow(el, toggle);
  }
}

/** A timeline bar was activated: expand that task's row and bring it into view. */
function openRow(el, id) {
  const button = el.$("tasks").querySelector(`tbody button.expand[data-id="${CSS.escape(id)}"]`);
  if (!button) return;
  if (button.getAttribute("aria-expanded") !== "true") toggleRow(el, button, true);
  button.closest("tr").scrollIntoView({ block: "nearest" });
  button.focus({ preventScroll: true });
}

// ---- events of the shadow DOM -----------------------------------------------------------

/** Wires the controls: filters, paging, "Load all", refresh, the table, the banner, export. */
export function bind(el) {
  const $ = (id) => el.$(id);
  const k = internals.get(el);
  const s = k.s;
  // A change of the view: told to the page, then loaded (a filter searches every task) or drawn.
  const update = (patch) => {
    const before = { ...s.view };
    Object.assign(s.view, patch);
    viewChanged(el);
    followView(el, before);
  };
  $("filters").addEventListener("submit", (e) => e.preventDefault());
  $("range").addEventListener("change", () => {
    const range = $("range").value;
    $("custom-from").hidden = $("custom-to").hidden = range !== "custom";
    update(range === "custom" ? { range, offset: 0 } : { range, from: "", to: "", offset: 0 });
  });
  for (const id of ["from", "to"]) {
    $(id).addEventListener("change", () => update({ [id]: localInputToIso($(id).value), offset: 0 }));
  }
  $("status").addEventListener("change", () => update({ status: $("status").value, offset: 0 }));
  $("type").addEventListener("change", () => update({ type: $("type").value, offset: 0 }));
  // The query takes effect when typing pauses: view, table and timeline together (a watch
  // redrawing the timeline in between must not show a filter the table does not).
  $("search").addEventListener("input", debounce(() => update({ search: $("search").value, offset: 0 }), 150));
  $("page-size").addEventListener("change", () => {
    el.pageSize = Number($("page-size").value); // attributeChangedCallback reloads
    viewChanged(el);
  });
  const page = (offset) => { s.view.offset = offset; viewChanged(el); loadPage(el); };
  $("prev").addEventListener("click", () => page(Math.max(0, s.view.offset - el.pageSize)));
  $("next").addEventListener("click", () => page(s.view.offset + el.pageSize));
  // "Load all" is part of the view (`all`): told to the page (its address keeps it), then done.
  $("back-to-pages").addEventListener("click", () => { s.view.all = false; page(0); });
  $("load-all").addEventListener("click", () => {
    Object.assign(s.view, { all: true, offset: 0 });
    viewChanged(el);
    loadAll(el, { by: "user" });
  });
  $("load-all-cancel").addEventListener("click", () => s.allAbort?.abort());
  $("auto-refresh").addEventListener("change", () => { el.autoRefresh = $("auto-refresh").checked; });
  $("refresh-now").addEventListener("click", () => reload(el));
  $("tasks").addEventListener("click", (e) => onTableClick(el, e));
  $("error-dismiss").addEventListener("click", () => { $("error-banner").hidden = true; });
  $("error-fields").addEventListener("click", async (e) => {
    if (!e.target.closest("button[data-action='copy-request-id']")) return;
    const id = $("error-fields").dataset.requestId;
    const ok = await copyText(el.shadowRoot, id);
    announce(el, ok ? id : k.tr.t("row.copyFailed"));
  });
  $("export-csv").addEventListener("click", () => {
    download(`${baseName(el.instanceId)}.csv`, toCsv(k.tr, shownOf(k)), "text/csv;charset=utf-8");
  });
  $("export-json").addEventListener("click", () => exportJson(el));
}

function exportJson(el) {
  const k = internals.get(el);
  const { view, mode, total } = k.s;
  const paged = mode === "page";
  const meta = {
    instanceId: el.instanceId || undefined,
    query: { ...timeQuery(view), offset: paged ? view.offset : undefined, limit: paged ? el.pageSize : undefined, all: mode === "all" },
    filters: { status: view.status || undefined, type: view.type || undefined, search: view.search || undefined },
    taskCount: total,
  };
  download(`${baseName(el.instanceId)}.json`, toJson(shownOf(k), meta), "application/json");
}

// ---- drawing ------------------------------------------------------------------------------

/** Draws everything from the state, keeping the focus where it was. */
export function render(el) {
  const k = internals.get(el);
  if (!k.built) return;
  const { s, tr } = k;
  const { t } = tr;
  const focusKey = el.shadowRoot.activeElement?.dataset?.focusKey;
  const shown = shownOf(k);
  const table = el.$("tasks");
  table.tHead.replaceChildren(headerRow(tr));
  renderRows(tr, table.tBodies[0], shown, { scope: "t", expanded: s.expanded, withProgress: !k.static });
  if (s.selected) table.querySelector(`tr.task[data-id="${CSS.escape(s.selected)}"]`)?.classList.add("selected");
  for (const row of table.querySelectorAll("tr.details-row:not([hidden])")) fillProgress(el, row.dataset.id);
  drawTimeline(el, shown);
  syncWatches(el);
  for (const [id, p] of s.progress) if (k.watches.has(id)) showRunningProgress(el, id, p);
  fillFilterOptions(el);
  renderCount(el, shown.length);
  renderPager(el);
  const empty = k.static ? "" : !el.instanceId ? t("state.empty") : !s.loaded ? (s.inflight ? t("state.loading") : "") : "";
  el.$("empty").textContent = s.loaded && shown.length === 0 ? t("state.none") : empty;
  table.hidden = shown.length === 0;
  el.$("export-csv").disabled = el.$("export-json").disabled = shown.length === 0;
  el.$("refresh").hidden = Boolean(k.static);
  // Landmarks named after the instance: two elements on one page stay told apart.
  const id = el.instanceId;
  el.$("filters").setAttribute("aria-label", id ? t("filters.labelOf", { id }) : t("filters.label"));
  el.$("tasks-heading").textContent = id ? t("tasks.headingOf", { id }) : t("tasks.heading");
  refreshIndicator(el);
  if (focusKey) el.shadowRoot.querySelector(`[data-focus-key="${CSS.escape(focusKey)}"]`)?.focus();
}

/** Redraws the timeline (on each render, watch update and resize), keeping a focused bar focused. */
export function drawTimeline(el, shown) {
  const k = internals.get(el);
  const box = el.$("timeline");
  const now = Date.now();
  const active = el.shadowRoot.activeElement;
  const focused = box.contains(active) ? active.closest(".bar")?.dataset.taskId : undefined;
  renderTimeline(k.tr, box, k.s.loaded ? shown ?? shownOf(k) : [], {
    ...timelineRange(k.s.view, now), now, onActivate: (id) => openRow(el, id),
    current: focused ?? k.s.current, onCurrent: (id) => { k.s.current = id; },
  });
  if (focused) box.querySelector(`.bar[data-task-id="${CSS.escape(focused)}"]`)?.focus({ preventScroll: true });
}


