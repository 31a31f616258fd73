// Rendering of tasks (table rows, details, progress) and the formatting the table needs, in the
// language of `tr` (an i18n.js translator, one per element). Input is always the package's
// normalized data (Task, TaskProgress): nothing is parsed here.
import { PROXY_CODES, RUNNING_TASK_STATUSES, STEP_STATUSES, TASK_STATUSES, LIMITS } from "./vocab.js";

export { h } from "./dom.js";
import { h } from "./dom.js";

/** The start of a range `span` ms long ending `now`, on the core's step (`LIMITS.rangeStepMs`, a
 * whole minute): views opened within the same minute ask for the same range, so a proxy shares
 * their reads. */
export const rangeStart = (span, now = Date.now()) =>
  new Date(Math.floor((now - span) / LIMITS.rangeStepMs) * LIMITS.rangeStepMs);

/** A small "copy" icon (inline SVG, so no font or file is needed). */
export function copyIcon() {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 16 16");
  svg.setAttribute("width", "14");
  svg.setAttribute("height", "14");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  for (const [x, y] of [[5, 5], [2, 2]]) {
    const r = document.createElementNS(ns, "rect");
    Object.entries({ x, y, width: "9", height: "9", rx: "1.5", fill: "none", stroke: "currentColor", "stroke-width": "1.5" })
      .forEach(([k, v]) => r.setAttribute(k, String(v)));
    svg.append(r);
  }
  return svg;
}

// The statuses that have a badge colour and those of a running task: the package's (vocab.js,
// generated from knownValues()); the package's rule for display text (`revealText`), set by the
// elements once the package is ready.
const KNOWN_STATUS = new Set([...TASK_STATUSES, ...STEP_STATUSES]);
const RUNNING = new Set(RUNNING_TASK_STATUSES);
let REVEAL = (text) => text;
export function useReveal(reveal) {
  REVEAL = reveal;
}

/** Has a task of this status not ended yet? (The core's running statuses.) */
export const isRunning = (status) => RUNNING.has(status);

const PROXY = new Set(PROXY_CODES);
/** The label of an error's `errorCode`: the proxy's own codes (the core's list) are the proxy's. */
export const errorCodeKey = (code) => (PROXY.has(code) ? "error.proxyCode" : "error.errorCode");

/** Display text from DCS (a name) as a person should see it: invisible and reordering
 * characters shown as `[U+XXXX]` (the package's rule, `revealText`), never interpreted. */
export const shown = (text) => REVEAL(text);

/** Parses an ISO-8601 time the package produced; null when absent or unreadable. */
function toDate(iso) {
  if (!iso) return null;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d;
}

/** The date-and-time format of a locale, made once (a new Intl.DateTimeFormat per cell costs
 * milliseconds: thousands of timeline bars took seconds). */
const DATE_TIME = new Map();
function dateTimeFormat(locale) {
  if (!DATE_TIME.has(locale)) {
    DATE_TIME.set(locale, new Intl.DateTimeFormat(locale, {
      year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false,
    }));
  }
  return DATE_TIME.get(locale);
}

/** Local date and time for the cell, and the UTC value for its title. */
export function fmtTime(tr, iso) {
  const d = toDate(iso);
  if (!d) return { text: iso || "—", title: "" };
  return { text: dateTimeFormat(tr.locale).format(d), title: `UTC ${d.toISOString()}` };
}

/** A duration in milliseconds, human-readable ("3 min 20 s"). */
export function fmtDuration(tr, ms) {
  if (!Number.isFinite(ms) || ms < 0) return "—";
  if (ms < 1000) return tr.t("dur.ms", { n: Math.round(ms) });
  const s = ms / 1000;
  if (s < 60) return tr.t("dur.s", { n: s < 10 ? s.toFixed(1) : Math.round(s) });
  const total = Math.round(s);
  const d = Math.floor(total / 86400);
  const hh = Math.floor((total % 86400) / 3600);
  const m = Math.floor((total % 3600) / 60);
  if (d > 0) return tr.t("dur.d", { d, h: hh });
  if (hh > 0) return tr.t("dur.h", { h: hh, m });
  return tr.t("dur.m", { m, s: total % 60 });
}

/** Milliseconds between created and updated, when the task has finished; else null. */
export function durationMs(task) {
  if (RUNNING.has(task.status)) return null;
  const a = toDate(task.createdAt);
  const b = toDate(task.updatedAt);
  return a && b ? b - a : null;
}

/** The end time shown: updatedAt of a task that is no longer running. */
export const endTime = (task) => (RUNNING.has(task.status) ? undefined : task.updatedAt);

