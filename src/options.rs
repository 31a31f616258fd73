//! The option objects of the JS API: serde structs ([`options!`]) read with
//! serde-wasm-bindgen, whose TypeScript interfaces tsify generates from the same structs.
//! [`Options::read`] refuses a key the struct does not declare (a typo such as `limt` is
//! `INVALID_ARGUMENT` naming it; the declared keys are the derive's own list, through
//! serde-aux), then deserializes. Scalars arrive as [`Arg`] (as JS gave them, `Date`
//! included: serde-wasm-bindgen's `preserve` hands over the JS value) and are typed by the
//! core's validators, which name the field of a wrong type; functions, signals and nested
//! objects pass through as [`Js`] values.

// The elements' build (feature `page`) reads only the client's option objects; the pure
// functions' ones stay declared with the rest of the contract's options.
#![cfg_attr(feature = "page", allow(dead_code))]

use js_sys::{Array, Date, Object, Reflect};
use serde::de::DeserializeOwned;
use serde::Deserializer;
use wasm_bindgen::{JsCast, JsValue};

use dcs_tasks_core::query::Arg;
use dcs_tasks_parse::error::{cat, DcsError};

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

/// How a declared key's value is kept. Every field is deserialized through
/// serde-wasm-bindgen's `preserve` (the JS value as it is) and then classified, so that a
/// wrong type is named by the core's validator of that field, not by a generic serde message.
pub(crate) trait FromJs: Sized {
    fn from_js(v: JsValue) -> Self;

    /// The fields' `deserialize_with`.
    fn deserialize_js<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        serde_wasm_bindgen::preserve::deserialize(d).map(Self::from_js)
    }
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
pub(crate) trait Options: DeserializeOwned {
    /// Reads the option object `v` (absent is `{}`). `name` is the argument's name in
    /// errors about the object itself; `prefix` goes in front of its keys' names (`"o."`,
    /// or `""` for the fields the contract names bare).
    fn read(v: &JsValue, name: &str, prefix: &str) -> Result<Self, DcsError> {
        let keys = serde_aux::serde_introspection::serde_introspect::<Self>();
        let declared = snapshot(v, name, prefix, keys)?;
        serde_wasm_bindgen::from_value(declared)
            .map_err(|e| DcsError::invalid_argument(name, e.to_string()))
    }
}

/// A fresh object holding exactly the declared `keys` of the option object `v`, each read
/// once (a getter runs once; one that throws is `INVALID_ARGUMENT` naming its key), after
/// refusing any other key. Every declared key is present (undefined when absent), so a
/// missing field is the validators' to judge, with their messages. One function for every
/// struct: it is not generic.
fn snapshot(v: &JsValue, name: &str, prefix: &str, keys: &[&str]) -> Result<JsValue, DcsError> {
    let out: JsValue = Object::new().into();
    let obj = if v.is_undefined() || v.is_null() {
        None
    } else {
        match v.dyn_ref::<Object>() {
            Some(o) if !Array::is_array(v) && !v.is_function() => Some(o),
            _ => return Err(DcsError::invalid_argument(name, "must be an object")),
        }
    };
    if let Some(obj) = obj {
        for k in Object::keys(obj).iter() {
            let k = k.as_string().unwrap_or_default();
            if !keys.contains(&k.as_str()) {
                return Err(unknown(prefix, &k, keys));
            }
        }
    }
    for k in keys {
        let key = JsValue::from_str(k);
        let value = match obj {
            Some(o) => Reflect::get(o, &key)
                .map_err(|_| DcsError::invalid_argument(cat(&[prefix, k]), "could not be read"))?,
            None => JsValue::UNDEFINED,
        };
        let _ = Reflect::set(&out, &key, &value);
    }
    Ok(out)
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
/// the serde struct (each field renamed to its JS key and read through [`FromJs`]), its
/// [`Options`] impl and its TypeScript interface (tsify). `options!(plain ...)`: without the
/// interface.
macro_rules! options {
    (plain $(#[$m:meta])* $name:ident {
        $($(#[$fm:meta])* $field:ident: $ty:ty = $key:literal),* $(,)?
    }) => {
        #[derive(serde::Deserialize)]
        $(#[$m])*
        pub(crate) struct $name {
            $($(#[$fm])* #[serde(rename = $key, deserialize_with = "FromJs::deserialize_js")] pub $field: $ty,)*
        }
        impl Options for $name {}
    };
    ($(#[$m:meta])* $name:ident {
        $($(#[$fm:meta])* $field:ident: $ty:ty = $key:literal),* $(,)?
    }) => {
        #[derive(serde::Deserialize, tsify::Tsify)]
        $(#[$m])*
        pub(crate) struct $name {
            $($(#[$fm])* #[serde(rename = $key, deserialize_with = "FromJs::deserialize_js")] pub $field: $ty,)*
        }
        impl Options for $name {}
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

options!(
    /// `listInstances`' `q`.
    #[tsify(rename = "ListInstancesQuery")]
    InstanceQueryOptions {
        /// Matches a part of the name (the service's fuzzy match), 1-64 characters.
        #[tsify(type = "string", optional)]
        name: Arg = "name",
        /// e.g. `RUNNING`: 1-32 of A-Z 0-9 _.
        #[tsify(type = "InstanceStatus", optional)]
        status: Arg = "status",
        /// Integer, 0..2147483647.
        #[tsify(type = "number", optional)]
        offset: Arg = "offset",
        /// Integer, 1..1000 (the service's default: 10).
        #[tsify(type = "number", optional)]
        limit: Arg = "limit",
    }
);

options!(
    /// `listAllInstances`' `q`.
    #[tsify(rename = "ListAllInstancesQuery")]
    ListAllInstancesQueryOptions {
        #[tsify(type = "string", optional)]
        name: Arg = "name",
        #[tsify(type = "InstanceStatus", optional)]
        status: Arg = "status",
        /// Page size, 1..1000 (default 1000).
        #[tsify(type = "number", optional)]
        page_size: Arg = "pageSize",
    }
);

options!(
    /// `listFleetTasks`' `q`: each instance's tasks in `startTime..endTime`, for the instances
    /// matching `name` and `status`.
    #[tsify(rename = "FleetQuery")]
    FleetQueryOptions {
        #[tsify(type = "TimeInput", optional)]
        start_time: Arg = "startTime",
        #[tsify(type = "TimeInput", optional)]
        end_time: Arg = "endTime",
        #[tsify(type = "string", optional)]
        name: Arg = "name",
        #[tsify(type = "InstanceStatus", optional)]
        status: Arg = "status",
    }
);

options!(
    /// `listFleetTasks`' `o`.
    FleetOptions {
        /// Aborts every listing of the fleet: `next()` rejects with ABORTED.
        #[tsify(type = "AbortSignal", optional)]
        signal: Js = "signal",
        /// Instances listed at once, 1..16 (default 4).
        #[tsify(type = "number", optional)]
        concurrency: Arg = "concurrency",
        /// Called once per instance finished (with its tasks or its error), before it is yielded.
        #[tsify(type = "(p: FleetProgress) => void", optional)]
        on_instance: Js = "onInstance",
    }
);

options!(plain
    /// `summarizeFleet(entries, o)`'s `o`.
    SummarizeOptions {
        start_time: Arg = "startTime",
        end_time: Arg = "endTime",
        now: Arg = "now",
        stuck_after: Arg = "stuckAfter",
    }
);
