// The watchdog end to end (issue 34): the proxy on workerd (edge/worker.js's `scheduled`, its
// state in the WATCHDOG KV binding, as the Cron Trigger runs it) and on Node (`runWatchdog`
// with `fileStore`, a new store object per run as after a restart), in front of the mock DCS
// whose scripted instance has a task going from EXECUTING to FAILED and whose other instance
// stops answering, then answers again; a local webhook receiver (generic, Feishu and DingTalk
// with their signatures checked, a flaky one that fails once, one that refuses, one that is
// down for a whole run and is told what it missed by the next). Over several runs: exactly one
// alert per event; `/api/attention` and `/metrics` agree with it; no URL or secret in any log
// or report.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import crypto from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stack, close, closeAll, collected } from "./helpers.mjs";
import { startMock, DEFAULT_CREDENTIALS } from "../mock-dcs/server.mjs";
import { copyApp, install } from "./runtimes.mjs";

const PROJECT = "watch-fleet2"; // the mock's two-instance fleet fl0-…, fl1-… (fleet.mjs)
const FEISHU_SECRET = "feishu-secret-Zx81";
const DINGTALK_SECRET = "SECdingtalk-secret-Qw52";
const MIN = 60_000;

/** The webhook receiver: every POST kept; `/flaky` fails its first request; `/refuses` 404s;
 * `/down` answers 429 (retry in an hour: past the run's deadline) while `down` is set. */
async function receiver() {
  const got = [];
  let flaky = 0;
  const state = { down: false };
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url, "http://x");
      const body = Buffer.concat(chunks).toString("utf8");
      if (url.pathname === "/flaky" && flaky++ === 0) {
        res.writeHead(503).end();
        return;
      }
      if (url.pathname === "/down" && state.down) {
        res.writeHead(429, { "retry-after": "3600" }).end();
        return;
      }
      if (url.pathname === "/refuses") {
        res.writeHead(404).end("no such hook");
        return;
      }
      got.push({ path: url.pathname, query: url.searchParams, body: JSON.parse(body) });
      res.writeHead(200, { "content-type": "application/json" }).end('{"code":0,"errcode":0}');
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const base = `http://127.0.0.1:${server.address().port}`;
  return { got, base, state, close: () => new Promise((r) => server.close(r)) };
}

function webhooks(base) {
  return [
    `generic:${base}/generic`,
    `feishu:${base}/feishu`,
    `dingtalk:${base}/dingtalk?access_token=t0k`,
    `generic:${base}/flaky`,
    `slack:${base}/refuses`,
    `generic:${base}/down`,
  ].join(",");
}

/** The scripted fleet at a stage: 0 both up, a task running (and one stuck); 1 the task failed
 * and the other instance down; 2 it answers again. */
async function stage(mockUrl, instances, n, t0) {
  const [a, b] = instances;
  const task = (id, status, created, updated) => ({
    id, name: "BindEip", status, created_at: new Date(created).toISOString(),
    updated_at: new Date(updated).toISOString(), user_name: "ops", details: {},
  });
  const tasks = {
    [a]: [
      task("task-stuck", "EXECUTING", t0 - 5 * MIN, t0 - 5 * MIN),
      n === 0 ? task("task-main", "EXECUTING", t0 - MIN, t0 - MIN) : task("task-main", "FAILED", t0 - MIN, Date.now()),
      task("task-old", "FAILED", t0 - 60 * MIN, t0 - 59 * MIN), // failed before the first run: never posted
    ],
  };
  const r = await fetch(`${mockUrl}/__mock/scenario`, {
    method: "POST",
    body: JSON.stringify({ tasks, down: n === 1 ? [b] : [] }),
  });
  assert.equal(r.status, 200);
}

/** What the receiver got, as `kind instance [task]` lines per hook path. */
function alerts(got, path) {
  return got.filter((g) => g.path === path).flatMap((g) => g.body.events.map((e) => `${e.kind} ${e.instanceId}${e.taskId ? ` ${e.taskId}` : ""}`));
}

