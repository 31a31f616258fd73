// The page: a thin shell around the package's elements (dcs-tasks/element): <dcs-task-list>
// (one instance's tasks) and <dcs-fleet> (every instance, ?view=fleet). It owns what only a page
// has: the language choice, the views, the instance picker, the proxy's token prompt, deep links
// (?instance=, the filters, lang, view) and the paste panel. The task view and the fleet view are
// the elements'.
import { t, setLang, lang, initialLang, applyStatic } from "./strings.js";
import { InstancePicker } from "./picker.js";
import { debounce, h } from "./pkg/elements/dom.js";
import { openClient } from "./pkg/elements/shared.js";

// The proxy serving this page: its folder (the proxy may be mounted under a path, PROXY_BASE_PATH).
const proxyBase = () => new URL(".", location.href).href.replace(/\/$/, "");

const $ = (id) => document.getElementById(id);
const DEFAULT_LIMIT = 20;
const VIEW_KEYS = { range: "range", from: "from", to: "to", status: "status", type: "type", search: "q", offset: "offset" };
let pkg = null; // the dcs-tasks module, once loaded
let langChosen = false;
let shownView = "tasks"; // "tasks" | "fleet"
let fleetRange = null; // the fleet's range the address names (kept until the fleet is made)
// The fleet's filters in the address (fleet-q, fleet-status, fleet-concern), as its `view` takes them.
const FLEET_KEYS = { name: "fleet-q", status: "fleet-status", concern: "fleet-concern" };
let fleetFilters = {};
let picker = null;
let shared = null; // { client, config }: the page's one client and /api/config, given to every view
let pickerClient = null; // the client the picker lists with once the fleet view cannot give it the instances
const list = () => $("task-list");
const fleet = () => $("fleet"); // null until the fleet view is first shown

/** <dcs-fleet>, made the first time the fleet is shown (it lists the project then, not before). */
function makeFleet() {
  const el = document.createElement("dcs-fleet");
  el.id = "fleet";
  el.lang = lang();
  if (fleetRange) el.range = fleetRange;
  el.view = { ...fleetFilters, range: el.range };
  // An attention item's link names the task view to open (its concern's status and range).
  el.addEventListener("dcs-instance-select", (e) => showInstance(e.detail.instance.instanceId, e.detail.view));
  el.addEventListener("dcs-view-change", () => writeUrl(true));
  // The fleet lists every instance: the picker takes them from it instead of listing them again.
  el.addEventListener("dcs-load", (e) => { pickerClient = null; picker?.use(e.detail.instances); });
  el.addEventListener("dcs-error", (e) => {
    if (e.detail.error?.status === 401) askForToken(e.detail.error);
    else loadPicker();
  });
  giveClient(el);
  list().after(el);
  return el;
}

/** A view gets the page's client when there is one; else it reads the proxy itself (and says why). */
function giveClient(el) {
  el.headers = authHeaders();
  el.endpoint = proxyBase();
  el.client = shared?.client ?? null;
}

/**
 * One client and one read of the proxy's /api/config for the whole page: the task list, the fleet
 * and the picker use it. When it cannot be opened (no token yet, the proxy down), the views are
 * left to read the proxy themselves, and they show the error and ask for the token.
 */
async function openShared() {
  const old = shared;
  shared = null;
  try {
    shared = await openClient(proxyBase(), null, authHeaders());
  } catch {
    shared = null;
  }
  for (const el of [list(), fleet()]) if (el) giveClient(el);
  old?.client.free();
  if (shared) configured(shared.config, shared.client);
}


// ---------------------------------------------------------------------------------------------
// URL <-> the element

/** The deep link: instance, the element's view and page size, and the language. */
function readUrl() {
  const p = new URLSearchParams(location.search);
  const view = {};
  for (const [k, q] of Object.entries(VIEW_KEYS)) if (p.has(q)) view[k] = k === "offset" ? Number(p.get(q)) : p.get(q);
  const limit = Number(p.get("limit"));
  langChosen = p.has("lang");
  shownView = p.get("view") === "fleet" ? "fleet" : "tasks";
  fleetRange = p.get("fleet-range");
  fleetFilters = Object.fromEntries(Object.entries(FLEET_KEYS).map(([k, q]) => [k, p.get(q) ?? ""]));
  return { instance: (p.get("instance") || "").trim(), view, limit: Number.isInteger(limit) && limit > 0 ? limit : null, lang: p.get("lang") };
}

