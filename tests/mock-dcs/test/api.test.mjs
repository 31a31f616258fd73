// The mock's HTTP API: routes, pagination, time filter, progress, delete, auth, project, counters.
import test, { before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { startMock, parseArgs, CODES } from '../server.mjs';
import { apiTime } from '../data.mjs';
import {
  rawRequest, signedRequest, listTasks, listAll, tasksPath, qs, PROJECT, CRED, sleep,
} from './helpers.mjs';

let mock;
// msPerPercent 1000 (default): no EXECUTING task completes within a test (each test resets)
before(async () => { mock = await startMock({ tokens: ['IAM-TOKEN-1'] }); });
after(() => mock.close());
beforeEach(() => mock.reset());

const isDcsError = (r, status, code) => {
  assert.equal(r.status, status, r.text);
  assert.equal(r.json.error_code, code, r.text);
  assert.equal(typeof r.json.error_msg, 'string');
  assert.equal(r.json.error_ext_msg, null);
};

test('every response has X-Request-Id (hex) and Date', async () => {
  for (const r of [
    await listTasks(mock, 'hdr-1'),
    await rawRequest(mock.url, { path: '/nope' }),
    await rawRequest(mock.url, { path: tasksPath('x') }),
    await rawRequest(mock.url, { path: '/__mock/stats' }),
  ]) {
    assert.match(r.headers['x-request-id'], /^[0-9a-f]{32}$/);
    assert.ok(!Number.isNaN(Date.parse(r.headers.date)));
  }
});

test('list: defaults offset 0 limit 10, task_count is a string', async () => {
  const r = await listTasks(mock, 'page-n37');
  assert.equal(r.status, 200);
  assert.match(r.headers['content-type'], /^application\/json/);
  assert.equal(r.json.task_count, '37');
  assert.equal(r.json.tasks.length, 10);
  assert.deepEqual(Object.keys(r.json), ['task_count', 'tasks']);
  assert.deepEqual(r.json.tasks, mock.tasks('page-n37').slice(0, 10));
});

test('list: pages concatenate to the whole list, past the end is empty', async () => {
  const all = mock.tasks('page-n37');
  const got = [];
  for (let offset = 0; offset < 37; offset += 8) {
    const r = await listTasks(mock, 'page-n37', { offset, limit: 8 });
    assert.equal(r.json.task_count, '37');
    got.push(...r.json.tasks);
  }
  assert.deepEqual(got, all);
  const past = await listTasks(mock, 'page-n37', { offset: 37, limit: 5 });
  assert.deepEqual(past.json, { task_count: '37', tasks: [] });
  const big = await listTasks(mock, 'page-n37', { limit: 1000 });
  assert.equal(big.json.tasks.length, 37);
  const empty = await listTasks(mock, 'n0');
  assert.deepEqual(empty.json, { task_count: '0', tasks: [] });
});

test('list: exact counts for n{N} ids (10000 tasks through 10 pages)', async () => {
  const { count, tasks } = await listAll(mock, 'big-n10000-x');
  assert.equal(count, 10000);
  assert.equal(tasks.length, 10000);
  assert.equal(new Set(tasks.map((t) => t.id)).size, 10000);
});

test('list: time filter keeps created_at within [start_time, end_time] (end second inclusive)', async () => {
  const all = mock.tasks('time-n300');
  const a = Date.parse(all[200].created_at);
  const b = Date.parse(all[100].created_at);
  const start = apiTime(a); // floor to the second: task 200 is inside
  const end = apiTime(b);   // task 100's second is covered entirely
  const expected = all.filter((t) => { const c = Date.parse(t.created_at); return c >= Math.floor(a / 1000) * 1000 && c <= Math.floor(b / 1000) * 1000 + 999; });
  assert.ok(expected.length >= 101);
  const r = await listTasks(mock, 'time-n300', { start_time: start, end_time: end, limit: 1000 });
  assert.equal(r.status, 200);
  assert.equal(r.json.task_count, String(expected.length));
  assert.deepEqual(r.json.tasks.map((t) => t.id), expected.map((t) => t.id));
  // only one bound
  const onlyStart = await listTasks(mock, 'time-n300', { start_time: start, limit: 1000 });
  assert.equal(onlyStart.json.task_count, String(all.filter((t) => Date.parse(t.created_at) >= Math.floor(a / 1000) * 1000).length));
  const onlyEnd = await listTasks(mock, 'time-n300', { end_time: '19700101000000' });
  assert.equal(onlyEnd.json.task_count, '0');
  // pagination inside a window
  const p2 = await listTasks(mock, 'time-n300', { start_time: start, end_time: end, offset: 10, limit: 10 });
  assert.deepEqual(p2.json.tasks.map((t) => t.id), expected.slice(10, 20).map((t) => t.id));
});

test('list: strict query validation (400 with DCS error bodies)', async () => {
  const bad = [
    [{ begin_time: '20200609160000' }, CODES.UNKNOWN_PARAM, /begin_time.*start_time/],
    [{ foo: '1' }, CODES.UNKNOWN_PARAM, /foo/],
    [{ offset: '-1' }, CODES.BAD_VALUE, /offset/],
    [{ offset: '1.5' }, CODES.BAD_VALUE, /offset/],
    [{ offset: 'abc' }, CODES.BAD_VALUE, /offset/],
    [{ offset: '' }, CODES.BAD_VALUE, /no value/],
    [{ offset: '2147483648' }, CODES.BAD_VALUE, /offset/],
    [{ limit: '0' }, CODES.BAD_VALUE, /limit/],
    [{ limit: '1001' }, CODES.BAD_VALUE, /limit/],
    [{ limit: ' 5' }, CODES.BAD_VALUE, /limit/],
    [{ start_time: '2020-06-09T16:00:00Z' }, CODES.BAD_VALUE, /start_time/],
    [{ start_time: '20200230000000' }, CODES.BAD_VALUE, /start_time/],
    [{ end_time: '2020060916000' }, CODES.BAD_VALUE, /end_time/],
    [{ start_time: '20200617155959', end_time: '20200609160000' }, CODES.BAD_RANGE, /after/],
  ];
  for (const [q, code, msg] of bad) {
    const r = await listTasks(mock, 'valid-1', q);
    isDcsError(r, 400, code);
    assert.match(r.json.error_msg, msg, JSON.stringify(q));
  }
  const dup = await signedRequest(mock, { path: `${tasksPath('valid-1')}?limit=1&limit=2` });
  isDcsError(dup, 400, CODES.BAD_VALUE);
  const noEq = await signedRequest(mock, { path: `${tasksPath('valid-1')}?limit` });
  isDcsError(noEq, 400, CODES.BAD_VALUE);
  const ok = await listTasks(mock, 'valid-1', { start_time: '20200609160000', end_time: '20200609160000' });
  assert.equal(ok.status, 200);
});

test('unknown routes and methods: 404 with an error body', async () => {
  for (const [method, path] of [
    ['GET', '/'], ['GET', '/v1/x/instances/y/tasks'], ['POST', tasksPath('i-1')],
    ['GET', `${tasksPath('i-1')}/abc`], ['DELETE', tasksPath('i-1')], ['GET', `${tasksPath('i-1')}/abc/progress/x`],
  ]) {
    const r = await signedRequest(mock, { method, path });
    isDcsError(r, 404, CODES.NO_ROUTE);
  }
  // ill-formed instance ids: authenticated fine, then "does not exist"
  for (const id of ['has space', 'dot.ted', 'x'.repeat(65), 'ü', 'a/b']) {
    const r = await signedRequest(mock, { path: tasksPath(id) });
    isDcsError(r, 404, CODES.NO_INSTANCE);
  }
  const r = await signedRequest(mock, { path: `${tasksPath('i-1')}/nosuchtask/progress` });
  isDcsError(r, 404, CODES.NO_TASK);
  const q = await signedRequest(mock, { path: `${tasksPath('i-1')}/nosuchtask/progress?offset=1` });
  isDcsError(q, 400, CODES.UNKNOWN_PARAM);
});

test('progress: advances with wall time since start/reset', async () => {
  const fast = await startMock({ msPerPercent: 20 });
  try {
    const [task] = fast.tasks('prog-busy');
    assert.equal(task.status, 'EXECUTING');
    const path = `${tasksPath('prog-busy')}/${task.id}/progress`;
    const a = await signedRequest(fast, { path });
    assert.equal(a.status, 200);
    assert.deepEqual(Object.keys(a.json), ['progress', 'remain_time', 'step_details']);
    await sleep(120);
    const b = await signedRequest(fast, { path });
    assert.ok(b.json.progress > a.json.progress, `${a.json.progress} -> ${b.json.progress}`);
    assert.ok(b.json.remain_time <= a.json.remain_time);
    await sleep(20 * 100);
    const c = await signedRequest(fast, { path });
    assert.equal(c.json.progress, 100);
    assert.equal(c.json.remain_time, 0);
    const listed = await listTasks(fast, 'prog-busy', { limit: 1 });
    assert.equal(listed.json.tasks[0].status, 'SUCCESS');
    // a finished task can now be deleted
    assert.equal((await signedRequest(fast, { method: 'DELETE', path: `${tasksPath('prog-busy')}/${task.id}` })).status, 200);
    fast.reset(); // restarts the clock (and forgets the deletion): running again
    const d = await signedRequest(fast, { path });
    assert.ok(d.json.progress < 100);
  } finally { await fast.close(); }
});

test('delete: only SUCCESS/FAILED; 200 {message}; gone from lists, progress and delete', async () => {
  const id = 'del-n200-busy';
  const all = mock.tasks(id);
  const ok = all.find((t) => t.status === 'SUCCESS');
  const failed = all.find((t) => t.status === 'FAILED');
  const running = all.find((t) => t.status === 'EXECUTING');
  const others = all.filter((t) => ['CANCELLED', 'DELETED', 'CREATED'].includes(t.status));
  const del = (t) => signedRequest(mock, { method: 'DELETE', path: `${tasksPath(id)}/${t.id}` });
  const r = await del(ok);
  assert.equal(r.status, 200);
  assert.equal(typeof r.json.message, 'string');
  assert.equal((await del(failed)).status, 200);
  const r2 = await del(running);
  isDcsError(r2, 400, CODES.NOT_DELETABLE);
  assert.match(r2.json.error_msg, /EXECUTING/);
  for (const t of others.slice(0, 3)) isDcsError(await del(t), 400, CODES.NOT_DELETABLE);
  isDcsError(await del(ok), 404, CODES.NO_TASK);
  isDcsError(await signedRequest(mock, { path: `${tasksPath(id)}/${ok.id}/progress` }), 404, CODES.NO_TASK);
  const { count, tasks } = await listAll(mock, id);
  assert.equal(count, 198);
  assert.ok(!tasks.some((t) => t.id === ok.id || t.id === failed.id));
  mock.reset();
  assert.equal((await listAll(mock, id)).count, 200);
});

test('delete: 204 when configured (option or del204 token)', async () => {
  const t = mock.tasks('d-n50-del204').find((x) => x.status === 'SUCCESS');
  const r = await signedRequest(mock, { method: 'DELETE', path: `${tasksPath('d-n50-del204')}/${t.id}` });
  assert.equal(r.status, 204);
  assert.equal(r.text, '');
  const m2 = await startMock({ deleteStatus: 204 });
  try {
    const t2 = m2.tasks('d-n50').find((x) => x.status === 'FAILED');
    assert.equal((await signedRequest(m2, { method: 'DELETE', path: `${tasksPath('d-n50')}/${t2.id}` })).status, 204);
  } finally { await m2.close(); }
});

test('auth: missing, wrong signature, unknown AK, tampered header -> 401 APIGW.0301', async () => {
  const path = tasksPath('auth-1');
  const none = await rawRequest(mock.url, { path, headers: { 'X-Project-Id': PROJECT } });
  isDcsError(none, 401, CODES.AUTH);
  assert.match(none.json.request_id, /^[0-9a-f]{32}$/);
  const badSk = await signedRequest(mock, { path, cred: { ak: CRED.ak, sk: 'x'.repeat(40) } });
  isDcsError(badSk, 401, CODES.AUTH);
  assert.match(badSk.json.error_msg, /signature mismatch/);
  const badAk = await signedRequest(mock, { path, cred: { ak: 'UNKNOWNAK', sk: CRED.sk } });
  assert.match(badAk.json.error_msg, /unknown access key/);
  // signed for one query, sent with another
  const { signRequest } = await import('../sign.mjs');
  const h = signRequest({ url: `${mock.url}${path}?limit=1`, headers: { 'X-Project-Id': PROJECT } }, CRED);
  const swapped = await rawRequest(mock.url, { path: `${path}?limit=2`, headers: h });
  isDcsError(swapped, 401, CODES.AUTH);
  // without X-Project-Id
  const noProject = await signedRequest(mock, { path, project: null });
  isDcsError(noProject, 401, CODES.AUTH);
  assert.match(noProject.json.error_msg, /X-Project-Id is required/);
});

test('auth: X-Sdk-Date more than 15 minutes off -> 401 with the server Date; skewed server clock', async () => {
  const path = tasksPath('skew-1');
  const old = await signedRequest(mock, { path, date: new Date(Date.now() - 16 * 60_000) });
  isDcsError(old, 401, CODES.AUTH);
  assert.match(old.json.error_msg, /signature expired/);
  assert.ok(Math.abs(Date.parse(old.headers.date) - Date.now()) < 5_000);
  const near = await signedRequest(mock, { path, date: new Date(Date.now() - 14 * 60_000) });
  assert.equal(near.status, 200);
  // server clock 1 h ahead: our "now" is stale, the Date header tells the truth
  const skewed = await startMock({ clockSkewMs: 3_600_000 });
  try {
    const r1 = await signedRequest(skewed, { path });
    isDcsError(r1, 401, CODES.AUTH);
    const serverNow = Date.parse(r1.headers.date);
    assert.ok(Math.abs(serverNow - (Date.now() + 3_600_000)) < 5_000);
    const r2 = await signedRequest(skewed, { path, date: new Date(serverNow) }); // corrected client
    assert.equal(r2.status, 200);
    skewed.config.clockSkewMs = 0; // live config
    assert.equal((await signedRequest(skewed, { path })).status, 200);
  } finally { await skewed.close(); }
});

test('auth: IAM token', async () => {
  const path = tasksPath('tok-1');
  const ok = await rawRequest(mock.url, { path, headers: { 'X-Auth-Token': 'IAM-TOKEN-1' } });
  assert.equal(ok.status, 200);
  const bad = await rawRequest(mock.url, { path, headers: { 'X-Auth-Token': 'IAM-TOKEN-2' } });
  isDcsError(bad, 401, CODES.AUTH);
  const withProject = await rawRequest(mock.url, { path, headers: { 'X-Auth-Token': 'IAM-TOKEN-1', 'X-Project-Id': PROJECT } });
  assert.equal(withProject.status, 200);
  const otherProject = await rawRequest(mock.url, { path, headers: { 'X-Auth-Token': 'IAM-TOKEN-1', 'X-Project-Id': 'ffff' } });
  isDcsError(otherProject, 403, CODES.PROJECT_MISMATCH);
  const m2 = await startMock(); // no tokens configured: none accepted
  try {
    isDcsError(await rawRequest(m2.url, { path, headers: { 'X-Auth-Token': 'IAM-TOKEN-1' } }), 401, CODES.AUTH);
  } finally { await m2.close(); }
});

test('auth: temporary credentials need X-Security-Token', async () => {
  const temp = { ak: 'TEMPAK', sk: 'TEMPSK', securityToken: 'sts-token-value' };
  const m2 = await startMock({ credentials: [CRED, temp] });
  try {
    const path = tasksPath('temp-1');
    assert.equal((await signedRequest(m2, { path, cred: temp })).status, 200);
    const { securityToken, ...noTok } = temp;
    const r = await signedRequest(m2, { path, cred: noTok });
    isDcsError(r, 401, CODES.AUTH);
    assert.match(r.json.error_msg, /X-Security-Token is required/);
    assert.equal((await signedRequest(m2, { path, cred: { ...temp, securityToken: 'forged' } })).status, 401);
    assert.equal((await signedRequest(m2, { path })).status, 200); // the permanent pair still works
  } finally { await m2.close(); }
});

test('project: path must equal X-Project-Id and the configured project', async () => {
  const other = 'ffffffffffffffffffffffffffffffff';
  const r1 = await signedRequest(mock, { path: tasksPath('proj-1', other) });
  isDcsError(r1, 403, CODES.PROJECT_MISMATCH);
  const r2 = await signedRequest(mock, { path: tasksPath('proj-1', other), project: other });
  isDcsError(r2, 403, CODES.PROJECT_FORBIDDEN);
  const any = await startMock({ projectId: null });
  try {
    assert.equal((await signedRequest(any, { path: tasksPath('proj-1', other), project: other })).status, 200);
  } finally { await any.close(); }
});

test('auth: false disables the gateway checks', async () => {
  const open = await startMock({ auth: false });
  try {
    const r = await rawRequest(open.url, { path: tasksPath('open-1') });
    assert.equal(r.status, 200);
  } finally { await open.close(); }
});

test('percent-encoded ids and query values are verified like the SDK signs them', async () => {
  // auth passes (so the canonical form matched), then the service says what it thinks
  const weird = ['a b', 'x+y', '中文', "it's", 'a%2Fb', '~tilde'];
  for (const id of weird) {
    const r = await signedRequest(mock, { path: `${tasksPath(id)}/${encodeURIComponent(id)}/progress` });
    assert.equal(r.status, 404, `${id}: ${r.text}`);
  }
  const q = await signedRequest(mock, { path: `${tasksPath('enc-1')}${qs({ 'naïve key': 'a+b c/é' })}` });
  isDcsError(q, 400, CODES.UNKNOWN_PARAM);
  assert.match(q.json.error_msg, /naïve key/);
});

test('counters: total, by route/instance/status/auth, max concurrency; reset', async () => {
  await Promise.all(Array.from({ length: 8 }, () => listTasks(mock, 'cnt-slow-150')));
  await listTasks(mock, 'cnt-2');
  await signedRequest(mock, { path: '/nope' });
  const t = mock.tasks('cnt-2')[1];
  await signedRequest(mock, { path: `${tasksPath('cnt-2')}/${t.id}/progress` });
  await rawRequest(mock.url, { path: tasksPath('cnt-2') }); // 401
  const s = mock.stats;
  assert.equal(s.total, 12);
  assert.deepEqual(s.byRoute, { list: 10, unknown: 1, progress: 1 });
  assert.deepEqual(s.byInstance, { 'cnt-slow-150': 8, 'cnt-2': 3 });
  assert.deepEqual(s.byStatus, { 200: 10, 404: 1, 401: 1 });
  assert.equal(s.maxConcurrency, 8);
  assert.equal(s.inFlight, 0);
  const viaHttp = await rawRequest(mock.url, { path: '/__mock/stats' });
  assert.equal(viaHttp.json.total, 12); // control endpoints are not counted
  const reset = await rawRequest(mock.url, { method: 'POST', path: '/__mock/reset' });
  assert.deepEqual(reset.json, { ok: true });
  assert.equal(mock.stats.total, 0);
});

test('control endpoints: config and tasks', async () => {
  const c = await rawRequest(mock.url, { method: 'POST', path: '/__mock/config', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ latencyMs: 50 }) });
  assert.equal(c.json.latencyMs, 50);
  const t0 = Date.now();
  await listTasks(mock, 'lat-1');
  assert.ok(Date.now() - t0 >= 45);
  await rawRequest(mock.url, { method: 'POST', path: '/__mock/config', body: '{"latencyMs":0}' });
  assert.equal(mock.config.latencyMs, 0);
  const bad = await rawRequest(mock.url, { method: 'POST', path: '/__mock/config', body: '{"latencyMs":"x"}' });
  assert.equal(bad.status, 400);
  const all = await rawRequest(mock.url, { path: '/__mock/tasks/ctl-n12' });
  assert.equal(all.json.task_count, '12');
  assert.deepEqual(all.json.tasks, mock.tasks('ctl-n12'));
  assert.equal((await rawRequest(mock.url, { path: '/__mock/nope' })).status, 404);
  assert.deepEqual((await rawRequest(mock.url, { path: '/__mock/health' })).json, { ok: true });
});

