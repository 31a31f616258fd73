//! Parsing and normalizing responses: JSON text in, [`TaskList`] / [`TaskProgress`] out.
//!
//! One pass over the parsed tree. Every field is checked against the API definition
//! (`dcs-api-facts.md`). In the default mode the known quirks of the service are fixed
//! and each fix is reported as a [`Warning`] at its wire path; in strict mode each quirk
//! is an error. Anything else wrong is `INVALID_RESPONSE` with the wire path
//! (`tasks[3].details.old_port`, `task_count`, `$` for the whole body).
//!
//! Where each rule lives:
//! - body, JSON syntax, UTF-8, depth: [`parse_root`] (path `$`);
//! - duplicate keys: [`object`] (every object the schema describes);
//! - `task_count` number/string: [`task_count`];
//! - hoisting of top-level `status`/`created_at`/`updated_at`: [`hoist`];
//! - unknown fields: the `_` arm of each object walk;
//! - unknown task names/statuses, step statuses: [`check_known`];
//! - capacities: [`capacity`]; integers (never coerced): [`int`]; timestamps: [`time`];
//! - `new_cahce_mode`: [`details`].
//!
//! Parsing never panics: no indexing, no unchecked arithmetic on input-derived values,
//! and recursion only through the JSON reader, which is depth-bounded.

use std::borrow::Cow;

use crate::error::{cat, DcsError, Result};
use crate::json::{self, Number, Value};
use crate::model::{
    ParseOptions, Step, SubStep, Task, TaskDetails, TaskList, TaskProgress, Warning, WarningCode,
};
use crate::time::{format_iso_ms, parse_timestamp, TimeForm};

/// Largest integer a JS number holds exactly; larger counts and integers are refused.
pub const MAX_SAFE_INTEGER: i64 = (1 << 53) - 1;

/// Resource bounds of the parsers (each is an `INVALID_RESPONSE` at the offending path):
/// the body (64 MiB), any string field (1 MiB), the tasks of one response (100,000),
/// the entries of a string array such as `rename_commands` (10,000).
pub const MAX_BODY_BYTES: usize = 64 * 1024 * 1024;
pub const MAX_STRING_BYTES: usize = 1024 * 1024;
pub const MAX_TASKS: usize = 100_000;
pub const MAX_ARRAY_ITEMS: usize = 10_000;

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

/// The body of an HTTP error answer, in any of the shapes the official SDKs accept.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ErrorBody {
    pub error_code: Option<String>,
    pub error_msg: Option<String>,
    pub error_ext_msg: Option<String>,
}

// ---------------------------------------------------------------------------------------
// Paths and warnings

/// A wire path as a linked list on the stack; rendered only when an error or warning needs it.
#[derive(Clone, Copy)]
enum Loc<'a> {
    Root,
    Key(&'a Loc<'a>, &'a str),
    Index(&'a Loc<'a>, usize),
}

impl<'a> Loc<'a> {
    fn key<'b>(&'b self, k: &'b str) -> Loc<'b> {
        Loc::Key(self, k)
    }

    fn index(&'a self, i: usize) -> Loc<'a> {
        Loc::Index(self, i)
    }

    fn render(&self) -> String {
        match self {
            Loc::Root => "$".to_string(),
            _ => {
                let mut s = String::with_capacity(32);
                self.write(&mut s);
                s
            }
        }
    }

    fn write(&self, out: &mut String) {
        match self {
            Loc::Root => {}
            Loc::Key(p, k) => {
                p.write(out);
                if !matches!(p, Loc::Root) {
                    out.push('.');
                }
                out.push_str(k);
            }
            Loc::Index(p, i) => {
                p.write(out);
                out.push('[');
                json::push_u64(out, *i as u64);
                out.push(']');
            }
        }
    }
}

struct Ctx {
    strict: bool,
    warnings: Vec<Warning>,
}

impl Ctx {
    fn new(strict: bool) -> Self {
        Ctx {
            strict,
            warnings: Vec::new(),
        }
    }

