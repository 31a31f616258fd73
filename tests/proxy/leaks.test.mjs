// ALLOWED_INSTANCES leaks nothing of the hidden instances (issue 32, finding 1), written as the
// attack: an upstream whose instance list holds hidden instances with quirks of their own (an
// unknown status and engine, a port sent as a string, unknown fields, a secret name), around
// allowed instances with quirks too, behind a proxy with ALLOWED_INSTANCES and
// PUBLIC_ACCESS=read asked anonymously. No answer of /api/instances (one page, all=1, paging, a
// name filter) or of the ListInstances mirror carries a hidden instance's ID, name, values,
// position or count, and a name filter matching only hidden instances answers exactly as one
// matching nothing (the oracle).
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { stack, closeAll, req, json, mirrorBase } from "./helpers.mjs";

const M = mirrorBase();
const SECRETS = ["h-secret-1", "h-secret-2", "h-secret-3", "SECRET-NAME", "SECRET-TWO", "WEIRD", "Tair?", "secret_field", "6390"];

/** The upstream's instances: hidden ones (h-*) with quirks between allowed ones (a-*). */
const INSTANCES = [
  { instance_id: "h-secret-1", name: "SECRET-NAME", status: "WEIRD", port: "6390", secret_field: 1 },
  { instance_id: "a-orders-01", name: "orders", status: "RUNNING", port: "6379" },
  { instance_id: "h-secret-2", name: "SECRET-TWO", status: "RUNNING", engine: "Tair?" },
  { instance_id: "a-carts-002", name: "carts", status: "STRANGE" },
  { instance_id: "h-secret-3", name: "SECRET-3", status: "ODD", capacity: "2" },
];

/** ListInstances with offset, limit and a name filter; `instance_num` sent as a string. */
function upstream() {
  const server = http.createServer((rq, rs) => {
    const u = new URL(rq.url, "http://h");
    const name = u.searchParams.get("name");
    const all = INSTANCES.filter((i) => !name || i.name.toLowerCase().includes(name.toLowerCase()));
    const offset = Number(u.searchParams.get("offset") ?? 0);
    const limit = Number(u.searchParams.get("limit") ?? 10);
    const body = JSON.stringify({ instance_num: String(all.length), instances: all.slice(offset, offset + limit) });
    rs.writeHead(200, { "Content-Type": "application/json", "X-Request-Id": "0123456789abcdef0123456789abcdef" });
    rs.end(body);
  });
  return {
    listen: () => new Promise((r) => server.listen(0, "127.0.0.1", () => r(server.address().port))),
    close: () => new Promise((r) => server.close(r)),
  };
}

function assertNoSecret(r, what) {
  for (const s of SECRETS) assert.ok(!r.body.includes(s), `${what}: ${s} in ${r.body}`);
}

describe("ALLOWED_INSTANCES: nothing of a hidden instance leaves the proxy (anonymous, PUBLIC_ACCESS=read)", () => {
  let s;
  let up;
  before(async () => {
    up = upstream();
    const port = await up.listen();
    s = await stack({
      env: { DCS_ENDPOINT: `http://127.0.0.1:${port}`, PUBLIC_ACCESS: "read", TRUST_LOOPBACK: "false",
        ALLOWED_INSTANCES: "a-orders-01,a-carts-002" },
    });
  });
  after(async () => {
    await closeAll();
    await up?.close();
  });

  test("/api/instances, all=1 and a window: the allowed instances, their own warnings at their place, nothing else", async () => {
    for (const q of ["", "?all=1", "?limit=1000"]) {
      const r = await req(s, `/api/instances${q}`);
      assert.equal(r.status, 200, r.body);
      assertNoSecret(r, q);
      const b = json(r);
      assert.equal(b.instanceCount, 2);
      assert.deepEqual(b.instances.map((i) => i.instanceId), ["a-orders-01", "a-carts-002"]);
      assert.deepEqual(b.warnings.map((w) => w.path).sort(), ["instances[0].port", "instances[1].status"]);
    }
    const r = await req(s, "/api/instances?offset=1&limit=1");
    assertNoSecret(r, "window");
    const b = json(r);
    assert.deepEqual(b.instances.map((i) => i.instanceId), ["a-carts-002"]);
    assert.deepEqual(b.warnings.map((w) => [w.code, w.path]), [["unknown_value", "instances[0].status"]]);
  });

  test("a name filter matching only hidden instances answers exactly as one matching nothing", async () => {
    const hidden = await req(s, "/api/instances?name=SECRET-NA");
    const nothing = await req(s, "/api/instances?name=NOTHING-XY");
    assert.equal(hidden.status, 200);
    assert.equal(hidden.body, nothing.body);
    assert.equal(hidden.headers.etag, nothing.headers.etag);
    assert.deepEqual(json(hidden), { instanceCount: 0, instances: [], warnings: [] });
    const allHidden = await req(s, "/api/instances?name=SECRET&all=1");
    assert.deepEqual(json(allHidden), { instanceCount: 0, instances: [], warnings: [] });
  });

  test("the ListInstances mirror: the allowed instance objects only, instance_num counting them", async () => {
    for (const q of ["", "?name=SECRET", "?offset=1&limit=1"]) {
      const r = await req(s, `${M}${q}`);
      assert.equal(r.status, 200, r.body);
      assertNoSecret(r, `mirror ${q}`);
    }
    const b = json(await req(s, M));
    assert.equal(b.instance_num, 2);
    assert.deepEqual(b.instances.map((i) => i.instance_id), ["a-orders-01", "a-carts-002"]);
  });
});
