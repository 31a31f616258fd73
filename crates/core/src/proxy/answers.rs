//! What the proxy answers: every status, header and body it sends, decided here (the wasm
//! handler only turns an [`Answer`] into a `Response`), and its log line.

use dcs_tasks_parse::error::{cat, DcsError, ErrorCode, Reason};
use dcs_tasks_parse::model::to_json;

use super::codes::ProxyCode;
use super::routes::{refuse, Refusal};
use crate::call::RawResponse;

/// The Content-Security-Policy of every answer that is not a page: nothing in it ever runs,
/// even when its URL is opened in a tab.
pub const API_CSP: &str = "default-src 'none'; frame-ancestors 'none'; sandbox";
/// The Content-Security-Policy of the page (static `.html`).
pub const PAGE_CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'";
/// The Content-Type of every API and mirror answer.
pub const JSON_TYPE: &str = "application/json; charset=utf-8";
/// What a CORS preflight may ask for.
pub const ALLOW_HEADERS: &str =
    "Authorization, Content-Type, X-Project-Id, X-Auth-Token, X-Sdk-Date, X-Security-Token";

/// One answer: status, headers and body, complete once [`Answer::finish`] has added the
/// headers every answer carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    /// None for 204 and 304 (and for a HEAD the host strips it).
    pub body: Option<Vec<u8>>,
    /// An error answer's `code` (for the log line).
    pub code: Option<ProxyCode>,
}

/// An error answer's body.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct ErrorJson<'a> {
    code: ProxyCode,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    request_id: Option<&'a str>,
}

impl Answer {
    /// A JSON answer.
    pub fn json(status: u16, body: String) -> Answer {
        Answer {
            status,
            body: Some(body.into_bytes()),
            headers: vec![("Content-Type", JSON_TYPE.into())],
            code: None,
        }
    }

    /// A JSON answer never cached.
    pub fn fresh_json(status: u16, body: String) -> Answer {
        let mut a = Answer::json(status, body);
        a.headers.push(("Cache-Control", "no-store".into()));
        a
    }

    /// `{code, message, requestId?}`, never cached; `X-Request-Id` when there is one.
    /// A permanent redirect to `location` (a path of this proxy), not cached by anyone.
    pub fn redirect(location: String) -> Answer {
        Answer {
            status: 308,
            headers: vec![("Location", location), ("Cache-Control", "no-store".into())],
            body: None,
            code: None,
        }
    }

    pub fn error(status: u16, code: ProxyCode, message: &str, request_id: Option<&str>) -> Answer {
        let body = to_json(&ErrorJson {
            code,
            message,
            request_id,
        });
        let mut a = Answer::fresh_json(status, body);
        a.code = Some(code);
        if let Some(id) = request_id {
            a.headers.push(("X-Request-Id", id.to_string()));
        }
        a
    }

    /// A refusal as its answer.
    pub fn refusal(r: &Refusal) -> Answer {
        Answer::error(r.status, r.code, &r.message, None)
    }

    /// Adds what every answer carries: `nosniff`; [`API_CSP`] unless it is a page with its
    /// own; CORS for an allowed `Origin` (never `*`); `Vary: Origin`. No body on 204/304.
    pub fn finish(mut self, cors: Option<&str>) -> Answer {
        self.headers
            .push(("X-Content-Type-Options", "nosniff".into()));
        if !self
            .headers
            .iter()
            .any(|(k, _)| *k == "Content-Security-Policy")
        {
            self.headers
                .push(("Content-Security-Policy", API_CSP.into()));
        }
        if let Some(o) = cors {
            self.headers
                .push(("Access-Control-Allow-Origin", o.to_string()));
            self.headers
                .push(("Access-Control-Expose-Headers", "X-Request-Id, ETag".into()));
        }
        // Every request header that chose the answer: the origin (CORS) and the caller's token.
        self.headers.push(("Vary", VARY.into()));
        if matches!(self.status, 204 | 304) {
            self.body = None;
        }
        self
    }

