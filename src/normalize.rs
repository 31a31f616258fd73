//! Parsing and normalizing responses on serde and serde_json: JSON text in, [`TaskList`]
//! (or its contract JSON, [`ListJson`]) / [`TaskProgress`] out.
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
//! - body size, UTF-8, JSON syntax, depth: `check_body`, `validate`, `syntax` (path `$`);
//! - duplicate keys, keys per object, key length: `Seen`;
//! - `task_count` number/string: `task_count`;
//! - hoisting of top-level `status`/`created_at`/`updated_at`: `Walk::plan`;
//! - unknown fields: the `Unknown` arm of each object's visitor;
//! - unknown task names/statuses, step statuses: `check_known`;
//! - capacities: `capacity`; integers (never coerced): `int`; timestamps: `time`;
//! - `new_cahce_mode`: `DetailsVisitor`;
//! - the warning cap: `Ctx::warn`.
//!
//! Parsing never panics and every check is linear or `O(n log n)` in the body: the
//! per-object key sets are `BTreeSet`s of at most [`MAX_KEYS`] keys, recursion is bounded
//! by [`MAX_DEPTH`], and at most [`MAX_WARNINGS`] warnings are kept.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::fmt;

use serde::de::value::{BorrowedStrDeserializer, Error as ValueError};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use crate::error::{DcsError, Result};
use crate::model::{
    ListJson, ParseOptions, Step, SubStep, Task, TaskDetails, TaskList, TaskProgress, TaskView,
    Warning, WarningCode,
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
/// Deepest nesting of arrays and objects accepted (the top-level value is depth 1);
/// deeper is invalid JSON for this parser (`$`).
pub const MAX_DEPTH: usize = 64;
/// Most keys in one object (more: `INVALID_RESPONSE` at the object's path).
pub const MAX_KEYS: usize = 1024;
/// Longest key, in bytes (longer: `INVALID_RESPONSE` at the object's path).
pub const MAX_KEY_BYTES: usize = 1024;
/// Most warnings listed per response; the rest are counted in one `warnings_truncated`.
pub const MAX_WARNINGS: usize = 100;

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
// Paths, warnings, errors

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

    /// `tasks[0].details.old_port`; `$` for the root. A key that is empty or holds `.`,
    /// `[`, `]` or `"` is written quoted, as a JSON string in brackets: `tasks[0]["a.b"]`.
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
                if k.is_empty() || k.contains(['.', '[', ']', '"']) {
                    out.push('[');
                    out.push_str(&crate::model::to_json(k));
                    out.push(']');
                } else {
                    if !matches!(p, Loc::Root) {
                        out.push('.');
                    }
                    out.push_str(k);
                }
            }
            Loc::Index(p, i) => {
                p.write(out);
                out.push('[');
                out.push_str(&i.to_string());
                out.push(']');
            }
        }
    }
}

/// The parse's state: the mode, the warnings so far, and the error that stopped it.
struct Ctx {
    strict: bool,
    warnings: Vec<Warning>,
    /// Warnings past [`MAX_WARNINGS`], counted only.
    more: usize,
    /// Set when a check fails: the serde error that unwinds carries no message.
    err: Option<Box<DcsError>>,
}

impl Ctx {
    fn new(strict: bool) -> Self {
        Ctx {
            strict,
            warnings: Vec::new(),
            more: 0,
            err: None,
        }
    }

    /// Records a warning, or counts it once [`MAX_WARNINGS`] are listed (its path and
    /// message are then never rendered).
    fn warn(&mut self, code: WarningCode, loc: &Loc, message: impl FnOnce() -> String) {
        if self.warnings.len() < MAX_WARNINGS {
            self.warnings.push(Warning {
                code,
                path: loc.render(),
                message: message(),
            });
        } else {
            self.more += 1;
        }
    }

    /// A tolerated quirk: a warning in the default mode, an error in strict mode.
    fn quirk(&mut self, code: WarningCode, loc: &Loc, message: impl FnOnce() -> String) -> R<()> {
        if self.strict {
            return Err(bad(loc, message() + " (refused in strict mode)"));
        }
        self.warn(code, loc, message);
        Ok(())
    }

    /// The warnings, with the `warnings_truncated` entry when some were left out.
    fn finish(mut self) -> Vec<Warning> {
        if self.more > 0 {
            self.warnings.push(Warning {
                code: WarningCode::WarningsTruncated,
                path: "$".to_string(),
                message: format!(
                    "{} more warnings not listed (at most {MAX_WARNINGS} are)",
                    self.more
                ),
            });
        }
        self.warnings
    }
}

/// Internal results carry a boxed error: the error path is cold, and the hot path then
/// moves small `Result`s around.
type R<T> = core::result::Result<T, Box<DcsError>>;

fn bad(loc: &Loc, message: impl Into<String>) -> Box<DcsError> {
    Box::new(DcsError::invalid_response(loc.render(), message))
}

fn missing(loc: &Loc) -> Box<DcsError> {
    bad(loc, "missing required field")
}

/// Stops the parse with `e`: it is kept in `ctx` while serde unwinds with an empty error.
fn raise<E: de::Error>(ctx: &mut Ctx, e: Box<DcsError>) -> E {
    ctx.err = Some(e);
    E::custom("")
}

