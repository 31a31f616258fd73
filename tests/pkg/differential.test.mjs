// Differential test of the package's parser (pkg/, the real wasm in Node) against a small,
// independent reference normalizer written here over the host's JSON.parse: the same
// tasks, task count and warnings (code and path, in order), or the same error path, over
// the fixtures and 1,500 generated bodies with the quirks mixed in, in both modes. The
// body's validity is judged by JSON.parse, not by the crate.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { parseListTasksResponse } from "../../pkg/index.js";

const FIXTURES = new URL("../fixtures/", import.meta.url);

// ---------------------------------------------------------------- the reference

const KNOWN_NAMES = ["ChangeInstanceSpec", "BindEip", "UnBindEip", "AddReplica", "DelReplica",
  "AddWhitelist", "UpdatePort", "RemoveIpFromDns", "EXTEND", "masterStandbySwapJob", "modify", "DeleteAcl"];
const KNOWN_STATUSES = ["CREATED", "EXECUTING", "SUCCESS", "FAILED", "DELETED", "CANCELLED"];
const TASK_STRS = ["id", "name", "status", "user_name", "user_id", "params"];
const TASK_TIMES = ["created_at", "updated_at"];
const DETAIL_STRS = ["old_cache_mode", "new_cache_mode", "old_cache_type", "new_cache_type",
  "old_resource_spec_code", "new_resource_spec_code", "public_ip_id", "public_ip_address", "replica_ip",
  "replica_az", "group_name", "account_name", "source_ip", "target_ip", "node_name"];
const DETAIL_INTS = ["old_replica_num", "new_replica_num", "old_port", "new_port", "updated_config_length"];
const DETAIL_BOOLS = ["enable_public_ip", "enable_ssl", "is_only_adjust_charging"];
const CAPS = ["old_capacity", "new_capacity"];
const SAFE = Number.MAX_SAFE_INTEGER;

const camel = (k) => k.replace(/_([a-z])/g, (_, c) => c.toUpperCase());
const key = (parent, k) => {
  const odd = k === "" || /[.[\]"]/.test(k);
  if (odd) return `${parent === "$" ? "" : parent}[${JSON.stringify(k)}]`;
  return parent === "$" ? k : `${parent}.${k}`;
};

class Refused extends Error {
  constructor(path) { super(path); this.path = path; }
}

/// Timestamps: canonical, ISO-8601 with or without a zone, yyyyMMddHHmmss (UTC).
function timestamp(s) {
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(s)) return { iso: s, canonical: true };
  let m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(s);
  let frac = "", zone = "";
  if (!m) {
    m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})?$/.exec(s);
    if (!m) return null;
    frac = m[7] ?? "";
    zone = m[8] ?? "";
  }
  const [y, mo, d, h, mi, se] = m.slice(1, 7).map(Number);
  let ms = Date.UTC(y, mo - 1, d, h, mi, se, Number((frac + "000").slice(0, 3)));
  if (zone && zone !== "Z") {
    const sign = zone[0] === "-" ? -1 : 1;
    ms -= sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6))) * 60000;
  }
  return { iso: new Date(ms).toISOString(), canonical: false };
}

