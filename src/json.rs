//! A small, strict JSON reader and writer (RFC 8259), with no dependencies.
//!
//! Reader: the input must be valid UTF-8 and exactly one JSON value surrounded by
//! optional whitespace. Rejected: trailing commas, leading zeros, `NaN`/`Infinity`,
//! comments, a byte-order mark, lone surrogates in `\u` escapes, raw control characters
//! in strings, anything after the value, and nesting deeper than [`MAX_DEPTH`].
//! Strings without escapes are borrowed from the input; numbers keep their source text.
//! Objects keep their members in order, duplicates included (the caller decides).
//!
//! Recursion is bounded by [`MAX_DEPTH`], so hostile input (100,000 `[`) fails fast
//! with an error instead of overflowing the stack.
//!
//! Writer: [`write_str`] escapes a string per RFC 8259; [`ObjWriter`] writes an object's
//! members with the commas in the right places.

use core::fmt;
use std::borrow::Cow;

/// Deepest nesting of arrays and objects accepted (the top-level value is depth 1).
pub const MAX_DEPTH: usize = 64;

/// A parsed JSON value borrowing from the input.
#[derive(Debug, Clone, PartialEq)]
pub enum Value<'a> {
    Null,
    Bool(bool),
    Number(Number<'a>),
    String(Cow<'a, str>),
    Array(Vec<Value<'a>>),
    /// Members in document order, duplicates preserved.
    Object(Vec<(Cow<'a, str>, Value<'a>)>),
}

impl<'a> Value<'a> {
    /// The JSON type as a short noun phrase, for messages: "a string", "null", ...
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The first member named `key` of an object.
    pub fn get(&self, key: &str) -> Option<&Value<'a>> {
        match self {
            Value::Object(m) => m.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }
}

/// A JSON number, kept as its (validated) source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Number<'a> {
    raw: &'a str,
    integer: bool,
}

impl<'a> Number<'a> {
    /// Validates `s` as exactly one JSON number (RFC 8259 grammar, no whitespace).
    pub fn from_text(s: &'a str) -> Option<Number<'a>> {
        let b = s.as_bytes();
        let (end, integer) = scan_number(b, 0).ok()?;
        (end == b.len()).then_some(Number { raw: s, integer })
    }

    /// The source text, e.g. `0.125`, `-3`, `1e400`.
    pub fn raw(&self) -> &'a str {
        self.raw
    }

    /// True when written without fraction or exponent.
    pub fn is_integer_literal(&self) -> bool {
        self.integer
    }

    /// The value as `u64` when written as a non-negative integer literal that fits.
    pub fn as_u64(&self) -> Option<u64> {
        if self.integer {
            parse_u64(self.raw)
        } else {
            None
        }
    }

    /// The value as `i64` when written as an integer literal that fits.
    pub fn as_i64(&self) -> Option<i64> {
        if !self.integer {
            return None;
        }
        match self.raw.strip_prefix('-') {
            Some(d) => {
                let m = parse_u64(d)?;
                if m <= 1 << 63 {
                    Some((m as i64).wrapping_neg())
                } else {
                    None
                }
            }
            None => parse_u64(self.raw).and_then(|v| i64::try_from(v).ok()),
        }
    }

    /// The nearest `f64`, or `None` when it is not finite (e.g. `1e400`).
    ///
    /// Correctly rounded everywhere: natively by `str::parse`, on wasm by the host's
    /// `parseFloat` (the JSON number grammar is a subset of JS numeric literals), which
    /// keeps core's ~16 KB float parser and its tables out of the module.
    pub fn as_f64(&self) -> Option<f64> {
        parse_f64(self.raw).filter(|v| v.is_finite())
    }
}

/// Decimal digits only (no sign, no `+`), at least one, to `u64`; `None` on overflow.
/// Smaller than `str::parse`, which brings in its generic error machinery.
pub fn parse_u64(s: &str) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    let mut v: u64 = 0;
    for b in s.bytes() {
        if !b.is_ascii_digit() {
            return None;
        }
        v = v.checked_mul(10)?.checked_add((b - b'0') as u64)?;
    }
    Some(v)
}

/// A syntax error: where (byte offset, 1-based line and column in bytes) and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub offset: usize,
    pub line: usize,
    pub column: usize,
    pub message: &'static str,
}

