//! The hostile-input corpus (`tests/fixtures/hostile/cases.tsv`, issue 7) through the
//! package's JS binding, as wasm in Node (default) and headless Chromium
//! (`WASM_BINDGEN_USE_BROWSER=1`): every case gets its documented result (a `DcsError`
//! with the documented `code` and `path`, or a successful parse), none traps, and the
//! module keeps working after every one (the seed example parses after each case).
//!
//! List cases go through `bindings::parse_list_tasks_response` (as bytes, and as a JS
//! string when the bytes are UTF-8); progress cases through `dcs_tasks_core::parse_task_progress`
//! (the client's internal parser). Cases named `@...` in the manifest are generated here
//! (10 MB strings, 100,000-deep nesting, huge arrays) instead of being committed.
//!
//! Adding a case: drop the file in tests/fixtures/hostile/, add its manifest row, and add
//! its name to `FILES` in tests/common/hostile.rs (the test checks that the two agree).
#![cfg(target_arch = "wasm32")]

use dcs_tasks::bindings::parse_list_tasks_response;
use dcs_tasks_core::{ErrorCode, ParseOptions};
use js_sys::{Array, Reflect, Uint8Array, JSON};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

#[path = "common/hostile.rs"]
mod hostile;
use hostile::{generate, manifest, Case, FILES};

const SEED: &str = include_str!("fixtures/seed-example.json");

fn get(v: &JsValue, k: &str) -> JsValue {
    Reflect::get(v, &JsValue::from_str(k)).unwrap()
}

fn s(v: &JsValue, k: &str) -> Option<String> {
    get(v, k).as_string()
}

/// The module still works: the seed example parses, with its one task.
fn assert_module_alive(after: &str) {
    let list = parse_list_tasks_response(JsValue::from_str(SEED), JsValue::UNDEFINED)
        .unwrap_or_else(|e| panic!("the seed no longer parses after {after}: {e:?}"));
    assert_eq!(get(&list, "taskCount").as_f64(), Some(1.0), "after {after}");
    let tasks: Array = get(&list, "tasks").dyn_into().unwrap();
    assert_eq!(tasks.length(), 1, "after {after}");
}

