// The packed package, installed into a fresh project, used from Node ESM.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { writeFileSync, readFileSync, copyFileSync } from "node:fs";
import { join } from "node:path";
import { freshProject, root } from "./helpers.mjs";

test("Node ESM: import without await, build, sign, parse, errors", () => {
  const dir = freshProject();
  copyFileSync(join(root, "tests/fixtures/seed-example.json"), join(dir, "seed.json"));
  writeFileSync(
    join(dir, "main.mjs"),
    `
import { readFileSync } from "node:fs";
import { buildListTasksRequest, signRequest, parseListTasksResponse, DcsClient } from "dcs-tasks";
const out = {};
const req = buildListTasksRequest({ region: "cn-north-4", projectId: "0123456789abcdef0123456789abcdef",
  instanceId: "3e5c8b1a-1111-2222-3333-444455556666", offset: 0, limit: 10,
  startTime: "20200609160000", endTime: "20200617155959" });
out.url = req.url;
const signed = signRequest(req, { ak: "HPUAXXXXXXXXXXXXXXXX", sk: "SKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSK" },
  { date: new Date("2024-01-01T00:00:00Z") });
out.authorization = signed.headers.Authorization;
const list = parseListTasksResponse(readFileSync("seed.json"));
out.taskCount = list.taskCount; out.status = list.tasks[0].status; out.warnings = list.warnings.length;
try { buildListTasksRequest({ region: "cn-north-4", projectId: "p", instanceId: "../x" }); }
catch (e) { out.err = { name: e.name, code: e.code, field: e.field, isError: e instanceof Error }; }
out.client = typeof DcsClient;
console.log(JSON.stringify(out));
`,
  );
  const out = JSON.parse(execFileSync("node", ["main.mjs"], { cwd: dir, encoding: "utf8" }));
  assert.equal(out.url, "https://dcs.cn-north-4.myhuaweicloud.com/v2/0123456789abcdef0123456789abcdef/instances/3e5c8b1a-1111-2222-3333-444455556666/tasks?offset=0&limit=10&start_time=20200609160000&end_time=20200617155959");
  assert.match(out.authorization, /Signature=6d5730b7e2b3d76486b7e6e8d805ee73b8e788a5be6835f0c8c9b0775dc1a3dc$/);
  assert.equal(out.taskCount, 1);
  assert.equal(out.status, "SUCCESS");
  assert.ok(out.warnings >= 5);
  assert.deepEqual(out.err, { name: "DcsError", code: "INVALID_ARGUMENT", field: "instanceId", isError: true });
  assert.equal(out.client, "function");
  const pj = JSON.parse(readFileSync(join(dir, "node_modules/dcs-tasks/package.json"), "utf8"));
  assert.equal(pj.name, "dcs-tasks");
});
