//! The edge proxy's decisions, sans-IO: configuration from the worker's environment,
//! routing and validation of every incoming path and query, who may call, and CORS.
//! The I/O half (wasm only) is [`crate::proxy`].

use crate::endpoint::{self, Endpoint};
use crate::error::cat;
use crate::query::{self, Arg, ListQuery};
use crate::sign::Credentials;

/// Longest request target (path + query) the proxy looks at.
pub const MAX_TARGET_LEN: usize = 2048;
/// Default upstream deadline and body cap.
pub const DEFAULT_UPSTREAM_TIMEOUT_MS: u32 = 15_000;
pub const DEFAULT_MAX_UPSTREAM_BYTES: usize = 8 * 1024 * 1024;
/// `all=1` never gathers more than this many tasks.
pub const MAX_ALL_TASKS: u64 = 20_000;
/// `all=1` pages upstream at the API's largest page, whatever the caller's `limit` says: one
/// proxy request makes at most ⌈tasks / 1,000⌉ upstream calls (plus the pager's re-fetch
/// bound, [`crate::policy::MAX_REFETCHES`]).
pub const ALL_PAGE_SIZE: u32 = query::MAX_LIMIT;
/// The Content-Security-Policy of every answer that is not a page: nothing in it ever runs,
/// even when its URL is opened in a tab.
pub const API_CSP: &str = "default-src 'none'; frame-ancestors 'none'; sandbox";
/// The Content-Type of every API and mirror answer.
pub const JSON_TYPE: &str = "application/json; charset=utf-8";

/// How the proxy authenticates upstream.
#[derive(Debug)]
pub enum UpstreamAuth {
    AkSk(Credentials),
    Token(String),
}

/// The proxy's validated configuration. `Debug` never shows secrets (Credentials
/// redacts itself; the tokens are redacted below).
pub struct ProxyConfig {
    pub auth: UpstreamAuth,
    pub project_id: String,
    pub endpoint: Endpoint,
    pub allowed_origins: Vec<String>,
    pub proxy_token: Option<String>,
    /// `PUBLIC_ACCESS=read`: the read routes answer anyone, token or not.
    pub public_read: bool,
    /// `TRUST_LOOPBACK=true`: callers on a loopback host need no token (a developer's stack).
    pub trust_loopback: bool,
    pub allowed_instances: Option<Vec<String>>,
    pub enable_delete: bool,
    pub demo_instance: Option<String>,
    pub upstream_timeout_ms: u32,
    pub max_upstream_bytes: usize,
}

impl core::fmt::Debug for ProxyConfig {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("ProxyConfig")
            .field(
                "auth",
                &match self.auth {
                    UpstreamAuth::AkSk(ref c) => format!("{c:?}"),
                    UpstreamAuth::Token(_) => "Token([redacted])".to_string(),
                },
            )
            .field("project_id", &self.project_id)
            .field("endpoint", &self.endpoint.base_url())
            .field("allowed_origins", &self.allowed_origins)
            .field(
                "proxy_token",
                &self.proxy_token.as_ref().map(|_| "[redacted]"),
            )
            .field("public_read", &self.public_read)
            .field("trust_loopback", &self.trust_loopback)
            .field("allowed_instances", &self.allowed_instances)
            .field("enable_delete", &self.enable_delete)
            .finish()
    }
}

/// A configuration problem: the variable's name, never its value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub variable: &'static str,
    pub message: String,
}

fn cfg_err(variable: &'static str, message: impl Into<String>) -> ConfigError {
    ConfigError {
        variable,
        message: cat(&[variable, " ", &message.into()]),
    }
}

fn list(v: &str) -> Vec<String> {
    v.split(',')
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .map(|s| s.to_string())
        .collect()
}

fn flag(variable: &'static str, v: Option<String>) -> Result<bool, ConfigError> {
    match v.as_deref().map(|s| s.trim().to_ascii_lowercase()) {
        None => Ok(false),
        Some(s) if s.is_empty() || s == "0" || s == "false" || s == "no" || s == "off" => Ok(false),
        Some(s) if s == "1" || s == "true" || s == "yes" || s == "on" => Ok(true),
        Some(_) => Err(cfg_err(variable, "must be true or false")),
    }
}

fn number(
    variable: &'static str,
    v: Option<String>,
    min: u64,
    max: u64,
    default: u64,
) -> Result<u64, ConfigError> {
    match v {
        None => Ok(default),
        Some(s) => {
            let t = s.trim();
            match crate::text::digits(t.strip_prefix('+').unwrap_or(t)) {
                Some(n) if (min..=max).contains(&n) => Ok(n),
                _ => {
                    let mut m = String::from("must be an integer from ");
                    m.push_str(&(min).to_string());
                    m.push_str(" to ");
                    m.push_str(&(max).to_string());
                    Err(cfg_err(variable, m))
                }
            }
        }
    }
}

/// An `ALLOWED_ORIGINS` entry as a browser writes `Origin` (lower-cased, no default port),
/// or `None` when it is not a bare `scheme://host[:port]`.
fn canonical_origin(o: &str) -> Option<String> {
    let u = crate::url::parse(o).ok()?;
    (u.path.is_empty() && u.query.is_none()).then(|| u.origin())
}

impl ProxyConfig {
    /// Is `TRUST_LOOPBACK` set to true? Read on its own, for a configuration that failed as a
    /// whole: only then is a loopback caller told which variable is wrong.
    pub fn loopback_trusted(get: impl Fn(&str) -> Option<String>) -> bool {
        flag("TRUST_LOOPBACK", get("TRUST_LOOPBACK")).unwrap_or(false)
    }

