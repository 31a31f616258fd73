//! Parsing and normalizing `ListBackgroundTask` bodies on serde and serde_json: JSON text
//! in, [`TaskList`] (or its contract JSON, [`ListJson`]) out. (Progress and error bodies:
//! `dcs_tasks::progress`, `dcs_tasks::error_body`, on the same kit, [`crate::de`].)
//!
//! A list body is read in one streaming pass: `serde_json` drives `DeserializeSeed`s that
//! carry the wire path and the warnings; each task is deserialized, checked and normalized
//! on its own and handed to a sink at once (`Vec<Task>` for the Rust API, [`ListJson`],
//! the contract JSON text written by serde_json, for the JS API), so memory stays bounded
//! by one task. Keys are read as borrowed strings and mapped to the derived field
//! enums (`TopField`, `TaskField`, `DetailField`, ...); a key no enum knows is an
//! `unknown_field` warning at its wire path. In the default mode the known quirks of the
//! service are fixed and each fix is reported as a [`Warning`] at its wire path; in strict
//! mode each quirk is an error. Anything else wrong is `INVALID_RESPONSE` with the wire path
//! (`tasks[3].details.old_port`, `task_count`, `$` for the whole body).
//!
//! Where each rule lives:
//! - body size, UTF-8, JSON syntax, depth: `de::check_body`, `de::validate`, `de::syntax`
//!   (path `$`);
//! - duplicate keys, keys per object, key length: `de::Seen`;
//! - `task_count` number/string: `task_count`;
//! - hoisting of top-level `status`/`created_at`/`updated_at`: `Walk::plan`;
//! - unknown fields: the `Unknown` arm of each object's visitor;
//! - unknown task names/statuses: `de::check_known`;
//! - capacities: `capacity`; integers (never coerced): `de::int`; timestamps: `de::time`;
//! - `new_cahce_mode`: `DetailsSeed`;
//! - the warning cap: `de::Ctx::warn`.
//!
//! Parsing never panics and every check is linear or `O(n log n)` in the body: the
//! per-object key sets are `BTreeSet`s of at most [`MAX_KEYS`] keys, recursion is bounded
//! by [`MAX_DEPTH`], and at most [`MAX_WARNINGS`] warnings are kept.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::de::{
    bad, boolean, check_body, check_known, check_visible, int, members, missing, quote, raise, run,
    skip_unknown, string, time, wrong_type, Ctx, Loc, Scalar, ScalarSeed, Skip, StringsSeed, R,
};
pub use crate::de::{
    MAX_ARRAY_ITEMS, MAX_DEPTH, MAX_KEYS, MAX_KEY_BYTES, MAX_PARSED_BODY_BYTES, MAX_STRING_BYTES,
    MAX_TASKS, MAX_WARNINGS,
};
use crate::error::Result;
pub use crate::model::MAX_SAFE_INTEGER;
pub use crate::model::{Chunk, CHUNK_BYTES};
use crate::model::{
    Chunks, ListJson, ParseOptions, Task, TaskDetails, TaskList, TaskView, Warning, WarningCode,
};
use crate::{fields, refuse, self_seed, tri};

/// Task `name` values seen in the docs (others pass through with `unknown_value`).
pub const KNOWN_TASK_NAMES: &[&str] = &[
    "ChangeInstanceSpec",
    "BindEip",
    "UnBindEip",
    "AddReplica",
    "DelReplica",
    "AddWhitelist",
    "UpdatePort",
    "RemoveIpFromDns",
    "EXTEND",
    "masterStandbySwapJob",
    "modify",
    "DeleteAcl",
];

/// Task `status` values seen in Huawei task APIs.
pub const KNOWN_TASK_STATUSES: &[&str] = &[
    "CREATED",
    "EXECUTING",
    "SUCCESS",
    "FAILED",
    "DELETED",
    "CANCELLED",
];

/// Progress `step_status` / `sub_step_status` values.
pub const KNOWN_STEP_STATUSES: &[&str] = &["FINISH", "FAILED", "EXECUTING", "WAITING"];