/// `expr` (an `R<T>`) or return its error through serde.
macro_rules! tri {
    ($ctx:expr, $e:expr) => {
        match $e {
            Ok(v) => v,
            Err(e) => return Err(raise($ctx, e)),
        }
    };
}

/// A value quoted for a message (a JSON string), clipped to 64 characters.
fn quote(s: &str) -> String {
    match s.char_indices().nth(64) {
        Some((cut, _)) => crate::model::to_json(s.get(..cut).unwrap_or("")) + "…",
        None => crate::model::to_json(s),
    }
}

/// The body's size and emptiness (at `$`).
fn check_body(body: &[u8]) -> R<&str> {
    if body.len() > MAX_BODY_BYTES {
        return Err(bad(&Loc::Root, "body over the 64 MiB limit"));
    }
    if body
        .iter()
        .all(|c| matches!(c, b' ' | b'\t' | b'\n' | b'\r'))
    {
        return Err(bad(&Loc::Root, "empty body"));
    }
    core::str::from_utf8(body).map_err(|e| {
        bad(
            &Loc::Root,
            format!("invalid JSON: invalid UTF-8 at byte {}", e.valid_up_to()),
        )
    })
}

/// A serde_json error as `INVALID_RESPONSE` at `$`: `invalid JSON: <what> at line L
/// column C (byte B)`.
fn syntax(text: &str, e: &serde_json::Error) -> Box<DcsError> {
    let full = e.to_string();
    let at = format!(" at line {} column {}", e.line(), e.column());
    let what = full.strip_suffix(&at).unwrap_or(&full);
    let line_start: usize = text
        .split_inclusive('\n')
        .take(e.line().saturating_sub(1))
        .map(str::len)
        .sum();
    // serde_json counts columns in bytes from 1; column 0 is the end of the line before.
    let byte = (line_start + e.column()).saturating_sub(1).min(text.len());
    bad(
        &Loc::Root,
        format!("invalid JSON: {what}{at} (byte {byte})"),
    )
}

/// The whole text is one JSON value within [`MAX_DEPTH`] (serde_json's grammar: UTF-8,
/// no trailing commas, comments, `NaN`, lone surrogates, numbers out of `f64` range, ...).
fn validate(text: &str) -> core::result::Result<(), serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(text);
    Skip(1).deserialize(&mut de)?;
    de.end()
}

/// Runs `walk` over `text`; a syntax error anywhere in the body wins over what the walk
/// found (the walk stops at the first problem; the body is then validated whole).
fn run<'a, T>(
    text: &'a str,
    ctx: &mut Ctx,
    walk: impl FnOnce(
        &mut serde_json::Deserializer<serde_json::de::StrRead<'a>>,
        &mut Ctx,
    ) -> core::result::Result<T, serde_json::Error>,
) -> R<T> {
    let mut de = serde_json::Deserializer::from_str(text);
    let r = walk(&mut de, ctx).and_then(|v| de.end().map(|()| v));
    r.map_err(|e| match (ctx.err.take(), validate(text)) {
        (_, Err(se)) => syntax(text, &se),
        (Some(ours), Ok(())) => ours,
        (None, Ok(())) => syntax(text, &e),
    })
}

// ---------------------------------------------------------------------------------------
// Values

/// Reads past one value at nesting `depth` (its elements are at `depth + 1`).
struct Skip(usize);

impl<'de> DeserializeSeed<'de> for Skip {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> core::result::Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

fn too_deep<E: de::Error>() -> E {
    E::custom(format_args!("nesting deeper than {MAX_DEPTH} levels"))
}

impl<'de> Visitor<'de> for Skip {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> core::result::Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> core::result::Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> core::result::Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> core::result::Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> core::result::Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> core::result::Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> core::result::Result<(), A::Error> {
        if self.0 > MAX_DEPTH {
            return Err(too_deep());
        }
        while seq.next_element_seed(Skip(self.0 + 1))?.is_some() {}
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> core::result::Result<(), A::Error> {
        if self.0 > MAX_DEPTH {
            return Err(too_deep());
        }
        while map.next_key_seed(Skip(self.0 + 1))?.is_some() {
            map.next_value_seed(Skip(self.0 + 1))?;
        }
        Ok(())
    }
}

/// A scalar as sent (strings borrowed from the body when they need no unescaping);
/// arrays and objects are read past (depth-bounded) and only their kind is kept.
#[derive(Debug, Clone)]
enum Scalar<'de> {
    Null,
    Bool(bool),
    U64(u64),
    I64(i64),
    F64(f64),
    Str(Cow<'de, str>),
    /// A string over [`MAX_STRING_BYTES`] (never copied).
    LongStr,
    Array,
    Object,
}

impl Scalar<'_> {
    /// The JSON type as a short noun phrase, for messages.
    fn kind(&self) -> &'static str {
        match self {
            Scalar::Null => "null",
            Scalar::Bool(_) => "a boolean",
            Scalar::U64(_) | Scalar::I64(_) | Scalar::F64(_) => "a number",
            Scalar::Str(_) | Scalar::LongStr => "a string",
            Scalar::Array => "an array",
            Scalar::Object => "an object",
        }
    }