/** The address says what is shown; `push`: a new entry (another instance or view), so Back returns. */
function writeUrl(push = false) {
  const el = list();
  const p = new URLSearchParams();
  if (shownView === "fleet") {
    p.set("view", "fleet");
    if (fleet()?.getAttribute("range")) fleetRange = fleet().range;
    if (fleetRange) p.set("fleet-range", fleetRange);
    if (fleet()) fleetFilters = fleet().view;
    for (const [k, q] of Object.entries(FLEET_KEYS)) if (fleetFilters[k]) p.set(q, fleetFilters[k]);
  }
  if (el.instanceId) p.set("instance", el.instanceId);
  const v = el.view;
  for (const [k, q] of Object.entries(VIEW_KEYS)) {
    const value = v[k];
    if (value && !(k === "range" && value === "all")) p.set(q, String(value));
  }
  if (el.pageSize !== DEFAULT_LIMIT) p.set("limit", String(el.pageSize));
  if (langChosen) p.set("lang", lang());
  const qs = p.toString();
  const url = `${location.pathname}${qs ? `?${qs}` : ""}${location.hash}`;
  if (url === `${location.pathname}${location.search}${location.hash}`) return;
  if (push === true) history.pushState(null, "", url);
  else history.replaceState(null, "", url);
}

function showInstance(id, view) {
  $("instance").value = id;
  list().instanceId = id;
  if (view) list().view = view;
  showView("tasks", { push: true });
}

/** Shows the task view or the fleet (the fleet lists the project the first time it is shown). */
function showView(v, { push = false } = {}) {
  shownView = v;
  if (v === "tasks") loadPicker(); // left to the fleet, which has not listed them yet
  if (v === "fleet" && pkg && !fleet()) makeFleet();
  list().hidden = v !== "tasks";
  if (fleet()) fleet().hidden = v !== "fleet";
  $("nav-tasks").toggleAttribute("aria-current", false);
  $("nav-fleet").toggleAttribute("aria-current", false);
  $(v === "fleet" ? "nav-fleet" : "nav-tasks").setAttribute("aria-current", "page");
  writeUrl(push);
}

// ---------------------------------------------------------------------------------------------
// The proxy's token: typed by the user, sent as Authorization: Bearer, never in the URL; kept
// in memory, and in sessionStorage (this tab only) when "remember for this tab" is ticked.

const TOKEN_KEY = "dcs-tasks.proxyToken";
let proxyToken = "";
let tokenRefusal = null; // the last 401, shown in the panel until a token is tried

function storedToken() {
  try { return sessionStorage.getItem(TOKEN_KEY) || ""; } catch { return ""; }
}

function storeToken(remember) {
  try {
    if (remember && proxyToken) sessionStorage.setItem(TOKEN_KEY, proxyToken);
    else sessionStorage.removeItem(TOKEN_KEY);
  } catch { /* storage disabled: memory only */ }
}

const authHeaders = () => (proxyToken ? { Authorization: `Bearer ${proxyToken}` } : {});

function renderTokenState() {
  $("token-state").textContent = t(!proxyToken ? "token.none" : storedToken() ? "token.remembered" : "token.inUse");
  $("token-forget").disabled = !proxyToken;
}

function renderTokenReason() {
  const r = tokenRefusal;
  // The proxy's own codes have a translated reason; anything else shows what it said.
  const reason = r && (r.code === "TOKEN_REQUIRED" || r.code === "UNAUTHORIZED") ? t(`token.reason.${r.code}`) : r?.reason;
  $("token-reason").textContent = r ? t(r.withToken ? "token.rejected" : "token.required", { reason }) : "";
  $("token-reason").dataset.code = r ? r.code : "";
}

function askForToken(err) {
  tokenRefusal = { reason: err.errorMsg || err.message || String(err), code: err.errorCode || err.code || "", withToken: Boolean(proxyToken) };
  $("token-panel").open = true;
  renderTokenReason();
  renderTokenState();
  $("token-input").focus();
}

/** The page opens its client again with the token, and gives it to the views. */
function useToken() {
  openShared();
}

function bindToken() {
  $("token-form").addEventListener("submit", (e) => {
    e.preventDefault();
    proxyToken = $("token-input").value.trim();
    $("token-input").value = "";
    storeToken($("token-remember").checked);
    tokenRefusal = null;
    renderTokenReason();
    renderTokenState();
    useToken();
  });
  $("token-remember").addEventListener("change", () => { storeToken($("token-remember").checked); renderTokenState(); });
  $("token-forget").addEventListener("click", () => {
    proxyToken = "";
    storeToken(false);
    $("token-remember").checked = false;
    renderTokenState();
    useToken();
  });
}

