// The proxy's fleet routes in real workerd in front of the mock: GET /api/instances (the
// normalized InstanceList; all=1), the mirror GET /v2/{project}/instances (what the official
// SDKs' ListInstances calls), the same access rules as the other routes, ALLOWED_INSTANCES
// filtering the list (the normalized one and the raw mirror: the whole list gathered, the
// allowed instances kept, then paged), and DcsClient's fleet methods through it.
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { DcsClient } from "../../pkg/index.js";
import { fleetFor, DEMO_INSTANCE, DEMO_FAILING_INSTANCE } from "../mock-dcs/fleet.mjs";
import { PROJECT, PROXY_TOKEN, closeAll, stack, close, mockStats, req, json, errorBody, direct, mockLine, mirrorBase } from "./helpers.mjs";

after(closeAll);
const M = mirrorBase();
const DEMO = fleetFor("", { anchorMs: 0, demo: true }).map((f) => f.wire);

describe("fleet routes (loopback trusted, no ALLOWED_INSTANCES)", () => {
  let s;
  before(async () => { s = await stack({ mock: { msPerPercent: 1e9 } }); });
  after(() => close(s));

  test("GET /api/instances: the normalized InstanceList of the mock's page", async () => {
    const q = "?name=cache&status=RUNNING&offset=1&limit=3";
    const r = await req(s, `/api/instances${q}`);
    assert.equal(r.status, 200, r.body);
    assert.equal(r.headers["content-type"], "application/json; charset=utf-8");
    const b = json(r);
    const d = JSON.parse((await direct(s, `${M}${q}`)).body);
    assert.equal(b.instanceCount, d.instance_num);
    assert.deepEqual(b.instances.map((i) => i.instanceId), d.instances.map((i) => i.instance_id));
    assert.deepEqual(b.warnings, []);
    assert.ok(b.instances.every((i) => i.name.includes("cache") && i.status === "RUNNING"));
    assert.equal(typeof b.instances[0].capacity, "number");
    const line = mockLine(s, r.headers["x-request-id"]) ?? s.mockLines.at(-1);
    assert.match(line, /GET \/v2\/\S+\/instances\?\S*name=cache/);
  });

  test("GET /api/instances?all=1: every instance, at 1,000 per upstream page; offset refused", async () => {
    const r = await req(s, "/api/instances?all=1&limit=2");
    assert.equal(r.status, 200, r.body);
    const b = json(r);
    assert.equal(b.instanceCount, DEMO.length);
    assert.deepEqual(b.instances.map((i) => i.instanceId), DEMO.map((i) => i.instance_id));
    const last = s.mockLines.filter((l) => / \/v2\/\S+\/instances\?/.test(l)).at(-1);
    assert.match(last, /limit=1000/);
    const bad = await req(s, "/api/instances?all=1&offset=3");
    errorBody(bad, assert, { status: 400, code: "INVALID_REQUEST" });
    for (const t of ["/api/instances?limit=0", "/api/instances?status=running", "/api/instances?foo=1"]) {
      errorBody(await req(s, t), assert, { status: 400, code: "INVALID_REQUEST" });
    }
  });

  test("mirror GET /v2/{project}/instances: the mock's answer as sent, with the SDK's query parameters", async () => {
    for (const q of ["", "?offset=0&limit=10", "?limit=5&offset=2&name=dcs&name_equal=false&include_failure=true", "?instance_id=" + DEMO_INSTANCE]) {
      const r = await req(s, `${M}${q}`);
      const d = await direct(s, `${M}${q}`);
      assert.equal(r.status, 200, r.body);
      assert.equal(r.body, d.body, q);
      assert.match(r.headers["x-request-id"], /^[0-9a-f]{32}$/);
    }
    const e = await req(s, `${M}?limit=0`);
    errorBody(e, assert, { status: 400, code: "INVALID_REQUEST" });
  });

  test("DcsClient through the proxy: listInstances, listAllInstances, listFleetTasks (the failing instance's error in its entry)", async () => {
    const client = new DcsClient({ endpoint: s.url, projectId: PROJECT, retries: 0 });
    const page = await client.listInstances({ limit: 4 });
    assert.equal(page.instanceCount, DEMO.length);
    const all = [];
    for await (const i of client.listAllInstances({ pageSize: 10 })) all.push(i.instanceId);
    assert.deepEqual(all, DEMO.map((i) => i.instance_id));
    const entries = [];
    const since = Date.parse("2024-06-23T12:00:00Z");
    for await (const e of client.listFleetTasks({ startTime: since, name: "sessions" }, { concurrency: 2 })) entries.push(e);
    assert.deepEqual(entries.map((e) => e.instance.name).sort(), ["dcs-legacy-sessions", "dcs-sessions"]);
    const failing = entries.find((e) => e.instance.instanceId === DEMO_FAILING_INSTANCE);
    assert.equal(failing.error?.code, "HTTP_ERROR");
    assert.equal(failing.error?.status, 500);
    const ok = entries.find((e) => !e.error);
    assert.ok(ok.tasks.every((t) => Date.parse(t.createdAt) >= since));
    client.free();
  });
});

