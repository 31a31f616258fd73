// <dcs-task-list>'s controller: loading the tasks (a page, "Load all", the refresh of the "all"
// view), the live refresh while tasks run, and the progress watches (watchTaskProgress). No DOM:
// what it learns it hands to the view through the element's `k.view` (task-list-view.js).
import { mergeFirstPage } from "../dcs_tasks.js";
import { emit } from "./shared.js";
import { internals, MAX_WATCHES, rangeKey, REFRESH_MS, runs, timeQuery, visibleTasks, wantsAll } from "./task-list-state.js";
import { LIMITS } from "./vocab.js";

const shownTasks = (el, k) => visibleTasks(k.tr, k.s.view, k.s.tasks);

/** The tasks arrived: kept, drawn, and told to the page (`dcs-load`). */
function loaded(el, tasks, total, mode) {
  const k = internals.get(el);
  const s = k.s;
  s.mode = mode;
  s.tasks = tasks;
  s.total = total;
  s.loaded = true;
  updated(k);
  el.dataset.state = "ready";
  k.view.render();
  refreshExpandedProgress(el, mode === "all");
  emit(el, "dcs-load", { instanceId: el.instanceId, taskCount: total, tasks: [...tasks] });
}

/** A load answered: the time shown, and the watches an outage stopped may start again. */
function updated(k) {
  k.s.lastUpdated = new Date();
  k.s.failedAt = null;
  k.erred.clear();
}

/** One page at the view's offset (silent: an auto-refresh, the table stays as it is meanwhile). */
export async function loadPage(el, { silent = false } = {}) {
  const k = internals.get(el);
  const s = k.s;
  const client = el.client;
  if (!client || !el.instanceId || k.static) return;
  cancelLoadAll(el);
  s.inflight?.abort();
  s.allBy = null;
  s.view.all = false;
  const ac = new AbortController();
  s.inflight = ac;
  const seq = ++s.seq;
  stopRefreshTimer(k);
  if (!silent) k.view.busy(true);
  if (!silent) el.dataset.state = "loading";
  try {
    const list = await client.listTasks(el.instanceId,
      { offset: s.view.offset, limit: el.pageSize, ...timeQuery(s.view) }, { signal: ac.signal });
    if (seq !== s.seq) return;
    s.partial = false;
    k.view.clearError();
    loaded(el, list.tasks, list.taskCount, "page");
  } catch (err) {
    if (seq !== s.seq || err?.code === "ABORTED") return;
    s.failedAt = new Date();
    el.dataset.state = silent && s.loaded ? "stale" : "error"; // a failed refresh keeps the table
    k.view.fail(err);
    if (!silent) {
      s.inflight = null;
      s.tasks = [];
      s.total = 0;
      s.loaded = false;
      k.view.render();
    }
  } finally {
    if (seq === s.seq) {
      s.inflight = null;
      k.view.busy(false);
      scheduleRefresh(el);
    }
  }
}

/**
 * Every task in the range (listAllTasks, within its bounds), with its progress shown;
 * cancelable. `by`: "user" ("Load all") or "filter" (a filter answers for every task).
 */
export async function loadAll(el, { by = "user" } = {}) {
  const k = internals.get(el);
  const s = k.s;
  const client = el.client;
  if (!client || !el.instanceId || k.static) return;
  s.inflight?.abort();
  cancelLoadAll(el);
  stopRefreshTimer(k);
  const seq = ++s.seq;
  const ac = new AbortController();
  s.allAbort = ac;
  s.allBy = by;
  s.view.all = by === "user";
  k.view.allProgress(0, undefined);
  k.view.render();
  el.dataset.state = "loading";
  let broke = false;
  let total = 0;
  const got = [];
  const onPage = ({ fetched, total: n }) => {
    total = n;
    k.view.allProgress(fetched, n);
  };
  try {
    for await (const task of client.listAllTasks(el.instanceId, { ...timeQuery(s.view), pageSize: LIMITS.listAllPageSize }, { signal: ac.signal, onPage })) {
      got.push(task);
    }
    if (seq !== s.seq) return;
    s.partial = false;
    k.view.clearError();
  } catch (err) {
    if (seq !== s.seq) return;
    broke = err?.code !== "ABORTED";
    if (!broke) k.view.announce(k.tr.t("all.cancelled"));
    else {
      s.failedAt = new Date();
      k.view.fail(err);
    }
    s.partial = err?.code === "ABORTED" || got.length > 0;
  }
  if (seq !== s.seq) return;
  s.allAbort = null;
  k.view.allEnded();
  loaded(el, got, s.partial ? Math.max(total, got.length) : got.length, "all");
  if (broke) el.dataset.state = got.length ? "stale" : "error";
  scheduleRefresh(el);
}