/// One case through the JS binding, with the body given as `body` (bytes or a string).
fn check_list(c: &Case, body: JsValue, how: &str) {
    let opts = if c.function == "list_strict" {
        JSON::parse(r#"{"strict":true}"#).unwrap()
    } else {
        JsValue::UNDEFINED
    };
    let what = format!("{} ({}, body as {how})", c.file, c.function);
    match parse_list_tasks_response(body, opts) {
        Ok(list) => {
            assert_eq!(
                c.expected, "ok",
                "{what}: parsed, expected {} at {}",
                c.expected, c.path
            );
            assert!(
                get(&list, "taskCount").as_f64().is_some(),
                "{what}: no taskCount"
            );
            assert!(Array::is_array(&get(&list, "tasks")), "{what}: no tasks");
            assert!(
                Array::is_array(&get(&list, "warnings")),
                "{what}: no warnings"
            );
            if c.function == "list_strict" {
                let w: Array = get(&list, "warnings").dyn_into().unwrap();
                assert_eq!(w.length(), 0, "{what}: strict mode warned");
            }
        }
        Err(e) => {
            assert!(
                e.is_instance_of::<js_sys::Error>(),
                "{what}: not an Error: {e:?}"
            );
            assert_eq!(s(&e, "name").as_deref(), Some("DcsError"), "{what}");
            let msg = s(&e, "message").unwrap_or_default();
            assert_eq!(s(&e, "code").as_deref(), Some(c.expected), "{what}: {msg}");
            assert_eq!(s(&e, "path").as_deref(), Some(c.path), "{what}: {msg}");
            assert!(
                get(&e, "field").is_undefined(),
                "{what}: a field on INVALID_RESPONSE"
            );
        }
    }
}

fn check_progress(c: &Case, bytes: &[u8]) {
    let what = format!("{} (progress)", c.file);
    match dcs_tasks_core::parse_task_progress(bytes, ParseOptions::default()) {
        Ok(p) => {
            assert_eq!(
                c.expected, "ok",
                "{what}: parsed, expected {} at {}",
                c.expected, c.path
            );
            // What the client hands to JS is valid JSON for JS.
            assert!(
                JSON::parse(&p.to_json()).is_ok(),
                "{what}: to_json() is not JSON"
            );
        }
        Err(e) => {
            assert_eq!(e.code, ErrorCode::InvalidResponse, "{what}: {}", e.message);
            assert_eq!(c.expected, "INVALID_RESPONSE", "{what}: {}", e.message);
            assert_eq!(e.path.as_deref(), Some(c.path), "{what}: {}", e.message);
        }
    }
}

fn run(c: &Case, bytes: &[u8]) {
    if c.function == "progress" {
        check_progress(c, bytes);
    } else {
        check_list(c, Uint8Array::from(bytes).into(), "bytes");
        if let Ok(text) = core::str::from_utf8(bytes) {
            assert_module_alive(c.file);
            check_list(c, JsValue::from_str(text), "a string");
        }
    }
    assert_module_alive(c.file);
}

#[wasm_bindgen_test]
fn manifest_matches_files() {
    let cases = manifest();
    assert!(cases.len() >= 50, "only {} cases", cases.len());
    let listed: Vec<&str> = cases
        .iter()
        .map(|c| c.file)
        .filter(|f| !f.starts_with('@'))
        .collect();
    let included: Vec<&str> = FILES.iter().map(|(f, _)| *f).collect();
    for f in &listed {
        assert!(included.contains(f), "{f} is in cases.tsv but not in FILES");
    }
    for f in &included {
        assert!(listed.contains(f), "{f} is in FILES but not in cases.tsv");
    }
    for c in cases.iter().filter(|c| c.file.starts_with('@')) {
        assert!(!generate(c.file).is_empty(), "{}", c.file);
    }
}

#[wasm_bindgen_test]
fn hostile_files_get_their_documented_result() {
    for c in manifest().iter().filter(|c| !c.file.starts_with('@')) {
        let (_, bytes) = FILES
            .iter()
            .find(|(f, _)| *f == c.file)
            .unwrap_or_else(|| panic!("{} is not in FILES", c.file));
        run(c, bytes);
    }
}

#[wasm_bindgen_test]
fn generated_hostile_inputs_get_their_documented_result() {
    for c in manifest().iter().filter(|c| c.file.starts_with('@')) {
        let bytes = generate(c.file);
        run(c, &bytes);
    }
}

/// Regression (fuzz/regressions/proxy_route/authorization-not-char-boundary): with
/// PROXY_TOKEN set, an `Authorization` whose 8th byte falls inside a non-ASCII character
/// (a header byte >= 0x80 reaches Rust as a 2-byte character) made `caller_authorized`
/// slice a `str` off a char boundary: a panic, which is a trap in the worker.
#[wasm_bindgen_test]
fn proxy_authorization_header_is_not_a_trap() {
    let cfg = dcs_tasks_core::proxy::ProxyConfig::from_env(|k| {
        match k {
            "HUAWEICLOUD_SDK_PROJECT_ID" => Some("p"),
            "DCS_REGION" => Some("cn-north-4"),
            "DCS_AUTH_TOKEN" => Some("iam-token"),
            "PROXY_TOKEN" => Some("proxy-token-0123456789"),
            _ => None,
        }
        .map(String::from)
    })
    .unwrap();
    for h in [
        "Bearer\u{e9}proxy-token-0123456789",
        "bearer\u{34d}x",
        "Beare\u{e9}\u{e9}",
        "\u{e9}\u{e9}\u{e9}\u{e9}",
    ] {
        assert!(!cfg.caller_authorized(Some(h), None), "{h:?}");
        assert!(!cfg.caller_authorized(None, Some(h)), "{h:?}");
    }
    assert!(cfg.caller_authorized(Some("Bearer proxy-token-0123456789"), None));
    assert_module_alive("a non-ASCII Authorization header");
}
