#!/usr/bin/env node
// Mock Huawei Cloud DCS server: the background-task API (list, progress, delete) behind a strict
// API-gateway-like front (SDK-HMAC-SHA256 / X-Auth-Token, clock check, project check), with
// deterministic data and faults on demand. Node built-ins only.
//
//   import { startMock } from './tests/mock-dcs/server.mjs';
//   const mock = await startMock({ port: 0 });  // -> { url, port, close(), stats, reset(), ... }
//
//   node tests/mock-dcs/server.mjs --port 9000 [--host 127.0.0.1] [--verbose] ...  (see --help)

import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import {
  DEFAULT_ANCHOR_MS, generateTasks, generateInsertedTask, viewTask, progressFor, effectiveStatus,
  parseApiTime, MAX_TASKS, mulberry32,
} from './data.mjs';
import { verifyRequest, decode, MAX_SKEW_MS } from './sign.mjs';
import { parseFaults, decideFault, quirkify, SEED_EXAMPLE_BODY, HTML_BODIES } from './faults.mjs';
import { fleetFor, parseFleetProject, parseInstanceParams, listInstancesBody, taskProfile } from './fleet.mjs';

export const DEFAULT_PROJECT_ID = '0123456789abcdef0123456789abcdef';
export const DEFAULT_CREDENTIALS = [{ ak: 'HPUAXXXXXXXXXXXXXXXX', sk: 'SKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSK' }];
export const DEFAULT_LIMIT = 10;
export const MAX_LIMIT = 1000;
const ID_RE = /^[A-Za-z0-9_-]{1,64}$/;
const QUERY_PARAMS = ['offset', 'limit', 'start_time', 'end_time'];

/** Error codes the mock sends (documented in README.md). */
export const CODES = {
  AUTH: 'APIGW.0301',            // 401: any IAM authentication failure (message says which)
  THROTTLED: 'APIGW.0308',       // 429
  BAD_VALUE: 'DCS.4800',         // 400: malformed/duplicate query parameter value
  UNKNOWN_PARAM: 'DCS.4801',     // 400: query parameter the API does not have (e.g. begin_time)
  BAD_RANGE: 'DCS.4802',         // 400: start_time after end_time
  PROJECT_MISMATCH: 'DCS.4030',  // 403: path project_id != X-Project-Id
  PROJECT_FORBIDDEN: 'DCS.4031', // 403: project not accessible with these credentials
  NO_INSTANCE: 'DCS.4010',       // 404: instance id not well-formed (so it does not exist)
  NO_TASK: 'DCS.4012',           // 404: no such task (or already deleted)
  NO_ROUTE: 'DCS.4404',          // 404: no such API
  NOT_DELETABLE: 'DCS.4950',     // 400: only SUCCESS/FAILED tasks can be deleted
  INTERNAL: 'DCS.5000',          // 500 (errNNNjson fault)
};

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms).unref());
/** Waits until `Date.now()` reaches `at`: a timer may fire a millisecond before its delay by
 * that clock, and a slow answer must never leave early. */
async function sleepUntil(at) {
  while (Date.now() < at) await sleep(at - Date.now());
}
const requestId = () => randomBytes(16).toString('hex');

/**
 * Starts the mock. Options (all optional):
 *  port (0 = any free port), host ('127.0.0.1'),
 *  projectId (DEFAULT_PROJECT_ID; null accepts any project),
 *  credentials ([{ak, sk, securityToken?}], DEFAULT_CREDENTIALS) or ak/sk/securityToken shorthand,
 *  tokens ([] IAM tokens accepted in X-Auth-Token), auth (true; false disables all checks),
 *  clockSkewMs (0), maxSkewMs (15 min), latencyMs (0), failRate (0..1), failSeed (1),
 *  msPerPercent (1000: progress speed of EXECUTING tasks), anchorMs (newest task time; 'now'),
 *  deleteStatus (200 | 204), retryAfterSec (1), maxBodyBytes (1 MiB), cors (false),
 *  log (false | true (stderr) | function(line)).
 */
