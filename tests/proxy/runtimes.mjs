// The runtimes the edge proxy is tested on (tests/proxy/conformance.test.mjs) and the package
// beyond the machine's Node (tests/pkg/runtimes.test.mjs). Each entry starts one of the
// examples of edge/ EXACTLY as written: the files are copied verbatim into
// tests/runtimes/.apps/<name>/, where `dcs-tasks` (the freshly packed pkg/, see install()),
// `@hono/node-server` and `hono` resolve from tests/runtimes/node_modules (installed by
// `scripts/ensure-tools.sh runtimes`). The proxy's variables go in the process environment
// (workerd: bindings fromEnvironment, as scripts/stack.mjs writes them), with HOST=127.0.0.1
// and a free PORT; start() resolves once /healthz answers (200, or 500 when the proxy refuses
// its configuration).
//
// A runtime that is missing throws: nothing here skips.
//
// To add a runtime: an entry in RUNTIMES, `{ name, start({ env, port }) }` resolving
// `{ url, port, logs, startMs, close() }`; spawnServer() and waitHealthy() do the common part.
import { spawn, execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync, accessSync, constants } from "node:fs";
import { createHash } from "node:crypto";
import { join, relative, resolve } from "node:path";
import { freePort, PROXY_VARS, writeWorkerdConfig } from "../../scripts/stack.mjs";

export const root = resolve(new URL("../..", import.meta.url).pathname);
/** tests/runtimes: its package.json pins the runtimes; node_modules holds them and dcs-tasks. */
export const runtimesDir = join(root, "tests", "runtimes");
export const modulesDir = join(runtimesDir, "node_modules");
/** Where the examples are copied and the tarball packed (git-ignored). */
export const appsDir = join(runtimesDir, ".apps");
/** The static files the runtimes serve (ASSETS_DIR; workerd's disk service): www/ + pkg/ at /pkg/. */
export const siteDir = join(appsDir, "site");

/** The binaries, by runtime. A missing one is an error naming how to install it. */
export const BIN = {
  node20: "/usr/bin/node",
  node22: join(modulesDir, "node22", "bin", "node"),
  node24: join(modulesDir, "node24", "bin", "node"),
  bun: join(modulesDir, ".bin", "bun"),
  deno: join(root, "node_modules", ".bin", "deno"),
  workerd: join(root, "node_modules", ".bin", "workerd"),
  // wrangler's own workerd (what `wrangler dev` runs), for the bundle wrangler made.
  wranglerWorkerd: join(modulesDir, "workerd", "bin", "workerd"),
  wrangler: join(modulesDir, "wrangler", "bin", "wrangler.js"),
};

export function requireBin(path) {
  try {
    accessSync(path, constants.X_OK);
  } catch {
    throw new Error(`missing runtime binary ${path}: run scripts/ensure-tools.sh runtimes (or make tools)`);
  }
  return path;
}

let installed = null;
/**
 * Packs pkg/ (npm pack) into tests/runtimes/.apps/ and extracts it into
 * tests/runtimes/node_modules/dcs-tasks, once per process. The folder is replaced only when the
 * tarball differs from the one installed (its SHA-256 kept in the folder): the proxy and the
 * package suites may run in parallel processes, and one must not pull the package from under
 * the other's servers. Returns the package's folder.
 */