// ---------------------------------------------------------------------------------------------
// Paste panel: the package's parser, its warnings, and the result in a <dcs-task-list> of its own.

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

function bindPaste() {
  $("paste-parse").addEventListener("click", parsePasted);
  $("paste-strict").addEventListener("change", parsePasted);
  $("paste-input").addEventListener("input", debounce(parsePasted, 300));
  $("paste-seed").addEventListener("click", fillSeed);
  $("paste-clear").addEventListener("click", () => { $("paste-input").value = ""; parsePasted(); $("paste-input").focus(); });
}

// ---------------------------------------------------------------------------------------------
// Start

function bind() {
  const el = list();
  $("query").addEventListener("submit", (e) => {
    e.preventDefault();
    showInstance(picker ? picker.resolve($("instance").value.trim()) : $("instance").value.trim());
  });
  for (const [id, v] of [["nav-tasks", "tasks"], ["nav-fleet", "fleet"]]) {
    $(id).addEventListener("click", (e) => {
      if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return; // a new tab: the link's own URL
      e.preventDefault();
      if (v !== shownView) showView(v, { push: true });
    });
  }
  $("lang").addEventListener("change", () => {
    setLang($("lang").value);
    langChosen = true;
    applyStatic();
    el.lang = lang();
    if (fleet()) fleet().lang = lang();
    const paste = $("paste-tasks");
    if (paste) paste.lang = lang();
    writeUrl();
    renderTokenReason();
    renderTokenState();
    if (pasted || $("paste-input").value.trim()) parsePasted();
  });
  el.addEventListener("dcs-view-change", writeUrl);
  // A view that read the proxy itself (the page's client could not be opened) tells the page.
  el.addEventListener("dcs-config", (e) => configured(e.detail.config, e.detail.client));
  el.addEventListener("dcs-error", (e) => { if (e.detail.error?.status === 401) askForToken(e.detail.error); });
}

/** The proxy's configuration is known: the picker lists its instances, the demo's instance opens. */
function configured(config, client) {
  // In the fleet view the fleet lists the instances (the picker takes them from its dcs-load).
  pickerClient = client;
  if (shownView !== "fleet") loadPicker();
  if (tokenRefusal === null && proxyToken) $("token-panel").open = false;
  const el = list();
  // The demo proxy names an instance to show when the address names none.
  if (!el.instanceId && config.demoInstance) {
    $("instance").value = config.demoInstance;
    el.instanceId = config.demoInstance;
    writeUrl();
  }
  document.body.dataset.ready = "true";
}

/** The picker lists the instances itself (the fleet view is not there to give them). */
function loadPicker() {
  if (!pickerClient || !picker) return;
  picker.load(pickerClient);
  pickerClient = null;
}

/** Back and Forward: the instance, the view and its filters the address names. */
function followAddress() {
  const url = readUrl();
  const el = list();
  if (el.instanceId !== url.instance) {
    $("instance").value = url.instance;
    el.instanceId = url.instance;
  }
  el.view = url.view;
  if (fleet()) fleet().view = { ...fleetFilters, range: fleetRange || fleet().range };
  showView(shownView);
}

async function main() {
  const url = readUrl();
  setLang(initialLang(url.lang, navigator.languages?.length ? navigator.languages : [navigator.language]));
  applyStatic();
  $("lang").value = lang();
  $("instance").value = url.instance;
  bindToken();
  bindPaste();
  proxyToken = storedToken();
  $("token-remember").checked = Boolean(proxyToken);
  renderTokenState();
  try {
    // The package's smallest entry (the .wasm as its own file, compiled while it streams in) and
    // the elements over it.
    pkg = await import("./pkg/slim.js");
    await pkg.init();
    await import("./pkg/element-slim.js");
  } catch (err) {
    $("page-error-message").textContent = `${err.code || err.name}: ${err.message}`;
    $("page-error").hidden = false;
    return;
  }
  const el = list();
  picker = new InstancePicker($("instance"), $("instance-options"), (id) => showInstance(id), pkg.revealText);
  bind();
  // Everything set before the element starts (it coalesces these into one start).
  el.lang = lang();
  el.instanceId = url.instance; // first: a new instance starts on the first page
  if (url.limit) el.pageSize = url.limit;
  el.view = url.view;
  await openShared();
  showView(shownView);
  window.addEventListener("popstate", followAddress);
  if ($("paste-input").value.trim()) parsePasted();
}

main();
