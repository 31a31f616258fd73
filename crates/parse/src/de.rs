//! The walker's kit, shared by the list parser (`normalize`) and the progress and error-body
//! parsers of `dcs-tasks`: wire paths, the parse state and its warnings, the bounds, the
//! scalar readers, keys and derived field enums, and the member loop. Everything here is
//! driven by serde_json through serde's `DeserializeSeed`/`Visitor`.
//!
//! Paths are rendered only when a warning or an error needs one; a check that fails stores
//! its `DcsError` in the [`Ctx`] and unwinds through serde with an empty error ([`raise`]);
//! a syntax error anywhere in the body wins over it ([`run`]).

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::fmt;

use serde::de::value::{BorrowedStrDeserializer, Error as ValueError};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use crate::error::DcsError;
use crate::model::{Warning, WarningCode, MAX_SAFE_INTEGER};
use crate::time::{format_iso_ms, is_canonical, parse_timestamp, TimeForm};

/// Resource bounds of the parsers (each is an `INVALID_RESPONSE` at the offending path):
/// the body (64 MiB), any string field (1 MiB), the tasks of one response (100,000),
/// the entries of a string array such as `rename_commands` (10,000).
pub const MAX_PARSED_BODY_BYTES: usize = 64 * 1024 * 1024;
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

// ---------------------------------------------------------------------------------------
// Paths, warnings, errors

/// A wire path as a linked list on the stack; rendered only when an error or warning needs it.
#[derive(Clone, Copy)]
pub enum Loc<'a> {
    Root,
    Key(&'a Loc<'a>, &'a str),
    Index(&'a Loc<'a>, usize),
}

impl<'a> Loc<'a> {
    pub fn key<'b>(&'b self, k: &'b str) -> Loc<'b> {
        Loc::Key(self, k)
    }