function checkSignatures(got) {
  for (const g of got) {
    if (g.path === "/feishu") {
      const { timestamp, sign } = g.body;
      const want = crypto.createHmac("sha256", `${timestamp}\n${FEISHU_SECRET}`).update("").digest("base64");
      assert.equal(sign, want, "Feishu signature");
      assert.equal(g.body.msg_type, "text");
      assert.match(g.body.content.text, /DCS tasks watchdog/);
    }
    if (g.path === "/dingtalk") {
      const ts = g.query.get("timestamp");
      const want = crypto.createHmac("sha256", DINGTALK_SECRET).update(`${ts}\n${DINGTALK_SECRET}`).digest("base64");
      assert.equal(g.query.get("sign"), want, "DingTalk signature");
      assert.equal(g.query.get("access_token"), "t0k");
      assert.equal(g.body.msgtype, "text");
    }
  }
}

/** The runs of one runtime: `run()` runs a check and resolves when it is done. */
async function scenario({ run, mockUrl, instances, hook, attention, metrics }) {
  const t0 = Date.now();
  const [a, b] = instances;
  await stage(mockUrl, instances, 0, t0);
  await run(); // the first run: the stuck task (a condition that holds), not the old failure
  await run();
  await stage(mockUrl, instances, 1, t0);
  hook.state.down = true;
  await run(); // the task failed, b down; so is the hook /down
  hook.state.down = false;
  // the model and the metrics agree with what was posted
  const att = await attention();
  const byId = Object.fromEntries(att.instances.map((i) => [i.instanceId, i]));
  assert.deepEqual(byId[b].concerns.map((c) => c.kind), ["unreachable"]);
  assert.equal(byId[a].counts.failed, 2);
  assert.equal(byId[a].counts.stuck, 1);
  assert.equal(att.totals.unreachable, 1);
  const m = await metrics();
  const line = (name, id) => m.split("\n").find((l) => l.startsWith(`${name}{`) && l.includes(`instance_id="${id}"`));
  assert.match(line("dcs_tasks_instance_reachable", b), / 0$/);
  assert.match(line("dcs_tasks_instance_reachable", a), / 1$/);
  assert.match(line("dcs_tasks_failed_24h", a), / 2$/);
  assert.match(line("dcs_tasks_stuck", a), / 1$/);
  assert.match(m, /^dcs_tasks_instances\{project_id="watch-fleet2"\} 2$/m);
  assert.match(m, /^dcs_tasks_gather_errors\{project_id="watch-fleet2"\} 1$/m);
  await run(); // /down is told what it missed
  await run();
  await stage(mockUrl, instances, 2, t0);
  await run(); // b answers again
  await run();
  const want = [`stuck ${a} task-stuck`, `failed ${a} task-main`, `unreachable ${b}`, `recovered ${b}`];
  for (const path of ["/generic", "/feishu", "/dingtalk", "/flaky", "/down"]) {
    // chat hooks carry the events in their text; the generic ones as JSON
    if (path === "/feishu" || path === "/dingtalk") {
      const texts = hook.got.filter((g) => g.path === path).map((g) => g.body.content?.text ?? g.body.text.content);
      assert.equal(texts.length, 3, `${path}: one message per run with events`);
      for (const w of want) {
        const [kind, , task] = w.split(" ");
        const n = texts.filter((t) => t.includes(`[${kind}]`) && (!task || t.includes(task))).length;
        assert.equal(n, 1, `${path}: ${w} exactly once`);
      }
    } else {
      assert.deepEqual(alerts(hook.got, path).sort(), [...want].sort(), `${path}: each event exactly once`);
    }
  }
  checkSignatures(hook.got);
  // /down missed the third run: the fourth told it both events, saying they are late
  assert.deepEqual(hook.got.filter((g) => g.path === "/down").map((g) => g.body.redelivered ?? 0), [0, 2, 0]);
  const generic = hook.got.find((g) => g.path === "/generic").body;
  assert.equal(generic.projectId, PROJECT);
  assert.match(generic.checkedAt, /^\d{4}-\d\d-\d\dT/);
  for (const e of hook.got.filter((g) => g.path === "/generic").flatMap((g) => g.body.events)) {
    assert.deepEqual(Object.keys(e).filter((k) => !["taskId", "taskName"].includes(k)).sort(),
      ["instanceId", "instanceName", "kind", "message", "since"]);
  }
}