impl ParseError {
    fn at(input: &[u8], offset: usize, message: &'static str) -> Self {
        let offset = offset.min(input.len());
        let before = input.get(..offset).unwrap_or(&[]);
        let line = 1 + before.iter().filter(|&&c| c == b'\n').count();
        let line_start = before
            .iter()
            .rposition(|&c| c == b'\n')
            .map_or(0, |p| p + 1);
        ParseError {
            offset,
            line,
            column: offset - line_start + 1,
            message,
        }
    }
}

impl ParseError {
    /// `message at line L column C (byte B)`, appended to `out`.
    pub fn describe(&self, out: &mut String) {
        out.push_str(self.message);
        out.push_str(" at line ");
        push_u64(out, self.line as u64);
        out.push_str(" column ");
        push_u64(out, self.column as u64);
        out.push_str(" (byte ");
        push_u64(out, self.offset as u64);
        out.push(')');
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = String::new();
        self.describe(&mut s);
        f.write_str(&s)
    }
}

impl std::error::Error for ParseError {}

/// Parses one JSON document from bytes (which must be valid UTF-8).
pub fn parse(input: &[u8]) -> Result<Value<'_>, ParseError> {
    match core::str::from_utf8(input) {
        Ok(s) => parse_str(s),
        Err(e) => Err(ParseError::at(input, e.valid_up_to(), "invalid UTF-8")),
    }
}

/// Parses one JSON document from a string.
pub fn parse_str(s: &str) -> Result<Value<'_>, ParseError> {
    document(s, |p| p.value(0))
}

/// One document in `s`: whitespace, `read` for the value, whitespace, the end.
fn document<'a, T>(
    s: &'a str,
    read: impl FnOnce(&mut Parser<'a>) -> Result<T, ParseError>,
) -> Result<T, ParseError> {
    let mut p = Parser::new(s);
    p.ws();
    if p.i == p.b.len() {
        return Err(p.err("empty input"));
    }
    let v = read(&mut p)?;
    p.end()?;
    Ok(v)
}

/// Checks that `input` is one JSON document (the same rules and errors as [`parse`])
/// without building its tree: memory stays constant whatever the input.
pub fn validate(input: &[u8]) -> Result<(), ParseError> {
    match core::str::from_utf8(input) {
        Ok(s) => document(s, |p| p.skip(0)),
        Err(e) => Err(ParseError::at(input, e.valid_up_to(), "invalid UTF-8")),
    }
}

/// Scans a number starting at `i`; returns its end and whether it is an integer literal.
fn scan_number(b: &[u8], mut i: usize) -> Result<(usize, bool), (usize, &'static str)> {
    let digit = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
    if b.get(i) == Some(&b'-') {
        i += 1;
    }
    match b.get(i) {
        Some(b'0') => {
            i += 1;
            if digit(i) {
                return Err((i, "leading zeros are not allowed"));
            }
        }
        Some(b'1'..=b'9') => {
            while digit(i) {
                i += 1;
            }
        }
        _ => return Err((i, "invalid number")),
    }
    let mut integer = true;
    if b.get(i) == Some(&b'.') {
        integer = false;
        i += 1;
        if !digit(i) {
            return Err((i, "expected a digit after the decimal point"));
        }
        while digit(i) {
            i += 1;
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        integer = false;
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if !digit(i) {
            return Err((i, "expected a digit in the exponent"));
        }
        while digit(i) {
            i += 1;
        }
    }
    Ok((i, integer))
}

/// The bytes that end the plain run of a string: `"`, `\\` and control characters.
const STRING_STOP: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 0x20 {
        t[c] = true;
        c += 1;
    }
    t[b'"' as usize] = true;
    t[b'\\' as usize] = true;
    t
};

/// The JSON reader. [`parse`] builds a [`Value`] tree with it; the list parser
/// (`normalize`) walks the body with it directly, member by member, through
/// [`Parser::begin`], [`Parser::key`], [`Parser::more`] and [`Parser::value`].
pub(crate) struct Parser<'a> {
    s: &'a str,
    b: &'a [u8],
    i: usize,
    /// Scratch stacks: members and items of the open containers, moved into an
    /// exact-size `Vec` when each container closes (one allocation per container).
    members: Vec<(Cow<'a, str>, Value<'a>)>,
    items: Vec<Value<'a>>,
}

