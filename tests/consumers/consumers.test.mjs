// `npm i dcs-tasks` at zero configuration in the toolchains consoles are built with (issue 24):
// for each, a minimal app (tests/consumers/apps.mjs) built for production and loaded in headless
// Chromium under a strict CSP (`script-src 'self' 'wasm-unsafe-eval'`), showing a parsed task
// and the result of a DcsClient call to the mock DCS; Vite's dev server; Next.js 15 app router,
// checked in its server HTML and after hydration. Each app's download (JS + wasm, gzipped) and
// build time are printed.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import { startMock } from "../mock-dcs/server.mjs";
import { freePort } from "../../scripts/stack.mjs";
import { TOOLCHAINS, TOKEN, install, serve, downloaded, nextApp, buildNext, startNext, here, viteElementApp,
  reactViteElementApp, angularElementApp } from "./apps.mjs";
import { join } from "node:path";

const CHROMIUM = "/usr/bin/chromium";
const ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
  "--disable-component-update", "--disable-sync", "--no-first-run"];
const SEED_ID = "8abf6e1e72c12e7c0172c15b508500aa";
let mock;
// A mock DCS that takes calls without credentials: what the element-only apps (no DcsClient of
// their own) talk to through their endpoint attribute.
let openMock;
let browser;
const figures = [];

before(async () => {
  install();
  mock = await startMock({ port: 0, cors: true, tokens: [TOKEN] });
  openMock = await startMock({ port: 0, cors: true, auth: false });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
});
after(async () => {
  await browser?.close();
  await mock?.close();
  await openMock?.close();
  console.log(`consumer apps (what the page downloaded: JS + wasm, gzipped -9; build time):\n${figures.join("\n")}`);
});

