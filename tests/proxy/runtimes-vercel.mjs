// The Vercel family of runtimes for the edge proxy's suites: Next.js (15.5, App Router) route
// handlers on the nodejs and the edge runtime, and a Vercel Edge Function run by `edge-runtime`
// (Vercel's open-source Edge Runtime emulator). Each starts the examples of edge/ EXACTLY as
// written (copied verbatim):
//   next-node     edge/next/app/dcs/[...path]/route.js        mounted at /dcs
//   next-edge     edge/next/app/dcs-edge/[...path]/route.js   mounted at /dcs-edge
//   edge-runtime  edge/vercel/api/dcs.js                      mounted at /api/dcs
//
// Next: one app, tests/consumers/.apps/next-proxy/ (the two route files under app/, resolving
// next and react from tests/consumers/node_modules, installed by ../consumers/apps.mjs install(),
// and the freshly packed dcs-tasks in the app's own node_modules), built once per process and
// reused as long as its inputs are the same (a hash of them stamped next to the build; a lock
// folder keeps parallel test processes from building it at the same time). Each start() runs
// `next start -H 127.0.0.1 -p <port>` with the proxy's variables in the process environment
// (what the route files read; Next's edge sandbox copies the server's process.env); next-node
// and next-edge share one `next start` while both are started with the same variables.
//
// edge-runtime: the example bundled as the Edge Runtime would run it (esbuild, condition
// edge-light, `*.wasm?module` imports handed over as WebAssembly.Modules compiled by the host),
// behind a two-line wrapper wiring it to the fetch event, served by edge-runtime's runServer in a
// child process whose sandbox gets `process.env` (the proxy's variables).
//
//   import { vercelRuntimes } from "./runtimes-vercel.mjs";
//   const s = await vercelRuntimes[0].start({ env });   // { url: "http://127.0.0.1:PORT/dcs/", port, logs, startMs, close() }
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { freePort } from "../../scripts/stack.mjs";
import { collect, install, spawnGroup, waitHealthy } from "./runtimes.mjs";

export const root = resolve(new URL("../..", import.meta.url).pathname);
const consumersDir = join(root, "tests", "consumers");
const runtimesDir = join(root, "tests", "runtimes");
/** The Next.js examples (relative to edge/), copied to the same place under the app's folder. */
export const NEXT_EXAMPLES = ["next/app/dcs/[...path]/route.js", "next/app/dcs-edge/[...path]/route.js"];
export const VERCEL_EXAMPLE = "vercel/api/dcs.js";

/** Runs a command to completion (asynchronously: the caller's timers keep running); its output
 * in the error when it fails. */
function run(cmd, args, { cwd, env }) {
  return new Promise((res, rej) => {
    const logs = [];
    const child = spawn(cmd, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    collect(child.stdout, logs);
    collect(child.stderr, logs);
    child.on("error", rej);
    child.on("close", (code, signal) => {
      if (code === 0) res(logs);
      else rej(new Error(`${basename(cmd)} ${args.join(" ")} failed (${code ?? signal}) in ${cwd}:\n${logs.slice(-60).join("\n")}`));
    });
  });
}

/** Spawns a server in its own process group (close() ends all it started) and waits until
 * `<url>healthz` answers 200 or 500. */
async function spawnServer({ label, cmd, args, cwd, env, url, ms = 60000 }) {
  const { child, logs, t0, close } = spawnGroup(cmd, args, { cwd, env });
  try {
    const health = await waitHealthy(url, child, logs, label, ms);
    return { child, logs, health, startMs: performance.now() - t0, close };
  } catch (e) {
    await close();
    throw e;
  }
}

/** The environment of a server process: PATH, HOME and the proxy's variables (no undefined). */
function processEnv(env, extra = {}) {
  const out = { PATH: process.env.PATH, HOME: process.env.HOME, ...env, ...extra };
  for (const k of Object.keys(out)) if (out[k] === undefined || out[k] === null) delete out[k];
  return out;
}

/** The files of a folder, recursively (relative paths, sorted), skipping `skip` names. */
function listFiles(dir, skip = new Set()) {
  const out = [];
  const walk = (d, rel) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (skip.has(e.name)) continue;
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(join(d, e.name), r);
      else out.push(r);
    }
  };
  walk(dir, "");
  return out;
}