impl<'a> Parser<'a> {
    pub(crate) fn new(s: &'a str) -> Self {
        Parser {
            s,
            b: s.as_bytes(),
            i: 0,
            members: Vec::new(),
            items: Vec::new(),
        }
    }

    fn err(&self, message: &'static str) -> ParseError {
        ParseError::at(self.b, self.i, message)
    }

    fn err_at(&self, i: usize, message: &'static str) -> ParseError {
        ParseError::at(self.b, i, message)
    }

    /// The next byte (call [`Parser::ws`] first).
    #[inline(always)]
    pub(crate) fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    #[inline(always)]
    pub(crate) fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.i += 1;
        }
    }

    /// Whitespace, then the end of the input.
    pub(crate) fn end(&mut self) -> Result<(), ParseError> {
        self.ws();
        if self.i != self.b.len() {
            return Err(self.err("unexpected characters after the JSON value"));
        }
        Ok(())
    }

    #[inline(always)]
    fn slice(&self, from: usize, to: usize) -> Result<&'a str, ParseError> {
        // Boundaries are always at ASCII bytes, hence char boundaries; `get` keeps it panic-free.
        self.s
            .get(from..to)
            .ok_or_else(|| self.err_at(from, "internal error"))
    }

    /// One value at the current position, inside a container at `depth` (0: the top).
    pub(crate) fn value(&mut self, depth: usize) -> Result<Value<'a>, ParseError> {
        match self.peek() {
            None => Err(self.err("unexpected end of input")),
            Some(b'{') => self.object(depth + 1),
            Some(b'[') => self.array(depth + 1),
            Some(b'"') => self.string().map(Value::String),
            Some(b't') => self.literal(b"true", Value::Bool(true)),
            Some(b'f') => self.literal(b"false", Value::Bool(false)),
            Some(b'n') => self.literal(b"null", Value::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => Err(self.err("unexpected character")),
        }
    }

    /// Reads past one value inside a container at `depth`, building nothing but scalars.
    pub(crate) fn skip(&mut self, depth: usize) -> Result<(), ParseError> {
        let open = match self.peek() {
            Some(c @ (b'{' | b'[')) => c,
            _ => return self.value(depth).map(drop),
        };
        if self.begin(open, depth + 1)? {
            loop {
                if open == b'{' {
                    self.key()?;
                }
                self.skip(depth + 1)?;
                if !self.more(open + 2)? {
                    break;
                }
            }
        }
        Ok(())
    }

    fn literal(&mut self, word: &'static [u8], v: Value<'a>) -> Result<Value<'a>, ParseError> {
        let end = self.i + word.len();
        if self.b.get(self.i..end) == Some(word) {
            self.i = end;
            Ok(v)
        } else {
            Err(self.err("invalid literal"))
        }
    }

    fn number(&mut self) -> Result<Value<'a>, ParseError> {
        let start = self.i;
        match scan_number(self.b, start) {
            Ok((end, integer)) => {
                self.i = end;
                Ok(Value::Number(Number {
                    raw: self.slice(start, end)?,
                    integer,
                }))
            }
            Err((at, msg)) => Err(self.err_at(at, msg)),
        }
    }

    /// Opens the container (`{` or `[`, at the current position) of nesting `depth`;
    /// false when it is empty (then already closed).
    pub(crate) fn begin(&mut self, open: u8, depth: usize) -> Result<bool, ParseError> {
        if depth > MAX_DEPTH {
            return Err(self.err("nesting too deep"));
        }
        self.i += 1; // `open`
        self.ws();
        if self.peek() == Some(open + 2) {
            // `}` and `]` are two after `{` and `[`
            self.i += 1;
            return Ok(false);
        }
        Ok(true)
    }

    /// After a member or item: true at `,` (another follows), false at `close` (consumed).
    pub(crate) fn more(&mut self, close: u8) -> Result<bool, ParseError> {
        self.ws();
        match self.peek() {
            Some(b',') => {
                self.i += 1;
                self.ws();
                Ok(true)
            }
            Some(c) if c == close => {
                self.i += 1;
                Ok(false)
            }
            None => Err(self.err("unexpected end of input")),
            Some(_) if close == b'}' => Err(self.err("expected ',' or '}'")),
            Some(_) => Err(self.err("expected ',' or ']'")),
        }
    }

    /// A member's key and its colon; then the value is next.
    pub(crate) fn key(&mut self) -> Result<Cow<'a, str>, ParseError> {
        self.ws();
        match self.peek() {
            Some(b'"') => {}
            None => return Err(self.err("unexpected end of input")),
            Some(_) => return Err(self.err("expected a string key")),
        }
        let key = self.string()?;
        self.ws();
        match self.peek() {
            Some(b':') => self.i += 1,
            None => return Err(self.err("unexpected end of input")),
            Some(_) => return Err(self.err("expected ':'")),
        }
        self.ws();
        Ok(key)
    }

    fn array(&mut self, depth: usize) -> Result<Value<'a>, ParseError> {
        if !self.begin(b'[', depth)? {
            return Ok(Value::Array(Vec::new()));
        }
        let base = self.items.len();
        loop {
            let v = self.value(depth)?;
            self.items.push(v);
            if !self.more(b']')? {
                return Ok(Value::Array(self.items.drain(base..).collect()));
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<Value<'a>, ParseError> {
        if !self.begin(b'{', depth)? {
            return Ok(Value::Object(Vec::new()));
        }
        let base = self.members.len();
        loop {
            let key = self.key()?;
            let v = self.value(depth)?;
            self.members.push((key, v));
            if !self.more(b'}')? {
                return Ok(Value::Object(self.members.drain(base..).collect()));
            }
        }
    }

    /// A string starting at the opening quote.
    pub(crate) fn string(&mut self) -> Result<Cow<'a, str>, ParseError> {
        self.i += 1; // '"'
        let start = self.i;
        // Fast path: no escapes, borrow.
        let rest = self.b.get(start..).unwrap_or(&[]);
        let n = rest
            .iter()
            .position(|&c| STRING_STOP[c as usize])
            .unwrap_or(rest.len());
        self.i = start + n;
        match self.peek() {
            None => return Err(self.err("unterminated string")),
            Some(b'"') => {
                let s = self.slice(start, self.i)?;
                self.i += 1;
                return Ok(Cow::Borrowed(s));
            }
            Some(b'\\') => {}
            Some(_) => return Err(self.err("control character in string")),
        }
        let mut out = String::with_capacity(self.i - start + 16);
        out.push_str(self.slice(start, self.i)?);
        let mut run = self.i;
        loop {
            match self.peek() {
                None => return Err(self.err("unterminated string")),
                Some(b'"') => {
                    out.push_str(self.slice(run, self.i)?);
                    self.i += 1;
                    return Ok(Cow::Owned(out));
                }
                Some(b'\\') => {
                    out.push_str(self.slice(run, self.i)?);
                    self.escape(&mut out)?;
                    run = self.i;
                }
                Some(c) if c < 0x20 => return Err(self.err("control character in string")),
                Some(_) => self.i += 1,
            }
        }
    }

    /// One escape sequence starting at the backslash.
    fn escape(&mut self, out: &mut String) -> Result<(), ParseError> {
        let at = self.i;
        self.i += 1;
        let c = match self.peek() {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                self.i += 1;
                let hi = self.hex4()?;
                let cp = if (0xD800..0xDC00).contains(&hi) {
                    if self.b.get(self.i..self.i + 2) != Some(b"\\u") {
                        return Err(self.err_at(at, "lone surrogate in \\u escape"));
                    }
                    self.i += 2;
                    let lo = self.hex4()?;
                    if !(0xDC00..0xE000).contains(&lo) {
                        return Err(self.err_at(at, "lone surrogate in \\u escape"));
                    }
                    0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                } else if (0xDC00..0xE000).contains(&hi) {
                    return Err(self.err_at(at, "lone surrogate in \\u escape"));
                } else {
                    hi
                };
                let ch = char::from_u32(cp).ok_or_else(|| self.err_at(at, "invalid \\u escape"))?;
                out.push(ch);
                return Ok(());
            }
            None => return Err(self.err("unterminated string")),
            Some(_) => return Err(self.err("invalid escape")),
        };
        self.i += 1;
        out.push(c);
        Ok(())
    }

    fn hex4(&mut self) -> Result<u32, ParseError> {
        let mut v = 0u32;
        for _ in 0..4 {
            let d = match self.peek() {
                Some(c @ b'0'..=b'9') => c - b'0',
                Some(c @ b'a'..=b'f') => c - b'a' + 10,
                Some(c @ b'A'..=b'F') => c - b'A' + 10,
                _ => return Err(self.err("invalid \\u escape")),
            };
            v = v * 16 + d as u32;
            self.i += 1;
        }
        Ok(v)
    }
}

