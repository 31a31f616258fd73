//! The edge proxy's I/O half (wasm only): `handleProxyRequest(request, env)` for a
//! worker's `fetch` handler. Decisions are in [`crate::route`]; calls go through the
//! client's [`Inner`] and the library's own call loop and pager ([`crate::fetch`]: signing,
//! deadline, retries, skew correction, pages in order).

use std::cell::Cell;
use std::rc::Rc;

use js_sys::{Function, Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::bindings::{get, set};
use crate::call::RawResponse;
use crate::error::{DcsError, ErrorCode};
use crate::fetch::{plan, promise, run, Auth, Inner, Pager};
use crate::model::{to_json, write_list, Warning};
use crate::route::{self, Caller, ProxyConfig, Route, UpstreamAuth};

/// A header of the incoming `Request` (`.headers.get(name)`).
fn header(req: &JsValue, name: &str) -> Option<String> {
    let headers = get(req, "headers");
    let f: Function = get(&headers, "get").dyn_into().ok()?;
    f.call1(&headers, &JsValue::from_str(name))
        .ok()
        .and_then(|v| v.as_string())
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = console, js_name = log)]
    fn console_log(s: &str);
}

/// The worker's `fetch` handler: `export default { fetch: (req, env) => handleProxyRequest(req, env) }`.
#[wasm_bindgen(js_name = handleProxyRequest, skip_typescript)]
pub fn handle_proxy_request(request: JsValue, env: JsValue) -> Promise {
    promise(Box::pin(async move {
        let started = js_sys::Date::now();
        let mut log = LogLine::default();
        let resp = handle(&request, &env, &mut log).await;
        let status = get(&resp, "status").as_f64().unwrap_or(0.0) as u16;
        if let Some(inner) = &log.upstream {
            log.upstream_calls = Some(inner.calls.get());
        }
        log.write(status, js_sys::Date::now() - started);
        Ok(resp)
    }))
}

/// One log line per request: method, path (no query), route, status, duration,
/// upstream request ID, and an error code. Never a header, a query value or a secret.
#[derive(Default)]
struct LogLine {
    method: String,
    path: String,
    route: &'static str,
    code: Option<String>,
    request_id: Option<String>,
    note: Option<String>,
    /// The request's upstream client, whose attempts are counted into `upstream_calls`.
    upstream: Option<Rc<Inner>>,
    upstream_calls: Option<u32>,
}

impl LogLine {
    /// The proxy's own error answer, its code noted in the log line.
    fn refuse(&mut self, status: u16, code: &str, message: &str) -> Out {
        self.code = Some(code.into());
        Out::error(status, code, message, None)
    }
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
    code: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    request_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<&'a str>,
    /// Upstream HTTP exchanges this request made (retries and pages included).
    #[serde(skip_serializing_if = "Option::is_none")]
    upstream_calls: Option<u32>,
}

impl LogLine {
    fn write(&self, status: u16, ms: f64) {
        console_log(&to_json(&LogJson {
            proxy: self.route,
            method: &self.method,
            path: &self.path,
            status,
            ms: ms.round() as i64,
            code: self.code.as_deref(),
            request_id: self.request_id.as_deref(),
            note: self.note.as_deref(),
            upstream_calls: self.upstream_calls,
        }));
    }
}

/// An error answer's body.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct ErrorJson<'a> {
    code: &'a str,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    request_id: Option<&'a str>,
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

struct Out {
    status: u16,
    body: Option<Vec<u8>>,
    headers: Vec<(&'static str, String)>,
}

impl Out {
    fn json(status: u16, body: String) -> Out {
        Out {
            status,
            body: Some(body.into_bytes()),
            headers: vec![("Content-Type", route::JSON_TYPE.into())],
        }
    }

    fn error(status: u16, code: &str, message: &str, request_id: Option<&str>) -> Out {
        let s = to_json(&ErrorJson {
            code,
            message,
            request_id,
        });
        let mut o = Out::json(status, s);
        o.headers.push(("Cache-Control", "no-store".into()));
        o
    }

