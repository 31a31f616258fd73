//! `DcsClient`: the calls of the contract over `fetch`, with signing or token auth,
//! a per-call deadline, caller cancellation, retries with backoff, clock-skew
//! correction, typed errors, and `listAllTasks` pagination. This file reads the arguments
//! and builds the requests; [`crate::fetch`] runs them (gloo-net, web-sys, gloo-timers). Every
//! rule is the sans-IO core's: the calls' and the settings' ([`dcs_tasks_core::call`],
//! [`dcs_tasks_core::policy`]: `CallSettings`), `auth` (`sign::Auth::from_args`), the token and
//! header rules ([`dcs_tasks_core::rules`]), the listing limits and page sizes
//! ([`dcs_tasks_core::listing`]), the watch's interval (`watch::Watch::from_arg`). Each error
//! names its `Field`; this file only says which option object it belongs to (`e.js("o.")`).

use std::cell::Cell;
use std::rc::Rc;

use js_sys::{Array, Function, Object, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::AbortSignal;

use crate::bindings::to_js_error;
use crate::cancel::signal_arg;
use crate::fetch::{promise, run, Inner};
use crate::options::to_arg;
#[cfg(not(feature = "page"))]
use crate::options::AuthOptions;
use crate::options::{
    CallOptions, ClientOptions, FleetOptions, FleetQueryOptions, InstanceQueryOptions,
    ListAllInstancesQueryOptions, ListAllOptions, ListAllQueryOptions, ListQueryOptions, Options,
    WatchOptions,
};
use crate::pager::Pager;
use crate::wire;
use dcs_tasks_core::field::Field;
use dcs_tasks_core::fleet::{FleetQuery, MAX_LIST_ALL_INSTANCES};
pub use dcs_tasks_core::listing::PAGE_CONCURRENCY;
use dcs_tasks_core::listing::{
    self, DEFAULT_INSTANCE_PAGE_SIZE, DEFAULT_PAGE_SIZE, MAX_LIST_ALL_TASKS,
};
use dcs_tasks_core::policy::{self, CallSettings};
use dcs_tasks_core::query::{self, Arg, InstanceQuery, ListQuery};
use dcs_tasks_core::rules;
use dcs_tasks_core::sign::Auth;
#[cfg(not(feature = "page"))]
use dcs_tasks_core::sign::AuthError;
use dcs_tasks_core::watch::Watch;
use dcs_tasks_parse::error::DcsError;

/// An ID argument (`instanceId`, `taskId`), named bare.
fn id_arg(field: Field, v: &JsValue) -> Result<String, DcsError> {
    Ok(query::validate_id(field, &to_arg(v))?.to_string())
}

#[cfg(not(feature = "page"))]
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
    let a = AuthOptions::read(v, "auth", "auth.")?;
    Auth::from_args(&a.token, &a.ak, &a.sk, &a.security_token).map_err(|e| match e {
        AuthError::Both => DcsError::invalid_argument("auth", AuthError::BOTH),
        AuthError::Key(e) => e.js("auth."),
    })
}

/// The elements' build signs nothing: its client talks to a dcs-tasks proxy, which holds the
/// credentials.
#[cfg(feature = "page")]
fn parse_auth(v: &JsValue) -> Result<Auth, DcsError> {
    if v.is_undefined() || v.is_null() {
        return Ok(Auth::None);
    }
    Err(DcsError::invalid_argument(
        "auth",
        "the elements talk to a dcs-tasks proxy, which holds the credentials (to sign in the page, give them a DcsClient of dcs-tasks)",
    ))
}

