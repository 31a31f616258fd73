// The task view as an operator uses it (issue 33), in headless Chromium against the demo stack
// run in this process (mock DCS with its demo fleet, the proxy in workerd, the page), so that the
// upstream can be stopped and started again: what failed in the whole range (the Status filter
// over every task, in the link, through reload, Back and Forward); live progress that resumes by
// itself after an outage; names (the field, the heading, the tab's title, the focus); the table
// at 768 px and on a phone (nothing cut off, 24 px targets); the panels an operator does not
// need (the token prompt only after a 401, the paste panel behind the developer link); the lows.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { startLocalStack, restartUpstream, launchBrowser, openPage, screenshotPath, assertAxeClean } from "./stack.mjs";

const BUSY = "pagetest-busy-2"; // its 3 newest tasks EXECUTING (from 8 %, 34 %, 35 %), 1 %/s from the mock's start
const UNREACHABLE = [/status of 50[234]/]; // Chromium's line for each failed answer during the outage
let stack;
let browser;
let instances; // the proxy's normalized instance list (the demo fleet)

const rows = (page) => page.locator("#task-list #tasks tbody tr.task");
const countText = (page) => page.locator("#task-list #count").textContent();
const byName = (name) => instances.find((i) => i.name === name);

async function open(path, opts = {}) {
  const o = await openPage(browser, opts);
  await o.page.goto(new URL(path, stack.url).href);
  return o;
}

async function waitForRows(page) {
  await rows(page).first().waitFor({ state: "visible", timeout: 30_000 });
}

/** Every task of an instance, as the proxy lists them (all pages). */
async function allTasks(id) {
  const r = await fetch(new URL(`api/instances/${id}/tasks?all=1`, stack.url));
  assert.equal(r.status, 200);
  return (await r.json()).tasks;
}

