// One proxy conformance suite, run against every runtime of runtimes.mjs (workerd, wrangler's
// bundle in workerd, Node 20/22/24, FunctionGraph's bootstrap, Deno, Bun) and of
// runtimes-vercel.mjs (Next.js nodejs and edge route handlers, a Vercel Edge Function in
// edge-runtime), each starting the example of edge/ verbatim in front of the mock DCS. The same
// requests, the same expected answers (what workerd answers, as tests/proxy/proxy.test.mjs pins
// them); every answer is also fingerprinted (status, code, key headers, body) and each runtime's
// fingerprints are compared with workerd's at the end, so that any difference is named. Two
// starts per runtime:
//   A "secured": AK/SK upstream, PROXY_TOKEN (no TRUST_LOOPBACK), ALLOWED_ORIGINS,
//     ALLOWED_INSTANCES, no delete; the Vercel family mounted by its example (rt.basePath), every
//     target sent under the mount (s.prefix, in req); next-node and next-edge share one
//     `next start` (and one mock);
//   B "mounted": PROXY_BASE_PATH=/dcs (the Vercel family: its example's mount),
//     PROXY_IGNORE_QUERY=path, TRUST_LOOPBACK, ENABLE_DELETE; its mock is stopped at the end
//     (upstream down).
// What a framework answers itself by design (static files, Next's redirects and 404 page...) is
// declared in FRAMEWORK, skipped for that runtime only, and printed.
// A missing runtime fails (its `before` throws), never skips. See README.md in this folder.
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { startMock } from "../mock-dcs/server.mjs";
import {
  PROJECT, SK, PROXY_TOKEN, MOCK_DIRECT_TOKEN, ALLOWED_ORIGIN, FOREIGN_ORIGIN, DEFAULT_CREDENTIALS,
  collected, mockStats, req as rawReq, json, errorBody, direct, mockLine, allKeys, mirrorBase,
} from "./helpers.mjs";
import { RUNTIMES, install, root } from "./runtimes.mjs";
import { vercelRuntimes } from "./runtimes-vercel.mjs";

const M = mirrorBase();
const INST = "conf-main-n57";
const ALL = "conf-all-n2345";
const OTHER = "conf-other-n5";
const DEMO = "3e5c8b1a-1111-2222-3333-444455556666";
const API_CSP = "default-src 'none'; frame-ancestors 'none'; sandbox";
const bearer = { Authorization: `Bearer ${PROXY_TOKEN}` };
const INDEX = readFileSync(join(root, "www", "index.html"), "utf8");
const WASM = readFileSync(join(root, "pkg", "dcs_tasks_bg.wasm"));

const pkg = install();
const { DcsClient } = await import(join(pkg, "index.js"));

/** Every runtime of the suite: runtimes.mjs's, mounted at the root by the suite, and the Vercel
 * family, mounted by their examples (at rt.basePath: PROXY_BASE_PATH set in the example files). */
const ALL_RUNTIMES = [...RUNTIMES, ...vercelRuntimes];
/** Runtimes that share one server when started with the same variables: next-node and
 * next-edge (one `next start`), started together by the first of them (startStack). */
const SHARED = [["next-node", "next-edge"]];

/**
 * What a framework answers, or adds, itself, by design: per runtime, `labels` ([pattern, why]:
 * the requests its framework answers instead of the proxy) and `vary` (the tokens it puts before
 * the proxy's own in every answer's Vary). THE one place: exactly these labels are skipped for
 * that runtime (its tests skip the requests and their assertions; the comparison with workerd
 * leaves them out and fails on a pattern that skipped nothing), exactly these Vary tokens are
 * taken out of its fingerprints (the proxy's `Origin` is still compared); printed when the
 * suite runs. Everything else must answer as workerd does.
 */
const STATIC = "static files: the framework serves the page and public/ (the route never sees those paths); the proxy runs without ASSETS_DIR there";
const DOTS_OUT = /^static \/(pkg\/\.\.\/\.\.|%2e%2e)\/Cargo\.toml$/;
const DOTS_WHY = "`..` above the mount: the runtime resolves the URL (WHATWG) to a path outside the mount (at the root, on workerd, it stays a static path: 404 `no such file`); there Next answers its HTML 404, the proxy on edge-runtime its 404 `no such route`";
const NEXT = {
  labels: [
    [/^static (\/|wasm|js)$/, STATIC],
    [/^dcs wasm$/, STATIC],
    [/^cors own origin$/, "Next hands the route a URL whose host is `localhost` (it rewrites 127.0.0.1), so the proxy's own origin is http://localhost:PORT: checked with that origin instead, not fingerprinted"],
    [/^(outside .*|GET \/dcs)$/, "Next answers outside its routes, and at the bare mount (no catch-all matches it), with its own HTML 404"],
    [/^(dcs \/|error \/v2\/)$/, "Next redirects a path with a trailing slash (308 to the path without it) before any route"],
    [/^(error \/\/host in the path|error empty segment|target ID with a backslash)$/,
      "Next redirects a path with repeated slashes or a backslash (308 to the path with single slashes) before any route"],
    [/^error encoded & in a value$/, "Next re-serializes the query before the route sees it (`limit=10%26x=1` arrives as `limit=10%26x%3D1`): the same 400 INVALID_REQUEST, but its message quotes the value as Next re-encoded it"],
    [DOTS_OUT, DOTS_WHY],
  ],
  vary: { tokens: ["rsc", "next-router-state-tree", "next-router-prefetch", "next-router-segment-prefetch"],
    why: "Next adds its router's Vary tokens (RSC, Next-Router-*) to every answer of a route handler" },
};
const FRAMEWORK = {
  "next-node": NEXT,
  "next-edge": NEXT,
  "edge-runtime": { labels: [[/^(static (\/|wasm|js)|dcs (\/|wasm))$/, STATIC.replace("the framework", "Vercel")], [DOTS_OUT, DOTS_WHY]] },
};
/** Why the framework answers `label` on runtime `rt` (FRAMEWORK), or undefined. */
function frameworkAnswers(rt, label) {
  return (FRAMEWORK[rt]?.labels || []).find(([re]) => re.test(label))?.[1];
}
/** Per runtime: the labels skipped (for the comparison's check and print). */
const skipped = new Map();
/** True when the framework answers `label` itself on this stack's runtime (FRAMEWORK): the
 * caller skips that request and its assertions. */
