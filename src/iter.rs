//! The async iterators of `listAllTasks` (over a [`Pager`]) and `watchTaskProgress` (polls
//! decided by [`Watch`]): a plain JS object (`next`, `return`, `Symbol.asyncIterator`).
//! Calls run one at a time, in call order; the caller's signal and `return()` stop what is in
//! flight (a page, a poll, the wait between polls) at once. Once finished, the iterator keeps
//! nothing but a few words (workerd has no `FinalizationRegistry` to free its two functions'
//! wasm side).

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use js_sys::{Array, Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, AbortSignal};

use crate::bindings::{get, set, to_js_error};
use crate::cancel::{AbortLink, Cancel};
use crate::fetch::{promise, run, Inner};
use crate::fleet::Fleet;
use crate::pager::Pager;
use crate::wire::{self, InstanceSource, TaskSource};
use dcs_tasks_core::listing::PageSource;
use dcs_tasks_core::policy::Delivery;
use dcs_tasks_core::query::HttpRequest;
use dcs_tasks_core::watch::Watch;
use dcs_tasks_parse::error::DcsError;

/// What an iterator hands out.
enum Source {
    Tasks(Paged<TaskSource>),
    Instances(Paged<InstanceSource>),
    /// `listFleetTasks` (`crate::fleet`): `None` while a `next()` runs it.
    Fleet(Option<Box<Fleet>>),
    Progress {
        inner: Rc<Inner>,
        req: HttpRequest,
        watch: Watch,
    },
    /// Finished: nothing is kept.
    Done,
}

/// A listing handed out item by item.
struct Paged<S: PageSource> {
    /// `None` while a `next()` runs it.
    pager: Option<Pager<S>>,
    buffer: VecDeque<JsValue>,
    /// Told of each page (`listAllTasks`' `onPage`).
    on_page: Option<Function>,
}

impl<S: PageSource + 'static> Paged<S> {
    fn new(pager: Pager<S>, on_page: Option<Function>) -> Self {
        Paged {
            pager: Some(pager),
            buffer: VecDeque::new(),
            on_page,
        }
    }
}

/// What a paged iterator needs of a listing: its items of a page, and where it sits in a [`Source`].
trait Items: PageSource + Sized + 'static {
    /// The page's items, and the page as `onPage` is told of it.
    fn items(d: &Delivery<Self::Page>) -> Result<(Array, JsValue), DcsError>;
    fn paged(source: &mut Source) -> Option<&mut Paged<Self>>;
}

impl Items for TaskSource {
    fn items(d: &Delivery<Self::Page>) -> Result<(Array, JsValue), DcsError> {
        wire::task_page(d)
    }
    fn paged(source: &mut Source) -> Option<&mut Paged<Self>> {
        match source {
            Source::Tasks(p) => Some(p),
            _ => None,
        }
    }
}

impl Items for InstanceSource {
    fn items(d: &Delivery<Self::Page>) -> Result<(Array, JsValue), DcsError> {
        Ok((wire::instance_items(d)?, JsValue::UNDEFINED))
    }
    fn paged(source: &mut Source) -> Option<&mut Paged<Self>> {
        match source {
            Source::Instances(p) => Some(p),
            _ => None,
        }
    }
}

struct State {
    source: Source,
    master: AbortController,
    /// The caller's signal, forwarded to `master`.
    caller: Option<AbortLink>,
    /// The last call's Promise: the next call starts when it settles.
    last: Promise,
}

type Shared = Rc<RefCell<State>>;

impl State {
    fn caller_aborted(&self) -> bool {
        self.caller.as_ref().is_some_and(AbortLink::aborted)
    }

    /// Nothing more is delivered; calls and waits in flight are aborted; what the iteration
    /// held is released.
    fn stop(&mut self) {
        self.source = Source::Done;
        self.master.abort();
        self.caller = None;
    }

    fn finished(&self) -> bool {
        matches!(self.source, Source::Done)
    }
}

fn aborted() -> DcsError {
    DcsError::aborted("the operation was aborted by the caller's signal")
}

/// The iterator over `pager`'s tasks.
pub(crate) fn tasks(
    pager: Pager<TaskSource>,
    caller: Option<AbortSignal>,
    on_page: Option<Function>,
) -> Result<JsValue, DcsError> {
    let master = pager.controller();
    let source = Source::Tasks(Paged::new(pager, on_page));
    Ok(iterator(source, master, caller))
}