    pub fn index(&'a self, i: usize) -> Loc<'a> {
        Loc::Index(self, i)
    }

    /// `tasks[0].details.old_port`; `$` for the root. A key that is empty or holds `.`,
    /// `[`, `]` or `"` is written quoted, as a JSON string in brackets: `tasks[0]["a.b"]`.
    pub fn render(&self) -> String {
        match self {
            Loc::Root => "$".to_string(),
            _ => {
                let mut s = String::with_capacity(32);
                self.write(&mut s);
                s
            }
        }
    }

    pub fn write(&self, out: &mut String) {
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
pub struct Ctx {
    pub strict: bool,
    pub warnings: Vec<Warning>,
    /// Warnings past [`MAX_WARNINGS`], counted only.
    more: usize,
    /// Set when a check fails: the serde error that unwinds carries no message.
    err: Option<Box<DcsError>>,
}

impl Ctx {
    pub fn new(strict: bool) -> Self {
        Ctx {
            strict,
            warnings: Vec::new(),
            more: 0,
            err: None,
        }
    }

    /// Records a warning, or counts it once [`MAX_WARNINGS`] are listed (its path and
    /// message are then never rendered).
    pub fn warn(&mut self, code: WarningCode, loc: &Loc, message: impl FnOnce() -> String) {
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
    pub fn quirk(
        &mut self,
        code: WarningCode,
        loc: &Loc,
        message: impl FnOnce() -> String,
    ) -> R<()> {
        if self.strict {
            return Err(bad(loc, message() + " (refused in strict mode)"));
        }
        self.warn(code, loc, message);
        Ok(())
    }

    /// The warnings, with the `warnings_truncated` entry when some were left out.
    pub fn finish(mut self) -> Vec<Warning> {
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
pub type R<T> = core::result::Result<T, Box<DcsError>>;

pub fn bad(loc: &Loc, message: impl Into<String>) -> Box<DcsError> {
    Box::new(DcsError::invalid_response(loc.render(), message))
}

pub fn missing(loc: &Loc) -> Box<DcsError> {
    bad(loc, "missing required field")
}

/// Stops the parse with `e`: it is kept in `ctx` while serde unwinds with an empty error.
pub fn raise<E: de::Error>(ctx: &mut Ctx, e: Box<DcsError>) -> E {
    ctx.err = Some(e);
    E::custom("")
}

/// `expr` (an `R<T>`) or return its error through serde.
#[macro_export]
#[doc(hidden)]
macro_rules! tri {
    ($ctx:expr, $e:expr) => {
        match $e {
            Ok(v) => v,
            Err(e) => return Err($crate::de::raise($ctx, e)),
        }
    };
}

/// A value quoted for a message (a JSON string), clipped to 64 characters.
pub fn quote(s: &str) -> String {
    crate::text::quoted(s, 64)
}

/// The body's size and emptiness (at `$`).
pub fn check_body(body: &[u8]) -> R<&str> {
    if body.len() > MAX_PARSED_BODY_BYTES {
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
pub fn syntax(text: &str, e: &serde_json::Error) -> Box<DcsError> {
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
pub fn validate(text: &str) -> core::result::Result<(), serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(text);
    Skip(1).deserialize(&mut de)?;
    de.end()
}

/// Runs `walk` over `text`; a syntax error anywhere in the body wins over what the walk
/// found (the walk stops at the first problem; the body is then validated whole).
pub fn run<'a, T>(
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
pub struct Skip(pub usize);

impl<'de> DeserializeSeed<'de> for Skip {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> core::result::Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

pub fn too_deep<E: de::Error>() -> E {
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
pub enum Scalar<'de> {
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
    pub fn kind(&self) -> &'static str {
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
    pub fn number(&self) -> String {
        match self {
            Scalar::U64(u) => u.to_string(),
            Scalar::I64(i) => i.to_string(),
            Scalar::F64(x) => crate::model::to_json(x),
            _ => String::new(),
        }
    }
}

/// Reads one value as a [`Scalar`] at nesting `depth`.
pub struct ScalarSeed(pub usize);

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

pub fn wrong_type(loc: &Loc, expected: &str, v: &Scalar) -> Box<DcsError> {
    if let Scalar::LongStr = v {
        return bad(loc, "string over the 1 MiB limit");
    }
    bad(loc, format!("expected {expected}, got {}", v.kind()))
}

#[inline]
pub fn string<'a>(v: Scalar<'a>, loc: &Loc) -> R<Option<Cow<'a, str>>> {
    match v {
        Scalar::Null => Ok(None),
        Scalar::Str(s) => Ok(Some(s)),
        v => Err(wrong_type(loc, "a string", &v)),
    }
}

pub fn owned(s: Option<Cow<str>>) -> Option<String> {
    s.map(Cow::into_owned)
}

/// An integer field: a JSON integer literal within ±(2^53 - 1). Never coerced from strings.
pub fn int(v: Scalar, loc: &Loc) -> R<Option<i64>> {
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

pub fn boolean(v: Scalar, loc: &Loc) -> R<Option<bool>> {
    match v {
        Scalar::Null => Ok(None),
        Scalar::Bool(b) => Ok(Some(b)),
        v => Err(wrong_type(loc, "a boolean", &v)),
    }
}

/// A timestamp: normalized to `YYYY-MM-DDTHH:MM:SS.sssZ`; other valid forms are a quirk.
pub fn time<'a>(ctx: &mut Ctx, v: Scalar<'a>, loc: &Loc) -> R<Option<Cow<'a, str>>> {
    let s = match v {
        Scalar::Null => return Ok(None),
        Scalar::Str(s) => s,
        v => return Err(wrong_type(loc, "a timestamp string", &v)),
    };
    if is_canonical(&s) {
        return Ok(Some(s));
    }
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

/// A value outside a known set: kept as sent, reported (an error in strict mode).
#[inline]
pub fn check_known(ctx: &mut Ctx, loc: &Loc, what: &str, value: &str, known: &[&str]) -> R<()> {
    if known.contains(&value) {
        return Ok(());
    }
    ctx.quirk(WarningCode::UnknownValue, loc, || {
        format!("{what} {} is not a known value; kept as sent", quote(value))
    })
}

/// Display text holding invisible or reordering characters: a warning (in strict mode too: the
/// API allows any text), the characters named as `[U+XXXX]`.
pub fn check_visible(ctx: &mut Ctx, loc: &Loc, value: &str) {
    // Printable ASCII first: the usual name, without decoding characters.
    if value.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return;
    }
    if value.chars().any(crate::text::is_invisible) {
        ctx.warn(WarningCode::InvisibleText, loc, || {
            let shown = crate::text::reveal(value);
            format!(
                "text with invisible or reordering characters: {}; kept as sent",
                quote(&shown)
            )
        });
    }
}

pub fn unknown_field(ctx: &mut Ctx, loc: &Loc) -> R<()> {
    ctx.quirk(WarningCode::UnknownField, loc, || {
        "field not in the API definition; dropped".to_string()
    })
}

// ---------------------------------------------------------------------------------------
// Objects

/// A key as sent, borrowed from the body unless it had escapes.
pub struct Key<'de> {
    pub text: Cow<'de, str>,
    /// Over [`MAX_KEY_BYTES`] (never copied; `text` is then empty).
    pub too_long: bool,
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
    pub fn long() -> Self {
        Key {
            text: Cow::Borrowed(""),
            too_long: true,
        }
    }
}

/// A derived field-identifier enum whose last variant, `Unknown`, takes every other key.
pub trait Field: Copy + PartialEq + for<'a> Deserialize<'a> {
    const UNKNOWN: Self;
    /// The variant's bit in [`Seen::known`].
    fn bit(self) -> u64;

    /// The field a key names (serde's derived string match).
    fn of(key: &str) -> Self {
        Self::deserialize(BorrowedStrDeserializer::<ValueError>::new(key)).unwrap_or(Self::UNKNOWN)
    }
}

/// Declares a field enum (serde-derived from the snake_case wire names) and its [`Field`]
/// impl; at most 64 known fields (checked when compiling). The calling crate needs serde.
#[macro_export]
#[doc(hidden)]
macro_rules! fields {
    ($name:ident { $($v:ident),* $(,)? }) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, ::serde::Deserialize)]
        #[serde(field_identifier, rename_all = "snake_case")]
        pub enum $name {
            $($v,)*
            #[serde(other)]
            Unknown,
        }
        impl $crate::de::Field for $name {
            const UNKNOWN: Self = $name::Unknown;
            fn bit(self) -> u64 {
                const _: () = assert!(($name::Unknown as usize) <= 64);
                1u64 << (self as u32 % 64)
            }
        }
    };
}

/// The keys of one object so far: known ones by bit, others in an ordered set (the
/// other side chooses them: no hashing), at most [`MAX_KEYS`] in all.
#[derive(Default)]
pub struct Seen<'de> {
    known: u64,
    others: BTreeSet<Cow<'de, str>>,
    count: usize,
}

impl<'de> Seen<'de> {
    /// Counts `key` in the object at `loc`; its field, or the error (duplicate, too many
    /// keys, too long a key).
    pub fn add<F: Field>(&mut self, key: &Key<'de>, loc: &Loc) -> R<F> {
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
pub fn members<'de, A: MapAccess<'de>, F: Field>(
    map: &mut A,
    ctx: &mut Ctx,
    loc: &Loc,
    mut each: impl FnMut(&mut A, &mut Ctx, F, &Loc) -> core::result::Result<(), A::Error>,
) -> core::result::Result<(), A::Error> {
    let mut seen = Seen::default();
    while let Some(key) = map.next_key::<Key<'de>>()? {
        let f = tri!(ctx, seen.add::<F>(&key, loc));
        each(map, ctx, f, &loc.key(&key.text))?;
    }
    Ok(())
}

/// Reads an unknown field's value: a warning (an error in strict mode), value skipped.
pub fn skip_unknown<'de, A: MapAccess<'de>>(
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
#[macro_export]
#[doc(hidden)]
macro_rules! refuse {
    ($what:expr; $($m:ident)*) => {
        $($crate::refuse!(@ $m $what);)*
    };
    (@bool $what:expr) => {
        fn visit_bool<E: ::serde::de::Error>(self, _: bool) -> ::core::result::Result<Self::Value, E> {
            Err($crate::de::refused(self.ctx, self.loc, $what, $crate::de::Scalar::Bool(false)))
        }
    };
    (@num $what:expr) => {
        fn visit_i64<E: ::serde::de::Error>(self, _: i64) -> ::core::result::Result<Self::Value, E> {
            Err($crate::de::refused(self.ctx, self.loc, $what, $crate::de::Scalar::I64(0)))
        }
        fn visit_u64<E: ::serde::de::Error>(self, _: u64) -> ::core::result::Result<Self::Value, E> {
            Err($crate::de::refused(self.ctx, self.loc, $what, $crate::de::Scalar::U64(0)))
        }
        fn visit_f64<E: ::serde::de::Error>(self, _: f64) -> ::core::result::Result<Self::Value, E> {
            Err($crate::de::refused(self.ctx, self.loc, $what, $crate::de::Scalar::F64(0.0)))
        }
    };
    (@str $what:expr) => {
        fn visit_str<E: ::serde::de::Error>(self, _: &str) -> ::core::result::Result<Self::Value, E> {
            Err($crate::de::refused(self.ctx, self.loc, $what, $crate::de::Scalar::Str("".into())))
        }
    };
    (@null $what:expr) => {
        fn visit_unit<E: ::serde::de::Error>(self) -> ::core::result::Result<Self::Value, E> {
            Err($crate::de::refused(self.ctx, self.loc, $what, $crate::de::Scalar::Null))
        }
    };
    (@seq $what:expr) => {
        fn visit_seq<A: ::serde::de::SeqAccess<'de>>(self, _: A) -> ::core::result::Result<Self::Value, A::Error> {
            Err($crate::de::refused(self.ctx, self.loc, $what, $crate::de::Scalar::Array))
        }
    };
    (@map $what:expr) => {
        fn visit_map<A: ::serde::de::MapAccess<'de>>(self, _: A) -> ::core::result::Result<Self::Value, A::Error> {
            Err($crate::de::refused(self.ctx, self.loc, $what, $crate::de::Scalar::Object))
        }
    };
}

/// The error of a value of the wrong JSON type at `loc` (see [`refuse!`]).
pub fn refused<E: de::Error>(ctx: &mut Ctx, loc: &Loc, what: &str, v: Scalar) -> E {
    raise(ctx, wrong_type(loc, what, &v))
}

/// `impl DeserializeSeed` for a visitor that is its own seed (any JSON type accepted by
/// serde_json, so that the visitor decides what is wrong).
#[macro_export]
#[doc(hidden)]
macro_rules! self_seed {
    ($t:ident) => {
        impl<'de> ::serde::de::DeserializeSeed<'de> for $t<'_, '_, 'de> {
            type Value = <Self as ::serde::de::Visitor<'de>>::Value;
            fn deserialize<D: ::serde::de::Deserializer<'de>>(
                self,
                d: D,
            ) -> ::core::result::Result<Self::Value, D::Error> {
                d.deserialize_any(self)
            }
        }
    };
}

/// A string array (`rename_commands`) at nesting `depth`.
pub struct StringsSeed<'c, 'l, 'de> {
    pub ctx: &'c mut Ctx,
    pub loc: &'l Loc<'l>,
    pub depth: usize,
    pub _de: core::marker::PhantomData<&'de ()>,
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
}
