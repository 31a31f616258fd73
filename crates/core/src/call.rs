//! One call's decisions, sans-IO: after each step of an exchange (no answer, the status and
//! `Content-Length`, the whole answer) [`CallPlan`] says what comes next: read the body,
//! wait and try again (how long), deliver the answer, or fail with which error. Time and
//! randomness come in as arguments, so native tests drive every path; the wasm client
//! (`src/fetch.rs`) only carries the decisions out.

use crate::policy;
use dcs_tasks_parse::error::{cat, DcsError, ErrorCode, Reason};

/// A received answer: the status, the headers the client uses, and the whole body.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawResponse {
    pub status: u16,
    pub request_id: Option<String>,
    pub date: Option<String>,
    pub retry_after: Option<String>,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
}

/// Why a call stopped before its answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cancelled {
    /// The call's `timeoutMs` deadline passed.
    Deadline,
    /// The caller's `AbortSignal` fired.
    Caller,
}

/// What to do once the status line and headers are in.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Head {
    /// Read the body, then ask [`CallPlan::answer`].
    ReadBody,
    /// Do not read it: wait this many milliseconds and try again.
    Retry(f64),
}

/// What a whole answer means.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Verdict {
    /// The call's result: a 2xx answer (or, passing through, any final one).
    Done,
    /// Try again after `wait_ms`; with AK/SK, sign with this new clock offset from now on.
    Retry {
        wait_ms: f64,
        clock_offset_ms: Option<i64>,
    },
}

/// What one operation (a proxy request: every upstream call it makes, pages and retries
/// included) may spend in all: one deadline and one total of body bytes, each named by the
/// setting that chose it. Calls within it take the smaller of their own limits and what is left
/// ([`CallPlan::within`]); the bytes are counted as they arrive ([`Budget::spend`]), so calls
/// in flight together cannot pass the total either.
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    deadline_ms: f64,
    timeout_ms: u32,
    max_bytes: u64,
    spent: u64,
    /// The settings' names, for the errors (`REQUEST_TIMEOUT_MS`, `MAX_REQUEST_BYTES`).
    names: (&'static str, &'static str),
}

impl Budget {
    /// An operation starting at `now_ms` that may last `timeout_ms` and read `max_bytes` of
    /// bodies; `names` are the settings' names for the errors.
    pub fn new(
        now_ms: f64,
        timeout_ms: u32,
        max_bytes: u64,
        names: (&'static str, &'static str),
    ) -> Budget {
        Budget {
            deadline_ms: now_ms + timeout_ms as f64,
            timeout_ms,
            max_bytes,
            spent: 0,
            names,
        }
    }

    /// Counts `n` more body bytes; `Err` once the total is past the bound.
    pub fn spend(&mut self, n: usize) -> Result<(), DcsError> {
        self.spent = self.spent.saturating_add(n as u64);
        if self.spent > self.max_bytes {
            return Err(self.too_large());
        }
        Ok(())
    }

    /// Bytes still allowed.
    /// Has the request run out of its time or its bytes at `now_ms` (its later calls fail
    /// for that, not for the upstream's sake)?
    pub fn spent_out(&self, now_ms: f64) -> bool {
        now_ms >= self.deadline_ms || self.spent > self.max_bytes
    }

    pub fn bytes_left(&self) -> u64 {
        self.max_bytes.saturating_sub(self.spent)
    }

    /// The error when the operation's bodies passed the bound.
    pub fn too_large(&self) -> DcsError {
        let m = cat(&[
            "the upstream answers of this request passed ",
            self.names.1,
            " (",
            &self.max_bytes.to_string(),
            " bytes in all): page with offset/limit or narrow the request",
        ]);
        DcsError::invalid_response("$", m).because(Reason::BodyTooLarge)
    }

    /// The error when the operation's deadline passed.
    pub fn timed_out(&self) -> DcsError {
        DcsError::timeout(cat(&[
            "this request's upstream calls did not finish within ",
            self.names.0,
            " (",
            &self.timeout_ms.to_string(),
            " ms in all)",
        ]))
    }
}

