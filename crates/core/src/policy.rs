//! Sans-IO decisions of the client: which answers to retry and after how long,
//! clock-skew detection, HTTP error mapping, and the page planner of `listAllTasks`.
//! Everything here is deterministic (randomness comes in as an argument) and tested natively.

use dcs_tasks_parse::error::{cat, DcsError};
use std::collections::BTreeSet;

use crate::error_body::parse_error_body;
use crate::field::Field;
use crate::query::{validate_bool, validate_int, Arg, ArgResult};
use dcs_tasks_parse::model::{InstanceList, ListJson, TaskList};

/// Default number of retries after the first attempt.
pub const DEFAULT_RETRIES: u32 = 2;
/// Most retries a caller may ask for.
pub const MAX_RETRIES: u32 = 10;
/// Default deadline of one call (all its attempts and waits), milliseconds.
pub const DEFAULT_TIMEOUT_MS: u32 = 30_000;
/// Longest deadline a caller may ask for: 10 minutes.
pub const MAX_TIMEOUT_MS: u32 = 600_000;
/// First backoff step and the cap of any single wait, milliseconds.
pub const BACKOFF_BASE_MS: f64 = 200.0;
pub const BACKOFF_CAP_MS: f64 = 5_000.0;
/// `Retry-After` is honoured up to this many milliseconds.
pub const RETRY_AFTER_CAP_MS: f64 = 30_000.0;
/// A server `Date` this far from local time means the local clock is off.
pub const SKEW_THRESHOLD_MS: i64 = 60_000;
/// Largest response body the client accepts: 32 MiB.
pub const MAX_RESPONSE_BYTES: usize = 32 * 1024 * 1024;

/// The settings of a client's calls, validated: `timeoutMs` (1..[`MAX_TIMEOUT_MS`], default
/// [`DEFAULT_TIMEOUT_MS`]), `retries` (0..[`MAX_RETRIES`], default [`DEFAULT_RETRIES`]) and
/// `strict` (default false), in that order; the error names its [`Field`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CallSettings {
    pub timeout_ms: u32,
    pub retries: u32,
    pub strict: bool,
}

impl CallSettings {
    pub fn validate(timeout_ms: &Arg, retries: &Arg, strict: &Arg) -> ArgResult<CallSettings> {
        Ok(CallSettings {
            timeout_ms: validate_int(Field::TimeoutMs, timeout_ms, 1, MAX_TIMEOUT_MS)?
                .unwrap_or(DEFAULT_TIMEOUT_MS),
            retries: validate_int(Field::Retries, retries, 0, MAX_RETRIES)?
                .unwrap_or(DEFAULT_RETRIES),
            strict: validate_bool(Field::Strict, strict)?.unwrap_or(false),
        })
    }
}

/// The statuses worth another attempt.
pub fn is_retryable_status(status: u16) -> bool {
    matches!(status, 429 | 500 | 502 | 503 | 504)
}

/// Exponential backoff with full jitter: a uniform wait in `[0, min(cap, base * 2^attempt))`.
/// `attempt` counts from 0 (the wait before the first retry); `rand01` is in `[0, 1)`.
pub fn backoff_ms(attempt: u32, rand01: f64) -> f64 {
    let ceiling = (BACKOFF_BASE_MS * 2f64.powi(attempt.min(30) as i32)).min(BACKOFF_CAP_MS);
    let r = if rand01.is_finite() {
        rand01.clamp(0.0, 1.0)
    } else {
        0.5
    };
    (ceiling * r).floor()
}

/// `Retry-After`: delta seconds or an HTTP date, capped at [`RETRY_AFTER_CAP_MS`].
pub fn retry_after_ms(value: &str, now_ms: i64) -> Option<f64> {
    let v = value.trim();
    let ms = if !v.is_empty() && v.len() <= 10 && v.bytes().all(|b| b.is_ascii_digit()) {
        dcs_tasks_parse::text::digits(v)? as f64 * 1000.0
    } else {
        (dcs_tasks_parse::time::parse_http_date(v)? - now_ms).max(0) as f64
    };
    Some(ms.min(RETRY_AFTER_CAP_MS))
}

/// The wait before retry number `attempt` (from 0): the server's `Retry-After` when it
/// sent one, else backoff with jitter.
pub fn retry_delay_ms(attempt: u32, retry_after: Option<&str>, now_ms: i64, rand01: f64) -> f64 {
    retry_after
        .and_then(|v| retry_after_ms(v, now_ms))
        .unwrap_or_else(|| backoff_ms(attempt, rand01))
}

