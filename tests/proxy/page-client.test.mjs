// The elements' build of the client (`dcs-tasks/element`'s wasm, cargo feature `page`: the glue
// pkg/dcs_tasks_page.js) through the proxy in real workerd in front of the mock: it asks the
// proxy's normalized routes (/api/instances/...) and hands out what the library's client
// (pkg/index.js, DCS's routes through the proxy's mirror, the strict parsers) hands out, value
// for value (an upstream failure aside: the normalized routes answer a 5xx as the proxy's 502);
// what it cannot trust in a normalized answer is an INVALID_RESPONSE at its path; it takes no
// credentials (its proxy signs); deleteTask goes to DCS's route, which the proxy mirrors.
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { inflateRawSync } from "node:zlib";
import { DcsClient as LibraryClient, ready } from "../../pkg/index.js";
import * as page from "../../pkg/dcs_tasks_page.js";
import pageWasm from "../../pkg/dcs_tasks_page_wasm.js";
import { DEMO_INSTANCE, DEMO_FAILING_INSTANCE } from "../mock-dcs/fleet.mjs";
import { PROJECT, closeAll, stack, close } from "./helpers.mjs";

after(closeAll);
page.initSync({ module: inflateRawSync(Buffer.from(pageWasm, "base64")) });
await ready;

/** A fetch that records the URLs asked, in front of the real one (or of `answer`). */
function recording(answer) {
  const urls = [];
  const f = async (input, init) => {
    const url = typeof input === "string" ? input : input.url;
    urls.push(new URL(url).pathname);
    return answer ? answer(url) : fetch(input, init);
  };
  return { urls, fetch: f };
}

const collect = async (it) => {
  const out = [];
  for await (const v of it) out.push(v);
  return out;
};