function env(mockUrl, hookBase, extra = {}) {
  return {
    HUAWEICLOUD_SDK_AK: DEFAULT_CREDENTIALS[0].ak,
    HUAWEICLOUD_SDK_SK: DEFAULT_CREDENTIALS[0].sk,
    HUAWEICLOUD_SDK_PROJECT_ID: PROJECT,
    ...(mockUrl ? { DCS_ENDPOINT: mockUrl } : {}),
    ALERT_WEBHOOKS: webhooks(hookBase),
    ALERT_FEISHU_SECRET: FEISHU_SECRET,
    ALERT_DINGTALK_SECRET: DINGTALK_SECRET,
    ALERT_STUCK_AFTER: "2m",
    REQUEST_TIMEOUT_MS: "8000",
    // the scenario changes between checks a moment apart: no upstream read shared across them
    UPSTREAM_SHARE_MS: "0",
    ...extra,
  };
}

function noLeaks(lines, hookBase) {
  const text = lines.join("\n");
  for (const s of [hookBase, "/refuses", "access_token", FEISHU_SECRET, DINGTALK_SECRET]) {
    assert.ok(!text.includes(s), `a log names ${s}`);
  }
}

after(closeAll);

test("workerd: the Cron Trigger's runs post each event once (KV state); attention and metrics agree", async () => {
  const hook = await receiver();
  const s = await stack({ mock: { projectId: PROJECT }, env: env(undefined, hook.base) });
  try {
    const list = await (await fetch(`${s.url}api/instances?all=1`)).json();
    const instances = list.instances.map((i) => i.instanceId);
    assert.equal(instances.length, 2);
    const runs = [];
    await scenario({
      run: async () => runs.push(await s.scheduled()),
      mockUrl: s.mock.url,
      instances,
      hook,
      attention: async () => (await fetch(`${s.url}api/attention`)).json(),
      metrics: async () => {
        const r = await fetch(`${s.url}metrics`);
        assert.match(r.headers.get("content-type"), /^text\/plain; version=0\.0\.4/);
        return r.text();
      },
    });
    assert.ok(runs.every((r) => r.outcome === "ok"), JSON.stringify(runs));
    const logs = s.logs.filter((l) => l.includes('"watchdog"'));
    assert.ok(logs.some((l) => l.includes('"delivered":false') && l.includes("webhook 5 (slack)")), logs.join("\n"));
    noLeaks(s.logs, hook.base);
  } finally {
    await close(s);
    await hook.close();
  }
});

