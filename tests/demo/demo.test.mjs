// `make demo`'s script: starts the mock + workerd (or uses the DCS named by the environment),
// prints the URL, serves the page and the API, and stops everything on Ctrl-C (SIGINT).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import { join } from "node:path";
import { existsSync, readFileSync } from "node:fs";
import { startMock } from "../mock-dcs/server.mjs";
import { root, freePort } from "../../scripts/stack.mjs";

function startDemo(port, env = {}) {
  const child = spawn(process.execPath, [join(root, "scripts", "demo.mjs"), "--port", String(port)], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (out += d));
  const ready = new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`demo did not print ready within 30 s:\n${out}`)), 30_000);
    child.stdout.on("data", () => {
      if (out.includes(`ready: http://127.0.0.1:${port}/`)) { clearTimeout(t); resolve(); }
    });
    child.on("exit", (c) => { clearTimeout(t); reject(new Error(`demo exited ${c}:\n${out}`)); });
  });
  return { child, ready, output: () => out };
}

async function stop(demo) {
  const exited = new Promise((r) => demo.child.on("exit", (code, sig) => r({ code, sig })));
  demo.child.kill("SIGINT");
  return exited;
}

function workerdOn(port) {
  try {
    return execFileSync("pgrep", ["-f", `build/workerd/${port}/config.capnp`], { encoding: "utf8" }).trim();
  } catch {
    return "";
  }
}

test("demo with the mock: page, API, and a clean stop on SIGINT", { timeout: 60_000 }, async () => {
  const port = await freePort();
  const demo = startDemo(port);
  await demo.ready;
  assert.match(demo.output(), /open http:\/\/127\.0\.0\.1:\d+\/\?instance=/);
  const page = await fetch(`http://127.0.0.1:${port}/`);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /<html/i);
  const cfg = await (await fetch(`http://127.0.0.1:${port}/api/config`)).json();
  const list = await (await fetch(`http://127.0.0.1:${port}/api/instances/${cfg.demoInstance}/tasks?limit=5`)).json();
  assert.equal(list.tasks.length, 5);
  assert.ok(workerdOn(port), "workerd is running");
  const { code } = await stop(demo);
  assert.equal(code, 0);
  assert.match(demo.output(), /demo stopped/);
  assert.equal(workerdOn(port), "", "workerd was left running");
});

test("demo with credentials in the environment talks to that DCS, not its own mock", { timeout: 60_000 }, async () => {
  const upstream = await startMock({ port: 0 });
  const port = await freePort();
  const demo = startDemo(port, {
    HUAWEICLOUD_SDK_AK: "HPUAXXXXXXXXXXXXXXXX",
    HUAWEICLOUD_SDK_SK: "SKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSK",
    HUAWEICLOUD_SDK_PROJECT_ID: "0123456789abcdef0123456789abcdef",
    DCS_ENDPOINT: upstream.url,
  });
  try {
    await demo.ready;
    assert.match(demo.output(), /proxy to the real DCS/);
    const r = await fetch(`http://127.0.0.1:${port}/api/instances/n7/tasks`);
    assert.equal(r.status, 200);
    assert.equal((await r.json()).taskCount, 7);
    assert.equal(upstream.stats.byInstance.n7, 1, "the request reached the configured DCS");
    assert.doesNotMatch(demo.output(), /SKSKSK/);
  } finally {
    await stop(demo);
    await upstream.close();
  }
});

test("PROXY_TOKEN=... make demo: the demo proxy asks for that token, also on loopback", { timeout: 60_000 }, async () => {
  const port = await freePort();
  const token = "demo-token-Qw3Er5Ty7Ui9Op1A";
  const demo = startDemo(port, { PROXY_TOKEN: token });
  try {
    await demo.ready;
    const anon = await fetch(`http://127.0.0.1:${port}/api/config`);
    assert.equal(anon.status, 401);
    assert.equal((await anon.json()).code, "TOKEN_REQUIRED");
    const ok = await fetch(`http://127.0.0.1:${port}/api/config`, { headers: { Authorization: `Bearer ${token}` } });
    assert.equal(ok.status, 200);
    assert.doesNotMatch(demo.output(), new RegExp(token));
  } finally {
    await stop(demo);
  }
});

test("PROXY_TOKEN=short make demo: exits non-zero at start naming PROXY_TOKEN (never its value), nothing left running", { timeout: 60_000 }, async () => {
  const port = await freePort();
  const demo = startDemo(port, { PROXY_TOKEN: "shortLEAK9" });
  await assert.rejects(demo.ready, /demo exited 1/);
  assert.match(demo.output(), /could not start: the proxy refuses its configuration: PROXY_TOKEN must be at least 16/);
  assert.doesNotMatch(demo.output(), /ready:/);
  assert.doesNotMatch(demo.output(), /shortLEAK9/);
  assert.equal(workerdOn(port), "", "workerd was left running");
  // through make, as the README says it: a non-zero exit too
  let failed = null;
  try {
    execFileSync("make", ["--no-print-directory", "demo"], {
      cwd: root, encoding: "utf8", stdio: "pipe", timeout: 50_000,
      env: { ...process.env, PORT: String(port), PROXY_TOKEN: "shortLEAK9" },
    });
  } catch (e) {
    failed = e;
  }
  assert.ok(failed, "make demo succeeded with a refused PROXY_TOKEN");
  assert.notEqual(failed.status, 0);
  assert.match(failed.stderr, /PROXY_TOKEN/);
});

test("make site puts the page and the package where edge/wrangler.toml's assets point", { timeout: 120_000 }, () => {
  const out = execFileSync("make", ["--no-print-directory", "site"], { cwd: root, encoding: "utf8" });
  assert.match(out, /site: .*build\/site/);
  const toml = readFileSync(join(root, "edge", "wrangler.toml"), "utf8");
  assert.match(toml, /^directory = "\.\.\/build\/site"$/m);
  for (const f of ["index.html", "app.js", "pkg/slim.js", "pkg/dcs_tasks_bg.wasm"]) {
    assert.ok(existsSync(join(root, "build", "site", f)), `build/site/${f}`);
  }
});
