// The packed package, installed into a fresh project, used from a plain HTML page with an
// import map in headless Chromium (Debian's /usr/bin/chromium driven by playwright-core).
// The page is served by a tiny static server with a strict Content-Security-Policy, so the
// README's CSP note ('wasm-unsafe-eval') is checked too.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync, statSync } from "node:fs";
import { extname, join, normalize, sep } from "node:path";
import { chromium } from "playwright-core";
import { freshProject, writeChecks, assertChecks, startMock } from "./helpers.mjs";

const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];
const TYPES = { ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8", ".json": "application/json", ".wasm": "application/wasm" };

const IMPORT_MAP = JSON.stringify({ imports: { "dcs-tasks": "/node_modules/dcs-tasks/index.js" } });
// The page's own script: no await of its own before using the package.
const PAGE_SCRIPT = `
import { buildListTasksRequest, signRequest, parseListTasksResponse, parseListInstancesResponse, knownValues, DcsClient } from "dcs-tasks";
import * as ns from "dcs-tasks";
import { syncChecks, asyncChecks } from "./checks.js";
import seedText from "./seed.js";
const api = { buildListTasksRequest, signRequest, parseListTasksResponse, parseListInstancesResponse, knownValues, DcsClient };
const done = (out) => {
  window.__result = out;
  document.getElementById("out").textContent = JSON.stringify(out);
  document.body.dataset.done = "1";
};
const out = { exports: Object.keys(ns).sort() };
// ?wait: no call before \`ready\` (the wasm inflated and compiled in the background resolves it).
if (new URLSearchParams(location.search).has("wait")) {
  await ns.ready;
  out.awaitedReady = true;
}
try {
  out.sync = syncChecks(api, seedText);
} catch (e) {
  out.error = String(e);
}
asyncChecks(api, new URLSearchParams(location.search).get("mock"))
  .then((a) => { out.async = a; }, (e) => { out.error = String(e); })
  .finally(() => done(out));
`;
const sha256 = (s) => `'sha256-${createHash("sha256").update(s).digest("base64")}'`;

/** Serves `dir` statically; `csp(mockOrigin)` is the page's Content-Security-Policy. */
function serve(dir, csp) {
  const requests = [];
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    requests.push(path);
    const file = normalize(join(dir, path === "/" ? "index.html" : path));
    if (!file.startsWith(dir + sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { "Content-Type": "text/plain" }).end("not found");
      return;
    }
    const headers = { "Content-Type": TYPES[extname(file)] ?? "application/octet-stream", "Cache-Control": "no-store" };
    if (extname(file) === ".html") headers["Content-Security-Policy"] = csp;
    res.writeHead(200, headers).end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({
    url: `http://127.0.0.1:${server.address().port}/`,
    requests,
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(r); }),
  })));
}

async function openAndWait(browser, url) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  const warnings = [];
  let failed;
  const pageError = new Promise((r) => (failed = r));
  page.on("pageerror", (e) => { errors.push(`pageerror: ${e.message}`); failed(); });
  page.on("console", (m) => {
    const text = m.text();
    // The checks' deliberate failures, which Chromium logs as failed resources: the wrong-key
    // call (401), and the watch's injected upstream faults (a 503, then failRate 1: 500, 502 or
    // a dropped connection).
    const expected = /status of 401 \(Unauthorized\)|status of 50[023] |net::ERR_(CONTENT_LENGTH_MISMATCH|EMPTY_RESPONSE|CONNECTION_RESET|CONNECTION_CLOSED|INCOMPLETE_CHUNKED_ENCODING)/;
    if (m.type() === "error" && !expected.test(text)) errors.push(`console.error: ${text}`);
    if (m.type() === "warning") warnings.push(text);
  });
  await page.goto(url);
  let out = null;
  try {
    // Done, or an uncaught error (then the page script never finishes).
    await Promise.race([page.waitForSelector("body[data-done]", { timeout: 20000 }), pageError]);
    out = await page.evaluate(() => window.__result ?? null);
  } catch (e) {
    errors.push(`no result: ${e.message}`);
  }
  await context.close();
  return { out, errors, warnings };
}

