// The Vercel family of runtimes (runtimes-vercel.mjs: Next.js nodejs and edge route handlers,
// a Vercel Edge Function in edge-runtime), each starting its example of edge/ verbatim in front
// of the mock DCS. Only what the conformance suite (conformance.test.mjs, where the three answer
// every request as workerd does, under their mounts) does not cover: every method Next routes;
// the path= query without PROXY_IGNORE_QUERY; the framework's own answers at the mount's root
// and outside it (the suite skips those); DcsClient running INSIDE the edge runtimes (a Next
// edge route of the test's own, a bundled Edge Function script) against the mock directly: it
// lists, pages and watches there (it once failed with "NETWORK: the fetch function did not
// return a Promise": the Edge Runtime's fetch returns a Promise of another realm).
//
//   node --test tests/proxy/vercel.test.mjs
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startMock, DEFAULT_CREDENTIALS, DEFAULT_PROJECT_ID } from "../mock-dcs/server.mjs";
import { vercelRuntimes, bundleEdge, serveEdge } from "./runtimes-vercel.mjs";

const PROJECT = DEFAULT_PROJECT_ID;
const { ak: AK, sk: SK } = DEFAULT_CREDENTIALS[0];
const MOCK_TOKEN = "vercel-test-iam-token-3Kd9";
const INST = "vercel-main-n57";
const WATCH = "vercel-watch-busy-n6";

/** DcsClient inside the runtime: the same module for the Next edge route and the Edge Runtime
 * script. `p`: { endpoint, projectId, instance, watchInstance, watchTask, ak, sk, token }. */
const CHECK = `import { DcsClient } from "dcs-tasks";

export async function clientCheck(p) {
  const out = { fetchIsPromise: null };
  const f = fetch(p.endpoint + "/nowhere");
  out.fetchIsPromise = f instanceof Promise;
  out.fetchThenable = typeof f.then === "function";
  await f.then((r) => r.arrayBuffer(), () => null);
  const client = new DcsClient({ endpoint: p.endpoint, projectId: p.projectId, auth: { ak: p.ak, sk: p.sk }, retries: 0 });
  const page = await client.listTasks(p.instance, { limit: 10 });
  out.taskCount = page.taskCount;
  out.first = page.tasks.map((t) => t.id);
  let pages = 0;
  const ids = [];
  for await (const t of client.listAllTasks(p.instance, { pageSize: 20 }, { onPage: () => { pages++; } })) ids.push(t.id);
  out.all = ids;
  out.pages = pages;
  const progress = await client.showTaskProgress(p.instance, page.tasks[0].id);
  out.progressSteps = Array.isArray(progress.stepDetails);
  const seen = [];
  for await (const w of client.watchTaskProgress(p.watchInstance, p.watchTask, { intervalMs: 250 })) {
    seen.push(w.progress);
    if (seen.length >= 80) break;
  }
  out.watched = seen;
  const byToken = new DcsClient({ endpoint: p.endpoint, projectId: p.projectId, auth: { token: p.token }, retries: 0 });
  out.tokenCount = (await byToken.listTasks(p.instance, { limit: 1 })).taskCount;
  client.free();
  byToken.free();
  return out;
}

export async function answer(request) {
  try {
    const p = JSON.parse(new URL(request.url).searchParams.get("p"));
    return Response.json(await clientCheck(p));
  } catch (e) {
    return Response.json({ error: String(e && e.code) + ": " + String(e && e.message), stack: String(e && e.stack) }, { status: 500 });
  }
}
`;

/** The Next edge route of the test (not an example): app/client-check/route.js. */
const NEXT_EXTRA = {
  "app/client-check/check.js": CHECK,
  "app/client-check/route.js": `import { answer } from "./check.js";\n\nexport const runtime = "edge";\nexport const GET = answer;\n`,
};

const envFor = (mock) => ({
  HUAWEICLOUD_SDK_AK: AK, HUAWEICLOUD_SDK_SK: SK, HUAWEICLOUD_SDK_PROJECT_ID: PROJECT,
  DCS_ENDPOINT: mock.url, TRUST_LOOPBACK: "true",
});

const timings = [];
after(() => {
  if (timings.length) console.log(`timings:\n${timings.map((t) => `  ${t}`).join("\n")}`);
});

