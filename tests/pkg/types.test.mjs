// The packed package's TypeScript types, installed into a fresh project and checked with
// `tsc --noEmit --strict` (npm `typescript`) under moduleResolution "bundler" and "nodenext":
//  - good.ts uses every contract function, class method and type, and compiles;
//  - runtime.ts is generated from what the package really returns (every fixture's parse,
//    the mock's progress, an onPage event, the errors) as typed object literals, so a field
//    the types lack (excess property), a wrong field type, or a declared field the runtime
//    never sends (for Task, TaskDetails and WarningCode) fails to compile;
//  - each bad-*.ts is a deliberate misuse that must fail with its expected error.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { freshProject, startMock, run, lastJson, bin, root } from "./helpers.mjs";

const GOOD = `import {
  buildListTasksRequest, signRequest, parseListTasksResponse, knownValues, DcsClient, initSync,
  parseListInstancesResponse,
} from "dcs-tasks";
import { handleProxyRequest } from "dcs-tasks/proxy";
import type { ProxyEnv } from "dcs-tasks/proxy";
import { init, parseListTasksResponse as slimParse } from "dcs-tasks/slim";
export const ready: Promise<unknown> = init().then(() => init({ module_or_path: "/x.wasm" }));
export const slimList: TaskList = slimParse("{}");
import type {
  HttpRequest, TaskList, Task, TaskDetails, TaskStatus, Warning, WarningCode, DcsError, DcsErrorCode,
  TaskProgress, ProgressStep, ProgressSubStep, PageProgress, DcsClientOptions, TimeInput,
  AkSkCredentials, TokenCredentials, ListQuery, ListAllQuery, ListAllOptions, CallOptions, WatchOptions,
  KnownValues, SignOptions, ParseOptions, ListTasksRequestOptions, Step, SubStep,
  InstanceList, Instance, InstanceTag, InstanceFeatures, InstanceStatus, InstanceEngine, ListInstancesQuery,
  ListAllInstancesQuery, FleetQuery, FleetOptions, FleetProgress, FleetEntry,
} from "dcs-tasks";
const known: KnownValues = knownValues();
const knownStatuses: string[] = [...known.taskStatuses, ...known.stepStatuses, ...known.taskNames,
  ...known.instanceStatuses, ...known.engines];
const parsedInstances: InstanceList = parseListInstancesResponse("{}", { strict: true });
parseListInstancesResponse(new Uint8Array(0));
void parsedInstances;
const signOpts: SignOptions = { date: new Date() };
const parseOpts: ParseOptions = { strict: true };
const buildOpts: ListTasksRequestOptions = { region: "cn-north-4", projectId: "p", instanceId: "i" };
const steps: Step[] = []; const subSteps: SubStep[] = [];
void knownStatuses; void signOpts; void parseOpts; void buildOpts; void steps; void subSteps;

const ak = "HPUAXXXXXXXXXXXXXXXX";
const sk = "SKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSK";
const start: TimeInput = new Date();
const req: HttpRequest = buildListTasksRequest({
  region: "cn-north-4", projectId: "p", instanceId: "i", offset: 0, limit: 10,
  startTime: start, endTime: "20200617155959",
});
const regionFromConfig: string = "xx-north-1"; // the contract's region is a string
buildListTasksRequest({ region: regionFromConfig, projectId: "p", instanceId: "i", startTime: 0, endTime: "2024-01-01T00:00:00Z" });
buildListTasksRequest({ endpoint: "http://127.0.0.1:9000", projectId: "p", instanceId: "i" });
const method: string = req.method;
const url: string = req.url;
const headers: Record<string, string> = req.headers;
const cred: AkSkCredentials = { ak, sk, securityToken: "t" };
const signed: HttpRequest = signRequest(req, cred, { date: new Date() });
signRequest(signed, { ak, sk });

const list: TaskList = parseListTasksResponse("{}");
parseListTasksResponse(new Uint8Array(0), { strict: true });
parseListTasksResponse(new ArrayBuffer(0), {});
const count: number = list.taskCount;
const task: Task = list.tasks[0];
const fields: [string, TaskStatus, string, string | undefined, string | undefined, string | undefined,
  string | undefined, string | undefined, boolean | undefined] =
  [task.id, task.status, task.name, task.userName, task.userId, task.params, task.createdAt, task.updatedAt, task.enableShow];
const d: TaskDetails = task.details;
const caps: (number | undefined)[] = [d.oldCapacity, d.newCapacity, d.oldReplicaNum, d.newReplicaNum, d.oldPort, d.newPort, d.updatedConfigLength];
const flags: (boolean | undefined)[] = [d.enablePublicIp, d.enableSsl, d.isOnlyAdjustCharging];
const strs: (string | undefined)[] = [d.oldCacheMode, d.newCacheMode, d.oldCacheType, d.newCacheType,
  d.oldResourceSpecCode, d.newResourceSpecCode, d.publicIpId, d.publicIpAddress, d.replicaIp, d.replicaAz,
  d.groupName, d.accountName, d.sourceIp, d.targetIp, d.nodeName];
const renamed: string[] | undefined = d.renameCommands;

function describe(w: Warning): string {
  const code: WarningCode = w.code;
  switch (code) {
    case "coerced_type": case "renamed_field": case "hoisted_field": case "unknown_field": case "unknown_value":
    case "warnings_truncated": case "invisible_text":
      return w.path + ": " + w.message;
    default: {
      const never: never = code;
      return never;
    }
  }
}
list.warnings.map(describe);

function explain(e: DcsError): string {
  const asError: Error = e;
  const name: "DcsError" = e.name;
  const code: DcsErrorCode = e.code;
  switch (code) {
    case "INVALID_ARGUMENT": return e.field ?? "";
    case "INVALID_RESPONSE": return e.path ?? "";
    case "HTTP_ERROR": {
      const status: number | undefined = e.status;
      const more: (string | null | undefined)[] = [e.errorCode, e.errorMsg, e.errorExtMsg, e.requestId];
      return String(status) + more.join(" ");
    }
    case "NETWORK": case "TIMEOUT": case "ABORTED": return asError.message + name;
    default: {
      const never: never = code;
      return never;
    }
  }
}
try { buildListTasksRequest({ projectId: "p", instanceId: "../x" }); } catch (e) { explain(e as DcsError); }

export async function main(signal: AbortSignal): Promise<void> {
  const options: DcsClientOptions = {
    region: "cn-north-4", projectId: "p", auth: { ak, sk }, timeoutMs: 1000, retries: 2, strict: false,
    headers: { "X-Trace": "1" }, fetch: globalThis.fetch,
  };
  const client = new DcsClient(options);
  const token: TokenCredentials = { token: "iam-token" };
  new DcsClient({ endpoint: "https://proxy.example.com/dcs", projectId: "p", auth: token }).free();
  new DcsClient({ projectId: "p", region: "cn-north-4" });
  const q: ListQuery = { offset: 0, limit: 10, startTime: Date.now(), endTime: new Date() };
  const call: CallOptions = { signal };
  const page: TaskList = await client.listTasks("i", q, call);
  await client.listTasks("i");
  const allQ: ListAllQuery = { pageSize: 100, startTime: "20240101000000" };
  const allO: ListAllOptions = {
    signal,
    onPage: (p: PageProgress) => { const n: number = p.fetched + p.total; const w: Warning[] = p.warnings; void n; void w; },
  };
  const tasks: AsyncIterable<Task> = client.listAllTasks("i", allQ, allO);
  for await (const t of tasks) void t.id;
  for await (const t of client.listAllTasks("i")) void t.status;
  const progress: TaskProgress = await client.showTaskProgress("i", "t", { signal });
  const step: ProgressStep = progress.stepDetails[0];
  const sub: ProgressSubStep = step.subStepDetails[0];
  const nums: (number | undefined)[] = [progress.progress, progress.remainTime, step.stepId, sub.subStepId];
  const pw: Warning[] = progress.warnings;
  const watchO: WatchOptions = { intervalMs: 1000, signal };
  for await (const w of client.watchTaskProgress("i", "t", watchO)) { const p: number | undefined = w.progress; void p; }
  const watch = client.watchTaskProgress("i", "t");
  const next: IteratorResult<TaskProgress> = await watch.next();
  await watch.return?.();
  const deleted: void = await client.deleteTask("i", "t", { signal });
  const iq: ListInstancesQuery = { name: "cache", status: "RUNNING", offset: 0, limit: 100 };
  const il: InstanceList = await client.listInstances(iq, { signal });
  await client.listInstances();
  const inst: Instance = il.instances[0];
  const instFields: [string, string, InstanceStatus, InstanceEngine | undefined, number | undefined, number | undefined,
    boolean | undefined, string[] | undefined, InstanceTag[] | undefined, InstanceFeatures | undefined, number] =
    [inst.instanceId, inst.name, inst.status, inst.engine, inst.capacity, inst.port, inst.noPasswordAccess, inst.azCodes,
     inst.tags, inst.features, il.instanceCount];
  const aiq: ListAllInstancesQuery = { name: "x", status: "FROZEN", pageSize: 1000 };
  for await (const i of client.listAllInstances(aiq, { signal })) void i.instanceId;
  for await (const i of client.listAllInstances()) void i.status;
  const fq: FleetQuery = { startTime: Date.now() - 86400000, endTime: new Date(), name: "dcs", status: "RUNNING" };
  const fo: FleetOptions = { signal, concurrency: 8, onInstance: (p: FleetProgress) => { const n: number = p.done + p.total; void n; } };
  for await (const e of client.listFleetTasks(fq, fo)) {
    const en: FleetEntry = e;
    const ts: Task[] = en.tasks;
    const er: DcsError | undefined = en.error;
    void [ts, er, en.instance.name];
  }
  const fleet = client.listFleetTasks();
  const fnext: IteratorResult<FleetEntry> = await fleet.next();
  void [instFields, fnext];
  client.free();
  void next;
  void [page, nums, pw, deleted];
}

const env: ProxyEnv = { HUAWEICLOUD_SDK_PROJECT_ID: "p", DCS_REGION: "cn-north-4" };
export const worker = { fetch: (r: Request): Promise<Response> => handleProxyRequest(r, env) };
export const again: unknown = initSync({ module: new Uint8Array(0) });
void [method, url, headers, count, fields, caps, flags, strs, renamed];

// dcs-tasks/element: the tag map, the reflected properties and the typed events.
import { DcsTaskList, defineElements } from "dcs-tasks/element";
import type { TaskListView, DcsLoadDetail } from "dcs-tasks/element";
defineElements();
const tl: DcsTaskList = document.createElement("dcs-task-list");
const found: DcsTaskList | null = document.querySelector("dcs-task-list");
tl.endpoint = "https://proxy.example"; tl.instanceId = "i"; tl.pageSize = 50; tl.autoRefresh = true;
tl.client = new DcsClient({ projectId: "p" }); tl.headers = { Authorization: "Bearer t" };
const view: TaskListView = { ...tl.view, status: "FAILED", range: "7d" };
tl.view = view;
tl.addEventListener("dcs-load", (e) => { const d: DcsLoadDetail = e.detail; const n: number = d.taskCount; void n; });
tl.addEventListener("dcs-select", (e) => { const id: string = e.detail.task.id; void id; });
tl.addEventListener("dcs-error", (e) => { const code: DcsErrorCode = e.detail.error.code; void code; });
document.body.addEventListener("dcs-view-change", (e) => { if ("pageSize" in e.detail) { const size: number = e.detail.pageSize; void size; } });
void found; tl.refresh();
import type { DcsFleet, FleetRow, ElementState } from "dcs-tasks/element";
import type { ConcernKind } from "dcs-tasks";
const fleet: DcsFleet = document.createElement("dcs-fleet");
fleet.range = "7d"; fleet.concurrency = 8; fleet.endpoint = "https://proxy.example";
fleet.addEventListener("dcs-instance-select", (e) => { const id: string = e.detail.instance.instanceId; void id; });
fleet.addEventListener("dcs-load", (e) => { const n: number = e.detail.instanceCount; void n; });
const rows: FleetRow[] = fleet.rows;
const failedNow: number = rows.reduce((n, r) => n + r.health.counts.failed, 0);
const reasons: ConcernKind[] = rows.flatMap((r) => r.health.concerns.map((c) => c.kind));
const fleetState: "loading" | "ready" | "stale" | "error" | "" = fleet.state;
const listState: ElementState | "" = tl.state;
fleet.refreshInterval = 30;
fleet.view = { range: "24h", name: "", status: "", concern: "failed" };
const attentionN: number | undefined = fleet.summary?.totals.attention;
fleet.addEventListener("dcs-instance-select", (e) => { const st: string | undefined = e.detail.view?.status; void st; });
void failedNow; void reasons; void fleetState; void listState; void attentionN; fleet.refresh();
`;