const gb = (tr, v) => tr.t("sum.gb", { v: String(v) });
const arrow = (a, b) => (a === b ? String(a) : `${a} → ${b}`);

/**
 * A short summary of the details, built from the fields present (so unknown task names with
 * known fields are summarized too): "0.125 GB → 0.25 GB, single", "port 6379 → 6380", ...
 */
export function summary(tr, task) {
  const d = task.details || {};
  const parts = [];
  if (d.oldCapacity !== undefined || d.newCapacity !== undefined) {
    if (d.oldCapacity !== undefined && d.newCapacity !== undefined) parts.push(`${gb(tr, d.oldCapacity)} → ${gb(tr, d.newCapacity)}`);
    else parts.push(gb(tr, d.newCapacity ?? d.oldCapacity));
  }
  if (d.oldCacheMode || d.newCacheMode) {
    parts.push(d.oldCacheMode && d.newCacheMode ? arrow(d.oldCacheMode, d.newCacheMode) : (d.newCacheMode || d.oldCacheMode));
  }
  if (d.oldCacheType && d.newCacheType && d.oldCacheType !== d.newCacheType) {
    parts.push(tr.t("sum.cacheType", { old: d.oldCacheType, new: d.newCacheType }));
  }
  if (parts.length === 0 && d.oldResourceSpecCode && d.newResourceSpecCode) {
    parts.push(tr.t("sum.spec", { old: d.oldResourceSpecCode, new: d.newResourceSpecCode }));
  }
  if (d.isOnlyAdjustCharging) parts.push(tr.t("sum.chargingOnly"));
  if (d.oldReplicaNum !== undefined && d.newReplicaNum !== undefined) {
    parts.push(tr.t("sum.replicas", { old: d.oldReplicaNum, new: d.newReplicaNum }));
  }
  if (d.replicaIp) parts.push(d.replicaAz ? `${d.replicaIp} @ ${d.replicaAz}` : d.replicaIp);
  if (d.oldPort !== undefined && d.newPort !== undefined) parts.push(tr.t("sum.port", { old: d.oldPort, new: d.newPort }));
  if (d.publicIpAddress || d.enablePublicIp !== undefined) {
    const ip = d.publicIpAddress || "—";
    parts.push(d.enablePublicIp === false ? tr.t("sum.publicIpOff", { ip }) : tr.t("sum.publicIp", { ip }));
    if (d.enableSsl) parts.push(tr.t("sum.ssl"));
  }
  if (d.groupName) parts.push(tr.t("sum.group", { g: d.groupName }));
  if (d.accountName) parts.push(tr.t("sum.account", { a: d.accountName }));
  if (d.nodeName && !d.replicaIp) parts.push(tr.t("sum.node", { n: d.nodeName }));
  if (d.sourceIp && d.targetIp) parts.push(`${d.sourceIp} → ${d.targetIp}`);
  else if (d.sourceIp) parts.push(d.sourceIp);
  if (d.updatedConfigLength !== undefined) parts.push(tr.t("sum.config", { n: d.updatedConfigLength }));
  if (Array.isArray(d.renameCommands) && d.renameCommands.length) parts.push(tr.t("sum.rename", { c: d.renameCommands.join(", ") }));
  return parts.join(", ");
}

/** The text searched by the search box: id, name, both labels, status, user, summary. */
export function searchText(tr, task) {
  return [task.id, task.name, tr.typeLabel(task.name, "en"), tr.typeLabel(task.name, "zh"), task.status,
    tr.statusLabel(task.status, "en"), tr.statusLabel(task.status, "zh"), task.userName, task.userId,
    summary(tr, task)].filter(Boolean).join(" ").toLowerCase();
}

/** The colour class suffix of a status: its name, or `other` when the package does not know it. */
export const statusKind = (status) => (KNOWN_STATUS.has(status) ? String(status).toLowerCase() : "other");

/** A status badge (coloured by status; unknown statuses get a neutral one). */
export function badge(tr, status) {
  return h("span", {
    class: `badge badge-${statusKind(status)}`, part: "status",
    title: status,
  }, tr.statusLabel(status));
}

/** The type's label; in Chinese the English one under it (the term of DCS's documentation). */
function typeCell(tr, name) {
  const main = tr.typeLabel(name);
  if (!main) return h("span", { class: "type" }, h("span", { class: "type-main" }, name));
  return h("span", { class: "type", title: name },
    h("span", { class: "type-main" }, main),
    tr.lang === "zh" ? h("span", { class: "type-alt", lang: "en" }, tr.typeLabel(name, "en")) : null);
}

function timeCell(tr, label, iso, extraClass) {
  const { text, title } = fmtTime(tr, iso);
  return h("td", { "data-label": label, class: extraClass },
    iso ? h("time", { datetime: iso, title }, text) : "—");
}

