// The elements' style sheet, adopted by each shadow root (one CSSStyleSheet shared by every
// instance; a constructed sheet is not inline style, so a page's `style-src` CSP does not block
// it). Theming: the `--dcs-*` custom properties (they inherit into the shadow root) and the
// parts (`::part(row)`, ...). Light and dark follow the host's `color-scheme` through
// `light-dark()`: a page with `color-scheme: light dark` follows the system; a console forcing
// `color-scheme: dark` on the element (or an ancestor) gets the dark palette.
export const CSS = `
:host {
  display: block;
  --text: var(--dcs-text, light-dark(#1b1f24, #e6e9ed));
  --muted: var(--dcs-muted, light-dark(#5b6572, #9aa4b1));
  --bg: var(--dcs-background, light-dark(#f6f7f9, #14171b));
  --panel: var(--dcs-surface, light-dark(#ffffff, #1d2126));
  --border: var(--dcs-border, light-dark(#d8dde3, #343a42));
  --accent: var(--dcs-accent, light-dark(#0b5cd5, #5b9dff));
  --accent-text: var(--dcs-accent-text, light-dark(#ffffff, #0b1220));
  --focus: var(--dcs-focus, var(--accent));
  --ok: var(--dcs-success, light-dark(#137333, #7fd39a));
  --bad: var(--dcs-failed, light-dark(#b3261e, #ff9b8f));
  --run: var(--dcs-running, light-dark(#0b57d0, #8ab8ff));
  --wait: var(--dcs-waiting, light-dark(#7a5b00, #f2cd63));
  --off: var(--dcs-inactive, light-dark(#4d5560, #b5bcc5));
  --other: var(--dcs-other, light-dark(#6b3fa0, #cfb2f5));
  --ok-bg: color-mix(in srgb, var(--ok) 13%, var(--panel));
  --bad-bg: color-mix(in srgb, var(--bad) 13%, var(--panel));
  --run-bg: color-mix(in srgb, var(--run) 13%, var(--panel));
  --wait-bg: color-mix(in srgb, var(--wait) 13%, var(--panel));
  --off-bg: color-mix(in srgb, var(--off) 13%, var(--panel));
  --other-bg: color-mix(in srgb, var(--other) 13%, var(--panel));
  --row-hover: color-mix(in srgb, var(--accent) 7%, var(--panel));
  --code-bg: color-mix(in srgb, var(--text) 7%, var(--panel));
  font: 14px/1.45 var(--dcs-font, system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "PingFang SC", "Microsoft YaHei", sans-serif);
  color: var(--text);
}
*, *::before, *::after { box-sizing: border-box; }
:host([hidden]), [hidden] { display: none !important; }
::selection { background: color-mix(in srgb, var(--accent) 30%, transparent); }
code, pre, .task-id { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
code { background: var(--code-bg); padding: 0 .25em; border-radius: 3px; }
pre { background: var(--code-bg); padding: .6em .8em; border-radius: 6px; overflow: auto; max-height: 28em; margin: .3em 0; }
.sr-only {
  position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px;
  overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0;
}
.muted { color: var(--muted); }
.small-text { font-size: 12px; }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
input, select, button { font: inherit; color: inherit; }
input[type="search"], input[type="datetime-local"], select {
  background: var(--panel); border: 1px solid var(--border); border-radius: 6px; padding: .4rem .55rem; min-height: 2.2rem;
}
button {
  background: var(--panel); border: 1px solid var(--border); border-radius: 6px; padding: .35rem .75rem;
  min-height: 2.2rem; cursor: pointer;
}
button:hover:not(:disabled) { border-color: var(--accent); }
button:disabled { opacity: .5; cursor: default; }
button.primary { background: var(--accent); color: var(--accent-text); border-color: var(--accent); }
button.ghost { background: transparent; }
button.small { min-height: 1.8rem; padding: .15rem .55rem; }
label { font-weight: 600; font-size: 12.5px; }
.toggle { display: inline-flex; align-items: center; gap: .35rem; font-weight: normal; font-size: 13px; cursor: pointer; }
.toggle input { width: 1rem; height: 1rem; accent-color: var(--accent); }

.filters {
  display: flex; flex-wrap: wrap; gap: .75rem 1rem; align-items: flex-end;
  background: var(--panel); border: 1px solid var(--border); border-radius: 8px; padding: .9rem 1rem;
}
.field { display: flex; flex-direction: column; gap: .25rem; }
.field-search { flex: 1 1 9rem; }
.filters select { max-width: 13rem; }

.banner {
  display: flex; flex-wrap: wrap; gap: .5rem 1rem; justify-content: space-between; align-items: flex-start;
  margin: 1rem 0 0; padding: .75rem 1rem; border-radius: 8px;
  background: var(--bad-bg); color: var(--text); border: 1px solid var(--bad); border-left-width: 5px;
}
.banner-body { min-width: 0; overflow-wrap: anywhere; }
.banner p { margin: .2rem 0 .4rem; }
.error-fields { display: grid; grid-template-columns: max-content 1fr; gap: .15rem .75rem; margin: 0; }
.error-fields dt { color: var(--muted); }
.error-fields dd { margin: 0; display: flex; gap: .5rem; align-items: center; flex-wrap: wrap; }

.tasks-section { margin-top: 1rem; background: var(--panel); border: 1px solid var(--border); border-radius: 8px; }
.toolbar {
  display: flex; flex-wrap: wrap; justify-content: space-between; gap: .5rem 1rem; align-items: center;
  padding: .6rem 1rem; border-bottom: 1px solid var(--border);
}
.toolbar-left, .toolbar-right, .pager, .refresh { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; }
.count { margin: 0; font-weight: 600; }
.page-info { min-width: 6.5em; text-align: center; }
.refresh-indicator { display: inline-flex; align-items: center; gap: .35rem; font-size: 12.5px; color: var(--muted); }
.refresh-indicator .dot { width: .6rem; height: .6rem; border-radius: 50%; background: var(--off); }
.refresh-indicator[data-state="active"] { color: var(--run); }
.refresh-indicator[data-state="active"] .dot { background: var(--run); animation: pulse 1.2s ease-in-out infinite; }
@keyframes pulse { 50% { opacity: .25; } }
@media (prefers-reduced-motion: reduce) { .refresh-indicator .dot, .badge-executing::before { animation: none !important; } }
.load-all { display: flex; gap: .75rem; align-items: center; padding: .5rem 1rem; border-bottom: 1px solid var(--border); }
.load-all progress { flex: 1; max-width: 30rem; height: .9rem; accent-color: var(--accent); }

.table-wrap { overflow-x: auto; }
table.tasks { width: 100%; border-collapse: collapse; }
.tasks th, .tasks td { text-align: left; padding: .45rem .6rem; border-bottom: 1px solid var(--border); vertical-align: top; }
.tasks thead th { font-size: 12px; text-transform: uppercase; letter-spacing: .03em; color: var(--muted); white-space: nowrap; }
.tasks tbody tr.task { cursor: pointer; }
.tasks tbody tr.task:hover { background: var(--row-hover); }
.tasks tbody tr.task.selected { background: color-mix(in srgb, var(--accent) 12%, var(--panel)); }
.tasks .col-expand { width: 2.5rem; }
.tasks .col-start, .tasks .col-end, .tasks .col-duration, .tasks .col-id { white-space: nowrap; }
.tasks time { text-decoration: underline dotted var(--muted); text-underline-offset: 3px; cursor: help; }
button.expand, button.copy { min-height: 1.8rem; min-width: 1.8rem; padding: 0 .35rem; line-height: 1; }
.chevron { display: inline-block; transition: transform .15s; }
button.expand[aria-expanded="true"] .chevron { transform: rotate(90deg); }
.id-wrap { display: inline-flex; align-items: center; gap: .35rem; }
.type { display: flex; flex-direction: column; }
.type-alt { font-size: 12px; color: var(--muted); }

.badge {
  display: inline-flex; align-items: center; gap: .3em; padding: .05rem .5rem; border-radius: 999px;
  font-size: 12px; font-weight: 600; white-space: nowrap; border: 1px solid transparent;
}
.badge-success, .badge-finish { color: var(--ok); background: var(--ok-bg); border-color: var(--ok); }
.badge-failed { color: var(--bad); background: var(--bad-bg); border-color: var(--bad); }
.badge-executing { color: var(--run); background: var(--run-bg); border-color: var(--run); }
.badge-executing::before { content: ""; width: .45em; height: .45em; border-radius: 50%; background: currentColor; animation: pulse 1.2s infinite; }
.badge-created, .badge-waiting { color: var(--wait); background: var(--wait-bg); border-color: var(--wait); }
.badge-cancelled, .badge-deleted { color: var(--off); background: var(--off-bg); border-color: var(--off); }
.badge-other { color: var(--other); background: var(--other-bg); border-color: var(--other); }

tr.details-row > td { background: var(--bg); padding: .75rem 1rem 1rem 3rem; }
.details-cols { display: grid; grid-template-columns: repeat(auto-fit, minmax(18rem, 1fr)); gap: 1rem 2rem; }
.details h3 { font-size: 13px; margin: .25rem 0 .4rem; }
dl.fields { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: .2rem .8rem; margin: 0; }
dl.fields dt { color: var(--muted); }
dl.fields dd { margin: 0; overflow-wrap: anywhere; }
pre.params { max-height: 12em; }
.progress-slot { margin-top: .75rem; }
.progress-head { display: flex; gap: .75rem; align-items: center; flex-wrap: wrap; }
.progress-head progress { width: 14rem; height: .8rem; accent-color: var(--accent); }
ol.steps { margin: .5rem 0 0; padding-left: 1.4rem; }
.step { margin: .35rem 0; }
.step-line, .substep { display: flex; flex-wrap: wrap; gap: .25rem .6rem; align-items: center; }
ol.substeps { margin: .25rem 0; padding-left: 1.3rem; }
.substep { margin: .15rem 0; }
.step-times { font-size: 12px; }
.err-code, .inline-error { color: var(--bad); }
.sub-detail { font-style: italic; }
.empty { padding: 1rem; margin: 0; }
.empty:empty { display: none; }

.timeline { margin: .25rem 0 .75rem; padding: 0 .75rem; }
.timeline-chart { display: block; width: 100%; height: auto; overflow: visible; }
.timeline-axis line { stroke: var(--border); }
.timeline-axis .timeline-grid { stroke-dasharray: 2 3; }
.timeline-axis .timeline-now { stroke: var(--run); stroke-dasharray: 4 2; }
.timeline-axis text { fill: var(--muted); font-size: 11px; }
.timeline .bar { cursor: pointer; outline: none; }
.timeline .bar rect { fill: var(--other); stroke: var(--panel); stroke-width: .5; }
.timeline .bar rect.bar-hit { fill: transparent; stroke: none; }
.timeline .bar-success rect, .timeline .bar-finish rect { fill: var(--ok); }
.timeline .bar-failed rect { fill: var(--bad); }
.timeline .bar-executing rect { fill: var(--run); }
.timeline .bar-created rect, .timeline .bar-waiting rect { fill: var(--wait); }
.timeline .bar-cancelled rect, .timeline .bar-deleted rect { fill: var(--off); }
.timeline .bar:hover rect:not(.bar-hit) { stroke: var(--text); stroke-width: 2; }
.timeline .bar:focus-visible rect:not(.bar-hit) { stroke: var(--focus); stroke-width: 3; }
.timeline-info { margin: .2rem 0 0; font-size: 12.5px; min-height: 1.3em; }
@media (hover: none) { .timeline-info[data-hint] { visibility: hidden; } } /* no "hover over" on touch */

/* <dcs-fleet> */
.fleet .num { text-align: right; font-variant-numeric: tabular-nums; }
.fleet tbody tr.instance { cursor: pointer; }
.fleet tbody tr.instance:hover { background: var(--row-hover); }
.fleet tr.attention > td:first-child { box-shadow: inset 4px 0 0 var(--bad); }
.fleet .count-failed { color: var(--bad); font-weight: 700; }
.fleet .count-executing { color: var(--run); font-weight: 700; }
.fleet .instance-cell { display: flex; flex-direction: column; align-items: flex-start; gap: .1rem; }
.fleet .instance-id { font-size: 11.5px; color: var(--muted); background: none; padding: 0; overflow-wrap: anywhere; }
button.link { background: none; border: 0; padding: 0; min-height: 1.5rem; color: var(--accent); font-weight: 600; text-align: left; cursor: pointer; text-decoration: underline; text-underline-offset: 3px; }
.fleet .last { display: inline-flex; flex-wrap: wrap; gap: .25rem .5rem; align-items: center; }
.label-gap { font-size: 12.5px; }
.fleet-bar { display: none; }
.attention-section { margin-top: 1rem; background: var(--panel); border: 1px solid var(--border); border-radius: 8px; padding: .6rem 1rem .7rem; }
.attention-heading { font-size: 15px; margin: 0 0 .25rem; }
.summary { margin: 0 0 .4rem; display: flex; flex-wrap: wrap; gap: .3rem; align-items: center; }
.chip { min-height: 1.5rem; padding: 0 .55rem; border-radius: 999px; font-size: 13px; font-weight: 600; }
.chip[aria-pressed="true"] { background: var(--accent); color: var(--accent-text); border-color: var(--accent); }
.chip-failed, .chip-unreachable, .chip-abnormal { color: var(--bad); border-color: var(--bad); }
.chip-stuck { color: var(--wait); border-color: var(--wait); }
.chip-running { color: var(--run); border-color: var(--run); }
ol.attention { list-style: none; margin: 0; padding: 0; }
.attention-item { display: grid; grid-template-columns: minmax(10rem, 16rem) minmax(0, 1fr); gap: .1rem 1rem; padding: .3rem 0 .3rem .6rem; border-top: 1px solid var(--border); box-shadow: inset 4px 0 0 var(--bad); }
.attention-name { display: flex; flex-wrap: wrap; gap: .2rem .5rem; align-items: center; overflow-wrap: anywhere; }
.attention-item ul.reasons { list-style: none; margin: 0; padding: 0; min-width: 0; }
.attention-item .reason { overflow-wrap: anywhere; }
.attention-none { margin: 0; }
.banner-stale { background: var(--wait-bg); border-color: var(--wait); }
@media (hover: none) { .timeline-info .hint-hover { display: none; } }
@media (hover: hover) { .timeline-info .hint-touch { display: none; } }
.lanes .lane-label { fill: var(--text); font-size: 11px; }

/* Narrow elements (not the viewport: a console may give the element a narrow column): cards. */
:host { container-type: inline-size; }
@container (max-width: 700px) {
  .field, .field-search { flex: 1 1 100%; }
  .filters select { max-width: none; }
  .toolbar-right { width: 100%; }
  table.tasks thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  table.tasks, table.tasks tbody, table.tasks tr, table.tasks td { display: block; width: 100%; }
  table.tasks tr.task, table.tasks tr.instance { border-bottom: 1px solid var(--border); padding: .5rem .25rem; position: relative; }
  .fleet .num { text-align: left; }
  .fleet .col-instance { display: grid; }
  table.tasks td { border: 0; padding: .2rem .6rem; display: grid; grid-template-columns: 7.5rem minmax(0, 1fr); gap: .5rem; }
  table.tasks td::before { content: attr(data-label); color: var(--muted); font-size: 12px; }
  table.tasks td > * { justify-self: start; }
  table.tasks td.col-expand { position: absolute; right: .5rem; top: .5rem; width: auto; display: block; padding: 0; }
  table.tasks td.col-expand::before { content: none; }
  table.tasks tr.details-row > td { display: block; padding: .6rem .75rem; }
  table.tasks tr.details-row > td::before { content: none; }
  table.tasks tr.details-row[hidden] { display: none; }
}

/* The task table below ~900 px (a tablet's nine columns do not fit): compact cards, nothing cut
   off; the type clears the expand button; every control a 24 px target at least. */
@container (max-width: 900px) {
  .table-wrap:has(> table.tasks:not(.fleet)) { overflow-x: visible; }
  table.tasks:not(.fleet) thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  table.tasks:not(.fleet), table.tasks:not(.fleet) :is(tbody, tr, td) { display: block; width: 100%; }
  table.tasks:not(.fleet) tr.task { border-bottom: 1px solid var(--border); padding: .5rem .25rem; position: relative; }
  table.tasks:not(.fleet) tr.task > td { border: 0; padding: .15rem 3.25rem .15rem .6rem; display: grid; grid-template-columns: 7.5rem minmax(0, 1fr); gap: .5rem; overflow-wrap: anywhere; }
  table.tasks:not(.fleet) tr.task > td::before { content: attr(data-label); color: var(--muted); font-size: 12px; }
  table.tasks:not(.fleet) tr.task > td:not(.col-expand) > * { justify-self: start; min-width: 0; }
  table.tasks:not(.fleet) tr.task > td.col-expand { position: absolute; right: .5rem; top: .5rem; width: auto; display: block; padding: 0; }
  table.tasks:not(.fleet) tr.task > td.col-expand::before { content: none; }
  table.tasks:not(.fleet) tr.details-row > td { display: block; padding: .6rem .75rem; }
  table.tasks:not(.fleet) tr.details-row[hidden] { display: none; }
  .tasks .col-start, .tasks .col-end, .tasks .col-duration, .tasks .col-id { white-space: normal; }
  button.expand, button.copy { min-width: 2.5rem; min-height: 2.5rem; }
  .toggle { min-height: 1.75rem; }
}
/* The fleet below ~900 px: compact cards (name, status and counts on a line, the last task under). */
@container (max-width: 880px) {
  table.tasks.fleet thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  table.tasks.fleet, table.tasks.fleet tbody { display: block; width: 100%; }
  table.tasks.fleet tr.instance {
    display: flex; flex-wrap: wrap; align-items: center; gap: .15rem .9rem; width: 100%;
    padding: .45rem .75rem .45rem 1rem; border-bottom: 1px solid var(--border);
  }
  table.tasks.fleet tr.attention { box-shadow: inset 4px 0 0 var(--bad); }
  table.tasks.fleet tr.attention > td:first-child { box-shadow: none; }
  table.tasks.fleet td { display: inline-flex; gap: .3rem; align-items: baseline; width: auto; padding: 0; border: 0; }
  table.tasks.fleet td::before { content: none; }
  table.tasks.fleet td.col-instance { flex: 0 1 auto; min-width: 0; overflow-wrap: anywhere; }
  table.tasks.fleet .instance-id { display: none; }
  table.tasks.fleet td.num::before { content: attr(data-label); color: var(--muted); font-size: 12px; }
  table.tasks.fleet td.col-engine, table.tasks.fleet td.col-capacity { color: var(--muted); font-size: 12.5px; }
  table.tasks.fleet td.col-last { flex: 1 1 100%; min-width: 0; overflow-wrap: anywhere; }
  .attention-item { grid-template-columns: minmax(0, 1fr); }
}
@container (max-width: 700px) {
  .fleet-bar { display: flex; margin-bottom: .5rem; }
  .fleet-filters:not(.open) { display: none; }
}
`;

let shared = null;

/** The sheet, built once (lazily: server-side rendering has no CSSStyleSheet). */
export function sheet() {
  if (!shared) {
    shared = new CSSStyleSheet();
    shared.replaceSync(CSS);
  }
  return shared;
}