// file -> [expected TypeScript error code, source]
const BAD = {
  "bad-instance-id-number.ts": ["TS2322", `import { buildListTasksRequest } from "dcs-tasks";
buildListTasksRequest({ region: "cn-north-4", projectId: "p", instanceId: 42 });
`],
  "bad-missing-project.ts": ["TS2741", `import { buildListTasksRequest } from "dcs-tasks";
buildListTasksRequest({ region: "cn-north-4", instanceId: "i" });
`],
  "bad-task-field.ts": ["TS2339", `import { parseListTasksResponse } from "dcs-tasks";
export const x = parseListTasksResponse("{}").tasks[0].instanceName;
`],
  "bad-capacity-string.ts": ["TS2322", `import { parseListTasksResponse } from "dcs-tasks";
export const s: string | undefined = parseListTasksResponse("{}").tasks[0].details.oldCapacity;
`],
  "bad-warning-code.ts": ["TS2322", `import type { WarningCode } from "dcs-tasks";
export const c: WarningCode = "renamed";
`],
  "bad-error-code.ts": ["TS2367", `import type { DcsError } from "dcs-tasks";
export const f = (e: DcsError) => e.code === "NOT_FOUND";
`],
  "bad-auth-missing-sk.ts": ["TS2322", `import { DcsClient } from "dcs-tasks";
new DcsClient({ projectId: "p", auth: { ak: "a" } });
`],
  "bad-list-all-not-array.ts": ["TS2339", `import { DcsClient } from "dcs-tasks";
export const n = new DcsClient({ projectId: "p" }).listAllTasks("i").length;
`],
  "bad-watch-interval-string.ts": ["TS2322", `import { DcsClient } from "dcs-tasks";
new DcsClient({ projectId: "p" }).watchTaskProgress("i", "t", { intervalMs: "1000" });
`],
  "bad-list-not-awaited.ts": ["TS2739", `import { DcsClient, type TaskList } from "dcs-tasks";
export const l: TaskList = new DcsClient({ projectId: "p" }).listTasks("i");
`],
  "bad-element-page-size.ts": ["TS2322", `import "dcs-tasks/element";
document.createElement("dcs-task-list").pageSize = "20";
`],
  "bad-element-event-detail.ts": ["TS2339", `import "dcs-tasks/element";
document.createElement("dcs-task-list").addEventListener("dcs-load", (e) => e.detail.count);
`],
  "bad-fleet-range.ts": ["TS2322", `import "dcs-tasks/element";
document.createElement("dcs-fleet").range = "2d";
`],
  "bad-fleet-concurrency-string.ts": ["TS2322", `import { DcsClient } from "dcs-tasks";
new DcsClient({ projectId: "p" }).listFleetTasks({}, { concurrency: "4" });
`],
  "bad-instance-capacity-string.ts": ["TS2322", `import { parseListInstancesResponse } from "dcs-tasks";
export const c: string | undefined = parseListInstancesResponse("{}").instances[0].capacity;
`],
  "bad-default-import.ts": ["TS1192", `import init from "dcs-tasks";
export const i = init;
`],
};

