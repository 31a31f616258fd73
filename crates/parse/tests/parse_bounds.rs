//! The parsers' resource bounds: each is an INVALID_RESPONSE at the offending path; and
//! hostile key sets (FNV collisions, 100,000 unknown keys) cost no more than ordinary ones.
#![cfg(not(target_arch = "wasm32"))]

use dcs_tasks_parse::error::ErrorCode;
use dcs_tasks_parse::model::{ParseOptions, WarningCode};
use dcs_tasks_parse::normalize::parse_list_tasks_response;
use dcs_tasks_parse::normalize::{
    parse_list_tasks_json, MAX_ARRAY_ITEMS, MAX_KEYS, MAX_KEY_BYTES, MAX_PARSED_BODY_BYTES,
    MAX_STRING_BYTES, MAX_TASKS, MAX_WARNINGS,
};

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
    body.resize(MAX_PARSED_BODY_BYTES + 1, b' ');
    assert_eq!(path_of(&body), "$");
    // Just under the limit (whitespace padding) still parses.
    body.truncate(MAX_PARSED_BODY_BYTES);
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

/// Keys that all land in one bucket of a 2^16-slot FNV-1a table (the low 16 bits of their
/// FNV-1a hash are equal), as a hostile server would choose them against the hand-written
/// hash set this crate had. The low 16 bits of FNV-1a depend only on the low 16 bits of the
/// state, so: the 4-letter strings that map the state after `c` back to itself chain into
/// as many colliding keys as needed (`c` + x + y for x, y in that set).
fn fnv_colliding_keys(n: usize) -> Vec<String> {
    const PRIME: u16 = 0x01b3;
    let step = |h: u16, c: u8| (h ^ c as u16).wrapping_mul(PRIME);
    let start = step(0x2325, b'c');
    let letters: Vec<u8> = (b'a'..=b'z')
        .chain(b'A'..=b'Z')
        .chain(b'0'..=b'9')
        .collect();
    let mut loops = Vec::new();
    for &a in &letters {
        let ha = step(start, a);
        for &b in &letters {
            let hb = step(ha, b);
            for &c in &letters {
                let hc = step(hb, c);
                for &d in &letters {
                    if step(hc, d) == start {
                        loops.push(String::from_utf8(vec![a, b, c, d]).unwrap());
                    }
                }
            }
        }
    }
    assert!(loops.len() * loops.len() >= n, "{} loops", loops.len());
    let keys: Vec<String> = loops
        .iter()
        .flat_map(|x| loops.iter().map(move |y| format!("c{x}{y}")))
        .take(n)
        .collect();
    let fnv16 = |k: &str| {
        k.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, c| {
            (h ^ c as u64).wrapping_mul(0x0100_0000_01b3)
        }) as u16
    };
    assert!(keys.iter().all(|k| fnv16(k) == fnv16(&keys[0])));
    keys
}

