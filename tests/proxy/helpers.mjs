// Helpers of the edge proxy tests: stacks (mock DCS + real workerd, scripts/stack.mjs),
// a raw HTTP client that sends the request target verbatim, mock counters, and the
// collection of everything the run saw (responses, workerd and mock logs) for the
// final secret grep.
import http from "node:http";
import net from "node:net";
import { startStack } from "../../scripts/stack.mjs";
import { DEFAULT_PROJECT_ID, DEFAULT_CREDENTIALS } from "../mock-dcs/server.mjs";

export { DEFAULT_PROJECT_ID, DEFAULT_CREDENTIALS };
export const PROJECT = DEFAULT_PROJECT_ID;
export const SK = DEFAULT_CREDENTIALS[0].sk; // SKSKSK... (the public test pair)
export const PROXY_TOKEN = "proxy-token-Pq7Xv2Lm9Rt4Wz8K";
export const DCS_AUTH_TOKEN = "iam-token-Mk3Jd8Ss0Qw5Ee2Rr7Tt";
export const SECURITY_TOKEN = "sts-token-Hh6Gg1Ff4Dd9Cc3Bb0Aa";
export const ALLOWED_ORIGIN = "https://console.example.com";
export const FOREIGN_ORIGIN = "https://evil.example.com";
/** Test-only token the mock accepts, so the tests can ask the mock directly. */
export const MOCK_DIRECT_TOKEN = "direct-mock-token-for-tests-only";
export const mirrorBase = (project = PROJECT) => `/v2/${project}/instances`;

/** Every response (status line, headers, body) and log line seen during the run. */
export const collected = [];
const stacks = [];

/**
 * Starts a stack (quiet, free port) and remembers it: its workerd log and the mock's
 * request log are collected for the secret grep. `mock` options are passed to startMock.
 */
export async function stack({ env = {}, mock = {}, allowConfigError = false } = {}) {
  const mockLines = [];
  const logs = [];
  const t0 = performance.now();
  let s;
  try {
    s = await startStack({
      port: 0,
      env,
      mock: { tokens: [MOCK_DIRECT_TOKEN], log: (l) => mockLines.push(l), ...mock },
      logs,
      quiet: true,
      allowConfigError,
    });
  } catch (e) {
    collected.push(...logs.map((l) => `[workerd] ${l}`));
    e.message += `\nworkerd output:\n${logs.slice(-15).join("\n")}`;
    throw e;
  }
  s.startMs = performance.now() - t0;
  s.mockLines = mockLines;
  stacks.push(s);
  return s;
}

/** Stops a stack (workerd, then the mock) and keeps its logs for the secret grep. */
export async function close(s) {
  const i = stacks.indexOf(s);
  if (i < 0) return;
  stacks.splice(i, 1);
  await s.close();
  collected.push(...s.logs.map((l) => `[workerd] ${l}`), ...s.mockLines.map((l) => `[mock] ${l}`));
}

export async function closeAll() {
  for (const s of [...stacks]) await close(s);
}

/** Snapshot of the mock's counters (control endpoint, not counted itself). */
export async function mockStats(s) {
  const r = await fetch(`${s.mock.url}/__mock/stats`);
  return r.json();
}

/**
 * One HTTP/1.1 request with the target sent verbatim (node:http does not normalize `path`).
 * Resolves { status, headers, body (string), buf, ms }. Everything is recorded in `collected`.
 */
export function req(s, target, { method = "GET", headers = {}, timeoutMs = 20000, port } = {}) {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const r = http.request(
      { host: "127.0.0.1", port: port ?? s.port, method, path: target, headers, agent: false, insecureHTTPParser: false },
      (res) => {
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => {
          const buf = Buffer.concat(chunks);
          const out = { status: res.statusCode, headers: res.headers, buf, body: buf.toString("utf8"), ms: performance.now() - t0 };
          record(method, target, out);
          resolve(out);
        });
        res.on("error", reject);
      },
    );
    r.setTimeout(timeoutMs, () => r.destroy(new Error(`timeout after ${timeoutMs} ms: ${method} ${target.slice(0, 100)}`)));
    r.on("error", reject);
    r.end();
  });
}

/**
 * Raw bytes over a socket, for request targets node:http refuses to send. Returns
 * { status, head, body } (the server closes: Connection: close).
 */
export function rawSocket(port, text, timeoutMs = 5000) {
  return new Promise((resolve, reject) => {
    const c = net.connect(port, "127.0.0.1");
    const chunks = [];
    const t = setTimeout(() => c.destroy(), timeoutMs);
    c.on("data", (d) => chunks.push(d));
    c.on("close", () => {
      clearTimeout(t);
      const all = Buffer.concat(chunks).toString("latin1");
      const i = all.indexOf("\r\n\r\n");
      const head = i >= 0 ? all.slice(0, i) : all;
      const out = { status: Number(head.split(" ")[1]) || 0, head, body: i >= 0 ? all.slice(i + 4) : "" };
      collected.push(`[raw] ${JSON.stringify(text.slice(0, 200))} -> ${all}`);
      resolve(out);
    });
    c.on("error", reject);
    c.write(text);
  });
}

function record(method, target, r) {
  const h = Object.entries(r.headers).map(([k, v]) => `${k}: ${v}`).join("\n");
  const body = (r.headers["content-type"] || "").includes("wasm") ? "[wasm]" : r.body;
  collected.push(`[response] ${method} ${target.slice(0, 200)} -> ${r.status}\n${h}\n\n${body}`);
}

export function json(r) {
  try {
    return JSON.parse(r.body);
  } catch {
    throw new Error(`not JSON (status ${r.status}): ${r.body.slice(0, 300)}`);
  }
}

/** Asserts an error body of the proxy's own: JSON {code, message, requestId?} and nothing else. */
export function errorBody(r, assert, { status, code } = {}) {
  if (status !== undefined) assert.equal(r.status, status, `status of ${r.body.slice(0, 300)}`);
  assert.match(r.headers["content-type"] || "", /^application\/json/);
  const b = json(r);
  assert.equal(typeof b.code, "string");
  assert.equal(typeof b.message, "string");
  if ("requestId" in b) assert.equal(typeof b.requestId, "string");
  for (const k of Object.keys(b)) assert.ok(["code", "message", "requestId"].includes(k), `unexpected key ${k}`);
  if (code !== undefined) assert.equal(b.code, code, b.message);
  return b;
}

/** Asks the mock directly (with the test token), bypassing the proxy. */
export async function direct(s, target) {
  const r = await fetch(s.mock.url + target, { headers: { "X-Auth-Token": MOCK_DIRECT_TOKEN } });
  return { status: r.status, headers: Object.fromEntries(r.headers), body: await r.text() };
}

/** The mock's log line for a request ID (`<iso> <rid> <METHOD> <path?query> -> <status> ...`). */
export function mockLine(s, rid) {
  return s.mockLines.find((l) => l.split(" ")[1] === rid);
}

/** Recursively lists an object's keys (for camelCase checks). */
export function allKeys(v, out = []) {
  if (Array.isArray(v)) v.forEach((x) => allKeys(x, out));
  else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) { out.push(k); allKeys(x, out); }
  return out;
}

/** A loopback port nobody listens on. */
export async function closedPort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}