/// Appends `s` as a JSON string literal (quotes included), escaping per RFC 8259.
pub fn write_str(out: &mut String, s: &str) {
    out.push('"');
    write_str_body(out, s);
}

/// Appends `s` escaped per RFC 8259 and the closing quote (the opening one is written).
pub fn write_str_body(out: &mut String, s: &str) {
    let b = s.as_bytes();
    if !b.iter().any(|&c| STRING_STOP[c as usize]) {
        // Nearly every string: nothing to escape.
        out.push_str(s);
        out.push('"');
        return;
    }
    out.reserve(s.len() + 8);
    let mut run = 0;
    for (i, &c) in b.iter().enumerate() {
        let esc: &str = match c {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0..=0x1f => "",
            _ => continue,
        };
        out.push_str(s.get(run..i).unwrap_or(""));
        if esc.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.push_str("\\u00");
            out.push(HEX[(c >> 4) as usize] as char);
            out.push(HEX[(c & 15) as usize] as char);
        } else {
            out.push_str(esc);
        }
        run = i + 1;
    }
    out.push_str(s.get(run..).unwrap_or(""));
    out.push('"');
}

/// `s` as a JSON string literal for a message, clipped to `max_chars` characters
/// (then `…` follows the closing quote).
pub fn quoted(s: &str, max_chars: usize) -> String {
    let mut out = String::new();
    match s.char_indices().nth(max_chars) {
        Some((cut, _)) => {
            write_str(&mut out, s.get(..cut).unwrap_or(""));
            out.push('…');
        }
        None => write_str(&mut out, s),
    }
    out
}