function reference(text, strict) {
  const body = JSON.parse(text);
  const warnings = [];
  let more = 0;
  const quirk = (code, path) => {
    if (strict) throw new Refused(path);
    if (warnings.length < 100) warnings.push({ code, path });
    else more++;
  };
  const str = (v, path) => {
    if (v === null) return undefined;
    if (typeof v !== "string") throw new Refused(path);
    return v;
  };
  const time = (v, path) => {
    if (v === null) return undefined;
    if (typeof v !== "string") throw new Refused(path);
    const t = timestamp(v);
    if (!t) throw new Refused(path);
    if (!t.canonical) quirk("coerced_type", path);
    return t.iso;
  };
  const known = (v, list, path) => {
    if (v !== undefined && !list.includes(v)) quirk("unknown_value", path);
  };
  // Display text with invisible or reordering characters: reported in both modes (not a quirk).
  const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u115f\u1160\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\u3164\ufeff\uffa0\ufff9-\ufffb]|\udb40[\udc00-\udc7f]/;
  const visible = (v, path) => {
    if (v === undefined || !INVISIBLE.test(v)) return;
    if (warnings.length < 100) warnings.push({ code: "invisible_text", path });
    else more++;
  };
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw new Refused("$");
  // Which top-level task fields can move into the one task lacking them.
  const hoistable = {};
  for (const f of ["status", "created_at", "updated_at"]) {
    if (!(f in body)) continue;
    if (strict) continue;
    const lacking = Array.isArray(body.tasks)
      ? body.tasks.map((t, i) => [t, i]).filter(([t]) => t && typeof t === "object" && (t[f] ?? null) === null)
      : [];
    hoistable[f] = lacking.length === 1 && body[f] !== null ? lacking[0][1] : undefined;
  }
  let taskCount;
  let tasks;
  for (const [k, v] of Object.entries(body)) {
    const path = key("$", k);
    if (k === "task_count") {
      if (typeof v === "number") {
        if (!Number.isInteger(v) || v < 0 || v > SAFE) throw new Refused(path);
        quirk("coerced_type", path);
        taskCount = v;
      } else if (typeof v === "string" && /^\d+$/.test(v) && Number(v) <= SAFE) {
        taskCount = Number(v);
      } else {
        throw new Refused(path);
      }
    } else if (k === "tasks") {
      if (!Array.isArray(v)) throw new Refused(path);
      tasks = v.map((t, i) => task(t, `${path}[${i}]`, i));
    } else if (k in hoistable || (strict && ["status", "created_at", "updated_at"].includes(k))) {
      if (strict) throw new Refused(path);
      const target = hoistable[k];
      if (target === undefined) {
        quirk("unknown_field", path);
      } else {
        quirk("hoisted_field", path);
        if (k === "status") known(str(v, path), KNOWN_STATUSES, path);
        else time(v, path);
      }
    } else {
      quirk("unknown_field", path);
    }
  }
  if (tasks === undefined) throw new Refused("tasks");
  if (taskCount === undefined) throw new Refused("task_count");
  // Hoisted values.
  for (const [f, target] of Object.entries(hoistable)) {
    if (target === undefined) continue;
    const t = tasks[target];
    t[camel(f)] = f === "status" ? body.status : timestamp(body[f]).iso;
  }
  tasks.forEach((t, i) => {
    if (t.status === undefined) throw new Refused(`tasks[${i}].status`);
  });
  if (more > 0) warnings.push({ code: "warnings_truncated", path: "$" });
  return { taskCount, tasks, warnings };

  function task(t, path) {
    if (typeof t !== "object" || t === null || Array.isArray(t)) throw new Refused(path);
    const out = {};
    for (const [k, v] of Object.entries(t)) {
      const p = key(path, k);
      if (TASK_STRS.includes(k)) {
        const s = str(v, p);
        if (k === "name") known(s, KNOWN_NAMES, p);
        if (k === "status") known(s, KNOWN_STATUSES, p);
        if (k === "user_name") visible(s, p);
        if (s !== undefined) out[camel(k)] = s;
      } else if (TASK_TIMES.includes(k)) {
        const s = time(v, p);
        if (s !== undefined) out[camel(k)] = s;
      } else if (k === "enable_show") {
        if (v !== null && typeof v !== "boolean") throw new Refused(p);
        if (v !== null) out.enableShow = v;
      } else if (k === "details") {
        out.details = details(v, p);
      } else {
        quirk("unknown_field", p);
      }
    }
    if (out.id === undefined) throw new Refused(key(path, "id"));
    if (out.name === undefined) throw new Refused(key(path, "name"));
    out.details ??= {};
    return out;
  }

  function details(d, path) {
    if (d === null) return {};
    if (typeof d !== "object" || Array.isArray(d)) throw new Refused(path);
    const out = {};
    let misspelled;
    for (const [k, v] of Object.entries(d)) {
      const p = key(path, k);
      if (DETAIL_STRS.includes(k)) {
        const s = str(v, p);
        if (s !== undefined) out[camel(k)] = s;
      } else if (DETAIL_INTS.includes(k)) {
        if (v === null) continue;
        if (typeof v !== "number" || !Number.isInteger(v) || Math.abs(v) > SAFE) throw new Refused(p);
        out[camel(k)] = v;
      } else if (DETAIL_BOOLS.includes(k)) {
        if (v !== null && typeof v !== "boolean") throw new Refused(p);
        if (v !== null) out[camel(k)] = v;
      } else if (CAPS.includes(k)) {
        if (v === null) continue;
        let x;
        if (typeof v === "number") {
          quirk("coerced_type", p);
          x = v;
        } else if (typeof v === "string" && /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/.test(v)) {
          x = Number(v);
        } else {
          throw new Refused(p);
        }
        if (!Number.isFinite(x) || x < 0) throw new Refused(p);
        out[camel(k)] = x;
      } else if (k === "rename_commands") {
        if (v === null) continue;
        if (!Array.isArray(v)) throw new Refused(p);
        v.forEach((c, i) => { if (typeof c !== "string") throw new Refused(`${p}[${i}]`); });
        out.renameCommands = v;
      } else if (k === "new_cahce_mode") {
        const s = str(v, p);
        quirk("renamed_field", p);
        misspelled = s;
      } else {
        quirk("unknown_field", p);
      }
    }
    if (misspelled !== undefined) {
      if (out.newCacheMode === undefined) out.newCacheMode = misspelled;
      else if (out.newCacheMode !== misspelled) throw new Refused(key(path, "new_cahce_mode"));
    }
    return out;
  }
}