    /// A tolerated quirk: a warning in the default mode, an error in strict mode.
    fn quirk(&mut self, code: WarningCode, loc: &Loc, message: String) -> R<()> {
        if self.strict {
            let mut m = message;
            m.push_str(" (refused in strict mode)");
            return Err(bad(loc, m));
        }
        self.warnings.push(Warning {
            code,
            path: loc.render(),
            message,
        });
        Ok(())
    }
}

/// Internal results carry a boxed error: the error path is cold, and the hot path then
/// moves small `Result`s around (DcsError itself is ~180 bytes).
type R<T> = core::result::Result<T, Box<DcsError>>;

fn bad(loc: &Loc, message: impl Into<String>) -> Box<DcsError> {
    bad_owned(loc, message.into())
}

fn bad_owned(loc: &Loc, message: String) -> Box<DcsError> {
    Box::new(DcsError::invalid_response(loc.render(), message))
}

fn wrong_type(loc: &Loc, expected: &str, v: &Value) -> Box<DcsError> {
    bad(loc, cat(&["expected ", expected, ", got ", v.kind()]))
}

fn missing(loc: &Loc) -> Box<DcsError> {
    bad(loc, "missing required field")
}

/// A value quoted for a message, clipped to 64 characters.
fn quote(s: &str) -> String {
    json::quoted(s, 64)
}

// ---------------------------------------------------------------------------------------
// Generic readers

type Members<'v, 'a> = &'v [(Cow<'a, str>, Value<'a>)];

/// The whole body as a JSON value; every failure is at `$`.
fn parse_root(body: &[u8]) -> R<Value<'_>> {
    if body.len() > MAX_BODY_BYTES {
        return Err(bad(&Loc::Root, "body over the 64 MiB limit"));
    }
    if body
        .iter()
        .all(|c| matches!(c, b' ' | b'\t' | b'\n' | b'\r'))
    {
        return Err(bad(&Loc::Root, "empty body"));
    }
    json::parse(body).map_err(|e| {
        let mut m = String::from("invalid JSON: ");
        e.describe(&mut m);
        bad(&Loc::Root, m)
    })
}

/// The members of an object the schema describes, refusing duplicate keys.
fn object<'v, 'a>(v: &'v Value<'a>, loc: &Loc, what: &str) -> R<Members<'v, 'a>> {
    let Value::Object(m) = v else {
        return Err(wrong_type(loc, what, v));
    };
    let dup = if m.len() <= 32 {
        // Pairwise over cheap fingerprints (length, first two and last byte), so a
        // typical 10-20 key object costs a few hundred integer compares.
        let mut fps = [0u64; 32];
        for (fp, (k, _)) in fps.iter_mut().zip(m) {
            let b = k.as_bytes();
            let at = |i: usize| b.get(i).copied().unwrap_or(0) as u64;
            *fp = (b.len() as u64) << 24 | at(0) << 16 | at(1) << 8 | at(b.len().wrapping_sub(1));
        }
        let mut found = None;
        'outer: for i in 1..m.len() {
            for j in 0..i {
                if fps.get(i) == fps.get(j) && m.get(i).map(|e| &e.0) == m.get(j).map(|e| &e.0) {
                    found = m.get(i).map(|e| e.0.as_ref());
                    break 'outer;
                }
            }
        }
        found
    } else {
        let mut keys: Vec<&str> = m.iter().map(|(k, _)| k.as_ref()).collect();
        crate::sign::heapsort(&mut keys);
        keys.windows(2)
            .find(|w| w.first() == w.get(1))
            .and_then(|w| w.first().copied())
    };
    match dup {
        Some(k) => Err(bad(&loc.key(k), "duplicate key")),
        None => Ok(m),
    }
}

fn string(v: &Value, loc: &Loc) -> R<Option<String>> {
    match v {
        Value::Null => Ok(None),
        Value::String(s) if s.len() > MAX_STRING_BYTES => {
            Err(bad(loc, "string over the 1 MiB limit"))
        }
        Value::String(s) => Ok(Some(s.as_ref().to_owned())),
        _ => Err(wrong_type(loc, "a string", v)),
    }
}