function skip(s, label) {
  if (!frameworkAnswers(s.rt, label)) return false;
  if (!skipped.has(s.rt)) skipped.set(s.rt, new Set());
  skipped.get(s.rt).add(label);
  return true;
}
console.log(`framework answers (skipped, not compared with workerd):\n${Object.entries(FRAMEWORK).flatMap(([rt, f]) => [
  ...f.labels.map(([re, why]) => `  ${rt.padEnd(13)} ${re}: ${why}`),
  ...(f.vary ? [`  ${rt.padEnd(13)} Vary: ${f.vary.tokens.join(", ")} taken out: ${f.vary.why}`] : []),
]).join("\n")}`);

/** Per runtime: label -> fingerprint of the answer; start times. */
const prints = new Map();
const timings = [];

/** A request of the suite: the target sent under the stack's prefix (its mount for the Vercel
 * family in the "secured" run, "" otherwise), verbatim. */
const req = (s, target, opts) => rawReq(s, `${s.prefix}${target}`, opts);

/** The parts of an answer every runtime must agree on (the port of the stack normalized). */
const HEADERS = ["content-type", "content-security-policy", "x-content-type-options", "cache-control", "etag",
  "access-control-allow-origin", "access-control-allow-methods", "access-control-allow-headers",
  "access-control-max-age", "access-control-expose-headers", "vary", "www-authenticate", "location", "allow"];
function fingerprint(s, r) {
  const norm = (v) => (typeof v === "string" ? v.split(String(s.port)).join("{port}") : v);
  const h = {};
  for (const k of HEADERS) if (r.headers[k] !== undefined) h[k] = norm(String(r.headers[k]));
  // The framework's own Vary tokens (FRAMEWORK), the proxy's kept.
  const vary = FRAMEWORK[s.rt]?.vary;
  if (vary && h.vary) h.vary = h.vary.split(/,\s*/).filter((t) => !vary.tokens.includes(t.toLowerCase())).join(", ");
  // A redirect within the mount, whatever the mount is called.
  if (s.mount && h.location?.startsWith(s.mount)) h.location = `{mount}${h.location.slice(s.mount.length)}`;
  let body;
  const ct = r.headers["content-type"] || "";
  if (ct.startsWith("application/json")) {
    try {
      const b = JSON.parse(r.body);
      // The code and message of the proxy's errors (upstream request IDs masked); the message
      // of UPSTREAM_UNREACHABLE is the runtime's own network error text, so only its code.
      if (b && typeof b === "object" && typeof b.code === "string") {
        body = b.code === "UPSTREAM_UNREACHABLE" ? b.code
          : norm(JSON.stringify({ code: b.code, message: b.message.replace(/\b[0-9a-f]{32}\b/g, "{requestId}") }));
      }
    } catch { /* hashed below */ }
  }
  body ??= `sha256:${createHash("sha256").update(r.buf).digest("hex").slice(0, 16)} (${r.buf.length} B)`;
  return { status: r.status, headers: h, body };
}

/** A request whose answer is fingerprinted under `label` (unique within the runtime). */
async function rq(s, label, target, opts = {}) {
  assert.ok(!frameworkAnswers(s.rt, label), `${label} is answered by ${s.rt}'s framework: skip(s, label) first`);
  const r = await req(s, target, opts);
  const m = prints.get(s.rt);
  assert.ok(!m.has(label), `duplicate label ${label}`);
  m.set(label, fingerprint(s, r));
  return r;
}
/** A value (not an HTTP answer) every runtime must agree on. */
function agree(s, label, value) {
  prints.get(s.rt).set(label, { value });
}

async function noUpstream(s, fn) {
  const before = (await mockStats(s)).total;
  const out = await fn();
  assert.equal((await mockStats(s)).total - before, 0, "a request reached the mock");
  return out;
}

function assertInert(r) {
  assert.equal(r.headers["content-type"], "application/json; charset=utf-8", `Content-Type of a ${r.status}`);
  assert.equal(r.headers["x-content-type-options"], "nosniff");
  assert.equal(r.headers["content-security-policy"], API_CSP);
  if (r.status !== 304 && r.status !== 204) JSON.parse(r.body);
}

/** The mock (msPerPercent huge: EXECUTING tasks stand still, so every runtime sees the same
 * bodies) and the proxy's variables; the mock's log kept for the grep. */
async function startMockEnv(envOf) {
  const mockLines = [];
  const mock = await startMock({ port: 0, cors: false, tokens: [MOCK_DIRECT_TOKEN], msPerPercent: 1e9, log: (l) => mockLines.push(l) });
  try {
    const env = {
      HUAWEICLOUD_SDK_AK: DEFAULT_CREDENTIALS[0].ak,
      HUAWEICLOUD_SDK_SK: DEFAULT_CREDENTIALS[0].sk,
      HUAWEICLOUD_SDK_PROJECT_ID: PROJECT,
      DCS_ENDPOINT: mock.url,
      DEMO_INSTANCE: DEMO,
      ...(await envOf(mock)),
    };
    return { mock, mockLines, env, mockClosed: false };
  } catch (e) {
    await mock.close();
    throw e;
  }
}

/** Open shared starts: `${config}:${group}` -> Promise of { mock, mockLines, env, servers, refs }. */
const groups = new Map();

/**
 * The mock and the runtime in front of it (the runtime's log kept for the grep). With `shared`,
 * a runtime of a SHARED group takes its server from the group's start: the group's first runtime
 * starts one mock and every runtime of the group (one `next start` for next-node and next-edge),
 * the last one's close() stops them. `prefix`: put before every target (req); `mount`: the
 * mount's path, "{mount}" in a fingerprinted Location.
 */