/// The iterator over `pager`'s instances.
pub(crate) fn instances(
    pager: Pager<InstanceSource>,
    caller: Option<AbortSignal>,
) -> Result<JsValue, DcsError> {
    let master = pager.controller();
    let source = Source::Instances(Paged::new(pager, None));
    Ok(iterator(source, master, caller))
}

/// The iterator over a fleet: one `{ instance, tasks, error? }` per instance, as each
/// instance's listing finishes. `master` aborts every listing of the fleet.
pub(crate) fn fleet(
    fleet: Fleet,
    master: AbortController,
    caller: Option<AbortSignal>,
) -> Result<JsValue, DcsError> {
    Ok(iterator(
        Source::Fleet(Some(Box::new(fleet))),
        master,
        caller,
    ))
}

/// The iterator over one task's progress: `req` polled as `watch` decides.
pub(crate) fn progress(
    inner: Rc<Inner>,
    req: HttpRequest,
    watch: Watch,
    caller: Option<AbortSignal>,
) -> Result<JsValue, DcsError> {
    let master = AbortController::new()
        .map_err(|_| DcsError::network("this runtime has no AbortController"))?;
    Ok(iterator(
        Source::Progress { inner, req, watch },
        master,
        caller,
    ))
}

fn iterator(source: Source, master: AbortController, caller: Option<AbortSignal>) -> JsValue {
    let caller = caller.map(|c| AbortLink::new(&c, &master));
    let st: Shared = Rc::new(RefCell::new(State {
        source,
        master,
        caller,
        last: Promise::resolve(&JsValue::UNDEFINED),
    }));
    let it: JsValue = Object::new().into();
    let (a, b) = (st.clone(), st);
    let next = Closure::<dyn FnMut() -> Promise>::new(move || serialized(&a, false));
    let ret = Closure::<dyn FnMut() -> Promise>::new(move || serialized(&b, true));
    set(&it, "next", &next.into_js_value());
    set(&it, "return", &ret.into_js_value());
    // `[Symbol.asyncIterator]() { return this }`: `Object.prototype.valueOf` is exactly that.
    let this = get(&it, "valueOf");
    let _ = Reflect::set(&it, &js_sys::Symbol::async_iterator().into(), &this);
    it
}

/// `{ value, done }`
fn result(v: Option<JsValue>) -> JsValue {
    let o: JsValue = Object::new().into();
    let done = v.is_none();
    set(&o, "value", &v.unwrap_or(JsValue::UNDEFINED));
    set(&o, "done", &JsValue::from_bool(done));
    o
}

/// The kind of a [`Source`], read before a step borrows it: which step `next()` takes.
#[derive(Clone, Copy)]
enum Kind {
    Progress,
    Instances,
    Fleet,
    /// The tasks, and a finished source (whose step hands out nothing).
    Tasks,
}

impl Kind {
    fn of(source: &Source) -> Kind {
        match source {
            Source::Progress { .. } => Kind::Progress,
            Source::Instances(_) => Kind::Instances,
            Source::Fleet(_) => Kind::Fleet,
            Source::Tasks(_) | Source::Done => Kind::Tasks,
        }
    }
}

fn serialized(st: &Shared, finish: bool) -> Promise {
    if finish {
        st.borrow_mut().stop();
    }
    let prev = st.borrow().last.clone();
    let s = st.clone();
    let p = promise(Box::pin(async move {
        let _ = JsFuture::from(prev).await;
        let kind = Kind::of(&s.borrow().source);
        let r = match kind {
            _ if finish => Ok(None),
            Kind::Progress => poll(&s).await,
            Kind::Instances => step::<InstanceSource>(&s).await,
            Kind::Fleet => step_fleet(&s).await,
            Kind::Tasks => step::<TaskSource>(&s).await,
        };
        r.map(result).map_err(|e| {
            s.borrow_mut().stop();
            to_js_error(&e)
        })
    }));
    st.borrow_mut().last = p.clone();
    p
}

