//! The sans-IO side of the client's I/O driver (`js/driver.js`): [`Call`] decides every
//! step of one call (the signed request, retry or not and after how long, skew
//! correction, which error, the value of a 2xx answer) and [`Pages`] every step of a
//! listing (which page next, in-order delivery, re-fetches, the end). The driver only
//! does the I/O and asks these at each step; the rules themselves are in
//! [`crate::policy`] (pure, tested natively).

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Array, Promise, Uint8Array};
use wasm_bindgen::prelude::*;

use crate::bindings::{get, json_to_js, list_value, round_trip_error, set, to_js_error};
use crate::client::{Auth, Inner};
use crate::error::DcsError;
use crate::fetch::{network_error, too_large, RawResponse};
use crate::model::{write_list, ListJson, ParseOptions};
use crate::policy::{self, Delivery, PagePlan};
use crate::query::{self, HttpRequest, ListQuery};

#[wasm_bindgen(module = "/js/driver.js")]
extern "C" {
    /// Runs `call` to the end: resolves with its value, rejects with its `DcsError`.
    /// `fetch`: the injected function, or undefined for the global one.
    #[wasm_bindgen(js_name = run)]
    pub(crate) fn drive(call: Call, fetch: &JsValue, timeout_ms: u32, signal: &JsValue) -> Promise;
    /// `listAllTasks`' async iterator over `pages`.
    fn iterate(
        pages: Pages,
        fetch: &JsValue,
        timeout_ms: u32,
        signal: &JsValue,
        on_page: &JsValue,
    ) -> JsValue;
    /// Fetches every page of `pages` (collecting them in Rust); resolves at the end.
    #[cfg_attr(not(feature = "proxy"), allow(dead_code))]
    fn drain(pages: Pages, fetch: &JsValue, timeout_ms: u32) -> Promise;
}

/// The deliveries of a listing gathered in Rust (the proxy's `all=1`).
pub(crate) type Gathered = Rc<RefCell<Vec<Delivery>>>;

/// A shared slot the Rust caller reads after the driver's Promise settles.
pub(crate) type Sink<T> = Rc<RefCell<Option<T>>>;

/// What a call's final answer becomes.
pub(crate) enum Outcome {
    /// `listTasks`: the normalized `TaskList`.
    List,
    /// `showTaskProgress`: the normalized `TaskProgress`.
    Progress,
    /// `deleteTask`: undefined.
    Delete,
    /// The answer itself, into the sink (the proxy).
    #[cfg_attr(not(feature = "proxy"), allow(dead_code))]
    Raw(Sink<RawResponse>),
    /// Page `.1` of a listing, parsed, into the listing's arrivals.
    Page(Rc<RefCell<Vec<(u32, ListJson)>>>, u32),
}

fn now() -> i64 {
    js_sys::Date::now() as i64
}

/// One call of the API with its retries, driven by `run` in `js/driver.js`.
#[wasm_bindgen(private)]
pub struct Call {
    inner: Rc<Inner>,
    base: HttpRequest,
    retries: u32,
    /// A final non-2xx answer is the outcome, not an `HTTP_ERROR` (the proxy's mirror).
    pass_through: bool,
    attempt: u32,
    skew_retried: bool,
    deadline_ms: f64,
    outcome: Outcome,
}

impl Call {
    pub(crate) fn new(inner: Rc<Inner>, base: HttpRequest, outcome: Outcome) -> Call {
        let retries = inner.retries;
        Call::with(inner, base, outcome, retries, false)
    }

    pub(crate) fn with(
        inner: Rc<Inner>,
        base: HttpRequest,
        outcome: Outcome,
        retries: u32,
        pass_through: bool,
    ) -> Call {
        let deadline_ms = if inner.timeout_ms > 0 {
            js_sys::Date::now() + inner.timeout_ms as f64
        } else {
            f64::INFINITY
        };
        Call {
            inner,
            base,
            retries,
            pass_through,
            attempt: 0,
            skew_retried: false,
            deadline_ms,
            outcome,
        }
    }

