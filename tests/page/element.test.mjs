// <dcs-task-list> in a bare console page (issue 25): plain HTML and a <script type="module">
// importing /pkg/element.js (the zero-configuration entry: no bundler, no import map), served from
// an origin of its own under a strict CSP, against the demo proxy (mock DCS + edge proxy) on
// another origin (ALLOWED_ORIGINS names the console; ALLOWED_INSTANCES names three of them and two of the mock's
// fleet, so a fourth is refused). Checks the events, the theming (custom properties, ::part, color-scheme),
// the keyboard path, axe-core, and custom-elements.json against the real element. The README's
// docs/screenshot-console.png is build/screenshots/console.png, copied by hand when it changes.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { readFileSync, existsSync, statSync } from "node:fs";
import { extname, join, normalize } from "node:path";
import { startDemo, launchBrowser, openPage, screenshotPath, freePort, root, assertAxeClean } from "./stack.mjs";
import { DEFAULT_PROJECT_ID } from "../mock-dcs/server.mjs";
import { DEMO_INSTANCE, DEMO_FAILING_INSTANCE } from "../mock-dcs/fleet.mjs";

const A = "console-a-n30";
const B = "console-b-n7";
const REFUSED = "console-c-n5";
const D = "console-d-n4";
const ACCENT = "rgb(200, 0, 100)";
const TYPES = { ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8", ".json": "application/json", ".wasm": "application/wasm" };

const consoleHtml = (proxy) => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>A console</title>
<link rel="stylesheet" href="/console.css">
<script type="module" src="/console.js"></script>
</head>
<body>
<main>
  <h1>Redis instances</h1>
  <section aria-label="Instance A">
    <dcs-task-list id="a" endpoint="${proxy}" instance-id="${A}" page-size="10"></dcs-task-list>
  </section>
  <section aria-label="Instance B">
    <dcs-task-list id="b" endpoint="${proxy}" instance-id="${B}" lang="zh"></dcs-task-list>
  </section>
  <section aria-label="Instance C">
    <dcs-task-list id="c" endpoint="${proxy}" instance-id="${REFUSED}"></dcs-task-list>
  </section>
  <section aria-label="Dark">
    <dcs-task-list id="dark" endpoint="${proxy}" instance-id="${D}"></dcs-task-list>
  </section>
</main>
</body>
</html>
`;

// The console's own script: records the elements' events (they bubble and are composed, so the
// document hears them), then imports the package's element entry by its path.
const CONSOLE_JS = `window.__events = [];
const detailOf = (type, d) => type === "dcs-load" ? { instanceId: d.instanceId, taskCount: d.taskCount, n: d.tasks.length, ids: d.tasks.map((x) => x.id) }
  : type === "dcs-select" ? { taskId: d.task.id, name: d.task.name }
  : type === "dcs-error" ? { name: d.error.name, code: d.error.code, status: d.error.status, errorCode: d.error.errorCode }
  : type === "dcs-config" ? { projectId: d.config.projectId }
  : { view: d.view, pageSize: d.pageSize };
for (const type of ["dcs-load", "dcs-select", "dcs-error", "dcs-config", "dcs-view-change"]) {
  document.addEventListener(type, (e) => window.__events.push({ type, id: e.target.id, composed: e.composed, bubbles: e.bubbles, detail: detailOf(type, e.detail) }));
}
await import("/pkg/element.js");
// Defining again (another copy of the module, as two bundles would have) is harmless.
const again = await import("/pkg/element-slim.js?copy=2");
again.defineElements();
window.__ready = true;
`;

// Two more pages of the console: <dcs-fleet> alone, and a task list given project-id.
const builds = (proxy, project) => ({
  "/fleet": `<dcs-fleet id="fleet" endpoint="${proxy}" range="all"></dcs-fleet>`,
  "/direct": `<dcs-task-list id="direct" endpoint="${proxy}" project-id="${project}" instance-id="${A}" page-size="10"></dcs-task-list>`,
});
const BUILD_JS = `window.__events = [];
for (const type of ["dcs-load", "dcs-error"]) document.addEventListener(type, (e) => window.__events.push({ type, id: e.target.id, code: e.detail.error?.code, message: e.detail.error?.message, instances: e.detail.instances?.length, failed: e.detail.failed }));
await import("/pkg/element.js");
window.__ready = true;
`;
const buildHtml = (body) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>A console</title>
<script type="module" src="/build.js"></script></head><body><main>${body}</main></body></html>`;

const CONSOLE_CSS = `body { font-family: sans-serif; margin: 1rem; }
dcs-task-list { margin: 1rem 0; }
#a { --dcs-accent: ${ACCENT}; }
#dark { color-scheme: dark; }
dcs-task-list::part(row) { font-style: italic; }
dcs-task-list::part(table) { outline: 2px dashed rgb(1, 2, 3); }
`;

/** The console: its page, script and style, and the package (pkg/) under /pkg/. */
async function startConsole(proxyUrl, port) {
  const origin = `http://127.0.0.1:${port}`;
  const csp = `default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; connect-src ${new URL(proxyUrl).origin}`;
  const server = createServer((req, res) => {
    const path = new URL(req.url, origin).pathname;
    let body = null;
    let type = TYPES[extname(path)] ?? "application/octet-stream";
    if (path === "/") [body, type] = [consoleHtml(proxyUrl.replace(/\/$/, "")), TYPES[".html"]];
    else if (path === "/console.js") body = CONSOLE_JS;
    else if (path === "/console.css") body = CONSOLE_CSS;
    else if (path === "/build.js") body = BUILD_JS;
    else if (path in builds("", "")) [body, type] = [buildHtml(builds(proxyUrl.replace(/\/$/, ""), DEFAULT_PROJECT_ID)[path]), TYPES[".html"]];
    else if (path.startsWith("/pkg/")) {
      const file = join(root, "pkg", normalize(path.slice(5)).replace(/^(\.\.[/\\])+/, ""));
      if (file.startsWith(join(root, "pkg")) && existsSync(file) && statSync(file).isFile()) body = readFileSync(file);
    }
    if (body === null) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": type, "content-security-policy": csp }).end(body);
  });
  await new Promise((r) => server.listen(port, "127.0.0.1", r));
  return { url: `${origin}/`, origin, close: () => new Promise((r) => server.close(r)) };
}

let stack;
let site;
let browser;

/** Every event of `type` the console recorded (optionally from the element `id`). */
const events = (page, type, id) => page.evaluate(([t, i]) => window.__events.filter((e) => e.type === t && (!i || e.id === i)), [type, id]);

async function openConsole(opts = {}) {
  const o = await openPage(browser, { allow: [/status of 403/], ...opts });
  await o.page.goto(site.url);
  await o.page.waitForFunction(() => window.__ready === true);
  await o.page.locator("#a tbody tr.task").first().waitFor({ timeout: 30_000 });
  await o.page.locator("#b tbody tr.task").first().waitFor({ timeout: 30_000 });
  return o;
}

describe("<dcs-task-list> in a bare console page", { timeout: 240_000 }, () => {
  before(async () => {
    // The proxy must know the console's origin (ALLOWED_ORIGINS): its port is chosen first.
    const port = await freePort();
    stack = await startDemo({ env: { ALLOWED_ORIGINS: `http://127.0.0.1:${port}`, ALLOWED_INSTANCES: `${A},${B},${D},${DEMO_INSTANCE},${DEMO_FAILING_INSTANCE}` } });
    site = await startConsole(stack.url, port);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await site?.close();
    await stack?.close();
  });

  test("two elements load their own instances; dcs-load carries the count; a refused instance is a dcs-error", async () => {
    const { page, errors, context } = await openConsole();
    const rowIds = (id) => page.locator(`#${id} tbody tr.task`).evaluateAll((trs) => trs.map((tr) => tr.dataset.taskId));
    const a = await rowIds("a");
    const b = await rowIds("b");
    assert.equal(a.length, 10, "page-size=10");
    assert.equal(b.length, 7);
    assert.equal(a.filter((x) => b.includes(x)).length, 0, "each element shows its own instance's tasks");
    const loadA = (await events(page, "dcs-load", "a")).at(-1);
    const loadB = (await events(page, "dcs-load", "b")).at(-1);
    assert.deepEqual([loadA.detail.instanceId, loadA.detail.taskCount, loadA.detail.n], [A, 30, 10]);
    assert.deepEqual([loadB.detail.instanceId, loadB.detail.taskCount, loadB.detail.n], [B, 7, 7]);
    assert.deepEqual(loadA.detail.ids, a);
    assert.ok(loadA.composed && loadA.bubbles, "composed and bubbling");
    // the refused instance: the proxy's 403, as a DcsError in the event and in the element
    await page.waitForFunction(() => window.__events.some((e) => e.type === "dcs-error" && e.id === "c"));
    const [err] = await events(page, "dcs-error", "c");
    assert.deepEqual([err.detail.name, err.detail.code, err.detail.status], ["DcsError", "HTTP_ERROR", 403]);
    assert.equal(await page.locator("#c #error-banner").isVisible(), true);
    assert.equal(await page.locator("#c tbody tr.task").count(), 0);
    // languages per element: B speaks Chinese, A English
    assert.equal(await page.locator("#b thead th.col-type").textContent(), "任务类型");
    assert.equal(await page.locator("#a thead th.col-type").textContent(), "Task type");
    // state is the instance's: filtering A leaves B alone
    await page.locator("#a #search").fill(a[0]);
    await page.waitForFunction(() => document.getElementById("a").shadowRoot.querySelectorAll("tbody tr.task").length === 1);
    assert.equal(await page.locator("#b tbody tr.task").count(), 7);
    const views = await events(page, "dcs-view-change", "a");
    assert.equal(views.at(-1).detail.view.search, a[0]);
    await page.screenshot({ path: screenshotPath("console"), fullPage: true });
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("a row click gives dcs-select with that task; keyboard path filters -> timeline (one stop) -> rows", async () => {
    const { page, errors, context } = await openConsole();
    const second = page.locator("#a tbody tr.task").nth(1);
    const id = await second.getAttribute("data-task-id");
    await second.locator(".col-summary").click();
    await page.waitForFunction(() => window.__events.some((e) => e.type === "dcs-select"));
    const [sel] = await events(page, "dcs-select", "a");
    assert.equal(sel.detail.taskId, id);
    assert.equal(await page.locator(`#a tr.details-row[data-id="${id}"]`).isVisible(), true, "the row opened");
    // Keyboard: from the time-range filter, Tab through the element: each stop recorded.
    await page.locator("#a #range").focus();
    const stops = [];
    for (let i = 0; i < 40; i++) {
      const where = await page.evaluate(() => {
        const el = document.getElementById("a").shadowRoot.activeElement;
        if (!el) return null;
        return { id: el.id, bar: el.classList.contains("bar"), action: el.dataset.action ?? null, task: el.dataset.id ?? el.dataset.taskId ?? null };
      });
      if (!where) break;
      stops.push(where);
      await page.keyboard.press("Tab");
    }
    const kinds = stops.map((s) => (s.bar ? "bar" : s.action === "toggle" ? "row" : ["range", "status", "type", "search"].includes(s.id) ? "filter" : "other"));
    const first = (k) => kinds.indexOf(k);
    assert.ok(first("filter") === 0 && first("bar") > 0 && first("row") > first("bar"), `filters, then the timeline, then rows: ${kinds.join(" ")}`);
    assert.equal(kinds.filter((k) => k === "bar").length, 1, "the timeline (10 bars) is one tab stop");
    // inside the timeline, the arrow keys move between bars
    const bar = page.locator("#a #timeline .bar[tabindex='0']");
    await bar.focus();
    const before = await page.evaluate(() => document.getElementById("a").shadowRoot.activeElement.dataset.taskId);
    await page.keyboard.press("ArrowRight");
    const after = await page.evaluate(() => document.getElementById("a").shadowRoot.activeElement.dataset.taskId);
    assert.notEqual(after, before, "ArrowRight moves to the next bar");
    assert.equal(await page.locator("#a #timeline .bar[tabindex='0']").count(), 1);
    await page.keyboard.press("Enter");
    assert.equal(await page.locator(`#a tbody button.expand[data-id="${after}"]`).getAttribute("aria-expanded"), "true");
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("theming: --dcs-accent inside, ::part from outside, dark with color-scheme", async () => {
    const { page, errors, context } = await openConsole();
    const loadAll = await page.locator("#a #load-all").evaluate((b) => getComputedStyle(b).backgroundColor);
    assert.equal(loadAll, ACCENT, "the primary button takes --dcs-accent");
    const other = await page.locator("#b #load-all").evaluate((b) => getComputedStyle(b).backgroundColor);
    assert.notEqual(other, ACCENT, "only where it is set");
    const row = await page.locator("#a tbody tr.task").first().evaluate((r) => getComputedStyle(r).fontStyle);
    assert.equal(row, "italic", "::part(row) from the console's style sheet");
    const table = await page.locator("#a #tasks").evaluate((t) => getComputedStyle(t).outlineColor);
    assert.equal(table, "rgb(1, 2, 3)", "::part(table)");
    const colours = async (id) => page.locator(`#${id}`).evaluate((el) => ({
      text: getComputedStyle(el).color,
      panel: getComputedStyle(el.shadowRoot.getElementById("tasks-section")).backgroundColor,
    }));
    const light = await colours("b");
    const dark = await colours("dark");
    assert.deepEqual(light, { text: "rgb(27, 31, 36)", panel: "rgb(255, 255, 255)" });
    assert.deepEqual(dark, { text: "rgb(230, 233, 237)", panel: "rgb(29, 33, 38)" }, "color-scheme: dark on the element");
    await page.locator("#dark").screenshot({ path: screenshotPath("element-dark") });
    assert.deepEqual(errors, []);
    await context.close();
  });

  for (const [name, viewport] of [["desktop", { width: 1280, height: 900 }], ["phone", { width: 390, height: 844 }]]) {
    test(`axe-core (WCAG 2 A/AA + best practices) on the console page, ${name}, a row expanded`, async () => {
      const { page, errors, context } = await openConsole({ viewport });
      await page.locator("#a tbody button.expand").first().click();
      await page.locator("#a tr.details-row:not([hidden])").first().waitFor();
      await page.waitForFunction(() => window.__events.some((e) => e.type === "dcs-error" && e.id === "c"));
      await assertAxeClean(page);
      const wide = await page.evaluate(() => {
        const out = [];
        const walk = (root, where) => {
          for (const el of root.querySelectorAll("*")) {
            const r = el.getBoundingClientRect();
            if (r.right > window.innerWidth + 1) out.push(`${where} ${el.tagName.toLowerCase()}#${el.id}.${el.className?.baseVal ?? el.className} ${Math.round(r.right)}`);
            if (el.shadowRoot) walk(el.shadowRoot, `${where}>${el.id}`);
          }
        };
        walk(document, "");
        return out.slice(0, 8);
      });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
      assert.equal(overflow, false, `no horizontal scrolling; laid out past the right edge (clipped or not): ${wide.join(", ")}`);
      if (name === "phone") {
        const card = await page.locator("#a tbody tr.task").first().evaluate((tr) => getComputedStyle(tr).display);
        assert.equal(card, "block", "rows become cards in a narrow element");
      }
      assert.deepEqual(errors, []);
      await context.close();
    });
  }

  test("custom-elements.json says what the element has: attributes, properties, events, parts", async () => {
    const manifest = JSON.parse(readFileSync(join(root, "pkg", "custom-elements.json"), "utf8"));
    const pkgJson = JSON.parse(readFileSync(join(root, "pkg", "package.json"), "utf8"));
    assert.equal(pkgJson.customElements, "custom-elements.json");
    const decl = manifest.modules.flatMap((m) => m.declarations).find((d) => d.tagName === "dcs-task-list");
    const { page, errors, context } = await openConsole();
    // open a row (parts of details) and wait for the refused one's banner (the error part)
    await page.locator("#a tbody button.expand").first().click();
    await page.waitForFunction(() => window.__events.some((e) => e.type === "dcs-error" && e.id === "c"));
    await page.locator("#a #page-size").selectOption("20");
    await page.waitForFunction(() => window.__events.some((e) => e.type === "dcs-view-change"));
    const real = await page.evaluate(() => {
      const Cls = customElements.get("dcs-task-list");
      const proto = Cls.prototype;
      const props = Object.getOwnPropertyNames(proto).filter((n) => n !== "constructor" && Object.getOwnPropertyDescriptor(proto, n).get);
      const methods = Object.getOwnPropertyNames(proto).filter((n) => typeof Object.getOwnPropertyDescriptor(proto, n).value === "function"
        && !["constructor", "attributeChangedCallback", "connectedCallback", "disconnectedCallback", "$"].includes(n));
      const parts = new Set();
      for (const id of ["a", "c"]) for (const el of document.getElementById(id).shadowRoot.querySelectorAll("[part]")) for (const p of el.part) parts.add(p);
      // each reflected property: setting it sets the attribute
      const el = document.createElement("dcs-task-list");
      const reflected = {};
      for (const [prop, value] of [["endpoint", "https://p.example"], ["projectId", "p1"], ["instanceId", "i1"], ["pageSize", 50], ["autoRefresh", true]]) {
        el[prop] = value;
        reflected[prop] = [...el.attributes].map((x) => x.name).sort();
      }
      return { attrs: [...Cls.observedAttributes].sort(), props: props.sort(), methods: methods.sort(), parts: [...parts].sort(), reflected, events: [...new Set(window.__events.map((e) => e.type))].sort() };
    });
    assert.deepEqual(decl.attributes.map((a) => a.name).sort(), real.attrs, "attributes = observedAttributes");
    const fields = decl.members.filter((m) => m.kind === "field");
    assert.deepEqual(fields.map((m) => m.name).sort(), real.props, "properties = the class's accessors");
    assert.deepEqual(decl.members.filter((m) => m.kind === "method").map((m) => m.name).sort(), real.methods);
    for (const m of fields.filter((f) => f.attribute)) assert.ok(real.reflected[m.name].includes(m.attribute), `${m.name} reflects to ${m.attribute}`);
    assert.deepEqual(decl.cssParts.map((p) => p.name).sort(), real.parts, "parts = the parts in the shadow DOM");
    assert.deepEqual(decl.events.map((e) => e.name).sort(), real.events, "events = the events the element fired");
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("the elements' build: <dcs-fleet> reads the proxy's normalized routes and never loads dcs-tasks; project-id loads it on demand", async () => {
    const visit = async (path, ready) => {
      const o = await openPage(browser, { allow: [/status of 502/] });
      const asked = [];
      o.page.on("request", (r) => asked.push(new URL(r.url())));
      await o.page.goto(new URL(path, site.url).href);
      await o.page.waitForFunction(() => window.__ready === true);
      await o.page.waitForFunction(ready, null, { timeout: 30_000 });
      const proxy = asked.filter((u) => u.origin === new URL(stack.url).origin).map((u) => u.pathname);
      const pkg = asked.filter((u) => u.pathname.startsWith("/pkg/")).map((u) => u.pathname.slice(5));
      return { ...o, proxy, pkg };
    };
    const fleet = await visit("/fleet", () => window.__events.some((e) => e.type === "dcs-load" && e.id === "fleet"));
    const loaded = await fleet.page.evaluate(() => window.__events);
    // The allowed instances the mock's fleet has: one listed, one whose task listing fails.
    assert.deepEqual(loaded.map((e) => [e.type, e.instances, e.failed]), [["dcs-load", 2, 1]], JSON.stringify(loaded));
    assert.deepEqual(await fleet.page.evaluate(() => document.getElementById("fleet").rows.map((r) => r.instance.instanceId).sort()),
      [DEMO_INSTANCE, DEMO_FAILING_INSTANCE].sort());
    assert.ok(fleet.proxy.includes("/api/instances"), fleet.proxy.join());
    // (the failing one asked again: the client's retries of a 502)
    assert.deepEqual([...new Set(fleet.proxy.filter((p) => /^\/api\/instances\/[^/]+\/tasks$/.test(p)))].sort(),
      [DEMO_INSTANCE, DEMO_FAILING_INSTANCE].map((i) => `/api/instances/${i}/tasks`).sort(), fleet.proxy.join());
    assert.deepEqual(fleet.proxy.filter((p) => !p.startsWith("/api/")), [], "nothing but the normalized routes");
    assert.ok(fleet.pkg.includes("dcs_tasks_page_wasm.js") && fleet.pkg.includes("dcs_tasks_page.js"), fleet.pkg.join());
    assert.deepEqual(fleet.pkg.filter((f) => ["index.js", "dcs_tasks.js", "dcs_tasks_wasm.js", "inflate.js"].includes(f)), [], fleet.pkg.join());
    assert.deepEqual(await fleet.page.evaluate(() => window.__events.filter((e) => e.type === "dcs-error")), []);
    assert.deepEqual(fleet.errors, []);
    await fleet.context.close();
    const direct = await visit("/direct", () => document.getElementById("direct").shadowRoot?.querySelectorAll("tbody tr.task").length === 10);
    assert.ok(direct.pkg.includes("index.js") && direct.pkg.includes("dcs_tasks_wasm.js"), direct.pkg.join());
    assert.deepEqual(direct.proxy.filter((p) => p.startsWith("/api/")), [], direct.proxy.join());
    assert.ok(direct.proxy.includes(`/v2/${DEFAULT_PROJECT_ID}/instances/${A}/tasks`), direct.proxy.join());
    assert.deepEqual(direct.errors, []);
    await direct.context.close();
  });
});