export function cancelLoadAll(el) {
  const k = internals.get(el);
  k.s.allAbort?.abort();
  k.s.allAbort = null;
  k.view.allEnded();
}

/** Auto-refresh of the "all" view: the first page again, merged into what is shown. */
async function refreshAllView(el) {
  const k = internals.get(el);
  const s = k.s;
  const seq = s.seq;
  try {
    const list = await el.client.listTasks(el.instanceId, { offset: 0, limit: LIMITS.listAllPageSize, ...timeQuery(s.view) });
    if (seq !== s.seq || s.mode !== "all") return;
    const merged = mergeFirstPage(s.tasks, s.total, list); // the core's merge: new first, each ID once
    s.tasks = merged.tasks;
    s.total = merged.total;
    updated(k);
    k.view.clearError();
    k.view.render();
    refreshExpandedProgress(el, true);
  } catch (err) {
    if (seq !== s.seq) return;
    s.failedAt = new Date();
    el.dataset.state = "stale";
    k.view.fail(err);
  } finally {
    if (seq === s.seq) scheduleRefresh(el);
  }
}

/** Asks again what is shown: the page, or every task ("Load all", or a filter set). */
export function reload(el) {
  const k = internals.get(el);
  const s = k.s;
  if (k.static) return k.view.render();
  if (wantsAll(s.view)) return loadAll(el, { by: s.view.all ? "user" : "filter" });
  return loadPage(el);
}

/**
 * The view changed (a control, or the `view` property): loads what it needs, else redraws. A
 * filter answers for every task of the range, so setting one loads them all (once per range);
 * clearing the last one goes back to the pages, unless "Load all" (`all`) is asked.
 */
export function followView(el, before) {
  const k = internals.get(el);
  const s = k.s;
  const v = s.view;
  if (k.static || !(s.loaded || s.inflight || s.allAbort)) return k.view.render();
  const range = rangeKey(v) !== rangeKey(before);
  if (wantsAll(v) ? range || !s.allBy : range || s.allBy || v.offset !== before.offset) return reload(el);
  // every task is already there (or on its way): only why changes
  if (s.allBy) s.allBy = v.all ? "user" : "filter";
  k.view.render();
  scheduleRefresh(el);
}

function reloadQuietly(el) {
  const s = internals.get(el).s;
  if (s.allAbort || s.inflight) return;
  if (s.mode === "all") refreshAllView(el);
  else loadPage(el, { silent: true });
}

/** Stops everything in flight: the watches, the page, "Load all", the refresh timer. */
export function stopAll(el) {
  const k = internals.get(el);
  stopWatches(k);
  k.s.inflight?.abort();
  k.s.inflight = null;
  cancelLoadAll(el);
  stopRefreshTimer(k);
}

// ---- auto-refresh and live progress -----------------------------------------------------

function stopRefreshTimer(k) {
  clearTimeout(k.s.refreshTimer);
  k.s.refreshTimer = null;
}

/**
 * Live refresh while tasks run: the progress of each running task shown (or expanded) is
 * followed with watchTaskProgress (syncWatches); the list is asked again when one of them
 * ends, and every REFRESH_MS only while a running task cannot be watched (no progress).
 */
export function scheduleRefresh(el) {
  const k = internals.get(el);
  const s = k.s;
  stopRefreshTimer(k);
  syncWatches(el);
  k.view.refreshIndicator();
  if (!el.autoRefresh && k.erred.size && el.isConnected) {
    // no list to ask again: the watches an outage stopped are tried again on their own
    s.refreshTimer = setTimeout(() => { k.erred.clear(); scheduleRefresh(el); }, REFRESH_MS);
    return;
  }
  if (!el.autoRefresh || !s.loaded || s.allAbort || k.static || !el.isConnected) return;
  const shown = shownTasks(el, k);
  const off = (x) => k.unwatched.has(x.id) || k.erred.has(x.id);
  const watchable = shown.filter((x) => runs(x) && x.enableShow && !off(x));
  const unwatchable = shown.some((x) => runs(x) && (!x.enableShow || off(x))) || watchable.length > MAX_WATCHES;
  if (!unwatchable) return;
  s.refreshTimer = setTimeout(() => {
    s.refreshTimer = null;
    if (document.hidden) scheduleRefresh(el);
    else if (s.mode === "all") refreshAllView(el);
    else loadPage(el, { silent: true });
  }, REFRESH_MS);
}

