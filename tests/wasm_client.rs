//! `DcsClient` as wasm, in Node (default) and headless Chromium (`WASM_BINDGEN_USE_BROWSER=1`),
//! against the strict mock DCS server (`node tests/with-mock.mjs -- cargo test ...` sets
//! `DCS_MOCK_URL` at compile time). Retries, concurrency and skew are checked with the
//! mock's own request counters.
#![cfg(target_arch = "wasm32")]

use dcs_tasks::client::DcsClient;
use js_sys::{Array, Function, Object, Promise, Reflect, JSON};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

const PROJECT: &str = "0123456789abcdef0123456789abcdef";
const AK: &str = "HPUAXXXXXXXXXXXXXXXX";
const SK: &str = "SKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSK";

fn mock() -> &'static str {
    match option_env!("DCS_MOCK_URL") {
        Some(u) => u,
        None => panic!("DCS_MOCK_URL is not set: run through `make test-wasm-node` / `make test-wasm-chromium` (tests/with-mock.mjs)"),
    }
}

fn js(json: &str) -> JsValue {
    JSON::parse(json).unwrap_or_else(|_| panic!("bad JSON in test: {json}"))
}

fn get(v: &JsValue, k: &str) -> JsValue {
    Reflect::get(v, &JsValue::from_str(k)).unwrap()
}

fn s(v: &JsValue, k: &str) -> Option<String> {
    get(v, k).as_string()
}

/// A unique instance ID per test run (the mock counts per instance).
fn inst(tokens: &str) -> String {
    let r = (js_sys::Math::random() * 1e9) as u64;
    format!("t{r}-{tokens}")
}