/// An integer field: a JSON integer literal within ±(2^53 - 1). Never coerced from strings.
fn int(v: &Value, loc: &Loc) -> R<Option<i64>> {
    match v {
        Value::Null => Ok(None),
        Value::Number(n) => {
            if !n.is_integer_literal() {
                return Err(bad(loc, cat(&["expected an integer, got ", clip(n.raw())])));
            }
            match n.as_i64() {
                Some(x) if (-MAX_SAFE_INTEGER..=MAX_SAFE_INTEGER).contains(&x) => Ok(Some(x)),
                _ => Err(bad(loc, cat(&["integer ", clip(n.raw()), " out of range"]))),
            }
        }
        _ => Err(wrong_type(loc, "an integer", v)),
    }
}

fn boolean(v: &Value, loc: &Loc) -> R<Option<bool>> {
    match v {
        Value::Null => Ok(None),
        Value::Bool(b) => Ok(Some(*b)),
        _ => Err(wrong_type(loc, "a boolean", v)),
    }
}

fn strings(v: &Value, loc: &Loc) -> R<Option<Vec<String>>> {
    match v {
        Value::Null => Ok(None),
        Value::Array(items) if items.len() > MAX_ARRAY_ITEMS => {
            Err(bad(loc, "more than 10000 entries"))
        }
        Value::Array(items) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, it) in items.iter().enumerate() {
                match it {
                    Value::String(s) if s.len() > MAX_STRING_BYTES => {
                        return Err(bad(&loc.index(i), "string over the 1 MiB limit"))
                    }
                    Value::String(s) => out.push(s.as_ref().to_owned()),
                    _ => return Err(wrong_type(&loc.index(i), "a string", it)),
                }
            }
            Ok(Some(out))
        }
        _ => Err(wrong_type(loc, "an array of strings", v)),
    }
}

/// Number text for a message, clipped.
fn clip(raw: &str) -> &str {
    raw.get(..40).unwrap_or(raw)
}

/// A timestamp: normalized to `YYYY-MM-DDTHH:MM:SS.sssZ`; other valid forms are a quirk.
fn time(ctx: &mut Ctx, v: &Value, loc: &Loc) -> R<Option<String>> {
    let s = match v {
        Value::Null => return Ok(None),
        Value::String(s) => s.as_ref(),
        _ => return Err(wrong_type(loc, "a timestamp string", v)),
    };
    match parse_timestamp(s) {
        Ok((_, TimeForm::Canonical)) => Ok(Some(s.to_owned())),
        Ok((ms, _)) => {
            let iso = format_iso_ms(ms);
            ctx.quirk(WarningCode::CoercedType, loc, {
                cat(&[
                    "timestamp ",
                    &quote(s),
                    " is not in the documented form; normalized to ",
                    &iso,
                ])
            })?;
            Ok(Some(iso))
        }
        Err(msg) => Err(bad(loc, cat(&["invalid timestamp ", &quote(s), ": ", msg]))),
    }
}

/// A capacity in GB: documented as a string holding a number; a JSON number is a quirk.
fn capacity(ctx: &mut Ctx, v: &Value, loc: &Loc) -> R<Option<f64>> {
    let (n, coerced) = match v {
        Value::Null => return Ok(None),
        Value::String(s) => match Number::from_text(s) {
            Some(n) => (n, false),
            None => return Err(bad(loc, cat(&["capacity ", &quote(s), " is not a number"]))),
        },
        Value::Number(n) => (*n, true),
        _ => return Err(wrong_type(loc, "a capacity (a string holding a number)", v)),
    };
    let Some(x) = n.as_f64() else {
        return Err(bad(
            loc,
            cat(&["capacity ", clip(n.raw()), " is out of range"]),
        ));
    };
    if x < 0.0 {
        return Err(bad(loc, cat(&["capacity ", clip(n.raw()), " is negative"])));
    }
    if coerced {
        ctx.quirk(WarningCode::CoercedType, loc, {
            cat(&[
                "capacity sent as the number ",
                clip(n.raw()),
                "; the API documents a string",
            ])
        })?;
    }
    Ok(Some(if x == 0.0 { 0.0 } else { x }))
}

