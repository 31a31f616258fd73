//! The proxy's look at the fleet and its scheduled check (cargo feature `proxy`). Every
//! decision is the core's ([`dcs_tasks_core::proxy::watch`], [`dcs_tasks_core::watchdog`],
//! [`dcs_tasks_core::webhook`]); this file lists (the instances, then each one's tasks with at
//! most [`WATCH_CONCURRENCY`] at once, all under the request's one deadline and byte budget),
//! reads and writes the store, and posts.
//!
//! - [`fleet_answer`]: `GET /api/attention`, `GET /metrics`.
//! - `runWatchdog(env, { store?, scheduledTime? })`: one scheduled check. `store` is anything
//!   with Workers KV's `get(key)` and `put(key, value)` (a KV namespace binding, the package's
//!   `fileStore`/`memoryStore`); without one, the time-window rule.

use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::rc::Rc;
use std::task::Poll;

use gloo_net::http::{Method, RequestBuilder};
use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::RequestRedirect;

use crate::bindings::{get, to_js};
use crate::cancel::Cancel;
use crate::fetch::{fetch_function, promise, read_body, thenable, Inner};
use crate::pager::Pager;
use dcs_tasks_core::fleet::FleetPlan;
use dcs_tasks_core::listing::TypedTaskPages;
use dcs_tasks_core::proxy::watch::{
    note_log, run_log, Delivered, GatherStats, Posting, Storage, WatchRun, MAX_WATCH_TASKS,
    WATCH_CONCURRENCY,
};
use dcs_tasks_core::proxy::{
    self, check_all_instances, check_all_total, Answer, FleetGathering, FleetPurpose, ProxyConfig,
    ALL_PAGE_SIZE, MAX_ALL_INSTANCES,
};
use dcs_tasks_core::watchdog::{Event, FleetLook};
use dcs_tasks_core::webhook::{self, Outcome, Post, Sent, Webhook};
use dcs_tasks_parse::error::DcsError;
use dcs_tasks_parse::model::{Instance, Task};

/// The key of the watchdog's state in the store.
const STATE_KEY: &str = "dcs-tasks-watchdog-state";

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = console, js_name = log)]
    fn console_log(s: &str);
}

fn now() -> f64 {
    js_sys::Date::now()
}

/// `/api/attention` and `/metrics`: a look at the fleet, answered.
pub(crate) async fn fleet_answer(g: &FleetGathering, log: &mut proxy::Log) -> Answer {
    let inner = crate::proxy::inner_for(&g.config);
    let started = now();
    let (look, mut stats) = look(g, &inner, started as i64).await;
    stats.duration_ms = now() - started;
    stats.calls = inner.calls.get();
    let a = g.finish(look, stats);
    log.upstream_calls = Some(inner.calls.get());
    log.answered(&a);
    a
}

/// One look at the fleet at `now_ms`: every instance, then each one's tasks (an instance
/// whose listing fails is seen unreachable); the failed listings counted.
async fn look(
    g: &FleetGathering,
    inner: &Rc<Inner>,
    now_ms: i64,
) -> (Result<FleetLook, DcsError>, GatherStats) {
    let mut stats = GatherStats::default();
    let instances = match list_instances(g, inner).await {
        Ok(v) => v,
        Err(e) => {
            stats.errors = 1;
            return (Err(e), stats);
        }
    };
    let results = all_tasks(g, inner, &instances, now_ms).await;
    let spent_out = inner.budget.get().is_some_and(|b| b.spent_out(now()));
    let sightings = instances
        .into_iter()
        .zip(results)
        .map(|(i, r)| {
            stats.errors += u32::from(r.is_err());
            g.sighting(i, r, now_ms, spent_out)
        })
        .collect();
    (Ok(g.look(now_ms, sightings)), stats)
}

