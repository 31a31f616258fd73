// The packed package, installed into a fresh project, used from a workerd worker (npm
// `workerd`, the Cloudflare Workers runtime). Two workers in one workerd:
//  - "bare": the worker imports the bare name "dcs-tasks"; the config names the package's
//    workerd.js module "dcs-tasks" and its siblings "dcs_tasks.js" / "dcs_tasks_bg.wasm", which
//    is where workerd resolves the entry's relative imports ("./x" from "dcs-tasks" is "x");
//  - "paths": every module named by its path in the project, the worker importing
//    "./node_modules/dcs-tasks/workerd.js" (what a bundler's output keeps).
// Each worker uses the package at module scope (no await: workers forbid top-level I/O
// anyway), and its fetch handler runs the checks: the seed from a text binding, the mock's
// URL from another.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { freshProject, writeChecks, assertChecks, startMock, freePort, bin } from "./helpers.mjs";

const WORKER = (entry) => `import { buildListTasksRequest, signRequest, parseListTasksResponse, parseListInstancesResponse, knownValues, DcsClient } from ${JSON.stringify(entry)};
import { syncChecks, asyncChecks } from "./checks.js";
const api = { buildListTasksRequest, signRequest, parseListTasksResponse, parseListInstancesResponse, knownValues, DcsClient };
// Usable at module scope, right after the import.
const atImport = parseListTasksResponse('{"task_count": 0, "tasks": []}').taskCount;
export default {
  async fetch(request, env) {
    const out = { atImport };
    try {
      out.sync = syncChecks(api, env.SEED);
      out.async = await asyncChecks(api, env.MOCK_URL);
    } catch (e) {
      out.error = String(e && e.stack || e);
    }
    return Response.json(out);
  },
};
`;

function config({ port1, port2, mockUrl }) {
  const s = JSON.stringify;
  const bindings = `bindings = [ (name = "SEED", text = embed "seed.json"), (name = "MOCK_URL", text = ${s(mockUrl)}) ],
  compatibilityDate = "2025-01-01",
  globalOutbound = "net",`;
  // One worker: the package's three files under the module names `name(file)` gives.
  const worker = (id, entry, name) => `const ${id} :Workerd.Worker = (
  modules = [
    (name = "worker.js", esModule = embed "${entry}"),
    (name = "checks.js", esModule = embed "checks.js"),
${["workerd.js", "dcs_tasks.js", "dcs_tasks_bg.wasm"].map((f) =>
    `    (name = ${s(name(f))}, ${f.endsWith(".wasm") ? "wasm" : "esModule"} = embed "node_modules/dcs-tasks/${f}"),`).join("\n")}
  ],
  ${bindings}
);`;
  return `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "bare", worker = .bare),
    (name = "paths", worker = .paths),
    (name = "net", network = (allow = ["local"])),
  ],
  sockets = [
    (name = "bare", address = ${s(`127.0.0.1:${port1}`)}, http = (), service = "bare"),
    (name = "paths", address = ${s(`127.0.0.1:${port2}`)}, http = (), service = "paths"),
  ],
);

# Paths are relative to this file (the consumer project).
${worker("bare", "worker-bare.js", (f) => f === "workerd.js" ? "dcs-tasks" : f)}
${worker("paths", "worker-paths.js", (f) => `node_modules/dcs-tasks/${f}`)}
`;
}

async function getJson(url, child, logs, ms = 20000) {
  const deadline = Date.now() + ms;
  let last;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`workerd exited (${child.exitCode}):\n${logs.join("")}`);
    try {
      const r = await fetch(url);
      const text = await r.text();
      return { status: r.status, body: JSON.parse(text), text };
    } catch (e) {
      last = e.message;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`workerd did not answer ${url} within ${ms} ms (last: ${last}):\n${logs.join("")}`);
}

test("workerd: a worker project importing the installed package; seed and mock listing", async () => {
  const dir = freshProject("dcs-tasks-workerd-");
  writeChecks(dir);
  writeFileSync(join(dir, "worker-bare.js"), WORKER("dcs-tasks"));
  writeFileSync(join(dir, "worker-paths.js"), WORKER("./node_modules/dcs-tasks/workerd.js"));
  const mock = await startMock({ port: 0 });
  const port1 = await freePort();
  const port2 = await freePort();
  writeFileSync(join(dir, "config.capnp"), config({ port1, port2, mockUrl: mock.url }));
  const logs = [];
  const child = spawn(bin("workerd"), ["serve", "config.capnp"], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout.on("data", (d) => logs.push(String(d)));
  child.stderr.on("data", (d) => logs.push(String(d)));
  try {
    for (const [label, port] of [["workerd (bare 'dcs-tasks')", port1], ["workerd (module paths)", port2]]) {
      const r = await getJson(`http://127.0.0.1:${port}/`, child, logs);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.body.error, undefined, `${label}: ${r.body.error}`);
      assert.equal(r.body.atImport, 0, `${label}: usable at module scope`);
      assertChecks(r.body, label);
    }
    assert.ok(!/error|uncaught/i.test(logs.join("")), `workerd logged an error:\n${logs.join("")}`);
  } finally {
    if (child.exitCode === null) {
      child.kill("SIGTERM");
      await new Promise((r) => {
        const t = setTimeout(() => { child.kill("SIGKILL"); r(); }, 3000);
        child.once("exit", () => { clearTimeout(t); r(); });
      });
    }
    await mock.close();
  }
});
