//! Cancellation: one call's `AbortController`, aborted by the deadline or a parent signal
//! ([`Cancel`]); a parent signal forwarded to one controller ([`AbortLink`]) or to many
//! ([`AbortFanout`]); the `signal` option ([`signal_arg`]).

use std::cell::{Cell, RefCell};
use std::future::{poll_fn, Future};
use std::pin::pin;
use std::rc::Rc;
use std::task::Poll;

use gloo_timers::callback::Timeout;
use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, AbortSignal};

use dcs_tasks_core::call::Cancelled;
use dcs_tasks_parse::error::DcsError;

/// A parent signal forwarded to a controller: when `parent` aborts, so does the controller
/// (at once if it already has). Dropping the link removes the listener.
pub(crate) struct AbortLink {
    parent: AbortSignal,
    listener: Closure<dyn FnMut()>,
}

impl AbortLink {
    pub(crate) fn new(parent: &AbortSignal, controller: &AbortController) -> AbortLink {
        let c = controller.clone();
        let listener = Closure::<dyn FnMut()>::new(move || c.abort());
        let _ = parent.add_event_listener_with_callback("abort", listener.as_ref().unchecked_ref());
        if parent.aborted() {
            controller.abort();
        }
        AbortLink {
            parent: parent.clone(),
            listener,
        }
    }

    /// The parent signal has fired.
    pub(crate) fn aborted(&self) -> bool {
        self.parent.aborted()
    }
}

impl Drop for AbortLink {
    fn drop(&mut self) {
        let f = self.listener.as_ref().unchecked_ref();
        let _ = self.parent.remove_event_listener_with_callback("abort", f);
    }
}

/// One parent signal aborting many controllers through a single listener (a fleet's
/// listings: one listener per listing on the same signal would pass Node's warning threshold
/// of ten). Dropping it removes the listener.
pub(crate) struct AbortFanout {
    parent: AbortSignal,
    children: Rc<RefCell<Vec<(usize, AbortController)>>>,
    listener: Closure<dyn FnMut()>,
}

impl AbortFanout {
    pub(crate) fn new(parent: &AbortSignal) -> AbortFanout {
        let children: Rc<RefCell<Vec<(usize, AbortController)>>> = Rc::default();
        let c = children.clone();
        let listener = Closure::<dyn FnMut()>::new(move || {
            // Taken out first: aborting runs listeners that may touch the list.
            let all = std::mem::take(&mut *c.borrow_mut());
            for (_, ctl) in all {
                ctl.abort();
            }
        });
        let _ = parent.add_event_listener_with_callback("abort", listener.as_ref().unchecked_ref());
        AbortFanout {
            parent: parent.clone(),
            children,
            listener,
        }
    }

    /// Aborts `c` when the parent aborts (at once if it has); `key` names it for [`Self::remove`].
    pub(crate) fn add(&self, key: usize, c: AbortController) {
        if self.parent.aborted() {
            c.abort();
        }
        self.children.borrow_mut().push((key, c));
    }

    pub(crate) fn remove(&self, key: usize) {
        self.children.borrow_mut().retain(|(k, _)| *k != key);
    }
}

impl Drop for AbortFanout {
    fn drop(&mut self) {
        let f = self.listener.as_ref().unchecked_ref();
        let _ = self.parent.remove_event_listener_with_callback("abort", f);
    }
}

/// One call's cancellation: an `AbortController` aborted by the deadline's timer or by the
/// parent signal (the caller's, or a listing's). Dropping it aborts the controller, which
/// settles every wait of the call.
pub(crate) struct Cancel {
    controller: AbortController,
    /// The signal each exchange of the call is aborted by.
    pub(crate) signal: AbortSignal,
    /// Resolves when `signal` aborts (always, at the latest when this is dropped).
    aborted: Promise,
    parent: Option<AbortLink>,
    _timer: Option<Timeout>,
    timed_out: Rc<Cell<bool>>,
}