    /// Reads the configuration; `get` returns a variable's value (absent or empty = unset).
    pub fn from_env(get: impl Fn(&str) -> Option<String>) -> Result<ProxyConfig, ConfigError> {
        let get = |k: &str| get(k).filter(|v| !v.trim().is_empty());
        let project_id = get("HUAWEICLOUD_SDK_PROJECT_ID")
            .ok_or_else(|| cfg_err("HUAWEICLOUD_SDK_PROJECT_ID", "is not set"))?;
        query::check_id("HUAWEICLOUD_SDK_PROJECT_ID", &project_id).map_err(|_| {
            cfg_err(
                "HUAWEICLOUD_SDK_PROJECT_ID",
                "must be 1-64 characters of A-Z a-z 0-9 - _",
            )
        })?;
        let endpoint = match (get("DCS_ENDPOINT"), get("DCS_REGION")) {
            (Some(e), _) => endpoint::parse_endpoint(e.trim()).map_err(|e| {
                cfg_err(
                    "DCS_ENDPOINT",
                    e.message
                        .strip_prefix("endpoint: ")
                        .unwrap_or(&e.message)
                        .to_string(),
                )
            })?,
            (None, Some(r)) => endpoint::region_endpoint(r.trim()).map_err(|_| {
                cfg_err(
                    "DCS_REGION",
                    "is not a known DCS region (set DCS_ENDPOINT instead)",
                )
            })?,
            (None, None) => return Err(cfg_err("DCS_REGION", "or DCS_ENDPOINT must be set")),
        };
        let auth = match (
            get("HUAWEICLOUD_SDK_AK"),
            get("HUAWEICLOUD_SDK_SK"),
            get("DCS_AUTH_TOKEN"),
        ) {
            (Some(ak), Some(sk), _) => {
                let token = get("HUAWEICLOUD_SDK_SECURITY_TOKEN");
                UpstreamAuth::AkSk(Credentials::new(ak, sk, token).map_err(|e| {
                    let var = match e.field.as_deref() {
                        Some("auth.ak") => "HUAWEICLOUD_SDK_AK",
                        Some("auth.securityToken") => "HUAWEICLOUD_SDK_SECURITY_TOKEN",
                        _ => "HUAWEICLOUD_SDK_SK",
                    };
                    cfg_err(var, "is not a valid credential")
                })?)
            }
            (Some(_), None, _) => {
                return Err(cfg_err(
                    "HUAWEICLOUD_SDK_SK",
                    "is not set (HUAWEICLOUD_SDK_AK is)",
                ))
            }
            (None, Some(_), _) => {
                return Err(cfg_err(
                    "HUAWEICLOUD_SDK_AK",
                    "is not set (HUAWEICLOUD_SDK_SK is)",
                ))
            }
            (None, None, Some(t)) => {
                if t.bytes().any(|b| !(0x21..=0x7e).contains(&b)) {
                    return Err(cfg_err(
                        "DCS_AUTH_TOKEN",
                        "must be printable ASCII without spaces",
                    ));
                }
                UpstreamAuth::Token(t)
            }
            (None, None, None) => {
                return Err(cfg_err(
                    "HUAWEICLOUD_SDK_AK",
                    "and HUAWEICLOUD_SDK_SK (or DCS_AUTH_TOKEN) must be set",
                ))
            }
        };
        let allowed_origins = get("ALLOWED_ORIGINS")
            .map(|v| list(&v))
            .unwrap_or_default()
            .iter()
            .map(|o| canonical_origin(o))
            .collect::<Option<Vec<String>>>()
            .ok_or_else(|| {
                cfg_err(
                    "ALLOWED_ORIGINS",
                    "must be a comma-separated list of origins like https://console.example.com (no path, no trailing slash, no *)",
                )
            })?;
        let proxy_token = get("PROXY_TOKEN");
        if let Some(t) = &proxy_token {
            if t.len() < 16 || t.bytes().any(|b| !(0x21..=0x7e).contains(&b)) {
                return Err(cfg_err(
                    "PROXY_TOKEN",
                    "must be at least 16 printable ASCII characters",
                ));
            }
        }
        let allowed_instances = match get("ALLOWED_INSTANCES") {
            None => None,
            Some(v) => {
                let l = list(&v);
                if l.is_empty() || l.iter().any(|i| query::check_id("x", i).is_err()) {
                    return Err(cfg_err(
                        "ALLOWED_INSTANCES",
                        "must be a comma-separated list of instance IDs",
                    ));
                }
                Some(l)
            }
        };
        let demo_instance = match get("DEMO_INSTANCE") {
            None => None,
            Some(d) => {
                query::check_id("x", &d)
                    .map_err(|_| cfg_err("DEMO_INSTANCE", "is not a valid instance ID"))?;
                Some(d)
            }
        };
        Ok(ProxyConfig {
            auth,
            project_id,
            endpoint,
            allowed_origins,
            proxy_token,
            public_read: match get("PUBLIC_ACCESS").map(|v| v.trim().to_ascii_lowercase()) {
                None => false,
                Some(v) if v == "none" => false,
                Some(v) if v == "read" => true,
                Some(_) => return Err(cfg_err("PUBLIC_ACCESS", "must be read or none")),
            },
            trust_loopback: flag("TRUST_LOOPBACK", get("TRUST_LOOPBACK"))?,
            allowed_instances,
            enable_delete: flag("ENABLE_DELETE", get("ENABLE_DELETE"))?,
            demo_instance,
            upstream_timeout_ms: number(
                "UPSTREAM_TIMEOUT_MS",
                get("UPSTREAM_TIMEOUT_MS"),
                100,
                120_000,
                DEFAULT_UPSTREAM_TIMEOUT_MS as u64,
            )? as u32,
            max_upstream_bytes: number(
                "MAX_UPSTREAM_BYTES",
                get("MAX_UPSTREAM_BYTES"),
                1024,
                64 * 1024 * 1024,
                DEFAULT_MAX_UPSTREAM_BYTES as u64,
            )? as usize,
        })
    }

