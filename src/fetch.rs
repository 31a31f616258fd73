//! The I/O edge's small Rust helpers: reading an `AbortSignal` argument, a header of a
//! `Request`/`Response`, the answer as the policy sees it, and the errors of a failed
//! exchange. The exchange itself (fetch, timers, `AbortController`) is `js/driver.js`.

use js_sys::Function;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::bindings::get;
use crate::error::DcsError;

/// Reads an optional `AbortSignal` argument (undefined when absent); anything without
/// `aborted` and `addEventListener` is rejected.
pub fn signal_arg(v: &JsValue, field: &str) -> Result<JsValue, DcsError> {
    if v.is_undefined() || v.is_null() {
        return Ok(JsValue::UNDEFINED);
    }
    if v.is_object()
        && get(v, "aborted").as_bool().is_some()
        && get(v, "addEventListener").is_function()
    {
        Ok(v.clone())
    } else {
        Err(DcsError::invalid_argument(field, "must be an AbortSignal"))
    }
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
#[cfg_attr(not(feature = "proxy"), allow(dead_code))]
pub(crate) fn header(resp: &JsValue, name: &str) -> Option<String> {
    let headers = get(resp, "headers");
    let f = get(&headers, "get");
    let f: &Function = f.dyn_ref()?;
    f.call1(&headers, &JsValue::from_str(name))
        .ok()
        .and_then(|v| v.as_string())
}

/// The NETWORK error for what a `fetch` threw or rejected with: its message, and the
/// `cause.code` Node gives (`ECONNREFUSED`...).
pub(crate) fn network_error(e: &JsValue) -> DcsError {
    let msg = get(e, "message")
        .as_string()
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "fetch failed".into());
    let cause = get(&get(e, "cause"), "code").as_string();
    DcsError::network(match cause {
        Some(c) => crate::error::cat(&[&msg, " (", &c, ")"]),
        None => msg,
    })
}

pub(crate) fn too_large(n: u64, max_body: usize) -> String {
    let mut m = String::from("response body of ");
    m.push_str(&(n).to_string());
    m.push_str(" bytes is over the ");
    m.push_str(&(max_body as u64).to_string());
    m.push_str("-byte limit");
    m
}
