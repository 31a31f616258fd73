//! The option objects of the JS API, read into the structs below. Each struct lists its
//! keys once ([`options!`]); [`Options::read`] refuses a key the struct does not declare (a
//! typo such as `limt` is `INVALID_ARGUMENT` naming it) and reads each declared one.
//! Scalars arrive as [`Arg`] (as JS gave them, `Date` included) and are typed by the core's
//! validators, which name the field of a wrong type; functions, signals and nested objects
//! pass through as [`Js`] values.
//!
//! Not serde-wasm-bindgen: measured in this crate, its deserializer adds 22 KB gzipped
//! (its error type formats serde's `Unexpected`, which links core's float formatting, and
//! each struct is one more instantiation) and reads only declared fields anyway, so the
//! unknown-key check would be ours either way (README, Dependencies).

use js_sys::{Array, Date, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

use crate::error::{cat, DcsError};
use crate::query::Arg;

/// Classifies a JS value for the core's validation.
pub(crate) fn to_arg(v: &JsValue) -> Arg {
    if v.is_undefined() || v.is_null() {
        Arg::Absent
    } else if let Some(s) = v.as_string() {
        Arg::Str(s)
    } else if let Some(n) = v.as_f64() {
        Arg::Num(n)
    } else if let Some(b) = v.as_bool() {
        Arg::Bool(b)
    } else if let Some(d) = v.dyn_ref::<Date>() {
        Arg::Date(d.get_time())
    } else if Array::is_array(v) {
        Arg::Other("an array".into())
    } else {
        Arg::Other(cat(&["a ", &v.js_typeof().as_string().unwrap_or_default()]))
    }
}

/// A JS value passed through (a function, a signal, a nested object read on its own).
#[derive(Default)]
pub(crate) struct Js(pub JsValue);

/// How a declared key's value is kept.
pub(crate) trait FromJs: Sized {
    fn from_js(v: JsValue) -> Self;
}

impl FromJs for Arg {
    fn from_js(v: JsValue) -> Self {
        to_arg(&v)
    }
}

impl FromJs for Js {
    fn from_js(v: JsValue) -> Self {
        Js(v)
    }
}

/// An option object's struct.
pub(crate) trait Options: Sized {
    /// The keys, as JS spells them.
    const KEYS: &'static [&'static str];
    /// Builds the struct from the values of [`Self::KEYS`], in order.
    fn build(values: &mut dyn FnMut() -> JsValue) -> Self;

    /// Reads the option object `v` (absent is `{}`). `name` is the argument's name in
    /// errors about the object itself; `prefix` goes in front of its keys' names (`"o."`,
    /// or `""` for the fields the contract names bare).
    fn read(v: &JsValue, name: &str, prefix: &str) -> Result<Self, DcsError> {
        let mut values = values(v, name, prefix, Self::KEYS)?.into_iter();
        Ok(Self::build(&mut || {
            values.next().unwrap_or(JsValue::UNDEFINED)
        }))
    }
}

/// The values of `keys` in the option object `v`, after refusing any other key (one
/// function for every struct: it is not generic).
fn values(v: &JsValue, name: &str, prefix: &str, keys: &[&str]) -> Result<Vec<JsValue>, DcsError> {
    if v.is_undefined() || v.is_null() {
        return Ok(Vec::new());
    }
    let obj = match v.dyn_ref::<Object>() {
        Some(o) if !Array::is_array(v) && !v.is_function() => o,
        _ => return Err(DcsError::invalid_argument(name, "must be an object")),
    };
    for k in Object::keys(obj).iter() {
        let k = k.as_string().unwrap_or_default();
        if !keys.contains(&k.as_str()) {
            return Err(unknown(prefix, &k, keys));
        }
    }
    Ok(keys
        .iter()
        .map(|k| Reflect::get(obj, &JsValue::from_str(k)).unwrap_or(JsValue::UNDEFINED))
        .collect())
}

