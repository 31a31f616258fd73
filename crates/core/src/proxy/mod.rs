//! The edge proxy's decisions, sans-IO. [`plan`] takes a request (method, URL, headers) and
//! the worker's environment and decides everything: an [`Answer`] now, a static file to fetch,
//! or an upstream call and how its result becomes the answer ([`Upstream::finish`],
//! [`Gathering::finish`]). Every status, header (CORS, CSP, cache, ETag) and log field is
//! decided here; the wasm handler (`src/proxy.rs` of the root crate) only translates and
//! awaits.
//!
//! - [`config`]: the configuration, one reader per variable.
//! - [`access`]: who may call (the token, loopback, origins, instances).
//! - [`routes`]: routing and validation of every path and query; the static files.
//! - [`answers`]: the answers and the log line; [`codes`]: the error codes.
//! - [`upstream`]: the one-exchange calls and their answers; [`gather`]: the gatherings
//!   (every page of a listing folded into one answer).
//! - [`share`]: identical upstream reads shared between callers (in flight, and for
//!   `UPSTREAM_SHARE_MS` after).
//! - [`mirror`]: the ListInstances mirror under `ALLOWED_INSTANCES` (gathered, filtered,
//!   paged in the wire format).

pub mod access;
pub mod answers;
pub mod codes;
pub mod config;
pub mod gather;
pub mod metrics;
// The mirror's pages and answer (serde_json's `raw_value`): natively and in the proxy's wasm
// build (feature `proxy`), never in the library's wasm.
#[cfg(any(feature = "proxy", not(target_arch = "wasm32")))]
pub mod mirror;
pub mod routes;
pub mod share;
pub mod upstream;
pub mod watch;

#[cfg(test)]
mod tests;

use dcs_tasks_parse::error::cat;
use dcs_tasks_parse::model::to_json;

pub use access::{ct_eq, Caller, Token};
pub use answers::{
    cacheable, etag, etag_matches, relay_check, upstream_error, Answer, Log, API_CSP, JSON_TYPE,
    PAGE_CSP,
};
pub use codes::ProxyCode;
pub use config::{
    ConfigError, ProxyConfig, DEFAULT_MAX_UPSTREAM_BYTES, DEFAULT_UPSTREAM_TIMEOUT_MS,
};
pub use gather::{
    check_all_instances, check_all_total, Gathering, InstanceGathering, MirrorGathering,
    TaskGathering, ALL_PAGE_SIZE, MAX_ALL_INSTANCES, MAX_ALL_TASKS,
};
#[cfg(any(feature = "proxy", not(target_arch = "wasm32")))]
pub use mirror::{Gathered, MirrorPages, RawInstancePage};
pub use routes::{route, static_asset, Refusal, Route, MAX_TARGET_LEN};
pub use upstream::{Call, Upstream, UPSTREAM_RETRIES};
pub use watch::{FleetGathering, FleetPurpose};

use crate::query::{self, InstanceQuery, ListQuery};

/// `/api/instances`' page size when the caller gives no `limit` (the service's default).
pub const DEFAULT_INSTANCE_LIMIT: u32 = 10;
/// DCS's page size when the caller gives no `limit`.
pub const DEFAULT_MIRROR_LIMIT: u32 = 10;
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
    /// The gatherings ([`Gathering`]): page upstream, [`Gathering::take`] each delivered
    /// page, then [`Gathering::finish`]. `all=1` on a task list:
    Listing(Box<TaskGathering>),
    /// `/api/instances` gathered whole:
    Instances(Box<InstanceGathering>),
    /// The ListInstances mirror while `ALLOWED_INSTANCES` is set (the raw pages, `MirrorPages`):
    MirrorInstances(Box<MirrorGathering>),
    /// `/api/attention` and `/metrics`: a look at the fleet ([`watch::FleetGathering`]).
    Fleet(Box<FleetGathering>),
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
    if target.starts_with("/v2/") || target.starts_with("/api/") || is_metrics(&target) {
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

/// `/metrics` (under the API's access rules: Prometheus sends the token as a bearer token).
fn is_metrics(target: &str) -> bool {
    target == "/metrics" || target.starts_with("/metrics?") || target.starts_with("/metrics/")
}

/// The step of a decided request (or its answer now).
fn step_of(d: Decided, cfg: ProxyConfig, if_none_match: Option<String>) -> Result<Step, Answer> {
    Ok(match d {
        Decided::Answer(a) => return Err(a),
        Decided::Asset { url, content_type } => Step::Asset { url, content_type },
        Decided::Fleet(purpose) => Step::Fleet(Box::new(FleetGathering {
            config: cfg,
            purpose,
        })),
        Decided::Call(call) => Step::Upstream(Box::new(Upstream {
            config: cfg,
            call,
            if_none_match,
        })),
        Decided::MirrorInstances { filter, window } => {
            Step::MirrorInstances(Box::new(MirrorGathering {
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
            Step::Instances(Box::new(InstanceGathering {
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
            Step::Listing(Box::new(TaskGathering {
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
    Fleet(FleetPurpose),
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
        Route::Attention => return Decided::Fleet(FleetPurpose::Attention),
        Route::Metrics => return Decided::Fleet(FleetPurpose::Metrics),
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
