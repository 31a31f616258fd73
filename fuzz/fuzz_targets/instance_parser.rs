//! `parse_list_instances_response` in both modes: the first input byte picks strict (odd)
//! or default (even); the rest is the body.
//!
//! Invariants: never panics; errors are INVALID_RESPONSE with a path; a success's
//! `to_json()` is valid JSON for serde_json with every count within ±(2^53 - 1); strict mode
//! never warns; and the modes agree: strict accepts exactly what default mode accepts
//! without warnings, with the same result.
#![no_main]

use dcs_tasks_core::{parse_list_instances_response, ParseOptions};
use dcs_tasks_fuzz::{assert_modes_agree, assert_response_error, assert_valid_json, quirks};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, body)) = data.split_first() else {
        return;
    };
    let strict = mode & 1 == 1;
    let first = parse_list_instances_response(body, ParseOptions { strict });
    match &first {
        Ok(list) => {
            assert_valid_json("InstanceList", &list.to_json());
            assert!(list.instance_count <= dcs_tasks_parse::normalize::MAX_SAFE_INTEGER as u64);
            if strict {
                assert!(
                    quirks(&list.warnings).is_empty(),
                    "strict mode warned: {:?}",
                    list.warnings
                );
            }
            for i in &list.instances {
                assert!(
                    i.capacity.is_none_or(|c| c.is_finite() && c >= 0.0),
                    "{i:?}"
                );
            }
        }
        Err(e) => assert_response_error(e),
    }
    let other = parse_list_instances_response(body, ParseOptions { strict: !strict });
    let (strict_r, default_r) = if strict {
        (&first, &other)
    } else {
        (&other, &first)
    };
    assert_modes_agree(strict_r, default_r, |r| &r.warnings);
});
