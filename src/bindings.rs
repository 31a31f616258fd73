//! The wasm-bindgen layer: converts JS values to the core's types and back, and
//! nothing else. Every function here is a thin wrapper over a core function.

use js_sys::{Array, Reflect};
use wasm_bindgen::prelude::*;

use dcs_tasks_parse::error::DcsError;
// What the library's own functions use (not the elements' build: `crate::wire`).
#[cfg(not(feature = "page"))]
use {
    crate::options::{CredentialsOptions, ListTasksOptions, Options, ParseOpts, SignOptions},
    dcs_tasks_core::field::Field,
    dcs_tasks_core::query::{HttpRequest, ListTasksInput},
    dcs_tasks_core::sign::{self, Credentials},
    dcs_tasks_parse::error::cat as dcs_cat,
    dcs_tasks_parse::model::ParseOptions,
    js_sys::{Date, Object, Uint8Array},
    wasm_bindgen::JsCast,
};

/// Builds the JS `DcsError`: an `Error` whose `name` is `"DcsError"`, with `code`
/// and only the properties that belong to it.
pub fn to_js_error(e: &DcsError) -> JsValue {
    let err = js_sys::Error::new(&e.message);
    err.set_name("DcsError");
    let o: &JsValue = err.as_ref();
    set(o, "code", &JsValue::from_str(e.code.as_str()));
    let opt = |k: &str, v: &Option<String>| {
        if let Some(v) = v {
            set(o, k, &JsValue::from_str(v));
        }
    };
    opt("field", &e.field);
    opt("path", &e.path);
    if let Some(h) = &e.http {
        set(o, "status", &JsValue::from(h.status));
        // HTTP errors always carry these keys (null when the body had none).
        for (k, v) in [
            ("errorCode", &h.error_code),
            ("errorMsg", &h.error_msg),
            ("errorExtMsg", &h.error_ext_msg),
            ("requestId", &h.request_id),
        ] {
            set(
                o,
                k,
                &v.as_deref().map(JsValue::from_str).unwrap_or(JsValue::NULL),
            );
        }
    }
    err.into()
}

pub(crate) fn set(o: &JsValue, k: &str, v: &JsValue) {
    let _ = Reflect::set(o, &JsValue::from_str(k), v);
}

pub(crate) fn get(o: &JsValue, k: &str) -> JsValue {
    if o.is_object() || o.is_function() {
        Reflect::get(o, &JsValue::from_str(k)).unwrap_or(JsValue::UNDEFINED)
    } else {
        JsValue::UNDEFINED
    }
}

pub(crate) fn js_err<T>(r: Result<T, DcsError>) -> Result<T, JsValue> {
    r.map_err(|e| to_js_error(&e))
}

#[cfg(not(feature = "page"))]
/// `{ method, url, headers: { name: value } }`: serde_json's text and one `JSON.parse`, as
/// for every other result (serde-wasm-bindgen's serializer for this one object weighed more
/// in the wasm: BENCHMARKS.md).
pub fn request_to_js(r: &HttpRequest) -> Result<JsValue, DcsError> {
    json_to_js(&dcs_tasks_parse::model::to_json(r)).map_err(|_| round_trip_error())
}

