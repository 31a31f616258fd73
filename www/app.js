// The page: a thin shell around the package's elements (dcs-tasks/element): <dcs-task-list>
// (one instance's tasks) and <dcs-fleet> (every instance, ?view=fleet). It owns what only a page
// has: the language choice, the views, the instance picker, the proxy's token prompt, deep links
// (?instance=, the filters, lang, view), the view's heading and the tab's title naming what is
// shown, and the paste panel (paste.js, behind the "developer" link). The task view and the
// fleet view are the elements'.
import { t, setLang, lang, initialLang, applyStatic } from "./strings.js";
import { InstancePicker } from "./picker.js";
import { askForToken, authHeaders, initToken, renderToken, tokenAccepted } from "./token.js";
import { bindPaste, repaste, showPaste, usePackage } from "./paste.js";
import { openClient } from "./pkg/elements/shared.js";
import { LANGS, translator } from "./pkg/elements/i18n.js";

// The proxy serving this page: its folder (the proxy may be mounted under a path, PROXY_BASE_PATH).
const proxyBase = () => new URL(".", location.href).href.replace(/\/$/, "");

const $ = (id) => document.getElementById(id);
const DEFAULT_LIMIT = 20;
const VIEW_KEYS = { range: "range", from: "from", to: "to", status: "status", type: "type", search: "q", offset: "offset", all: "all" };
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
let devShown = false; // the paste panel (?dev=1)
let searchTyping = false; // the last change of the task view was its search: typing stays one history entry
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
  const value = (k, q) => (k === "offset" ? Number(p.get(q)) : k === "all" ? p.get(q) === "1" : p.get(q));
  for (const [k, q] of Object.entries(VIEW_KEYS)) if (p.has(q)) view[k] = value(k, q);
  const limit = Number(p.get("limit"));
  langChosen = p.has("lang");
  shownView = p.get("view") === "fleet" ? "fleet" : "tasks";
  fleetRange = p.get("fleet-range");
  devShown = p.get("dev") === "1";
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
    if (value && !(k === "range" && value === "all")) p.set(q, value === true ? "1" : String(value));
  }
  if (el.pageSize !== DEFAULT_LIMIT) p.set("limit", String(el.pageSize));
  if (devShown) p.set("dev", "1");
  if (langChosen) p.set("lang", lang());
  const qs = p.toString();
  const url = `${location.pathname}${qs ? `?${qs}` : ""}${location.hash}`;
  if (url === `${location.pathname}${location.search}${location.hash}`) return;
  if (push === true) history.pushState(null, "", url);
  else history.replaceState(null, "", url);
}

/** The task view's filters or page changed: a new history entry (typing a search stays one). */
function taskViewChanged(e) {
  const typing = e.detail.view.search !== (new URLSearchParams(location.search).get("q") ?? "");
  writeUrl(!(typing && searchTyping));
  searchTyping = typing;
}

/** Opens an instance's tasks (picked, typed, chosen in the fleet, with the `view` an attention
 * link asks for): a new history entry, the focus on its heading. */
function showInstance(id, view) {
  list().instanceId = id;
  if (view) list().view = view;
  nameField({ force: true });
  showView("tasks", { push: true, focus: true });
}

// ---------------------------------------------------------------------------------------------
// Names: the instance field, the view's heading and the tab's title name the instance shown (its
// name and status once the picker has the project's instances), or the fleet.

/** The field shows the instance's name (when the listing knows it), else its ID; `force`: even over what was typed. */
function nameField({ force = false } = {}) {
  const id = list().instanceId;
  const input = $("instance");
  if (force || !input.value || input.value === id) input.value = picker?.nameOf(id) ?? id;
}

function showTitle() {
  const id = list().instanceId;
  const i = shownView === "tasks" && id ? picker?.instanceOf(id) : null;
  const name = shownView === "fleet" ? t("nav.fleet") : i ? (pkg?.revealText(i.name) ?? i.name) || id : id || t("nav.tasks");
  const status = i?.status ? translator(lang()).instanceStatusLabel(i.status) : "";
  $("view-name").textContent = name;
  $("view-status").textContent = status;
  $("view-status").hidden = !status;
  $("view-title").dataset.status = i?.status ?? "";
  document.title = `${status ? `${name} (${status})` : name} · ${t("app.title")}`;
}

/** The picker has the instances: names where there were IDs. */
function named() {
  nameField();
  showTitle();
}