/// A value outside a known set: kept as sent, reported (an error in strict mode).
fn check_known(ctx: &mut Ctx, loc: &Loc, what: &str, value: &str, known: &[&str]) -> R<()> {
    if known.contains(&value) {
        return Ok(());
    }
    ctx.quirk(WarningCode::UnknownValue, loc, {
        cat(&[
            what,
            " ",
            &quote(value),
            " is not a known value; kept as sent",
        ])
    })
}

fn unknown_field(ctx: &mut Ctx, loc: &Loc) -> R<()> {
    ctx.quirk(WarningCode::UnknownField, loc, {
        "field not in the API definition; dropped".to_string()
    })
}

// ---------------------------------------------------------------------------------------
// ListBackgroundTask

/// Parses and normalizes a `ListBackgroundTask` response body.
///
/// Errors are `INVALID_RESPONSE` with the wire path of the offending value.
#[allow(clippy::result_large_err)] // the crate's one error type, by value, is the contract
pub fn parse_list_tasks_response(body: &[u8], opts: ParseOptions) -> Result<TaskList> {
    list(body, opts).map_err(|e| *e)
}

fn list(body: &[u8], opts: ParseOptions) -> R<TaskList> {
    let root_v = parse_root(body)?;
    let root = Loc::Root;
    let top = object(&root_v, &root, "a JSON object")?;
    let mut ctx = Ctx::new(opts.strict);
    let mut count = None;
    let mut tasks: Option<Vec<Parsed>> = None;
    // Top-level task fields, with where their warnings go in wire order.
    let mut hoists: Vec<(Hoist, &str, &Value, usize)> = Vec::new();
    for (k, v) in top {
        let kl = root.key(k);
        match k.as_ref() {
            "task_count" => count = task_count(&mut ctx, v, &kl)?,
            "tasks" => tasks = Some(task_array(&mut ctx, v, &kl)?),
            "status" | "created_at" | "updated_at" => {
                if ctx.strict {
                    return Err(bad(
                        &kl,
                        "task field sent at the top level (refused in strict mode)",
                    ));
                }
                let h = match k.as_ref() {
                    "status" => Hoist::Status,
                    "created_at" => Hoist::CreatedAt,
                    _ => Hoist::UpdatedAt,
                };
                hoists.push((h, k.as_ref(), v, ctx.warnings.len()));
            }
            _ => unknown_field(&mut ctx, &kl)?,
        }
    }
    let Some(mut tasks) = tasks else {
        return Err(missing(&root.key("tasks")));
    };
    let Some(task_count) = count else {
        return Err(missing(&root.key("task_count")));
    };
    // Hoisting, then splicing each field's warnings where the field was on the wire.
    let mut inserts: Vec<(usize, Vec<Warning>)> = Vec::new();
    for (h, k, v, pos) in hoists {
        let mut tmp = Ctx::new(false);
        hoist(&mut tmp, &mut tasks, h, v, &root.key(k))?;
        inserts.push((pos, tmp.warnings));
    }
    for (pos, ws) in inserts.into_iter().rev() {
        let pos = pos.min(ctx.warnings.len());
        ctx.warnings.splice(pos..pos, ws);
    }
    let tasks_loc = root.key("tasks");
    let mut out = Vec::with_capacity(tasks.len());
    for (i, p) in tasks.into_iter().enumerate() {
        if !p.has_status {
            return Err(missing(&tasks_loc.index(i).key("status")));
        }
        out.push(p.task);
    }
    Ok(TaskList {
        task_count,
        tasks: out,
        warnings: ctx.warnings,
    })
}

#[derive(Clone, Copy)]
enum Hoist {
    Status,
    CreatedAt,
    UpdatedAt,
}

struct Parsed {
    task: Task,
    has_status: bool,
}

