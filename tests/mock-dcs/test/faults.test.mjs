// Every fault mode of the mock.
import test, { before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { startMock, CODES } from '../server.mjs';
import { parseFaults, SEED_EXAMPLE_BODY } from '../faults.mjs';
import { signRequest } from '../sign.mjs';
import { listTasks, signedRequest, tasksPath, rawRequest, PROJECT, CRED } from './helpers.mjs';

let mock;
before(async () => { mock = await startMock(); });
after(() => mock.close());
beforeEach(() => mock.reset());

test('fault tokens parse', () => {
  const f = parseFaults('x-throttlex3-ra0-err500x2-err502json-slow-250-flaky-30-countplus5-insert2-huge4-del204');
  assert.deepEqual(f.throttle, { limit: 3 });
  assert.equal(f.retryAfter, 0);
  assert.deepEqual(f.errors, [{ status: 500, json: false, limit: 2 }, { status: 502, json: true, limit: Infinity }]);
  assert.equal(f.slowMs, 250);
  assert.equal(f.flakyPct, 30);
  assert.equal(f.countDelta, 5);
  assert.equal(f.insert, 2);
  assert.equal(f.hugeMb, 4);
  assert.equal(f.del204, true);
  assert.equal(parseFaults('slow2000').slowMs, 2000);
  assert.equal(parseFaults('flaky').flakyPct, 20);
  assert.equal(parseFaults('countminus').countDelta, -10);
  assert.equal(parseFaults('3e5c8b1a-1111-2222-3333-444455556666').any, false);
});

test('seedexample: the seed page example, byte for byte', async () => {
  const r = await listTasks(mock, 'q-seedexample');
  assert.equal(r.status, 200);
  assert.equal(r.text, SEED_EXAMPLE_BODY);
  const fixture = new URL('../../fixtures/seed-example.json', import.meta.url);
  if (existsSync(fixture)) assert.equal(r.text, readFileSync(fixture, 'utf8'));
});

test('quirky: numeric task_count/capacities, new_cahce_mode, hoisting on single-task pages', async () => {
  const r = await listTasks(mock, 'q-quirky-n400', { limit: 1000 });
  assert.equal(r.json.task_count, 400);
  const specs = r.json.tasks.filter((t) => t.name === 'ChangeInstanceSpec');
  assert.ok(specs.length > 0);
  for (const t of specs) {
    assert.equal(typeof t.details.old_capacity, 'number');
    assert.ok('new_cahce_mode' in t.details);
    assert.ok(!('new_cache_mode' in t.details));
  }
  const one = await listTasks(mock, 'q-quirky-n400', { limit: 1 });
  assert.deepEqual(Object.keys(one.json).sort(), ['created_at', 'status', 'task_count', 'tasks', 'updated_at']);
  assert.ok(!('status' in one.json.tasks[0]));
});

test('throttle: 429 + Retry-After for the first N requests, then success', async () => {
  for (let i = 0; i < 3; i++) {
    const r = await listTasks(mock, 't-throttlex3');
    assert.equal(r.status, 429);
    assert.equal(r.headers['retry-after'], '1');
    assert.equal(r.json.error_code, CODES.THROTTLED);
  }
  assert.equal((await listTasks(mock, 't-throttlex3')).status, 200);
  const ra = await listTasks(mock, 't-throttlex1-ra7');
  assert.equal(ra.headers['retry-after'], '7');
  assert.equal((await listTasks(mock, 't-throttle')).status, 429);
  assert.equal((await listTasks(mock, 't-throttle')).status, 429);
  mock.reset();
  assert.equal((await listTasks(mock, 't-throttlex3')).status, 429); // counters reset
});

test('5xx: HTML 500/502 (always or first N), JSON 500', async () => {
  const r500 = await listTasks(mock, 'e-err500');
  assert.equal(r500.status, 500);
  assert.match(r500.headers['content-type'], /^text\/html/);
  assert.match(r500.text, /<html/i);
  assert.equal(r500.json, undefined);
  const r502 = await listTasks(mock, 'e-err502x2');
  assert.equal(r502.status, 502);
  assert.match(r502.text, /502 Bad Gateway/);
  assert.equal((await listTasks(mock, 'e-err502x2')).status, 502);
  assert.equal((await listTasks(mock, 'e-err502x2')).status, 200);
  const j = await listTasks(mock, 'e-err500json');
  assert.equal(j.status, 500);
  assert.equal(j.json.error_code, CODES.INTERNAL);
  assert.equal(j.json.error_ext_msg, null);
  // faults also hit progress and delete of that instance
  const [t] = mock.tasks('e-err503');
  assert.equal((await signedRequest(mock, { path: `${tasksPath('e-err503')}/${t.id}/progress` })).status, 503);
});

test('slow: delays the reply', async () => {
  const t0 = Date.now();
  const r = await listTasks(mock, 's-slow-300');
  assert.equal(r.status, 200);
  assert.ok(Date.now() - t0 >= 290);
});

test('drop: the connection dies mid-body; counted as dropped', async () => {
  const r = await listTasks(mock, 'd-dropx1').catch((e) => ({ rejected: e }));
  if (!r.rejected) {
    assert.equal(r.status, 200);
    assert.ok(r.error || !r.complete, 'response not complete');
    assert.ok(Number(r.headers['content-length']) > Buffer.byteLength(r.text));
  }
  assert.equal((await listTasks(mock, 'd-dropx1')).status, 200);
  assert.equal(mock.stats.byStatus.dropped, 1);
});

test('trunc: 200 with a cut JSON body and a matching Content-Length', async () => {
  const r = await listTasks(mock, 'x-trunc');
  assert.equal(r.status, 200);
  assert.ok(r.complete);
  assert.equal(Number(r.headers['content-length']), Buffer.byteLength(r.text));
  assert.ok(r.text.startsWith('{"task_count":"'));
  assert.throws(() => JSON.parse(r.text));
});

test('html200: a 200 that is not JSON', async () => {
  const r = await listTasks(mock, 'h-html200x1');
  assert.equal(r.status, 200);
  assert.match(r.headers['content-type'], /text\/html/);
  assert.equal((await listTasks(mock, 'h-html200x1')).json.task_count !== undefined, true);
});

test('countplus/countminus: task_count lies', async () => {
  const more = await listTasks(mock, 'c-n30-countplus5', { limit: 1000 });
  assert.equal(more.json.task_count, '35');
  assert.equal(more.json.tasks.length, 30);
  const less = await listTasks(mock, 'c-n30-countminus7', { limit: 1000 });
  assert.equal(less.json.task_count, '23');
  assert.equal(less.json.tasks.length, 30);
  const floor = await listTasks(mock, 'c-n3-countminus7');
  assert.equal(floor.json.task_count, '0');
});

test('insert: every list request adds tasks at the top, shifting offsets', async () => {
  const p1 = await listTasks(mock, 'i-n20-insert2', { offset: 0, limit: 5 });
  assert.equal(p1.json.task_count, '22');
  const p2 = await listTasks(mock, 'i-n20-insert2', { offset: 5, limit: 5 });
  assert.equal(p2.json.task_count, '24');
  // the last two of page 1 show up again at the top of page 2
  assert.deepEqual(p2.json.tasks.slice(0, 2).map((t) => t.id), p1.json.tasks.slice(3, 5).map((t) => t.id));
  const all = mock.tasks('i-n20-insert2');
  assert.equal(all.length, 24);
  assert.ok(all[0].created_at > all[4].created_at);
  assert.equal(new Set(all.map((t) => t.id)).size, 24);
});

test('huge: an oversized but valid body', async () => {
  const r = await listTasks(mock, 'b-huge2');
  assert.equal(r.status, 200);
  assert.ok(Buffer.byteLength(r.text) >= 2 * 1024 * 1024);
  assert.equal(JSON.parse(r.text).tasks.length, 10);
});

test('flaky: a seeded share of failures (500/502/drop), same sequence after reset', async () => {
  const run = async () => {
    const out = [];
    for (let i = 0; i < 60; i++) {
      const r = await listTasks(mock, 'f-flaky-30').catch(() => ({ status: 'error' }));
      out.push(r.error || (r.status === 200 && !r.complete) ? 'drop' : r.status);
    }
    return out;
  };
  const a = await run();
  const fails = a.filter((s) => s !== 200).length;
  assert.ok(fails >= 8 && fails <= 30, `fails ${fails}/60`);
  assert.ok(a.includes(500) && a.includes(502) && a.includes('drop'), a.join(','));
  mock.reset();
  assert.deepEqual(await run(), a);
});

test('global failRate and latencyMs options', async () => {
  const m2 = await startMock({ failRate: 0.5, failSeed: 7, latencyMs: 30 });
  try {
    const t0 = Date.now();
    const res = [];
    for (let i = 0; i < 20; i++) res.push(await listTasks(m2, 'g-1').then((r) => r.status, () => 'error'));
    assert.ok(Date.now() - t0 >= 20 * 30);
    const fails = res.filter((s) => s !== 200).length;
    assert.ok(fails >= 4 && fails <= 16, `fails ${fails}`);
    assert.ok(Object.keys(m2.stats.faults).length > 0);
  } finally { await m2.close(); }
});

test('an aborted slow request is counted as aborted and frees its slot', async () => {
  const ac = new AbortController();
  const url = `${mock.url}${tasksPath('a-slow-500')}`;
  const headers = signRequest({ url, headers: { 'X-Project-Id': PROJECT } }, CRED);
  const p = fetch(url, { headers, signal: ac.signal }).catch((e) => e.name);
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(mock.stats.inFlight, 1);
  ac.abort();
  assert.equal(await p, 'AbortError');
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(mock.stats.inFlight, 0);
  assert.equal(mock.stats.byStatus.aborted, 1);
  await rawRequest(mock.url, { path: '/__mock/stats' });
});
