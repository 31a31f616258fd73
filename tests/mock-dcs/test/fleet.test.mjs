// ListInstances: the demo fleet, the fleet{N} convention, the query, faults, and the agreement
// of each instance's tasks with its own task list.
import test, { before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { startMock, CODES } from '../server.mjs';
import { DEMO_INSTANCE, DEMO_FAILING_INSTANCE } from '../fleet.mjs';
import { signedRequest, listTasks, listAll, qs, PROJECT } from './helpers.mjs';

let mock;
before(async () => { mock = await startMock({}); });
after(() => mock.close());
beforeEach(() => mock.reset());

const instances = (q, project = PROJECT) => signedRequest(mock, { path: `/v2/${project}/instances${qs(q)}`, project });

test('the demo fleet: a few dozen Redis and Memcached instances in several statuses, the demo instance first', async () => {
  const r = await instances({ limit: 1000 });
  assert.equal(r.status, 200, r.text);
  const all = r.json.instances;
  assert.equal(typeof r.json.instance_num, 'number');
  assert.equal(r.json.instance_num, all.length);
  assert.ok(all.length >= 30 && all.length <= 50, `${all.length}`);
  assert.equal(all[0].instance_id, DEMO_INSTANCE);
  assert.deepEqual([...new Set(all.map((i) => i.engine))].sort(), ['Memcached', 'Redis']);
  for (const s of ['RUNNING', 'CREATING', 'ERROR', 'EXTENDING', 'FROZEN']) assert.ok(all.some((i) => i.status === s), s);
  assert.ok(all.some((i) => i.instance_id === DEMO_FAILING_INSTANCE));
  assert.equal(new Set(all.map((i) => i.instance_id)).size, all.length, 'unique IDs');
  assert.equal(new Set(all.map((i) => i.name)).size, all.length, 'unique names');
  // A sub-GB instance: capacity 0 and capacity_minor; no_password_access as the documented string.
  const small = all.find((i) => i.capacity === 0);
  assert.match(small.capacity_minor, /^0\.\d+$/);
  assert.ok(all.every((i) => i.no_password_access === 'true' || i.no_password_access === 'false'));
  // The same answer on every run (a second mock), including the creation times at the fixed anchor.
  const again = await startMock({});
  try {
    const r2 = await signedRequest(again, { path: `/v2/${PROJECT}/instances?limit=1000` });
    assert.deepEqual(r2.json, r.json);
  } finally { await again.close(); }
});

test('some demo instances have executing tasks, some recent failures, one a failing task listing', async () => {
  const r = await instances({ limit: 1000 });
  let busy = 0;
  let failed = 0;
  for (const i of r.json.instances) {
    const t = await listTasks(mock, i.instance_id, { limit: 5 });
    if (i.instance_id === DEMO_FAILING_INSTANCE) {
      assert.equal(t.status, 500);
      assert.equal(t.json.error_code, CODES.INTERNAL);
      continue;
    }
    assert.equal(t.status, 200, t.text);
    if (t.json.tasks.slice(0, 3).every((x) => x.status === 'EXECUTING')) busy++;
    if (t.json.tasks.slice(1, 4).some((x) => x.status === 'FAILED')) failed++;
  }
  assert.ok(busy >= 3, `${busy} busy`);
  assert.ok(failed >= 5, `${failed} with recent failures`);
});

test('query: name (fuzzy, case-insensitive) and name_equal, status, instance_id, tags, ip, include_failure, paging', async () => {
  const names = async (q) => (await instances({ limit: 1000, ...q })).json.instances.map((i) => i.name);
  assert.deepEqual(await names({ name: 'SESSIONS' }), ['dcs-sessions', 'dcs-legacy-sessions']);
  assert.deepEqual(await names({ name: 'dcs-sessions', name_equal: 'true' }), ['dcs-sessions']);
  assert.ok((await names({ status: 'FROZEN' })).length >= 2);
  assert.deepEqual(await names({ instance_id: DEMO_INSTANCE }), ['dcs-orders-cache']);
  assert.ok((await names({ tags: 'env=dev' })).includes('dev-cache'));
  assert.ok(!(await names({ include_failure: 'false' })).includes('dcs-audit-buffer'));
  const all = (await instances({ limit: 1000 })).json.instances;
  assert.deepEqual((await instances({ ip: all[3].ip })).json.instances.map((i) => i.instance_id), [all[3].instance_id]);
  const p = await instances({ offset: 10, limit: 5 });
  assert.equal(p.json.instance_num, all.length);
  assert.deepEqual(p.json.instances, all.slice(10, 15));
  assert.equal((await instances({})).json.instances.length, 10, 'default limit 10');
  assert.deepEqual((await instances({ offset: 1000 })).json.instances, []);
  for (const q of [{ limit: 0 }, { limit: 1001 }, { offset: -1 }, { limit: 'x' }, { name_equal: 'yes' }, { tags: 'novalue' }, { name: '' }]) {
    const e = await instances(q);
    assert.equal(e.status, 400, JSON.stringify(q));
    assert.equal(e.json.error_code, CODES.BAD_VALUE, JSON.stringify(q));
  }
  const u = await instances({ limt: 5 });
  assert.equal(u.status, 400);
  assert.equal(u.json.error_code, CODES.UNKNOWN_PARAM);
});

test('the gateway: a signature is required and verified; other projects are refused', async () => {
  const bad = await signedRequest(mock, { path: `/v2/${PROJECT}/instances`, cred: { ak: 'HPUAXXXXXXXXXXXXXXXX', sk: 'nope' } });
  assert.equal(bad.status, 401);
  const other = await instances({}, 'ffffffffffffffffffffffffffffffff');
  assert.equal(other.status, 403);
  assert.equal(other.json.error_code, CODES.PROJECT_FORBIDDEN);
});

test('fleet{N}: N instances; slow{MS} delays the list and every task list; fail{K} fails instance K; counts agree', async () => {
  const project = 'fleet30-slow40-fail2-fail7';
  const t0 = Date.now();
  const r = await instances({ limit: 1000 }, project);
  assert.ok(Date.now() - t0 >= 40, 'slow');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.instance_num, 30);
  const ids = r.json.instances.map((i) => i.instance_id);
  assert.equal(new Set(ids).size, 30);
  for (const [k, id] of ids.entries()) {
    const opts = { project };
    const t1 = Date.now();
    const t = await signedRequest(mock, { path: `/v2/${project}/instances/${id}/tasks?limit=1000`, ...opts });
    assert.ok(Date.now() - t1 >= 40, 'slow task list');
    if (k === 2 || k === 7) {
      assert.equal(t.status, 500, id);
      continue;
    }
    assert.equal(t.status, 200, t.text);
    assert.equal(Number(t.json.task_count), t.json.tasks.length, 'one page');
    assert.equal(t.json.tasks.length, Number(/-n(\d+)/.exec(id)[1]));
  }
  // The most task-list requests in flight at once for that project (sequential here: 1).
  const stats = await (await fetch(`${mock.url}/__mock/stats`)).json();
  assert.equal(stats.maxListsInFlightByProject[project], 1);
  assert.equal(stats.byRoute.instances, 1);
});

test('faults by the project ID: err500jsonx1 fails the first listing, then it works', async () => {
  const project = 'fleet5-err500jsonx1';
  assert.equal((await instances({}, project)).status, 500);
  const r = await instances({}, project);
  assert.equal(r.status, 200);
  assert.equal(r.json.instance_num, 5);
});

test("a demo instance's tasks in the fleet are its own task list", async () => {
  const a = await listAll(mock, DEMO_INSTANCE);
  assert.equal(a.count, 205, 'the facts-sheet instance keeps its 205 tasks');
});
