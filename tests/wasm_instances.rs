//! `parseListInstancesResponse` as wasm in Node (default) and in headless Chromium
//! (`WASM_BINDGEN_USE_BROWSER=1`): the fixtures' shapes, each quirk's warning, strict mode,
//! bytes in, and the thrown errors' `name`, `code`, `path`.
#![cfg(target_arch = "wasm32")]

use dcs_tasks::bindings::parse_list_instances_response;
use js_sys::{Array, Reflect, Uint8Array, JSON};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

const ALL: &str = include_str!("fixtures/instances-all-fields.json");
const QUIRKS: &str = include_str!("fixtures/instances-quirks.json");

fn get(v: &JsValue, k: &str) -> JsValue {
    Reflect::get(v, &JsValue::from_str(k)).unwrap()
}

fn strict() -> JsValue {
    JSON::parse(r#"{"strict":true}"#).unwrap()
}

fn warnings(v: &JsValue) -> Vec<String> {
    Array::from(&get(v, "warnings"))
        .iter()
        .map(|w| {
            format!(
                "{} {}",
                get(&w, "code").as_string().unwrap(),
                get(&w, "path").as_string().unwrap()
            )
        })
        .collect()
}

#[wasm_bindgen_test]
fn all_fields_camel_case_typed() {
    let v = parse_list_instances_response(JsValue::from_str(ALL), JsValue::UNDEFINED).unwrap();
    assert_eq!(get(&v, "instanceCount").as_f64(), Some(2.0));
    assert!(warnings(&v).is_empty());
    let list = Array::from(&get(&v, "instances"));
    let a = list.get(0);
    assert_eq!(
        get(&a, "instanceId").as_string().as_deref(),
        Some("3e5c8b1a-1111-2222-3333-444455556666")
    );
    assert_eq!(get(&a, "capacity").as_f64(), Some(2.0));
    assert_eq!(get(&a, "port").as_f64(), Some(6379.0));
    assert_eq!(get(&a, "noPasswordAccess").as_bool(), Some(true));
    assert_eq!(get(&a, "enablePublicip").as_bool(), Some(false));
    assert_eq!(Array::from(&get(&a, "azCodes")).length(), 2);
    let tag = Array::from(&get(&a, "tags")).get(1);
    assert_eq!(get(&tag, "value").as_string().as_deref(), Some("prod"));
    let f = get(&a, "features");
    assert_eq!(get(&f, "supportAcl").as_bool(), Some(true));
    assert!(get(&a, "instance_id").is_undefined(), "no wire names");
    let b = list.get(1);
    assert_eq!(get(&b, "capacity").as_f64(), Some(0.125));
    assert!(get(&b, "ip").is_undefined(), "absent fields are omitted");
    // Strict mode agrees on a body without quirks; bytes parse the same.
    let s = parse_list_instances_response(JsValue::from_str(ALL), strict()).unwrap();
    assert_eq!(
        JSON::stringify(&s).unwrap().as_string(),
        JSON::stringify(&v).unwrap().as_string()
    );
    let bytes = Uint8Array::from(ALL.as_bytes());
    let v2 = parse_list_instances_response(bytes.into(), JsValue::UNDEFINED).unwrap();
    assert_eq!(get(&v2, "instanceCount").as_f64(), Some(2.0));
}

#[wasm_bindgen_test]
fn quirks_warn_and_strict_refuses_at_the_first() {
    let v = parse_list_instances_response(JsValue::from_str(QUIRKS), JsValue::UNDEFINED).unwrap();
    let w = warnings(&v);
    assert_eq!(w.len(), 19, "{w:?}");
    for want in [
        "coerced_type instance_num",
        "coerced_type instances[0].port",
        "coerced_type instances[0].no_password_access",
        "unknown_value instances[1].status",
        "coerced_type instances[1].capacity_minor",
        "unknown_field instances[1].product_type",
        "unknown_field instances[1].tags[0].color",
        "unknown_field marker",
    ] {
        assert!(w.iter().any(|x| x == want), "{want} in {w:?}");
    }
    let first = Array::from(&get(&v, "instances")).get(0);
    assert_eq!(get(&first, "port").as_f64(), Some(6379.0));
    assert_eq!(get(&first, "enablePublicip").as_bool(), Some(true));
    let e = parse_list_instances_response(JsValue::from_str(QUIRKS), strict()).unwrap_err();
    assert!(e.is_instance_of::<js_sys::Error>());
    assert_eq!(get(&e, "name").as_string().as_deref(), Some("DcsError"));
    assert_eq!(
        get(&e, "code").as_string().as_deref(),
        Some("INVALID_RESPONSE")
    );
    assert_eq!(get(&e, "path").as_string().as_deref(), Some("instance_num"));
}

#[wasm_bindgen_test]
fn bad_bodies_and_options_name_where() {
    for (body, path) in [
        (r#"{"instance_num":1,"instances":{}}"#, "instances"),
        (
            r#"{"instance_num":1,"instances":[{"name":"n","status":"RUNNING"}]}"#,
            "instances[0].instance_id",
        ),
        ("{", "$"),
    ] {
        let e =
            parse_list_instances_response(JsValue::from_str(body), JsValue::UNDEFINED).unwrap_err();
        assert_eq!(get(&e, "path").as_string().as_deref(), Some(path), "{body}");
    }
    let e = parse_list_instances_response(JsValue::from_f64(1.0), JsValue::UNDEFINED).unwrap_err();
    assert_eq!(get(&e, "field").as_string().as_deref(), Some("body"));
    let typo = JSON::parse(r#"{"strct":true}"#).unwrap();
    let e = parse_list_instances_response(JsValue::from_str(ALL), typo).unwrap_err();
    assert_eq!(get(&e, "field").as_string().as_deref(), Some("opts.strct"));
}
