//! The client's I/O on gloo-net and web-sys: a client's settings ([`Inner`]), one call with
//! its retries ([`run`]: send, read the body as it arrives) under one `AbortController` that
//! the caller's signal and the deadline both abort ([`crate::cancel::Cancel`]). Every decision
//! is the sans-IO core's ([`dcs_tasks_core::call::CallPlan`]); this file only carries them
//! out. The pages of a listing: [`crate::pager`].

use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;

use gloo_net::http::{Method, RequestBuilder, Response};
use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{future_to_promise, JsFuture};
use web_sys::{AbortSignal, RequestRedirect};

use crate::cancel::Cancel;
use dcs_tasks_core::call::{Budget, CallPlan, Cancelled, Head, RawResponse, Verdict};
use dcs_tasks_core::endpoint::Endpoint;
use dcs_tasks_core::query::HttpRequest;
use dcs_tasks_core::sign::Auth;
use dcs_tasks_parse::error::{cat, DcsError};

/// A boxed future as a Promise. Every async entry point goes through this one
/// instantiation of `future_to_promise` (each instantiation weighs 1-4 KB of wasm).
pub(crate) fn promise(f: Pin<Box<dyn Future<Output = Result<JsValue, JsValue>>>>) -> Promise {
    future_to_promise(f)
}

// ---------------------------------------------------------------- a client's settings

pub(crate) struct Inner {
    pub(crate) endpoint: Endpoint,
    pub(crate) project_id: String,
    pub(crate) auth: Auth,
    pub(crate) fetch: Option<Function>,
    pub(crate) timeout_ms: u32,
    pub(crate) retries: u32,
    pub(crate) strict: bool,
    pub(crate) headers: Vec<(String, String)>,
    /// Largest body accepted.
    pub(crate) max_body: usize,
    /// Added to local time when signing; learnt from the gateway's `Date`.
    pub(crate) clock_offset_ms: Cell<i64>,
    /// HTTP exchanges started so far (every attempt of every call).
    pub(crate) calls: Cell<u32>,
    /// What all the calls together may still spend (one proxy request's deadline and body
    /// bytes); `None` for a client, whose calls are each bounded on their own.
    pub(crate) budget: Cell<Option<Budget>>,
    /// The proxy's shared reads: who it calls DCS as, and how long a 2xx read is shared
    /// (`None` for a client; see [`dcs_tasks_core::proxy::share`]). The proxy's build only.
    #[cfg(feature = "proxy")]
    pub(crate) share: Option<(String, u64)>,
}

impl Inner {
    /// Adds the caller's headers and the credentials to a freshly built request, signing
    /// with local time plus `clock_offset_ms`.
    pub(crate) fn authorize(
        &self,
        base: &HttpRequest,
        clock_offset_ms: i64,
    ) -> Result<HttpRequest, DcsError> {
        let mut req = base.clone();
        for (k, v) in &self.headers {
            req.set_header(k, v.clone());
        }
        // The elements' build has no credentials (`auth` is refused): its proxy signs.
        #[cfg(feature = "page")]
        let _ = clock_offset_ms;
        #[cfg(feature = "page")]
        return Ok(req);
        #[cfg(not(feature = "page"))]
        self.auth
            .apply(req, js_sys::Date::now() as i64 + clock_offset_ms)
    }
}

/// The NETWORK error for what a `fetch` threw or rejected with: its message, and the
/// `cause.code` Node gives (`ECONNREFUSED`...).
pub(crate) fn network_error(e: &JsValue) -> DcsError {
    let get = |v: &JsValue, k: &str| Reflect::get(v, &k.into()).unwrap_or(JsValue::UNDEFINED);
    let msg = if e.is_object() {
        get(e, "message").as_string()
    } else {
        e.as_string()
    }
    .unwrap_or_else(|| "fetch failed".into());
    let cause = get(e, "cause");
    match cause.is_object().then(|| get(&cause, "code").as_string()) {
        Some(Some(c)) => DcsError::network(cat(&[&msg, " (", &c, ")"])),
        _ => DcsError::network(msg),
    }
}

