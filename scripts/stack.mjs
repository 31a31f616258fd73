// Starts the demo stack: the mock DCS server (unless real credentials are given) and
// real workerd running the edge proxy (edge/worker.js + pkg/) with the www/ page and
// pkg/ served from the same origin. Used by `make demo` (scripts/demo.mjs) and the tests.
import { spawn } from "node:child_process";
import { cpSync, mkdirSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { join, resolve, relative } from "node:path";
import { startMock, DEFAULT_PROJECT_ID, DEFAULT_CREDENTIALS } from "../tests/mock-dcs/server.mjs";

export const root = resolve(new URL("..", import.meta.url).pathname);

/** The instance the demo page opens on (the mock generates tasks for any ID). */
export const DEMO_INSTANCE = "3e5c8b1a-1111-2222-3333-444455556666";

/** The proxy's variables a stack passes on (by name: workerd reads them from its environment). */
export const PROXY_VARS = [
  "HUAWEICLOUD_SDK_AK", "HUAWEICLOUD_SDK_SK", "HUAWEICLOUD_SDK_SECURITY_TOKEN", "DCS_AUTH_TOKEN",
  "HUAWEICLOUD_SDK_PROJECT_ID", "DCS_REGION", "DCS_ENDPOINT", "ALLOWED_ORIGINS", "PROXY_TOKEN",
  "ALLOWED_INSTANCES", "ENABLE_DELETE", "DEMO_INSTANCE", "UPSTREAM_TIMEOUT_MS", "MAX_UPSTREAM_BYTES", "PUBLIC_ACCESS",
  "TRUST_LOOPBACK", "PROXY_BASE_PATH", "PROXY_IGNORE_QUERY", "REQUEST_TIMEOUT_MS", "MAX_REQUEST_BYTES",
  "ALERT_WEBHOOKS", "ALERT_FEISHU_SECRET", "ALERT_DINGTALK_SECRET", "ALERT_STUCK_AFTER", "ALERT_EVERY",
  "UPSTREAM_SHARE_MS",
];

/** A Workers KV namespace for the WATCHDOG binding, kept in the memory of workerd (the local
 * stand-in for Cloudflare's KV service: workerd turns the binding's get/put into these requests). */
const KV_WORKER = `const kept = new Map();
export default {
  async fetch(request) {
    const key = decodeURIComponent(new URL(request.url).pathname.slice(1));
    if (request.method === "GET") return kept.has(key) ? new Response(kept.get(key)) : new Response(null, { status: 404 });
    if (request.method === "PUT") { kept.set(key, await request.text()); return new Response(null); }
    if (request.method === "DELETE") { kept.delete(key); return new Response(null); }
    return new Response(null, { status: 405 });
  },
};
`;

/** The Cron Trigger's stand-in: a twin of the proxy's worker (the same modules and bindings)
 * whose requests each run edge/worker.js's \`scheduled\` handler once, as a Cron Trigger would,
 * and answer when its \`waitUntil\` work is done. */
const CRON_WORKER = `import worker from "worker.js";
export default {
  async fetch(request, env) {
    const at = Number(new URL(request.url).searchParams.get("at")) || Date.now();
    const waits = [];
    const ctx = { waitUntil: (p) => waits.push(p), passThroughOnException() {} };
    try {
      await worker.scheduled({ scheduledTime: at, cron: "*/5 * * * *", noRetry() {} }, env, ctx);
      await Promise.all(waits);
      return Response.json({ outcome: "ok" });
    } catch (e) {
      return Response.json({ outcome: "exception", message: String(e?.message ?? e) });
    }
  },
};
`;

/** True when the environment names a real DCS: AK, SK, project and a region or endpoint. */
export function realDcsConfigured(env = process.env) {
  return Boolean(env.HUAWEICLOUD_SDK_AK && env.HUAWEICLOUD_SDK_SK && env.HUAWEICLOUD_SDK_PROJECT_ID
    && (env.DCS_REGION || env.DCS_ENDPOINT));
}

/** Copies www/ and pkg/ (as www's /pkg/) into build/site, the folder workerd serves. */
export function assembleSite() {
  const site = join(root, "build", "site");
  rmSync(site, { recursive: true, force: true });
  mkdirSync(site, { recursive: true });
  if (existsSync(join(root, "www"))) cpSync(join(root, "www"), site, { recursive: true });
  cpSync(join(root, "pkg"), join(site, "pkg"), { recursive: true });
  return site;
}

/** Writes the workerd config: `modules` ({ name, path, wasm? }, embedded relative to the config
 * file), the variables passed by name (fromEnvironment), never written; `site` served as the
 * ASSETS binding; outbound fetches to public and local addresses. Returns the config's path. */
export function writeWorkerdConfig({ port, host = "127.0.0.1", varNames, dir, site, modules, cronPort }) {
  const q = JSON.stringify;
  const bindings = varNames.map((v) => `    (name = ${q(v)}, fromEnvironment = ${q(v)}),`);
  bindings.push(`    (name = "ASSETS", service = "site"),`);
  // the watchdog: its KV namespace, and (cronPort) a socket that runs the scheduled handler
  bindings.push(`    (name = "WATCHDOG", kvNamespace = "kv"),`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "kv.js"), KV_WORKER);
  writeFileSync(join(dir, "cron.js"), CRON_WORKER);
  const embed = (m) => `    (name = ${q(m.name)}, ${m.wasm ? "wasm" : "esModule"} = embed ${q(relative(dir, m.path))}),`;
  // The Cron Trigger's stand-in only where a stack asks for it (a second isolate of the proxy).
  const cron = cronPort
    ? {
      socket: `,\n    (name = "cron", address = ${q(`${host}:${cronPort}`)}, http = (), service = "cron")`,
      service: `\n    (name = "cron", worker = .cron),`,
      worker: `
const cron :Workerd.Worker = (
  modules = [
    (name = "cron.js", esModule = embed "cron.js"),
${modules.map(embed).join("\n")}
  ],
  compatibilityDate = "2025-01-01",
  bindings = [
${bindings.join("\n")}
  ],
  globalOutbound = "upstream",
);
`,
    }
    : { socket: "", service: "", worker: "" };
  const config = `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "main", worker = .proxy),
    (name = "site", disk = (path = ${q(site)}, writable = false)),
    (name = "upstream", network = (allow = ["public", "local"], tlsOptions = (trustBrowserCas = true))),
    (name = "kv", worker = (modules = [(name = "kv.js", esModule = embed "kv.js")], compatibilityDate = "2025-01-01")),${cron.service}
  ],
  sockets = [ (name = "http", address = ${q(`${host}:${port}`)}, http = (), service = "main")${cron.socket} ],
);

const proxy :Workerd.Worker = (
  modules = [
${modules.map(embed).join("\n")}
  ],
  compatibilityDate = "2025-01-01",
  bindings = [
${bindings.join("\n")}
  ],
  globalOutbound = "upstream",
);
${cron.worker}`;
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "config.capnp");
  writeFileSync(file, config);
  return file;
}