test('logging: one line per request, never credentials', async () => {
  const lines = [];
  const temp = { ak: 'LOGAK', sk: 'LOG-SECRET-KEY', securityToken: 'LOG-SECURITY-TOKEN' };
  const m2 = await startMock({ log: (l) => lines.push(l), credentials: [temp], tokens: ['LOG-IAM-TOKEN'] });
  try {
    await signedRequest(m2, { path: tasksPath('log-1'), cred: temp });
    await rawRequest(m2.url, { path: tasksPath('log-1'), headers: { 'X-Auth-Token': 'LOG-IAM-TOKEN' } });
    await rawRequest(m2.url, { path: tasksPath('log-1'), headers: { 'X-Auth-Token': 'WRONG-IAM-TOKEN' } });
    await sleep(20);
    assert.equal(lines.length, 3);
    const all = lines.join('\n');
    for (const secret of ['LOG-SECRET-KEY', 'LOG-SECURITY-TOKEN', 'LOG-IAM-TOKEN', 'WRONG-IAM-TOKEN', 'Signature=', 'SDK-HMAC']) {
      assert.ok(!all.includes(secret), secret);
    }
    assert.match(lines[0], /GET \/v2\/.*\/tasks -> 200 \d+ms auth=aksk/);
    assert.match(lines[2], /-> 401 .*auth=token/);
  } finally { await m2.close(); }
});

