//! The edge proxy's decisions, sans-IO. [`plan`] takes a request (method, URL, headers) and
//! the worker's environment and decides everything: an [`Answer`] now, a static file to fetch,
//! or an upstream call and how its result becomes the answer ([`Upstream::finish`],
//! [`Listing::finish`]). Every status, header (CORS, CSP, cache, ETag) and log field is
//! decided here; the wasm handler (`src/proxy.rs` of the root crate) only translates and
//! awaits.
//!
//! - [`config`]: the configuration, one reader per variable.
//! - [`access`]: who may call (the token, loopback, origins, instances).
//! - [`routes`]: routing and validation of every path and query; the static files.
//! - [`answers`]: the answers and the log line.
//! - [`mirror`]: the ListInstances mirror under `ALLOWED_INSTANCES` (gathered, filtered,
//!   paged in the wire format).

pub mod access;
pub mod answers;
pub mod codes;
pub mod config;
// The mirror's pages and answer (serde_json's `raw_value`): natively and in the proxy's wasm
// build (feature `proxy`), never in the library's wasm.
#[cfg(any(feature = "proxy", not(target_arch = "wasm32")))]
pub mod mirror;
pub mod routes;

#[cfg(test)]
mod tests;

use dcs_tasks_parse::error::{cat, DcsError, Reason};
use dcs_tasks_parse::model::{to_json, write_list, Instance, InstanceList, ParseOptions, Warning};

pub use access::{ct_eq, Caller, Token};
pub use answers::{
    cacheable, etag, etag_matches, relay_check, upstream_error, Answer, Log, API_CSP, JSON_TYPE,
    PAGE_CSP,
};
pub use codes::ProxyCode;
pub use config::{
    ConfigError, ProxyConfig, UpstreamAuth, DEFAULT_MAX_UPSTREAM_BYTES, DEFAULT_UPSTREAM_TIMEOUT_MS,
};
#[cfg(any(feature = "proxy", not(target_arch = "wasm32")))]
pub use mirror::{Gathered, RawInstancePage};
pub use routes::{route, static_asset, Refusal, Route, MAX_TARGET_LEN};

use crate::call::RawResponse;
use crate::endpoint::Endpoint;
use crate::policy::Delivery;
use crate::query::{self, instances_request_with_query, HttpRequest, InstanceQuery, ListQuery};

/// `all=1` never gathers more than this many tasks.
pub const MAX_ALL_TASKS: u64 = 20_000;
/// `all=1` pages upstream at the API's largest page, whatever the caller's `limit` says: one
/// proxy request makes at most ⌈tasks / 1,000⌉ upstream calls (plus the pager's re-fetch
/// bound, [`crate::policy::MAX_REFETCHES`]).
pub const ALL_PAGE_SIZE: u32 = query::MAX_LIMIT;
/// `/api/instances` and the ListInstances mirror never gather more than this many instances
/// (`/api/instances?all=1`, or either route while `ALLOWED_INSTANCES` is set): at most 10
/// upstream calls at [`ALL_PAGE_SIZE`].
pub const MAX_ALL_INSTANCES: u64 = 10_000;
/// `/api/instances`' page size when the caller gives no `limit` (the service's default).
pub const DEFAULT_INSTANCE_LIMIT: u32 = 10;
/// DCS's page size when the caller gives no `limit`.
pub const DEFAULT_MIRROR_LIMIT: u32 = 10;
/// Retries of the normalized routes' upstream calls (the mirror routes make one attempt: the
/// caller's client retries).
pub const UPSTREAM_RETRIES: u32 = 1;

/// What to do with a request.
#[derive(Debug)]
pub struct Plan {
    pub step: Step,
    /// The log line's fields so far (the handler adds the status, the time and the upstream
    /// calls it made).
    pub log: Log,
    /// The `Origin` to answer with CORS headers, if allowed.
    pub cors: Option<String>,
}

