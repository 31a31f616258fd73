// Bytes and time bounded while they arrive (issue 32, findings 2 and 3), written as the attacks:
// a hostile upstream (DCS_ENDPOINT) streaming a body with no Content-Length, a gzip body that
// inflates a thousand times, a Content-Length that lies; `all=1` over pages that each fit the
// per-answer cap but not together, and over slow pages. The proxy (real workerd) must stop
// reading at its caps (MAX_UPSTREAM_BYTES for one answer, MAX_REQUEST_BYTES for all the answers
// of one request) and at its one deadline (REQUEST_TIMEOUT_MS), answer a JSON error naming the
// variable, and keep its memory (workerd's RSS) within a small multiple of the cap. The client
// (DcsClient, the package in this Node) stops the same way at its own 32 MiB cap.
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import net from "node:net";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { PROJECT, PROXY_TOKEN, stack, closeAll, req, errorBody, mirrorBase } from "./helpers.mjs";
import { root } from "../../scripts/stack.mjs";

const M = mirrorBase();
const MiB = 1024 * 1024;
const auth = { Authorization: `Bearer ${PROXY_TOKEN}` };

/** A task list page of `n` tasks, each carrying `pad` bytes, out of `total`. */
function page(n, total, pad, from = 0) {
  const tasks = Array.from({ length: n }, (_, i) => ({
    id: `t${from + i}`, name: "Modify", status: "SUCCESS", params: "x".repeat(pad),
    created_at: "2024-06-30T10:05:58.372Z",
  }));
  return JSON.stringify({ task_count: total, tasks });
}

/** The hostile upstream: the instance ID in the path chooses the attack; `written` counts the
 * bytes it managed to send for each. */
function hostileUpstream() {
  const written = {};
  const bomb = gzipSync(Buffer.alloc(64 * MiB, 0x20)); // ~64 KiB that inflate to 64 MiB
  const server = http.createServer((rq, rs) => {
    const u = new URL(rq.url, "http://h");
    const inst = u.pathname.split("/")[4] || "";
    written[inst] ??= 0;
    rs.on("error", () => {});
    const json = { "Content-Type": "application/json", "X-Request-Id": "0123456789abcdef0123456789abcdef" };
    switch (inst) {
      case "stream": { // 256 MiB, chunked, no Content-Length
        rs.writeHead(200, json);
        rs.write('{"task_count":1,"tasks":[');
        const chunk = Buffer.alloc(64 * 1024, 0x20);
        let left = 256 * MiB;
        const pump = () => {
          while (left > 0) {
            left -= chunk.length;
            written[inst] += chunk.length;
            if (!rs.write(chunk)) return rs.once("drain", pump);
          }
          rs.end("]}");
        };
        rq.socket.on("close", () => { left = 0; });
        return pump();
      }
      case "bomb": // a 64 KiB gzip body inflating to 64 MiB of spaces
        rs.writeHead(200, { ...json, "Content-Encoding": "gzip", "Content-Length": bomb.length });
        written[inst] += bomb.length;
        return rs.end(bomb);
      case "pages": { // 20 pages of ~700 KiB, each under the per-answer cap
        const offset = Number(u.searchParams.get("offset") ?? 0);
        const body = page(1000, 20000, 700, offset);
        written[inst] += body.length;
        rs.writeHead(200, { ...json, "Content-Length": Buffer.byteLength(body) });
        return rs.end(body);
      }
      case "slow": { // every page answered after 400 ms
        const offset = Number(u.searchParams.get("offset") ?? 0);
        const body = page(1000, 20000, 10, offset);
        return setTimeout(() => {
          written[inst] += body.length;
          rs.writeHead(200, { ...json, "Content-Length": Buffer.byteLength(body) });
          rs.end(body);
        }, 400);
      }
      default:
        rs.writeHead(404, json);
        return rs.end('{"error_code":"DCS.4404","error_msg":"no"}');
    }
  });
  // A Content-Length that lies: 100 declared, 64 MiB sent (a raw socket: node:http would not).
  const liar = net.createServer((c) => {
    c.once("data", () => {
      c.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\nConnection: close\r\n\r\n");
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      let n = 0;
      const pump = () => { while (n < 1024) { n++; if (!c.write(chunk)) return c.once("drain", pump); } c.end(); };
      c.on("error", () => {});
      pump();
    });
  });
  const listen = (s) => new Promise((r) => s.listen(0, "127.0.0.1", () => r(s.address().port)));
  return {
    written, server, liar,
    listen: async () => ({ port: await listen(server), liarPort: await listen(liar) }),
    close: () => Promise.all([new Promise((r) => server.close(r)), new Promise((r) => liar.close(r))]),
  };
}

/** workerd's resident memory, MiB. */
function rssMiB(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return Number(m[1]) / 1024;
}

