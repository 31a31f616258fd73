// Helpers of the page tests: the `make demo` stack (mock DCS + edge proxy in workerd + www/)
// started as `node scripts/demo.mjs --port <free port>`, headless Chromium, error collection.
//
// DCS_PAGE_URL=http://127.0.0.1:PORT/ runs the tests against a stack that is already up
// (e.g. a `make demo` in another terminal) instead of starting one.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import { chromium } from "playwright-core";
import { startStack } from "../../scripts/stack.mjs";
import { startMock } from "../mock-dcs/server.mjs";

export const root = resolve(new URL("../..", import.meta.url).pathname);
export const screenshotDir = join(root, "build", "screenshots");

const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];

export function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.on("error", rej);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

/**
 * Starts the demo stack and resolves once it prints its URL. Returns { url, close(), output }.
 * Fails with the demo's output when it exits early or is not ready within `timeoutMs`.
 */
export async function startDemo({ timeoutMs = 60_000, env = {} } = {}) {
  if (process.env.DCS_PAGE_URL && !Object.keys(env).length) {
    const url = process.env.DCS_PAGE_URL.replace(/\/?$/, "/");
    return { url, output: [], close: async () => {} };
  }
  for (const f of ["pkg/index.js", "pkg/slim.js", "pkg/workerd.js", "scripts/demo.mjs"]) {
    if (!existsSync(join(root, f))) throw new Error(`${f} is missing: run \`make pkg\` first (the page tests need the built package and the demo script)`);
  }
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  const child = spawn(process.execPath, [join(root, "scripts", "demo.mjs"), "--port", String(port), "--fixed-data"], {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...env, PORT: String(port) },
  });
  const output = [];
  const close = () => new Promise((res) => {
    if (child.exitCode !== null || child.signalCode !== null) return res();
    const kill = setTimeout(() => child.kill("SIGKILL"), 8_000);
    child.once("exit", () => { clearTimeout(kill); res(); });
    child.kill("SIGINT");
  });
  await new Promise((res, rej) => {
    let done = false;
    const finish = (err) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (err) rej(err); else res();
    };
    const tail = () => output.slice(-30).join("\n");
    const timer = setTimeout(() => {
      close().then(() => finish(new Error(`the demo did not print ${url} within ${timeoutMs} ms; its output:\n${tail()}`)));
    }, timeoutMs);
    const onData = (buf) => {
      for (const line of String(buf).split(/\r?\n/)) {
        if (!line) continue;
        output.push(line);
        if (line.includes(url)) finish();
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.once("error", (e) => finish(new Error(`could not start the demo: ${e.message}`)));
    child.once("exit", (code, signal) => finish(new Error(`the demo exited (${code ?? signal}) before it was ready; its output:\n${tail()}`)));
  });
  return { url, output, close, child };
}

/**
 * The demo stack in this process (scripts/stack.mjs: the mock DCS with its fixed data, the proxy
 * in workerd, the page), for tests that stop and restart the upstream. Returns startStack's
 * handle ({ url, mock, close(), ... }); `env`: more proxy variables (PROXY_TOKEN, ...).
 */
export async function startLocalStack({ env = {} } = {}) {
  for (const f of ["pkg/index.js", "pkg/slim.js", "pkg/proxy.js"]) {
    if (!existsSync(join(root, f))) throw new Error(`${f} is missing: run \`make pkg\` first`);
  }
  return startStack({ port: 0, quiet: true, mock: {}, env });
}

/**
 * An outage of the upstream: the stack's mock DCS stops (the proxy answers 502
 * UPSTREAM_UNREACHABLE); `restart()` starts it again on the same port, its data the same (its
 * running tasks start again from their seeded progress). The stack's close() closes it too.
 */
export async function restartUpstream(stack, { downMs = 0, whileDown } = {}) {
  const { port } = stack.mock;
  await stack.mock.close();
  await whileDown?.();
  if (downMs) await new Promise((r) => setTimeout(r, downMs));
  const mock = await startMock({ port });
  const close = stack.close;
  stack.mock = mock;
  stack.close = async () => { await close(); await mock.close(); };
  return mock;
}

/**
 * The stack with its upstream in a process of its own, so that a test can take DCS away and give
 * it back: the mock DCS (`node tests/mock-dcs/server.mjs`, its data anchored at `anchor`) on a
 * fixed port, and the edge proxy in workerd pointed at it. `stopUpstream()` kills the mock
 * process (the proxy's calls are then refused), `startUpstream()` starts a new one on the same
 * port. Returns { url, mockUrl, stopUpstream(), startUpstream(), close() }.
 */