/** Shows the task view or the fleet (the fleet lists the project the first time it is shown); `focus`: on its heading. */
function showView(v, { push = false, focus = false } = {}) {
  shownView = v;
  if (v === "tasks") loadPicker(); // left to the fleet, which has not listed them yet
  if (v === "fleet" && pkg && !fleet()) makeFleet();
  list().hidden = v !== "tasks";
  if (fleet()) fleet().hidden = v !== "fleet";
  $("nav-tasks").toggleAttribute("aria-current", false);
  $("nav-fleet").toggleAttribute("aria-current", false);
  $(v === "fleet" ? "nav-fleet" : "nav-tasks").setAttribute("aria-current", "page");
  writeUrl(push);
  showTitle();
  if (focus) $("view-title").focus();
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
      if (v !== shownView) showView(v, { push: true, focus: true });
    });
  }
  $("dev-link").addEventListener("click", (e) => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    devShown = !devShown;
    showPaste(devShown, { open: true });
    writeUrl(true);
  });
  $("lang").addEventListener("change", () => {
    setLang($("lang").value);
    langChosen = true;
    applyStatic();
    el.lang = lang();
    if (fleet()) fleet().lang = lang();
    const paste = $("paste-tasks");
    if (paste) paste.lang = lang();
    writeUrl();
    renderToken();
    repaste();
    showTitle();
  });
  el.addEventListener("dcs-view-change", taskViewChanged);
  // A view that read the proxy itself (the page's client could not be opened) tells the page.
  el.addEventListener("dcs-config", (e) => configured(e.detail.config, e.detail.client));
  el.addEventListener("dcs-error", (e) => { if (e.detail.error?.status === 401) askForToken(e.detail.error); });
}

/** The proxy's configuration is known: the picker lists its instances, the demo's instance opens. */
function configured(config, client) {
  // In the fleet view the fleet lists the instances (the picker takes them from its dcs-load).
  pickerClient = client;
  if (shownView !== "fleet") loadPicker();
  tokenAccepted();
  const el = list();
  // The demo proxy names an instance to show when the address names none.
  if (!el.instanceId && config.demoInstance) {
    el.instanceId = config.demoInstance;
    nameField();
    writeUrl();
    showTitle();
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
    el.instanceId = url.instance;
    nameField({ force: true });
  }
  if (el.pageSize !== (url.limit ?? DEFAULT_LIMIT)) el.pageSize = url.limit ?? DEFAULT_LIMIT;
  el.view = url.view;
  if (fleet()) fleet().view = { ...fleetFilters, range: fleetRange || fleet().range };
  showPaste(devShown);
  showView(shownView, { focus: true });
}

async function main() {
  const url = readUrl();
  setLang(initialLang(url.lang, navigator.languages?.length ? navigator.languages : [navigator.language]));
  applyStatic();
  $("lang").value = lang();
  $("instance").value = url.instance;
  initToken(() => openShared());
  bindPaste();
  showPaste(devShown);
  try {
    // The package at zero configuration (the wasm inlined, deflated; inflated and compiled off
    // the main thread) and the elements over it (`dcs-tasks/element/slim`'s files, some of which
    // this page imports itself): this page needs the library's client (its paste box parses
    // DCS's wire JSON), so its elements share it instead of loading their own build of the wasm
    // (`dcs-tasks/element`, for consoles that only show the elements: 127 KB more here).
    pkg = await import("./pkg/index.js");
    await pkg.ready;
    await import("./pkg/element-slim.js");
  } catch (err) {
    $("page-error-message").textContent = `${err.code || err.name}: ${err.message}`;
    $("page-error").hidden = false;
    return;
  }
  const el = list();
  const label = (s) => translator(lang()).instanceStatusLabel(s);
  const labels = (s) => LANGS.map((l) => translator(l).instanceStatusLabel(s));
  picker = new InstancePicker($("instance"), $("instance-options"), (id) => showInstance(id), pkg.revealText, label, labels);
  picker.onList = named;
  bind();
  // Everything set before the element starts (it coalesces these into one start).
  el.lang = lang();
  el.instanceId = url.instance; // first: a new instance starts on the first page
  if (url.limit) el.pageSize = url.limit;
  el.view = url.view;
  await openShared();
  showView(shownView);
  window.addEventListener("popstate", followAddress);
  usePackage(pkg);
}

main();
