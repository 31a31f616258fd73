//! The parsers' resource bounds: each is an INVALID_RESPONSE at the offending path.
#![cfg(not(target_arch = "wasm32"))]

use dcs_tasks::normalize::{MAX_ARRAY_ITEMS, MAX_BODY_BYTES, MAX_STRING_BYTES, MAX_TASKS};
use dcs_tasks::{parse_list_tasks_response, ErrorCode, ParseOptions};

fn path_of(body: &[u8]) -> String {
    let e = parse_list_tasks_response(body, ParseOptions::default()).expect_err("accepted");
    assert_eq!(e.code, ErrorCode::InvalidResponse);
    e.path.unwrap()
}

fn one_task(fields: &str) -> String {
    format!(
        r#"{{"task_count":"1","tasks":[{{"id":"a","name":"BindEip","status":"SUCCESS"{fields}}}]}}"#
    )
}

#[test]
fn body_over_the_limit() {
    let mut body = one_task("").into_bytes();
    body.resize(MAX_BODY_BYTES + 1, b' ');
    assert_eq!(path_of(&body), "$");
    // Just under the limit (whitespace padding) still parses.
    body.truncate(MAX_BODY_BYTES);
    assert!(parse_list_tasks_response(&body, ParseOptions::default()).is_ok());
}

#[test]
fn string_over_the_limit() {
    let long = "x".repeat(MAX_STRING_BYTES + 1);
    assert_eq!(
        path_of(one_task(&format!(r#","params":"{long}""#)).as_bytes()),
        "tasks[0].params"
    );
    let ok = "x".repeat(MAX_STRING_BYTES);
    assert!(parse_list_tasks_response(
        one_task(&format!(r#","params":"{ok}""#)).as_bytes(),
        ParseOptions::default()
    )
    .is_ok());
}

#[test]
fn too_many_tasks_and_entries() {
    let task = r#"{"id":"a","name":"BindEip","status":"SUCCESS"}"#;
    let many = vec![task; MAX_TASKS + 1].join(",");
    let body = format!(r#"{{"task_count":"{}","tasks":[{many}]}}"#, MAX_TASKS + 1);
    assert_eq!(path_of(body.as_bytes()), "tasks");
    let cmds = vec![r#""k""#; MAX_ARRAY_ITEMS + 1].join(",");
    assert_eq!(
        path_of(one_task(&format!(r#","details":{{"rename_commands":[{cmds}]}}"#)).as_bytes()),
        "tasks[0].details.rename_commands"
    );
}
