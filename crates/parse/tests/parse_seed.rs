//! The seed page's example response, verbatim (tests/fixtures/seed-example.json).
#![cfg(not(target_arch = "wasm32"))]

use dcs_tasks_parse::error::ErrorCode;
use dcs_tasks_parse::model::{ParseOptions, WarningCode};
use dcs_tasks_parse::normalize::parse_list_tasks_response;

const SEED: &[u8] = include_bytes!("../../../tests/fixtures/seed-example.json");

#[test]
fn seed_parses_in_default_mode() {
    let list = parse_list_tasks_response(SEED, ParseOptions::default()).unwrap();
    assert_eq!(list.task_count, 1);
    assert_eq!(list.tasks.len(), 1);
    let t = &list.tasks[0];
    assert_eq!(t.id, "8abf6e1e72c12e7c0172c15b508500aa");
    assert_eq!(t.name, "ChangeInstanceSpec");
    assert_eq!(t.status, "SUCCESS");
    assert_eq!(t.user_name.as_deref(), Some("paas_dcs_a00421997_02"));
    assert_eq!(
        t.user_id.as_deref(),
        Some("d53977d1adfb49c5b025ba7d33a13fd7")
    );
    assert_eq!(t.created_at.as_deref(), Some("2020-06-17T08:18:06.597Z"));
    assert_eq!(t.updated_at.as_deref(), Some("2020-06-17T08:18:10.106Z"));
    assert_eq!(t.params, None);
    assert_eq!(t.enable_show, None);
    let d = &t.details;
    assert_eq!(d.old_capacity, Some(0.125));
    assert_eq!(d.new_capacity, Some(0.25));
    assert_eq!(d.old_cache_mode.as_deref(), Some("single"));
    assert_eq!(d.new_cache_mode.as_deref(), Some("single"));

    let got: Vec<(WarningCode, &str)> = list
        .warnings
        .iter()
        .map(|w| (w.code, w.path.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            (WarningCode::CoercedType, "task_count"),
            (WarningCode::RenamedField, "tasks[0].details.new_cahce_mode"),
            (WarningCode::CoercedType, "tasks[0].details.old_capacity"),
            (WarningCode::CoercedType, "tasks[0].details.new_capacity"),
            (WarningCode::HoistedField, "status"),
            (WarningCode::HoistedField, "created_at"),
            (WarningCode::HoistedField, "updated_at"),
        ]
    );
    for w in &list.warnings {
        assert!(!w.message.is_empty());
    }
}

#[test]
fn seed_to_json_is_exact() {
    let list = parse_list_tasks_response(SEED, ParseOptions::default()).unwrap();
    let expected = concat!(
        r#"{"taskCount":1,"tasks":[{"id":"8abf6e1e72c12e7c0172c15b508500aa","name":"ChangeInstanceSpec","#,
        r#""status":"SUCCESS","userName":"paas_dcs_a00421997_02","userId":"d53977d1adfb49c5b025ba7d33a13fd7","#,
        r#""createdAt":"2020-06-17T08:18:06.597Z","updatedAt":"2020-06-17T08:18:10.106Z","#,
        r#""details":{"oldCapacity":0.125,"newCapacity":0.25,"oldCacheMode":"single","newCacheMode":"single"}}],"#,
        r#""warnings":["#,
        r#"{"code":"coerced_type","path":"task_count","message":"task_count sent as a number; the API documents a string"},"#,
        r#"{"code":"renamed_field","path":"tasks[0].details.new_cahce_mode","message":"misspelled field read as new_cache_mode"},"#,
        r#"{"code":"coerced_type","path":"tasks[0].details.old_capacity","message":"capacity sent as the number 0.125; the API documents a string"},"#,
        r#"{"code":"coerced_type","path":"tasks[0].details.new_capacity","message":"capacity sent as the number 0.25; the API documents a string"},"#,
        r#"{"code":"hoisted_field","path":"status","message":"top-level field moved into tasks[0]"},"#,
        r#"{"code":"hoisted_field","path":"created_at","message":"top-level field moved into tasks[0]"},"#,
        r#"{"code":"hoisted_field","path":"updated_at","message":"top-level field moved into tasks[0]"}"#,
        r#"]}"#
    );
    assert_eq!(list.to_json(), expected);
    // The output is valid JSON for serde_json.
    serde_json::from_str::<serde_json::Value>(&list.to_json()).unwrap();
}

#[test]
fn seed_fails_in_strict_mode_with_a_path() {
    let e = parse_list_tasks_response(SEED, ParseOptions { strict: true }).unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidResponse);
    assert_eq!(e.path.as_deref(), Some("task_count"));
    assert!(e.message.contains("strict"), "{}", e.message);
}

#[test]
fn seed_fixture_is_verbatim() {
    // Guard against accidental edits of the official example.
    let text = std::str::from_utf8(SEED).unwrap();
    assert!(text.contains("\"new_cahce_mode\" : \"single\""));
    assert!(text.starts_with("{\n  \"task_count\" : 1,"));
}