// ---------------------------------------------------------------- the generator

function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function generate(seed) {
  const r = rng(seed);
  const pick = (xs) => xs[Math.floor(r() * xs.length)];
  const chance = (p) => r() < p;
  const word = () => pick(["single", "ha", "redis", "cluster", "héllo", "a \"q\"", "tab\there", "", "x".repeat(40), "\u0000nul", "😀"]);
  const unknownKey = () => pick(["extra", "a.b", "", "[0]", "q\"", "x_y", "ünï", "details2", "taskCount"]);
  const anyValue = (depth = 0) => {
    const k = Math.floor(r() * (depth > 2 ? 4 : 6));
    const makers = [() => null, () => true, () => 1.5, word,
      () => [anyValue(depth + 1), anyValue(depth + 1)], () => ({ z: anyValue(depth + 1) })];
    return makers[k]();
  };
  const timeText = (ms) => {
    const iso = new Date(ms).toISOString();
    switch (Math.floor(r() * 4)) {
      case 0: return iso;
      case 1: return iso.slice(0, 19).replace("T", " ");
      case 2: return new Date(ms + 8 * 3600000).toISOString().slice(0, 23) + "+08:00";
      default: return iso.slice(0, 19).replace(/[-:T]/g, "");
    }
  };
  const capacity = () => {
    const x = pick([0.125, 0.25, 0.5, 1, 2, 4.5, 16, 1000, Math.round(r() * 1e6) / 1e3]);
    return chance(0.5) ? x : pick([String(x), x.toExponential()]);
  };
  const n = Math.floor(r() * 6);
  const tasks = [];
  for (let i = 0; i < n; i++) {
    const t = {};
    t.id = chance(0.02) ? 7 : `task-${seed}-${i}`;
    t.name = chance(0.8) ? pick(KNOWN_NAMES) : pick(["NewThing", "bindeip", ""]);
    t.status = chance(0.85) ? pick(KNOWN_STATUSES) : pick(["PAUSED", null]);
    if (chance(0.5)) t.user_name = word();
    if (chance(0.3)) t.user_id = chance(0.5) ? word() : null;
    if (chance(0.3)) t.params = JSON.stringify({ new_capacity: 0.25 });
    const base = Date.UTC(2020, 0, 1) + Math.floor(r() * 1e11);
    if (chance(0.8)) t.created_at = timeText(base);
    if (chance(0.6)) t.updated_at = timeText(base + 12345);
    if (chance(0.5)) t.enable_show = chance(0.5);
    if (chance(0.2)) t[unknownKey()] = anyValue();
    if (chance(0.9)) {
      const d = {};
      for (const k of DETAIL_STRS) if (chance(0.15)) d[k] = word();
      for (const k of DETAIL_INTS) if (chance(0.15)) d[k] = chance(0.97) ? Math.floor(r() * 70000) : 1.5;
      for (const k of DETAIL_BOOLS) if (chance(0.15)) d[k] = chance(0.5);
      for (const k of CAPS) if (chance(0.4)) d[k] = chance(0.98) ? capacity() : "12GB";
      if (chance(0.2)) d.rename_commands = chance(0.95) ? ["keys", word()] : ["keys", 3];
      if (chance(0.3)) {
        if (chance(0.3) && d.new_cache_mode === undefined) d.new_cache_mode = "ha";
        d.new_cahce_mode = chance(0.9) ? (d.new_cache_mode ?? word()) : "conflict";
      }
      if (chance(0.2)) d[unknownKey()] = anyValue();
      t.details = chance(0.05) ? null : d;
    }
    tasks.push(t);
  }
  const top = {};
  const order = ["task_count", "tasks"];
  if (chance(0.3)) order.splice(Math.floor(r() * 3), 0, "hoist");
  if (chance(0.1)) order.push("unknown");
  for (const part of order) {
    if (part === "task_count") top.task_count = chance(0.5) ? n : String(n);
    if (part === "tasks") top.tasks = tasks;
    if (part === "unknown") top[unknownKey()] = anyValue();
    if (part === "hoist") {
      // The fields the seed example sends at the top level, for one task lacking them.
      const lacking = tasks.length ? tasks[Math.floor(r() * tasks.length)] : undefined;
      if (lacking && chance(0.8)) {
        delete lacking.status;
        delete lacking.created_at;
        delete lacking.updated_at;
      }
      top.status = pick(KNOWN_STATUSES);
      top.created_at = timeText(Date.UTC(2021, 5, 1));
      if (chance(0.5)) top.updated_at = timeText(Date.UTC(2021, 5, 2));
    }
  }
  // Many unknown keys now and then: the warning cap.
  if (chance(0.03) && tasks[0]?.details) {
    for (let i = 0; i < 120; i++) tasks[0].details[`u${i}x`] = i;
  }
  return JSON.stringify(top, null, chance(0.3) ? 1 : undefined);
}