/// The plan of one call: its retries, its deadline, its one skew correction.
#[derive(Debug, Clone)]
pub struct CallPlan {
    retries: u32,
    timeout_ms: u32,
    deadline_ms: f64,
    /// Signed with AK/SK: a 401 with a far-off `Date` is a clock to correct.
    aksk: bool,
    /// A final non-2xx answer is the result, not an `HTTP_ERROR` (the proxy's mirror).
    pass_through: bool,
    max_body: usize,
    attempt: u32,
    skew_retried: bool,
    /// The operation's budget, when its deadline or bytes are what limit this call.
    budget: Option<Budget>,
    budget_deadline: bool,
}

impl CallPlan {
    /// A call starting at `now_ms` (epoch milliseconds) with up to `retries` more attempts,
    /// all within `timeout_ms`.
    pub fn new(now_ms: f64, timeout_ms: u32, retries: u32, aksk: bool, max_body: usize) -> Self {
        CallPlan {
            retries,
            timeout_ms,
            deadline_ms: now_ms + timeout_ms as f64,
            aksk,
            pass_through: false,
            max_body,
            attempt: 0,
            skew_retried: false,
            budget: None,
            budget_deadline: false,
        }
    }

    /// The plan within an operation's budget: its deadline the earlier of its own and the
    /// budget's, its body cap the smaller of its own and the bytes left. `Err` when nothing is
    /// left of either.
    pub fn within(mut self, b: &Budget, now_ms: f64) -> Result<CallPlan, DcsError> {
        if b.deadline_ms <= now_ms {
            return Err(b.timed_out());
        }
        if b.bytes_left() == 0 {
            return Err(b.too_large());
        }
        if b.deadline_ms < self.deadline_ms {
            self.deadline_ms = b.deadline_ms;
            self.budget_deadline = true;
        }
        self.max_body = self
            .max_body
            .min(usize::try_from(b.bytes_left()).unwrap_or(usize::MAX));
        self.budget = Some(*b);
        Ok(self)
    }

    /// Milliseconds from `now_ms` to the call's deadline (at least 1).
    pub fn timeout_ms(&self, now_ms: f64) -> u32 {
        (self.deadline_ms - now_ms).clamp(1.0, u32::MAX as f64) as u32
    }

    /// The same plan with `retries` more attempts at most.
    pub fn with_retries(mut self, retries: u32) -> Self {
        self.retries = retries;
        self
    }

    /// A final non-2xx answer becomes the result instead of an `HTTP_ERROR`.
    pub fn pass_through(mut self) -> Self {
        self.pass_through = true;
        self
    }

    /// Attempts made so far beyond the first.
    pub fn retried(&self) -> u32 {
        self.attempt
    }

    /// The error of a call stopped by its deadline or by the caller.
    pub fn cancelled(&self, why: Cancelled) -> DcsError {
        match why {
            Cancelled::Caller => {
                DcsError::aborted("the operation was aborted by the caller's signal")
            }
            Cancelled::Deadline if self.budget_deadline => match &self.budget {
                Some(b) => b.timed_out(),
                None => DcsError::timeout("the deadline passed"),
            },
            Cancelled::Deadline => DcsError::timeout(cat(&[
                "no answer within timeoutMs (",
                &self.timeout_ms.to_string(),
                " ms)",
            ])),
        }
    }

    /// Another attempt after the returned wait, or `err` when none is left or waiting would
    /// only end in the deadline.
    fn retry(
        &mut self,
        retry_after: Option<&str>,
        err: DcsError,
        now_ms: f64,
        rand01: f64,
    ) -> Result<f64, DcsError> {
        if self.attempt >= self.retries {
            return Err(err);
        }
        let wait = policy::retry_delay_ms(self.attempt, retry_after, now_ms as i64, rand01);
        if wait >= self.deadline_ms - now_ms {
            return Err(err);
        }
        self.attempt += 1;
        Ok(wait)
    }