/// `b` as text, each invalid UTF-8 sequence replaced by U+FFFD (as
/// `String::from_utf8_lossy`, whose chunk iterator weighs 1 KB of wasm).
pub fn lossy(mut b: &[u8]) -> String {
    let mut out = String::with_capacity(b.len());
    loop {
        match core::str::from_utf8(b) {
            Ok(s) => {
                out.push_str(s);
                return out;
            }
            Err(e) => {
                let (ok, rest) = b.split_at(e.valid_up_to());
                out.push_str(core::str::from_utf8(ok).unwrap_or(""));
                out.push('\u{FFFD}');
                b = rest
                    .get(e.error_len().unwrap_or(rest.len()).max(1)..)
                    .unwrap_or(&[]);
            }
        }
    }
}

/// The number of characters of `s` (a byte loop: `chars().count()` links a large
/// vectorized counter).
pub fn char_count(s: &str) -> usize {
    s.bytes().filter(|b| b & 0xC0 != 0x80).count()
}

/// Parses a decimal number text (the JSON number grammar) to the nearest `f64`.
#[cfg(not(target_arch = "wasm32"))]
fn parse_f64(s: &str) -> Option<f64> {
    s.parse::<f64>().ok()
}

/// Parses a decimal number text (the JSON number grammar) to the nearest `f64`, with
/// the host's correctly rounded `parseFloat`.
#[cfg(target_arch = "wasm32")]
fn parse_f64(s: &str) -> Option<f64> {
    let v = js_sys::Number::parse_float(s);
    (!v.is_nan()).then_some(v)
}

/// Appends a finite `f64` in its shortest round-trip decimal form (Rust's `Display`
/// natively, the host's `Number.prototype.toString` on wasm, which may use exponent
/// notation like `1e+300`; both are JSON numbers that `JSON.parse` reads back exactly).
/// Non-finite values become `null`.
pub fn write_f64(out: &mut String, v: f64) {
    if v.is_finite() {
        push_f64(out, if v == 0.0 { 0.0 } else { v });
    } else {
        out.push_str("null");
    }
}

/// Appends any `f64` for a message: natively Rust's `Display` (`1.5`, `NaN`, `inf`),
/// on wasm JavaScript's `String(v)` (`1.5`, `NaN`, `Infinity`), as a JS caller would
/// write it. No float formatting code is linked into the wasm module.
#[cfg(not(target_arch = "wasm32"))]
pub fn push_f64(out: &mut String, v: f64) {
    use fmt::Write;
    let _ = write!(out, "{v}");
}

