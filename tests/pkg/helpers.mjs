// Packs pkg/ with `npm pack` and installs the tarball into a fresh temporary project,
// exactly as a user would consume the published package. Also: the checks every runtime
// runs (checks.js, written into the consumer project), their assertions, and small
// process/port helpers.
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, writeFileSync, copyFileSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import assert from "node:assert/strict";

export const root = resolve(new URL("../..", import.meta.url).pathname);
export const bin = (name) => join(root, "node_modules", ".bin", name);

export { startMock, DEFAULT_PROJECT_ID, DEFAULT_CREDENTIALS } from "../mock-dcs/server.mjs";

// Temporary folders of this process (the tarball's and the consumer projects), removed at
// exit unless KEEP_PKG_TESTS=1. Test files run in parallel processes: each packs its own copy.
const temps = [];
process.on("exit", () => {
  if (process.env.KEEP_PKG_TESTS === "1") return;
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});
function tempDir(prefix) {
  const d = mkdtempSync(join(tmpdir(), prefix));
  temps.push(d);
  return d;
}

let tarball;
export function packTarball() {
  if (tarball) return tarball;
  const out = tempDir("dcs-tasks-pack-");
  const name = execFileSync("npm", ["pack", "--silent", "--pack-destination", out], {
    cwd: join(root, "pkg"),
    encoding: "utf8",
  }).trim().split("\n").pop();
  tarball = join(out, name);
  return tarball;
}

/** A fresh project under the OS temp folder with the tarball installed; returns its path. */
export function freshProject(prefix = "dcs-tasks-consumer-") {
  const dir = tempDir(prefix);
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
  execFileSync("npm", ["install", "--no-audit", "--no-fund", "--offline", packTarball()], { cwd: dir, stdio: "pipe" });
  return dir;
}

/** The seed's example body (taskCount 1, status SUCCESS hoisted, new_cahce_mode renamed). */
export const SEED_PATH = join(root, "tests", "fixtures", "seed-example.json");