    /// The exchange failed without an answer (`e`, a `NETWORK` error): the wait before the
    /// next attempt, or the error to report.
    pub fn failed(&mut self, e: DcsError, now_ms: f64, rand01: f64) -> Result<f64, DcsError> {
        if e.code != ErrorCode::Network {
            return Err(e);
        }
        self.retry(None, e, now_ms, rand01)
    }

    /// The status line and `Content-Length` arrived (`status` 0: no HTTP answer, such as an
    /// opaque or redirect response). A body declared over the limit is refused unread.
    pub fn head(
        &mut self,
        status: u16,
        content_length: Option<&str>,
        now_ms: f64,
        rand01: f64,
    ) -> Result<Head, DcsError> {
        if !(100..=599).contains(&status) {
            let e = DcsError::network(
                "fetch returned no HTTP response (an opaque or redirect response)",
            );
            return self.retry(None, e, now_ms, rand01).map(Head::Retry);
        }
        match content_length.and_then(|v| v.trim().parse::<u64>().ok()) {
            Some(n) if n > self.max_body as u64 => Err(self.too_large(n)),
            _ => Ok(Head::ReadBody),
        }
    }

    /// Largest body this call reads, in bytes.
    pub fn max_body(&self) -> usize {
        self.max_body
    }

    /// The error for a body of `n` bytes, over the limit (the operation's, when its bytes
    /// left are what limit this call).
    pub fn too_large(&self, n: u64) -> DcsError {
        if let Some(b) = self
            .budget
            .filter(|b| b.bytes_left() <= self.max_body as u64)
        {
            return b.too_large();
        }
        DcsError::invalid_response(
            "$",
            cat(&[
                "response body of ",
                &n.to_string(),
                " bytes is over the ",
                &self.max_body.to_string(),
                "-byte limit",
            ]),
        )
        .because(Reason::BodyTooLarge)
    }