async function startStack(rt, configName, envOf, { prefix = "", mount = "", shared = false } = {}) {
  const group = shared ? SHARED.find((g) => g.includes(rt.name)) : undefined;
  const startAll = async (names) => {
    const base = await startMockEnv(envOf);
    base.servers = new Map();
    base.refs = names.length;
    try {
      for (const name of names) base.servers.set(name, await ALL_RUNTIMES.find((r) => r.name === name).start({ env: base.env }));
    } catch (e) {
      for (const sv of base.servers.values()) await sv.close();
      await base.mock.close();
      throw e;
    }
    return base;
  };
  let base;
  if (group) {
    const key = `${configName}:${group.join(",")}`;
    if (!groups.has(key)) groups.set(key, startAll(group));
    base = await groups.get(key);
  } else {
    base = await startAll([rt.name]);
  }
  const server = base.servers.get(rt.name);
  const { mock, mockLines } = base;
  const build = server.build ? (server.build.reused ? ", next build reused" : `, after next build ${server.build.ms.toFixed(0)} ms`) : "";
  const joined = group && group[0] !== rt.name ? `, joining ${group[0]}'s server` : "";
  timings.push({ runtime: rt.name, config: configName, ms: server.startMs, note: `${build}${joined}` });
  console.log(`runtime-start: ${rt.name} (${configName}): ${server.startMs.toFixed(0)} ms from spawn to the first healthz answer (${server.health})${build}${joined}`);
  const s = { rt: rt.name, url: server.url, origin: new URL(server.url).origin, prefix, mount, port: server.port, mock, mockLines, logs: server.logs, server, base };
  s.close = async () => {
    await server.close();
    collected.push(...server.logs.map((l) => `[${rt.name}] ${l}`));
    if (--base.refs === 0) {
      if (!base.mockClosed) await mock.close();
      collected.push(...mockLines.map((l) => `[mock] ${l}`));
    }
  };
  if (server.health !== 200) {
    await s.close();
    assert.fail(`${rt.name} refused its configuration:\n${server.logs.join("\n")}`);
  }
  return s;
}

/** The ListInstances fleet of a mock (its order). */
async function fleetOf(mock) {
  const r = await fetch(`${mock.url}${M}?limit=1000`, { headers: { "X-Auth-Token": MOCK_DIRECT_TOKEN } });
  return (await r.json()).instances.map((i) => i.instance_id);
}

after(async () => {
  // Shared starts a filtered run left open.
  for (const p of groups.values()) {
    const base = await p.catch(() => null);
    if (!base || base.refs <= 0) continue;
    for (const sv of base.servers.values()) await sv.close();
    if (!base.mockClosed) await base.mock.close();
  }
});