/// The function to call: the injected one, else the global `fetch` (looked up per call, so
/// a polyfill installed after the client was made is seen).
pub(crate) fn fetch_function(injected: Option<&Function>) -> Result<Function, DcsError> {
    if let Some(f) = injected {
        return Ok(f.clone());
    }
    Reflect::get(&js_sys::global(), &"fetch".into())
        .ok()
        .and_then(|f| f.dyn_into::<Function>().ok())
        .ok_or_else(|| {
            DcsError::network("this runtime has no global fetch; pass `fetch` in the options")
        })
}

/// The request gloo-net builds: our method, URL and headers (Host is the URL's), no
/// redirects followed, aborted by `signal`.
fn build(req: &HttpRequest, signal: &AbortSignal) -> Result<web_sys::Request, DcsError> {
    let method = match req.method.as_str() {
        "GET" => Method::GET,
        "DELETE" => Method::DELETE,
        "HEAD" => Method::HEAD,
        "POST" => Method::POST,
        "PUT" => Method::PUT,
        _ => return Err(DcsError::invalid_argument("method", "is not supported")),
    };
    let mut b = RequestBuilder::new(&req.url)
        .method(method)
        .redirect(RequestRedirect::Manual)
        .abort_signal(Some(signal));
    for (k, v) in &req.headers {
        // `Headers.set` throws on these; every header was validated before, so this only
        // keeps a throw out of wasm.
        if !dcs_tasks_core::rules::is_header_value(v) {
            return Err(DcsError::invalid_argument(
                cat(&["headers.", k]),
                "must be one line of Latin-1 text",
            ));
        }
        if !k.eq_ignore_ascii_case("host") {
            b = b.header(k, v);
        }
    }
    b.build()
        .map(Into::into)
        .map_err(|e| DcsError::network(cat(&["could not build the request: ", &e.to_string()])))
}

/// One exchange's status and headers: the `Response`, or why there is none.
async fn send(
    f: &Function,
    req: &HttpRequest,
    cancel: &Cancel,
) -> Result<Result<Response, DcsError>, Cancelled> {
    let request = match build(req, &cancel.signal) {
        Ok(r) => r,
        Err(e) => return Ok(Err(e)),
    };
    let p = match f.call1(&js_sys::global(), &request) {
        Ok(p) => p,
        Err(e) => return cancel.or(network_error(&e)),
    };
    // A promise of another realm (the Edge Runtime's fetch, a polyfill's) fails `instanceof`:
    // any thenable is adopted, so its rejection is handled here and never left unhandled.
    let Some(p) = thenable(&p) else {
        return Ok(Err(DcsError::network(
            "the fetch function did not return a Promise",
        )));
    };
    Ok(match cancel.unless(JsFuture::from(p)).await? {
        Ok(r) if looks_like_response(&r) => {
            Ok(Response::from(r.unchecked_into::<web_sys::Response>()))
        }
        Ok(_) => Err(DcsError::network(
            "fetch resolved with something that is not a Response",
        )),
        Err(e) => return cancel.or(network_error(&e)),
    })
}

/// `v` as a Promise of this realm when it is a thenable (a Promise of any realm included):
/// `Promise.resolve` adopts it. `None` for anything else.
pub(crate) fn thenable(v: &JsValue) -> Option<Promise> {
    let then = v.is_object() && Reflect::get(v, &"then".into()).is_ok_and(|t| t.is_function());
    then.then(|| Promise::resolve(v))
}

/// A `Response` of any realm (`instanceof` fails across realms): a numeric `status`, a
/// `headers` object and an `arrayBuffer` method.
fn looks_like_response(v: &JsValue) -> bool {
    let get = |k: &str| Reflect::get(v, &k.into()).unwrap_or(JsValue::UNDEFINED);
    v.is_object()
        && get("status").as_f64().is_some()
        && get("headers").is_object()
        && get("arrayBuffer").is_function()
}

/// Why a body was not read whole.
pub(crate) enum Unread {
    /// More than the cap arrived (the bytes seen by then); the read was cancelled.
    TooLarge(u64),
    /// The operation's budget ran out while it arrived.
    OverBudget(DcsError),
    Failed(DcsError),
}

