// The timeline above the table: one bar per task shown, from its creation to its last update
// (to now while it runs), coloured by status with the badges' palette, on a time axis that
// follows the time-range filter. Plain SVG drawn at the box's pixel width (no chart library:
// see the README's page section for what was weighed). The bars are buttons behind one tab stop
// (a roving tabindex: arrow keys, Home and End move between them in start order, so thousands of
// bars after "Load all" cost one Tab); hovering or focusing one shows its type, status, start and
// duration; clicking it or Enter opens its row.
import { fmtDuration, fmtTime, h, isRunning, statusKind } from "./render.js";

const NS = "http://www.w3.org/2000/svg";
const MAX_LANES = 6;
const LANE_H = 16;
const LANE_GAP = 4;
const AXIS_H = 22;
const MIN_BAR_W = 4;
const PAD_X = 8;
const HIT_W = 14;

/** Creates an SVG element (as render.js' h does HTML). */
export function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) el.setAttribute(k, String(v));
  for (const c of children) if (c !== null && c !== undefined) el.append(c instanceof Node ? c : String(c));
  return el;
}

/**
 * The end of an axis over tasks from `lo` to `hi` (epoch ms; a running task counted at its
 * start): stretched to now while a task runs, unless that task is stale, still running more than
 * a quarter of the span (and an hour) after the others ended: then its bar runs to the right
 * edge. The one rule of both timelines (the task list's and the fleet's lanes).
 */
export function axisEnd(lo, hi, now, running) {
  return running && now - hi <= Math.max((hi - lo) / 4, 3_600_000) ? Math.max(hi, now) : hi;
}

/** A task's bar in epoch milliseconds, or null without a readable creation time. */
export function barSpan(task, now) {
  const a = Date.parse(task.createdAt ?? "");
  if (!Number.isFinite(a)) return null;
  const u = Date.parse(task.updatedAt ?? "");
  const b = isRunning(task.status) ? Math.max(now, a) : Number.isFinite(u) && u >= a ? u : a;
  return { a, b };
}

/** The text of a bar: type, status, start and duration. */
export function barText(tr, task, { a, b }) {
  const type = tr.typeLabel(task.name) || task.name;
  const dur = fmtDuration(tr, b - a);
  return [
    type,
    tr.statusLabel(task.status),
    tr.t("timeline.started", { time: fmtTime(tr, task.createdAt).text }),
    isRunning(task.status) ? tr.t("timeline.running", { d: dur }) : tr.t("timeline.took", { d: dur }),
  ].join(" · ");
}

/** Evenly spaced ticks with labels at a precision that fits the span. */
export function ticks(tr, lo, hi, count) {
  const spanMs = hi - lo;
  const opts = spanMs <= 2 * 86_400_000
    ? { hour: "2-digit", minute: "2-digit", hour12: false }
    : spanMs <= 400 * 86_400_000
      ? { month: "2-digit", day: "2-digit" }
      : { year: "numeric", month: "2-digit" };
  const f = new Intl.DateTimeFormat(tr.locale, opts);
  const out = [];
  for (let i = 0; i <= count; i++) {
    const ms = lo + (spanMs * i) / count;
    out.push({ ms, label: f.format(new Date(ms)) });
  }
  return out;
}

function rangeText(tr, lo, hi) {
  const f = new Intl.DateTimeFormat(tr.locale, {
    year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hour12: false,
  });
  return { from: f.format(new Date(lo)), to: f.format(new Date(hi)) };
}

/**
 * Lanes: `bars` sorted in start order, each given its pixels (`x`, `w`: at least the minimum
 * width) and the first lane free at its start; past MAX_LANES, the lane that frees first.
 * Returns the number of lanes.
 */
function packLanes(bars, x) {
  bars.sort((p, q) => p.a - q.a || p.b - q.b);
  const laneEnd = [];
  for (const bar of bars) {
    bar.x = x(bar.a);
    bar.w = Math.max(MIN_BAR_W, x(bar.b) - bar.x);
    let lane = laneEnd.findIndex((end) => end + 1 < bar.x);
    if (lane < 0 && laneEnd.length < MAX_LANES) lane = laneEnd.length;
    if (lane < 0) lane = laneEnd.indexOf(Math.min(...laneEnd));
    laneEnd[lane] = Math.max(laneEnd[lane] ?? -Infinity, bar.x + bar.w);
    bar.lane = lane;
  }
  return laneEnd.length;
}

/** The time axis under the lanes: its line, the ticks and their labels, and now. */
function axisOf(tr, { lo, hi, now, x, width, inner, axisY }) {
  const axis = svg("g", { class: "timeline-axis", "aria-hidden": "true" },
    svg("line", { x1: PAD_X, x2: width - PAD_X, y1: axisY + 0.5, y2: axisY + 0.5 }));
  const count = Math.max(1, Math.min(6, Math.floor(inner / 110)));
  ticks(tr, lo, hi, count).forEach(({ ms, label }, i) => {
    const tx = x(ms);
    axis.append(
      svg("line", { x1: tx, x2: tx, y1: 0, y2: axisY + 4, class: "timeline-grid" }),
      svg("text", { x: tx, y: axisY + 16, "text-anchor": i === 0 ? "start" : i === count ? "end" : "middle" }, label),
    );
  });
  if (now >= lo && now <= hi) {
    axis.append(svg("line", { x1: x(now), x2: x(now), y1: 0, y2: axisY, class: "timeline-now" }));
  }
  return axis;
}