/** Follows one running task's progress until it ends (then the list is asked again). */
function watchProgress(el, id) {
  const k = internals.get(el);
  const client = el.client;
  if (k.watches.has(id) || !client) return;
  const ac = new AbortController();
  k.watches.set(id, ac);
  const instance = el.instanceId;
  (async () => {
    try {
      for await (const p of client.watchTaskProgress(instance, id, { intervalMs: REFRESH_MS, signal: ac.signal })) {
        if (instance !== el.instanceId) return;
        k.s.progress.set(id, p);
        k.view.progress(id, p, { live: true });
      }
      if (!ac.signal.aborted && instance === el.instanceId) {
        k.unwatched.add(id);
        reloadQuietly(el);
      }
    } catch (err) {
      if (err?.code === "ABORTED" || ac.signal.aborted) return;
      // An outage (the network, a timeout, 5xx, 429): watched again once a list answers.
      (lasting(err) ? k.unwatched : k.erred).add(id);
      if (!k.s.progress.has(id)) k.view.progressError(id, err);
    } finally {
      if (k.watches.get(id) === ac) k.watches.delete(id);
      if (k.unwatched.has(id) || k.erred.has(id)) scheduleRefresh(el);
    }
  })();
}

/** An error that asking again will not mend (a 4xx other than 408 and 429; a bad answer). */
function lasting(err) {
  const st = err?.status;
  return err?.code === "INVALID_RESPONSE" || err?.code === "INVALID_ARGUMENT" || (st >= 400 && st < 500 && st !== 408 && st !== 429);
}

/** Stops the watches whose task `keep` does not keep (all without `keep`). */
function stopWatches(k, keep = () => false) {
  for (const [id, ac] of k.watches) {
    if (keep(id)) continue;
    ac.abort();
    k.watches.delete(id);
  }
}

/** The running tasks to follow: those shown while auto-refresh is on, and the expanded ones. */
export function syncWatches(el) {
  const k = internals.get(el);
  const s = k.s;
  if (!s.loaded || !el.client || k.static || !el.isConnected) return stopWatches(k);
  for (const id of k.unwatched) if (!runs(s.tasks.find((x) => x.id === id))) k.unwatched.delete(id);
  const want = new Set();
  for (const x of shownTasks(el, k)) {
    if (want.size >= MAX_WATCHES) break;
    if (runs(x) && x.enableShow && !k.unwatched.has(x.id) && !k.erred.has(x.id) && (el.autoRefresh || s.expanded.has(x.id))) want.add(x.id);
  }
  stopWatches(k, (id) => want.has(id));
  for (const id of want) watchProgress(el, id);
}

/** The progress of an expanded row's task: the last one known, then asked (or watched). */
export async function fillProgress(el, id, { refetch = false } = {}) {
  const k = internals.get(el);
  const s = k.s;
  const client = el.client;
  if (!client || !k.view.hasSlot(id)) return;
  const cached = s.progress.get(id);
  if (cached) k.view.progress(id, cached);
  if (runs(s.tasks.find((x) => x.id === id))) {
    syncWatches(el);
    if (k.watches.has(id)) return;
  }
  if (cached && !refetch) return;
  try {
    const p = await client.showTaskProgress(el.instanceId, id);
    s.progress.set(id, p);
    k.view.progress(id, p);
  } catch (err) {
    if (!cached) k.view.progressError(id, err);
  }
}

/** The expanded rows' progress again after a load (a task that just ended shows its last). */
function refreshExpandedProgress(el, onlyRunning) {
  const k = internals.get(el);
  if (k.static) return;
  for (const id of k.view.expandedIds()) {
    const task = k.s.tasks.find((x) => x.id === id);
    if (!task?.enableShow) continue;
    const cached = k.s.progress.get(task.id);
    // a task that just finished still shows its last running progress: fetch it once more
    // (a running one is watched)
    if (!onlyRunning || runs(task) || !cached || (cached.progress ?? 0) < 100) fillProgress(el, id, { refetch: true });
  }
}