// ---------------------------------------------------------------- the comparison

function viaPackage(text, strict) {
  try {
    const l = parseListTasksResponse(text, { strict });
    return { ok: { taskCount: l.taskCount, tasks: l.tasks, warnings: l.warnings.map(({ code, path }) => ({ code, path })) } };
  } catch (e) {
    assert.equal(e.name, "DcsError", String(e));
    assert.equal(e.code, "INVALID_RESPONSE", e.message);
    return { err: e.path, message: e.message };
  }
}

function viaReference(text, strict) {
  try {
    return { ok: reference(text, strict) };
  } catch (e) {
    if (e instanceof Refused) return { err: e.path };
    throw e;
  }
}

function compare(what, text) {
  for (const strict of [false, true]) {
    const got = viaPackage(text, strict);
    const want = viaReference(text, strict);
    const label = `${what} (strict: ${strict})`;
    if (want.err !== undefined) {
      assert.equal(got.err, want.err, `${label}: package ${got.err === undefined ? "accepted" : `failed at ${got.err}: ${got.message}`}\n${text}`);
    } else {
      assert.equal(got.err, undefined, `${label}: package failed at ${got.err}: ${got.message}\n${text}`);
      assert.deepStrictEqual(got.ok, want.ok, `${label}\n${text}`);
    }
  }
  return viaReference(text, false).err === undefined;
}

test("fixtures: the package agrees with the reference normalizer", () => {
  const files = ["seed-example.json", "all-fields.json", "quirk-capacity-number.json", "quirk-hoisted-fields.json",
    "quirk-misspelled-cache-mode.json", "quirk-task-count-number.json", "quirk-timestamp-forms.json", "unknown-values.json",
    "quirk-many-unknown-fields.json"];
  for (const f of files) {
    const text = readFileSync(new URL(f, FIXTURES), "utf8");
    JSON.parse(text); // valid JSON for the host
    assert.ok(compare(f, text), `${f} parses`);
  }
});

test("1,500 generated bodies with the quirks mixed in: the package agrees with the reference", () => {
  let ok = 0;
  let warned = 0;
  for (let seed = 1; seed <= 1500; seed++) {
    const text = generate(seed);
    if (compare(`seed ${seed}`, text)) {
      ok++;
      if (viaReference(text, false).ok.warnings.length > 0) warned++;
    }
  }
  console.log(`# differential: 1500 bodies, ${ok} parsed (${warned} with warnings), ${1500 - ok} refused`);
  // The generator must exercise both sides.
  assert.ok(ok > 600 && warned > 300 && 1500 - ok > 100, `${ok} parsed, ${warned} warned`);
});
