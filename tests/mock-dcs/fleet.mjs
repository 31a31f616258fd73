// The mock's instances (ListInstances, `GET /v2/{project_id}/instances`): a realistic demo fleet
// for the configured project, and synthetic fleets of any size for projects named by the
// `fleet{N}` convention (tests and the benchmark). Everything is a pure function of the project
// ID and the anchor: the same names, IDs, statuses and tasks in every run.
//
// Each instance's tasks are the mock's ordinary per-instance tasks (data.mjs) for its ID, with
// the instance's profile (`taskOptions`): so a fleet listing and the instance's own task list
// always agree.

import { hash32, makeRng } from './data.mjs';

/** The demo instance the page opens on: the first of the demo fleet. */
export const DEMO_INSTANCE = '3e5c8b1a-1111-2222-3333-444455556666';
/** Most instances a `fleet{N}` project holds. */
export const MAX_FLEET = 5000;

// [name, engine, status, capacity GB, busy (3 newest tasks EXECUTING), recent FAILED tasks]
// The names are what an operator would type; engine, status and task profile vary on purpose.
const DEMO = [
  ['dcs-orders-cache', 'Redis', 'RUNNING', 2, false, 0], // DEMO_INSTANCE: its tasks as before
  ['dcs-sessions', 'Redis', 'RUNNING', 8, false, 2],
  ['dcs-cart', 'Redis', 'RUNNING', 4, false, 0],
  ['dcs-catalog', 'Redis', 'EXTENDING', 16, true, 0],
  ['dcs-search-cache', 'Redis', 'RUNNING', 32, false, 1],
  ['dcs-rate-limit', 'Redis', 'RUNNING', 1, false, 0],
  ['dcs-feature-flags', 'Redis', 'RUNNING', 0.125, false, 0],
  ['dcs-leaderboard', 'Redis', 'ERROR', 4, false, 3],
  ['dcs-pubsub', 'Redis', 'RUNNING', 2, false, 0],
  ['dcs-geo', 'Redis', 'RUNNING', 8, false, 0],
  ['dcs-user-profile', 'Redis', 'RUNNING', 16, true, 1],
  ['dcs-inventory', 'Redis', 'RESTARTING', 4, false, 0],
  ['dcs-payments-lock', 'Redis', 'RUNNING', 0.5, false, 0],
  ['dcs-notifications', 'Redis', 'RUNNING', 2, false, 1],
  ['dcs-recommendations', 'Redis', 'CREATING', 64, true, 0],
  ['dcs-ads-counter', 'Redis', 'RUNNING', 8, false, 0],
  ['dcs-analytics-buffer', 'Redis', 'FROZEN', 32, false, 0],
  ['dcs-checkout', 'Redis', 'RUNNING', 4, false, 2],
  ['dcs-shipping', 'Redis', 'RUNNING', 1, false, 0],
  ['dcs-pricing', 'Redis', 'RUNNING', 2, false, 0],
  ['dcs-auth-tokens', 'Redis', 'RUNNING', 4, false, 1],
  ['dcs-media-meta', 'Redis', 'RUNNING', 8, false, 0],
  ['dcs-chat-presence', 'Redis', 'EXTENDING', 2, true, 0],
  ['dcs-job-queue', 'Redis', 'RUNNING', 16, false, 0],
  ['dcs-config-cache', 'Redis', 'RUNNING', 0.25, false, 0],
  ['dcs-audit-buffer', 'Redis', 'CREATEFAILED', 8, false, 1],
  ['dcs-edge-cache', 'Redis', 'RUNNING', 64, false, 0],
  ['dcs-tiles-cache', 'Redis', 'RUNNING', 16, false, 0],
  ['dcs-legacy-sessions', 'Redis', 'RUNNING', 1, false, 0], // its task listing fails (ID token)
  ['mc-pages', 'Memcached', 'RUNNING', 2, false, 0],
  ['mc-fragments', 'Memcached', 'RUNNING', 1, false, 1],
  ['mc-api', 'Memcached', 'FROZEN', 4, false, 0],
  ['mc-thumbnails', 'Memcached', 'RUNNING', 0.125, false, 0],
  ['staging-cache', 'Redis', 'RUNNING', 1, true, 0],
  ['dev-cache', 'Redis', 'CREATING', 0.125, false, 0],
  ['perf-test', 'Memcached', 'ERROR', 1, false, 2],
];
/** The demo instance whose task listing always fails (500 with a DCS error body): its ID
 * carries the `err500json` fault token. */