test('CLI argument parsing', () => {
  assert.deepEqual(parseArgs(['--port', '9000', '--host', '127.0.0.1', '--project-id', 'p1', '--ak', 'A', '--sk', 'S', '--token', 't1', '--token', 't2', '--verbose']),
    { port: 9000, host: '127.0.0.1', projectId: 'p1', ak: 'A', sk: 'S', tokens: ['t1', 't2'], log: true });
  assert.equal(parseArgs(['--project-id', 'any']).projectId, null);
  assert.equal(parseArgs(['--anchor', 'now']).anchor, 'now');
  assert.throws(() => parseArgs(['--ak', 'A']), /go together/);
  assert.throws(() => parseArgs(['--bogus']), /unknown option/);
  assert.throws(() => parseArgs(['--port']), /needs a value/);
});

test('cors option: preflight and exposed headers; none by default', async () => {
  const plain = await rawRequest(mock.url, { method: 'OPTIONS', path: tasksPath('c-1') });
  assert.equal(plain.headers['access-control-allow-origin'], undefined);
  const m2 = await startMock({ cors: true });
  try {
    const pre = await rawRequest(m2.url, { method: 'OPTIONS', path: tasksPath('c-1'), headers: { Origin: 'http://x', 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'authorization,x-sdk-date,x-project-id' } });
    assert.equal(pre.status, 204);
    assert.equal(pre.headers['access-control-allow-origin'], '*');
    assert.equal(pre.headers['access-control-allow-headers'], 'authorization,x-sdk-date,x-project-id');
    const r = await signedRequest(m2, { path: tasksPath('c-1') });
    assert.equal(r.status, 200);
    assert.match(r.headers['access-control-expose-headers'], /X-Request-Id/);
  } finally { await m2.close(); }
});

