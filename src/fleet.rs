//! `listFleetTasks`' I/O: every instance of the project (optionally filtered), then each
//! instance's tasks in the time range, at most `concurrency` instances at once, each yielded
//! as its listing finishes. The decisions are the core's ([`dcs_tasks_core::fleet`]); each
//! listing is a [`Pager`] (the instances: pages at 1,000, four at once; an instance's tasks:
//! pages at 1,000, one at a time, so at most `concurrency` task-list requests are in flight).
//! An instance's failure is that instance's `error`; a failure to list the instances ends the
//! iteration.

use std::cell::RefCell;
use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::rc::Rc;
use std::task::Poll;

use js_sys::{Array, Function, Object};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::AbortSignal;

use crate::bindings::{set, to_js_error};
use crate::cancel::{AbortFanout, AbortLink};
use crate::fetch::{promise, Inner};
use crate::pager::Pager;
use crate::wire::{self, FleetInstance, KeptTasks};
use dcs_tasks_core::fleet::{
    self, FleetPlan, FleetQuery, FLEET_PAGE_SIZE, MAX_FLEET_TASKS_PER_INSTANCE,
    MAX_LIST_ALL_INSTANCES,
};
use dcs_tasks_core::query::ListQuery;
use dcs_tasks_parse::error::DcsError;

type Slot = Rc<RefCell<Option<Result<JsValue, DcsError>>>>;

/// One instance's listing in flight.
struct Running {
    index: usize,
    done: JsFuture,
    slot: Slot,
}

/// A fleet being listed.
pub(crate) struct Fleet {
    inner: Rc<Inner>,
    query: FleetQuery,
    on_instance: Option<Function>,
    /// The instances, once listed (the first `next()` lists them).
    instances: Option<Vec<FleetInstance>>,
    plan: FleetPlan,
    running: Vec<Running>,
    /// The iterator's signal aborting every listing in flight (one listener for all).
    fanout: Option<Rc<AbortFanout>>,
}

/// A finished instance: the iterator's value and the progress to report.
pub(crate) struct Entry {
    pub(crate) value: JsValue,
    pub(crate) done: usize,
    pub(crate) total: usize,
    pub(crate) on_instance: Option<Function>,
}

impl Fleet {
    pub(crate) fn new(inner: Rc<Inner>, query: FleetQuery, on_instance: Option<Function>) -> Fleet {
        Fleet {
            inner,
            query,
            on_instance,
            instances: None,
            plan: FleetPlan::new(0, 1),
            running: Vec::new(),
            fanout: None,
        }
    }

    /// Every instance matching the query, in listing order, deduplicated.
    async fn list_instances(&self, signal: &AbortSignal) -> Result<Vec<FleetInstance>, DcsError> {
        let mut pager = Pager::new(
            self.inner.clone(),
            wire::instance_pages(&self.inner, self.query.instances.clone()),
            FLEET_PAGE_SIZE,
            MAX_LIST_ALL_INSTANCES,
        )?;
        let _link = AbortLink::new(signal, &pager.controller());
        let mut out = Vec::new();
        while let Some(ds) = pager.next().await? {
            for d in ds {
                out.extend(wire::fleet_instances(d.list));
            }
        }
        Ok(out)
    }

    /// Starts instance `index`'s task listing (aborted through `fanout`).
    fn start(&self, index: usize, id: String, fanout: Rc<AbortFanout>) -> Running {
        let (inner, q) = (self.inner.clone(), self.query.listing());
        let since = self.query.tasks.start_ms;
        let slot: Slot = Rc::new(RefCell::new(None));
        let out = slot.clone();
        let done = promise(Box::pin(async move {
            let r = instance_tasks(&inner, id, q, since, index, &fanout).await;
            fanout.remove(index);
            *out.borrow_mut() = Some(r);
            Ok(JsValue::UNDEFINED)
        }));
        Running {
            index,
            done: JsFuture::from(done),
            slot,
        }
    }

    /// The next instance whose listing finished; `None` when every one has been handed out.
    /// `signal` (the iterator's) aborts every listing.
    pub(crate) async fn next(&mut self, signal: &AbortSignal) -> Result<Option<Entry>, DcsError> {
        if self.instances.is_none() {
            let list = self.list_instances(signal).await?;
            self.plan = FleetPlan::new(list.len(), self.query.concurrency);
            self.instances = Some(list);
        }
        let fanout = self
            .fanout
            .get_or_insert_with(|| Rc::new(AbortFanout::new(signal)))
            .clone();
        let instances = self.instances.as_deref().unwrap_or_default();
        while let Some(i) = self.plan.next_start() {
            let id = instances
                .get(i)
                .map(|x| wire::instance_id(x).to_string())
                .unwrap_or_default();
            let r = self.start(i, id, fanout.clone());
            self.running.push(r);
        }
        if self.running.is_empty() {
            return Ok(None);
        }
        let k = poll_fn(|cx| {
            for (k, r) in self.running.iter_mut().enumerate() {
                if Pin::new(&mut r.done).poll(cx).is_ready() {
                    return Poll::Ready(k);
                }
            }
            Poll::Pending
        })
        .await;
        let r = self.running.swap_remove(k);
        let (done, total) = self.plan.finish();
        let result = r
            .slot
            .borrow_mut()
            .take()
            .unwrap_or_else(|| Err(DcsError::network("a listing ended without a result")));
        let instance = self
            .instances
            .as_deref()
            .unwrap_or_default()
            .get(r.index)
            .ok_or_else(|| DcsError::network("a listing ended for no instance"))?;
        Ok(Some(Entry {
            value: entry_value(instance, result)?,
            done,
            total,
            on_instance: self.on_instance.clone(),
        }))
    }
}

/// `{ instance, tasks, error? }` (`tasks` empty with an error).
fn entry_value(
    instance: &FleetInstance,
    r: Result<JsValue, DcsError>,
) -> Result<JsValue, DcsError> {
    let o: JsValue = Object::new().into();
    set(&o, "instance", &wire::instance_value(instance)?);
    match r {
        Ok(tasks) => set(&o, "tasks", &tasks),
        Err(e) => {
            set(&o, "tasks", &Array::new());
            set(&o, "error", &to_js_error(&e));
        }
    }
    Ok(o)
}

/// Every task of one instance in the range (and those still running that began before
/// `since`), as a JS array.
async fn instance_tasks(
    inner: &Rc<Inner>,
    id: String,
    q: ListQuery,
    since: Option<i64>,
    index: usize,
    fanout: &AbortFanout,
) -> Result<JsValue, DcsError> {
    let mut pager = Pager::new(
        inner.clone(),
        wire::task_pages(inner, id, q),
        FLEET_PAGE_SIZE,
        MAX_FLEET_TASKS_PER_INSTANCE,
    )?
    .with_concurrency(1);
    fanout.add(index, pager.controller());
    let mut kept = KeptTasks::new();
    while let Some(ds) = pager.next().await? {
        for d in ds {
            if let Some(e) = fleet::too_many_tasks(d.total) {
                pager.stop();
                return Err(e);
            }
            kept.add(&d.list, since);
        }
    }
    kept.finish()
}
