//! The edge proxy's I/O (cargo feature `proxy`): `handleProxyRequest(request, env)` for a
//! worker's `fetch` handler. Every decision (status, headers, body, log fields) is
//! `dcs_tasks_core::proxy`'s: this file reads the request, awaits the static file or the
//! upstream calls the plan asks for (through the client's own call loop and pager, [`crate::fetch`]:
//! signing, deadline, retries, skew correction, pages in order; every gathering through one
//! generic loop over the core's [`Gathering`]), and writes the `Response` and the log line.

use std::cell::Cell;
use std::rc::Rc;

use js_sys::{Function, Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::bindings::{get, set};
use crate::fetch::{promise, run, Inner};
use crate::pager::Pager;
use dcs_tasks_core::call::RawResponse;
use dcs_tasks_core::proxy::{self, answers, Answer, Call, Gathering, Plan, ProxyConfig, Step};
use dcs_tasks_core::query::HttpRequest;
use dcs_tasks_parse::error::DcsError;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = console, js_name = log)]
    fn console_log(s: &str);
}

/// A header of the incoming `Request` (`.headers.get(name)`).
fn header(req: &JsValue, name: &str) -> Option<String> {
    let headers = get(req, "headers");
    let f: Function = get(&headers, "get").dyn_into().ok()?;
    f.call1(&headers, &JsValue::from_str(name))
        .ok()
        .and_then(|v| v.as_string())
}

/// The worker's `fetch` handler: `export default { fetch: (req, env) => handleProxyRequest(req, env) }`.
#[wasm_bindgen(js_name = handleProxyRequest, skip_typescript)]
pub fn handle_proxy_request(request: JsValue, env: JsValue) -> Promise {
    promise(Box::pin(async move {
        let started = js_sys::Date::now();
        let method = get(&request, "method").as_string().unwrap_or_default();
        let url = get(&request, "url").as_string().unwrap_or_default();
        let Plan {
            step,
            mut log,
            cors,
        } = proxy::plan(
            &method,
            &url,
            |h| header(&request, h),
            |k| get(&env, k).as_string(),
        );
        // An answer of the plan's own is in its log already; the others are noted below.
        let answer = match step {
            Step::Answer(a) => a,
            Step::Asset { url, content_type } => {
                let a = answers::asset(fetch_asset(&env, &url).await, content_type);
                log.answered(&a);
                a
            }
            Step::Upstream(up) => {
                let inner = inner_for(&up.config);
                let (Call::Mirror { request, .. }
                | Call::List { request }
                | Call::Progress { request }
                | Call::Instances { request }) = &up.call;
                let a = up.finish(upstream(&inner, request, &up.call).await);
                log.upstream_calls = Some(inner.calls.get());
                log.answered(&a);
                a
            }
            Step::Listing(g) => gathered(&*g, &mut log).await,
            Step::Instances(g) => gathered(&*g, &mut log).await,
            Step::MirrorInstances(g) => gathered(&*g, &mut log).await,
            Step::Fleet(g) => crate::watch::fleet_answer(&g, &mut log).await,
        };
        let answer = answer.finish(cors.as_deref());
        console_log(&log.line(answer.status, js_sys::Date::now() - started));
        Ok(to_response(answer))
    }))
}

/// The `Response` of an answer.
fn to_response(a: Answer) -> JsValue {
    let h: JsValue = Object::new().into();
    for (k, v) in &a.headers {
        set(&h, k, &JsValue::from_str(v));
    }
    let init: JsValue = Object::new().into();
    set(&init, "status", &JsValue::from(a.status));
    set(&init, "headers", &h);
    let body = match &a.body {
        Some(b) => Uint8Array::from(&b[..]).into(),
        None => JsValue::NULL,
    };
    let ctor: Function = get(&js_sys::global(), "Response").unchecked_into();
    Reflect::construct(&ctor, &js_sys::Array::of2(&body, &init)).unwrap_or(JsValue::NULL)
}

/// A static file from the `ASSETS` service binding: its bytes, none (no binding, or not
/// there), or the service's failure.
async fn fetch_asset(env: &JsValue, url: &str) -> Result<Option<Vec<u8>>, ()> {
    let assets = get(env, "ASSETS");
    let Some(fetch_fn) = get(&assets, "fetch").dyn_into::<Function>().ok() else {
        return Ok(None);
    };
    let p = fetch_fn
        .call1(&assets, &JsValue::from_str(url))
        .map_err(|_| ())?;
    let resp = JsFuture::from(Promise::resolve(&p)).await.map_err(|_| ())?;
    if get(&resp, "status").as_f64() != Some(200.0) {
        return Ok(None);
    }
    let read: Function = get(&resp, "arrayBuffer").dyn_into().map_err(|_| ())?;
    let p = read.call0(&resp).map_err(|_| ())?;
    let body = JsFuture::from(Promise::resolve(&p)).await.map_err(|_| ())?;
    Ok(Some(Uint8Array::new(&body).to_vec()))
}

/// The client settings of the proxy's upstream calls (a fresh one per request: its `calls`
/// count the upstream exchanges for the log line, its budget bounds them all together).
pub(crate) fn inner_for(cfg: &ProxyConfig) -> Rc<Inner> {
    Rc::new(Inner {
        endpoint: cfg.endpoint.clone(),
        project_id: cfg.project_id.clone(),
        auth: cfg.auth.clone(),
        fetch: None,
        timeout_ms: cfg.upstream_timeout_ms,
        retries: proxy::UPSTREAM_RETRIES,
        strict: false,
        headers: Vec::new(),
        max_body: cfg.max_upstream_bytes,
        clock_offset_ms: Cell::new(0),
        calls: Cell::new(0),
        // One deadline and one total of body bytes for all the request's upstream calls.
        budget: Cell::new(Some(cfg.request_budget(js_sys::Date::now()))),
        // Identical reads of callers with this access shared (in flight, and UPSTREAM_SHARE_MS).
        share: Some((cfg.upstream_identity(), cfg.share_ms)),
    })
}

/// One upstream call through the client's own call loop ([`crate::fetch::run`]), with the
/// retries and pass-through `call` says: its answer, or the error.
async fn upstream(
    inner: &Rc<Inner>,
    base: &HttpRequest,
    call: &Call,
) -> Result<RawResponse, DcsError> {
    let mut p = inner.call_plan().with_retries(call.retries());
    if call.passes_through() {
        p = p.pass_through();
    }
    run(inner, base, p, None).await
}

/// A gathering's answer: every page of its source at [`proxy::ALL_PAGE_SIZE`] through the
/// client's pager, each delivered page taken in by [`Gathering::take`] (the bound, then the
/// fold), stopped at the first error; the upstream calls noted in the log.
async fn gathered<G: Gathering>(g: &G, log: &mut proxy::Log) -> Answer
where
    G::Source: 'static,
{
    let inner = inner_for(g.config());
    let a = g.finish(gather(&inner, g).await);
    log.upstream_calls = Some(inner.calls.get());
    log.answered(&a);
    a
}

async fn gather<G: Gathering>(inner: &Rc<Inner>, g: &G) -> Result<G::Acc, DcsError>
where
    G::Source: 'static,
{
    let mut pager = Pager::new(
        inner.clone(),
        g.source(),
        proxy::ALL_PAGE_SIZE,
        G::MAX_ITEMS,
    )?;
    let mut acc = G::Acc::default();
    while let Some(ds) = pager.next().await? {
        for d in ds {
            g.take(&mut acc, d)?;
        }
    }
    Ok(acc)
}
