//! The hostile-input corpus (`tests/fixtures/hostile/cases.tsv`) natively, through the
//! Rust API: every case gets its documented result (`INVALID_RESPONSE` at the documented
//! path, or a successful parse), in the mode the manifest names; successes are valid
//! JSON for serde_json and give the same text through the JS API's one-pass writer.
//! (The same corpus runs as wasm through the JS binding in tests/wasm_hostile.rs.)
#![cfg(not(target_arch = "wasm32"))]

use dcs_tasks_core::{parse_list_tasks_response, parse_task_progress, ErrorCode, ParseOptions};
use dcs_tasks_parse::normalize::parse_list_tasks_json;

#[path = "../../../tests/common/hostile.rs"]
mod hostile;
use hostile::{generate, manifest, Case, FILES};

fn check(c: &Case, body: &[u8]) {
    let opts = ParseOptions {
        strict: c.function == "list_strict",
    };
    let what = format!("{} ({})", c.file, c.function);
    let r = if c.function == "progress" {
        parse_task_progress(body, opts).map(|p| p.to_json())
    } else {
        let sink = parse_list_tasks_json(body, opts).map(|l| l.json().to_string());
        let model = parse_list_tasks_response(body, opts).map(|l| l.to_json());
        let key = |r: &Result<String, dcs_tasks_core::DcsError>| {
            r.clone().map_err(|e| (e.path.clone(), e.message.clone()))
        };
        assert_eq!(key(&sink), key(&model), "{what}: the two writers disagree");
        model
    };
    match r {
        Ok(text) => {
            assert_eq!(
                c.expected, "ok",
                "{what}: parsed, expected an error at {}",
                c.path
            );
            serde_json::from_str::<serde_json::Value>(&text)
                .unwrap_or_else(|e| panic!("{what}: output is not JSON: {e}"));
        }
        Err(e) => {
            assert_eq!(e.code, ErrorCode::InvalidResponse, "{what}: {}", e.message);
            assert_eq!(c.expected, "INVALID_RESPONSE", "{what}: {}", e.message);
            assert_eq!(e.path.as_deref(), Some(c.path), "{what}: {}", e.message);
            assert!(e.message.len() < 400, "{what}: message too long");
        }
    }
}

#[test]
fn every_file_is_in_the_manifest_and_on_disk() {
    let cases = manifest();
    assert!(cases.len() >= 100, "only {} cases", cases.len());
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/hostile");
    let mut on_disk: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|f| f != "cases.tsv")
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = cases
        .iter()
        .filter(|c| !c.file.starts_with('@'))
        .map(|c| c.file.to_string())
        .collect();
    listed.sort();
    assert_eq!(on_disk, listed);
    assert_eq!(FILES.len(), listed.len());
}

#[test]
fn hostile_files_get_their_documented_result() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/hostile");
    for c in manifest().iter().filter(|c| !c.file.starts_with('@')) {
        let body = std::fs::read(format!("{dir}/{}", c.file)).unwrap();
        check(c, &body);
    }
}

#[test]
fn generated_hostile_inputs_get_their_documented_result() {
    for c in manifest().iter().filter(|c| c.file.starts_with('@')) {
        check(c, &generate(c.file));
    }
}