// Collects what the installed package really returns (Node ESM), for runtime.ts.
const COLLECT = `import { readFileSync, readdirSync } from "node:fs";
import { parseListTasksResponse, parseListInstancesResponse, DcsClient } from "dcs-tasks";
const fixtures = ${JSON.stringify(join(root, "tests", "fixtures"))};
const out = { lists: {}, codes: [], progress: null, onPage: null, errors: {} };
for (const f of readdirSync(fixtures).filter((f) => f.endsWith(".json")).sort()) {
  try { out.lists[f] = parseListTasksResponse(readFileSync(fixtures + "/" + f)); } catch { /* error bodies, progress */ }
}
out.codes = [...new Set(Object.values(out.lists).flatMap((l) => l.warnings.map((w) => w.code)))].sort();
const own = (e) => Object.fromEntries(["name", "message", ...Object.keys(e)].map((k) => [k, e[k]]));
const auth = { ak: "HPUAXXXXXXXXXXXXXXXX", sk: "SKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSK" };
const client = new DcsClient({ endpoint: process.argv[2], projectId: "0123456789abcdef0123456789abcdef", auth });
const page = await client.listTasks("n25", { limit: 25 });
const shown = page.tasks.find((t) => t.enableShow);
out.progress = await client.showTaskProgress("n25", shown.id);
for await (const t of client.listAllTasks("n25", { pageSize: 25 }, { onPage: (p) => { out.onPage = p; } })) void t;
try { parseListTasksResponse("[]"); } catch (e) { out.errors.invalidResponse = own(e); }
try { await client.listTasks("../x"); } catch (e) { out.errors.invalidArgument = own(e); }
const bad = new DcsClient({ endpoint: process.argv[2], projectId: "0123456789abcdef0123456789abcdef", auth: { ...auth, sk: "x" }, retries: 0 });
try { await bad.listTasks("n25"); } catch (e) { out.errors.http = own(e); }
out.instanceLists = {};
for (const f of ["instances-all-fields.json", "instances-quirks.json"]) {
  out.instanceLists[f] = parseListInstancesResponse(readFileSync(fixtures + "/" + f));
}
const fc = new DcsClient({ endpoint: process.argv[2], projectId: "fleet3-fail1", auth, retries: 0 });
out.fleet = [];
for await (const e of fc.listFleetTasks({}, { concurrency: 3 })) {
  out.fleet.push({ instance: e.instance, tasks: e.tasks.slice(0, 1), ...(e.error ? { error: own(e.error) } : {}) });
}
console.log(JSON.stringify(out));
`;

