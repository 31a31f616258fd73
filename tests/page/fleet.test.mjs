// The fleet on the www page (issue 26) in headless Chromium against the demo stack (mock DCS with
// its demo fleet of 36 instances + edge proxy): the instance picker, `/?view=fleet` (<dcs-fleet>)
// with every instance, its task counts checked against the proxy's own task lists, the attention
// order (the core's ranks), the failing instance's error in its row, choosing an instance, the
// lanes' keyboard, languages, the phone layout and axe-core. The operator's steps of issue 33
// (attention on the first screen, the outage, small screens) are fleet-attention.test.mjs; the
// README's fleet screenshots are made by scripts/screenshots.mjs.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { startDemo, launchBrowser, openPage, screenshotPath, root, assertAxeClean } from "./stack.mjs";

const FAILING = "9d1e4f70-err500json-4c1b-8d2e-5a6b7c8d9e0f"; // dcs-legacy-sessions: its task listing is a 500
const EXPECTED_HTTP_ERRORS = [/Failed to load resource: the server responded with a status of 500/];
let stack;
let browser;
let instances; // the proxy's normalized list

async function open(path, opts = {}) {
  const o = await openPage(browser, { allow: EXPECTED_HTTP_ERRORS, ...opts });
  await o.page.goto(new URL(path, stack.url).href);
  return o;
}

/** Waits until the fleet is listed (`data-state="ready"`, the count written). */
async function fleetLoaded(page) {
  await page.waitForFunction(() => {
    const f = document.getElementById("fleet");
    const r = f?.shadowRoot;
    return r && f.dataset.state === "ready" && r.getElementById("load-box").hidden && r.getElementById("count").textContent.length > 0;
  }, null, { timeout: 60_000 });
}

const rowsOf = (page) => page.locator("dcs-fleet tbody tr.instance").evaluateAll((trs) => trs.map((tr) => ({
  id: tr.dataset.instanceId,
  status: tr.dataset.status,
  rank: Number(tr.dataset.rank),
  attention: tr.dataset.attention === "true",
  executing: tr.querySelector(".col-executing").textContent,
  failed: tr.querySelector(".col-failed").textContent,
  succeeded: tr.querySelector(".col-succeeded").textContent,
  error: tr.querySelector(".inline-error")?.textContent ?? null,
})));

