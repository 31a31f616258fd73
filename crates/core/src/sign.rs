//! SDK-HMAC-SHA256, the request signature of the official Huawei Cloud SDKs, on RustCrypto's
//! `sha2` and `hmac` and the `percent-encoding` crate.
//!
//! Canonicalization follows the official Python signer (`huaweicloudsdkcore.signer.signer`)
//! byte for byte, as checked by the differential test in `tests/sign-oracle/`:
//! - URI: the whole raw path is percent-decoded (lenient: a `%` without two hex digits stays;
//!   invalid UTF-8 becomes U+FFFD), split on `/` (so `%2F` splits too), each segment
//!   re-encoded keeping only `A-Z a-z 0-9 - _ . ~` (upper-case hex), and `/` appended;
//! - query: `&`-separated pairs (empty ones skipped, `k` alone is `k=`), both sides decoded
//!   the same way (`+` is a literal plus), sorted by name then value, re-encoded the same way.
//!   The signed URL's query is rewritten to this canonical form, as the SDK sends it;
//! - headers: every header whose name has no `_` (the SDK never signs those), plus `Host`,
//!   names lower-cased and sorted, values trimmed;
//! - payload: the SHA-256 of the body; the empty hash for no body; when `Content-Type` is
//!   present and does not start with `application/json` or `application/bson`, the header
//!   `X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD` is added and signed, and (for a non-empty body)
//!   stands in for the hash.

use hmac::{Hmac, KeyInit, Mac};
use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use sha2::{Digest, Sha256};

use crate::field::{ArgError, Field};
use crate::query::{required_string, validate_string, Arg};
use crate::request::HttpRequest;
use dcs_tasks_parse::error::{cat, DcsError};
use dcs_tasks_parse::time;

/// The algorithm name, first word of `Authorization` and of the string to sign.
pub const ALGORITHM: &str = "SDK-HMAC-SHA256";
/// Hex SHA-256 of the empty string.
pub const EMPTY_HASH: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
/// Longest accepted access key and secret key.
pub const MAX_KEY_LEN: usize = 256;
/// Longest accepted security token (temporary credentials carry long ones).
pub const MAX_SECURITY_TOKEN_LEN: usize = 8192;

/// AK/SK credentials, with the security token of temporary credentials.
/// `Debug` shows the AK only: the SK and the token are redacted.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    pub ak: String,
    pub sk: String,
    pub security_token: Option<String>,
}

impl core::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Credentials")
            .field("ak", &self.ak)
            .field("sk", &"[redacted]")
            .field(
                "security_token",
                &self.security_token.as_ref().map(|_| "[redacted]"),
            )
            .finish()
    }
}

impl Credentials {
    /// Validated credentials. An empty token counts as none. Errors name [`Field::Ak`],
    /// [`Field::Sk`] or [`Field::SecurityToken`] and never quote the value.
    pub fn new(
        ak: impl Into<String>,
        sk: impl Into<String>,
        security_token: Option<String>,
    ) -> core::result::Result<Credentials, ArgError> {
        let c = Credentials {
            ak: ak.into(),
            sk: sk.into(),
            security_token: security_token.filter(|t| !t.is_empty()),
        };
        c.validate()?;
        Ok(c)
    }

    /// Credentials from loosely typed arguments (the client's `auth`, `signRequest`'s `cred`):
    /// `ak` and `sk` strings, `securityToken` an optional string, then [`Credentials::new`].
    pub fn from_args(
        ak: &Arg,
        sk: &Arg,
        security_token: &Arg,
    ) -> core::result::Result<Credentials, ArgError> {
        let ak = required_string(Field::Ak, ak)?;
        let sk = required_string(Field::Sk, sk)?;
        let token = validate_string(Field::SecurityToken, security_token)?;
        Credentials::new(ak, sk, token)
    }

    /// Checks the fields (they are public, so the signer checks them again).
    pub fn validate(&self) -> core::result::Result<(), ArgError> {
        check_secret(Field::Ak, &self.ak, MAX_KEY_LEN)?;
        if self.ak.contains(',') {
            return Err(ArgError::new(Field::Ak, "must not contain ','"));
        }
        check_secret(Field::Sk, &self.sk, MAX_KEY_LEN)?;
        match &self.security_token {
            Some(t) => check_secret(Field::SecurityToken, t, MAX_SECURITY_TOKEN_LEN),
            None => Ok(()),
        }
    }
}

/// How a request is authorized: not at all, with an IAM token, or signed with AK/SK. The
/// client's `auth` option and the proxy's upstream configuration are both one of these.
#[derive(Clone, PartialEq, Eq)]
pub enum Auth {
    None,
    /// An IAM token, sent as `X-Auth-Token`.
    Token(String),
    AkSk(Credentials),
}