function runtimeTs(v) {
  const lit = (x) => JSON.stringify(x, null, 2);
  const union = (keys) => keys.map((k) => JSON.stringify(k)).join(" | ") || "never";
  const lists = Object.entries(v.lists).map(([f, l]) => `  ${JSON.stringify(f)}: ${lit(l)},`).join("\n");
  const tasks = Object.values(v.lists).flatMap((l) => l.tasks);
  const taskKeys = [...new Set(tasks.flatMap(Object.keys))].sort();
  const detailKeys = [...new Set(tasks.flatMap((t) => Object.keys(t.details)))].sort();
  const errs = Object.entries(v.errors).map(([k, e]) => `export const ${k}: ErrorShape = ${lit(e)};`).join("\n");
  const instances = Object.values(v.instanceLists).flatMap((l) => l.instances);
  const instanceKeys = [...new Set(instances.flatMap(Object.keys))].sort();
  return `// Generated by tests/pkg/types.test.mjs from the package's real output.
import type { TaskList, TaskProgress, PageProgress, DcsError, Task, TaskDetails, WarningCode, InstanceList, Instance,
  FleetEntry } from "dcs-tasks";
type ErrorShape = Omit<DcsError, "stack" | "cause">;
type FleetShape = Omit<FleetEntry, "error"> & { error?: ErrorShape };
type Never<T> = [T] extends [never] ? true : false;

export const lists: Record<string, TaskList> = {
${lists}
};
export const progress: TaskProgress = ${lit(v.progress)};
export const onPage: PageProgress = ${lit(v.onPage)};
${errs}
export const instanceLists: Record<string, InstanceList> = ${lit(v.instanceLists)};
export const fleet: FleetShape[] = ${lit(v.fleet)};
export const instanceKeysAllSent: Never<Exclude<keyof Instance, ${union(instanceKeys)}>> = true;
// Every declared field is one the runtime sends (all-fields.json has them all).
export const taskKeysAllSent: Never<Exclude<keyof Task, ${union(taskKeys)}>> = true;
export const detailKeysAllSent: Never<Exclude<keyof TaskDetails, ${union(detailKeys)}>> = true;
export const warningCodesAllSent: Never<Exclude<WarningCode, ${union(v.codes)}>> = true;
export const warningCodesKnown: WarningCode[] = ${lit(v.codes)};
`;
}

