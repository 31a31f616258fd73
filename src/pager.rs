//! The pages of a listing fetched concurrently ([`Pager`]): each page asked for and parsed as
//! the core's [`PageSource`] says, planned and checked by its [`PagePlan`]; this file only
//! starts the calls ([`crate::fetch::run`]) and awaits them in order.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::AbortController;

use crate::fetch::{promise, run, Inner};
use dcs_tasks_core::listing::{PageSource, PAGE_CONCURRENCY};
use dcs_tasks_core::policy::{Delivery, PagePlan};
use dcs_tasks_parse::error::DcsError;
use dcs_tasks_parse::model::ParseOptions;

type Slot<P> = Rc<RefCell<Option<Result<P, DcsError>>>>;

/// A page being fetched.
struct InFlight<P> {
    page: u32,
    done: Promise,
    slot: Slot<P>,
}

/// Every page of a listing with bounded concurrency, handed out in order, duplicates removed
/// ([`PagePlan`] decides); each page asked for and parsed as the core's [`PageSource`] says.
/// `listAllTasks`, `listAllInstances`, `listFleetTasks` and the proxy's gatherings use it.
pub(crate) struct Pager<S: PageSource> {
    inner: Rc<Inner>,
    source: Rc<S>,
    page_size: u32,
    /// Pages in flight at most ([`PAGE_CONCURRENCY`] unless set).
    concurrency: usize,
    plan: PagePlan<S::Page>,
    /// Aborts every page in flight.
    master: AbortController,
    queue: VecDeque<InFlight<S::Page>>,
    done: bool,
}

impl<S: PageSource + 'static> Pager<S> {
    pub(crate) fn new(
        inner: Rc<Inner>,
        source: S,
        page_size: u32,
        max_items: u64,
    ) -> Result<Pager<S>, DcsError> {
        Ok(Pager {
            inner,
            source: Rc::new(source),
            page_size,
            concurrency: PAGE_CONCURRENCY,
            plan: PagePlan::new(page_size, max_items),
            master: AbortController::new()
                .map_err(|_| DcsError::network("this runtime has no AbortController"))?,
            queue: VecDeque::new(),
            done: false,
        })
    }

    /// At most `n` pages in flight (at least 1).
    pub(crate) fn with_concurrency(mut self, n: usize) -> Self {
        self.concurrency = n.max(1);
        self
    }

    /// Aborts the pages in flight when `aborts` does (the owner keeps this controller).
    pub(crate) fn controller(&self) -> AbortController {
        self.master.clone()
    }

    fn start(&self, (page, offset): (u32, u32)) -> InFlight<S::Page> {
        let req = self.source.page_request(offset, self.page_size);
        let slot: Slot<S::Page> = Rc::new(RefCell::new(None));
        let (inner, out, signal) = (self.inner.clone(), slot.clone(), self.master.signal());
        let source = self.source.clone();
        let done = promise(Box::pin(async move {
            let strict = inner.strict;
            let r = run(&inner, &req, inner.call_plan(), Some(&signal))
                .await
                .and_then(|resp| source.parse_page(&resp, ParseOptions { strict }));
            *out.borrow_mut() = Some(r);
            Ok(JsValue::UNDEFINED)
        }));
        InFlight { page, done, slot }
    }

    /// Stops: nothing more is delivered, the pages in flight are aborted.
    pub(crate) fn stop(&mut self) {
        self.done = true;
        self.queue.clear();
        self.master.abort();
    }

    /// The next pages that can be delivered, in order; `None` at the end.
    pub(crate) async fn next(&mut self) -> Result<Option<Vec<Delivery<S::Page>>>, DcsError> {
        loop {
            if self.done {
                return Ok(None);
            }
            while self.queue.len() < self.concurrency {
                let Some(n) = self.plan.next_offset() else {
                    break;
                };
                let f = self.start(n);
                self.queue.push_back(f);
            }
            let Some(head) = self.queue.pop_front() else {
                self.done = true;
                return Ok(None);
            };
            let _ = JsFuture::from(head.done).await;
            if self.done {
                return Ok(None);
            }
            let got = head.slot.borrow_mut().take();
            let delivered = got
                .unwrap_or_else(|| Err(DcsError::network("a page fetch ended without a result")))
                .and_then(|list| self.plan.receive(head.page, list));
            let delivered = match delivered {
                Ok(d) => d,
                Err(e) => {
                    self.stop();
                    return Err(e);
                }
            };
            if let Some(n) = self.plan.take_refetch() {
                let f = self.start(n);
                self.queue.push_front(f);
            }
            if self.plan.is_done() {
                // Whatever is still in flight is beyond the end: cancel it.
                self.stop();
            }
            if !delivered.is_empty() {
                return Ok(Some(delivered));
            }
        }
    }
}

impl<S: PageSource> Drop for Pager<S> {
    fn drop(&mut self) {
        self.master.abort();
    }
}
