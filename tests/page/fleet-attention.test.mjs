// Issue 33's fleet findings, as the operator's steps in headless Chromium against a real upstream:
// the mock DCS in a process of its own (anchored at now, so the 24 h view has data), the edge
// proxy in workerd, the www page. The instance that needs attention is named on the first screen
// (desktop and phone), its failing listing with its error, first; an attention link opens its
// tasks filtered; running tasks that began before the range are counted; 768 px cuts nothing off;
// the outage: the upstream process killed while the fleet is shown, the rows kept and marked
// stale, then restarted, and the fleet recovers by itself, no click in between.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { startStackWithUpstream, launchBrowser, openPage, assertAxeClean } from "./stack.mjs";

const FAILING = "9d1e4f70-err500json-4c1b-8d2e-5a6b7c8d9e0f"; // dcs-legacy-sessions: its task listing is a 500
const ALLOWED = [/Failed to load resource: the server responded with a status of 50[02]/];
const DAY = 86_400_000;
const LOOK_BACK = 7 * DAY; // listFleetTasks' look-back for tasks still running
let stack;
let browser;

async function open(path, opts = {}) {
  const o = await openPage(browser, { allow: ALLOWED, ...opts });
  await o.page.goto(new URL(path, stack.url).href);
  await o.page.waitForFunction(() => document.getElementById("fleet")?.dataset.state === "ready", null, { timeout: 60_000 });
  return o;
}

const state = (page) => page.evaluate(() => document.getElementById("fleet").dataset.state);

/** The attention items as shown: id, text, top and bottom (px, in the viewport). */
const attentionItems = (page) => page.locator("dcs-fleet li.attention-item").evaluateAll((lis) => lis.map((li) => {
  const r = li.getBoundingClientRect();
  return { id: li.dataset.instanceId, text: li.textContent, top: r.top, bottom: r.bottom };
}));