fields!(TopField {
    Status,
    CreatedAt,
    UpdatedAt,
    TaskCount,
    Tasks
});
fields!(TaskField {
    Id,
    Name,
    Status,
    UserName,
    UserId,
    Params,
    CreatedAt,
    UpdatedAt,
    EnableShow,
    Details,
});
fields!(DetailField {
    OldCapacity,
    NewCapacity,
    OldCacheMode,
    NewCacheMode,
    OldCacheType,
    NewCacheType,
    OldResourceSpecCode,
    NewResourceSpecCode,
    PublicIpId,
    PublicIpAddress,
    ReplicaIp,
    ReplicaAz,
    GroupName,
    AccountName,
    SourceIp,
    TargetIp,
    NodeName,
    OldReplicaNum,
    NewReplicaNum,
    OldPort,
    NewPort,
    UpdatedConfigLength,
    EnablePublicIp,
    EnableSsl,
    IsOnlyAdjustCharging,
    RenameCommands,
    NewCahceMode,
});
/// `task_count`: documented as a string of digits; a JSON integer is a quirk.
fn task_count(ctx: &mut Ctx, v: Scalar, loc: &Loc) -> R<Option<u64>> {
    const WHAT: &str = "a non-negative integer";
    let n = match &v {
        Scalar::Null => return Ok(None),
        Scalar::Str(s) => {
            if s.is_empty() || !s.bytes().all(|c| c.is_ascii_digit()) {
                return Err(bad(loc, format!("expected {WHAT}, got {}", quote(s))));
            }
            s.parse::<u64>().ok()
        }
        Scalar::U64(u) => {
            ctx.quirk(WarningCode::CoercedType, loc, || {
                "task_count sent as a number; the API documents a string".to_string()
            })?;
            Some(*u)
        }
        Scalar::I64(_) | Scalar::F64(_) => {
            return Err(bad(loc, format!("expected {WHAT}, got {}", v.number())))
        }
        v => return Err(wrong_type(loc, WHAT, v)),
    };
    match n {
        Some(x) if x <= MAX_SAFE_INTEGER as u64 => Ok(Some(x)),
        _ => Err(bad(loc, "task_count out of range")),
    }
}

/// A capacity in GB: documented as a string holding a JSON number (parsed by serde_json);
/// a JSON number is a quirk. Finite and non-negative.
#[doc(hidden)]
pub fn capacity(ctx: &mut Ctx, v: Scalar, loc: &Loc) -> R<Option<f64>> {
    let (x, coerced) = match &v {
        Scalar::Null => return Ok(None),
        Scalar::Str(s) => {
            let spaced = s.starts_with(|c: char| c.is_ascii_whitespace())
                || s.ends_with(|c: char| c.is_ascii_whitespace());
            match number_text(s) {
                Some(x) if !spaced => (x, false),
                _ => {
                    let why = if looks_numeric(s) {
                        "is out of range"
                    } else {
                        "is not a number"
                    };
                    return Err(bad(loc, format!("capacity {} {why}", quote(s))));
                }
            }
        }
        Scalar::U64(u) => (*u as f64, true),
        Scalar::I64(i) => (*i as f64, true),
        Scalar::F64(x) => (*x, true),
        v => return Err(wrong_type(loc, "a capacity (a string holding a number)", v)),
    };
    if x < 0.0 {
        return Err(bad(
            loc,
            format!("capacity {} is negative", crate::model::to_json(&x)),
        ));
    }
    if coerced {
        ctx.quirk(WarningCode::CoercedType, loc, || {
            format!(
                "capacity sent as the number {}; the API documents a string",
                v.number()
            )
        })?;
    }
    Ok(Some(if x == 0.0 { 0.0 } else { x }))
}

/// `s` as exactly one JSON number, read by serde_json (its grammar, its correctly rounded
/// float parsing); `None` for anything else.
fn number_text(s: &str) -> Option<f64> {
    let mut de = serde_json::Deserializer::from_str(s);
    let v = ScalarSeed(1).deserialize(&mut de).ok()?;
    de.end().ok()?;
    match v {
        Scalar::U64(u) => Some(u as f64),
        Scalar::I64(i) => Some(i as f64),
        Scalar::F64(x) => Some(x),
        _ => None,
    }
}