/** Waits until /healthz answers; returns its status (500 when the configuration is refused). */
async function waitHealthy(url, child, ms = 20000) {
  const deadline = Date.now() + ms;
  let last;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`workerd exited with code ${child.exitCode}`);
    try {
      const r = await fetch(url + "healthz");
      await r.arrayBuffer();
      if (r.status === 200 || r.status === 500) return r.status;
      last = r.status;
    } catch (e) {
      last = e.message;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`workerd did not answer ${url}healthz within ${ms} ms (last: ${last})`);
}

/**
 * Starts the stack. Options: port (8787; 0 picks a free one), host, env (proxy variables;
 * defaults: the mock's credentials), mock (options for startMock, or false for real DCS),
 * logs (array collecting workerd's output lines), quiet, worker (another main module than
 * edge/worker.js, for tests), modules (more modules: { name, path, wasm? }), cron (the Cron
 * Trigger's stand-in, on by itself with ALERT_WEBHOOKS) and
 * allowConfigError (tests of the proxy's 500 CONFIG_ERROR answers). A configuration the proxy
 * refuses stops the stack at start: the error names the variable (from the proxy's own log
 * line, so the rule lives in one place), never its value.
 * Returns { url, mock, child, logs, close(), scheduled(at?) } (scheduled: the worker's `scheduled`
 * handler run once, as the Cron Trigger of edge/wrangler.toml would).
 */
