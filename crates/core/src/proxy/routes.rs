//! Routing and validation of every incoming path and query, and the static files.

use dcs_tasks_parse::error::cat;

use super::codes::ProxyCode;
use super::config::ProxyConfig;
use crate::field::Field;
use crate::query::{self, Arg, InstanceQuery, ListQuery};

/// Longest request target (path + query) the proxy looks at.
pub const MAX_TARGET_LEN: usize = 2048;

pub use super::config::QUERY_KEYS;

/// A refusal decided before anything is sent upstream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub status: u16,
    pub code: ProxyCode,
    pub message: String,
}

pub(crate) fn refuse(status: u16, code: ProxyCode, message: impl Into<String>) -> Refusal {
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
    /// `GET /v2/{p}/instances` (mirror of ListInstances). `query`: the rebuilt query string;
    /// `filter`: the same without `offset` and `limit`, which are in `offset`, `limit`.
    MirrorInstances {
        query: String,
        filter: String,
        offset: Option<u32>,
        limit: Option<u32>,
    },
    /// `GET /api/instances` (normalized JSON).
    ApiInstances {
        query: InstanceQuery,
        all: bool,
    },
    /// `GET /api/attention`: the fleet's attention model (the watchdog's look).
    Attention,
    /// `GET /metrics`: the same in the Prometheus text format.
    Metrics,
    /// Anything else under GET: a static file when configured.
    Static,
}

impl Route {
    /// The route's name in the log line.
    pub fn name(&self) -> &'static str {
        match self {
            Route::Health => "healthz",
            Route::Config => "config",
            Route::MirrorList { .. } => "mirror-list",
            Route::MirrorProgress { .. } => "mirror-progress",
            Route::MirrorDelete { .. } => "mirror-delete",
            Route::ApiList { .. } => "api-list",
            Route::ApiProgress { .. } => "api-progress",
            Route::MirrorInstances { .. } => "mirror-instances",
            Route::ApiInstances { .. } => "api-instances",
            Route::Attention => "attention",
            Route::Metrics => "metrics",
            Route::Static => "static",
        }
    }

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

/// A path segment that is an ID, the error naming it as the client does (`instanceId`).
fn id(what: Field, seg: &str) -> Result<String, Refusal> {
    query::check_id(what, seg)
        .map_err(|e| refuse(400, ProxyCode::InvalidRequest, e.message(Field::camel)))?;
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
                    ProxyCode::InvalidRequest,
                    cat(&[
                        "unknown query parameter ",
                        &dcs_tasks_parse::text::quoted(k, 32),
                    ]),
                ));
            };
            if i == 4 && !allow_all {
                return Err(refuse(
                    400,
                    ProxyCode::InvalidRequest,
                    "unknown query parameter \"all\"",
                ));
            }
            if vals[i].is_some() {
                return Err(refuse(
                    400,
                    ProxyCode::InvalidRequest,
                    cat(&["query parameter ", k, " given twice"]),
                ));
            }
            vals[i] = Some(v);
        }
    }
    let arg = |v: Option<&str>| v.map(|s| Arg::Str(s.to_string())).unwrap_or(Arg::Absent);
    let time = |f: Field, v: Option<&str>| -> Result<Arg, Refusal> {
        match v {
            None => Ok(Arg::Absent),
            Some(s) if s.len() == 14 && s.bytes().all(|b| b.is_ascii_digit()) => {
                Ok(Arg::Str(s.to_string()))
            }
            Some(_) => Err(refuse(
                400,
                ProxyCode::InvalidRequest,
                cat(&[f.snake(), " must be yyyyMMddHHmmss (UTC)"]),
            )),
        }
    };
    let q = ListQuery::validate(
        &arg(vals[0]),
        &arg(vals[1]),
        &time(Field::StartTime, vals[2])?,
        &time(Field::EndTime, vals[3])?,
    )
    .map_err(|e| refuse(400, ProxyCode::InvalidRequest, e.message(Field::snake)))?;
    let all = match vals[4] {
        None | Some("0") => false,
        Some("1") => true,
        Some(_) => return Err(refuse(400, ProxyCode::InvalidRequest, "all must be 0 or 1")),
    };
    Ok((q, all))
}