for (const rt of ALL_RUNTIMES) {
  // The Vercel family is mounted by its example (rt.basePath): every target goes under it.
  const mountedBy = rt.basePath ? `, every target under ${rt.basePath} (its example's mount)` : "";
  describe(`${rt.name}: secured (PROXY_TOKEN, ALLOWED_ORIGINS, ALLOWED_INSTANCES, no TRUST_LOOPBACK${mountedBy})`, () => {
    let s;
    let fleet;
    before(async () => {
      if (!prints.has(rt.name)) prints.set(rt.name, new Map());
      s = await startStack(rt, "secured", async (mock) => {
        const f = await fleetOf(mock);
        return { PROXY_TOKEN, ALLOWED_ORIGINS: ALLOWED_ORIGIN, ALLOWED_INSTANCES: [INST, ALL, f[0], f[3]].join(",") };
      }, { prefix: rt.basePath ?? "", mount: rt.basePath ?? "", shared: true });
      fleet = await fleetOf(s.mock);
    });
    after(() => s?.close());

    test("health and /api/config", async () => {
      const h = await rq(s, "healthz", "/healthz");
      assert.equal(h.status, 200);
      assert.deepEqual(json(h), { status: "ok" });
      assert.equal(h.headers["access-control-allow-origin"], undefined);
      const c = await rq(s, "config", "/api/config", { headers: bearer });
      assert.equal(c.status, 200);
      assert.deepEqual(json(c), { projectId: PROJECT, demoInstance: DEMO, enableDelete: false });
      assertInert(c);
    });

    test("token: none 401 TOKEN_REQUIRED (a 127.0.0.1 Host too: no TRUST_LOOPBACK), wrong 401 UNAUTHORIZED, Bearer and X-Auth-Token 200", async () => {
      await noUpstream(s, async () => {
        for (const [i, headers] of [{}, { Host: "127.0.0.1" }, { Host: "localhost" }, { Host: "dcs.example.com" }].entries()) {
          for (const path of [`${M}/${INST}/tasks`, `/api/instances/${INST}/tasks`, "/api/config", `/api/instances/a%2Fb/tasks`]) {
            const r = await rq(s, `no token ${i} ${path}`, path, { headers });
            const b = errorBody(r, assert, { status: 401, code: "TOKEN_REQUIRED" });
            assert.match(b.message, /PROXY_TOKEN/);
            assert.match(r.headers["www-authenticate"] || "", /^Bearer/);
            assert.ok(!r.body.includes(PROJECT));
            assertInert(r);
          }
        }
        for (const [i, headers] of [{ Authorization: `Bearer ${PROXY_TOKEN}x` }, { Authorization: `Basic ${PROXY_TOKEN}` },
          { "X-Auth-Token": "wrong-token-0123456789" }].entries()) {
          const r = await rq(s, `wrong token ${i}`, `/api/instances/${INST}/tasks`, { headers });
          errorBody(r, assert, { status: 401, code: "UNAUTHORIZED" });
          assert.match(r.headers["www-authenticate"] || "", /^Bearer/);
        }
      });
      for (const [i, headers] of [bearer, { Authorization: `bearer ${PROXY_TOKEN}` }, { "X-Auth-Token": PROXY_TOKEN }].entries()) {
        const r = await rq(s, `token ${i}`, `${M}/${INST}/tasks?limit=3`, { headers });
        assert.equal(r.status, 200, r.body);
        const a = await rq(s, `token api ${i}`, `/api/instances/${INST}/tasks?limit=3`, { headers });
        assert.equal(json(a).taskCount, 57);
      }
    });

    test("CORS: an allowed origin gets ACAO, a foreign one 403 FORBIDDEN_ORIGIN, preflight 204", async () => {
      const ok = await rq(s, "cors allowed", `/api/instances/${INST}/tasks?limit=2`, { headers: { ...bearer, Origin: ALLOWED_ORIGIN } });
      assert.equal(ok.status, 200);
      assert.equal(ok.headers["access-control-allow-origin"], ALLOWED_ORIGIN);
      assert.match(ok.headers["access-control-expose-headers"] || "", /ETag/i);
      assert.match(ok.headers.vary || "", /Origin/);
      if (skip(s, "cors own origin")) {
        // Next: the origin the route's URL names (http://localhost:PORT), not fingerprinted.
        const own = `http://localhost:${s.port}`;
        const o = await req(s, `/api/instances/${INST}/tasks?limit=2`, { headers: { ...bearer, Origin: own } });
        assert.equal(o.status, 200, o.body);
        assert.equal(o.headers["access-control-allow-origin"], own);
      } else {
        const o = await rq(s, "cors own origin", `/api/instances/${INST}/tasks?limit=2`, { headers: { ...bearer, Origin: s.origin } });
        assert.equal(o.status, 200);
        assert.equal(o.headers["access-control-allow-origin"], s.origin);
      }
      const e = await rq(s, "cors allowed on an error", `/api/instances/a.b/tasks`, { headers: { ...bearer, Origin: ALLOWED_ORIGIN } });
      assert.equal(e.status, 400);
      assert.equal(e.headers["access-control-allow-origin"], ALLOWED_ORIGIN);
      await noUpstream(s, async () => {
        for (const [method, path, extra] of [["GET", `${M}/${INST}/tasks`, bearer], ["GET", "/healthz", {}],
          ["OPTIONS", `${M}/${INST}/tasks`, { "Access-Control-Request-Method": "GET" }]]) {
          for (const origin of [FOREIGN_ORIGIN, "null", `${ALLOWED_ORIGIN}.evil.com`]) {
            const r = await rq(s, `cors foreign ${method} ${path} ${origin}`, path, { method, headers: { Origin: origin, ...extra } });
            errorBody(r, assert, { status: 403, code: "FORBIDDEN_ORIGIN" });
            assert.equal(r.headers["access-control-allow-origin"], undefined);
          }
        }
        for (const path of [`${M}/${INST}/tasks`, `/api/instances/${INST}/tasks`]) {
          const p = await rq(s, `preflight ${path}`, path, { method: "OPTIONS",
            headers: { Origin: ALLOWED_ORIGIN, "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "authorization" } });
          assert.equal(p.status, 204);
          assert.equal(p.headers["access-control-allow-origin"], ALLOWED_ORIGIN);
          assert.match(p.headers["access-control-allow-methods"], /\bGET\b/);
          // the same with or without ENABLE_DELETE: a preflight carries no credentials and tells nobody
          assert.equal(p.headers["access-control-allow-methods"], "GET, DELETE, OPTIONS");
          assert.match(p.headers["access-control-allow-headers"], /Authorization/i);
          assert.ok(Number(p.headers["access-control-max-age"]) > 0);
          assert.equal(p.body, "");
        }
      });
    });

    test("ALLOWED_INSTANCES: others 403 FORBIDDEN_INSTANCE (nothing sent); /api/instances and the ListInstances mirror filtered", async () => {
      await noUpstream(s, async () => {
        for (const [method, path] of [["GET", `${M}/${OTHER}/tasks`], ["GET", `${M}/${OTHER}/tasks/t1/progress`],
          ["GET", `/api/instances/${OTHER}/tasks?all=1`], ["GET", `/api/instances/${OTHER}/tasks/t1/progress`]]) {
          const r = await rq(s, `forbidden ${method} ${path}`, path, { method, headers: bearer });
          errorBody(r, assert, { status: 403, code: "FORBIDDEN_INSTANCE" });
        }
      });
      const a = await rq(s, "api instances", "/api/instances", { headers: bearer });
      assert.equal(a.status, 200, a.body);
      const b = json(a);
      assert.equal(b.instanceCount, 2);
      assert.deepEqual(b.instances.map((i) => i.instanceId), [fleet[0], fleet[3]]);
      const m = await rq(s, "mirror instances", `${M}?limit=1`, { headers: bearer });
      assert.equal(m.status, 200, m.body);
      assertInert(m);
      const mb = json(m);
      assert.equal(mb.instance_num, 2);
      assert.deepEqual(mb.instances.map((i) => i.instance_id), [fleet[0]]);
    });

    test("mirror: the mock's body, X-Request-Id, ETag and 304; progress; DELETE 403 DELETE_DISABLED", async () => {
      const path = `${M}/${INST}/tasks?offset=3&limit=7`;
      const r = await rq(s, "mirror list", path, { headers: bearer });
      const d = await direct(s, path);
      assert.equal(r.status, 200);
      assert.equal(r.body, d.body, "body differs from the mock's answer to the same query");
      assertInert(r);
      const rid = r.headers["x-request-id"];
      assert.match(rid, /^[0-9a-f]{32}$/);
      assert.match(mockLine(s, rid) || "", new RegExp(`GET ${M}/${INST}/tasks\\?\\S+ -> 200 .*auth=aksk`));
      assert.match(r.headers["cache-control"], /private/);
      assert.match(r.headers["cache-control"], /max-age=5/);
      const tag = r.headers.etag;
      assert.match(tag, /^"[0-9a-f]{16}"$/);
      const n = await rq(s, "mirror 304", path, { headers: { ...bearer, "If-None-Match": tag } });
      assert.equal(n.status, 304);
      assert.equal(n.body, "");
      assert.equal(n.headers.etag, tag);
      const w = await rq(s, "mirror 304 weak list", path, { headers: { ...bearer, "If-None-Match": `"nope", W/${tag}` } });
      assert.equal(w.status, 304);
      const c = await rq(s, "mirror other tag", path, { headers: { ...bearer, "If-None-Match": '"0000000000000000"' } });
      assert.equal(c.status, 200);
      assert.equal(c.body, r.body);
      const api = await rq(s, "api list etag", `/api/instances/${INST}/tasks?limit=5`, { headers: bearer });
      const api304 = await rq(s, "api list 304", `/api/instances/${INST}/tasks?limit=5`, { headers: { ...bearer, "If-None-Match": api.headers.etag } });
      assert.equal(api304.status, 304);

      const tasks = s.mock.tasks(INST);
      const done = tasks.find((x) => x.status === "SUCCESS");
      for (const [i, t] of [done, tasks[0]].entries()) {
        const p = `${M}/${INST}/tasks/${t.id}/progress`;
        const pr = await rq(s, `mirror progress ${i}`, p, { headers: bearer });
        assert.equal(pr.status, 200);
        assert.equal(pr.body, (await direct(s, p)).body);
        assert.equal(pr.headers["cache-control"], "no-store");
        assertInert(pr);
      }
      const nf = await rq(s, "mirror progress 404", `${M}/${INST}/tasks/nosuchtask/progress`, { headers: bearer });
      assert.equal(nf.status, 404);
      assert.equal(JSON.parse(nf.body).error_code, "DCS.4012");
      await noUpstream(s, async () => {
        const del = await rq(s, "delete disabled", `${M}/${INST}/tasks/${done.id}`, { method: "DELETE", headers: bearer });
        errorBody(del, assert, { status: 403, code: "DELETE_DISABLED" });
      });
      assert.equal((await direct(s, `${M}/${INST}/tasks/${done.id}/progress`)).status, 200, "the task is still there");
    });

    test("normalized: /api/instances/{id}/tasks, all=1 over 2,345 tasks (3 upstream calls), progress", async () => {
      const q = "?offset=2&limit=9&start_time=20240101000000&end_time=20240630120000";
      const r = await rq(s, "api list", `/api/instances/${INST}/tasks${q}`, { headers: bearer });
      assert.equal(r.status, 200);
      assertInert(r);
      const b = json(r);
      const d = JSON.parse((await direct(s, `${M}/${INST}/tasks${q}`)).body);
      assert.equal(b.taskCount, 57);
      assert.equal(b.taskCount, Number(d.task_count));
      assert.deepEqual(b.tasks.map((t) => t.id), d.tasks.map((t) => t.id));
      for (const k of allKeys(b.tasks)) assert.doesNotMatch(k, /_/, `snake_case key ${k}`);
      const before = (await mockStats(s)).byInstance[ALL] || 0;
      const all = await rq(s, "api all=1", `/api/instances/${ALL}/tasks?all=1`, { headers: bearer });
      assert.equal(all.status, 200, all.body);
      const ab = json(all);
      assert.equal(ab.taskCount, 2345);
      assert.equal(ab.tasks.length, ab.taskCount, "taskCount equals the tasks' length");
      assert.deepEqual(ab.tasks.map((t) => t.id), s.mock.tasks(ALL).map((t) => t.id));
      assert.equal(((await mockStats(s)).byInstance[ALL] || 0) - before, 3, "⌈2345 / 1000⌉ upstream calls");
      const t = s.mock.tasks(INST).find((x) => x.status === "SUCCESS");
      const p = await rq(s, "api progress", `/api/instances/${INST}/tasks/${t.id}/progress`, { headers: bearer });
      assert.equal(p.status, 200);
      const pb = json(p);
      assert.ok(Array.isArray(pb.stepDetails) && Array.isArray(pb.warnings));
      assert.equal(pb.progress, Number(JSON.parse((await direct(s, `${M}/${INST}/tasks/${t.id}/progress`)).body).progress));
      const e = await rq(s, "api progress 404", `/api/instances/${INST}/tasks/nosuchtask/progress`, { headers: bearer });
      const eb = errorBody(e, assert, { status: 404, code: "HTTP_ERROR" });
      assert.match(eb.requestId, /^[0-9a-f]{32}$/);
    });

    // The injection targets of proxy.test.mjs (400, 414 for the 10 KB ID), and the 404s.
    const I = `${M}/${INST}`;
    const bad = [
      ["unknown query key begin_time", `${I}/tasks?begin_time=20240101000000`],
      ["api unknown key", `/api/instances/${INST}/tasks?foo=1`],
      ["encoded / in an ID", `${M}/a%2Fb/tasks`],
      ["encoded / (lower case) in a task ID", `${I}/tasks/t%2f..%2f..%2fx/progress`],
      ["encoded / in /api", `/api/instances/a%2Fb/tasks`],
      ["%0d%0a in an ID", `${M}/abc%0d%0aX-Evil:%201/tasks`],
      ["%0a in a task ID", `${I}/tasks/t%0a1/progress`],
      ["%00 in an ID", `${M}/abc%00/tasks`],
      ["//host in the path", `//evil.example.com${I}/tasks`],
      ["empty segment", `${M}//tasks`],
      ["/v2/", "/v2/"],
      ["? smuggled in an ID (%3F)", `${M}/abc%3Foffset=1/tasks`],
      ["# smuggled in an ID (%23)", `${M}/abc%23x/tasks`],
      ["10 KB ID", `${M}/${"a".repeat(10_000)}/tasks`, 414],
      ["65-character ID", `${M}/${"a".repeat(65)}/tasks`],
      ["ID with a dot", `${M}/a.b/tasks`],
      ["duplicate query key", `${I}/tasks?offset=1&offset=2`],
      ["all= on the mirror", `${I}/tasks?all=1`],
      ["query on progress", `${I}/tasks/t1/progress?x=1`],
      ["limit 0", `${I}/tasks?limit=0`],
      ["limit float", `${I}/tasks?limit=1.5`],
      ["offset negative", `${I}/tasks?offset=-1`],
      ["encoded & in a value", `${I}/tasks?limit=10%26x=1`],
      ["empty value", `${I}/tasks?limit=`],
      ["start_time impossible date", `${I}/tasks?start_time=20240230000000`],
      ["start_time after end_time", `${I}/tasks?start_time=20240601000000&end_time=20240101000000`],
      ["oversized query value", `${I}/tasks?start_time=${"9".repeat(1500)}`],
      ["all=2 on /api", `/api/instances/${INST}/tasks?all=2`],
      ["project ID with %2F", `/v2/${PROJECT}%2F..%2Fx/instances/${INST}/tasks`],
      ["no such route /api/nothing", "/api/nothing", 404, "NOT_FOUND"],
      ["no such route (instance)", I, 404, "NOT_FOUND"],
      ["no such route (after progress)", `${I}/tasks/t1/progress/more`, 404, "NOT_FOUND"],
      ["POST", `/api/instances/${INST}/tasks`, 405, "METHOD_NOT_ALLOWED", "POST"],
      ["another project", `/v2/fedcba9876543210fedcba9876543210/instances/${INST}/tasks`, 403, "FORBIDDEN_PROJECT"],
    ];
    // Targets a runtime may resolve before the proxy sees them: Node's and Bun's servers (and
    // workerd releases before 2026-11) hand over the WHATWG-resolved URL (`.`, `..`, `%2e%2e`
    // resolved; `\\` as `/`), workerd today the target as sent. Either answer is right: 400
    // INVALID_REQUEST for the raw target, or exactly the answer the same runtime gives for the
    // resolved one (its ALLOWED_INSTANCES and routes applied to what it resolved to); Node's HTTP
    // parser refuses a backslash itself (a bare 400). Which one each runtime did is printed.
    const resolvable = [
      [".. segment", `${M}/../tasks`],
      [".. segment inside a valid path", `${I}/../${OTHER}/tasks`],
      [". segment", `${I}/./tasks`],
      ["encoded .. segment", `${I}/%2e%2e/tasks`],
      ["/api with ..", `/api/instances/${INST}/../../v2/x/tasks`],
      ["ID with a backslash", `${M}/a\\b/tasks`],
    ];
    test(`targets with dot segments or a backslash (${resolvable.length}): refused as sent, or answered as the resolved target`, async () => {
      const wrong = [];
      const modes = [];
      for (const [what, target] of resolvable) {
        if (skip(s, `target ${what}`)) {
          modes.push(`${what}: answered by the framework`);
          continue;
        }
        const r = await req(s, target, { headers: bearer });
        let code;
        try { code = JSON.parse(r.body).code; } catch { code = undefined; }
        if (r.status === 400 && code === "INVALID_REQUEST") {
          errorBody(r, assert, { status: 400 });
          modes.push(`${what}: refused as sent`);
          continue;
        }
        if (r.status === 400 && r.body === "" && target.includes("\\")) {
          modes.push(`${what}: refused by the HTTP server`);
          continue;
        }
        const u = new URL(target.replaceAll("\\", "/"), "http://h");
        const resolved = u.pathname + u.search;
        const again = await req(s, resolved, { headers: bearer });
        const [a, b] = [fingerprint(s, r), fingerprint(s, again)];
        if (JSON.stringify(a) !== JSON.stringify(b) || resolved === target) {
          wrong.push(`${what} (${target}): ${r.status} ${r.body.slice(0, 100)}; as ${resolved}: ${again.status} ${again.body.slice(0, 100)}`);
        } else {
          modes.push(`${what}: answered as ${resolved} (${r.status})`);
        }
        // never another instance than ALLOWED_INSTANCES lets through
        if (r.status === 200) assert.ok(!resolved.includes(OTHER), `${what}: served ${resolved}`);
      }
      console.log(`${rt.name} (secured): ${modes.join("; ")}`);
      assert.deepEqual(wrong, []);
    });

    test(`errors (${bad.length}): unknown query parameters, encoded slashes, dot segments... 400 INVALID_REQUEST; 404; 405; nothing sent`, async () => {
      const wrong = [];
      await noUpstream(s, async () => {
        for (const [what, target, status = 400, code = "INVALID_REQUEST", method = "GET"] of bad) {
          if (skip(s, `error ${what}`)) continue;
          const r = await rq(s, `error ${what}`, target, { method, headers: bearer });
          let got;
          try { got = JSON.parse(r.body).code; } catch { got = "(not JSON)"; }
          if (r.status !== status || got !== code) wrong.push(`${what} (${method} ${target.slice(0, 90)}): want ${status} ${code}, got ${r.status} ${r.body.slice(0, 120)}`);
          else errorBody(r, assert, { status, code });
        }
      }).catch((e) => wrong.push(`upstream contacted: ${e.message}`));
      assert.deepEqual(wrong, []);
    });

    test("static files: / is index.html with the page CSP, the wasm is application/wasm, /.env 404", async () => {
      if (!skip(s, "static /")) {
        const page = await rq(s, "static /", "/");
        assert.equal(page.status, 200);
        assert.match(page.headers["content-type"], /^text\/html/);
        assert.equal(page.body, INDEX);
        assert.match(page.headers["content-security-policy"], /script-src 'self' 'wasm-unsafe-eval'/);
      }
      if (!skip(s, "static wasm")) {
        const w = await rq(s, "static wasm", "/pkg/dcs_tasks_bg.wasm");
        assert.equal(w.status, 200);
        assert.equal(w.headers["content-type"], "application/wasm");
        assert.ok(w.buf.equals(WASM), "the wasm's bytes");
      }
      if (!skip(s, "static js")) {
        const js = await rq(s, "static js", "/pkg/dcs_tasks.js");
        assert.match(js.headers["content-type"], /^text\/javascript/);
      }
      for (const p of ["/.env", "/no-such-file.js", "/pkg/../../Cargo.toml", "/%2e%2e/Cargo.toml"]) {
        if (skip(s, `static ${p}`)) continue;
        const r = await rq(s, `static ${p}`, p);
        assert.notEqual(r.status, 200, p);
        errorBody(r, assert, { code: r.status === 404 ? "NOT_FOUND" : undefined });
      }
      assert.equal((await req(s, "/.env")).status, 404);
    });

    test("DcsClient (the package, in this Node) pointed at the proxy (under the mount, if any): lists, pages, reads progress; without the token 401", async () => {
      const client = new DcsClient({ endpoint: `${s.origin}${s.prefix}`, projectId: PROJECT, headers: bearer });
      const page = await client.listTasks(INST, { limit: 10 });
      assert.equal(page.taskCount, 57);
      assert.equal(page.tasks.length, 10);
      const ids = [];
      let pages = 0;
      for await (const t of client.listAllTasks(INST, { pageSize: 20 }, { onPage: () => { pages++; } })) ids.push(t.id);
      assert.deepEqual(ids, s.mock.tasks(INST).map((t) => t.id));
      assert.equal(pages, 3);
      const p = await client.showTaskProgress(INST, page.tasks[0].id);
      assert.ok(Array.isArray(p.stepDetails));
      agree(s, "client", { taskCount: page.taskCount, ids: page.tasks.map((t) => t.id), all: ids.length, pages, progress: p.progress });
      const anon = new DcsClient({ endpoint: `${s.origin}${s.prefix}`, projectId: PROJECT, retries: 0 });
      await assert.rejects(anon.listTasks(INST), (e) => e.code === "HTTP_ERROR" && e.status === 401 && e.errorCode === "TOKEN_REQUIRED");
      client.free();
      anon.free();
    });
  });

  // "mounted": the runtimes of runtimes.mjs at PROXY_BASE_PATH=/dcs; the Vercel family where its
  // example mounts it (rt.basePath; the example's PROXY_BASE_PATH, and PROXY_IGNORE_QUERY=path
  // on next-edge and edge-runtime, override the suite's; next-node takes the suite's
  // PROXY_IGNORE_QUERY=path). Its own mock and server (the deletes and the stopped mock).
  const P = rt.basePath ?? "/dcs";
  const mountedName = rt.basePath ? `mounted by its example at ${P} (PROXY_IGNORE_QUERY=path, TRUST_LOOPBACK, ENABLE_DELETE)`
    : "mounted (PROXY_BASE_PATH=/dcs, PROXY_IGNORE_QUERY=path, TRUST_LOOPBACK, ENABLE_DELETE)";
  describe(`${rt.name}: ${mountedName}`, () => {
    let s;
    before(async () => {
      if (!prints.has(rt.name)) prints.set(rt.name, new Map());
      s = await startStack(rt, "mounted", async () => ({ PROXY_BASE_PATH: "/dcs", PROXY_IGNORE_QUERY: "path",
        TRUST_LOOPBACK: "true", ENABLE_DELETE: "true" }), { mount: P });
    });
    after(() => s?.close());
    const D = `${P}${M}`;

    test(`under ${P}: healthz, config, the mirror with the framework's path= dropped; outside it 404; GET ${P} 308 to ${P}/`, async () => {
      const h = await rq(s, "dcs healthz", `${P}/healthz`);
      assert.equal(h.status, 200);
      assert.deepEqual(json(h), { status: "ok" });
      const c = await rq(s, "dcs config", `${P}/api/config`);
      assert.deepEqual(json(c), { projectId: PROJECT, demoInstance: DEMO, enableDelete: true });
      const r = await rq(s, "dcs mirror path=", `${D}/${INST}/tasks?limit=5&path=v2`);
      assert.equal(r.status, 200, r.body);
      assert.equal(r.body, (await direct(s, `${M}/${INST}/tasks?limit=5`)).body);
      const line = mockLine(s, r.headers["x-request-id"]) || "";
      assert.match(line, new RegExp(` GET ${M}/${INST}/tasks\\?limit=5 -> 200`), line);
      const a = await rq(s, "dcs api path=", `${P}/api/instances/${INST}/tasks?path=api&path=x&limit=3`);
      assert.equal(a.status, 200, a.body);
      assert.equal(json(a).taskCount, 57);
      await noUpstream(s, async () => {
        const u = await rq(s, "dcs other query", `${D}/${INST}/tasks?limit=5&paths=v2`);
        errorBody(u, assert, { status: 400, code: "INVALID_REQUEST" });
        for (const [label, p] of [["/healthz", "/healthz"], ["mirror", `${M}/${INST}/tasks`], ["/api/config", "/api/config"],
          ["<mount>x/healthz", `${P}x/healthz`], ["/index.html", "/index.html"]]) {
          if (skip(s, `outside ${label}`)) continue;
          const o = await rq(s, `outside ${label}`, p);
          errorBody(o, assert, { status: 404, code: "NOT_FOUND" });
        }
      });
      if (!skip(s, "GET /dcs")) {
        const redirect = await rq(s, "GET /dcs", P);
        assert.equal(redirect.status, 308);
        assert.equal(redirect.headers.location, `${P}/`);
      }
      if (!skip(s, "dcs /")) {
        const page = await rq(s, "dcs /", `${P}/`);
        assert.equal(page.status, 200);
        assert.equal(page.body, INDEX);
        assert.match(page.headers["content-security-policy"], /script-src 'self' 'wasm-unsafe-eval'/);
      }
      if (!skip(s, "dcs wasm")) {
        const w = await rq(s, "dcs wasm", `${P}/pkg/dcs_tasks_bg.wasm`);
        assert.equal(w.headers["content-type"], "application/wasm");
        assert.ok(w.buf.equals(WASM));
      }
      if (!skip(s, "dcs .env")) errorBody(await rq(s, "dcs .env", `${P}/.env`), assert, { status: 404, code: "NOT_FOUND" });
    });

    test(`DcsClient at <origin>${P} (no token: TRUST_LOOPBACK): lists, pages, progress, delete (ENABLE_DELETE)`, async () => {
      const client = new DcsClient({ endpoint: `${s.origin}${P}`, projectId: PROJECT });
      const page = await client.listTasks(INST, { limit: 10 });
      assert.equal(page.taskCount, 57);
      const ids = [];
      for await (const t of client.listAllTasks(INST, { pageSize: 25 })) ids.push(t.id);
      assert.deepEqual(ids, s.mock.tasks(INST).map((t) => t.id));
      const p = await client.showTaskProgress(INST, page.tasks[0].id);
      assert.ok(Array.isArray(p.stepDetails));
      const [t1, t2] = s.mock.tasks(INST).filter((t) => t.status === "SUCCESS" || t.status === "FAILED");
      const del = await rq(s, "dcs delete", `${D}/${INST}/tasks/${t1.id}`, { method: "DELETE" });
      assert.equal(del.status, 200, del.body);
      assert.match(mockLine(s, del.headers["x-request-id"]) || "", new RegExp(`DELETE ${M}/${INST}/tasks/${t1.id} -> 200`));
      const again = await rq(s, "dcs delete again", `${D}/${INST}/tasks/${t1.id}`, { method: "DELETE" });
      assert.equal(again.status, 404);
      assert.equal(JSON.parse(again.body).error_code, "DCS.4012");
      await client.deleteTask(INST, t2.id);
      assert.equal((await direct(s, `${M}/${INST}/tasks/${t2.id}/progress`)).status, 404);
      agree(s, "dcs client", { taskCount: page.taskCount, all: ids.length, progress: p.progress });
      client.free();
    });

    test("upstream down (the mock stopped): 502 UPSTREAM_UNREACHABLE", async () => {
      await s.mock.close();
      s.base.mockClosed = true;
      for (const path of [`${M}/${INST}/tasks`, `${M}/${INST}/tasks/t1/progress`, `/api/instances/${INST}/tasks`,
        `/api/instances/${INST}/tasks?all=1`]) {
        const r = await rq(s, `down ${path}`, `${P}${path}`);
        errorBody(r, assert, { status: 502, code: "UPSTREAM_UNREACHABLE" });
        assertInert(r);
      }
      assert.equal((await rq(s, "down healthz", `${P}/healthz`)).status, 200);
    });
  });
}

describe("every runtime answers as workerd does", () => {
  for (const rt of ALL_RUNTIMES.filter((r) => r.name !== "workerd")) {
    const own = FRAMEWORK[rt.name];
    const but = own ? " (but what its framework answers itself, listed)" : "";
    test(`${rt.name} vs workerd: the same status, code, key headers and body for every request${but}`, () => {
      const want = prints.get("workerd");
      const got = prints.get(rt.name);
      assert.ok(want?.size > 50 && got?.size > 0, `fingerprints: workerd ${want?.size}, ${rt.name} ${got?.size}`);
      const diffs = [];
      const left = skipped.get(rt.name) || new Set();
      for (const [label, w] of want) {
        if (left.has(label)) continue;
        const g = got.get(label);
        if (!g) diffs.push(`${label}: not asked (a test failed before it)`);
        else if (JSON.stringify(g) !== JSON.stringify(w)) diffs.push(`${label}:\n  workerd: ${JSON.stringify(w)}\n  ${rt.name}: ${JSON.stringify(g)}`);
      }
      for (const label of got.keys()) if (!want.has(label)) diffs.push(`${label}: asked of ${rt.name} only`);
      for (const [re, why] of own?.labels || []) {
        if (![...left].some((l) => re.test(l))) diffs.push(`exclusion ${re} (${why}) skipped nothing`);
      }
      if (own) {
        const byWhy = new Map();
        for (const l of left) {
          const why = frameworkAnswers(rt.name, l);
          byWhy.set(why, [...(byWhy.get(why) || []), l]);
        }
        const vary = own.vary ? `\n  Vary ${own.vary.tokens.join(", ")} (every answer): ${own.vary.why}` : "";
        console.log(`framework answers, not compared, ${rt.name} (${left.size} requests):\n${[...byWhy].map(([why, ls]) => `  ${ls.join(", ")}: ${why}`).join("\n")}${vary}`);
      }
      if (diffs.length) console.log(`differences ${rt.name} vs workerd:\n${diffs.join("\n")}`);
      assert.deepEqual(diffs, []);
    });
  }
});

describe("secrets and timings", () => {
  test("no SK, PROXY_TOKEN, mock token or signature in any runtime's output, the mock's log or any answer", () => {
    const secrets = { SK, PROXY_TOKEN, MOCK_DIRECT_TOKEN, "Signature=": "Signature=" };
    const hits = [];
    for (const c of collected) for (const [name, v] of Object.entries(secrets)) if (c.includes(v)) hits.push(`${name} in: ${c.slice(0, 300)}`);
    for (const rt of ALL_RUNTIMES) {
      assert.ok(collected.some((c) => c.startsWith(`[${rt.name}] {"proxy"`)), `no request log line of ${rt.name} collected`);
    }
    console.log(`secret grep over ${collected.length} answers and log lines`);
    assert.deepEqual(hits, []);
  });

  test("start times (spawn to the first /healthz answer), printed", () => {
    const rows = ALL_RUNTIMES.map((rt) => {
      const t = timings.filter((x) => x.runtime === rt.name).map((x) => `${x.config} ${x.ms.toFixed(0)} ms${x.note}`);
      return `  ${rt.name.padEnd(14)} ${t.join(", ")}`;
    });
    console.log(`runtime start times:\n${rows.join("\n")}`);
    assert.equal(timings.length, ALL_RUNTIMES.length * 2);
  });
});
