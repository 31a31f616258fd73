// Memory soak in real workerd (issue 13): 5,000 `all=1` requests through the edge proxy
// and 5,000 `listTasks` calls from a worker using the library, against the mock DCS. The
// wasm memory after 5,000 must be within 1 MiB of the memory after 500 (printed): nothing
// per call or per page may stay behind (workerd has no FinalizationRegistry by default).
import { test } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { join } from "node:path";
import { startStack, root } from "../../scripts/stack.mjs";

const N = Number(process.env.SOAK_N || 5000);
const WARM = N / 10;
const MiB = 1024 * 1024;

function get(agent, port, path) {
  return new Promise((resolve, reject) => {
    const r = http.request({ host: "127.0.0.1", port, path, agent }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString() }));
    });
    r.on("error", reject);
    r.end();
  });
}

test(`workerd soak: ${N} all=1 proxy requests and ${N} listTasks calls keep wasm memory flat`, { timeout: 600000 }, async () => {
  const logs = [];
  const pkg = (f) => join(root, "pkg", f);
  const s = await startStack({
    port: 0,
    quiet: true,
    logs,
    worker: join(root, "tests", "soak", "worker.js"),
    modules: [
      { name: "dcs-tasks/dcs_tasks.js", path: pkg("dcs_tasks.js") },
      { name: "dcs-tasks/dcs_tasks_bg.wasm", path: pkg("dcs_tasks_bg.wasm"), wasm: true },
    ],
  });
  const port = Number(new URL(s.url).port);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  try {
    const memory = async () => JSON.parse((await get(agent, port, "/__soak/memory")).body);
    // all=1 through the proxy: 8 at a time.
    const all = async (n) => {
      let next = 0;
      const worker = async () => {
        while (next < n) {
          next++;
          const r = await get(agent, port, "/api/instances/soak-n12/tasks?all=1&limit=5");
          assert.equal(r.status, 200, r.body);
          assert.equal(JSON.parse(r.body).tasks.length, 12);
        }
      };
      await Promise.all(Array.from({ length: 8 }, worker));
    };
    await all(WARM);
    const proxyWarm = (await memory()).proxy;
    await all(N - WARM);
    const proxyEnd = (await memory()).proxy;
    // listTasks from a worker using the library: batches of 500 calls per request.
    const list = async (n) => {
      let last;
      for (let done = 0; done < n; done += 500) {
        const r = await get(agent, port, `/__soak/list?instance=soak-n5&n=${Math.min(500, n - done)}`);
        assert.equal(r.status, 200, r.body);
        last = JSON.parse(r.body);
        assert.equal(last.tasks, Math.min(500, n - done) * 5);
      }
      return last.lib;
    };
    const libWarm = await list(WARM);
    const libEnd = await list(N - WARM);
    console.log(`soak: proxy wasm memory after ${WARM} all=1 requests ${proxyWarm} B, after ${N} ${proxyEnd} B (+${proxyEnd - proxyWarm} B)`);
    console.log(`soak: library wasm memory after ${WARM} listTasks calls ${libWarm} B, after ${N} ${libEnd} B (+${libEnd - libWarm} B)`);
    assert.ok(proxyEnd - proxyWarm <= MiB, `proxy memory grew by ${proxyEnd - proxyWarm} B`);
    assert.ok(libEnd - libWarm <= MiB, `library memory grew by ${libEnd - libWarm} B`);
    assert.ok(!logs.some((l) => /uncaught|error/i.test(l) && !/^\{/.test(l)), `workerd logged an error:\n${logs.slice(-20).join("\n")}`);
  } finally {
    agent.destroy();
    await s.close();
  }
});