/// Digits with an optional sign, fraction and exponent (for the message only).
fn looks_numeric(s: &str) -> bool {
    !s.is_empty()
        && s.bytes().any(|c| c.is_ascii_digit())
        && s.bytes()
            .all(|c| c.is_ascii_digit() || matches!(c, b'-' | b'+' | b'.' | b'e' | b'E'))
}

// ---------------------------------------------------------------------------------------
// ListBackgroundTask
//
// The walk reads the top-level object member by member and each task as it comes
// (`TasksSeed`, `TaskSeed`, `DetailsSeed`), and hands each normalized task to a
// [`Tasks`] sink. Top-level task fields (`status`, `created_at`, `updated_at`) can only be
// attributed once every task is known: when the body has any, it is walked a second time
// with the decision made (`Plan`).

/// Parses and normalizes a `ListBackgroundTask` response body.
///
/// Errors are `INVALID_RESPONSE` with the wire path of the offending value.
#[allow(clippy::result_large_err)] // the crate's one error type, by value, is the contract
pub fn parse_list_tasks_response(body: &[u8], opts: ParseOptions) -> Result<TaskList> {
    let mut tasks = Vec::new();
    let (task_count, warnings) = list(body, opts, &mut tasks).map_err(|e| *e)?;
    Ok(TaskList {
        task_count,
        tasks,
        warnings,
    })
}

/// [`parse_list_tasks_response`], written straight to the contract JSON text
/// (`ListJson::json`): the same checks, warnings and errors, and the same text as
/// `TaskList::to_json`, without building the tasks.
#[allow(clippy::result_large_err)]
pub fn parse_list_tasks_json(body: &[u8], opts: ParseOptions) -> Result<ListJson> {
    // The contract JSON is about as long as the wire JSON: one allocation.
    let mut out = ListJson::with_capacity(body.len() + body.len() / 8);
    let (task_count, warnings) = list(body, opts, &mut out).map_err(|e| *e)?;
    out.finish(task_count, warnings);
    Ok(out)
}

/// [`parse_list_tasks_json`] with the tasks' text handed to `out` as it is written, in
/// [`Chunk`]s of about [`CHUNK_BYTES`] (each a JSON array of tasks' contract JSON, written by
/// serde_json), instead of one page-long buffer: what the JS API reads, so that a page's text
/// is never whole in wasm memory. Returns the page without its tasks (its text
/// `{"taskCount":N,"tasks":[],"warnings":[...]}`). The same checks, warnings and errors; on
/// an error the chunks handed so far are to be dropped.
#[allow(clippy::result_large_err)]
pub fn parse_list_tasks_chunks(
    body: &[u8],
    opts: ParseOptions,
    out: &mut dyn FnMut(Chunk),
) -> Result<ListJson> {
    let mut sink = Chunks::new(out);
    let (task_count, warnings) = list(body, opts, &mut sink).map_err(|e| *e)?;
    sink.flush();
    let mut page = ListJson::with_capacity(0);
    page.finish(task_count, warnings);
    Ok(page)
}

/// Where the list walk puts each task. The task is lent, not moved: a task is a few hundred
/// bytes, and each move of it is a bulk-memory copy (a call out of the wasm code in V8).
pub(crate) trait Tasks<'a> {
    fn task(&mut self, t: &mut TaskView<'a>);
    /// Drops the tasks so far: the walk starts again.
    fn restart(&mut self);
}

impl<'a> Tasks<'a> for Vec<Task> {
    fn task(&mut self, t: &mut TaskView<'a>) {
        self.push(core::mem::take(t).into());
    }

    fn restart(&mut self) {
        self.clear();
    }
}

impl<'a> Tasks<'a> for ListJson {
    fn task(&mut self, t: &mut TaskView<'a>) {
        self.push(t);
    }

    fn restart(&mut self) {
        self.clear();
    }
}