/// Reads a body as it arrives (after the runtime's decompression), chunk by chunk: past `cap`
/// bytes, or past what the operation's budget has left, the read stops and the rest is never
/// downloaded, so memory stays within the cap whatever the upstream sends (chunked, a
/// compression bomb, a `Content-Length` that lies). Works with a body of any realm.
pub(crate) async fn read_body(
    stream: Option<web_sys::ReadableStream>,
    cap: usize,
    inner: &Inner,
    cancel: &Cancel,
) -> Result<Result<Vec<u8>, Unread>, Cancelled> {
    let call = |o: &JsValue, m: &str| -> Result<JsValue, JsValue> {
        Reflect::get(o, &m.into())?.dyn_into::<Function>()?.call0(o)
    };
    let Some(stream) = stream.map(JsValue::from).filter(|s| s.is_object()) else {
        return Ok(Ok(Vec::new()));
    };
    let reader = match call(&stream, "getReader") {
        Ok(r) => r,
        Err(e) => {
            return cancel
                .or(network_error(&e))
                .map(|r| r.map_err(Unread::Failed))
        }
    };
    let stop = |reader: &JsValue| {
        if let Ok(p) = call(reader, "cancel") {
            // settled by the runtime; its outcome does not matter
            if let Some(p) = thenable(&p) {
                wasm_bindgen_futures::spawn_local(async move {
                    let _ = JsFuture::from(p).await;
                });
            }
        }
    };
    let mut out = Vec::new();
    loop {
        let next = match call(&reader, "read").map(|p| thenable(&p)) {
            Ok(Some(p)) => cancel.unless(JsFuture::from(p)).await,
            Ok(None) => {
                let e = DcsError::network("the body's reader did not return a Promise");
                return Ok(Err(Unread::Failed(e)));
            }
            Err(e) => {
                return cancel
                    .or(network_error(&e))
                    .map(|r| r.map_err(Unread::Failed))
            }
        };
        let chunk = match next {
            Err(c) => {
                stop(&reader);
                return Err(c);
            }
            Ok(Err(e)) => {
                return cancel
                    .or(network_error(&e))
                    .map(|r| r.map_err(Unread::Failed))
            }
            Ok(Ok(c)) => c,
        };
        if Reflect::get(&chunk, &"done".into()).is_ok_and(|d| d.is_truthy()) {
            return Ok(Ok(out));
        }
        let value = Reflect::get(&chunk, &"value".into()).unwrap_or(JsValue::UNDEFINED);
        let n = Reflect::get(&value, &"byteLength".into())
            .ok()
            .and_then(|n| n.as_f64())
            .unwrap_or(0.0) as usize;
        if out.len().saturating_add(n) > cap {
            stop(&reader);
            return Ok(Err(Unread::TooLarge((out.len() + n) as u64)));
        }
        if let Some(mut b) = inner.budget.get() {
            let spent = b.spend(n);
            inner.budget.set(Some(b));
            if let Err(e) = spent {
                stop(&reader);
                return Ok(Err(Unread::OverBudget(e)));
            }
        }
        let start = out.len();
        out.resize(start + n, 0);
        js_sys::Uint8Array::new(&value).copy_to(&mut out[start..]);
    }
}

/// The answer as the core sees it (the whole body read, at most `cap` bytes).
async fn read(
    r: &Response,
    cap: usize,
    inner: &Inner,
    cancel: &Cancel,
) -> Result<Result<RawResponse, Unread>, Cancelled> {
    let h = r.headers();
    let body = match read_body(r.body(), cap, inner, cancel).await? {
        Ok(b) => b,
        Err(u) => return Ok(Err(u)),
    };
    Ok(Ok(RawResponse {
        status: r.status(),
        request_id: h.get("x-request-id"),
        date: h.get("date"),
        retry_after: h.get("retry-after"),
        content_type: h.get("content-type"),
        body,
    }))
}

fn now() -> f64 {
    js_sys::Date::now()
}

/// What one attempt of a call comes to (the caller's signal or the deadline aside).
enum Attempt {
    /// Try again after this many milliseconds.
    Retry(f64),
    /// The call's result.
    End(Result<RawResponse, DcsError>),
}

