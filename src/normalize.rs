//! Parsing and normalizing responses: JSON text in, [`TaskList`] (or its contract JSON,
//! [`ListJson`]) / [`TaskProgress`] out.
//!
//! A list body is read in one streaming pass (`Walk`): no tree of the body is built,
//! each task is checked as it comes and handed to a sink. A progress body (small) goes
//! through the JSON reader's tree. Every field is checked against the API definition
//! (`dcs-api-facts.md`). In the default mode the known quirks of the service are fixed
//! and each fix is reported as a [`Warning`] at its wire path; in strict mode each quirk
//! is an error. Anything else wrong is `INVALID_RESPONSE` with the wire path
//! (`tasks[3].details.old_port`, `task_count`, `$` for the whole body).
//!
//! Where each rule lives:
//! - body, JSON syntax, UTF-8, depth: `check_body`, `syntax` (path `$`);
//! - duplicate keys: `Seen` (every object the schema describes);
//! - `task_count` number/string: `task_count`;
//! - hoisting of top-level `status`/`created_at`/`updated_at`: `Walk::plan`;
//! - unknown fields: the `_` arm of each object walk;
//! - unknown task names/statuses, step statuses: `check_known`;
//! - capacities: `capacity`; integers (never coerced): `int`; timestamps: `time`;
//! - `new_cahce_mode`: `Walk::details`.
//!
//! Parsing never panics: no indexing, no unchecked arithmetic on input-derived values,
//! and recursion only through the JSON reader, which is depth-bounded.

use std::borrow::Cow;

use crate::error::{cat, DcsError, Result};
use crate::json::{self, Number, Value};
use crate::model::{
    DetailsView, ListJson, ParseOptions, Step, SubStep, Task, TaskList, TaskProgress, TaskView,
    Warning, WarningCode, DETAIL_BOOLS, DETAIL_CAPS, DETAIL_INTS, DETAIL_STRS, TASK_STRS,
};
use crate::policy::IdSet;
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

/// The body's size and emptiness (at `$`).
fn check_body(body: &[u8]) -> R<()> {
    if body.len() > MAX_BODY_BYTES {
        return Err(bad(&Loc::Root, "body over the 64 MiB limit"));
    }
    if body
        .iter()
        .all(|c| matches!(c, b' ' | b'\t' | b'\n' | b'\r'))
    {
        return Err(bad(&Loc::Root, "empty body"));
    }
    Ok(())
}

/// The whole body as a JSON value; every failure is at `$`.
fn parse_root(body: &[u8]) -> R<Value<'_>> {
    check_body(body)?;
    json::parse(body).map_err(syntax)
}

/// The members of an object the schema describes, refusing duplicate keys.
fn object<'v, 'a>(v: &'v Value<'a>, loc: &Loc, what: &str) -> R<Members<'v, 'a>> {
    let Value::Object(m) = v else {
        return Err(wrong_type(loc, what, v));
    };
    let mut seen = Seen::default();
    for (k, _) in m {
        seen.add(None, k, &loc.key(k))?;
    }
    Ok(m)
}

fn string<'a>(v: &Value<'a>, loc: &Loc) -> R<Option<Cow<'a, str>>> {
    match v {
        Value::Null => Ok(None),
        Value::String(s) if s.len() > MAX_STRING_BYTES => {
            Err(bad(loc, "string over the 1 MiB limit"))
        }
        Value::String(s) => Ok(Some(s.clone())),
        _ => Err(wrong_type(loc, "a string", v)),
    }
}

fn owned(s: Option<Cow<str>>) -> Option<String> {
    s.map(Cow::into_owned)
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

fn strings<'a>(v: &Value<'a>, loc: &Loc) -> R<Option<Vec<Cow<'a, str>>>> {
    match v {
        Value::Null => Ok(None),
        Value::Array(items) if items.len() > MAX_ARRAY_ITEMS => {
            Err(bad(loc, "more than 10000 entries"))
        }
        Value::Array(items) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, it) in items.iter().enumerate() {
                match string(it, &loc.index(i))? {
                    Some(s) => out.push(s),
                    None => return Err(wrong_type(&loc.index(i), "a string", it)),
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
fn time<'a>(ctx: &mut Ctx, v: &Value<'a>, loc: &Loc) -> R<Option<Cow<'a, str>>> {
    let s = match v {
        Value::Null => return Ok(None),
        Value::String(s) => s,
        _ => return Err(wrong_type(loc, "a timestamp string", v)),
    };
    match parse_timestamp(s) {
        Ok((_, TimeForm::Canonical)) => Ok(Some(s.clone())),
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
            Ok(Some(Cow::Owned(iso)))
        }
        Err(msg) => Err(bad(loc, cat(&["invalid timestamp ", &quote(s), ": ", msg]))),
    }
}