    /// Runs the call through the driver.
    pub(crate) fn start(self, signal: &JsValue) -> Promise {
        let fetch = self.inner.fetch_arg();
        let ms = self.inner.timeout_ms;
        drive(self, &fetch, ms, signal)
    }

    /// Another attempt after the returned wait, or `err` when none is left or waiting
    /// would only end in the deadline.
    fn retry(&mut self, retry_after: Option<&str>, err: DcsError) -> Result<f64, DcsError> {
        if self.attempt >= self.retries {
            return Err(err);
        }
        let wait = policy::retry_delay_ms(self.attempt, retry_after, now(), js_sys::Math::random());
        if wait >= self.deadline_ms - js_sys::Date::now() {
            // Waiting would only end in the deadline: report what we know now.
            return Err(err);
        }
        self.attempt += 1;
        Ok(wait)
    }

    fn finish(&mut self, resp: RawResponse) -> Result<JsValue, DcsError> {
        let strict = self.inner.strict;
        match &self.outcome {
            Outcome::List => list_value(&resp.body, strict),
            Outcome::Progress => {
                let p = crate::progress::parse_task_progress(&resp.body, ParseOptions { strict })?;
                json_to_js(&crate::model::to_json(&p)).map_err(|_| round_trip_error())
            }
            Outcome::Delete => Ok(JsValue::UNDEFINED),
            Outcome::Raw(sink) => {
                *sink.borrow_mut() = Some(resp);
                Ok(JsValue::UNDEFINED)
            }
            Outcome::Page(arrived, page) => {
                let list =
                    crate::normalize::parse_list_tasks_json(&resp.body, ParseOptions { strict })?;
                arrived.borrow_mut().push((*page, list));
                Ok(JsValue::UNDEFINED)
            }
        }
    }

    fn answer(&mut self, resp: RawResponse) -> Result<JsValue, DcsError> {
        if (200..300).contains(&resp.status) {
            return self.finish(resp);
        }
        if matches!(self.inner.auth, Auth::AkSk(_)) && !self.skew_retried {
            if let Some(off) = policy::skew_correction(
                resp.status,
                resp.date.as_deref(),
                now(),
                self.inner.clock_offset_ms.get(),
            ) {
                self.inner.clock_offset_ms.set(off);
                self.skew_retried = true;
                return Ok(JsValue::from_f64(0.0));
            }
        }
        let retryable = policy::is_retryable_status(resp.status) && self.attempt < self.retries;
        if self.pass_through && !retryable {
            return self.finish(resp);
        }
        let e = policy::http_error(resp.status, &resp.body, resp.request_id.clone());
        if !retryable {
            return Err(e);
        }
        self.retry(resp.retry_after.as_deref(), e)
            .map(JsValue::from_f64)
    }
}

#[wasm_bindgen]
impl Call {
    /// `[url, method, headers]` of the next attempt, signed afresh (Host is the URL's).
    pub fn request(&self) -> Result<Array, JsValue> {
        let req = self
            .inner
            .authorize(&self.base)
            .map_err(|e| to_js_error(&e))?;
        let headers: JsValue = js_sys::Object::new().into();
        for (k, v) in &req.headers {
            if !k.eq_ignore_ascii_case("host") {
                set(&headers, k, &JsValue::from_str(v));
            }
        }
        Ok(Array::of3(
            &JsValue::from_str(&req.url),
            &JsValue::from_str(&req.method),
            &headers,
        ))
    }

    /// A failure without an answer: `cancelled` 1 (deadline) or 2 (caller's signal) wins;
    /// else `what` says what failed (0: fetch threw or rejected with `error`).
    /// Returns the wait before a retry, or throws.
    pub fn fail(&mut self, cancelled: u8, what: u8, error: JsValue) -> Result<f64, JsValue> {
        let e = match what {
            1 => DcsError::network("the fetch function did not return a Promise"),
            2 => DcsError::network("the response has no arrayBuffer()"),
            3 => DcsError::network("arrayBuffer() did not return a Promise"),
            4 => {
                return Err(to_js_error(&DcsError::network(
                    "this runtime has no global fetch; pass `fetch` in the options",
                )))
            }
            _ => match cancelled {
                2 => DcsError::aborted("the operation was aborted by the caller's signal"),
                1 => {
                    let mut m = String::from("no answer within timeoutMs (");
                    m.push_str(&(self.inner.timeout_ms as u64).to_string());
                    m.push_str(" ms)");
                    DcsError::timeout(m)
                }
                _ => network_error(&error),
            },
        };
        if e.code != crate::ErrorCode::Network {
            return Err(to_js_error(&e));
        }
        self.retry(None, e).map_err(|e| to_js_error(&e))
    }

