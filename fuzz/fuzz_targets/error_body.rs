//! HTTP error answers: `parse_error_body` and `policy::http_error` over the body, and the
//! `Retry-After` / `Date` header readers (`policy::retry_after_ms`, `skew_correction`)
//! over the same bytes read as text.
//!
//! Invariants: never panics; `Some` only for a valid JSON object (or one under `"error"`)
//! carrying a code or a message, and the same answer twice; `http_error` is HTTP_ERROR
//! with the status and a message of bounded length; a `Retry-After` wait is finite,
//! non-negative and capped.
#![no_main]

use dcs_tasks_core::policy::{http_error, retry_after_ms, skew_correction};
use dcs_tasks_core::{parse_error_body, ErrorCode};
use libfuzzer_sys::fuzz_target;

const NOW: i64 = 1_704_067_200_000; // 2024-01-01T00:00:00Z

fuzz_target!(|data: &[u8]| {
    let r = parse_error_body(data);
    if let Some(b) = &r {
        assert!(
            b.error_code.is_some() || b.error_msg.is_some(),
            "an error body without code or message: {b:?}"
        );
        let v: serde_json::Value = serde_json::from_slice(data).expect("Some from invalid JSON");
        assert!(v.is_object(), "Some from a non-object");
    }
    assert_eq!(r, parse_error_body(data));

    let e = http_error(502, data, Some("req-1".into()));
    assert_eq!(e.code, ErrorCode::HttpError);
    assert_eq!(e.status(), Some(502));
    assert_eq!(e.request_id(), Some("req-1"));
    if r.is_none() {
        // The excerpt of a non-JSON body is clipped.
        assert!(
            e.message.chars().count() < 400,
            "{} chars",
            e.message.chars().count()
        );
    }

    let text = String::from_utf8_lossy(data);
    if let Some(ms) = retry_after_ms(&text, NOW) {
        assert!(
            ms.is_finite() && (0.0..=dcs_tasks_core::policy::RETRY_AFTER_CAP_MS).contains(&ms),
            "{ms}"
        );
    }
    if let Some(offset) = skew_correction(401, Some(&text), NOW, 0) {
        let server = dcs_tasks_parse::time::parse_http_date(&text).expect("an offset from no date");
        assert_eq!(offset, server - NOW);
    }
});
