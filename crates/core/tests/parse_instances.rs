//! The instance-list parser (`ListInstances`): the fixtures shaped like the API definition,
//! each quirk in both modes, wrong shapes with their paths, and the bounds.
#![cfg(not(target_arch = "wasm32"))]

use dcs_tasks_core::instances::MAX_INSTANCES;
use dcs_tasks_core::{
    parse_list_instances_response, ErrorCode, Instance, InstanceList, ParseOptions, WarningCode,
};
use dcs_tasks_parse::model::{InstanceFeatures, InstanceTag};
use dcs_tasks_parse::normalize::{MAX_ARRAY_ITEMS, MAX_KEYS, MAX_STRING_BYTES, MAX_WARNINGS};

const DEFAULT: ParseOptions = ParseOptions { strict: false };
const STRICT: ParseOptions = ParseOptions { strict: true };

fn fixture(name: &str) -> Vec<u8> {
    let p = format!("{}/../../tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&p).unwrap_or_else(|e| panic!("{p}: {e}"))
}

fn parse(body: &str) -> InstanceList {
    parse_list_instances_response(body.as_bytes(), DEFAULT).unwrap()
}

fn err_path(body: &str, o: ParseOptions) -> (String, String) {
    let e = parse_list_instances_response(body.as_bytes(), o).expect_err("accepted");
    assert_eq!(e.code, ErrorCode::InvalidResponse, "{e:?}");
    (e.path.unwrap(), e.message)
}

/// One instance with the given extra members.
fn one(fields: &str) -> String {
    format!(
        r#"{{"instance_num":1,"instances":[{{"instance_id":"i-1","name":"n","status":"RUNNING"{fields}}}]}}"#
    )
}

fn warnings(l: &InstanceList) -> Vec<(WarningCode, &str)> {
    l.warnings
        .iter()
        .map(|w| (w.code, w.path.as_str()))
        .collect()
}

#[test]
fn all_fields_complete_and_typed_in_both_modes() {
    let body = fixture("instances-all-fields.json");
    let list = parse_list_instances_response(&body, DEFAULT).unwrap();
    assert_eq!(list, parse_list_instances_response(&body, STRICT).unwrap());
    assert!(list.warnings.is_empty(), "{:?}", list.warnings);
    assert_eq!(list.instance_count, 2);
    let s = |v: &str| Some(v.to_string());
    assert_eq!(
        list.instances[0],
        Instance {
            instance_id: "3e5c8b1a-1111-2222-3333-444455556666".into(),
            name: "dcs-orders-cache".into(),
            status: "RUNNING".into(),
            sub_status: s("normal"),
            description: s("orders service cache"),
            engine: s("Redis"),
            engine_version: s("5.0"),
            spec_code: s("redis.ha.xu1.large.r2.2"),
            capacity: Some(2.0),
            max_memory: Some(2048),
            used_memory: Some(512),
            cpu_type: s("x86_64"),
            az_codes: Some(vec!["cn-north-4a".into(), "cn-north-4b".into()]),
            features: Some(InstanceFeatures {
                support_acl: Some(true),
                support_transparent_client_ip: Some(true),
                support_ssl: Some(false),
                support_audit_log: Some(false),
            }),
            ip: s("192.168.0.100"),
            port: Some(6379),
            domain_name: s("redis-3e5c8b1a.dcs.huaweicloud.com"),
            readonly_domain_name: s("redis-3e5c8b1a-readonly.dcs.huaweicloud.com"),
            vpc_id: s("5e37b3be-950a-48e1-b498-65b63d336481"),
            vpc_name: s("vpc-orders"),
            subnet_id: s("a4112635-3ec0-471c-95c3-5cf49b9533af"),
            security_group_id: s("securityGroupId"),
            enable_publicip: Some(false),
            publicip_id: s(""),
            publicip_address: s(""),
            enable_ssl: Some(false),
            no_password_access: Some(true),
            access_user: s(""),
            user_id: s("6d0977e4c6be4c1f8ad3b7d7e8a3ee84"),
            user_name: s("paas_dcs_a00421997_02"),
            enterprise_project_id: s("0"),
            tags: Some(vec![
                InstanceTag {
                    key: "team".into(),
                    value: "orders".into()
                },
                InstanceTag {
                    key: "env".into(),
                    value: "prod".into()
                },
            ]),
            charging_mode: Some(0),
            order_id: s(""),
            created_at: s("2017-03-31T12:24:46.297Z"),
            updated_at: s("2024-06-01T08:00:00.000Z"),
            maintain_begin: s("02:00:00"),
            maintain_end: s("06:00:00"),
            service_upgrade: Some(false),
            service_task_id: s(""),
        }
    );
    // capacity 0 + capacity_minor "0.125": 0.125 GB; "false" for no_password_access.
    let mc = &list.instances[1];
    assert_eq!(mc.capacity, Some(0.125));
    assert_eq!(mc.no_password_access, Some(false));
    assert_eq!(mc.engine.as_deref(), Some("Memcached"));
    // The contract JSON: camelCase, absent fields omitted, capacity a number.
    let v: serde_json::Value = serde_json::from_str(&list.to_json()).unwrap();
    assert_eq!(v["instanceCount"], 2);
    assert_eq!(v["instances"][1]["capacity"], 0.125);
    assert_eq!(v["instances"][0]["capacity"].to_string(), "2");
    assert_eq!(v["instances"][0]["enablePublicip"], false);
    assert_eq!(v["instances"][0]["azCodes"][1], "cn-north-4b");
    assert_eq!(
        v["instances"][0]["features"]["supportTransparentClientIp"],
        true
    );
    assert_eq!(v["instances"][0]["tags"][0]["key"], "team");
    assert!(v["instances"][1].get("ip").is_none());
    assert_eq!(v["warnings"], serde_json::json!([]));
}

#[test]
fn quirks_are_fixed_and_reported_with_wire_paths() {
    let list = parse_list_instances_response(&fixture("instances-quirks.json"), DEFAULT).unwrap();
    use WarningCode::*;
    assert_eq!(
        warnings(&list),
        vec![
            (CoercedType, "instance_num"),
            (CoercedType, "instances[0].capacity"),
            (CoercedType, "instances[0].max_memory"),
            (CoercedType, "instances[0].used_memory"),
            (CoercedType, "instances[0].port"),
            (CoercedType, "instances[0].charging_mode"),
            (CoercedType, "instances[0].enable_publicip"),
            (CoercedType, "instances[0].enable_ssl"),
            (CoercedType, "instances[0].service_upgrade"),
            (CoercedType, "instances[0].no_password_access"),
            (CoercedType, "instances[0].created_at"),
            (UnknownValue, "instances[1].status"),
            (UnknownValue, "instances[1].engine"),
            (CoercedType, "instances[1].capacity_minor"),
            (UnknownField, "instances[1].product_type"),
            (CoercedType, "instances[1].features.support_acl"),
            (UnknownField, "instances[1].features.support_slowlog"),
            (UnknownField, "instances[1].tags[0].color"),
            (UnknownField, "marker"),
        ]
    );
    assert_eq!(list.instance_count, 3);
    let a = &list.instances[0];
    assert_eq!(
        (
            a.capacity,
            a.max_memory,
            a.used_memory,
            a.port,
            a.charging_mode
        ),
        (Some(4.0), Some(4096), Some(12), Some(6379), Some(1))
    );
    assert_eq!(
        (
            a.enable_publicip,
            a.enable_ssl,
            a.service_upgrade,
            a.no_password_access
        ),
        (Some(true), Some(false), Some(false), Some(true))
    );
    assert_eq!(a.created_at.as_deref(), Some("2024-06-01T08:00:00.000Z"));
    let b = &list.instances[1];
    assert_eq!(b.status, "MIGRATING"); // kept as sent
    assert_eq!(b.engine.as_deref(), Some("Valkey"));
    assert_eq!(b.capacity, Some(0.5));
    assert_eq!(b.features.as_ref().unwrap().support_acl, Some(true));
    assert_eq!(b.tags.as_ref().unwrap()[0].value, "x");
    // The dropped fields are gone from the output.
    let text = serde_json::to_string(&list.instances).unwrap();
    for gone in ["product_type", "productType", "marker", "color", "slowlog"] {
        assert!(!text.contains(gone), "{gone} in {text}");
    }
}

#[test]
fn strict_mode_refuses_each_quirk_at_its_path() {
    let cases = [
        (r#","capacity":"4""#, "instances[0].capacity"),
        (r#","port":"6379""#, "instances[0].port"),
        (r#","max_memory":"1""#, "instances[0].max_memory"),
        (r#","used_memory":"1""#, "instances[0].used_memory"),
        (r#","charging_mode":"0""#, "instances[0].charging_mode"),
        (
            r#","enable_publicip":"true""#,
            "instances[0].enable_publicip",
        ),
        (r#","enable_ssl":"false""#, "instances[0].enable_ssl"),
        (
            r#","service_upgrade":"true""#,
            "instances[0].service_upgrade",
        ),
        (
            r#","no_password_access":false"#,
            "instances[0].no_password_access",
        ),
        (r#","capacity_minor":0.125"#, "instances[0].capacity_minor"),
        (
            r#","created_at":"2024-06-01 08:00:00""#,
            "instances[0].created_at",
        ),
        (r#","engine":"Valkey""#, "instances[0].engine"),
        (r#","surprise":1"#, "instances[0].surprise"),
        (
            r#","tags":[{"key":"a","value":"b","c":1}]"#,
            "instances[0].tags[0].c",
        ),
        (
            r#","features":{"support_acl":"true"}"#,
            "instances[0].features.support_acl",
        ),
    ];
    for (fields, path) in cases {
        let body = one(fields);
        let list = parse(&body);
        assert_eq!(list.warnings.len(), 1, "{fields}: {:?}", list.warnings);
        assert_eq!(list.warnings[0].path, path);
        let (p, m) = err_path(&body, STRICT);
        assert_eq!(p, path, "{fields}");
        assert!(m.contains("strict mode"), "{m}");
    }
    let status =
        r#"{"instance_num":1,"instances":[{"instance_id":"i","name":"n","status":"NEW"}]}"#;
    assert_eq!(err_path(status, STRICT).0, "instances[0].status");
    assert_eq!(
        err_path(r#"{"instance_num":"1","instances":[]}"#, STRICT).0,
        "instance_num"
    );
    assert_eq!(
        err_path(r#"{"instance_num":0,"instances":[],"x":1}"#, STRICT).0,
        "x"
    );
    // Without quirks strict mode gives the same result.
    let clean = one(r#","capacity":1,"capacity_minor":"","no_password_access":"false""#);
    assert_eq!(
        parse_list_instances_response(clean.as_bytes(), STRICT).unwrap(),
        parse(&clean)
    );
}

#[test]
fn capacity_minor_folding() {
    let cap = |fields: &str| parse(&one(fields)).instances[0].capacity;
    assert_eq!(
        cap(r#","capacity":0,"capacity_minor":"0.125""#),
        Some(0.125)
    );
    assert_eq!(cap(r#","capacity_minor":"0.25""#), Some(0.25));
    assert_eq!(cap(r#","capacity":0,"capacity_minor":"""#), Some(0.0));
    assert_eq!(cap(r#","capacity":8,"capacity_minor":"""#), Some(8.0));
    assert_eq!(cap(r#","capacity":8,"capacity_minor":null"#), Some(8.0));
    // The integer wins when it is set.
    assert_eq!(cap(r#","capacity":1,"capacity_minor":"0.5""#), Some(1.0));
    assert_eq!(cap(""), None);
    assert_eq!(
        err_path(&one(r#","capacity_minor":"big""#), DEFAULT).0,
        "instances[0].capacity_minor"
    );
    assert_eq!(
        err_path(&one(r#","capacity_minor":"-1""#), DEFAULT).0,
        "instances[0].capacity_minor"
    );
}

#[test]
fn wrong_shapes_name_their_path() {
    let cases = [
        (r#"{"instance_num":1}"#.to_string(), "instances"),
        (r#"{"instances":[]}"#.to_string(), "instance_num"),
        (
            r#"{"instance_num":-1,"instances":[]}"#.to_string(),
            "instance_num",
        ),
        (
            r#"{"instance_num":"x","instances":[]}"#.to_string(),
            "instance_num",
        ),
        (
            r#"{"instance_num":1,"instances":{}}"#.to_string(),
            "instances",
        ),
        (
            r#"{"instance_num":1,"instances":[1]}"#.to_string(),
            "instances[0]",
        ),
        (
            r#"{"instance_num":1,"instances":[{"name":"n","status":"RUNNING"}]}"#.to_string(),
            "instances[0].instance_id",
        ),
        (
            r#"{"instance_num":1,"instances":[{"instance_id":"i","status":"RUNNING"}]}"#
                .to_string(),
            "instances[0].name",
        ),
        (
            r#"{"instance_num":1,"instances":[{"instance_id":"i","name":"n"}]}"#.to_string(),
            "instances[0].status",
        ),
        (one(r#","port":"63x79""#), "instances[0].port"),
        (one(r#","port":1.5"#), "instances[0].port"),
        (one(r#","port":99999999999999999999"#), "instances[0].port"),
        (one(r#","capacity":-1"#), "instances[0].capacity"),
        (one(r#","capacity":0.5"#), "instances[0].capacity"),
        (one(r#","enable_ssl":"yes""#), "instances[0].enable_ssl"),
        (
            one(r#","no_password_access":"maybe""#),
            "instances[0].no_password_access",
        ),
        (one(r#","az_codes":"cn-north-4a""#), "instances[0].az_codes"),
        (one(r#","az_codes":[1]"#), "instances[0].az_codes[0]"),
        (
            one(r#","tags":[{"value":"v"}]"#),
            "instances[0].tags[0].key",
        ),
        (one(r#","tags":{}"#), "instances[0].tags"),
        (one(r#","features":[]"#), "instances[0].features"),
        (
            one(r#","created_at":"2024-02-30T00:00:00Z""#),
            "instances[0].created_at",
        ),
        (one(r#","name":"dup""#), "instances[0].name"),
        ("[]".to_string(), "$"),
        ("{".to_string(), "$"),
        ("".to_string(), "$"),
    ];
    for (body, path) in cases {
        assert_eq!(err_path(&body, DEFAULT).0, path, "{body}");
    }
    // null is "none" for optional members.
    let l = parse(&one(
        r#","tags":null,"features":null,"az_codes":null,"port":null"#,
    ));
    assert_eq!(l.instances[0].tags, None);
}

#[test]
fn bounds() {
    let long = "x".repeat(MAX_STRING_BYTES + 1);
    assert_eq!(
        err_path(&one(&format!(r#","description":"{long}""#)), DEFAULT).0,
        "instances[0].description"
    );
    let tags = vec![r#"{"key":"k"}"#; MAX_ARRAY_ITEMS + 1].join(",");
    assert_eq!(
        err_path(&one(&format!(r#","tags":[{tags}]"#)), DEFAULT).0,
        "instances[0].tags"
    );
    let azs = vec![r#""a""#; MAX_ARRAY_ITEMS + 1].join(",");
    assert_eq!(
        err_path(&one(&format!(r#","az_codes":[{azs}]"#)), DEFAULT).0,
        "instances[0].az_codes"
    );
    let keys: String = (0..=MAX_KEYS).map(|i| format!(r#","k{i}":0"#)).collect();
    assert_eq!(err_path(&one(&keys), DEFAULT).0, "instances[0]");
    let inst = r#"{"instance_id":"i","name":"n","status":"RUNNING"}"#;
    let many = vec![inst; MAX_INSTANCES + 1].join(",");
    let body = format!(r#"{{"instance_num":1,"instances":[{many}]}}"#);
    assert_eq!(err_path(&body, DEFAULT).0, "instances");
    // Warnings are capped: 300 unknown fields give 100 and one warnings_truncated.
    let unknown: String = (0..300).map(|i| format!(r#","u{i}":0"#)).collect();
    let l = parse(&one(&unknown));
    assert_eq!(l.warnings.len(), MAX_WARNINGS + 1);
    let last = l.warnings.last().unwrap();
    assert_eq!(last.code, WarningCode::WarningsTruncated);
    assert!(last.message.starts_with("200 more"), "{}", last.message);
    // Deep nesting inside an unknown field: refused at $, no stack overflow.
    let deep = format!(r#","x":{}{}"#, "[".repeat(100_000), "]".repeat(100_000));
    assert_eq!(err_path(&one(&deep), DEFAULT).0, "$");
}

#[test]
fn arbitrary_bytes_never_panic() {
    // Every prefix and a byte-flipped copy of the fixtures: an answer or an error, no panic.
    for f in ["instances-all-fields.json", "instances-quirks.json"] {
        let body = fixture(f);
        for n in 0..body.len() {
            for strict in [false, true] {
                let _ = parse_list_instances_response(&body[..n], ParseOptions { strict });
            }
            let mut b = body.clone();
            b[n] ^= 0x20;
            let _ = parse_list_instances_response(&b, DEFAULT);
        }
    }
}

#[test]
fn names_with_invisible_or_reordering_characters_are_reported_and_kept() {
    // "cache-prod" as a person would read U+202E "dorp-ehcac" U+202C
    let body = r#"{"instance_num":2,"instances":[
      {"instance_id":"i1","name":"\u202edorp-ehcac\u202c","status":"RUNNING"},
      {"instance_id":"i2","name":"orders\u200b","status":"RUNNING"},
      {"instance_id":"i3","name":"订单缓存","status":"RUNNING"}]}"#;
    for o in [DEFAULT, STRICT] {
        let l = parse_list_instances_response(body.as_bytes(), o).unwrap();
        assert_eq!(
            l.instances[0].name, "\u{202e}dorp-ehcac\u{202c}",
            "kept as sent"
        );
        let w: Vec<_> = l
            .warnings
            .iter()
            .map(|w| (w.code, w.path.as_str()))
            .collect();
        assert_eq!(
            w,
            [
                (WarningCode::InvisibleText, "instances[0].name"),
                (WarningCode::InvisibleText, "instances[1].name")
            ]
        );
        assert!(
            l.warnings[0].message.contains("[U+202E]dorp-ehcac[U+202C]"),
            "{}",
            l.warnings[0].message
        );
    }
    // a task's user name too
    let tasks = r#"{"task_count":"1","tasks":[{"id":"t1","name":"Modify","status":"SUCCESS","user_name":"adm\u2066in"}]}"#;
    let l =
        dcs_tasks_parse::normalize::parse_list_tasks_response(tasks.as_bytes(), DEFAULT).unwrap();
    let w: Vec<_> = l
        .warnings
        .iter()
        .filter(|w| w.code == WarningCode::InvisibleText)
        .map(|w| w.path.as_str())
        .collect();
    assert_eq!(w, ["tasks[0].user_name"]);
}