export function install() {
  if (installed) return installed;
  if (!existsSync(join(modulesDir, ".package-lock.json"))) {
    throw new Error(`${modulesDir} is not installed: run scripts/ensure-tools.sh runtimes (or make tools)`);
  }
  const packDir = join(appsDir, `pack-${process.pid}`);
  rmSync(packDir, { recursive: true, force: true });
  mkdirSync(packDir, { recursive: true });
  try {
    const tgz = join(packDir, execFileSync("npm", ["pack", "--silent", "--pack-destination", packDir], {
      cwd: join(root, "pkg"), encoding: "utf8" }).trim().split("\n").pop());
    const sha = createHash("sha256").update(readFileSync(tgz)).digest("hex");
    const dest = join(modulesDir, "dcs-tasks");
    const marker = join(dest, ".packed-sha256");
    if (!existsSync(marker) || readFileSync(marker, "utf8") !== sha) {
      const tmp = join(packDir, "dcs-tasks");
      mkdirSync(tmp, { recursive: true });
      execFileSync("tar", ["xzf", tgz, "-C", tmp, "--strip-components=1"]);
      writeFileSync(join(tmp, ".packed-sha256"), sha);
      rmSync(dest, { recursive: true, force: true });
      renameSync(tmp, dest);
    }
    installed = dest;
    return dest;
  } finally {
    rmSync(packDir, { recursive: true, force: true });
  }
}

let siteReady = false;
/** www/ + pkg/ (as /pkg/) in siteDir, what scripts/stack.mjs assembleSite() puts in build/site;
 * a folder of our own because the other proxy suites rebuild build/site (rm, then copy) at every
 * start, in parallel processes. Once per process. */
export function site() {
  if (siteReady) return siteDir;
  rmSync(siteDir, { recursive: true, force: true });
  mkdirSync(siteDir, { recursive: true });
  cpSync(join(root, "www"), siteDir, { recursive: true });
  cpSync(join(root, "pkg"), join(siteDir, "pkg"), { recursive: true });
  siteReady = true;
  return siteDir;
}

/** Copies files of edge/ verbatim into tests/runtimes/.apps/<name>/ (fresh); returns the folder. */
export function copyApp(name, files) {
  const dir = join(appsDir, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const f of files) cpSync(join(root, "edge", f), join(dir, f.split("/").pop()), { recursive: true });
  return dir;
}

/** Collects a stream's lines into `logs`. */
export function collect(stream, logs) {
  let buf = "";
  stream.on("data", (d) => {
    buf += d;
    let i;
    while ((i = buf.indexOf("\n")) >= 0) {
      logs.push(buf.slice(0, i));
      buf = buf.slice(i + 1);
    }
  });
  stream.on("end", () => { if (buf) logs.push(buf); });
}

/** Waits until <base>/healthz answers 200 or 500; returns that status. */
export async function waitHealthy(url, child, logs, label, ms = 30000, base = "") {
  const deadline = Date.now() + ms;
  let last;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${label} exited (${child.exitCode ?? child.signalCode}) before answering; output:\n${logs.slice(-20).join("\n")}`);
    }
    try {
      const r = await fetch(`${url}${base}healthz`);
      await r.arrayBuffer();
      if (r.status === 200 || r.status === 500) return r.status;
      last = r.status;
    } catch (e) {
      last = e.cause?.code ?? e.message;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`${label} did not answer ${url}healthz within ${ms} ms (last: ${last}); output:\n${logs.slice(-20).join("\n")}`);
}

/**
 * Spawns `cmd` in its own process group (close() ends whatever it started, SIGKILL after 3 s),
 * its output collected line by line. Returns { child, logs, t0, close }.
 */
export function spawnGroup(cmd, args, { cwd, env }) {
  const logs = [];
  const t0 = performance.now();
  const child = spawn(cmd, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  collect(child.stdout, logs);
  collect(child.stderr, logs);
  const exited = new Promise((r) => child.once("exit", r));
  child.on("error", (e) => logs.push(`spawn error: ${e.message}`));
  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      try { process.kill(-child.pid, "SIGTERM"); } catch { /* gone */ }
      const t = setTimeout(() => { try { process.kill(-child.pid, "SIGKILL"); } catch { /* gone */ } }, 3000);
      await exited;
      clearTimeout(t);
    }
  };
  return { child, logs, t0, close };
}

/**
 * Spawns a server (its own process group, so that close() ends whatever it started), collects
 * its output, waits for /healthz. `env` is the whole environment of the process.
 */
export async function spawnServer({ label, cmd, args, cwd, env, port, host = "127.0.0.1" }) {
  // Mounted under PROXY_BASE_PATH (/dcs): /dcs/healthz.
  const base = (env.PROXY_BASE_PATH || "").replace(/^\/+|\/+$/g, "");
  requireBin(cmd);
  const { child, logs, t0, close } = spawnGroup(cmd, args, { cwd, env });
  const url = `http://${host}:${port}/`;
  let health;
  try {
    health = await waitHealthy(url, child, logs, label, 30000, base ? `${base}/` : "");
  } catch (e) {
    await close();
    throw e;
  }
  return { url, port, logs, health, startMs: performance.now() - t0, child, close };
}