    /// What the caller sent for `PROXY_TOKEN`: `Authorization: Bearer <it>` or, so that any
    /// DCS client works unchanged, `X-Auth-Token: <it>`. Compared in constant time. Without
    /// `PROXY_TOKEN` configured nothing a caller sends is a token: always `Missing`.
    pub fn caller_token(&self, authorization: Option<&str>, x_auth_token: Option<&str>) -> Token {
        let Some(expected) = &self.proxy_token else {
            return Token::Missing;
        };
        let bearer = authorization.and_then(|a| {
            let a = a.trim();
            // Byte-wise: a header may hold non-ASCII, and slicing a str mid-character panics.
            let b = a.as_bytes();
            (b.len() > 7 && b[..7].eq_ignore_ascii_case(b"bearer "))
                .then(|| a.get(7..).unwrap_or("").trim())
        });
        let a = bearer
            .map(|b| ct_eq(b.as_bytes(), expected.as_bytes()))
            .unwrap_or(false);
        let b = x_auth_token
            .map(|t| ct_eq(t.trim().as_bytes(), expected.as_bytes()))
            .unwrap_or(false);
        if a | b {
            Token::Valid
        } else if authorization.is_some() || x_auth_token.is_some() {
            Token::Wrong
        } else {
            Token::Missing
        }
    }

    /// Does this caller carry the configured `PROXY_TOKEN`?
    pub fn caller_authorized(
        &self,
        authorization: Option<&str>,
        x_auth_token: Option<&str>,
    ) -> bool {
        self.caller_token(authorization, x_auth_token) == Token::Valid
    }

    /// May a caller use an API route (`/api/...` or a DCS mirror route) with `method`?
    /// Closed by default:
    ///
    /// | configured | loopback caller | other callers |
    /// | --- | --- | --- |
    /// | nothing | nothing (401 `TOKEN_REQUIRED`) | nothing (401 `TOKEN_REQUIRED`) |
    /// | `TRUST_LOOPBACK=true` | everything | nothing (401 `TOKEN_REQUIRED`) |
    /// | `PUBLIC_ACCESS=read` | reads (everything with `TRUST_LOOPBACK`) | reads; DELETE 401 `TOKEN_REQUIRED` |
    /// | `PROXY_TOKEN` | with the token | with the token |
    /// | both | reads; DELETE with the token | reads; DELETE with the token |
    ///
    /// `TRUST_LOOPBACK` has no effect once `PROXY_TOKEN` is set. A refusal names
    /// `PROXY_TOKEN` and nothing of the configuration.
    pub fn admit(&self, method: &str, caller: Caller, token: Token) -> Result<(), Refusal> {
        let read = matches!(method, "GET" | "HEAD");
        match (self.proxy_token.is_some(), token) {
            (true, Token::Valid) => Ok(()),
            _ if read && self.public_read => Ok(()),
            (false, _) if caller == Caller::Loopback && self.trust_loopback => Ok(()),
            (false, _) => Err(refuse(
                401,
                "TOKEN_REQUIRED",
                "this proxy answers API requests only with a token: set PROXY_TOKEN on it and send it as Authorization: Bearer <PROXY_TOKEN>",
            )),
            (true, Token::Wrong) => Err(refuse(
                401,
                "UNAUTHORIZED",
                "the proxy token is not valid: send Authorization: Bearer <PROXY_TOKEN>",
            )),
            (true, _) => Err(refuse(
                401,
                "TOKEN_REQUIRED",
                "send the proxy token as Authorization: Bearer <PROXY_TOKEN> (or X-Auth-Token)",
            )),
        }
    }

    /// Is this `Origin` allowed? The proxy's own origin always is.
    pub fn origin_allowed(&self, origin: &str, own_origin: &str) -> bool {
        origin == own_origin || self.allowed_origins.iter().any(|o| o == origin)
    }

    pub fn instance_allowed(&self, instance: &str) -> bool {
        self.allowed_instances
            .as_ref()
            .map(|l| l.iter().any(|i| i == instance))
            .unwrap_or(true)
    }
}

/// What a caller sent for the proxy token (see [`ProxyConfig::caller_token`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Token {
    Missing,
    Wrong,
    Valid,
}

/// Where a request comes from, as far as the proxy can tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caller {
    /// Addressed to a loopback host (`localhost`, `127.0.0.0/8`, `[::1]`) and not forwarded.
    Loopback,
    Other,
}