fn parse_headers(v: &JsValue, with_auth: bool) -> Result<Vec<(String, String)>, DcsError> {
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
        let field = dcs_tasks_parse::error::cat(&["headers.", &k]);
        let val = Reflect_get_str(&pair, 1)
            .ok_or_else(|| DcsError::invalid_argument(&field, "must be a string"))?;
        rules::check_header(&k, &val, with_auth)
            .map_err(|m| DcsError::invalid_argument(&field, m))?;
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

/// Reads `{ signal? }`.
fn call_signal(o: &JsValue) -> Result<Option<AbortSignal>, DcsError> {
    let o = CallOptions::read(o, "o", "o.")?;
    signal_arg(&o.signal.0, "o.signal")
}

/// A call's Promise: the value, or the JS `DcsError`.
fn call(f: impl std::future::Future<Output = Result<JsValue, DcsError>> + 'static) -> Promise {
    promise(Box::pin(
        async move { f.await.map_err(|e| to_js_error(&e)) },
    ))
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
            let o = ClientOptions::read(&o, "options", "")?;
            let endpoint = query::resolve_endpoint(&o.endpoint, &o.region)?;
            let project_id = query::validate_id(Field::ProjectId, &o.project_id)?.to_string();
            let auth = parse_auth(&o.auth.0)?;
            let fetch = if o.fetch.0.is_undefined() || o.fetch.0.is_null() {
                None
            } else {
                Some(
                    o.fetch
                        .0
                        .dyn_into::<Function>()
                        .map_err(|_| DcsError::invalid_argument("fetch", "must be a function"))?,
                )
            };
            let settings = CallSettings::validate(&o.timeout_ms, &o.retries, &o.strict)?;
            let headers = parse_headers(&o.headers.0, !matches!(auth, Auth::None))?;
            Ok(DcsClient {
                inner: Rc::new(Inner {
                    endpoint,
                    project_id,
                    auth,
                    fetch,
                    timeout_ms: settings.timeout_ms,
                    retries: settings.retries,
                    strict: settings.strict,
                    headers,
                    max_body: policy::MAX_RESPONSE_BYTES,
                    clock_offset_ms: Cell::new(0),
                    calls: Cell::new(0),
                    budget: Cell::new(None),
                    #[cfg(feature = "proxy")]
                    share: None,
                }),
            })
        })())
    }

    /// `listTasks(instanceId, q?, o?) -> Promise<TaskList>`
    #[wasm_bindgen(js_name = listTasks)]
    pub fn list_tasks(&self, instance_id: JsValue, q: JsValue, o: JsValue) -> Promise {
        let prep = (|| {
            let id = id_arg(Field::InstanceId, &instance_id)?;
            let q = ListQueryOptions::read(&q, "q", "")?;
            let lq = ListQuery::validate(&q.offset, &q.limit, &q.start_time, &q.end_time)?;
            Ok((id, lq, call_signal(&o)?))
        })();
        let (id, lq, signal) = match prep {
            Ok(v) => v,
            Err(e) => return reject(e),
        };
        let inner = self.inner.clone();
        let req = wire::list_request(&inner, &id, &lq);
        call(async move {
            let resp = run(&inner, &req, inner.call_plan(), signal.as_ref()).await?;
            wire::list_value(&resp.body, inner.strict)
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

    /// `deleteTask(instanceId, taskId, o?) -> Promise<void>` (in the elements' build too: DCS's
    /// route, which a proxy mirrors when its ENABLE_DELETE allows).
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
            let id = id_arg(Field::InstanceId, &instance_id)?;
            let task = id_arg(Field::TaskId, &task_id)?;
            Ok((id, task, call_signal(&o)?))
        })();
        let (id, task, signal) = match prep {
            Ok(v) => v,
            Err(e) => return reject(e),
        };
        let inner = self.inner.clone();
        let req = if delete {
            query::delete_request(&inner.endpoint, &inner.project_id, &id, &task)
        } else {
            wire::progress_request(&inner, &id, &task)
        };
        call(async move {
            let resp = run(&inner, &req, inner.call_plan(), signal.as_ref()).await?;
            if delete {
                return Ok(JsValue::UNDEFINED);
            }
            crate::bindings::to_js(&wire::progress(&resp.body, inner.strict)?)
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
        crate::bindings::js_err((|| {
            let id = id_arg(Field::InstanceId, &instance_id)?;
            let q = ListAllQueryOptions::read(&q, "q", "")?;
            let page_size = listing::page_size(&q.page_size, DEFAULT_PAGE_SIZE)?;
            let lq = ListQuery::validate(&Arg::Absent, &Arg::Absent, &q.start_time, &q.end_time)?;
            let o = ListAllOptions::read(&o, "o", "o.")?;
            let signal = signal_arg(&o.signal.0, "o.signal")?;
            let on_page = o.on_page.0;
            if !(on_page.is_undefined() || on_page.is_null() || on_page.is_function()) {
                return Err(DcsError::invalid_argument("o.onPage", "must be a function"));
            }
            let on_page = on_page.dyn_into::<Function>().ok();
            let source = wire::task_pages(&self.inner, id, lq);
            let pages = Pager::new(self.inner.clone(), source, page_size, MAX_LIST_ALL_TASKS)?;
            crate::iter::tasks(pages, signal, on_page)
        })())
    }

    /// `watchTaskProgress(instanceId, taskId, o?) -> AsyncIterable<TaskProgress>`: polls the
    /// progress route every `o.intervalMs`, yields each answer whose progress or steps
    /// changed, ends after the one with progress 100 or a `FAILED` step. Argument errors
    /// throw at once; a call's error rejects `next()` and ends the iteration.
    #[wasm_bindgen(js_name = watchTaskProgress)]
    pub fn watch_task_progress(
        &self,
        instance_id: JsValue,
        task_id: JsValue,
        o: JsValue,
    ) -> Result<JsValue, JsValue> {
        crate::bindings::js_err((|| {
            let id = id_arg(Field::InstanceId, &instance_id)?;
            let task = id_arg(Field::TaskId, &task_id)?;
            let o = WatchOptions::read(&o, "o", "o.")?;
            let watch = Watch::from_arg(&o.interval_ms).map_err(|e| e.js("o."))?;
            let signal = signal_arg(&o.signal.0, "o.signal")?;
            let inner = self.inner.clone();
            let req = wire::progress_request(&inner, &id, &task);
            crate::iter::progress(inner, req, watch, signal)
        })())
    }

    /// `listInstances(q?, o?) -> Promise<InstanceList>`
    #[wasm_bindgen(js_name = listInstances)]
    pub fn list_instances(&self, q: JsValue, o: JsValue) -> Promise {
        let prep = (|| {
            let q = InstanceQueryOptions::read(&q, "q", "")?;
            let iq = InstanceQuery::validate(&q.name, &q.status, &q.offset, &q.limit)?;
            Ok((iq, call_signal(&o)?))
        })();
        let (iq, signal) = match prep {
            Ok(v) => v,
            Err(e) => return reject(e),
        };
        let inner = self.inner.clone();
        let req = wire::instances_request(&inner, &iq);
        call(async move {
            let resp = run(&inner, &req, inner.call_plan(), signal.as_ref()).await?;
            wire::instances_value(&resp.body, inner.strict)
        })
    }

    /// `listAllInstances(q?, o?) -> AsyncIterable<Instance>`: every page (four at once), in
    /// order, deduplicated by instance ID; argument errors throw at once.
    #[wasm_bindgen(js_name = listAllInstances)]
    pub fn list_all_instances(&self, q: JsValue, o: JsValue) -> Result<JsValue, JsValue> {
        crate::bindings::js_err((|| {
            let q = ListAllInstancesQueryOptions::read(&q, "q", "")?;
            let page_size = listing::page_size(&q.page_size, DEFAULT_INSTANCE_PAGE_SIZE)?;
            let iq = InstanceQuery::validate(&q.name, &q.status, &Arg::Absent, &Arg::Absent)?;
            let signal = call_signal(&o)?;
            let source = wire::instance_pages(&self.inner, iq);
            let pager = Pager::new(
                self.inner.clone(),
                source,
                page_size,
                MAX_LIST_ALL_INSTANCES,
            )?;
            crate::iter::instances(pager, signal)
        })())
    }

    /// `listFleetTasks(q?, o?) -> AsyncIterable<{ instance, tasks, error? }>`: every
    /// instance (filtered by `q.name`, `q.status`) with its tasks in the range, yielded as
    /// each finishes, at most `o.concurrency` at once; argument errors throw at once.
    #[wasm_bindgen(js_name = listFleetTasks)]
    pub fn list_fleet_tasks(&self, q: JsValue, o: JsValue) -> Result<JsValue, JsValue> {
        crate::bindings::js_err((|| {
            let q = FleetQueryOptions::read(&q, "q", "")?;
            let o = FleetOptions::read(&o, "o", "o.")?;
            let fq = FleetQuery::validate(&q.start_time, &q.end_time, &q.name, &q.status)?
                .with_concurrency(&o.concurrency)
                .map_err(|e| e.js("o."))?;
            let signal = signal_arg(&o.signal.0, "o.signal")?;
            let on_instance = o.on_instance.0;
            if !(on_instance.is_undefined() || on_instance.is_null() || on_instance.is_function()) {
                return Err(DcsError::invalid_argument(
                    "o.onInstance",
                    "must be a function",
                ));
            }
            let on_instance = on_instance.dyn_into::<Function>().ok();
            let master = web_sys::AbortController::new()
                .map_err(|_| DcsError::network("this runtime has no AbortController"))?;
            let fleet = crate::fleet::Fleet::new(self.inner.clone(), fq, on_instance);
            crate::iter::fleet(fleet, master, signal)
        })())
    }
}
