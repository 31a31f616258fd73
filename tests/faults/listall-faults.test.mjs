// listAllTasks over 5,000 tasks while the mock fails 20% of requests (500/502 HTML pages and
// dropped connections), answers slowly, or drops connections: across 50 seeded runs each run
// either returns every task exactly once, or fails with a clear DcsError — never a silent
// partial list. Uses the built package (pkg/index.js), as users do.
import { test } from "node:test";
import assert from "node:assert/strict";
import { startMock } from "../mock-dcs/server.mjs";
import { DcsClient } from "../../pkg/index.js";

const PROJECT = "0123456789abcdef0123456789abcdef";
const AUTH = { ak: "HPUAXXXXXXXXXXXXXXXX", sk: "SKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSK" };

async function expectedIds(mock, id) {
  const r = await fetch(`${mock.url}/__mock/tasks/${id}`);
  const j = await r.json();
  return new Set(j.tasks.map((t) => t.id));
}

async function runOnce(client, mock, id) {
  const want = await expectedIds(mock, id);
  const got = new Map();
  try {
    for await (const t of client.listAllTasks(id, { pageSize: 100 })) {
      got.set(t.id, (got.get(t.id) ?? 0) + 1);
    }
  } catch (e) {
    assert.equal(e.name, "DcsError", `not a DcsError: ${e}`);
    assert.ok(["HTTP_ERROR", "NETWORK", "TIMEOUT", "INVALID_RESPONSE"].includes(e.code), e.code);
    assert.ok(e.message.length > 10, "the error says what happened");
    return { ok: false, code: e.code };
  }
  for (const [tid, n] of got) assert.equal(n, 1, `task ${tid} delivered ${n} times`);
  assert.equal(got.size, want.size, `silent partial list: ${got.size} of ${want.size}`);
  for (const tid of want) assert.ok(got.has(tid), `missing task ${tid}`);
  return { ok: true };
}

test("listAllTasks under 20% random failures: complete or a clear error, 50 seeded runs", { timeout: 300_000 }, async () => {
  const mock = await startMock({ port: 0 });
  try {
    const client = new DcsClient({ endpoint: mock.url, projectId: PROJECT, auth: AUTH, retries: 3, timeoutMs: 20_000 });
    const tally = { ok: 0, failed: {} };
    for (let seed = 1; seed <= 50; seed++) {
      const r = await runOnce(client, mock, `soak-n5000-flaky20-s${seed}`);
      if (r.ok) tally.ok++;
      else tally.failed[r.code] = (tally.failed[r.code] ?? 0) + 1;
    }
    console.log(`flaky 20%: ${tally.ok}/50 complete, failures: ${JSON.stringify(tally.failed)}, mock served ${mock.stats.total}`);
    assert.ok(tally.ok > 0, "retries never got a complete list");
  } finally {
    await mock.close();
  }
});

test("listAllTasks with dropped connections and slow replies", { timeout: 120_000 }, async () => {
  const mock = await startMock({ port: 0 });
  try {
    const client = new DcsClient({ endpoint: mock.url, projectId: PROJECT, auth: AUTH, retries: 2, timeoutMs: 5_000 });
    // The first 2 requests drop the connection mid-body: retried, then complete.
    assert.deepEqual(await runOnce(client, mock, "soak-n5000-dropx2-a"), { ok: true });
    // Slow but within the deadline: complete.
    assert.deepEqual(await runOnce(client, mock, "soak-n1200-slow-50-a"), { ok: true });
    // Slower than the deadline: a TIMEOUT, not a partial list.
    const slow = new DcsClient({ endpoint: mock.url, projectId: PROJECT, auth: AUTH, retries: 0, timeoutMs: 300 });
    assert.deepEqual(await runOnce(slow, mock, "soak-n5000-slow-1000-a"), { ok: false, code: "TIMEOUT" });
    // Always dropping: a NETWORK error after the retries.
    assert.deepEqual(await runOnce(client, mock, "soak-n5000-drop-a"), { ok: false, code: "NETWORK" });
  } finally {
    await mock.close();
  }
});

test("listAllTasks: return() and the caller's signal abort the pages in flight", { timeout: 60_000 }, async () => {
  const mock = await startMock({ port: 0 });
  const stats = async () => (await fetch(`${mock.url}/__mock/stats`)).json();
  const aborted = async () => (await stats()).byStatus.aborted ?? 0;
  const latency = (ms) => fetch(`${mock.url}/__mock/config`, { method: "POST", body: JSON.stringify({ latencyMs: ms }) });
  const settle = () => new Promise((r) => setTimeout(r, 300));
  // Reads two pages' tasks at full speed (the first page tells the total; the second next page
  // starts the other three), then makes every request hang for 5 s and reads one more task:
  // its page has arrived, and the page requested for it to keep 4 in flight hangs.
  const intoSlowPages = async (it) => {
    for (let i = 0; i < 200; i++) assert.equal((await it.next()).done, false);
    await latency(5000);
    assert.equal((await it.next()).done, false);
  };
  try {
    const client = new DcsClient({ endpoint: mock.url, projectId: PROJECT, auth: AUTH });
    const id = "rt-n2000";
    const it = client.listAllTasks(id, { pageSize: 100 })[Symbol.asyncIterator]();
    await intoSlowPages(it);
    const before = await aborted();
    const t0 = performance.now();
    assert.deepEqual(await it.return(), { value: undefined, done: true });
    assert.ok(performance.now() - t0 < 1000, "return() does not wait for the pages in flight");
    assert.deepEqual(await it.next(), { value: undefined, done: true }, "nothing after return()");
    await settle();
    assert.ok((await aborted()) > before, "return() aborted the pages in flight");
    const served = (await stats()).byInstance[id];
    await settle();
    assert.equal((await stats()).byInstance[id], served, "no request after return()");

    await latency(0);
    const ac = new AbortController();
    const it2 = client.listAllTasks("sig-n2000", { pageSize: 100 }, { signal: ac.signal })[Symbol.asyncIterator]();
    await intoSlowPages(it2);
    const before2 = await aborted();
    ac.abort();
    await assert.rejects(() => it2.next(), (e) => e.name === "DcsError" && e.code === "ABORTED");
    await settle();
    assert.ok((await aborted()) > before2, "the caller's signal aborted the pages in flight");
    client.free();
  } finally {
    await mock.close();
  }
});