export async function startMock(options = {}) {
  const config = makeConfig(options);
  const state = { instances: new Map(), projects: new Map(), startedAt: Date.now(), stats: emptyStats(), inFlight: 0, listsInFlight: new Map(), scenario: emptyScenario() };
  state.globalRng = mulberry32(config.failSeed);
  const log = config.log === true ? (line) => process.stderr.write(`${line}\n`)
    : typeof config.log === 'function' ? config.log : null;

  const reset = () => {
    state.instances.clear();
    state.projects.clear();
    state.scenario = emptyScenario();
    state.startedAt = Date.now();
    state.stats = emptyStats();
    state.globalRng = mulberry32(config.failSeed);
  };

  const server = http.createServer((req, res) => {
    handle(req, res, { config, state, log, reset }).catch((err) => {
      // a bug in the mock: answer 500 if still possible, never crash the process
      if (!res.headersSent && !res.destroyed) {
        sendJson(res, 500, { error_code: CODES.INTERNAL, error_msg: `mock bug: ${err.message}`, error_ext_msg: null });
      } else {
        res.destroy();
      }
      process.stderr.write(`mock-dcs: internal error: ${err.stack}\n`);
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => { server.off('error', reject); resolve(); });
  });
  const { port } = server.address();
  const hostForUrl = config.host.includes(':') ? `[${config.host}]` : config.host;
  const handleObj = {
    url: `http://${hostForUrl}:${port}`,
    port,
    host: config.host,
    projectId: config.projectId,
    credentials: [...config.credentials.entries()].map(([ak, c]) => ({ ak, ...c })),
    config, // live: change clockSkewMs, latencyMs, failRate, ... at any time
    server,
    get stats() { return snapshotStats(state); },
    reset,
    /** All current tasks of an instance (wire form, newest first), as the list would show them. */
    tasks: (instanceId) => currentTasks(instanceStore(state, config, instanceId))
      .map((t) => viewTask(t, Date.now() - state.startedAt, config.msPerPercent)),
    close: () => new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
  return handleObj;
}

function makeConfig(o) {
  const credentials = o.credentials ?? (o.ak ? [{ ak: o.ak, sk: o.sk, securityToken: o.securityToken }] : DEFAULT_CREDENTIALS);
  const anchor = o.anchorMs ?? o.anchor;
  return {
    port: o.port ?? 0,
    host: o.host ?? '127.0.0.1',
    projectId: o.projectId === undefined ? DEFAULT_PROJECT_ID : o.projectId,
    credentials: new Map(credentials.map((c) => [c.ak, { sk: c.sk, ...(c.securityToken ? { securityToken: c.securityToken } : {}) }])),
    tokens: new Set(o.tokens ?? []),
    auth: o.auth ?? true,
    clockSkewMs: o.clockSkewMs ?? 0,
    maxSkewMs: o.maxSkewMs ?? MAX_SKEW_MS,
    latencyMs: o.latencyMs ?? 0,
    failRate: o.failRate ?? 0,
    failSeed: o.failSeed ?? 1,
    msPerPercent: o.msPerPercent ?? 1000,
    anchorMs: anchor === 'now' ? Date.now() : anchor === undefined ? DEFAULT_ANCHOR_MS
      : typeof anchor === 'string' ? Date.parse(anchor) : anchor,
    deleteStatus: o.deleteStatus ?? 200,
    retryAfterSec: o.retryAfterSec ?? 1,
    maxBodyBytes: o.maxBodyBytes ?? 1024 * 1024,
    cors: o.cors ?? false,
    log: o.log ?? false,
  };
}

// ---------------------------------------------------------------------------------------------
// State

function emptyStats() {
  return { total: 0, byRoute: {}, byInstance: {}, byStatus: {}, byAuth: {}, faults: {}, maxConcurrency: 0, maxListsInFlightByProject: {}, since: new Date().toISOString() };
}

/** The scripted scenario (`POST /__mock/scenario`): tasks that replace an instance's, instances down. */
function emptyScenario() {
  return { tasks: new Map(), down: new Set() };
}

function snapshotStats(state) {
  return { ...structuredClone(state.stats), inFlight: state.inFlight };
}

const inc = (obj, key, n = 1) => { obj[key] = (obj[key] ?? 0) + n; };

function instanceStore(state, config, instanceId) {
  let s = state.instances.get(instanceId);
  if (!s) {
    const base = generateTasks(instanceId, { anchorMs: config.anchorMs, ...taskProfile(instanceId) });
    s = { id: instanceId, base, inserted: [], deleted: new Set(), byId: new Map(base.map((t) => [t.wire.id, t])), faultCounters: {}, faults: parseFaults(instanceId) };
    state.instances.set(instanceId, s);
  }
  return s;
}

function currentTasks(s) {
  const all = s.inserted.length ? [...s.inserted, ...s.base] : s.base;
  return s.deleted.size ? all.filter((t) => !s.deleted.has(t.wire.id)) : all;
}

function insertTasks(s, k) {
  for (let i = 0; i < k && s.base.length + s.inserted.length < MAX_TASKS * 2; i++) {
    const newest = s.inserted[0] ?? s.base[0];
    const t = generateInsertedTask(s.id, s.inserted.length, newest ? newest.meta.createdMs : DEFAULT_ANCHOR_MS);
    s.inserted.unshift(t);
    s.byId.set(t.wire.id, t);
  }
}

// ---------------------------------------------------------------------------------------------
// Responses

function errorBody(code, msg, requestIdValue) {
  const b = { error_code: code, error_msg: msg, error_ext_msg: null };
  if (requestIdValue && code.startsWith('APIGW.')) b.request_id = requestIdValue; // gateway errors carry it
  return b;
}

function sendRaw(res, status, headers, body) {
  if (res.destroyed || res.headersSent) return;
  const buf = Buffer.isBuffer(body) ? body : Buffer.from(body ?? '', 'utf8');
  const ctx = res.mockCtx;
  const transport = ctx?.transport;
  if (transport === 'trunc' && buf.length > 1) {
    // a valid start, cut in the middle; correct status and a Content-Length that matches the cut
    const cut = buf.subarray(0, Math.max(1, Math.floor(buf.length * 0.6)));
    res.writeHead(status, { ...headers, 'Content-Length': cut.length });
    res.end(cut);
    return;
  }
  if (transport === 'drop') {
    // headers announce the whole body; half of it arrives, then the connection is destroyed
    res.writeHead(status, { ...headers, 'Content-Length': buf.length });
    ctx.dropped = true;
    res.write(buf.subarray(0, Math.floor(buf.length / 2)), () => res.socket?.destroy());
    return;
  }
  res.writeHead(status, { ...headers, 'Content-Length': buf.length });
  res.end(status === 204 ? undefined : buf);
}

function sendJson(res, status, obj, headers = {}) {
  const body = typeof obj === 'string' ? obj : JSON.stringify(obj);
  sendRaw(res, status, { 'Content-Type': 'application/json;charset=UTF-8', ...headers }, body);
}

function sendError(res, status, code, msg, headers = {}) {
  sendJson(res, status, errorBody(code, msg, res.getHeader('X-Request-Id')), headers);
}

function sendHtml(res, status, html) {
  sendRaw(res, status, { 'Content-Type': 'text/html' }, html);
}

// ---------------------------------------------------------------------------------------------
// Request handling

function matchRoute(method, segs) {
  // segs: decoded path segments after the leading "/"
  if (segs.length === 3 && segs[0] === 'v2' && segs[2] === 'instances' && method === 'GET') {
    return { name: 'instances', projectId: segs[1] };
  }
  if (segs.length < 5 || segs[0] !== 'v2' || segs[2] !== 'instances' || segs[4] !== 'tasks') return null;
  const base = { projectId: segs[1], instanceId: segs[3] };
  if (segs.length === 5 && method === 'GET') return { name: 'list', ...base };
  if (segs.length === 6 && method === 'DELETE') return { name: 'delete', ...base, taskId: segs[5] };
  if (segs.length === 7 && segs[6] === 'progress' && method === 'GET') return { name: 'progress', ...base, taskId: segs[5] };
  return null;
}

async function readBody(req, max) {
  const chunks = [];
  let n = 0;
  for await (const c of req) {
    n += c.length;
    if (n > max) throw Object.assign(new Error('body too large'), { tooLarge: true });
    chunks.push(c);
  }
  return Buffer.concat(chunks);
}

async function handle(req, res, { config, state, log, reset }) {
  const t0 = Date.now();
  const rid = requestId();
  const nowMs = () => Date.now() + config.clockSkewMs;
  res.setHeader('X-Request-Id', rid);
  res.setHeader('Date', new Date(nowMs()).toUTCString());
  if (config.cors) {
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Access-Control-Expose-Headers', 'X-Request-Id, Date, Retry-After');
  }
  const rawUrl = req.url ?? '/';
  const qi = rawUrl.indexOf('?');
  const rawPath = qi < 0 ? rawUrl : rawUrl.slice(0, qi);
  const rawQuery = qi < 0 ? '' : rawUrl.slice(qi + 1);

  if (rawPath.startsWith('/__mock/')) return control(req, res, rawPath, { config, state, reset });
  if (config.cors && req.method === 'OPTIONS') {
    res.writeHead(204, {
      'Access-Control-Allow-Methods': 'GET, DELETE, OPTIONS',
      'Access-Control-Allow-Headers': req.headers['access-control-request-headers'] ?? '*',
      'Access-Control-Max-Age': '600',
    });
    return res.end();
  }

  // -- bookkeeping: counters, concurrency, one log line
  const ctx = { rid, route: null, authKind: '-', fault: null, dropped: false, closed: false };
  res.mockCtx = ctx;
  const stats = state.stats;
  state.inFlight++;
  stats.maxConcurrency = Math.max(stats.maxConcurrency, state.inFlight);
  stats.total++;
  res.on('close', () => {
    state.inFlight--;
    ctx.closed = true;
    const status = ctx.dropped ? 'dropped' : res.writableFinished ? String(res.statusCode) : 'aborted';
    if (state.stats === stats) inc(stats.byStatus, status);
    if (log) {
      const q = rawQuery ? `?${rawQuery}` : '';
      log(`${new Date().toISOString()} ${rid} ${req.method} ${rawPath}${q} -> ${status} ${Date.now() - t0}ms auth=${ctx.authKind}${ctx.fault ? ` fault=${ctx.fault.kind}` : ''}`);
    }
  });

  // route on raw segments, then decode each (an encoded "/" stays inside its segment)
  const segs = rawPath.split('/').slice(1).map(decode);
  const route = matchRoute(req.method, segs);
  ctx.route = route;
  inc(stats.byRoute, route ? route.name : 'unknown');
  if (route?.instanceId !== undefined) inc(stats.byInstance, route.instanceId);
  if (route?.name === 'list') countListInFlight(state, stats, route.projectId, res);

  let body;
  try {
    body = await readBody(req, config.maxBodyBytes);
  } catch (e) {
    if (e.tooLarge) return sendError(res, 413, CODES.BAD_VALUE, 'request body too large');
    throw e;
  }
  if (config.latencyMs > 0) await sleep(config.latencyMs);
  if (ctx.closed) return;

  if (!route) return sendError(res, 404, CODES.NO_ROUTE, `No API matches ${req.method} ${rawPath}`);

  // -- the gateway: authentication, then project checks
  if (config.auth) {
    const a = authenticate(req, { rawPath, rawQuery, body }, config, nowMs());
    ctx.authKind = a.kind;
    inc(stats.byAuth, a.ok ? a.kind : 'rejected');
    if (!a.ok) return sendError(res, 401, CODES.AUTH, `Incorrect IAM authentication information: ${a.reason}`);
    const hdrProject = req.headers['x-project-id'];
    if (a.kind === 'aksk' && hdrProject === undefined) {
      return sendError(res, 401, CODES.AUTH, 'Incorrect IAM authentication information: X-Project-Id is required with AK/SK');
    }
    if (hdrProject !== undefined && hdrProject !== route.projectId) {
      return sendError(res, 403, CODES.PROJECT_MISMATCH, `The project_id in the URL (${route.projectId}) does not match X-Project-Id (${hdrProject})`);
    }
  }
  // A `fleet{N}` project (fleet.mjs) is accessible too: tests and the benchmark name their fleet.
  if (config.projectId !== null && route.projectId !== config.projectId && !parseFleetProject(route.projectId)) {
    return sendError(res, 403, CODES.PROJECT_FORBIDDEN, `No permission to access project ${route.projectId}`);
  }
  if (route.name === 'instances') return instances(res, route, rawQuery, ctx, { config, state, t0 });

  // -- faults by instance id / global failure rate
  const wellFormed = ID_RE.test(route.instanceId);
  const store = wellFormed ? instanceStore(state, config, route.instanceId) : null;
  const spec = store?.faults;
  if (spec?.slowMs > 0) {
    // The answer leaves `slowMs` after the request arrived (the mock's own work included).
    await sleepUntil(t0 + spec.slowMs);
    if (ctx.closed) return;
  }
  if (state.scenario.down.has(route.instanceId)) {
    inc(stats.faults, 'down');
    return sendError(res, 503, CODES.INTERNAL, 'The instance does not answer');
  }
  const fault = decideFault(route.instanceId, spec?.any ? spec : null, store?.faultCounters ?? {}, { failRate: config.failRate, rng: state.globalRng }, config);
  if (fault) {
    ctx.fault = fault;
    inc(stats.faults, fault.kind === 'error' ? `${fault.status}${fault.json ? 'json' : ''}` : fault.kind);
    switch (fault.kind) {
      case 'throttle':
        return sendError(res, 429, CODES.THROTTLED, 'The throttling threshold has been reached', { 'Retry-After': String(fault.retryAfter) });
      case 'error':
        if (fault.json) return sendError(res, fault.status, CODES.INTERNAL, 'Internal service error');
        return sendHtml(res, fault.status, HTML_BODIES[fault.status]);
      case 'html200':
        return sendHtml(res, 200, HTML_BODIES[200]);
      default:
        ctx.transport = fault.kind; // drop / trunc: applied when the response is sent
    }
  }

  // -- the service
  const params = parseParams(rawQuery);
  if (params.error) return sendError(res, 400, params.code, params.error);
  if (route.name !== 'list' && params.list.length) {
    return sendError(res, 400, CODES.UNKNOWN_PARAM, `Unknown query parameter: ${params.list[0][0]}`);
  }
  if (!wellFormed) return sendError(res, 404, CODES.NO_INSTANCE, `The instance ${route.instanceId} does not exist`);
  const elapsed = Date.now() - state.startedAt;
  if (route.name === 'list') return list(res, store, params, spec, { state, config, elapsed });

  const task = store.deleted.has(route.taskId) ? undefined : store.byId.get(route.taskId);
  if (!task) return sendError(res, 404, CODES.NO_TASK, `The task ${route.taskId} does not exist`);
  if (route.name === 'progress') return sendJson(res, 200, progressFor(task, elapsed, config.msPerPercent));
  // delete
  const st = effectiveStatus(task, elapsed, config.msPerPercent);
  if (st !== 'SUCCESS' && st !== 'FAILED') {
    return sendError(res, 400, CODES.NOT_DELETABLE, `Only finished tasks (SUCCESS or FAILED) can be deleted; task ${task.wire.id} is ${st}`);
  }
  store.deleted.add(task.wire.id);
  if (config.deleteStatus === 204 || spec?.del204) {
    res.writeHead(204);
    return res.end();
  }
  return sendJson(res, 200, { message: `Task ${task.wire.id} deleted` });
}

/** Task-list requests in flight per project, and the most seen (`maxListsInFlightByProject`). */
function countListInFlight(state, stats, projectId, res) {
  const n = (state.listsInFlight.get(projectId) ?? 0) + 1;
  state.listsInFlight.set(projectId, n);
  const max = stats.maxListsInFlightByProject;
  max[projectId] = Math.max(max[projectId] ?? 0, n);
  res.on('close', () => state.listsInFlight.set(projectId, state.listsInFlight.get(projectId) - 1));
}

/** ListInstances: the project's fleet (fleet.mjs), faults by the project ID's tokens. */
async function instances(res, route, rawQuery, ctx, { config, state, t0 }) {
  let p = state.projects.get(route.projectId);
  if (!p) {
    const demo = config.projectId === null || route.projectId === config.projectId;
    const fleet = ID_RE.test(route.projectId) ? fleetFor(route.projectId, { anchorMs: config.anchorMs, demo }) : [];
    p = { fleet, faults: parseFaults(route.projectId), faultCounters: {} };
    state.projects.set(route.projectId, p);
  }
  const slowMs = Math.max(p.faults.slowMs, parseFleetProject(route.projectId)?.slowMs ?? 0);
  if (slowMs > 0) {
    await sleepUntil(t0 + slowMs);
    if (ctx.closed) return;
  }
  const fault = decideFault(route.projectId, p.faults.any ? p.faults : null, p.faultCounters, { failRate: config.failRate, rng: state.globalRng }, config);
  if (fault) {
    ctx.fault = fault;
    inc(state.stats.faults, fault.kind === 'error' ? `${fault.status}${fault.json ? 'json' : ''}` : fault.kind);
    if (fault.kind === 'throttle') return sendError(res, 429, CODES.THROTTLED, 'The throttling threshold has been reached', { 'Retry-After': String(fault.retryAfter) });
    if (fault.kind === 'error') return fault.json ? sendError(res, fault.status, CODES.INTERNAL, 'Internal service error') : sendHtml(res, fault.status, HTML_BODIES[fault.status]);
    if (fault.kind === 'html200') return sendHtml(res, 200, HTML_BODIES[200]);
    ctx.transport = fault.kind;
  }
  const q = parseInstanceParams(splitQuery(rawQuery), { maxLimit: MAX_LIMIT, defaultLimit: DEFAULT_LIMIT, codes: CODES });
  if (q.error) return sendError(res, 400, q.code, q.error);
  return sendJson(res, 200, listInstancesBody(p.fleet, q));
}

function authenticate(req, { rawPath, rawQuery, body }, config, nowMs) {
  const h = req.headers;
  if (h['x-auth-token'] !== undefined) {
    return config.tokens.has(h['x-auth-token']) ? { ok: true, kind: 'token' }
      : { ok: false, kind: 'token', reason: 'the token is invalid or expired' };
  }
  if (h.authorization === undefined) return { ok: false, kind: 'none', reason: 'no Authorization or X-Auth-Token header' };
  const v = verifyRequest({ method: req.method, rawPath, rawQuery, headers: h, body }, { credentials: config.credentials, nowMs, maxSkewMs: config.maxSkewMs });
  return v.ok ? { ok: true, kind: 'aksk' } : { ok: false, kind: 'aksk', reason: v.reason };
}

/** The query's `[name, value]` pairs, decoded (`value` null for a bare name). */
function splitQuery(rawQuery) {
  const list = [];
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const i = part.indexOf('=');
    list.push(i < 0 ? [decode(part), null] : [decode(part.slice(0, i)), decode(part.slice(i + 1))]);
  }
  return list;
}

/** Parses and validates the list query strictly. */
export function parseParams(rawQuery) {
  const list = splitQuery(rawQuery);
  const out = { list, offset: 0, limit: DEFAULT_LIMIT, startMs: null, endMs: null };
  const seen = new Set();
  for (const [k, v] of list) {
    if (!QUERY_PARAMS.includes(k)) {
      const hint = k === 'begin_time' ? ' (the parameter is start_time)' : '';
      return { error: `Unknown query parameter: ${k}${hint}`, code: CODES.UNKNOWN_PARAM };
    }
    if (seen.has(k)) return { error: `Query parameter ${k} given more than once`, code: CODES.BAD_VALUE };
    seen.add(k);
    if (v === null || v === '') return { error: `Query parameter ${k} has no value`, code: CODES.BAD_VALUE };
    if (k === 'offset' || k === 'limit') {
      const max = k === 'offset' ? 2 ** 31 - 1 : MAX_LIMIT;
      const min = k === 'offset' ? 0 : 1;
      if (!/^\d{1,10}$/.test(v) || Number(v) < min || Number(v) > max) {
        return { error: `Invalid ${k}: ${JSON.stringify(v)} (an integer from ${min} to ${max})`, code: CODES.BAD_VALUE };
      }
      out[k] = Number(v);
    } else {
      const ms = parseApiTime(v);
      if (ms === null) return { error: `Invalid ${k}: ${JSON.stringify(v)} (yyyyMMddHHmmss, UTC)`, code: CODES.BAD_VALUE };
      out[k === 'start_time' ? 'startMs' : 'endMs'] = ms;
    }
  }
  if (out.startMs !== null && out.endMs !== null && out.startMs > out.endMs) {
    return { error: 'start_time is after end_time', code: CODES.BAD_RANGE };
  }
  return out;
}

function list(res, store, params, spec, { state, config, elapsed }) {
  if (spec?.seedExample) return sendJson(res, 200, SEED_EXAMPLE_BODY);
  if (spec?.insert > 0) insertTasks(store, spec.insert);
  const scripted = state.scenario.tasks.get(store.id);
  let tasks = scripted ?? currentTasks(store);
  if (params.startMs !== null || params.endMs !== null) {
    const lo = params.startMs ?? -Infinity;
    const hi = params.endMs === null ? Infinity : params.endMs + 999; // end_time covers its whole second
    tasks = tasks.filter((t) => t.meta.createdMs >= lo && t.meta.createdMs <= hi);
  }
  const count = Math.max(0, tasks.length + (spec?.countDelta ?? 0));
  const page = tasks.slice(params.offset, params.offset + params.limit).map((t) => (scripted ? t.wire : viewTask(t, elapsed, config.msPerPercent)));
  let body = { task_count: String(count), tasks: page };
  if (spec?.quirky) body = quirkify(body);
  let text = JSON.stringify(body);
  if (spec?.streamMb > 0) {
    // valid JSON, streamed chunked with no Content-Length: only counting the bytes as they
    // arrive can stop it; the stream stops when the client goes away
    res.writeHead(200, { 'Content-Type': 'application/json;charset=UTF-8' });
    res.write('{');
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let left = spec.streamMb * 1024 * 1024;
    const pump = () => {
      while (left > 0 && !res.destroyed) {
        left -= chunk.length;
        if (!res.write(chunk)) return res.once('drain', pump);
      }
      if (!res.destroyed) res.end(text.slice(1));
    };
    res.on('close', () => { left = 0; });
    return pump();
  }
  if (spec?.hugeMb > 0) {
    // valid JSON, just big: whitespace after the opening brace
    const pad = Math.max(0, spec.hugeMb * 1024 * 1024 - text.length);
    return sendRaw(res, 200, { 'Content-Type': 'application/json;charset=UTF-8' },
      Buffer.concat([Buffer.from('{'), Buffer.alloc(pad, 0x20), Buffer.from(text.slice(1))]));
  }
  return sendJson(res, 200, text);
}

// ---------------------------------------------------------------------------------------------
// Control endpoints (no auth, not counted)

async function control(req, res, rawPath, { config, state, reset }) {
  const p = rawPath.slice('/__mock/'.length);
  if (p === 'stats' && req.method === 'GET') return sendJson(res, 200, snapshotStats(state));
  if (p === 'health' && req.method === 'GET') return sendJson(res, 200, { ok: true });
  if (p === 'reset' && req.method === 'POST') {
    await readBody(req, 1 << 16).catch(() => {});
    reset();
    return sendJson(res, 200, { ok: true });
  }
  if (p === 'config' && (req.method === 'GET' || req.method === 'POST')) {
    if (req.method === 'POST') {
      let patch;
      try {
        patch = JSON.parse((await readBody(req, 1 << 16)).toString('utf8') || '{}');
      } catch {
        return sendError(res, 400, CODES.BAD_VALUE, 'config: body is not JSON');
      }
      for (const k of ['clockSkewMs', 'latencyMs', 'failRate', 'msPerPercent', 'deleteStatus', 'retryAfterSec', 'maxSkewMs']) {
        if (k in patch) {
          if (typeof patch[k] !== 'number' || !Number.isFinite(patch[k])) return sendError(res, 400, CODES.BAD_VALUE, `config: ${k} must be a number`);
          config[k] = patch[k];
        }
      }
      if ('failSeed' in patch) { config.failSeed = patch.failSeed; state.globalRng = mulberry32(patch.failSeed); }
    }
    const { clockSkewMs, latencyMs, failRate, failSeed, msPerPercent, deleteStatus, retryAfterSec, maxSkewMs, projectId, auth } = config;
    return sendJson(res, 200, { clockSkewMs, latencyMs, failRate, failSeed, msPerPercent, deleteStatus, retryAfterSec, maxSkewMs, projectId, auth: Boolean(auth) });
  }
  if (p === 'scenario' && req.method === 'POST') {
    let s;
    try {
      s = JSON.parse((await readBody(req, 1 << 20)).toString('utf8') || '{}');
    } catch {
      return sendError(res, 400, CODES.BAD_VALUE, 'scenario: body is not JSON');
    }
    state.scenario = emptyScenario();
    for (const [id, tasks] of Object.entries(s.tasks ?? {})) {
      // each task as DCS sends it (wire fields), newest first
      state.scenario.tasks.set(id, tasks.map((wire) => ({ wire, meta: { createdMs: Date.parse(wire.created_at) } })));
    }
    for (const id of s.down ?? []) state.scenario.down.add(id);
    return sendJson(res, 200, { ok: true });
  }
  const m = /^tasks\/([^/]+)$/.exec(p);
  if (m && req.method === 'GET') {
    const id = decode(m[1]);
    if (!ID_RE.test(id)) return sendError(res, 404, CODES.NO_INSTANCE, `The instance ${id} does not exist`);
    const s = instanceStore(state, config, id);
    const elapsed = Date.now() - state.startedAt;
    const tasks = currentTasks(s).map((t) => viewTask(t, elapsed, config.msPerPercent));
    return sendJson(res, 200, { task_count: String(tasks.length), tasks });
  }
  return sendError(res, 404, CODES.NO_ROUTE, `No control endpoint ${req.method} ${rawPath}`);
}

// ---------------------------------------------------------------------------------------------
// CLI

const HELP = `Mock Huawei Cloud DCS server (background tasks API).

usage: node tests/mock-dcs/server.mjs [options]
  --port N              listen port (default 9000; 0 = any free port)
  --host H              listen address (default 127.0.0.1)
  --project-id ID       the only project accepted (default ${DEFAULT_PROJECT_ID}; "any" accepts all)
  --ak AK --sk SK       the AK/SK accepted (default: the public test vectors' pair)
  --security-token T    makes that AK/SK temporary: X-Security-Token T is then required
  --token T             an IAM token accepted in X-Auth-Token (repeatable)
  --no-auth             accept requests without any authentication
  --clock-skew-ms N     the server clock runs N ms ahead (negative: behind)
  --latency-ms N        delay every API request by N ms
  --fail-rate F         fraction (0..1) of API requests failing with 500/502/dropped connection
  --fail-seed N         seed of those failures (default 1)
  --ms-per-percent N    EXECUTING tasks advance 1 % every N ms (default 1000)
  --anchor T            newest task time: "now", an ISO time or epoch ms (default 2024-06-30T12:00:00Z)
  --delete-status 200|204
  --cors                send permissive CORS headers (browser demos without a proxy)
  --verbose             one line per request on stderr (never credentials)
`;

export function parseArgs(argv) {
  const o = { port: 9000 };
  const tokens = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    const num = () => {
      const v = Number(val());
      if (!Number.isFinite(v)) throw new Error(`${a} needs a number`);
      return v;
    };
    switch (a) {
      case '--port': o.port = num(); break;
      case '--host': o.host = val(); break;
      case '--project-id': { const v = val(); o.projectId = v === 'any' ? null : v; break; }
      case '--ak': o.ak = val(); break;
      case '--sk': o.sk = val(); break;
      case '--security-token': o.securityToken = val(); break;
      case '--token': tokens.push(val()); break;
      case '--no-auth': o.auth = false; break;
      case '--clock-skew-ms': o.clockSkewMs = num(); break;
      case '--latency-ms': o.latencyMs = num(); break;
      case '--fail-rate': o.failRate = num(); break;
      case '--fail-seed': o.failSeed = num(); break;
      case '--ms-per-percent': o.msPerPercent = num(); break;
      case '--anchor': { const v = val(); o.anchor = v === 'now' ? 'now' : /^\d+$/.test(v) ? Number(v) : v; break; }
      case '--delete-status': o.deleteStatus = num(); break;
      case '--cors': o.cors = true; break;
      case '--verbose': case '-v': o.log = true; break;
      case '--help': case '-h': o.help = true; break;
      default: throw new Error(`unknown option ${a} (see --help)`);
    }
  }
  if ((o.ak === undefined) !== (o.sk === undefined)) throw new Error('--ak and --sk go together');
  if (o.securityToken && !o.ak) throw new Error('--security-token needs --ak and --sk');
  if (tokens.length) o.tokens = tokens;
  return o;
}

async function main() {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`mock-dcs: ${e.message}\n`);
    process.exit(2);
  }
  if (opts.help) { process.stdout.write(HELP); return; }
  const mock = await startMock(opts);
  const auth = mock.config.auth ? `AK ${mock.credentials.map((c) => c.ak + (c.securityToken ? ' (temporary)' : '')).join(', ')}${mock.config.tokens.size ? ` + ${mock.config.tokens.size} token(s)` : ''}` : 'no auth';
  process.stdout.write(`mock DCS listening on ${mock.url} (project ${mock.projectId ?? 'any'}; ${auth})\n`);
  const stop = () => { mock.close().then(() => process.exit(0)); };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
