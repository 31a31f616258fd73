//! Table-driven bad responses: each is INVALID_RESPONSE at an exact wire path, in both
//! modes (strict mode may stop earlier at a quirk; those cases say where).
#![cfg(not(target_arch = "wasm32"))]

use dcs_tasks_core::{parse_list_tasks_response, parse_task_progress, ErrorCode, ParseOptions};

const DEFAULT: ParseOptions = ParseOptions { strict: false };
const STRICT: ParseOptions = ParseOptions { strict: true };

/// A documented (quirk-free) body with one task whose details are `details`.
fn with_details(details: &str) -> Vec<u8> {
    format!(
        r#"{{"task_count":"1","tasks":[{{"id":"a","name":"BindEip","status":"SUCCESS","details":{{{details}}}}}]}}"#
    )
    .into_bytes()
}

/// A documented body with one task whose fields are `fields` (plus `details`).
fn with_task(fields: &str) -> Vec<u8> {
    format!(r#"{{"task_count":"1","tasks":[{{{fields}"details":{{}}}}]}}"#).into_bytes()
}

/// A documented body whose top-level members are `members` followed by one valid task.
fn with_top(members: &str) -> Vec<u8> {
    format!(
        r#"{{{members}"tasks":[{{"id":"a","name":"BindEip","status":"SUCCESS","details":{{}}}}]}}"#
    )
    .into_bytes()
}

const OK_TASK: &str = r#"{"id":"a","name":"BindEip","status":"SUCCESS","details":{}}"#;

struct Case {
    name: &'static str,
    body: Vec<u8>,
    path: &'static str,
    /// Where strict mode fails, when a quirk comes first.
    strict_path: Option<&'static str>,
}

fn case(name: &'static str, body: impl Into<Vec<u8>>, path: &'static str) -> Case {
    Case {
        name,
        body: body.into(),
        path,
        strict_path: None,
    }
}

fn list_cases() -> Vec<Case> {
    let seed: &[u8] = include_bytes!("../../../tests/fixtures/seed-example.json");
    let mut deep_inside = br#"{"task_count":"1","tasks":["#.to_vec();
    deep_inside.extend(std::iter::repeat_n(b'[', 100_000));
    let mut many_keys: String = (0..20).map(|i| format!(r#""k{i}":1,"#)).collect();
    many_keys.push_str(r#""k5":2"#);
    let mut more_keys: String = (0..40).map(|i| format!(r#""k{i}":1,"#)).collect();
    more_keys.push_str(r#""k33":2"#);
    vec![
        // The whole body: `$`.
        case("empty body", "", "$"),
        case("whitespace only", " \r\n\t", "$"),
        case("unclosed object", "{", "$"),
        case("truncated seed", &seed[..seed.len() / 2], "$"),
        case("truncated inside a string", &seed[..20], "$"),
        case("trailing garbage", [seed, b" x"].concat(), "$"),
        case("two values", [seed, seed].concat(), "$"),
        case("trailing comma in object", r#"{"task_count":"0","tasks":[],}"#, "$"),
        case("trailing comma in array", format!(r#"{{"task_count":"1","tasks":[{OK_TASK},]}}"#), "$"),
        case("invalid UTF-8", b"{\"task_count\":\"1\xff\",\"tasks\":[]}".to_vec(), "$"),
        case("truncated UTF-8 sequence", b"{\"task_count\":\"\xe4\xb8\"}".to_vec(), "$"),
        case("BOM", [&b"\xef\xbb\xbf"[..], seed].concat(), "$"),
        case("100,000 nested arrays", "[".repeat(100_000), "$"),
        case("100,000 nested objects", "{\"a\":".repeat(100_000), "$"),
        case("100,000 nested arrays inside tasks", deep_inside, "$"),
        case("body is an array", "[]", "$"),
        case("body is a string", r#""tasks""#, "$"),
        case("body is null", "null", "$"),
        case("lone high surrogate", with_details(r#""node_name":"\ud800""#), "$"),
        case("lone low surrogate", with_details(r#""node_name":"\udc00x""#), "$"),
        case("raw control character in string", with_details("\"node_name\":\"a\u{1}b\""), "$"),
        case("leading zero", with_details(r#""old_port":06379"#), "$"),
        case("NaN literal", with_details(r#""old_capacity":NaN"#), "$"),
        case("single quotes", "{'task_count':'1'}", "$"),
        case("comment", [&b"// list\n"[..], seed].concat(), "$"),
        case("invalid escape", with_details(r#""node_name":"\q""#), "$"),
        // tasks
        case("tasks missing", r#"{"task_count":"0"}"#, "tasks"),
        case("tasks an object", r#"{"task_count":"1","tasks":{}}"#, "tasks"),
        case("tasks null", r#"{"task_count":"0","tasks":null}"#, "tasks"),
        case("tasks a string", r#"{"task_count":"0","tasks":"[]"}"#, "tasks"),
        case("task not an object", r#"{"task_count":"1","tasks":[1]}"#, "tasks[0]"),
        case("second task null", format!(r#"{{"task_count":"2","tasks":[{OK_TASK},null]}}"#), "tasks[1]"),
        // required task fields
        case("id missing", with_task(r#""name":"BindEip","status":"SUCCESS","#), "tasks[0].id"),
        case("id null", with_task(r#""id":null,"name":"BindEip","status":"SUCCESS","#), "tasks[0].id"),
        case("id a number", with_task(r#""id":12,"name":"BindEip","status":"SUCCESS","#), "tasks[0].id"),
        case("name missing", with_task(r#""id":"a","status":"SUCCESS","#), "tasks[0].name"),
        case("name an array", with_task(r#""id":"a","name":["x"],"status":"SUCCESS","#), "tasks[0].name"),
        case("status missing", with_task(r#""id":"a","name":"BindEip","#), "tasks[0].status"),
        case("status a number", with_task(r#""id":"a","name":"BindEip","status":1,"#), "tasks[0].status"),
        Case {
            name: "status missing in two tasks, one top-level status",
            body: br#"{"task_count":"2","status":"SUCCESS","tasks":[{"id":"a","name":"BindEip","details":{}},{"id":"b","name":"BindEip","details":{}}]}"#.to_vec(),
            path: "tasks[0].status",
            strict_path: Some("status"),
        },
        // optional task fields
        case("user_name a number", with_task(r#""id":"a","name":"BindEip","status":"SUCCESS","user_name":7,"#), "tasks[0].user_name"),
        case("params an object", with_task(r#""id":"a","name":"BindEip","status":"SUCCESS","params":{},"#), "tasks[0].params"),
        case("enable_show a string", with_task(r#""id":"a","name":"BindEip","status":"SUCCESS","enable_show":"yes","#), "tasks[0].enable_show"),
        case("details an array", r#"{"task_count":"1","tasks":[{"id":"a","name":"BindEip","status":"SUCCESS","details":[]}]}"#, "tasks[0].details"),
        case("details a string", r#"{"task_count":"1","tasks":[{"id":"a","name":"BindEip","status":"SUCCESS","details":"{}"}]}"#, "tasks[0].details"),
        // timestamps
        case("February 30", with_task(r#""id":"a","name":"BindEip","status":"SUCCESS","created_at":"2020-02-30T08:18:06.597Z","#), "tasks[0].created_at"),
        case("February 29 of a common year", with_task(r#""id":"a","name":"BindEip","status":"SUCCESS","created_at":"2021-02-29T00:00:00.000Z","#), "tasks[0].created_at"),
        case("hour 24", with_task(r#""id":"a","name":"BindEip","status":"SUCCESS","updated_at":"2020-06-17T24:00:00.000Z","#), "tasks[0].updated_at"),
        case("month 13", with_task(r#""id":"a","name":"BindEip","status":"SUCCESS","updated_at":"2020-13-01T00:00:00.000Z","#), "tasks[0].updated_at"),
        case("not a timestamp", with_task(r#""id":"a","name":"BindEip","status":"SUCCESS","created_at":"yesterday","#), "tasks[0].created_at"),
        case("empty timestamp", with_task(r#""id":"a","name":"BindEip","status":"SUCCESS","created_at":"","#), "tasks[0].created_at"),
        case("timestamp as epoch number", with_task(r#""id":"a","name":"BindEip","status":"SUCCESS","created_at":1592381886597,"#), "tasks[0].created_at"),
        case("before 1970", with_task(r#""id":"a","name":"BindEip","status":"SUCCESS","created_at":"1969-12-31T23:59:59.999Z","#), "tasks[0].created_at"),
        Case {
            name: "hoisted created_at impossible",
            body: br#"{"task_count":"1","tasks":[{"id":"a","name":"BindEip","status":"SUCCESS","details":{}}],"created_at":"2020-02-30T00:00:00.000Z"}"#.to_vec(),
            path: "created_at",
            strict_path: Some("created_at"),
        },
        Case {
            name: "hoisted status a number",
            body: br#"{"task_count":"1","tasks":[{"id":"a","name":"BindEip","details":{}}],"status":3}"#.to_vec(),
            path: "status",
            strict_path: Some("status"),
        },
        // details: integers are never coerced
        case("port as a string", with_details(r#""old_port":"6379""#), "tasks[0].details.old_port"),
        case("port with a fraction", with_details(r#""new_port":6379.0"#), "tasks[0].details.new_port"),
        case("port 1e20", with_details(r#""old_port":1e20"#), "tasks[0].details.old_port"),
        case("port beyond i64", with_details(r#""old_port":99999999999999999999"#), "tasks[0].details.old_port"),
        case("replica count beyond 2^53", with_details(r#""new_replica_num":9007199254740993"#), "tasks[0].details.new_replica_num"),
        case("replica count a boolean", with_details(r#""old_replica_num":true"#), "tasks[0].details.old_replica_num"),
        case("config length an object", with_details(r#""updated_config_length":{}"#), "tasks[0].details.updated_config_length"),
        case("enable_ssl a string", with_details(r#""enable_ssl":"true""#), "tasks[0].details.enable_ssl"),
        case("enable_public_ip a number", with_details(r#""enable_public_ip":1"#), "tasks[0].details.enable_public_ip"),
        case("rename_commands a string", with_details(r#""rename_commands":"keys""#), "tasks[0].details.rename_commands"),
        case("rename_commands item a number", with_details(r#""rename_commands":["keys",1]"#), "tasks[0].details.rename_commands[1]"),
        case("cache mode a number", with_details(r#""old_cache_mode":1"#), "tasks[0].details.old_cache_mode"),
        case("port string in the fourth task", format!(
            r#"{{"task_count":"4","tasks":[{OK_TASK},{OK_TASK},{OK_TASK},{{"id":"d","name":"UpdatePort","status":"SUCCESS","details":{{"old_port":"6379"}}}}]}}"#
        ), "tasks[3].details.old_port"),
        // capacities
        case("capacity not numeric", with_details(r#""old_capacity":"abc""#), "tasks[0].details.old_capacity"),
        case("capacity empty string", with_details(r#""new_capacity":"""#), "tasks[0].details.new_capacity"),
        case("capacity with unit", with_details(r#""new_capacity":"0.25GB""#), "tasks[0].details.new_capacity"),
        case("capacity with spaces", with_details(r#""new_capacity":" 1""#), "tasks[0].details.new_capacity"),
        case("capacity NaN string", with_details(r#""old_capacity":"NaN""#), "tasks[0].details.old_capacity"),
        case("capacity Infinity string", with_details(r#""old_capacity":"Infinity""#), "tasks[0].details.old_capacity"),
        case("capacity 1e400 string", with_details(r#""old_capacity":"1e400""#), "tasks[0].details.old_capacity"),
        // A number literal beyond f64 is refused by serde_json's reader: invalid JSON.
        case("capacity 1e400 number", with_details(r#""new_capacity":1e400"#), "$"),
        case("capacity negative string", with_details(r#""old_capacity":"-0.5""#), "tasks[0].details.old_capacity"),
        case("capacity negative number", with_details(r#""old_capacity":-1"#), "tasks[0].details.old_capacity"),
        case("capacity a boolean", with_details(r#""old_capacity":true"#), "tasks[0].details.old_capacity"),
        case("capacity an array", with_details(r#""old_capacity":["1"]"#), "tasks[0].details.old_capacity"),
        // task_count
        case("task_count missing", with_top(""), "task_count"),
        case("task_count null", with_top(r#""task_count":null,"#), "task_count"),
        case("task_count not digits", with_top(r#""task_count":"abc","#), "task_count"),
        case("task_count empty string", with_top(r#""task_count":"","#), "task_count"),
        case("task_count signed string", with_top(r#""task_count":"-1","#), "task_count"),
        case("task_count decimal string", with_top(r#""task_count":"1.0","#), "task_count"),
        case("task_count huge string", with_top(r#""task_count":"99999999999999999999","#), "task_count"),
        case("task_count 2^53 string", with_top(r#""task_count":"9007199254740992","#), "task_count"),
        case("task_count an array", with_top(r#""task_count":[],"#), "task_count"),
        case("task_count a boolean", with_top(r#""task_count":true,"#), "task_count"),
        Case { name: "task_count negative number", body: with_top(r#""task_count":-1,"#), path: "task_count", strict_path: None },
        Case { name: "task_count fractional number", body: with_top(r#""task_count":1.5,"#), path: "task_count", strict_path: None },
        Case { name: "task_count huge number", body: with_top(r#""task_count":99999999999999999999,"#), path: "task_count", strict_path: None },
        Case { name: "task_count 1e3", body: with_top(r#""task_count":1e3,"#), path: "task_count", strict_path: None },
        // duplicate keys
        case("duplicate top-level key", r#"{"task_count":"0","tasks":[],"tasks":[]}"#, "tasks"),
        case("duplicate task key", with_task(r#""id":"a","id":"b","name":"BindEip","status":"SUCCESS","#), "tasks[0].id"),
        case("duplicate details key", with_details(r#""old_port":1,"old_port":1"#), "tasks[0].details.old_port"),
        Case {
            name: "duplicate among many keys",
            body: with_details(&many_keys),
            path: "tasks[0].details.k5",
            // Errors come in document order: strict mode refuses the first unknown key.
            strict_path: Some("tasks[0].details.k0"),
        },
        Case {
            name: "duplicate among more than 32 keys",
            body: with_details(&more_keys),
            path: "tasks[0].details.k33",
            strict_path: Some("tasks[0].details.k0"),
        },
        // the misspelled field
        Case {
            name: "both spellings, different values",
            body: with_details(r#""new_cache_mode":"ha","new_cahce_mode":"single""#),
            path: "tasks[0].details.new_cahce_mode",
            strict_path: None,
        },
    ]
}

fn check(
    c: &Case,
    result_default: Result<impl std::fmt::Debug, dcs_tasks_core::DcsError>,
    result_strict: Result<impl std::fmt::Debug, dcs_tasks_core::DcsError>,
) {
    let e = result_default.expect_err(c.name);
    assert_eq!(e.code, ErrorCode::InvalidResponse, "{}", c.name);
    assert_eq!(e.path.as_deref(), Some(c.path), "{}: {}", c.name, e.message);
    assert!(e.message.len() < 400, "{}: message too long", c.name);
    let e = result_strict.expect_err(c.name);
    assert_eq!(e.code, ErrorCode::InvalidResponse, "{} (strict)", c.name);
    assert_eq!(
        e.path.as_deref(),
        Some(c.strict_path.unwrap_or(c.path)),
        "{} (strict): {}",
        c.name,
        e.message
    );
}

#[test]
fn bad_list_responses() {
    let cases = list_cases();
    assert!(cases.len() >= 30);
    for c in &cases {
        check(
            c,
            parse_list_tasks_response(&c.body, DEFAULT),
            parse_list_tasks_response(&c.body, STRICT),
        );
    }
}

#[test]
fn bad_progress_responses() {
    let cases = vec![
        case("empty body", "", "$"),
        case("not an object", "[1]", "$"),
        case("invalid JSON", "{\"progress\":", "$"),
        case("progress a string", r#"{"progress":"50"}"#, "progress"),
        case(
            "remain_time a fraction",
            r#"{"remain_time":1.5}"#,
            "remain_time",
        ),
        case(
            "step_details an object",
            r#"{"step_details":{}}"#,
            "step_details",
        ),
        case(
            "step not an object",
            r#"{"step_details":["a"]}"#,
            "step_details[0]",
        ),
        case(
            "step_id a string",
            r#"{"step_details":[{"step_id":"1"}]}"#,
            "step_details[0].step_id",
        ),
        case(
            "impossible begin_time",
            r#"{"step_details":[{"begin_time":"2022-02-30 11:52:24"}]}"#,
            "step_details[0].begin_time",
        ),
        case(
            "hour 24 end_time",
            r#"{"step_details":[{},{"end_time":"2022-09-01 24:00:00"}]}"#,
            "step_details[1].end_time",
        ),
        case(
            "sub-steps a string",
            r#"{"step_details":[{"sub_step_details":""}]}"#,
            "step_details[0].sub_step_details",
        ),
        case(
            "sub_step_id a string",
            r#"{"step_details":[{"sub_step_details":[{"sub_step_id":"1"}]}]}"#,
            "step_details[0].sub_step_details[0].sub_step_id",
        ),
        case(
            "detail a number",
            r#"{"step_details":[{"sub_step_details":[{},{"detail":1}]}]}"#,
            "step_details[0].sub_step_details[1].detail",
        ),
        case(
            "duplicate key",
            r#"{"progress":1,"progress":2}"#,
            "progress",
        ),
        case(
            "error_code an object",
            r#"{"step_details":[{"error_code":{}}]}"#,
            "step_details[0].error_code",
        ),
    ];
    for c in &cases {
        check(
            c,
            parse_task_progress(&c.body, DEFAULT),
            parse_task_progress(&c.body, STRICT),
        );
    }
}

#[test]
fn invalid_json_message_has_the_offset() {
    let e = parse_list_tasks_response(b"{\n  \"task_count\": tru\n}", DEFAULT).unwrap_err();
    assert_eq!(e.path.as_deref(), Some("$"));
    // serde_json notices the bad literal at the line break after `tru`.
    assert!(
        e.message
            .contains("expected ident at line 3 column 0 (byte 21)"),
        "{}",
        e.message
    );
}

#[test]
fn deep_nesting_fails_fast() {
    let body = "[".repeat(1_000_000);
    let t = std::time::Instant::now();
    let e = parse_list_tasks_response(body.as_bytes(), DEFAULT).unwrap_err();
    assert_eq!(e.path.as_deref(), Some("$"));
    assert!(t.elapsed().as_millis() < 500);
}
