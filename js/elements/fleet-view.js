// <dcs-fleet>'s view: the toolbar, the banners (error, stale), the summary and attention list, the
// table of instances and the lanes, drawn from the core's summary (k.summary, k.rows: ranked
// InstanceHealth joined with each listing's entry). It renders; the core decided.
import { h } from "./dom.js";
import { badge, fmtTime, isRunning, shown } from "./render.js";
import { axisEnd } from "./timeline.js";
import { CONCERN_KINDS, TIME_RANGES } from "./vocab.js";
import { renderAttention, renderSummary } from "./fleet-attention.js";
import { renderLanes } from "./fleet-timeline.js";
import { RANGES } from "./fleet-load.js";

const COLUMNS = ["instance", "status", "engine", "capacity", "executing", "failed", "succeeded", "last"];
const clock = (tr, d) => d.toLocaleTimeString(tr.locale, { hour12: false });

/** The rows the filters let through, in the core's order. */
export function shownRows(k) {
  const q = k.filter.name.trim().toLowerCase();
  const { status, concern } = k.filter;
  return k.rows.filter((r) => (!status || r.instance.status === status)
    && (!concern || (concern === "running" ? r.health.counts.running > 0 : r.health.concerns.some((c) => c.kind === concern)))
    && (!q || `${r.instance.name} ${r.instance.instanceId}`.toLowerCase().includes(q)));
}

/** Everything but the lanes (and the lanes too unless `lanes` is false). */
export function render(el, k, { lanes = true } = {}) {
  if (!k.built) return;
  const { t } = k.tr;
  const $ = (id) => el.$(id);
  $("range").value = el.range;
  if (el.shadowRoot.activeElement !== $("name")) $("name").value = k.filter.name;
  fillStatus(k, $("status"));
  fillConcern(k, $("concern"));
  const rows = shownRows(k);
  const now = Date.now();
  renderSummary(k.tr, $("summary"), { summary: k.summary, since: k.since, filter: k.filter.concern });
  const n = renderAttention(k.tr, $("attention"), k.rows, { summary: k.summary, now });
  $("attention-none").hidden = !k.summary || n > 0 || Boolean(k.abort && !k.updated);
  const table = $("fleet");
  table.tHead.replaceChildren(h("tr", {}, COLUMNS.map((c) => h("th", { scope: "col", class: `col-${c}` }, t(`fleet.col.${c}`)))));
  table.tBodies[0].replaceChildren(...rows.map((r) => row(k.tr, r)));
  table.hidden = rows.length === 0;
  const failed = k.summary?.totals.unreachable ?? 0;
  const has = Boolean(k.summary);
  $("count").textContent = has ? t("fleet.count", { n: k.rows.length, range: t(`range.${el.range}`) })
    + (failed ? ` · ${t("fleet.countFailed", { n: failed })}` : "") + (rows.length !== k.rows.length ? ` · ${t("count.filtered", { shown: rows.length })}` : "") : "";
  $("count").dataset.total = String(k.rows.length);
  $("updated").textContent = k.abort && k.updated ? t("fleet.refreshing") : k.updated ? t("fleet.updated", { time: clock(k.tr, k.updated) }) : "";
  liveLine(el, k);
  stale(el, k);
  if (!k.abort && has && rows.length === 0) $("empty").textContent = t(k.rows.length ? "state.none" : "fleet.none");
  else if (rows.length) $("empty").textContent = "";
  if (lanes) drawLanes(el, k, rows, now);
}

function liveLine(el, k) {
  const s = el.refreshInterval;
  el.$("live-line").textContent = k.tr.t(k.paused ? "fleet.live.paused" : s ? "fleet.live" : "fleet.live.off", { s });
}

/** The stale banner: the data of the last success, failing since when, and why. */
function stale(el, k) {
  const box = el.$("stale-banner");
  box.hidden = k.state !== "stale";
  if (box.hidden) return;
  const { t } = k.tr;
  const e = k.lastError ?? {};
  el.$("stale-title").textContent = t("fleet.stale", { time: k.updated ? clock(k.tr, k.updated) : "—", since: clock(k.tr, k.failedSince) });
  el.$("stale-message").textContent = `${e.code ?? e.name ?? ""}${e.status ? ` ${e.status}` : ""}${e.errorCode ? ` ${e.errorCode}` : ""}: ${e.errorMsg || e.message || ""}`
    + (el.refreshInterval ? ` ${t("fleet.stale.retry", { s: el.refreshInterval })}` : "");
  box.dataset.since = k.failedSince.toISOString();
}

/** The instance statuses present, as filter options (their labels). */
function fillStatus(k, sel) {
  const statuses = [...new Set([...k.rows.map((r) => r.instance.status), ...(k.filter.status ? [k.filter.status] : [])])].sort();
  const sig = `${k.tr.lang}|${statuses.join(",")}`;
  if (sel.dataset.sig !== sig) {
    sel.dataset.sig = sig;
    sel.replaceChildren(h("option", { value: "" }, k.tr.t("form.any")), ...statuses.map((s) => h("option", { value: s }, k.tr.instanceStatusLabel(s))));
  }
  sel.value = k.filter.status;
}

/** What is shown: every instance, or those behind one of the summary's counts. */
function fillConcern(k, sel) {
  const { t } = k.tr;
  const sig = k.tr.lang;
  if (sel.dataset.sig !== sig) {
    sel.dataset.sig = sig;
    sel.replaceChildren(h("option", { value: "" }, t("fleet.concern.any")),
      ...[...CONCERN_KINDS, "running"].map((c) => h("option", { value: c }, t(`fleet.summary.${c}`, { n: "" }).trim())));
  }
  sel.value = k.filter.concern;
}

