//! The I/O edge on wasm: one HTTP exchange through a `fetch` function (the global one or
//! an injected one), with a deadline and caller cancellation through `AbortController`,
//! and an abortable sleep. Only globals every runtime has are used (`fetch`,
//! `AbortController`, `setTimeout`), never `window`, so the same code runs in pages,
//! workers, workerd, Deno and Node 20.

use std::cell::Cell;
use std::rc::Rc;

use js_sys::{Function, Object, Promise, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::bindings::{get, set};
use crate::error::DcsError;
use crate::query::HttpRequest;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(cb: &Function, ms: f64) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(id: &JsValue);

    /// The runtime's `AbortController`.
    #[derive(Clone)]
    pub type AbortController;
    #[wasm_bindgen(constructor)]
    pub fn new() -> AbortController;
    #[wasm_bindgen(method, getter)]
    pub fn signal(this: &AbortController) -> AbortSignal;
    #[wasm_bindgen(method)]
    pub fn abort(this: &AbortController);

    /// Any `AbortSignal`.
    #[derive(Clone)]
    pub type AbortSignal;
    #[wasm_bindgen(method, getter)]
    pub fn aborted(this: &AbortSignal) -> bool;
    #[wasm_bindgen(method, js_name = addEventListener)]
    fn add_event_listener(this: &AbortSignal, kind: &str, cb: &Function);
    #[wasm_bindgen(method, js_name = removeEventListener)]
    fn remove_event_listener(this: &AbortSignal, kind: &str, cb: &Function);
}

/// Reads an optional `AbortSignal` argument; anything without `aborted` and
/// `addEventListener` is rejected.
pub fn signal_arg(v: &JsValue, field: &str) -> Result<Option<AbortSignal>, DcsError> {
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    if v.is_object()
        && get(v, "aborted").as_bool().is_some()
        && get(v, "addEventListener").is_function()
    {
        Ok(Some(v.clone().unchecked_into()))
    } else {
        Err(DcsError::invalid_argument(field, "must be an AbortSignal"))
    }
}

/// A timer that calls back once; cleared when dropped.
struct Timer {
    id: JsValue,
    _cb: Closure<dyn FnMut()>,
}

impl Timer {
    fn new(ms: f64, f: impl FnMut() + 'static) -> Timer {
        let cb = Closure::<dyn FnMut()>::new(f);
        let id = set_timeout(cb.as_ref().unchecked_ref(), ms.max(0.0));
        Timer { id, _cb: cb }
    }
}

impl Drop for Timer {
    fn drop(&mut self) {
        clear_timeout(&self.id);
    }
}

/// A listener on an `AbortSignal`; removed when dropped.
pub(crate) struct Listener {
    signal: AbortSignal,
    cb: Closure<dyn FnMut()>,
}

impl Listener {
    pub(crate) fn new(signal: &AbortSignal, f: impl FnMut() + 'static) -> Listener {
        let cb = Closure::<dyn FnMut()>::new(f);
        signal.add_event_listener("abort", cb.as_ref().unchecked_ref());
        Listener {
            signal: signal.clone(),
            cb,
        }
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        self.signal
            .remove_event_listener("abort", self.cb.as_ref().unchecked_ref());
    }
}

/// The cancellation scope of one call: the caller's signal and a deadline, joined
/// into one internal `AbortController` whose signal every `fetch` of the call uses.
/// Dropping it clears the timer and the listener.
pub struct Scope {
    controller: AbortController,
    timed_out: Rc<Cell<bool>>,
    caller: Option<AbortSignal>,
    deadline_ms: f64,
    _timer: Option<Timer>,
    _listener: Option<Listener>,
}

impl Scope {
    /// `timeout_ms` of 0 means no deadline.
    pub fn new(caller: Option<AbortSignal>, timeout_ms: u32) -> Scope {
        let controller = AbortController::new();
        let timed_out = Rc::new(Cell::new(false));
        let timer = (timeout_ms > 0).then(|| {
            let c = controller.clone();
            let t = timed_out.clone();
            Timer::new(timeout_ms as f64, move || {
                t.set(true);
                c.abort();
            })
        });
        let listener = caller.as_ref().map(|s| {
            let c = controller.clone();
            Listener::new(s, move || c.abort())
        });
        if caller.as_ref().map(|s| s.aborted()).unwrap_or(false) {
            controller.abort();
        }
        Scope {
            controller,
            timed_out,
            caller,
            deadline_ms: if timeout_ms > 0 {
                js_sys::Date::now() + timeout_ms as f64
            } else {
                f64::INFINITY
            },
            _timer: timer,
            _listener: listener,
        }
    }

    pub fn signal(&self) -> AbortSignal {
        self.controller.signal()
    }

    /// Milliseconds left before the deadline.
    pub fn remaining_ms(&self) -> f64 {
        self.deadline_ms - js_sys::Date::now()
    }

    /// The error for a cancelled scope, if it is cancelled: the caller's abort wins
    /// over the deadline when both happened.
    pub fn cancelled(&self, timeout_ms: u32) -> Option<DcsError> {
        if self.caller.as_ref().map(|s| s.aborted()).unwrap_or(false) {
            Some(DcsError::aborted(
                "the operation was aborted by the caller's signal",
            ))
        } else if self.timed_out.get() || self.controller.signal().aborted() {
            let mut m = String::from("no answer within timeoutMs (");
            crate::json::push_u64(&mut m, timeout_ms as u64);
            m.push_str(" ms)");
            Some(DcsError::timeout(m))
        } else {
            None
        }
    }
}