test("browser: a plain HTML page with an import map, no await of its own; seed and mock listing", async (t) => {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: install Debian's chromium (scripts/ensure-tools.sh chromium)`);
  const dir = freshProject("dcs-tasks-browser-");
  const seedText = writeChecks(dir);
  writeFileSync(join(dir, "seed.js"), `export default ${JSON.stringify(seedText)};\n`);
  writeFileSync(join(dir, "index.html"), `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>dcs-tasks consumer</title>
<script type="importmap">${IMPORT_MAP}</script>
<script type="module">${PAGE_SCRIPT}</script>
</head><body><pre id="out"></pre></body></html>
`);
  const mock = await startMock({ port: 0, cors: true });
  const mockOrigin = new URL(mock.url).origin;
  // Only what the page needs: its own scripts (the two inline ones by hash), wasm compilation,
  // and connections to itself (the .wasm) and to the DCS endpoint.
  let wasmEval = "'wasm-unsafe-eval'";
  const csp = () => `default-src 'none'; script-src 'self' ${sha256(IMPORT_MAP)} ${sha256(PAGE_SCRIPT)} ${wasmEval}; connect-src 'self' ${mockOrigin}`;
  const site = await serve(dir, { toString: csp });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    await t.test("with 'wasm-unsafe-eval' in the CSP: works", async () => {
      const { out, errors, warnings } = await openAndWait(browser, `${site.url}?mock=${encodeURIComponent(mock.url)}`);
      assert.deepEqual(errors, [], "no page errors");
      assertChecks(out, "Chromium");
      for (const name of ["buildListTasksRequest", "signRequest", "parseListTasksResponse", "DcsClient"]) {
        assert.ok(out.exports.includes(name), `exports ${name}`);
      }
      assert.ok(site.requests.includes("/node_modules/dcs-tasks/index.js"), "the import map's entry was loaded");
      assert.ok(site.requests.includes("/node_modules/dcs-tasks/dcs_tasks_wasm.js"), "the inlined wasm's module is loaded");
      assert.ok(!site.requests.some((r) => r.endsWith(".wasm")), `no .wasm is fetched: ${site.requests}`);
      assert.deepEqual(warnings, [], "no console warnings");
      assert.equal(out.awaitedReady, undefined, "the calls came before ready (instantiated on the spot)");
    });
    await t.test("no call before `ready`: the wasm inflated (DecompressionStream) and compiled in the background resolves it", async () => {
      const { out, errors, warnings } = await openAndWait(browser, `${site.url}?wait&mock=${encodeURIComponent(mock.url)}`);
      assert.deepEqual(errors, [], "no page errors");
      assert.equal(out?.awaitedReady, true, "ready resolved with no call made");
      assertChecks(out, "Chromium (after ready)");
      assert.deepEqual(warnings, [], "no console warnings");
    });
    await t.test("without 'wasm-unsafe-eval': the wasm is refused (the README's CSP note)", async (t2) => {
      wasmEval = "";
      const { out, errors } = await openAndWait(browser, `${site.url}?mock=${encodeURIComponent(mock.url)}`);
      // The import resolves (nothing is compiled at import in a browser); the first call
      // compiles on the spot and throws the browser's CSP error.
      assert.match(out?.error ?? "", /CompileError: .*(WebAssembly|wasm-unsafe-eval|Content Security Policy)/i, `the first call throws the CSP refusal: ${JSON.stringify(out)}`);
      assert.equal(out.sync, undefined, "no result");
      t2.diagnostic(out.error);
      assert.ok(errors.some((e) => /(WebAssembly|Content Security Policy)/i.test(e)), `the background compile's refusal is reported too: ${errors.join("\n")}`);
    });
  } finally {
    await browser.close();
    await site.close();
    await mock.close();
  }
});