/// `tasks` tasks, each with `per` unknown detail keys taken in order from `keys`.
fn body_with_keys(keys: &[String], per: usize) -> String {
    let tasks: Vec<String> = keys
        .chunks(per)
        .enumerate()
        .map(|(i, ks)| {
            let members: Vec<String> = ks.iter().map(|k| format!(r#""{k}":0"#)).collect();
            format!(
                r#"{{"id":"t{i}","name":"BindEip","status":"SUCCESS","details":{{{}}}}}"#,
                members.join(",")
            )
        })
        .collect();
    format!(
        r#"{{"task_count":"{}","tasks":[{}]}}"#,
        tasks.len(),
        tasks.join(",")
    )
}

fn best_of_5(body: &[u8]) -> std::time::Duration {
    (0..5)
        .map(|_| {
            let t = std::time::Instant::now();
            let list = parse_list_tasks_response(body, ParseOptions::default()).unwrap();
            assert_eq!(list.warnings.len(), 101);
            t.elapsed()
        })
        .min()
        .unwrap()
}

#[test]
fn colliding_keys_cost_what_ordinary_keys_cost() {
    let n = 16_000;
    let colliding = fnv_colliding_keys(n);
    let ordinary: Vec<String> = (0..n).map(|i| format!("k{i:07}")).collect();
    // 16 objects of 1,000 keys (under the 1,024-key bound), so that every key is checked
    // for duplicates against the others of its object.
    let a = body_with_keys(&colliding, 1000);
    let b = body_with_keys(&ordinary, 1000);
    let (ta, tb) = (best_of_5(a.as_bytes()), best_of_5(b.as_bytes()));
    let ratio = ta.as_secs_f64() / tb.as_secs_f64();
    println!("16,000 FNV-colliding keys: {ta:?}; 16,000 ordinary keys: {tb:?}; ratio {ratio:.2}");
    assert!(ratio < 3.0, "colliding keys took {ratio:.2}x as long");
    // All 16,000 in one object: refused at the bound, at that object.
    let one = body_with_keys(&colliding, n);
    assert_eq!(path_of(one.as_bytes()), "tasks[0].details");
}

#[test]
fn unknown_keys_are_bounded_in_warnings_and_output() {
    // 1 MB: 100 tasks of 1,000 unknown keys.
    let keys: Vec<String> = (0..100_000).map(|i| format!("u{i:06}")).collect();
    let body = body_with_keys(&keys, 1000);
    assert!(body.len() >= 1_000_000, "{}", body.len());
    let list = parse_list_tasks_response(body.as_bytes(), ParseOptions::default()).unwrap();
    assert_eq!(list.tasks.len(), 100);
    assert_eq!(list.warnings.len(), MAX_WARNINGS + 1);
    let last = list.warnings.last().unwrap();
    assert_eq!(last.code, WarningCode::WarningsTruncated);
    assert_eq!(last.path, "$");
    assert!(
        last.message.starts_with("99900 more warnings"),
        "{}",
        last.message
    );
    let out = parse_list_tasks_json(body.as_bytes(), ParseOptions::default()).unwrap();
    println!(
        "1 MB body, 100,000 unknown keys: {} warnings, {} bytes of output",
        out.warnings.len(),
        out.json().len()
    );
    assert!(out.json().len() < 64 * 1024, "{} bytes", out.json().len());
    assert_eq!(out.json(), list.to_json());
}

#[test]
fn keys_per_object_and_key_length() {
    let members =
        |n: usize| -> String { (0..n).map(|i| format!(r#","x{i}":0"#)).collect::<String>() };
    // 1,024 keys in the task (id, name, status and 1,021 more) parse; 1,025 do not.
    let ok = one_task(&members(MAX_KEYS - 3));
    assert!(parse_list_tasks_response(ok.as_bytes(), ParseOptions::default()).is_ok());
    assert_eq!(
        path_of(one_task(&members(MAX_KEYS - 2)).as_bytes()),
        "tasks[0]"
    );
    // The top level too.
    let top = format!(
        r#"{{"task_count":"0","tasks":[]{}}}"#,
        members(MAX_KEYS - 1)
    );
    assert_eq!(path_of(top.as_bytes()), "$");
    // A key of 1,024 bytes is a key; one byte more is refused at its object.
    let k = "k".repeat(MAX_KEY_BYTES);
    let list = parse_list_tasks_response(
        one_task(&format!(r#","{k}":0"#)).as_bytes(),
        ParseOptions::default(),
    )
    .unwrap();
    assert_eq!(list.warnings[0].path, format!("tasks[0].{k}"));
    let long = format!(r#","{k}k":0"#);
    assert_eq!(path_of(one_task(&long).as_bytes()), "tasks[0]");
    // Escaped keys are bounded the same way (their unescaped length).
    let escaped = format!(r#","{}":0"#, r"\u006b".repeat(MAX_KEY_BYTES + 1));
    assert_eq!(path_of(one_task(&escaped).as_bytes()), "tasks[0]");
}

#[test]
fn paths_quote_odd_keys() {
    let list = parse_list_tasks_response(
        one_task(r#","":1,"a.b":2,"[0]":3,"q\"":4,"plain":5"#).as_bytes(),
        ParseOptions::default(),
    )
    .unwrap();
    let paths: Vec<&str> = list.warnings.iter().map(|w| w.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            r#"tasks[0][""]"#,
            r#"tasks[0]["a.b"]"#,
            r#"tasks[0]["[0]"]"#,
            r#"tasks[0]["q\""]"#,
            "tasks[0].plain"
        ]
    );
    let e = parse_list_tasks_response(
        br#"{"a.b":1,"task_count":"0","tasks":[]}"#,
        ParseOptions { strict: true },
    )
    .unwrap_err();
    assert_eq!(e.path.as_deref(), Some(r#"["a.b"]"#));
}