/**
 * Draws the timeline of `tasks` into `box` (a block element; hidden when there is nothing to
 * draw). `from`/`to`: the time-range filter's bounds in epoch ms, or undefined (the axis then
 * spans the bars). `onActivate(id)`: a bar was clicked or activated with the keyboard.
 * `current`: the task whose bar holds the tab stop (else the first); `onCurrent(id)` is told when
 * the arrow keys move it.
 */
export function renderTimeline(tr, box, tasks, { from, to, now = Date.now(), onActivate, current, onCurrent }) {
  const bars = [];
  for (const task of tasks) {
    const s = barSpan(task, now);
    if (s) bars.push({ task, ...s });
  }
  if (bars.length === 0) {
    box.hidden = true;
    box.replaceChildren();
    return;
  }
  box.hidden = false;
  // Without a time-range filter the axis spans the bars; a task still running long after the
  // others ended (a stale EXECUTING) does not stretch it to now: its bar runs to the right edge.
  let lo = Infinity;
  let hi = -Infinity;
  for (const x of bars) {
    lo = Math.min(lo, x.a);
    hi = Math.max(hi, isRunning(x.task.status) ? x.a : x.b);
  }
  hi = axisEnd(lo, hi, now, bars.some((x) => isRunning(x.task.status)));
  const auto = hi - lo;
  lo = Number.isFinite(from) ? from : lo - Math.max(auto * 0.02, 30_000);
  hi = Number.isFinite(to) ? to : hi + Math.max(auto * 0.02, 30_000);
  if (hi <= lo) hi = lo + 60_000;
  const width = Math.max(240, Math.round(box.clientWidth || 800));
  const inner = width - 2 * PAD_X;
  const x = (ms) => PAD_X + Math.max(0, Math.min(inner, ((ms - lo) / (hi - lo)) * inner));
  const lanes = packLanes(bars, x);
  const height = lanes * (LANE_H + LANE_GAP) + AXIS_H;
  const { from: fromText, to: toText } = rangeText(tr, lo, hi);
  const chart = svg("svg", {
    class: "timeline-chart", role: "group", width, height, viewBox: `0 0 ${width} ${height}`,
    "aria-label": tr.t("timeline.label", { n: bars.length, from: fromText, to: toText }),
  });
  chart.append(axisOf(tr, { lo, hi, now, x, width, inner, axisY: lanes * (LANE_H + LANE_GAP) }));
  const info = h("p", { class: "timeline-info muted", "aria-hidden": "true", dataset: { hint: "" } }, tr.t("timeline.hint"));
  const stop = bars.some((b) => b.task.id === current) ? current : bars[0].task.id;
  const gs = bars.map((bar) => {
    const text = barText(tr, bar.task, bar);
    const g = svg("g", {
      class: `bar bar-${statusKind(bar.task.status)}`, tabindex: bar.task.id === stop ? "0" : "-1", role: "button",
      "data-task-id": bar.task.id, "aria-label": text,
    }, svg("title", {}, text), svg("rect", {
      x: bar.x.toFixed(1), y: bar.lane * (LANE_H + LANE_GAP), width: bar.w.toFixed(1), height: LANE_H, rx: 2,
    }), svg("rect", {
      // a larger, invisible target for fingers and pointers around thin bars
      class: "bar-hit", x: (bar.x + bar.w / 2 - Math.max(bar.w, HIT_W) / 2).toFixed(1), y: bar.lane * (LANE_H + LANE_GAP) - LANE_GAP / 2,
      width: Math.max(bar.w, HIT_W).toFixed(1), height: LANE_H + LANE_GAP,
    }));
    const show = () => { info.textContent = text; delete info.dataset.hint; };
    g.addEventListener("pointerenter", show);
    g.addEventListener("focus", show);
    g.addEventListener("click", () => onActivate?.(bar.task.id));
    return g;
  });
  // One tab stop: the keys move the focus (and the stop) along the bars in start order.
  chart.addEventListener("keydown", (e) => {
    const i = gs.indexOf(e.target.closest?.(".bar"));
    if (i < 0) return;
    const to = { ArrowRight: i + 1, ArrowDown: i + 1, ArrowLeft: i - 1, ArrowUp: i - 1, Home: 0, End: gs.length - 1 }[e.key];
    if (e.key === "Enter" || e.key === " ") {
      e.preventDefault();
      onActivate?.(bars[i].task.id);
    } else if (to !== undefined) {
      e.preventDefault();
      const j = Math.max(0, Math.min(gs.length - 1, to));
      gs[i].setAttribute("tabindex", "-1");
      gs[j].setAttribute("tabindex", "0");
      gs[j].focus();
      onCurrent?.(bars[j].task.id);
    }
  });
  chart.append(...gs);
  box.replaceChildren(chart, info);
}