impl Caller {
    /// A request is loopback when its URL's host is (see [`crate::url::is_loopback`]) and
    /// it was not relayed: no `Forwarded` header, and `CF-Connecting-IP`, `X-Forwarded-For`
    /// and `X-Real-IP` (read through `header`, by lower-case name) absent or naming only
    /// loopback addresses. A request from elsewhere (the Cloudflare edge, a tunnel, a
    /// reverse proxy) is not loopback whatever its `Host` says. Linear in the headers.
    pub fn of(url_host_loopback: bool, header: impl Fn(&str) -> Option<String>) -> Caller {
        let local_ip = |ip: &str| {
            let ip = ip.trim();
            ip == "::1" || ip == "[::1]" || (ip.starts_with("127.") && crate::url::is_loopback(ip))
        };
        let relayed = header("forwarded").is_some()
            || ["cf-connecting-ip", "x-forwarded-for", "x-real-ip"]
                .iter()
                .any(|h| header(h).is_some_and(|v| !v.split(',').all(local_ip)));
        if url_host_loopback && !relayed {
            Caller::Loopback
        } else {
            Caller::Other
        }
    }
}

/// Constant-time equality (the length is not secret).
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    let mut diff = (a.len() != b.len()) as u8;
    for i in 0..a.len().max(b.len()) {
        diff |= a.get(i).copied().unwrap_or(0) ^ b.get(i).copied().unwrap_or(0xff);
    }
    diff == 0
}

/// A refusal decided before anything is sent upstream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub status: u16,
    pub code: &'static str,
    pub message: String,
}

fn refuse(status: u16, code: &'static str, message: impl Into<String>) -> Refusal {
    Refusal {
        status,
        code,
        message: message.into(),
    }
}

/// What the request asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    Health,
    Config,
    /// `GET /v2/{p}/instances/{i}/tasks` (mirror).
    MirrorList {
        instance: String,
        query: ListQuery,
    },
    /// `GET /v2/{p}/instances/{i}/tasks/{t}/progress` (mirror).
    MirrorProgress {
        instance: String,
        task: String,
    },
    /// `DELETE /v2/{p}/instances/{i}/tasks/{t}` (mirror).
    MirrorDelete {
        instance: String,
        task: String,
    },
    /// `GET /api/instances/{i}/tasks` (normalized JSON).
    ApiList {
        instance: String,
        query: ListQuery,
        all: bool,
    },
    /// `GET /api/instances/{i}/tasks/{t}/progress` (normalized JSON).
    ApiProgress {
        instance: String,
        task: String,
    },
    /// Anything else under GET: a static file when configured.
    Static,
}

impl Route {
    /// The instance the route touches, if any.
    pub fn instance(&self) -> Option<&str> {
        match self {
            Route::MirrorList { instance, .. }
            | Route::MirrorProgress { instance, .. }
            | Route::MirrorDelete { instance, .. }
            | Route::ApiList { instance, .. }
            | Route::ApiProgress { instance, .. } => Some(instance),
            _ => None,
        }
    }
}

fn id(what: &str, seg: &str) -> Result<String, Refusal> {
    query::check_id(what, seg).map_err(|e| refuse(400, "INVALID_REQUEST", e.message))?;
    Ok(seg.to_string())
}

/// Parses and validates the query: only the listed keys, each at most once, values
/// checked as the API defines them (the query sent upstream is rebuilt from them).
fn parse_query(raw: &str, allow_all: bool) -> Result<(ListQuery, bool), Refusal> {
    let mut vals: [Option<&str>; 5] = [None; 5];
    const KEYS: [&str; 5] = ["offset", "limit", "start_time", "end_time", "all"];
    if !raw.is_empty() {
        for pair in raw.split('&') {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let Some(i) = KEYS.iter().position(|x| *x == k) else {
                return Err(refuse(
                    400,
                    "INVALID_REQUEST",
                    cat(&["unknown query parameter ", &crate::text::quoted(k, 32)]),
                ));
            };
            if i == 4 && !allow_all {
                return Err(refuse(
                    400,
                    "INVALID_REQUEST",
                    "unknown query parameter \"all\"",
                ));
            }
            if vals[i].is_some() {
                return Err(refuse(
                    400,
                    "INVALID_REQUEST",
                    cat(&["query parameter ", k, " given twice"]),
                ));
            }
            vals[i] = Some(v);
        }
    }
    let arg = |v: Option<&str>| v.map(|s| Arg::Str(s.to_string())).unwrap_or(Arg::Absent);
    let time = |name: &str, v: Option<&str>| -> Result<Arg, Refusal> {
        match v {
            None => Ok(Arg::Absent),
            Some(s) if s.len() == 14 && s.bytes().all(|b| b.is_ascii_digit()) => {
                Ok(Arg::Str(s.to_string()))
            }
            Some(_) => Err(refuse(
                400,
                "INVALID_REQUEST",
                cat(&[name, " must be yyyyMMddHHmmss (UTC)"]),
            )),
        }
    };
    let q = ListQuery::validate(
        &arg(vals[0]),
        &arg(vals[1]),
        &time("start_time", vals[2])?,
        &time("end_time", vals[3])?,
    )
    .map_err(|e| {
        let m = snake_times(&e.message);
        refuse(400, "INVALID_REQUEST", m)
    })?;
    let all = match vals[4] {
        None | Some("0") => false,
        Some("1") => true,
        Some(_) => return Err(refuse(400, "INVALID_REQUEST", "all must be 0 or 1")),
    };
    Ok((q, all))
}