export async function startStackWithUpstream({ anchor = "now" } = {}) {
  const { startStack } = await import("../../scripts/stack.mjs");
  const { DEFAULT_PROJECT_ID, DEFAULT_CREDENTIALS } = await import("../mock-dcs/server.mjs");
  const mockPort = await freePort();
  let mock = null;
  const startUpstream = async () => {
    mock = spawn(process.execPath, [join(root, "tests", "mock-dcs", "server.mjs"), "--port", String(mockPort), "--anchor", anchor], { stdio: ["ignore", "pipe", "pipe"] });
    await new Promise((res, rej) => {
      const timer = setTimeout(() => rej(new Error("the mock DCS did not start within 20 s")), 20_000);
      mock.stdout.on("data", (b) => { if (String(b).includes("listening")) { clearTimeout(timer); res(); } });
      mock.once("exit", (code) => { clearTimeout(timer); rej(new Error(`the mock DCS exited (${code})`)); });
    });
  };
  const stopUpstream = () => new Promise((res) => {
    if (!mock || mock.exitCode !== null || mock.signalCode !== null) return res();
    mock.once("exit", () => res());
    mock.kill("SIGKILL");
  });
  await startUpstream();
  const mockUrl = `http://127.0.0.1:${mockPort}`;
  const stack = await startStack({
    port: 0, quiet: true, mock: false,
    env: {
      HUAWEICLOUD_SDK_AK: DEFAULT_CREDENTIALS[0].ak, HUAWEICLOUD_SDK_SK: DEFAULT_CREDENTIALS[0].sk,
      HUAWEICLOUD_SDK_PROJECT_ID: DEFAULT_PROJECT_ID, DCS_ENDPOINT: mockUrl, TRUST_LOOPBACK: "true",
      DCS_AUTH_TOKEN: undefined, HUAWEICLOUD_SDK_SECURITY_TOKEN: undefined, DCS_REGION: undefined, PROXY_TOKEN: undefined,
    },
  });
  const close = async () => {
    await stack.close();
    await stopUpstream();
  };
  return { url: stack.url, mockUrl, stopUpstream, startUpstream, close };
}

export async function launchBrowser() {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (scripts/ensure-tools.sh chromium)`);
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/**
 * Opens a page in a new context and collects its errors: uncaught exceptions (pageerror) and
 * console errors. `allow` lists regexps of console errors a test expects (e.g. a 500 it caused).
 */
export async function openPage(browser, { viewport = { width: 1280, height: 800 }, locale = "en-US", colorScheme = "light", permissions = [], allow = [] } = {}) {
  const context = await browser.newContext({ viewport, locale, colorScheme, acceptDownloads: true });
  if (permissions.length) await context.grantPermissions(permissions);
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() !== "error") return;
    const text = m.text();
    if (allow.some((re) => re.test(text))) return;
    errors.push(`console.error: ${text}`);
  });
  return { context, page, errors };
}

export function screenshotPath(name) {
  mkdirSync(screenshotDir, { recursive: true });
  return join(screenshotDir, `${name}.png`);
}

/** Minimal RFC 4180 reader (quoted fields, doubled quotes, CRLF) to check the exported CSV. */
export function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (c === '"') quoted = false; else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") { row.push(field); field = ""; }
    else if (c === "\r" && text[i + 1] === "\n") { row.push(field); rows.push(row); row = []; field = ""; i++; }
    else if (c === "\n") { row.push(field); rows.push(row); row = []; field = ""; }
    else field += c;
  }
  if (field !== "" || row.length) { row.push(field); rows.push(row); }
  return rows;
}

/**
 * Runs axe-core (WCAG 2 A/AA and best-practice rules) on the page, evaluated through the devtools
 * protocol (the page's CSP stays as it is), and fails on any violation, or when too few rules ran.
 */
export async function assertAxeClean(page) {
  await page.evaluate(readFileSync(join(root, "node_modules", "axe-core", "axe.min.js"), "utf8"));
  const result = await page.evaluate(() => window.axe.run(document, {
    runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] },
  }));
  const found = result.violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n  ${v.nodes.slice(0, 5).map((n) => n.target.join(" ")).join("\n  ")}`);
  if (found.length) throw new Error(`axe found:\n${found.join("\n")}`);
  if (result.passes.length <= 20) throw new Error(`only ${result.passes.length} rules passed: did axe run?`);
}