    /// A number as text for a message.
    fn number(&self) -> String {
        match self {
            Scalar::U64(u) => u.to_string(),
            Scalar::I64(i) => i.to_string(),
            Scalar::F64(x) => crate::model::to_json(x),
            _ => String::new(),
        }
    }
}

/// Reads one value as a [`Scalar`] at nesting `depth`.
struct ScalarSeed(usize);

impl<'de> DeserializeSeed<'de> for ScalarSeed {
    type Value = Scalar<'de>;
    fn deserialize<D: Deserializer<'de>>(
        self,
        d: D,
    ) -> core::result::Result<Scalar<'de>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ScalarSeed {
    type Value = Scalar<'de>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> core::result::Result<Scalar<'de>, E> {
        Ok(Scalar::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> core::result::Result<Scalar<'de>, E> {
        Ok(Scalar::I64(v))
    }
    fn visit_u64<E>(self, v: u64) -> core::result::Result<Scalar<'de>, E> {
        Ok(Scalar::U64(v))
    }
    fn visit_f64<E>(self, v: f64) -> core::result::Result<Scalar<'de>, E> {
        Ok(Scalar::F64(v))
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> core::result::Result<Scalar<'de>, E> {
        Ok(if v.len() > MAX_STRING_BYTES {
            Scalar::LongStr
        } else {
            Scalar::Str(Cow::Borrowed(v))
        })
    }
    fn visit_str<E>(self, v: &str) -> core::result::Result<Scalar<'de>, E> {
        Ok(if v.len() > MAX_STRING_BYTES {
            Scalar::LongStr
        } else {
            Scalar::Str(Cow::Owned(v.to_owned()))
        })
    }
    fn visit_unit<E>(self) -> core::result::Result<Scalar<'de>, E> {
        Ok(Scalar::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> core::result::Result<Scalar<'de>, A::Error> {
        Skip(self.0).visit_seq(seq).map(|()| Scalar::Array)
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> core::result::Result<Scalar<'de>, A::Error> {
        Skip(self.0).visit_map(map).map(|()| Scalar::Object)
    }
}

fn wrong_type(loc: &Loc, expected: &str, v: &Scalar) -> Box<DcsError> {
    if let Scalar::LongStr = v {
        return bad(loc, "string over the 1 MiB limit");
    }
    bad(loc, format!("expected {expected}, got {}", v.kind()))
}

fn string<'a>(v: Scalar<'a>, loc: &Loc) -> R<Option<Cow<'a, str>>> {
    match v {
        Scalar::Null => Ok(None),
        Scalar::Str(s) => Ok(Some(s)),
        v => Err(wrong_type(loc, "a string", &v)),
    }
}

fn owned(s: Option<Cow<str>>) -> Option<String> {
    s.map(Cow::into_owned)
}

/// An integer field: a JSON integer literal within ±(2^53 - 1). Never coerced from strings.
fn int(v: Scalar, loc: &Loc) -> R<Option<i64>> {
    const SAFE: u64 = MAX_SAFE_INTEGER as u64;
    match v {
        Scalar::Null => Ok(None),
        Scalar::U64(u) if u <= SAFE => Ok(Some(u as i64)),
        Scalar::I64(i) if i.unsigned_abs() <= SAFE => Ok(Some(i)),
        Scalar::U64(_) | Scalar::I64(_) => {
            Err(bad(loc, format!("integer {} out of range", v.number())))
        }
        Scalar::F64(_) => Err(bad(loc, format!("expected an integer, got {}", v.number()))),
        v => Err(wrong_type(loc, "an integer", &v)),
    }
}

fn boolean(v: Scalar, loc: &Loc) -> R<Option<bool>> {
    match v {
        Scalar::Null => Ok(None),
        Scalar::Bool(b) => Ok(Some(b)),
        v => Err(wrong_type(loc, "a boolean", &v)),
    }
}

/// A timestamp: normalized to `YYYY-MM-DDTHH:MM:SS.sssZ`; other valid forms are a quirk.
fn time<'a>(ctx: &mut Ctx, v: Scalar<'a>, loc: &Loc) -> R<Option<Cow<'a, str>>> {
    let s = match v {
        Scalar::Null => return Ok(None),
        Scalar::Str(s) => s,
        v => return Err(wrong_type(loc, "a timestamp string", &v)),
    };
    match parse_timestamp(&s) {
        Ok((_, TimeForm::Canonical)) => Ok(Some(s)),
        Ok((ms, _)) => {
            let iso = format_iso_ms(ms);
            ctx.quirk(WarningCode::CoercedType, loc, || {
                format!(
                    "timestamp {} is not in the documented form; normalized to {iso}",
                    quote(&s)
                )
            })?;
            Ok(Some(Cow::Owned(iso)))
        }
        Err(msg) => Err(bad(loc, format!("invalid timestamp {}: {msg}", quote(&s)))),
    }
}

