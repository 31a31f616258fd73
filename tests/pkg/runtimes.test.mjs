// The packed package in Node 22, Node 24 and Bun (the machine's Node 20, Deno, workerd and
// Chromium: node.test.mjs, deno.test.mjs, workerd.test.mjs, browser.test.mjs). The script of
// node.test.mjs (the checks every runtime runs: checks.js of helpers.mjs; listTasks,
// listAllTasks, watchTaskProgress, the fleet, errors) run by each binary, importing `dcs-tasks`
// by name from tests/runtimes/node_modules (tests/proxy/runtimes.mjs install(): the tarball of
// pkg/, extracted there). A missing runtime fails, never skips.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { writeChecks, assertChecks, run, lastJson, startMock } from "./helpers.mjs";
import { install, appsDir, BIN, requireBin } from "../proxy/runtimes.mjs";

// node.test.mjs's main.js: import without await, the sync checks, then the mock.
const MAIN = `import { readFileSync } from "node:fs";
import { buildListTasksRequest, signRequest, parseListTasksResponse, parseListInstancesResponse, knownValues, DcsClient } from "dcs-tasks";
import * as ns from "dcs-tasks";
import { syncChecks, asyncChecks } from "./checks.js";
const api = { buildListTasksRequest, signRequest, parseListTasksResponse, parseListInstancesResponse, knownValues, DcsClient };
// No await before use: the package is ready when the import resolves.
const out = { sync: syncChecks(api, readFileSync("seed.json", "utf8")), exports: Object.keys(ns).sort() };
out.resolved = import.meta.resolve("dcs-tasks");
out.async = await asyncChecks(api, process.argv[2]);
console.log(JSON.stringify(out));
`;

const RUNTIMES = [
  { name: "node22", cmd: BIN.node22, args: ["main.js"] },
  { name: "node24", cmd: BIN.node24, args: ["main.js"] },
  { name: "bun", cmd: BIN.bun, args: ["main.js"] },
];

for (const rt of RUNTIMES) {
  test(`${rt.name}: the package by name from tests/runtimes/node_modules; parse, build, sign, errors; list, listAll, watch, fleet against the mock`, async () => {
    requireBin(rt.cmd);
    install();
    const dir = join(appsDir, `pkg-${rt.name}`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "package.json"), JSON.stringify({ name: `consumer-${rt.name}`, private: true, type: "module" }));
    writeChecks(dir);
    writeFileSync(join(dir, "main.js"), MAIN);
    const mock = await startMock({ port: 0 });
    try {
      const t0 = performance.now();
      const r = await run(rt.cmd, [...rt.args, mock.url], { cwd: dir, env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: "1" } });
      const out = lastJson(r, `${rt.name} main.js`);
      console.log(`${rt.name}: ${r.code === 0 ? "passed its checks run" : "failed"} in ${(performance.now() - t0).toFixed(0)} ms`);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr, "", "no warnings on stderr");
      assertChecks(out, rt.name);
      assert.match(out.resolved, /\/tests\/runtimes\/node_modules\/dcs-tasks\/index\.js$/, "the zero-configuration entry, installed from the tarball");
      for (const name of ["buildListTasksRequest", "signRequest", "parseListTasksResponse", "DcsClient"]) {
        assert.ok(out.exports.includes(name), `exports ${name}`);
      }
      assert.ok(!out.exports.includes("default"), "no default export");
    } finally {
      await mock.close();
    }
  });
}