fn unknown(prefix: &str, key: &str, keys: &[&str]) -> DcsError {
    let mut known = String::new();
    for (i, f) in keys.iter().enumerate() {
        known.push_str(if i == 0 { "" } else { ", " });
        known.push_str(f);
    }
    DcsError::invalid_argument(
        cat(&[prefix, key]),
        cat(&["is not an option here (the options are: ", &known, ")"]),
    )
}

/// `options!(/// doc \n Name { /// doc \n #[tsify(type = "...", optional)] field: Type = "jsKey", ... })`:
/// the struct, its [`Options`] impl (the keys listed once) and its TypeScript interface
/// (tsify, from the same keys). `options!(plain ...)`: without the interface.
macro_rules! options {
    (@impl $name:ident { $($field:ident: $ty:ty = $key:literal),* }) => {
        impl Options for $name {
            const KEYS: &'static [&'static str] = &[$($key),*];
            fn build(values: &mut dyn FnMut() -> JsValue) -> Self {
                $name { $($field: <$ty as FromJs>::from_js(values()),)* }
            }
        }
    };
    (plain $(#[$m:meta])* $name:ident {
        $($(#[$fm:meta])* $field:ident: $ty:ty = $key:literal),* $(,)?
    }) => {
        $(#[$m])*
        pub(crate) struct $name {
            $($(#[$fm])* pub $field: $ty,)*
        }
        options!(@impl $name { $($field: $ty = $key),* });
    };
    ($(#[$m:meta])* $name:ident {
        $($(#[$fm:meta])* $field:ident: $ty:ty = $key:literal),* $(,)?
    }) => {
        #[derive(tsify::Tsify)]
        $(#[$m])*
        pub(crate) struct $name {
            $($(#[$fm])* #[serde(rename = $key)] pub $field: $ty,)*
        }
        options!(@impl $name { $($field: $ty = $key),* });
    };
}

options!(
    /// `buildListTasksRequest(o)`.
    #[tsify(rename = "ListTasksRequestOptions")]
    ListTasksOptions {
        /// `https://dcs.cn-north-4.myhuaweicloud.com`, a proxy URL (a base path is allowed), or `http://` for loopback hosts only.
        #[tsify(type = "string", optional)]
        endpoint: Arg = "endpoint",
        /// Used when `endpoint` is absent: maps to `https://dcs.{region}.myhuaweicloud.com`. An unknown region is INVALID_ARGUMENT.
        #[tsify(type = "DcsRegion | (string & {})", optional)]
        region: Arg = "region",
        /// 1-64 characters of `[A-Za-z0-9_-]`.
        #[tsify(type = "string")]
        project_id: Arg = "projectId",
        /// 1-64 characters of `[A-Za-z0-9_-]`.
        #[tsify(type = "string")]
        instance_id: Arg = "instanceId",
        /// Integer, 0..2147483647.
        #[tsify(type = "number", optional)]
        offset: Arg = "offset",
        /// Integer, 1..1000.
        #[tsify(type = "number", optional)]
        limit: Arg = "limit",
        #[tsify(type = "TimeInput", optional)]
        start_time: Arg = "startTime",
        #[tsify(type = "TimeInput", optional)]
        end_time: Arg = "endTime",
    }
);

options!(
    /// AK/SK credentials: `signRequest`'s `cred`, or `DcsClient`'s `auth`.
    #[tsify(rename = "AkSkCredentials")]
    CredentialsOptions {
        #[tsify(type = "string")]
        ak: Arg = "ak",
        #[tsify(type = "string")]
        sk: Arg = "sk",
        /// For temporary credentials: sent as `X-Security-Token`.
        #[tsify(type = "string", optional)]
        security_token: Arg = "securityToken",
    }
);

options!(plain
    /// `DcsClient`'s `auth` as read: `TokenCredentials` or `AkSkCredentials`.
    AuthOptions {
        token: Arg = "token",
        ak: Arg = "ak",
        sk: Arg = "sk",
        security_token: Arg = "securityToken",
    }
);

options!(
    /// `signRequest`'s `opts`.
    SignOptions {
        /// The signing time (default: now).
        #[tsify(type = "Date", optional)]
        date: Arg = "date",
    }
);

options!(
    /// `parseListTasksResponse`'s `opts`.
    #[tsify(rename = "ParseOptions")]
    ParseOpts {
        /// Accept only what the API definition says: every quirk becomes an error.
        #[tsify(type = "boolean", optional)]
        strict: Arg = "strict",
    }
);

options!(
    /// `new DcsClient(o)`.
    #[tsify(rename = "DcsClientOptions")]
    ClientOptions {
        #[tsify(type = "string", optional)]
        endpoint: Arg = "endpoint",
        #[tsify(type = "DcsRegion | (string & {})", optional)]
        region: Arg = "region",
        #[tsify(type = "string")]
        project_id: Arg = "projectId",
        #[tsify(type = "TokenCredentials | AkSkCredentials", optional)]
        auth: Js = "auth",
        /// Called with one argument, the signed `Request` the client built; must resolve to a `Response`. Default: the global `fetch`.
        #[tsify(type = "typeof fetch", optional)]
        fetch: Js = "fetch",
        /// Deadline of one call, all its attempts and backoff waits included (listAllTasks: of each page), milliseconds: 1..600000 (default 30000).
        #[tsify(type = "number", optional)]
        timeout_ms: Arg = "timeoutMs",
        /// Retries on 429/500/502/503/504 and network errors: 0..10 (default 2).
        #[tsify(type = "number", optional)]
        retries: Arg = "retries",
        #[tsify(type = "boolean", optional)]
        strict: Arg = "strict",
        /// Sent with every request. `Authorization` / `X-Auth-Token` only without `auth` (e.g. a proxy's token: `{ Authorization: "Bearer ..." }`); Host, X-Sdk-Date, X-Security-Token, X-Project-Id and Content-Length are the client's own.
        #[tsify(type = "Record<string, string>", optional)]
        headers: Js = "headers",
    }
);

options!(
    /// `listTasks`' `q`.
    #[tsify(rename = "ListQuery")]
    ListQueryOptions {
        #[tsify(type = "number", optional)]
        offset: Arg = "offset",
        #[tsify(type = "number", optional)]
        limit: Arg = "limit",
        #[tsify(type = "TimeInput", optional)]
        start_time: Arg = "startTime",
        #[tsify(type = "TimeInput", optional)]
        end_time: Arg = "endTime",
    }
);

options!(
    /// `listAllTasks`' `q`.
    #[tsify(rename = "ListAllQuery")]
    ListAllQueryOptions {
        #[tsify(type = "TimeInput", optional)]
        start_time: Arg = "startTime",
        #[tsify(type = "TimeInput", optional)]
        end_time: Arg = "endTime",
        /// Page size, 1..1000 (default 100).
        #[tsify(type = "number", optional)]
        page_size: Arg = "pageSize",
    }
);

options!(
    /// A call's `o`.
    CallOptions {
        #[tsify(type = "AbortSignal", optional)]
        signal: Js = "signal",
    }
);

options!(
    /// `listAllTasks`' `o`.
    ListAllOptions {
        #[tsify(type = "AbortSignal", optional)]
        signal: Js = "signal",
        /// Called once per page delivered, in order.
        #[tsify(type = "(p: PageProgress) => void", optional)]
        on_page: Js = "onPage",
    }
);

options!(
    /// `watchTaskProgress`' `o`.
    WatchOptions {
        /// Wait between polls in milliseconds, 250..3600000 (default 3000).
        #[tsify(type = "number", optional)]
        interval_ms: Arg = "intervalMs",
        #[tsify(type = "AbortSignal", optional)]
        signal: Js = "signal",
    }
);