/// A capacity in GB: documented as a string holding a number; a JSON number is a quirk.
/// The result is the number's contract JSON text: a short plain decimal as sent (it is
/// already its own shortest form, so no float conversion is needed), else the
/// shortest form of its value.
fn capacity<'a>(ctx: &mut Ctx, v: &Value<'a>, loc: &Loc) -> R<Option<Cow<'a, str>>> {
    let (n, text, coerced) = match v {
        Value::Null => return Ok(None),
        Value::String(s) => match Number::from_text(s) {
            Some(n) => (
                n,
                match s {
                    Cow::Borrowed(b) => Cow::Borrowed(*b),
                    Cow::Owned(o) => Cow::Owned(o.clone()),
                },
                false,
            ),
            None => return Err(bad(loc, cat(&["capacity ", &quote(s), " is not a number"]))),
        },
        Value::Number(n) => (*n, Cow::Borrowed(n.raw()), true),
        _ => return Err(wrong_type(loc, "a capacity (a string holding a number)", v)),
    };
    let raw = n.raw();
    // At most 15 significant digits, no sign, exponent or trailing fractional zero: the
    // text is the shortest round-trip form of its own value (and finite, non-negative).
    let plain = raw.len() <= 15
        && raw.bytes().all(|c| c.is_ascii_digit() || c == b'.')
        && !(raw.contains('.') && raw.ends_with('0'));
    let mut out = text;
    if !plain {
        let Some(x) = n.as_f64() else {
            return Err(bad(loc, cat(&["capacity ", clip(raw), " is out of range"])));
        };
        if x < 0.0 {
            return Err(bad(loc, cat(&["capacity ", clip(raw), " is negative"])));
        }
        let mut t = String::new();
        json::write_f64(&mut t, x);
        out = Cow::Owned(t);
    }
    if coerced {
        ctx.quirk(WarningCode::CoercedType, loc, {
            cat(&[
                "capacity sent as the number ",
                clip(raw),
                "; the API documents a string",
            ])
        })?;
    }
    Ok(Some(out))
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
//
// One pass over the body: the walk reads the top-level object member by member and each
// task as it comes, checks and normalizes its fields into a borrowed [`TaskView`] and
// hands it to a [`Tasks`] sink: `Vec<Task>` for the Rust API, [`ListJson`] (the contract
// JSON text) for the JS API. No tree of the body is built; only unknown fields' values
// and scalars go through the JSON reader's `Value`.
//
// Errors come in document order, except that a JSON syntax error anywhere wins (the walk
// stops at the first problem; the body is then checked whole). Top-level task fields
// (`status`, `created_at`, `updated_at`) can only be attributed once every task is known:
// when the body has any, it is walked a second time with the decision made.

/// Parses and normalizes a `ListBackgroundTask` response body.
///
/// Errors are `INVALID_RESPONSE` with the wire path of the offending value.
#[allow(clippy::result_large_err)] // the crate's one error type, by value, is the contract
pub fn parse_list_tasks_response(body: &[u8], opts: ParseOptions) -> Result<TaskList> {
    let (tasks, task_count, warnings) = list::<Vec<Task>>(body, opts).map_err(|e| *e)?;
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
    let (mut out, task_count, warnings) = list::<ListJson>(body, opts).map_err(|e| *e)?;
    out.finish(task_count, warnings);
    Ok(out)
}

/// Where the list walk puts each task.
pub(crate) trait Tasks<'a> {
    /// An empty sink for a body of `len` bytes.
    fn new(len: usize) -> Self;
    fn task(&mut self, t: TaskView<'a>);
}

impl<'a> Tasks<'a> for Vec<Task> {
    fn new(_: usize) -> Self {
        Vec::new()
    }

    fn task(&mut self, t: TaskView<'a>) {
        self.push(t.into());
    }
}

