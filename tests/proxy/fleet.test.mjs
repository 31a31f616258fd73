// The proxy's fleet routes in real workerd in front of the mock: GET /api/instances (the
// normalized InstanceList; all=1), the mirror GET /v2/{project}/instances (what the official
// SDKs' ListInstances calls), the same access rules as the other routes, ALLOWED_INSTANCES
// filtering the list (and refusing the raw mirror), and DcsClient's fleet methods through it.
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
    s = await stack({ env: { PROXY_TOKEN, ALLOWED_INSTANCES: `${DEMO_INSTANCE}, not-in-the-fleet, ${SESSIONS}` } });
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

  test("ALLOWED_INSTANCES: the raw mirror of the list is refused (403 FORBIDDEN_INSTANCE), nothing sent", async () => {
    const before0 = (await mockStats(s)).total;
    const r = await req(s, `${M}?limit=10`, { headers: bearer });
    const e = errorBody(r, assert, { status: 403, code: "FORBIDDEN_INSTANCE" });
    assert.match(e.message, /\/api\/instances/);
    assert.equal((await mockStats(s)).total, before0);
  });
});