/** A DOM-safe id fragment for a task in a table (`scope` keeps two tables apart). */
export const rowKey = (scope, task, index) => `${scope}-${index}-${String(task.id).replace(/[^A-Za-z0-9_-]/g, "_")}`;

/**
 * The two rows of a task: the summary row and its (hidden unless expanded) details row.
 * opts: { scope, index, expanded: boolean, withProgress: boolean (a slot for showTaskProgress) }.
 */
export function taskRows(tr, task, { scope, index, expanded, withProgress = true }) {
  const key = rowKey(scope, task, index);
  const detailsId = `${key}-details`;
  // The first 8 characters, plus the last 4: IDs of one instance share their start.
  const id = String(task.id);
  const shortId = id.length > 14 ? `${id.slice(0, 8)}…${id.slice(-4)}` : id;
  const label = tr.typeLabel(task.name) || task.name;
  const dur = durationMs(task);
  const row = h("tr", {
    class: `task status-${statusKind(task.status)}`, part: "row",
    dataset: { id: task.id, taskId: task.id, key, status: task.status, name: task.name, show: String(Boolean(task.enableShow)) },
  },
    h("td", { class: "col-expand", "data-label": tr.t("col.expand") },
      h("button", {
        type: "button", class: "expand", "aria-expanded": String(Boolean(expanded)), "aria-controls": detailsId,
        "aria-label": tr.t(expanded ? "row.collapse" : "row.expand", { id: `${label} ${task.id}` }),
        dataset: { action: "toggle", id: task.id, focusKey: `${key}-toggle` },
      }, h("span", { class: "chevron", "aria-hidden": "true" }, "▸"))),
    h("td", { class: "col-type", "data-label": tr.t("col.type") }, typeCell(tr, task.name)),
    h("td", { class: "col-status", "data-label": tr.t("col.status") }, badge(tr, task.status)),
    h("td", { class: "col-user", "data-label": tr.t("col.user") }, shown(task.userName) || "—"),
    timeCell(tr, tr.t("col.start"), task.createdAt, "col-start"),
    RUNNING.has(task.status)
      ? h("td", { class: "col-end", "data-label": tr.t("col.end") },
        task.updatedAt ? h("span", { class: "muted running", title: fmtTime(tr, task.updatedAt).title }, tr.t("row.running")) : "—")
      : timeCell(tr, tr.t("col.end"), task.updatedAt, "col-end"),
    h("td", { class: "col-duration", "data-label": tr.t("col.duration") }, dur === null ? "—" : fmtDuration(tr, dur)),
    h("td", { class: "col-summary", "data-label": tr.t("col.summary") }, summary(tr, task) || "—"),
    h("td", { class: "col-id", "data-label": tr.t("col.id") },
      h("span", { class: "id-wrap" },
        h("code", { title: task.id, class: "task-id" }, shortId),
        h("button", {
          type: "button", class: "copy", "aria-label": tr.t("row.copy", { id: task.id }), title: tr.t("row.copy", { id: task.id }),
          dataset: { action: "copy", id: task.id, focusKey: `${key}-copy` },
        }, copyIcon()))),
  );
  row.querySelector(".expand").title = label;
  const detailRow = h("tr", { class: "details-row", part: "details", id: detailsId, hidden: !expanded, dataset: { id: task.id } },
    h("td", { colspan: "9" }, expanded ? detailsBlock(tr, task, { withProgress }) : null));
  return [row, detailRow];
}

/** Every field of a task, as a definition list, and (withProgress) a slot for its progress. */
export function detailsBlock(tr, task, { withProgress = true } = {}) {
  const dl = h("dl", { class: "fields" });
  const add = (k, v) => {
    if (v === undefined || v === null || v === "") return;
    dl.append(h("dt", {}, k), h("dd", {}, v));
  };
  add(tr.t("details.id"), h("code", {}, task.id));
  add(tr.t("details.name"), `${task.name}${tr.typeLabel(task.name) ? ` (${tr.typeLabel(task.name, "en")} / ${tr.typeLabel(task.name, "zh")})` : ""}`);
  add(tr.t("details.status"), badge(tr, task.status));
  add(tr.t("details.userName"), shown(task.userName));
  add(tr.t("details.userId"), task.userId && h("code", {}, task.userId));
  add(tr.t("details.createdAt"), task.createdAt);
  add(tr.t("details.updatedAt"), task.updatedAt);
  if (task.enableShow !== undefined) add(tr.t("details.enableShow"), tr.t(task.enableShow ? "yes" : "no"));
  if (task.params) add(tr.t("details.params"), h("pre", { class: "params" }, prettyParams(task.params)));
  const d = task.details || {};
  const keys = Object.keys(d);
  const detailsDl = h("dl", { class: "fields detail-fields" });
  for (const k of keys) {
    const v = d[k];
    detailsDl.append(h("dt", {}, h("code", {}, k)),
      h("dd", {}, Array.isArray(v) ? v.join(", ") : typeof v === "boolean" ? tr.t(v ? "yes" : "no") : String(v)));
  }
  return h("div", { class: "details" },
    h("div", { class: "details-cols" },
      h("section", {}, h("h3", {}, tr.t("details.title")), dl),
      h("section", {}, h("h3", {}, tr.t("details.fields")), keys.length ? detailsDl : h("p", { class: "muted" }, tr.t("details.none")))),
    task.enableShow && withProgress ? h("section", { class: "progress-slot", "aria-live": "polite" },
      h("h3", {}, tr.t("progress.title")), h("p", { class: "muted" }, tr.t("progress.loading"))) : null);
}