impl<'a> Tasks<'a> for Chunks<'_> {
    fn task(&mut self, t: &mut TaskView<'a>) {
        self.push(t);
    }

    fn restart(&mut self) {
        self.restart();
    }
}

/// The top-level task fields, in [`Walk::lacking`] order.
const HOISTS: [&str; 3] = ["status", "created_at", "updated_at"];

/// What happens to each top-level task field (second walk only).
type Plan<'a> = [Option<Hoisted<'a>>; 3];

struct Hoisted<'a> {
    /// The one task that lacks the field, or none (then the field is dropped).
    target: Option<usize>,
    value: Option<Cow<'a, str>>,
    /// Its warnings, reported where the field is on the wire.
    warnings: Vec<Warning>,
}

/// One walk over a list body.
struct Walk<'p, 'de> {
    plan: &'p Plan<'de>,
    /// Top-level task fields met (first walk), by [`HOISTS`] index.
    hoists: Vec<(usize, Scalar<'de>)>,
    /// Per [`HOISTS`] field: how many tasks lack it, and the first of them.
    lacking: [(usize, usize); 3],
    count: Option<u64>,
    has_tasks: bool,
}

fn list<'a>(body: &'a [u8], opts: ParseOptions, out: &mut dyn Tasks<'a>) -> R<(u64, Vec<Warning>)> {
    let text = check_body(body)?;
    let none: Plan = [None, None, None];
    let (walk, ctx) = walk_list(text, opts.strict, &none, out)?;
    let plan = if walk.hoists.is_empty() {
        [None, None, None]
    } else {
        walk.plan()?
    };
    let (n, first) = walk.lacking[0];
    if n > 0
        && !matches!(
            &plan[0],
            Some(Hoisted {
                target: Some(_),
                ..
            })
        )
    {
        let tasks = Loc::Root.key("tasks");
        return Err(missing(&tasks.index(first).key("status")));
    }
    let count = walk.count;
    if walk.hoists.is_empty() {
        return Ok((count.unwrap_or(0), ctx.finish()));
    }
    // Again, with the top-level fields' targets known (the first walk's output dropped
    // first: one page's output at a time).
    drop((walk, ctx));
    out.restart();
    let (walk, ctx) = walk_list(text, opts.strict, &plan, out)?;
    Ok((walk.count.unwrap_or(0), ctx.finish()))
}

fn walk_list<'a, 'p>(
    text: &'a str,
    strict: bool,
    plan: &'p Plan<'a>,
    out: &mut dyn Tasks<'a>,
) -> R<(Walk<'p, 'a>, Ctx)> {
    let mut ctx = Ctx::new(strict);
    let mut walk = Walk {
        plan,
        hoists: Vec::new(),
        lacking: [(0, 0); 3],
        count: None,
        has_tasks: false,
    };
    run(text, &mut ctx, |de, ctx| {
        TopSeed {
            ctx,
            loc: &Loc::Root,
            walk: &mut walk,
            out: &mut *out,
        }
        .deserialize(de)
    })?;
    let root = Loc::Root;
    if !walk.has_tasks {
        return Err(missing(&root.key("tasks")));
    }
    if walk.count.is_none() {
        return Err(missing(&root.key("task_count")));
    }
    Ok((walk, ctx))
}

struct TopSeed<'c, 'l, 'p, 'de> {
    ctx: &'c mut Ctx,
    loc: &'l Loc<'l>,
    walk: &'c mut Walk<'p, 'de>,
    out: &'c mut dyn Tasks<'de>,
}