    /// The value of header `name` (as written here).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// The `Vary` of every answer: the headers that choose it.
pub const VARY: &str = "Origin, Authorization, X-Auth-Token";

/// A CORS preflight's answer: 204 with every method and header a route of this proxy takes.
/// A preflight carries no credentials, so it answers every caller alike: it never tells whether
/// `ENABLE_DELETE` is set (a DELETE is refused, 403 `DELETE_DISABLED`, to an admitted caller).
pub fn preflight() -> Answer {
    let methods = "GET, DELETE, OPTIONS";
    Answer {
        status: 204,
        body: None,
        code: None,
        headers: vec![
            ("Access-Control-Allow-Methods", methods.into()),
            ("Access-Control-Allow-Headers", ALLOW_HEADERS.into()),
            ("Access-Control-Max-Age", "600".into()),
        ],
    }
}

/// A list answer: short private caching and an ETag; 304 when the caller has it.
pub fn cacheable(status: u16, body: Vec<u8>, if_none_match: Option<&str>) -> Answer {
    let tag = etag(&body);
    let mut a = Answer {
        status,
        body: Some(body),
        headers: vec![("Content-Type", JSON_TYPE.into())],
        code: None,
    };
    if status == 200 {
        a.headers
            .push(("Cache-Control", "private, max-age=5".into()));
        if etag_matches(if_none_match, &tag) {
            a.status = 304;
            a.body = None;
        }
        a.headers.push(("ETag", tag));
    } else {
        a.headers.push(("Cache-Control", "no-store".into()));
    }
    a
}

/// A failed upstream call as the proxy's JSON error. A redirect is told by its status alone,
/// as on the mirror routes; a 4xx is the caller's to see; a 5xx or anything else the upstream
/// answered is a bad gateway.
pub fn upstream_error(e: &DcsError) -> Answer {
    let rid = e.request_id();
    if let Some(Err(r)) = e
        .status()
        .filter(|s| (300..400).contains(s))
        .map(|s| relay_check(s, None, b""))
    {
        return Answer::error(r.status, r.code, &r.message, rid);
    }
    let (status, code) = match (e.code, e.reason) {
        (ErrorCode::Timeout, _) => (504, ProxyCode::UpstreamTimeout),
        (ErrorCode::Network, _) => (502, ProxyCode::UpstreamUnreachable),
        (ErrorCode::InvalidResponse, Some(Reason::BodyTooLarge)) => {
            (502, ProxyCode::UpstreamTooLarge)
        }
        (ErrorCode::InvalidResponse, _) => (502, ProxyCode::InvalidResponse),
        (ErrorCode::InvalidArgument, _) => (400, ProxyCode::InvalidRequest),
        (ErrorCode::HttpError, _) => match e.status() {
            Some(s @ 400..=499) => (s, ProxyCode::HttpError),
            _ => (502, ProxyCode::HttpError),
        },
        _ => (502, ProxyCode::UpstreamError),
    };
    Answer::error(status, code, &e.message, rid)
}

/// A mirror route's answer from the upstream's: passed back (status, JSON body, `X-Request-Id`)
/// when [`relay_check`] allows, as [`JSON_TYPE`]; else a 502 `BAD_UPSTREAM`. Lists are
/// cacheable, the rest never cached.
pub fn mirrored(resp: RawResponse, list: bool, if_none_match: Option<&str>) -> Answer {
    let rid = resp.request_id;
    if let Err(r) = relay_check(resp.status, resp.content_type.as_deref(), &resp.body) {
        return Answer::error(r.status, r.code, &r.message, rid.as_deref());
    }
    let mut a = if list {
        cacheable(resp.status, resp.body, if_none_match)
    } else {
        let mut a = Answer::fresh_json(resp.status, String::new());
        a.body = Some(resp.body);
        a
    };
    if let Some(id) = rid {
        a.headers.push(("X-Request-Id", id));
    }
    a
}

/// A static file's answer: the file with its type (pages with [`PAGE_CSP`] and no referrer),
/// 404 when the asset service has none, 502 when it failed.
pub fn asset(fetched: Result<Option<Vec<u8>>, ()>, content_type: &'static str) -> Answer {
    let body = match fetched {
        Ok(Some(b)) => b,
        Ok(None) => return Answer::error(404, ProxyCode::NotFound, "no such file", None),
        Err(()) => {
            return Answer::error(
                502,
                ProxyCode::AssetsError,
                "the static file service failed",
                None,
            )
        }
    };
    let mut a = Answer {
        status: 200,
        body: Some(body),
        code: None,
        headers: vec![
            ("Content-Type", content_type.into()),
            ("Cache-Control", "no-cache".into()),
        ],
    };
    if content_type.starts_with("text/html") {
        a.headers.push(("Content-Security-Policy", PAGE_CSP.into()));
        a.headers.push(("Referrer-Policy", "no-referrer".into()));
    }
    a
}

/// Is this `Content-Type` a JSON media type (`application/json`, `application/*+json`)?
fn is_json_type(content_type: &str) -> bool {
    let media = content_type.split(';').next().unwrap_or("").trim();
    let b = media.as_bytes();
    b.eq_ignore_ascii_case(b"application/json")
        || (b.len() > 17
            && b[..12].eq_ignore_ascii_case(b"application/")
            && b[b.len() - 5..].eq_ignore_ascii_case(b"+json"))
}

/// May an upstream answer on a mirror route be passed back? Only a non-redirect whose body
/// is empty or JSON (checked whole with serde_json: linear, depth-bounded) under a JSON
/// `Content-Type` (or none). The answer then goes out as [`JSON_TYPE`] with [`API_CSP`],
/// whatever the upstream called it. Anything else is a 502 `BAD_UPSTREAM` that carries the
/// upstream status, never its bytes or its `Location`.
pub fn relay_check(status: u16, content_type: Option<&str>, body: &[u8]) -> Result<(), Refusal> {
    let upstream = |what: &str| {
        refuse(
            502,
            ProxyCode::BadUpstream,
            cat(&[
                "DCS answered HTTP ",
                &status.to_string(),
                " ",
                what,
                ": not relayed",
            ]),
        )
    };
    if (300..400).contains(&status) {
        return Err(upstream("(a redirect)"));
    }
    if body.is_empty() {
        return Ok(());
    }
    if content_type.is_some_and(|t| !is_json_type(t))
        || serde_json::from_slice::<serde::de::IgnoredAny>(body).is_err()
    {
        return Err(upstream("with a body that is not JSON"));
    }
    Ok(())
}

/// A strong ETag of a body: `"` + 16 hex digits of its SHA-256 + `"`.
pub fn etag(body: &[u8]) -> String {
    let h = crate::sign::sha256(body);
    cat(&["\"", &crate::sign::hex(h.get(..8).unwrap_or(&[])), "\""])
}

/// Does `If-None-Match` match the ETag?
pub fn etag_matches(if_none_match: Option<&str>, tag: &str) -> bool {
    if_none_match
        .map(|v| {
            v.split(',').any(|t| {
                let t = t.trim();
                t == "*" || t == tag || t.strip_prefix("W/") == Some(tag)
            })
        })
        .unwrap_or(false)
}

/// The one log line of a request: method, path (no query), route, status, duration, error
/// code, upstream request ID, a note for the operator, and the upstream HTTP exchanges made.
/// Never a header, a query value or a secret.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Log {
    pub method: String,
    pub path: String,
    pub route: &'static str,
    pub code: Option<ProxyCode>,
    pub request_id: Option<String>,
    pub note: Option<String>,
    pub upstream_calls: Option<u32>,
}

/// A log line as serde writes it (absent fields omitted).
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct LogJson<'a> {
    proxy: &'a str,
    method: &'a str,
    path: &'a str,
    status: u16,
    ms: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    code: Option<ProxyCode>,
    #[serde(skip_serializing_if = "Option::is_none")]
    request_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    upstream_calls: Option<u32>,
}

impl Log {
    /// Notes an answer's error code and upstream request ID.
    pub fn answered(&mut self, a: &Answer) {
        if let Some(c) = a.code {
            self.code = Some(c);
        }
        if self.request_id.is_none() {
            self.request_id = a.header("X-Request-Id").map(str::to_string);
        }
    }

    /// The line, as JSON.
    pub fn line(&self, status: u16, ms: f64) -> String {
        to_json(&LogJson {
            proxy: self.route,
            method: &self.method,
            path: &self.path,
            status,
            ms: ms.round() as i64,
            code: self.code,
            request_id: self.request_id.as_deref(),
            note: self.note.as_deref(),
            upstream_calls: self.upstream_calls,
        })
    }
}
