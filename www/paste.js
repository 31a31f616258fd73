// The paste panel, a developer's tool behind the "developer" link (?dev=1): a pasted response
// body through the package's parser, its warnings, and the result in a <dcs-task-list> of its own.
import { t, lang } from "./strings.js";
import { debounce, h } from "./pkg/elements/dom.js";

const $ = (id) => document.getElementById(id);
let pkg = null; // the dcs-tasks module, once loaded
let pasted = null;

function warningsTable(warnings) {
  return h("table", { class: "warnings" },
    h("thead", {}, h("tr", {}, ["warn.code", "warn.path", "warn.message"].map((k) => h("th", { scope: "col" }, t(k))))),
    h("tbody", {}, warnings.map((w) => h("tr", {},
      h("td", { "data-label": t("warn.code") }, h("code", { class: "warn-code" }, w.code)),
      h("td", { "data-label": t("warn.path") }, h("code", {}, w.path)),
      h("td", { "data-label": t("warn.message") }, w.message)))));
}

function parsePasted() {
  const out = $("paste-output");
  const text = $("paste-input").value;
  pasted = null;
  if (!text.trim()) { out.replaceChildren(); return; }
  if (!pkg) return;
  let parsed;
  try {
    parsed = pkg.parseListTasksResponse(text, { strict: $("paste-strict").checked });
  } catch (err) {
    out.replaceChildren(h("div", { class: "paste-error", role: "alert", dataset: { code: err.code || "" } },
      h("strong", {}, `${t("paste.error")}: `), h("code", {}, err.code || err.name), " ",
      err.path ? h("code", { class: "err-path" }, err.path) : null, " ", err.message));
    return;
  }
  pasted = parsed;
  const view = document.createElement("dcs-task-list");
  view.id = "paste-tasks";
  view.lang = lang();
  view.taskList = parsed;
  out.replaceChildren(
    h("h3", {}, t("paste.warnings", { n: parsed.warnings.length })),
    parsed.warnings.length ? warningsTable(parsed.warnings) : h("p", { class: "muted" }, t("paste.noWarnings")),
    h("h3", {}, t("paste.result", { n: parsed.tasks.length, count: parsed.taskCount })),
    view,
    h("h3", {}, t("paste.json")),
    h("pre", { class: "paste-json" }, JSON.stringify(parsed, null, 2)));
}

async function fillSeed() {
  try {
    const r = await fetch(new URL("seed-example.json", document.baseURI));
    if (!r.ok) throw new Error(`HTTP ${r.status}`);
    $("paste-input").value = await r.text();
    parsePasted();
  } catch (err) {
    $("paste-output").replaceChildren(h("div", { class: "paste-error", role: "alert" }, String(err.message || err)));
  }
}

/** Wires the panel's controls. */
export function bindPaste() {
  $("paste-parse").addEventListener("click", parsePasted);
  $("paste-strict").addEventListener("change", parsePasted);
  $("paste-input").addEventListener("input", debounce(parsePasted, 300));
  $("paste-seed").addEventListener("click", fillSeed);
  $("paste-clear").addEventListener("click", () => { $("paste-input").value = ""; parsePasted(); $("paste-input").focus(); });
}

/** The package is loaded: what was pasted before is parsed. */
export function usePackage(module) {
  pkg = module;
  if ($("paste-input").value.trim()) parsePasted();
}

/** The language changed: the result again, in it. */
export function repaste() {
  if (pasted || $("paste-input").value.trim()) parsePasted();
}

/** Shows (or hides) the panel; `open`: opened, the focus on its summary. */
export function showPaste(shown, { open = false } = {}) {
  const panel = $("paste-panel");
  panel.hidden = !shown;
  $("dev-link").setAttribute("aria-expanded", String(shown));
  if (shown && open) {
    panel.open = true;
    panel.querySelector("summary").focus();
  }
}