    /// The status and `Content-Length` arrived: -1 to read the body, else the wait
    /// before a retry; throws when the body is too large to download.
    pub fn head(&mut self, status: f64, content_length: JsValue) -> Result<f64, JsValue> {
        if !(100.0..=599.0).contains(&status) {
            let e = DcsError::network(
                "fetch returned no HTTP response (an opaque or redirect response)",
            );
            return self.retry(None, e).map_err(|e| to_js_error(&e));
        }
        let max = self.inner.max_body;
        match content_length
            .as_string()
            .and_then(|v| v.parse::<u64>().ok())
        {
            Some(l) if l > max as u64 => Err(to_js_error(&DcsError::invalid_response(
                "$",
                too_large(l, max),
            ))),
            _ => Ok(-1.0),
        }
    }

    /// The whole answer (the headers as strings or undefined): the call's value, or (a number) the wait before a retry; throws
    /// the error to report.
    pub fn response(
        &mut self,
        status: u16,
        body: Uint8Array,
        date: JsValue,
        retry_after: JsValue,
        request_id: JsValue,
        content_type: JsValue,
    ) -> Result<JsValue, JsValue> {
        let max = self.inner.max_body;
        if body.length() as usize > max {
            let e = DcsError::invalid_response("$", too_large(body.length() as u64, max));
            return Err(to_js_error(&e));
        }
        let resp = RawResponse {
            status,
            request_id: request_id.as_string(),
            date: date.as_string(),
            retry_after: retry_after.as_string(),
            content_type: content_type.as_string(),
            body: body.to_vec(),
        };
        self.answer(resp).map_err(|e| to_js_error(&e))
    }
}

/// Default page size of `listAllTasks`.
pub const DEFAULT_PAGE_SIZE: u32 = 100;
/// Pages of a listing fetched at once.
pub const PAGE_CONCURRENCY: usize = 4;

/// Where a gathered listing goes, and its bound.
struct Gather {
    out: Gathered,
    max_total: u64,
    over: fn() -> DcsError,
}

/// Every page of a list with bounded concurrency, handed out in order, duplicates
/// removed ([`PagePlan`] decides). Used by `listAllTasks` and by the proxy's `all=1`.
#[wasm_bindgen(private)]
pub struct Pages {
    inner: Rc<Inner>,
    instance_id: String,
    query: ListQuery,
    page_size: u32,
    plan: PagePlan,
    arrived: Rc<RefCell<Vec<(u32, ListJson)>>>,
    /// Gathers the deliveries in Rust instead of handing them to JS (the proxy), failing
    /// once a page reports more than `.0` tasks.
    collect: Option<Gather>,
}

impl Pages {
    pub(crate) fn new(
        inner: Rc<Inner>,
        instance_id: String,
        query: ListQuery,
        page_size: u32,
        max_tasks: u64,
    ) -> Pages {
        Pages {
            inner,
            instance_id,
            query,
            page_size,
            plan: PagePlan::new(page_size, max_tasks),
            arrived: Rc::new(RefCell::new(Vec::new())),
            collect: None,
        }
    }

    /// `listAllTasks`' iterator over these pages.
    pub(crate) fn iterate(self, signal: &JsValue, on_page: &JsValue) -> JsValue {
        let fetch = self.inner.fetch_arg();
        let ms = self.inner.timeout_ms;
        iterate(self, &fetch, ms, signal, on_page)
    }