/// What is wrong with `auth`'s keys ([`Auth::from_args`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthError {
    /// A token and AK/SK keys together: the object as a whole is wrong.
    Both,
    /// One key is wrong.
    Key(ArgError),
}

impl AuthError {
    /// The problem with the object as a whole.
    pub const BOTH: &'static str = "give either token or ak/sk, not both";
}

impl From<ArgError> for AuthError {
    fn from(e: ArgError) -> Self {
        AuthError::Key(e)
    }
}

/// The token is redacted: `Debug` output is safe to log.
impl core::fmt::Debug for Auth {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Auth::None => f.write_str("None"),
            Auth::Token(_) => f.write_str("Token([redacted])"),
            Auth::AkSk(c) => c.fmt(f),
        }
    }
}

impl Auth {
    /// `auth` from its keys: `{ token }` or `{ ak, sk, securityToken? }`, never a token with
    /// any of the others ([`AuthError::Both`]); a key's problem names its [`Field`].
    pub fn from_args(
        token: &Arg,
        ak: &Arg,
        sk: &Arg,
        security_token: &Arg,
    ) -> core::result::Result<Auth, AuthError> {
        if *token == Arg::Absent {
            return Ok(Auth::AkSk(Credentials::from_args(ak, sk, security_token)?));
        }
        if [ak, sk, security_token].iter().any(|a| **a != Arg::Absent) {
            return Err(AuthError::Both);
        }
        Ok(Auth::token(token)?)
    }

    /// An IAM token from its argument ([`Field::Token`]): a string by
    /// [`crate::rules::check_iam_token`]'s rule.
    pub fn token(token: &Arg) -> core::result::Result<Auth, ArgError> {
        let t = required_string(Field::Token, token)?;
        crate::rules::check_iam_token(&t).map_err(|m| ArgError::new(Field::Token, m))?;
        Ok(Auth::Token(t))
    }

    /// Does it sign (the request's time then matters: skew correction)?
    pub fn signs(&self) -> bool {
        matches!(self, Auth::AkSk(_))
    }

    /// The request with its authorization: the token's header, or signed at `now_ms`.
    pub fn apply(
        &self,
        req: HttpRequest,
        now_ms: i64,
    ) -> dcs_tasks_parse::error::Result<HttpRequest> {
        match self {
            Auth::None => Ok(req),
            Auth::Token(t) => {
                let mut req = req;
                req.set_header("X-Auth-Token", t.clone());
                Ok(req)
            }
            Auth::AkSk(c) => sign_request(&req, c, now_ms).map_err(DcsError::from),
        }
    }
}

/// Non-empty, at most `max` bytes, printable ASCII only (they travel in headers).
fn check_secret(field: Field, s: &str, max: usize) -> core::result::Result<(), ArgError> {
    let msg = if s.is_empty() {
        "must not be empty"
    } else if s.len() > max {
        "is too long"
    } else if !crate::rules::is_token_text(s) {
        "may hold only printable ASCII (no whitespace or control characters)"
    } else {
        return Ok(());
    };
    Err(ArgError::new(field, msg))
}

// ---------------------------------------------------------------- SHA-256 / HMAC

/// SHA-256 of `data` (RustCrypto `sha2`).
pub fn sha256(data: &[u8]) -> [u8; 32] {
    Sha256::digest(data).into()
}

/// HMAC-SHA256 (RFC 2104) of `data` under `key` (RustCrypto `hmac`).
pub fn hmac_sha256(key: &[u8], data: &[u8]) -> [u8; 32] {
    // HMAC takes keys of any length: `new_from_slice` cannot fail for it.
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(key) else {
        return [0; 32];
    };
    mac.update(data);
    mac.finalize().into_bytes().into()
}

/// Lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    use core::fmt::Write;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

// ---------------------------------------------------------------- percent-encoding

/// What the official signer escapes: everything but `A-Z a-z 0-9 - _ . ~` (Python's
/// `urllib.parse.quote(s, safe='~')`); `percent-encoding` writes upper-case hex, as it does.
const ESCAPED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Appends `s` percent-encoded (UTF-8, upper-case hex).
pub(crate) fn encode_into(out: &mut String, s: &str) {
    out.extend(utf8_percent_encode(s, ESCAPED));
}

/// Python's `urllib.parse.unquote`: `%XX` becomes a byte, any other `%` stays, and the
/// bytes are read as UTF-8 with U+FFFD for invalid sequences. `+` is not a space.
fn decode(s: &str) -> String {
    percent_decode_str(s).decode_utf8_lossy().into_owned()
}