describe("the elements' client through the proxy", () => {
  let s, lib, el, rec;
  before(async () => {
    s = await stack({ env: { UPSTREAM_SHARE_MS: "0" }, mock: { msPerPercent: 1e9 } });
    lib = new LibraryClient({ endpoint: s.url, projectId: PROJECT, retries: 0 });
    rec = recording();
    el = new page.DcsClient({ endpoint: s.url, projectId: PROJECT, retries: 0, fetch: rec.fetch });
  });
  after(() => {
    lib?.free();
    el?.free();
    return close(s);
  });

  test("asks only the normalized routes, with no project header", async () => {
    rec.urls.length = 0;
    await el.listTasks(DEMO_INSTANCE, { limit: 3 });
    await el.listInstances({ limit: 2 });
    assert.deepEqual(rec.urls, [`/api/instances/${DEMO_INSTANCE}/tasks`, "/api/instances"]);
    assert.ok(!s.mockLines.some((l) => / \/api\//.test(l)), "the mock saw DCS's routes only");
  });

  test("listTasks, listAllTasks, showTaskProgress: what the library's client hands out", async () => {
    const q = { offset: 1, limit: 5, startTime: "2024-01-01T00:00:00Z" };
    const a = await el.listTasks(DEMO_INSTANCE, q);
    assert.ok(a.tasks.length > 0);
    assert.deepEqual(a, await lib.listTasks(DEMO_INSTANCE, q));
    const pagesEl = [], pagesLib = [];
    const all = await collect(el.listAllTasks(DEMO_INSTANCE, { pageSize: 7 }, { onPage: (p) => pagesEl.push(p) }));
    assert.deepEqual(all, await collect(lib.listAllTasks(DEMO_INSTANCE, { pageSize: 7 }, { onPage: (p) => pagesLib.push(p) })));
    assert.deepEqual(pagesEl, pagesLib);
    assert.ok(pagesEl.length > 1, "several pages");
    const id = all[0].id;
    assert.deepEqual(await el.showTaskProgress(DEMO_INSTANCE, id), await lib.showTaskProgress(DEMO_INSTANCE, id));
    const watched = await collect(el.watchTaskProgress(DEMO_INSTANCE, id, { intervalMs: 1000, signal: AbortSignal.timeout(3000) })).catch((e) => e);
    const first = Array.isArray(watched) ? watched[0] : undefined;
    assert.deepEqual(first ?? (await el.showTaskProgress(DEMO_INSTANCE, id)), await lib.showTaskProgress(DEMO_INSTANCE, id));
  });

  test("listInstances, listAllInstances, listFleetTasks: what the library's client hands out", async () => {
    assert.deepEqual(await el.listInstances({ offset: 1, limit: 3 }), await lib.listInstances({ offset: 1, limit: 3 }));
    assert.deepEqual(await collect(el.listAllInstances({ pageSize: 4 })), await collect(lib.listAllInstances({ pageSize: 4 })));
    const q = { startTime: Date.parse("2024-06-23T12:00:00Z"), name: "sessions" };
    // An instance's error is HTTP_ERROR either way; its status is DCS's 500 through the mirror,
    // the proxy's 502 through a normalized route (an upstream 5xx is a bad gateway there).
    const byId = (es) => es.map((e) => ({ ...e, error: e.error && { code: e.error.code } }))
      .sort((x, y) => x.instance.instanceId.localeCompare(y.instance.instanceId));
    const a = byId(await collect(el.listFleetTasks(q, { concurrency: 2 })));
    assert.equal(a.length, 2);
    assert.deepEqual(a, byId(await collect(lib.listFleetTasks(q, { concurrency: 2 }))));
    assert.ok(a.some((e) => e.error?.code === "HTTP_ERROR") && a.some((e) => e.tasks.length > 0));
  });

  test("deleteTask: DCS's route, mirrored by the proxy (refused here: ENABLE_DELETE is off), as for the library's client", async () => {
    rec.urls.length = 0;
    const e = await el.deleteTask(DEMO_INSTANCE, "t1").catch((x) => x);
    const l = await lib.deleteTask(DEMO_INSTANCE, "t1").catch((x) => x);
    assert.deepEqual(rec.urls, [`/v2/${PROJECT}/instances/${DEMO_INSTANCE}/tasks/t1`]);
    assert.deepEqual([e.code, e.status, e.errorCode], ["HTTP_ERROR", 403, "DELETE_DISABLED"]);
    assert.deepEqual([l.code, l.status, l.errorCode], [e.code, e.status, e.errorCode]);
  });

  test("an upstream failure: HTTP_ERROR with the proxy's 502 and DCS's message (the library, through the mirror: DCS's 500)", async () => {
    const e = await el.listTasks(DEMO_FAILING_INSTANCE).catch((x) => x);
    const l = await lib.listTasks(DEMO_FAILING_INSTANCE).catch((x) => x);
    assert.equal(e.name, "DcsError", String(e));
    assert.deepEqual([e.code, e.status, l.code, l.status], ["HTTP_ERROR", 502, "HTTP_ERROR", 500]);
    assert.ok(e.message.includes(l.errorMsg), `${e.message} / ${l.errorMsg}`);
    assert.match(e.requestId, /^[0-9a-f]{32}$/);
  });
});

describe("the elements' client: what it does not take or trust", () => {
  test("no credentials: auth is INVALID_ARGUMENT (the proxy signs)", () => {
    for (const auth of [{ token: "t" }, { ak: "a", sk: "s" }]) {
      assert.throws(() => new page.DcsClient({ endpoint: "https://p.example", projectId: "p", auth }),
        (e) => e.code === "INVALID_ARGUMENT" && e.field === "auth" && /proxy/.test(e.message));
    }
    for (const f of ["signRequest", "buildListTasksRequest", "parseListTasksResponse", "parseListInstancesResponse"]) {
      assert.equal(page[f], undefined, f);
    }
  });

  const answering = (body) => new page.DcsClient({
    endpoint: "https://p.example", projectId: "p", retries: 0,
    fetch: async () => new Response(typeof body === "string" ? body : JSON.stringify(body), { headers: { "content-type": "application/json" } }),
  });
  const task = (id) => ({ id, name: "bindEip", status: "SUCCESS", createdAt: "2024-06-23T12:00:00.000Z" });

  for (const [what, body, path] of [
    ["not JSON", "<html>", "$"],
    ["an array", [], "$"],
    ["a negative total", { taskCount: -1, tasks: [], warnings: [] }, "taskCount"],
    ["a fractional total", { taskCount: 1.5, tasks: [], warnings: [] }, "taskCount"],
    ["a total as text", { taskCount: "3", tasks: [], warnings: [] }, "taskCount"],
    ["tasks not an array", { taskCount: 1, tasks: {}, warnings: [] }, "tasks"],
    ["a task without an ID", { taskCount: 2, tasks: [task("a"), { name: "x" }], warnings: [] }, "tasks[1].id"],
    ["an empty ID", { taskCount: 1, tasks: [task("")], warnings: [] }, "tasks[0].id"],
    ["an ID too long", { taskCount: 1, tasks: [task("x".repeat(257))], warnings: [] }, "tasks[0].id"],
    ["warnings not an array", { taskCount: 1, tasks: [task("a")], warnings: "none" }, "warnings"],
  ]) {
    test(`a normalized page with ${what}: INVALID_RESPONSE at ${path}`, async () => {
      const c = answering(body);
      const e = await c.listTasks("i1").catch((x) => x);
      assert.equal(e.code, "INVALID_RESPONSE", e.message);
      assert.equal(e.path, path, e.message);
      const e2 = await collect(c.listAllTasks("i1")).catch((x) => x);
      assert.equal(e2.code, "INVALID_RESPONSE", e2.message);
      c.free();
    });
  }

  test("a progress that is not a task's progress: INVALID_RESPONSE at $", async () => {
    for (const body of ["[]", '{"progress":"half","stepDetails":[],"warnings":[]}', '{"progress":5}']) {
      const c = answering(body);
      const e = await c.showTaskProgress("i1", "t1").catch((x) => x);
      assert.equal(e.code, "INVALID_RESPONSE", body);
      assert.equal(e.path, "$", body);
      c.free();
    }
  });

  test("a page's tasks are deduplicated by the IDs read from it, as the core's plan says", async () => {
    const c = answering({ taskCount: 3, tasks: [task("a"), task("b"), task("a")], warnings: [] });
    const got = await collect(c.listAllTasks("i1", { pageSize: 3 }));
    assert.deepEqual(got.map((t) => t.id), ["a", "b"]);
    assert.deepEqual(got[1], task("b"));
    c.free();
  });
});
