//! The JS-facing pure functions, run as wasm in Node (default) and in headless
//! Chromium (`WASM_BINDGEN_USE_BROWSER=1`): returned shapes, and the thrown errors'
//! `name`, `code`, `field` / `path`.
#![cfg(target_arch = "wasm32")]

use dcs_tasks::bindings::{build_list_tasks_request, parse_list_tasks_response, sign_request};
use js_sys::{Array, Date, Object, Reflect, Uint8Array, JSON};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

const SEED: &str = include_str!("fixtures/seed-example.json");

fn js(json: &str) -> JsValue {
    JSON::parse(json).unwrap()
}

fn get(v: &JsValue, k: &str) -> JsValue {
    Reflect::get(v, &JsValue::from_str(k)).unwrap()
}

fn s(v: &JsValue, k: &str) -> Option<String> {
    get(v, k).as_string()
}

/// Asserts a thrown DcsError's shape and returns it.
fn assert_dcs_error(e: JsValue, code: &str, key: &str, value: &str) -> JsValue {
    assert!(e.is_instance_of::<js_sys::Error>(), "not an Error: {e:?}");
    assert_eq!(s(&e, "name").as_deref(), Some("DcsError"));
    assert_eq!(
        s(&e, "code").as_deref(),
        Some(code),
        "{:?}",
        s(&e, "message")
    );
    assert_eq!(s(&e, key).as_deref(), Some(value), "{:?}", s(&e, "message"));
    e
}

#[wasm_bindgen_test]
fn build_returns_method_url_headers() {
    let o = js(
        r#"{"region":"cn-north-4","projectId":"0123456789abcdef0123456789abcdef",
        "instanceId":"3e5c8b1a-1111-2222-3333-444455556666","offset":0,"limit":10,
        "startTime":"20200609160000","endTime":"2020-06-17T15:59:59Z"}"#,
    );
    let r = build_list_tasks_request(o).unwrap();
    assert_eq!(s(&r, "method").as_deref(), Some("GET"));
    assert_eq!(
        s(&r, "url").as_deref(),
        Some("https://dcs.cn-north-4.myhuaweicloud.com/v2/0123456789abcdef0123456789abcdef/instances/3e5c8b1a-1111-2222-3333-444455556666/tasks?offset=0&limit=10&start_time=20200609160000&end_time=20200617155959")
    );
    let h = get(&r, "headers");
    assert_eq!(s(&h, "Content-Type").as_deref(), Some("application/json"));
    assert_eq!(
        s(&h, "X-Project-Id").as_deref(),
        Some("0123456789abcdef0123456789abcdef")
    );
}