impl<'de> DeserializeSeed<'de> for TopSeed<'_, '_, '_, 'de> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> core::result::Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for TopSeed<'_, '_, '_, 'de> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> core::result::Result<(), A::Error> {
        let TopSeed {
            ctx,
            loc,
            walk,
            out,
        } = self;
        members(&mut map, ctx, loc, |map, ctx, f: TopField, kl| {
            let h = match f {
                TopField::TaskCount => {
                    let v = map.next_value_seed(ScalarSeed(2))?;
                    walk.count = tri!(ctx, task_count(ctx, v, kl));
                    return Ok(());
                }
                TopField::Tasks => {
                    map.next_value_seed(TasksSeed {
                        ctx,
                        loc: kl,
                        walk: &mut *walk,
                        out: &mut *out,
                    })?;
                    walk.has_tasks = true;
                    return Ok(());
                }
                TopField::Unknown => return skip_unknown(map, ctx, kl, 2),
                TopField::Status => 0,
                TopField::CreatedAt => 1,
                TopField::UpdatedAt => 2,
            };
            if ctx.strict {
                let e = bad(
                    kl,
                    "task field sent at the top level (refused in strict mode)",
                );
                return Err(raise(ctx, e));
            }
            let v = map.next_value_seed(ScalarSeed(2))?;
            match walk.plan.get(h) {
                Some(Some(p)) => {
                    for w in &p.warnings {
                        let loc = Loc::Root.key(HOISTS[h]);
                        ctx.warn(w.code, &loc, || w.message.clone());
                    }
                }
                _ => walk.hoists.push((h, v)),
            }
            Ok(())
        })
    }
    refuse!("a JSON object"; bool num str null seq);
}

struct TasksSeed<'c, 'l, 'p, 'de> {
    ctx: &'c mut Ctx,
    loc: &'l Loc<'l>,
    walk: &'c mut Walk<'p, 'de>,
    out: &'c mut dyn Tasks<'de>,
}

impl<'de> DeserializeSeed<'de> for TasksSeed<'_, '_, '_, 'de> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> core::result::Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for TasksSeed<'_, '_, '_, 'de> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> core::result::Result<(), A::Error> {
        let TasksSeed {
            ctx,
            loc,
            walk,
            out,
        } = self;
        let mut i = 0;
        loop {
            if i >= MAX_TASKS {
                if seq.next_element_seed(Skip(3))?.is_some() {
                    let e = bad(loc, format!("more than {MAX_TASKS} tasks in one response"));
                    return Err(raise(ctx, e));
                }
                return Ok(());
            }
            let il = loc.index(i);
            let seed = TaskSeed {
                ctx: &mut *ctx,
                loc: &il,
                plan: walk.plan,
                lacking: &mut walk.lacking,
                index: i,
                out: &mut *out,
            };
            if seq.next_element_seed(seed)?.is_none() {
                return Ok(());
            }
            i += 1;
        }
    }
    fn visit_unit<E: de::Error>(self) -> core::result::Result<(), E> {
        Err(raise(self.ctx, missing(self.loc)))
    }
    refuse!("an array"; bool num str map);
}

/// Reads one task and hands it to `out`.
struct TaskSeed<'c, 'l, 'p, 'de> {
    ctx: &'c mut Ctx,
    loc: &'l Loc<'l>,
    plan: &'p Plan<'de>,
    /// [`Walk::lacking`], counted as each task is read.
    lacking: &'c mut [(usize, usize); 3],
    index: usize,
    out: &'c mut dyn Tasks<'de>,
}

