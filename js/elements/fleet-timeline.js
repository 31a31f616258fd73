// The fleet's timeline: one lane per instance (in the table's order), its tasks in the range as
// bars coloured by status, the instance's name at the lane's start. Like the task timeline, the
// bars are buttons behind one tab stop: Left/Right move along a lane, Up/Down to the nearest bar
// of the next lane with bars, Home/End; Enter or a click chooses the bar's instance. Each bar has
// an invisible target of at least 24 x 24 px around it (lanes 24 px apart) for fingers.
import { barSpan, barText, svg, ticks } from "./timeline.js";
import { shown, statusKind } from "./render.js";
import { h } from "./render.js";

const LANE_H = 14;
const LANE_GAP = 10;
const HIT = 24;
const AXIS_H = 22;
const LABEL_W = 128;
const PAD_X = 8;
const MIN_BAR_W = 3;
/** Bars drawn per lane: the most recent ones (a lane of thousands over "any time" would be a
 * smear of 1-pixel bars, and a redraw the page waits for). */
export const MAX_BARS = 150;

/** Draws the lanes of `rows` ({ instance, tasks }) into `box` over [from, to] (epoch ms). */
export function renderLanes(tr, box, rows, { from, to, now = Date.now(), onActivate, current, onCurrent }) {
  const lanes = rows.map((row) => {
    const all = row.tasks.map((task) => ({ task, ...barSpan(task, now) })).filter((b) => Number.isFinite(b.a)).sort((p, q) => p.a - q.a);
    return { row, bars: all.slice(-MAX_BARS), more: Math.max(0, all.length - MAX_BARS) };
  });
  if (!lanes.some((l) => l.bars.length)) {
    box.hidden = true;
    box.replaceChildren();
    return;
  }
  box.hidden = false;
  // The box's content width (its padding out), so that the chart is drawn at 1:1 and a 24 px
  // target is 24 px on screen.
  const cs = getComputedStyle(box);
  const width = Math.max(300, Math.floor((box.clientWidth || 800) - parseFloat(cs.paddingLeft || 0) - parseFloat(cs.paddingRight || 0)));
  const inner = width - LABEL_W - 2 * PAD_X;
  const lo = from;
  const hi = Math.max(to, from + 60_000);
  const x = (ms) => LABEL_W + PAD_X + Math.max(0, Math.min(inner, ((ms - lo) / (hi - lo)) * inner));
  const height = lanes.length * (LANE_H + LANE_GAP) + AXIS_H;
  const chart = svg("svg", {
    class: "timeline-chart lanes", role: "group", width, height, viewBox: `0 0 ${width} ${height}`,
    "aria-label": tr.t(lanes.some((l) => l.more) ? "fleet.timeline.capped" : "fleet.timeline", { n: lanes.length, max: MAX_BARS }),
  });
  const axisY = lanes.length * (LANE_H + LANE_GAP);
  const axis = svg("g", { class: "timeline-axis", "aria-hidden": "true" },
    svg("line", { x1: LABEL_W + PAD_X, x2: width - PAD_X, y1: axisY + 0.5, y2: axisY + 0.5 }));
  const count = Math.max(1, Math.min(6, Math.floor(inner / 110)));
  ticks(tr, lo, hi, count).forEach(({ ms, label }, i) => {
    axis.append(svg("line", { x1: x(ms), x2: x(ms), y1: 0, y2: axisY + 4, class: "timeline-grid" }),
      svg("text", { x: x(ms), y: axisY + 16, "text-anchor": i === 0 ? "start" : i === count ? "end" : "middle" }, label));
  });
  if (now >= lo && now <= hi) axis.append(svg("line", { x1: x(now), x2: x(now), y1: 0, y2: axisY, class: "timeline-now" }));
  chart.append(axis);
  // The hint for a mouse and keyboard, or (no hover: a touch screen) for a finger.
  const info = h("p", { class: "timeline-info muted", "aria-hidden": "true" },
    h("span", { class: "hint-hover" }, tr.t("fleet.timeline.hint")), h("span", { class: "hint-touch" }, tr.t("fleet.timeline.hintTouch")));
  const grid = []; // per lane, its bar elements
  const all = [];
  lanes.forEach(({ row, bars, more }, li) => {
    const y = li * (LANE_H + LANE_GAP);
    const name = shown(row.instance.name) || row.instance.instanceId;
    chart.append(svg("text", { x: 0, y: y + LANE_H - 2, class: "lane-label", "aria-hidden": "true" },
      svg("title", {}, more ? tr.t("fleet.lane.more", { name, n: more }) : name), name.length > 18 ? `${name.slice(0, 17)}…` : name));
    grid[li] = bars.map((bar) => {
      const bx = x(bar.a);
      const w = Math.max(MIN_BAR_W, x(bar.b) - bx);
      const text = `${name}: ${barText(tr, bar.task, bar)}`;
      const g = svg("g", {
        class: `bar bar-${statusKind(bar.task.status)}`, role: "button", tabindex: "-1", "aria-label": text,
        "data-instance-id": row.instance.instanceId, "data-task-id": bar.task.id,
      }, svg("title", {}, text), svg("rect", { x: bx.toFixed(1), y, width: w.toFixed(1), height: LANE_H, rx: 2 }),
      svg("rect", { class: "bar-hit", x: (bx + w / 2 - Math.max(w, HIT) / 2).toFixed(1), y: y - (HIT - LANE_H) / 2, width: Math.max(w, HIT).toFixed(1), height: HIT }));
      g.addEventListener("pointerenter", () => { info.textContent = text; });
      g.addEventListener("focus", () => { info.textContent = text; });
      g.addEventListener("click", () => onActivate?.(row.instance.instanceId));
      all.push({ g, li, bi: all.length, a: bar.a, key: `${row.instance.instanceId}/${bar.task.id}` });
      return all[all.length - 1];
    });
    chart.append(...grid[li].map((b) => b.g));
  });
  const stop = all.find((b) => b.key === current) ?? all[0];
  stop.g.setAttribute("tabindex", "0");
  chart.addEventListener("keydown", (e) => move(e, { grid, all, lanes, onActivate, onCurrent }));
  box.replaceChildren(chart, info);
}

/** The keyboard inside the lanes (one tab stop that moves with the focus). */
function move(e, { grid, all, lanes, onActivate, onCurrent }) {
  const from = all.find((b) => b.g === e.target.closest?.(".bar"));
  if (!from) return;
  if (e.key === "Enter" || e.key === " ") {
    e.preventDefault();
    onActivate?.(lanes[from.li].row.instance.instanceId);
    return;
  }
  const lane = grid[from.li];
  const at = lane.indexOf(from);
  let to = null;
  if (e.key === "ArrowRight") to = lane[at + 1];
  else if (e.key === "ArrowLeft") to = lane[at - 1];
  else if (e.key === "Home") to = all[0];
  else if (e.key === "End") to = all[all.length - 1];
  else if (e.key === "ArrowDown" || e.key === "ArrowUp") {
    const step = e.key === "ArrowDown" ? 1 : -1;
    for (let li = from.li + step; li >= 0 && li < grid.length && !to; li += step) {
      // the bar of that lane nearest in time
      for (const b of grid[li]) if (!to || Math.abs(b.a - from.a) < Math.abs(to.a - from.a)) to = b;
    }
  } else return;
  e.preventDefault();
  if (!to) return;
  from.g.setAttribute("tabindex", "-1");
  to.g.setAttribute("tabindex", "0");
  to.g.focus();
  onCurrent?.(to.key);
}