    fn into_response(mut self, cors: Option<&str>) -> JsValue {
        self.headers
            .push(("X-Content-Type-Options", "nosniff".into()));
        // Pages carry their own policy; every other answer is inert even opened in a tab.
        if !self
            .headers
            .iter()
            .any(|(k, _)| *k == "Content-Security-Policy")
        {
            self.headers
                .push(("Content-Security-Policy", route::API_CSP.into()));
        }
        if let Some(o) = cors {
            self.headers
                .push(("Access-Control-Allow-Origin", o.to_string()));
            self.headers
                .push(("Access-Control-Expose-Headers", "X-Request-Id, ETag".into()));
        }
        self.headers.push(("Vary", "Origin".into()));
        let h: JsValue = Object::new().into();
        for (k, v) in &self.headers {
            set(&h, k, &JsValue::from_str(v));
        }
        let init: JsValue = Object::new().into();
        set(&init, "status", &JsValue::from(self.status));
        set(&init, "headers", &h);
        let body = match self.body {
            Some(b) if !matches!(self.status, 204 | 304) => Uint8Array::from(&b[..]).into(),
            _ => JsValue::NULL,
        };
        let ctor = get(&js_sys::global(), "Response");
        let ctor: Function = ctor.unchecked_into();
        Reflect::construct(&ctor, &js_sys::Array::of2(&body, &init)).unwrap_or(JsValue::NULL)
    }
}

fn inner_for(cfg: &ProxyConfig) -> Rc<Inner> {
    Rc::new(Inner {
        endpoint: cfg.endpoint.clone(),
        project_id: cfg.project_id.clone(),
        auth: match &cfg.auth {
            UpstreamAuth::AkSk(c) => Auth::AkSk(c.clone()),
            UpstreamAuth::Token(t) => Auth::Token(t.clone()),
        },
        fetch: None,
        timeout_ms: cfg.upstream_timeout_ms,
        retries: 1,
        strict: false,
        headers: Vec::new(),
        max_body: cfg.max_upstream_bytes,
        clock_offset_ms: Cell::new(0),
        calls: Cell::new(0),
    })
}

/// Maps a failed upstream call to the proxy's JSON error.
fn upstream_error(e: &DcsError) -> Out {
    // A redirect is told by its status alone, as on the mirror routes.
    if let Some(Err(r)) = e
        .status()
        .filter(|s| (300..400).contains(s))
        .map(|s| route::relay_check(s, None, b""))
    {
        let mut o = Out::error(r.status, r.code, &r.message, e.request_id());
        if let Some(id) = e.request_id() {
            o.headers.push(("X-Request-Id", id.to_string()));
        }
        return o;
    }
    let (status, code) = match e.code {
        ErrorCode::Timeout => (504, "UPSTREAM_TIMEOUT"),
        ErrorCode::Network => (502, "UPSTREAM_UNREACHABLE"),
        ErrorCode::InvalidResponse
            if e.message
                .as_bytes()
                .windows(11)
                .any(|w| w == b"-byte limit") =>
        {
            (502, "UPSTREAM_TOO_LARGE")
        }
        ErrorCode::InvalidResponse => (502, "INVALID_RESPONSE"),
        ErrorCode::InvalidArgument => (400, "INVALID_REQUEST"),
        // A 4xx is the caller's to see; a 5xx, a redirect (never followed, never relayed) or
        // anything else the upstream answered is a bad gateway.
        ErrorCode::HttpError => match e.status() {
            Some(s @ 400..=499) => (s, "HTTP_ERROR"),
            _ => (502, "HTTP_ERROR"),
        },
        _ => (502, "UPSTREAM_ERROR"),
    };
    let mut o = Out::error(status, code, &e.message, e.request_id());
    if let Some(r) = e.request_id() {
        o.headers.push(("X-Request-Id", r.to_string()));
    }
    o
}

/// A list answer: short private caching and an ETag; 304 when the caller has it.
fn cacheable(status: u16, body: Vec<u8>, if_none_match: Option<&str>) -> Out {
    let tag = route::etag(&body);
    let mut o = Out {
        status,
        body: Some(body),
        headers: vec![("Content-Type", route::JSON_TYPE.into())],
    };
    if status == 200 {
        o.headers
            .push(("Cache-Control", "private, max-age=5".into()));
        if route::etag_matches(if_none_match, &tag) {
            o.status = 304;
            o.body = None;
        }
        o.headers.push(("ETag", tag));
    } else {
        o.headers.push(("Cache-Control", "no-store".into()));
    }
    o
}

async fn handle(req: &JsValue, env: &JsValue, log: &mut LogLine) -> JsValue {
    let method = get(req, "method").as_string().unwrap_or_default();
    let url = get(req, "url").as_string().unwrap_or_default();
    let (own_origin, target, loopback_host) = match crate::url::parse(&url) {
        Ok(u) => (u.origin(), u.target(), u.is_loopback()),
        Err(_) => {
            log.method = method;
            return log
                .refuse(400, "INVALID_REQUEST", "the request URL is not understood")
                .into_response(None);
        }
    };
    log.method = method.clone();
    log.path = target
        .split('?')
        .next()
        .unwrap_or("")
        .chars()
        .take(200)
        .collect();
    log.route = "unrouted";
    let caller = Caller::of(loopback_host, |h| header(req, h));
    let var = |k: &str| get(env, k).as_string();
    let cfg = match ProxyConfig::from_env(var) {
        Ok(c) => c,
        Err(e) => {
            log.note = Some(e.message.clone());
            // Which variable is wrong is told to the operator (the log; a loopback caller
            // when TRUST_LOOPBACK says this is a developer's stack), not to the world.
            let detail = match caller {
                Caller::Loopback if ProxyConfig::loopback_trusted(var) => e.message.as_str(),
                _ => "see the proxy's log",
            };
            let message = crate::error::cat(&["proxy misconfigured: ", detail]);
            return log
                .refuse(500, "CONFIG_ERROR", &message)
                .into_response(None);
        }
    };
    // CORS: only configured origins (and our own) get CORS headers; a foreign Origin is refused.
    let origin = header(req, "origin");
    let cors = origin
        .as_deref()
        .filter(|o| cfg.origin_allowed(o, &own_origin));
    if origin.is_some() && cors.is_none() {
        return log
            .refuse(
                403,
                "FORBIDDEN_ORIGIN",
                "this origin is not in ALLOWED_ORIGINS",
            )
            .into_response(None);
    }
    if method == "OPTIONS" {
        log.route = "preflight";
        let mut o = Out {
            status: 204,
            body: None,
            headers: Vec::new(),
        };
        let methods = if cfg.enable_delete {
            "GET, DELETE, OPTIONS"
        } else {
            "GET, OPTIONS"
        };
        o.headers
            .push(("Access-Control-Allow-Methods", methods.into()));
        o.headers.push((
            "Access-Control-Allow-Headers",
            "Authorization, Content-Type, X-Project-Id, X-Auth-Token, X-Sdk-Date, X-Security-Token"
                .into(),
        ));
        o.headers.push(("Access-Control-Max-Age", "600".into()));
        return o.into_response(cors);
    }
    let token = cfg.caller_token(
        header(req, "authorization").as_deref(),
        header(req, "x-auth-token").as_deref(),
    );
    // A caller the API routes do not admit learns nothing (not even which project, or
    // whether a route exists or delete is enabled): 401 before any other refusal.
    // `/healthz` and static files stay open.
    if target.starts_with("/v2/") || target.starts_with("/api/") {
        if let Err(refusal) = cfg.admit(&method, caller, token) {
            let mut o = log.refuse(refusal.status, refusal.code, &refusal.message);
            // the challenge a client expects with a 401
            o.headers.push(("WWW-Authenticate", "Bearer".into()));
            return o.into_response(cors);
        }
    }
    let r = match route::route(&method, &target, &cfg) {
        Ok(r) => r,
        Err(refusal) => {
            return log
                .refuse(refusal.status, refusal.code, &refusal.message)
                .into_response(cors);
        }
    };
    log.route = match r {
        Route::Health => "healthz",
        Route::Config => "config",
        Route::MirrorList { .. } => "mirror-list",
        Route::MirrorProgress { .. } => "mirror-progress",
        Route::MirrorDelete { .. } => "mirror-delete",
        Route::ApiList { .. } => "api-list",
        Route::ApiProgress { .. } => "api-progress",
        Route::Static => "static",
    };
    match r {
        Route::Health => {
            return Out::json(200, to_json(&HealthJson { status: "ok" })).into_response(cors)
        }
        Route::Static => {
            return serve_static(env, &own_origin, &target, log)
                .await
                .into_response(cors)
        }
        _ => {}
    }

    if let Some(i) = r.instance() {
        if !cfg.instance_allowed(i) {
            return log
                .refuse(
                    403,
                    "FORBIDDEN_INSTANCE",
                    "this instance is not in ALLOWED_INSTANCES",
                )
                .into_response(cors);
        }
    }
    let inner = inner_for(&cfg);
    log.upstream = Some(inner.clone());
    let if_none_match = header(req, "if-none-match");
    let out = match r {
        Route::Config => {
            let s = to_json(&ConfigJson {
                project_id: &cfg.project_id,
                demo_instance: cfg.demo_instance.as_deref(),
                enable_delete: cfg.enable_delete,
            });
            Out::json(200, s)
        }
        Route::MirrorList { instance, query } => {
            let base =
                crate::query::list_request(&cfg.endpoint, &cfg.project_id, &instance, &query);
            mirror(&inner, base, if_none_match.as_deref(), true, log).await
        }
        Route::MirrorProgress { instance, task } => {
            let base =
                crate::query::progress_request(&cfg.endpoint, &cfg.project_id, &instance, &task);
            mirror(&inner, base, None, false, log).await
        }
        Route::MirrorDelete { instance, task } => {
            let base =
                crate::query::delete_request(&cfg.endpoint, &cfg.project_id, &instance, &task);
            mirror(&inner, base, None, false, log).await
        }
        Route::ApiList {
            instance,
            query,
            all,
        } => {
            let result = if all {
                list_all(&inner, &instance, &query).await
            } else {
                let base =
                    crate::query::list_request(&cfg.endpoint, &cfg.project_id, &instance, &query);
                match upstream(&inner, base, inner.retries, false).await {
                    Ok(resp) => {
                        crate::normalize::parse_list_tasks_json(&resp.body, Default::default())
                            .map(|l| l.json().to_string())
                    }
                    Err(e) => Err(e),
                }
            };
            match result {
                Ok(list) => cacheable(200, list.into_bytes(), if_none_match.as_deref()),
                Err(e) => {
                    log.code = Some(e.code.as_str().into());
                    log.request_id = e.request_id().map(str::to_string);
                    upstream_error(&e)
                }
            }
        }
        Route::ApiProgress { instance, task } => {
            let base =
                crate::query::progress_request(&cfg.endpoint, &cfg.project_id, &instance, &task);
            let res = match upstream(&inner, base, inner.retries, false).await {
                Ok(resp) => crate::progress::parse_task_progress(&resp.body, Default::default()),
                Err(e) => Err(e),
            };
            match res {
                Ok(p) => {
                    let mut o = Out::json(200, to_json(&p));
                    o.headers.push(("Cache-Control", "no-store".into()));
                    o
                }
                Err(e) => {
                    log.code = Some(e.code.as_str().into());
                    log.request_id = e.request_id().map(str::to_string);
                    upstream_error(&e)
                }
            }
        }
        Route::Health | Route::Static => unreachable_route(),
    };
    out.into_response(cors)
}

/// Static files (the page and pkg/) from the `ASSETS` service binding, with the right
/// `Content-Type` and a Content-Security-Policy for pages.
async fn serve_static(env: &JsValue, own_origin: &str, target: &str, log: &mut LogLine) -> Out {
    let assets = get(env, "ASSETS");
    let fetch_fn = get(&assets, "fetch");
    let Some(fetch_fn) = fetch_fn.dyn_ref::<Function>() else {
        return Out::error(
            404,
            "NOT_FOUND",
            "no such route (static files are not configured)",
            None,
        );
    };
    let path = target.split('?').next().unwrap_or("/");
    let Some((asset, content_type)) = route::static_asset(path) else {
        return log.refuse(404, "NOT_FOUND", "no such file");
    };
    let url = crate::error::cat(&[own_origin, &asset]);
    let resp = match fetch_fn.call1(&assets, &JsValue::from_str(&url)) {
        Ok(p) => JsFuture::from(Promise::resolve(&p)).await,
        Err(e) => Err(e),
    };
    let Ok(resp) = resp else {
        return Out::error(502, "ASSETS_ERROR", "the static file service failed", None);
    };
    let status = get(&resp, "status").as_f64().unwrap_or(0.0) as u16;
    if status != 200 {
        return log.refuse(404, "NOT_FOUND", "no such file");
    }
    let body = match get(&resp, "arrayBuffer")
        .dyn_ref::<Function>()
        .map(|f| f.call0(&resp))
    {
        Some(Ok(p)) => JsFuture::from(Promise::resolve(&p)).await.ok(),
        _ => None,
    };
    let Some(body) = body else {
        return Out::error(502, "ASSETS_ERROR", "the static file service failed", None);
    };
    let mut o = Out {
        status: 200,
        body: Some(Uint8Array::new(&body).to_vec()),
        headers: vec![
            ("Content-Type", content_type.into()),
            ("Cache-Control", "no-cache".into()),
        ],
    };
    if content_type.starts_with("text/html") {
        o.headers.push((
            "Content-Security-Policy",
            "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'".into(),
        ));
        o.headers.push(("Referrer-Policy", "no-referrer".into()));
    }
    o
}

fn unreachable_route() -> Out {
    Out::error(500, "INTERNAL", "route handled above", None)
}

/// Sends a mirror request signed with the proxy's credentials and passes the answer
/// back (status, body and `X-Request-Id` unchanged) when [`route::relay_check`] allows: as
/// JSON, never as the upstream's `Content-Type`; a redirect or a body that is not JSON is a
/// 502 `BAD_UPSTREAM`.
async fn mirror(
    inner: &Rc<Inner>,
    base: crate::query::HttpRequest,
    inm: Option<&str>,
    list: bool,
    log: &mut LogLine,
) -> Out {
    match upstream(inner, base, 0, true).await {
        Ok(resp) => {
            log.request_id = resp.request_id.clone();
            if let Err(r) =
                route::relay_check(resp.status, resp.content_type.as_deref(), &resp.body)
            {
                let mut o = log.refuse(r.status, r.code, &r.message);
                if let Some(id) = resp.request_id {
                    o.headers.push(("X-Request-Id", id));
                }
                return o;
            }
            let mut o = if list {
                cacheable(resp.status, resp.body, inm)
            } else {
                Out {
                    status: resp.status,
                    body: Some(resp.body),
                    headers: vec![
                        ("Content-Type", route::JSON_TYPE.into()),
                        ("Cache-Control", "no-store".into()),
                    ],
                }
            };
            if let Some(r) = resp.request_id {
                o.headers.push(("X-Request-Id", r));
            }
            o
        }
        Err(e) => {
            log.code = Some(e.code.as_str().into());
            upstream_error(&e)
        }
    }
}

/// `all=1`: every page (bounded by [`route::MAX_ALL_TASKS`]) merged into one list, paged
/// upstream at [`route::ALL_PAGE_SIZE`].
async fn list_all(
    inner: &Rc<Inner>,
    instance: &str,
    q: &crate::query::ListQuery,
) -> Result<String, DcsError> {
    if q.offset.is_some() {
        return Err(DcsError::invalid_argument(
            "offset",
            "all=1 gathers every page from the start: leave offset out",
        ));
    }
    // The caller's `limit` is not the page size: it would multiply the upstream calls.
    let page_size = route::ALL_PAGE_SIZE;
    let mut base = q.clone();
    base.offset = None;
    base.limit = None;
    let mut pager = Pager::new(
        inner.clone(),
        instance.to_string(),
        base,
        page_size,
        route::MAX_ALL_TASKS,
    )?;
    let mut pages = Vec::new();
    while let Some(ds) = pager.next().await? {
        for d in ds {
            if d.total > route::MAX_ALL_TASKS {
                return Err(too_many());
            }
            pages.push(d);
        }
    }
    let mut warnings: Vec<Warning> = Vec::new();
    for d in &pages {
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

/// Never a silent partial list: the caller pages or narrows the time range.
fn too_many() -> DcsError {
    let m = crate::error::cat(&[
        "the instance has more than ",
        &route::MAX_ALL_TASKS.to_string(),
        " tasks in this range: page with offset/limit or narrow start_time/end_time",
    ]);
    DcsError::invalid_argument("all", m)
}

/// One upstream call through the client's own call loop ([`crate::fetch::run`]): the
/// final answer (a non-2xx one too with `pass_through`), or the error.
async fn upstream(
    inner: &Rc<Inner>,
    base: crate::query::HttpRequest,
    retries: u32,
    pass_through: bool,
) -> Result<RawResponse, DcsError> {
    let mut p = plan(inner).with_retries(retries);
    if pass_through {
        p = p.pass_through();
    }
    run(inner, &base, p, None).await
}