/// A capacity in GB: documented as a string holding a JSON number (parsed by serde_json);
/// a JSON number is a quirk. Finite and non-negative.
fn capacity(ctx: &mut Ctx, v: Scalar, loc: &Loc) -> R<Option<f64>> {
    let (x, coerced) = match &v {
        Scalar::Null => return Ok(None),
        Scalar::Str(s) => {
            let spaced = s.starts_with(|c: char| c.is_ascii_whitespace())
                || s.ends_with(|c: char| c.is_ascii_whitespace());
            match serde_json::from_str::<f64>(s) {
                Ok(x) if !spaced => (x, false),
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

/// Digits with an optional sign, fraction and exponent (for the message only).
fn looks_numeric(s: &str) -> bool {
    !s.is_empty()
        && s.bytes().any(|c| c.is_ascii_digit())
        && s.bytes()
            .all(|c| c.is_ascii_digit() || matches!(c, b'-' | b'+' | b'.' | b'e' | b'E'))
}

/// A value outside a known set: kept as sent, reported (an error in strict mode).
fn check_known(ctx: &mut Ctx, loc: &Loc, what: &str, value: &str, known: &[&str]) -> R<()> {
    if known.contains(&value) {
        return Ok(());
    }
    ctx.quirk(WarningCode::UnknownValue, loc, || {
        format!("{what} {} is not a known value; kept as sent", quote(value))
    })
}

fn unknown_field(ctx: &mut Ctx, loc: &Loc) -> R<()> {
    ctx.quirk(WarningCode::UnknownField, loc, || {
        "field not in the API definition; dropped".to_string()
    })
}

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

// ---------------------------------------------------------------------------------------
// Objects

/// A key as sent, borrowed from the body unless it had escapes.
struct Key<'de> {
    text: Cow<'de, str>,
    /// Over [`MAX_KEY_BYTES`] (never copied; `text` is then empty).
    too_long: bool,
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> core::result::Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> core::result::Result<Key<'de>, E> {
                Ok(if v.len() > MAX_KEY_BYTES {
                    Key::long()
                } else {
                    Key {
                        text: Cow::Borrowed(v),
                        too_long: false,
                    }
                })
            }
            fn visit_str<E>(self, v: &str) -> core::result::Result<Key<'de>, E> {
                Ok(if v.len() > MAX_KEY_BYTES {
                    Key::long()
                } else {
                    Key {
                        text: Cow::Owned(v.to_owned()),
                        too_long: false,
                    }
                })
            }
        }
        d.deserialize_str(V)
    }
}

impl Key<'_> {
    fn long() -> Self {
        Key {
            text: Cow::Borrowed(""),
            too_long: true,
        }
    }
}

/// A derived field-identifier enum whose last variant, `Unknown`, takes every other key.
trait Field: Copy + PartialEq + for<'a> Deserialize<'a> {
    const UNKNOWN: Self;
    /// The variant's bit in [`Seen::known`].
    fn bit(self) -> u64;

    /// The field a key names (serde's derived string match).
    fn of(key: &str) -> Self {
        Self::deserialize(BorrowedStrDeserializer::<ValueError>::new(key)).unwrap_or(Self::UNKNOWN)
    }
}

/// Declares a field enum (serde-derived from the snake_case wire names) and its [`Field`]
/// impl; at most 64 known fields (checked when compiling).
macro_rules! fields {
    ($name:ident { $($v:ident),* $(,)? }) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
        #[serde(field_identifier, rename_all = "snake_case")]
        enum $name {
            $($v,)*
            #[serde(other)]
            Unknown,
        }
        impl Field for $name {
            const UNKNOWN: Self = $name::Unknown;
            fn bit(self) -> u64 {
                const _: () = assert!(($name::Unknown as usize) <= 64);
                1u64 << (self as u32 % 64)
            }
        }
    };
}

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
fields!(ProgressField {
    Progress,
    RemainTime,
    StepDetails
});
fields!(StepField {
    StepId,
    StepName,
    StepStatus,
    BeginTime,
    EndTime,
    ErrorCode,
    SubStepDetails,
});
fields!(SubStepField {
    SubStepId,
    SubStepName,
    SubStepStatus,
    BeginTime,
    EndTime,
    Detail,
    ErrorCode,
});

/// The keys of one object so far: known ones by bit, others in an ordered set (the
/// other side chooses them: no hashing), at most [`MAX_KEYS`] in all.
struct Seen<'de> {
    known: u64,
    others: BTreeSet<Cow<'de, str>>,
    count: usize,
}

impl<'de> Seen<'de> {
    fn new() -> Self {
        Seen {
            known: 0,
            others: BTreeSet::new(),
            count: 0,
        }
    }

    /// Counts `key` in the object at `loc`; its field, or the error (duplicate, too many
    /// keys, too long a key).
    fn add<F: Field>(&mut self, key: &Key<'de>, loc: &Loc) -> R<F> {
        self.count += 1;
        if self.count > MAX_KEYS {
            return Err(bad(loc, format!("more than {MAX_KEYS} keys in one object")));
        }
        if key.too_long {
            return Err(bad(loc, format!("a key longer than {MAX_KEY_BYTES} bytes")));
        }
        let f = F::of(&key.text);
        let fresh = if f == F::UNKNOWN {
            self.others.insert(key.text.clone())
        } else {
            let fresh = self.known & f.bit() == 0;
            self.known |= f.bit();
            fresh
        };
        if !fresh {
            return Err(bad(&loc.key(&key.text), "duplicate key"));
        }
        Ok(f)
    }
}