#[cfg(not(feature = "page"))]
/// Reads `{ method, url, headers }` (headers: a plain object of strings, or a `Headers`).
pub fn request_from_js(v: &JsValue) -> Result<HttpRequest, DcsError> {
    if !v.is_object() {
        return Err(DcsError::invalid_argument("req", "must be an object"));
    }
    let s = |k: &str| -> Result<String, DcsError> {
        get(v, k)
            .as_string()
            .ok_or_else(|| DcsError::invalid_argument(dcs_cat(&["req.", k]), "must be a string"))
    };
    let method = s("method")?;
    let url = s("url")?;
    let mut headers = Vec::new();
    let h = get(v, "headers");
    if h.is_object() {
        // Headers (and Map-likes) iterate as [name, value] pairs; plain objects by entries.
        let entries: JsValue =
            if js_sys::Reflect::has(&h, &js_sys::Symbol::iterator().into()).unwrap_or(false) {
                Array::from(&h).into()
            } else {
                Object::entries(h.unchecked_ref()).into()
            };
        for pair in Array::from(&entries).iter() {
            let k = Reflect::get_u32(&pair, 0).ok().and_then(|k| k.as_string());
            let val = Reflect::get_u32(&pair, 1).ok().and_then(|x| x.as_string());
            match (k, val) {
                (Some(k), Some(val)) => headers.push((k, val)),
                (Some(k), None) => {
                    return Err(DcsError::invalid_argument(
                        dcs_cat(&["req.headers.", &k]),
                        "must be a string",
                    ))
                }
                _ => {
                    return Err(DcsError::invalid_argument(
                        "req.headers",
                        "must map names to strings",
                    ))
                }
            }
        }
    } else if !h.is_undefined() && !h.is_null() {
        return Err(DcsError::invalid_argument(
            "req.headers",
            "must be an object",
        ));
    }
    Ok(HttpRequest {
        method,
        url,
        headers,
    })
}

#[cfg(not(feature = "page"))]
/// Reads the body argument of the parsers: a string, a `Uint8Array` or an `ArrayBuffer`.
pub(crate) fn body_bytes(body: &JsValue) -> Result<Vec<u8>, DcsError> {
    if let Some(s) = body.as_string() {
        Ok(s.into_bytes())
    } else if let Some(a) = body.dyn_ref::<Uint8Array>() {
        Ok(a.to_vec())
    } else if body.is_instance_of::<js_sys::ArrayBuffer>() {
        Ok(Uint8Array::new(body).to_vec())
    } else {
        Err(DcsError::invalid_argument(
            "body",
            "must be a string, a Uint8Array or an ArrayBuffer",
        ))
    }
}

#[cfg(not(feature = "page"))]
pub(crate) fn parse_options(v: &JsValue) -> Result<ParseOptions, DcsError> {
    let o = ParseOpts::read(v, "opts", "opts.")?;
    Ok(ParseOptions {
        strict: dcs_tasks_core::query::validate_bool(Field::Strict, &o.strict)
            .map_err(|e| e.js("opts."))?
            .unwrap_or(false),
    })
}

/// A small result (`TaskProgress`) as a JS object: serde_json's text, one `JSON.parse`. Through
/// serde-wasm-bindgen it measured the same per call (within noise, `make bench`'s small-results
/// figure) and 565 B gzipped more, since the list's JSON path is linked anyway (BENCHMARKS.md).
pub(crate) fn to_js<T: serde::Serialize>(v: &T) -> Result<JsValue, DcsError> {
    json_to_js(&dcs_tasks_parse::model::to_json(v)).map_err(|_| round_trip_error())
}

pub(crate) fn json_to_js(text: &str) -> Result<JsValue, JsValue> {
    js_sys::JSON::parse(text)
}

#[cfg(not(feature = "page"))]
/// `buildListTasksRequest(o)`
#[wasm_bindgen(js_name = buildListTasksRequest, skip_typescript)]
pub fn build_list_tasks_request(o: JsValue) -> Result<JsValue, JsValue> {
    js_err((|| {
        let o = ListTasksOptions::read(&o, "options", "")?;
        let input = ListTasksInput {
            endpoint: o.endpoint,
            region: o.region,
            project_id: o.project_id,
            instance_id: o.instance_id,
            offset: o.offset,
            limit: o.limit,
            start_time: o.start_time,
            end_time: o.end_time,
        };
        request_to_js(&dcs_tasks_core::query::build_list_tasks_request(&input)?)
    })())
}

