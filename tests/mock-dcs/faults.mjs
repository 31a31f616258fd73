// Faults on demand, selected by tokens in the instance id (split on "-" and "_"), e.g.
// `inst-throttlex3-ra0`, `slow-2000-demo`, `flaky-20-abc`, `n10000-countplus5`.
// See README.md for the table. Everything is deterministic: counters and seeds are per instance
// and reset by POST /__mock/reset.

import { hash32, mulberry32 } from './data.mjs';

/** The seed page's example response, byte for byte (tests/fixtures/seed-example.json). */
export const SEED_EXAMPLE_BODY = `{
  "task_count" : 1,
  "tasks" : [ {
    "id" : "8abf6e1e72c12e7c0172c15b508500aa",
    "name" : "ChangeInstanceSpec",
    "user_name" : "paas_dcs_a00421997_02",
    "user_id" : "d53977d1adfb49c5b025ba7d33a13fd7",
    "details" : {
      "old_cache_mode" : "single",
      "new_cahce_mode" : "single",
      "old_capacity" : 0.125,
      "new_capacity" : 0.25
    }
  } ],
  "status" : "SUCCESS",
  "created_at" : "2020-06-17T08:18:06.597Z",
  "updated_at" : "2020-06-17T08:18:10.106Z"
}
`;

export const HTML_BODIES = {
  500: '<!DOCTYPE html>\n<html><head><title>500 Internal Server Error</title></head>\n<body><h1>Internal Server Error</h1><p>The server encountered an internal error.</p></body></html>\n',
  502: '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n',
  503: '<html>\r\n<head><title>503 Service Temporarily Unavailable</title></head>\r\n<body>\r\n<center><h1>503 Service Temporarily Unavailable</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n',
  504: '<html>\r\n<head><title>504 Gateway Time-out</title></head>\r\n<body>\r\n<center><h1>504 Gateway Time-out</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n',
  200: '<!DOCTYPE html>\n<html><head><title>Login</title></head><body><form action="/login">Please sign in to continue.</form></body></html>\n',
};

/**
 * Parses the fault tokens of an instance id into a spec:
 * { quirky, seedExample, throttle: {limit}|null, retryAfter, errors: [{status, json, limit}],
 *   drop: {limit}|null, trunc: {limit}|null, html200: {limit}|null, slowMs, flakyPct,
 *   countDelta, insert, hugeMb, streamMb, del204 }
 * `limit` is the number of requests that fail (Infinity when the token has no `x{N}`).
 */
export function parseFaults(instanceId) {
  const toks = instanceId.split(/[-_]/);
  const spec = {
    quirky: false, seedExample: false, throttle: null, retryAfter: null, errors: [], drop: null,
    trunc: null, html200: null, slowMs: 0, flakyPct: 0, countDelta: 0, insert: 0, hugeMb: 0, streamMb: 0, del204: false,
  };
  const lim = (x) => (x === undefined ? Infinity : Number(x));
  const nextNum = (i) => (/^\d{1,6}$/.test(toks[i + 1] ?? '') ? Number(toks[i + 1]) : undefined);
  let any = false;
  toks.forEach((t, i) => {
    let m;
    if (t === 'quirky') spec.quirky = true;
    else if (t === 'seedexample') spec.seedExample = true;
    else if ((m = /^throttle(?:x(\d+))?$/.exec(t))) spec.throttle = { limit: lim(m[1]) };
    else if ((m = /^ra(\d{1,5})$/.exec(t))) spec.retryAfter = Number(m[1]);
    else if ((m = /^err(50[0234])(json)?(?:x(\d+))?$/.exec(t))) spec.errors.push({ status: Number(m[1]), json: Boolean(m[2]), limit: lim(m[3]) });
    else if ((m = /^drop(?:x(\d+))?$/.exec(t))) spec.drop = { limit: lim(m[1]) };
    else if ((m = /^trunc(?:x(\d+))?$/.exec(t))) spec.trunc = { limit: lim(m[1]) };
    else if ((m = /^html200(?:x(\d+))?$/.exec(t))) spec.html200 = { limit: lim(m[1]) };
    else if ((m = /^slow(\d{1,6})?$/.exec(t))) spec.slowMs = Number(m[1] ?? nextNum(i) ?? 2000);
    else if ((m = /^flaky(\d{1,3})?$/.exec(t))) spec.flakyPct = Math.min(100, Number(m[1] ?? nextNum(i) ?? 20));
    else if ((m = /^countplus(\d{1,6})?$/.exec(t))) spec.countDelta = Number(m[1] ?? 10);
    else if ((m = /^countminus(\d{1,6})?$/.exec(t))) spec.countDelta = -Number(m[1] ?? 10);
    else if ((m = /^insert(\d{1,3})?$/.exec(t))) spec.insert = Number(m[1] ?? 1);
    else if ((m = /^huge(\d{1,3})?$/.exec(t))) spec.hugeMb = Math.min(256, Number(m[1] ?? 16));
    else if ((m = /^stream(\d{1,3})?$/.exec(t))) spec.streamMb = Math.min(256, Number(m[1] ?? 64));
    else if (t === 'del204') spec.del204 = true;
    else return;
    any = true;
  });
  spec.any = any;
  return spec;
}