/// The plan's step.
#[derive(Debug)]
pub enum Step {
    /// Answer now.
    Answer(Answer),
    /// Fetch this URL from the static file service (the `ASSETS` binding) and answer with
    /// [`answers::asset`].
    Asset {
        url: String,
        content_type: &'static str,
    },
    /// Make one upstream call, then [`Upstream::finish`].
    Upstream(Box<Upstream>),
    /// `all=1`: page the listing upstream, then [`Listing::finish`].
    Listing(Box<Listing>),
    /// `/api/instances` gathered whole: page the instance list upstream, then
    /// [`InstanceListing::finish`].
    Instances(Box<InstanceListing>),
    /// The ListInstances mirror while `ALLOWED_INSTANCES` is set: page the raw instance list
    /// upstream ([`mirror_page_request`]), [`MirrorListing::add`] each delivered page, then
    /// [`MirrorListing::finish`].
    MirrorInstances(Box<MirrorListing>),
}

/// `/api/instances` with `all=1`, or any `/api/instances` while `ALLOWED_INSTANCES` is set:
/// every page of the instance list for `query` (`name`, `status`) at [`ALL_PAGE_SIZE`],
/// bounded by [`MAX_ALL_INSTANCES`], then filtered by `ALLOWED_INSTANCES` and cut to the
/// caller's `window` (offset, limit). With the filter, `instanceCount` is the number of
/// allowed instances matching the query (every page), so that it and the caller's paging
/// agree with what the caller may see.
#[derive(Debug)]
pub struct InstanceListing {
    pub config: ProxyConfig,
    pub query: InstanceQuery,
    /// `(offset, limit)` of the caller's page; `None` for `all=1`.
    pub window: Option<(u32, u32)>,
    pub if_none_match: Option<String>,
}

/// `GET /v2/{project}/instances?{filter}&offset=..&limit=..`: one page of the gathering, the
/// caller's other parameters (`filter`, validated and encoded) forwarded as they are.
pub fn mirror_page_request(
    ep: &Endpoint,
    project_id: &str,
    filter: &str,
    offset: u32,
    limit: u32,
) -> HttpRequest {
    let (o, l) = (offset.to_string(), limit.to_string());
    let sep = if filter.is_empty() { "" } else { "&" };
    let q = cat(&[filter, sep, "offset=", &o, "&limit=", &l]);
    instances_request_with_query(ep, project_id, &q)
}

/// The mirror of the instance list under `ALLOWED_INSTANCES`: what to page
/// ([`mirror_page_request`] with `filter`) and the caller's window.
#[derive(Debug)]
pub struct MirrorListing {
    pub config: ProxyConfig,
    /// The caller's query without `offset` and `limit` (validated, encoded).
    pub filter: String,
    /// The caller's `offset` and `limit` (DCS defaults 0 and [`DEFAULT_MIRROR_LIMIT`]).
    pub window: (u32, u32),
    pub if_none_match: Option<String>,
}

/// An upstream call to make, with what is needed to shape its answer.
#[derive(Debug)]
pub struct Upstream {
    pub config: ProxyConfig,
    pub call: Call,
    pub if_none_match: Option<String>,
}

/// `all=1`: every page of `instance`'s list for `query` (from the start, without the caller's
/// `limit`, which would multiply the upstream calls), at [`ALL_PAGE_SIZE`], bounded by
/// [`MAX_ALL_TASKS`] ([`check_all_total`] on each page), merged into one list.
#[derive(Debug)]
pub struct Listing {
    pub config: ProxyConfig,
    pub instance: String,
    pub query: ListQuery,
    pub if_none_match: Option<String>,
}

/// The one-exchange upstream calls, by route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Call {
    /// One attempt, any status passed back ([`answers::mirrored`]); `list`: cacheable.
    Mirror { request: HttpRequest, list: bool },
    /// A list page, with retries, normalized.
    List { request: HttpRequest },
    /// A task's progress, with retries, normalized.
    Progress { request: HttpRequest },
    /// An instance-list page, with retries, normalized.
    Instances { request: HttpRequest },
}

impl Call {
    /// Retries of the call: none on the mirror routes (the caller's client retries).
    pub fn retries(&self) -> u32 {
        match self {
            Call::Mirror { .. } => 0,
            _ => UPSTREAM_RETRIES,
        }
    }

    /// Does any final answer come back as the result (the mirror routes), or only a 2xx
    /// (a non-2xx one is an `HTTP_ERROR`)?
    pub fn passes_through(&self) -> bool {
        matches!(self, Call::Mirror { .. })
    }
}

/// `/healthz`'s body.
#[derive(serde::Serialize)]
struct HealthJson {
    status: &'static str,
}