describe("the task view, as an operator uses it", { timeout: 300_000 }, () => {
  before(async () => {
    [stack, browser] = await Promise.all([startLocalStack(), launchBrowser()]);
    ({ instances } = await (await fetch(new URL("api/instances?all=1", stack.url))).json());
    assert.ok(byName("dcs-user-profile"), "the demo fleet has dcs-user-profile");
  });
  after(async () => {
    await browser?.close();
    await stack?.close();
  });

  test("What failed? Status = Failed answers for every task of the range, the link holds it, reload, Back and Forward walk it", async () => {
    const profile = byName("dcs-user-profile");
    const tasks = await allTasks(profile.instanceId);
    const failed = tasks.filter((t) => t.status === "FAILED").map((t) => t.id);
    assert.ok(tasks.length > 20 && failed.length > 0, `more than one page (${tasks.length}) with failed tasks (${failed.length})`);
    const { page, errors, context } = await open(`/?instance=${profile.instanceId}&lang=en`);
    await waitForRows(page);
    assert.match(await countText(page), new RegExp(`^1–20 of ${tasks.length} tasks`));
    await page.selectOption("#task-list #status", "FAILED");
    const answer = `${failed.length} failed of ${tasks.length} tasks searched`;
    await page.locator("#task-list #count", { hasText: answer }).waitFor({ timeout: 30_000 });
    const shown = async () => (await rows(page).evaluateAll((trs) => trs.map((tr) => [tr.dataset.id, tr.dataset.status])));
    assert.deepEqual((await shown()).map(([id]) => id).sort(), [...failed].sort(), "every failed task of the range, none other");
    assert.equal(new URL(page.url()).searchParams.get("status"), "FAILED", "the link holds the filter");
    assert.equal(await page.locator("#task-list #timeline .bar").count(), failed.length, "the timeline shows them too");
    // the same link, reloaded (or sent to a colleague), answers the same
    await page.reload();
    await page.locator("#task-list #count", { hasText: answer }).waitFor({ timeout: 30_000 });
    assert.equal(await page.inputValue("#task-list #status"), "FAILED");
    // another filter, then Back and Forward walk them
    await page.selectOption("#task-list #status", "SUCCESS");
    const succeeded = tasks.filter((t) => t.status === "SUCCESS").length;
    await page.locator("#task-list #count", { hasText: `${succeeded} succeeded of ${tasks.length} tasks searched` }).waitFor({ timeout: 30_000 });
    await page.goBack();
    await page.locator("#task-list #count", { hasText: answer }).waitFor({ timeout: 30_000 });
    assert.equal(await page.inputValue("#task-list #status"), "FAILED");
    await page.goBack(); // the page as first opened: no filter, the first page
    await page.locator("#task-list #count", { hasText: new RegExp(`^1–20 of ${tasks.length} tasks$`) }).waitFor({ timeout: 30_000 });
    assert.equal(await page.inputValue("#task-list #status"), "");
    assert.equal(new URL(page.url()).searchParams.get("status"), null);
    await page.goForward();
    await page.locator("#task-list #count", { hasText: answer }).waitFor({ timeout: 30_000 });
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("a search answers for every task too, and typing it is one history entry", async () => {
    const id = byName("dcs-sessions").instanceId;
    const tasks = await allTasks(id);
    const last = tasks[tasks.length - 1]; // on the last page, not the first
    const { page, errors, context } = await open(`/?instance=${id}&lang=en`);
    await waitForRows(page);
    const entries = await page.evaluate(() => history.length);
    await page.locator("#task-list #search").pressSequentially(last.id.slice(-12), { delay: 200 });
    await page.locator("#task-list #count", { hasText: `1 match of ${tasks.length} tasks searched` }).waitFor({ timeout: 30_000 });
    assert.equal(await rows(page).first().getAttribute("data-id"), last.id);
    assert.equal(new URL(page.url()).searchParams.get("q"), last.id.slice(-12));
    assert.equal(await page.evaluate(() => history.length), entries + 1, "one entry for the whole query");
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("after an outage of the upstream, the running tasks' progress resumes by itself (no click)", async () => {
    await fetch(`${stack.mock.url}/__mock/reset`, { method: "POST" }); // the running tasks start again
    const { page, errors, context } = await open(`/?instance=${BUSY}&lang=en`, { allow: UNREACHABLE });
    await waitForRows(page);
    const running = page.locator('#task-list #tasks tr.task[data-status="EXECUTING"] .col-end .running');
    await running.filter({ hasText: /^running · \d+ %$/ }).first().waitFor({ timeout: 20_000 });
    const id = await page.locator('#task-list #tasks tr.task[data-status="EXECUTING"]').first().getAttribute("data-id");
    const cell = page.locator(`#task-list #tasks tr.task[data-id="${id}"] .col-end .running`);
    const shownPct = async () => Number(/· (\d+) %$/.exec(await cell.textContent())?.[1]);
    const banner = page.locator("#task-list #error-banner");
    let polled = null;
    let stale = null; // what the row says while the service is down
    await restartUpstream(stack, {
      whileDown: async () => {
        // the list asked again fails: the banner says whose code it is, the time is not "Updated"
        await banner.waitFor({ state: "visible", timeout: 40_000 });
        assert.equal(await banner.locator('code[data-field="error.proxyCode"]').textContent(), "UPSTREAM_UNREACHABLE");
        assert.match(await banner.textContent(), /Proxy error code/);
        assert.doesNotMatch(await banner.textContent(), /DCS error code/);
        const updated = page.locator("#task-list #updated");
        await updated.filter({ hasText: /^Could not refresh at \d\d:\d\d:\d\d: showing the data of \d\d:\d\d:\d\d$/ }).waitFor({ timeout: 20_000 });
        assert.equal(await updated.getAttribute("data-state"), "failed");
        stale = await shownPct();
        polled = page.waitForResponse((r) => new URL(r.url()).pathname.endsWith(`/tasks/${id}/progress`) && r.status() === 200, { timeout: 40_000 });
      },
    });
    // back (its running tasks started again, from where the mock seeds them): the watch polls
    // again and the row follows the service, with nobody touching the page
    await polled;
    const progressNow = async () => (await (await fetch(new URL(`api/instances/${BUSY}/tasks/${id}/progress`, stack.url))).json()).progress;
    let seen;
    for (const until = Date.now() + 15_000; Date.now() < until; await new Promise((r) => setTimeout(r, 500))) {
      seen = [await shownPct(), await progressNow()];
      if (Math.abs(seen[0] - seen[1]) <= 2) break;
    }
    assert.ok(Math.abs(seen[0] - seen[1]) <= 2, `the row shows ${seen[0]} %, the service says ${seen[1]} %`);
    // (Whether the restarted mock's percentage differs from the stale one is the mock's timing:
    // the poll after the restart, awaited above, and the row matching the service are the proof.)
    assert.ok(Number.isFinite(stale), "the row kept its last percentage while the service was down");
    await banner.waitFor({ state: "hidden", timeout: 15_000 });
    assert.match(await page.locator("#task-list #updated").textContent(), /^Updated \d\d:\d\d:\d\d$/);
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("picked by name: the field shows the name, the heading and the tab's title name the instance and its status, the focus is on the heading", async () => {
    const cart = byName("dcs-cart");
    const { page, errors, context } = await open("/?lang=en");
    await page.waitForFunction(() => Number(document.getElementById("instance").dataset.instances) > 0, null, { timeout: 30_000 });
    await page.fill("#instance", "");
    await page.locator("#instance").pressSequentially("dcs-ca");
    await page.locator("#instance-options [role=option]", { hasText: "dcs-cart" }).click();
    await page.waitForURL((u) => u.searchParams.get("instance") === cart.instanceId);
    await waitForRows(page);
    assert.equal(await page.inputValue("#instance"), "dcs-cart", "the name, not the ID");
    assert.equal(await page.locator("#view-name").textContent(), "dcs-cart");
    assert.equal(await page.locator("#view-status").textContent(), "Running");
    assert.equal(await page.title(), "dcs-cart (Running) · DCS background tasks");
    assert.equal(await page.evaluate(() => document.activeElement?.id), "view-title", "the focus is on the opened view's heading");
    // the field, submitted as it is, opens the same instance; a link by ID shows the name too
    await page.click("#show");
    assert.equal(new URL(page.url()).searchParams.get("instance"), cart.instanceId);
    await page.goto(new URL(`/?instance=${byName("dcs-leaderboard").instanceId}&lang=zh`, stack.url).href);
    await page.waitForFunction(() => document.getElementById("instance").value === "dcs-leaderboard", null, { timeout: 30_000 });
    assert.equal(await page.title(), "dcs-leaderboard (异常) · DCS 后台任务");
    // the fleet view is named as well
    await page.click("#nav-fleet");
    assert.equal(await page.locator("#view-name").textContent(), "全部实例");
    assert.equal(await page.evaluate(() => document.activeElement?.id), "view-title");
    assert.deepEqual(errors, []);
    await context.close();
  });

  for (const [name, viewport] of [["tablet", { width: 768, height: 1024 }], ["phone", { width: 390, height: 844 }]]) {
    test(`${name} (${viewport.width} px): the task table is cards with nothing cut off, every control a 24 px target`, async () => {
      const { page, errors, context } = await open(`/?instance=${byName("dcs-user-profile").instanceId}&type=masterStandbySwapJob&lang=en`, { viewport });
      await waitForRows(page);
      await page.locator("#task-list #tasks tbody button.expand").first().click();
      const got = await page.locator("#task-list").evaluate((el) => {
        const root = el.shadowRoot;
        const cut = (e) => e.scrollWidth > e.clientWidth + 1;
        const box = (e) => e.getBoundingClientRect();
        const overlap = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
        const rowsOf = [...root.querySelectorAll("#tasks tbody tr.task")];
        return {
          page: document.documentElement.scrollWidth > window.innerWidth,
          section: cut(root.getElementById("tasks-section")),
          wrap: cut(root.querySelector(".table-wrap")),
          cells: [...root.querySelectorAll("#tasks tbody tr.task > td")].filter(cut).map((td) => td.className),
          display: getComputedStyle(rowsOf[0]).display,
          // the type ("Master/standby switchover") clears the expand button
          under: rowsOf.filter((tr) => overlap(box(tr.querySelector(".type-main")), box(tr.querySelector("button.expand")))).length,
          types: rowsOf.map((tr) => tr.querySelector(".type-main").textContent),
          // tap targets: the controls of the view (the timeline's bars have the rows as their equivalent)
          small: [...root.querySelectorAll("button, select, input:not([type=checkbox]), a, label.toggle"),
            ...document.querySelectorAll("button, select, input, a")]
            .filter((e) => e.offsetParent !== null && !e.closest("#timeline"))
            .map((e) => [e.id || e.className || e.tagName, Math.round(box(e).width), Math.round(box(e).height)])
            .filter(([, w, h]) => w < 24 || h < 24),
        };
      });
      assert.equal(got.display, "block", "cards");
      assert.deepEqual([got.page, got.section, got.wrap, got.cells], [false, false, false, []], "nothing cut off");
      assert.ok(got.types.length > 0 && got.types.every((t) => t === "Master/standby switchover"), got.types.join());
      assert.equal(got.under, 0, "no type runs under the expand button");
      assert.deepEqual(got.small, [], "every control at least 24 × 24 px");
      if (name === "tablet") {
        await assertAxeClean(page);
        await page.emulateMedia({ colorScheme: "dark" });
        await assertAxeClean(page);
      }
      await page.screenshot({ path: screenshotPath(`tasks-${name}`), fullPage: true });
      assert.deepEqual(errors, []);
      await context.close();
    });
  }

  test("a normal load shows neither the token prompt nor the paste panel; the developer link opens the panel, in the link", async () => {
    const { page, errors, context } = await open("/?lang=en");
    await page.waitForFunction(() => document.body.dataset.ready === "true", null, { timeout: 30_000 });
    await waitForRows(page);
    assert.equal(await page.isVisible("#token-panel"), false, "no token prompt");
    assert.equal(await page.isVisible("#paste-panel"), false, "no paste panel");
    await page.click("#dev-link");
    assert.equal(await page.locator("#paste-panel").evaluate((d) => !d.hidden && d.open), true);
    assert.equal(new URL(page.url()).searchParams.get("dev"), "1");
    assert.equal(await page.evaluate(() => document.activeElement?.tagName), "SUMMARY");
    await page.reload();
    await page.locator("#paste-panel").waitFor({ state: "visible" });
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("task types: English alone in English, the English term under the Chinese one in Chinese", async () => {
    const en = await open(`/?instance=${byName("dcs-cart").instanceId}&lang=en`);
    await waitForRows(en.page);
    assert.equal(await en.page.locator("#task-list #tasks .type-alt").count(), 0, "no second-language label in English");
    await en.page.selectOption("#lang", "zh");
    const alt = en.page.locator("#task-list #tasks .type-alt").first();
    await alt.waitFor();
    assert.equal(await alt.getAttribute("lang"), "en");
    assert.match(await alt.textContent(), /^[A-Z][a-z]/);
    await assertAxeClean(en.page);
    assert.deepEqual(en.errors, []);
    await en.context.close();
  });
});

describe("the token prompt, when the proxy asks for one", { timeout: 120_000 }, () => {
  let tstack;
  let tbrowser;
  before(async () => {
    [tstack, tbrowser] = await Promise.all([startLocalStack({ env: { PROXY_TOKEN: "task-view-token-Qm2Lp7Vw4Nt0x81Z" } }), launchBrowser()]);
  });
  after(async () => {
    await tbrowser?.close();
    await tstack?.close();
  });

  test("the prompt appears on the proxy's 401, with its focus", async () => {
    const o = await openPage(tbrowser, { allow: [/status of 401/] });
    await o.page.goto(new URL("/?lang=en", tstack.url).href);
    await o.page.locator("#token-panel").waitFor({ state: "visible", timeout: 30_000 });
    assert.equal(await o.page.locator("#token-reason").getAttribute("data-code"), "TOKEN_REQUIRED");
    assert.equal(await o.page.evaluate(() => document.activeElement?.id), "token-input");
    assert.deepEqual(o.errors, []);
    await o.context.close();
  });
});