/// Waits `ms` milliseconds, or less when the signal fires first.
pub async fn sleep(ms: f64, signal: &AbortSignal) {
    if signal.aborted() || ms <= 0.0 {
        return;
    }
    let mut timer = None;
    let mut listener = None;
    let p = Promise::new(&mut |resolve, _| {
        let r = resolve.clone();
        timer = Some(Timer::new(ms, move || {
            let _ = r.call0(&JsValue::UNDEFINED);
        }));
        listener = Some(Listener::new(signal, move || {
            let _ = resolve.call0(&JsValue::UNDEFINED);
        }));
    });
    let _ = JsFuture::from(p).await;
    drop(timer);
    drop(listener);
}

/// A received answer: status, the headers we use, and the whole body.
#[derive(Debug, Clone)]
pub struct RawResponse {
    pub status: u16,
    pub request_id: Option<String>,
    pub date: Option<String>,
    pub retry_after: Option<String>,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
}

/// A header of a `Request` or `Response` (`.headers.get(name)`).
pub(crate) fn header(resp: &JsValue, name: &str) -> Option<String> {
    let headers = get(resp, "headers");
    let f = get(&headers, "get");
    let f: &Function = f.dyn_ref()?;
    f.call1(&headers, &JsValue::from_str(name))
        .ok()
        .and_then(|v| v.as_string())
}

/// One exchange: calls `fetch_fn(url, {method, headers, signal})` (with `this` = the global
/// object, so an injected unbound `fetch` works), reads the whole body (refusing more than
/// `max_body` bytes), and maps failures to NETWORK / TIMEOUT / ABORTED.
pub async fn exchange(
    fetch_fn: &Function,
    req: &HttpRequest,
    scope: &Scope,
    timeout_ms: u32,
    max_body: usize,
) -> Result<RawResponse, DcsError> {
    if let Some(e) = scope.cancelled(timeout_ms) {
        return Err(e);
    }
    let init: JsValue = Object::new().into();
    set(&init, "method", &JsValue::from_str(&req.method));
    let headers: JsValue = Object::new().into();
    for (k, v) in &req.headers {
        if !k.eq_ignore_ascii_case("host") {
            set(&headers, k, &JsValue::from_str(v));
        }
    }
    set(&init, "headers", &headers);
    set(&init, "signal", &scope.signal().into());
    set(&init, "redirect", &JsValue::from_str("manual"));
    let map_err = |e: JsValue| -> DcsError {
        if let Some(c) = scope.cancelled(timeout_ms) {
            return c;
        }
        let msg = get(&e, "message")
            .as_string()
            .or_else(|| e.as_string())
            .unwrap_or_else(|| "fetch failed".into());
        let cause = get(&get(&e, "cause"), "code").as_string();
        DcsError::network(match cause {
            Some(c) => crate::error::cat(&[&msg, " (", &c, ")"]),
            None => msg,
        })
    };
    let promise = fetch_fn
        .call2(&js_sys::global(), &JsValue::from_str(&req.url), &init)
        .map_err(map_err)?;
    let promise: Promise = promise
        .dyn_into()
        .map_err(|_| DcsError::network("the fetch function did not return a Promise"))?;
    let resp = JsFuture::from(promise).await.map_err(map_err)?;
    let status = get(&resp, "status").as_f64().unwrap_or(0.0);
    if !(100.0..=599.0).contains(&status) {
        return Err(DcsError::network(
            "fetch returned no HTTP response (an opaque or redirect response)",
        ));
    }
    let content_length = header(&resp, "content-length").and_then(|v| v.parse::<u64>().ok());
    if content_length.map(|l| l > max_body as u64).unwrap_or(false) {
        // Do not download it: cancel the body and report.
        let body = get(&resp, "body");
        if let Some(cancel) = get(&body, "cancel").dyn_ref::<Function>() {
            let _ = cancel.call0(&body);
        }
        return Err(DcsError::invalid_response(
            "$",
            too_large(content_length.unwrap_or(0), max_body),
        ));
    }
    let ab = get(&resp, "arrayBuffer");
    let ab: &Function = ab
        .dyn_ref()
        .ok_or_else(|| DcsError::network("the response has no arrayBuffer()"))?;
    let p: Promise = ab
        .call0(&resp)
        .map_err(map_err)?
        .dyn_into()
        .map_err(|_| DcsError::network("arrayBuffer() did not return a Promise"))?;
    let buf = JsFuture::from(p).await.map_err(map_err)?;
    let bytes = Uint8Array::new(&buf);
    if bytes.length() as usize > max_body {
        return Err(DcsError::invalid_response(
            "$",
            too_large(bytes.length() as u64, max_body),
        ));
    }
    Ok(RawResponse {
        status: status as u16,
        request_id: header(&resp, "x-request-id"),
        date: header(&resp, "date"),
        retry_after: header(&resp, "retry-after"),
        content_type: header(&resp, "content-type"),
        body: bytes.to_vec(),
    })
}

/// The global `fetch`, looked up when called (so a polyfill installed later is seen).
pub fn global_fetch() -> Result<Function, DcsError> {
    get(&js_sys::global(), "fetch")
        .dyn_into::<Function>()
        .map_err(|_| {
            DcsError::network("this runtime has no global fetch; pass `fetch` in the options")
        })
}

fn too_large(n: u64, max_body: usize) -> String {
    let mut m = String::from("response body of ");
    crate::json::push_u64(&mut m, n);
    m.push_str(" bytes is over the ");
    crate::json::push_u64(&mut m, max_body as u64);
    m.push_str("-byte limit");
    m
}