/// The members of an object: each key's field and path go to `each`, which reads the value.
fn members<'de, A: MapAccess<'de>, F: Field>(
    map: &mut A,
    ctx: &mut Ctx,
    loc: &Loc,
    mut each: impl FnMut(&mut A, &mut Ctx, F, &Loc) -> core::result::Result<(), A::Error>,
) -> core::result::Result<(), A::Error> {
    let mut seen = Seen::new();
    while let Some(key) = map.next_key::<Key<'de>>()? {
        let f = tri!(ctx, seen.add::<F>(&key, loc));
        each(map, ctx, f, &loc.key(&key.text))?;
    }
    Ok(())
}

/// Reads an unknown field's value: a warning (an error in strict mode), value skipped.
fn skip_unknown<'de, A: MapAccess<'de>>(
    map: &mut A,
    ctx: &mut Ctx,
    loc: &Loc,
    depth: usize,
) -> core::result::Result<(), A::Error> {
    tri!(ctx, unknown_field(ctx, loc));
    map.next_value_seed(Skip(depth))
}

/// Implements the visitor methods of every JSON type but those listed, each refusing the
/// value as `expected $what` at the visitor's path (`self.loc`), through `self.ctx`.
macro_rules! refuse {
    ($what:expr; $($m:ident)*) => {
        $(refuse!(@ $m $what);)*
    };
    (@bool $what:expr) => {
        fn visit_bool<E: de::Error>(self, _: bool) -> core::result::Result<Self::Value, E> {
            Err(raise(self.ctx, wrong_type(self.loc, $what, &Scalar::Bool(false))))
        }
    };
    (@num $what:expr) => {
        fn visit_i64<E: de::Error>(self, _: i64) -> core::result::Result<Self::Value, E> {
            Err(raise(self.ctx, wrong_type(self.loc, $what, &Scalar::I64(0))))
        }
        fn visit_u64<E: de::Error>(self, _: u64) -> core::result::Result<Self::Value, E> {
            Err(raise(self.ctx, wrong_type(self.loc, $what, &Scalar::U64(0))))
        }
        fn visit_f64<E: de::Error>(self, _: f64) -> core::result::Result<Self::Value, E> {
            Err(raise(self.ctx, wrong_type(self.loc, $what, &Scalar::F64(0.0))))
        }
    };
    (@str $what:expr) => {
        fn visit_str<E: de::Error>(self, _: &str) -> core::result::Result<Self::Value, E> {
            Err(raise(self.ctx, wrong_type(self.loc, $what, &Scalar::Str(Cow::Borrowed("")))))
        }
    };
    (@null $what:expr) => {
        fn visit_unit<E: de::Error>(self) -> core::result::Result<Self::Value, E> {
            Err(raise(self.ctx, wrong_type(self.loc, $what, &Scalar::Null)))
        }
    };
    (@seq $what:expr) => {
        fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> core::result::Result<Self::Value, A::Error> {
            Err(raise(self.ctx, wrong_type(self.loc, $what, &Scalar::Array)))
        }
    };
    (@map $what:expr) => {
        fn visit_map<A: MapAccess<'de>>(self, _: A) -> core::result::Result<Self::Value, A::Error> {
            Err(raise(self.ctx, wrong_type(self.loc, $what, &Scalar::Object)))
        }
    };
}

/// `impl DeserializeSeed` for a visitor that is its own seed (any JSON type accepted by
/// serde_json, so that the visitor decides what is wrong).
macro_rules! self_seed {
    ($t:ident) => {
        impl<'de> DeserializeSeed<'de> for $t<'_, '_, 'de> {
            type Value = <Self as Visitor<'de>>::Value;
            fn deserialize<D: Deserializer<'de>>(
                self,
                d: D,
            ) -> core::result::Result<Self::Value, D::Error> {
                d.deserialize_any(self)
            }
        }
    };
}

/// A string array (`rename_commands`) at nesting `depth`.
struct StringsSeed<'c, 'l, 'de> {
    ctx: &'c mut Ctx,
    loc: &'l Loc<'l>,
    depth: usize,
    _de: core::marker::PhantomData<&'de ()>,
}

self_seed!(StringsSeed);

impl<'de> Visitor<'de> for StringsSeed<'_, '_, 'de> {
    type Value = Option<Vec<Cow<'de, str>>>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of strings")
    }
    fn visit_unit<E: de::Error>(self) -> core::result::Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_seq<A: SeqAccess<'de>>(
        self,
        mut seq: A,
    ) -> core::result::Result<Self::Value, A::Error> {
        let mut out = Vec::new();
        loop {
            let loc = self.loc.index(out.len());
            let Some(v) = seq.next_element_seed(ScalarSeed(self.depth + 1))? else {
                return Ok(Some(out));
            };
            if out.len() >= MAX_ARRAY_ITEMS {
                let e = bad(self.loc, format!("more than {MAX_ARRAY_ITEMS} entries"));
                return Err(raise(self.ctx, e));
            }
            match v {
                Scalar::Null => return Err(raise(self.ctx, wrong_type(&loc, "a string", &v))),
                v => out.push(tri!(self.ctx, string(v, &loc)).unwrap_or_default()),
            }
        }
    }
    refuse!("an array of strings"; bool num str map);
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

