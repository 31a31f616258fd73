// Generated data: deterministic per instance id, realistic shapes.
import test from 'node:test';
import assert from 'node:assert/strict';
import {
  generateTasks, taskCountFor, TASK_NAMES, TASK_STATUSES, progressFor, viewTask, parseApiTime, apiTime,
  hash32, mulberry32,
} from '../data.mjs';

const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

test('PRNG and hash are stable (pinned values)', () => {
  assert.equal(hash32('abc'), hash32('abc'));
  assert.notEqual(hash32('abc'), hash32('abd'));
  const r = mulberry32(42);
  const xs = [r(), r(), r()];
  const r2 = mulberry32(42);
  assert.deepEqual([r2(), r2(), r2()], xs);
  // pinned: a change here changes every instance's data (update README examples if intended)
  assert.equal(taskCountFor('3e5c8b1a-1111-2222-3333-444455556666'), 205);
  assert.equal(generateTasks('3e5c8b1a-1111-2222-3333-444455556666')[0].wire.id, 'bd18fd1ed208e4fc019068cf8bfc00cc');
});

test('same id -> identical tasks; different ids -> different tasks', () => {
  const a = JSON.stringify(generateTasks('inst-a').map((t) => t.wire));
  assert.equal(JSON.stringify(generateTasks('inst-a').map((t) => t.wire)), a);
  assert.notEqual(JSON.stringify(generateTasks('inst-b').map((t) => t.wire)), a);
});

test('task counts: seeded 20..3000, exact with an n{N} token', () => {
  const counts = Array.from({ length: 300 }, (_, i) => taskCountFor(`instance-${i}`));
  assert.ok(counts.every((c) => c >= 20 && c <= 3000), 'range');
  assert.ok(counts.some((c) => c < 100), 'some small');
  assert.ok(counts.some((c) => c > 1000), 'some big');
  assert.equal(taskCountFor('inst-n10000-x'), 10000);
  assert.equal(taskCountFor('n0'), 0);
  assert.equal(taskCountFor('a_n7'), 7);
  assert.equal(generateTasks('demo-n25').length, 25);
  assert.equal(taskCountFor('n999999'), 100000); // capped
});

test('all names and statuses appear; ids unique; newest first; formats', () => {
  const tasks = generateTasks('inst-n3000-all').map((t) => t.wire);
  assert.deepEqual(new Set(tasks.map((t) => t.name)), new Set(TASK_NAMES));
  assert.deepEqual(new Set(tasks.map((t) => t.status)), new Set(TASK_STATUSES));
  assert.equal(new Set(tasks.map((t) => t.id)).size, tasks.length);
  for (let i = 0; i < tasks.length; i++) {
    const t = tasks[i];
    assert.match(t.id, /^[0-9a-f]{32}$/);
    assert.match(t.created_at, ISO_MS);
    assert.match(t.updated_at, ISO_MS);
    assert.ok(t.updated_at >= t.created_at);
    assert.equal(typeof t.enable_show, 'boolean');
    assert.equal(typeof t.user_name, 'string');
    assert.match(t.user_id, /^[0-9a-f]{32}$/);
    assert.ok(t.params === undefined || t.params === null || typeof t.params === 'string');
    if (i > 0) assert.ok(tasks[i - 1].created_at > t.created_at, 'strictly newest first');
  }
});