function row(tr, r) {
  const { t } = tr;
  const i = r.instance;
  const c = r.health.counts;
  const attention = r.health.concerns.length > 0;
  const n = (v, kind) => h("td", { class: `col-${kind} num`, "data-label": t(`fleet.col.${kind}`) },
    r.error ? "—" : h("span", { class: v > 0 ? `count-${kind}` : "muted" }, String(v)));
  return h("tr", {
    class: `instance${attention ? ` attention kind-${r.health.concerns[0].kind}` : ""}`, part: "row",
    dataset: { instanceId: i.instanceId, status: i.status, rank: String(r.health.rank), attention: String(attention) },
  },
    h("td", { class: "col-instance", "data-label": t("fleet.col.instance") }, h("div", { class: "instance-cell" },
      h("button", { type: "button", class: "link", dataset: { instanceId: i.instanceId }, "aria-label": t("fleet.open", { name: shown(i.name) || i.instanceId }) }, shown(i.name) || i.instanceId),
      h("code", { class: "instance-id", title: i.instanceId }, i.instanceId))),
    h("td", { class: "col-status", "data-label": t("fleet.col.status") },
      h("span", { class: `badge badge-${r.health.statusKind}`, part: "status", title: i.status }, tr.instanceStatusLabel(i.status))),
    h("td", { class: "col-engine", "data-label": t("fleet.col.engine") }, [i.engine, i.engineVersion].filter(Boolean).join(" ") || "—"),
    h("td", { class: "col-capacity num", "data-label": t("fleet.col.capacity") }, i.capacity === undefined ? "—" : t("sum.gb", { v: String(i.capacity) })),
    n(c.running, "executing"), n(c.failed, "failed"), n(c.succeeded, "succeeded"),
    h("td", { class: "col-last", "data-label": t("fleet.col.last") }, last(tr, r)));
}

function last(tr, r) {
  if (r.error) {
    const e = r.error;
    return h("span", { class: "inline-error", dataset: { code: e.code ?? "" } }, `${e.code ?? e.name}${e.status ? ` ${e.status}` : ""}: ${e.errorMsg || e.message}`);
  }
  const l = r.health.lastTask;
  if (!l) return h("span", { class: "muted" }, tr.t("fleet.noTasks"));
  const when = l.createdAt ? fmtTime(tr, l.createdAt) : null;
  return h("span", { class: "last" }, tr.typeLabel(l.name) || l.name, " ", badge(tr, l.status), " ",
    when ? h("time", { datetime: l.createdAt, title: when.title }, when.text) : null);
}

/** The load box: shown while the first listing runs (a refresh keeps the data on screen). */
export function progress(el, k, done, total) {
  const bar = el.$("load-progress");
  el.$("load-box").hidden = false;
  if (total === undefined) bar.removeAttribute("value");
  else {
    bar.max = Math.max(1, total);
    bar.value = done;
  }
  el.$("load-text").textContent = k.tr.t("fleet.loading", { done, total: total ?? "…" });
}

/** The listing failed: the error banner (with no data) or the stale banner (the data kept). */
export function showError(el, k, err) {
  const { t } = k.tr;
  el.$("load-box").hidden = true;
  const banner = el.$("error-banner");
  banner.hidden = k.state !== "error";
  if (banner.hidden) return render(el, k, { lanes: false });
  el.$("error-message").textContent = err.errorMsg || err.message || String(err);
  const rows = [];
  for (const [key, v] of [["error.code", err.code || err.name], ["error.status", err.status], ["fleet.error.errorCode", err.errorCode], ["error.requestId", err.requestId]]) {
    if (v !== undefined && v !== null && v !== "") rows.push(h("dt", {}, t(key)), h("dd", {}, h("code", { dataset: { field: key } }, String(v))));
  }
  el.$("error-fields").replaceChildren(...rows);
  el.$("empty").textContent = "";
  render(el, k, { lanes: false });
}

/**
 * The lanes' axis: the range; for "all", the tasks' span, where a task still running long
 * after the others ended (a stale EXECUTING) does not stretch it to now (its bar runs to the
 * right edge), as in the task timeline.
 */
function axis(range, rows, now) {
  if (RANGES[range]) return { from: now - RANGES[range], to: now };
  let lo = Infinity;
  let hi = -Infinity;
  let running = false;
  for (const r of rows) {
    for (const task of r.tasks) {
      const a = Date.parse(task.createdAt ?? "");
      if (!Number.isFinite(a)) continue;
      const live = isRunning(task.status);
      const b = live ? a : Math.max(a, Date.parse(task.updatedAt ?? "") || a);
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

export function drawLanes(el, k, rows, now = Date.now()) {
  k.lanesAt = now;
  const box = el.$("timeline");
  const active = el.shadowRoot.activeElement;
  const focused = box.contains(active) ? `${active.dataset.instanceId}/${active.dataset.taskId}` : undefined;
  const drawn = rows.filter((r) => !r.error);
  renderLanes(k.tr, box, drawn, {
    ...axis(el.range, drawn, now), now, onActivate: (id) => k.select(id),
    current: focused ?? k.current, onCurrent: (key) => { k.current = key; },
  });
  if (focused) {
    const [iid, tid] = focused.split("/");
    box.querySelector(`.bar[data-instance-id="${CSS.escape(iid)}"][data-task-id="${CSS.escape(tid)}"]`)?.focus({ preventScroll: true });
  }
}