/// Clock skew: when an AK/SK request is refused with 401 and the server's `Date` is more
/// than a minute from our (already corrected) clock, returns the new offset to add to
/// local time, in milliseconds.
pub fn skew_correction(
    status: u16,
    date_header: Option<&str>,
    local_now_ms: i64,
    current_offset_ms: i64,
) -> Option<i64> {
    if status != 401 {
        return None;
    }
    let server = dcs_tasks_parse::time::parse_http_date(date_header?)?;
    let ours = local_now_ms + current_offset_ms;
    if (server - ours).abs() > SKEW_THRESHOLD_MS {
        Some(server - local_now_ms)
    } else {
        None
    }
}

fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body.get(..4096).unwrap_or(body));
    // Drop tags and collapse whitespace so an HTML error page reads as one line.
    let mut out = String::new();
    let mut in_tag = false;
    let mut last_space = true;
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                if !last_space {
                    out.push(' ');
                    last_space = true;
                }
            }
            _ if in_tag => {}
            c if c.is_whitespace() || c.is_control() => {
                if !last_space {
                    out.push(' ');
                    last_space = true;
                }
            }
            c => {
                out.push(c);
                last_space = false;
            }
        }
        if out.chars().count() >= 160 {
            out.push('…');
            break;
        }
    }
    out.trim().to_string()
}

/// Maps a non-2xx answer to `HTTP_ERROR`: the three error-body shapes, or a short
/// excerpt of a body that is not one (an HTML 502 page).
pub fn http_error(status: u16, body: &[u8], request_id: Option<String>) -> DcsError {
    match parse_error_body(body) {
        Some(b) => DcsError::http(
            status,
            b.error_code,
            b.error_msg,
            b.error_ext_msg,
            request_id,
        ),
        None => {
            let mut e = DcsError::http(status, None, None, None, request_id);
            let ex = excerpt(body);
            if !ex.is_empty() {
                e.message.push_str(": ");
                e.message.push_str(&ex);
            }
            e
        }
    }
}

/// One page of a listing as the page plan sees it: the total the service reports, and the
/// items' IDs (tasks by `id`, instances by `instance_id`).
pub trait Page {
    /// The items' wire name (`tasks`), for error paths.
    const ITEMS: &'static str;
    /// The total's wire name (`task_count`), for error paths.
    const COUNT: &'static str;
    /// The total the service reports (every page).
    fn total(&self) -> u64;
    fn len(&self) -> usize;
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Item `i`'s ID (any stable text: equal IDs, equal text).
    fn id(&self, i: usize) -> &str;
    /// Keeps the items whose ID `keep` accepts, in order.
    fn retain_ids(&mut self, keep: impl FnMut(&str) -> bool);
}

impl Page for ListJson {
    const ITEMS: &'static str = "tasks";
    const COUNT: &'static str = "task_count";
    fn total(&self) -> u64 {
        self.task_count
    }
    fn len(&self) -> usize {
        ListJson::len(self)
    }
    fn id(&self, i: usize) -> &str {
        ListJson::id(self, i)
    }
    fn retain_ids(&mut self, keep: impl FnMut(&str) -> bool) {
        ListJson::retain_ids(self, keep)
    }
}

/// Typed tasks (the watchdog's look at the fleet).
impl Page for TaskList {
    const ITEMS: &'static str = "tasks";
    const COUNT: &'static str = "task_count";
    fn total(&self) -> u64 {
        self.task_count
    }
    fn len(&self) -> usize {
        self.tasks.len()
    }
    fn id(&self, i: usize) -> &str {
        self.tasks.get(i).map_or("", |t| t.id.as_str())
    }
    fn retain_ids(&mut self, mut keep: impl FnMut(&str) -> bool) {
        self.tasks.retain(|t| keep(&t.id));
    }
}

impl Page for InstanceList {
    const ITEMS: &'static str = "instances";
    const COUNT: &'static str = "instance_num";
    fn total(&self) -> u64 {
        self.instance_count
    }
    fn len(&self) -> usize {
        self.instances.len()
    }
    fn id(&self, i: usize) -> &str {
        self.instances.get(i).map_or("", |x| x.instance_id.as_str())
    }
    fn retain_ids(&mut self, mut keep: impl FnMut(&str) -> bool) {
        self.instances.retain(|x| keep(&x.instance_id));
    }
}

