//! `listAllTasks`' async iterator: a plain JS object (`next`, `return`,
//! `Symbol.asyncIterator`) over a [`Pager`]. Calls run one at a time, in call order; the
//! caller's signal and `return()` stop what is in flight at once. Once finished, the
//! iterator keeps nothing but a few words (workerd has no `FinalizationRegistry` to free its
//! two functions' wasm side).

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use js_sys::{Array, Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, AbortSignal};

use crate::bindings::{get, json_to_js, round_trip_error, set, to_js_error};
use crate::error::DcsError;
use crate::fetch::{promise, AbortLink, Pager};
use crate::model::write_list;
use crate::policy::Delivery;

struct State {
    /// `None` while a `next()` runs it, and once finished.
    pager: Option<Pager>,
    master: AbortController,
    buffer: VecDeque<JsValue>,
    finished: bool,
    /// The caller's signal, forwarded to `master`.
    caller: Option<AbortLink>,
    on_page: Option<Function>,
    /// The last call's Promise: the next call starts when it settles.
    last: Promise,
}

type Shared = Rc<RefCell<State>>;

impl State {
    fn caller_aborted(&self) -> bool {
        self.caller.as_ref().is_some_and(AbortLink::aborted)
    }

    /// Nothing more is delivered; pages in flight are aborted; what the iteration held is
    /// released.
    fn stop(&mut self) {
        self.finished = true;
        self.buffer.clear();
        self.master.abort();
        self.pager = None;
        self.on_page = None;
        self.caller = None;
    }
}

fn aborted() -> DcsError {
    DcsError::aborted("the operation was aborted by the caller's signal")
}

/// The iterator over `pager`'s tasks.
pub(crate) fn tasks(
    pager: Pager,
    caller: Option<AbortSignal>,
    on_page: Option<Function>,
) -> Result<JsValue, DcsError> {
    let master = pager.controller();
    let caller = caller.map(|c| AbortLink::new(&c, &master));
    let st: Shared = Rc::new(RefCell::new(State {
        pager: Some(pager),
        master,
        buffer: VecDeque::new(),
        finished: false,
        caller,
        on_page,
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
    Ok(it)
}

/// `{ value, done }`
fn result(v: Option<JsValue>) -> JsValue {
    let o: JsValue = Object::new().into();
    let done = v.is_none();
    set(&o, "value", &v.unwrap_or(JsValue::UNDEFINED));
    set(&o, "done", &JsValue::from_bool(done));
    o
}

fn serialized(st: &Shared, finish: bool) -> Promise {
    if finish {
        st.borrow_mut().stop();
    }
    let prev = st.borrow().last.clone();
    let s = st.clone();
    let p = promise(Box::pin(async move {
        let _ = JsFuture::from(prev).await;
        let r = if finish { Ok(None) } else { step(&s).await };
        r.map(result).map_err(|e| {
            s.borrow_mut().stop();
            to_js_error(&e)
        })
    }));
    st.borrow_mut().last = p.clone();
    p
}

/// One page as JS: `{ taskCount, tasks, warnings, fetched, total }`.
fn page_value(d: &Delivery) -> Result<JsValue, DcsError> {
    let mut text = String::with_capacity(d.list.json().len() + 2);
    write_list(
        &mut text,
        d.list.task_count,
        d.list.tasks(),
        &d.list.warnings,
    );
    text.push('}');
    let v = json_to_js(&text).map_err(|_| round_trip_error())?;
    set(&v, "fetched", &JsValue::from_f64(d.fetched as f64));
    set(&v, "total", &JsValue::from_f64(d.total as f64));
    Ok(v)
}

async fn step(s: &Shared) -> Result<Option<JsValue>, DcsError> {
    loop {
        let pager = {
            let mut st = s.borrow_mut();
            if st.caller_aborted() {
                return Err(aborted());
            }
            if let Some(t) = st.buffer.pop_front() {
                return Ok(Some(t));
            }
            if st.finished {
                return Ok(None);
            }
            st.pager.take()
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
            if st.finished {
                return Ok(None);
            }
            match got? {
                None => {
                    st.stop();
                    return Ok(None);
                }
                Some(ds) => {
                    st.pager = Some(pager);
                    let mut pages = Vec::with_capacity(ds.len());
                    for d in &ds {
                        let v = page_value(d)?;
                        let tasks: Array = get(&v, "tasks").unchecked_into();
                        st.buffer.extend(tasks.iter());
                        pages.push(v);
                    }
                    st.on_page.clone().map(|f| (f, pages))
                }
            }
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