/// `task_count`: documented as a string of digits; a JSON integer is a quirk.
fn task_count(ctx: &mut Ctx, v: &Value, loc: &Loc) -> R<Option<u64>> {
    const WHAT: &str = "a non-negative integer";
    let n = match v {
        Value::Null => return Ok(None),
        Value::String(s) => {
            if s.is_empty() || !s.bytes().all(|c| c.is_ascii_digit()) {
                return Err(bad(loc, cat(&["expected ", WHAT, ", got ", &quote(s)])));
            }
            json::parse_u64(s)
        }
        Value::Number(n) => {
            let Some(x) = n.as_u64() else {
                return Err(bad(loc, cat(&["expected ", WHAT, ", got ", clip(n.raw())])));
            };
            ctx.quirk(WarningCode::CoercedType, loc, {
                "task_count sent as a number; the API documents a string".to_string()
            })?;
            Some(x)
        }
        _ => return Err(wrong_type(loc, WHAT, v)),
    };
    match n {
        Some(x) if x <= MAX_SAFE_INTEGER as u64 => Ok(Some(x)),
        _ => Err(bad(loc, "task_count out of range")),
    }
}

fn task_array(ctx: &mut Ctx, v: &Value, loc: &Loc) -> R<Vec<Parsed>> {
    let items = match v {
        Value::Array(items) => items,
        Value::Null => return Err(missing(loc)),
        _ => return Err(wrong_type(loc, "an array", v)),
    };
    if items.len() > MAX_TASKS {
        return Err(bad(loc, "more than 100000 tasks in one response"));
    }
    let mut out = Vec::with_capacity(items.len());
    for (i, it) in items.iter().enumerate() {
        out.push(task(ctx, it, &loc.index(i))?);
    }
    Ok(out)
}

fn task(ctx: &mut Ctx, v: &Value, loc: &Loc) -> R<Parsed> {
    let m = object(v, loc, "a task object")?;
    let mut id = None;
    let mut name = None;
    let mut status = None;
    let mut t = Task {
        id: String::new(),
        name: String::new(),
        status: String::new(),
        user_name: None,
        user_id: None,
        params: None,
        created_at: None,
        updated_at: None,
        enable_show: None,
        details: TaskDetails::default(),
    };
    for (k, v) in m {
        let kl = loc.key(k);
        match k.as_ref() {
            "id" => id = string(v, &kl)?,
            "name" => {
                name = string(v, &kl)?;
                if let Some(n) = &name {
                    check_known(ctx, &kl, "task name", n, KNOWN_TASK_NAMES)?;
                }
            }
            "status" => {
                status = string(v, &kl)?;
                if let Some(s) = &status {
                    check_known(ctx, &kl, "task status", s, KNOWN_TASK_STATUSES)?;
                }
            }
            "details" => {
                if !v.is_null() {
                    t.details = details(ctx, v, &kl)?;
                }
            }
            "user_name" => t.user_name = string(v, &kl)?,
            "user_id" => t.user_id = string(v, &kl)?,
            "params" => t.params = string(v, &kl)?,
            "created_at" => t.created_at = time(ctx, v, &kl)?,
            "updated_at" => t.updated_at = time(ctx, v, &kl)?,
            "enable_show" => t.enable_show = boolean(v, &kl)?,
            _ => unknown_field(ctx, &kl)?,
        }
    }
    t.id = id.ok_or_else(|| missing(&loc.key("id")))?;
    t.name = name.ok_or_else(|| missing(&loc.key("name")))?;
    let has_status = status.is_some();
    t.status = status.unwrap_or_default();
    Ok(Parsed {
        task: t,
        has_status,
    })
}