/// `/api/config`'s body.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct ConfigJson<'a> {
    project_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    demo_instance: Option<&'a str>,
    enable_delete: bool,
}

impl Plan {
    fn answer(log: Log, cors: Option<String>, a: Answer) -> Plan {
        let mut log = log;
        log.answered(&a);
        Plan {
            step: Step::Answer(a),
            log,
            cors,
        }
    }
}

/// Decides what to do with a request: `method`, the full request `url`, its headers (read
/// through `header`, by lower-case name) and the worker's variables (through `env`).
pub fn plan(
    method: &str,
    url: &str,
    header: impl Fn(&str) -> Option<String>,
    env: impl Fn(&str) -> Option<String>,
) -> Plan {
    let mut log = Log {
        method: method.chars().take(16).collect(),
        route: "unrouted",
        ..Log::default()
    };
    let Ok(u) = crate::url::parse(url) else {
        let a = Answer::error(
            400,
            ProxyCode::InvalidRequest,
            "the request URL is not understood",
            None,
        );
        return Plan::answer(log, None, a);
    };
    let (own_origin, target) = (u.origin(), u.target());
    log.path = target
        .split('?')
        .next()
        .unwrap_or("")
        .chars()
        .take(200)
        .collect();
    let caller = Caller::of(u.is_loopback(), &header);
    let cfg = match ProxyConfig::from_env(&env) {
        Ok(c) => c,
        Err(e) => {
            // Which variable is wrong is told to the operator (the log; a loopback caller
            // when TRUST_LOOPBACK says this is a developer's stack), not to the world.
            let detail = match caller {
                Caller::Loopback if ProxyConfig::loopback_trusted(&env) => e.message.as_str(),
                _ => "see the proxy's log",
            };
            let message = cat(&["proxy misconfigured: ", detail]);
            log.note = Some(e.message);
            let a = Answer::error(500, ProxyCode::ConfigError, &message, None);
            return Plan::answer(log, None, a);
        }
    };
    // Mounted under PROXY_BASE_PATH: the rest of the target is routed (and the parameters a
    // framework adds, PROXY_IGNORE_QUERY, dropped); anything outside it is no route of ours.
    if let Some(location) = cfg.mount_redirect(method, &target) {
        return Plan::answer(log, None, Answer::redirect(location));
    }
    let Some(target) = cfg.mounted_target(&target) else {
        let a = Answer::error(404, ProxyCode::NotFound, "no such route", None);
        return Plan::answer(log, None, a);
    };
    // CORS: only configured origins (and our own) get CORS headers; a foreign Origin is refused.
    let origin = header("origin");
    let sent = origin.is_some();
    let cors = origin.filter(|o| cfg.origin_allowed(o, &own_origin));
    if sent && cors.is_none() {
        let m = "this origin is not in ALLOWED_ORIGINS";
        return Plan::answer(
            log,
            None,
            Answer::error(403, ProxyCode::ForbiddenOrigin, m, None),
        );
    }
    if method == "OPTIONS" {
        log.route = "preflight";
        return Plan::answer(log, cors, answers::preflight());
    }
    // A caller the API routes do not admit learns nothing (not even which project, or
    // whether a route exists or delete is enabled): 401 before any other refusal.
    // `/healthz` and static files stay open.
    if target.starts_with("/v2/") || target.starts_with("/api/") {
        let token = cfg.caller_token(
            header("authorization").as_deref(),
            header("x-auth-token").as_deref(),
        );
        if let Err(r) = cfg.admit(method, caller, token) {
            let mut a = Answer::refusal(&r);
            // the challenge a client expects with a 401
            a.headers.push(("WWW-Authenticate", "Bearer".into()));
            return Plan::answer(log, cors, a);
        }
    }
    let r = match route(method, &target, &cfg) {
        Ok(r) => r,
        Err(r) => return Plan::answer(log, cors, Answer::refusal(&r)),
    };
    log.route = r.name();
    let inm = header("if-none-match");
    let step = match step_of(decide(r, &cfg, &own_origin, &target), cfg, inm) {
        Ok(s) => s,
        Err(a) => return Plan::answer(log, cors, a),
    };
    Plan { step, log, cors }
}

