//! The client's I/O on gloo-net, web-sys and gloo-timers: one call with its retries
//! ([`run`]) under one `AbortController` that the caller's signal and the deadline both
//! abort ([`Cancel`]), and the pages of a listing fetched concurrently ([`Pager`]). Every
//! decision is the sans-IO core's ([`dcs_tasks_core::call::CallPlan`], [`dcs_tasks_core::policy::PagePlan`]);
//! this file only carries them out.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::future::{poll_fn, Future};
use std::pin::{pin, Pin};
use std::rc::Rc;
use std::task::Poll;

use gloo_net::http::{Method, RequestBuilder, Response};
use gloo_timers::callback::Timeout;
use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{future_to_promise, JsFuture};
use web_sys::{AbortController, AbortSignal, RequestRedirect};

use dcs_tasks_core::call::{Answer, Budget, CallPlan, Cancelled, Head, RawResponse};
use dcs_tasks_core::endpoint::Endpoint;
use dcs_tasks_core::listing::{InstancePages, PageSource, TaskPages};
use dcs_tasks_core::policy::{Delivery, PagePlan};
use dcs_tasks_core::query::{HttpRequest, InstanceQuery, ListQuery};
use dcs_tasks_core::sign::Auth;
use dcs_tasks_parse::error::{cat, DcsError};
use dcs_tasks_parse::model::ParseOptions;

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
        self.auth
            .apply(req, js_sys::Date::now() as i64 + clock_offset_ms)
    }
}

impl Inner {
    /// The pages of an instance's tasks for `q`, at this client's endpoint and project.
    pub(crate) fn task_pages(&self, instance_id: String, q: ListQuery) -> TaskPages {
        TaskPages {
            endpoint: self.endpoint.clone(),
            project_id: self.project_id.clone(),
            instance_id,
            query: q,
        }
    }

    /// The pages of the instance list for `q`.
    pub(crate) fn instance_pages(&self, q: InstanceQuery) -> InstancePages {
        InstancePages {
            endpoint: self.endpoint.clone(),
            project_id: self.project_id.clone(),
            query: q,
        }
    }
}

/// Pages of a listing fetched at once.
pub const PAGE_CONCURRENCY: usize = 4;

/// A parent signal forwarded to a controller: when `parent` aborts, so does the controller
/// (at once if it already has). Dropping the link removes the listener.
pub(crate) struct AbortLink {
    parent: AbortSignal,
    listener: Closure<dyn FnMut()>,
}

impl AbortLink {
    pub(crate) fn new(parent: &AbortSignal, controller: &AbortController) -> AbortLink {
        let c = controller.clone();
        let listener = Closure::<dyn FnMut()>::new(move || c.abort());
        let _ = parent.add_event_listener_with_callback("abort", listener.as_ref().unchecked_ref());
        if parent.aborted() {
            controller.abort();
        }
        AbortLink {
            parent: parent.clone(),
            listener,
        }
    }

    /// The parent signal has fired.
    pub(crate) fn aborted(&self) -> bool {
        self.parent.aborted()
    }
}

impl Drop for AbortLink {
    fn drop(&mut self) {
        let f = self.listener.as_ref().unchecked_ref();
        let _ = self.parent.remove_event_listener_with_callback("abort", f);
    }
}

/// One parent signal aborting many controllers through a single listener (a fleet's
/// listings: one listener per listing on the same signal would pass Node's warning threshold
/// of ten). Dropping it removes the listener.
pub(crate) struct AbortFanout {
    parent: AbortSignal,
    children: Rc<RefCell<Vec<(usize, AbortController)>>>,
    listener: Closure<dyn FnMut()>,
}

impl AbortFanout {
    pub(crate) fn new(parent: &AbortSignal) -> AbortFanout {
        let children: Rc<RefCell<Vec<(usize, AbortController)>>> = Rc::default();
        let c = children.clone();
        let listener = Closure::<dyn FnMut()>::new(move || {
            // Taken out first: aborting runs listeners that may touch the list.
            let all = std::mem::take(&mut *c.borrow_mut());
            for (_, ctl) in all {
                ctl.abort();
            }
        });
        let _ = parent.add_event_listener_with_callback("abort", listener.as_ref().unchecked_ref());
        AbortFanout {
            parent: parent.clone(),
            children,
            listener,
        }
    }