/// The string, integer and boolean detail fields by wire name (table-driven: one code
/// path per type instead of one per field).
const DETAIL_STRS: [&str; 15] = [
    "old_cache_mode",
    "new_cache_mode",
    "old_cache_type",
    "new_cache_type",
    "old_resource_spec_code",
    "new_resource_spec_code",
    "public_ip_id",
    "public_ip_address",
    "replica_ip",
    "replica_az",
    "group_name",
    "account_name",
    "source_ip",
    "target_ip",
    "node_name",
];
const DETAIL_INTS: [&str; 5] = [
    "old_replica_num",
    "new_replica_num",
    "old_port",
    "new_port",
    "updated_config_length",
];
const DETAIL_BOOLS: [&str; 3] = ["enable_public_ip", "enable_ssl", "is_only_adjust_charging"];

fn detail_str(d: &mut TaskDetails, i: usize) -> Option<&mut Option<String>> {
    Some(match i {
        0 => &mut d.old_cache_mode,
        1 => &mut d.new_cache_mode,
        2 => &mut d.old_cache_type,
        3 => &mut d.new_cache_type,
        4 => &mut d.old_resource_spec_code,
        5 => &mut d.new_resource_spec_code,
        6 => &mut d.public_ip_id,
        7 => &mut d.public_ip_address,
        8 => &mut d.replica_ip,
        9 => &mut d.replica_az,
        10 => &mut d.group_name,
        11 => &mut d.account_name,
        12 => &mut d.source_ip,
        13 => &mut d.target_ip,
        14 => &mut d.node_name,
        _ => return None,
    })
}

fn detail_int(d: &mut TaskDetails, i: usize) -> Option<&mut Option<i64>> {
    Some(match i {
        0 => &mut d.old_replica_num,
        1 => &mut d.new_replica_num,
        2 => &mut d.old_port,
        3 => &mut d.new_port,
        4 => &mut d.updated_config_length,
        _ => return None,
    })
}

fn detail_bool(d: &mut TaskDetails, i: usize) -> Option<&mut Option<bool>> {
    Some(match i {
        0 => &mut d.enable_public_ip,
        1 => &mut d.enable_ssl,
        2 => &mut d.is_only_adjust_charging,
        _ => return None,
    })
}

fn position(names: &[&str], k: &str) -> Option<usize> {
    names.iter().position(|n| *n == k)
}

fn details(ctx: &mut Ctx, v: &Value, loc: &Loc) -> R<TaskDetails> {
    let m = object(v, loc, "a details object")?;
    let mut d = TaskDetails::default();
    let mut misspelled: Option<(String, &str)> = None;
    for (k, v) in m {
        let kl = loc.key(k);
        let k = k.as_ref();
        if let Some(i) = position(&DETAIL_STRS, k) {
            let s = string(v, &kl)?;
            if let Some(f) = detail_str(&mut d, i) {
                *f = s;
            }
        } else if let Some(i) = position(&DETAIL_INTS, k) {
            let n = int(v, &kl)?;
            if let Some(f) = detail_int(&mut d, i) {
                *f = n;
            }
        } else if let Some(i) = position(&DETAIL_BOOLS, k) {
            let b = boolean(v, &kl)?;
            if let Some(f) = detail_bool(&mut d, i) {
                *f = b;
            }
        } else {
            match k {
                "old_capacity" => d.old_capacity = capacity(ctx, v, &kl)?,
                "new_capacity" => d.new_capacity = capacity(ctx, v, &kl)?,
                "new_cahce_mode" => {
                    let s = string(v, &kl)?;
                    ctx.quirk(WarningCode::RenamedField, &kl, {
                        "misspelled field read as new_cache_mode".to_string()
                    })?;
                    misspelled = s.map(|s| (s, k));
                }
                "rename_commands" => d.rename_commands = strings(v, &kl)?,
                _ => unknown_field(ctx, &kl)?,
            }
        }
    }
    if let Some((s, k)) = misspelled {
        match &d.new_cache_mode {
            Some(existing) if *existing != s => {
                return Err(bad(
                    &loc.key(k),
                    cat(&[
                        &quote(&s),
                        " conflicts with new_cache_mode ",
                        &quote(existing),
                    ]),
                ));
            }
            Some(_) => {}
            None => d.new_cache_mode = Some(s),
        }
    }
    Ok(d)
}