/// The step of a decided request (or its answer now).
fn step_of(d: Decided, cfg: ProxyConfig, if_none_match: Option<String>) -> Result<Step, Answer> {
    Ok(match d {
        Decided::Answer(a) => return Err(a),
        Decided::Asset { url, content_type } => Step::Asset { url, content_type },
        Decided::Call(call) => Step::Upstream(Box::new(Upstream {
            config: cfg,
            call,
            if_none_match,
        })),
        Decided::MirrorInstances { filter, window } => {
            Step::MirrorInstances(Box::new(MirrorListing {
                config: cfg,
                filter,
                window,
                if_none_match,
            }))
        }
        Decided::Instances { query, window } => {
            let query = InstanceQuery {
                offset: None,
                limit: None,
                ..query
            };
            Step::Instances(Box::new(InstanceListing {
                config: cfg,
                query,
                window,
                if_none_match,
            }))
        }
        Decided::Listing {
            instance,
            mut query,
        } => {
            query.offset = None;
            query.limit = None;
            Step::Listing(Box::new(Listing {
                config: cfg,
                instance,
                query,
                if_none_match,
            }))
        }
    })
}

enum Decided {
    Answer(Answer),
    Asset {
        url: String,
        content_type: &'static str,
    },
    Call(Call),
    Listing {
        instance: String,
        query: ListQuery,
    },
    Instances {
        query: InstanceQuery,
        window: Option<(u32, u32)>,
    },
    MirrorInstances {
        filter: String,
        window: (u32, u32),
    },
}

/// `/api/instances` and its mirror (the caller is admitted, the route valid).
fn decide_instances(r: Route, cfg: &ProxyConfig) -> Decided {
    let (e, p) = (&cfg.endpoint, cfg.project_id.as_str());
    let filtered = cfg.allowed_instances.is_some();
    match r {
        // One raw page cannot be filtered without breaking the SDKs' paging (offsets and
        // instance_num of the whole list): the whole list is gathered, filtered, then paged.
        Route::MirrorInstances {
            filter,
            offset,
            limit,
            ..
        } if filtered => Decided::MirrorInstances {
            filter,
            window: (offset.unwrap_or(0), limit.unwrap_or(DEFAULT_MIRROR_LIMIT)),
        },
        Route::MirrorInstances { query, .. } => Decided::Call(Call::Mirror {
            request: query::instances_request_with_query(e, p, &query),
            list: true,
        }),
        Route::ApiInstances { query, all: true } => {
            if query.offset.is_some() {
                let m = "offset: all=1 gathers every page from the start: leave offset out";
                return Decided::Answer(Answer::error(400, ProxyCode::InvalidRequest, m, None));
            }
            Decided::Instances {
                query,
                window: None,
            }
        }
        Route::ApiInstances { query, .. } if filtered => {
            let window = (
                query.offset.unwrap_or(0),
                query.limit.unwrap_or(DEFAULT_INSTANCE_LIMIT),
            );
            Decided::Instances {
                query,
                window: Some(window),
            }
        }
        Route::ApiInstances { query, .. } => Decided::Call(Call::Instances {
            request: query::list_instances_request(e, p, &query),
        }),
        _ => Decided::Answer(Answer::error(
            404,
            ProxyCode::NotFound,
            "no such route",
            None,
        )),
    }
}