/// Plans and checks the pages of `listAllTasks` and `listAllInstances` (any [`Page`]):
/// which offsets to fetch, in which order to hand items out, when to stop, and which items
/// are duplicates.
///
/// Bounded by construction: at most `max_tasks / page_size` pages are ever planned, a
/// page whose task IDs repeat an earlier page exactly is an error (the server ignores
/// `offset`), and an empty page ends the list.
#[derive(Debug)]
pub struct PagePlan<P = ListJson> {
    page_size: u32,
    max_tasks: u64,
    /// The total as last reported (grows when tasks are inserted while paging).
    total: u64,
    /// Offsets handed out for fetching so far (page i has offset i * page_size).
    planned: u32,
    /// The next page to deliver, in order.
    next_deliver: u32,
    /// Pages that arrived out of order (few: at most the pages in flight).
    waiting: Vec<(u32, P)>,
    /// The IDs delivered so far (ordered: the other side chooses them, so no hashing).
    seen: BTreeSet<String>,
    /// One per delivered page (a page count is bounded by `max_tasks / page_size`).
    page_signatures: BTreeSet<[u8; 16]>,
    finished: bool,
    fetched: u64,
    /// `task_count` of the last delivered page.
    prev_total: Option<u64>,
    /// Re-fetches of the page awaited next, and of the whole listing.
    refetch_attempt: u8,
    refetches: u32,
    /// A page to fetch again (page, offset) before anything else.
    refetch: Option<(u32, u32)>,
}

/// Most re-fetches of shifted pages in one listing before it gives up with an error.
pub const MAX_REFETCHES: u32 = 64;

/// What the plan says after a page is delivered.
#[derive(Debug)]
pub struct Delivery<P = ListJson> {
    /// The new items of that page, duplicates removed, in order.
    pub list: P,
    pub fetched: u64,
    pub total: u64,
}

impl<P: Page> PagePlan<P> {
    pub fn new(page_size: u32, max_tasks: u64) -> PagePlan<P> {
        PagePlan {
            page_size: page_size.max(1),
            max_tasks,
            total: 0,
            planned: 0,
            next_deliver: 0,
            waiting: Vec::new(),
            seen: BTreeSet::new(),
            page_signatures: BTreeSet::new(),
            finished: false,
            fetched: 0,
            prev_total: None,
            refetch_attempt: 0,
            refetches: 0,
            refetch: None,
        }
    }

    /// A page that must be fetched again (its list was older than the page before it),
    /// as (page, offset): fetch it before anything else and hand it to [`PagePlan::receive`].
    pub fn take_refetch(&mut self) -> Option<(u32, u32)> {
        self.refetch.take()
    }

    /// The offset of the next page to fetch, if any. Page 0 is always planned first;
    /// later pages only once page 0 has given the total.
    pub fn next_offset(&mut self) -> Option<(u32, u32)> {
        if self.finished {
            return None;
        }
        let page = self.planned;
        if page > 0 && self.next_deliver == 0 {
            return None; // the total is not known yet
        }
        let offset = page as u64 * self.page_size as u64;
        let bound = self.total.min(self.max_tasks);
        if page > 0 && offset >= bound {
            return None;
        }
        if offset > i32::MAX as u64 {
            return None;
        }
        self.planned += 1;
        Some((page, offset as u32))
    }

    /// True when everything planned has been delivered and nothing more will be planned.
    pub fn is_done(&self) -> bool {
        self.finished
            || (self.next_deliver > 0
                && self.next_deliver == self.planned
                && (self.planned as u64 * self.page_size as u64) >= self.total.min(self.max_tasks))
    }