/// The `[key, value]` pairs of a raw query, each key one of `keys` and given once; values
/// as sent (still percent-encoded).
fn query_pairs<'a>(raw: &'a str, keys: &[&str]) -> Result<Vec<(&'a str, &'a str)>, Refusal> {
    let mut out: Vec<(&str, &str)> = Vec::new();
    for pair in raw.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        if !keys.contains(&k) {
            let m = cat(&[
                "unknown query parameter ",
                &dcs_tasks_parse::text::quoted(k, 32),
            ]);
            return Err(refuse(400, ProxyCode::InvalidRequest, m));
        }
        if out.iter().any(|(x, _)| *x == k) {
            let m = cat(&["query parameter ", k, " given twice"]);
            return Err(refuse(400, ProxyCode::InvalidRequest, m));
        }
        out.push((k, v));
    }
    Ok(out)
}

/// A query value percent-decoded as UTF-8 (`+` is a plus, as the signer reads it).
fn decoded(k: &str, v: &str) -> Result<String, Refusal> {
    percent_encoding::percent_decode_str(v)
        .decode_utf8()
        .map(|s| s.into_owned())
        .map_err(|_| refuse(400, ProxyCode::InvalidRequest, cat(&[k, " is not UTF-8"])))
}

/// `/api/instances`' query: `name`, `status`, `offset`, `limit` (validated as the client
/// does) and `all` (0 or 1).
fn instance_query(raw: &str) -> Result<(InstanceQuery, bool), Refusal> {
    let pairs = query_pairs(raw, &["name", "status", "offset", "limit", "all"])?;
    let arg = |k: &str| -> Result<Arg, Refusal> {
        match pairs.iter().find(|(x, _)| *x == k) {
            Some((_, v)) => Ok(Arg::Str(decoded(k, v)?)),
            None => Ok(Arg::Absent),
        }
    };
    let q = InstanceQuery::validate(
        &arg("name")?,
        &arg("status")?,
        &arg("offset")?,
        &arg("limit")?,
    )
    .map_err(|e| refuse(400, ProxyCode::InvalidRequest, e.message(Field::snake)))?;
    let all = match pairs.iter().find(|(k, _)| *k == "all").map(|(_, v)| *v) {
        None | Some("0") => false,
        Some("1") => true,
        Some(_) => return Err(refuse(400, ProxyCode::InvalidRequest, "all must be 0 or 1")),
    };
    Ok((q, all))
}

/// The mirror's ListInstances query: the documented parameters only, each once, values
/// decoded (UTF-8, at most 256 bytes, no control characters; offset and limit as the API
/// bounds them), rebuilt in the signer's encoding. The route with the whole query, the query
/// without `offset` and `limit` (the filter), and those two.
fn mirror_instance_query(raw: &str) -> Result<Route, Refusal> {
    const KEYS: [&str; 10] = [
        "instance_id",
        "include_failure",
        "include_delete",
        "name",
        "name_equal",
        "offset",
        "limit",
        "status",
        "tags",
        "ip",
    ];
    let (mut query, mut filter) = (String::new(), String::new());
    let (mut offset, mut limit) = (None, None);
    for (k, v) in query_pairs(raw, &KEYS)? {
        let v = decoded(k, v)?;
        if v.is_empty() || v.len() > 256 || v.chars().any(char::is_control) {
            let m = cat(&[k, " must be 1 to 256 bytes of text"]);
            return Err(refuse(400, ProxyCode::InvalidRequest, m));
        }
        let bounds = match k {
            "offset" => Some((0, i32::MAX as u32, &mut offset)),
            "limit" => Some((1, query::MAX_LIMIT, &mut limit)),
            _ => None,
        };
        let is_window = bounds.is_some();
        if let Some((min, max, slot)) = bounds {
            *slot = query::int_in(&Arg::Str(v.clone()), min, max)
                .map_err(|m| refuse(400, ProxyCode::InvalidRequest, cat(&[k, ": ", &m])))?;
        }
        let push = |out: &mut String| {
            if !out.is_empty() {
                out.push('&');
            }
            out.push_str(k);
            out.push('=');
            crate::sign::encode_into(out, &v);
        };
        push(&mut query);
        if !is_window {
            push(&mut filter);
        }
    }
    Ok(Route::MirrorInstances {
        query,
        filter,
        offset,
        limit,
    })
}

/// The path's project must be a valid ID and the configured one.
fn check_project(p: &str, cfg: &ProxyConfig) -> Result<(), Refusal> {
    id(Field::ProjectId, p)?;
    if p != cfg.project_id {
        return Err(refuse(
            403,
            ProxyCode::ForbiddenProject,
            "this proxy serves another project",
        ));
    }
    Ok(())
}

