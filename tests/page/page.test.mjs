// The www/ page in headless Chromium against the demo stack (mock DCS + edge proxy + page).
// node --test tests/page/   (screenshots go to build/screenshots/; the README's docs/screenshot.png and
// docs/screenshot-phone.png are build/screenshots/timeline-desktop.png and timeline-phone.png,
// copied by hand when the page changes)
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { startDemo, launchBrowser, openPage, screenshotPath, parseCsv, root, assertAxeClean } from "./stack.mjs";

let stack;
let browser;
let config;

// Instance IDs with mock behaviours (tests/mock-dcs/README.md): nN = exactly N tasks,
// slowMS = each answer delayed, err500json / err502 = the upstream always fails.
const ALL_INSTANCE = "pagetest-n250-slow150";
const BIG_INSTANCE = "pagetest-n3000-slow400";
// busy = its 3 newest tasks are EXECUTING; with this ID they run for 90 s or more after the mock
// starts (the mock moves them at 1 %/s from a seeded start), so this test runs early.
const BUSY_INSTANCE = "pagetest-busy-1";
const ERR_JSON_INSTANCE = "pagetest-err500json";
const ERR_HTML_INSTANCE = "pagetest-err502";
// What Chromium itself logs for a failed response the page asked for (not a page error).
const EXPECTED_HTTP_ERRORS = [/Failed to load resource: the server responded with a status of 50[02]/];

const rows = (page) => page.locator("#tasks tbody tr.task");
const countText = (page) => page.locator("#count").textContent();

async function open(path, opts = {}) {
  const o = await openPage(browser, opts);
  await o.page.goto(new URL(path, stack.url).href);
  return o;
}

async function waitForRows(page) {
  try {
    await page.locator("#tasks tbody tr.task").first().waitFor({ state: "visible", timeout: 30_000 });
  } catch (e) {
    // say what the page shows instead (an error banner, a message), not only "timeout"
    const shown = await page.evaluate(() => ({
      banner: document.querySelector("dcs-task-list").shadowRoot.querySelector("#error-banner")?.hidden === false ? document.querySelector("dcs-task-list").shadowRoot.querySelector("#error-banner").innerText : null,
      empty: document.querySelector("dcs-task-list").shadowRoot.querySelector("#empty")?.textContent ?? null,
      ready: document.body?.dataset.ready ?? null,
      title: document.title,
    })).catch((err) => ({ evaluate: err.message }));
    e.message += `\nthe page shows: ${JSON.stringify(shown)}`;
    throw e;
  }
}

function assertNoErrors(errors) {
  assert.deepEqual(errors, [], `the page reported errors:\n${errors.join("\n")}`);
}