fn list<'a, S: Tasks<'a>>(body: &'a [u8], opts: ParseOptions) -> R<(S, u64, Vec<Warning>)> {
    let text = check_body(body)?;
    let none: Plan = [None, None, None];
    let (out, walk, ctx) = walk_list::<S>(text, opts.strict, &none)?;
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
        return Ok((out, count.unwrap_or(0), ctx.finish()));
    }
    // Again, with the top-level fields' targets known.
    let (out, walk, ctx) = walk_list::<S>(text, opts.strict, &plan)?;
    Ok((out, walk.count.unwrap_or(0), ctx.finish()))
}

fn walk_list<'a, 'p, S: Tasks<'a>>(
    text: &'a str,
    strict: bool,
    plan: &'p Plan<'a>,
) -> R<(S, Walk<'p, 'a>, Ctx)> {
    let mut ctx = Ctx::new(strict);
    let mut walk = Walk {
        plan,
        hoists: Vec::new(),
        lacking: [(0, 0); 3],
        count: None,
        has_tasks: false,
    };
    let mut out = S::new(text.len());
    run(text, &mut ctx, |de, ctx| {
        TopSeed {
            ctx,
            loc: &Loc::Root,
            walk: &mut walk,
            out: &mut out,
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
    Ok((out, walk, ctx))
}

struct TopSeed<'c, 'l, 'p, 'de, S> {
    ctx: &'c mut Ctx,
    loc: &'l Loc<'l>,
    walk: &'c mut Walk<'p, 'de>,
    out: &'c mut S,
}

impl<'de, S: Tasks<'de>> DeserializeSeed<'de> for TopSeed<'_, '_, '_, 'de, S> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> core::result::Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, S: Tasks<'de>> Visitor<'de> for TopSeed<'_, '_, '_, 'de, S> {
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

struct TasksSeed<'c, 'l, 'p, 'de, S> {
    ctx: &'c mut Ctx,
    loc: &'l Loc<'l>,
    walk: &'c mut Walk<'p, 'de>,
    out: &'c mut S,
}

impl<'de, S: Tasks<'de>> DeserializeSeed<'de> for TasksSeed<'_, '_, '_, 'de, S> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> core::result::Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, S: Tasks<'de>> Visitor<'de> for TasksSeed<'_, '_, '_, 'de, S> {
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
            };
            let Some(t) = seq.next_element_seed(seed)? else {
                return Ok(());
            };
            out.task(t);
            i += 1;
        }
    }
    fn visit_unit<E: de::Error>(self) -> core::result::Result<(), E> {
        Err(raise(self.ctx, missing(self.loc)))
    }
    refuse!("an array"; bool num str map);
}

struct TaskSeed<'c, 'l, 'p, 'de> {
    ctx: &'c mut Ctx,
    loc: &'l Loc<'l>,
    plan: &'p Plan<'de>,
    /// [`Walk::lacking`], counted as each task is read.
    lacking: &'c mut [(usize, usize); 3],
    index: usize,
}

impl<'de> DeserializeSeed<'de> for TaskSeed<'_, '_, '_, 'de> {
    type Value = TaskView<'de>;
    fn deserialize<D: Deserializer<'de>>(
        self,
        d: D,
    ) -> core::result::Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for TaskSeed<'_, '_, '_, 'de> {
    type Value = TaskView<'de>;
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
        } = self;
        let mut id = None;
        let mut name = None;
        let mut status = None;
        let mut t = TaskView::default();
        members(&mut map, ctx, loc, |map, ctx, f: TaskField, kl| {
            if f == TaskField::Details {
                t.details = map.next_value_seed(DetailsSeed {
                    ctx,
                    loc: kl,
                    _de: core::marker::PhantomData,
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
        Ok(t)
    }
    refuse!("a task object"; bool num str null seq);
}

struct DetailsSeed<'c, 'l, 'de> {
    ctx: &'c mut Ctx,
    loc: &'l Loc<'l>,
    _de: core::marker::PhantomData<&'de ()>,
}

self_seed!(DetailsSeed);

impl<'de> Visitor<'de> for DetailsSeed<'_, '_, 'de> {
    type Value = TaskDetails<Cow<'de, str>>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a details object")
    }
    fn visit_unit<E: de::Error>(self) -> core::result::Result<Self::Value, E> {
        Ok(TaskDetails::default())
    }
    fn visit_map<A: MapAccess<'de>>(
        self,
        mut map: A,
    ) -> core::result::Result<Self::Value, A::Error> {
        let DetailsSeed { ctx, loc, .. } = self;
        let mut d = TaskDetails::default();
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
        Ok(d)
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

// ---------------------------------------------------------------------------------------
// ShowBackgroundTaskProgress

/// Parses and normalizes a task progress response body
/// (`GET .../tasks/{task_id}/progress`).
#[allow(clippy::result_large_err)] // the crate's one error type, by value, is the contract
pub fn parse_task_progress(body: &[u8], opts: ParseOptions) -> Result<TaskProgress> {
    progress(body, opts).map_err(|e| *e)
}

fn progress(body: &[u8], opts: ParseOptions) -> R<TaskProgress> {
    let text = check_body(body)?;
    let mut ctx = Ctx::new(opts.strict);
    let mut p = run(text, &mut ctx, |de, ctx| {
        ProgressSeed {
            ctx,
            loc: &Loc::Root,
            _de: core::marker::PhantomData,
        }
        .deserialize(de)
    })?;
    p.warnings = ctx.finish();
    Ok(p)
}

struct ProgressSeed<'c, 'l, 'de> {
    ctx: &'c mut Ctx,
    loc: &'l Loc<'l>,
    _de: core::marker::PhantomData<&'de ()>,
}

