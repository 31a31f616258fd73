//! Request building: valid requests, and table-driven bad arguments (code and field asserted).
#![cfg(not(target_arch = "wasm32"))]

use dcs_tasks_core::query::{build_list_tasks_request, Arg, ListTasksInput};
use dcs_tasks_core::ErrorCode;

const PROJECT: &str = "a4d31cb6-3d72-4fdc-8ec9-6e3a41e47f71";
const INSTANCE: &str = "5560df16-cebf-4473-95c4-d1b573c16e79";

fn base() -> ListTasksInput {
    ListTasksInput {
        region: "cn-north-4".into(),
        project_id: PROJECT.into(),
        instance_id: INSTANCE.into(),
        ..Default::default()
    }
}

fn s(v: &str) -> Arg {
    Arg::Str(v.to_string())
}

#[test]
fn builds_the_seed_request_with_start_time_not_begin_time() {
    let mut i = base();
    i.offset = Arg::Num(0.0);
    i.limit = Arg::Num(10.0);
    i.start_time = s("20200609160000");
    i.end_time = s("20200617155959");
    let r = build_list_tasks_request(&i).unwrap();
    assert_eq!(r.method, "GET");
    assert_eq!(
        r.url,
        "https://dcs.cn-north-4.myhuaweicloud.com/v2/a4d31cb6-3d72-4fdc-8ec9-6e3a41e47f71/instances/5560df16-cebf-4473-95c4-d1b573c16e79/tasks?offset=0&limit=10&start_time=20200609160000&end_time=20200617155959"
    );
    assert!(!r.url.contains("begin_time"));
    assert_eq!(
        r.headers,
        vec![
            ("Content-Type".to_string(), "application/json".to_string()),
            ("X-Project-Id".to_string(), PROJECT.to_string())
        ]
    );
}

#[test]
fn time_forms_all_map_to_utc_compact() {
    // 2020-06-09T16:00:00Z in each accepted form.
    for (start, what) in [
        (s("20200609160000"), "compact"),
        (s("2020-06-09T16:00:00Z"), "iso Z"),
        (s("2020-06-09T16:00:00.000Z"), "iso ms"),
        (s("2020-06-10T00:00:00+08:00"), "iso offset"),
        (Arg::Num(1_591_718_400_000.0), "epoch ms"),
        (Arg::Date(1_591_718_400_000.0), "Date"),
        (
            Arg::Date(1_591_718_400_999.0),
            "Date with ms (truncated to the second)",
        ),
    ] {
        let mut i = base();
        i.start_time = start;
        let r = build_list_tasks_request(&i).unwrap();
        assert!(
            r.url.ends_with("/tasks?start_time=20200609160000"),
            "{what}: {}",
            r.url
        );
    }
}

#[test]
fn endpoint_wins_over_region_and_keeps_base_path() {
    let mut i = base();
    i.endpoint = s("http://127.0.0.1:8787/proxy/");
    i.limit = s("50");
    let r = build_list_tasks_request(&i).unwrap();
    assert_eq!(
        r.url,
        format!("http://127.0.0.1:8787/proxy/v2/{PROJECT}/instances/{INSTANCE}/tasks?limit=50")
    );
    let mut i = base();
    i.region = Arg::Absent;
    i.endpoint = s("https://dcs.new-region-9.myhuaweicloud.com");
    assert!(build_list_tasks_request(&i).is_ok());
}

#[test]
fn accepts_boundaries() {
    let mut i = base();
    i.offset = Arg::Num(2_147_483_647.0);
    i.limit = Arg::Num(1000.0);
    i.start_time = s("2024-02-29T00:00:00Z");
    i.end_time = s("2024-02-29T00:00:00Z");
    i.instance_id = s(&"a".repeat(64));
    i.project_id = s("0123456789abcdef0123456789abcdef");
    assert!(build_list_tasks_request(&i).is_ok());
}

type Case = (&'static str, fn(&mut ListTasksInput), &'static str);