/// Canonical URI of a raw path (as sent): decoded, split on `/`, each segment re-encoded,
/// always ending with `/`.
pub fn canonical_uri(raw_path: &str) -> String {
    let mut out = String::with_capacity(raw_path.len() + 1);
    for (i, seg) in decode(raw_path).split('/').enumerate() {
        if i > 0 {
            out.push('/');
        }
        encode_into(&mut out, seg);
    }
    if !out.ends_with('/') {
        out.push('/');
    }
    out
}

/// Canonical query of a raw query string (without `?`): pairs decoded, sorted by name then
/// value (code-point order, like Python's), re-encoded, joined `k=v&k=v`.
pub fn canonical_query(raw_query: &str) -> String {
    let mut pairs: Vec<(String, String)> = raw_query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect();
    pairs.sort_unstable();
    let mut out = String::with_capacity(raw_query.len());
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        encode_into(&mut out, k);
        out.push('=');
        encode_into(&mut out, v);
    }
    out
}

// ---------------------------------------------------------------- validation

/// A checked URL: `prefix` is everything before `?` (scheme, authority, path).
struct Url<'a> {
    prefix: &'a str,
    host: String,
    path: &'a str,
    query: Option<&'a str>,
}

/// What signing refuses: an argument, named by its [`Field`] (the request's `url`, `method`,
/// `headers`; the credentials'; the `date`).
type Result<T> = core::result::Result<T, ArgError>;

fn url_err(msg: &str) -> ArgError {
    ArgError::new(Field::Url, msg)
}

/// Parses `http(s)://host[:port][/path][?query]` by the crate's one URL rule set
/// ([`crate::url`]); the host is returned as fetch sends it in `Host`: lower-cased, without
/// the scheme's default port. `.` and `..` segments (also as `%2e`) are refused: fetch would
/// resolve them and send a path other than the one signed.
fn parse_url(url: &str) -> Result<Url<'_>> {
    let u = crate::url::parse(url).map_err(url_err)?;
    for seg in u.path.split('/') {
        if matches!(decode(seg).as_str(), "." | "..") {
            return Err(url_err("must not contain '.' or '..' path segments"));
        }
    }
    Ok(Url {
        prefix: url
            .get(..url.len() - u.query.map_or(0, |q| q.len() + 1))
            .unwrap_or(url),
        host: u.authority(),
        path: if u.path.is_empty() { "/" } else { u.path },
        query: u.query,
    })
}

/// An RFC 7230 token (method and header names).
fn is_token(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// Checks a request to sign: its method, its headers and its URL (the errors name
/// [`Field::Method`], [`Field::Headers`], [`Field::Url`]).
pub fn check_request(req: &HttpRequest) -> Result<()> {
    checked_url(req).map(|_| ())
}

/// [`check_request`], returning the parsed URL.
fn checked_url(req: &HttpRequest) -> Result<Url<'_>> {
    if !is_token(&req.method) {
        return Err(ArgError::new(Field::Method, "must be an HTTP method token"));
    }
    for (i, (k, v)) in req.headers.iter().enumerate() {
        if !is_token(k) {
            return Err(ArgError::new(
                Field::Headers,
                "a header name is not an RFC 7230 token",
            ));
        }
        if v.chars().any(|c| (c < ' ' && c != '\t') || c == '\x7f') {
            return Err(ArgError::new(
                Field::Headers,
                cat(&[
                    "the value of ",
                    k,
                    " holds control characters (CR, LF, NUL...)",
                ]),
            ));
        }
        if req.headers[..i]
            .iter()
            .any(|(p, _)| p.eq_ignore_ascii_case(k))
        {
            return Err(ArgError::new(Field::Headers, cat(&[k, " is given twice"])));
        }
    }
    parse_url(&req.url)
}

/// The signing time from its argument (absent: `None`, sign at the current time): a `Date`
/// within 1970..9999 (the error names [`Field::Date`]).
pub fn signing_time(date: &Arg) -> Result<Option<i64>> {
    match date {
        Arg::Absent => Ok(None),
        Arg::Date(ms) if ms.is_finite() && (0.0..=time::MAX_MS as f64).contains(ms) => {
            Ok(Some(*ms as i64))
        }
        Arg::Date(_) => Err(ArgError::new(Field::Date, "is an invalid Date")),
        _ => Err(ArgError::new(Field::Date, "must be a Date")),
    }
}

// ---------------------------------------------------------------- signing