/// A routed request's step (the caller is admitted, the route valid).
fn decide(r: Route, cfg: &ProxyConfig, own_origin: &str, target: &str) -> Decided {
    if let Some(i) = r.instance() {
        if !cfg.instance_allowed(i) {
            let m = "this instance is not in ALLOWED_INSTANCES";
            return Decided::Answer(Answer::error(403, ProxyCode::ForbiddenInstance, m, None));
        }
    }
    let (e, p) = (&cfg.endpoint, cfg.project_id.as_str());
    let call = match r {
        Route::MirrorInstances { .. } | Route::ApiInstances { .. } => {
            return decide_instances(r, cfg);
        }
        Route::Health => {
            let body = to_json(&HealthJson { status: "ok" });
            return Decided::Answer(Answer::json(200, body));
        }
        Route::Static => {
            let path = target.split('?').next().unwrap_or("/");
            return match static_asset(path) {
                Some((asset, content_type)) => Decided::Asset {
                    url: cat(&[own_origin, &asset]),
                    content_type,
                },
                None => Decided::Answer(Answer::error(
                    404,
                    ProxyCode::NotFound,
                    "no such file",
                    None,
                )),
            };
        }
        Route::Config => {
            let body = to_json(&ConfigJson {
                project_id: p,
                demo_instance: cfg.demo_instance.as_deref(),
                enable_delete: cfg.enable_delete,
            });
            return Decided::Answer(Answer::fresh_json(200, body));
        }
        Route::MirrorList { instance, query } => Call::Mirror {
            request: query::list_request(e, p, &instance, &query),
            list: true,
        },
        Route::MirrorProgress { instance, task } => Call::Mirror {
            request: query::progress_request(e, p, &instance, &task),
            list: false,
        },
        Route::MirrorDelete { instance, task } => Call::Mirror {
            request: query::delete_request(e, p, &instance, &task),
            list: false,
        },
        Route::ApiList {
            instance,
            query,
            all: true,
        } => {
            if query.offset.is_some() {
                let m = "offset: all=1 gathers every page from the start: leave offset out";
                return Decided::Answer(Answer::error(400, ProxyCode::InvalidRequest, m, None));
            }
            return Decided::Listing { instance, query };
        }
        Route::ApiList {
            instance, query, ..
        } => Call::List {
            request: query::list_request(e, p, &instance, &query),
        },
        Route::ApiProgress { instance, task } => Call::Progress {
            request: query::progress_request(e, p, &instance, &task),
        },
    };
    Decided::Call(call)
}

impl Upstream {
    /// The answer of a `Mirror`, `List` or `Progress` call from its result.
    pub fn finish(&self, result: Result<RawResponse, DcsError>) -> Answer {
        let inm = self.if_none_match.as_deref();
        let resp = match result {
            Ok(r) => r,
            Err(e) => return upstream_error(&e),
        };
        match &self.call {
            Call::Mirror { list, .. } => answers::mirrored(resp, *list, inm),
            Call::List { .. } => {
                match dcs_tasks_parse::normalize::parse_list_tasks_json(
                    &resp.body,
                    ParseOptions::default(),
                ) {
                    Ok(l) => cacheable(200, l.json_bytes().to_vec(), inm),
                    Err(e) => upstream_error(&e),
                }
            }
            Call::Progress { .. } => {
                match crate::progress::parse_task_progress(&resp.body, ParseOptions::default()) {
                    Ok(p) => Answer::fresh_json(200, to_json(&p)),
                    Err(e) => upstream_error(&e),
                }
            }
            Call::Instances { .. } => {
                match crate::instances::parse_list_instances_response(
                    &resp.body,
                    ParseOptions::default(),
                ) {
                    Ok(l) => cacheable(200, l.to_json().into_bytes(), inm),
                    Err(e) => upstream_error(&e),
                }
            }
        }
    }
}

impl InstanceListing {
    /// The answer from the delivered pages, in order (or the error that ended the listing).
    pub fn finish(&self, pages: Result<Vec<Delivery<InstanceList>>, DcsError>) -> Answer {
        match pages.and_then(|p| self.merge(p)) {
            Ok(list) => cacheable(
                200,
                list.to_json().into_bytes(),
                self.if_none_match.as_deref(),
            ),
            Err(e) => upstream_error(&e),
        }
    }