    /// Fetches every page into `out`; rejects with the first error in page order, or
    /// `over()` once a page reports more than `max_total` tasks.
    #[cfg(feature = "proxy")]
    pub(crate) fn gather(
        mut self,
        out: Gathered,
        max_total: u64,
        over: fn() -> DcsError,
    ) -> Promise {
        self.collect = Some(Gather {
            out,
            max_total,
            over,
        });
        let fetch = self.inner.fetch_arg();
        let ms = self.inner.timeout_ms;
        drain(self, &fetch, ms)
    }

    fn page_call(&self, (page, offset): (u32, u32)) -> Array {
        let mut q = self.query.clone();
        q.offset = Some(offset);
        q.limit = Some(self.page_size);
        let req = query::list_request(
            &self.inner.endpoint,
            &self.inner.project_id,
            &self.instance_id,
            &q,
        );
        let call = Call::new(
            self.inner.clone(),
            req,
            Outcome::Page(self.arrived.clone(), page),
        );
        Array::of2(&JsValue::from(page), &call.into())
    }

    fn deliver(&mut self, page: u32) -> Result<Array, DcsError> {
        let list = {
            let mut arrived = self.arrived.borrow_mut();
            let i = arrived.iter().position(|(p, _)| *p == page);
            i.map(|i| arrived.swap_remove(i).1)
        }
        .ok_or_else(|| DcsError::network("a page fetch ended without a result"))?;
        let out = Array::new();
        for d in self.plan.receive(page, list)? {
            if let Some(g) = &self.collect {
                if d.total > g.max_total {
                    return Err((g.over)());
                }
                g.out.borrow_mut().push(d);
                continue;
            }
            let mut text = String::with_capacity(d.list.json().len() + 64);
            write_list(
                &mut text,
                d.list.task_count,
                d.list.tasks(),
                &d.list.warnings,
            );
            for (k, n) in [(",\"fetched\":", d.fetched), (",\"total\":", d.total)] {
                text.push_str(k);
                text.push_str(&(n).to_string());
            }
            text.push('}');
            out.push(&json_to_js(&text).map_err(|_| round_trip_error())?);
        }
        Ok(out)
    }
}

#[wasm_bindgen]
impl Pages {
    /// `[page, Call]` to start now, with `in_flight` pages being fetched; or undefined.
    pub fn next(&mut self, in_flight: usize) -> Option<Array> {
        if in_flight >= PAGE_CONCURRENCY {
            return None;
        }
        let n = self.plan.next_offset()?;
        Some(self.page_call(n))
    }

    /// Page `page` was fetched: `[finished, refetch, deliveries]`, where `finished` says
    /// nothing more will be delivered, `refetch` is a `[page, Call]` to start before
    /// anything else (or undefined) and `deliveries` are the pages now deliverable, in
    /// order, each `{ taskCount, tasks, warnings, fetched, total }`. Throws the listing's error.
    pub fn receive(&mut self, page: u32) -> Result<Array, JsValue> {
        let ds = self.deliver(page).map_err(|e| to_js_error(&e))?;
        let again = match self.plan.take_refetch() {
            Some(n) => self.page_call(n).into(),
            None => JsValue::UNDEFINED,
        };
        Ok(Array::of3(
            &JsValue::from_bool(self.plan.is_done()),
            &again,
            &ds,
        ))
    }

    /// The error of an iteration: the caller's signal fired (`aborted`), or the `onPage`
    /// callback threw `e`.
    pub fn error(&self, aborted: bool, e: JsValue) -> JsValue {
        let d = if aborted {
            DcsError::aborted("the operation was aborted by the caller's signal")
        } else {
            let mut d = DcsError::invalid_argument("o.onPage", "threw an exception");
            if let Some(m) = get(&e, "message").as_string() {
                d.message.push_str(": ");
                d.message.push_str(&m);
            }
            d
        };
        to_js_error(&d)
    }
}

/// The client's own `fetch` option, or undefined for the global `fetch`.
impl Inner {
    pub(crate) fn fetch_arg(&self) -> JsValue {
        self.fetch
            .as_ref()
            .map(|f| JsValue::from(f.clone()))
            .unwrap_or(JsValue::UNDEFINED)
    }
}
