// <dcs-fleet>'s first lines: the summary ("Since …: 3 failed, 2 running too long, 1 unreachable",
// each count a filter of the table) and the attention list (`part="attention"`): one item per
// instance the core says needs attention, in its order, each reason in words from the concern's
// own fields, with a button to the instance's tasks filtered to that reason (the concern's task's
// status). Nothing here decides what needs attention: summarizeFleet did.
import { h } from "./dom.js";
import { fmtDuration, fmtTime, shown } from "./render.js";

/** The counts of the summary line, in the core's order of urgency, then the running tasks. */
const SUMMARY = ["unreachable", "abnormal", "stuck", "failed", "running"];

/** The summary line: the range's start, then each non-zero count as a filter button. */
export function renderSummary(tr, box, { summary, since, filter }) {
  if (!summary) {
    box.replaceChildren();
    return;
  }
  const head = since ? tr.t("fleet.summary.since", { time: fmtTime(tr, since.toISOString()).text }) : tr.t("fleet.summary.all");
  const parts = [];
  for (const key of SUMMARY) {
    const n = summary.totals[key];
    if (!n) continue;
    const text = tr.t(`fleet.summary.${key}`, { n });
    parts.push(h("button", {
      type: "button", class: `chip chip-${key}`, "aria-pressed": String(filter === key),
      title: tr.t("fleet.summary.filter", { what: text }), dataset: { concern: key },
    }, text));
  }
  if (filter) parts.push(" ", h("button", { type: "button", class: "link small-text", dataset: { concern: "" } }, tr.t("fleet.summary.clear")));
  box.replaceChildren(h("strong", {}, head), " ", ...parts);
}

/** The attention list: the first `totals.attention` rows (the core's order). */
export function renderAttention(tr, list, rows, { summary, now }) {
  const n = summary?.totals.attention ?? 0;
  list.replaceChildren(...rows.slice(0, n).map((row) => item(tr, row, now)));
  list.hidden = n === 0;
  return n;
}

function item(tr, row, now) {
  const i = row.instance;
  const name = shown(i.name) || i.instanceId;
  return h("li", { class: `attention-item kind-${row.health.concerns[0].kind}`, part: "attention-item", dataset: { instanceId: i.instanceId } },
    h("span", { class: "attention-name" },
      h("strong", {}, name),
      h("span", { class: `badge badge-${row.health.statusKind}`, part: "status", title: i.status }, tr.instanceStatusLabel(i.status))),
    h("ul", { class: "reasons" }, row.health.concerns.map((c, index) => h("li", { dataset: { kind: c.kind } },
      h("span", { class: "reason" }, reason(tr, row, c, now)), " ",
      h("button", {
        type: "button", class: "link open-filtered", dataset: { instanceId: i.instanceId, concern: String(index) },
        "aria-label": `${name}: ${c.task ? tr.t("fleet.attention.openFiltered", { status: tr.statusLabel(c.task.status) }) : tr.t("fleet.attention.open")}`,
      }, c.task ? tr.t("fleet.attention.openFiltered", { status: tr.statusLabel(c.task.status) }) : tr.t("fleet.attention.open"))))));
}

/** One concern in words, from its fields (and, unreachable, the listing's own error). */
export function reason(tr, row, c, now) {
  const task = c.task ? tr.typeLabel(c.task.name) || c.task.name : "";
  if (c.kind === "unreachable") {
    const e = row.error ?? {};
    return tr.t("fleet.reason.unreachable", { error: `${e.code ?? c.code ?? ""}${e.status ? ` ${e.status}` : ""}: ${e.errorMsg || e.message || c.message}` });
  }
  if (c.kind === "abnormal") return tr.t("fleet.reason.abnormal", { status: tr.instanceStatusLabel(c.code ?? row.instance.status) });
  if (c.kind === "stuck") {
    const started = Date.parse(c.since ?? c.task?.createdAt ?? "");
    const limit = row.health.running.find((r) => r.id === c.task?.id)?.stuckAfter;
    const params = { task, d: fmtDuration(tr, now - started), limit: fmtDuration(tr, limit), n: c.count - 1 };
    return tr.t(c.count > 1 ? "fleet.reason.stuckMore" : "fleet.reason.stuck", params);
  }
  if (c.kind === "failed") return tr.t("fleet.reason.failed", { n: c.count, task, time: fmtTime(tr, c.since ?? c.task?.createdAt).text });
  return c.message;
}

/**
 * The task view a concern's button opens: its task's status, over the fleet's range, or from the
 * concern's start when that is earlier (a task running since before the range).
 */
export function concernView(c, { range, since }) {
  const view = c?.task ? { status: c.task.status } : {};
  if (!since) return { ...view, range: "all" };
  const from = c?.since && Date.parse(c.since) < since.getTime() ? c.since : null;
  return from ? { ...view, range: "custom", from, to: "" } : { ...view, range };
}