impl<'a> Tasks<'a> for ListJson {
    fn new(len: usize) -> Self {
        // The contract JSON is about as long as the wire JSON: one allocation.
        ListJson::with_capacity(len + len / 8)
    }

    fn task(&mut self, t: TaskView<'a>) {
        self.push(&t);
    }
}

fn list<'a, S: Tasks<'a>>(body: &'a [u8], opts: ParseOptions) -> R<(S, u64, Vec<Warning>)> {
    check_body(body)?;
    let text = core::str::from_utf8(body).ok();
    let walked = match text {
        Some(s) => walk_list(s, opts.strict),
        None => Err(bad(&Loc::Root, "")),
    };
    // A syntax error anywhere in the body comes before what the walk found.
    walked.map_err(|e| match json::validate(body) {
        Err(pe) => syntax(pe),
        Ok(()) => e,
    })
}

fn walk_list<'a, S: Tasks<'a>>(s: &'a str, strict: bool) -> R<(S, u64, Vec<Warning>)> {
    let none: Plan = [None, None, None];
    let mut w = Walk::new(s, strict, &none);
    let mut out = S::new(s.len());
    let count = w.top(&mut out)?;
    let plan = if w.hoists.is_empty() {
        [None, None, None]
    } else {
        w.plan()?
    };
    let (n, first) = w.lacking[0];
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
    if w.hoists.is_empty() {
        return Ok((out, count, w.ctx.warnings));
    }
    // Again, with the top-level fields' targets known.
    let mut w = Walk::new(s, strict, &plan);
    let mut out = S::new(s.len());
    let count = w.top(&mut out)?;
    Ok((out, count, w.ctx.warnings))
}

fn syntax(e: json::ParseError) -> Box<DcsError> {
    let mut m = String::from("invalid JSON: ");
    e.describe(&mut m);
    bad(&Loc::Root, m)
}

/// The top-level task fields, by index: status, created_at, updated_at.
const HOISTS: [&str; 3] = [TOP_KEYS[0], TOP_KEYS[1], TOP_KEYS[2]];
/// Wire names of the top level's members: [`HOISTS`], then `task_count` and `tasks`.
const TOP_KEYS: [&str; 5] = ["status", "created_at", "updated_at", "task_count", "tasks"];
/// Their slots in [`TaskView::strs`].
const HOIST_SLOTS: [usize; 3] = [2, 6, 7];

/// What happens to each top-level task field (second walk only).
type Plan<'a> = [Option<Hoisted<'a>>; 3];

struct Hoisted<'a> {
    /// The one task that lacks the field, or none (then the field is dropped).
    target: Option<usize>,
    value: Option<Cow<'a, str>>,
    /// Its warnings, reported where the field is on the wire.
    warnings: Vec<Warning>,
}