/// The message with the JS names `startTime` / `endTime` in the query's spelling
/// (`start_time` / `end_time`). A byte scan: no substring-search machinery.
fn snake_times(m: &str) -> String {
    let mut out = String::with_capacity(m.len() + 4);
    let mut rest = m;
    while !rest.is_empty() {
        let (from, to) = if rest.starts_with("startTime") {
            ("startTime", "start_time")
        } else if rest.starts_with("endTime") {
            ("endTime", "end_time")
        } else {
            let n = rest.chars().next().map_or(1, char::len_utf8);
            out.push_str(rest.get(..n).unwrap_or(""));
            rest = rest.get(n..).unwrap_or("");
            continue;
        };
        out.push_str(to);
        rest = rest.get(from.len()..).unwrap_or("");
    }
    out
}

/// The path's project must be a valid ID and the configured one.
fn check_project(p: &str, cfg: &ProxyConfig) -> Result<(), Refusal> {
    id("projectId", p)?;
    if p != cfg.project_id {
        return Err(refuse(
            403,
            "FORBIDDEN_PROJECT",
            "this proxy serves another project",
        ));
    }
    Ok(())
}

/// Routes a request. `target` is the raw request target (path and query, as received:
/// never decoded, so encoded slashes, dots and CRLF stay visible and are refused).
pub fn route(method: &str, target: &str, cfg: &ProxyConfig) -> Result<Route, Refusal> {
    if target.len() > MAX_TARGET_LEN {
        return Err(refuse(414, "INVALID_REQUEST", "request target too long"));
    }
    if !target.starts_with('/') || target.starts_with("//") {
        return Err(refuse(
            400,
            "INVALID_REQUEST",
            "request target must be an absolute path",
        ));
    }
    if target.bytes().any(|b| b <= b' ' || b >= 0x7f || b == b'\\') {
        return Err(refuse(
            400,
            "INVALID_REQUEST",
            "request target holds control, space, backslash or non-ASCII bytes",
        ));
    }
    if target.contains('#') {
        return Err(refuse(
            400,
            "INVALID_REQUEST",
            "request target must not hold a fragment",
        ));
    }
    let (path, raw_query) = target.split_once('?').unwrap_or((target, ""));
    let api = path.starts_with("/v2/") || path.starts_with("/api/") || path == "/healthz";
    if !api {
        return match method {
            "GET" | "HEAD" => Ok(Route::Static),
            _ => Err(refuse(
                405,
                "METHOD_NOT_ALLOWED",
                cat(&[method, " is not allowed here"]),
            )),
        };
    }
    let segs: Vec<&str> = path.get(1..).unwrap_or("").split('/').collect();
    if segs
        .iter()
        .any(|s| s.is_empty() || *s == "." || *s == ".." || s.contains('%'))
    {
        return Err(refuse(
            400,
            "INVALID_REQUEST",
            "path segments must be non-empty, unencoded, and not . or ..",
        ));
    }
    let get_only = |r: Route| -> Result<Route, Refusal> {
        if method == "GET" {
            Ok(r)
        } else {
            Err(refuse(
                405,
                "METHOD_NOT_ALLOWED",
                cat(&[method, " is not allowed on this route"]),
            ))
        }
    };
    let no_query = |r: Route| -> Result<Route, Refusal> {
        if raw_query.is_empty() {
            Ok(r)
        } else {
            Err(refuse(
                400,
                "INVALID_REQUEST",
                "this route takes no query parameters",
            ))
        }
    };
    match segs.as_slice() {
        ["healthz"] => get_only(Route::Health),
        ["api", "config"] => get_only(Route::Config),
        ["v2", p, "instances", i, "tasks"] => {
            check_project(p, cfg)?;
            let instance = id("instanceId", i)?;
            let (query, _) = parse_query(raw_query, false)?;
            get_only(Route::MirrorList { instance, query })
        }
        ["v2", p, "instances", i, "tasks", t, "progress"] => {
            check_project(p, cfg)?;
            let r = Route::MirrorProgress {
                instance: id("instanceId", i)?,
                task: id("taskId", t)?,
            };
            no_query(get_only(r)?)
        }
        ["v2", p, "instances", i, "tasks", t] => {
            check_project(p, cfg)?;
            let r = Route::MirrorDelete {
                instance: id("instanceId", i)?,
                task: id("taskId", t)?,
            };
            if method != "DELETE" {
                return Err(refuse(
                    405,
                    "METHOD_NOT_ALLOWED",
                    cat(&[method, " is not allowed on this route"]),
                ));
            }
            if !cfg.enable_delete {
                return Err(refuse(
                    403,
                    "DELETE_DISABLED",
                    "deleting task records is disabled on this proxy (ENABLE_DELETE)",
                ));
            }
            no_query(r)
        }
        ["api", "instances", i, "tasks"] => {
            let instance = id("instanceId", i)?;
            let (query, all) = parse_query(raw_query, true)?;
            get_only(Route::ApiList {
                instance,
                query,
                all,
            })
        }
        ["api", "instances", i, "tasks", t, "progress"] => {
            let r = Route::ApiProgress {
                instance: id("instanceId", i)?,
                task: id("taskId", t)?,
            };
            no_query(get_only(r)?)
        }
        _ => Err(refuse(404, "NOT_FOUND", "no such route")),
    }
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
            "BAD_UPSTREAM",
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

/// A static file request: the asset path to fetch (`/` and folders map to their
/// `index.html`) and the `Content-Type` to serve it with. `None` for paths that are not
/// plain files (dot segments, hidden files, encoded bytes).
pub fn static_asset(path: &str) -> Option<(String, &'static str)> {
    let path = if path.ends_with('/') {
        let mut p = path.to_string();
        p.push_str("index.html");
        p
    } else {
        path.to_string()
    };
    if !path.starts_with('/')
        || path
            .get(1..)
            .unwrap_or("")
            .split('/')
            .any(|seg| seg.is_empty() || seg.starts_with('.') || seg.contains('%'))
    {
        return None;
    }
    let ext = path.rsplit('.').next().unwrap_or("");
    let ct = match ext {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" => "application/json; charset=utf-8",
        "wasm" => "application/wasm",
        "png" => "image/png",
        "svg" => "image/svg+xml",
        "ico" => "image/x-icon",
        "txt" | "md" => "text/plain; charset=utf-8",
        "ts" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    };
    Some((path, ct))
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

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let v: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k: &str| v.iter().find(|(kk, _)| kk == k).map(|(_, vv)| vv.clone())
    }

    const BASE: [(&str, &str); 4] = [
        ("HUAWEICLOUD_SDK_AK", "HPUAXXXXXXXXXXXXXXXX"),
        (
            "HUAWEICLOUD_SDK_SK",
            "SKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSK",
        ),
        (
            "HUAWEICLOUD_SDK_PROJECT_ID",
            "0123456789abcdef0123456789abcdef",
        ),
        ("DCS_REGION", "cn-north-4"),
    ];

    fn cfg(extra: &[(&str, &str)]) -> ProxyConfig {
        let mut all = BASE.to_vec();
        all.extend_from_slice(extra);
        ProxyConfig::from_env(env(&all)).unwrap()
    }

    #[test]
    fn config_errors_name_the_variable_never_the_value() {
        for (drop, var) in [
            ("HUAWEICLOUD_SDK_PROJECT_ID", "HUAWEICLOUD_SDK_PROJECT_ID"),
            ("HUAWEICLOUD_SDK_SK", "HUAWEICLOUD_SDK_SK"),
            ("HUAWEICLOUD_SDK_AK", "HUAWEICLOUD_SDK_AK"),
            ("DCS_REGION", "DCS_REGION"),
        ] {
            let all: Vec<(&str, &str)> = BASE.iter().copied().filter(|(k, _)| *k != drop).collect();
            let e = ProxyConfig::from_env(env(&all)).unwrap_err();
            assert_eq!(e.variable, var);
            assert!(!e.message.contains("SKSKSK"), "{}", e.message);
        }
        let mut all = BASE.to_vec();
        all.push(("DCS_ENDPOINT", "http://evil.example.com"));
        assert_eq!(
            ProxyConfig::from_env(env(&all)).unwrap_err().variable,
            "DCS_ENDPOINT"
        );
        let mut all = BASE.to_vec();
        all.push(("ALLOWED_ORIGINS", "*"));
        assert_eq!(
            ProxyConfig::from_env(env(&all)).unwrap_err().variable,
            "ALLOWED_ORIGINS"
        );
        let mut all = BASE.to_vec();
        all.push(("ENABLE_DELETE", "maybe"));
        assert_eq!(
            ProxyConfig::from_env(env(&all)).unwrap_err().variable,
            "ENABLE_DELETE"
        );
        let c = cfg(&[]);
        assert!(!format!("{c:?}").contains("SKSKSK"));
    }

    #[test]
    fn routes() {
        let c = cfg(&[("ENABLE_DELETE", "true")]);
        let p = "/v2/0123456789abcdef0123456789abcdef/instances/abc";
        assert!(matches!(
            route("GET", &format!("{p}/tasks?offset=0&limit=10"), &c),
            Ok(Route::MirrorList { .. })
        ));
        assert!(matches!(
            route("GET", &format!("{p}/tasks/t1/progress"), &c),
            Ok(Route::MirrorProgress { .. })
        ));
        assert!(matches!(
            route("DELETE", &format!("{p}/tasks/t1"), &c),
            Ok(Route::MirrorDelete { .. })
        ));
        assert!(matches!(
            route("GET", "/api/instances/abc/tasks?all=1", &c),
            Ok(Route::ApiList { all: true, .. })
        ));
        assert!(matches!(route("GET", "/index.html", &c), Ok(Route::Static)));
        assert_eq!(route("GET", "/healthz", &c), Ok(Route::Health));
        let c = cfg(&[]);
        assert_eq!(
            route("DELETE", &format!("{p}/tasks/t1"), &c)
                .unwrap_err()
                .code,
            "DELETE_DISABLED"
        );
        assert_eq!(
            route("POST", &format!("{p}/tasks"), &c).unwrap_err().status,
            405
        );
        assert_eq!(
            route("GET", "/v2/other/instances/abc/tasks", &c)
                .unwrap_err()
                .status,
            403
        );
    }

    #[test]
    fn injections_are_refused() {
        let c = cfg(&[]);
        let p = "/v2/0123456789abcdef0123456789abcdef/instances";
        for t in [
            format!("{p}/a%2Fb/tasks"),
            format!("{p}/../tasks"),
            format!("{p}/abc/tasks/..%2f..%2f/progress"),
            format!("{p}/abc%0d%0aX-Evil:1/tasks"),
            format!("{p}/abc\r\nX-Evil: 1/tasks"),
            "//evil.example.com/v2/x".to_string(),
            "http://evil.example.com/v2/x".to_string(),
            format!("{p}/abc%3Foffset=1/tasks"),
            format!("{p}/{}/tasks", "a".repeat(10_000)),
            format!("{p}/{}/tasks", "a".repeat(65)),
            format!("{p}/abc/tasks?offset=1&offset=2"),
            format!("{p}/abc/tasks?begin_time=20200101000000"),
            format!("{p}/abc/tasks?limit=10%26x"),
            format!("{p}/abc/tasks?start_time=2020-01-01"),
            format!("{p}/abc/tasks?limit=99999"),
            format!("{p}/a.b/tasks"),
            "/api/instances/abc/tasks?all=2".to_string(),
        ] {
            let r = route("GET", &t, &c);
            let e = r.expect_err(&t);
            assert!(e.status == 400 || e.status == 414, "{t}: {e:?}");
        }
    }

    #[test]
    fn caller_auth_and_origins() {
        let c = cfg(&[
            ("PROXY_TOKEN", "0123456789abcdefXYZ"),
            ("ALLOWED_ORIGINS", "https://console.example.com"),
        ]);
        assert!(c.caller_authorized(Some("Bearer 0123456789abcdefXYZ"), None));
        assert!(c.caller_authorized(None, Some("0123456789abcdefXYZ")));
        assert!(!c.caller_authorized(Some("Bearer 0123456789abcdefXYz"), None));
        assert!(!c.caller_authorized(None, None));
        assert!(!c.caller_authorized(Some("Basic 0123456789abcdefXYZ"), None));
        // Non-ASCII around the scheme must not panic (found by the proxy_route fuzzer).
        assert!(!c.caller_authorized(Some("Bearé 0123456789abcdefXYZ"), None));
        assert!(!c.caller_authorized(Some("Bearer\u{e9}0123456789abcdefXYZ"), None));
        assert!(!c.caller_authorized(Some("ééééééé"), None));
        assert!(c.origin_allowed("https://console.example.com", "http://127.0.0.1:8787"));
        assert!(c.origin_allowed("http://127.0.0.1:8787", "http://127.0.0.1:8787"));
        assert!(!c.origin_allowed("https://evil.example.com", "http://127.0.0.1:8787"));
        assert!(ct_eq(b"abc", b"abc"));
        assert!(!ct_eq(b"abc", b"abd"));
        assert!(!ct_eq(b"abc", b"abcd"));
        assert!(!ct_eq(b"", b"a"));
    }

    #[test]
    fn closed_by_default() {
        use Caller::{Loopback, Other};
        let base = cfg(&[]);
        let dev = cfg(&[("TRUST_LOOPBACK", "true")]);
        let read = cfg(&[("PUBLIC_ACCESS", "read")]);
        let tok = cfg(&[("PROXY_TOKEN", "0123456789abcdefXYZ")]);
        let both = cfg(&[
            ("PROXY_TOKEN", "0123456789abcdefXYZ"),
            ("PUBLIC_ACCESS", "Read"),
        ]);
        let good = |c: &ProxyConfig| c.caller_token(Some("Bearer 0123456789abcdefXYZ"), None);
        let wrong = |c: &ProxyConfig| c.caller_token(Some("Bearer nope"), None);
        let none = |c: &ProxyConfig| c.caller_token(None, None);
        let code = |r: Result<(), Refusal>| r.err().map(|r| (r.status, r.code));
        // Nothing configured: nobody, loopback included; what a caller sends is no token.
        assert_eq!(good(&base), Token::Missing);
        for m in ["GET", "DELETE"] {
            for caller in [Loopback, Other] {
                assert_eq!(
                    code(base.admit(m, caller, Token::Missing)),
                    Some((401, "TOKEN_REQUIRED"))
                );
            }
            // TRUST_LOOPBACK: loopback callers only.
            assert_eq!(code(dev.admit(m, Loopback, Token::Missing)), None);
            assert_eq!(
                code(dev.admit(m, Other, Token::Missing)),
                Some((401, "TOKEN_REQUIRED"))
            );
        }
        // PUBLIC_ACCESS=read opens reads only, loopback or not.
        assert_eq!(code(read.admit("GET", Loopback, Token::Missing)), None);
        assert_eq!(
            code(read.admit("DELETE", Loopback, Token::Missing)),
            Some((401, "TOKEN_REQUIRED"))
        );
        // TRUST_LOOPBACK does not bypass a configured PROXY_TOKEN.
        let tok_dev = cfg(&[
            ("PROXY_TOKEN", "0123456789abcdefXYZ"),
            ("TRUST_LOOPBACK", "true"),
        ]);
        assert_eq!(
            code(tok_dev.admit("GET", Loopback, Token::Missing)),
            Some((401, "TOKEN_REQUIRED"))
        );
        assert!(!ProxyConfig::loopback_trusted(env(&[])));
        assert!(!ProxyConfig::loopback_trusted(env(&[(
            "TRUST_LOOPBACK",
            "maybe"
        )])));
        assert!(ProxyConfig::loopback_trusted(env(&[(
            "TRUST_LOOPBACK",
            "1"
        )])));
        let mut all = BASE.to_vec();
        all.push(("TRUST_LOOPBACK", "sure"));
        assert!(ProxyConfig::from_env(env(&all)).is_err_and(|e| e.variable == "TRUST_LOOPBACK"));
        assert_eq!(code(read.admit("GET", Other, Token::Missing)), None);
        assert_eq!(code(read.admit("HEAD", Other, Token::Missing)), None);
        assert_eq!(
            code(read.admit("DELETE", Other, Token::Missing)),
            Some((401, "TOKEN_REQUIRED"))
        );
        // PROXY_TOKEN: required from everyone, loopback too; wrong and missing told apart.
        for caller in [Loopback, Other] {
            assert_eq!(code(tok.admit("DELETE", caller, good(&tok))), None);
            assert_eq!(
                code(tok.admit("GET", caller, wrong(&tok))),
                Some((401, "UNAUTHORIZED"))
            );
            assert_eq!(
                code(tok.admit("GET", caller, none(&tok))),
                Some((401, "TOKEN_REQUIRED"))
            );
            assert_eq!(code(both.admit("GET", caller, none(&both))), None);
            assert_eq!(
                code(both.admit("DELETE", caller, none(&both))),
                Some((401, "TOKEN_REQUIRED"))
            );
            assert_eq!(code(both.admit("DELETE", caller, good(&both))), None);
        }
        let r = base.admit("GET", Other, Token::Missing).unwrap_err();
        assert!(
            r.message.contains("PROXY_TOKEN") && !r.message.contains("0123456789abcdef0123"),
            "{r:?}"
        );
        let mut all = BASE.to_vec();
        all.push(("PUBLIC_ACCESS", "all"));
        assert!(ProxyConfig::from_env(env(&all)).is_err_and(|e| e.variable == "PUBLIC_ACCESS"));
    }

    #[test]
    fn loopback_callers() {
        let h = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert_eq!(Caller::of(true, h(&[])), Caller::Loopback);
        assert_eq!(Caller::of(false, h(&[])), Caller::Other);
        assert_eq!(
            Caller::of(true, h(&[("x-forwarded-for", "127.0.0.1, ::1")])),
            Caller::Loopback
        );
        for relayed in [
            &[("cf-connecting-ip", "203.0.113.9")][..],
            &[("x-forwarded-for", "127.0.0.1, 203.0.113.9")],
            &[("x-real-ip", "10.0.0.1")],
            &[("forwarded", "for=127.0.0.1")],
            &[("x-forwarded-for", "")],
        ] {
            assert_eq!(Caller::of(true, h(relayed)), Caller::Other, "{relayed:?}");
        }
    }

    #[test]
    fn static_assets() {
        assert_eq!(
            static_asset("/"),
            Some(("/index.html".into(), "text/html; charset=utf-8"))
        );
        assert_eq!(
            static_asset("/pkg/dcs_tasks_bg.wasm").unwrap().1,
            "application/wasm"
        );
        assert_eq!(
            static_asset("/app.js").unwrap().1,
            "text/javascript; charset=utf-8"
        );
        assert_eq!(static_asset("/a/../b.js"), None);
        assert_eq!(static_asset("/.env"), None);
        assert_eq!(static_asset("/a%2fb.js"), None);
        assert_eq!(static_asset("//x"), None);
    }

    #[test]
    fn upstream_answers_relayed_only_as_json() {
        let ok =
            |s, t: Option<&str>, b: &[u8]| relay_check(s, t, b).map_err(|r| (r.status, r.code));
        assert_eq!(ok(200, Some("application/json"), b"{\"tasks\":[]}"), Ok(()));
        assert_eq!(
            ok(200, Some("Application/JSON; charset=UTF-8"), b"[]"),
            Ok(())
        );
        assert_eq!(ok(200, Some("application/problem+json"), b"{}"), Ok(()));
        assert_eq!(ok(404, None, b"{\"error_code\":\"DCS.4012\"}"), Ok(()));
        assert_eq!(ok(204, Some("text/html"), b""), Ok(()));
        // a JSON string holding a script is JSON: relayed, as application/json under the CSP
        assert_eq!(
            ok(
                200,
                Some("application/json"),
                b"\"<script>alert(1)</script>\""
            ),
            Ok(())
        );
        for (s, t, b) in [
            (200, Some("text/html"), &b"<script>alert(1)</script>"[..]),
            (200, Some("text/html"), b"{}"),
            (200, Some("application/json"), b"<html>"),
            (200, None, b"{\"a\":1} trailing"),
            (500, Some("application/json"), b"{"),
            (200, Some("application/jsonp"), b"{}"),
            (200, Some("application/+json"), b"{}"),
            (200, Some("text/json+json"), b"{}"),
        ] {
            assert_eq!(ok(s, t, b), Err((502, "BAD_UPSTREAM")), "{t:?} {b:?}");
        }
        for s in [300, 301, 302, 303, 307, 308, 399] {
            let e = relay_check(s, Some("application/json"), b"{}").unwrap_err();
            assert_eq!((e.status, e.code), (502, "BAD_UPSTREAM"));
            assert!(e.message.contains(&s.to_string()), "{}", e.message);
        }
        let e = relay_check(200, Some("text/html"), b"<b>secret-bytes</b>").unwrap_err();
        assert!(!e.message.contains("secret-bytes") && e.message.contains("200"));
        // deep nesting is refused by serde_json's depth limit, not a stack overflow
        let deep = "[".repeat(100_000);
        assert!(relay_check(200, None, deep.as_bytes()).is_err());
    }

    #[test]
    fn etags() {
        let t = etag(b"hello");
        assert_eq!(t.len(), 18);
        assert!(etag_matches(Some(&t), &t));
        assert!(etag_matches(Some(&format!("W/{t}, \"x\"")), &t));
        assert!(!etag_matches(Some("\"x\""), &t));
        assert!(!etag_matches(None, &t));
    }
}