// The checks, as a plain ES module every runtime can load (no Node, DOM or Deno API).
// `syncChecks` runs right after the import, before any `await` of the consumer's own:
// it proves the package is usable at import time. `asyncChecks` lists tasks from the mock.
const CHECKS_JS = `// Written by tests/pkg/helpers.mjs: the checks every runtime runs on the installed package.
const PROJECT = ${JSON.stringify("0123456789abcdef0123456789abcdef")};
const AK = ${JSON.stringify("HPUAXXXXXXXXXXXXXXXX")};
const SK = ${JSON.stringify("SKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSK")};

function err(f) {
  try { f(); return null; } catch (e) {
    const o = { isError: e instanceof Error, name: e.name, code: e.code, field: e.field, path: e.path };
    for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
    return o;
  }
}

export function syncChecks(api, seedText) {
  const { buildListTasksRequest, signRequest, parseListTasksResponse } = api;
  const list = parseListTasksResponse(seedText);
  const t = list.tasks[0];
  const out = {
    seed: {
      taskCount: list.taskCount, tasks: list.tasks.length, id: t.id, name: t.name, status: t.status,
      createdAt: t.createdAt, updatedAt: t.updatedAt, details: t.details,
      warnings: list.warnings.map((w) => w.code + " " + w.path).sort(),
    },
    seedBytes: parseListTasksResponse(new TextEncoder().encode(seedText)).taskCount,
    seedStrict: err(() => parseListTasksResponse(seedText, { strict: true })),
  };
  const req = buildListTasksRequest({ region: "cn-north-4", projectId: PROJECT,
    instanceId: "3e5c8b1a-1111-2222-3333-444455556666", offset: 0, limit: 10,
    startTime: "20200609160000", endTime: "20200617155959" });
  out.url = req.url;
  // Only whether the signature is the expected one leaves this module: test output is
  // grepped for signatures (scripts/check-secrets.sh).
  const auth = signRequest(req, { ak: AK, sk: SK }, { date: new Date("2024-01-01T00:00:00Z") }).headers.Authorization;
  out.authorization = auth.replace(/Signature=[0-9a-f]{64}$/, "Signature=<64 hex>");
  out.signatureOk = auth.endsWith("Signature=6d5730b7e2b3d76486b7e6e8d805ee73b8e788a5be6835f0c8c9b0775dc1a3dc");
  out.badArgument = err(() => buildListTasksRequest({ region: "cn-north-4", projectId: PROJECT, instanceId: "../x" }));
  out.badBody = err(() => parseListTasksResponse('{"task_count": 1, "tasks": {}}'));
  out.known = api.knownValues();
  // Option objects are strict: a typo is refused by name, a wrong type names its field.
  const base = { region: "cn-north-4", projectId: PROJECT, instanceId: "i-1" };
  const cred = { ak: AK, sk: SK };
  out.unknownKeys = [
    err(() => buildListTasksRequest({ ...base, limt: 5 })),
    err(() => signRequest(req, { ...cred, skk: "x" })),
    err(() => signRequest(req, cred, { dat: new Date() })),
    err(() => parseListTasksResponse(seedText, { strict: true, strcit: true })),
    err(() => new api.DcsClient({ region: "cn-north-4", projectId: PROJECT, retrys: 3 })),
    err(() => new api.DcsClient({ region: "cn-north-4", projectId: PROJECT, auth: { token: "t", tokn: "t" } })),
    err(() => new api.DcsClient({ region: "cn-north-4", projectId: PROJECT }).listAllTasks("i-1", { pagesize: 5 })),
    err(() => new api.DcsClient({ region: "cn-north-4", projectId: PROJECT }).listAllTasks("i-1", {}, { onpage: () => {} })),
  ].map((e) => e && e.code + " " + e.field);
  out.wrongTypes = [
    err(() => buildListTasksRequest({ ...base, limit: true })),
    err(() => buildListTasksRequest({ ...base, startTime: true })),
    err(() => signRequest(req, { ak: AK, sk: 5 })),
    err(() => signRequest(req, cred, { date: "2024-01-01" })),
    err(() => parseListTasksResponse(seedText, { strict: "yes" })),
    err(() => new api.DcsClient({ region: "cn-north-4", projectId: PROJECT, strict: 1 })),
    err(() => new api.DcsClient({ region: "cn-north-4", projectId: PROJECT, timeoutMs: {} })),
    err(() => new api.DcsClient({ region: "cn-north-4", projectId: PROJECT, fetch: "fetch" })),
    err(() => new api.DcsClient({ region: "cn-north-4", projectId: PROJECT, auth: { token: 5 } })),
    err(() => new api.DcsClient({ region: "cn-north-4", projectId: PROJECT, headers: { "X-A": 1 } })),
    err(() => new api.DcsClient({ region: "cn-north-4", projectId: PROJECT }).listAllTasks("i-1", { pageSize: [10] })),
    err(() => new api.DcsClient({ region: "cn-north-4", projectId: PROJECT }).listAllTasks("i-1", {}, { signal: {} })),
  ].map((e) => e && e.code + " " + e.field);
  return out;
}

export async function asyncChecks(api, mockUrl) {
  const { DcsClient } = api;
  const client = new DcsClient({ endpoint: mockUrl, projectId: PROJECT, auth: { ak: AK, sk: SK } });
  const page = await client.listTasks("n25", { limit: 10 });
  const out = { list: { taskCount: page.taskCount, ids: page.tasks.map((t) => t.id),
    warnings: page.warnings.length, statuses: [...new Set(page.tasks.map((t) => t.status))].sort() } };
  const ids = [];
  const pages = [];
  for await (const task of client.listAllTasks("n25", { pageSize: 10 },
    { onPage: (p) => pages.push([p.fetched, p.total]) })) ids.push(task.id);
  out.all = { ids, pages };
  const bad = new DcsClient({ endpoint: mockUrl, projectId: PROJECT, auth: { ak: AK, sk: "wrong" }, retries: 0 });
  try {
    await bad.listTasks("n25");
    out.httpError = null;
  } catch (e) {
    out.httpError = { isError: e instanceof Error, name: e.name, code: e.code, status: e.status, errorCode: e.errorCode };
  }
  // Per-call option objects reject (the promise) by name too.
  out.callUnknownKeys = [];
  for (const p of [() => client.listTasks("n25", { limt: 5 }), () => client.listTasks("n25", {}, { signl: null }),
    () => client.showTaskProgress("n25", "t1", { sigal: null }), () => client.deleteTask("n25", "t1", { x: 1 })]) {
    try { await p(); out.callUnknownKeys.push(null); } catch (e) { out.callUnknownKeys.push(e.code + " " + e.field); }
  }
  // An injected fetch: called with the Request the library built, its Response used.
  const seen = [];
  const injected = new DcsClient({ endpoint: mockUrl, projectId: PROJECT, auth: { ak: AK, sk: SK },
    fetch: async (r) => {
      seen.push({ isRequest: r instanceof Request, url: r.url.endsWith("/instances/n25/tasks?limit=1"), signed: (r.headers.get("authorization") || "").startsWith("SDK-HMAC-SHA256 ") });
      return new Response(JSON.stringify({ task_count: "1", tasks: [{ id: "from-injected-fetch", name: "Modify", status: "SUCCESS" }] }),
        { headers: { "content-type": "application/json" } });
    } });
  const got = await injected.listTasks("n25", { limit: 1 });
  out.injected = { seen, ids: got.tasks.map((t) => t.id) };
  client.free();
  bad.free();
  injected.free();
  out.watch = await watchChecks(api, mockUrl);
  out.fleet = await fleetChecks(api, mockUrl);
  return out;
}

// The fleet: the demo project's instances, and a fleet{N} project of the mock (12 instances,
// 30 ms per request, instance 4's task listing failing) listed with concurrency 3.
export async function fleetChecks(api, mockUrl) {
  const { DcsClient, parseListInstancesResponse } = api;
  const auth = { ak: AK, sk: SK };
  const client = new DcsClient({ endpoint: mockUrl, projectId: PROJECT, auth });
  const out = {};
  const page = await client.listInstances({ limit: 5, name: "cache" });
  out.page = { count: page.instanceCount, n: page.instances.length, warnings: page.warnings.length,
    names: page.instances.map((i) => i.name), first: page.instances[0] };
  const all = [];
  for await (const i of client.listAllInstances({ pageSize: 7 })) all.push(i.instanceId);
  out.all = { n: all.length, unique: new Set(all).size, first: all[0] };
  const frozen = [];
  for await (const i of client.listAllInstances({ status: "FROZEN" })) frozen.push(i.status);
  out.frozen = frozen;
  const project = "fleet12-slow30-fail4";
  const fc = new DcsClient({ endpoint: mockUrl, projectId: project, auth, retries: 1 });
  await mockControl(mockUrl, "reset", {});
  const progress = [];
  const entries = [];
  for await (const e of fc.listFleetTasks({ startTime: 0 }, { concurrency: 3, onInstance: (p) => progress.push([p.done, p.total]) })) {
    entries.push({ id: e.instance.instanceId, tasks: e.tasks.length, taskIds: new Set(e.tasks.map((t) => t.id)).size,
      error: e.error ? [e.error instanceof Error, e.error.name, e.error.code, e.error.status].join(" ") : null,
      wire: Number(/-n(\\d+)/.exec(e.instance.instanceId)[1]) });
  }
  const stats = await mockControl(mockUrl, "stats");
  out.fleet = { n: entries.length, unique: new Set(entries.map((e) => e.id)).size,
    errors: entries.filter((e) => e.error).map((e) => e.id.split("-")[0] + " " + e.error),
    countsAgree: entries.filter((e) => !e.error).every((e) => e.tasks === e.wire && e.taskIds === e.wire),
    progress, maxInFlight: stats.maxListsInFlightByProject[project] };
  const ac = new AbortController();
  const it = fc.listFleetTasks({}, { signal: ac.signal, concurrency: 2 });
  const first = await it.next();
  ac.abort();
  let abortErr = null;
  try { await it.next(); } catch (e) { abortErr = e.name + " " + e.code; }
  out.abort = { first: first.done === false && typeof first.value.instance.instanceId === "string", err: abortErr,
    after: (await it.next()).done };
  // return() while a next() waits: that next() ends the iteration too.
  const it2 = fc.listFleetTasks({}, { concurrency: 2 });
  await it2.next();
  const waiting = it2.next();
  const ret = await it2.return();
  out.ret = { ret: ret.done, pending: (await waiting).done, next: (await it2.next()).done };
  out.badOptions = [];
  for (const [q, o] of [[{}, { concurrency: 0 }], [{}, { concurrency: 17 }], [{}, { concurrency: 1.5 }], [{}, { concurent: 2 }],
    [{ statuss: "RUNNING" }, {}], [{ status: "running" }, {}], [{}, { onInstance: 1 }], [{ startTime: "yesterday" }, {}]]) {
    try { fc.listFleetTasks(q, o); out.badOptions.push(null); } catch (e) { out.badOptions.push(e.code + " " + e.field); }
  }
  for (const f of [() => client.listAllInstances({ pageSize: 0 }), () => client.listAllInstances({ name: 5 })]) {
    try { f(); out.badOptions.push(null); } catch (e) { out.badOptions.push(e.code + " " + e.field); }
  }
  for (const q of [{ limit: 0 }, { limt: 1 }, { name: "" }]) {
    try { await client.listInstances(q); out.badOptions.push(null); } catch (e) { out.badOptions.push(e.code + " " + e.field); }
  }
  const body = '{"instance_num":"1","instances":[{"instance_id":"i","name":"n","status":"RUNNING","capacity":0,"capacity_minor":"0.125"}]}';
  const parsed = parseListInstancesResponse(body);
  out.parsed = { count: parsed.instanceCount, capacity: parsed.instances[0].capacity,
    warnings: parsed.warnings.map((w) => w.code + " " + w.path) };
  try { parseListInstancesResponse(body, { strict: true }); out.parsedStrict = null; } catch (e) { out.parsedStrict = e.code + " " + e.path; }
  client.free();
  fc.free();
  return out;
}

// watchTaskProgress against the mock: EXECUTING tasks advance 1 % every 15 ms after a reset.
async function mockControl(mockUrl, path, body) {
  const r = await fetch(mockUrl + "/__mock/" + path, body === undefined ? {} : { method: "POST", body: JSON.stringify(body) });
  return r.json();
}

// After a reset, so that it has all its way to go.
async function executingTask(mockUrl, instance) {
  await mockControl(mockUrl, "reset", {});
  const t = (await mockControl(mockUrl, "tasks/" + instance)).tasks.find((x) => x.status === "EXECUTING");
  if (!t) throw new Error("no EXECUTING task in " + instance);
  return t.id;
}

export async function watchChecks(api, mockUrl) {
  const { DcsClient } = api;
  const client = new DcsClient({ endpoint: mockUrl, projectId: PROJECT, auth: { ak: AK, sk: SK } });
  await mockControl(mockUrl, "config", { msPerPercent: 15, failRate: 0 });
  const out = {};
  // 1. To completion; the first poll meets a 503 (err503x1), which the call retries.
  const inst = "watch-busy-n6-err503x1";
  const id = await executingTask(mockUrl, inst);
  const seen = [];
  for await (const p of client.watchTaskProgress(inst, id, { intervalMs: 250 })) {
    seen.push({ progress: p.progress, steps: p.stepDetails.map((s) => s.stepStatus).join(",") });
  }
  const stats = await mockControl(mockUrl, "stats");
  out.complete = {
    yields: seen.length,
    last: seen.length ? seen[seen.length - 1].progress : null,
    nonDecreasing: seen.every((x, i) => i === 0 || x.progress >= seen[i - 1].progress),
    allChanged: seen.every((x, i) => i === 0 || x.progress !== seen[i - 1].progress || x.steps !== seen[i - 1].steps),
    requests: stats.byInstance[inst],
  };
  // 2. Abort: the caller's signal stops it at once, and so does return().
  const inst2 = "watch-busy-n6-abort";
  const id2 = await executingTask(mockUrl, inst2);
  const ac = new AbortController();
  const it = client.watchTaskProgress(inst2, id2, { intervalMs: 60000, signal: ac.signal });
  const first = await it.next();
  const t0 = Date.now();
  const pending = it.next();
  setTimeout(() => ac.abort(), 50);
  let abortErr = null;
  try { await pending; } catch (e) { abortErr = e; }
  out.abort = { first: first.done === false && typeof first.value.progress === "number",
    code: abortErr && abortErr.code, name: abortErr && abortErr.name, ms: Date.now() - t0 };
  const it3 = client.watchTaskProgress(inst2, id2, { intervalMs: 60000 });
  await it3.next();
  const t1 = Date.now();
  const waiting = it3.next();
  const ret = await it3.return();
  const after = await waiting;
  out.ret = { ret: ret.done, pending: after.done, ms: Date.now() - t1, next: (await it3.next()).done };
  // 3. An error in the middle: every request fails from the second poll on; the poll is retried
  // (retries: 2) and then surfaces as the iteration's DcsError.
  const inst3 = "watch-busy-n6-fail";
  const id3 = await executingTask(mockUrl, inst3);
  const it4 = client.watchTaskProgress(inst3, id3, { intervalMs: 250 });
  const okFirst = await it4.next();
  const before = (await mockControl(mockUrl, "stats")).byInstance[inst3];
  await mockControl(mockUrl, "config", { failRate: 1 });
  let midErr = null;
  try { await it4.next(); } catch (e) { midErr = e; }
  await mockControl(mockUrl, "config", { failRate: 0 });
  const afterErr = (await mockControl(mockUrl, "stats")).byInstance[inst3];
  out.midError = { first: okFirst.done, name: midErr && midErr.name, code: midErr && midErr.code,
    attempts: afterErr - before, ended: (await it4.next()).done };
  // Bad options are refused by name, at once.
  out.badOptions = [];
  for (const o of [{ intervalMs: 100 }, { intervalMs: 1.5 }, { interval: 1000 }, { signal: 1 }]) {
    try { client.watchTaskProgress(inst, id, o); out.badOptions.push(null); } catch (e) { out.badOptions.push(e.code + " " + e.field); }
  }
  await mockControl(mockUrl, "config", { msPerPercent: 1000 });
  client.free();
  return out;
}
`;