/// Every instance the look keeps (`ALLOWED_INSTANCES`), bounded by [`MAX_ALL_INSTANCES`].
async fn list_instances(g: &FleetGathering, inner: &Rc<Inner>) -> Result<Vec<Instance>, DcsError> {
    let mut pager = Pager::new(
        inner.clone(),
        g.instance_pages(),
        ALL_PAGE_SIZE,
        MAX_ALL_INSTANCES,
    )?;
    let mut out = Vec::new();
    while let Some(ds) = pager.next().await? {
        for d in ds {
            check_all_instances(d.total)?;
            out.extend(d.list.instances.into_iter().filter(|i| g.keeps(i)));
        }
    }
    Ok(out)
}

/// One instance's tasks, every page (one at a time), bounded by [`MAX_WATCH_TASKS`].
async fn instance_tasks(inner: Rc<Inner>, pages: TypedTaskPages) -> Result<Vec<Task>, DcsError> {
    let mut pager = Pager::new(inner, pages, ALL_PAGE_SIZE, MAX_WATCH_TASKS)?.with_concurrency(1);
    let mut out = Vec::new();
    while let Some(ds) = pager.next().await? {
        for d in ds {
            check_all_total(d.total)?;
            out.extend(d.list.tasks);
        }
    }
    Ok(out)
}

type Listing = Pin<Box<dyn Future<Output = (usize, Result<Vec<Task>, DcsError>)>>>;

/// Every instance's tasks, at most [`WATCH_CONCURRENCY`] listings at once, in the
/// instances' order.
async fn all_tasks(
    g: &FleetGathering,
    inner: &Rc<Inner>,
    instances: &[Instance],
    now_ms: i64,
) -> Vec<Result<Vec<Task>, DcsError>> {
    let mut results: Vec<Option<Result<Vec<Task>, DcsError>>> =
        (0..instances.len()).map(|_| None).collect();
    // The core's plan decides which listing starts when (as listFleetTasks').
    let mut plan = FleetPlan::new(instances.len(), WATCH_CONCURRENCY);
    let mut running: Vec<Listing> = Vec::new();
    loop {
        while let Some(k) = plan.next_start() {
            let pages = g.task_pages(&instances[k].instance_id, now_ms);
            let inner = inner.clone();
            running.push(Box::pin(
                async move { (k, instance_tasks(inner, pages).await) },
            ));
        }
        if running.is_empty() {
            break;
        }
        let (k, r) = first_done(&mut running).await;
        plan.finish();
        results[k] = Some(r);
    }
    results
        .into_iter()
        .map(|r| r.unwrap_or_else(|| Err(DcsError::network("a listing ended without a result"))))
        .collect()
}

/// The store's `get(key)` (a string, or nothing).
async fn store_get(store: &JsValue) -> Result<Option<String>, DcsError> {
    let p = call(store, "get", &[JsValue::from_str(STATE_KEY)])?;
    let v = JsFuture::from(p)
        .await
        .map_err(|_| DcsError::network("the watchdog's store failed to read its state"))?;
    Ok(v.as_string().filter(|s| !s.is_empty()))
}

/// The store's `put(key, value)`.
async fn store_put(store: &JsValue, text: &str) -> Result<(), DcsError> {
    let p = call(
        store,
        "put",
        &[JsValue::from_str(STATE_KEY), JsValue::from_str(text)],
    )?;
    JsFuture::from(p)
        .await
        .map(|_| ())
        .map_err(|_| DcsError::network("the watchdog's store failed to write its state"))
}

fn call(o: &JsValue, method: &str, args: &[JsValue]) -> Result<Promise, DcsError> {
    let f: Function = get(o, method).dyn_into().map_err(|_| {
        DcsError::invalid_argument("store", "must have get(key) and put(key, value)")
    })?;
    let args: js_sys::Array = args.iter().collect();
    let v = f
        .apply(o, &args)
        .map_err(|_| DcsError::network("the watchdog's store threw"))?;
    Ok(thenable(&v).unwrap_or_else(|| Promise::resolve(&v)))
}

