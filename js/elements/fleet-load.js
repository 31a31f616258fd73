// <dcs-fleet>'s controller: listing the fleet (DcsClient.listFleetTasks), the core's assessment
// of it (summarizeFleet: ranks, counts, concerns), the host's `data-state`, and the live refresh
// (every `refresh-interval` seconds, paused while the tab is hidden). A failed refresh keeps the
// last data, marked stale since when; the next refresh that succeeds makes it ready again.
// No DOM of its own: it hands what it learns to the view (`k.view`).
import { summarizeFleet } from "../dcs_tasks.js";
import { rangeStart } from "./render.js";
import { emit } from "./shared.js";
import { TIME_RANGES } from "./vocab.js";

export const RANGES = { all: null, ...TIME_RANGES };

/** The fleet's rows: the core's ranked instances, each with its entry's instance, tasks, error. */
export function summarize(entries, { startTime, now }) {
  const summary = summarizeFleet(entries, { ...(startTime ? { startTime } : {}), now });
  const byId = new Map(entries.map((e) => [e.instance.instanceId, e]));
  const rows = summary.instances.map((health) => {
    const e = byId.get(health.instanceId);
    return { instance: e.instance, tasks: e.tasks, ...(e.error ? { error: e.error } : {}), health };
  });
  return { summary, rows };
}

/** Sets `data-state` on the host: loading | ready | stale | error. */
export function setState(el, k, state) {
  k.state = state;
  el.dataset.state = state;
}

/**
 * Lists the fleet with `client`. The first listing (nothing shown yet) is drawn as each instance
 * arrives; a refresh keeps what is shown until it has every instance, then swaps.
 */
export async function listFleet(el, k, client, seq) {
  const ac = new AbortController();
  k.abort = ac;
  const first = !k.rows.length;
  if (first) setState(el, k, "loading");
  k.shownAt = Date.now();
  k.view.loading(first);
  const began = Date.now();
  const span = RANGES[el.range];
  const startTime = span ? rangeStart(span, began) : null;
  const entries = [];
  const onInstance = ({ done, total }) => { if (seq === k.seq && first) k.view.progress(done, total); };
  try {
    const q = startTime ? { startTime } : {};
    for await (const entry of client.listFleetTasks(q, { signal: ac.signal, concurrency: el.concurrency, onInstance })) {
      if (seq !== k.seq) return;
      entries.push(entry);
      if (first) show(k, entries, startTime);
    }
  } catch (err) {
    if (seq !== k.seq) return;
    k.abort = null;
    if (err?.code !== "ABORTED") failed(el, k, err);
    else k.view.loaded();
    return;
  }
  if (seq !== k.seq) return;
  k.abort = null;
  // A refresh in which no instance's tasks could be listed (the upstream went away between the
  // instance list and the task lists) keeps the last data, like one whose instance list failed.
  if (k.updated && entries.length && entries.every((e) => e.error)) failed(el, k, entries[0].error);
  else succeeded(el, k, entries, startTime);
}

/** What has arrived so far, assessed at most every 2 s (the assessment costs O(tasks)). */
function show(k, entries, startTime) {
  const now = Date.now();
  if (now - (k.shownAt ?? 0) < 2000) return;
  k.shownAt = now;
  Object.assign(k, summarize(entries, { startTime, now }), { since: startTime });
  k.view.renderSoon();
}

function succeeded(el, k, entries, startTime) {
  Object.assign(k, summarize(entries, { startTime, now: Date.now() }), { since: startTime });
  k.updated = new Date();
  k.failedSince = null;
  k.lastError = null;
  setState(el, k, "ready");
  k.view.loaded();
  emit(el, "dcs-load", {
    instanceCount: k.rows.length, instances: k.rows.map((r) => r.instance), failed: k.summary.totals.unreachable,
    summary: k.summary,
  });
  schedule(el, k);
}

/** The listing failed: the last data stays, stale since the first failure; without data, an error. */
export function failed(el, k, err) {
  k.lastError = err;
  k.failedSince ??= new Date();
  setState(el, k, k.rows.length ? "stale" : "error");
  k.view.loaded();
  k.view.fail(err);
  emit(el, "dcs-error", { error: err });
  schedule(el, k);
}

// ---- the live refresh ----------------------------------------------------------------------

/** The next refresh, `refreshInterval` seconds after this listing ended (none when 0). */
export function schedule(el, k) {
  clearTimeout(k.timer);
  k.timer = 0;
  const s = el.refreshInterval;
  if (!s || !el.isConnected) return;
  k.dueAt = Date.now() + s * 1000;
  k.timer = setTimeout(() => due(el, k), s * 1000);
}

/** Time to refresh: now, or once the tab is shown again. */
function due(el, k) {
  k.timer = 0;
  if (document.hidden) {
    k.view.paused(true);
    return;
  }
  el.refresh();
}

/** The tab was shown or hidden: a refresh that fell due while hidden runs now. */
export function visibilityChanged(el, k) {
  if (document.hidden || !el.isConnected) return;
  k.view.paused(false);
  if (!k.timer && !k.abort && k.dueAt && Date.now() >= k.dueAt) el.refresh();
}

export function stopLive(k) {
  clearTimeout(k.timer);
  k.timer = 0;
}