impl Attempt {
    /// A failed exchange: retried after the plan's wait, or the plan's error.
    fn after(failed: Result<f64, DcsError>) -> Attempt {
        match failed {
            Ok(w) => Attempt::Retry(w),
            Err(e) => Attempt::End(Err(e)),
        }
    }
}

/// Makes one call with its retries, signed afresh for each attempt: the final answer (2xx,
/// or any when `plan` passes through), or the error. `parent`: the caller's signal.
pub(crate) async fn run(
    inner: &Inner,
    base: &HttpRequest,
    plan: CallPlan,
    parent: Option<&AbortSignal>,
) -> Result<RawResponse, DcsError> {
    #[cfg(feature = "proxy")]
    if let Some((id, ms)) = &inner.share {
        use dcs_tasks_core::proxy::share;
        if let Some(key) = share::key(id, base, *ms) {
            let window = share::window(base, *ms);
            return crate::share::shared(key, window, || exchange(inner, base, plan, parent)).await;
        }
        if share::invalidates(base) {
            let r = exchange(inner, base, plan, parent).await;
            crate::share::forget();
            return r;
        }
    }
    exchange(inner, base, plan, parent).await
}

/// [`run`]'s call, never shared.
async fn exchange(
    inner: &Inner,
    base: &HttpRequest,
    mut plan: CallPlan,
    parent: Option<&AbortSignal>,
) -> Result<RawResponse, DcsError> {
    let f = fetch_function(inner.fetch.as_ref())?;
    if let Some(b) = inner.budget.get() {
        plan = plan.within(&b, now())?;
    }
    let cancel = Cancel::new(parent, plan.timeout_ms(now()))?;
    let rand = js_sys::Math::random;
    loop {
        if let Some(c) = cancel.state() {
            return Err(plan.cancelled(c));
        }
        let offset = inner.clock_offset_ms.get();
        let req = inner.authorize(base, offset)?;
        inner.calls.set(inner.calls.get().saturating_add(1));
        let step = async {
            let r = match send(&f, &req, &cancel).await? {
                Ok(r) => r,
                Err(e) => return Ok(Attempt::after(plan.failed(e, now(), rand()))),
            };
            let cl = r.headers().get("content-length");
            match plan.head(r.status(), cl.as_deref(), now(), rand()) {
                Ok(Head::ReadBody) => {}
                Ok(Head::Retry(w)) => return Ok(Attempt::Retry(w)),
                Err(e) => {
                    // Too large: do not download it.
                    if let Some(b) = r.body() {
                        let _ = b.cancel();
                    }
                    return Ok(Attempt::End(Err(e)));
                }
            }
            let resp = match read(&r, plan.max_body(), inner, &cancel).await? {
                Ok(resp) => resp,
                Err(Unread::TooLarge(n)) => return Ok(Attempt::End(Err(plan.too_large(n)))),
                Err(Unread::OverBudget(e)) => return Ok(Attempt::End(Err(e))),
                Err(Unread::Failed(e)) => return Ok(Attempt::after(plan.failed(e, now(), rand()))),
            };
            Ok(match plan.answer(&resp, offset, now(), rand()) {
                Ok(Verdict::Done) => Attempt::End(Ok(resp)),
                Ok(Verdict::Retry {
                    wait_ms,
                    clock_offset_ms,
                }) => {
                    if let Some(o) = clock_offset_ms {
                        inner.clock_offset_ms.set(o);
                    }
                    Attempt::Retry(wait_ms)
                }
                Err(e) => Attempt::End(Err(e)),
            })
        };
        let wait = match step.await {
            Err(c) => return Err(plan.cancelled(c)),
            Ok(Attempt::Retry(w)) => w,
            Ok(Attempt::End(end)) => return end,
        };
        if wait > 0.0 {
            if let Err(c) = cancel.sleep(wait.min(u32::MAX as f64) as u32).await {
                return Err(plan.cancelled(c));
            }
        }
    }
}

impl Inner {
    /// A call planned from the client's settings.
    pub(crate) fn call_plan(&self) -> CallPlan {
        CallPlan::new(
            now(),
            self.timeout_ms,
            self.retries,
            self.auth.signs(),
            self.max_body,
        )
    }
}