#[wasm_bindgen_test]
fn build_accepts_a_date() {
    let o = js(r#"{"endpoint":"http://127.0.0.1:8787","projectId":"p","instanceId":"i"}"#);
    let d = Date::new(&JsValue::from_f64(1_591_718_400_000.0));
    Reflect::set(&o, &"startTime".into(), &d).unwrap();
    let r = build_list_tasks_request(o).unwrap();
    assert_eq!(
        s(&r, "url").as_deref(),
        Some("http://127.0.0.1:8787/v2/p/instances/i/tasks?start_time=20200609160000")
    );
}

#[wasm_bindgen_test]
fn build_errors_name_the_field() {
    for (json, field) in [
        (r#"{"projectId":"p","instanceId":"i"}"#, "endpoint"),
        (r#"{"region":"cn-north-4","instanceId":"i"}"#, "projectId"),
        (
            r#"{"region":"cn-north-4","projectId":"p","instanceId":"a/b"}"#,
            "instanceId",
        ),
        (
            r#"{"region":"cn-north-4","projectId":"p","instanceId":"i","offset":-1}"#,
            "offset",
        ),
        (
            r#"{"region":"cn-north-4","projectId":"p","instanceId":"i","limit":"ten"}"#,
            "limit",
        ),
        (
            r#"{"region":"cn-north-4","projectId":"p","instanceId":"i","limit":true}"#,
            "limit",
        ),
        (
            r#"{"region":"cn-north-4","projectId":"p","instanceId":"i","startTime":"2020-02-30T00:00:00Z"}"#,
            "startTime",
        ),
        (
            r#"{"region":"cn-north-4","projectId":"p","instanceId":"i","endTime":{}}"#,
            "endTime",
        ),
        (
            r#"{"endpoint":"http://example.com","projectId":"p","instanceId":"i"}"#,
            "endpoint",
        ),
    ] {
        let e = build_list_tasks_request(js(json)).expect_err(json);
        assert_dcs_error(e, "INVALID_ARGUMENT", "field", field);
    }
    let e = build_list_tasks_request(JsValue::from_str("nope")).unwrap_err();
    assert_dcs_error(e, "INVALID_ARGUMENT", "field", "options");
    // An invalid Date.
    let o = js(r#"{"region":"cn-north-4","projectId":"p","instanceId":"i"}"#);
    Reflect::set(
        &o,
        &"endTime".into(),
        &Date::new(&JsValue::from_f64(f64::NAN)),
    )
    .unwrap();
    assert_dcs_error(
        build_list_tasks_request(o).unwrap_err(),
        "INVALID_ARGUMENT",
        "field",
        "endTime",
    );
}

/// The option objects are read through serde-wasm-bindgen from a snapshot of their declared
/// keys: a getter runs once, one that throws is INVALID_ARGUMENT naming its key (never an
/// exception through wasm), and an unknown key is refused before any getter runs.
#[wasm_bindgen_test]
fn option_getters_run_once_and_a_throwing_one_is_named() {
    let make = js_sys::Function::new_no_args(
        r#"
        const o = { region: "cn-north-4", projectId: "p", instanceId: "i", reads: 0 };
        delete o.reads;
        let reads = 0;
        Object.defineProperty(o, "limit", { enumerable: true, get() { reads++; return 7; } });
        const bad = { region: "cn-north-4", projectId: "p", instanceId: "i" };
        Object.defineProperty(bad, "offset", { enumerable: true, get() { throw new Error("boom"); } });
        const typo = { region: "cn-north-4", projectId: "p", instanceId: "i", limt: 1 };
        Object.defineProperty(typo, "limit", { enumerable: true, get() { reads += 100; return 1; } });
        return { o, bad, typo, reads: () => reads };
        "#,
    );
    let t = make.call0(&JsValue::UNDEFINED).unwrap();
    let reads = || -> f64 {
        let f: js_sys::Function = get(&t, "reads").unchecked_into();
        f.call0(&JsValue::UNDEFINED).unwrap().as_f64().unwrap()
    };
    let r = build_list_tasks_request(get(&t, "o")).unwrap();
    assert!(s(&r, "url").unwrap().contains("limit=7"));
    assert_eq!(reads(), 1.0, "the getter ran once");
    let e = build_list_tasks_request(get(&t, "bad")).unwrap_err();
    let e = assert_dcs_error(e, "INVALID_ARGUMENT", "field", "offset");
    assert!(s(&e, "message").unwrap().contains("could not be read"));
    let e = build_list_tasks_request(get(&t, "typo")).unwrap_err();
    assert_dcs_error(e, "INVALID_ARGUMENT", "field", "limt");
    assert_eq!(reads(), 1.0, "no getter ran for a refused object");
}

#[wasm_bindgen_test]
fn parse_seed_from_string_and_bytes() {
    let bytes = Uint8Array::from(SEED.as_bytes());
    for body in [JsValue::from_str(SEED), bytes.into()] {
        let list = parse_list_tasks_response(body, JsValue::UNDEFINED).unwrap();
        assert_eq!(get(&list, "taskCount").as_f64(), Some(1.0));
        let tasks: Array = get(&list, "tasks").dyn_into().unwrap();
        assert_eq!(tasks.length(), 1);
        let t = tasks.get(0);
        assert_eq!(s(&t, "status").as_deref(), Some("SUCCESS"));
        assert_eq!(
            s(&t, "createdAt").as_deref(),
            Some("2020-06-17T08:18:06.597Z")
        );
        let d = get(&t, "details");
        assert_eq!(get(&d, "oldCapacity").as_f64(), Some(0.125));
        assert_eq!(get(&d, "newCapacity").as_f64(), Some(0.25));
        assert_eq!(s(&d, "newCacheMode").as_deref(), Some("single"));
        let warnings: Array = get(&list, "warnings").dyn_into().unwrap();
        let paths: Vec<String> = warnings.iter().map(|w| s(&w, "path").unwrap()).collect();
        assert!(
            paths.contains(&"tasks[0].details.new_cahce_mode".to_string()),
            "{paths:?}"
        );
        assert!(paths.contains(&"task_count".to_string()), "{paths:?}");
        assert!(paths.contains(&"status".to_string()), "{paths:?}");
    }
}

#[wasm_bindgen_test]
fn parse_errors_carry_the_path() {
    // Strict mode refuses the seed's quirks, at the same path as the native parser.
    let native = dcs_tasks_core::parse_list_tasks_response(
        SEED.as_bytes(),
        dcs_tasks_core::ParseOptions { strict: true },
    )
    .unwrap_err();
    let e =
        parse_list_tasks_response(JsValue::from_str(SEED), js(r#"{"strict":true}"#)).unwrap_err();
    assert_dcs_error(
        e,
        "INVALID_RESPONSE",
        "path",
        native.path.as_deref().unwrap(),
    );
    for (body, path) in [
        ("", "$"),
        ("{", "$"),
        ("[]", "$"),
        (r#"{"task_count":"1","tasks":{}}"#, "tasks"),
        (
            r#"{"task_count":"1","tasks":[{"id":"a","name":"BindEip","status":"SUCCESS","details":{"old_port":"6379"}}]}"#,
            "tasks[0].details.old_port",
        ),
    ] {
        let e =
            parse_list_tasks_response(JsValue::from_str(body), JsValue::UNDEFINED).expect_err(body);
        assert_dcs_error(e, "INVALID_RESPONSE", "path", path);
    }
    // Invalid UTF-8 bytes.
    let bad = Uint8Array::from(&[b'{', 0xff, b'}'][..]);
    let e = parse_list_tasks_response(bad.into(), JsValue::UNDEFINED).unwrap_err();
    assert_dcs_error(e, "INVALID_RESPONSE", "path", "$");
    // Wrong argument types are INVALID_ARGUMENT.
    let e = parse_list_tasks_response(JsValue::from_f64(1.0), JsValue::UNDEFINED).unwrap_err();
    assert_dcs_error(e, "INVALID_ARGUMENT", "field", "body");
    let e =
        parse_list_tasks_response(JsValue::from_str(SEED), js(r#"{"strict":"yes"}"#)).unwrap_err();
    assert_dcs_error(e, "INVALID_ARGUMENT", "field", "opts.strict");
}

#[wasm_bindgen_test]
fn module_survives_hostile_input() {
    // 100,000 nested arrays, then a normal parse still works (no trap poisoned the module).
    let deep = "[".repeat(100_000);
    let e = parse_list_tasks_response(JsValue::from_str(&deep), JsValue::UNDEFINED).unwrap_err();
    assert_dcs_error(e, "INVALID_RESPONSE", "path", "$");
    assert!(parse_list_tasks_response(JsValue::from_str(SEED), JsValue::UNDEFINED).is_ok());
}

#[wasm_bindgen_test]
fn sign_matches_vector_a() {
    let o = js(
        r#"{"region":"cn-north-4","projectId":"0123456789abcdef0123456789abcdef",
        "instanceId":"3e5c8b1a-1111-2222-3333-444455556666","offset":0,"limit":10,
        "startTime":"20200609160000","endTime":"20200617155959"}"#,
    );
    let req = build_list_tasks_request(o).unwrap();
    let cred =
        js(r#"{"ak":"HPUAXXXXXXXXXXXXXXXX","sk":"SKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSK"}"#);
    let opts: JsValue = Object::new().into();
    Reflect::set(
        &opts,
        &"date".into(),
        &Date::new(&JsValue::from_f64(1_704_067_200_000.0)),
    )
    .unwrap();
    let signed = sign_request(req, cred, opts).unwrap();
    let h = get(&signed, "headers");
    assert_eq!(s(&h, "X-Sdk-Date").as_deref(), Some("20240101T000000Z"));
    assert_eq!(
        s(&h, "Authorization").as_deref(),
        Some("SDK-HMAC-SHA256 Access=HPUAXXXXXXXXXXXXXXXX, SignedHeaders=content-type;host;x-project-id;x-sdk-date, Signature=6d5730b7e2b3d76486b7e6e8d805ee73b8e788a5be6835f0c8c9b0775dc1a3dc")
    );
    // Host is signed but never returned as a header (fetch forbids setting it).
    let keys: Vec<String> = Object::keys(h.unchecked_ref::<Object>())
        .iter()
        .map(|k| k.as_string().unwrap().to_lowercase())
        .collect();
    assert!(!keys.contains(&"host".to_string()), "{keys:?}");
}

#[wasm_bindgen_test]
fn sign_vectors_b_c_d() {
    let date = |ms: f64| {
        let o: JsValue = Object::new().into();
        Reflect::set(&o, &"date".into(), &Date::new(&JsValue::from_f64(ms))).unwrap();
        o
    };
    let path = "https://dcs.cn-north-4.myhuaweicloud.com/v2/0123456789abcdef0123456789abcdef/instances/3e5c8b1a-1111-2222-3333-444455556666/tasks";
    let cred = r#"{"ak":"HPUAXXXXXXXXXXXXXXXX","sk":"SKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSK"}"#;
    let b = js(&format!(
        r#"{{"method":"GET","url":"{path}","headers":{{"X-Project-Id":"0123456789abcdef0123456789abcdef"}}}}"#
    ));
    let signed = sign_request(b, js(cred), date(1_704_067_200_000.0)).unwrap();
    assert!(s(&get(&signed, "headers"), "Authorization").unwrap().ends_with(
        "SignedHeaders=host;x-project-id;x-sdk-date, Signature=47686d58329be1661c376336b28e63242f2e950cf66add9caf474d04dd134a5c"
    ));
    let c = js(&format!(
        r#"{{"method":"GET","url":"{path}?limit=10&offset=0","headers":{{"X-Project-Id":"0123456789abcdef0123456789abcdef"}}}}"#
    ));
    let cred_c = r#"{"ak":"HPUAXXXXXXXXXXXXXXXX","sk":"SKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSK","securityToken":"TOKEN+/=abc"}"#;
    let signed = sign_request(c, js(cred_c), date(1_704_067_200_000.0)).unwrap();
    let h = get(&signed, "headers");
    assert_eq!(s(&h, "X-Security-Token").as_deref(), Some("TOKEN+/=abc"));
    assert!(s(&h, "Authorization").unwrap().ends_with(
        "SignedHeaders=host;x-project-id;x-sdk-date;x-security-token, Signature=44ad4b9245a74219608f9b0a9e1d12f1803917945a5216616034a1d3e3dca6c0"
    ));
    let d =
        js(r#"{"method":"GET","url":"https://example.huaweicloud.com/path?limit=1","headers":{}}"#);
    let signed = sign_request(
        d,
        js(r#"{"ak":"AccessKey","sk":"SecretKey"}"#),
        date(1_136_214_245_000.0),
    )
    .unwrap();
    // Vector D signs only X-Sdk-Date; signRequest always signs Host too (fetch sends it),
    // which gives this signature (computed by the official Python signer with Host).
    assert!(s(&get(&signed, "headers"), "Authorization").unwrap().ends_with(
        "SignedHeaders=host;x-sdk-date, Signature=7eb88c06474c7197e670e0ae61651746453587eb5fad98074266578511cf3c01"
    ));
}

#[wasm_bindgen_test]
fn sign_errors_name_the_field() {
    let req = js(r#"{"method":"GET","url":"https://x.com/a","headers":{}}"#);
    let e = sign_request(req.clone(), js(r#"{"ak":"a"}"#), JsValue::UNDEFINED).unwrap_err();
    assert_dcs_error(e, "INVALID_ARGUMENT", "field", "cred.sk");
    let e = sign_request(
        js(r#"{"url":"https://x.com/"}"#),
        js(r#"{"ak":"a","sk":"b"}"#),
        JsValue::UNDEFINED,
    )
    .unwrap_err();
    assert_dcs_error(e, "INVALID_ARGUMENT", "field", "req.method");
    let e = sign_request(req, js(r#"{"ak":"a","sk":"b"}"#), js(r#"{"date":"today"}"#)).unwrap_err();
    assert_dcs_error(e, "INVALID_ARGUMENT", "field", "opts.date");
}