/** Opens `url` with ?mock=, waits for #out to be done; returns its JSON and the page's errors. */
async function load(url, { selector = "#out[data-done]" } = {}) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
  // Failed requests are told by their response (the console's "Failed to load resource" names
  // no URL); the browser's own favicon request is not the app's.
  page.on("console", (m) => {
    if (m.type() === "error" && !/^Failed to load resource/.test(m.text())) errors.push(`console: ${m.text()}`);
  });
  page.on("response", (r) => {
    if (r.status() >= 400 && !r.url().endsWith("/favicon.ico")) errors.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  await page.goto(`${url}${url.includes("?") ? "&" : "?"}mock=${encodeURIComponent(mock.url)}`);
  try {
    await page.locator(selector).waitFor({ timeout: 30_000 });
  } catch (e) {
    throw new Error(`${e.message}\npage text: ${await page.locator("body").textContent()}\nerrors: ${errors.join("\n")}`);
  }
  const text = await page.locator("#out").textContent();
  return { page, context, errors, text };
}

function assertApp(text, errors, label) {
  assert.deepEqual(errors, [], `${label}: page errors`);
  const out = JSON.parse(text);
  assert.equal(out.error, undefined, `${label}: ${out.error}`);
  assert.deepEqual(out.parsed, [SEED_ID], `${label}: the seed parsed`);
  assert.match(out.url, /^https:\/\/dcs\.cn-north-4\.myhuaweicloud\.com\/v2\/0123456789abcdef0123456789abcdef\/instances\/n3\/tasks\?limit=2$/, label);
  assert.equal(out.listed, 3, `${label}: DcsClient listed the mock's tasks`);
  assert.equal(out.first, 2, label);
}

for (const [name, buildApp] of Object.entries(TOOLCHAINS)) {
  test(`${name}: zero configuration, production build, strict CSP, in Chromium`, { timeout: 300_000 }, async () => {
    const t0 = performance.now();
    const dist = await buildApp();
    const ms = performance.now() - t0;
    const csp = `default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self' ${new URL(mock.url).origin}`;
    const site = await serve(dist, csp);
    try {
      const { text, errors, context } = await load(site.url);
      assertApp(text, errors, name);
      const d = downloaded(dist, site.requests);
      assert.ok(d.gz > 100_000, `${name}: the wasm came with the page (${d.gz} B)`);
      figures.push(`  ${name.padEnd(26)} ${String(d.gz).padStart(8)} B gz (${d.raw} B raw), built in ${(ms / 1000).toFixed(1)} s`);
      await context.close();
    } finally {
      await site.close();
    }
  });
}

test("the <dcs-task-list> element in a Vite app at zero configuration, strict CSP, in Chromium", { timeout: 300_000 }, async () => {
  const dist = await viteElementApp();
  const csp = `default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self' ${new URL(mock.url).origin}`;
  const site = await serve(dist, csp);
  try {
    const { text, errors, context, page } = await load(site.url);
    assert.deepEqual(errors, [], "page errors");
    assert.deepEqual(JSON.parse(text), { instanceId: "n3", taskCount: 3, rows: 3, defined: true });
    // styled by its adopted sheet (a constructed sheet: default-src 'none' does not block it)
    const cursor = await page.locator("dcs-task-list tbody tr.task").first().evaluate((tr) => getComputedStyle(tr).cursor);
    assert.equal(cursor, "pointer");
    await context.close();
  } finally {
    await site.close();
  }
});

/** An element-only app (the tag, `import "dcs-tasks/element..."`, nothing else of the package):
 * built with no warning by its builder, loaded under the strict CSP; the element lists the open
 * mock's tasks; the wasm came in a chunk of its own, not in the page's first script. */
async function elementOnlyApp(label, dist, buildMs) {
  const csp = `default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self' ${new URL(openMock.url).origin}`;
  const site = await serve(dist, csp);
  try {
    const { text, errors, context } = await load(`${site.url}?open=${encodeURIComponent(openMock.url)}`);
    assert.deepEqual(errors, [], `${label}: page errors`);
    assert.deepEqual(JSON.parse(text), { instanceId: "n3", taskCount: 3, rows: 3, defined: true }, label);
    const d = downloaded(dist, site.requests);
    const scripts = site.requests.filter((r) => /\.m?js$/.test(r));
    assert.ok(scripts.length >= 2, `${label}: the wasm's chunk is a script of its own (${scripts})`);
    figures.push(`  ${label.padEnd(26)} ${String(d.gz).padStart(8)} B gz (${d.raw} B raw), built in ${(buildMs / 1000).toFixed(1)} s`);
    await context.close();
  } finally {
    await site.close();
  }
}

test("React 19 + Vite (@vitejs/plugin-react) with <dcs-task-list>: no build warning, strict CSP, in Chromium", { timeout: 300_000 }, async () => {
  const t0 = performance.now();
  const dist = reactViteElementApp();
  await elementOnlyApp("React 19 + Vite (element)", dist, performance.now() - t0);
});

test("Angular 21 (ng build, default budgets) with <dcs-task-list>: no warning, strict CSP, in Chromium", { timeout: 600_000 }, async (t) => {
  const t0 = performance.now();
  const { dist, printed } = angularElementApp();
  const initial = /Initial total\s*\|?\s*([\d.]+ [kM]B)/.exec(printed);
  assert.ok(initial, `ng build reports its initial total:\n${printed}`);
  t.diagnostic(`Angular initial total: ${initial[1]} (budget: 500 kB warning, 1 MB error)`);
  await elementOnlyApp("Angular 21 (element)", dist, performance.now() - t0);
});

test("Vite 6 and the latest Vite dev servers: start at zero configuration and serve a working app", { timeout: 300_000 }, async () => {
  for (const [label, mod] of [["vite6 dev", "vite6"], ["vite dev (latest)", "vite"]]) {
    const dir = join(here, ".apps", mod === "vite6" ? "vite6" : "vite");
    const { createServer } = await import(join(here, "node_modules", mod, "dist", "node", "index.js"));
    const port = await freePort();
    const server = await createServer({ root: dir, configFile: false, logLevel: "error", server: { port, host: "127.0.0.1", strictPort: true } });
    await server.listen();
    try {
      const { text, errors, context } = await load(`http://127.0.0.1:${port}/`);
      assertApp(text, errors.filter((e) => !/\[vite\]/.test(e)), label);
      await context.close();
    } finally {
      await server.close();
    }
  }
});

test("Next.js 15 app router: a client component rendered on the server, then hydrated", { timeout: 600_000 }, async () => {
  const dir = nextApp();
  const t0 = performance.now();
  buildNext(dir);
  const ms = performance.now() - t0;
  const next = await startNext(dir, await freePort());
  try {
    // The server's HTML already holds the parsed task (the package ran during the render).
    const html = await (await fetch(next.url)).text();
    assert.match(html, new RegExp(`<pre id="out" data-listed="pending">${SEED_ID}</pre>`), "server HTML");
    const { page, context, errors } = await load(next.url, { selector: "#out:not([data-listed=pending])" });
    assert.deepEqual(errors, [], "no hydration or page errors");
    assert.equal(await page.locator("#out").getAttribute("data-listed"), "3", "after hydration: DcsClient listed the mock");
    assert.equal(await page.locator("#out").textContent(), SEED_ID);
    await context.close();
    figures.push(`  ${"Next.js 15 (app router)".padEnd(26)} built in ${(ms / 1000).toFixed(1)} s`);
  } finally {
    await next.close();
  }
});