/// The wire names of `tables` (name tables of `model`), in order, then `extra`; exactly `N`
/// (checked when compiling).
const fn wire_names<const N: usize>(
    tables: &[&[(&'static str, &'static str)]],
    extra: &[&'static str],
) -> [&'static str; N] {
    let mut k = [""; N];
    let mut n = 0;
    let mut t = 0;
    while t < tables.len() {
        let mut i = 0;
        while i < tables[t].len() {
            k[n] = tables[t][i].0;
            n += 1;
            i += 1;
        }
        t += 1;
    }
    let mut i = 0;
    while i < extra.len() {
        k[n] = extra[i];
        n += 1;
        i += 1;
    }
    assert!(n == N);
    k
}

/// Wire names of the task's members: [`TASK_STRS`], then `enable_show` and `details`.
const TASK_KEYS: [&str; 10] = wire_names(&[&TASK_STRS], &["enable_show", "details"]);

/// Wire names of the details' members: strings, integers, booleans, capacities (the
/// tables in `model`), then `rename_commands` and the misspelled `new_cahce_mode`.
const DETAIL_KEYS: [&str; 27] = wire_names(
    &[&DETAIL_STRS, &DETAIL_INTS, &DETAIL_BOOLS, &DETAIL_CAPS],
    &["rename_commands", "new_cahce_mode"],
);

/// The index of `k` in `names`. Members usually come in the same order in every task,
/// so `next[after]` remembers which key followed the one at `after - 1` (0: the first
/// key) and is tried first: one string compare per member in the common case.
fn find(next: &mut [u8], after: usize, names: &[&str], k: &str) -> Option<usize> {
    let guess = next.get(after).copied().unwrap_or(0) as usize;
    if names.get(guess).is_some_and(|n| *n == k) {
        return Some(guess);
    }
    let i = names.iter().position(|n| *n == k)?;
    if let Some(g) = next.get_mut(after) {
        *g = i as u8;
    }
    Some(i)
}

/// The keys of one object so far, for duplicates: known keys by bit, others in a set.
#[derive(Default)]
struct Seen {
    bits: u32,
    others: IdSet,
}

impl Seen {
    fn add(&mut self, known: Option<usize>, k: &str, kl: &Loc) -> R<()> {
        let fresh = match known {
            Some(i) => {
                let bit = 1u32 << i;
                let fresh = self.bits & bit == 0;
                self.bits |= bit;
                fresh
            }
            None => self.others.insert(k),
        };
        if !fresh {
            return Err(bad(kl, "duplicate key"));
        }
        Ok(())
    }
}

/// One walk over a list body.
struct Walk<'a, 'p> {
    p: json::Parser<'a>,
    ctx: Ctx,
    plan: &'p Plan<'a>,
    /// Top-level task fields met (first walk), by [`HOISTS`] index.
    hoists: Vec<(usize, Value<'a>)>,
    /// Per [`HOISTS`] field: how many tasks lack it, and the first of them.
    lacking: [(usize, usize); 3],
    /// The key-order memory of [`find`] for the top level, tasks and details.
    next: [[u8; 28]; 3],
}

impl<'a, 'p> Walk<'a, 'p> {
    fn new(s: &'a str, strict: bool, plan: &'p Plan<'a>) -> Self {
        Walk {
            p: json::Parser::new(s),
            ctx: Ctx::new(strict),
            plan,
            hoists: Vec::new(),
            lacking: [(0, 0); 3],
            next: [[0; 28]; 3],
        }
    }

    /// The value at the current position, inside a container at `depth`.
    #[inline(never)]
    fn value(&mut self, depth: usize) -> R<Value<'a>> {
        self.p.value(depth).map_err(syntax)
    }

    /// Reads past the value at the current position (an unknown field's).
    fn skip(&mut self, depth: usize) -> R<()> {
        self.p.skip(depth).map_err(syntax)
    }

    #[inline(never)]
    fn key(&mut self) -> R<Cow<'a, str>> {
        self.p.key().map_err(syntax)
    }

    /// The container (`{` or `[`) of nesting `depth` opens; false when it is empty.
    #[inline(never)]
    fn begin(&mut self, open: u8, depth: usize) -> R<bool> {
        self.p.begin(open, depth).map_err(syntax)
    }

    #[inline(never)]
    fn more(&mut self, close: u8) -> R<bool> {
        self.p.more(close).map_err(syntax)
    }

    /// A container value expected at `depth`: true when it opens with `open`; else the
    /// value is read and `Ok(false)` returned for null, an error for anything else.
    fn expect(&mut self, open: u8, depth: usize, loc: &Loc, what: &str) -> R<bool> {
        if self.p.peek() == Some(open) {
            return Ok(true);
        }
        let v = self.value(depth)?;
        if v.is_null() {
            return Ok(false);
        }
        Err(wrong_type(loc, what, &v))
    }

    /// The members of the object at the current position (nesting `depth`, path `loc`):
    /// each key's index in `names` (none for an unknown key) and path go to `each`, which
    /// reads the value. Duplicate keys are refused here; `which` picks the key-order memory.
    fn members(
        &mut self,
        depth: usize,
        loc: &Loc,
        names: &[&str],
        which: usize,
        mut each: impl FnMut(&mut Self, Option<usize>, &Loc) -> R<()>,
    ) -> R<()> {
        let mut seen = Seen::default();
        if !self.begin(b'{', depth)? {
            return Ok(());
        }
        let mut after = 0;
        loop {
            let k = self.key()?;
            let kl = loc.key(&k);
            let next = self.next.get_mut(which).map_or(&mut [][..], |n| &mut n[..]);
            let i = find(next, after, names, &k);
            seen.add(i, &k, &kl)?;
            each(self, i, &kl)?;
            if let Some(i) = i {
                after = i + 1;
            }
            if !self.more(b'}')? {
                return Ok(());
            }
        }
    }

    /// The whole body; returns `task_count`.
    fn top<S: Tasks<'a>>(&mut self, out: &mut S) -> R<u64> {
        let root = Loc::Root;
        self.p.ws();
        if self.p.peek() != Some(b'{') {
            let v = self.value(0)?;
            return Err(wrong_type(&root, "a JSON object", &v));
        }
        let mut count = None;
        let mut has_tasks = false;
        self.members(1, &root, &TOP_KEYS, 0, |w, i, kl| {
            match i {
                Some(3) => {
                    let v = w.value(1)?;
                    count = task_count(&mut w.ctx, &v, kl)?;
                }
                Some(4) => {
                    if !w.expect(b'[', 1, kl, "an array")? {
                        return Err(missing(kl));
                    }
                    w.tasks(out, kl)?;
                    has_tasks = true;
                }
                Some(h) => {
                    if w.ctx.strict {
                        return Err(bad(
                            kl,
                            "task field sent at the top level (refused in strict mode)",
                        ));
                    }
                    let v = w.value(1)?;
                    match w.plan.get(h) {
                        Some(Some(p)) => w.ctx.warnings.extend(p.warnings.iter().cloned()),
                        _ => w.hoists.push((h, v)),
                    }
                }
                None => {
                    unknown_field(&mut w.ctx, kl)?;
                    w.skip(1)?;
                }
            }
            Ok(())
        })?;
        self.p.end().map_err(syntax)?;
        if !has_tasks {
            return Err(missing(&root.key("tasks")));
        }
        count.ok_or_else(|| missing(&root.key("task_count")))
    }

    fn tasks<S: Tasks<'a>>(&mut self, out: &mut S, loc: &Loc) -> R<()> {
        if !self.begin(b'[', 2)? {
            return Ok(());
        }
        let mut i = 0;
        loop {
            if i >= MAX_TASKS {
                return Err(bad(loc, "more than 100000 tasks in one response"));
            }
            let t = self.task(&loc.index(i), i)?;
            for (l, slot) in self.lacking.iter_mut().zip(HOIST_SLOTS) {
                if t.strs.get(slot).is_some_and(Option::is_none) {
                    if l.0 == 0 {
                        l.1 = i;
                    }
                    l.0 += 1;
                }
            }
            out.task(t);
            i += 1;
            if !self.more(b']')? {
                return Ok(());
            }
        }
    }

    fn task(&mut self, loc: &Loc, index: usize) -> R<TaskView<'a>> {
        let mut t = TaskView::default();
        if !self.expect(b'{', 2, loc, "a task object")? {
            return Err(wrong_type(loc, "a task object", &Value::Null));
        }
        self.members(3, loc, &TASK_KEYS, 1, |w, i, kl| {
            match i {
                Some(9) => {
                    if w.expect(b'{', 3, kl, "a details object")? {
                        w.details(&mut t.details, kl)?;
                    }
                }
                Some(8) => t.enable_show = boolean(&w.value(3)?, kl)?,
                Some(i) => {
                    let v = w.value(3)?;
                    let s = if i >= 6 {
                        time(&mut w.ctx, &v, kl)?
                    } else {
                        string(&v, kl)?
                    };
                    if let (Some(s), 1 | 2) = (&s, i) {
                        let (what, known) = if i == 1 {
                            ("task name", KNOWN_TASK_NAMES)
                        } else {
                            ("task status", KNOWN_TASK_STATUSES)
                        };
                        check_known(&mut w.ctx, kl, what, s, known)?;
                    }
                    set(t.strs.get_mut(i), s);
                }
                None => {
                    unknown_field(&mut w.ctx, kl)?;
                    w.skip(3)?;
                }
            }
            Ok(())
        })?;
        for (i, k) in ["id", "name"].into_iter().enumerate() {
            if t.strs.get(i).is_some_and(Option::is_none) {
                return Err(missing(&loc.key(k)));
            }
        }
        for (h, slot) in self.plan.iter().zip(HOIST_SLOTS) {
            if let (Some(h), Some(s)) = (h, t.strs.get_mut(slot)) {
                if h.target == Some(index) {
                    s.clone_from(&h.value);
                }
            }
        }
        Ok(t)
    }

    fn details(&mut self, d: &mut DetailsView<'a>, loc: &Loc) -> R<()> {
        let mut misspelled = None;
        self.members(4, loc, &DETAIL_KEYS, 2, |w, i, kl| {
            let Some(i) = i else {
                unknown_field(&mut w.ctx, kl)?;
                return w.skip(4);
            };
            let v = w.value(4)?;
            let ctx = &mut w.ctx;
            match i {
                0..=14 => set(d.strs.get_mut(i), string(&v, kl)?),
                15..=19 => set(d.ints.get_mut(i - 15), int(&v, kl)?),
                20..=22 => set(d.bools.get_mut(i - 20), boolean(&v, kl)?),
                23..=24 => set(d.caps.get_mut(i - 23), capacity(ctx, &v, kl)?),
                25 => d.rename_commands = strings(&v, kl)?,
                _ => {
                    let s = string(&v, kl)?;
                    ctx.quirk(WarningCode::RenamedField, kl, {
                        "misspelled field read as new_cache_mode".to_string()
                    })?;
                    misspelled = s;
                }
            }
            Ok(())
        })?;
        if let (Some(s), Some(slot)) = (misspelled, d.strs.get_mut(1)) {
            match slot {
                Some(existing) if *existing != s => {
                    return Err(bad(
                        &loc.key("new_cahce_mode"),
                        cat(&[
                            &quote(&s),
                            " conflicts with new_cache_mode ",
                            &quote(existing),
                        ]),
                    ));
                }
                Some(_) => {}
                None => *slot = Some(s),
            }
        }
        Ok(())
    }

    /// After the first walk: where each top-level task field goes. It moves into the
    /// single task that lacks it; otherwise it is unknown and dropped.
    fn plan(&self) -> R<Plan<'a>> {
        let mut plan: Plan = [None, None, None];
        for (h, v) in &self.hoists {
            let loc = Loc::Root.key(HOISTS.get(*h).copied().unwrap_or(""));
            let (n, first) = self.lacking.get(*h).copied().unwrap_or((0, 0));
            let target = (n == 1 && !v.is_null()).then_some(first);
            let mut ctx = Ctx::new(false);
            let mut value = None;
            match target {
                None => ctx.quirk(WarningCode::UnknownField, &loc, {
                    "top-level field not in the API definition and not attributable to a single task; dropped"
                        .to_string()
                })?,
                Some(t) => {
                    ctx.quirk(WarningCode::HoistedField, &loc, {
                        let mut m = String::from("top-level field moved into tasks[");
                        json::push_u64(&mut m, t as u64);
                        m.push(']');
                        m
                    })?;
                    value = if *h == 0 {
                        let Value::String(s) = v else {
                            return Err(wrong_type(&loc, "a string", v));
                        };
                        check_known(&mut ctx, &loc, "task status", s, KNOWN_TASK_STATUSES)?;
                        Some(s.clone())
                    } else {
                        time(&mut ctx, v, &loc)?
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

fn set<T>(slot: Option<&mut Option<T>>, v: Option<T>) {
    if let Some(s) = slot {
        *s = v;
    }
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
            "step_name" => s.step_name = owned(string(v, &kl)?),
            "step_status" => {
                s.step_status = owned(string(v, &kl)?);
                if let Some(st) = &s.step_status {
                    check_known(ctx, &kl, "step status", st, KNOWN_STEP_STATUSES)?;
                }
            }
            "begin_time" => s.begin_time = owned(time(ctx, v, &kl)?),
            "end_time" => s.end_time = owned(time(ctx, v, &kl)?),
            "error_code" => s.error_code = owned(string(v, &kl)?),
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
            "sub_step_name" => s.sub_step_name = owned(string(v, &kl)?),
            "sub_step_status" => {
                s.sub_step_status = owned(string(v, &kl)?);
                if let Some(st) = &s.sub_step_status {
                    check_known(ctx, &kl, "sub-step status", st, KNOWN_STEP_STATUSES)?;
                }
            }
            "begin_time" => s.begin_time = owned(time(ctx, v, &kl)?),
            "end_time" => s.end_time = owned(time(ctx, v, &kl)?),
            "detail" => s.detail = owned(string(v, &kl)?),
            "error_code" => s.error_code = owned(string(v, &kl)?),
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