test('request bodies over maxBodyBytes: 413', async () => {
  const m2 = await startMock({ maxBodyBytes: 10 });
  try {
    const r = await rawRequest(m2.url, { method: 'DELETE', path: `${tasksPath('b-1')}/x`, body: 'x'.repeat(100) });
    assert.equal(r.status, 413);
  } finally { await m2.close(); }
});

test("anchor 'now': the newest task is recent", async () => {
  const m2 = await startMock({ anchor: 'now' });
  try {
    const [t] = m2.tasks('anchor-1');
    const age = Date.now() - Date.parse(t.created_at);
    assert.ok(age >= 0 && age <= 3_700_000, String(age));
  } finally { await m2.close(); }
});

test('CLI: listens on the given loopback port, logs one line per request to stderr', async () => {
  const { spawn } = await import('node:child_process');
  const { fileURLToPath } = await import('node:url');
  const child = spawn(process.execPath, [fileURLToPath(new URL('../server.mjs', import.meta.url)), '--port', '0', '--host', '127.0.0.1', '--token', 'CLI-TOKEN', '--verbose'], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    let out = '';
    let err = '';
    child.stderr.on('data', (c) => { err += c; });
    const url = await new Promise((resolve, reject) => {
      child.stdout.on('data', (c) => {
        out += c;
        const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (m) resolve(m[1]);
      });
      child.on('exit', (code) => reject(new Error(`exited ${code}: ${err}`)));
    });
    const r = await rawRequest(url, { path: tasksPath('cli-1'), headers: { 'X-Auth-Token': 'CLI-TOKEN' } });
    assert.equal(r.status, 200);
    await sleep(50);
    assert.match(err, /GET \/v2\/.*\/instances\/cli-1\/tasks -> 200 .*auth=token/);
    assert.ok(!err.includes('CLI-TOKEN'));
  } finally {
    child.kill('SIGTERM');
  }
});
