//! `parse_task_progress` in both modes (first byte odd = strict), same invariants as
//! the list parser.
#![no_main]

use dcs_tasks_core::{parse_task_progress, ParseOptions};
use dcs_tasks_fuzz::{assert_modes_agree, assert_response_error, assert_valid_json};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, body)) = data.split_first() else {
        return;
    };
    let strict = mode & 1 == 1;
    let first = parse_task_progress(body, ParseOptions { strict });
    match &first {
        Ok(p) => {
            assert_valid_json("TaskProgress", &p.to_json());
            if strict {
                assert!(
                    p.warnings.is_empty(),
                    "strict mode warned: {:?}",
                    p.warnings
                );
            }
        }
        Err(e) => assert_response_error(e),
    }
    let other = parse_task_progress(body, ParseOptions { strict: !strict });
    let (strict_r, default_r) = if strict {
        (&first, &other)
    } else {
        (&other, &first)
    };
    assert_modes_agree(strict_r, default_r, |r| &r.warnings);
});