    /// The whole answer: the call's result, a retry, or the error to report.
    /// `clock_offset_ms` is the offset the request was signed with.
    pub fn answer(
        &mut self,
        resp: &RawResponse,
        clock_offset_ms: i64,
        now_ms: f64,
        rand01: f64,
    ) -> Result<Verdict, DcsError> {
        if resp.body.len() > self.max_body {
            return Err(self.too_large(resp.body.len() as u64));
        }
        if (200..300).contains(&resp.status) {
            return Ok(Verdict::Done);
        }
        if self.aksk && !self.skew_retried {
            if let Some(off) = policy::skew_correction(
                resp.status,
                resp.date.as_deref(),
                now_ms as i64,
                clock_offset_ms,
            ) {
                self.skew_retried = true;
                return Ok(Verdict::Retry {
                    wait_ms: 0.0,
                    clock_offset_ms: Some(off),
                });
            }
        }
        let retryable = policy::is_retryable_status(resp.status) && self.attempt < self.retries;
        if self.pass_through && !retryable {
            return Ok(Verdict::Done);
        }
        let e = policy::http_error(resp.status, &resp.body, resp.request_id.clone());
        if !retryable {
            return Err(e);
        }
        self.retry(resp.retry_after.as_deref(), e, now_ms, rand01)
            .map(|wait_ms| Verdict::Retry {
                wait_ms,
                clock_offset_ms: None,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: f64 = 1_700_000_000_000.0;

    fn resp(status: u16) -> RawResponse {
        RawResponse {
            status,
            ..RawResponse::default()
        }
    }

    #[test]
    fn retries_are_counted_and_then_the_error_is_reported() {
        let mut p = CallPlan::new(T0, 30_000, 2, false, 1024);
        for _ in 0..2 {
            match p.answer(&resp(503), 0, T0, 0.5).unwrap() {
                Verdict::Retry { wait_ms, .. } => assert!((0.0..5_000.0).contains(&wait_ms)),
                a => panic!("{a:?}"),
            }
        }
        let e = p.answer(&resp(503), 0, T0, 0.5).unwrap_err();
        assert_eq!(e.code, ErrorCode::HttpError);
        assert_eq!(e.status(), Some(503));
        assert_eq!(p.retried(), 2);
    }

    #[test]
    fn a_4xx_is_never_retried_and_2xx_is_done() {
        let mut p = CallPlan::new(T0, 30_000, 5, false, 1024);
        assert_eq!(p.answer(&resp(204), 0, T0, 0.0).unwrap(), Verdict::Done);
        let e = p.answer(&resp(404), 0, T0, 0.0).unwrap_err();
        assert_eq!(e.status(), Some(404));
        assert_eq!(p.retried(), 0);
    }

    #[test]
    fn retry_after_is_honoured_unless_it_passes_the_deadline() {
        let mut p = CallPlan::new(T0, 30_000, 3, false, 1024);
        let mut r = resp(429);
        r.retry_after = Some("2".into());
        assert_eq!(
            p.answer(&r, 0, T0, 0.9).unwrap(),
            Verdict::Retry {
                wait_ms: 2000.0,
                clock_offset_ms: None
            }
        );
        // 29 s later, a 2 s wait would end past the deadline: report the 429 now.
        let e = p.answer(&r, 0, T0 + 29_000.0, 0.9).unwrap_err();
        assert_eq!(e.status(), Some(429));
    }

    #[test]
    fn skew_is_corrected_once_for_aksk_only() {
        let mut r = resp(401);
        r.date = Some("Sun, 06 Nov 1994 08:49:37 GMT".into());
        let mut p = CallPlan::new(T0, 30_000, 0, true, 1024);
        match p.answer(&r, 0, T0, 0.0).unwrap() {
            Verdict::Retry {
                wait_ms,
                clock_offset_ms: Some(off),
            } => {
                assert_eq!(wait_ms, 0.0);
                assert_eq!(off, 784_111_777_000 - T0 as i64);
            }
            a => panic!("{a:?}"),
        }
        assert_eq!(p.answer(&r, 0, T0, 0.0).unwrap_err().status(), Some(401));
        let mut token = CallPlan::new(T0, 30_000, 0, false, 1024);
        assert_eq!(
            token.answer(&r, 0, T0, 0.0).unwrap_err().status(),
            Some(401)
        );
    }

    #[test]
    fn network_failures_retry_cancellations_do_not() {
        let mut p = CallPlan::new(T0, 30_000, 1, false, 1024);
        assert!(p.failed(DcsError::network("x"), T0, 0.0).is_ok());
        assert_eq!(
            p.failed(DcsError::network("x"), T0, 0.0).unwrap_err().code,
            ErrorCode::Network
        );
        let e = p.cancelled(Cancelled::Deadline);
        assert_eq!(e.code, ErrorCode::Timeout);
        assert!(e.message.contains("30000 ms"), "{}", e.message);
        assert_eq!(p.cancelled(Cancelled::Caller).code, ErrorCode::Aborted);
        let mut q = CallPlan::new(T0, 30_000, 3, false, 1024);
        let e = q.failed(DcsError::aborted("a"), T0, 0.0).unwrap_err();
        assert_eq!(e.code, ErrorCode::Aborted);
    }

    #[test]
    fn bodies_over_the_limit_are_refused_declared_or_read() {
        let mut p = CallPlan::new(T0, 30_000, 0, false, 10);
        assert_eq!(p.head(200, Some("10"), T0, 0.0).unwrap(), Head::ReadBody);
        assert_eq!(p.head(200, None, T0, 0.0).unwrap(), Head::ReadBody);
        let e = p.head(200, Some("11"), T0, 0.0).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidResponse);
        assert!(e.message.contains("11 bytes is over the 10-byte limit"));
        assert_eq!(e.reason, Some(Reason::BodyTooLarge));
        let mut r = resp(200);
        r.body = vec![b' '; 11];
        assert_eq!(
            p.answer(&r, 0, T0, 0.0).unwrap_err().code,
            ErrorCode::InvalidResponse
        );
    }

    #[test]
    fn no_http_answer_is_a_retried_network_error() {
        let mut p = CallPlan::new(T0, 30_000, 1, false, 10);
        assert!(matches!(p.head(0, None, T0, 0.0).unwrap(), Head::Retry(_)));
        let e = p.head(0, None, T0, 0.0).unwrap_err();
        assert_eq!(e.code, ErrorCode::Network);
        assert!(e.message.contains("opaque"));
    }

    #[test]
    fn passing_through_makes_a_final_error_answer_the_result() {
        let mut p = CallPlan::new(T0, 30_000, 1, false, 1024).pass_through();
        assert!(matches!(
            p.answer(&resp(503), 0, T0, 0.0).unwrap(),
            Verdict::Retry { .. }
        ));
        assert_eq!(p.answer(&resp(503), 0, T0, 0.0).unwrap(), Verdict::Done);
        assert_eq!(p.answer(&resp(404), 0, T0, 0.0).unwrap(), Verdict::Done);
    }
}

#[cfg(test)]
mod budget_tests {
    use super::*;

    const T0: f64 = 1_700_000_000_000.0;
    const NAMES: (&str, &str) = ("REQUEST_TIMEOUT_MS", "MAX_REQUEST_BYTES");

    #[test]
    fn a_call_within_a_budget_takes_the_smaller_deadline_and_cap() {
        let b = Budget::new(T0, 30_000, 1_000, NAMES);
        // the call's own 15 s and 8 MiB: the budget's bytes are smaller
        let p = CallPlan::new(T0, 15_000, 1, true, 8 << 20)
            .within(&b, T0)
            .unwrap();
        assert_eq!((p.timeout_ms(T0), p.max_body()), (15_000, 1_000));
        let e = p.too_large(1_001);
        assert_eq!(e.reason, Some(Reason::BodyTooLarge));
        assert!(e.message.contains("MAX_REQUEST_BYTES"), "{}", e.message);
        // 20 s later only 10 s are left: the budget's deadline, named when it fires
        let p = CallPlan::new(T0 + 20_000.0, 15_000, 1, true, 500)
            .within(&b, T0 + 20_000.0)
            .unwrap();
        assert_eq!((p.timeout_ms(T0 + 20_000.0), p.max_body()), (10_000, 500));
        assert!(!p.too_large(501).message.contains("MAX_REQUEST_BYTES"));
        let e = p.cancelled(Cancelled::Deadline);
        assert_eq!(e.code, ErrorCode::Timeout);
        assert!(
            e.message.contains("REQUEST_TIMEOUT_MS (30000 ms"),
            "{}",
            e.message
        );
        // its own deadline comes first: its own words
        let p = CallPlan::new(T0, 5_000, 1, true, 500)
            .within(&b, T0)
            .unwrap();
        assert!(p
            .cancelled(Cancelled::Deadline)
            .message
            .contains("timeoutMs"));
        // nothing left: no call at all
        let e = CallPlan::new(T0, 5_000, 1, true, 500)
            .within(&b, T0 + 30_000.0)
            .unwrap_err();
        assert_eq!(e.code, ErrorCode::Timeout);
    }

    #[test]
    fn the_bytes_are_counted_across_calls() {
        let mut b = Budget::new(T0, 30_000, 1_000, NAMES);
        b.spend(600).unwrap();
        assert_eq!(b.bytes_left(), 400);
        let p = CallPlan::new(T0, 15_000, 1, true, 8 << 20)
            .within(&b, T0)
            .unwrap();
        assert_eq!(p.max_body(), 400);
        b.spend(400).unwrap();
        let e = b.spend(1).unwrap_err();
        assert_eq!(e.reason, Some(Reason::BodyTooLarge));
        assert!(CallPlan::new(T0, 15_000, 1, true, 10)
            .within(&b, T0)
            .is_err());
    }
}