describe("www/ page", { timeout: 240_000 }, () => {
  before(async () => {
    stack = await startDemo();
    browser = await launchBrowser();
    const r = await fetch(new URL("api/config", stack.url));
    assert.equal(r.status, 200, "GET /api/config");
    config = await r.json();
    assert.equal(typeof config.projectId, "string");
    assert.ok(config.demoInstance, "the demo proxy names a demo instance");
  });

  after(async () => {
    await browser?.close();
    await stack?.close();
  });

  test("opens on the demo instance with its tasks, and takes the README screenshot", async () => {
    const { page, errors, context } = await open("/?lang=en");
    await waitForRows(page);
    // the field names the instance once the project's instances are listed
    await page.waitForFunction(() => document.getElementById("instance").value === "dcs-orders-cache", null, { timeout: 30_000 });
    assert.match(page.url(), new RegExp(`[?&]instance=${config.demoInstance}`));
    assert.equal(await rows(page).count(), 20);
    assert.match(await countText(page), /^1–20 of \d+ tasks/);
    // time cells: local text, UTC on hover
    const time = page.locator("#tasks tbody tr.task time").first();
    assert.match(await time.getAttribute("title"), /^UTC \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    // type labels (in English alone: no second language under them), 8-character IDs with the full one in the title
    const first = rows(page).first();
    assert.equal(await first.locator(".type-alt").count(), 0);
    {
      const shown = await first.locator("code.task-id").textContent();
      const full = await first.getAttribute("data-id");
      assert.equal(shown, `${full.slice(0, 8)}…${full.slice(-4)}`);
    }
    assert.equal(await first.locator("code.task-id").getAttribute("title"), await first.getAttribute("data-id"));
    await page.screenshot({ path: screenshotPath("desktop") });
    assertNoErrors(errors);
    await context.close();
  });

  test("auto-refresh runs while a task is executing, with an indicator and a toggle", async () => {
    const { page, errors, context } = await open(`/?instance=${BUSY_INSTANCE}&lang=en`);
    await waitForRows(page);
    assert.ok(await page.locator('#tasks tr.task[data-status="EXECUTING"]').count() > 0);
    const ind = page.locator("#refresh-indicator");
    assert.equal(await ind.getAttribute("data-state"), "active");
    // the running tasks are followed with watchTaskProgress: their progress is polled
    const again = await page.waitForRequest((r) => new RegExp(`/instances/${BUSY_INSTANCE}/tasks/[^/]+/progress$`).test(r.url()), { timeout: 9_000 });
    assert.ok(again);
    await page.locator('#tasks tr.task[data-status="EXECUTING"] .col-end .running').filter({ hasText: /^running · \d+ %$/ }).first()
      .waitFor({ timeout: 10_000 });
    await page.uncheck("#auto-refresh");
    assert.equal(await ind.getAttribute("data-state"), "off");
    assertNoErrors(errors);
    await context.close();
  });

  test("a deep link shows the instance's tasks with its filters", async () => {
    const { page, errors, context } = await open(`/?instance=${ALL_INSTANCE}&limit=50&offset=50&status=SUCCESS&lang=en`);
    await waitForRows(page);
    assert.equal(await page.inputValue("#instance"), ALL_INSTANCE);
    assert.equal(await page.inputValue("#status"), "SUCCESS");
    assert.equal(await page.inputValue("#page-size"), "50");
    // a filter answers for every task of the range, not the page
    await page.locator("#count", { hasText: /^\d+ succeeded of 250 tasks searched$/ }).waitFor({ timeout: 30_000 });
    const succeeded = await rows(page).evaluateAll((trs) => trs.map((tr) => tr.dataset.status));
    assert.equal(String(succeeded.length), await page.locator("#count").getAttribute("data-shown"));
    for (const s of succeeded) assert.equal(s, "SUCCESS");
    // without the filter, the page of the link; paging forward keeps the URL in sync
    await page.selectOption("#status", "");
    await page.locator("#count", { hasText: /^1–50 of 250 tasks$/ }).waitFor({ timeout: 30_000 });
    await page.click("#next");
    await page.waitForFunction(() => /^51–100/.test(document.querySelector("dcs-task-list").shadowRoot.querySelector("#count").textContent));
    await page.click("#next");
    await page.waitForFunction(() => /^101–150/.test(document.querySelector("dcs-task-list").shadowRoot.querySelector("#count").textContent));
    assert.match(page.url(), /offset=100/);
    assertNoErrors(errors);
    await context.close();
  });

  test("filters and search narrow the table and stay in the URL", async () => {
    const { page, errors, context } = await open(`/?instance=${ALL_INSTANCE}&limit=100&lang=en`);
    await waitForRows(page);
    const all = await rows(page).count();
    assert.equal(all, 100);
    await page.selectOption("#status", "SUCCESS");
    await page.locator("#count", { hasText: /succeeded of 250 tasks searched$/ }).waitFor({ timeout: 30_000 });
    const success = await rows(page).count();
    assert.ok(success > 0 && success < 250, `SUCCESS narrows: ${success} of 250`);
    assert.match(page.url(), /status=SUCCESS/);
    const types = await rows(page).evaluateAll((trs) => trs.map((tr) => tr.dataset.name));
    const type = types[0];
    await page.selectOption("#type", type);
    await page.locator("#count", { hasText: /match of 250 tasks searched$/ }).waitFor({ timeout: 30_000 });
    const both = await rows(page).evaluateAll((trs) => trs.map((tr) => [tr.dataset.status, tr.dataset.name]));
    assert.ok(both.length > 0 && both.length <= success);
    for (const [s, n] of both) assert.deepEqual([s, n], ["SUCCESS", type]);
    assert.match(page.url(), new RegExp(`type=${type}`));
    // search by a full task ID finds exactly that task
    await page.selectOption("#status", "");
    await page.selectOption("#type", "");
    await page.locator("#count", { hasText: /^1–100 of 250 tasks$/ }).waitFor({ timeout: 30_000 });
    const id = await rows(page).nth(7).getAttribute("data-id");
    await page.fill("#search", id);
    await page.waitForFunction(() => document.querySelector("dcs-task-list").shadowRoot.querySelectorAll("#tasks tbody tr.task").length === 1);
    assert.equal(await rows(page).first().getAttribute("data-id"), id);
    // search by user name: every row is that user's
    const user = (await rows(page).first().locator(".col-user").textContent()).trim();
    await page.fill("#search", user);
    await page.waitForFunction((u) => {
      const trs = [...document.querySelector("dcs-task-list").shadowRoot.querySelectorAll("#tasks tbody tr.task")];
      return trs.length > 1 && trs.every((tr) => tr.textContent.includes(u));
    }, user);
    assert.match(page.url(), /[?&]q=/);
    // a search that matches nothing says so
    await page.fill("#search", "no-such-task-anywhere");
    await page.locator("#empty", { hasText: "No task matches." }).waitFor();
    // time range: a preset sends start_time (never begin_time); a custom range narrows the count
    await page.fill("#search", "");
    await page.locator("#count", { hasText: /^1–100 of 250 tasks$/ }).waitFor({ timeout: 30_000 });
    const listUrl = page.waitForRequest((r) => /\/tasks\?/.test(r.url()));
    await page.selectOption("#range", "7d");
    const sent = (await listUrl).url();
    assert.match(sent, /[?&]start_time=\d{14}/);
    assert.doesNotMatch(sent, /begin_time/);
    assertNoErrors(errors);
    await context.close();
  });

  test("a custom time range narrows the list", async () => {
    const { page, errors, context } = await open(`/?instance=${config.demoInstance}&lang=en`);
    await waitForRows(page);
    const total = Number(await page.locator("#count").getAttribute("data-total"));
    // the range from the 10th newest task to the newest one
    const times = await rows(page).evaluateAll((trs) => trs.map((tr) => tr.querySelector(".col-start time").getAttribute("datetime")));
    const from = times[9];
    const to = times[0];
    await page.goto(new URL(`/?instance=${config.demoInstance}&range=custom&from=${from}&to=${to}&lang=en`, stack.url).href);
    await waitForRows(page);
    await page.waitForFunction(() => document.querySelector("dcs-task-list").shadowRoot.querySelector("#count").dataset.total !== undefined);
    const narrowed = Number(await page.locator("#count").getAttribute("data-total"));
    assert.equal(narrowed, 10, `10 tasks between ${from} and ${to} (of ${total})`);
    assert.equal(await page.isVisible("#from"), true);
    assert.equal(await page.inputValue("#range"), "custom");
    assertNoErrors(errors);
    await context.close();
  });

  test("load all shows its progress and then the full count; it can be cancelled", async () => {
    const { page, errors, context } = await open(`/?instance=${ALL_INSTANCE}&lang=en`);
    await waitForRows(page);
    await page.click("#load-all");
    await page.locator("#load-all-box").waitFor({ state: "visible" });
    await page.locator("#load-all-text", { hasText: /of 250/ }).waitFor();
    await page.locator("#count", { hasText: "All 250 tasks loaded" }).waitFor({ timeout: 30_000 });
    assert.equal(await rows(page).count(), 250);
    assert.equal(await page.isVisible("#load-all-box"), false);
    assert.equal(await page.isVisible("#back-to-pages"), true);
    // the address keeps it: a reload, or the link sent to a colleague, lists every task again
    await page.waitForFunction(() => new URLSearchParams(location.search).get("all") === "1");
    await page.reload();
    await page.locator("#count", { hasText: "All 250 tasks loaded" }).waitFor({ timeout: 30_000 });
    assert.equal(await rows(page).count(), 250);
    assert.equal(await page.evaluate(() => document.querySelector("dcs-task-list").view.all), true);
    await page.click("#back-to-pages");
    await page.locator("#count", { hasText: /^1–20 of 250/ }).waitFor();
    await page.waitForFunction(() => !new URLSearchParams(location.search).has("all"));
    // Back returns to every task
    await page.goBack();
    await page.locator("#count", { hasText: "All 250 tasks loaded" }).waitFor({ timeout: 30_000 });
    await page.goForward();
    await page.locator("#count", { hasText: /^1–20 of 250/ }).waitFor();

    await page.goto(new URL(`/?instance=${BIG_INSTANCE}&lang=en`, stack.url).href);
    await waitForRows(page);
    await page.click("#load-all");
    await page.locator("#load-all-text", { hasText: /of 3000/ }).waitFor({ timeout: 20_000 });
    const max = await page.locator("#load-all-progress").evaluate((p) => p.max);
    assert.equal(max, 3000);
    await page.click("#load-all-cancel");
    await page.locator("#count", { hasText: /of 3000 tasks loaded \(cancelled\)/ }).waitFor();
    const n = await rows(page).count();
    assert.ok(n > 0 && n < 3000, `partial list after cancel: ${n}`);
    assertNoErrors(errors);
    await context.close();
  });

  test("a row with progress expands (by keyboard) to its steps and sub-steps; the ID copies", async () => {
    const { page, errors, context } = await open(`/?instance=${config.demoInstance}&lang=en`, {
      permissions: ["clipboard-read", "clipboard-write"],
    });
    await waitForRows(page);
    const row = page.locator('#tasks tbody tr.task[data-show="true"]').first();
    const id = await row.getAttribute("data-id");
    const toggle = row.locator("button.expand");
    assert.equal(await toggle.getAttribute("aria-expanded"), "false");
    await toggle.focus();
    await page.keyboard.press("Enter");
    const details = page.locator(`#${await toggle.getAttribute("aria-controls")}`);
    await details.waitFor({ state: "visible" });
    assert.equal(await page.locator(`#tasks tr.task[data-id="${id}"] button.expand`).getAttribute("aria-expanded"), "true");
    await details.locator("ol.steps > li.step").first().waitFor({ timeout: 20_000 });
    assert.ok(await details.locator("ol.steps > li.step").count() >= 1);
    assert.ok(await details.locator("ol.substeps > li.substep").count() >= 1);
    assert.equal(await details.locator(".progress-head progress").count(), 1);
    assert.match(await details.locator(".progress-head").textContent(), /\d+% done/);
    assert.match(await details.locator("dl.fields").first().textContent(), new RegExp(id));
    await page.locator(`#tasks tr.task[data-id="${id}"]`).scrollIntoViewIfNeeded();
    await details.screenshot({ path: screenshotPath("expanded") });
    // collapse again with the keyboard
    await page.locator(`#tasks tr.task[data-id="${id}"] button.expand`).focus();
    await page.keyboard.press("Space");
    await details.waitFor({ state: "hidden" });
    // copy the full ID
    await page.locator(`#tasks tr.task[data-id="${id}"] button.copy`).click();
    await page.locator("#live", { hasText: id }).waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), id);
    assertNoErrors(errors);
    await context.close();
  });

  test("a failing instance shows the error banner with the DCS error code and the request ID", async () => {
    const { page, errors, context } = await open(`/?instance=${ERR_JSON_INSTANCE}&lang=en`, { allow: EXPECTED_HTTP_ERRORS });
    const banner = page.locator("#error-banner");
    await banner.waitFor({ state: "visible", timeout: 30_000 });
    const text = await banner.textContent();
    assert.match(text, /HTTP_ERROR/);
    assert.match(text, /DCS\.5000/);
    assert.match(text, /500/);
    assert.ok((await page.locator("#error-message").textContent()).trim().length > 0, "the banner has a message");
    const requestId = await banner.locator('code[data-field="error.requestId"]').textContent();
    assert.match(requestId, /^[0-9a-f]{32}$/);
    await page.screenshot({ path: screenshotPath("error") });

    await page.fill("#instance", ERR_HTML_INSTANCE);
    await page.click("#show");
    await banner.locator("code", { hasText: "502" }).waitFor({ timeout: 30_000 });
    assert.match(await banner.locator('code[data-field="error.requestId"]').textContent(), /^[0-9a-f]{32}$/);
    assert.equal(await rows(page).count(), 0);
    await page.click("#error-dismiss");
    await banner.waitFor({ state: "hidden" });
    assertNoErrors(errors);
    await context.close();
  });

  test("the paste panel parses the seed example and shows every warning", async () => {
    const { page, errors, context } = await open(`/?lang=en`);
    await page.waitForFunction(() => document.body.dataset.ready === "true");
    await page.click("#dev-link"); // the panel is a developer's tool, behind this link
    await page.click("#paste-seed");
    const out = page.locator("#paste-output");
    await out.locator("table.warnings").waitFor();
    const seed = readFileSync(join(root, "tests", "fixtures", "seed-example.json"), "utf8");
    assert.equal(await page.inputValue("#paste-input"), seed, "the www/ copy is the seed example verbatim");
    const warnings = await out.locator("table.warnings tbody tr").evaluateAll((trs) => trs.map((tr) => ({
      code: tr.cells[0].textContent, path: tr.cells[1].textContent, message: tr.cells[2].textContent,
    })));
    const codes = new Set(warnings.map((w) => w.code));
    for (const c of ["coerced_type", "renamed_field", "hoisted_field"]) assert.ok(codes.has(c), `warning ${c} in ${JSON.stringify(warnings)}`);
    assert.ok(warnings.some((w) => w.code === "renamed_field" && w.path === "tasks[0].details.new_cahce_mode"));
    for (const w of warnings) assert.ok(w.message.length > 0);
    assert.equal(await out.locator("#paste-tasks tbody tr.task").count(), 1);
    assert.equal((await out.locator("#paste-tasks tbody .col-summary").textContent()).trim(), "0.125 GB → 0.25 GB, single");
    const json = JSON.parse(await out.locator("pre.paste-json").textContent());
    assert.equal(json.tasks[0].details.newCacheMode, "single");
    assert.equal(json.tasks[0].status, "SUCCESS");
    await page.locator("#paste-panel").screenshot({ path: screenshotPath("paste") });
    // strict mode: the first quirk is an error with its path
    await page.check("#paste-strict");
    await out.locator(".paste-error").waitFor();
    assert.match(await out.locator(".paste-error").textContent(), /INVALID_RESPONSE/);
    assertNoErrors(errors);
    await context.close();
  });

  test("CSV and JSON exports download the filtered view", async () => {
    const { page, errors, context } = await open(`/?instance=${ALL_INSTANCE}&limit=50&status=SUCCESS&lang=en`);
    await waitForRows(page);
    const ids = await rows(page).evaluateAll((trs) => trs.map((tr) => tr.dataset.id));
    const [csvDl] = await Promise.all([page.waitForEvent("download"), page.click("#export-csv")]);
    assert.match(csvDl.suggestedFilename(), new RegExp(`^dcs-tasks-${ALL_INSTANCE}-\\d{8}T\\d{6}Z\\.csv$`));
    const csv = readFileSync(await csvDl.path(), "utf8");
    assert.ok(csv.startsWith("\uFEFF"), "UTF-8 BOM");
    assert.ok(csv.includes("\r\n"));
    const table = parseCsv(csv.slice(1));
    const [head, ...body] = table;
    assert.deepEqual(head.slice(0, 5), ["id", "name", "type_en", "type_zh", "status"]);
    assert.equal(body.length, ids.length);
    for (const r of body) assert.equal(r.length, head.length, "every row has every column (quoting holds)");
    assert.deepEqual(body.map((r) => r[0]), ids);
    for (const r of body) assert.equal(r[4], "SUCCESS");
    const details = JSON.parse(body[0][head.indexOf("details")]);
    assert.equal(typeof details, "object");

    const [jsonDl] = await Promise.all([page.waitForEvent("download"), page.click("#export-json")]);
    assert.match(jsonDl.suggestedFilename(), /\.json$/);
    const doc = JSON.parse(readFileSync(await jsonDl.path(), "utf8"));
    assert.equal(doc.instanceId, ALL_INSTANCE);
    assert.equal(doc.filters.status, "SUCCESS");
    assert.deepEqual(doc.tasks.map((x) => x.id), ids);
    assertNoErrors(errors);
    await context.close();
  });

  test("English and Chinese: the browser's language by default, switchable", async () => {
    const zh = await open(`/?instance=${config.demoInstance}`, { locale: "zh-CN" });
    await waitForRows(zh.page);
    assert.equal(await zh.page.locator("h1").textContent(), "DCS 后台任务");
    assert.equal(await zh.page.getAttribute("html", "lang"), "zh-CN");
    await zh.page.screenshot({ path: screenshotPath("desktop-zh") });
    assertNoErrors(zh.errors);
    await zh.context.close();

    const { page, errors, context } = await open(`/?instance=${config.demoInstance}`, { locale: "en-US" });
    await waitForRows(page);
    assert.equal(await page.locator("h1").textContent(), "DCS background tasks");
    assert.equal(await page.locator("#tasks thead th.col-type").textContent(), "Task type");
    await page.selectOption("#lang", "zh");
    assert.equal(await page.locator("h1").textContent(), "DCS 后台任务");
    assert.equal(await page.locator("#tasks thead th.col-type").textContent(), "任务类型");
    assert.match(await countText(page), /共 \d+ 个任务/);
    const success = page.locator('#tasks tr.task[data-status="SUCCESS"] .badge').first();
    assert.equal(await success.textContent(), "成功");
    assert.match(page.url(), /lang=zh/);
    await page.selectOption("#lang", "en");
    assert.equal(await success.textContent(), "Succeeded");
    assertNoErrors(errors);
    await context.close();
  });

  test("timeline: one bar per task shown, the filters change the bars, a bar opens its row", async () => {
    const { page, errors, context } = await open(`/?instance=${config.demoInstance}&lang=en`);
    await waitForRows(page);
    const chart = page.locator("#timeline svg[role=group]");
    assert.match(await chart.getAttribute("aria-label"), /^Timeline: 20 tasks from /);
    const bars = page.locator("#timeline .bar");
    const rowIds = async () => (await rows(page).evaluateAll((rs) => rs.map((r) => r.dataset.id))).sort();
    const barIds = async () => (await bars.evaluateAll((bs) => bs.map((b) => b.dataset.taskId))).sort();
    assert.deepEqual(await barIds(), await rowIds(), "one bar per row");
    const attrs = await bars.evaluateAll((bs) => bs.map((b) => ({
      tabindex: b.getAttribute("tabindex"), role: b.getAttribute("role"), label: b.getAttribute("aria-label"),
      title: b.querySelector("title")?.textContent, fill: getComputedStyle(b.querySelector("rect")).fill,
      status: [...b.classList].find((c) => c.startsWith("bar-")),
    })));
    assert.deepEqual(attrs.filter((a) => a.tabindex === "0").length, 1, "the timeline is one tab stop");
    for (const a of attrs) {
      assert.match(a.tabindex, /^(0|-1)$/);
      assert.equal(a.role, "button");
      assert.match(a.label, / · started \d\d\/\d\d\/\d{4}, \d\d:\d\d:\d\d · (took|running for) /);
      assert.equal(a.title, a.label);
    }
    // coloured with the badges' palette
    const badgeColour = await page.locator("#tasks .badge-success").first().evaluate((b) => getComputedStyle(b).color);
    assert.ok(attrs.some((a) => a.status === "bar-success" && a.fill === badgeColour), `SUCCESS bars are ${badgeColour}`);
    // filters: status, then search
    await page.selectOption("#status", "SUCCESS");
    await page.locator("#count", { hasText: /tasks searched$/ }).waitFor({ timeout: 30_000 });
    await page.waitForFunction(() => [...document.querySelector("dcs-task-list").shadowRoot.querySelectorAll("#timeline .bar")].every((b) => b.classList.contains("bar-success")));
    assert.deepEqual(await barIds(), await rowIds());
    assert.equal(String(await bars.count()), await page.locator("#count").getAttribute("data-shown"));
    await page.selectOption("#status", "");
    await page.locator("#count", { hasText: /^1–20 of/ }).waitFor({ timeout: 30_000 });
    // a redraw while typing pauses (here a resize; a watched task's progress too) shows the
    // same tasks as the table: the query applies to both at once (CI caught them apart)
    const during = await page.evaluate(async () => {
      const input = document.querySelector("dcs-task-list").shadowRoot.getElementById("search");
      input.value = "BindEip";
      input.dispatchEvent(new Event("input", { bubbles: true }));
      document.querySelector("dcs-task-list").shadowRoot.getElementById("tasks-section").style.width = "90%";
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      const ids = (sel, key) => [...document.querySelector("dcs-task-list").shadowRoot.querySelectorAll(sel)].map((e) => e.dataset[key]).sort();
      const out = { bars: ids("#timeline .bar", "taskId"), rows: ids("#tasks tbody tr.task", "id") };
      document.querySelector("dcs-task-list").shadowRoot.getElementById("tasks-section").style.width = "";
      return out;
    });
    assert.deepEqual(during.bars, during.rows, "a redraw before the search applies");
    await page.locator("#count", { hasText: /tasks searched$/ }).waitFor({ timeout: 30_000 });
    assert.deepEqual(await barIds(), await rowIds());
    await page.fill("#search", "");
    await page.waitForFunction(() => document.querySelector("dcs-task-list").shadowRoot.querySelectorAll("#timeline .bar").length === 20);
    // clicking a bar expands its row; Enter on a focused bar too
    const [first, second] = await barIds();
    await page.locator(`#timeline .bar[data-task-id="${first}"]`).click();
    const toggle = (id) => page.locator(`#tasks tbody button.expand[data-id="${id}"]`);
    assert.equal(await toggle(first).getAttribute("aria-expanded"), "true");
    assert.equal(await page.locator(`#tasks tr.details-row[data-id="${first}"]`).isVisible(), true);
    assert.equal(await page.evaluate(() => document.querySelector("dcs-task-list").shadowRoot.activeElement?.dataset.id), first, "focus moves to the row");
    await page.locator(`#timeline .bar[data-task-id="${second}"]`).focus();
    assert.match(await page.locator("#timeline .timeline-info").textContent(), / · started /, "focus shows the details");
    // a redraw (a resize here; a watched task's progress every few seconds) keeps the bar focused
    const refocused = await page.evaluate(async () => {
      const before = document.querySelector("dcs-task-list").shadowRoot.activeElement;
      document.querySelector("dcs-task-list").shadowRoot.getElementById("tasks-section").style.width = "95%";
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      document.querySelector("dcs-task-list").shadowRoot.getElementById("tasks-section").style.width = "";
      const now = document.querySelector("dcs-task-list").shadowRoot.activeElement;
      return { replaced: now !== before, id: now?.dataset?.taskId, info: document.querySelector("dcs-task-list").shadowRoot.querySelector("#timeline .timeline-info")?.textContent };
    });
    assert.deepEqual([refocused.replaced, refocused.id], [true, second], "the redrawn bar has the focus");
    assert.match(refocused.info, / · started /);
    await page.keyboard.press("Enter");
    assert.equal(await toggle(second).getAttribute("aria-expanded"), "true");
    // the time-range filter sets the axis: a custom range from 2024-06-01 to 2024-07-01 (UTC)
    await context.close();
    const o2 = await open(`/?instance=${config.demoInstance}&lang=en&range=custom&from=2024-06-01T00:00:00.000Z&to=2024-07-01T00:00:00.000Z`);
    await waitForRows(o2.page);
    const label = await o2.page.locator("#timeline svg[role=group]").getAttribute("aria-label");
    const local = (iso) => new Intl.DateTimeFormat("en", { year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date(iso));
    assert.ok(label.includes(local("2024-06-01T00:00:00.000Z")) && label.includes(local("2024-07-01T00:00:00.000Z")), label);
    assertNoErrors(errors);
    assertNoErrors(o2.errors);
    await o2.context.close();
  });

  test("an expanded executing task's progress is watched (watchTaskProgress) and redrawn as it moves, also with auto-refresh off", async () => {
    const { page, errors, context } = await open(`/?instance=${BUSY_INSTANCE}&lang=en`);
    await waitForRows(page);
    // auto-refresh off: only the expanded row is watched
    await page.uncheck("#auto-refresh");
    const polls = [];
    page.on("request", (r) => { if (/\/tasks\/[^/]+\/progress$/.test(new URL(r.url()).pathname)) polls.push(r.url()); });
    const running = page.locator('#tasks tr.task[data-status="EXECUTING"]').first();
    const id = await running.getAttribute("data-id");
    await running.locator("button.expand").click();
    const pct = page.locator(`#tasks tr.details-row[data-id="${id}"] .progress-head progress`);
    await pct.waitFor({ timeout: 15_000 });
    const v0 = Number(await pct.getAttribute("value"));
    await page.waitForFunction(([sel, v]) => Number(document.querySelector("dcs-task-list").shadowRoot.querySelector(sel)?.getAttribute("value")) > v,
      [`#tasks tr.details-row[data-id="${id}"] .progress-head progress`, v0], { timeout: 20_000 });
    // The row may open on a progress already known (a watch from before auto-refresh was turned
    // off), so the first poll can be the one that moved it: the watch must poll again.
    if (polls.length < 2) {
      await page.waitForRequest((r) => /\/tasks\/[^/]+\/progress$/.test(new URL(r.url()).pathname), { timeout: 15_000 });
    }
    assert.ok(polls.length >= 2, `polled ${polls.length} times`);
    // collapsing the row stops the watch
    await page.locator(`#tasks tbody button.expand[data-id="${id}"]`).click();
    const n = polls.length;
    await page.waitForTimeout(6_000);
    assert.ok(polls.length <= n + 1, `still polling after the row closed: ${polls.length - n} more`);
    assertNoErrors(errors);
    await context.close();
  });

  test("when a watched task finishes, the list is asked again and shows its final status", async () => {
    const line = stack.output.find((l) => l.includes("mock DCS at "));
    assert.ok(line, "the demo prints its mock's URL");
    const mockUrl = /mock DCS at (http:\/\/\S+?),/.exec(line)[1];
    const control = (path, body) => fetch(`${mockUrl}/__mock/${path}`, { method: "POST", body: JSON.stringify(body ?? {}) });
    // running tasks move 1 % every 40 ms from a fresh start: done within 4 s
    await control("config", { msPerPercent: 40 });
    await control("reset");
    try {
      const { page, errors, context } = await open("/?instance=pagetest-busy-finish&lang=en");
      const lists = [];
      page.on("request", (r) => { if (/\/instances\/pagetest-busy-finish\/tasks\?/.test(r.url())) lists.push(r.url()); });
      await waitForRows(page);
      const firstLists = lists.length;
      const running = await page.locator('#tasks tr.task[data-status="EXECUTING"]').evaluateAll((rs) => rs.map((r) => r.dataset.id));
      assert.ok(running.length > 0, "the busy instance has running tasks");
      await page.waitForFunction((ids) => ids.every((id) => document.querySelector("dcs-task-list").shadowRoot.querySelector(`#tasks tr.task[data-id="${id}"]`)?.dataset.status === "SUCCESS"),
        running, { timeout: 20_000 });
      assert.ok(lists.length > firstLists, `the list was asked again (${firstLists} then ${lists.length})`);
      assert.equal(await page.locator("#refresh-indicator").getAttribute("data-state"), "idle", "nothing runs any more");
      assertNoErrors(errors);
      await context.close();
    } finally {
      await control("config", { msPerPercent: 1000 });
      await control("reset");
    }
  });

  for (const [name, viewport] of [["desktop", { width: 1280, height: 900 }], ["phone", { width: 390, height: 844 }]]) {
    test(`accessibility audit (axe-core, WCAG 2 A/AA + best practices), ${name}: a row expanded, the timeline shown`, async () => {
      const { page, errors, context } = await open(`/?instance=${config.demoInstance}&lang=en`, { viewport });
      await waitForRows(page);
      await page.locator("#timeline .bar").first().waitFor();
      await page.locator("#tasks tbody button.expand").first().click();
      await page.locator("#tasks tr.details-row:not([hidden]) .progress-slot h3").first().waitFor({ timeout: 15_000 });
      await assertAxeClean(page);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
      assert.equal(overflow, false, "no horizontal scrolling");
      if (name === "phone") await page.locator("#tasks-section").evaluate((e) => e.scrollIntoView());
      await page.screenshot({ path: screenshotPath(`timeline-${name}`) });
      assertNoErrors(errors);
      await context.close();
    });
  }

  test("narrow screens get cards, dark mode follows the system", async () => {
    const { page, errors, context } = await open(`/?instance=${config.demoInstance}&lang=en`, {
      viewport: { width: 390, height: 844 }, colorScheme: "dark",
    });
    await waitForRows(page);
    const layout = await page.evaluate(() => {
      const tr = document.querySelector("dcs-task-list").shadowRoot.querySelector("#tasks tbody tr.task");
      const td = tr.querySelector(".col-user");
      return {
        row: getComputedStyle(tr).display,
        label: getComputedStyle(td, "::before").content,
        overflow: document.documentElement.scrollWidth > window.innerWidth,
        bg: getComputedStyle(document.body).backgroundColor,
      };
    });
    assert.equal(layout.row, "block");
    assert.equal(layout.label, '"User"');
    assert.equal(layout.overflow, false, "no horizontal scrolling");
    assert.notEqual(layout.bg, "rgb(246, 247, 249)", "dark background");
    await page.screenshot({ path: screenshotPath("narrow-dark") });
    assertNoErrors(errors);
    await context.close();
  });
});

