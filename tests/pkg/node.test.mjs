// The packed package, installed into a fresh project, used from Node ESM.
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { freshProject, writeChecks, assertChecks, run, lastJson, startMock } from "./helpers.mjs";

test("Node ESM: import without await; parse the seed, build, sign, errors; list from the mock", async () => {
  const dir = freshProject();
  writeChecks(dir);
  writeFileSync(
    join(dir, "main.js"),
    `import { readFileSync } from "node:fs";
import { buildListTasksRequest, signRequest, parseListTasksResponse, parseListInstancesResponse, knownValues, DcsClient } from "dcs-tasks";
import * as ns from "dcs-tasks";
import { syncChecks, asyncChecks } from "./checks.js";
const api = { buildListTasksRequest, signRequest, parseListTasksResponse, parseListInstancesResponse, knownValues, DcsClient };
// No await before use: the package is ready when the import resolves.
const out = { sync: syncChecks(api, readFileSync("seed.json", "utf8")), exports: Object.keys(ns).sort() };
out.resolved = import.meta.resolve("dcs-tasks");
out.async = await asyncChecks(api, process.argv[2]);
console.log(JSON.stringify(out));
`,
  );
  const mock = await startMock({ port: 0 });
  try {
    const r = await run(process.execPath, ["main.js", mock.url], { cwd: dir });
    const out = lastJson(r, "node main.js");
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, "", "no warnings on stderr");
    assertChecks(out, "Node");
    assert.match(out.resolved, /\/node_modules\/dcs-tasks\/index\.js$/, "the zero-configuration entry");
    for (const name of ["buildListTasksRequest", "signRequest", "parseListTasksResponse", "DcsClient"]) {
      assert.ok(out.exports.includes(name), `exports ${name}`);
    }
    assert.ok(!out.exports.includes("default"), "no default export (the types declare none)");
  } finally {
    await mock.close();
  }
  const pj = JSON.parse(readFileSync(join(dir, "node_modules/dcs-tasks/package.json"), "utf8"));
  assert.equal(pj.name, "dcs-tasks");
});