describe("the operator's fleet (issue 33)", { timeout: 600_000 }, () => {
  before(async () => {
    stack = await startStackWithUpstream();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await stack?.close();
  });

  for (const [name, viewport] of [["desktop 1366x900", { width: 1366, height: 900 }], ["phone 390x844", { width: 390, height: 844 }]]) {
    test(`${name}: the instance whose listing fails is named first on the first screen, with its error`, async () => {
      const { page, errors, context } = await open("/?view=fleet&lang=en", { viewport });
      const items = await attentionItems(page);
      assert.ok(items.length > 0, "an attention list");
      assert.equal(items[0].id, FAILING, "the failing listing first");
      assert.match(items[0].text, /dcs-legacy-sessions/);
      assert.match(items[0].text, /Task listing failed: HTTP_ERROR 500: /);
      assert.ok(items[0].bottom <= viewport.height, `on the first screen (bottom ${items[0].bottom} px of ${viewport.height})`);
      // the summary line names the counts, each a filter
      const summary = await page.locator("dcs-fleet #summary").textContent();
      assert.match(summary, /^Since .*: .*1 unreachable/);
      // the red bar: only the attention entries, as many as the core says
      const totals = await page.evaluate(() => document.getElementById("fleet").summary.totals);
      assert.equal(items.length, totals.attention);
      assert.equal(await page.locator("dcs-fleet tbody tr.instance.attention").count(), totals.attention);
      const first = await page.locator("dcs-fleet tbody tr.instance").first().getAttribute("data-instance-id");
      assert.equal(first, FAILING, "the table in the same order");
      const bars = await page.locator("dcs-fleet tbody tr.instance").evaluateAll((trs) => trs.map((tr) => ({
        attention: tr.classList.contains("attention"),
        bar: getComputedStyle(tr).boxShadow !== "none" || getComputedStyle(tr.cells[0]).boxShadow !== "none",
      })));
      assert.deepEqual(bars.filter((b) => b.bar !== b.attention), [], "a red bar exactly on the attention rows");
      if (viewport.width < 500) {
        assert.equal(await page.locator("dcs-fleet #filters").isVisible(), false, "the filters behind one control");
        await page.locator("dcs-fleet #filters-toggle").click();
        assert.equal(await page.locator("dcs-fleet #filters").isVisible(), true);
        const heights = await page.locator("dcs-fleet tbody tr.instance").evaluateAll((trs) => trs.map((tr) => tr.getBoundingClientRect().height));
        assert.ok(Math.max(...heights) < 160, `phone cards are short: ${Math.max(...heights)} px`);
        assert.equal(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), true, "no sideways scrolling");
      } else {
        // desktop: the first cell's bar is the row's full height
        const [cell, row] = await page.locator("dcs-fleet tbody tr.instance").first().evaluate((tr) => [tr.cells[0].getBoundingClientRect().height, tr.getBoundingClientRect().height]);
        assert.ok(Math.abs(cell - row) < 1, `first cell ${cell} px, row ${row} px`);
      }
      await assertAxeClean(page);
      assert.deepEqual(errors, []);
      await context.close();
    });
  }

  test("Chinese and dark: the reasons in Chinese, axe-core clean", async () => {
    const { page, errors, context } = await open("/?view=fleet&lang=zh", { viewport: { width: 1366, height: 900 }, colorScheme: "dark", locale: "zh-CN" });
    assert.equal(await page.locator("dcs-fleet #attention-heading").textContent(), "需要关注");
    assert.match(await page.locator("dcs-fleet li.attention-item").first().textContent(), /任务查询失败：HTTP_ERROR 500/);
    assert.match(await page.locator("dcs-fleet #summary").textContent(), /^自 .* 起：.*1 个无法访问/);
    await assertAxeClean(page);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("a count of the summary filters the table, and the filters are in the address (Back undoes them)", async () => {
    const { page, errors, context } = await open("/?view=fleet&lang=en", { viewport: { width: 1366, height: 900 } });
    await page.locator("dcs-fleet #summary button[data-concern=unreachable]").click();
    await page.waitForURL((u) => u.searchParams.get("fleet-concern") === "unreachable");
    assert.deepEqual(await page.locator("dcs-fleet tbody tr.instance").evaluateAll((trs) => trs.map((tr) => tr.dataset.instanceId)), [FAILING]);
    await page.locator("dcs-fleet #status").selectOption("RUNNING");
    await page.waitForURL((u) => u.searchParams.get("fleet-status") === "RUNNING");
    await page.goBack();
    await page.waitForURL((u) => !u.searchParams.has("fleet-status") && u.searchParams.get("fleet-concern") === "unreachable");
    assert.equal(await page.locator("dcs-fleet #status").inputValue(), "");
    // the address alone opens the same filtered fleet
    const again = await open(`/?view=fleet&lang=en&fleet-concern=failed&fleet-q=dcs-`);
    const shown = await again.page.locator("dcs-fleet tbody tr.instance").evaluateAll((trs) => trs.map((tr) => tr.textContent));
    const failedN = await again.page.evaluate(() => document.getElementById("fleet").summary.instances.filter((h) => h.name.includes("dcs-") && h.concerns.some((c) => c.kind === "failed")).length);
    assert.equal(shown.length, failedN);
    assert.equal(await again.page.locator("dcs-fleet #name").inputValue(), "dcs-");
    await again.context.close();
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("an attention item's link opens the instance's tasks filtered to its reason (failed tasks)", async () => {
    const { page, errors, context } = await open("/?view=fleet&lang=en", { viewport: { width: 1366, height: 900 } });
    const link = page.locator("dcs-fleet li.attention-item li[data-kind=failed] button.open-filtered").first();
    const id = await link.getAttribute("data-instance-id");
    assert.match(await link.textContent(), /Its Failed tasks/);
    await link.click();
    await page.waitForURL((u) => u.searchParams.get("instance") === id && u.searchParams.get("status") === "FAILED" && !u.searchParams.has("view"));
    await page.locator("dcs-task-list tbody tr.task").first().waitFor({ timeout: 30_000 });
    const statuses = await page.locator("dcs-task-list tbody tr.task").evaluateAll((trs) => trs.map((tr) => tr.dataset.status));
    assert.ok(statuses.length > 0 && statuses.every((s) => s === "FAILED"), `only failed tasks: ${statuses}`);
    await page.waitForFunction(() => document.getElementById("task-list").dataset.state === "ready");
    assert.equal(await page.evaluate(() => document.getElementById("task-list").state), "ready");
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("running tasks that began before the range are counted, and their link shows them", async () => {
    const { page, errors, context } = await open("/?view=fleet&fleet-range=24h&lang=en", { viewport: { width: 1366, height: 900 } });
    // The mock's tasks move on with the clock (one may end between the fleet's listing and ours):
    // compared at the same refresh, up to three times.
    let early = null;
    let mismatch = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      if (attempt) {
        await page.evaluate(() => { const f = document.getElementById("fleet"); f.dataset.state = ""; f.refresh(); });
        await page.waitForFunction(() => document.getElementById("fleet").dataset.state === "ready", null, { timeout: 60_000 });
      }
      const now = Date.now();
      const rows = await page.locator("dcs-fleet tbody tr.instance").evaluateAll((trs) => trs.map((tr) => ({
        id: tr.dataset.instanceId, running: tr.querySelector(".col-executing").textContent,
      })));
      mismatch = [];
      early = null;
      for (const r of rows.filter((x) => x.id !== FAILING)) {
        const list = await (await fetch(new URL(`api/instances/${r.id}/tasks?all=1`, stack.url))).json();
        const running = list.tasks.filter((t) => ["CREATED", "EXECUTING"].includes(t.status) && Date.parse(t.createdAt) >= now - DAY - LOOK_BACK - 60_000);
        if (r.running !== String(running.length)) mismatch.push(`${r.id}: ${r.running} shown, ${running.length} running`);
        early ??= running.some((t) => Date.parse(t.createdAt) < now - DAY) ? r.id : null;
      }
      if (!mismatch.length) break;
    }
    assert.deepEqual(mismatch, [], "the running tasks of each instance, whatever their start");
    assert.ok(early, "an instance runs a task that began before the 24 h range");
    // its stuck task's link: the task view from that task's start, the running status
    const link = page.locator(`dcs-fleet li.attention-item[data-instance-id="${early}"] li[data-kind=stuck] button.open-filtered`);
    if (await link.count()) {
      const concern = await page.evaluate((i) => document.getElementById("fleet").summary.instances.find((h) => h.instanceId === i).concerns.find((c) => c.kind === "stuck"), early);
      await link.click();
      await page.waitForURL((u) => u.searchParams.get("instance") === early && u.searchParams.get("status") === concern.task.status);
      const view = await page.evaluate(() => document.getElementById("task-list").view);
      assert.equal(view.range, "custom");
      assert.equal(Date.parse(view.from) <= Date.parse(concern.since), true, `from ${view.from}, the task began ${concern.since}`);
    }
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("768 px: every column or a card, nothing cut off", async () => {
    const { page, errors, context } = await open("/?view=fleet&lang=en", { viewport: { width: 768, height: 1024 } });
    const fit = await page.evaluate(() => {
      const r = document.getElementById("fleet").shadowRoot;
      const wrap = r.querySelector(".table-wrap");
      const right = wrap.getBoundingClientRect().right;
      const over = [...r.querySelectorAll("tbody tr.instance td")].filter((td) => td.getBoundingClientRect().right > right + 0.5).length;
      return { scroll: wrap.scrollWidth, client: wrap.clientWidth, over, page: document.documentElement.scrollWidth, vw: innerWidth };
    });
    assert.ok(fit.scroll <= fit.client, `the table fits: ${fit.scroll} > ${fit.client}`);
    assert.equal(fit.over, 0, "no cell beyond the table's edge");
    assert.ok(fit.page <= fit.vw, "no sideways scrolling");
    // timeline bars: targets of at least 24 x 24 px
    const small = await page.locator("dcs-fleet #timeline .bar .bar-hit").evaluateAll((rs) => rs.map((r) => {
      const b = r.getBoundingClientRect();
      return { w: b.width, h: b.height, x: r.getAttribute("x"), width: r.getAttribute("width") };
    }).filter((b) => b.w < 23.9 || b.h < 23.9));
    assert.deepEqual(small, [], "every bar's target is 24 px or more");
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("the outage: the upstream stops while the fleet is shown (rows kept, stale since when), then returns and the fleet recovers by itself", async () => {
    const { page, errors, context } = await open("/?view=fleet&lang=en", { viewport: { width: 1366, height: 900 } });
    const interval = 2;
    await page.evaluate((s) => document.getElementById("fleet").setAttribute("refresh-interval", String(s)), interval);
    const rowsBefore = await page.locator("dcs-fleet tbody tr.instance").count();
    assert.equal(rowsBefore, 36);
    await stack.stopUpstream();
    const stoppedAt = Date.now();
    await page.waitForFunction(() => document.getElementById("fleet").dataset.state === "stale", null, { timeout: 60_000 });
    assert.equal(await page.locator("dcs-fleet tbody tr.instance").count(), rowsBefore, "the rows are kept");
    const banner = page.locator("dcs-fleet #stale-banner");
    assert.equal(await banner.isVisible(), true);
    assert.match(await banner.textContent(), /Showing the data of \d\d:\d\d:\d\d: refreshing has failed since \d\d:\d\d:\d\d\./);
    assert.match(await banner.textContent(), /UPSTREAM_UNREACHABLE/);
    const since = Date.parse(await banner.getAttribute("data-since"));
    assert.ok(since >= stoppedAt - 1000, "stale since the outage");
    assert.equal(await page.locator("dcs-fleet li.attention-item").first().getAttribute("data-instance-id"), FAILING, "the attention list is kept too");
    // a later refresh that fails too keeps the first failure's time
    await page.waitForTimeout(interval * 1000 + 500);
    assert.equal(await state(page), "stale");
    assert.equal(Date.parse(await banner.getAttribute("data-since")), since);
    await stack.startUpstream();
    const back = Date.now();
    // no click: the next refresh finds the upstream again
    await page.waitForFunction(() => document.getElementById("fleet").dataset.state === "ready", null, { timeout: 30_000 });
    const took = Date.now() - back;
    assert.ok(took < 30_000, `recovered in ${took} ms`);
    assert.equal(await banner.isVisible(), false);
    assert.equal(await page.locator("dcs-fleet tbody tr.instance").count(), rowsBefore);
    assert.deepEqual(errors, []);
    await context.close();
  });
});