#[test]
fn bad_arguments() {
    let cases: Vec<Case> = vec![
        (
            "no endpoint nor region",
            |i| i.region = Arg::Absent,
            "endpoint",
        ),
        ("unknown region", |i| i.region = s("cn-north-99"), "region"),
        (
            "region not a string",
            |i| i.region = Arg::Num(4.0),
            "region",
        ),
        (
            "http non-loopback",
            |i| i.endpoint = s("http://dcs.example.com"),
            "endpoint",
        ),
        (
            "endpoint userinfo",
            |i| i.endpoint = s("https://u:p@x.com"),
            "endpoint",
        ),
        (
            "endpoint query",
            |i| i.endpoint = s("https://x.com/?a=b"),
            "endpoint",
        ),
        (
            "endpoint fragment",
            |i| i.endpoint = s("https://x.com/#top"),
            "endpoint",
        ),
        (
            "endpoint not a URL",
            |i| i.endpoint = s("dcs.cn-north-4.myhuaweicloud.com"),
            "endpoint",
        ),
        (
            "endpoint dot segment",
            |i| i.endpoint = s("https://x.com/a/.."),
            "endpoint",
        ),
        (
            "endpoint bad port",
            |i| i.endpoint = s("https://x.com:70000"),
            "endpoint",
        ),
        (
            "endpoint not a string",
            |i| i.endpoint = Arg::Other("an object".into()),
            "endpoint",
        ),
        (
            "project missing",
            |i| i.project_id = Arg::Absent,
            "projectId",
        ),
        ("project empty", |i| i.project_id = s(""), "projectId"),
        ("project slash", |i| i.project_id = s("a/b"), "projectId"),
        (
            "project number",
            |i| i.project_id = Arg::Num(1.0),
            "projectId",
        ),
        (
            "instance missing",
            |i| i.instance_id = Arg::Absent,
            "instanceId",
        ),
        (
            "instance too long",
            |i| i.instance_id = s(&"a".repeat(65)),
            "instanceId",
        ),
        (
            "instance question mark",
            |i| i.instance_id = s("abc?x=1"),
            "instanceId",
        ),
        (
            "instance percent",
            |i| i.instance_id = s("abc%2f"),
            "instanceId",
        ),
        (
            "instance dot dot",
            |i| i.instance_id = s(".."),
            "instanceId",
        ),
        ("instance dot", |i| i.instance_id = s("a.b"), "instanceId"),
        ("instance space", |i| i.instance_id = s("a b"), "instanceId"),
        (
            "instance CRLF",
            |i| i.instance_id = s("a\r\nb"),
            "instanceId",
        ),
        ("instance NUL", |i| i.instance_id = s("a\0b"), "instanceId"),
        (
            "instance non-ASCII",
            |i| i.instance_id = s("实例"),
            "instanceId",
        ),
        ("offset negative", |i| i.offset = Arg::Num(-1.0), "offset"),
        ("offset float", |i| i.offset = Arg::Num(1.5), "offset"),
        ("offset NaN", |i| i.offset = Arg::Num(f64::NAN), "offset"),
        (
            "offset infinite",
            |i| i.offset = Arg::Num(f64::INFINITY),
            "offset",
        ),
        (
            "offset over 32 bits",
            |i| i.offset = Arg::Num(2_147_483_648.0),
            "offset",
        ),
        (
            "offset non-integer string",
            |i| i.offset = s("1e3"),
            "offset",
        ),
        ("offset signed string", |i| i.offset = s("-5"), "offset"),
        ("offset Date", |i| i.offset = Arg::Date(0.0), "offset"),
        ("limit zero", |i| i.limit = Arg::Num(0.0), "limit"),
        ("limit over bound", |i| i.limit = Arg::Num(1001.0), "limit"),
        ("limit string word", |i| i.limit = s("ten"), "limit"),
        ("limit empty string", |i| i.limit = s(""), "limit"),
        (
            "limit boolean",
            |i| i.limit = Arg::Other("a boolean".into()),
            "limit",
        ),
        (
            "start Feb 30",
            |i| i.start_time = s("2020-02-30T00:00:00Z"),
            "startTime",
        ),
        (
            "start hour 24",
            |i| i.start_time = s("20200101240000"),
            "startTime",
        ),
        (
            "start Feb 29 non-leap",
            |i| i.start_time = s("20210229000000"),
            "startTime",
        ),
        (
            "start no zone",
            |i| i.start_time = s("2020-06-09T16:00:00"),
            "startTime",
        ),
        (
            "start words",
            |i| i.start_time = s("yesterday"),
            "startTime",
        ),
        (
            "start invalid Date",
            |i| i.start_time = Arg::Date(f64::NAN),
            "startTime",
        ),
        (
            "start negative epoch",
            |i| i.start_time = Arg::Num(-1.0),
            "startTime",
        ),
        (
            "start fractional epoch",
            |i| i.start_time = Arg::Num(1.5),
            "startTime",
        ),
        (
            "end year 10000",
            |i| i.end_time = Arg::Num(253_402_300_800_000.0),
            "endTime",
        ),
        (
            "end boolean",
            |i| i.end_time = Arg::Other("a boolean".into()),
            "endTime",
        ),
        (
            "start after end",
            |i| {
                i.start_time = s("20200617155959");
                i.end_time = s("20200609160000");
            },
            "startTime",
        ),
    ];
    assert!(cases.len() >= 30);
    for (what, mutate, field) in cases {
        let mut i = base();
        mutate(&mut i);
        let e = build_list_tasks_request(&i).expect_err(what);
        assert_eq!(e.code, ErrorCode::InvalidArgument, "{what}");
        assert_eq!(e.field.as_deref(), Some(field), "{what}: {}", e.message);
        assert!(e.message.starts_with(field), "{what}: {}", e.message);
    }
}