async fn fetch_json(url: &str, method: &str, body: Option<&str>) -> JsValue {
    let f: Function = get(&js_sys::global(), "fetch").dyn_into().unwrap();
    let init: JsValue = Object::new().into();
    Reflect::set(&init, &"method".into(), &method.into()).unwrap();
    if let Some(b) = body {
        Reflect::set(&init, &"body".into(), &b.into()).unwrap();
        // text/plain keeps it a simple request (no CORS preflight in the browser).
        let h = js(r#"{"Content-Type":"text/plain"}"#);
        Reflect::set(&init, &"headers".into(), &h).unwrap();
    }
    let p: Promise = f
        .call2(&JsValue::UNDEFINED, &url.into(), &init)
        .unwrap()
        .dyn_into()
        .unwrap();
    let resp = JsFuture::from(p).await.unwrap();
    let text: Promise = get(&resp, "text")
        .dyn_into::<Function>()
        .unwrap()
        .call0(&resp)
        .unwrap()
        .dyn_into()
        .unwrap();
    let t = JsFuture::from(text).await.unwrap().as_string().unwrap();
    if t.is_empty() {
        JsValue::NULL
    } else {
        js(&t)
    }
}

/// Requests the mock served for one instance.
async fn served(instance: &str) -> u32 {
    let st = fetch_json(&format!("{}/__mock/stats", mock()), "GET", None).await;
    get(&get(&st, "byInstance"), instance)
        .as_f64()
        .unwrap_or(0.0) as u32
}

fn client(extra: &str) -> DcsClient {
    let o = format!(
        r#"{{"endpoint":"{}","projectId":"{PROJECT}","auth":{{"ak":"{AK}","sk":"{SK}"}}{extra}}}"#,
        mock()
    );
    DcsClient::new(js(&o)).unwrap_or_else(|e| panic!("client: {:?}", s(&e, "message")))
}

async fn ok(p: Promise) -> JsValue {
    match JsFuture::from(p).await {
        Ok(v) => v,
        Err(e) => panic!("rejected: {:?} {:?}", s(&e, "code"), s(&e, "message")),
    }
}

async fn err(p: Promise) -> JsValue {
    match JsFuture::from(p).await {
        Ok(v) => panic!("expected an error, got {:?}", JSON::stringify(&v).ok()),
        Err(e) => {
            assert_eq!(s(&e, "name").as_deref(), Some("DcsError"), "{e:?}");
            e
        }
    }
}

fn no_opts() -> JsValue {
    JsValue::UNDEFINED
}

#[wasm_bindgen_test]
async fn lists_a_page_with_aksk() {
    let c = client("");
    let id = inst("n57");
    let list = ok(c.list_tasks(
        id.clone().into(),
        js(r#"{"offset":0,"limit":10}"#),
        no_opts(),
    ))
    .await;
    assert_eq!(get(&list, "taskCount").as_f64(), Some(57.0));
    let tasks: Array = get(&list, "tasks").dyn_into().unwrap();
    assert_eq!(tasks.length(), 10);
    let t = tasks.get(0);
    assert!(s(&t, "id").is_some() && s(&t, "name").is_some() && s(&t, "status").is_some());
    assert!(s(&t, "createdAt").unwrap().ends_with('Z'));
    assert!(get(&t, "details").is_object());
    assert_eq!(served(&id).await, 1);
}

#[wasm_bindgen_test]
async fn token_auth_works_and_a_wrong_sk_is_http_401() {
    let token = match option_env!("DCS_MOCK_TOKEN") {
        Some(t) => t,
        None => panic!("DCS_MOCK_TOKEN is not set: run through tests/with-mock.mjs"),
    };
    let o = format!(
        r#"{{"endpoint":"{}","projectId":"{PROJECT}","auth":{{"token":"{token}"}}}}"#,
        mock()
    );
    let c = DcsClient::new(js(&o)).unwrap();
    let list = ok(c.list_tasks(inst("n3").into(), no_opts(), no_opts())).await;
    assert_eq!(get(&list, "taskCount").as_f64(), Some(3.0));

    let o = format!(
        r#"{{"endpoint":"{}","projectId":"{PROJECT}","auth":{{"ak":"{AK}","sk":"WRONGWRONGWRONG"}}}}"#,
        mock()
    );
    let bad = DcsClient::new(js(&o)).unwrap();
    let id = inst("n3");
    let e = err(bad.list_tasks(id.clone().into(), no_opts(), no_opts())).await;
    assert_eq!(s(&e, "code").as_deref(), Some("HTTP_ERROR"));
    assert_eq!(get(&e, "status").as_f64(), Some(401.0));
    assert_eq!(s(&e, "errorCode").as_deref(), Some("APIGW.0301"));
    assert_eq!(s(&e, "requestId").map(|r| r.len()), Some(32));
    // 401 is never retried (and the mock's clock agrees with ours, so no skew retry).
    assert_eq!(served(&id).await, 1);
}

#[wasm_bindgen_test]
async fn list_all_fetches_pages_concurrently_in_order_with_progress() {
    let c = client("");
    let id = inst("n2345-slow-20");
    let events = Array::new();
    let ev2 = events.clone();
    let on_page = wasm_bindgen::closure::Closure::<dyn FnMut(JsValue)>::new(move |e: JsValue| {
        ev2.push(&e);
    });
    let o: JsValue = Object::new().into();
    Reflect::set(&o, &"onPage".into(), on_page.as_ref()).unwrap();
    let it = c
        .list_all_tasks(id.clone().into(), js(r#"{"pageSize":100}"#), o)
        .unwrap();
    let next: Function = get(&it, "next").dyn_into().unwrap();
    let mut ids = Vec::new();
    let mut last_created = String::from("9999");
    loop {
        let r = ok(next.call0(&it).unwrap().dyn_into().unwrap()).await;
        if get(&r, "done").as_bool() == Some(true) {
            break;
        }
        let t = get(&r, "value");
        let created = s(&t, "createdAt").unwrap();
        assert!(
            created <= last_created,
            "tasks out of order: {created} after {last_created}"
        );
        last_created = created;
        ids.push(s(&t, "id").unwrap());
    }
    assert_eq!(ids.len(), 2345);
    let mut uniq = ids.clone();
    uniq.sort();
    uniq.dedup();
    assert_eq!(uniq.len(), 2345, "duplicate tasks");
    assert_eq!(events.length(), 24, "one progress event per page");
    let last = events.get(23);
    assert_eq!(get(&last, "fetched").as_f64(), Some(2345.0));
    assert_eq!(get(&last, "total").as_f64(), Some(2345.0));
    assert_eq!(served(&id).await, 24);
    let st = fetch_json(&format!("{}/__mock/stats", mock()), "GET", None).await;
    let maxc = get(&st, "maxConcurrency").as_f64().unwrap();
    assert!(
        maxc >= 2.0,
        "pages were not fetched concurrently (max {maxc})"
    );
    drop(on_page);
}

#[wasm_bindgen_test]
async fn list_all_survives_shifting_pages_and_a_lying_count() {
    let c = client("");
    // Tasks inserted at the top before every page: offsets shift, duplicates are dropped.
    let id = inst("n450-insert3-slow-10");
    let before = fetch_json(&format!("{}/__mock/tasks/{id}", mock()), "GET", None).await;
    let before: Vec<String> = Array::from(&get(&before, "tasks"))
        .iter()
        .map(|t| s(&t, "id").unwrap())
        .collect();
    assert_eq!(before.len(), 450);
    let it = c
        .list_all_tasks(id.clone().into(), js(r#"{"pageSize":50}"#), no_opts())
        .unwrap();
    let got = drain_ids(&it).await;
    let lost = before.iter().filter(|i| !got.contains(*i)).count();
    assert_eq!(lost, 0, "lost tasks when pages shifted");
    // task_count claims 1000 more than exist: stops at the first empty page.
    let id = inst("n120-countplus1000");
    let it = c
        .list_all_tasks(id.clone().into(), js(r#"{"pageSize":50}"#), no_opts())
        .unwrap();
    assert_eq!(drain_ids(&it).await.len(), 120);
    assert!(served(&id).await <= 3 + 4, "kept paging past the data");
}

/// Every task ID of an iteration; fails on a duplicate.
async fn drain_ids(it: &JsValue) -> std::collections::HashSet<String> {
    let next: Function = get(it, "next").dyn_into().unwrap();
    let mut ids = std::collections::HashSet::new();
    loop {
        let r = ok(next.call0(it).unwrap().dyn_into().unwrap()).await;
        if get(&r, "done").as_bool() == Some(true) {
            return ids;
        }
        assert!(
            ids.insert(s(&get(&r, "value"), "id").unwrap()),
            "duplicate task"
        );
    }
}

#[wasm_bindgen_test]
async fn retries_5xx_and_429_but_never_4xx() {
    let c = client(r#","retries":2"#);
    // Always 500 (HTML): 1 + 2 retries, then HTTP_ERROR with an excerpt.
    let id = inst("n5-err502");
    let e = err(c.list_tasks(id.clone().into(), no_opts(), no_opts())).await;
    assert_eq!(s(&e, "code").as_deref(), Some("HTTP_ERROR"));
    assert_eq!(get(&e, "status").as_f64(), Some(502.0));
    assert!(
        s(&e, "message").unwrap().contains("502"),
        "{:?}",
        s(&e, "message")
    );
    assert!(!s(&e, "message").unwrap().contains('<'));
    assert_eq!(served(&id).await, 3);
    // 429 twice with Retry-After 0, then success.
    let id = inst("n5-throttlex2-ra0");
    ok(c.list_tasks(id.clone().into(), no_opts(), no_opts())).await;
    assert_eq!(served(&id).await, 3);
    // 500 once, then success.
    let id = inst("n5-err500x1");
    ok(c.list_tasks(id.clone().into(), no_opts(), no_opts())).await;
    assert_eq!(served(&id).await, 2);
    // A dropped connection is a network error: retried, then success.
    let id = inst("n5-dropx1");
    ok(c.list_tasks(id.clone().into(), no_opts(), no_opts())).await;
    assert_eq!(served(&id).await, 2);
    // 404 for a task that does not exist: not retried.
    let id = inst("n5");
    let e = err(c.show_task_progress(id.clone().into(), "nosuchtask".into(), no_opts())).await;
    assert_eq!(get(&e, "status").as_f64(), Some(404.0));
    assert_eq!(s(&e, "errorCode").as_deref(), Some("DCS.4012"));
    assert_eq!(served(&id).await, 1);
    // 403 (a project the credentials do not cover): not retried.
    let o = format!(
        r#"{{"endpoint":"{}","projectId":"ffffffffffffffffffffffffffffffff","auth":{{"ak":"{AK}","sk":"{SK}"}}}}"#,
        mock()
    );
    let other = DcsClient::new(js(&o)).unwrap();
    let id = inst("n5");
    let e = err(other.list_tasks(id.clone().into(), no_opts(), no_opts())).await;
    assert_eq!(get(&e, "status").as_f64(), Some(403.0));
    assert_eq!(served(&id).await, 1);
}

#[wasm_bindgen_test]
async fn bad_bodies_are_invalid_response() {
    let c = client("");
    for tokens in ["n5-trunc", "n5-html200"] {
        let id = inst(tokens);
        let e = err(c.list_tasks(id.clone().into(), no_opts(), no_opts())).await;
        assert_eq!(
            s(&e, "code").as_deref(),
            Some("INVALID_RESPONSE"),
            "{tokens}"
        );
        assert!(s(&e, "path").is_some());
        assert_eq!(
            served(&id).await,
            1,
            "{tokens}: a bad 200 body is not retried"
        );
    }
    // A body over the client's 32 MiB bound is refused (on Content-Length, before download).
    let e = err(c.list_tasks(inst("n5-huge40").into(), no_opts(), no_opts())).await;
    assert_eq!(s(&e, "code").as_deref(), Some("INVALID_RESPONSE"));
    assert!(s(&e, "message").unwrap().contains("limit"));
    // A 64 MiB body streamed with no Content-Length: stopped at the bound as it arrives.
    let e = err(c.list_tasks(inst("n5-stream64").into(), no_opts(), no_opts())).await;
    assert_eq!(s(&e, "code").as_deref(), Some("INVALID_RESPONSE"));
    assert!(
        s(&e, "message").unwrap().contains("33554432-byte limit"),
        "{:?}",
        s(&e, "message")
    );
    // The seed page's quirky body parses (default mode) with warnings, and fails strict.
    let id = inst("seedexample");
    let list = ok(c.list_tasks(id.clone().into(), no_opts(), no_opts())).await;
    assert_eq!(get(&list, "taskCount").as_f64(), Some(1.0));
    assert!(Array::from(&get(&list, "warnings")).length() >= 5);
    let strict = client(r#","strict":true"#);
    let e = err(strict.list_tasks(id.into(), no_opts(), no_opts())).await;
    assert_eq!(s(&e, "code").as_deref(), Some("INVALID_RESPONSE"));
}

#[wasm_bindgen_test]
async fn timeout_and_abort_are_distinct() {
    let c = client(r#","timeoutMs":300,"retries":0"#);
    let e = err(c.list_tasks(inst("n5-slow-3000").into(), no_opts(), no_opts())).await;
    assert_eq!(s(&e, "code").as_deref(), Some("TIMEOUT"));

    let c = client(r#","timeoutMs":10000"#);
    let ctl = Reflect::construct(
        &get(&js_sys::global(), "AbortController")
            .dyn_into::<Function>()
            .unwrap(),
        &Array::new(),
    )
    .unwrap();
    let o: JsValue = Object::new().into();
    Reflect::set(&o, &"signal".into(), &get(&ctl, "signal")).unwrap();
    let p = c.list_tasks(inst("n5-slow-3000").into(), no_opts(), o.clone());
    let abort: Function = get(&ctl, "abort").dyn_into().unwrap();
    let timer = Promise::new(&mut |res, _| {
        let set_timeout: Function = get(&js_sys::global(), "setTimeout").dyn_into().unwrap();
        set_timeout
            .call2(&JsValue::UNDEFINED, &res, &JsValue::from(100))
            .unwrap();
    });
    JsFuture::from(timer).await.unwrap();
    abort.call0(&ctl).unwrap();
    let e = err(p).await;
    assert_eq!(s(&e, "code").as_deref(), Some("ABORTED"));
    // An already-aborted signal stops listAllTasks before any request.
    let id = inst("n500");
    let it = c.list_all_tasks(id.clone().into(), no_opts(), o).unwrap();
    let next: Function = get(&it, "next").dyn_into().unwrap();
    let e = err(next.call0(&it).unwrap().dyn_into().unwrap()).await;
    assert_eq!(s(&e, "code").as_deref(), Some("ABORTED"));
    assert_eq!(served(&id).await, 0);
}

#[wasm_bindgen_test]
async fn clock_skew_is_corrected_once_and_kept() {
    let cfg = format!("{}/__mock/config", mock());
    fetch_json(&cfg, "POST", Some(r#"{"clockSkewMs":1200000}"#)).await;
    let c = client("");
    let id = inst("n5");
    let r = JsFuture::from(c.list_tasks(id.clone().into(), no_opts(), no_opts())).await;
    let second = inst("n5");
    let r2 = JsFuture::from(c.list_tasks(second.clone().into(), no_opts(), no_opts())).await;
    fetch_json(&cfg, "POST", Some(r#"{"clockSkewMs":0}"#)).await;
    assert!(
        r.is_ok(),
        "skewed call failed: {:?}",
        r.err().and_then(|e| s(&e, "message"))
    );
    assert_eq!(
        served(&id).await,
        2,
        "expected one rejected attempt, then a corrected one"
    );
    assert!(r2.is_ok());
    assert_eq!(served(&second).await, 1, "the offset was not kept");
}

#[wasm_bindgen_test]
async fn progress_and_delete() {
    let c = client("");
    let id = inst("n30-busy");
    let all = fetch_json(&format!("{}/__mock/tasks/{id}", mock()), "GET", None).await;
    let tasks = Array::from(&get(&all, "tasks"));
    let exec = tasks
        .iter()
        .find(|t| s(t, "status").as_deref() == Some("EXECUTING"))
        .expect("busy instance has an EXECUTING task");
    let p = ok(c.show_task_progress(id.clone().into(), get(&exec, "id"), no_opts())).await;
    let pct = get(&p, "progress").as_f64().unwrap();
    assert!((0.0..=100.0).contains(&pct));
    let steps = Array::from(&get(&p, "stepDetails"));
    assert!(steps.length() > 0);
    let step = steps.get(0);
    assert!(s(&step, "stepStatus").is_some());
    if let Some(b) = s(&step, "beginTime") {
        assert!(b.ends_with('Z') && b.contains('T'), "{b}");
    }
    // Deleting a running task is a 400 from the service: never retried.
    let before = served(&id).await;
    let e = err(c.delete_task(id.clone().into(), get(&exec, "id"), no_opts())).await;
    assert_eq!(get(&e, "status").as_f64(), Some(400.0));
    assert_eq!(s(&e, "errorCode").as_deref(), Some("DCS.4950"));
    assert_eq!(served(&id).await, before + 1);
    // Delete a finished task: then it is gone.
    let done = tasks
        .iter()
        .find(|t| matches!(s(t, "status").as_deref(), Some("SUCCESS") | Some("FAILED")))
        .unwrap();
    let tid = get(&done, "id");
    let v = ok(c.delete_task(id.clone().into(), tid.clone(), no_opts())).await;
    assert!(v.is_undefined());
    let e = err(c.delete_task(id.clone().into(), tid, no_opts())).await;
    assert_eq!(get(&e, "status").as_f64(), Some(404.0));
    // 204 variant.
    let id = inst("n30-del204");
    let all = fetch_json(&format!("{}/__mock/tasks/{id}", mock()), "GET", None).await;
    let done = Array::from(&get(&all, "tasks"))
        .iter()
        .find(|t| matches!(s(t, "status").as_deref(), Some("SUCCESS") | Some("FAILED")))
        .unwrap();
    assert!(ok(c.delete_task(id.into(), get(&done, "id"), no_opts()))
        .await
        .is_undefined());
}

#[wasm_bindgen_test]
async fn argument_errors_reject_before_any_request() {
    let c = client("");
    for (inst_id, q, field) in [
        ("a/b", "{}", "instanceId"),
        ("ok", r#"{"limit":0}"#, "limit"),
        ("ok", r#"{"offset":1.5}"#, "offset"),
        ("ok", r#"{"startTime":"2021-02-29T00:00:00Z"}"#, "startTime"),
    ] {
        let e = err(c.list_tasks(inst_id.into(), js(q), no_opts())).await;
        assert_eq!(s(&e, "code").as_deref(), Some("INVALID_ARGUMENT"));
        assert_eq!(s(&e, "field").as_deref(), Some(field));
    }
    let e = err(c.show_task_progress("ok".into(), "../x".into(), no_opts())).await;
    assert_eq!(s(&e, "field").as_deref(), Some("taskId"));
    for (o, field) in [
        (
            format!(
                r#"{{"endpoint":"{}","projectId":"p","auth":{{"token":"t"}},"headers":{{"Authorization":"x"}}}}"#,
                mock()
            ),
            "headers.Authorization",
        ),
        (
            format!(
                r#"{{"endpoint":"{}","projectId":"p","auth":{{"ak":"a","sk":"s"}},"headers":{{"x-auth-token":"x"}}}}"#,
                mock()
            ),
            "headers.x-auth-token",
        ),
        (
            format!(
                r#"{{"endpoint":"{}","projectId":"p","headers":{{"X-Sdk-Date":"x"}}}}"#,
                mock()
            ),
            "headers.X-Sdk-Date",
        ),
        (
            format!(
                r#"{{"endpoint":"{}","projectId":"p","headers":{{"Host":"evil"}}}}"#,
                mock()
            ),
            "headers.Host",
        ),
        (
            format!(
                r#"{{"endpoint":"{}","projectId":"p","retries":11}}"#,
                mock()
            ),
            "retries",
        ),
        (
            format!(
                r#"{{"endpoint":"{}","projectId":"p","timeoutMs":0}}"#,
                mock()
            ),
            "timeoutMs",
        ),
        (
            format!(
                r#"{{"endpoint":"{}","projectId":"p","auth":{{"ak":"a"}}}}"#,
                mock()
            ),
            "auth.sk",
        ),
        (
            format!(r#"{{"endpoint":"{}","projectId":"p","fetch":1}}"#, mock()),
            "fetch",
        ),
        (r#"{"projectId":"p"}"#.to_string(), "endpoint"),
    ] {
        let e = DcsClient::new(js(&o))
            .err()
            .unwrap_or_else(|| panic!("accepted {o}"));
        assert_eq!(s(&e, "field").as_deref(), Some(field), "{o}");
    }
}

#[wasm_bindgen_test]
async fn an_injected_fetch_is_used() {
    // A fetch that records the Request it is given and answers itself: the client must
    // call it (not the global one) and read its Response.
    let calls = Array::new();
    let c2 = calls.clone();
    let f = wasm_bindgen::closure::Closure::<dyn FnMut(JsValue) -> JsValue>::new(
        move |req: JsValue| {
            c2.push(&req);
            let body = r#"{"task_count":"1","tasks":[{"id":"injected-1","name":"Modify","status":"SUCCESS"}]}"#;
            let ctor: Function = get(&js_sys::global(), "Response").dyn_into().unwrap();
            let resp = Reflect::construct(&ctor, &Array::of1(&body.into())).unwrap();
            Promise::resolve(&resp).into()
        },
    );
    let o = js(&format!(
        r#"{{"endpoint":"{}","projectId":"{PROJECT}","auth":{{"ak":"{AK}","sk":"{SK}"}}}}"#,
        mock()
    ));
    Reflect::set(&o, &"fetch".into(), f.as_ref()).unwrap();
    let c = DcsClient::new(o).unwrap();
    let id = inst("n2");
    let list = ok(c.list_tasks(id.clone().into(), no_opts(), no_opts())).await;
    assert_eq!(calls.length(), 1);
    let req = calls.get(0);
    assert!(
        req.is_instance_of::<web_sys::Request>(),
        "called with a Request"
    );
    assert!(s(&req, "url").unwrap().contains("/tasks"));
    let signed = get(&get(&req, "headers"), "get")
        .dyn_into::<Function>()
        .unwrap()
        .call1(&get(&req, "headers"), &"authorization".into())
        .unwrap();
    assert!(signed.as_string().unwrap().starts_with("SDK-HMAC-SHA256 "));
    let tasks: Array = get(&list, "tasks").dyn_into().unwrap();
    assert_eq!(tasks.length(), 1);
    assert_eq!(s(&tasks.get(0), "id").as_deref(), Some("injected-1"));
    assert_eq!(served(&id).await, 0, "the global fetch was not used");
    drop(f);
}

/// A client (token auth, no retries) calling `f` instead of the global fetch.
fn client_with_fetch(f: &JsValue) -> DcsClient {
    let o = js(&format!(
        r#"{{"endpoint":"{}","projectId":"{PROJECT}","auth":{{"token":"t"}},"retries":0}}"#,
        mock()
    ));
    Reflect::set(&o, &"fetch".into(), f).unwrap();
    DcsClient::new(o).unwrap()
}

#[wasm_bindgen_test]
async fn a_fetch_of_another_realm_is_read() {
    // Another realm's fetch (the Edge Runtime's sandbox, a polyfill) returns a promise and a
    // Response that fail `instanceof` here: a thenable resolving to a Response-shaped object
    // stands for both. The client adopts the thenable and reads the response by its shape.
    let make = Function::new_with_args(
        "body",
        "return function (req) {
           const real = new Response(body, { headers: { 'x-request-id': 'realm-1' } });
           const foreign = { status: real.status, ok: true, headers: real.headers,
                             body: real.body, arrayBuffer: () => real.arrayBuffer() };
           return { then(ok, fail) { return Promise.resolve(foreign).then(ok, fail); } };
         };",
    );
    let body =
        r#"{"task_count":"1","tasks":[{"id":"realm-1","name":"Modify","status":"SUCCESS"}]}"#;
    let c = client_with_fetch(&make.call1(&JsValue::NULL, &body.into()).unwrap());
    let list = ok(c.list_tasks(inst("n1").into(), no_opts(), no_opts())).await;
    let tasks: Array = get(&list, "tasks").dyn_into().unwrap();
    assert_eq!(s(&tasks.get(0), "id").as_deref(), Some("realm-1"));

    // A thenable that rejects: a NETWORK error, never an unhandled rejection; neither a promise
    // nor a thenable: refused by name.
    for (fetch, code, says) in [
        (
            "return function () { return { then(ok, fail) { return Promise.reject(new TypeError('realm down')).then(ok, fail); } }; };",
            "NETWORK",
            "realm down",
        ),
        ("return function () { return 42; };", "NETWORK", "did not return a Promise"),
    ] {
        let c = client_with_fetch(&Function::new_no_args(fetch).call0(&JsValue::NULL).unwrap());
        let e = JsFuture::from(c.list_tasks(inst("n1").into(), no_opts(), no_opts()))
            .await
            .unwrap_err();
        assert_eq!(s(&e, "code").as_deref(), Some(code));
        assert!(s(&e, "message").unwrap().contains(says), "{fetch}");
    }
}