    /// Aborts `c` when the parent aborts (at once if it has); `key` names it for [`Self::remove`].
    pub(crate) fn add(&self, key: usize, c: AbortController) {
        if self.parent.aborted() {
            c.abort();
        }
        self.children.borrow_mut().push((key, c));
    }

    pub(crate) fn remove(&self, key: usize) {
        self.children.borrow_mut().retain(|(k, _)| *k != key);
    }
}

impl Drop for AbortFanout {
    fn drop(&mut self) {
        let f = self.listener.as_ref().unchecked_ref();
        let _ = self.parent.remove_event_listener_with_callback("abort", f);
    }
}

/// One call's cancellation: an `AbortController` aborted by the deadline's timer or by the
/// parent signal (the caller's, or a listing's). Dropping it aborts the controller, which
/// settles every wait of the call.
pub(crate) struct Cancel {
    controller: AbortController,
    signal: AbortSignal,
    /// Resolves when `signal` aborts (always, at the latest when this is dropped).
    aborted: Promise,
    parent: Option<AbortLink>,
    _timer: Option<Timeout>,
    timed_out: Rc<Cell<bool>>,
}

impl Cancel {
    pub(crate) fn new(parent: Option<&AbortSignal>, timeout_ms: u32) -> Result<Cancel, DcsError> {
        let controller = AbortController::new()
            .map_err(|_| DcsError::network("this runtime has no AbortController"))?;
        let signal = controller.signal();
        let aborted = Promise::new(&mut |resolve, _| {
            let _ = signal.add_event_listener_with_callback("abort", &resolve);
        });
        let timed_out = Rc::new(Cell::new(false));
        let timer = (timeout_ms > 0).then(|| {
            let (c, t) = (controller.clone(), timed_out.clone());
            Timeout::new(timeout_ms, move || {
                t.set(true);
                c.abort();
            })
        });
        let parent = parent.map(|p| AbortLink::new(p, &controller));
        Ok(Cancel {
            controller,
            signal,
            aborted,
            parent,
            _timer: timer,
            timed_out,
        })
    }

    /// Why the call must stop, if it must.
    pub(crate) fn state(&self) -> Option<Cancelled> {
        if self.parent.as_ref().is_some_and(AbortLink::aborted) {
            Some(Cancelled::Caller)
        } else if self.timed_out.get() || self.signal.aborted() {
            Some(Cancelled::Deadline)
        } else {
            None
        }
    }

    /// Waits `ms` (gloo-timers' `Timeout`), unless the call is cancelled first. The wait's
    /// Promise is settled either way, so nothing of it stays behind.
    pub(crate) async fn sleep(&self, ms: u32) -> Result<(), Cancelled> {
        let mut timer = None;
        let mut settle = None;
        let p = Promise::new(&mut |resolve: Function, _| {
            let r = resolve.clone();
            timer = Some(Timeout::new(ms, move || {
                let _ = r.call0(&JsValue::UNDEFINED);
            }));
            settle = Some(resolve);
        });
        let out = self.unless(JsFuture::from(p)).await.map(|_| ());
        if let (Err(_), Some(f)) = (&out, settle) {
            let _ = f.call0(&JsValue::UNDEFINED);
        }
        drop(timer);
        out
    }

    /// A failure, unless the call was cancelled (an aborted fetch rejects too).
    fn or<T>(&self, e: DcsError) -> Result<Result<T, DcsError>, Cancelled> {
        match self.state() {
            Some(c) => Err(c),
            None => Ok(Err(e)),
        }
    }