test('detail shapes fit each task name', () => {
  const tasks = generateTasks('inst-n3000-shapes').map((t) => t.wire);
  const byName = (n) => tasks.filter((t) => t.name === n).map((t) => t.details);
  for (const d of byName('ChangeInstanceSpec')) {
    assert.match(d.old_capacity, /^\d+(\.\d+)?$/);
    assert.match(d.new_capacity, /^\d+(\.\d+)?$/);
    assert.equal(typeof d.old_cache_mode, 'string');
    assert.equal(typeof d.new_cache_mode, 'string');
    assert.match(d.new_resource_spec_code, /^redis\./);
  }
  assert.ok(byName('ChangeInstanceSpec').some((d) => d.old_capacity === '0.125'));
  for (const d of byName('BindEip')) {
    assert.equal(d.enable_public_ip, true);
    assert.equal(typeof d.enable_ssl, 'boolean');
    assert.match(d.public_ip_address, /^\d+\.\d+\.\d+\.\d+$/);
    assert.match(d.public_ip_id, /^[0-9a-f-]{36}$/);
  }
  for (const d of byName('UnBindEip')) assert.equal(d.enable_public_ip, false);
  for (const d of byName('AddReplica')) {
    assert.equal(d.new_replica_num, d.old_replica_num + 1);
    assert.ok(Number.isInteger(d.old_replica_num));
    assert.match(d.replica_az, /^cn-north-4[a-z]$/);
  }
  for (const d of byName('DelReplica')) assert.equal(d.new_replica_num, d.old_replica_num - 1);
  for (const d of byName('UpdatePort')) { assert.ok(Number.isInteger(d.new_port)); assert.notEqual(d.old_port, d.new_port); }
  for (const d of byName('AddWhitelist')) assert.equal(typeof d.group_name, 'string');
  for (const d of byName('modify')) {
    assert.ok(Number.isInteger(d.updated_config_length));
    if (d.rename_commands) assert.ok(d.rename_commands.every((c) => typeof c === 'string'));
  }
  assert.ok(byName('modify').some((d) => d.rename_commands));
  for (const d of byName('DeleteAcl')) assert.equal(typeof d.account_name, 'string');
  for (const d of byName('masterStandbySwapJob')) { assert.ok(d.source_ip); assert.ok(d.target_ip); }
});

test('busy token: the newest three tasks are EXECUTING', () => {
  const tasks = generateTasks('demo-busy');
  assert.deepEqual(tasks.slice(0, 3).map((t) => t.wire.status), ['EXECUTING', 'EXECUTING', 'EXECUTING']);
});

test('progress: shape, advance with time, completion flips status to SUCCESS', () => {
  const [task] = generateTasks('p-busy');
  const p0 = progressFor(task, 0, 1000);
  const p1 = progressFor(task, 5000, 1000);
  assert.equal(p1.progress, Math.min(100, p0.progress + 5));
  assert.ok(p1.remain_time < p0.remain_time);
  const fmt = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
  for (const s of p0.step_details) {
    assert.ok(Number.isInteger(s.step_id));
    assert.ok(['FINISH', 'FAILED', 'EXECUTING', 'WAITING'].includes(s.step_status));
    if (s.begin_time !== null) assert.match(s.begin_time, fmt);
    if (s.end_time !== null) assert.match(s.end_time, fmt);
    for (const ss of s.sub_step_details) {
      assert.deepEqual(Object.keys(ss).sort(), ['begin_time', 'detail', 'end_time', 'error_code', 'sub_step_id', 'sub_step_name', 'sub_step_status']);
    }
  }
  assert.equal(p0.step_details.filter((s) => s.step_status === 'EXECUTING').length, 1);
  const done = progressFor(task, 1_000_000, 1000);
  assert.equal(done.progress, 100);
  assert.equal(done.remain_time, 0);
  assert.ok(done.step_details.every((s) => s.step_status === 'FINISH'));
  assert.equal(viewTask(task, 0, 1000).status, 'EXECUTING');
  assert.equal(viewTask(task, 1_000_000, 1000).status, 'SUCCESS');
});

test('progress of FAILED tasks shows the failed step with an error code', () => {
  const failed = generateTasks('inst-n500-f').find((t) => t.wire.status === 'FAILED');
  const p = progressFor(failed, 0, 1000);
  const bad = p.step_details.filter((s) => s.step_status === 'FAILED');
  assert.equal(bad.length, 1);
  assert.equal(bad[0].error_code, 'DCS.5003');
  assert.ok(bad[0].sub_step_details.some((s) => s.sub_step_status === 'FAILED' && s.detail));
  assert.ok(p.progress < 100);
});

test('api time parse/format', () => {
  assert.equal(parseApiTime('20200609160000'), Date.UTC(2020, 5, 9, 16));
  assert.equal(apiTime(Date.UTC(2020, 5, 17, 15, 59, 59)), '20200617155959');
  for (const bad of ['2020060916000', '202006091600000', '20201309160000', '20200230000000', '20200609240000', '2020-06-09', 'abcdefghijklmn']) {
    assert.equal(parseApiTime(bad), null, bad);
  }
});