export const DEMO_FAILING_INSTANCE = '9d1e4f70-err500json-4c1b-8d2e-5a6b7c8d9e0f';

/** The task profile of a demo-fleet instance (`{ busy, recentFailed }`), else `{}`. */
export function taskProfile(instanceId) {
  return PROFILES.get(instanceId) ?? {};
}

const AZS = ['cn-north-4a', 'cn-north-4b', 'cn-north-4c'];
const STATUSES_CYCLE = ['RUNNING', 'RUNNING', 'RUNNING', 'RUNNING', 'RUNNING', 'RUNNING', 'CREATING',
  'RUNNING', 'RUNNING', 'ERROR', 'RUNNING', 'EXTENDING', 'RUNNING', 'FROZEN', 'RUNNING', 'RESTARTING'];

function uuid(seed) {
  const h = makeRng(hash32(seed, 11)).hex(32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The wire instance (every documented field, as the service sends them). */
function wireInstance({ id, name, engine, status, capacity, index, anchorMs }) {
  const r = makeRng(hash32(id, 12));
  const redis = engine === 'Redis';
  const mb = Math.round(capacity * 1024);
  const az = [AZS[index % 3], ...(redis && capacity >= 2 ? [AZS[(index + 1) % 3]] : [])];
  const created = anchorMs - (30 + index * 11) * 86_400_000 - r.int(0, 86_399_999);
  const ip = `192.168.${index >> 8 & 255}.${(index & 255)}`;
  return {
    instance_id: id, name, status, sub_status: status === 'RUNNING' ? 'normal' : '',
    description: `${name} (${engine})`, engine, engine_version: redis ? r.pick(['4.0', '5.0', '6.0']) : '1.5',
    spec_code: redis ? `redis.${az.length > 1 ? 'ha' : 'single'}.xu1.large.${capacity}` : `dcs.memcached.single_node.${capacity}`,
    capacity: capacity < 1 ? 0 : capacity, capacity_minor: capacity < 1 ? String(capacity) : '',
    max_memory: mb, used_memory: Math.round(mb * r.float() * 0.8),
    cpu_type: 'x86_64', az_codes: az,
    features: { support_acl: redis, support_transparent_client_ip: redis, support_ssl: false, support_audit_log: false },
    ip, port: redis ? 6379 : 11211, domain_name: `${id}.dcs.huaweicloud.com`, readonly_domain_name: '',
    vpc_id: uuid('vpc'), vpc_name: 'vpc-prod', subnet_id: uuid('subnet'), security_group_id: uuid('sg'),
    enable_publicip: false, publicip_id: '', publicip_address: '', enable_ssl: false,
    no_password_access: redis ? 'false' : 'true', access_user: '',
    user_id: '6d0977e4c6be4c1f8ad3b7d7e8a3ee84', user_name: 'paas_dcs_a00421997_02', enterprise_project_id: '0',
    tags: [{ key: 'team', value: name.split('-')[1] ?? name }, { key: 'env', value: name.startsWith('dev') || name.startsWith('staging') ? 'dev' : 'prod' }],
    charging_mode: index % 4 === 0 ? 1 : 0, order_id: '',
    created_at: new Date(created).toISOString(), updated_at: new Date(created + 3_600_000).toISOString(),
    maintain_begin: '02:00:00', maintain_end: '06:00:00', service_upgrade: false, service_task_id: '',
  };
}

/** `fleet{N}` (1..5000) and optional `slow{MS}`, `fail{K}` (repeatable) in a project ID, or null. */
export function parseFleetProject(projectId) {
  const toks = String(projectId).split(/[-_]/);
  let size = null;
  let slowMs = 0;
  const fail = new Set();
  for (const t of toks) {
    let m;
    if ((m = /^fleet(\d{1,4})$/.exec(t))) size = Math.min(MAX_FLEET, Number(m[1]));
    else if ((m = /^slow(\d{1,5})$/.exec(t))) slowMs = Number(m[1]);
    else if ((m = /^fail(\d{1,4})$/.exec(t))) fail.add(Number(m[1]));
  }
  return size === null ? null : { size, slowMs, fail };
}

/**
 * The fleet of a project: `[{ wire, taskOptions }]` in listing order. The configured project
 * has the demo fleet; a `fleet{N}` project N synthetic instances: IDs `fl{k}-n{T}` (k from 0,
 * T 3..40 tasks, all within one page), `-slow{MS}` appended when the project says so (the
 * task listing's latency), `-err500json` for each `fail{k}`. Other projects have none.
 */
export function fleetFor(projectId, { anchorMs, demo }) {
  const spec = parseFleetProject(projectId);
  if (spec) {
    return Array.from({ length: spec.size }, (_, k) => {
      const tasks = 3 + (hash32(`${projectId}#${k}`, 13) % 38);
      let id = `fl${k}-n${tasks}`;
      if (spec.slowMs > 0) id += `-slow${spec.slowMs}`;
      if (spec.fail.has(k)) id += '-err500json';
      const engine = k % 5 === 4 ? 'Memcached' : 'Redis';
      const capacity = [0.125, 1, 2, 4, 8][k % 5];
      const status = STATUSES_CYCLE[k % STATUSES_CYCLE.length];
      return { wire: wireInstance({ id, name: `fleet-${String(k).padStart(4, '0')}`, engine, status, capacity, index: k, anchorMs }), taskOptions: {} };
    });
  }
  if (!demo) return [];
  return DEMO.map(([name, engine, status, capacity, busy, recentFailed], index) => {
    const id = index === 0 ? DEMO_INSTANCE : name === 'dcs-legacy-sessions' ? DEMO_FAILING_INSTANCE : uuid(name);
    return { wire: wireInstance({ id, name, engine, status, capacity, index, anchorMs }), taskOptions: { busy, recentFailed } };
  });
}

const INSTANCE_PARAMS = ['instance_id', 'include_failure', 'include_delete', 'name', 'name_equal', 'offset',
  'limit', 'status', 'tags', 'ip'];

/** The ListInstances query, strictly: `{ error, code }` or the filters and the page. */
export function parseInstanceParams(list, { maxLimit, defaultLimit, codes }) {
  const out = { offset: 0, limit: defaultLimit };
  const seen = new Set();
  for (const [k, v] of list) {
    if (!INSTANCE_PARAMS.includes(k)) return { error: `Unknown query parameter: ${k}`, code: codes.UNKNOWN_PARAM };
    if (seen.has(k)) return { error: `Query parameter ${k} given more than once`, code: codes.BAD_VALUE };
    seen.add(k);
    if (v === null || v === '') return { error: `Query parameter ${k} has no value`, code: codes.BAD_VALUE };
    if (k === 'offset' || k === 'limit') {
      const [min, max] = k === 'offset' ? [0, 2 ** 31 - 1] : [1, maxLimit];
      if (!/^\d{1,10}$/.test(v) || Number(v) < min || Number(v) > max) {
        return { error: `Invalid ${k}: ${JSON.stringify(v)} (an integer from ${min} to ${max})`, code: codes.BAD_VALUE };
      }
      out[k] = Number(v);
    } else if (['include_failure', 'include_delete', 'name_equal'].includes(k)) {
      if (v !== 'true' && v !== 'false') return { error: `Invalid ${k}: ${JSON.stringify(v)} (true or false)`, code: codes.BAD_VALUE };
      out[k] = v === 'true';
    } else if (k === 'tags') {
      const pairs = v.split(',').map((p) => p.split('='));
      if (pairs.some((p) => p.length !== 2 || p[0] === '')) return { error: `Invalid tags: ${JSON.stringify(v)} (key=value,...)`, code: codes.BAD_VALUE };
      out.tags = pairs;
    } else {
      out[k] = v;
    }
  }
  return out;
}

/** One page of ListInstances over `fleet` with the filters of `p`. */
export function listInstancesBody(fleet, p) {
  const match = fleet.map((f) => f.wire).filter((i) => {
    if (p.instance_id !== undefined && i.instance_id !== p.instance_id) return false;
    if (p.name !== undefined) {
      if (p.name_equal ? i.name !== p.name : !i.name.toLowerCase().includes(p.name.toLowerCase())) return false;
    }
    if (p.status !== undefined && i.status !== p.status) return false;
    if (p.include_failure === false && i.status === 'CREATEFAILED') return false;
    if (p.ip !== undefined && i.ip !== p.ip) return false;
    if (p.tags && !p.tags.every(([k, v]) => i.tags.some((t) => t.key === k && t.value === v))) return false;
    return true;
  });
  return { instance_num: match.length, instances: match.slice(p.offset, p.offset + p.limit) };
}

const PROFILES = new Map(fleetFor('', { anchorMs: 0, demo: true }).map((f) => [f.wire.instance_id, f.taskOptions]));