/** The environment of a server process: PATH, HOME, the proxy's variables, HOST and PORT. */
function processEnv(env, port, extra = {}) {
  const out = { PATH: process.env.PATH, HOME: process.env.HOME, ...env, HOST: "127.0.0.1", PORT: String(port), ...extra };
  for (const k of Object.keys(out)) if (out[k] === undefined || out[k] === null) delete out[k];
  return out;
}

async function startWorkerd({ name, bin, modules, env, port }) {
  port ??= await freePort();
  const dir = join(appsDir, name, `config-${port}`);
  const varNames = PROXY_VARS.filter((v) => env[v] !== undefined && env[v] !== null);
  const config = writeWorkerdConfig({ dir, port, varNames, site: site(), modules });
  return spawnServer({ label: name, cmd: bin, args: ["serve", config, "--verbose"], cwd: dir, env: processEnv(env, port), port });
}

/** Node servers (edge/node/server.mjs, verbatim) under a given binary. */
function nodeRuntime(name, bin) {
  return {
    name,
    bin,
    async start({ env, port }) {
      install();
      port ??= await freePort();
      const dir = copyApp(name, ["node/server.mjs"]);
      return spawnServer({ label: name, cmd: bin, args: ["server.mjs"], cwd: dir, port,
        env: processEnv(env, port, { ASSETS_DIR: site() }) });
    },
  };
}

let wranglerBundle = null;
/** `wrangler deploy --dry-run --outdir` over a verbatim copy of edge/ (offline), once per process. */
export function bundleWithWrangler() {
  if (wranglerBundle) return wranglerBundle;
  install();
  const base = join(appsDir, "wrangler");
  rmSync(base, { recursive: true, force: true });
  const edge = join(base, "edge");
  mkdirSync(edge, { recursive: true });
  for (const f of ["worker.js", "wrangler.toml", "package.json"]) cpSync(join(root, "edge", f), join(edge, f));
  // wrangler.toml's [assets] directory is ../build/site: the same relative place in the copy.
  mkdirSync(join(base, "build"), { recursive: true });
  cpSync(site(), join(base, "build", "site"), { recursive: true });
  const out = join(base, "out");
  const t0 = performance.now();
  requireBin(BIN.wrangler);
  const home = join(base, "home");
  mkdirSync(home, { recursive: true });
  execFileSync(process.execPath, [BIN.wrangler, "deploy", "--dry-run", "--outdir", out], {
    cwd: edge,
    stdio: "pipe",
    // Off the network: no metrics, no update check, no account look-up (dry run), a HOME of its own.
    env: { PATH: process.env.PATH, HOME: home, XDG_CONFIG_HOME: join(home, ".config"), CI: "1",
      WRANGLER_SEND_METRICS: "false", WRANGLER_SEND_ERROR_REPORTS: "false", NO_UPDATE_NOTIFIER: "1",
      WRANGLER_LOG: "warn", NO_COLOR: "1" },
  });
  const files = readdirSync(out);
  const wasm = files.filter((f) => f.endsWith(".wasm"));
  if (!files.includes("worker.js") || wasm.length !== 1) throw new Error(`wrangler's bundle: unexpected files ${files.join(", ")}`);
  wranglerBundle = {
    ms: performance.now() - t0,
    modules: [
      { name: "worker.js", path: join(out, "worker.js") },
      { name: wasm[0], path: join(out, wasm[0]), wasm: true },
    ],
  };
  return wranglerBundle;
}