    /// Hands in page `page`'s parsed list; returns the deliveries now possible, in order.
    pub fn receive(&mut self, page: u32, list: P) -> Result<Vec<Delivery<P>>, DcsError> {
        if self.finished {
            return Ok(Vec::new());
        }
        match self.waiting.iter_mut().find(|(p, _)| *p == page) {
            Some(slot) => slot.1 = list,
            None => self.waiting.push((page, list)),
        }
        let mut out = Vec::new();
        while let Some(i) = self
            .waiting
            .iter()
            .position(|(p, _)| *p == self.next_deliver)
        {
            let list = self.waiting.swap_remove(i).1;
            let page = self.next_deliver;
            let offset = page as u64 * self.page_size as u64;
            // Pages are fetched concurrently while tasks may be inserted at the top (newest
            // first): a page answered from an older, shorter list than the page before it
            // would leave a gap at their boundary. Fetch it again (first at the same offset;
            // if the list really shrank, at an offset moved back by the shrinkage), so that
            // shifting only ever causes duplicates, which are dropped below.
            if let Some(prev) = self.prev_total {
                if list.total() < prev && !list.is_empty() && self.refetch_attempt < 2 {
                    self.refetches += 1;
                    if self.refetches > MAX_REFETCHES {
                        return Err(DcsError::invalid_response(
                            P::COUNT,
                            cat(&[
                                "the ",
                                P::ITEMS,
                                " list kept changing while it was paged; try again",
                            ]),
                        ));
                    }
                    let back = if self.refetch_attempt == 1 {
                        (prev - list.total()).min(offset)
                    } else {
                        0
                    };
                    self.refetch_attempt += 1;
                    self.refetch = Some((page, (offset - back) as u32));
                    break;
                }
            }
            self.refetch_attempt = 0;
            self.prev_total = Some(list.total());
            self.next_deliver += 1;
            if list.total() > self.total {
                self.total = list.total();
            }
            if list.is_empty() {
                // An empty page ends the list (the total lied, or tasks were deleted).
                self.finished = true;
                self.waiting.clear();
                out.push(Delivery {
                    list,
                    fetched: self.fetched,
                    total: self.total,
                });
                break;
            }
            if list.len() > self.page_size as usize {
                let m = format!(
                    "page at offset {offset} holds {} {}, more than the requested limit {}",
                    list.len(),
                    P::ITEMS,
                    self.page_size
                );
                return Err(DcsError::invalid_response(P::ITEMS, m));
            }
            let sig = page_signature(&list);
            if page > 0 && self.page_signatures.contains(&sig) {
                return Err(DcsError::invalid_response(
                    P::ITEMS,
                    cat(&[
                        "page at offset ",
                        &offset.to_string(),
                        " repeats an earlier page exactly: the server ignores offset, so the list cannot be trusted",
                    ]),
                ));
            }
            self.page_signatures.insert(sig);
            let mut list = list;
            list.retain_ids(|id| first_sighting(&mut self.seen, id));
            self.fetched += list.len() as u64;
            if self.fetched >= self.max_tasks {
                self.finished = true;
            }
            out.push(Delivery {
                list,
                fetched: self.fetched,
                total: self.total,
            });
        }
        Ok(out)
    }
}

/// Is this the first time `id` is seen (then it is remembered)? The one dedup rule of the
/// listings: an item counts once, where it is first seen.
fn first_sighting(seen: &mut BTreeSet<String>, id: &str) -> bool {
    !seen.contains(id) && seen.insert(id.to_string())
}

/// One item of a [`Refreshed`] listing: the new first page's item `i`, or the shown item `j`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pick {
    Page(usize),
    Shown(usize),
}

/// Every item of a listing shown ("Load all"), refreshed with its first page asked again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refreshed {
    /// The items in order: first the page's items not shown yet (as listed: newest first),
    /// then every shown item in its place, the page's copy when the page holds it.
    pub order: Vec<Pick>,
    /// The shown total grown by the new items, at least the page's total.
    pub total: u64,
}

/// Merges the first page of a listing, asked again, into every item shown (by ID: `shown`
/// and `page` are the items' IDs). An ID the page repeats counts once, where it is first
/// seen (as in [`PagePlan`]).
pub fn refresh_first_page(
    shown: &[&str],
    shown_total: u64,
    page: &[&str],
    page_total: u64,
) -> Refreshed {
    // Sets of `String`, as the page plan's: one set type in the wasm (its size is budgeted).
    let mut known = BTreeSet::new();
    for id in shown {
        known.insert(id.to_string());
    }
    let mut in_page = BTreeSet::new();
    let mut order = Vec::with_capacity(page.len() + shown.len());
    for (i, id) in page.iter().enumerate() {
        if first_sighting(&mut in_page, id) && !known.contains(*id) {
            order.push(Pick::Page(i));
        }
    }
    let fresh = order.len() as u64;
    order.extend(shown.iter().enumerate().map(|(j, id)| {
        // A page holds at most MAX_LIMIT items: its first copy found by a scan.
        match in_page
            .contains(*id)
            .then(|| page.iter().position(|p| p == id))
        {
            Some(Some(i)) => Pick::Page(i),
            _ => Pick::Shown(j),
        }
    }));
    Refreshed {
        order,
        total: (shown_total.saturating_add(fresh)).max(page_total),
    }
}