impl<'de> DeserializeSeed<'de> for TaskSeed<'_, '_, '_, 'de> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(
        self,
        d: D,
    ) -> core::result::Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for TaskSeed<'_, '_, '_, 'de> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a task object")
    }
    fn visit_map<A: MapAccess<'de>>(
        self,
        mut map: A,
    ) -> core::result::Result<Self::Value, A::Error> {
        let TaskSeed {
            ctx,
            loc,
            plan,
            lacking,
            index,
            out,
        } = self;
        let mut id = None;
        let mut name = None;
        let mut status = None;
        let mut t = TaskView::default();
        members(&mut map, ctx, loc, |map, ctx, f: TaskField, kl| {
            if f == TaskField::Details {
                map.next_value_seed(DetailsSeed {
                    ctx,
                    loc: kl,
                    details: &mut t.details,
                })?;
                return Ok(());
            }
            if f == TaskField::Unknown {
                return skip_unknown(map, ctx, kl, 4);
            }
            let v = map.next_value_seed(ScalarSeed(4))?;
            match f {
                TaskField::EnableShow => t.enable_show = tri!(ctx, boolean(v, kl)),
                TaskField::CreatedAt => t.created_at = tri!(ctx, time(ctx, v, kl)),
                TaskField::UpdatedAt => t.updated_at = tri!(ctx, time(ctx, v, kl)),
                f => {
                    let s = tri!(ctx, string(v, kl));
                    let known = match f {
                        TaskField::Name => Some(("task name", KNOWN_TASK_NAMES)),
                        TaskField::Status => Some(("task status", KNOWN_TASK_STATUSES)),
                        _ => None,
                    };
                    if let (Some(s), Some((what, known))) = (&s, known) {
                        tri!(ctx, check_known(ctx, kl, what, s, known));
                    }
                    if let (TaskField::UserName, Some(s)) = (f, &s) {
                        check_visible(ctx, kl, s);
                    }
                    *match f {
                        TaskField::Id => &mut id,
                        TaskField::Name => &mut name,
                        TaskField::Status => &mut status,
                        TaskField::UserName => &mut t.user_name,
                        TaskField::UserId => &mut t.user_id,
                        _ => &mut t.params,
                    } = s;
                }
            }
            Ok(())
        })?;
        let Some(id) = id else {
            return Err(raise(ctx, missing(&loc.key("id"))));
        };
        let Some(name) = name else {
            return Err(raise(ctx, missing(&loc.key("name"))));
        };
        let has = [
            status.is_some(),
            t.created_at.is_some(),
            t.updated_at.is_some(),
        ];
        for (l, has) in lacking.iter_mut().zip(has) {
            if !has {
                if l.0 == 0 {
                    l.1 = index;
                }
                l.0 += 1;
            }
        }
        t.id = id;
        t.name = name;
        t.status = status.unwrap_or_default();
        // A top-level field planned into this task (second walk).
        for (h, p) in plan.iter().enumerate() {
            let Some(p) = p.as_ref().filter(|p| p.target == Some(index)) else {
                continue;
            };
            match h {
                0 => t.status = p.value.clone().unwrap_or_default(),
                1 => t.created_at.clone_from(&p.value),
                _ => t.updated_at.clone_from(&p.value),
            }
        }
        out.task(&mut t);
        Ok(())
    }
    refuse!("a task object"; bool num str null seq);
}

/// Reads a task's `details` into the task (in place: see [`Tasks`]).
struct DetailsSeed<'c, 'l, 'de> {
    ctx: &'c mut Ctx,
    loc: &'l Loc<'l>,
    details: &'c mut TaskDetails<Cow<'de, str>>,
}

self_seed!(DetailsSeed);