/// Appends any `f64` for a message: natively Rust's `Display` (`1.5`, `NaN`, `inf`),
/// on wasm JavaScript's `String(v)` (`1.5`, `NaN`, `Infinity`), as a JS caller would
/// write it. No float formatting code is linked into the wasm module.
#[cfg(target_arch = "wasm32")]
pub fn push_f64(out: &mut String, v: f64) {
    match js_sys::Number::from(v).to_string_with_radix(10) {
        Ok(s) => out.push_str(&String::from(s)),
        Err(_) => out.push_str("NaN"),
    }
}

/// Appends the decimal digits of `v` (no `core::fmt`).
pub fn push_u64(out: &mut String, mut v: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        if let Some(b) = buf.get_mut(i) {
            *b = b'0' + (v % 10) as u8;
        }
        v /= 10;
        if v == 0 || i == 0 {
            break;
        }
    }
    for &b in buf.get(i..).unwrap_or(&[]) {
        out.push(b as char);
    }
}

/// Appends an integer.
pub fn write_i64(out: &mut String, v: i64) {
    if v < 0 {
        out.push('-');
    }
    push_u64(out, v.unsigned_abs());
}

/// The decimal digits of `v` as a new string.
pub fn u64_string(v: u64) -> String {
    let mut s = String::with_capacity(20);
    push_u64(&mut s, v);
    s
}

/// Appends `[a,b,...]`, each item written by `f`.
pub fn write_array<I: IntoIterator>(
    out: &mut String,
    items: I,
    mut f: impl FnMut(I::Item, &mut String),
) {
    out.push('[');
    for (i, it) in items.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        f(it, out);
    }
    out.push(']');
}

/// Writes one JSON object member by member; absent optionals are skipped.
pub struct ObjWriter<'o> {
    out: &'o mut String,
    first: bool,
}

impl<'o> ObjWriter<'o> {
    /// Opens the object (`{`).
    pub fn new(out: &'o mut String) -> Self {
        out.push('{');
        ObjWriter { out, first: true }
    }

    /// Writes the separator and `"key":`, and returns the buffer for the value.
    pub fn key(&mut self, k: &str) -> &mut String {
        if !self.first {
            self.out.push(',');
        }
        self.first = false;
        write_str(self.out, k);
        self.out.push(':');
        self.out
    }

    pub fn str(&mut self, k: &str, v: &str) {
        write_str(self.key(k), v);
    }

    pub fn opt_str(&mut self, k: &str, v: Option<&str>) {
        if let Some(v) = v {
            self.str(k, v);
        }
    }

    pub fn i64(&mut self, k: &str, v: i64) {
        write_i64(self.key(k), v);
    }

    pub fn u64(&mut self, k: &str, v: u64) {
        push_u64(self.key(k), v);
    }

    pub fn opt_i64(&mut self, k: &str, v: Option<i64>) {
        if let Some(v) = v {
            self.i64(k, v);
        }
    }

    pub fn opt_f64(&mut self, k: &str, v: Option<f64>) {
        if let Some(v) = v {
            write_f64(self.key(k), v);
        }
    }

    pub fn opt_bool(&mut self, k: &str, v: Option<bool>) {
        if let Some(v) = v {
            self.key(k).push_str(if v { "true" } else { "false" });
        }
    }

    /// An array of items, each written by `f`.
    pub fn array<T>(&mut self, k: &str, items: &[T], f: impl FnMut(&T, &mut String)) {
        write_array(self.key(k), items, f);
    }

    /// Closes the object (`}`).
    pub fn end(self) {
        self.out.push('}');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(s: &str) -> Value<'_> {
        parse_str(s).unwrap_or_else(|e| panic!("{s:?}: {e}"))
    }

