// The fleet's arithmetic (no DOM): one row per instance from listFleetTasks' entries, its task
// counts in the range, its last task, and the order in which what needs attention comes first.

import { isRunning } from "./render.js";

/** Instance statuses that need a human (the listing failed to create, broke or froze it). */
const BAD = new Set(["ERROR", "CREATEFAILED", "FROZEN"]);

/** A row of the fleet view from one `listFleetTasks` entry ({ instance, tasks, error? }). */
export function fleetRow({ instance, tasks = [], error }) {
  const counts = { executing: 0, failed: 0, succeeded: 0 };
  let last = null;
  let lastMs = -Infinity;
  for (const t of tasks) {
    if (isRunning(t.status)) counts.executing++;
    else if (t.status === "FAILED") counts.failed++;
    else if (t.status === "SUCCESS") counts.succeeded++;
    const ms = Date.parse(t.createdAt ?? "");
    if (Number.isFinite(ms) && ms > lastMs) {
      lastMs = ms;
      last = t;
    }
  }
  if (!last && tasks.length) last = tasks[0];
  return { instance, tasks, error, counts, last, lastMs };
}

/**
 * How much a row needs attention (lower first): 0 its listing failed or the instance is in a bad
 * state; 1 failed tasks in the range; 2 tasks running; 3 the instance is not RUNNING (creating,
 * extending, ...); 4 the rest.
 */
export function attention(row) {
  if (row.error || BAD.has(row.instance.status)) return 0;
  if (row.counts.failed > 0) return 1;
  if (row.counts.executing > 0) return 2;
  if (row.instance.status !== "RUNNING") return 3;
  return 4;
}

/** The fleet in attention order, then the most recent last task, then by name. */
export function sortFleet(rows) {
  return [...rows].sort((a, b) => attention(a) - attention(b)
    || (b.lastMs === a.lastMs ? 0 : b.lastMs > a.lastMs ? 1 : -1)
    || String(a.instance.name).localeCompare(String(b.instance.name))
    || String(a.instance.instanceId).localeCompare(String(b.instance.instanceId)));
}

/** The colour kind of an instance status (the badges' palette). */
export function instanceKind(status) {
  if (status === "RUNNING") return "success";
  if (BAD.has(status)) return status === "FROZEN" ? "cancelled" : "failed";
  if (["CREATING", "RESTARTING", "EXTENDING", "RESTORING", "FLUSHING"].includes(status)) return "executing";
  return "other";
}