/** Runs tsc in `dir` on `files`; returns { code, byFile: { file: [TSxxxx...] }, text }. */
async function tsc(dir, files) {
  const r = await run(bin("tsc"), ["-p", "tsconfig.json", "--pretty", "false"], { cwd: dir, env: { ...process.env, NO_COLOR: "1" } });
  const text = r.stdout + r.stderr;
  const byFile = {};
  for (const m of text.matchAll(/^([^\s(]+)\(\d+,\d+\): error (TS\d+):/gm)) (byFile[m[1]] ??= []).push(m[2]);
  void files;
  return { code: r.code, byFile, text };
}

function tsconfig(dir, resolution, files) {
  const module = resolution === "bundler" ? "esnext" : "nodenext";
  writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({
    compilerOptions: {
      strict: true, noEmit: true, target: "es2022", module, moduleResolution: resolution,
      lib: ["es2022", "dom", "dom.iterable"], types: [], skipLibCheck: false, verbatimModuleSyntax: false,
    },
    files,
  }, null, 2));
}

test("TypeScript: the types match the contract and the runtime; misuse fails to compile", async (t) => {
  const dir = freshProject("dcs-tasks-types-");
  writeFileSync(join(dir, "collect.js"), COLLECT);
  const mock = await startMock({ port: 0 });
  let values;
  try {
    const r = await run(process.execPath, ["collect.js", mock.url], { cwd: dir });
    values = lastJson(r, "node collect.js");
  } finally {
    await mock.close();
  }
  assert.ok(values.lists["all-fields.json"], "all-fields.json parses");
  assert.ok(values.progress?.stepDetails?.length > 0, "a progress with steps");
  assert.ok(values.onPage, "onPage was called");
  assert.deepEqual(Object.keys(values.errors).sort(), ["http", "invalidArgument", "invalidResponse"]);
  assert.equal(values.fleet.length, 3, "a fleet of three");
  assert.equal(values.fleet.filter((e) => e.error).length, 1, "one with its error");
  writeFileSync(join(dir, "good.ts"), GOOD);
  writeFileSync(join(dir, "runtime.ts"), runtimeTs(values));
  for (const [f, [, src]] of Object.entries(BAD)) writeFileSync(join(dir, f), src);

  for (const resolution of ["bundler", "nodenext"]) {
    await t.test(`moduleResolution ${resolution}: good.ts and runtime.ts compile`, async () => {
      tsconfig(dir, resolution, ["good.ts", "runtime.ts"]);
      const r = await tsc(dir);
      assert.equal(r.code, 0, r.text);
    });
    await t.test(`moduleResolution ${resolution}: each misuse fails with its error`, async () => {
      tsconfig(dir, resolution, ["good.ts", ...Object.keys(BAD)]);
      const r = await tsc(dir);
      assert.notEqual(r.code, 0, r.text);
      assert.equal(r.byFile["good.ts"], undefined, r.text);
      for (const [f, [code]] of Object.entries(BAD)) {
        assert.deepEqual(r.byFile[f], [code], `${f}: expected exactly ${code}\n${r.text}`);
      }
    });
  }
});
