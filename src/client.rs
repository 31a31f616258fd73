//! `DcsClient`: the calls of the contract over `fetch`, with signing or token auth,
//! a per-call deadline, caller cancellation, retries with backoff, clock-skew
//! correction, typed errors, and `listAllTasks` pagination. The decisions live in
//! [`crate::policy`] (pure, tested natively); this file only does the I/O.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;

use js_sys::{Array, Function, Object, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

use crate::bindings::{credentials_from_js, get, json_to_js, options, set, to_arg, to_js_error};
use crate::endpoint::Endpoint;
use crate::error::DcsError;
use crate::fetch::{self, signal_arg, AbortController, AbortSignal, RawResponse, Scope};
use crate::model::ParseOptions;
use crate::policy::{self, PagePlan};
use crate::query::{self, Arg, HttpRequest, ListQuery};
use crate::sign::Credentials;

/// Default page size of `listAllTasks`.
pub const DEFAULT_PAGE_SIZE: u32 = 100;
/// Pages of `listAllTasks` fetched at once.
pub const PAGE_CONCURRENCY: usize = 4;
/// Most tasks `listAllTasks` will ever deliver (bounds a lying `task_count`).
pub const MAX_LIST_ALL_TASKS: u64 = 1_000_000;
/// Longest IAM token accepted.
const MAX_TOKEN_LEN: usize = 32 * 1024;

pub(crate) enum Auth {
    None,
    Token(String),
    AkSk(Credentials),
}

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
}

/// Headers the client sets itself; callers may not pass them in `headers`.
const RESERVED_HEADERS: [&str; 7] = [
    "host",
    "authorization",
    "x-auth-token",
    "x-sdk-date",
    "x-security-token",
    "x-project-id",
    "content-length",
];