/**
 * Decides what happens to one request before the handler runs. `counters` is the per-instance
 * fault state ({kind: count, seq}); `global` is {failRate, rng} for the server-wide random
 * failures. Returns null (no fault) or {kind, ...}:
 *  - {kind: 'throttle', retryAfter}
 *  - {kind: 'error', status, json}
 *  - {kind: 'drop'} / {kind: 'trunc'} / {kind: 'html200'}   (transport faults on the response)
 */
export function decideFault(instanceId, spec, counters, global, defaults) {
  const seq = counters.seq = (counters.seq ?? 0) + 1;
  const take = (kind, f) => {
    if (!f) return false;
    const n = counters[kind] = (counters[kind] ?? 0) + 1;
    return n <= f.limit;
  };
  if (spec) {
    if (take('throttle', spec.throttle)) return { kind: 'throttle', retryAfter: spec.retryAfter ?? defaults.retryAfterSec };
    for (const e of spec.errors) if (take(`err${e.status}${e.json ? 'json' : ''}`, e)) return { kind: 'error', status: e.status, json: e.json };
    if (take('html200', spec.html200)) return { kind: 'html200' };
    if (take('drop', spec.drop)) return { kind: 'drop' };
    if (take('trunc', spec.trunc)) return { kind: 'trunc' };
    if (spec.flakyPct > 0) {
      const r = mulberry32(hash32(instanceId, 0x5eed) ^ Math.imul(seq, 0x9e3779b1));
      if (r() * 100 < spec.flakyPct) return randomFailure(r);
    }
  }
  if (global.failRate > 0 && global.rng() < global.failRate) return randomFailure(global.rng);
  return null;
}

function randomFailure(r) {
  const x = r();
  if (x < 1 / 3) return { kind: 'error', status: 500, json: false, random: true };
  if (x < 2 / 3) return { kind: 'error', status: 502, json: false, random: true };
  return { kind: 'drop', random: true };
}

/**
 * The seed page's quirks applied to a generated list body: numeric task_count and capacities,
 * `new_cahce_mode`, and on a single-task page status/created_at/updated_at moved to the top level.
 */
export function quirkify(body) {
  const out = { task_count: Number(body.task_count), tasks: body.tasks.map((t) => {
    const d = { ...t.details };
    for (const k of ['old_capacity', 'new_capacity']) if (typeof d[k] === 'string') d[k] = Number(d[k]);
    if ('new_cache_mode' in d) {
      const v = d.new_cache_mode; delete d.new_cache_mode; d.new_cahce_mode = v;
    }
    return { ...t, details: d };
  }) };
  if (out.tasks.length === 1) {
    const [t] = out.tasks;
    for (const k of ['status', 'created_at', 'updated_at']) {
      if (k in t) { out[k] = t[k]; delete t[k]; }
    }
  }
  return out;
}