impl Cancel {
    pub(crate) fn new(parent: Option<&AbortSignal>, timeout_ms: u32) -> Result<Cancel, DcsError> {
        let controller = AbortController::new()
            .map_err(|_| DcsError::network("this runtime has no AbortController"))?;
        let signal = controller.signal();
        let aborted = Promise::new(&mut |resolve, _| {
            let _ = signal.add_event_listener_with_callback("abort", &resolve);
        });
        let timed_out = Rc::new(Cell::new(false));
        let timer = (timeout_ms > 0).then(|| {
            let (c, t) = (controller.clone(), timed_out.clone());
            Timeout::new(timeout_ms, move || {
                t.set(true);
                c.abort();
            })
        });
        let parent = parent.map(|p| AbortLink::new(p, &controller));
        Ok(Cancel {
            controller,
            signal,
            aborted,
            parent,
            _timer: timer,
            timed_out,
        })
    }

    /// Why the call must stop, if it must.
    pub(crate) fn state(&self) -> Option<Cancelled> {
        if self.parent.as_ref().is_some_and(AbortLink::aborted) {
            Some(Cancelled::Caller)
        } else if self.timed_out.get() || self.signal.aborted() {
            Some(Cancelled::Deadline)
        } else {
            None
        }
    }

    /// Waits `ms` (gloo-timers' `Timeout`), unless the call is cancelled first. The wait's
    /// Promise is settled either way, so nothing of it stays behind.
    pub(crate) async fn sleep(&self, ms: u32) -> Result<(), Cancelled> {
        let mut timer = None;
        let mut settle = None;
        let p = Promise::new(&mut |resolve: Function, _| {
            let r = resolve.clone();
            timer = Some(Timeout::new(ms, move || {
                let _ = r.call0(&JsValue::UNDEFINED);
            }));
            settle = Some(resolve);
        });
        let out = self.unless(JsFuture::from(p)).await.map(|_| ());
        if let (Err(_), Some(f)) = (&out, settle) {
            let _ = f.call0(&JsValue::UNDEFINED);
        }
        drop(timer);
        out
    }

    /// A failure, unless the call was cancelled (an aborted fetch rejects too).
    pub(crate) fn or<T>(&self, e: DcsError) -> Result<Result<T, DcsError>, Cancelled> {
        match self.state() {
            Some(c) => Err(c),
            None => Ok(Err(e)),
        }
    }

    /// Runs `f` unless the call is cancelled first.
    pub(crate) async fn unless<F: Future>(&self, f: F) -> Result<F::Output, Cancelled> {
        let mut f = pin!(f);
        let mut stop = pin!(JsFuture::from(self.aborted.clone()));
        poll_fn(|cx| {
            if let Poll::Ready(v) = f.as_mut().poll(cx) {
                Poll::Ready(Ok(v))
            } else if stop.as_mut().poll(cx).is_ready() {
                Poll::Ready(Err(self.state().unwrap_or(Cancelled::Deadline)))
            } else {
                Poll::Pending
            }
        })
        .await
    }
}

impl Drop for Cancel {
    fn drop(&mut self) {
        self.parent = None;
        self.controller.abort();
    }
}

/// Reads an optional `AbortSignal` argument; anything else is `INVALID_ARGUMENT`.
pub fn signal_arg(v: &JsValue, field: &str) -> Result<Option<AbortSignal>, DcsError> {
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    // `instanceof` fails across realms and for polyfills: accept what behaves as one.
    let looks = v.is_object()
        && Reflect::get(v, &"aborted".into()).is_ok_and(|a| a.as_bool().is_some())
        && Reflect::get(v, &"addEventListener".into()).is_ok_and(|f| f.is_function());
    if looks {
        Ok(Some(v.clone().unchecked_into()))
    } else {
        Err(DcsError::invalid_argument(field, "must be an AbortSignal"))
    }
}