/** The runtimes, in the order the suites run them. Exported: more entries are added elsewhere. */
export const RUNTIMES = [
  {
    name: "workerd",
    bin: BIN.workerd,
    // edge/worker.js with the packed package's workerd entry, as scripts/stack.mjs embeds it.
    async start({ env, port }) {
      const pkg = install();
      const dir = copyApp("workerd", ["worker.js"]);
      return startWorkerd({ name: "workerd", bin: BIN.workerd, env, port, modules: [
        { name: "worker.js", path: join(dir, "worker.js") },
        { name: "dcs-tasks/proxy", path: join(pkg, "proxy.js") },
        { name: "dcs-tasks/dcs_tasks_proxy.js", path: join(pkg, "dcs_tasks_proxy.js") },
        { name: "dcs-tasks/proxy-watch.js", path: join(pkg, "proxy-watch.js") },
        { name: "dcs-tasks/dcs_tasks_proxy_bg.wasm", path: join(pkg, "dcs_tasks_proxy_bg.wasm"), wasm: true },
      ] });
    },
  },
  {
    name: "wrangler",
    bin: BIN.wranglerWorkerd,
    // The bundle `wrangler deploy` would upload, served by wrangler's own workerd.
    async start({ env, port }) {
      const { modules } = bundleWithWrangler();
      return startWorkerd({ name: "wrangler", bin: BIN.wranglerWorkerd, env, port, modules });
    },
  },
  nodeRuntime("node20", BIN.node20),
  nodeRuntime("node22", BIN.node22),
  nodeRuntime("node24", BIN.node24),
  {
    name: "functiongraph",
    bin: BIN.node20,
    // bootstrap (the function's start command) with the code folder and a Node first on PATH;
    // it listens on 0.0.0.0:$PORT.
    async start({ env, port }) {
      install();
      port ??= await freePort("0.0.0.0");
      const dir = copyApp("functiongraph", ["functiongraph/bootstrap", "functiongraph/server.mjs", "functiongraph/package.json"]);
      const nodeDir = join(appsDir, "functiongraph-bin");
      mkdirSync(nodeDir, { recursive: true });
      rmSync(join(nodeDir, "node"), { force: true });
      symlinkSync(requireBin(BIN.node20), join(nodeDir, "node"));
      return spawnServer({ label: "functiongraph", cmd: join(dir, "bootstrap"), args: [], cwd: dir, port,
        env: processEnv(env, port, { RUNTIME_CODE_ROOT: dir, ASSETS_DIR: site(), PATH: `${nodeDir}:${process.env.PATH}` }) });
    },
  },
  {
    name: "deno",
    bin: BIN.deno,
    // Resolves dcs-tasks from node_modules through tests/runtimes/package.json (an ancestor).
    async start({ env, port }) {
      install();
      port ??= await freePort();
      const dir = copyApp("deno", ["deno/server.ts"]);
      return spawnServer({ label: "deno", cmd: BIN.deno, cwd: dir, port,
        args: ["run", "--no-prompt", "--allow-net", "--allow-env", `--allow-read=${site()}`, "server.ts"],
        env: processEnv(env, port, { ASSETS_DIR: site(), DENO_DIR: join(appsDir, "deno-dir"), DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" }) });
    },
  },
  {
    name: "bun",
    bin: BIN.bun,
    async start({ env, port }) {
      install();
      port ??= await freePort();
      const dir = copyApp("bun", ["bun/server.ts"]);
      return spawnServer({ label: "bun", cmd: BIN.bun, args: ["server.ts"], cwd: dir, port,
        env: processEnv(env, port, { ASSETS_DIR: site(), BUN_INSTALL_CACHE_DIR: join(appsDir, "bun-cache") }) });
    },
  },
];

export const runtime = (name) => {
  const r = RUNTIMES.find((x) => x.name === name);
  if (!r) throw new Error(`no runtime ${name}`);
  return r;
};