describe("fleet routes with PROXY_TOKEN and ALLOWED_INSTANCES", () => {
  let s;
  const SESSIONS = DEMO.find((i) => i.name === "dcs-sessions").instance_id;
  const bearer = { Authorization: `Bearer ${PROXY_TOKEN}` };
  before(async () => {
    // Every request here is counted upstream: sharing off (tests/proxy/share.test.mjs has it on).
    s = await stack({ env: { PROXY_TOKEN, ALLOWED_INSTANCES: `${DEMO_INSTANCE}, not-in-the-fleet, ${SESSIONS}`, UPSTREAM_SHARE_MS: "0" } });
  });
  after(() => close(s));

  test("the same access rules: no token or a wrong one -> 401, nothing sent", async () => {
    const before0 = (await mockStats(s)).total;
    for (const headers of [{}, { Authorization: `Bearer ${PROXY_TOKEN}x` }]) {
      for (const path of ["/api/instances", "/api/instances?all=1", M, "/v2/ffffffffffffffffffffffffffffffff/instances"]) {
        const r = await req(s, path, { headers });
        errorBody(r, assert, { status: 401, code: Object.keys(headers).length ? "UNAUTHORIZED" : "TOKEN_REQUIRED" });
      }
    }
    assert.equal((await mockStats(s)).total, before0, "a request reached the mock");
  });

  test("ALLOWED_INSTANCES filters /api/instances; instanceCount counts what is allowed; pages over the filtered list", async () => {
    const r = await req(s, "/api/instances", { headers: bearer });
    assert.equal(r.status, 200, r.body);
    const b = json(r);
    assert.equal(b.instanceCount, 2);
    assert.deepEqual(b.instances.map((i) => i.instanceId), [DEMO_INSTANCE, SESSIONS]);
    const p2 = json(await req(s, "/api/instances?offset=1&limit=1", { headers: bearer }));
    assert.deepEqual([p2.instanceCount, p2.instances.map((i) => i.instanceId)], [2, [SESSIONS]]);
    const all = json(await req(s, "/api/instances?all=1", { headers: bearer }));
    assert.equal(all.instances.length, 2);
    const named = json(await req(s, "/api/instances?name=sessions", { headers: bearer }));
    assert.deepEqual([named.instanceCount, named.instances.map((i) => i.name)], [1, ["dcs-sessions"]]);
  });

  test("ALLOWED_INSTANCES: the mirror gathers the list, keeps the allowed instances as DCS sent them, then pages them", async () => {
    const d = JSON.parse((await direct(s, `${M}?limit=1000`)).body);
    const wire = (id) => d.instances.find((i) => i.instance_id === id);
    const before0 = (await mockStats(s)).byRoute.instances ?? 0;
    const r = await req(s, M, { headers: bearer });
    assert.equal(r.status, 200, r.body);
    // the headers of a mirrored list
    assert.equal(r.headers["content-type"], "application/json; charset=utf-8");
    assert.equal(r.headers["x-content-type-options"], "nosniff");
    assert.equal(r.headers["content-security-policy"], "default-src 'none'; frame-ancestors 'none'; sandbox");
    assert.equal(r.headers["cache-control"], "private, max-age=5");
    assert.match(r.headers.etag, /^"[0-9a-f]{16}"$/);
    assert.match(r.headers["x-request-id"], /^[0-9a-f]{32}$/);
    // DCS's defaults (offset 0, limit 10) over the allowed instances; instance_num counts them
    assert.deepEqual(json(r), { instance_num: 2, instances: [wire(DEMO_INSTANCE), wire(SESSIONS)] });
    assert.equal((await mockStats(s)).byRoute.instances - before0, 1, "36 instances: one upstream page");
    assert.deepEqual(upstreamQuery(mockLine(s, r.headers["x-request-id"]) ?? s.mockLines.at(-1)), { limit: "1000", offset: "0" });
    for (const [q, ids] of [["?offset=1&limit=1", [SESSIONS]], ["?limit=1", [DEMO_INSTANCE]], ["?offset=2", []],
      ["?limit=1000&offset=0", [DEMO_INSTANCE, SESSIONS]], ["?offset=2147483647", []]]) {
      const b = json(await req(s, `${M}${q}`, { headers: bearer }));
      assert.deepEqual([b.instance_num, b.instances.map((i) => i.instance_id)], [2, ids], q);
    }
    // the caller's other parameters go upstream with each page; instance_num counts the matches
    const n = await req(s, `${M}?name=sessions&limit=5&include_failure=true`, { headers: bearer });
    const nb = json(n);
    assert.deepEqual([nb.instance_num, nb.instances.map((i) => i.name)], [1, ["dcs-sessions"]]);
    assert.deepEqual(upstreamQuery(mockLine(s, n.headers["x-request-id"]) ?? s.mockLines.at(-1)),
      { include_failure: "true", limit: "1000", name: "sessions", offset: "0" });
    // If-None-Match: 304
    const again = await req(s, M, { headers: { ...bearer, "If-None-Match": r.headers.etag } });
    assert.equal(again.status, 304);
    // a bad query: 400, nothing sent
    const before1 = (await mockStats(s)).total;
    errorBody(await req(s, `${M}?limit=0`, { headers: bearer }), assert, { status: 400, code: "INVALID_REQUEST" });
    errorBody(await req(s, `${M}?foo=1`, { headers: bearer }), assert, { status: 400, code: "INVALID_REQUEST" });
    assert.equal((await mockStats(s)).total, before1);
  });

  test("DcsClient through the proxy with ALLOWED_INSTANCES: listInstances, listAllInstances, listFleetTasks see only the allowed instances", async () => {
    const client = new DcsClient({ endpoint: s.url, projectId: PROJECT, retries: 0, headers: bearer });
    const page = await client.listInstances({ offset: 1, limit: 1 });
    assert.deepEqual([page.instanceCount, page.instances.map((i) => i.instanceId)], [2, [SESSIONS]]);
    const all = [];
    for await (const i of client.listAllInstances({ pageSize: 1 })) all.push(i.instanceId);
    assert.deepEqual(all, [DEMO_INSTANCE, SESSIONS]);
    const entries = [];
    const since = Date.parse("2024-06-23T12:00:00Z");
    for await (const e of client.listFleetTasks({ startTime: since }, { concurrency: 2 })) entries.push(e);
    assert.deepEqual(entries.map((e) => e.instance.instanceId).sort(), [DEMO_INSTANCE, SESSIONS].sort());
    for (const e of entries) {
      assert.equal(e.error, undefined, JSON.stringify(e.error));
      assert.ok(e.tasks.length > 0 && e.tasks.every((t) => Date.parse(t.createdAt) >= since));
    }
    client.free();
  });
});

