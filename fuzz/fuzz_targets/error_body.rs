//! `parse_error_body`: never panics; `Some` only for a valid JSON object (or one under
//! `"error"`) carrying a code or a message; and the result is a pure function of the body.
#![no_main]

use dcs_tasks::parse_error_body;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let r = parse_error_body(data);
    if let Some(b) = &r {
        assert!(
            b.error_code.is_some() || b.error_msg.is_some(),
            "an error body without code or message: {b:?}"
        );
        let v = dcs_tasks::json::parse(data).expect("Some from invalid JSON");
        assert!(
            matches!(v, dcs_tasks::json::Value::Object(_)),
            "Some from a non-object"
        );
    }
    assert_eq!(r, parse_error_body(data));
});
