// <dcs-task-list>'s state and the pure rules of its view: what each element keeps (reached by
// its modules through `internals`, never by the page), the view's cleaning, the time query, and
// the filters. No DOM here.
import { isRunning, rangeStart, searchText } from "./render.js";
import { TIME_RANGES } from "./vocab.js";

/** Live refresh period while a running task cannot be watched, and the watches' interval. */
export const REFRESH_MS = 5000;
/** The page sizes offered (the attribute takes any from 1 to the API's largest page). */
export const PAGE_SIZES = [10, 20, 50, 100];
export const DEFAULT_LIMIT = 20;
/** Most tasks watched at once (a page of running tasks; the rest wait for the next list). */
export const MAX_WATCHES = 20;

/** Each element's state (module-private: the page sees only the element's API). */
export const internals = new WeakMap();

/** A task that has not ended. */
export const runs = (task) => isRunning(task?.status);

/** A view ({ range, from, to, status, type, search, offset, all }) with every value checked. */
export function cleanView(v = {}) {
  const range = TIME_RANGES[v.range] || v.range === "custom" ? v.range : "all";
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
    all: v.all === true,
  };
}

/** Is a filter (status, type, search) set? It answers for every task of the range, not a page. */
export const isFiltered = (view) => Boolean(view.status || view.type || view.search.trim());

/** Does the view ask for every task of the range ("Load all", or a filter set), not a page? */
export const wantsAll = (view) => view.all || isFiltered(view);

/** The range a view asks for ("custom" without bounds asks what "all" does). */
export const rangeKey = (v) => (v.range === "custom" && !v.from && !v.to ? "all" : `${v.range}|${v.from}|${v.to}`);

/**
 * A fresh element's state. `mode`: what `tasks` holds ("page", "all", "static"); `allBy`: why
 * every task is loaded or loading ("user": "Load all", "filter": a filter is set; null: pages).
 */
export function newState() {
  return {
    view: cleanView(), mode: "page", allBy: null, failedAt: null, loaded: false, tasks: [], total: 0, partial: false,
    expanded: new Set(), progress: new Map(), refreshTimer: null, inflight: null, allAbort: null,
    seq: 0, lastUpdated: null, current: undefined, selected: undefined, timelineWidth: 0,
  };
}

/** startTime/endTime for the package (which validates them: start after end is its error). */
export function timeQuery(view) {
  if (TIME_RANGES[view.range]) return { startTime: rangeStart(TIME_RANGES[view.range]) };
  if (view.range !== "custom") return {};
  const q = {};
  if (view.from) q.startTime = view.from;
  if (view.to) q.endTime = view.to;
  return q;
}

/** The time-range filter's bounds (epoch ms) for the timeline's axis. */
export function timelineRange(view, now) {
  if (TIME_RANGES[view.range]) return { from: now - TIME_RANGES[view.range], to: now };
  if (view.range !== "custom") return {};
  return { from: view.from ? Date.parse(view.from) : undefined, to: view.to ? Date.parse(view.to) : undefined };
}

/** The tasks the filters (status, type, search) let through. */
export function visibleTasks(tr, view, tasks) {
  const { status, type, search } = view;
  const q = search.trim().toLowerCase();
  return tasks.filter((x) => (!status || x.status === status) && (!type || x.name === type)
    && (!q || searchText(tr, x).includes(q)));
}

// datetime-local values are local time; the view keeps UTC ISO strings.
export function isoToLocalInput(iso) {
  const d = new Date(iso);
  if (!iso || Number.isNaN(d.getTime())) return "";
  const pad = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}
export function localInputToIso(v) {
  const d = new Date(v); // "YYYY-MM-DDTHH:mm[:ss]" without a zone is local time
  return !v || Number.isNaN(d.getTime()) ? "" : d.toISOString();
}