self_seed!(ProgressSeed);

impl<'de> Visitor<'de> for ProgressSeed<'_, '_, 'de> {
    type Value = TaskProgress;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: MapAccess<'de>>(
        self,
        mut map: A,
    ) -> core::result::Result<Self::Value, A::Error> {
        let ProgressSeed { ctx, loc, .. } = self;
        let mut p = TaskProgress::default();
        members(&mut map, ctx, loc, |map, ctx, f: ProgressField, kl| {
            match f {
                ProgressField::Unknown => return skip_unknown(map, ctx, kl, 2),
                ProgressField::StepDetails => {
                    p.step_details = map.next_value_seed(ListSeed::new(ctx, kl))?;
                    return Ok(());
                }
                _ => {}
            }
            let v = map.next_value_seed(ScalarSeed(2))?;
            let n = tri!(ctx, int(v, kl));
            if f == ProgressField::Progress {
                p.progress = n;
            } else {
                p.remain_time = n;
            }
            Ok(())
        })?;
        Ok(p)
    }
    refuse!("a JSON object"; bool num str null seq);
}

/// An array of step or sub-step objects (`step_details`, `sub_step_details`); null is an
/// empty list.
struct ListSeed<'c, 'l, T> {
    ctx: &'c mut Ctx,
    loc: &'l Loc<'l>,
    _t: core::marker::PhantomData<T>,
}

/// One step or sub-step object.
struct ObjSeed<'c, 'l, T> {
    ctx: &'c mut Ctx,
    loc: &'l Loc<'l>,
    _t: core::marker::PhantomData<T>,
}

impl<'c, 'l, T> ListSeed<'c, 'l, T> {
    fn new(ctx: &'c mut Ctx, loc: &'l Loc<'l>) -> Self {
        ListSeed {
            ctx,
            loc,
            _t: core::marker::PhantomData,
        }
    }
}