/** Writes checks.js (and a copy of the seed, seed.json) into a consumer project. */
export function writeChecks(dir) {
  writeFileSync(join(dir, "checks.js"), CHECKS_JS);
  copyFileSync(SEED_PATH, join(dir, "seed.json"));
  return readFileSync(SEED_PATH, "utf8");
}

/** The assertions on `{ sync: syncChecks(...), async: asyncChecks(...) }`, the same for every runtime. */
export function assertChecks(out, label) {
  const m = (s) => `${label}: ${s}`;
  const s = out.sync;
  assert.ok(s, m("no sync results"));
  assert.deepEqual(
    { taskCount: s.seed.taskCount, tasks: s.seed.tasks, status: s.seed.status, name: s.seed.name },
    { taskCount: 1, tasks: 1, status: "SUCCESS", name: "ChangeInstanceSpec" },
    m("seed example"),
  );
  assert.equal(s.seed.id, "8abf6e1e72c12e7c0172c15b508500aa", m("seed task id"));
  assert.equal(s.seed.createdAt, "2020-06-17T08:18:06.597Z", m("hoisted createdAt"));
  assert.equal(s.seed.updatedAt, "2020-06-17T08:18:10.106Z", m("hoisted updatedAt"));
  assert.deepEqual(s.seed.details, { oldCacheMode: "single", newCacheMode: "single", oldCapacity: 0.125, newCapacity: 0.25 }, m("details"));
  assert.ok(s.seed.warnings.includes("renamed_field tasks[0].details.new_cahce_mode"), m(`warnings ${s.seed.warnings}`));
  assert.ok(s.seed.warnings.some((w) => w.startsWith("hoisted_field ")), m(`warnings ${s.seed.warnings}`));
  assert.equal(s.seedBytes, 1, m("parse from bytes"));
  assert.equal(s.seedStrict?.code, "INVALID_RESPONSE", m("strict mode rejects the seed's quirks"));
  assert.equal(s.seedStrict?.name, "DcsError");
  assert.equal(s.url, "https://dcs.cn-north-4.myhuaweicloud.com/v2/0123456789abcdef0123456789abcdef/instances/3e5c8b1a-1111-2222-3333-444455556666/tasks?offset=0&limit=10&start_time=20200609160000&end_time=20200617155959", m("url"));
  assert.equal(s.authorization, "SDK-HMAC-SHA256 Access=HPUAXXXXXXXXXXXXXXXX, SignedHeaders=content-type;host;x-project-id;x-sdk-date, Signature=<64 hex>", m("Authorization"));
  assert.equal(s.signatureOk, true, m("the signature of the known vector"));
  assert.deepEqual(s.badArgument, { isError: true, name: "DcsError", code: "INVALID_ARGUMENT", field: "instanceId" }, m("bad argument"));
  assert.equal(s.badBody?.code, "INVALID_RESPONSE", m("bad body"));
  assert.equal(s.badBody?.path, "tasks", m("bad body path"));

  const a = out.async;
  assert.ok(a, m(`no async results (error: ${out.error})`));
  assert.equal(a.list.taskCount, 25, m("listTasks taskCount"));
  assert.equal(a.list.ids.length, 10, m("listTasks page size"));
  assert.equal(a.list.warnings, 0, m("the mock sends clean bodies"));
  assert.equal(a.all.ids.length, 25, m("listAllTasks count"));
  assert.equal(new Set(a.all.ids).size, 25, m("listAllTasks ids unique"));
  assert.deepEqual(a.all.ids.slice(0, 10), a.list.ids, m("listAllTasks starts with the first page"));
  assert.deepEqual(a.all.pages, [[10, 25], [20, 25], [25, 25]], m("onPage"));
  assert.deepEqual(s.known.taskStatuses, ["CREATED", "EXECUTING", "SUCCESS", "FAILED", "DELETED", "CANCELLED"], m("knownValues().taskStatuses"));
  assert.deepEqual(s.known.stepStatuses, ["FINISH", "FAILED", "EXECUTING", "WAITING"], m("knownValues().stepStatuses"));
  assert.ok(s.known.taskNames.includes("ChangeInstanceSpec") && s.known.taskNames.length >= 12, m("knownValues().taskNames"));
  assert.deepEqual(s.unknownKeys, ["INVALID_ARGUMENT limt", "INVALID_ARGUMENT cred.skk", "INVALID_ARGUMENT opts.dat",
    "INVALID_ARGUMENT opts.strcit", "INVALID_ARGUMENT retrys", "INVALID_ARGUMENT auth.tokn", "INVALID_ARGUMENT pagesize",
    "INVALID_ARGUMENT o.onpage"], m("unknown keys are refused by name"));
  assert.deepEqual(s.wrongTypes, ["INVALID_ARGUMENT limit", "INVALID_ARGUMENT startTime", "INVALID_ARGUMENT cred.sk",
    "INVALID_ARGUMENT opts.date", "INVALID_ARGUMENT opts.strict", "INVALID_ARGUMENT strict", "INVALID_ARGUMENT timeoutMs",
    "INVALID_ARGUMENT fetch", "INVALID_ARGUMENT auth.token", "INVALID_ARGUMENT headers.X-A", "INVALID_ARGUMENT pageSize",
    "INVALID_ARGUMENT o.signal"], m("wrong types name their field"));
  assert.deepEqual(a.callUnknownKeys, ["INVALID_ARGUMENT limt", "INVALID_ARGUMENT o.signl", "INVALID_ARGUMENT o.sigal",
    "INVALID_ARGUMENT o.x"], m("per-call options refuse unknown keys"));
  assert.equal(a.injected.seen.length, 1, m("the injected fetch was called once"));
  assert.deepEqual(a.injected.seen[0], { isRequest: true, url: true, signed: true }, m("with the signed Request"));
  assert.deepEqual(a.injected.ids, ["from-injected-fetch"], m("its Response was used"));
  assert.deepEqual(a.httpError, { isError: true, name: "DcsError", code: "HTTP_ERROR", status: 401, errorCode: "APIGW.0301" }, m("HTTP error"));
  const w = a.watch;
  assert.ok(w.complete.yields >= 2, m(`watch: ${JSON.stringify(w.complete)}`));
  assert.equal(w.complete.last, 100, m("the last yield is 100"));
  assert.equal(w.complete.nonDecreasing, true, m("progress never decreases"));
  assert.equal(w.complete.allChanged, true, m("only changes are yielded"));
  assert.ok(w.complete.requests >= w.complete.yields + 1, m(`the 503 was retried: ${JSON.stringify(w.complete)}`));
  assert.deepEqual({ first: w.abort.first, code: w.abort.code, name: w.abort.name }, { first: true, code: "ABORTED", name: "DcsError" }, m("abort"));
  assert.ok(w.abort.ms < 5000, m(`the signal stops the wait at once (${w.abort.ms} ms of a 60 s interval)`));
  assert.deepEqual({ ret: w.ret.ret, pending: w.ret.pending, next: w.ret.next }, { ret: true, pending: true, next: true }, m("return()"));
  assert.ok(w.ret.ms < 5000, m(`return() stops the wait at once (${w.ret.ms} ms)`));
  assert.equal(w.midError.first, false, m("the first poll answered"));
  assert.equal(w.midError.name, "DcsError", m("mid-watch error"));
  assert.ok(["HTTP_ERROR", "NETWORK"].includes(w.midError.code), m(`mid-watch error code ${w.midError.code}`));
  assert.equal(w.midError.attempts, 3, m("the failing poll was retried twice (retries: 2)"));
  assert.equal(w.midError.ended, true, m("the error ends the iteration"));
  assert.deepEqual(w.badOptions, ["INVALID_ARGUMENT o.intervalMs", "INVALID_ARGUMENT o.intervalMs", "INVALID_ARGUMENT o.interval",
    "INVALID_ARGUMENT o.signal"], m("watch options"));
  assertFleet(a.fleet, m);
}