/// What `runWatchdog` resolves with.
#[derive(serde::Serialize)]
struct Report {
    /// Another run held the state: this one did nothing.
    skipped: bool,
    events: Vec<Event>,
    webhooks: Vec<Delivered>,
    /// `ALERT_EVERY`, for the callers that keep their own timer.
    every: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

impl Report {
    fn failed(mut self, e: DcsError) -> Self {
        console_log(&note_log("failed", Some(e.code.as_str()), &e.message));
        self.error = Some(e.message);
        self
    }
}

/// One scheduled check: `runWatchdog(env, { store?, scheduledTime? })`. Rejects (naming the
/// variable) when the configuration is refused; otherwise resolves with what it did
/// (`{ skipped, events, webhooks: [{ name, delivered, error?, redelivered?, kept? }], every, error? }`).
#[wasm_bindgen(js_name = runWatchdog, skip_typescript)]
pub fn run_watchdog(env: JsValue, options: JsValue) -> Promise {
    promise(Box::pin(async move {
        let config = ProxyConfig::from_env(|k| get(&env, k).as_string()).map_err(|e| {
            console_log(&note_log("refused", None, &e.message));
            JsValue::from(js_sys::Error::new(&format!(
                "the proxy refuses its configuration: {}",
                e.message
            )))
        })?;
        let store = get(&options, "store");
        let store = store.is_object().then_some(store);
        let scheduled = get(&options, "scheduledTime").as_f64();
        let g = FleetGathering {
            config,
            purpose: FleetPurpose::Attention,
        };
        let report = checked(&g, store.as_ref(), scheduled).await;
        to_js(&report).map_err(|e| crate::bindings::to_js_error(&e))
    }))
}

/// The check: claim, look, decide, store, post.
async fn checked(g: &FleetGathering, store: Option<&JsValue>, scheduled: Option<f64>) -> Report {
    let started = now();
    let run = WatchRun {
        config: &g.config,
        storage: if store.is_some() {
            Storage::Kept
        } else {
            Storage::None
        },
        scheduled_ms: scheduled.unwrap_or(started) as i64,
        now_ms: started as i64,
    };
    let mut report = Report {
        skipped: false,
        events: Vec::new(),
        webhooks: Vec::new(),
        every: g.config.alerts.every_s,
        error: None,
    };
    let stored = match store {
        Some(s) => match store_get(s).await {
            Ok(t) => t,
            Err(e) => return report.failed(e),
        },
        None => None,
    };
    if let Some(s) = store {
        let Some(claimed) = run.claim(stored.as_deref()) else {
            console_log(&note_log("skipped", None, "another check holds the state"));
            report.skipped = true;
            return report;
        };
        if let Err(e) = store_put(s, &claimed.to_json()).await {
            return report.failed(e);
        }
    }
    let inner = crate::proxy::inner_for(&g.config);
    let look = match look(g, &inner, run.now_ms).await.0 {
        Ok(l) => l,
        Err(e) => {
            // Nothing was seen: the state stays as it was (the claim released).
            if let Some(s) = store {
                let _ = store_put(s, stored.as_deref().unwrap_or("")).await;
            }
            return report.failed(e);
        }
    };
    let mut result = run.finish(stored.as_deref(), &look);
    // Stored before posting: what each webhook is about to be told (at least once).
    if let (Some(s), Some(st)) = (store, &result.state) {
        if let Err(e) = store_put(s, &st.to_json()).await {
            return report.failed(e);
        }
    }
    // The answers' bytes are the webhooks', not the upstream's budget.
    inner.budget.set(None);
    let deadline = now() + f64::from(g.config.request_timeout_ms);
    let sent = deliver_all(&result.posts, deadline, &inner).await;
    let delivered = result.settle(sent);
    console_log(&run_log(&result.events, &delivered));
    // Stored after posting: what each webhook took dropped, the lease released. Not stored,
    // the next run posts the same again once the lease is past.
    if let (Some(s), Some(st)) = (store, &result.state) {
        if let Err(e) = store_put(s, &st.to_json()).await {
            report.webhooks = delivered;
            report.events = result.events;
            return report.failed(e);
        }
    }
    report.events = result.events;
    report.webhooks = delivered;
    report
}

type Delivery = Pin<Box<dyn Future<Output = (usize, Sent)>>>;

/// Every webhook's post at once (one failing never holds up the others), each with its
/// retries before `deadline`: what each came to, in order.
async fn deliver_all(posts: &[Posting], deadline: f64, inner: &Rc<Inner>) -> Vec<Sent> {
    let mut out: Vec<Sent> = posts
        .iter()
        .map(|_| Sent::Failed("not tried".to_string()))
        .collect();
    let mut running: Vec<Delivery> = posts
        .iter()
        .enumerate()
        .map(|(k, p)| {
            let (w, p, inner) = (p.webhook.clone(), p.post.clone(), inner.clone());
            Box::pin(async move { (k, deliver(&w, &p, deadline, &inner).await) }) as Delivery
        })
        .collect();
    while !running.is_empty() {
        let (k, r) = first_done(&mut running).await;
        out[k] = r;
    }
    out
}

/// One webhook's post with its retries (408, 429, 5xx, a service's rate limit, a network error)
/// before `deadline`. The error says why, never the URL or the secret.
async fn deliver(w: &Webhook, p: &Post, deadline: f64, inner: &Inner) -> Sent {
    let mut last = String::from("the run's deadline passed before it was tried");
    for attempt in 0..webhook::MAX_ATTEMPTS {
        let left = deadline - now();
        if left <= 0.0 {
            break;
        }
        let timeout = left.min(f64::from(inner.timeout_ms)) as u32;
        let (status, retry_after, body) = post_once(p, timeout, inner).await;
        let delay = match webhook::outcome(w.kind, status, &body, retry_after.as_deref(), attempt) {
            Outcome::Delivered => return Sent::Delivered,
            Outcome::Refused(m) => return Sent::Refused(m),
            Outcome::Retry(d) => d,
        };
        last = match status {
            Some(s) => format!("answered HTTP {s} after {} attempt(s)", attempt + 1),
            None => format!("network error or timeout after {} attempt(s)", attempt + 1),
        };
        if now() + delay as f64 >= deadline {
            break;
        }
        if let Ok(c) = Cancel::new(None, 0) {
            let _ = c.sleep(delay as u32).await;
        }
    }
    Sent::Failed(last)
}

/// One POST: the status (none on a network error or timeout), `Retry-After`, and the start
/// of the answer's body (at most [`webhook::MAX_ANSWER_BYTES`]).
async fn post_once(
    p: &Post,
    timeout_ms: u32,
    inner: &Inner,
) -> (Option<u16>, Option<String>, String) {
    let Ok(cancel) = Cancel::new(None, timeout_ms.max(1)) else {
        return (None, None, String::new());
    };
    let Ok(f) = fetch_function(None) else {
        return (None, None, String::new());
    };
    let req = RequestBuilder::new(&p.url)
        .method(Method::POST)
        .redirect(RequestRedirect::Manual)
        .abort_signal(Some(&cancel.signal))
        .header("Content-Type", "application/json; charset=utf-8")
        .body(p.body.clone());
    let Ok(req) = req else {
        return (None, None, String::new());
    };
    let request: web_sys::Request = req.into();
    let Some(pr) = f
        .call1(&js_sys::global(), &request)
        .ok()
        .and_then(|v| thenable(&v))
    else {
        return (None, None, String::new());
    };
    let r = match cancel.unless(JsFuture::from(pr)).await {
        Ok(Ok(r)) if Reflect::get(&r, &"status".into()).is_ok() => r,
        _ => return (None, None, String::new()),
    };
    let r: web_sys::Response = r.unchecked_into();
    let retry_after = r.headers().get("retry-after").ok().flatten();
    let status = r.status();
    let body = match read_body(r.body(), webhook::MAX_ANSWER_BYTES, inner, &cancel).await {
        Ok(Ok(b)) => String::from_utf8_lossy(&b).into_owned(),
        _ => String::new(),
    };
    (Some(status), retry_after, body)
}

/// The first of `running` to finish: its output, the future removed.
async fn first_done<F: Future + Unpin>(running: &mut Vec<F>) -> F::Output {
    let (at, v) = poll_fn(|cx| {
        for (at, f) in running.iter_mut().enumerate() {
            if let Poll::Ready(v) = Pin::new(f).poll(cx) {
                return Poll::Ready((at, v));
            }
        }
        Poll::Pending
    })
    .await;
    drop(running.swap_remove(at));
    v
}