impl<'de, T> DeserializeSeed<'de> for ListSeed<'_, '_, T>
where
    for<'x, 'y> ObjSeed<'x, 'y, T>: DeserializeSeed<'de, Value = T>,
{
    type Value = Vec<T>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> core::result::Result<Vec<T>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de, T> Visitor<'de> for ListSeed<'_, '_, T>
where
    for<'x, 'y> ObjSeed<'x, 'y, T>: DeserializeSeed<'de, Value = T>,
{
    type Value = Vec<T>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array")
    }
    fn visit_unit<E: de::Error>(self) -> core::result::Result<Vec<T>, E> {
        Ok(Vec::new())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> core::result::Result<Vec<T>, A::Error> {
        let mut out = Vec::new();
        loop {
            let il = self.loc.index(out.len());
            let seed = ObjSeed {
                ctx: &mut *self.ctx,
                loc: &il,
                _t: core::marker::PhantomData,
            };
            match seq.next_element_seed(seed)? {
                Some(t) => out.push(t),
                None => return Ok(out),
            }
        }
    }
    refuse!("an array"; bool num str map);
}

impl<'de> DeserializeSeed<'de> for ObjSeed<'_, '_, Step> {
    type Value = Step;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> core::result::Result<Step, D::Error> {
        d.deserialize_any(self)
    }
}

/// A step object at nesting 3 (`step_details[i]`).
impl<'de> Visitor<'de> for ObjSeed<'_, '_, Step> {
    type Value = Step;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a step object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> core::result::Result<Step, A::Error> {
        let ObjSeed { ctx, loc, .. } = self;
        let mut s = Step::default();
        members(&mut map, ctx, loc, |map, ctx, f: StepField, kl| {
            match f {
                StepField::Unknown => return skip_unknown(map, ctx, kl, 4),
                StepField::SubStepDetails => {
                    s.sub_step_details = map.next_value_seed(ListSeed::new(ctx, kl))?;
                    return Ok(());
                }
                _ => {}
            }
            let v = map.next_value_seed(ScalarSeed(4))?;
            match f {
                StepField::StepId => s.step_id = tri!(ctx, int(v, kl)),
                StepField::BeginTime => s.begin_time = owned(tri!(ctx, time(ctx, v, kl))),
                StepField::EndTime => s.end_time = owned(tri!(ctx, time(ctx, v, kl))),
                StepField::StepStatus => {
                    s.step_status = owned(tri!(ctx, string(v, kl)));
                    if let Some(st) = &s.step_status {
                        tri!(
                            ctx,
                            check_known(ctx, kl, "step status", st, KNOWN_STEP_STATUSES)
                        );
                    }
                }
                StepField::StepName => s.step_name = owned(tri!(ctx, string(v, kl))),
                _ => s.error_code = owned(tri!(ctx, string(v, kl))),
            }
            Ok(())
        })?;
        Ok(s)
    }
    refuse!("a step object"; bool num str null seq);
}

impl<'de> DeserializeSeed<'de> for ObjSeed<'_, '_, SubStep> {
    type Value = SubStep;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> core::result::Result<SubStep, D::Error> {
        d.deserialize_any(self)
    }
}

/// A sub-step object at nesting 5 (`step_details[i].sub_step_details[j]`).
impl<'de> Visitor<'de> for ObjSeed<'_, '_, SubStep> {
    type Value = SubStep;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a sub-step object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> core::result::Result<SubStep, A::Error> {
        let ObjSeed { ctx, loc, .. } = self;
        let mut s = SubStep::default();
        members(&mut map, ctx, loc, |map, ctx, f: SubStepField, kl| {
            if f == SubStepField::Unknown {
                return skip_unknown(map, ctx, kl, 6);
            }
            let v = map.next_value_seed(ScalarSeed(6))?;
            match f {
                SubStepField::SubStepId => s.sub_step_id = tri!(ctx, int(v, kl)),
                SubStepField::BeginTime => s.begin_time = owned(tri!(ctx, time(ctx, v, kl))),
                SubStepField::EndTime => s.end_time = owned(tri!(ctx, time(ctx, v, kl))),
                SubStepField::SubStepStatus => {
                    s.sub_step_status = owned(tri!(ctx, string(v, kl)));
                    if let Some(st) = &s.sub_step_status {
                        let what = "sub-step status";
                        tri!(ctx, check_known(ctx, kl, what, st, KNOWN_STEP_STATUSES));
                    }
                }
                SubStepField::SubStepName => s.sub_step_name = owned(tri!(ctx, string(v, kl))),
                SubStepField::Detail => s.detail = owned(tri!(ctx, string(v, kl))),
                _ => s.error_code = owned(tri!(ctx, string(v, kl))),
            }
            Ok(())
        })?;
        Ok(s)
    }
    refuse!("a sub-step object"; bool num str null seq);
}

// ---------------------------------------------------------------------------------------
// Error bodies

/// A string, or a number's text (error codes are sometimes numbers); anything else is
/// read past.
#[derive(Deserialize)]
#[serde(untagged)]
enum Text {
    S(String),
    N(serde_json::Number),
    Other(de::IgnoredAny),
}

impl Text {
    fn into_string(self) -> Option<String> {
        match self {
            Text::S(s) => Some(s),
            Text::N(n) => Some(n.to_string()),
            Text::Other(_) => None,
        }
    }
}

/// What `"error"` holds: one of the shapes, or anything else (read past).
#[derive(Deserialize)]
#[serde(untagged)]
enum Nested {
    Shape(Box<ErrorShape>),
    Other(de::IgnoredAny),
}

/// Every shape the official SDKs read an error from; unknown fields ignored.
#[derive(Deserialize)]
struct ErrorShape {
    error_code: Option<Text>,
    error_msg: Option<Text>,
    error_ext_msg: Option<Text>,
    #[serde(rename = "errorCode")]
    error_code_camel: Option<Text>,
    #[serde(rename = "errorMsg")]
    error_msg_camel: Option<Text>,
    code: Option<Text>,
    message: Option<Text>,
    error: Option<Nested>,
}

impl ErrorShape {
    /// The first shape present, here or (`nested`) one level down under `"error"`.
    fn fields(self, nested: bool) -> Option<ErrorBody> {
        let s = |t: Option<Text>| t.and_then(Text::into_string);
        let shapes = [
            (s(self.error_code), s(self.error_msg), s(self.error_ext_msg)),
            (s(self.error_code_camel), s(self.error_msg_camel), None),
            (s(self.code), s(self.message), None),
        ];
        for (error_code, error_msg, error_ext_msg) in shapes {
            if error_code.is_some() || error_msg.is_some() {
                return Some(ErrorBody {
                    error_code,
                    error_msg,
                    error_ext_msg,
                });
            }
        }
        match self.error {
            Some(Nested::Shape(e)) if nested => e.fields(false),
            _ => None,
        }
    }
}

/// Reads an HTTP error body: `{error_code, error_msg, error_ext_msg}`,
/// `{errorCode, errorMsg}`, `{code, message}`, or one of these under `"error"`.
/// `None` when the body is not a JSON object carrying any of them. Never fails.
pub fn parse_error_body(body: &[u8]) -> Option<ErrorBody> {
    serde_json::from_slice::<ErrorShape>(body)
        .ok()?
        .fields(true)
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
        assert_eq!(i.key("a.b").render(), r#"tasks[3]["a.b"]"#);
        assert_eq!(r.key("").render(), r#"[""]"#);
        assert_eq!(i.key("x\"[").render(), r#"tasks[3]["x\"["]"#);
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