/// A page's identity: SHA-256 over its IDs in order (each ended by a NUL), first 16 bytes.
/// The IDs are chosen by the other side: a cryptographic hash leaves no collisions to craft.
fn page_signature<P: Page>(list: &P) -> [u8; 16] {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for i in 0..list.len() {
        h.update(list.id(i).as_bytes());
        h.update([0]);
    }
    let d = h.finalize();
    let mut sig = [0; 16];
    sig.copy_from_slice(&d[..16]);
    sig
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refreshed_first_page_puts_new_items_first_and_updates_the_shown() {
        use Pick::{Page, Shown};
        // b and c are shown; the page has a new one (n, twice) and b's newer copy.
        let r = refresh_first_page(&["b", "c"], 2, &["n", "b", "n"], 3);
        assert_eq!(r.order, vec![Page(0), Page(1), Shown(1)]);
        assert_eq!(r.total, 3);
        // Nothing new: the order is the shown one; the total never shrinks below the shown's.
        let r = refresh_first_page(&["a", "b"], 10, &["a"], 4);
        assert_eq!(r.order, vec![Page(0), Shown(1)]);
        assert_eq!(r.total, 10);
        // The page's total when it is larger.
        let r = refresh_first_page(&[], 0, &["x", "y"], 50);
        assert_eq!(r.order, vec![Page(0), Page(1)]);
        assert_eq!(r.total, 50);
    }

    #[test]
    fn retryable() {
        for s in [429, 500, 502, 503, 504] {
            assert!(is_retryable_status(s));
        }
        for s in [200, 400, 401, 403, 404, 409, 501, 505] {
            assert!(!is_retryable_status(s));
        }
    }

    #[test]
    fn backoff_is_full_jitter_and_capped() {
        assert_eq!(backoff_ms(0, 0.0), 0.0);
        assert_eq!(backoff_ms(0, 0.999_999), 199.0);
        assert_eq!(backoff_ms(1, 0.5), 200.0);
        assert_eq!(backoff_ms(10, 0.999_999), 4999.0);
        assert_eq!(backoff_ms(1000, 0.5), 2500.0);
        assert_eq!(backoff_ms(2, f64::NAN), 400.0);
    }

    #[test]
    fn retry_after_forms() {
        let now = dcs_tasks_parse::time::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT").unwrap();
        assert_eq!(retry_after_ms("2", now), Some(2000.0));
        assert_eq!(retry_after_ms("3600", now), Some(RETRY_AFTER_CAP_MS));
        assert_eq!(
            retry_after_ms("Sun, 06 Nov 1994 08:49:40 GMT", now),
            Some(3000.0)
        );
        assert_eq!(
            retry_after_ms("Sun, 06 Nov 1994 08:49:00 GMT", now),
            Some(0.0)
        );
        assert_eq!(retry_after_ms("soon", now), None);
        assert_eq!(retry_delay_ms(1, Some("garbage"), now, 0.5), 200.0);
        assert_eq!(retry_delay_ms(1, Some("1"), now, 0.5), 1000.0);
        assert_eq!(retry_delay_ms(1, None, now, 0.5), 200.0);
    }

    #[test]
    fn skew() {
        let local =
            dcs_tasks_parse::time::parse_http_date("Mon, 01 Jan 2024 00:00:00 GMT").unwrap();
        let server = "Mon, 01 Jan 2024 00:20:00 GMT";
        assert_eq!(
            skew_correction(401, Some(server), local, 0),
            Some(20 * 60_000)
        );
        assert_eq!(skew_correction(401, Some(server), local, 20 * 60_000), None);
        assert_eq!(skew_correction(403, Some(server), local, 0), None);
        assert_eq!(skew_correction(401, None, local, 0), None);
        assert_eq!(
            skew_correction(401, Some("Mon, 01 Jan 2024 00:00:30 GMT"), local, 0),
            None
        );
    }

    #[test]
    fn http_errors() {
        let e = http_error(
            400,
            br#"{"error_code":"DCS.4800","error_msg":"bad","error_ext_msg":null}"#,
            Some("rid".into()),
        );
        let h = e.http.as_ref().unwrap();
        assert_eq!(h.status, 400);
        assert_eq!(h.error_code.as_deref(), Some("DCS.4800"));
        assert_eq!(h.error_msg.as_deref(), Some("bad"));
        assert_eq!(h.error_ext_msg, None);
        assert_eq!(e.request_id(), Some("rid"));
        let e = http_error(
            502,
            b"<html><head><title>502 Bad Gateway</title></head>\n<body><h1>502 Bad Gateway</h1></body></html>",
            None,
        );
        assert_eq!(e.status(), Some(502));
        assert_eq!(e.http.as_ref().unwrap().error_code, None);
        assert!(e.message.contains("502 Bad Gateway"), "{}", e.message);
        assert!(!e.message.contains('<'));
    }
}
