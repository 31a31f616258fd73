// Bounded load run through the edge proxy (real workerd) to the mock DCS, and the worker's
// cold start. Prints figures; asserts nothing but the error count (see proxy.test.mjs).
//
//   node tests/proxy/load.mjs [--requests 5000] [--concurrency 50] [--limit 5]
//
// Load: GET /v2/{project}/instances/{id}/tasks?offset=..&limit=.. (mirror list, small pages,
// offsets cycling over the instance's tasks) over keep-alive connections; prints throughput,
// p50/p99/max latency and the error count (any non-200 or socket error).
// Cold start: workerd is stopped and spawned again with the stack's own config and
// environment; prints spawn -> first 200 /healthz, that request's latency and the first
// upstream (mirror list) request's latency.
import http from "node:http";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { root } from "../../scripts/stack.mjs";
import { stack as startTestStack, closeAll, PROJECT } from "./helpers.mjs";

export const LOAD_INSTANCE = "load-n200";

function percentile(sorted, p) {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function get(agent, port, path) {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const r = http.request({ host: "127.0.0.1", port, path, agent }, (res) => {
      let n = 0;
      res.on("data", (c) => { n += c.length; });
      res.on("end", () => resolve({ status: res.statusCode, bytes: n, ms: performance.now() - t0 }));
      res.on("error", (e) => resolve({ status: 0, error: e.message, ms: performance.now() - t0 }));
    });
    r.setTimeout(30000, () => r.destroy(new Error("timeout")));
    r.on("error", (e) => resolve({ status: 0, error: e.message, ms: performance.now() - t0 }));
    r.end();
  });
}

/**
 * Sends `requests` mirror-list requests at `concurrency` through the proxy at `port`.
 * Returns { requests, concurrency, seconds, rps, p50, p99, max, errors, statuses, firstErrors }.
 */
export async function runLoad({ port, requests = 5000, concurrency = 50, limit = 5, instance = LOAD_INSTANCE, taskCount = 200 }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const lat = [];
  const statuses = {};
  const firstErrors = [];
  let errors = 0;
  let next = 0;
  const t0 = performance.now();
  const worker = async () => {
    while (next < requests) {
      const i = next++;
      const offset = (i * limit) % taskCount;
      const r = await get(agent, port, `/v2/${PROJECT}/instances/${instance}/tasks?offset=${offset}&limit=${limit}`);
      lat.push(r.ms);
      statuses[r.status] = (statuses[r.status] || 0) + 1;
      if (r.status !== 200) {
        errors++;
        if (firstErrors.length < 5) firstErrors.push(r.error || `status ${r.status}`);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - t0) / 1000;
  agent.destroy();
  lat.sort((a, b) => a - b);
  return {
    requests, concurrency, seconds, rps: requests / seconds,
    p50: percentile(lat, 50), p99: percentile(lat, 99), max: lat[lat.length - 1],
    errors, statuses, firstErrors,
  };
}

export function formatLoad(r) {
  return `load: ${r.requests} requests at concurrency ${r.concurrency} in ${r.seconds.toFixed(2)} s: `
    + `${r.rps.toFixed(0)} req/s, p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms, `
    + `max ${r.max.toFixed(1)} ms, errors ${r.errors} (statuses ${JSON.stringify(r.statuses)})`;
}

/**
 * Cold start of the worker: stops the stack's workerd and spawns it again with the same
 * config file and environment (the mock keeps running), polling /healthz every 2 ms.
 * Returns { spawnToHealthyMs, firstHealthzMs, firstUpstreamMs }. The stack's `close()`
 * still works afterwards (it closes the mock; the respawned workerd is stopped here).
 */
export async function coldStart(s) {
  await new Promise((r) => {
    if (s.child.exitCode !== null) return r();
    s.child.once("exit", r);
    s.child.kill("SIGTERM");
  });
  const config = join(root, "build", "workerd", String(s.port), "config.capnp");
  const t0 = performance.now();
  const child = spawn(join(root, "node_modules", ".bin", "workerd"), ["serve", config], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...s.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const out = [];
  child.stdout.on("data", (d) => out.push(String(d)));
  child.stderr.on("data", (d) => out.push(String(d)));
  const agent = new http.Agent({ keepAlive: false });
  let firstHealthzMs;
  let spawnToHealthyMs;
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`workerd exited: ${out.join("")}`);
      if (performance.now() - t0 > 20000) throw new Error("workerd not healthy within 20 s");
      const r = await get(agent, s.port, "/healthz");
      if (r.status === 200) {
        spawnToHealthyMs = performance.now() - t0;
        firstHealthzMs = r.ms;
        break;
      }
      await new Promise((res) => setTimeout(res, 2));
    }
    const up = await get(agent, s.port, `/v2/${PROJECT}/instances/${LOAD_INSTANCE}/tasks?limit=5`);
    if (up.status !== 200) throw new Error(`first upstream request: status ${up.status}`);
    return { spawnToHealthyMs, firstHealthzMs, firstUpstreamMs: up.ms };
  } finally {
    s.logs.push(...out.join("").split("\n").filter(Boolean));
    await new Promise((r) => {
      if (child.exitCode !== null) return r();
      child.once("exit", r);
      child.kill("SIGTERM");
    });
  }
}

export function formatColdStart(c, startStackMs) {
  return `cold start: spawn -> first 200 /healthz ${c.spawnToHealthyMs.toFixed(0)} ms `
    + `(that request ${c.firstHealthzMs.toFixed(1)} ms); first upstream request ${c.firstUpstreamMs.toFixed(1)} ms`
    + (startStackMs !== undefined ? `; startStack() incl. mock and site copy ${startStackMs.toFixed(0)} ms` : "");
}

async function main() {
  const args = process.argv.slice(2);
  const opt = (name, d) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? Number(args[i + 1]) : d;
  };
  const s = await startTestStack();
  try {
    // Warm-up, not counted.
    await runLoad({ port: s.port, requests: 200, concurrency: 10 });
    const r = await runLoad({
      port: s.port, requests: opt("requests", 5000), concurrency: opt("concurrency", 50), limit: opt("limit", 5),
    });
    console.log(formatLoad(r));
    if (r.firstErrors.length) console.log(`first errors: ${r.firstErrors.join("; ")}`);
    const c = await coldStart(s);
    console.log(formatColdStart(c, s.startMs));
    process.exitCode = r.errors === 0 ? 0 : 1;
  } finally {
    await closeAll();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