/// The next item (task or instance) of a paged listing.
async fn step<L: Items>(s: &Shared) -> Result<Option<JsValue>, DcsError> {
    loop {
        let pager = {
            let mut st = s.borrow_mut();
            if st.caller_aborted() {
                return Err(aborted());
            }
            let Some(p) = L::paged(&mut st.source) else {
                return Ok(None);
            };
            if let Some(t) = p.buffer.pop_front() {
                return Ok(Some(t));
            }
            p.pager.take()
        };
        let Some(mut pager) = pager else {
            return Ok(None);
        };
        let got = pager.next().await;
        let on_page = {
            let mut st = s.borrow_mut();
            if st.caller_aborted() {
                return Err(aborted());
            }
            let ds = match got? {
                Some(ds) => ds,
                None => {
                    st.stop();
                    return Ok(None);
                }
            };
            let Some(p) = L::paged(&mut st.source) else {
                return Ok(None);
            };
            p.pager = Some(pager);
            let mut pages = Vec::with_capacity(ds.len());
            for d in &ds {
                let (items, page) = L::items(d)?;
                p.buffer.extend(items.iter());
                pages.push(page);
            }
            p.on_page.clone().map(|f| (f, pages))
        };
        // The callback runs with nothing borrowed (it may call the iterator).
        if let Some((f, pages)) = on_page {
            for v in pages {
                let p: JsValue = Object::new().into();
                for k in ["fetched", "total", "warnings"] {
                    set(&p, k, &get(&v, k));
                }
                if let Err(e) = f.call1(&JsValue::UNDEFINED, &p) {
                    let mut d = DcsError::invalid_argument("o.onPage", "threw an exception");
                    if let Some(m) = get(&e, "message").as_string() {
                        d.message.push_str(": ");
                        d.message.push_str(&m);
                    }
                    return Err(d);
                }
            }
        }
    }
}

/// The next instance of a fleet that finished ([`Fleet::next`]).
async fn step_fleet(s: &Shared) -> Result<Option<JsValue>, DcsError> {
    let fleet = {
        let mut st = s.borrow_mut();
        if st.caller_aborted() {
            return Err(aborted());
        }
        let Source::Fleet(f) = &mut st.source else {
            return Ok(None);
        };
        f.take()
    };
    let Some(mut fleet) = fleet else {
        return Ok(None);
    };
    let signal = s.borrow().master.signal();
    let got = fleet.next(&signal).await;
    let mut st = s.borrow_mut();
    if st.caller_aborted() {
        return Err(aborted());
    }
    if st.finished() {
        // `return()` was called meanwhile: what was in flight was aborted, nothing more is yielded.
        return Ok(None);
    }
    match got? {
        Some(entry) => {
            if let Source::Fleet(slot) = &mut st.source {
                *slot = Some(fleet);
            }
            drop(st);
            // The progress callback runs with nothing borrowed (it may call the iterator).
            if let Err(e) = fleet_progress(&entry) {
                s.borrow_mut().stop();
                return Err(e);
            }
            Ok(Some(entry.value))
        }
        None => {
            st.stop();
            Ok(None)
        }
    }
}

/// Calls `onInstance({ done, total })` for a finished instance.
fn fleet_progress(entry: &crate::fleet::Entry) -> Result<(), DcsError> {
    let Some(f) = entry.on_instance.clone() else {
        return Ok(());
    };
    let p: JsValue = Object::new().into();
    set(&p, "done", &JsValue::from_f64(entry.done as f64));
    set(&p, "total", &JsValue::from_f64(entry.total as f64));
    f.call1(&JsValue::UNDEFINED, &p).map(|_| ()).map_err(|e| {
        let mut d = DcsError::invalid_argument("o.onInstance", "threw an exception");
        if let Some(m) = get(&e, "message").as_string() {
            d.message.push_str(": ");
            d.message.push_str(&m);
        }
        d
    })
}

/// The next changed progress of a watch: wait, poll (a normal call: retries, deadline),
/// until an answer is to be handed out.
async fn poll(s: &Shared) -> Result<Option<JsValue>, DcsError> {
    loop {
        let (inner, req, wait, signal) = {
            let st = s.borrow();
            if st.caller_aborted() {
                return Err(aborted());
            }
            let Source::Progress { inner, req, watch } = &st.source else {
                return Ok(None);
            };
            if watch.done() {
                return Ok(None);
            }
            (
                inner.clone(),
                req.clone(),
                watch.wait_ms(),
                st.master.signal(),
            )
        };
        if wait > 0 {
            let pause = Cancel::new(Some(&signal), 0)?;
            let _ = pause.sleep(wait).await;
        }
        if s.borrow().caller_aborted() {
            return Err(aborted());
        }
        if s.borrow().finished() {
            return Ok(None);
        }
        let resp = run(&inner, &req, inner.call_plan(), Some(&signal)).await;
        let mut st = s.borrow_mut();
        if st.caller_aborted() {
            return Err(aborted());
        }
        let Source::Progress { watch, .. } = &mut st.source else {
            return Ok(None);
        };
        let p = wire::progress(&resp?.body, inner.strict)?;
        if let Some(p) = watch.observe(p) {
            return crate::bindings::to_js(&p).map(Some);
        }
    }
}