#[cfg(not(feature = "page"))]
/// `signRequest(req, cred, opts?)`
#[wasm_bindgen(js_name = signRequest, skip_typescript)]
pub fn sign_request(req: JsValue, cred: JsValue, opts: JsValue) -> Result<JsValue, JsValue> {
    js_err((|| {
        let r = request_from_js(&req)?;
        if cred.is_undefined() || cred.is_null() {
            return Err(DcsError::invalid_argument("cred", "must be an object"));
        }
        let c = CredentialsOptions::read(&cred, "cred", "cred.")?;
        let c =
            Credentials::from_args(&c.ak, &c.sk, &c.security_token).map_err(|e| e.js("cred."))?;
        let o = SignOptions::read(&opts, "opts", "opts.")?;
        let now = sign::signing_time(&o.date).map_err(|e| e.js("opts."))?;
        let now = now.unwrap_or(Date::now() as i64);
        // The credentials and the time are checked above: what is left to refuse is the request's.
        request_to_js(&sign::sign_request(&r, &c, now).map_err(|e| e.js("req."))?)
    })())
}

#[cfg(not(feature = "page"))]
/// `knownValues()`: the task statuses, task names and step statuses this version knows
/// (values outside them are kept as sent, with an `unknown_value` warning), which statuses mean
/// "running", the time ranges and the limits of the listings the views start, so that pages,
/// tools and the elements take them from the package instead of copying them.
#[wasm_bindgen(js_name = knownValues, skip_typescript)]
pub fn known_values() -> JsValue {
    use dcs_tasks_core::instances::{KNOWN_ENGINES, KNOWN_INSTANCE_STATUSES};
    use dcs_tasks_parse::normalize::{KNOWN_STEP_STATUSES, KNOWN_TASK_NAMES, KNOWN_TASK_STATUSES};
    let o: JsValue = Object::new().into();
    for (k, list) in [
        ("taskStatuses", KNOWN_TASK_STATUSES),
        ("taskNames", KNOWN_TASK_NAMES),
        ("stepStatuses", KNOWN_STEP_STATUSES),
        ("instanceStatuses", KNOWN_INSTANCE_STATUSES),
        ("engines", KNOWN_ENGINES),
        (
            "runningTaskStatuses",
            &dcs_tasks_core::views::RUNNING_TASK_STATUSES,
        ),
        ("concernKinds", &dcs_tasks_core::attention::ConcernKind::ALL),
        ("proxyCodes", &dcs_tasks_core::proxy::ProxyCode::ALL),
    ] {
        let a: Array = list.iter().map(|v| JsValue::from_str(v)).collect();
        set(&o, k, &a);
    }
    let ranges: JsValue = Object::new().into();
    for (name, ms) in dcs_tasks_core::views::TIME_RANGES {
        set(&ranges, name, &JsValue::from(ms as f64));
    }
    set(&o, "timeRanges", &ranges);
    let limits: JsValue = Object::new().into();
    for (k, v) in [
        ("maxPageSize", dcs_tasks_core::query::MAX_LIMIT),
        (
            "listAllPageSize",
            dcs_tasks_core::listing::DEFAULT_PAGE_SIZE,
        ),
        (
            "fleetConcurrencyMax",
            dcs_tasks_core::fleet::MAX_FLEET_CONCURRENCY,
        ),
        (
            "fleetConcurrencyDefault",
            dcs_tasks_core::fleet::DEFAULT_FLEET_CONCURRENCY,
        ),
        (
            "rangeStepMs",
            dcs_tasks_core::views::RANGE_START_STEP_MS as u32,
        ),
    ] {
        set(&limits, k, &JsValue::from(v));
    }
    set(&o, "limits", &limits);
    o
}

/// `revealText(text)`: display text with every invisible or reordering character (bidi
/// controls, zero-width, control characters) shown as `[U+XXXX]`, so that a person sees it
/// instead of its effect (the rule of the parsers' `invisible_text` warning).
#[wasm_bindgen(js_name = revealText, skip_typescript)]
pub fn reveal_text(text: JsValue) -> JsValue {
    match text.as_string() {
        Some(s) => match dcs_tasks_parse::text::reveal(&s) {
            std::borrow::Cow::Borrowed(_) => text,
            std::borrow::Cow::Owned(o) => JsValue::from_str(&o),
        },
        None => text,
    }
}