export async function startStack(opts = {}) {
  const host = opts.host ?? "127.0.0.1";
  const port = opts.port === 0 ? await freePort(host) : (opts.port ?? 8787);
  const useReal = opts.mock === false;
  let mock = null;
  const env = {};
  if (useReal) {
    for (const v of PROXY_VARS) if (process.env[v] !== undefined) env[v] = process.env[v];
    env.DEMO_INSTANCE ??= process.env.DEMO_INSTANCE;
  } else {
    mock = await startMock({ port: 0, cors: false, ...(opts.mock || {}) });
    Object.assign(env, {
      HUAWEICLOUD_SDK_AK: DEFAULT_CREDENTIALS[0].ak,
      HUAWEICLOUD_SDK_SK: DEFAULT_CREDENTIALS[0].sk,
      HUAWEICLOUD_SDK_PROJECT_ID: DEFAULT_PROJECT_ID,
      DCS_ENDPOINT: mock.url,
      DEMO_INSTANCE,
      // A developer's stack on 127.0.0.1: loopback callers need no token (edge/README.md).
      TRUST_LOOPBACK: "true",
    });
  }
  Object.assign(env, opts.env || {});
  for (const k of Object.keys(env)) if (env[k] === undefined || env[k] === null) delete env[k];
  assembleSite();
  const dir = join(root, "build", "workerd", String(port));
  const varNames = PROXY_VARS.filter((v) => v in env);
  // The Cron Trigger's stand-in (scheduled()) for stacks that run the watchdog.
  const cronPort = env.ALERT_WEBHOOKS || opts.cron ? await freePort(host) : null;
  const config = writeWorkerdConfig({ port, host, varNames, dir, cronPort, site: join(root, "build", "site"), modules: [
    { name: "worker.js", path: opts.worker ?? join(root, "edge", "worker.js") },
    ...(opts.modules ?? []),
    { name: "dcs-tasks/proxy", path: join(root, "pkg", "proxy.js") },
    { name: "dcs-tasks/dcs_tasks_proxy.js", path: join(root, "pkg", "dcs_tasks_proxy.js") },
    { name: "dcs-tasks/proxy-watch.js", path: join(root, "pkg", "proxy-watch.js") },
    { name: "dcs-tasks/dcs_tasks_proxy_bg.wasm", path: join(root, "pkg", "dcs_tasks_proxy_bg.wasm"), wasm: true },
  ] });
  const logs = opts.logs ?? [];
  const childEnv = { PATH: process.env.PATH, HOME: process.env.HOME, ...env };
  const child = spawn(join(root, "node_modules", ".bin", "workerd"), ["serve", config, "--verbose"], {
    env: childEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const collect = (stream) => {
    let buf = "";
    stream.on("data", (d) => {
      buf += d;
      let i;
      while ((i = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        logs.push(line);
        if (!opts.quiet) process.stderr.write(line + "\n");
      }
    });
  };
  collect(child.stdout);
  collect(child.stderr);
  const url = `http://${host}:${port}/`;
  const close = async () => {
    if (child.exitCode === null) {
      child.kill("SIGTERM");
      await new Promise((r) => {
        const t = setTimeout(() => { child.kill("SIGKILL"); r(); }, 3000);
        child.once("exit", () => { clearTimeout(t); r(); });
      });
    }
    if (mock) await mock.close();
  };
  try {
    const status = await waitHealthy(url, child);
    if (status === 500 && !opts.allowConfigError) throw new Error(configProblem(logs));
  } catch (e) {
    await close();
    throw e;
  }
  /** Runs the worker's scheduled handler once (as a Cron Trigger would, at `at` ms); its outcome. */
  const scheduled = async (at = Date.now()) => {
    if (!cronPort) throw new Error("this stack has no Cron Trigger stand-in: start it with ALERT_WEBHOOKS or cron: true");
    return (await fetch(`http://${host}:${cronPort}/?at=${at}`)).json();
  };
  return { url, port, mock, child, logs, env, close, scheduled };
}

/** What the proxy logged for its CONFIG_ERROR: `<VARIABLE> <what is wrong>` (never the value). */
function configProblem(logs) {
  for (const l of logs) {
    if (!l.startsWith("{") || !l.includes("CONFIG_ERROR")) continue;
    try {
      const o = JSON.parse(l);
      if (o.code === "CONFIG_ERROR" && o.note) return `the proxy refuses its configuration: ${o.note}`;
    } catch {
      // not the proxy's log line
    }
  }
  return "the proxy refuses its configuration (500 CONFIG_ERROR; see its log)";
}

export async function freePort(host = "127.0.0.1") {
  const net = await import("node:net");
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, host, () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}
