// `make bench`: parse speed against the JSON.parse floor, start-up time (Node, workerd),
// size, and peak memory; one Node process per figure, same bytes for every contender,
// warm-up runs, the median of at least 15 runs. Writes BENCHMARKS.md.
// `--smoke`: small sizes and few runs (run by `make test` so the benchmark cannot rot;
// nothing is asserted about timings).
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, writeFileSync, readFileSync, existsSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join, resolve } from "node:path";
import { generateTasks } from "../tests/mock-dcs/data.mjs";
import { freePort } from "./stack.mjs";
import { measure as measureSizes } from "./size.mjs";
import { benchFigures, figuresLine, staleBenchDocs } from "./bench-docs.mjs";

const root = resolve(new URL("..", import.meta.url).pathname);
const smoke = process.argv.includes("--smoke");
const out = join(root, "build", "bench");
mkdirSync(out, { recursive: true });
const SIZES = smoke ? [100] : [100, 1000, 10000];
const RUNS = smoke ? 3 : 15;
const WARMUP = smoke ? 1 : 5;

/** A realistic list response: every task type, with the doc's quirks mixed in. */
function makeBody(n) {
  const tasks = generateTasks(`bench-n${n}-x`, { count: n });
  const wire = tasks.map((t, i) => {
    const w = JSON.parse(JSON.stringify(t.wire));
    if (i % 7 === 3 && w.details) {
      // Quirks: numeric capacities, the misspelled cache mode.
      if (w.details.old_capacity !== undefined) w.details.old_capacity = Number(w.details.old_capacity);
      if (w.details.new_cache_mode !== undefined) {
        w.details.new_cahce_mode = w.details.new_cache_mode;
        delete w.details.new_cache_mode;
      }
    }
    return w;
  });
  const body = { task_count: n % 2 ? String(n) : n, tasks: wire };
  return Buffer.from(JSON.stringify(body));
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Runs a child Node process that prints one JSON line of results. */
function child(code, args = [], node = process.execPath) {
  const file = join(out, `child-${Math.random().toString(36).slice(2)}.mjs`);
  writeFileSync(file, code);
  const r = execFileSync(node, ["--expose-gc", file, ...args], { encoding: "utf8", cwd: root });
  return JSON.parse(r.trim().split("\n").pop());
}

const PKG = join(root, "pkg", "index.js");

/**
 * One process per size: the floor and the package run alternately on the same bytes (a
 * forced GC before each run), so both see the same JIT, GC and CPU state. Separate
 * processes per contender made the ratio swing between ~2.4× and ~5.2× from run to run
 * on this shared machine (the floor alone moved between ~19 and ~33 ms at 10,000 tasks).
 */
function parseFigure(file) {
  return child(`
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
const bytes = readFileSync(${JSON.stringify(file)});
const { parseListTasksResponse } = await import(${JSON.stringify(PKG)});
const contenders = {
  floor: () => JSON.parse(new TextDecoder().decode(bytes)),
  wasm: () => parseListTasksResponse(bytes),
};
for (let i = 0; i < ${WARMUP}; i++) for (const f of Object.values(contenders)) f();
const times = { floor: [], wasm: [] };
for (let i = 0; i < ${RUNS}; i++) {
  for (const [k, f] of Object.entries(contenders)) {
    globalThis.gc();
    const t = performance.now();
    f();
    times[k].push(performance.now() - t);
  }
}
const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(JSON.stringify({ floor: med(times.floor), wasm: med(times.wasm) }));
`);
}

/**
 * The small results and the option objects, per call (one process, alternating): building a
 * list request (an option object read, an HttpRequest out), signing it (two option objects
 * in, an HttpRequest out), and showTaskProgress over an in-process fetch (a call's options in,
 * a TaskProgress out).
 */
function smallFigure() {
  return child(`
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
const { buildListTasksRequest, signRequest, DcsClient } = await import(${JSON.stringify(PKG)});
const progress = readFileSync(${JSON.stringify(join(root, "tests/fixtures/progress.json"))}, "utf8");
const o = { region: "cn-north-4", projectId: "0123456789abcdef0123456789abcdef", instanceId: "i-1", offset: 0, limit: 10,
  startTime: new Date(Date.UTC(2024, 5, 1)), endTime: "20240630120000" };
const cred = { ak: "HPUAXXXXXXXXXXXXXXXX", sk: "SKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSK" };
const date = new Date(Date.UTC(2024, 5, 1));
const req = buildListTasksRequest(o);
const client = new DcsClient({ region: "cn-north-4", projectId: o.projectId, auth: { token: "t" }, retries: 0,
  fetch: async () => new Response(progress, { headers: { "content-type": "application/json" } }) });
const N = ${smoke ? 200 : 20000};
const contenders = {
  build: () => { for (let i = 0; i < N; i++) buildListTasksRequest(o); },
  sign: () => { for (let i = 0; i < N; i++) signRequest(req, cred, { date }); },
  progress: async () => { for (let i = 0; i < N / 10; i++) await client.showTaskProgress("i-1", "t-1"); },
};
const times = { build: [], sign: [], progress: [] };
for (let r = 0; r < ${WARMUP} + ${RUNS}; r++) {
  for (const [k, f] of Object.entries(contenders)) {
    const t = performance.now();
    await f();
    if (r >= ${WARMUP}) times[k].push((performance.now() - t) * 1000 / (k === "progress" ? N / 10 : N));
  }
}
const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(JSON.stringify({ buildUs: med(times.build), signUs: med(times.sign), progressUs: med(times.progress) }));
`);
}

function memoryFigure(file) {
  return child(`
import { readFileSync } from "node:fs";
import { initSync } from ${JSON.stringify(join(root, "pkg", "dcs_tasks.js"))};
import { parseListTasksResponse } from ${JSON.stringify(join(root, "pkg", "dcs_tasks.js"))};
const exports = initSync({ module: readFileSync(${JSON.stringify(join(root, "pkg", "dcs_tasks_bg.wasm"))}) });
const bytes = readFileSync(${JSON.stringify(file)});
globalThis.gc();
const heap0 = process.memoryUsage().heapUsed;
const wasm0 = exports.memory.buffer.byteLength;
let peak = 0;
const timer = setInterval(() => {}, 1000);
const list = parseListTasksResponse(bytes);
const heap1 = process.memoryUsage().heapUsed;
const wasm1 = exports.memory.buffer.byteLength;
clearInterval(timer);
globalThis.gc();
const retained = process.memoryUsage().heapUsed - heap0;
console.log(JSON.stringify({ body: bytes.length, heapGrowth: heap1 - heap0, retained, wasmGrowth: wasm1 - wasm0, wasmTotal: wasm1, tasks: list.tasks.length }));
`);
}

/** Node's import of the zero-configuration entry in a fresh process (its modules loaded; the
 * inlined wasm inflated on zlib's thread pool and compiled in the background) and a first parse
 * right after it (which instantiates the wasm on the spot); the median of fresh processes. */
function nodeStart(node = process.execPath) {
  const runs = Array.from({ length: smoke ? 1 : 9 }, () => nodeStartOnce(node));
  const med = (k) => median(runs.map((r) => r[k]));
  return { importMs: med("importMs"), firstParseMs: med("firstParseMs"), ok: runs.every((r) => r.ok) };
}

/** Node 22 and 24 as the tests run them (tests/runtimes), when installed. */
const OTHER_NODES = [["Node 22", "tests/runtimes/node_modules/node22/bin/node"],
  ["Node 24", "tests/runtimes/node_modules/node24/bin/node"]].filter(([, p]) => existsSync(join(root, p)));

function nodeStartOnce(node) {
  return child(`
import { performance } from "node:perf_hooks";
import { readFileSync } from "node:fs";
const t0 = performance.now();
const { parseListTasksResponse } = await import(${JSON.stringify(PKG)});
const t1 = performance.now();
const l = parseListTasksResponse(readFileSync(${JSON.stringify(join(root, "tests/fixtures/seed-example.json"))}));
const t2 = performance.now();
console.log(JSON.stringify({ importMs: t1 - t0, firstParseMs: t2 - t1, totalMs: t2 - t0, ok: l.taskCount === 1 }));
`, [], node);
}

/**
 * The zero-configuration entry in headless Chromium (pkg/ served over HTTP, a new context each
 * run): `ready` after the import with no call made (inflated with DecompressionStream and
 * compiled off the main thread), and a first parse made right after the import, before ready
 * (instantiated on the spot: fflate's inflateSync and a synchronous compile on the main thread).
 */
async function browserStart() {
  const { chromium } = await import("playwright-core");
  const { createServer } = await import("node:http");
  const page = (wait) => `<!doctype html><script type="module">
const t0 = performance.now();
const m = await import("/pkg/index.js");
const t1 = performance.now();
${wait ? "await m.ready;" : ""}
const t2 = performance.now();
const l = m.parseListTasksResponse('{"task_count":0,"tasks":[]}');
const t3 = performance.now();
document.title = JSON.stringify({ readyMs: t2 - t1, callMs: t3 - t2, ok: l.taskCount === 0 });
</script>`;
  const server = createServer((req, res) => {
    const path = new URL(req.url, "http://x").pathname;
    if (path === "/wait.html" || path === "/call.html") {
      res.writeHead(200, { "Content-Type": "text/html" }).end(page(path === "/wait.html"));
      return;
    }
    let body;
    try {
      body = readFileSync(join(root, path));
    } catch {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "Content-Type": "text/javascript" }).end(body);
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const base = `http://127.0.0.1:${server.address().port}`;
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--no-first-run"] });
  const runs = { wait: [], call: [] };
  try {
    for (let i = 0; i < (smoke ? 1 : 9); i++) {
      for (const k of ["wait", "call"]) {
        const ctx = await browser.newContext();
        const p = await ctx.newPage();
        await p.goto(`${base}/${k}.html`);
        await p.waitForFunction(() => document.title.startsWith("{"), null, { timeout: 30_000 });
        const r = JSON.parse(await p.title());
        if (!r.ok) throw new Error("bench: the browser page did not parse");
        runs[k].push(r);
        await ctx.close();
      }
    }
  } finally {
    await browser.close();
    server.close();
  }
  return {
    readyMs: median(runs.wait.map((r) => r.readyMs)), afterReadyCallMs: median(runs.wait.map((r) => r.callMs)),
    onTheSpotMs: median(runs.call.map((r) => r.callMs)),
  };
}

/**
 * workerd cold start (with a breakdown from two more workers, see below). workerd loads (compiles, instantiates, evaluates) a worker when the
 * process starts, so the cold start is part of "spawn to first response". Two workers are
 * timed alternately, RUNS spawns each: a baseline that parses the seed with JSON.parse and
 * loads no package, and one that imports dcs-tasks (workerd entry: wasm compile, instantiate,
 * initSync) and parses the seed with parseListTasksResponse. The difference of the medians is
 * what the package adds to a cold start; the process start and Node's own fetch are the same
 * in both and cancel out.
 */
async function workerdStart() {
  const dir = join(out, "workerd");
  mkdirSync(dir, { recursive: true });
  const seed = readFileSync(join(root, "tests/fixtures/seed-example.json"), "utf8");
  const seedJs = JSON.stringify(seed);
  // The breakdown: `module` only imports the .wasm (workerd compiles it), `loaded` also
  // evaluates the package (glue, instantiate) without calling it, `package` parses.
  const workers = {
    package: `import { parseListTasksResponse } from "dcs-tasks";
export default { async fetch() { return new Response(String(parseListTasksResponse(${seedJs}).taskCount)); } };
`,
    loaded: `import { parseListTasksResponse } from "dcs-tasks";
export default { async fetch() { return new Response(String(JSON.parse(${seedJs}).task_count + (parseListTasksResponse ? 0 : 1))); } };
`,
    module: `import wasm from "dcs_tasks_bg.wasm";
export default { async fetch() { return new Response(String(JSON.parse(${seedJs}).task_count + (wasm ? 0 : 1))); } };
`,
    baseline: `export default { async fetch() { return new Response(String(JSON.parse(${seedJs}).task_count)); } };
`,
  };
  const configs = {};
  for (const [name, code] of Object.entries(workers)) {
    writeFileSync(join(dir, `${name}.js`), code);
    const port = await freePort();
    const pkgModules = name !== "baseline" ? `
    (name = "dcs-tasks", esModule = embed "../../../pkg/workerd.js"),
    (name = "dcs_tasks.js", esModule = embed "../../../pkg/dcs_tasks.js"),
    (name = "dcs_tasks_bg.wasm", wasm = embed "../../../pkg/dcs_tasks_bg.wasm"),` : "";
    writeFileSync(join(dir, `${name}.capnp`), `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "main", worker = .w) ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],
);
const w :Workerd.Worker = (
  modules = [
    (name = "worker.js", esModule = embed "${name}.js"),${pkgModules}
  ],
  compatibilityDate = "2025-01-01",
);
`);
    configs[name] = { file: join(dir, `${name}.capnp`), port };
  }
  // Node's fetch loads lazily: warm it up so neither contender pays for it.
  await fetch("http://127.0.0.1:1/").catch(() => {});
  const once = async ({ file, port }) => {
    const t0 = performance.now();
    const p = spawn(join(root, "node_modules/.bin/workerd"), ["serve", file], { stdio: "ignore" });
    let first;
    for (;;) {
      try {
        const r = await fetch(`http://127.0.0.1:${port}/`);
        if ((await r.text()) !== "1") throw new Error("workerd: the worker did not parse the seed");
        first = performance.now() - t0;
        break;
      } catch (e) {
        if (String(e.message).startsWith("workerd:")) throw e;
        await new Promise((r) => setTimeout(r, 2));
        if (performance.now() - t0 > 20000) throw new Error("workerd did not start");
      }
    }
    p.kill();
    await new Promise((r) => p.once("exit", r));
    return first;
  };
  const names = Object.keys(workers);
  const times = Object.fromEntries(names.map((n) => [n, []]));
  // Spawn times swing by a few ms on a shared machine, as much as the differences
  // measured here: more runs than the other figures (about 10 s in all).
  const spawns = smoke ? RUNS : 41;
  for (let i = 0; i < spawns; i++) {
    for (const name of names) times[name].push(await once(configs[name]));
  }
  const m = Object.fromEntries(names.map((n) => [n, median(times[n])]));
  return {
    spawnToFirstMs: m.package, baselineMs: m.baseline, addedMs: m.package - m.baseline,
    compileMs: m.module - m.baseline, loadMs: m.loaded - m.module, firstParseMs: m.package - m.loaded,
  };
}

/** listAll over N tasks with 20 ms of mock latency: sequential listTasks pages vs listAllTasks. */
async function listAllTiming(n, pageSize) {
  const { startMock } = await import("../tests/mock-dcs/server.mjs");
  const { DcsClient } = await import(PKG);
  const mock = await startMock({ port: 0, latencyMs: 20 });
  try {
    const c = new DcsClient({
      endpoint: mock.url, projectId: "0123456789abcdef0123456789abcdef",
      auth: { ak: "HPUAXXXXXXXXXXXXXXXX", sk: "SKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSK" },
    });
    const id = `timing-n${n}-a`;
    let t = performance.now();
    let seq = 0;
    for (let offset = 0; ; offset += pageSize) {
      const page = await c.listTasks(id, { offset, limit: pageSize });
      seq += page.tasks.length;
      if (page.tasks.length < pageSize) break;
    }
    const sequentialMs = performance.now() - t;
    t = performance.now();
    let conc = 0;
    for await (const _ of c.listAllTasks(id, { pageSize })) conc++;
    const concurrentMs = performance.now() - t;
    return { n, pageSize, sequentialMs, concurrentMs, seq, conc, maxConcurrency: mock.stats.maxConcurrency };
  } finally {
    await mock.close();
  }
}

/**
 * listFleetTasks over a fleet of N instances with L ms of latency on every request (the mock's
 * `fleet{N}-slow{L}` project: each instance's tasks fit one page), at each concurrency: wall
 * time against the limit ⌈N / concurrency⌉ × L (the instance listing's own L included in the
 * wall time, not in the limit), the median of a few runs.
 */
async function fleetTiming(n, latency, concurrencies, runs) {
  const { DcsClient } = await import(PKG);
  // The mock in a process of its own: its work (signatures, bodies) is not the client's.
  const mock = spawn(process.execPath, [join(root, "tests/mock-dcs/server.mjs"), "--port", "0"], { stdio: ["ignore", "pipe", "inherit"] });
  const url = await new Promise((resolve, reject) => {
    let buf = "";
    mock.stdout.on("data", (d) => {
      buf += d;
      const m = /listening on (http:\/\/\S+)/.exec(buf);
      if (m) resolve(m[1]);
    });
    mock.on("exit", (code) => reject(new Error(`the mock exited (${code})`)));
  });
  const control = async (path, method = "GET") => (await fetch(`${url}/__mock/${path}`, { method })).json();
  const project = `fleet${n}-slow${latency}`;
  const out = [];
  try {
    const c = new DcsClient({
      endpoint: url, projectId: project,
      auth: { ak: "HPUAXXXXXXXXXXXXXXXX", sk: "SKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSK" },
    });
    for await (const _ of c.listFleetTasks({}, { concurrency: 16 })) void _; // warm-up
    for (const concurrency of concurrencies) {
      const times = [];
      let instances = 0;
      let tasks = 0;
      await control("reset", "POST");
      for (let r = 0; r < runs; r++) {
        instances = 0;
        tasks = 0;
        const t = performance.now();
        for await (const e of c.listFleetTasks({}, { concurrency })) {
          instances++;
          tasks += e.tasks.length;
          if (e.error) throw e.error;
        }
        times.push(performance.now() - t);
      }
      const wall = median(times);
      const limit = Math.ceil(n / concurrency) * latency;
      const stats = await control("stats");
      out.push({ concurrency, wall, limit, pct: (100 * limit) / wall, instances, tasks,
        seen: stats.maxListsInFlightByProject[project] });
    }
    c.free();
  } finally {
    mock.kill();
  }
  return { n, latency, runs, rows: out };
}

/**
 * The proxy on every runtime of the conformance suite (tests/proxy/runtimes.mjs and
 * runtimes-vercel.mjs: each started from its edge/ example as written), against the mock DCS in
 * a process of its own: process start to the first answered request (`/healthz`, polled every
 * few ms), then 100 sequential `GET /api/instances/{id}/tasks?limit=10` (a signed upstream call
 * and a normalized answer each) of which requests 10-100 give the p50. A first start of each
 * runtime warms the disk cache (and builds the Next.js app once); the second is measured.
 */
async function proxyRuntimes() {
  const rt = await import("../tests/proxy/runtimes.mjs");
  const all = [...rt.RUNTIMES];
  if (existsSync(join(root, "tests/proxy/runtimes-vercel.mjs"))) {
    all.push(...(await import("../tests/proxy/runtimes-vercel.mjs")).vercelRuntimes);
  }
  rt.install();
  const { DEFAULT_PROJECT_ID, DEFAULT_CREDENTIALS } = await import("../tests/mock-dcs/server.mjs");
  const mock = spawn(process.execPath, [join(root, "tests/mock-dcs/server.mjs"), "--port", "0"], { stdio: ["ignore", "pipe", "inherit"] });
  const mockUrl = await new Promise((resolve, reject) => {
    let buf = "";
    mock.stdout.on("data", (d) => {
      buf += d;
      const m = /http:\/\/127\.0\.0\.1:\d+/.exec(buf);
      if (m) resolve(m[0]);
    });
    mock.once("exit", () => reject(new Error("the mock exited")));
  });
  const env = {
    HUAWEICLOUD_SDK_AK: DEFAULT_CREDENTIALS[0].ak, HUAWEICLOUD_SDK_SK: DEFAULT_CREDENTIALS[0].sk,
    HUAWEICLOUD_SDK_PROJECT_ID: DEFAULT_PROJECT_ID, DCS_ENDPOINT: mockUrl, TRUST_LOOPBACK: "true",
  };
  const rows = [];
  try {
    for (const r of all) {
      if (smoke && !["workerd", "node20"].includes(r.name)) continue;
      if (!smoke) await (await r.start({ env })).close();
      const t0 = performance.now();
      const s = await r.start({ env });
      const startMs = s.startMs ?? performance.now() - t0;
      const times = [];
      try {
        for (let i = 0; i < (smoke ? 12 : 100); i++) {
          const t = performance.now();
          const res = await fetch(`${s.url}api/instances/bench-${r.name}/tasks?limit=10`);
          await res.arrayBuffer();
          if (res.status !== 200) throw new Error(`${r.name}: HTTP ${res.status}`);
          times.push(performance.now() - t);
        }
      } finally {
        await s.close();
      }
      rows.push({ name: r.name, startMs, p50: median(times.slice(9)) });
    }
  } finally {
    mock.kill();
  }
  return rows;
}


if (!existsSync(PKG)) {
  console.error("bench: pkg/ is missing: run `make pkg` first");
  process.exit(1);
}
const rows = [];
for (const n of SIZES) {
  const file = join(out, `list-${n}.json`);
  writeFileSync(file, makeBody(n));
  const { floor, wasm } = parseFigure(file);
  rows.push({ n, bytes: readFileSync(file).length, floor, wasm, ratio: wasm / floor });
}
const small = smallFigure();
const mem = memoryFigure(join(out, `list-${SIZES[SIZES.length - 1]}.json`));
const node = nodeStart();
const otherNodes = OTHER_NODES.map(([name, p]) => ({ name, ...nodeStart(join(root, p)) }));
const chromiumStart = await browserStart();
const wd = await workerdStart();
// What a page downloads with each entry: scripts/size.mjs (the figures `make size` checks).
const sz = measureSizes();
const la = await listAllTiming(smoke ? 1000 : 10000, 100);
const proxies = await proxyRuntimes();
const fleet = await fleetTiming(smoke ? 40 : 200, 20, smoke ? [4, 16] : [1, 4, 8, 16], smoke ? 1 : 5);

const kb = (b) => (b / 1024).toFixed(1) + " KB";
const ms = (x) => x.toFixed(2) + " ms";
const lines = [];
// The figures the READMEs quote (scripts/bench-docs.mjs; `make test` checks them against this line).
const figures = benchFigures({ rows, mem, node, otherNodes, wd });
lines.push("# Benchmarks", "", figuresLine(figures), "");
lines.push(`Machine: ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}. ` +
  `Reproduce: \`make bench\` (median of ${RUNS} runs after ${WARMUP} warm-ups, one Node process per figure; ` +
  `the parse floor and the package alternate in one process per size).`, "");
lines.push("## Parse: `parseListTasksResponse(bytes)` vs the `JSON.parse(new TextDecoder().decode(bytes))` floor", "");
lines.push("| tasks | body | JSON.parse floor | dcs-tasks | ratio |", "| ---: | ---: | ---: | ---: | ---: |");
for (const r of rows) lines.push(`| ${r.n} | ${kb(r.bytes)} | ${ms(r.floor)} | ${ms(r.wasm)} | ${r.ratio.toFixed(2)}× |`);
lines.push("", "## Small results and option objects (per call, one process)", "");
lines.push("| call | what crosses the boundary | time |", "| --- | --- | ---: |");
lines.push(`| \`buildListTasksRequest(o)\` | an option object in (serde-wasm-bindgen), an \`HttpRequest\` out | ${small.buildUs.toFixed(2)} µs |`);
lines.push(`| \`signRequest(req, cred, { date })\` | a request and two option objects in, an \`HttpRequest\` out | ${small.signUs.toFixed(2)} µs |`);
lines.push(`| \`showTaskProgress\` over an in-process \`fetch\` | a call's options in, a \`TaskProgress\` out (plus the call itself) | ${small.progressUs.toFixed(2)} µs |`);
lines.push("", "## Start", "");
lines.push(`| runtime | figure | time |`, `| --- | --- | ---: |`);
lines.push(`| Node ${process.version} | import of \`dcs-tasks\` (its modules; the wasm inflated and compiled in the background; median of fresh processes) | ${ms(node.importMs)} |`);
lines.push(`| Node ${process.version} | first parse right after the import (seed example; the wasm instantiated on the spot) | ${ms(node.firstParseMs)} |`);
for (const n of otherNodes) {
  lines.push(`| ${n.name} | import of \`dcs-tasks\` / first parse | ${ms(n.importMs)} / ${ms(n.firstParseMs)} |`);
}
lines.push(`| Chromium | \`ready\` after the import, no call made (DecompressionStream, compiled off the main thread) | ${ms(chromiumStart.readyMs)} |`);
lines.push(`| Chromium | then the first parse | ${ms(chromiumStart.afterReadyCallMs)} |`);
lines.push(`| Chromium | a first parse right after the import, before \`ready\` (fflate and a synchronous compile, on the main thread) | ${ms(chromiumStart.onTheSpotMs)} |`);
lines.push(`| workerd | spawn to first parsed response, worker importing dcs-tasks | ${ms(wd.spawnToFirstMs)} |`);
lines.push(`| workerd | spawn to first parsed response, baseline worker (JSON.parse, no package) | ${ms(wd.baselineMs)} |`);
lines.push(`| workerd | **cold start added by dcs-tasks** (difference of the medians) | **${ms(wd.addedMs)}** |`);
lines.push(`| workerd | of which: compiling the .wasm (a worker importing only the module) | ${ms(wd.compileMs)} |`);
lines.push(`| workerd | of which: evaluating the package (glue, instantiate), not calling it | ${ms(wd.loadMs)} |`);
lines.push(`| workerd | of which: the first parse (lazy compilation of its code, the seed's two passes) | ${ms(wd.firstParseMs)} |`);
lines.push("", `## listAll: ${la.n} tasks, page size ${la.pageSize}, 20 ms mock latency`, "");
lines.push("| strategy | wall time | tasks |", "| --- | ---: | ---: |");
lines.push(`| sequential \`listTasks\` pages | ${ms(la.sequentialMs)} | ${la.seq} |`);
lines.push(`| \`listAllTasks\` (4 pages in flight; mock saw ${la.maxConcurrency} at once) | ${ms(la.concurrentMs)} | ${la.conc} |`);
lines.push("", `## listFleetTasks: a fleet of ${fleet.n} instances, ${fleet.latency} ms mock latency per request`, "");
lines.push(`Each instance's tasks fit one page; the limit is ⌈${fleet.n} / concurrency⌉ × ${fleet.latency} ms ` +
  `(the instance listing's own ${fleet.latency} ms is in the wall time, not in the limit); median of ${fleet.runs} runs.`, "");
lines.push("| concurrency | wall time | limit | limit / wall | task lists in flight (mock) | instances | tasks |",
  "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
for (const r of fleet.rows) {
  lines.push(`| ${r.concurrency} | ${ms(r.wall)} | ${ms(r.limit)} | ${r.pct.toFixed(1)} % | ${r.seen} | ${r.instances} | ${r.tasks} |`);
}
lines.push("", "## The proxy on each runtime", "");
lines.push("Each runtime started from its `edge/` example as written (tests/proxy/runtimes.mjs), the mock DCS in a process " +
  "of its own: process start to the first answered request (a second start; the first warms the disk cache and, for " +
  "Next.js, builds the app), and the p50 of requests 10-100 of 100 sequential " +
  "`GET /api/instances/{id}/tasks?limit=10` (each a signed upstream call and a normalized answer).", "");
lines.push("| runtime | start to first answer | p50, requests 10-100 |", "| --- | ---: | ---: |");
for (const r of proxies) lines.push(`| ${r.name} | ${ms(r.startMs)} | ${ms(r.p50)} |`);
lines.push("", "## Size", "");
lines.push("Each file gzipped on its own (`scripts/size.sh`, which checks the budgets).", "");
lines.push("| file or page | raw | gzip -9 |", "| --- | ---: | ---: |");
const szRow = (label, w, note = "") => lines.push(`| ${label} | ${kb(w.raw)} | ${kb(w.gzip)} (${w.gzip} B${note}) |`);
szRow("dcs_tasks_bg.wasm", sz.files["dcs_tasks_bg.wasm"]);
szRow("dcs_tasks.js (glue)", sz.files["dcs_tasks.js"]);
szRow("dcs_tasks_wasm.js (the wasm deflated with Zopfli, base64)", sz.files["dcs_tasks_wasm.js"]);
szRow("what a page downloads with `dcs-tasks/slim` (entry + glue + ready.js + .wasm)", sz.slim, `; budget ${sz.budgets.slim} B`);
szRow("what a page downloads with `dcs-tasks` (zero configuration: the entry with load.js and fflate bundled, glue, ready.js, the wasm inlined)", sz.zeroConfig,
  `, ${(sz.zeroConfig.gzip / sz.slim.gzip).toFixed(3)}× slim; budget ${sz.budgets.zeroConfig} B`);
szRow("dcs_tasks_page.js (the elements' build: glue)", sz.files["dcs_tasks_page.js"]);
szRow("dcs_tasks_page_wasm.js (the elements' build of the wasm, deflated with Zopfli, base64)", sz.files["dcs_tasks_page_wasm.js"]);
szRow("what a page downloads with `dcs-tasks/element` (the elements' bundle, their build's glue and wasm, inflate.js)", sz.elementsPage,
  `; budget ${sz.budgets.elementsPage} B`);
szRow("and, on demand, for an element given `project-id`: `dcs-tasks`", sz.elementsOnDemand);
szRow("the same page by `dcs-tasks/element/slim` + `dcs-tasks/slim` (24 files and the library's .wasm)", sz.elementsSlimPage);
szRow("the elements' JS: `element.js`, one bundle", sz.elementsJs);
szRow("the edge proxy (`dcs-tasks/proxy`: its .wasm and glue, a worker's upload)", sz.proxy, `; budget ${sz.budgets.proxy} B`);
lines.push("", `## Memory (${mem.tasks} tasks, body ${kb(mem.body)})`, "");
lines.push(`JS heap growth ${kb(mem.heapGrowth)} before a GC (the decoded chunks of the contract text, garbage once each \`JSON.parse\` ` +
  `returns, included), ${kb(mem.retained)} retained after one (the list); wasm linear memory growth ${kb(mem.wasmGrowth)} ` +
  `(total ${kb(mem.wasmTotal)}): ${((mem.heapGrowth + mem.wasmGrowth) / mem.body).toFixed(2)}× the body at the peak, ` +
  `${((mem.retained + mem.wasmGrowth) / mem.body).toFixed(2)}× after a GC.`);
const text = lines.join("\n") + "\n";
console.log(text);
if (!smoke) {
  // The hand-kept "## History" section (what each optimization bought) survives a re-run.
  const file = join(root, "BENCHMARKS.md");
  const prev = existsSync(file) ? readFileSync(file, "utf8") : "";
  const at = prev.indexOf("\n## History");
  writeFileSync(file, at >= 0 ? text + prev.slice(at) : text);
  const stale = staleBenchDocs(figures, true);
  console.log(stale.length ? `bench: rewrote ${stale.length} README figure(s)` : "bench: the READMEs' figures are current");
}