#[cfg(not(feature = "page"))]
/// `parseListInstancesResponse(body, opts?)`
#[wasm_bindgen(js_name = parseListInstancesResponse, skip_typescript)]
pub fn parse_list_instances_response(body: JsValue, opts: JsValue) -> Result<JsValue, JsValue> {
    js_err((|| {
        let o = parse_options(&opts)?;
        let list =
            dcs_tasks_core::instances::parse_list_instances_response(&body_bytes(&body)?, o)?;
        to_js(&list)
    })())
}

#[cfg(not(feature = "page"))]
/// `parseListTasksResponse(body, opts?)`
#[wasm_bindgen(js_name = parseListTasksResponse, skip_typescript)]
pub fn parse_list_tasks_response(body: JsValue, opts: JsValue) -> Result<JsValue, JsValue> {
    js_err((|| {
        let o = parse_options(&opts)?;
        list_value(&body_bytes(&body)?, o.strict)
    })())
}

#[cfg(not(feature = "page"))]
/// The one place a list body becomes the JS value of `parseListTasksResponse` and
/// `listTasks`: the parser writes the contract JSON of the tasks in chunks of about 64 KiB
/// (each a JSON array, read by `JSON.parse` as it comes), then the page without its tasks
/// (count and warnings, one `JSON.parse`), whose `tasks` become the chunks' tasks in order.
/// The bytes go to the host's `TextDecoder` as they are (a view of wasm memory, no copy and
/// no second UTF-8 check in wasm); the page's text is never whole, in wasm or in JS.
pub(crate) fn list_value(body: &[u8], strict: bool) -> Result<JsValue, DcsError> {
    use dcs_tasks_parse::normalize::{parse_list_tasks_chunks, Chunk};
    let chunks = Array::new();
    let mut ok = true;
    let page = parse_list_tasks_chunks(body, ParseOptions { strict }, &mut |c| match c {
        Chunk::Tasks(bytes) => match json_parse(&DECODER.with(|d| d.decode(bytes))) {
            Ok(tasks) => {
                chunks.push(&tasks);
            }
            Err(_) => ok = false,
        },
        Chunk::Restart => chunks.set_length(0),
    })?;
    let text = DECODER.with(|d| d.decode(page.json_bytes()));
    let value = json_parse(&text)
        .ok()
        .filter(|_| ok)
        .ok_or_else(round_trip_error)?;
    set(&value, "tasks", &concat_all(&Array::new(), &chunks));
    Ok(value)
}

#[wasm_bindgen]
extern "C" {
    type TextDecoder;
    #[wasm_bindgen(constructor)]
    fn new() -> TextDecoder;
    /// `decode(view)`: wasm-bindgen passes a `&[u8]` as a view of wasm memory.
    #[wasm_bindgen(method)]
    fn decode(this: &TextDecoder, bytes: &[u8]) -> js_sys::JsString;
    #[wasm_bindgen(js_namespace = JSON, js_name = parse, catch)]
    fn json_parse(text: &js_sys::JsString) -> Result<JsValue, JsValue>;
    /// `Array.prototype.concat.apply(first, arrays)`: one array of the arrays' elements
    /// (`Array.prototype.flat` measured 3.6% of a list parse, this a tenth of it).
    #[wasm_bindgen(js_namespace = ["Array", "prototype", "concat"], js_name = apply)]
    fn concat_all(first: &Array, arrays: &Array) -> Array;
}

thread_local! {
    static DECODER: TextDecoder = TextDecoder::new();
}

/// A body the host parses as JSON (`TextDecoder` and `JSON.parse`): an `INVALID_RESPONSE`
/// at `$` when it is not JSON.
#[cfg(feature = "page")]
pub(crate) fn parse_json_bytes(body: &[u8]) -> Result<JsValue, DcsError> {
    json_parse(&DECODER.with(|d| d.decode(body)))
        .map_err(|_| DcsError::invalid_response("$", "the answer is not JSON"))
}

pub(crate) fn round_trip_error() -> DcsError {
    DcsError::invalid_response("$", "normalized page did not round-trip through JSON.parse")
}