impl<'de> Visitor<'de> for DetailsSeed<'_, '_, 'de> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a details object")
    }
    fn visit_unit<E: de::Error>(self) -> core::result::Result<Self::Value, E> {
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(
        self,
        mut map: A,
    ) -> core::result::Result<Self::Value, A::Error> {
        let DetailsSeed {
            ctx,
            loc,
            details: d,
        } = self;
        let mut misspelled = None;
        members(&mut map, ctx, loc, |map, ctx, f: DetailField, kl| {
            use DetailField as F;
            match f {
                F::Unknown => return skip_unknown(map, ctx, kl, 5),
                F::RenameCommands => {
                    d.rename_commands = map.next_value_seed(StringsSeed {
                        ctx,
                        loc: kl,
                        depth: 5,
                        _de: core::marker::PhantomData,
                    })?;
                    return Ok(());
                }
                _ => {}
            }
            let v = map.next_value_seed(ScalarSeed(5))?;
            match f {
                F::OldCapacity => d.old_capacity = tri!(ctx, capacity(ctx, v, kl)),
                F::NewCapacity => d.new_capacity = tri!(ctx, capacity(ctx, v, kl)),
                F::OldReplicaNum => d.old_replica_num = tri!(ctx, int(v, kl)),
                F::NewReplicaNum => d.new_replica_num = tri!(ctx, int(v, kl)),
                F::OldPort => d.old_port = tri!(ctx, int(v, kl)),
                F::NewPort => d.new_port = tri!(ctx, int(v, kl)),
                F::UpdatedConfigLength => d.updated_config_length = tri!(ctx, int(v, kl)),
                F::EnablePublicIp => d.enable_public_ip = tri!(ctx, boolean(v, kl)),
                F::EnableSsl => d.enable_ssl = tri!(ctx, boolean(v, kl)),
                F::IsOnlyAdjustCharging => d.is_only_adjust_charging = tri!(ctx, boolean(v, kl)),
                F::NewCahceMode => {
                    let s = tri!(ctx, string(v, kl));
                    tri!(
                        ctx,
                        ctx.quirk(WarningCode::RenamedField, kl, || {
                            "misspelled field read as new_cache_mode".to_string()
                        })
                    );
                    misspelled = s;
                }
                f => {
                    let s = tri!(ctx, string(v, kl));
                    *match f {
                        F::OldCacheMode => &mut d.old_cache_mode,
                        F::NewCacheMode => &mut d.new_cache_mode,
                        F::OldCacheType => &mut d.old_cache_type,
                        F::NewCacheType => &mut d.new_cache_type,
                        F::OldResourceSpecCode => &mut d.old_resource_spec_code,
                        F::NewResourceSpecCode => &mut d.new_resource_spec_code,
                        F::PublicIpId => &mut d.public_ip_id,
                        F::PublicIpAddress => &mut d.public_ip_address,
                        F::ReplicaIp => &mut d.replica_ip,
                        F::ReplicaAz => &mut d.replica_az,
                        F::GroupName => &mut d.group_name,
                        F::AccountName => &mut d.account_name,
                        F::SourceIp => &mut d.source_ip,
                        F::TargetIp => &mut d.target_ip,
                        _ => &mut d.node_name,
                    } = s;
                }
            }
            Ok(())
        })?;
        if let Some(s) = misspelled {
            match &d.new_cache_mode {
                Some(existing) if *existing != s => {
                    let e = bad(
                        &loc.key("new_cahce_mode"),
                        format!(
                            "{} conflicts with new_cache_mode {}",
                            quote(&s),
                            quote(existing)
                        ),
                    );
                    return Err(raise(ctx, e));
                }
                Some(_) => {}
                None => d.new_cache_mode = Some(s),
            }
        }
        Ok(())
    }
    refuse!("a details object"; bool num str seq);
}

impl<'de> Walk<'_, 'de> {
    /// After the first walk: where each top-level task field goes. It moves into the
    /// single task that lacks it; otherwise it is unknown and dropped.
    fn plan(&self) -> R<Plan<'de>> {
        let mut plan: Plan = [None, None, None];
        for (h, v) in &self.hoists {
            let loc = Loc::Root.key(HOISTS.get(*h).copied().unwrap_or(""));
            let (n, first) = self.lacking.get(*h).copied().unwrap_or((0, 0));
            let target = (n == 1 && !matches!(v, Scalar::Null)).then_some(first);
            let mut ctx = Ctx::new(false);
            let mut value = None;
            match target {
                None => ctx.quirk(WarningCode::UnknownField, &loc, || {
                    "top-level field not in the API definition and not attributable to a single task; dropped"
                        .to_string()
                })?,
                Some(t) => {
                    ctx.quirk(WarningCode::HoistedField, &loc, || {
                        format!("top-level field moved into tasks[{t}]")
                    })?;
                    value = if *h == 0 {
                        let s = match string(v.clone(), &loc)? {
                            Some(s) => s,
                            None => return Err(wrong_type(&loc, "a string", v)),
                        };
                        check_known(&mut ctx, &loc, "task status", &s, KNOWN_TASK_STATUSES)?;
                        Some(s)
                    } else {
                        time(&mut ctx, v.clone(), &loc)?
                    };
                }
            }
            if let Some(slot) = plan.get_mut(*h) {
                *slot = Some(Hoisted {
                    target,
                    value,
                    warnings: ctx.warnings,
                });
            }
        }
        Ok(plan)
    }
}
