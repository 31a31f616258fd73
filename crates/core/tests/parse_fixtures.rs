//! One fixture per shape: the complete current API definition, each quirk, unknown
//! values, the progress endpoint and the three error-body shapes.
#![cfg(not(target_arch = "wasm32"))]

use dcs_tasks_core::{
    parse_error_body, parse_list_tasks_response, parse_task_progress, ErrorBody, ErrorCode,
    ParseOptions, TaskDetails, TaskList, WarningCode,
};
use dcs_tasks_parse::model::{Step, SubStep};

const DEFAULT: ParseOptions = ParseOptions { strict: false };
const STRICT: ParseOptions = ParseOptions { strict: true };

fn fixture(name: &str) -> Vec<u8> {
    let p = format!("{}/../../tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&p).unwrap_or_else(|e| panic!("{p}: {e}"))
}

fn warnings(l: &TaskList) -> Vec<(WarningCode, &str)> {
    l.warnings
        .iter()
        .map(|w| (w.code, w.path.as_str()))
        .collect()
}

fn strict_path(name: &str) -> String {
    let e = parse_list_tasks_response(&fixture(name), STRICT).unwrap_err();
    assert_eq!(e.code, ErrorCode::InvalidResponse);
    e.path.unwrap()
}

#[test]
fn all_fields_complete_and_typed_in_both_modes() {
    let body = fixture("all-fields.json");
    let list = parse_list_tasks_response(&body, DEFAULT).unwrap();
    assert_eq!(list, parse_list_tasks_response(&body, STRICT).unwrap());
    assert!(list.warnings.is_empty(), "{:?}", list.warnings);
    assert_eq!(list.task_count, 2);
    let t = &list.tasks[0];
    assert_eq!(t.id, "8abf6e1e72c12e7c0172c15b508500aa");
    assert_eq!(t.name, "ChangeInstanceSpec");
    assert_eq!(t.status, "SUCCESS");
    assert_eq!(t.user_name.as_deref(), Some("paas_dcs_a00421997_02"));
    assert_eq!(
        t.user_id.as_deref(),
        Some("d53977d1adfb49c5b025ba7d33a13fd7")
    );
    assert_eq!(t.params.as_deref(), Some("{\"new_capacity\":0.25}"));
    assert_eq!(t.created_at.as_deref(), Some("2020-06-17T08:18:06.597Z"));
    assert_eq!(t.updated_at.as_deref(), Some("2020-06-17T08:18:10.106Z"));
    assert_eq!(t.enable_show, Some(true));
    let s = |v: &str| Some(v.to_string());
    assert_eq!(
        t.details,
        TaskDetails {
            old_capacity: Some(0.125),
            new_capacity: Some(0.25),
            old_cache_mode: s("single"),
            new_cache_mode: s("ha"),
            old_cache_type: s("redis"),
            new_cache_type: s("redis"),
            old_resource_spec_code: s("redis.single.xu1.tiny.128"),
            new_resource_spec_code: s("redis.ha.xu1.tiny.r2.256"),
            public_ip_id: s("8d0c5f2e-1234-4f6a-9a6e-0e1b2c3d4e5f"),
            public_ip_address: s("192.0.2.10"),
            replica_ip: s("10.0.0.12"),
            replica_az: s("cn-north-4a"),
            group_name: s("group-0"),
            account_name: s("reader"),
            source_ip: s("10.0.0.5"),
            target_ip: s("10.0.0.6"),
            node_name: s("node-1"),
            old_replica_num: Some(2),
            new_replica_num: Some(3),
            old_port: Some(6379),
            new_port: Some(6380),
            updated_config_length: Some(4),
            enable_public_ip: Some(true),
            enable_ssl: Some(false),
            is_only_adjust_charging: Some(false),
            rename_commands: Some(vec![
                "flushall".into(),
                "keys".into(),
                "h\u{e9}llo \"q\"".into()
            ]),
        }
    );
    let t2 = &list.tasks[1];
    assert_eq!(
        (t2.name.as_str(), t2.status.as_str()),
        ("UpdatePort", "EXECUTING")
    );
    assert_eq!(t2.created_at.as_deref(), Some("2024-02-29T23:59:59.999Z"));
    assert_eq!(t2.updated_at, None);
    assert_eq!(t2.enable_show, Some(false));
    assert_eq!(t2.details, TaskDetails::default());

    let expected = concat!(
        r#"{"taskCount":2,"tasks":[{"id":"8abf6e1e72c12e7c0172c15b508500aa","name":"ChangeInstanceSpec","status":"SUCCESS","#,
        r#""userName":"paas_dcs_a00421997_02","userId":"d53977d1adfb49c5b025ba7d33a13fd7","params":"{\"new_capacity\":0.25}","#,
        r#""createdAt":"2020-06-17T08:18:06.597Z","updatedAt":"2020-06-17T08:18:10.106Z","enableShow":true,"details":{"#,
        r#""oldCapacity":0.125,"newCapacity":0.25,"oldCacheMode":"single","newCacheMode":"ha","oldCacheType":"redis","#,
        r#""newCacheType":"redis","oldResourceSpecCode":"redis.single.xu1.tiny.128","newResourceSpecCode":"redis.ha.xu1.tiny.r2.256","#,
        r#""publicIpId":"8d0c5f2e-1234-4f6a-9a6e-0e1b2c3d4e5f","publicIpAddress":"192.0.2.10","replicaIp":"10.0.0.12","#,
        r#""replicaAz":"cn-north-4a","groupName":"group-0","accountName":"reader","sourceIp":"10.0.0.5","targetIp":"10.0.0.6","#,
        r#""nodeName":"node-1","oldReplicaNum":2,"newReplicaNum":3,"oldPort":6379,"newPort":6380,"updatedConfigLength":4,"#,
        r#""enablePublicIp":true,"enableSsl":false,"isOnlyAdjustCharging":false,"renameCommands":["flushall","keys","héllo \"q\""]}},"#,
        r#"{"id":"8abf6e1e72c12e7c0172c15b508500ab","name":"UpdatePort","status":"EXECUTING","createdAt":"2024-02-29T23:59:59.999Z","#,
        r#""enableShow":false,"details":{}}],"warnings":[]}"#
    );
    assert_eq!(list.to_json(), expected);
}

#[test]
fn quirk_task_count_number() {
    let list =
        parse_list_tasks_response(&fixture("quirk-task-count-number.json"), DEFAULT).unwrap();
    assert_eq!(list.task_count, 1);
    assert_eq!(
        warnings(&list),
        vec![(WarningCode::CoercedType, "task_count")]
    );
    assert_eq!(strict_path("quirk-task-count-number.json"), "task_count");
}

#[test]
fn quirk_capacity_number() {
    let list = parse_list_tasks_response(&fixture("quirk-capacity-number.json"), DEFAULT).unwrap();
    assert_eq!(list.tasks[0].details.old_capacity, Some(2.0));
    assert_eq!(list.tasks[0].details.new_capacity, Some(4.5));
    assert_eq!(
        warnings(&list),
        vec![
            (WarningCode::CoercedType, "tasks[0].details.old_capacity"),
            (WarningCode::CoercedType, "tasks[0].details.new_capacity"),
        ]
    );
    assert!(list
        .to_json()
        .contains(r#""details":{"oldCapacity":2,"newCapacity":4.5}"#));
    assert_eq!(
        strict_path("quirk-capacity-number.json"),
        "tasks[0].details.old_capacity"
    );
}

#[test]
fn quirk_misspelled_cache_mode() {
    let list =
        parse_list_tasks_response(&fixture("quirk-misspelled-cache-mode.json"), DEFAULT).unwrap();
    assert_eq!(
        list.tasks[0].details.new_cache_mode.as_deref(),
        Some("cluster")
    );
    assert_eq!(
        warnings(&list),
        vec![(WarningCode::RenamedField, "tasks[0].details.new_cahce_mode")]
    );
    assert_eq!(
        strict_path("quirk-misspelled-cache-mode.json"),
        "tasks[0].details.new_cahce_mode"
    );
}

#[test]
fn quirk_hoisted_fields() {
    let list = parse_list_tasks_response(&fixture("quirk-hoisted-fields.json"), DEFAULT).unwrap();
    let t1 = &list.tasks[0];
    let t2 = &list.tasks[1];
    assert_eq!(t1.status, "SUCCESS");
    assert_eq!(t1.created_at.as_deref(), Some("2020-06-17T08:18:06.597Z"));
    assert_eq!(t2.status, "FAILED");
    assert_eq!(t2.created_at.as_deref(), Some("2020-06-18T01:02:03.004Z"));
    assert_eq!(t2.updated_at.as_deref(), Some("2020-06-18T01:02:04.005Z"));
    assert_eq!(
        warnings(&list),
        vec![
            (WarningCode::HoistedField, "status"),
            (WarningCode::HoistedField, "created_at"),
            (WarningCode::HoistedField, "updated_at"),
        ]
    );
    assert!(list.warnings[0].message.contains("tasks[1]"));
    assert_eq!(strict_path("quirk-hoisted-fields.json"), "status");
}

#[test]
fn quirk_timestamp_forms() {
    let list = parse_list_tasks_response(&fixture("quirk-timestamp-forms.json"), DEFAULT).unwrap();
    let times: Vec<(&str, &str)> = list
        .tasks
        .iter()
        .map(|t| {
            (
                t.created_at.as_deref().unwrap(),
                t.updated_at.as_deref().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        times,
        vec![
            ("2020-06-17T08:18:06.597Z", "2020-06-17T08:18:10.000Z"),
            ("2022-09-01T11:52:24.000Z", "2022-09-01T11:52:25.000Z"),
            ("2022-09-01T11:52:24.500Z", "2022-09-01T11:52:24.123Z"),
        ]
    );
    let mut expected = Vec::new();
    let paths: Vec<String> = (0..3)
        .flat_map(|i| {
            [
                format!("tasks[{i}].created_at"),
                format!("tasks[{i}].updated_at"),
            ]
        })
        .collect();
    for p in &paths {
        expected.push((WarningCode::CoercedType, p.as_str()));
    }
    assert_eq!(warnings(&list), expected);
    assert_eq!(
        strict_path("quirk-timestamp-forms.json"),
        "tasks[0].created_at"
    );
}

#[test]
fn unknown_values_pass_through() {
    let list = parse_list_tasks_response(&fixture("unknown-values.json"), DEFAULT).unwrap();
    let t = &list.tasks[0];
    assert_eq!(t.name, "RestartInstance");
    assert_eq!(t.status, "PAUSED");
    assert_eq!(t.details.old_capacity, Some(1.0));
    assert_eq!(t.details.rename_commands, Some(vec![]));
    assert_eq!(
        warnings(&list),
        vec![
            (WarningCode::UnknownField, "next_marker"),
            (WarningCode::UnknownValue, "tasks[0].name"),
            (WarningCode::UnknownValue, "tasks[0].status"),
            (WarningCode::UnknownField, "tasks[0].priority"),
            (WarningCode::UnknownField, "tasks[0].details.new_shard_num"),
        ]
    );
    assert_eq!(
        list.to_json(),
        concat!(
            r#"{"taskCount":1,"tasks":[{"id":"t1","name":"RestartInstance","status":"PAUSED","details":{"oldCapacity":1,"renameCommands":[]}}],"#,
            r#""warnings":[{"code":"unknown_field","path":"next_marker","message":"field not in the API definition; dropped"},"#,
            r#"{"code":"unknown_value","path":"tasks[0].name","message":"task name \"RestartInstance\" is not a known value; kept as sent"},"#,
            r#"{"code":"unknown_value","path":"tasks[0].status","message":"task status \"PAUSED\" is not a known value; kept as sent"},"#,
            r#"{"code":"unknown_field","path":"tasks[0].priority","message":"field not in the API definition; dropped"},"#,
            r#"{"code":"unknown_field","path":"tasks[0].details.new_shard_num","message":"field not in the API definition; dropped"}]}"#
        )
    );
    assert_eq!(strict_path("unknown-values.json"), "next_marker");
}

#[test]
fn every_fixture_is_warning_free_or_fails_in_strict_mode() {
    for name in [
        "seed-example.json",
        "quirk-task-count-number.json",
        "quirk-capacity-number.json",
        "quirk-misspelled-cache-mode.json",
        "quirk-hoisted-fields.json",
        "quirk-timestamp-forms.json",
        "unknown-values.json",
    ] {
        let body = fixture(name);
        let list = parse_list_tasks_response(&body, DEFAULT).unwrap();
        assert!(!list.warnings.is_empty(), "{name}");
        assert!(parse_list_tasks_response(&body, STRICT).is_err(), "{name}");
    }
}

#[test]
fn progress_fixture() {
    let body = fixture("progress.json");
    let p = parse_task_progress(&body, DEFAULT).unwrap();
    assert_eq!(p.progress, Some(50));
    assert_eq!(p.remain_time, Some(120));
    assert_eq!(p.step_details.len(), 2);
    assert_eq!(
        p.step_details[0],
        Step {
            step_id: Some(1),
            step_name: Some("prepare".into()),
            step_status: Some("FINISH".into()),
            begin_time: Some("2022-09-01T11:52:24.000Z".into()),
            end_time: Some("2022-09-01T11:52:30.000Z".into()),
            error_code: None,
            sub_step_details: vec![
                SubStep {
                    sub_step_id: Some(1),
                    sub_step_name: Some("check".into()),
                    sub_step_status: Some("FINISH".into()),
                    begin_time: Some("2022-09-01T11:52:24.000Z".into()),
                    end_time: Some("2022-09-01T11:52:26.000Z".into()),
                    detail: Some("ok".into()),
                    error_code: None,
                },
                SubStep {
                    sub_step_id: Some(2),
                    sub_step_name: Some("lock".into()),
                    sub_step_status: Some("FINISH".into()),
                    begin_time: Some("2022-09-01T11:52:26.000Z".into()),
                    end_time: Some("2022-09-01T11:52:30.000Z".into()),
                    detail: Some(String::new()),
                    error_code: None,
                },
            ],
        }
    );
    assert_eq!(p.step_details[1].step_status.as_deref(), Some("EXECUTING"));
    assert_eq!(p.step_details[1].end_time, None);
    let paths: Vec<&str> = p.warnings.iter().map(|w| w.path.as_str()).collect();
    assert_eq!(
        paths,
        vec![
            "step_details[0].begin_time",
            "step_details[0].end_time",
            "step_details[0].sub_step_details[0].begin_time",
            "step_details[0].sub_step_details[0].end_time",
            "step_details[0].sub_step_details[1].begin_time",
            "step_details[0].sub_step_details[1].end_time",
            "step_details[1].begin_time",
        ]
    );
    assert!(p
        .warnings
        .iter()
        .all(|w| w.code == WarningCode::CoercedType));
    let json = p.to_json();
    let head = concat!(
        r#"{"progress":50,"remainTime":120,"stepDetails":[{"stepId":1,"stepName":"prepare","stepStatus":"FINISH","#,
        r#""beginTime":"2022-09-01T11:52:24.000Z","endTime":"2022-09-01T11:52:30.000Z","subStepDetails":["#,
        r#"{"subStepId":1,"subStepName":"check","subStepStatus":"FINISH","beginTime":"2022-09-01T11:52:24.000Z","endTime":"2022-09-01T11:52:26.000Z","detail":"ok"},"#,
        r#"{"subStepId":2,"subStepName":"lock","subStepStatus":"FINISH","beginTime":"2022-09-01T11:52:26.000Z","endTime":"2022-09-01T11:52:30.000Z","detail":""}]},"#,
        r#"{"stepId":2,"stepName":"resize","stepStatus":"EXECUTING","beginTime":"2022-09-01T11:52:30.000Z","subStepDetails":[]}],"#,
        r#""warnings":[{"code":"coerced_type","path":"step_details[0].begin_time","message":"timestamp \"2022-09-01 11:52:24\" is not in the documented form; normalized to 2022-09-01T11:52:24.000Z"},"#
    );
    assert!(json.starts_with(head), "{json}");
    assert!(json.ends_with("}]}"), "{json}");
    assert_eq!(json.matches(r#"{"code":"coerced_type""#).count(), 7);
    let e = parse_task_progress(&body, STRICT).unwrap_err();
    assert_eq!(e.path.as_deref(), Some("step_details[0].begin_time"));
}

#[test]
fn progress_unknown_status_and_field() {
    let body =
        br#"{"progress":100,"step_details":[{"step_id":1,"step_status":"SKIPPED","extra":1}]}"#;
    let p = parse_task_progress(body, DEFAULT).unwrap();
    assert_eq!(p.step_details[0].step_status.as_deref(), Some("SKIPPED"));
    let got: Vec<(WarningCode, &str)> = p
        .warnings
        .iter()
        .map(|w| (w.code, w.path.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            (WarningCode::UnknownValue, "step_details[0].step_status"),
            (WarningCode::UnknownField, "step_details[0].extra"),
        ]
    );
    let p = parse_task_progress(br#"{"progress":0}"#, STRICT).unwrap();
    assert_eq!(
        p.to_json(),
        r#"{"progress":0,"stepDetails":[],"warnings":[]}"#
    );
}

#[test]
fn error_bodies_of_the_three_shapes() {
    let b = |code: &str, msg: &str| ErrorBody {
        error_code: Some(code.into()),
        error_msg: Some(msg.into()),
        error_ext_msg: None,
    };
    assert_eq!(
        parse_error_body(&fixture("error-body-snake.json")),
        Some(b("DCS.4800", "The instance does not exist."))
    );
    assert_eq!(
        parse_error_body(&fixture("error-body-camel.json")),
        Some(b(
            "APIGW.0301",
            "Incorrect IAM authentication information: verify aksk signature fail"
        ))
    );
    assert_eq!(
        parse_error_body(&fixture("error-body-code-message.json")),
        Some(b("DCS.5000", "Internal error."))
    );
    let with_ext =
        parse_error_body(br#"{"error_code":"DCS.4800","error_msg":"m","error_ext_msg":"ext"}"#)
            .unwrap();
    assert_eq!(with_ext.error_ext_msg.as_deref(), Some("ext"));
    for not_error in [
        &b""[..],
        b"<html>502 Bad Gateway</html>",
        b"[1,2]",
        b"\"DCS.4800\"",
        b"{}",
        b"{\"error_code\":null}",
        b"{\"error_code\":\"x\"",
        &[0xff, 0xfe][..],
    ] {
        assert_eq!(parse_error_body(not_error), None, "{not_error:?}");
    }
    // A list body is not an error body either.
    assert_eq!(parse_error_body(&fixture("all-fields.json")), None);
}

#[test]
fn quirk_many_unknown_fields_truncates_the_warnings() {
    let list =
        parse_list_tasks_response(&fixture("quirk-many-unknown-fields.json"), DEFAULT).unwrap();
    assert_eq!(list.warnings.len(), 101);
    assert!(list.warnings[..100]
        .iter()
        .all(|w| w.code == WarningCode::UnknownField));
    assert_eq!(list.warnings[0].path, "tasks[0].details.vendor_field_000");
    assert_eq!(list.warnings[99].path, "tasks[0].details.vendor_field_099");
    let last = &list.warnings[100];
    assert_eq!(
        (last.code, last.path.as_str(), last.message.as_str()),
        (
            WarningCode::WarningsTruncated,
            "$",
            "10 more warnings not listed (at most 100 are)"
        )
    );
    assert!(list
        .to_json()
        .contains(r#"{"code":"warnings_truncated","path":"$","message":"10 more"#));
    assert_eq!(
        strict_path("quirk-many-unknown-fields.json"),
        "tasks[0].details.vendor_field_000"
    );
}

/// The progress' contract JSON reads back as the same value (what the elements' build reads
/// from a proxy's normalized progress route), warnings and sub-steps included.
#[test]
fn progress_contract_json_reads_back() {
    for body in [
        fixture("progress.json"),
        br#"{"progress":40,"step_details":[{"step_id":1,"step_status":"SKIPPED","extra":1,"sub_step_details":[{"sub_step_id":2}]}]}"#.to_vec(),
    ] {
        let p = parse_task_progress(&body, DEFAULT).unwrap();
        let json = dcs_tasks_parse::model::to_json(&p);
        let back: dcs_tasks_core::TaskProgress = serde_json::from_str(&json).unwrap();
        assert_eq!(back, p, "{json}");
    }
    assert!(
        !parse_task_progress(br#"{"progress":40,"step_details":[{"extra":1}]}"#, DEFAULT)
            .unwrap()
            .warnings
            .is_empty()
    );
}