/// Moves one top-level field into the single task that lacks it; otherwise the field
/// is unknown and dropped.
fn hoist(ctx: &mut Ctx, tasks: &mut [Parsed], h: Hoist, v: &Value, loc: &Loc) -> R<()> {
    let lacks = |p: &Parsed| match h {
        Hoist::Status => !p.has_status,
        Hoist::CreatedAt => p.task.created_at.is_none(),
        Hoist::UpdatedAt => p.task.updated_at.is_none(),
    };
    let mut lacking = tasks.iter().enumerate().filter(|(_, p)| lacks(p));
    let target = match (lacking.next(), lacking.next()) {
        (Some((i, _)), None) if !v.is_null() => i,
        _ => {
            return ctx.quirk(WarningCode::UnknownField, loc, {
                "top-level field not in the API definition and not attributable to a single task; dropped"
                    .to_string()
            })
        }
    };
    let Some(p) = tasks.get_mut(target) else {
        return Ok(());
    };
    ctx.quirk(WarningCode::HoistedField, loc, {
        let mut m = String::from("top-level field moved into tasks[");
        json::push_u64(&mut m, target as u64);
        m.push(']');
        m
    })?;
    match h {
        Hoist::Status => {
            let Value::String(s) = v else {
                return Err(wrong_type(loc, "a string", v));
            };
            check_known(ctx, loc, "task status", s, KNOWN_TASK_STATUSES)?;
            p.task.status = s.as_ref().to_owned();
            p.has_status = true;
        }
        Hoist::CreatedAt => p.task.created_at = time(ctx, v, loc)?,
        Hoist::UpdatedAt => p.task.updated_at = time(ctx, v, loc)?,
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// ShowBackgroundTaskProgress

/// Parses and normalizes a task progress response body
/// (`GET .../tasks/{task_id}/progress`).
#[allow(clippy::result_large_err)] // the crate's one error type, by value, is the contract
pub fn parse_task_progress(body: &[u8], opts: ParseOptions) -> Result<TaskProgress> {
    progress(body, opts).map_err(|e| *e)
}

fn progress(body: &[u8], opts: ParseOptions) -> R<TaskProgress> {
    let root_v = parse_root(body)?;
    let root = Loc::Root;
    let top = object(&root_v, &root, "a JSON object")?;
    let mut ctx = Ctx::new(opts.strict);
    let mut p = TaskProgress::default();
    for (k, v) in top {
        let kl = root.key(k);
        match k.as_ref() {
            "progress" => p.progress = int(v, &kl)?,
            "remain_time" => p.remain_time = int(v, &kl)?,
            "step_details" => match v {
                Value::Null => {}
                Value::Array(items) => {
                    p.step_details = Vec::with_capacity(items.len());
                    for (i, it) in items.iter().enumerate() {
                        p.step_details.push(step(&mut ctx, it, &kl.index(i))?);
                    }
                }
                _ => return Err(wrong_type(&kl, "an array", v)),
            },
            _ => unknown_field(&mut ctx, &kl)?,
        }
    }
    p.warnings = ctx.warnings;
    Ok(p)
}

fn step(ctx: &mut Ctx, v: &Value, loc: &Loc) -> R<Step> {
    let m = object(v, loc, "a step object")?;
    let mut s = Step::default();
    for (k, v) in m {
        let kl = loc.key(k);
        match k.as_ref() {
            "step_id" => s.step_id = int(v, &kl)?,
            "step_name" => s.step_name = string(v, &kl)?,
            "step_status" => {
                s.step_status = string(v, &kl)?;
                if let Some(st) = &s.step_status {
                    check_known(ctx, &kl, "step status", st, KNOWN_STEP_STATUSES)?;
                }
            }
            "begin_time" => s.begin_time = time(ctx, v, &kl)?,
            "end_time" => s.end_time = time(ctx, v, &kl)?,
            "error_code" => s.error_code = string(v, &kl)?,
            "sub_step_details" => match v {
                Value::Null => {}
                Value::Array(items) => {
                    s.sub_step_details = Vec::with_capacity(items.len());
                    for (i, it) in items.iter().enumerate() {
                        s.sub_step_details.push(sub_step(ctx, it, &kl.index(i))?);
                    }
                }
                _ => return Err(wrong_type(&kl, "an array", v)),
            },
            _ => unknown_field(ctx, &kl)?,
        }
    }
    Ok(s)
}

fn sub_step(ctx: &mut Ctx, v: &Value, loc: &Loc) -> R<SubStep> {
    let m = object(v, loc, "a sub-step object")?;
    let mut s = SubStep::default();
    for (k, v) in m {
        let kl = loc.key(k);
        match k.as_ref() {
            "sub_step_id" => s.sub_step_id = int(v, &kl)?,
            "sub_step_name" => s.sub_step_name = string(v, &kl)?,
            "sub_step_status" => {
                s.sub_step_status = string(v, &kl)?;
                if let Some(st) = &s.sub_step_status {
                    check_known(ctx, &kl, "sub-step status", st, KNOWN_STEP_STATUSES)?;
                }
            }
            "begin_time" => s.begin_time = time(ctx, v, &kl)?,
            "end_time" => s.end_time = time(ctx, v, &kl)?,
            "detail" => s.detail = string(v, &kl)?,
            "error_code" => s.error_code = string(v, &kl)?,
            _ => unknown_field(ctx, &kl)?,
        }
    }
    Ok(s)
}

// ---------------------------------------------------------------------------------------
// Error bodies

/// Reads an HTTP error body: `{error_code, error_msg, error_ext_msg}`,
/// `{errorCode, errorMsg}`, `{code, message}`, or one of these under `"error"`.
/// `None` when the body is not a JSON object carrying any of them. Never fails.
pub fn parse_error_body(body: &[u8]) -> Option<ErrorBody> {
    let v = json::parse(body).ok()?;
    error_fields(&v).or_else(|| v.get("error").and_then(error_fields))
}

fn error_fields(v: &Value) -> Option<ErrorBody> {
    if !matches!(v, Value::Object(_)) {
        return None;
    }
    let text = |k: &str| match v.get(k)? {
        Value::String(s) => Some(s.as_ref().to_owned()),
        Value::Number(n) => Some(n.raw().to_owned()),
        _ => None,
    };
    const SHAPES: [(&str, &str, Option<&str>); 3] = [
        ("error_code", "error_msg", Some("error_ext_msg")),
        ("errorCode", "errorMsg", None),
        ("code", "message", None),
    ];
    for (c, m, x) in SHAPES {
        let error_code = text(c);
        let error_msg = text(m);
        if error_code.is_some() || error_msg.is_some() {
            return Some(ErrorBody {
                error_code,
                error_msg,
                error_ext_msg: x.and_then(text),
            });
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_render() {
        let r = Loc::Root;
        assert_eq!(r.render(), "$");
        let t = r.key("tasks");
        let i = t.index(3);
        let d = i.key("details");
        assert_eq!(d.key("old_port").render(), "tasks[3].details.old_port");
        assert_eq!(r.key("task_count").render(), "task_count");
    }

    #[test]
    fn error_bodies() {
        let b =
            parse_error_body(br#"{"error_code":"DCS.4800","error_msg":"bad","error_ext_msg":"x"}"#)
                .unwrap();
        assert_eq!(b.error_ext_msg.as_deref(), Some("x"));
        let b = parse_error_body(br#"{"errorCode":"APIGW.0301","errorMsg":"m"}"#).unwrap();
        assert_eq!(b.error_code.as_deref(), Some("APIGW.0301"));
        let b = parse_error_body(br#"{"error":{"code":401,"message":"no"}}"#).unwrap();
        assert_eq!(b.error_code.as_deref(), Some("401"));
        assert_eq!(parse_error_body(b"<html>"), None);
        assert_eq!(parse_error_body(b"[]"), None);
        assert_eq!(parse_error_body(br#"{"a":1}"#), None);
    }
}
