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

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

use crate::bindings::to_arg;
use crate::error::{cat, DcsError};
use crate::query::Arg;

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

/// `options! { /// doc \n Name { field: Type = "jsKey", ... } }`: the struct and its
/// [`Options`] impl, keys listed once.
macro_rules! options {
    ($($(#[$m:meta])* $name:ident { $($field:ident: $ty:ty = $key:literal),* $(,)? })*) => {$(
        $(#[$m])*
        pub(crate) struct $name {
            $(pub $field: $ty,)*
        }

        impl Options for $name {
            const KEYS: &'static [&'static str] = &[$($key),*];
            fn build(values: &mut dyn FnMut() -> JsValue) -> Self {
                $name { $($field: <$ty as FromJs>::from_js(values()),)* }
            }
        }
    )*};
}

options! {
    /// `buildListTasksRequest(o)`.
    ListTasksOptions {
        endpoint: Arg = "endpoint",
        region: Arg = "region",
        project_id: Arg = "projectId",
        instance_id: Arg = "instanceId",
        offset: Arg = "offset",
        limit: Arg = "limit",
        start_time: Arg = "startTime",
        end_time: Arg = "endTime",
    }

    /// `signRequest`'s `cred`.
    CredentialsOptions {
        ak: Arg = "ak",
        sk: Arg = "sk",
        security_token: Arg = "securityToken",
    }

    /// `DcsClient`'s `auth`: `{ token }` or `{ ak, sk, securityToken? }`.
    AuthOptions {
        token: Arg = "token",
        ak: Arg = "ak",
        sk: Arg = "sk",
        security_token: Arg = "securityToken",
    }

    /// `signRequest`'s `opts`.
    SignOptions {
        date: Arg = "date",
    }

    /// `parseListTasksResponse`'s `opts`.
    ParseOpts {
        strict: Arg = "strict",
    }

    /// `new DcsClient(o)`.
    ClientOptions {
        endpoint: Arg = "endpoint",
        region: Arg = "region",
        project_id: Arg = "projectId",
        auth: Js = "auth",
        fetch: Js = "fetch",
        timeout_ms: Arg = "timeoutMs",
        retries: Arg = "retries",
        strict: Arg = "strict",
        headers: Js = "headers",
    }

    /// `listTasks`' `q`.
    ListQueryOptions {
        offset: Arg = "offset",
        limit: Arg = "limit",
        start_time: Arg = "startTime",
        end_time: Arg = "endTime",
    }

    /// `listAllTasks`' `q`.
    ListAllQueryOptions {
        start_time: Arg = "startTime",
        end_time: Arg = "endTime",
        page_size: Arg = "pageSize",
    }

    /// A call's `o`: `{ signal? }`.
    CallOptions {
        signal: Js = "signal",
    }

    /// `listAllTasks`' `o`: `{ signal?, onPage? }`.
    ListAllOptions {
        signal: Js = "signal",
        on_page: Js = "onPage",
    }
}