    /// One `InstanceList` of the pages: filtered by `ALLOWED_INSTANCES` (`instanceCount` then
    /// counts what is left), cut to the window, the warnings once each. Under the filter nothing
    /// of a hidden instance leaves: its warnings are dropped, an allowed instance's are kept
    /// with their path at its place in the answer; the pages' own warnings (`instance_num` sent
    /// as a string carries the upstream count, hidden instances included) and the parser's
    /// `warnings_truncated` counts are dropped: `instanceCount` is the proxy's own count.
    fn merge(&self, pages: Vec<Delivery<InstanceList>>) -> Result<InstanceList, DcsError> {
        let Some(allowed) = &self.config.allowed_instances else {
            let mut out = InstanceList::default();
            for d in pages {
                check_all_instances(d.total)?;
                out.instance_count = d.total;
                for w in d.list.warnings {
                    if !out.warnings.contains(&w) {
                        out.warnings.push(w);
                    }
                }
                out.instances.extend(d.list.instances);
            }
            self.cut(&mut out.instances);
            return Ok(out);
        };
        let mut out = InstanceList::default();
        // (the instance's index among the allowed ones, the warning)
        let mut kept: Vec<(usize, Warning)> = Vec::new();
        for d in pages {
            check_all_instances(d.total)?;
            let mut at = Vec::with_capacity(d.list.instances.len());
            for i in d.list.instances {
                if allowed.contains(&i.instance_id) {
                    at.push(Some(out.instances.len()));
                    out.instances.push(i);
                } else {
                    at.push(None);
                }
            }
            for w in d.list.warnings {
                if let Some(Some(k)) = instance_index(&w.path).and_then(|(n, _)| at.get(n)) {
                    kept.push((*k, w));
                }
            }
        }
        out.instance_count = out.instances.len() as u64;
        let (from, len) = self.cut(&mut out.instances);
        for (k, mut w) in kept {
            if k < from || k >= from + len {
                continue;
            }
            let rest = instance_index(&w.path).map_or("", |(_, r)| r).to_string();
            w.path = cat(&["instances[", &(k - from).to_string(), "]", &rest]);
            if out.warnings.len() < dcs_tasks_parse::de::MAX_WARNINGS && !out.warnings.contains(&w)
            {
                out.warnings.push(w);
            }
        }
        Ok(out)
    }

    /// Cuts the instances to the caller's window: the offset and the number left.
    fn cut(&self, instances: &mut Vec<Instance>) -> (usize, usize) {
        let Some((offset, limit)) = self.window else {
            return (0, instances.len());
        };
        let from = (offset as usize).min(instances.len());
        instances.drain(..from);
        instances.truncate(limit as usize);
        (from, instances.len())
    }
}

/// `instances[N]...` as `(N, the rest of the path)`.
fn instance_index(path: &str) -> Option<(usize, &str)> {
    let rest = path.strip_prefix("instances[")?;
    let (n, rest) = rest.split_once(']')?;
    let n = dcs_tasks_parse::text::digits(n)?;
    Some((usize::try_from(n).ok()?, rest))
}

/// Refuses an instance listing whose total is over [`MAX_ALL_INSTANCES`] (never a silent
/// partial list). Checked on each delivered page.
pub fn check_all_instances(total: u64) -> Result<(), DcsError> {
    if total <= MAX_ALL_INSTANCES {
        return Ok(());
    }
    let m = cat(&[
        "the project has more than ",
        &MAX_ALL_INSTANCES.to_string(),
        " instances matching: filter by name or status",
    ]);
    Err(DcsError::invalid_argument("all", m).because(Reason::TooManyInstances))
}

impl Listing {
    /// The answer from the delivered pages, in order (or the error that ended the listing).
    pub fn finish(&self, pages: Result<Vec<Delivery>, DcsError>) -> Answer {
        match pages.and_then(|p| merge_pages(&p)) {
            Ok(text) => cacheable(200, text.into_bytes(), self.if_none_match.as_deref()),
            Err(e) => upstream_error(&e),
        }
    }
}

/// Refuses a listing whose total is over [`MAX_ALL_TASKS`]: never a silent partial list (the
/// caller pages or narrows the time range). Checked on each delivered page.
pub fn check_all_total(total: u64) -> Result<(), DcsError> {
    if total <= MAX_ALL_TASKS {
        return Ok(());
    }
    let m = cat(&[
        "the instance has more than ",
        &MAX_ALL_TASKS.to_string(),
        " tasks in this range: page with offset/limit or narrow start_time/end_time",
    ]);
    Err(DcsError::invalid_argument("all", m).because(Reason::TooManyTasks))
}

/// The pages of a listing as one `TaskList` text: their tasks in order, the warnings once each,
/// the last total.
fn merge_pages(pages: &[Delivery]) -> Result<String, DcsError> {
    let mut warnings: Vec<Warning> = Vec::new();
    for d in pages {
        check_all_total(d.total)?;
        for w in &d.list.warnings {
            if !warnings.contains(w) {
                warnings.push(w.clone());
            }
        }
    }
    let total = pages.last().map_or(0, |d| d.total);
    let mut out = String::new();
    write_list(
        &mut out,
        total,
        pages.iter().flat_map(|d| d.list.tasks()),
        &warnings,
    );
    out.push('}');
    Ok(out)
}