test("Node: runWatchdog with a file store (a new store per run, as after restarts) posts each event once", async () => {
  const { runWatchdog, fileStore, startWatchdog, handleProxyRequest } = await import("../../pkg/proxy-node.js");
  const hook = await receiver();
  const mock = await startMock({ port: 0, projectId: PROJECT });
  const dir = mkdtempSync(join(tmpdir(), "dcs-watch-"));
  const lines = [];
  const log = console.log;
  console.log = (...a) => lines.push(a.join(" "));
  try {
    const e = env(mock.url, hook.base, { TRUST_LOOPBACK: "true" });
    const list = await (await handleProxyRequest(new Request("http://127.0.0.1/api/instances?all=1"), e)).json();
    const instances = list.instances.map((i) => i.instanceId);
    const reports = [];
    await scenario({
      run: async () => reports.push(await runWatchdog(e, { store: fileStore(join(dir, "state.json")) })),
      mockUrl: mock.url,
      instances,
      hook,
      attention: async () => (await handleProxyRequest(new Request("http://127.0.0.1/api/attention"), e)).json(),
      metrics: async () => (await handleProxyRequest(new Request("http://127.0.0.1/metrics"), e)).text(),
    });
    assert.equal(reports.length, 7);
    assert.deepEqual(reports.map((r) => r.events.length), [1, 0, 2, 0, 0, 1, 0]);
    const refused = reports[0].webhooks.find((w) => w.name === "webhook 5 (slack)");
    assert.deepEqual(refused, { name: "webhook 5 (slack)", delivered: false, error: "answered HTTP 404" });
    assert.ok(reports[0].webhooks.filter((w) => w.name !== "webhook 5 (slack)").every((w) => w.delivered));
    // the hook down for the third run: its two events kept, then told by the fourth (which
    // has no event of its own and posts to it alone)
    const down = (r) => r.webhooks.find((w) => w.name === "webhook 6 (generic)");
    assert.deepEqual(down(reports[2]), { name: "webhook 6 (generic)", delivered: false, error: "answered HTTP 429 after 1 attempt(s)", kept: 2 });
    assert.deepEqual(reports[3].webhooks, [{ name: "webhook 6 (generic)", delivered: true, redelivered: 2 }]);
    assert.deepEqual(reports[4].webhooks, []);
    assert.equal(hook.got.filter((g) => g.path === "/down").length, 3, "/down: runs 1, 4 and 6");
    // a refused configuration rejects naming the variable, never its value
    await assert.rejects(runWatchdog({ ...e, ALERT_WEBHOOKS: "teams:https://secret.example/x" }, {}), (err) => {
      assert.match(err.message, /ALERT_WEBHOOKS entry 1 must be kind:url/);
      assert.ok(!err.message.includes("secret.example"));
      return true;
    });
    // the timer: a check at once, then every ALERT_EVERY seconds; stop() ends it
    const seen = [];
    const w = startWatchdog(e, { store: fileStore(join(dir, "state.json")), onReport: (r) => seen.push(r) });
    while (seen.length === 0) await new Promise((r) => setTimeout(r, 50));
    w.stop();
    assert.equal(seen[0].events.length, 0);
    assert.equal(seen[0].every, 300);
    console.log = log;
    collected.push(...lines);
    noLeaks(lines, hook.base);
  } finally {
    console.log = log;
    rmSync(dir, { recursive: true, force: true });
    await mock.close();
    await hook.close();
  }
});

test("FunctionGraph: the timer trigger's handler (edge/functiongraph/timer.mjs verbatim, the packed package) posts each event once", async () => {
  install();
  const dir = copyApp("functiongraph-timer", ["functiongraph/timer.mjs"]);
  const { handler } = await import(join(dir, "timer.mjs"));
  const hook = await receiver();
  const mock = await startMock({ port: 0, projectId: PROJECT });
  const saved = { ...process.env };
  const log = console.log;
  const lines = [];
  console.log = (...a) => lines.push(a.join(" "));
  try {
    const e = env(mock.url, hook.base, { ALERT_STATE_FILE: join(dir, "state.json") });
    Object.assign(process.env, e);
    // an instance that does not answer (the mock's watch-fleet2 is fl0-n30, fl1-n17): reported by
    // the first invocation, never by the next
    const r = await fetch(`${mock.url}/__mock/scenario`, { method: "POST", body: JSON.stringify({ down: ["fl1-n17"] }) });
    assert.equal(r.status, 200);
    // the hook /down misses the first invocation: the second tells it
    hook.state.down = true;
    const first = await handler({ version: "v1.0", time: new Date().toISOString(), trigger_type: "TIMER", trigger_name: "every-5-min" });
    hook.state.down = false;
    const second = await handler({ version: "v1.0", time: new Date().toISOString(), trigger_type: "TIMER", trigger_name: "every-5-min" });
    assert.equal(first.events, 1, JSON.stringify(first));
    assert.deepEqual(first.failed, [
      "webhook 5 (slack): answered HTTP 404",
      "webhook 6 (generic): answered HTTP 429 after 1 attempt(s) (1 event(s) kept for the next check)",
    ]);
    assert.equal(second.events, 0);
    assert.deepEqual(second.delivered, ["webhook 6 (generic)"]);
    assert.deepEqual(second.failed, []);
    assert.deepEqual(alerts(hook.got, "/generic"), ["unreachable fl1-n17"]);
    assert.deepEqual(alerts(hook.got, "/down"), ["unreachable fl1-n17"]);
    console.log = log;
    collected.push(...lines);
    noLeaks(lines, hook.base);
  } finally {
    console.log = log;
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
    await mock.close();
    await hook.close();
  }
});