/** The assertions on `fleetChecks`. */
export function assertFleet(f, m) {
  assert.ok(f, m("no fleet results"));
  assert.ok(f.page.count >= 6 && f.page.n === 5, m(`listInstances: ${JSON.stringify(f.page)}`));
  assert.ok(f.page.names.every((n) => n.includes("cache")), m("name filter"));
  assert.equal(f.page.warnings, 0, m("the mock's instance lists are clean"));
  const i = f.page.first;
  assert.equal(i.instanceId, "3e5c8b1a-1111-2222-3333-444455556666", m("the demo instance first"));
  assert.deepEqual([i.name, i.engine, i.status, i.capacity, i.port, typeof i.noPasswordAccess, Array.isArray(i.azCodes)],
    ["dcs-orders-cache", "Redis", "RUNNING", 2, 6379, "boolean", true], m("Instance fields"));
  assert.equal(f.all.n, f.all.unique, m("listAllInstances: no duplicates"));
  assert.ok(f.all.n >= 30, m(`listAllInstances: ${f.all.n}`));
  assert.equal(f.all.first, i.instanceId, m("listAllInstances in order"));
  assert.ok(f.frozen.length >= 2 && f.frozen.every((s) => s === "FROZEN"), m("status filter"));
  assert.equal(f.fleet.n, 12, m("every instance of the fleet once"));
  assert.equal(f.fleet.unique, 12, m("no instance twice"));
  assert.deepEqual(f.fleet.errors, ["fl4 true DcsError HTTP_ERROR 500"], m("the failing instance yields its error"));
  assert.equal(f.fleet.countsAgree, true, m("each healthy instance's tasks are all its tasks"));
  assert.deepEqual(f.fleet.progress, Array.from({ length: 12 }, (_, k) => [k + 1, 12]), m("onInstance"));
  assert.equal(f.fleet.maxInFlight, 3, m("the mock saw at most `concurrency` task lists at once, and that many"));
  assert.deepEqual(f.abort, { first: true, err: "DcsError ABORTED", after: true }, m("abort"));
  assert.deepEqual(f.ret, { ret: true, pending: true, next: true }, m("return()"));
  assert.deepEqual(f.badOptions, ["INVALID_ARGUMENT o.concurrency", "INVALID_ARGUMENT o.concurrency",
    "INVALID_ARGUMENT o.concurrency", "INVALID_ARGUMENT o.concurent", "INVALID_ARGUMENT statuss", "INVALID_ARGUMENT status",
    "INVALID_ARGUMENT o.onInstance", "INVALID_ARGUMENT startTime", "INVALID_ARGUMENT pageSize", "INVALID_ARGUMENT name",
    "INVALID_ARGUMENT limit", "INVALID_ARGUMENT limt", "INVALID_ARGUMENT name"], m("fleet options"));
  assert.deepEqual(f.parsed, { count: 1, capacity: 0.125, warnings: ["coerced_type instance_num"] }, m("parseListInstancesResponse"));
  assert.equal(f.parsedStrict, "INVALID_RESPONSE instance_num", m("strict"));
}

/** Spawns a command without blocking the event loop (the mock runs in this process). */
export function run(cmd, args, { cwd, env, timeoutMs = 60000 } = {}) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { cwd, env: env ?? process.env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", (e) => { clearTimeout(timer); reject(e); });
    child.on("close", (code, signal) => { clearTimeout(timer); resolvePromise({ code, signal, stdout, stderr }); });
  });
}

/** Parses the last line of a consumer's stdout as JSON, with its output on failure. */
export function lastJson(r, label) {
  const line = r.stdout.trim().split("\n").pop();
  try {
    return JSON.parse(line);
  } catch {
    throw new Error(`${label} exited ${r.code ?? r.signal}; stdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
  }
}

// One free-port helper for the repository: the demo stack's.
export { freePort } from "../../scripts/stack.mjs";
