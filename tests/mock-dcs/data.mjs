// Deterministic task data for the mock DCS server.
//
// Everything here is a pure function of (instance id, options): the same id gives the same
// tasks in every run and on every machine. Time only enters through `elapsedMs` (wall time since
// the server started or was reset), which moves EXECUTING tasks forward.

export const TASK_NAMES = [
  'ChangeInstanceSpec', 'BindEip', 'UnBindEip', 'AddReplica', 'DelReplica', 'AddWhitelist',
  'UpdatePort', 'RemoveIpFromDns', 'EXTEND', 'masterStandbySwapJob', 'modify', 'DeleteAcl',
];
export const TASK_STATUSES = ['CREATED', 'EXECUTING', 'SUCCESS', 'FAILED', 'DELETED', 'CANCELLED'];

/** Default time of the newest generated task (so data is identical across runs). */
export const DEFAULT_ANCHOR_MS = Date.UTC(2024, 5, 30, 12, 0, 0); // 2024-06-30T12:00:00Z
export const MAX_TASKS = 100_000;

// ---------------------------------------------------------------------------------------------
// PRNG

/** 32-bit FNV-1a over the UTF-8 bytes of `s`, mixed with `salt`. */
export function hash32(s, salt = 0) {
  let h = (0x811c9dc5 ^ salt) >>> 0;
  for (const b of Buffer.from(String(s), 'utf8')) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  // final avalanche (murmur3 fmix32)
  h ^= h >>> 16; h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13; h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

/** mulberry32: returns a function giving floats in [0, 1). */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return function next() {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A small helper object around a float generator. */
export function makeRng(seed) {
  const f = mulberry32(seed);
  const r = {
    float: f,
    int: (lo, hi) => lo + Math.floor(f() * (hi - lo + 1)), // inclusive
    pick: (arr) => arr[Math.floor(f() * arr.length)],
    chance: (p) => f() < p,
    hex: (n) => {
      let s = '';
      while (s.length < n) s += Math.floor(f() * 0x100000000).toString(16).padStart(8, '0');
      return s.slice(0, n);
    },
    weighted: (pairs) => { // [[value, weight], ...]
      const total = pairs.reduce((a, [, w]) => a + w, 0);
      let x = f() * total;
      for (const [v, w] of pairs) { if ((x -= w) < 0) return v; }
      return pairs[pairs.length - 1][0];
    },
  };
  return r;
}

// ---------------------------------------------------------------------------------------------
// Formats

/** "2020-06-17T07:38:42.503Z" (the list's created_at/updated_at format). */
export const isoMs = (ms) => new Date(ms).toISOString();
/** "2022-09-01 11:52:24" (the progress endpoint's format; UTC in this mock). */
export const progressTime = (ms) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
/** "20200609160000" (the query's start_time/end_time format, UTC). */
export const apiTime = (ms) => new Date(ms).toISOString().slice(0, 19).replace(/[-T:]/g, '');

/** Parses yyyyMMddHHmmss (UTC) strictly; returns epoch ms or null. */
export function parseApiTime(s) {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(s);
  if (!m) return null;
  const [y, mo, d, h, mi, se] = m.slice(1).map(Number);
  const ms = Date.UTC(y, mo - 1, d, h, mi, se);
  const t = new Date(ms);
  if (t.getUTCFullYear() !== y || t.getUTCMonth() !== mo - 1 || t.getUTCDate() !== d ||
      t.getUTCHours() !== h || t.getUTCMinutes() !== mi || t.getUTCSeconds() !== se) return null;
  return ms;
}

// ---------------------------------------------------------------------------------------------
// Instance parameters

/** Exact task count requested by a `n{N}` token in the instance id, or null. */
export function exactCountFromId(instanceId) {
  for (const tok of instanceId.split(/[-_]/)) {
    const m = /^n(\d{1,6})$/.exec(tok);
    if (m) return Math.min(Number(m[1]), MAX_TASKS);
  }
  return null;
}

/** Number of tasks an instance has before any deletion/insertion: `n{N}` or seeded 20..3000. */
export function taskCountFor(instanceId) {
  const exact = exactCountFromId(instanceId);
  if (exact !== null) return exact;
  const r = makeRng(hash32(instanceId, 1));
  // log-uniform: most instances have tens to hundreds of tasks, a few have thousands
  return Math.min(3000, Math.floor(20 * Math.exp(r.float() * Math.log(150.05))));
}

export const hasToken = (instanceId, tok) => instanceId.split(/[-_]/).includes(tok);

// ---------------------------------------------------------------------------------------------
// Task generation

const USER_NAMES = ['paas_dcs_a00421997_02', 'dcs_admin', 'ops_zhangwei', 'li.na', 'devops-bot',
  'huang_min', 'cloud_ops_01', 'wang.fang', 'terraform-ci', 'chen_jie'];
const AZS = ['cn-north-4a', 'cn-north-4b', 'cn-north-4c', 'cn-north-4g'];
const MODES = ['single', 'ha', 'cluster', 'proxy', 'rw_separate'];
const CAPS = {
  single: ['0.125', '0.25', '0.5', '1', '2', '4', '8', '16', '32', '64'],
  ha: ['0.125', '0.25', '0.5', '1', '2', '4', '8', '16', '32', '64'],
  cluster: ['4', '8', '16', '24', '32', '48', '64', '96', '128', '192', '256'],
  proxy: ['4', '8', '16', '24', '32', '48', '64', '128'],
  rw_separate: ['1', '2', '4', '8', '16', '32'],
};
const CACHE_TYPES = ['x86_64', 'aarch64'];
const WL_GROUPS = ['default', 'app-servers', 'office', 'bastion', 'k8s-nodes', 'batch_jobs'];
const RENAMABLE = ['command', 'keys', 'flushdb', 'flushall', 'hgetall', 'scan', 'hscan', 'sscan', 'zscan'];
const CONFIGS = ['timeout', 'maxmemory-policy', 'hash-max-ziplist-entries', 'notify-keyspace-events',
  'slowlog-log-slower-than', 'lua-time-limit', 'latency-monitor-threshold'];
const ACCOUNTS = ['readonly_user', 'app_rw', 'report', 'cache_admin', 'svc_session'];

function specCode(mode, cap) {
  const n = Number(cap);
  const size = n < 1 ? `tiny.${Math.round(n * 1024)}` : `large.${cap}`;
  switch (mode) {
    case 'single': return `redis.single.xu1.${size}`;
    case 'ha': return `redis.ha.xu1.${size.startsWith('tiny') ? size.replace('tiny.', 'tiny.r2.') : size.replace('large.', 'large.r2.')}`;
    case 'cluster': return `redis.cluster.xu1.large.r2.${cap}`;
    case 'proxy': return `redis.proxy.xu1.large.${cap}`;
    default: return `redis.ha.xu1.large.p2.${cap}`;
  }
}

const ip = (r) => `192.168.${r.int(0, 255)}.${r.int(2, 254)}`;
const publicIp = (r) => `${r.pick([49, 119, 121, 122, 124, 139, 159, 182])}.${r.int(0, 255)}.${r.int(0, 255)}.${r.int(1, 254)}`;
const uuid = (r) => { const h = r.hex(32); return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`; };

/** Details object (wire form: snake_case, strings/ints/bools as documented) for a task name. */
function detailsFor(name, r) {
  switch (name) {
    case 'ChangeInstanceSpec': {
      const oldMode = r.pick(MODES);
      const newMode = r.chance(0.8) ? oldMode : r.pick(MODES);
      const oldCap = r.pick(CAPS[oldMode]);
      const caps = CAPS[newMode];
      let newCap = r.pick(caps);
      if (newCap === oldCap && newMode === oldMode) newCap = caps[(caps.indexOf(oldCap) + 1) % caps.length];
      const d = {
        old_capacity: oldCap, new_capacity: newCap,
        old_cache_mode: oldMode, new_cache_mode: newMode,
        old_resource_spec_code: specCode(oldMode, oldCap), new_resource_spec_code: specCode(newMode, newCap),
      };
      if (r.chance(0.3)) { d.old_cache_type = r.pick(CACHE_TYPES); d.new_cache_type = d.old_cache_type; }
      if (r.chance(0.2)) d.is_only_adjust_charging = r.chance(0.3);
      return d;
    }
    case 'EXTEND': {
      const mode = r.pick(['cluster', 'proxy']);
      const caps = CAPS[mode];
      const i = r.int(0, caps.length - 2);
      return { old_capacity: caps[i], new_capacity: caps[r.int(i + 1, caps.length - 1)],
        old_cache_mode: mode, new_cache_mode: mode };
    }
    case 'BindEip':
      return { enable_public_ip: true, public_ip_id: uuid(r), public_ip_address: publicIp(r), enable_ssl: r.chance(0.4) };
    case 'UnBindEip':
      return { enable_public_ip: false, public_ip_id: uuid(r), public_ip_address: publicIp(r), enable_ssl: false };
    case 'AddReplica': {
      const old = r.int(1, 4);
      return { old_replica_num: old, new_replica_num: old + 1, replica_ip: ip(r), replica_az: r.pick(AZS) };
    }
    case 'DelReplica': {
      const old = r.int(2, 5);
      return { old_replica_num: old, new_replica_num: old - 1, replica_ip: ip(r), replica_az: r.pick(AZS),
        node_name: `node-${r.int(1, old)}` };
    }
    case 'AddWhitelist':
      return { group_name: r.pick(WL_GROUPS) };
    case 'UpdatePort': {
      const old = r.chance(0.7) ? 6379 : r.int(1025, 65535);
      let neu = r.pick([6380, 6381, 16379, 7000, r.int(1025, 65535)]);
      if (neu === old) neu = old === 6379 ? 6380 : 6379;
      return { old_port: old, new_port: neu };
    }
    case 'RemoveIpFromDns':
      return { node_name: `node-${r.int(1, 6)}`, source_ip: ip(r) };
    case 'masterStandbySwapJob':
      return { node_name: `group-${r.int(0, 7)}`, source_ip: ip(r), target_ip: ip(r) };
    case 'modify': {
      const d = { updated_config_length: r.int(1, 6) };
      if (r.chance(0.3)) {
        const n = r.int(1, 3);
        const cmds = new Set();
        while (cmds.size < n) cmds.add(r.pick(RENAMABLE));
        d.rename_commands = [...cmds];
      }
      return d;
    }
    case 'DeleteAcl':
      return { account_name: r.pick(ACCOUNTS) };
    default:
      return {};
  }
}

function paramsFor(name, details, r) {
  if (r.chance(0.6)) return undefined; // absent
  if (r.chance(0.15)) return null;
  switch (name) {
    case 'modify':
      return JSON.stringify({ redis_config: Array.from({ length: details.updated_config_length },
        () => ({ param_name: r.pick(CONFIGS), param_value: String(r.int(0, 3600)) })) });
    case 'UpdatePort': return JSON.stringify({ port: details.new_port });
    case 'AddWhitelist': return JSON.stringify({ group_name: details.group_name, ip_list: [`${ip(r)}/32`] });
    case 'ChangeInstanceSpec': return JSON.stringify({ spec_code: details.new_resource_spec_code, new_capacity: details.new_capacity });
    case 'EXTEND': return JSON.stringify({ new_capacity: details.new_capacity });
    default: return '';
  }
}

/** Task names with step-by-step progress to expand in a console (enable_show). */
const SHOWABLE = new Set(['ChangeInstanceSpec', 'EXTEND', 'AddReplica', 'DelReplica', 'masterStandbySwapJob', 'BindEip']);

const NAME_WEIGHTS = [
  ['ChangeInstanceSpec', 16], ['modify', 18], ['AddWhitelist', 14], ['BindEip', 7], ['UnBindEip', 5],
  ['AddReplica', 6], ['DelReplica', 4], ['UpdatePort', 5], ['RemoveIpFromDns', 4], ['EXTEND', 7],
  ['masterStandbySwapJob', 7], ['DeleteAcl', 7],
];
const OLD_STATUS_WEIGHTS = [['SUCCESS', 820], ['FAILED', 100], ['CANCELLED', 40], ['DELETED', 30],
  ['EXECUTING', 5], ['CREATED', 5]];

/** Typical task durations (ms) per outcome. */
function durationMs(r, status) {
  if (status === 'CREATED') return 0;
  if (status === 'EXECUTING') return r.int(200, 5_000); // until it started executing
  if (status === 'FAILED' || status === 'CANCELLED') return r.int(1_500, 240_000);
  return r.int(2_000, 900_000);
}

/**
 * One task record: `{ wire, meta }`. `wire` is the JSON object sent (its status/updated_at may be
 * overridden at view time for EXECUTING tasks); `meta` carries what progress needs.
 */
export function makeTask({ instanceId, seq, createdMs, status, rng, users, prefix }) {
  const r = rng;
  const name = r.weighted(NAME_WEIGHTS);
  const details = detailsFor(name, r);
  const user = r.pick(users);
  // ids look like the real ones: 32 lower hex, with the creation time (ms) in the middle
  const id = `${prefix}${createdMs.toString(16).padStart(12, '0')}${(seq & 0xffff).toString(16).padStart(4, '0')}`;
  const dur = durationMs(r, status);
  const wire = {
    id, name, details,
    user_name: user.name, user_id: user.id,
  };
  const params = paramsFor(name, details, r);
  if (params !== undefined) wire.params = params;
  wire.status = status;
  wire.created_at = isoMs(createdMs);
  wire.updated_at = isoMs(createdMs + dur);
  wire.enable_show = SHOWABLE.has(name);
  const meta = {
    instanceId, seq, createdMs, status,
    durMs: dur,
    p0: r.int(3, 60),                     // EXECUTING: percent done when the server started
    failAt: r.float(),                    // FAILED/CANCELLED: where it stopped (fraction)
    stepSeed: Math.floor(r.float() * 2 ** 32),
  };
  return { wire, meta };
}

/** Users of an instance (1–4). */
function usersFor(instanceId) {
  const r = makeRng(hash32(instanceId, 2));
  const n = r.int(1, 4);
  const names = new Set();
  while (names.size < n) names.add(r.pick(USER_NAMES));
  return [...names].map((name) => ({ name, id: r.hex(32) }));
}

/**
 * All base tasks of an instance, newest first. Options: `anchorMs` (created_at of the newest task
 * is at most this; default DEFAULT_ANCHOR_MS), `count` (override).
 */
export function generateTasks(instanceId, { anchorMs = DEFAULT_ANCHOR_MS, count, busy: busyOpt = false, recentFailed = 0 } = {}) {
  const n = count ?? taskCountFor(instanceId);
  const r = makeRng(hash32(instanceId, 3));
  const users = usersFor(instanceId);
  const prefix = makeRng(hash32(instanceId, 4)).hex(16);
  // A fleet instance's profile (fleet.mjs) may make it busy or give it recent failures.
  const busy = busyOpt || hasToken(instanceId, 'busy');
  const failedFrom = busy ? 3 : 1;
  // history span 20 days .. 3 years, spread over the tasks (mean gap >= 1 s)
  const spanMs = r.int(20, 3 * 365) * 86_400_000;
  const meanGap = Math.max(1_000, spanMs / Math.max(1, n));
  let t = anchorMs - r.int(0, 3_600_000);
  const tasks = new Array(n);
  let topActive = false;
  for (let i = 0; i < n; i++) {
    let status;
    if (busy && i < 3) status = 'EXECUTING';
    else if (i >= failedFrom && i < failedFrom + recentFailed) status = 'FAILED';
    else if (i === 0) status = r.weighted([['EXECUTING', 45], ['CREATED', 15], ['SUCCESS', 40]]);
    else if (i === 1 && topActive) status = r.weighted([['EXECUTING', 30], ['SUCCESS', 70]]);
    else status = r.weighted(OLD_STATUS_WEIGHTS);
    if (i === 0) topActive = status !== 'SUCCESS';
    tasks[i] = makeTask({ instanceId, seq: n - 1 - i, createdMs: t, status, rng: r, users, prefix });
    // exponential gap, at least 1 s, with a random millisecond part
    t -= Math.max(1_000, Math.round(-Math.log(1 - r.float()) * meanGap)) + r.int(0, 999);
  }
  return tasks;
}

/** A task inserted later (the `insert` fault): newer than `afterMs`, usually SUCCESS. */
export function generateInsertedTask(instanceId, k, afterMs) {
  const r = makeRng(hash32(`${instanceId}#ins${k}`, 5));
  const users = usersFor(instanceId);
  const prefix = makeRng(hash32(instanceId, 4)).hex(16);
  const createdMs = afterMs + r.int(1_000, 120_000);
  const status = r.weighted([['SUCCESS', 85], ['FAILED', 15]]);
  return makeTask({ instanceId, seq: 0x8000 + k, createdMs, status, rng: r, users, prefix });
}

// ---------------------------------------------------------------------------------------------
// Time-dependent view: EXECUTING tasks advance with wall time

/** Percent done of a task at `elapsedMs` after the server (re)started. */
export function percentDone(meta, elapsedMs, msPerPercent) {
  switch (meta.status) {
    case 'EXECUTING': return Math.min(100, meta.p0 + Math.floor(elapsedMs / msPerPercent));
    case 'CREATED': return 0;
    case 'SUCCESS': case 'DELETED': return 100;
    default: return Math.max(1, Math.min(99, Math.floor(meta.failAt * 100)));
  }
}

/** The wire task as seen now: an EXECUTING task that reached 100 % reads as SUCCESS. */
export function viewTask(task, elapsedMs, msPerPercent) {
  const { wire, meta } = task;
  if (meta.status !== 'EXECUTING') return wire;
  const p = percentDone(meta, elapsedMs, msPerPercent);
  if (p < 100) return wire; // updated_at: when it started executing (stable while it runs)
  return { ...wire, status: 'SUCCESS', updated_at: isoMs(meta.createdMs + 100 * msPerPercent) };
}

/** Effective status now. */
export const effectiveStatus = (task, elapsedMs, msPerPercent) =>
  viewTask(task, elapsedMs, msPerPercent).status;

// ---------------------------------------------------------------------------------------------
// Progress (GET .../tasks/{task_id}/progress)

const STEPS = {
  ChangeInstanceSpec: [
    ['Check instance status', ['Check instance', 'Check quota']],
    ['Create new nodes', ['Apply for resources', 'Start nodes', 'Configure network']],
    ['Synchronize data', ['Full sync', 'Incremental sync']],
    ['Switch over', ['Switch traffic', 'Update DNS records']],
    ['Release old nodes', ['Stop old nodes', 'Release resources']],
  ],
  EXTEND: [
    ['Check instance status', ['Check instance']],
    ['Add shards', ['Apply for resources', 'Start shards']],
    ['Rebalance slots', ['Migrate slots', 'Verify slot map']],
    ['Finish', ['Update metadata']],
  ],
  AddReplica: [
    ['Create replica', ['Apply for resources', 'Start node']],
    ['Synchronize data', ['Full sync']],
    ['Join replication group', ['Update topology', 'Update DNS records']],
  ],
  DelReplica: [
    ['Remove from group', ['Update topology', 'Remove IP from DNS']],
    ['Delete replica', ['Stop node', 'Release resources']],
  ],
  masterStandbySwapJob: [
    ['Check replication', ['Check replication offset']],
    ['Switch master and standby', ['Promote standby', 'Demote master']],
    ['Update routing', ['Update DNS records']],
  ],
  BindEip: [
    ['Bind EIP', ['Create ELB listener', 'Bind public IP']],
    ['Configure SSL', ['Install certificate']],
  ],
};
const GENERIC_STEPS = [['Execute task', ['Run job', 'Verify result']]];

/**
 * Progress object for a task at `elapsedMs` since the server (re)started:
 * {progress, remain_time, step_details:[{step_id, step_name, step_status, begin_time, end_time,
 * error_code, sub_step_details:[{sub_step_id, sub_step_name, sub_step_status, begin_time,
 * end_time, detail, error_code}]}]}.
 */
export function progressFor(task, elapsedMs, msPerPercent) {
  const { wire, meta } = task;
  const steps = STEPS[wire.name] ?? GENERIC_STEPS;
  const p = percentDone(meta, elapsedMs, msPerPercent);
  const status = effectiveStatus(task, elapsedMs, msPerPercent);
  const running = status === 'EXECUTING';
  // Timeline: running tasks move at msPerPercent; finished ones fit into created_at..updated_at.
  const start = meta.createdMs;
  const msPerPct = meta.status === 'EXECUTING' ? msPerPercent : Math.max(10, meta.durMs / 100);
  const at = (pct) => start + Math.round(pct * msPerPct);
  const stopped = status === 'FAILED' || status === 'CANCELLED';
  // split 0..100 over the steps, and each step over its sub-steps
  const r = makeRng(meta.stepSeed);
  const weights = steps.map(() => 1 + r.float() * 2);
  const total = weights.reduce((a, b) => a + b, 0);
  let acc = 0;
  let subId = 0;
  const stepDetails = steps.map(([stepName, subs], i) => {
    const a = (acc / total) * 100;
    acc += weights[i];
    const b = i === steps.length - 1 ? 100 : (acc / total) * 100;
    const st = stepState(a, b, p, running, stopped, status);
    const subW = subs.map(() => 1 + r.float());
    const subTotal = subW.reduce((x, y) => x + y, 0);
    let sacc = 0;
    const sub = subs.map((subName, j) => {
      const sa = a + (sacc / subTotal) * (b - a);
      sacc += subW[j];
      const sb = j === subs.length - 1 ? b : a + (sacc / subTotal) * (b - a);
      const sst = stepState(sa, sb, p, running, stopped, status);
      return {
        sub_step_id: ++subId,
        sub_step_name: subName,
        sub_step_status: sst,
        begin_time: sst === 'WAITING' ? null : progressTime(at(sa)),
        end_time: sst === 'FINISH' || sst === 'FAILED' ? progressTime(at(Math.min(sb, p))) : null,
        detail: sst === 'FAILED' ? (status === 'CANCELLED' ? 'Cancelled by user' : 'Node health check timed out') :
          sst === 'EXECUTING' ? `${Math.round(((p - sa) / Math.max(1e-9, sb - sa)) * 100)}% done` : '',
        error_code: sst === 'FAILED' && status === 'FAILED' ? 'DCS.5003' : null,
      };
    });
    return {
      step_id: i + 1,
      step_name: stepName,
      step_status: st,
      begin_time: st === 'WAITING' ? null : progressTime(at(a)),
      end_time: st === 'FINISH' || st === 'FAILED' ? progressTime(at(Math.min(b, p))) : null,
      error_code: st === 'FAILED' && status === 'FAILED' ? 'DCS.5003' : null,
      sub_step_details: sub,
    };
  });
  const remain = running ? Math.ceil(((100 - p) * msPerPercent) / 1000) : (status === 'CREATED' ? Math.ceil(meta.durMs / 1000) || 60 : 0);
  return { progress: p, remain_time: remain, step_details: stepDetails };
}

function stepState(a, b, p, running, stopped, status) {
  if (status === 'CREATED') return 'WAITING';
  if (p >= b) return 'FINISH';
  if (p >= a) return stopped ? 'FAILED' : (running ? 'EXECUTING' : 'FINISH');
  return 'WAITING';
}