fn valid_header_name(k: &str) -> bool {
    !k.is_empty()
        && k.len() <= 256
        && k.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

fn int_option(o: &JsValue, field: &str, min: u32, max: u32, default: u32) -> Result<u32, DcsError> {
    Ok(query::validate_int(field, &to_arg(&get(o, field)), min, max)?.unwrap_or(default))
}

fn parse_auth(v: &JsValue) -> Result<Auth, DcsError> {
    if v.is_undefined() || v.is_null() {
        return Ok(Auth::None);
    }
    if !v.is_object() {
        return Err(DcsError::invalid_argument(
            "auth",
            "must be { token } or { ak, sk, securityToken? }",
        ));
    }
    let token = get(v, "token");
    if !token.is_undefined() {
        if !get(v, "ak").is_undefined() || !get(v, "sk").is_undefined() {
            return Err(DcsError::invalid_argument(
                "auth",
                "give either token or ak/sk, not both",
            ));
        }
        let t = token
            .as_string()
            .ok_or_else(|| DcsError::invalid_argument("auth.token", "must be a string"))?;
        if t.is_empty() || t.len() > MAX_TOKEN_LEN || t.bytes().any(|b| !(0x21..=0x7e).contains(&b))
        {
            return Err(DcsError::invalid_argument(
                "auth.token",
                "must be a non-empty printable ASCII string without spaces",
            ));
        }
        return Ok(Auth::Token(t));
    }
    Ok(Auth::AkSk(credentials_from_js(v)?))
}

fn parse_headers(v: &JsValue) -> Result<Vec<(String, String)>, DcsError> {
    if v.is_undefined() || v.is_null() {
        return Ok(Vec::new());
    }
    if !v.is_object() || Array::is_array(v) {
        return Err(DcsError::invalid_argument(
            "headers",
            "must be an object of strings",
        ));
    }
    let mut out = Vec::new();
    for pair in Object::entries(v.unchecked_ref()).iter() {
        let k = Reflect_get_str(&pair, 0).unwrap_or_default();
        let field = crate::error::cat(&["headers.", &k]);
        let val = Reflect_get_str(&pair, 1)
            .ok_or_else(|| DcsError::invalid_argument(&field, "must be a string"))?;
        if !valid_header_name(&k) {
            return Err(DcsError::invalid_argument(
                &field,
                "is not a valid header name",
            ));
        }
        if RESERVED_HEADERS.iter().any(|r| k.eq_ignore_ascii_case(r)) {
            return Err(DcsError::invalid_argument(
                &field,
                "is set by the client itself and cannot be overridden",
            ));
        }
        if val.len() > 8192 || val.bytes().any(|b| b == b'\r' || b == b'\n' || b == 0) {
            return Err(DcsError::invalid_argument(
                &field,
                "must be one line of at most 8192 bytes",
            ));
        }
        out.push((k, val));
    }
    Ok(out)
}

#[allow(non_snake_case)]
fn Reflect_get_str(v: &JsValue, i: u32) -> Option<String> {
    js_sys::Reflect::get_u32(v, i)
        .ok()
        .and_then(|x| x.as_string())
}

impl Inner {
    pub(crate) fn fetch_fn(&self) -> Result<Function, DcsError> {
        match &self.fetch {
            Some(f) => Ok(f.clone()),
            None => fetch::global_fetch(),
        }
    }

    /// Adds the caller's headers and the credentials to a freshly built request.
    pub(crate) fn authorize(&self, base: &HttpRequest) -> Result<HttpRequest, DcsError> {
        let mut req = base.clone();
        for (k, v) in &self.headers {
            req.set_header(k, v.clone());
        }
        match &self.auth {
            Auth::None => Ok(req),
            Auth::Token(t) => {
                req.set_header("X-Auth-Token", t.clone());
                Ok(req)
            }
            Auth::AkSk(c) => {
                let now = js_sys::Date::now() as i64 + self.clock_offset_ms.get();
                crate::sign::sign_request(&req, c, now)
            }
        }
    }

    /// One call with retries inside `scope`: every attempt is signed afresh. Returns the
    /// 2xx answer, or the error of the last attempt.
    pub(crate) async fn call(
        &self,
        base: &HttpRequest,
        scope: &Scope,
    ) -> Result<RawResponse, DcsError> {
        self.call_with(base, scope, self.retries, false).await
    }

    /// Like [`Inner::call`] with `retries` given; with `pass_through`, a final non-2xx
    /// answer is returned as it is instead of as an `HTTP_ERROR` (the proxy's mirror).
    pub(crate) async fn call_with(
        &self,
        base: &HttpRequest,
        scope: &Scope,
        retries: u32,
        pass_through: bool,
    ) -> Result<RawResponse, DcsError> {
        let fetch_fn = self.fetch_fn()?;
        let mut attempt: u32 = 0;
        let mut skew_retried = false;
        loop {
            let req = self.authorize(base)?;
            let outcome =
                fetch::exchange(&fetch_fn, &req, scope, self.timeout_ms, self.max_body).await;
            let (retry_after, err) = match outcome {
                Ok(resp) if (200..300).contains(&resp.status) => return Ok(resp),
                Ok(resp) => {
                    if matches!(self.auth, Auth::AkSk(_)) && !skew_retried {
                        if let Some(off) = policy::skew_correction(
                            resp.status,
                            resp.date.as_deref(),
                            js_sys::Date::now() as i64,
                            self.clock_offset_ms.get(),
                        ) {
                            self.clock_offset_ms.set(off);
                            skew_retried = true;
                            continue;
                        }
                    }
                    let retryable = policy::is_retryable_status(resp.status) && attempt < retries;
                    if pass_through && !retryable {
                        return Ok(resp);
                    }
                    let e = policy::http_error(resp.status, &resp.body, resp.request_id.clone());
                    if !retryable {
                        return Err(e);
                    }
                    (resp.retry_after.clone(), e)
                }
                Err(e) if e.code == crate::ErrorCode::Network => (None, e),
                Err(e) => return Err(e),
            };
            if attempt >= retries {
                return Err(err);
            }
            let wait = policy::retry_delay_ms(
                attempt,
                retry_after.as_deref(),
                js_sys::Date::now() as i64,
                js_sys::Math::random(),
            );
            if wait >= scope.remaining_ms() {
                // Waiting would only end in the deadline: report what we know now.
                return Err(err);
            }
            fetch::sleep(wait, &scope.signal()).await;
            if let Some(c) = scope.cancelled(self.timeout_ms) {
                return Err(c);
            }
            attempt += 1;
        }
    }

    pub(crate) async fn list_page(
        &self,
        instance_id: &str,
        q: &ListQuery,
        scope: &Scope,
    ) -> Result<crate::model::TaskList, DcsError> {
        let req = query::list_request(&self.endpoint, &self.project_id, instance_id, q);
        let resp = self.call(&req, scope).await?;
        crate::normalize::parse_list_tasks_response(
            &resp.body,
            ParseOptions {
                strict: self.strict,
            },
        )
    }
}

/// Reads `{ signal? }`.
fn call_signal(o: &JsValue) -> Result<Option<AbortSignal>, DcsError> {
    let o = options(o, "o")?;
    signal_arg(&get(&o, "signal"), "o.signal")
}

fn reject(e: DcsError) -> Promise {
    Promise::reject(&to_js_error(&e))
}

/// The client of the contract.
#[wasm_bindgen(js_name = DcsClient, skip_typescript)]
pub struct DcsClient {
    inner: Rc<Inner>,
}

#[wasm_bindgen(js_class = DcsClient)]
impl DcsClient {
    #[wasm_bindgen(constructor)]
    pub fn new(o: JsValue) -> Result<DcsClient, JsValue> {
        crate::bindings::js_err((|| {
            let o = options(&o, "options")?;
            let endpoint = query::resolve_endpoint(
                &to_arg(&get(&o, "endpoint")),
                &to_arg(&get(&o, "region")),
            )?;
            let project_id =
                query::validate_id("projectId", &to_arg(&get(&o, "projectId")))?.to_string();
            let auth = parse_auth(&get(&o, "auth"))?;
            let f = get(&o, "fetch");
            let fetch = if f.is_undefined() || f.is_null() {
                None
            } else {
                Some(
                    f.dyn_into::<Function>()
                        .map_err(|_| DcsError::invalid_argument("fetch", "must be a function"))?,
                )
            };
            let timeout_ms = int_option(
                &o,
                "timeoutMs",
                1,
                policy::MAX_TIMEOUT_MS,
                policy::DEFAULT_TIMEOUT_MS,
            )?;
            let retries = int_option(
                &o,
                "retries",
                0,
                policy::MAX_RETRIES,
                policy::DEFAULT_RETRIES,
            )?;
            let strict = get(&o, "strict");
            if !(strict.is_undefined() || strict.is_null() || strict.as_bool().is_some()) {
                return Err(DcsError::invalid_argument("strict", "must be a boolean"));
            }
            let headers = parse_headers(&get(&o, "headers"))?;
            Ok(DcsClient {
                inner: Rc::new(Inner {
                    endpoint,
                    project_id,
                    auth,
                    fetch,
                    timeout_ms,
                    retries,
                    strict: strict.as_bool().unwrap_or(false),
                    headers,
                    max_body: policy::MAX_BODY_BYTES,
                    clock_offset_ms: Cell::new(0),
                }),
            })
        })())
    }

    /// `listTasks(instanceId, q?, o?) -> Promise<TaskList>`
    #[wasm_bindgen(js_name = listTasks)]
    pub fn list_tasks(&self, instance_id: JsValue, q: JsValue, o: JsValue) -> Promise {
        let prep = (|| {
            let id = query::validate_id("instanceId", &to_arg(&instance_id))?.to_string();
            let q = options(&q, "q")?;
            let a = |k: &str| to_arg(&get(&q, k));
            let lq =
                ListQuery::validate(&a("offset"), &a("limit"), &a("startTime"), &a("endTime"))?;
            Ok((id, lq, call_signal(&o)?))
        })();
        let (id, lq, signal) = match prep {
            Ok(v) => v,
            Err(e) => return reject(e),
        };
        let inner = self.inner.clone();
        future_to_promise(async move {
            let scope = Scope::new(signal, inner.timeout_ms);
            let list = inner
                .list_page(&id, &lq, &scope)
                .await
                .map_err(|e| to_js_error(&e))?;
            json_to_js(&list.to_json())
        })
    }

    /// `showTaskProgress(instanceId, taskId, o?) -> Promise<TaskProgress>`
    #[wasm_bindgen(js_name = showTaskProgress)]
    pub fn show_task_progress(
        &self,
        instance_id: JsValue,
        task_id: JsValue,
        o: JsValue,
    ) -> Promise {
        self.task_call(instance_id, task_id, o, false)
    }

    /// `deleteTask(instanceId, taskId, o?) -> Promise<void>`
    #[wasm_bindgen(js_name = deleteTask)]
    pub fn delete_task(&self, instance_id: JsValue, task_id: JsValue, o: JsValue) -> Promise {
        self.task_call(instance_id, task_id, o, true)
    }

    fn task_call(
        &self,
        instance_id: JsValue,
        task_id: JsValue,
        o: JsValue,
        delete: bool,
    ) -> Promise {
        let prep = (|| {
            let id = query::validate_id("instanceId", &to_arg(&instance_id))?.to_string();
            let task = query::validate_id("taskId", &to_arg(&task_id))?.to_string();
            Ok((id, task, call_signal(&o)?))
        })();
        let (id, task, signal) = match prep {
            Ok(v) => v,
            Err(e) => return reject(e),
        };
        let inner = self.inner.clone();
        future_to_promise(async move {
            let scope = Scope::new(signal, inner.timeout_ms);
            let r = if delete {
                query::delete_request(&inner.endpoint, &inner.project_id, &id, &task)
            } else {
                query::progress_request(&inner.endpoint, &inner.project_id, &id, &task)
            };
            let resp = inner.call(&r, &scope).await.map_err(|e| to_js_error(&e))?;
            if delete {
                return Ok(JsValue::UNDEFINED);
            }
            let p = crate::normalize::parse_task_progress(
                &resp.body,
                ParseOptions {
                    strict: inner.strict,
                },
            )
            .map_err(|e| to_js_error(&e))?;
            json_to_js(&p.to_json())
        })
    }

    /// `listAllTasks(instanceId, q?, o?) -> AsyncIterable<Task>`: argument errors throw
    /// at once; fetch and parse errors reject `next()`.
    #[wasm_bindgen(js_name = listAllTasks)]
    pub fn list_all_tasks(
        &self,
        instance_id: JsValue,
        q: JsValue,
        o: JsValue,
    ) -> Result<JsValue, JsValue> {
        let all = crate::bindings::js_err((|| {
            let id = query::validate_id("instanceId", &to_arg(&instance_id))?.to_string();
            let q = options(&q, "q")?;
            let a = |k: &str| to_arg(&get(&q, k));
            let page_size = query::validate_int("pageSize", &a("pageSize"), 1, query::MAX_LIMIT)?
                .unwrap_or(DEFAULT_PAGE_SIZE);
            let lq =
                ListQuery::validate(&Arg::Absent, &Arg::Absent, &a("startTime"), &a("endTime"))?;
            let o = options(&o, "o")?;
            let signal = signal_arg(&get(&o, "signal"), "o.signal")?;
            let on_page = get(&o, "onPage");
            let on_page =
                if on_page.is_undefined() || on_page.is_null() {
                    None
                } else {
                    Some(on_page.dyn_into::<Function>().map_err(|_| {
                        DcsError::invalid_argument("o.onPage", "must be a function")
                    })?)
                };
            Ok(ListAll::new(
                self.inner.clone(),
                id,
                lq,
                page_size,
                signal,
                on_page,
            ))
        })())?;
        Ok(all.into_iterator())
    }
}

type Slot = Rc<RefCell<Option<Result<crate::model::TaskList, DcsError>>>>;

/// Fetches every page of a list with bounded concurrency and hands the pages out in
/// order, duplicates removed ([`PagePlan`] decides; this only does the I/O). Used by
/// `listAllTasks` and by the proxy's `all=1`.
pub(crate) struct Pager {
    inner: Rc<Inner>,
    instance_id: String,
    query: ListQuery,
    page_size: u32,
    /// Cancels every page in flight: aborted by the owner, or at the end.
    master: AbortController,
    plan: RefCell<PagePlan>,
    in_flight: RefCell<VecDeque<(u32, Promise, Slot)>>,
    ready: RefCell<VecDeque<policy::Delivery>>,
    done: Cell<bool>,
}

impl Pager {
    pub(crate) fn new(
        inner: Rc<Inner>,
        instance_id: String,
        query: ListQuery,
        page_size: u32,
        max_tasks: u64,
    ) -> Rc<Pager> {
        Rc::new(Pager {
            inner,
            instance_id,
            query,
            page_size,
            master: AbortController::new(),
            plan: RefCell::new(PagePlan::new(page_size, max_tasks)),
            in_flight: RefCell::new(VecDeque::new()),
            ready: RefCell::new(VecDeque::new()),
            done: Cell::new(false),
        })
    }

    /// Stops: cancels the pages in flight; `next` returns `None` from now on.
    pub(crate) fn abort(&self) {
        self.done.set(true);
        self.in_flight.borrow_mut().clear();
        self.ready.borrow_mut().clear();
        self.master.abort();
    }

    fn launch(self: &Rc<Self>) {
        loop {
            if self.in_flight.borrow().len() >= PAGE_CONCURRENCY {
                return;
            }
            let Some((page, offset)) = self.plan.borrow_mut().next_offset() else {
                return;
            };
            let f = self.fetch_page(page, offset);
            self.in_flight.borrow_mut().push_back(f);
        }
    }

    /// Starts fetching one page; its result lands in the returned slot.
    fn fetch_page(self: &Rc<Self>, page: u32, offset: u32) -> (u32, Promise, Slot) {
        let slot: Slot = Rc::new(RefCell::new(None));
        let me = self.clone();
        let s = slot.clone();
        let mut q = self.query.clone();
        q.offset = Some(offset);
        q.limit = Some(self.page_size);
        let p = future_to_promise(async move {
            let scope = Scope::new(Some(me.master.signal()), me.inner.timeout_ms);
            let r = me.inner.list_page(&me.instance_id, &q, &scope).await;
            *s.borrow_mut() = Some(r);
            Ok(JsValue::UNDEFINED)
        });
        (page, p, slot)
    }

    /// The next page in order, or `None` at the end.
    pub(crate) async fn next(self: &Rc<Self>) -> Result<Option<policy::Delivery>, DcsError> {
        loop {
            if let Some(d) = self.ready.borrow_mut().pop_front() {
                return Ok(Some(d));
            }
            if self.done.get() {
                return Ok(None);
            }
            self.launch();
            let head = self.in_flight.borrow_mut().pop_front();
            let Some((page, promise, slot)) = head else {
                self.done.set(true);
                continue;
            };
            let _ = JsFuture::from(promise).await;
            if self.done.get() {
                return Ok(None);
            }
            let got = slot
                .borrow_mut()
                .take()
                .unwrap_or_else(|| Err(DcsError::network("a page fetch ended without a result")));
            let delivered = got.and_then(|list| self.plan.borrow_mut().receive(page, list));
            match delivered {
                Ok(ds) => self.ready.borrow_mut().extend(ds),
                Err(e) => {
                    self.abort();
                    return Err(e);
                }
            }
            let refetch = self.plan.borrow_mut().take_refetch();
            if let Some((page, offset)) = refetch {
                let f = self.fetch_page(page, offset);
                self.in_flight.borrow_mut().push_front(f);
            }
            if self.plan.borrow().is_done() {
                // Whatever is still in flight is beyond the end: cancel it.
                self.done.set(true);
                self.in_flight.borrow_mut().clear();
                self.master.abort();
            }
        }
    }
}

/// The state of one `listAllTasks` iteration.
struct ListAll {
    pager: Rc<Pager>,
    caller: Option<AbortSignal>,
    _listener: Option<fetch::Listener>,
    on_page: Option<Function>,
    buffer: RefCell<VecDeque<JsValue>>,
    last: RefCell<Promise>,
}

impl ListAll {
    fn new(
        inner: Rc<Inner>,
        instance_id: String,
        query: ListQuery,
        page_size: u32,
        caller: Option<AbortSignal>,
        on_page: Option<Function>,
    ) -> Rc<ListAll> {
        let pager = Pager::new(inner, instance_id, query, page_size, MAX_LIST_ALL_TASKS);
        let listener = caller.as_ref().map(|s| {
            let p = pager.clone();
            fetch::Listener::new(s, move || p.abort())
        });
        if caller.as_ref().map(|s| s.aborted()).unwrap_or(false) {
            pager.abort();
        }
        Rc::new(ListAll {
            pager,
            caller,
            _listener: listener,
            on_page,
            buffer: RefCell::new(VecDeque::new()),
            last: RefCell::new(Promise::resolve(&JsValue::UNDEFINED)),
        })
    }

    /// `{ next, return, [Symbol.asyncIterator] }`; `Object.prototype.valueOf` returns
    /// `this`, which is exactly what `[Symbol.asyncIterator]` must do.
    fn into_iterator(self: Rc<Self>) -> JsValue {
        let it: JsValue = Object::new().into();
        let me = self.clone();
        let next = Closure::<dyn FnMut() -> Promise>::new(move || me.clone().serialized(false));
        let me = self.clone();
        let ret = Closure::<dyn FnMut() -> Promise>::new(move || me.clone().serialized(true));
        set(&it, "next", &next.into_js_value());
        set(&it, "return", &ret.into_js_value());
        let proto = get(&get(&js_sys::global(), "Object"), "prototype");
        let value_of = get(&proto, "valueOf");
        let _ = js_sys::Reflect::set(&it, &js_sys::Symbol::async_iterator().into(), &value_of);
        it
    }

    /// Runs `next()`/`return()` one at a time, in call order.
    fn serialized(self: Rc<Self>, finish: bool) -> Promise {
        let prev = self.last.borrow().clone();
        let me = self.clone();
        let p = future_to_promise(async move {
            let _ = JsFuture::from(prev).await;
            if finish {
                me.stop();
                return Ok(result(JsValue::UNDEFINED, true));
            }
            me.step().await.map_err(|e| {
                me.stop();
                to_js_error(&e)
            })
        });
        *self.last.borrow_mut() = p.clone();
        p
    }

    fn stop(&self) {
        self.buffer.borrow_mut().clear();
        self.pager.abort();
    }

    fn cancelled(&self) -> Option<DcsError> {
        if self.caller.as_ref().map(|s| s.aborted()).unwrap_or(false) {
            Some(DcsError::aborted(
                "the operation was aborted by the caller's signal",
            ))
        } else {
            None
        }
    }

    async fn step(self: &Rc<Self>) -> Result<JsValue, DcsError> {
        loop {
            if let Some(e) = self.cancelled() {
                return Err(e);
            }
            if let Some(t) = self.buffer.borrow_mut().pop_front() {
                return Ok(result(t, false));
            }
            let delivery = self.pager.next().await;
            if let Some(e) = self.cancelled() {
                return Err(e);
            }
            let Some(d) = delivery? else {
                return Ok(result(JsValue::UNDEFINED, true));
            };
            let parsed = json_to_js(&d.list.to_json()).map_err(|_| {
                DcsError::invalid_response(
                    "$",
                    "normalized page did not round-trip through JSON.parse",
                )
            })?;
            self.buffer
                .borrow_mut()
                .extend(Array::from(&get(&parsed, "tasks")).iter());
            if let Some(cb) = &self.on_page {
                let ev: JsValue = Object::new().into();
                set(&ev, "fetched", &JsValue::from_f64(d.fetched as f64));
                set(&ev, "total", &JsValue::from_f64(d.total as f64));
                set(&ev, "warnings", &get(&parsed, "warnings"));
                cb.call1(&JsValue::UNDEFINED, &ev).map_err(|e| {
                    let mut d = DcsError::invalid_argument("o.onPage", "threw an exception");
                    if let Some(m) = get(&e, "message").as_string() {
                        d.message.push_str(": ");
                        d.message.push_str(&m);
                    }
                    d
                })?;
            }
        }
    }
}

fn result(value: JsValue, done: bool) -> JsValue {
    let r: JsValue = Object::new().into();
    set(&r, "value", &value);
    set(&r, "done", &JsValue::from_bool(done));
    r
}
