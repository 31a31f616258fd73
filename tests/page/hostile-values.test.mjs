// The elements against hostile values (issue 32, findings 4-6), written as the attacks, in
// Chromium: a console that sets `endpoint` from a URL parameter (`http://evil.example`,
// `//evil.example`) with a Bearer token in `headers` must send nothing anywhere (a dcs-error with
// INVALID_ARGUMENT, the client's own endpoint rules applied before the first request); a status
// from DCS never chooses a class (`FAILED sr-only` would hide the row); a name with bidi controls
// or zero-width characters is shown with them marked (`[U+202E]`), never interpreted.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { readFileSync, existsSync, statSync } from "node:fs";
import { extname, join, normalize } from "node:path";
import { launchBrowser, openPage, freePort, root } from "./stack.mjs";

const TYPES = { ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".wasm": "application/wasm", ".json": "application/json" };
const BIDI = "\u202Edorp-ehcac\u202C";

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>hostile values</title><link rel="icon" href="data:,">
<script type="module" src="/page.js"></script></head>
<body><main id="main"></main></body></html>`;

// The console's script: elements made from the URL's parameters, as a careless console would.
const PAGE_JS = `window.__events = [];
for (const type of ["dcs-error", "dcs-load", "dcs-config"]) {
  document.addEventListener(type, (e) => window.__events.push({ type, id: e.target.id,
    code: e.detail.error?.code, field: e.detail.error?.field, message: e.detail.error?.message }));
}
await import("/pkg/element.js");
const q = new URLSearchParams(location.search);
const main = document.getElementById("main");
if (q.has("endpoint")) {
  const list = document.createElement("dcs-task-list");
  list.id = "list";
  list.headers = { Authorization: "Bearer console-secret-token-1234" };
  list.setAttribute("instance-id", "i-1");
  list.setAttribute("endpoint", q.get("endpoint"));
  const fleet = document.createElement("dcs-fleet");
  fleet.id = "fleet";
  fleet.headers = { Authorization: "Bearer console-secret-token-1234" };
  fleet.setAttribute("endpoint", q.get("endpoint"));
  main.append(list, fleet);
}
if (q.has("values")) {
  const task = (id, status, userName) => ({ id, name: "Modify", status, userName, createdAt: "2024-06-30T10:05:58.372Z",
    updatedAt: "2024-06-30T10:06:58.372Z", details: {} });
  const list = document.createElement("dcs-task-list");
  list.id = "list";
  main.append(list);
  list.taskList = { taskCount: 2, warnings: [], tasks: [task("t-hidden", "FAILED sr-only", ${JSON.stringify(BIDI)}), task("t-ok", "SUCCESS", "admin")] };
  const fleet = document.createElement("dcs-fleet");
  fleet.id = "fleet";
  fleet.range = "all";
  const instance = { instanceId: "i-bidi", name: ${JSON.stringify(BIDI)}, status: "RUNNING", engine: "Redis" };
  fleet.client = {
    async *listFleetTasks(_q, o) {
      o?.onInstance?.({ done: 1, total: 1 });
      yield { instance, tasks: [task("t-f", "SUCCESS", "admin")] };
    },
    free() {},
  };
  main.append(fleet);
}
window.__ready = true;
`;

async function startSite(port) {
  const origin = `http://127.0.0.1:${port}`;
  const server = createServer((req, res) => {
    const path = new URL(req.url, origin).pathname;
    let body = null;
    let type = TYPES[extname(path)] ?? "application/octet-stream";
    if (path === "/") [body, type] = [PAGE, TYPES[".html"]];
    else if (path === "/page.js") body = PAGE_JS;
    else if (path.startsWith("/pkg/")) {
      const file = join(root, "pkg", normalize(path.slice(5)).replace(/^(\.\.[/\\])+/, ""));
      if (file.startsWith(join(root, "pkg")) && existsSync(file) && statSync(file).isFile()) body = readFileSync(file);
    }
    if (body === null) return res.writeHead(404).end();
    res.writeHead(200, { "content-type": type }).end(body);
  });
  await new Promise((r) => server.listen(port, "127.0.0.1", r));
  return { url: `${origin}/`, close: () => new Promise((r) => server.close(r)) };
}

describe("the elements against hostile values (Chromium)", { timeout: 180_000 }, () => {
  let site;
  let browser;
  before(async () => {
    site = await startSite(await freePort());
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await site?.close();
  });

  for (const endpoint of ["http://evil.example", "//evil.example", "https://user:pass@evil.example", "javascript:alert(1)"]) {
    test(`endpoint ${endpoint} from a URL parameter with a Bearer token: dcs-error INVALID_ARGUMENT, nothing on the wire`, async () => {
      const { page, context, errors } = await openPage(browser);
      const sent = [];
      page.on("request", (r) => { if (!r.url().startsWith(site.url)) sent.push(`${r.method()} ${r.url()} ${r.headers().authorization ?? ""}`); });
      await page.goto(`${site.url}?endpoint=${encodeURIComponent(endpoint)}`);
      await page.waitForFunction(() => window.__ready === true);
      await page.waitForFunction(() => window.__events.filter((e) => e.type === "dcs-error").length >= 2, null, { timeout: 20_000 });
      await page.waitForTimeout(300);
      const errs = await page.evaluate(() => window.__events.filter((e) => e.type === "dcs-error"));
      assert.deepEqual(errs.map((e) => [e.id, e.code]).sort(), [["fleet", "INVALID_ARGUMENT"], ["list", "INVALID_ARGUMENT"]], JSON.stringify(errs));
      assert.ok(errs.every((e) => e.field === "endpoint"), JSON.stringify(errs));
      assert.deepEqual(sent, [], "requests left the page");
      assert.deepEqual(errors, []);
      await context.close();
    });
  }

  test("a status from DCS never chooses a class; names with bidi and zero-width characters are shown marked", async () => {
    const { page, context, errors } = await openPage(browser);
    await page.goto(`${site.url}?values=1`);
    await page.waitForFunction(() => window.__ready === true);
    const row = page.locator("#list tr.task[data-task-id='t-hidden']");
    await row.waitFor({ timeout: 20_000 });
    const cls = await row.getAttribute("class");
    assert.equal(cls, "task status-other");
    const box = await row.boundingBox();
    assert.ok(box && box.width > 100 && box.height > 10, `the row is hidden: ${JSON.stringify(box)}`);
    const user = await row.locator("td.col-user").innerText();
    assert.equal(user, "[U+202E]dorp-ehcac[U+202C]");
    // the fleet's table and lanes
    const cell = page.locator("#fleet tr.instance[data-instance-id='i-bidi'] td.col-instance button");
    await cell.waitFor({ timeout: 20_000 });
    assert.equal(await cell.innerText(), "[U+202E]dorp-ehcac[U+202C]");
    assert.match(await cell.getAttribute("aria-label"), /\[U\+202E\]dorp-ehcac\[U\+202C\]/);
    const html = await page.evaluate(() => document.getElementById("fleet").shadowRoot.innerHTML);
    assert.ok(!html.includes("\u202E"), "a bidi control reached the fleet's DOM");
    assert.deepEqual(errors, []);
    await context.close();
  });
});