describe("the fleet on the www page", { timeout: 300_000 }, () => {
  before(async () => {
    stack = await startDemo();
    browser = await launchBrowser();
    const r = await fetch(new URL("api/instances?all=1", stack.url));
    assert.equal(r.status, 200, "GET /api/instances?all=1");
    ({ instances } = await r.json());
    assert.equal(instances.length, 36, "the demo fleet");
  });
  after(async () => {
    await browser?.close();
    await stack?.close();
  });

  test("the picker filters the instances by name and opens one; an exact name is taken too", async () => {
    const { page, errors, context } = await open("/?lang=en");
    await page.waitForFunction(() => Number(document.getElementById("instance").dataset.instances) > 0, null, { timeout: 30_000 });
    const catalog = instances.find((i) => i.name === "dcs-catalog");
    await page.fill("#instance", "");
    await page.locator("#instance").pressSequentially("catal");
    const options = page.locator("#instance-options [role=option]");
    await options.first().waitFor();
    assert.deepEqual(await options.evaluateAll((os) => os.map((o) => o.dataset.instanceId)), [catalog.instanceId]);
    const text = await options.first().textContent();
    const label = await page.evaluate(async (st) => (await import("/pkg/elements/i18n.js")).translator("en").instanceStatusLabel(st), catalog.status);
    assert.ok(text.includes("dcs-catalog") && text.includes(label) && text.includes(catalog.engine), `status (${label}) and engine shown: ${text}`);
    assert.equal(await page.getAttribute("#instance", "aria-expanded"), "true");
    await page.keyboard.press("ArrowDown");
    assert.equal(await page.getAttribute("#instance", "aria-activedescendant"), "instance-option-0");
    await page.keyboard.press("Enter");
    await page.waitForURL((u) => u.searchParams.get("instance") === catalog.instanceId);
    await page.locator("#task-list tbody tr.task").first().waitFor({ timeout: 30_000 });
    assert.equal(await page.getAttribute("#instance", "aria-expanded"), "false");
    // a broader query lists every match; an exact name typed and submitted opens that instance
    await page.fill("#instance", "");
    await page.locator("#instance").pressSequentially("dcs-");
    const many = await options.count();
    assert.equal(many, instances.filter((i) => i.name.includes("dcs-")).length);
    const sessions = instances.find((i) => i.name === "dcs-sessions");
    await page.fill("#instance", "dcs-sessions");
    await page.click("#show");
    await page.waitForURL((u) => u.searchParams.get("instance") === sessions.instanceId);
    // a status, as shown in either language or as sent, lists the instances in it
    const frozen = instances.filter((i) => i.status === "FROZEN").map((i) => i.instanceId).sort();
    assert.ok(frozen.length > 0 && !instances.some((i) => /frozen|冻结/i.test(i.name)));
    for (const typed of ["frozen", "已冻结", "FROZEN"]) {
      await page.fill("#instance", "");
      await page.locator("#instance").pressSequentially(typed);
      await page.waitForFunction((n) => document.querySelectorAll("#instance-options [role=option]").length === n, frozen.length);
      assert.deepEqual((await options.evaluateAll((os) => os.map((o) => o.dataset.instanceId))).sort(), frozen, typed);
    }
    // a long list shows 50 and says how many more match
    const shown = await page.evaluate(async () => {
      const { InstancePicker } = await import("/picker.js");
      const input = document.createElement("input");
      const list = document.createElement("ul");
      list.id = "picker-probe";
      document.body.append(input, list);
      const p = new InstancePicker(input, list, () => {});
      p.use(Array.from({ length: 64 }, (_, k) => ({ instanceId: `id-${k}`, name: `cache-${String(k).padStart(2, "0")}`, status: "RUNNING" })));
      input.value = "cache";
      input.dispatchEvent(new Event("input"));
      const r = { options: list.querySelectorAll("[role=option]").length, note: list.querySelector(".opt-none")?.textContent };
      input.remove();
      list.remove();
      return r;
    });
    assert.deepEqual(shown, { options: 50, note: "14 more: type more of a name, an ID, a status or an engine." });
    // an ID nobody lists is still accepted
    await page.fill("#instance", "pagetest-n5");
    await page.click("#show");
    await page.waitForURL((u) => u.searchParams.get("instance") === "pagetest-n5");
    await page.locator("#task-list #count", { hasText: "1–5 of 5 tasks" }).waitFor({ timeout: 30_000 });
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("/?view=fleet: every instance, its counts, what needs attention first, the failing one's error in its row", async () => {
    const { page, errors, context } = await open("/?view=fleet&fleet-range=all&lang=en", { viewport: { width: 1280, height: 1500 } });
    await fleetLoaded(page);
    assert.equal(await page.isVisible("#task-list"), false, "the task view is hidden");
    assert.equal(await page.getAttribute("#nav-fleet", "aria-current"), "page");
    const rows = await rowsOf(page);
    assert.deepEqual(rows.map((r) => r.id).sort(), instances.map((i) => i.instanceId).sort(), "one row per instance");
    for (let k = 1; k < rows.length; k++) assert.ok(rows[k - 1].rank <= rows[k].rank, `the core's order at ${k}: ${rows.map((r) => r.rank)}`);
    assert.equal(rows[0].rank, 0);
    assert.match(await page.locator("dcs-fleet #count").textContent(), /^36 instances · task counts: Any time · 1 could not be listed/);
    // the failing instance: its error in its row, first among what needs attention
    const failing = rows.find((r) => r.id === FAILING);
    assert.equal(failing.rank, 0);
    assert.equal(failing.attention, true);
    assert.equal(rows[0].id, FAILING, "the unreachable instance first");
    assert.match(failing.error, /^HTTP_ERROR 500: /);
    // the counts against the proxy's own task list of some instances (all of each)
    for (const r of rows.filter((x) => !x.error).slice(0, 4)) {
      const list = await (await fetch(new URL(`api/instances/${r.id}/tasks?all=1`, stack.url))).json();
      const count = (pred) => String(list.tasks.filter(pred).length);
      assert.deepEqual([r.executing, r.failed, r.succeeded], [
        count((t) => t.status === "EXECUTING" || t.status === "CREATED"), count((t) => t.status === "FAILED"), count((t) => t.status === "SUCCESS"),
      ], `counts of ${r.id}`);
    }
    // filters inside the element: by name
    await page.locator("dcs-fleet #name").fill("dcs-cat");
    await page.waitForFunction(() => document.getElementById("fleet").shadowRoot.querySelectorAll("tbody tr.instance").length === 1);
    await page.locator("dcs-fleet #name").fill("");
    await page.screenshot({ path: screenshotPath("fleet-desktop") });
    // choosing an instance opens its tasks
    const pick = rows.find((r) => !r.error && r.attention) ?? rows.find((r) => !r.error);
    await page.locator(`dcs-fleet tr.instance[data-instance-id="${pick.id}"] button.link`).click();
    await page.waitForURL((u) => u.searchParams.get("instance") === pick.id && !u.searchParams.has("view"));
    await page.locator("#task-list tbody tr.task").first().waitFor({ timeout: 30_000 });
    assert.equal(await page.isVisible("dcs-fleet"), false);
    assert.equal(await page.inputValue("#instance"), instances.find((i) => i.instanceId === pick.id).name, "the field names the instance");
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("one client for the page: /api/config read once, the instances listed once (the fleet's, the picker takes them)", async () => {
    const o = await openPage(browser, { allow: EXPECTED_HTTP_ERRORS });
    const configs = [];
    const lists = [];
    o.page.on("request", (r) => {
      const path = new URL(r.url()).pathname;
      if (path === "/api/config") configs.push(r.url());
      if (/^\/v2\/[^/]+\/instances$/.test(path)) lists.push(r.url());
    });
    await o.page.goto(new URL("/?view=fleet&fleet-range=24h&lang=en", stack.url).href);
    await fleetLoaded(o.page);
    await o.page.locator("#nav-tasks").click();
    await o.page.locator("dcs-task-list tbody tr.task").first().waitFor({ timeout: 30_000 });
    await o.page.waitForFunction(() => Number(document.getElementById("instance").dataset.instances) > 0);
    assert.equal(configs.length, 1, `/api/config read ${configs.length} times`);
    assert.equal(lists.length, 1, `the instance list asked ${lists.length} times: ${lists.join(" ")}`);
    assert.deepEqual(o.errors, []);
    await o.context.close();
  });

  test("Back and Forward: fleet -> an instance -> Back is the fleet again (not a page before the app), Forward the instance", async () => {
    const o = await openPage(browser, { allow: EXPECTED_HTTP_ERRORS });
    await o.page.goto("about:blank");
    await o.page.goto(new URL("/?view=fleet&fleet-range=24h&lang=en", stack.url).href);
    await fleetLoaded(o.page);
    const link = o.page.locator("dcs-fleet tbody tr.instance button.link").first();
    const id = await link.getAttribute("data-instance-id");
    await link.click();
    await o.page.waitForFunction((i) => new URL(location.href).searchParams.get("instance") === i && !document.getElementById("task-list").hidden, id);
    await o.page.goBack();
    await o.page.waitForFunction(() => new URL(location.href).searchParams.get("view") === "fleet");
    assert.equal(await o.page.evaluate(() => document.getElementById("fleet").hidden), false, "the fleet is shown again");
    assert.equal(await o.page.evaluate(() => document.getElementById("task-list").hidden), true);
    assert.match(o.page.url(), /^http/, "Back stayed in the app");
    await o.page.goForward();
    await o.page.waitForFunction((i) => new URL(location.href).searchParams.get("instance") === i && !document.getElementById("task-list").hidden, id);
    assert.equal(await o.page.evaluate(() => document.querySelector("dcs-task-list").instanceId), id);
    assert.deepEqual(o.errors, []);
    await o.context.close();
  });

  test("the lanes: one tab stop, arrow keys between instances, Enter opens the instance", async () => {
    const { page, errors, context } = await open("/?view=fleet&fleet-range=all&lang=en");
    await fleetLoaded(page);
    const lanes = page.locator("dcs-fleet #timeline svg[role=group]");
    assert.match(await lanes.getAttribute("aria-label"), /^Timeline: one lane for each of 35 instances/);
    assert.equal(await page.locator("dcs-fleet #timeline .bar[tabindex='0']").count(), 1, "one tab stop");
    await page.locator("dcs-fleet #timeline .bar[tabindex='0']").focus();
    const at = () => page.evaluate(() => document.getElementById("fleet").shadowRoot.activeElement?.dataset.instanceId);
    const first = await at();
    await page.keyboard.press("ArrowDown");
    const second = await at();
    assert.notEqual(second, first, "ArrowDown: the next instance's lane");
    await page.keyboard.press("ArrowRight");
    assert.equal(await at(), second, "ArrowRight stays on the lane");
    await page.keyboard.press("Enter");
    await page.waitForURL((u) => u.searchParams.get("instance") === second);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("Chinese, and the phone layout", async () => {
    const zh = await open("/?view=fleet&fleet-range=all&lang=zh");
    await fleetLoaded(zh.page);
    assert.equal(await zh.page.locator("dcs-fleet thead th.col-instance").textContent(), "实例");
    assert.match(await zh.page.locator("dcs-fleet #count").textContent(), /^36 个实例/);
    assert.equal(await zh.page.locator("#nav-fleet").textContent(), "全部实例");
    assert.deepEqual(zh.errors, []);
    await zh.context.close();
    const { page, errors, context } = await open("/?view=fleet&fleet-range=all&lang=en", { viewport: { width: 390, height: 844 } });
    await fleetLoaded(page);
    const layout = await page.locator("dcs-fleet tbody tr.instance").first().evaluate((tr) => getComputedStyle(tr).display);
    assert.equal(layout, "flex", "instances as cards");
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth), false, "no horizontal scrolling");
    await page.locator("dcs-fleet #timeline").scrollIntoViewIfNeeded();
    await page.screenshot({ path: screenshotPath("fleet-phone") });
    assert.deepEqual(errors, []);
    await context.close();
  });

  for (const [name, viewport] of [["desktop", { width: 1280, height: 900 }], ["phone", { width: 390, height: 844 }]]) {
    test(`axe-core (WCAG 2 A/AA + best practices) on the fleet view, ${name}, the picker open`, async () => {
      const { page, errors, context } = await open("/?view=fleet&fleet-range=all&lang=en", { viewport });
      await fleetLoaded(page);
      await page.waitForFunction(() => Number(document.getElementById("instance").dataset.instances) > 0, null, { timeout: 30_000 });
      await page.locator("#instance").fill("dcs-c");
      await page.locator("#instance-options [role=option]").first().waitFor();
      await assertAxeClean(page);
      assert.deepEqual(errors, []);
      await context.close();
    });
  }
});

describe("custom-elements.json for <dcs-fleet>", { timeout: 120_000 }, () => {
  before(async () => {
    stack = await startDemo();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await stack?.close();
  });

  test("says what the fleet element has: attributes, properties, methods, events, parts", async () => {
    const manifest = JSON.parse(readFileSync(join(root, "pkg", "custom-elements.json"), "utf8"));
    const decl = manifest.modules.flatMap((m) => m.declarations).find((d) => d.tagName === "dcs-fleet");
    assert.ok(decl, "dcs-fleet is in the manifest");
    const o = await openPage(browser, { allow: EXPECTED_HTTP_ERRORS });
    // every dcs-* event the page hears, recorded from before its scripts run
    await o.page.addInitScript(() => {
      window.__events = [];
      for (const t of ["dcs-load", "dcs-instance-select", "dcs-error", "dcs-view-change", "dcs-config"]) {
        document.addEventListener(t, (e) => { if (e.target.id === "fleet" || e.target.id === "fleet-own") window.__events.push(t); }, true);
      }
    });
    await o.page.goto(new URL("/?view=fleet&fleet-range=all&lang=en", stack.url).href);
    await fleetLoaded(o.page);
    await o.page.locator("dcs-fleet #range").selectOption("30d"); // dcs-view-change
    await fleetLoaded(o.page);
    await o.page.locator("dcs-fleet #range").selectOption("all");
    await fleetLoaded(o.page);
    await o.page.locator("dcs-fleet tbody tr.instance button.link").first().click(); // dcs-instance-select
    await o.page.waitForFunction(() => window.__events.includes("dcs-instance-select"));
    // The page gives its fleet the page's one client; a fleet given only an endpoint reads the
    // proxy's /api/config itself and says so (dcs-config).
    await o.page.evaluate(() => new Promise((resolve) => {
      const f = document.createElement("dcs-fleet");
      f.id = "fleet-own";
      f.addEventListener("dcs-config", () => resolve(), { once: true });
      f.endpoint = location.origin;
      document.body.append(f);
    }));
    const real = await o.page.evaluate(() => {
      const Cls = customElements.get("dcs-fleet");
      const proto = Cls.prototype;
      const names = Object.getOwnPropertyNames(proto).filter((n) => n !== "constructor");
      const props = names.filter((n) => Object.getOwnPropertyDescriptor(proto, n).get);
      const methods = names.filter((n) => typeof Object.getOwnPropertyDescriptor(proto, n).value === "function"
        && !["attributeChangedCallback", "connectedCallback", "disconnectedCallback", "$"].includes(n));
      const parts = new Set();
      for (const el of document.getElementById("fleet").shadowRoot.querySelectorAll("[part]")) for (const p of el.part) parts.add(p);
      const el = document.createElement("dcs-fleet");
      const reflected = {};
      for (const [prop, value] of [["endpoint", "https://p.example"], ["projectId", "p1"], ["range", "7d"], ["concurrency", 8], ["refreshInterval", 30]]) {
        el[prop] = value;
        reflected[prop] = [...el.attributes].map((x) => x.name);
      }
      return { attrs: [...Cls.observedAttributes].sort(), props: props.sort(), methods: methods.sort(), parts: [...parts].sort(), reflected, events: [...new Set(window.__events)].sort() };
    });
    assert.deepEqual(decl.attributes.map((a) => a.name).sort(), real.attrs, "attributes = observedAttributes");
    const fields = decl.members.filter((m) => m.kind === "field");
    assert.deepEqual(fields.map((m) => m.name).sort(), real.props, "properties = the class's accessors");
    assert.deepEqual(decl.members.filter((m) => m.kind === "method").map((m) => m.name).sort(), real.methods);
    for (const m of fields.filter((f) => f.attribute)) assert.ok(real.reflected[m.name].includes(m.attribute), `${m.name} reflects to ${m.attribute}`);
    assert.deepEqual(decl.cssParts.map((p) => p.name).sort(), real.parts, "parts = the parts in the shadow DOM");
    // dcs-error is the instance listing's failure (not met here: the listing works); the rest fired
    assert.deepEqual(decl.events.map((e) => e.name).filter((n) => n !== "dcs-error").sort(), real.events, "events = the events the element fired");
    assert.deepEqual(o.errors, []);
    await o.context.close();
  });
});