function prettyParams(s) {
  try {
    return JSON.stringify(JSON.parse(s), null, 2);
  } catch {
    return s;
  }
}

function fmtStepTime(tr, s) {
  if (!s) return "—";
  const f = fmtTime(tr, s);
  return f.title ? h("time", { datetime: s, title: f.title }, f.text) : s;
}

/** The progress of a task (TaskProgress from showTaskProgress) into `slot`. */
export function renderProgress(tr, slot, p) {
  const pct = Number.isFinite(p.progress) ? Math.max(0, Math.min(100, p.progress)) : null;
  const head = h("div", { class: "progress-head" },
    pct === null ? null : h("progress", { max: "100", value: String(pct), "aria-label": tr.t("progress.percent", { p: pct }) }),
    pct === null ? null : h("span", {}, tr.t("progress.percent", { p: pct })),
    Number.isFinite(p.remainTime) && p.remainTime > 0
      ? h("span", { class: "muted" }, tr.t("progress.remain", { t: fmtDuration(tr, p.remainTime * 1000) })) : null);
  const steps = p.stepDetails || [];
  const list = h("ol", { class: "steps" }, steps.map((s) => h("li", { class: "step" },
    h("div", { class: "step-line" },
      s.stepStatus ? badge(tr, s.stepStatus) : null,
      h("strong", {}, s.stepName || `${tr.t("progress.step")} ${s.stepId ?? ""}`),
      h("span", { class: "muted step-times" }, fmtStepTime(tr, s.beginTime), " → ", fmtStepTime(tr, s.endTime)),
      s.errorCode ? h("span", { class: "err-code" }, `${tr.t("progress.error")}: ${s.errorCode}`) : null),
    (s.subStepDetails || []).length ? h("ol", { class: "substeps" }, s.subStepDetails.map((u) => h("li", { class: "substep" },
      u.subStepStatus ? badge(tr, u.subStepStatus) : null,
      h("span", {}, u.subStepName || u.subStepId || ""),
      h("span", { class: "muted step-times" }, fmtStepTime(tr, u.beginTime), " → ", fmtStepTime(tr, u.endTime)),
      u.detail ? h("span", { class: "sub-detail" }, u.detail) : null,
      u.errorCode ? h("span", { class: "err-code" }, `${tr.t("progress.error")}: ${u.errorCode}`) : null))) : null)));
  slot.replaceChildren(h("h3", {}, tr.t("progress.title")), head, steps.length ? list : h("p", { class: "muted" }, tr.t("progress.none")));
}

/** A progress slot that could not be filled. */
export function renderProgressError(tr, slot, err) {
  slot.replaceChildren(h("h3", {}, tr.t("progress.title")),
    h("p", { class: "inline-error" }, `${tr.t("progress.failed")}: ${err.code || err.name}: ${err.message}`,
      err.requestId ? ` (${tr.t("error.requestId")} ${err.requestId})` : ""));
}

/** Fills a tbody with the rows of `tasks`; `expanded` is a Set of task ids. */
export function renderRows(tr, tbody, tasks, { scope, expanded, withProgress = true }) {
  const frag = document.createDocumentFragment();
  tasks.forEach((task, index) => frag.append(...taskRows(tr, task, { scope, index, expanded: expanded.has(task.id), withProgress })));
  tbody.replaceChildren(frag);
}

/** The header row of a task table. */
export function headerRow(tr) {
  return h("tr", {},
    ["col.expand", "col.type", "col.status", "col.user", "col.start", "col.end", "col.duration", "col.summary", "col.id"]
      .map((k) => h("th", { scope: "col", class: k.replace("col.", "col-") }, k === "col.expand" ? h("span", { class: "sr-only" }, tr.t(k)) : tr.t(k))));
}