for (const rt of vercelRuntimes) {
  describe(rt.name, () => {
    let mock;
    let s;
    let check;
    before(async () => {
      mock = await startMock({ port: 0, tokens: [MOCK_TOKEN] });
      const t0 = performance.now();
      s = await rt.start({ env: envFor(mock), extra: NEXT_EXTRA });
      const build = s.build ? (s.build.reused ? ", next build reused" : `, next build ${Math.round(s.build.ms)} ms`) : "";
      timings.push(`${rt.name}: start() ${Math.round(performance.now() - t0)} ms (process start to the first healthy answer: ${Math.round(s.startMs)} ms${build})`);
      assert.ok(s.url.endsWith(`${rt.basePath}/`), s.url);
    });
    after(async () => {
      await s?.close();
      await check?.close();
      await mock?.close();
    });

    const origin = () => new URL("/", s.url).href;
    const get = async (url, opts) => {
      const r = await fetch(url, opts);
      const body = await r.text();
      return { status: r.status, body, headers: r.headers };
    };

    test("methods: the proxy answers every one (405 its own JSON); the framework's path= query", async () => {
      for (const method of ["POST", "PUT", "PATCH"]) {
        const r = await get(`${s.url}api/config`, { method });
        assert.equal(r.status, 405, `${method}: ${r.body}`);
        assert.equal(JSON.parse(r.body).code, "METHOD_NOT_ALLOWED", method);
      }
      const o = await get(`${s.url}healthz`, { method: "OPTIONS" });
      assert.equal(o.status, 204);
      // What a Vercel rewrite (or Next's edge runtime itself) adds: dropped where the example says
      // PROXY_IGNORE_QUERY=path (edge), refused by the nodejs route (Next adds nothing there).
      const r = await get(`${s.url}v2/${PROJECT}/instances/${INST}/tasks?limit=5&path=v2&path=x`);
      if (rt.name === "next-node") {
        assert.equal(r.status, 400, r.body);
        assert.equal(JSON.parse(r.body).code, "INVALID_REQUEST");
      } else {
        assert.equal(r.status, 200, r.body);
        assert.equal(Number(JSON.parse(r.body).task_count), 57);
      }
    });

    test("the mount's root and its outside: Next redirects /<mount>/ to /<mount> (trailing slash) before any route, /<mount> is no catch-all's, outside its own 404", async () => {
      for (const p of ["healthz", "api/config", `v2/${PROJECT}/instances/${INST}/tasks?limit=5`]) {
        const o = await get(origin() + p);
        assert.equal(o.status, 404, `${p}: ${o.body.slice(0, 200)}`);
        assert.match(o.headers.get("content-type"), rt.name.startsWith("next-") ? /^text\/html/ : /^application\/json/, p);
      }
      const root = await fetch(s.url, { redirect: "manual" });
      await root.arrayBuffer();
      const bare = await fetch(s.url.replace(/\/$/, ""), { redirect: "manual" });
      await bare.arrayBuffer();
      if (rt.name.startsWith("next-")) {
        assert.equal(root.status, 308);
        assert.equal(root.headers.get("location"), rt.basePath);
        assert.equal(bare.status, 404);
        assert.match(bare.headers.get("content-type"), /^text\/html/);
      } else {
        // The proxy itself: no static files here (no ASSETS_DIR), and /<mount> to /<mount>/.
        assert.equal(root.status, 404);
        assert.equal(bare.status, 308);
        assert.equal(bare.headers.get("location"), `${rt.basePath}/`);
      }
    });

    if (rt.name === "next-edge" || rt.name === "edge-runtime") {
      test(`DcsClient inside ${rt.name} (AK/SK and token, to the mock): lists, pages, watches`, async () => {
        let url;
        if (rt.name === "next-edge") {
          url = new URL("/client-check", s.url).href;
        } else {
          const bundle = await bundleEdge({
            name: "edge-runtime-client-check", entry: "entry.js",
            files: { "check.js": CHECK, "entry.js": `import { answer } from "./check.js";\naddEventListener("fetch", (event) => event.respondWith(answer(event.request)));\n` },
          });
          check = await serveEdge({ bundle, env: {}, label: "edge-runtime client check" });
          url = check.origin;
        }
        // An EXECUTING task that moves 1 % every 15 ms from now on.
        mock.config.msPerPercent = 15;
        mock.reset();
        const task = mock.tasks(WATCH).find((t) => t.status === "EXECUTING");
        assert.ok(task, `an EXECUTING task in ${WATCH}`);
        const p = { endpoint: mock.url, projectId: PROJECT, instance: INST, watchInstance: WATCH, watchTask: task.id, ak: AK, sk: SK, token: MOCK_TOKEN };
        const r = await get(`${url}?p=${encodeURIComponent(JSON.stringify(p))}`);
        assert.equal(r.status, 200, r.body);
        const out = JSON.parse(r.body);
        console.log(`${rt.name}: fetch() instanceof Promise in the sandbox: ${out.fetchIsPromise}; watched ${out.watched.join(",")}`);
        assert.equal(out.fetchThenable, true);
        assert.equal(out.taskCount, 57);
        assert.deepEqual(out.first, mock.tasks(INST).slice(0, 10).map((t) => t.id));
        assert.deepEqual(out.all, mock.tasks(INST).map((t) => t.id));
        assert.equal(out.pages, 3);
        assert.equal(out.progressSteps, true);
        assert.ok(out.watched.length >= 2, `watched: ${out.watched}`);
        assert.ok(out.watched.every((x, i) => i === 0 || x >= out.watched[i - 1]), `non-decreasing: ${out.watched}`);
        assert.equal(out.watched.at(-1), 100, `to completion: ${out.watched}`);
        assert.equal(out.tokenCount, 57);
      });
    }
  });
}
