// summarizeFleet (the core's attention model) over listFleetTasks' entries from the mock's demo
// fleet: the instance whose listing fails comes first, named with its error; running tasks that
// began before the range are listed (the fleet looks back for them) while the other tasks from
// before it are not; stuck tasks are flagged per type; bad entries and options name their path.
import { test } from "node:test";
import assert from "node:assert/strict";
import { DcsClient, summarizeFleet, knownValues } from "../../pkg/index.js";
import { startMock, DEFAULT_PROJECT_ID, DEFAULT_CREDENTIALS } from "./helpers.mjs";

const DAY = 86_400_000;

test("summarizeFleet over the demo fleet: ranked, the failing listing named, running tasks whatever their start", async () => {
  const mock = await startMock({ port: 0, anchor: "now" });
  try {
    const client = new DcsClient({ endpoint: mock.url, projectId: DEFAULT_PROJECT_ID, auth: DEFAULT_CREDENTIALS[0], retries: 0 });
    const now = Date.now();
    const startTime = new Date(now - DAY);
    const entries = [];
    for await (const e of client.listFleetTasks({ startTime })) entries.push(e);
    assert.equal(entries.length, 36);
    // Only running tasks come from before the range.
    let early = 0;
    for (const e of entries) {
      for (const t of e.tasks) {
        if (Date.parse(t.createdAt) < startTime.getTime()) {
          early++;
          assert.ok(knownValues().runningTaskStatuses.includes(t.status), `${t.id} ${t.status} from before the range`);
        }
      }
    }
    const s = summarizeFleet(entries, { startTime, now });
    assert.equal(s.totals.instances, 36);
    assert.equal(s.instances.length, 36);
    const first = s.instances[0];
    assert.equal(first.name, "dcs-legacy-sessions", "the unreachable instance first");
    assert.equal(first.concerns[0].kind, "unreachable");
    assert.equal(first.concerns[0].code, "HTTP_ERROR");
    assert.ok(s.totals.attention >= 1 && s.totals.attention < 36, `attention ${s.totals.attention}`);
    // The attention list is the ranked head; every later instance has no concern.
    assert.ok(s.instances.slice(0, s.totals.attention).every((h) => h.concerns.length > 0));
    assert.ok(s.instances.slice(s.totals.attention).every((h) => h.concerns.length === 0));
    const ranks = s.instances.map((h) => h.rank);
    assert.deepEqual(ranks, [...ranks].sort((a, b) => a - b), "ranked");
    // Running counts include the tasks from before the range.
    const running = entries.reduce((n, e) => n + e.tasks.filter((t) => ["CREATED", "EXECUTING"].includes(t.status)).length, 0);
    assert.equal(s.totals.running, running);
    assert.ok(early > 0, "the demo fleet has tasks still running that began before the range");
    assert.ok(s.totals.running >= early);
    // One threshold for all: a minute makes every dated running task stuck.
    const strict = summarizeFleet(entries, { startTime, now, stuckAfter: "1m" });
    assert.equal(strict.totals.stuck, running);
    client.free();
  } finally {
    await mock.close();
  }
});

test("summarizeFleet: bad entries and options are INVALID_ARGUMENT naming the path", () => {
  const cases = [
    [() => summarizeFleet("x"), "entries"],
    [() => summarizeFleet([{ instance: {} }]), "entries[0].instance.instanceId"],
    [() => summarizeFleet([{ instance: { instanceId: "a" }, tasks: {} }]), "entries[0].tasks"],
    [() => summarizeFleet([{ instance: { instanceId: "a" }, tasks: [{ id: 3 }] }]), "entries[0].tasks[0].id"],
    [() => summarizeFleet([{ instance: { instanceId: "a" }, error: { message: "x" } }]), "entries[0].error.code"],
    [() => summarizeFleet([], { stuckAfter: "1w" }), "o.stuckAfter"],
    [() => summarizeFleet([], { stuckAfter: 1000 }), "o.stuckAfter"],
    [() => summarizeFleet([], { stuckAftr: "1h" }), "o.stuckAftr"],
    [() => summarizeFleet([], { startTime: "yesterday" }), "o.startTime"],
    [() => summarizeFleet([], { now: "soon" }), "o.now"],
  ];
  for (const [f, field] of cases) {
    assert.throws(f, (e) => e.name === "DcsError" && e.code === "INVALID_ARGUMENT" && e.field === field, field);
  }
  const empty = summarizeFleet([]);
  assert.equal(empty.totals.instances, 0);
  assert.deepEqual(knownValues().concernKinds, ["unreachable", "abnormal", "stuck", "failed"]);
});

test("mergeFirstPage: the core's refresh of a listing shown whole (new first, each ID once, the page's copies, the total grown)", async () => {
  const { mergeFirstPage } = await import("../../pkg/index.js");
  const t = (id, v = 0) => ({ id, v });
  const shown = [t("c"), t("b"), t("a")];
  const page = { tasks: [t("e", 1), t("d", 1), t("d", 2), t("c", 1)], taskCount: 4 };
  const r = mergeFirstPage(shown, 3, page);
  assert.deepEqual(r.tasks.map((x) => `${x.id}${x.v}`), ["e1", "d1", "c1", "b0", "a0"]);
  assert.equal(r.total, 5);
  assert.equal(r.tasks[0], page.tasks[0], "the given objects, not copies");
  assert.equal(mergeFirstPage(shown, 3, { tasks: [], taskCount: 9 }).total, 9, "at least the page's total");
  for (const [args, field] of [[["x", 0, page], "shown"], [[shown, -1, page], "shownTotal"], [[shown, 3, { tasks: [{}], taskCount: 1 }], "page.tasks[0].id"], [[shown, 3, { tasks: [] }], "page.taskCount"]]) {
    assert.throws(() => mergeFirstPage(...args), (e) => e.code === "INVALID_ARGUMENT" && e.field === field, field);
  }
});