    #[test]
    fn accepts() {
        assert_eq!(ok(" null "), Value::Null);
        assert_eq!(
            ok("[true,false]"),
            Value::Array(vec![Value::Bool(true), Value::Bool(false)])
        );
        for n in [
            "0",
            "-0",
            "1",
            "-12",
            "0.5",
            "1e5",
            "1E+5",
            "1.5e-3",
            "123456789012345678901234567890",
        ] {
            match ok(n) {
                Value::Number(x) => assert_eq!(x.raw(), n),
                v => panic!("{v:?}"),
            }
        }
        assert!(matches!(
            ok(r#""abc""#),
            Value::String(Cow::Borrowed("abc"))
        ));
        assert_eq!(
            ok(r#""a\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00""#).as_str(),
            Some("a\"\\/\u{8}\u{c}\n\r\t\u{e9}\u{1F600}")
        );
        assert_eq!(ok("\"h\u{e9}llo\"").as_str(), Some("h\u{e9}llo"));
        let v = ok(r#"{"a":1,"a":2,"b":{}}"#);
        match v {
            Value::Object(m) => assert_eq!(m.len(), 3),
            _ => panic!(),
        }
        let deep = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        ok(&deep);
    }

    #[test]
    fn rejects() {
        for s in [
            "",
            " ",
            "[1,]",
            "{\"a\":1,}",
            "01",
            "-",
            "1.",
            ".5",
            "1e",
            "+1",
            "NaN",
            "Infinity",
            "[1 2]",
            "{\"a\" 1}",
            "{a:1}",
            "'a'",
            "\"\\x\"",
            "\"\\ud800\"",
            "\"\\udc00\"",
            "\"\\ud800\\u0041\"",
            "\"a\nb\"",
            "\"\t\"",
            "[1] x",
            "// c\n1",
            "/* c */1",
            "tru",
            "nul",
            "[",
            "{",
            "\"abc",
            "\u{feff}1",
            "\"\\u12\"",
            "[1,,2]",
            "{\"a\":}",
            "1 1",
        ] {
            assert!(parse_str(s).is_err(), "{s:?}");
        }
        assert!(parse(&[b'"', 0xff, b'"']).is_err());
        let deep = "[".repeat(MAX_DEPTH + 1);
        assert_eq!(parse_str(&deep).unwrap_err().message, "nesting too deep");
        let e = parse_str("{\n  \"a\": tru }").unwrap_err();
        assert_eq!((e.line, e.column, e.offset), (2, 8, 9));
    }

    #[test]
    fn lossy_matches_std() {
        let cases: [&[u8]; 8] = [
            b"",
            b"plain",
            "h\u{e9}llo \u{1F600}".as_bytes(),
            b"\xff",
            b"a\xffb\xfe",
            b"\xe2\x82",
            b"x\xe2\x82y\xf0\x9f\x98",
            b"\xed\xa0\x80\xc0\xaf",
        ];
        for b in cases {
            assert_eq!(lossy(b), String::from_utf8_lossy(b), "{b:?}");
        }
    }

    #[test]
    fn hostile_depth_is_fast() {
        let deep = "[".repeat(100_000);
        assert!(parse_str(&deep).is_err());
        let deep = "{\"a\":".repeat(100_000);
        assert!(parse_str(&deep).is_err());
    }

    #[test]
    fn numbers() {
        let n = Number::from_text("0.125").unwrap();
        assert_eq!(n.as_f64(), Some(0.125));
        assert_eq!(n.as_u64(), None);
        assert_eq!(Number::from_text("1e400").unwrap().as_f64(), None);
        assert_eq!(
            Number::from_text("18446744073709551616").unwrap().as_u64(),
            None
        );
        assert_eq!(Number::from_text("-5").unwrap().as_i64(), Some(-5));
        assert_eq!(Number::from_text("-5").unwrap().as_u64(), None);
        for bad in ["", " 1", "1 ", "inf", "NaN", "0x1", "+1", ".5", "5."] {
            assert!(Number::from_text(bad).is_none(), "{bad:?}");
        }
    }

    #[test]
    fn writes() {
        let mut s = String::new();
        write_str(&mut s, "a\"b\\c\n\u{1}\u{e9}");
        assert_eq!(s, r#""a\"b\\c\n\u0001é""#);
        let mut s = String::new();
        let mut o = ObjWriter::new(&mut s);
        o.str("a", "x");
        o.opt_str("b", None);
        o.opt_f64("c", Some(0.1));
        o.opt_f64("d", Some(1e300));
        o.opt_bool("e", Some(false));
        o.array("f", &[1i64, 2], |v, out| write_i64(out, *v));
        o.end();
        let expect = format!(
            r#"{{"a":"x","c":0.1,"d":1{},"e":false,"f":[1,2]}}"#,
            "0".repeat(300)
        );
        assert_eq!(s, expect);
        assert_eq!(
            ok(&s).get("d").and_then(|v| match v {
                Value::Number(n) => n.as_f64(),
                _ => None,
            }),
            Some(1e300)
        );
    }
}
