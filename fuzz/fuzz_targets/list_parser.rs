//! `parse_list_tasks_response` in both modes: the first input byte picks strict (odd)
//! or default (even); the rest is the body.
//!
//! Invariants: never panics; the one-pass JSON writer agrees with `TaskList::to_json`; errors are INVALID_RESPONSE with a path; a success's
//! `to_json()` is valid JSON for serde_json; strict mode never warns of a quirk (only
//! `invisible_text`, display text the API allows); and the modes agree: strict accepts
//! exactly what default mode accepts without quirks, with the same result.
#![no_main]

use dcs_tasks_core::{parse_list_tasks_response, ParseOptions};
use dcs_tasks_fuzz::{assert_modes_agree, assert_response_error, assert_valid_json, quirks};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, body)) = data.split_first() else {
        return;
    };
    let strict = mode & 1 == 1;
    let first = parse_list_tasks_response(body, ParseOptions { strict });
    match &first {
        Ok(list) => {
            assert_valid_json("TaskList", &list.to_json());
            assert!(list.task_count <= dcs_tasks_parse::normalize::MAX_SAFE_INTEGER as u64);
            if strict {
                assert!(
                    quirks(&list.warnings).is_empty(),
                    "strict mode warned of a quirk: {:?}",
                    list.warnings
                );
            }
            for w in &list.warnings {
                assert!(!w.message.is_empty(), "{w:?}");
            }
        }
        Err(e) => assert_response_error(e),
    }
    // The JS API's one-pass writer: the same text, or the same error.
    let text = dcs_tasks_parse::normalize::parse_list_tasks_json(body, ParseOptions { strict });
    match (&first, &text) {
        (Ok(l), Ok(t)) => assert_eq!(l.to_json(), t.json()),
        (Err(a), Err(b)) => {
            assert_eq!((a.code, &a.path, &a.message), (b.code, &b.path, &b.message))
        }
        (a, b) => panic!(
            "the writers disagree: {a:?} vs {:?}",
            b.as_ref().map(|t| t.json())
        ),
    }
    // The other mode, for the cross-mode invariant.
    let other = parse_list_tasks_response(body, ParseOptions { strict: !strict });
    let (strict_r, default_r) = if strict {
        (&first, &other)
    } else {
        (&other, &first)
    };
    assert_modes_agree(strict_r, default_r, |r| &r.warnings);
});