/** The query of a mock log line's ListInstances request, as an object with sorted keys. */
function upstreamQuery(line) {
  const target = / GET (\/v2\/\S+\/instances\S*) /.exec(line)?.[1] ?? "";
  const q = new URLSearchParams(target.split("?")[1] ?? "");
  return Object.fromEntries([...q].sort(([a], [b]) => (a < b ? -1 : 1)));
}

describe("the mirror under ALLOWED_INSTANCES over several upstream pages (a fleet of 2,500)", () => {
  const P = "fleet2500";
  const FLEET = fleetFor(P, { anchorMs: 0 }).map((f) => f.wire.instance_id);
  // on each of the three upstream pages, and one allowed ID not in the fleet
  const PICKS = [5, 999, 1000, 1500, 2499].map((k) => FLEET[k]);
  const MP = mirrorBase(P);
  let s;
  before(async () => {
    // The mock's instances are created 11 days apart back from its anchor: with the default
    // anchor (2024) those past the 1,800th would be older than 1970, which the package's
    // parser refuses. An anchor in 2090 keeps the whole fleet parseable.
    s = await stack({
      env: { HUAWEICLOUD_SDK_PROJECT_ID: P, DEMO_INSTANCE: undefined, ALLOWED_INSTANCES: [...PICKS, "not-in-the-fleet"].join(",") },
      mock: { anchorMs: Date.parse("2090-01-01T00:00:00Z") },
    });
  });
  after(() => close(s));

  test("every page gathered at 1,000; instance_num and offset/limit over the allowed instances; objects as DCS sent them", async () => {
    const before0 = (await mockStats(s)).byRoute.instances ?? 0;
    const lines0 = s.mockLines.length;
    const r = await req(s, `${MP}?offset=1&limit=3`);
    assert.equal(r.status, 200, r.body);
    const b = json(r);
    assert.deepEqual([b.instance_num, b.instances.map((i) => i.instance_id)], [5, PICKS.slice(1, 4)]);
    assert.equal((await mockStats(s)).byRoute.instances - before0, 3, "three upstream pages");
    const pages = s.mockLines.slice(lines0).filter((l) => l.includes(` ${MP}?`)).map(upstreamQuery)
      .sort((a, b) => a.offset - b.offset);
    assert.deepEqual(pages, [0, 1000, 2000].map((o) => ({ limit: "1000", offset: String(o) })));
    const logged = s.logs.map((l) => { try { return JSON.parse(l); } catch { return null; } })
      .filter((o) => o && o.proxy === "mirror-instances").at(-1);
    assert.equal(logged?.upstreamCalls, 3, JSON.stringify(logged));
    const one = JSON.parse((await direct(s, `${MP}?instance_id=${PICKS[1]}`)).body).instances[0];
    assert.deepEqual(b.instances[0], one);
    const tail = json(await req(s, `${MP}?offset=4&limit=1000`));
    assert.deepEqual([tail.instance_num, tail.instances.map((i) => i.instance_id)], [5, [PICKS[4]]]);
  });

  test("DcsClient.listAllInstances and listFleetTasks through it: exactly the allowed instances, paged consistently", async () => {
    const client = new DcsClient({ endpoint: s.url, projectId: P, retries: 0 });
    const pages = [];
    const all = [];
    for await (const i of client.listAllInstances({ pageSize: 2 })) all.push(i.instanceId);
    assert.deepEqual(all, PICKS);
    for (const offset of [0, 2, 4]) pages.push((await client.listInstances({ offset, limit: 2 })).instanceCount);
    assert.deepEqual(pages, [5, 5, 5]);
    const entries = [];
    for await (const e of client.listFleetTasks({}, { concurrency: 3 })) entries.push(e);
    assert.deepEqual(entries.map((e) => e.instance.instanceId).sort(), [...PICKS].sort());
    for (const e of entries) {
      assert.equal(e.error, undefined, JSON.stringify(e.error));
      // `fl{k}-n{T}`: exactly T tasks
      assert.equal(e.tasks.length, Number(/-n(\d+)/.exec(e.instance.instanceId)[1]));
    }
    client.free();
  });
});
