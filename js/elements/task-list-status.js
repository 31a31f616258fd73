// <dcs-task-list>'s status lines, drawn from the element's state: the count (what the filters
// searched), the pager, the live-refresh line (when the data is from, or that a refresh
// failed), the error banner and the announcements of the live region.
import { errorCodeKey, h, isRunning } from "./render.js";
import { emit } from "./shared.js";
import { internals, isFiltered, REFRESH_MS, visibleTasks } from "./task-list-state.js";

const shownOf = (k) => visibleTasks(k.tr, k.s.view, k.s.tasks);

export function announce(el, msg) {
  const live = el.$("live");
  live.textContent = "";
  setTimeout(() => { live.textContent = msg; }, 30);
}

// ---- errors -------------------------------------------------------------------------------

/** Shows `err` in the banner and tells the page (`dcs-error`). */
export function fail(el, err, context) {
  showError(el, err, context);
  emit(el, "dcs-error", { error: err });
}

function showError(el, err, context) {
  const { t } = internals.get(el).tr;
  const rows = [];
  const add = (key, value, extra) => {
    if (value === undefined || value === null || value === "") return;
    rows.push(h("dt", {}, t(key)), h("dd", {}, h("code", { dataset: { field: key } }, String(value)), extra));
  };
  add("error.code", err.code || err.name);
  add("error.status", err.status);
  // the proxy's own codes (UPSTREAM_UNREACHABLE, ...) are the proxy's, not DCS's
  add(errorCodeKey(err.errorCode), err.errorCode);
  add("error.requestId", err.requestId, err.requestId
    ? h("button", { type: "button", class: "ghost small", dataset: { action: "copy-request-id" } }, t("error.copyRequestId")) : null);
  add("error.field", err.field);
  add("error.path", err.path);
  const fields = el.$("error-fields");
  fields.replaceChildren(...rows);
  fields.dataset.requestId = err.requestId || "";
  el.$("error-title").textContent = context || t("error.title");
  el.$("error-message").textContent = err.errorMsg || err.message || String(err);
  const banner = el.$("error-banner");
  banner.hidden = false;
  banner.dataset.code = err.code || "";
}

// ---- the toolbar --------------------------------------------------------------------------

/** The live-refresh line, and when the data shown is from (or that the last refresh failed). */
export function refreshIndicator(el) {
  const { tr, s } = internals.get(el);
  const { t } = tr;
  const n = s.loaded ? shownOf(internals.get(el)).filter((x) => isRunning(x.status)).length : 0;
  const st = !el.autoRefresh ? "off" : n > 0 ? "active" : "idle";
  el.$("refresh-indicator").dataset.state = st;
  el.$("refresh-text").textContent = st === "active" ? t("refresh.active", { n, s: REFRESH_MS / 1000 }) : t(`refresh.${st}`);
  const time = (d) => d.toLocaleTimeString(tr.locale, { hour12: false });
  const updated = el.$("updated");
  updated.dataset.state = s.failedAt ? "failed" : s.lastUpdated ? "updated" : "";
  // after a failed refresh the data shown is not "updated": say when it is from (the banner says why)
  if (s.failedAt) updated.textContent = s.lastUpdated && s.loaded ? t("refresh.failed", { time: time(s.failedAt), updated: time(s.lastUpdated) }) : "";
  else updated.textContent = s.lastUpdated ? t("refresh.updated", { time: time(s.lastUpdated) }) : "";
}

/** "1–20 of 76 tasks"; with a filter, how many of how many tasks searched it found. */
export function renderCount(el, shownCount) {
  const { tr, s } = internals.get(el);
  const { t } = tr;
  const out = el.$("count");
  const filtered = isFiltered(s.view);
  if (!s.loaded) {
    out.textContent = filtered && s.allAbort ? t("count.searching") : "";
    return;
  }
  let text;
  if (filtered && s.mode !== "page") text = searchedText(tr, s, shownCount);
  else if (s.mode === "static") text = t("count.static", { n: s.tasks.length });
  else if (s.mode === "all") text = s.partial ? t("count.partial", { n: s.tasks.length, total: s.total }) : t("count.all", { total: s.tasks.length });
  else if (s.tasks.length === 0) text = t("count.page", { from: 0, to: 0, total: s.total });
  else text = t("count.page", { from: s.view.offset + 1, to: s.view.offset + s.tasks.length, total: s.total });
  // a page shown while every task is being searched
  if (filtered && s.mode === "page") text = s.allAbort ? t("count.searching") : `${text} · ${t("count.filtered", { shown: shownCount })}`;
  out.textContent = text;
  out.dataset.shown = String(shownCount);
  out.dataset.total = String(s.total);
  out.dataset.searched = String(s.tasks.length);
}

/** "11 failed of 76 tasks searched" (a status only), "3 match of 76 tasks searched". */
function searchedText(tr, s, shown) {
  const { status, type, search } = s.view;
  const total = s.tasks.length;
  if (s.partial) return tr.t("count.searchedPartial", { shown, n: total, total: s.total });
  if (status && !type && !search.trim()) {
    return tr.t("count.searchedStatus", { shown, total, status: tr.statusLabel(status).toLocaleLowerCase(tr.locale) });
  }
  return tr.t("count.searched", { shown, total });
}

export function renderPager(el) {
  const k = internals.get(el);
  const s = k.s;
  const paged = s.mode === "page";
  const limit = el.pageSize;
  el.$("pager").hidden = !paged || !s.loaded;
  // while a filter is set every task is searched: there are no pages to go back to
  el.$("back-to-pages").hidden = s.mode !== "all" || isFiltered(s.view);
  el.$("load-all").hidden = Boolean(k.static) || (!s.loaded && !el.instanceId);
  const pages = Math.max(1, Math.ceil(s.total / limit));
  el.$("page-info").textContent = k.tr.t("page.of", { page: Math.floor(s.view.offset / limit) + 1, pages });
  el.$("prev").disabled = s.view.offset === 0;
  el.$("next").disabled = s.view.offset + limit >= s.total;
}