const pidAlive = (pid) => {
  try { process.kill(pid, 0); return true; } catch (e) { return e.code === "EPERM"; }
};

/** Runs `fn` holding a lock folder `<path>.lock` (other processes wait; a dead holder's lock is
 * taken over). */
async function withLock(path, fn, ms = 15 * 60000) {
  const lock = `${path}.lock`;
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, "pid"), String(process.pid));
      break;
    } catch (e) {
      if (e.code !== "EEXIST") throw e;
      let pid = NaN;
      try { pid = Number(readFileSync(join(lock, "pid"), "utf8")); } catch { /* being written */ }
      let age = 0;
      try { age = Date.now() - statSync(lock).mtimeMs; } catch { continue; }
      if ((Number.isInteger(pid) && pid > 0 && !pidAlive(pid)) || (Number.isNaN(pid) && age > 10000)) {
        rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`${lock} held by ${pid} for too long`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Next.js

let consumersInstalled = null;
/** Next and react (tests/consumers, npm ci once) and the freshly packed dcs-tasks
 * (tests/consumers/node_modules/dcs-tasks), by ../consumers/apps.mjs install(); once per process. */
async function installConsumers() {
  consumersInstalled ??= import("../consumers/apps.mjs").then((m) => m.install());
  return consumersInstalled;
}

const nextBuilds = new Map();
/**
 * Generates and builds the Next app (tests/consumers/.apps/<name>/): package.json, the example
 * route files verbatim, `extra` files ({ relative path: text }, e.g. a test's own routes), the
 * packed dcs-tasks in its node_modules. Once per process and name; the build is reused when its
 * inputs hash the same. Resolves { dir, ms (0 when reused), reused, logs }.
 */
export function buildNext({ name = "next-proxy", extra = {} } = {}) {
  if (!nextBuilds.has(name)) {
    const p = doBuildNext(name, extra);
    p.catch(() => nextBuilds.delete(name));
    nextBuilds.set(name, p);
  }
  return nextBuilds.get(name);
}

async function doBuildNext(name, extra) {
  const pkgDir = await installConsumers();
  const appsDir = join(consumersDir, ".apps");
  const dir = join(appsDir, name);
  const files = {
    "package.json": `${JSON.stringify({ name, private: true, scripts: { build: "next build", start: "next start" } }, null, 2)}\n`,
  };
  for (const f of NEXT_EXAMPLES) files[f.replace(/^next\//, "")] = readFileSync(join(root, "edge", f), "utf8");
  Object.assign(files, extra);
  const hash = createHash("sha256");
  for (const [f, text] of Object.entries(files).sort()) hash.update(`${f}\0${text}\0`);
  for (const f of listFiles(pkgDir)) hash.update(`dcs-tasks/${f}\0`).update(readFileSync(join(pkgDir, f)));
  hash.update(readFileSync(join(consumersDir, "node_modules", "next", "package.json")));
  const digest = hash.digest("hex");
  const stamp = join(dir, ".next", "inputs-sha256");
  mkdirSync(appsDir, { recursive: true });
  return withLock(dir, async () => {
    if (existsSync(stamp) && readFileSync(stamp, "utf8") === digest) return { dir, ms: 0, reused: true, logs: [] };
    rmSync(dir, { recursive: true, force: true });
    for (const [f, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, f)), { recursive: true });
      writeFileSync(join(dir, f), text);
    }
    // Its own copy: apps.mjs install() replaces tests/consumers/node_modules/dcs-tasks at every
    // run of the consumer suites, which may run next to this one.
    cpSync(pkgDir, join(dir, "node_modules", "dcs-tasks"), { recursive: true });
    const t0 = performance.now();
    const logs = await run(process.execPath, [join(consumersDir, "node_modules", "next", "dist", "bin", "next"), "build"], {
      cwd: dir, env: processEnv({}, { NEXT_TELEMETRY_DISABLED: "1", NO_COLOR: "1", NODE_ENV: "production", CI: "1" }),
    });
    const ms = performance.now() - t0;
    writeFileSync(stamp, digest);
    return { dir, ms, reused: false, logs };
  });
}

/** `next start` processes, shared by next-node and next-edge: key -> { promise, refs }. */
const nextServers = new Map();

/** Starts (or joins) `next start` for these variables; resolves the runtime's handle. */
async function startNext({ env, port, extra, name, basePath }) {
  const app = extra && Object.keys(extra).length ? `next-proxy-${createHash("sha256").update(JSON.stringify(Object.entries(extra).sort())).digest("hex").slice(0, 8)}` : "next-proxy";
  const key = JSON.stringify([app, port ?? null, Object.entries(env).sort()]);
  let entry = nextServers.get(key);
  if (!entry) {
    const promise = (async () => {
      const build = await buildNext({ name: app, extra });
      const { dir } = build;
      const p = port ?? await freePort();
      const origin = `http://127.0.0.1:${p}/`;
      const s = await spawnServer({
        label: `next start (${name})`, cmd: process.execPath, cwd: dir, url: `${origin}${basePath.slice(1)}/`,
        args: [join(consumersDir, "node_modules", "next", "dist", "bin", "next"), "start", "-H", "127.0.0.1", "-p", String(p)],
        env: processEnv(env, { NEXT_TELEMETRY_DISABLED: "1", NO_COLOR: "1", NODE_ENV: "production" }),
      });
      return { ...s, origin, port: p, dir, build: { ms: build.ms, reused: build.reused } };
    })();
    entry = { promise, refs: 0 };
    nextServers.set(key, entry);
    promise.catch(() => nextServers.delete(key));
  }
  entry.refs++;
  let server;
  try {
    server = await entry.promise;
  } catch (e) {
    entry.refs--;
    throw e;
  }
  const url = `${server.origin}${basePath.slice(1)}/`;
  // The first answer of this mount (Next compiles nothing at start, but loads a route's chunks,
  // and the edge sandbox, on its first request).
  const t0 = performance.now();
  const health = await waitHealthy(url, server.child, server.logs, `next start (${name})`, 60000);
  const startMs = entry.refs === 1 ? server.startMs + (performance.now() - t0) : performance.now() - t0;
  let closed = false;
  return {
    url, port: server.port, logs: server.logs, health, startMs, dir: server.dir, build: server.build,
    async close() {
      if (closed) return;
      closed = true;
      if (--entry.refs === 0) {
        nextServers.delete(key);
        await server.close();
      }
    },
  };
}

// ---------------------------------------------------------------------------------------------
// edge-runtime (a Vercel Edge Function)

/** The serve script: runs a bundle in an EdgeRuntime (runServer), with the wasm its `?module`
 * imports name compiled by the host and `process.env` (this process' environment) in the
 * sandbox. argv: bundle.js wasm.json; PORT in the environment. */
const SERVE = `import { EdgeRuntime, runServer } from "edge-runtime";
import { readFileSync } from "node:fs";
const [code, manifest] = [readFileSync(process.argv[2], "utf8"), JSON.parse(readFileSync(process.argv[3], "utf8"))];
const wasmModules = Object.fromEntries(Object.entries(manifest).map(([k, path]) => [k, new WebAssembly.Module(readFileSync(path))]));
const env = { ...process.env };
const runtime = new EdgeRuntime({
  initialCode: code,
  extend: (context) => Object.assign(context, { __wasmModules: wasmModules, process: { env } }),
});
runtime.context.addEventListener?.("error", (e) => console.error("sandbox error:", e?.error ?? e));
const server = await runServer({ runtime, port: Number(process.env.PORT), host: "127.0.0.1" });
console.log("edge-runtime listening on", server.url);
for (const s of ["SIGTERM", "SIGINT"]) process.on(s, () => server.close().finally(() => process.exit(0)));
`;

/** esbuild: `*.wasm?module` -> the Module the host compiled (globalThis.__wasmModules[name]),
 * names and files recorded in `manifest`. */
const wasmModulePlugin = (manifest) => ({
  name: "wasm-module",
  setup(b) {
    b.onResolve({ filter: /\.wasm\?module$/ }, (a) => {
      const file = resolve(a.resolveDir, a.path.replace(/\?module$/, ""));
      manifest[basename(file)] = file;
      return { path: basename(file), namespace: "wasm-module" };
    });
    b.onLoad({ filter: /.*/, namespace: "wasm-module" }, (a) => ({
      contents: `export default globalThis.__wasmModules[${JSON.stringify(a.path)}];`, loader: "js" }));
  },
});

const edgeBundles = new Map();
/**
 * Bundles an Edge Function for the Edge Runtime into tests/runtimes/.apps/<name>/: `files`
 * ({ relative path: text }) written there, `entry` one of them; dcs-tasks and esbuild resolve from
 * tests/runtimes/node_modules (the packed dcs-tasks: ./runtimes.mjs install()). Once per process
 * and name. Resolves { dir, bundle, manifest, ms }.
 */
export function bundleEdge({ name, files, entry }) {
  if (!edgeBundles.has(name)) {
    const p = (async () => {
      install();
      const dir = join(runtimesDir, ".apps", name);
      rmSync(dir, { recursive: true, force: true });
      for (const [f, text] of Object.entries(files)) {
        mkdirSync(dirname(join(dir, f)), { recursive: true });
        writeFileSync(join(dir, f), text);
      }
      writeFileSync(join(dir, "serve.mjs"), SERVE);
      const esbuild = await import(join(runtimesDir, "node_modules", "esbuild", "lib", "main.js"));
      const manifest = {};
      const t0 = performance.now();
      await esbuild.build({
        entryPoints: [join(dir, entry)], bundle: true, format: "iife", platform: "neutral",
        conditions: ["edge-light"], mainFields: ["module", "main"], outfile: join(dir, "bundle.js"),
        plugins: [wasmModulePlugin(manifest)], logLevel: "warning", absWorkingDir: dir,
      });
      writeFileSync(join(dir, "wasm.json"), JSON.stringify(manifest, null, 2));
      return { dir, bundle: join(dir, "bundle.js"), manifest, ms: performance.now() - t0 };
    })();
    p.catch(() => edgeBundles.delete(name));
    edgeBundles.set(name, p);
  }
  return edgeBundles.get(name);
}

/** Serves a bundle of bundleEdge() (its own process); `basePath` is where healthz is waited for
 * ("" for a script that is no proxy: then no wait but for the listening line). */
export async function serveEdge({ bundle, env, port, basePath, label = "edge-runtime" }) {
  port ??= await freePort();
  const origin = `http://127.0.0.1:${port}/`;
  const url = `${origin}${basePath ? `${basePath.slice(1)}/` : ""}`;
  const s = await spawnServer({
    label, cmd: process.execPath, cwd: bundle.dir, url,
    args: [join(bundle.dir, "serve.mjs"), bundle.bundle, join(bundle.dir, "wasm.json")],
    env: processEnv(env, { PORT: String(port) }),
  });
  return { url, origin, port, logs: s.logs, health: s.health, startMs: s.startMs, close: s.close };
}

/** The Vercel Edge Function example behind the fetch-event wrapper, bundled. */
export function bundleVercelExample() {
  return bundleEdge({
    name: "edge-runtime",
    entry: "entry.js",
    files: {
      [VERCEL_EXAMPLE]: readFileSync(join(root, "edge", VERCEL_EXAMPLE), "utf8"),
      "entry.js": `import handler from "./${VERCEL_EXAMPLE}";\naddEventListener("fetch", (event) => event.respondWith(handler(event.request)));\n`,
    },
  });
}

export const vercelRuntimes = [
  {
    name: "next-node",
    basePath: "/dcs",
    /** `extra`: more files for the app (a test's own routes): another app folder and build. */
    start: ({ env, port, extra }) => startNext({ env, port, extra, name: "next-node", basePath: "/dcs" }),
  },
  {
    name: "next-edge",
    basePath: "/dcs-edge",
    start: ({ env, port, extra }) => startNext({ env, port, extra, name: "next-edge", basePath: "/dcs-edge" }),
  },
  {
    name: "edge-runtime",
    basePath: "/api/dcs",
    async start({ env, port }) {
      const bundle = await bundleVercelExample();
      return serveEdge({ bundle, env, port, basePath: "/api/dcs" });
    },
  },
];