/// Routes a request. `target` is the raw request target (path and query, as received:
/// never decoded, so encoded slashes, dots and CRLF stay visible and are refused).
pub fn route(method: &str, target: &str, cfg: &ProxyConfig) -> Result<Route, Refusal> {
    check_target(target)?;
    let (path, raw_query) = target.split_once('?').unwrap_or((target, ""));
    let api = path.starts_with("/v2/")
        || path.starts_with("/api/")
        || path == "/healthz"
        || path == "/metrics";
    if !api {
        return match method {
            "GET" | "HEAD" => Ok(Route::Static),
            _ => Err(refuse(
                405,
                ProxyCode::MethodNotAllowed,
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
            ProxyCode::InvalidRequest,
            "path segments must be non-empty, unencoded, and not . or ..",
        ));
    }
    api_route(method, &segs, raw_query, cfg)
}

/// The request target as a whole: bounded, an absolute path, printable ASCII, no fragment.
fn check_target(target: &str) -> Result<(), Refusal> {
    if target.len() > MAX_TARGET_LEN {
        return Err(refuse(
            414,
            ProxyCode::InvalidRequest,
            "request target too long",
        ));
    }
    if !target.starts_with('/') || target.starts_with("//") {
        return Err(refuse(
            400,
            ProxyCode::InvalidRequest,
            "request target must be an absolute path",
        ));
    }
    if target.bytes().any(|b| b <= b' ' || b >= 0x7f || b == b'\\') {
        return Err(refuse(
            400,
            ProxyCode::InvalidRequest,
            "request target holds control, space, backslash or non-ASCII bytes",
        ));
    }
    if target.contains('#') {
        return Err(refuse(
            400,
            ProxyCode::InvalidRequest,
            "request target must not hold a fragment",
        ));
    }
    Ok(())
}

/// An API route from its path segments (checked) and raw query.
fn api_route(
    method: &str,
    segs: &[&str],
    raw_query: &str,
    cfg: &ProxyConfig,
) -> Result<Route, Refusal> {
    let get_only = |r: Route| -> Result<Route, Refusal> {
        if method == "GET" {
            Ok(r)
        } else {
            Err(refuse(
                405,
                ProxyCode::MethodNotAllowed,
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
                ProxyCode::InvalidRequest,
                "this route takes no query parameters",
            ))
        }
    };
    match segs {
        ["healthz"] => get_only(Route::Health),
        ["api", "config"] => get_only(Route::Config),
        ["api", "attention"] => no_query(get_only(Route::Attention)?),
        ["metrics"] => no_query(get_only(Route::Metrics)?),
        ["v2", p, "instances", i, "tasks"] => {
            check_project(p, cfg)?;
            let instance = id(Field::InstanceId, i)?;
            let (query, _) = parse_query(raw_query, false)?;
            get_only(Route::MirrorList { instance, query })
        }
        ["v2", p, "instances", i, "tasks", t, "progress"] => {
            check_project(p, cfg)?;
            let r = Route::MirrorProgress {
                instance: id(Field::InstanceId, i)?,
                task: id(Field::TaskId, t)?,
            };
            no_query(get_only(r)?)
        }
        ["v2", p, "instances", i, "tasks", t] => {
            check_project(p, cfg)?;
            let r = Route::MirrorDelete {
                instance: id(Field::InstanceId, i)?,
                task: id(Field::TaskId, t)?,
            };
            if method != "DELETE" {
                return Err(refuse(
                    405,
                    ProxyCode::MethodNotAllowed,
                    cat(&[method, " is not allowed on this route"]),
                ));
            }
            if !cfg.enable_delete {
                return Err(refuse(
                    403,
                    ProxyCode::DeleteDisabled,
                    "deleting task records is disabled on this proxy (ENABLE_DELETE)",
                ));
            }
            no_query(r)
        }
        ["v2", p, "instances"] => {
            check_project(p, cfg)?;
            get_only(mirror_instance_query(raw_query)?)
        }
        ["api", "instances"] => {
            let (query, all) = instance_query(raw_query)?;
            get_only(Route::ApiInstances { query, all })
        }
        ["api", "instances", i, "tasks"] => {
            let instance = id(Field::InstanceId, i)?;
            let (query, all) = parse_query(raw_query, true)?;
            get_only(Route::ApiList {
                instance,
                query,
                all,
            })
        }
        ["api", "instances", i, "tasks", t, "progress"] => {
            let r = Route::ApiProgress {
                instance: id(Field::InstanceId, i)?,
                task: id(Field::TaskId, t)?,
            };
            no_query(get_only(r)?)
        }
        _ => Err(refuse(404, ProxyCode::NotFound, "no such route")),
    }
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
    // Only files of the known types: a folder (`/pkg`) or anything else is no file of the page
    // (a static file service may answer a folder with a listing).
    let name = path.rsplit('/').next().unwrap_or("");
    let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
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
        _ => return None,
    };
    Some((path, ct))
}