describe("bounds while bytes arrive, and one deadline per request (hostile upstream)", () => {
  let s;
  let up;
  let ports;
  before(async () => {
    up = hostileUpstream();
    ports = await up.listen();
    s = await stack({
      env: {
        DCS_ENDPOINT: `http://127.0.0.1:${ports.port}`, PROXY_TOKEN,
        MAX_UPSTREAM_BYTES: String(1 * MiB), MAX_REQUEST_BYTES: String(2 * MiB), REQUEST_TIMEOUT_MS: "1500",
      },
    });
  });
  after(async () => {
    await closeAll();
    await up?.close();
  });

  test("a 256 MiB chunked body with no Content-Length: 502 UPSTREAM_TOO_LARGE at 1 MiB, the rest never downloaded, RSS bounded", async () => {
    const rss0 = rssMiB(s.child.pid);
    for (const path of [`${M}/stream/tasks`, "/api/instances/stream/tasks"]) {
      const t0 = Date.now();
      const r = await req(s, path, { headers: auth });
      const b = errorBody(r, assert, { status: 502, code: "UPSTREAM_TOO_LARGE" });
      assert.match(b.message, /1048576-byte limit/);
      assert.ok(Date.now() - t0 < 10_000, `took ${Date.now() - t0} ms`);
    }
    const rss1 = rssMiB(s.child.pid);
    console.log(`workerd RSS ${rss0.toFixed(0)} -> ${rss1.toFixed(0)} MiB; upstream wrote ${(up.written.stream / MiB).toFixed(1)} MiB of 2 x 256`);
    assert.ok(rss1 - rss0 < 64, `workerd grew ${(rss1 - rss0).toFixed(0)} MiB`);
    assert.ok(up.written.stream < 64 * MiB, `the upstream sent ${up.written.stream} bytes: the read did not stop`);
  });

  test("a 64 KiB gzip body inflating to 64 MiB: counted after decompression, 502 UPSTREAM_TOO_LARGE, RSS bounded", async () => {
    const rss0 = rssMiB(s.child.pid);
    const r = await req(s, "/api/instances/bomb/tasks", { headers: auth });
    errorBody(r, assert, { status: 502, code: "UPSTREAM_TOO_LARGE" });
    const rss1 = rssMiB(s.child.pid);
    console.log(`gzip bomb: workerd RSS ${rss0.toFixed(0)} -> ${rss1.toFixed(0)} MiB`);
    assert.ok(rss1 - rss0 < 48, `workerd grew ${(rss1 - rss0).toFixed(0)} MiB`);
  });

  test("all=1 over 20 pages of ~700 KiB (each under the cap): 502 UPSTREAM_TOO_LARGE naming MAX_REQUEST_BYTES after ~3 pages", async () => {
    const r = await req(s, "/api/instances/pages/tasks?all=1", { headers: auth });
    const b = errorBody(r, assert, { status: 502, code: "UPSTREAM_TOO_LARGE" });
    assert.match(b.message, /MAX_REQUEST_BYTES \(2097152 bytes in all\)/);
    // 4 pages are in flight at once: at most those, never the 20
    assert.ok(up.written.pages <= 8 * 720 * 1024, `upstream sent ${up.written.pages} bytes`);
    const line = s.logs.filter((l) => l.includes("/api/instances/pages/tasks")).pop();
    assert.ok(JSON.parse(line).upstreamCalls <= 8, line);
  });

  test("all=1 over slow pages (400 ms each): 504 UPSTREAM_TIMEOUT naming REQUEST_TIMEOUT_MS within the one deadline", async () => {
    const t0 = Date.now();
    const r = await req(s, "/api/instances/slow/tasks?all=1", { headers: auth });
    const ms = Date.now() - t0;
    const b = errorBody(r, assert, { status: 504, code: "UPSTREAM_TIMEOUT" });
    assert.match(b.message, /REQUEST_TIMEOUT_MS \(1500 ms in all\)/);
    assert.ok(ms < 4000, `answered after ${ms} ms`);
  });

  test("the client (DcsClient in this Node) stops a 256 MiB stream at its own 32 MiB cap", async () => {
    const { DcsClient } = await import(join(root, "pkg", "index.js"));
    const before = up.written.stream;
    const c = new DcsClient({ endpoint: `http://127.0.0.1:${ports.port}`, projectId: PROJECT, auth: { token: "t" }, retries: 0 });
    await assert.rejects(c.listTasks("stream"), (e) => e.code === "INVALID_RESPONSE" && /33554432-byte limit/.test(e.message));
    const sent = up.written.stream - before;
    assert.ok(sent < 128 * MiB, `the upstream sent ${sent} bytes to the client`);
  });
});

describe("a Content-Length that lies (100 declared, 64 MiB sent)", () => {
  let up;
  let s;
  before(async () => {
    up = hostileUpstream();
    const { liarPort } = await up.listen();
    s = await stack({ env: { DCS_ENDPOINT: `http://127.0.0.1:${liarPort}`, PROXY_TOKEN, MAX_UPSTREAM_BYTES: String(1 * MiB) } });
  });
  after(async () => {
    await closeAll();
    await up?.close();
  });
  test("never more than the cap is read: an error, not 64 MiB", async () => {
    const r = await req(s, `/api/instances/liar/tasks`, { headers: auth });
    assert.ok(r.status >= 500 && r.status < 600, `${r.status} ${r.body}`);
    errorBody(r, assert);
    assert.ok(r.body.length < 1000);
  });
});