describe("www/ page against a token-protected proxy (PROXY_TOKEN)", { timeout: 120_000 }, () => {
  const TOKEN = "page-token-Zx81Qm2Lp7Vw4Nt0";
  let tstack;
  let tbrowser;
  before(async () => {
    tstack = await startDemo({ env: { PROXY_TOKEN: TOKEN } });
    tbrowser = await launchBrowser();
  });
  after(async () => {
    await tbrowser?.close();
    await tstack?.close();
  });

  /** Opens the page, recording every request URL and console line it makes. */
  async function openProtected(path) {
    // The 401s the page meets are expected; Chromium logs each as a failed resource.
    const o = await openPage(tbrowser, { allow: [/status of 401/] });
    o.urls = [];
    o.authorized = [];
    o.logs = [];
    o.page.on("request", (r) => {
      o.urls.push(r.url());
      if (r.headers().authorization) o.authorized.push(r.url());
    });
    o.page.on("console", (m) => o.logs.push(m.text()));
    await o.page.goto(new URL(path, tstack.url).href);
    return o;
  }

  async function noTokenLeak(o) {
    const storage = await o.page.evaluate(() => ({
      local: JSON.stringify({ ...localStorage }),
      session: JSON.stringify({ ...sessionStorage }),
      url: location.href,
    }));
    assert.ok(!storage.local.includes(TOKEN), "token in localStorage");
    assert.ok(!storage.url.includes(TOKEN), "token in the page URL");
    for (const u of o.urls) assert.ok(!u.includes(TOKEN), `token in a request URL: ${u}`);
    for (const l of o.logs) assert.ok(!l.includes(TOKEN), `token in the console: ${l}`);
    for (const l of tstack.output) assert.ok(!l.includes(TOKEN), `token in the stack's output: ${l}`);
    return storage;
  }

  test("meets 401, asks for the token, shows the tasks once it is entered; the token is in no URL, log or localStorage", async () => {
    const o = await openProtected("/?lang=en");
    const { page, errors, context } = o;
    const reason = page.locator("#token-reason");
    await reason.filter({ hasText: /PROXY_TOKEN/ }).waitFor({ timeout: 30_000 });
    assert.equal(await page.locator("#token-panel").evaluate((d) => d.open), true, "the panel opened");
    assert.match(await reason.textContent(), /^The proxy asks for its token: /);
    assert.equal(await reason.getAttribute("data-code"), "TOKEN_REQUIRED");
    assert.equal(await page.locator("#token-input").getAttribute("type"), "password");
    assert.equal(await page.evaluate(() => document.activeElement?.id), "token-input", "focus on the field");
    assert.equal(await rows(page).count(), 0);
    // A wrong token: refused, said so.
    await page.fill("#token-input", "wrong-token-0000000000");
    await page.click("#token-use");
    await reason.filter({ hasText: /refused this token/ }).waitFor({ timeout: 30_000 });
    assert.equal(await reason.getAttribute("data-code"), "UNAUTHORIZED");
    // The right one (not remembered): the tasks show.
    await page.fill("#token-input", TOKEN);
    await page.click("#token-use");
    await waitForRows(page);
    assert.equal(await rows(page).count(), 20);
    assert.equal(await page.inputValue("#token-input"), "", "the field is emptied");
    assert.match(await page.locator("#token-state").textContent(), /this page only/);
    assert.ok(o.authorized.some((u) => u.includes("/api/config")), "config asked with the token");
    assert.ok(o.authorized.some((u) => u.includes("/tasks?")), "the list asked with the token");
    const storage = await noTokenLeak(o);
    assert.ok(!storage.session.includes(TOKEN), "not remembered unless ticked");
    // Reloading without "remember" asks again.
    await page.reload();
    await reason.filter({ hasText: /PROXY_TOKEN/ }).waitFor({ timeout: 30_000 });
    assertNoErrors(errors);
    await context.close();
  });

  test("'remember for this tab' keeps it in sessionStorage only; forgetting removes it; translated", async () => {
    const o = await openProtected("/?lang=zh");
    const { page, errors, context } = o;
    await page.locator("#token-reason").filter({ hasText: /代理要求提供令牌/ }).waitFor({ timeout: 30_000 });
    assert.equal(await page.locator("#token-panel summary").textContent(), "代理令牌");
    const zhReason = await page.locator("#token-reason").textContent();
    assert.match(zhReason, /PROXY_TOKEN/);
    assert.doesNotMatch(zhReason, /loopback|answers/, "the reason is translated, not the proxy's English");
    await page.fill("#token-input", TOKEN);
    await page.check("#token-remember");
    await page.click("#token-use");
    await waitForRows(page);
    let storage = await noTokenLeak(o);
    assert.ok(storage.session.includes(TOKEN), "remembered in sessionStorage");
    await page.reload();
    await waitForRows(page);
    assert.equal(await page.locator("#token-reason").textContent(), "", "no prompt after a reload");
    await page.locator("#token-panel summary").click();
    await page.click("#token-forget");
    storage = await noTokenLeak(o);
    assert.ok(!storage.session.includes(TOKEN), "forgotten");
    await page.locator("#token-reason").filter({ hasText: /代理要求提供令牌/ }).waitFor({ timeout: 30_000 });
    assertNoErrors(errors);
    await context.close();
  });
});