    /// Runs `f` unless the call is cancelled first.
    async fn unless<F: Future>(&self, f: F) -> Result<F::Output, Cancelled> {
        let mut f = pin!(f);
        let mut stop = pin!(JsFuture::from(self.aborted.clone()));
        poll_fn(|cx| {
            if let Poll::Ready(v) = f.as_mut().poll(cx) {
                Poll::Ready(Ok(v))
            } else if stop.as_mut().poll(cx).is_ready() {
                Poll::Ready(Err(self.state().unwrap_or(Cancelled::Deadline)))
            } else {
                Poll::Pending
            }
        })
        .await
    }
}

impl Drop for Cancel {
    fn drop(&mut self) {
        self.parent = None;
        self.controller.abort();
    }
}

/// Reads an optional `AbortSignal` argument; anything else is `INVALID_ARGUMENT`.
pub fn signal_arg(v: &JsValue, field: &str) -> Result<Option<AbortSignal>, DcsError> {
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    // `instanceof` fails across realms and for polyfills: accept what behaves as one.
    let looks = v.is_object()
        && Reflect::get(v, &"aborted".into()).is_ok_and(|a| a.as_bool().is_some())
        && Reflect::get(v, &"addEventListener".into()).is_ok_and(|f| f.is_function());
    if looks {
        Ok(Some(v.clone().unchecked_into()))
    } else {
        Err(DcsError::invalid_argument(field, "must be an AbortSignal"))
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
fn fetch_function(injected: Option<&Function>) -> Result<Function, DcsError> {
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
enum Unread {
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
async fn read_body(
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

/// Makes one call with its retries, signed afresh for each attempt: the final answer (2xx,
/// or any when `plan` passes through), or the error. `parent`: the caller's signal.
pub(crate) async fn run(
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
                Err(e) => return Ok(plan.failed(e, now(), rand()).map_err(Err)),
            };
            let cl = r.headers().get("content-length");
            match plan.head(r.status(), cl.as_deref(), now(), rand()) {
                Ok(Head::ReadBody) => {}
                Ok(Head::Retry(w)) => return Ok(Ok(w)),
                Err(e) => {
                    // Too large: do not download it.
                    if let Some(b) = r.body() {
                        let _ = b.cancel();
                    }
                    return Ok(Err(Err(e)));
                }
            }
            let resp = match read(&r, plan.max_body(), inner, &cancel).await? {
                Ok(resp) => resp,
                Err(Unread::TooLarge(n)) => return Ok(Err(Err(plan.too_large(n)))),
                Err(Unread::OverBudget(e)) => return Ok(Err(Err(e))),
                Err(Unread::Failed(e)) => return Ok(plan.failed(e, now(), rand()).map_err(Err)),
            };
            Ok(match plan.answer(&resp, offset, now(), rand()) {
                Ok(Answer::Done) => Err(Ok(resp)),
                Ok(Answer::Retry {
                    wait_ms,
                    clock_offset_ms,
                }) => {
                    if let Some(o) = clock_offset_ms {
                        inner.clock_offset_ms.set(o);
                    }
                    Ok(wait_ms)
                }
                Err(e) => Err(Err(e)),
            })
        };
        // Ok(wait): try again after it; Err(end): the call's result.
        let step: Result<Result<f64, Result<RawResponse, DcsError>>, Cancelled> = step.await;
        let wait = match step {
            Err(c) => return Err(plan.cancelled(c)),
            Ok(Ok(w)) => w,
            Ok(Err(end)) => return end,
        };
        if wait > 0.0 {
            if let Err(c) = cancel.sleep(wait.min(u32::MAX as f64) as u32).await {
                return Err(plan.cancelled(c));
            }
        }
    }
}

/// A call planned from the client's settings.
pub(crate) fn plan(inner: &Inner) -> CallPlan {
    CallPlan::new(
        now(),
        inner.timeout_ms,
        inner.retries,
        inner.auth.signs(),
        inner.max_body,
    )
}

type Slot<P> = Rc<RefCell<Option<Result<P, DcsError>>>>;

/// A page being fetched.
struct InFlight<P> {
    page: u32,
    done: Promise,
    slot: Slot<P>,
}

/// Every page of a listing with bounded concurrency, handed out in order, duplicates removed
/// ([`PagePlan`] decides); each page asked for and parsed as the core's [`PageSource`] says.
/// `listAllTasks`, `listAllInstances`, `listFleetTasks` and the proxy's gatherings use it.
pub(crate) struct Pager<S: PageSource> {
    inner: Rc<Inner>,
    source: Rc<S>,
    page_size: u32,
    /// Pages in flight at most ([`PAGE_CONCURRENCY`] unless set).
    concurrency: usize,
    plan: PagePlan<S::Page>,
    /// Aborts every page in flight.
    master: AbortController,
    queue: VecDeque<InFlight<S::Page>>,
    done: bool,
}

impl<S: PageSource + 'static> Pager<S> {
    pub(crate) fn new(
        inner: Rc<Inner>,
        source: S,
        page_size: u32,
        max_items: u64,
    ) -> Result<Pager<S>, DcsError> {
        Ok(Pager {
            inner,
            source: Rc::new(source),
            page_size,
            concurrency: PAGE_CONCURRENCY,
            plan: PagePlan::new(page_size, max_items),
            master: AbortController::new()
                .map_err(|_| DcsError::network("this runtime has no AbortController"))?,
            queue: VecDeque::new(),
            done: false,
        })
    }

    /// At most `n` pages in flight (at least 1).
    pub(crate) fn with_concurrency(mut self, n: usize) -> Self {
        self.concurrency = n.max(1);
        self
    }

    /// Aborts the pages in flight when `aborts` does (the owner keeps this controller).
    pub(crate) fn controller(&self) -> AbortController {
        self.master.clone()
    }

    fn start(&self, (page, offset): (u32, u32)) -> InFlight<S::Page> {
        let req = self.source.page_request(offset, self.page_size);
        let slot: Slot<S::Page> = Rc::new(RefCell::new(None));
        let (inner, out, signal) = (self.inner.clone(), slot.clone(), self.master.signal());
        let source = self.source.clone();
        let done = promise(Box::pin(async move {
            let strict = inner.strict;
            let r = run(&inner, &req, plan(&inner), Some(&signal))
                .await
                .and_then(|resp| source.parse_page(&resp, ParseOptions { strict }));
            *out.borrow_mut() = Some(r);
            Ok(JsValue::UNDEFINED)
        }));
        InFlight { page, done, slot }
    }

    /// Stops: nothing more is delivered, the pages in flight are aborted.
    pub(crate) fn stop(&mut self) {
        self.done = true;
        self.queue.clear();
        self.master.abort();
    }

    /// The next pages that can be delivered, in order; `None` at the end.
    pub(crate) async fn next(&mut self) -> Result<Option<Vec<Delivery<S::Page>>>, DcsError> {
        loop {
            if self.done {
                return Ok(None);
            }
            while self.queue.len() < self.concurrency {
                let Some(n) = self.plan.next_offset() else {
                    break;
                };
                let f = self.start(n);
                self.queue.push_back(f);
            }
            let Some(head) = self.queue.pop_front() else {
                self.done = true;
                return Ok(None);
            };
            let _ = JsFuture::from(head.done).await;
            if self.done {
                return Ok(None);
            }
            let got = head.slot.borrow_mut().take();
            let delivered = got
                .unwrap_or_else(|| Err(DcsError::network("a page fetch ended without a result")))
                .and_then(|list| self.plan.receive(head.page, list));
            let delivered = match delivered {
                Ok(d) => d,
                Err(e) => {
                    self.stop();
                    return Err(e);
                }
            };
            if let Some(n) = self.plan.take_refetch() {
                let f = self.start(n);
                self.queue.push_front(f);
            }
            if self.plan.is_done() {
                // Whatever is still in flight is beyond the end: cancel it.
                self.stop();
            }
            if !delivered.is_empty() {
                return Ok(Some(delivered));
            }
        }
    }
}

impl<S: PageSource> Drop for Pager<S> {
    fn drop(&mut self) {
        self.master.abort();
    }
}
