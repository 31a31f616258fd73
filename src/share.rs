//! The proxy's shared upstream reads (cargo feature `proxy`): the core's
//! [`ShareTable`] over the flights of this isolate. A GET another request is making, or made
//! within `UPSTREAM_SHARE_MS` with a 2xx answer, is answered from that flight instead of a new
//! upstream call. The decisions (the key, what is kept, for how long, the bounds) are the
//! core's ([`dcs_tasks_core::proxy::share`]); here are the promises and the table.

use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;

use js_sys::{Function, Promise};
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

use dcs_tasks_core::call::RawResponse;
use dcs_tasks_core::proxy::share::ShareTable;
use dcs_tasks_parse::error::DcsError;

type Outcome = Rc<RefCell<Option<Result<RawResponse, DcsError>>>>;

/// A flight: resolved when its call ends, with its outcome (none if the call was dropped).
#[derive(Clone)]
struct Flight {
    done: Promise,
    outcome: Outcome,
}

thread_local! {
    static TABLE: RefCell<ShareTable<Flight>> = RefCell::new(ShareTable::default());
}

/// The leading call of a flight: its promise is resolved when this is dropped, also when the
/// call is dropped midway (then the callers that joined make their own call).
struct Lead {
    key: String,
    resolve: Function,
    settled: bool,
}

impl Drop for Lead {
    fn drop(&mut self) {
        if !self.settled {
            TABLE.with(|t| {
                t.borrow_mut()
                    .settle(&self.key, false, 0, 0, js_sys::Date::now())
            });
        }
        let _ = self.resolve.call0(&JsValue::UNDEFINED);
    }
}

/// The answer of the read `key`: joined from its flight, or called (`call`) and shared for
/// `share_ms` when 2xx (0: only while in flight).
pub(crate) async fn shared<F>(
    key: String,
    share_ms: u64,
    call: impl FnOnce() -> F,
) -> Result<RawResponse, DcsError>
where
    F: Future<Output = Result<RawResponse, DcsError>>,
{
    let joined = TABLE.with(|t| t.borrow_mut().find(&key, js_sys::Date::now()).cloned());
    if let Some(f) = joined {
        let _ = JsFuture::from(f.done.clone()).await;
        let outcome = f.outcome.borrow().clone();
        return match outcome {
            Some(r) => r,
            None => call().await,
        };
    }
    let mut resolve = None;
    let done = Promise::new(&mut |res, _rej| resolve = Some(res));
    let Some(resolve) = resolve else {
        return call().await;
    };
    let outcome: Outcome = Rc::default();
    let flight = Flight {
        done,
        outcome: outcome.clone(),
    };
    TABLE.with(|t| {
        t.borrow_mut()
            .start(key.clone(), flight, js_sys::Date::now())
    });
    let mut lead = Lead {
        key,
        resolve,
        settled: false,
    };
    let r = call().await;
    let ok = matches!(&r, Ok(resp) if (200..300).contains(&resp.status));
    let bytes = r.as_ref().map_or(0, |resp| resp.body.len());
    *outcome.borrow_mut() = Some(r.clone());
    TABLE.with(|t| {
        t.borrow_mut()
            .settle(&lead.key, ok, bytes, share_ms, js_sys::Date::now())
    });
    lead.settled = true;
    r
}

/// Forgets every shared read (a write went through the proxy).
pub(crate) fn forget() {
    TABLE.with(|t| t.borrow_mut().clear());
}