/// The canonical request of `method url` with exactly `headers` signed (those whose name
/// has no `_`; Host is NOT added here) and the given payload hash. Returns the canonical
/// request and the `;`-joined signed header list.
pub fn canonical_request(
    method: &str,
    url: &str,
    headers: &[(String, String)],
    payload_hash: &str,
) -> Result<(String, String)> {
    let u = parse_url(url)?;
    let mut hs: Vec<(String, String)> = headers
        .iter()
        .filter(|(k, _)| !k.contains('_'))
        .map(|(k, v)| (k.to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    hs.sort_unstable();
    let mut c = method.to_ascii_uppercase();
    c.push('\n');
    c.push_str(&canonical_uri(u.path));
    c.push('\n');
    c.push_str(&canonical_query(u.query.unwrap_or("")));
    c.push('\n');
    let mut list = String::new();
    for (k, v) in &hs {
        c.push_str(k);
        c.push(':');
        c.push_str(v);
        c.push('\n');
        if !list.is_empty() {
            list.push(';');
        }
        list.push_str(k);
    }
    c.push('\n');
    c.push_str(&list);
    c.push('\n');
    c.push_str(payload_hash);
    Ok((c, list))
}

/// `SDK-HMAC-SHA256\n{sdk_date}\n{hex sha256(canonical request)}`
pub fn string_to_sign(sdk_date: &str, canonical_request: &str) -> String {
    let mut s = String::with_capacity(100);
    s.push_str(ALGORITHM);
    s.push('\n');
    s.push_str(sdk_date);
    s.push('\n');
    s.push_str(&hex(&sha256(canonical_request.as_bytes())));
    s
}

/// Lower-hex HMAC-SHA256 of the string to sign under the secret key.
pub fn signature(sk: &str, string_to_sign: &str) -> String {
    hex(&hmac_sha256(sk.as_bytes(), string_to_sign.as_bytes()))
}

/// Signs a bodiless request: see [`sign_request_with_body`].
pub fn sign_request(req: &HttpRequest, cred: &Credentials, now_ms: i64) -> Result<HttpRequest> {
    sign_request_with_body(req, cred, now_ms, &[])
}

/// Signs `req` (with `body`) at `now_ms`: drops any `Authorization`, sets `X-Sdk-Date`,
/// `X-Security-Token` (temporary credentials) and, for a non-JSON `Content-Type`,
/// `X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD`; signs every header plus `Host` (taken from
/// the URL unless the request carries one; never added to the returned headers, since
/// fetch forbids it); adds `Authorization`; and rewrites the URL's query in canonical
/// form (sorted, encoded), as the official SDK sends it.
pub fn sign_request_with_body(
    req: &HttpRequest,
    cred: &Credentials,
    now_ms: i64,
    body: &[u8],
) -> Result<HttpRequest> {
    cred.validate()?;
    let u = checked_url(req)?;
    if !(time::MIN_MS..=time::MAX_MS).contains(&now_ms) {
        return Err(ArgError::new(Field::Date, "must be within 1970..9999"));
    }
    let mut out = req.clone();
    out.headers
        .retain(|(k, _)| !k.eq_ignore_ascii_case("authorization"));
    if let Some(ct) = out.header("content-type") {
        if !ct.starts_with("application/json") && !ct.starts_with("application/bson") {
            out.set_header("X-Sdk-Content-Sha256", "UNSIGNED-PAYLOAD");
        }
    }
    let date = time::format_sdk_date(now_ms);
    out.set_header("X-Sdk-Date", date.clone());
    if let Some(t) = &cred.security_token {
        out.set_header("X-Security-Token", t.clone());
    }
    let payload = match (body.is_empty(), out.header("x-sdk-content-sha256")) {
        (true, _) => EMPTY_HASH.to_string(),
        (false, Some(h)) => h.to_string(),
        (false, None) => hex(&sha256(body)),
    };
    let mut signed = out.headers.clone();
    if out.header("host").is_none() {
        signed.push(("host".to_string(), u.host.clone()));
    }
    let (canonical, list) = canonical_request(&out.method, &out.url, &signed, &payload)?;
    let sig = signature(&cred.sk, &string_to_sign(&date, &canonical));
    let mut auth = String::with_capacity(120 + cred.ak.len() + list.len());
    auth.push_str(ALGORITHM);
    auth.push_str(" Access=");
    auth.push_str(&cred.ak);
    auth.push_str(", SignedHeaders=");
    auth.push_str(&list);
    auth.push_str(", Signature=");
    auth.push_str(&sig);
    out.headers.push(("Authorization".to_string(), auth));
    let q = canonical_query(u.query.unwrap_or(""));
    let mut url = u.prefix.to_string();
    if !q.is_empty() {
        url.push('?');
        url.push_str(&q);
    }
    out.url = url;
    Ok(out)
}

/// The request with IAM token authentication (`X-Auth-Token`) instead of a signature.
pub fn token_request(req: &HttpRequest, token: &str) -> HttpRequest {
    let mut out = req.clone();
    out.set_header("X-Auth-Token", token);
    out
}
