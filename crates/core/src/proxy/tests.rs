//! The proxy's decisions, natively: configuration, access, routes, answers and the plan.

use super::*;
use crate::call::RawResponse;
use crate::policy::Delivery;
use dcs_tasks_parse::error::{DcsError, Reason};
use dcs_tasks_parse::model::{InstanceList, ParseOptions};

fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let v: Vec<(String, String)> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    move |k: &str| v.iter().find(|(kk, _)| kk == k).map(|(_, vv)| vv.clone())
}

const BASE: [(&str, &str); 4] = [
    ("HUAWEICLOUD_SDK_AK", "HPUAXXXXXXXXXXXXXXXX"),
    (
        "HUAWEICLOUD_SDK_SK",
        "SKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSK",
    ),
    (
        "HUAWEICLOUD_SDK_PROJECT_ID",
        "0123456789abcdef0123456789abcdef",
    ),
    ("DCS_REGION", "cn-north-4"),
];

fn cfg(extra: &[(&str, &str)]) -> ProxyConfig {
    let mut all = BASE.to_vec();
    all.extend_from_slice(extra);
    ProxyConfig::from_env(env(&all)).unwrap()
}

#[test]
fn config_errors_name_the_variable_never_the_value() {
    for (drop, var) in [
        ("HUAWEICLOUD_SDK_PROJECT_ID", "HUAWEICLOUD_SDK_PROJECT_ID"),
        ("HUAWEICLOUD_SDK_SK", "HUAWEICLOUD_SDK_SK"),
        ("HUAWEICLOUD_SDK_AK", "HUAWEICLOUD_SDK_AK"),
        ("DCS_REGION", "DCS_REGION"),
    ] {
        let all: Vec<(&str, &str)> = BASE.iter().copied().filter(|(k, _)| *k != drop).collect();
        let e = ProxyConfig::from_env(env(&all)).unwrap_err();
        assert_eq!(e.variable, var);
        assert!(!e.message.contains("SKSKSK"), "{}", e.message);
    }
    let mut all = BASE.to_vec();
    all.push(("DCS_ENDPOINT", "http://evil.example.com"));
    assert_eq!(
        ProxyConfig::from_env(env(&all)).unwrap_err().variable,
        "DCS_ENDPOINT"
    );
    let mut all = BASE.to_vec();
    all.push(("ALLOWED_ORIGINS", "*"));
    assert_eq!(
        ProxyConfig::from_env(env(&all)).unwrap_err().variable,
        "ALLOWED_ORIGINS"
    );
    let mut all = BASE.to_vec();
    all.push(("ENABLE_DELETE", "maybe"));
    assert_eq!(
        ProxyConfig::from_env(env(&all)).unwrap_err().variable,
        "ENABLE_DELETE"
    );
    let c = cfg(&[]);
    assert!(!format!("{c:?}").contains("SKSKSK"));
}

/// What the elements' build of the client asks (`query::api_*_request`) is routed to the
/// proxy's normalized routes with the same query, and carries no project header.
#[test]
fn the_page_builds_requests_route_to_the_normalized_routes() {
    use crate::query::{self, Arg, InstanceQuery, ListQuery};
    let c = cfg(&[]);
    let ep = crate::endpoint::parse_endpoint("https://proxy.example.com/dcs").unwrap();
    let s = |v: &str| Arg::Str(v.to_string());
    let target = |r: &query::HttpRequest| {
        assert!(
            r.url.starts_with("https://proxy.example.com/dcs/api/"),
            "{}",
            r.url
        );
        assert!(r.headers.iter().all(|(k, _)| k != "X-Project-Id"));
        r.url["https://proxy.example.com/dcs".len()..].to_string()
    };
    let lq = ListQuery::validate(
        &s("20"),
        &s("10"),
        &s("2026-12-01T00:00:00Z"),
        &s("2026-12-07T00:00:00Z"),
    )
    .unwrap();
    let r = query::api_list_request(&ep, "abc", &lq);
    assert_eq!(
        route("GET", &target(&r), &c),
        Ok(Route::ApiList {
            instance: "abc".into(),
            query: lq,
            all: false
        })
    );
    let r = query::api_progress_request(&ep, "abc", "t1");
    assert_eq!(
        route("GET", &target(&r), &c),
        Ok(Route::ApiProgress {
            instance: "abc".into(),
            task: "t1".into()
        })
    );
    let iq = InstanceQuery::validate(&s("red is"), &s("RUNNING"), &s("0"), &s("1000")).unwrap();
    let r = query::api_instances_request(&ep, &iq);
    assert_eq!(
        route("GET", &target(&r), &c),
        Ok(Route::ApiInstances {
            query: iq,
            all: false
        })
    );
}

#[test]
fn routes() {
    let c = cfg(&[("ENABLE_DELETE", "true")]);
    let p = "/v2/0123456789abcdef0123456789abcdef/instances/abc";
    assert!(matches!(
        route("GET", &format!("{p}/tasks?offset=0&limit=10"), &c),
        Ok(Route::MirrorList { .. })
    ));
    assert!(matches!(
        route("GET", &format!("{p}/tasks/t1/progress"), &c),
        Ok(Route::MirrorProgress { .. })
    ));
    assert!(matches!(
        route("DELETE", &format!("{p}/tasks/t1"), &c),
        Ok(Route::MirrorDelete { .. })
    ));
    assert!(matches!(
        route("GET", "/api/instances/abc/tasks?all=1", &c),
        Ok(Route::ApiList { all: true, .. })
    ));
    assert!(matches!(route("GET", "/index.html", &c), Ok(Route::Static)));
    assert_eq!(route("GET", "/healthz", &c), Ok(Route::Health));
    let c = cfg(&[]);
    assert_eq!(
        route("DELETE", &format!("{p}/tasks/t1"), &c)
            .unwrap_err()
            .code
            .as_str(),
        "DELETE_DISABLED"
    );
    assert_eq!(
        route("POST", &format!("{p}/tasks"), &c).unwrap_err().status,
        405
    );
    assert_eq!(
        route("GET", "/v2/other/instances/abc/tasks", &c)
            .unwrap_err()
            .status,
        403
    );
}

#[test]
fn injections_are_refused() {
    let c = cfg(&[]);
    let p = "/v2/0123456789abcdef0123456789abcdef/instances";
    for t in [
        format!("{p}/a%2Fb/tasks"),
        format!("{p}/../tasks"),
        format!("{p}/abc/tasks/..%2f..%2f/progress"),
        format!("{p}/abc%0d%0aX-Evil:1/tasks"),
        format!("{p}/abc\r\nX-Evil: 1/tasks"),
        "//evil.example.com/v2/x".to_string(),
        "http://evil.example.com/v2/x".to_string(),
        format!("{p}/abc%3Foffset=1/tasks"),
        format!("{p}/{}/tasks", "a".repeat(10_000)),
        format!("{p}/{}/tasks", "a".repeat(65)),
        format!("{p}/abc/tasks?offset=1&offset=2"),
        format!("{p}/abc/tasks?begin_time=20200101000000"),
        format!("{p}/abc/tasks?limit=10%26x"),
        format!("{p}/abc/tasks?start_time=2020-01-01"),
        format!("{p}/abc/tasks?limit=99999"),
        format!("{p}/a.b/tasks"),
        "/api/instances/abc/tasks?all=2".to_string(),
    ] {
        let r = route("GET", &t, &c);
        let e = r.expect_err(&t);
        assert!(e.status == 400 || e.status == 414, "{t}: {e:?}");
    }
}

#[test]
fn caller_auth_and_origins() {
    let c = cfg(&[
        ("PROXY_TOKEN", "0123456789abcdefXYZ"),
        ("ALLOWED_ORIGINS", "https://console.example.com"),
    ]);
    assert!(c.caller_authorized(Some("Bearer 0123456789abcdefXYZ"), None));
    assert!(c.caller_authorized(None, Some("0123456789abcdefXYZ")));
    assert!(!c.caller_authorized(Some("Bearer 0123456789abcdefXYz"), None));
    assert!(!c.caller_authorized(None, None));
    assert!(!c.caller_authorized(Some("Basic 0123456789abcdefXYZ"), None));
    // Non-ASCII around the scheme must not panic (found by the proxy_route fuzzer).
    assert!(!c.caller_authorized(Some("Bearé 0123456789abcdefXYZ"), None));
    assert!(!c.caller_authorized(Some("Bearer\u{e9}0123456789abcdefXYZ"), None));
    assert!(!c.caller_authorized(Some("ééééééé"), None));
    assert!(c.origin_allowed("https://console.example.com", "http://127.0.0.1:8787"));
    assert!(c.origin_allowed("http://127.0.0.1:8787", "http://127.0.0.1:8787"));
    assert!(!c.origin_allowed("https://evil.example.com", "http://127.0.0.1:8787"));
    assert!(ct_eq(b"abc", b"abc"));
    assert!(!ct_eq(b"abc", b"abd"));
    assert!(!ct_eq(b"abc", b"abcd"));
    assert!(!ct_eq(b"", b"a"));
}

#[test]
fn closed_by_default() {
    use Caller::{Loopback, Other};
    let base = cfg(&[]);
    let dev = cfg(&[("TRUST_LOOPBACK", "true")]);
    let read = cfg(&[("PUBLIC_ACCESS", "read")]);
    let tok = cfg(&[("PROXY_TOKEN", "0123456789abcdefXYZ")]);
    let both = cfg(&[
        ("PROXY_TOKEN", "0123456789abcdefXYZ"),
        ("PUBLIC_ACCESS", "Read"),
    ]);
    let good = |c: &ProxyConfig| c.caller_token(Some("Bearer 0123456789abcdefXYZ"), None);
    let wrong = |c: &ProxyConfig| c.caller_token(Some("Bearer nope"), None);
    let none = |c: &ProxyConfig| c.caller_token(None, None);
    let code = |r: Result<(), Refusal>| r.err().map(|r| (r.status, r.code.as_str()));
    // Nothing configured: nobody, loopback included; what a caller sends is no token.
    assert_eq!(good(&base), Token::Missing);
    for m in ["GET", "DELETE"] {
        for caller in [Loopback, Other] {
            assert_eq!(
                code(base.admit(m, caller, Token::Missing)),
                Some((401, "TOKEN_REQUIRED"))
            );
        }
        // TRUST_LOOPBACK: loopback callers only.
        assert_eq!(code(dev.admit(m, Loopback, Token::Missing)), None);
        assert_eq!(
            code(dev.admit(m, Other, Token::Missing)),
            Some((401, "TOKEN_REQUIRED"))
        );
    }
    // PUBLIC_ACCESS=read opens reads only, loopback or not.
    assert_eq!(code(read.admit("GET", Loopback, Token::Missing)), None);
    assert_eq!(
        code(read.admit("DELETE", Loopback, Token::Missing)),
        Some((401, "TOKEN_REQUIRED"))
    );
    // TRUST_LOOPBACK does not bypass a configured PROXY_TOKEN.
    let tok_dev = cfg(&[
        ("PROXY_TOKEN", "0123456789abcdefXYZ"),
        ("TRUST_LOOPBACK", "true"),
    ]);
    assert_eq!(
        code(tok_dev.admit("GET", Loopback, Token::Missing)),
        Some((401, "TOKEN_REQUIRED"))
    );
    assert!(!ProxyConfig::loopback_trusted(env(&[])));
    assert!(!ProxyConfig::loopback_trusted(env(&[(
        "TRUST_LOOPBACK",
        "maybe"
    )])));
    assert!(ProxyConfig::loopback_trusted(env(&[(
        "TRUST_LOOPBACK",
        "1"
    )])));
    let mut all = BASE.to_vec();
    all.push(("TRUST_LOOPBACK", "sure"));
    assert!(ProxyConfig::from_env(env(&all)).is_err_and(|e| e.variable == "TRUST_LOOPBACK"));
    assert_eq!(code(read.admit("GET", Other, Token::Missing)), None);
    assert_eq!(code(read.admit("HEAD", Other, Token::Missing)), None);
    assert_eq!(
        code(read.admit("DELETE", Other, Token::Missing)),
        Some((401, "TOKEN_REQUIRED"))
    );
    // PROXY_TOKEN: required from everyone, loopback too; wrong and missing told apart.
    for caller in [Loopback, Other] {
        assert_eq!(code(tok.admit("DELETE", caller, good(&tok))), None);
        assert_eq!(
            code(tok.admit("GET", caller, wrong(&tok))),
            Some((401, "UNAUTHORIZED"))
        );
        assert_eq!(
            code(tok.admit("GET", caller, none(&tok))),
            Some((401, "TOKEN_REQUIRED"))
        );
        assert_eq!(code(both.admit("GET", caller, none(&both))), None);
        assert_eq!(
            code(both.admit("DELETE", caller, none(&both))),
            Some((401, "TOKEN_REQUIRED"))
        );
        assert_eq!(code(both.admit("DELETE", caller, good(&both))), None);
    }
    let r = base.admit("GET", Other, Token::Missing).unwrap_err();
    assert!(
        r.message.contains("PROXY_TOKEN") && !r.message.contains("0123456789abcdef0123"),
        "{r:?}"
    );
    let mut all = BASE.to_vec();
    all.push(("PUBLIC_ACCESS", "all"));
    assert!(ProxyConfig::from_env(env(&all)).is_err_and(|e| e.variable == "PUBLIC_ACCESS"));
}

#[test]
fn loopback_callers() {
    let h = |pairs: &'static [(&'static str, &'static str)]| {
        move |k: &str| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    };
    assert_eq!(Caller::of(true, h(&[])), Caller::Loopback);
    assert_eq!(Caller::of(false, h(&[])), Caller::Other);
    assert_eq!(
        Caller::of(true, h(&[("x-forwarded-for", "127.0.0.1, ::1")])),
        Caller::Loopback
    );
    for relayed in [
        &[("cf-connecting-ip", "203.0.113.9")][..],
        &[("x-forwarded-for", "127.0.0.1, 203.0.113.9")],
        &[("x-real-ip", "10.0.0.1")],
        &[("forwarded", "for=127.0.0.1")],
        &[("x-forwarded-for", "")],
    ] {
        assert_eq!(Caller::of(true, h(relayed)), Caller::Other, "{relayed:?}");
    }
}

#[test]
fn static_assets() {
    assert_eq!(
        static_asset("/"),
        Some(("/index.html".into(), "text/html; charset=utf-8"))
    );
    assert_eq!(
        static_asset("/pkg/dcs_tasks_bg.wasm").unwrap().1,
        "application/wasm"
    );
    assert_eq!(
        static_asset("/app.js").unwrap().1,
        "text/javascript; charset=utf-8"
    );
    assert_eq!(static_asset("/a/../b.js"), None);
    assert_eq!(static_asset("/.env"), None);
    assert_eq!(static_asset("/a%2fb.js"), None);
    assert_eq!(static_asset("//x"), None);
    // folders and files of no known type are no files of the page (no directory listings)
    for p in ["/pkg", "/pkg/elements", "/Makefile", "/a.exe", "/pkg."] {
        assert_eq!(static_asset(p), None, "{p}");
    }
}

#[test]
fn upstream_answers_relayed_only_as_json() {
    let ok = |s, t: Option<&str>, b: &[u8]| {
        relay_check(s, t, b).map_err(|r| (r.status, r.code.as_str()))
    };
    assert_eq!(ok(200, Some("application/json"), b"{\"tasks\":[]}"), Ok(()));
    assert_eq!(
        ok(200, Some("Application/JSON; charset=UTF-8"), b"[]"),
        Ok(())
    );
    assert_eq!(ok(200, Some("application/problem+json"), b"{}"), Ok(()));
    assert_eq!(ok(404, None, b"{\"error_code\":\"DCS.4012\"}"), Ok(()));
    assert_eq!(ok(204, Some("text/html"), b""), Ok(()));
    // a JSON string holding a script is JSON: relayed, as application/json under the CSP
    assert_eq!(
        ok(
            200,
            Some("application/json"),
            b"\"<script>alert(1)</script>\""
        ),
        Ok(())
    );
    for (s, t, b) in [
        (200, Some("text/html"), &b"<script>alert(1)</script>"[..]),
        (200, Some("text/html"), b"{}"),
        (200, Some("application/json"), b"<html>"),
        (200, None, b"{\"a\":1} trailing"),
        (500, Some("application/json"), b"{"),
        (200, Some("application/jsonp"), b"{}"),
        (200, Some("application/+json"), b"{}"),
        (200, Some("text/json+json"), b"{}"),
    ] {
        assert_eq!(ok(s, t, b), Err((502, "BAD_UPSTREAM")), "{t:?} {b:?}");
    }
    for s in [300, 301, 302, 303, 307, 308, 399] {
        let e = relay_check(s, Some("application/json"), b"{}").unwrap_err();
        assert_eq!((e.status, e.code.as_str()), (502, "BAD_UPSTREAM"));
        assert!(e.message.contains(&s.to_string()), "{}", e.message);
    }
    let e = relay_check(200, Some("text/html"), b"<b>secret-bytes</b>").unwrap_err();
    assert!(!e.message.contains("secret-bytes") && e.message.contains("200"));
    // deep nesting is refused by serde_json's depth limit, not a stack overflow
    let deep = "[".repeat(100_000);
    assert!(relay_check(200, None, deep.as_bytes()).is_err());
}

#[test]
fn etags() {
    let t = etag(b"hello");
    assert_eq!(t.len(), 18);
    assert!(etag_matches(Some(&t), &t));
    assert!(etag_matches(Some(&format!("W/{t}, \"x\"")), &t));
    assert!(!etag_matches(Some("\"x\""), &t));
    assert!(!etag_matches(None, &t));
}

// ------------------------------------------------------------------------------- the plan

const PROJECT: &str = "0123456789abcdef0123456789abcdef";
const TOKEN: &str = "0123456789abcdefXYZ";
const ORIGIN: &str = "https://console.example.com";

fn env_of(extra: &[(&'static str, &'static str)]) -> Vec<(&'static str, &'static str)> {
    let mut all = BASE.to_vec();
    all.extend_from_slice(extra);
    all
}

/// Plans `method url` with `headers` (lower-case names) under `BASE` + `extra`.
fn plan_of(
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    extra: &[(&'static str, &'static str)],
) -> Plan {
    let e = env_of(extra);
    plan(
        method,
        url,
        |h| {
            headers
                .iter()
                .find(|(k, _)| *k == h)
                .map(|(_, v)| v.to_string())
        },
        |k| {
            e.iter()
                .find(|(kk, _)| *kk == k)
                .map(|(_, v)| v.to_string())
        },
    )
}

/// The finished answer of a plan that answers at once.
fn now(p: Plan) -> (Answer, Log) {
    match p.step {
        Step::Answer(a) => (a.finish(p.cors.as_deref()), p.log),
        s => panic!("not an answer now: {s:?}"),
    }
}

fn body_json(a: &Answer) -> serde_json::Value {
    serde_json::from_slice(a.body.as_deref().unwrap_or(b"null")).unwrap()
}

/// What every API answer carries.
fn assert_inert(a: &Answer) {
    assert_eq!(a.header("Content-Type"), Some(JSON_TYPE), "{a:?}");
    assert_eq!(a.header("X-Content-Type-Options"), Some("nosniff"));
    assert_eq!(a.header("Content-Security-Policy"), Some(API_CSP));
    assert_eq!(
        a.header("Vary"),
        Some("Origin, Authorization, X-Auth-Token")
    );
    assert_eq!(a.header("Location"), None);
}

fn error_of(a: &Answer) -> (u16, String) {
    assert_inert(a);
    assert_eq!(a.header("Cache-Control"), Some("no-store"));
    let b = body_json(a);
    (a.status, b["code"].as_str().unwrap_or("").to_string())
}

const DEV: [(&str, &str); 1] = [("TRUST_LOOPBACK", "true")];
const LOCAL: &str = "http://127.0.0.1:8787";

#[test]
fn plan_refuses_a_url_it_cannot_read_and_a_refused_configuration() {
    let (a, log) = now(plan_of("GET", "not a url", &[], &DEV));
    assert_eq!(error_of(&a), (400, "INVALID_REQUEST".into()));
    assert_eq!(log.code.map(ProxyCode::as_str), Some("INVALID_REQUEST"));
    for (trust, told) in [("true", true), ("false", false)] {
        let e = [("PROXY_TOKEN", "shortLEAK42"), ("TRUST_LOOPBACK", trust)];
        let (a, log) = now(plan_of("GET", &format!("{LOCAL}/healthz"), &[], &e));
        assert_eq!(error_of(&a), (500, "CONFIG_ERROR".into()));
        let m = body_json(&a)["message"].as_str().unwrap().to_string();
        assert_eq!(m.contains("PROXY_TOKEN"), told, "{m}");
        assert!(!m.contains("LEAK") && !log.note.as_deref().unwrap().contains("LEAK"));
        assert!(log.note.unwrap().starts_with("PROXY_TOKEN must be"));
    }
    // a caller from elsewhere is never told, TRUST_LOOPBACK or not
    let e = [("PROXY_TOKEN", "short"), ("TRUST_LOOPBACK", "true")];
    let (a, _) = now(plan_of("GET", "https://p.example.com/api/config", &[], &e));
    assert_eq!(
        body_json(&a)["message"],
        "proxy misconfigured: see the proxy's log"
    );
}

#[test]
fn plan_cors_and_preflight() {
    let url = format!("{LOCAL}/api/config");
    let allowed = [("TRUST_LOOPBACK", "true"), ("ALLOWED_ORIGINS", ORIGIN)];
    let (a, _) = now(plan_of("GET", &url, &[("origin", ORIGIN)], &allowed));
    assert_eq!(a.status, 200);
    assert_eq!(a.header("Access-Control-Allow-Origin"), Some(ORIGIN));
    assert_eq!(
        a.header("Access-Control-Expose-Headers"),
        Some("X-Request-Id, ETag")
    );
    // the proxy's own origin is always allowed
    let (a, _) = now(plan_of("GET", &url, &[("origin", LOCAL)], &DEV));
    assert_eq!(a.header("Access-Control-Allow-Origin"), Some(LOCAL));
    // a foreign origin: 403, no CORS header
    let (a, _) = now(plan_of(
        "GET",
        &url,
        &[("origin", "https://evil.example.com")],
        &allowed,
    ));
    assert_eq!(error_of(&a), (403, "FORBIDDEN_ORIGIN".into()));
    assert_eq!(a.header("Access-Control-Allow-Origin"), None);
    // preflight: 204, no body, the methods this proxy takes
    // the same whether ENABLE_DELETE is set or not: a preflight carries no credentials
    for (delete, methods) in [
        ("false", "GET, DELETE, OPTIONS"),
        ("true", "GET, DELETE, OPTIONS"),
    ] {
        let e = [("ALLOWED_ORIGINS", ORIGIN), ("ENABLE_DELETE", delete)];
        let (a, log) = now(plan_of("OPTIONS", &url, &[("origin", ORIGIN)], &e));
        assert_eq!((a.status, a.body.is_none()), (204, true));
        assert_eq!(a.header("Access-Control-Allow-Methods"), Some(methods));
        assert!(a
            .header("Access-Control-Allow-Headers")
            .unwrap()
            .contains("Authorization"));
        assert_eq!(a.header("Access-Control-Max-Age"), Some("600"));
        assert_eq!(a.header("Access-Control-Allow-Origin"), Some(ORIGIN));
        assert_eq!(log.route, "preflight");
    }
}

#[test]
fn plan_admits_before_anything_else() {
    let api = [
        ("GET", format!("/v2/{PROJECT}/instances/i1/tasks")),
        (
            "GET",
            format!("/v2/{PROJECT}/instances/i1/tasks/t1/progress"),
        ),
        ("DELETE", format!("/v2/{PROJECT}/instances/i1/tasks/t1")),
        ("GET", format!("/v2/{}/instances/i1/tasks", "f".repeat(32))),
        ("GET", "/api/instances/i1/tasks?all=1".to_string()),
        ("GET", "/api/instances/a%2Fb/tasks".to_string()),
        ("POST", "/api/instances/i1/tasks".to_string()),
        ("GET", "/api/config".to_string()),
    ];
    for host in [LOCAL, "https://dcs-tasks.example.workers.dev"] {
        for (m, path) in &api {
            // nothing configured: 401 even on loopback (no TRUST_LOOPBACK)
            let (a, _) = now(plan_of(m, &format!("{host}{path}"), &[], &[]));
            assert_eq!(error_of(&a), (401, "TOKEN_REQUIRED".into()), "{m} {path}");
            assert_eq!(a.header("WWW-Authenticate"), Some("Bearer"));
            assert!(!String::from_utf8_lossy(a.body.as_deref().unwrap()).contains(PROJECT));
            // a wrong token
            let e = [("PROXY_TOKEN", TOKEN)];
            let auth = [("authorization", "Bearer nope-nope-nope")];
            let (a, _) = now(plan_of(m, &format!("{host}{path}"), &auth, &e));
            assert_eq!(error_of(&a), (401, "UNAUTHORIZED".into()));
        }
        // /healthz and the page stay open
        let (a, _) = now(plan_of("GET", &format!("{host}/healthz"), &[], &[]));
        assert_eq!(
            (a.status, body_json(&a)["status"].as_str()),
            (200, Some("ok"))
        );
        assert!(matches!(
            plan_of("GET", &format!("{host}/"), &[], &[]).step,
            Step::Asset { .. }
        ));
    }
    // a loopback Host relayed from elsewhere is not loopback, even with TRUST_LOOPBACK
    let relayed = [("x-forwarded-for", "198.51.100.4")];
    let (a, _) = now(plan_of(
        "GET",
        &format!("{LOCAL}/api/config"),
        &relayed,
        &DEV,
    ));
    assert_eq!(a.status, 401);
    // the token, by Bearer or X-Auth-Token
    let e = [("PROXY_TOKEN", TOKEN)];
    let bearer = format!("Bearer {TOKEN}");
    for h in [("authorization", bearer.as_str()), ("x-auth-token", TOKEN)] {
        let (a, _) = now(plan_of("GET", "https://p.example.com/api/config", &[h], &e));
        assert_eq!(a.status, 200, "{h:?}");
    }
}

#[test]
fn plan_routes_refusals_and_answers_now() {
    type Vars = &'static [(&'static str, &'static str)];
    let cases: [(&str, String, Vars, u16, &str); 8] = [
        ("GET", "/api/nope".into(), &DEV, 404, "NOT_FOUND"),
        ("PUT", "/index.html".into(), &DEV, 405, "METHOD_NOT_ALLOWED"),
        (
            "POST",
            "/api/instances/i1/tasks".into(),
            &DEV,
            405,
            "METHOD_NOT_ALLOWED",
        ),
        (
            "GET",
            "/v2/other/instances/i1/tasks".into(),
            &DEV,
            403,
            "FORBIDDEN_PROJECT",
        ),
        (
            "DELETE",
            format!("/v2/{PROJECT}/instances/i1/tasks/t1"),
            &DEV,
            403,
            "DELETE_DISABLED",
        ),
        (
            "GET",
            format!("/api/instances/{}/tasks", "a".repeat(3000)),
            &DEV,
            414,
            "INVALID_REQUEST",
        ),
        (
            "GET",
            "/api/instances/i1/tasks?all=1&offset=5".into(),
            &DEV,
            400,
            "INVALID_REQUEST",
        ),
        (
            "GET",
            "/api/instances/other/tasks".into(),
            &[("TRUST_LOOPBACK", "true"), ("ALLOWED_INSTANCES", "i1,i2")],
            403,
            "FORBIDDEN_INSTANCE",
        ),
    ];
    for (m, path, e, status, code) in cases {
        let (a, log) = now(plan_of(m, &format!("{LOCAL}{path}"), &[], e));
        assert_eq!(error_of(&a), (status, code.to_string()), "{m} {path}");
        assert_eq!(log.code.map(ProxyCode::as_str), Some(code));
    }
    let (a, log) = now(plan_of(
        "GET",
        &format!("{LOCAL}/api/config"),
        &[],
        &[("TRUST_LOOPBACK", "true"), ("DEMO_INSTANCE", "demo-1")],
    ));
    assert_inert(&a);
    assert_eq!(log.route, "config");
    let b = body_json(&a);
    assert_eq!(
        (b["projectId"].as_str(), b["demoInstance"].as_str()),
        (Some(PROJECT), Some("demo-1"))
    );
    assert_eq!(b["enableDelete"], false);
}

#[test]
fn plan_static_files() {
    let p = plan_of("GET", &format!("{LOCAL}/?instance=x"), &[], &[]);
    assert_eq!(p.log.route, "static");
    match p.step {
        Step::Asset { url, content_type } => {
            assert_eq!(url, format!("{LOCAL}/index.html"));
            assert_eq!(content_type, "text/html; charset=utf-8");
        }
        s => panic!("{s:?}"),
    }
    let page =
        answers::asset(Ok(Some(b"<html>".to_vec())), "text/html; charset=utf-8").finish(None);
    assert_eq!(page.header("Content-Security-Policy"), Some(PAGE_CSP));
    assert_eq!(page.header("Referrer-Policy"), Some("no-referrer"));
    assert_eq!(page.header("Cache-Control"), Some("no-cache"));
    let js = answers::asset(Ok(Some(b"x".to_vec())), "text/javascript; charset=utf-8").finish(None);
    assert_eq!(js.header("Content-Security-Policy"), Some(API_CSP));
    assert_eq!(
        error_of(&answers::asset(Ok(None), "text/html").finish(None)),
        (404, "NOT_FOUND".into())
    );
    assert_eq!(
        error_of(&answers::asset(Err(()), "text/html").finish(None)),
        (502, "ASSETS_ERROR".into())
    );
    let (a, _) = now(plan_of("GET", &format!("{LOCAL}/.env"), &[], &[]));
    assert_eq!(error_of(&a), (404, "NOT_FOUND".into()));
}

fn upstream_of(p: Plan) -> Upstream {
    match p.step {
        Step::Upstream(u) => *u,
        s => panic!("not an upstream call: {s:?}"),
    }
}

fn raw(status: u16, content_type: Option<&str>, body: &str) -> RawResponse {
    RawResponse {
        status,
        request_id: Some("rid-1".into()),
        date: None,
        retry_after: None,
        content_type: content_type.map(str::to_string),
        body: body.as_bytes().to_vec(),
    }
}

const LIST: &str = r#"{"task_count":"1","tasks":[{"id":"t1","name":"Modify","status":"SUCCESS","created_at":"2024-06-30T10:05:58.372Z"}]}"#;

#[test]
fn plan_upstream_calls_and_their_answers() {
    let url = format!("{LOCAL}/v2/{PROJECT}/instances/i1/tasks?offset=3&limit=7");
    let up = upstream_of(plan_of("GET", &url, &[], &DEV));
    match &up.call {
        Call::Mirror {
            request,
            list: true,
        } => {
            assert!(
                request.url.ends_with(
                    "/v2/0123456789abcdef0123456789abcdef/instances/i1/tasks?offset=3&limit=7"
                ),
                "{}",
                request.url
            );
        }
        c => panic!("{c:?}"),
    }
    assert_eq!((up.call.retries(), up.call.passes_through()), (0, true));
    // relayed as JSON, cacheable, its request ID kept
    let a = up
        .finish(Ok(raw(200, Some("application/json"), LIST)))
        .finish(None);
    assert_inert(&a);
    assert_eq!(a.body.as_deref(), Some(LIST.as_bytes()));
    assert_eq!(a.header("Cache-Control"), Some("private, max-age=5"));
    assert_eq!(a.header("X-Request-Id"), Some("rid-1"));
    let tag = a.header("ETag").unwrap().to_string();
    // If-None-Match: 304, no body
    let inm = [("if-none-match", tag.as_str())];
    let up2 = upstream_of(plan_of("GET", &url, &inm, &DEV));
    let a = up2.finish(Ok(raw(200, None, LIST))).finish(None);
    assert_eq!((a.status, a.body.is_none()), (304, true));
    // hostile upstreams: HTML, a redirect
    for (s, ct, body) in [
        (200, "text/html", "<script>x</script>"),
        (302, "text/html", "moved"),
    ] {
        let a = up.finish(Ok(raw(s, Some(ct), body))).finish(None);
        assert_eq!(error_of(&a), (502, "BAD_UPSTREAM".into()));
        assert!(!String::from_utf8_lossy(a.body.as_deref().unwrap()).contains(body));
        assert_eq!(a.header("X-Request-Id"), Some("rid-1"));
    }
    // a 4xx JSON error is mirrored, never cached
    let a = up
        .finish(Ok(raw(
            404,
            Some("application/json"),
            r#"{"error_code":"DCS.4012"}"#,
        )))
        .finish(None);
    assert_eq!(
        (a.status, a.header("Cache-Control")),
        (404, Some("no-store"))
    );

    // the normalized list: with retries, no pass-through
    let up = upstream_of(plan_of(
        "GET",
        &format!("{LOCAL}/api/instances/i1/tasks?limit=2"),
        &[],
        &DEV,
    ));
    assert!(matches!(up.call, Call::List { .. }));
    assert_eq!(
        (up.call.retries(), up.call.passes_through()),
        (UPSTREAM_RETRIES, false)
    );
    let a = up.finish(Ok(raw(200, None, LIST))).finish(None);
    assert_inert(&a);
    assert_eq!(body_json(&a)["taskCount"], 1);
    assert!(a.header("ETag").is_some());
    let a = up.finish(Ok(raw(200, None, "{"))).finish(None);
    assert_eq!(error_of(&a), (502, "INVALID_RESPONSE".into()));
    // upstream failures
    let http = |s| DcsError::http(s, None, None, None, Some("rid-2".into()));
    let too_large =
        DcsError::invalid_response("$", "whatever the words").because(Reason::BodyTooLarge);
    for (e, status, code) in [
        (DcsError::timeout("t"), 504, "UPSTREAM_TIMEOUT"),
        (DcsError::network("n"), 502, "UPSTREAM_UNREACHABLE"),
        (too_large, 502, "UPSTREAM_TOO_LARGE"),
        (http(500), 502, "HTTP_ERROR"),
        (http(404), 404, "HTTP_ERROR"),
        (http(301), 502, "BAD_UPSTREAM"),
    ] {
        let a = up.finish(Err(e)).finish(None);
        assert_eq!(error_of(&a), (status, code.to_string()));
    }
    // progress: never cached
    let up = upstream_of(plan_of(
        "GET",
        &format!("{LOCAL}/api/instances/i1/tasks/t1/progress"),
        &[],
        &DEV,
    ));
    assert!(matches!(up.call, Call::Progress { .. }));
    let a = up
        .finish(Ok(raw(
            200,
            None,
            include_str!("../../../../tests/fixtures/progress.json"),
        )))
        .finish(None);
    assert_eq!(
        (a.status, a.header("Cache-Control")),
        (200, Some("no-store"))
    );
    // all=1: the whole listing, at the API's largest page whatever `limit` says
    let listing = match plan_of(
        "GET",
        &format!("{LOCAL}/api/instances/i1/tasks?all=1&limit=1"),
        &[],
        &DEV,
    )
    .step
    {
        Step::Listing(l) => l,
        s => panic!("{s:?}"),
    };
    assert_eq!(listing.instance, "i1");
    assert_eq!((listing.query.offset, listing.query.limit), (None, None));
    assert_eq!(ALL_PAGE_SIZE, 1000);
    let e = check_all_total(MAX_ALL_TASKS + 1).unwrap_err();
    assert_eq!(e.reason, Some(Reason::TooManyTasks));
    assert!(e.message.contains("20000"));
    assert!(check_all_total(MAX_ALL_TASKS).is_ok());
    let e = check_all_instances(MAX_ALL_INSTANCES + 1).unwrap_err();
    assert_eq!(e.reason, Some(Reason::TooManyInstances));
    assert!(check_all_instances(MAX_ALL_INSTANCES).is_ok());
    assert_eq!(
        error_of(&listing.finish(Err(e)).finish(None)),
        (400, "INVALID_REQUEST".into())
    );
    assert_eq!(listing.finish(Ok(Vec::new())).finish(None).status, 200);
}

#[test]
fn plan_log_line() {
    let p = plan_of(
        "GET",
        &format!("{LOCAL}/api/instances/i1/tasks?limit=2&secret=x"),
        &[("authorization", "Bearer zzz")],
        &DEV,
    );
    assert_eq!(
        p.log.route, "unrouted",
        "an unknown query key is refused before routing"
    );
    let (a, mut log) = now(p);
    log.upstream_calls = Some(3);
    let line: serde_json::Value = serde_json::from_str(&log.line(a.status, 12.4)).unwrap();
    assert_eq!(line["path"], "/api/instances/i1/tasks");
    assert_eq!(line["status"], 400);
    assert_eq!(line["code"], "INVALID_REQUEST");
    assert_eq!(line["ms"], 12);
    assert_eq!(line["upstreamCalls"], 3);
    assert!(!line.to_string().contains("zzz") && !line.to_string().contains("secret"));
}

const INSTANCES: &str = r#"{"instance_num":3,"instances":[
  {"instance_id":"i1","name":"orders","status":"RUNNING","capacity":0,"capacity_minor":"0.125"},
  {"instance_id":"i2","name":"sessions","status":"RUNNING","port":"6379"},
  {"instance_id":"i3","name":"cart","status":"FROZEN"}]}"#;

fn instance_listing(p: Plan) -> InstanceGathering {
    match p.step {
        Step::Instances(l) => *l,
        s => panic!("not an instance listing: {s:?}"),
    }
}

fn delivered(body: &str) -> Vec<Delivery<InstanceList>> {
    let list =
        crate::instances::parse_list_instances_response(body.as_bytes(), ParseOptions::default())
            .unwrap();
    let total = list.instance_count;
    vec![Delivery {
        list,
        fetched: 3,
        total,
    }]
}

#[test]
fn instance_routes() {
    let c = cfg(&[]);
    let q = |t: &str| route("GET", t, &c);
    assert!(matches!(
        q("/api/instances"),
        Ok(Route::ApiInstances { all: false, .. })
    ));
    match q("/api/instances?name=orders%20cache&status=RUNNING&offset=2&limit=5&all=0") {
        Ok(Route::ApiInstances { query, all: false }) => {
            assert_eq!(query.name.as_deref(), Some("orders cache"));
            assert_eq!((query.offset, query.limit), (Some(2), Some(5)));
        }
        r => panic!("{r:?}"),
    }
    assert!(matches!(
        q("/api/instances?all=1"),
        Ok(Route::ApiInstances { all: true, .. })
    ));
    for (t, word) in [
        ("/api/instances?limit=0", "limit"),
        ("/api/instances?limit=1001", "limit"),
        ("/api/instances?offset=-1", "offset"),
        ("/api/instances?status=running", "status"),
        ("/api/instances?name=", "name"),
        ("/api/instances?name=%FF", "name"),
        ("/api/instances?all=2", "all"),
        ("/api/instances?limt=2", "limt"),
        ("/api/instances?name=a&name=b", "name"),
        ("/api/instances?instance_id=i1", "instance_id"),
    ] {
        let r = q(t).unwrap_err();
        assert_eq!((r.status, r.code.as_str()), (400, "INVALID_REQUEST"), "{t}");
        assert!(r.message.contains(word), "{t}: {}", r.message);
    }
    assert_eq!(route("POST", "/api/instances", &c).unwrap_err().status, 405);
    // The mirror: the documented parameters the official SDKs send, rebuilt encoded.
    let p = "/v2/0123456789abcdef0123456789abcdef/instances";
    match q(&format!(
        "{p}?offset=0&limit=10&name=a%20b&name_equal=false&include_failure=true&tags=k%3Dv&status=RUNNING&instance_id=i1&ip=10.0.0.1&include_delete=false"
    )) {
        Ok(Route::MirrorInstances {
            query,
            filter,
            offset,
            limit,
        }) => {
            assert_eq!(
                query,
                "offset=0&limit=10&name=a%20b&name_equal=false&include_failure=true&tags=k%3Dv&status=RUNNING&instance_id=i1&ip=10.0.0.1&include_delete=false"
            );
            // the same without the window, which is kept apart
            assert_eq!(
                filter,
                "name=a%20b&name_equal=false&include_failure=true&tags=k%3Dv&status=RUNNING&instance_id=i1&ip=10.0.0.1&include_delete=false"
            );
            assert_eq!((offset, limit), (Some(0), Some(10)));
        }
        r => panic!("{r:?}"),
    }
    match q(&format!("{p}?limit=7&status=RUNNING&offset=30")) {
        Ok(Route::MirrorInstances {
            query,
            filter,
            offset,
            limit,
        }) => {
            assert_eq!(query, "limit=7&status=RUNNING&offset=30");
            assert_eq!(filter, "status=RUNNING");
            assert_eq!((offset, limit), (Some(30), Some(7)));
        }
        r => panic!("{r:?}"),
    }
    assert!(matches!(q(p), Ok(Route::MirrorInstances { .. })));
    for t in [
        format!("{p}?limit=5000"),
        format!("{p}?foo=1"),
        format!("{p}?name=%0A"),
        format!("{p}?offset=x"),
    ] {
        assert_eq!(q(&t).unwrap_err().status, 400, "{t}");
    }
    assert_eq!(q("/v2/other/instances").unwrap_err().status, 403);
    assert_eq!(route("DELETE", p, &c).unwrap_err().status, 405);
}

#[test]
fn plan_instance_routes_and_their_answers() {
    // The normalized page: one upstream call with retries; the InstanceList.
    let url = format!("{LOCAL}/api/instances?name=orders&limit=20");
    let up = upstream_of(plan_of("GET", &url, &[], &DEV));
    match &up.call {
        Call::Instances { request } => assert!(
            request
                .url
                .ends_with("/v2/0123456789abcdef0123456789abcdef/instances?name=orders&limit=20"),
            "{}",
            request.url
        ),
        c => panic!("{c:?}"),
    }
    assert_eq!(
        (up.call.retries(), up.call.passes_through()),
        (UPSTREAM_RETRIES, false)
    );
    let a = up.finish(Ok(raw(200, None, INSTANCES))).finish(None);
    assert_inert(&a);
    let b = body_json(&a);
    assert_eq!(b["instanceCount"], 3);
    assert_eq!(b["instances"][0]["capacity"], 0.125);
    assert_eq!(b["instances"][1]["port"], 6379);
    assert_eq!(b["warnings"][0]["path"], "instances[1].port");
    assert!(a.header("ETag").is_some());
    let a = up
        .finish(Ok(raw(200, None, r#"{"instance_num":1}"#)))
        .finish(None);
    assert_eq!(error_of(&a), (502, "INVALID_RESPONSE".into()));
    // The mirror: one attempt, relayed as sent, cacheable.
    let url = format!("{LOCAL}/v2/{PROJECT}/instances?limit=1000&offset=0");
    let up = upstream_of(plan_of("GET", &url, &[], &DEV));
    assert!(matches!(up.call, Call::Mirror { list: true, .. }));
    let a = up
        .finish(Ok(raw(200, Some("application/json"), INSTANCES)))
        .finish(None);
    assert_eq!(a.body.as_deref(), Some(INSTANCES.as_bytes()));
    // all=1: every page; offset refused; limit ignored.
    let l = instance_listing(plan_of(
        "GET",
        &format!("{LOCAL}/api/instances?all=1&limit=1&status=RUNNING"),
        &[],
        &DEV,
    ));
    assert_eq!(
        (l.query.offset, l.query.limit, l.window),
        (None, None, None)
    );
    assert_eq!(l.query.status.as_deref(), Some("RUNNING"));
    let a = l.finish(Ok(delivered(INSTANCES))).finish(None);
    assert_eq!(body_json(&a)["instances"].as_array().unwrap().len(), 3);
    let (a, _) = now(plan_of(
        "GET",
        &format!("{LOCAL}/api/instances?all=1&offset=1"),
        &[],
        &DEV,
    ));
    assert_eq!(error_of(&a), (400, "INVALID_REQUEST".into()));
    let e = check_all_instances(MAX_ALL_INSTANCES + 1).unwrap_err();
    assert_eq!(
        error_of(&l.finish(Err(e)).finish(None)),
        (400, "INVALID_REQUEST".into())
    );
    assert!(check_all_instances(MAX_ALL_INSTANCES).is_ok());
}

#[test]
fn allowed_instances_filter_the_instance_list() {
    let only = [
        ("TRUST_LOOPBACK", "true"),
        ("ALLOWED_INSTANCES", "i3,i1,i9"),
    ];
    // Any /api/instances gathers the whole list, keeps the allowed ones, then pages them:
    // instanceCount counts the allowed instances matching (i1, i3), not the upstream's 3.
    let l = instance_listing(plan_of(
        "GET",
        &format!("{LOCAL}/api/instances?limit=1&offset=1"),
        &[],
        &only,
    ));
    assert_eq!(l.window, Some((1, 1)));
    assert_eq!((l.query.offset, l.query.limit), (None, None));
    let b = body_json(&l.finish(Ok(delivered(INSTANCES))).finish(None));
    assert_eq!(b["instanceCount"], 2);
    let ids: Vec<&str> = b["instances"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["instanceId"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["i3"]);
    let l = instance_listing(plan_of(
        "GET",
        &format!("{LOCAL}/api/instances"),
        &[],
        &only,
    ));
    assert_eq!(l.window, Some((0, DEFAULT_INSTANCE_LIMIT)));
    let b = body_json(&l.finish(Ok(delivered(INSTANCES))).finish(None));
    assert_eq!(b["instanceCount"], 2);
    assert_eq!(b["instances"].as_array().unwrap().len(), 2);
    let l = instance_listing(plan_of(
        "GET",
        &format!("{LOCAL}/api/instances?all=1"),
        &[],
        &only,
    ));
    let b = body_json(&l.finish(Ok(delivered(INSTANCES))).finish(None));
    assert_eq!(
        (
            b["instanceCount"].as_u64(),
            b["instances"].as_array().unwrap().len()
        ),
        (Some(2), 2)
    );
    // The raw mirror is gathered too (see the mirror tests below).
    assert!(matches!(
        plan_of(
            "GET",
            &format!("{LOCAL}/v2/{PROJECT}/instances"),
            &[],
            &only
        )
        .step,
        Step::MirrorInstances(_)
    ));
    // The same access rules as the other routes: closed without the token.
    let (a, _) = now(plan_of("GET", &format!("{LOCAL}/api/instances"), &[], &[]));
    assert_eq!(error_of(&a), (401, "TOKEN_REQUIRED".into()));
    let (a, _) = now(plan_of(
        "GET",
        &format!("{LOCAL}/v2/{PROJECT}/instances"),
        &[],
        &[],
    ));
    assert_eq!(error_of(&a).0, 401);
    let tok = [(
        "PROXY_TOKEN",
        "0123456789abcdef0123456789abcdef0123456789abcdef",
    )];
    let bearer = [(
        "authorization",
        "Bearer 0123456789abcdef0123456789abcdef0123456789abcdef",
    )];
    assert!(matches!(
        plan_of(
            "GET",
            "https://proxy.example.com/api/instances",
            &bearer,
            &tok
        )
        .step,
        Step::Upstream(_)
    ));
    let wrong = [("authorization", "Bearer wrong")];
    let (a, _) = now(plan_of(
        "GET",
        "https://proxy.example.com/api/instances",
        &wrong,
        &tok,
    ));
    assert_eq!(error_of(&a), (401, "UNAUTHORIZED".into()));
}

/// The ListInstances mirror under `ALLOWED_INSTANCES`: gathered at 1,000 a page, filtered,
/// then paged in the wire format (serde_json's `raw_value`: natively, and in the proxy's wasm
/// build only).
#[cfg(any(feature = "proxy", not(target_arch = "wasm32")))]
mod mirror_gathered {
    use super::*;
    use crate::listing::PageSource;
    use crate::policy::PagePlan;
    use serde_json::json;

    const ONLY: [(&str, &str); 2] = [
        ("TRUST_LOOPBACK", "true"),
        ("ALLOWED_INSTANCES", "i5,i999,i1000,nowhere,i1500,i2499"),
    ];

    fn mirror_listing(p: Plan) -> MirrorGathering {
        match p.step {
            Step::MirrorInstances(l) => *l,
            s => panic!("not a mirror listing: {s:?}"),
        }
    }

    fn listing(query: &str, headers: &[(&str, &str)]) -> MirrorGathering {
        let url = format!("{LOCAL}/v2/{PROJECT}/instances{query}");
        mirror_listing(plan_of("GET", &url, headers, &ONLY))
    }

    /// Instance `k` of a fleet, as DCS would send it.
    fn instance(k: usize) -> serde_json::Value {
        json!({"instance_id": format!("i{k}"), "name": format!("dcs-{k}"), "status": "RUNNING"})
    }

    /// A fleet of `n` instances: the page at `offset` (1,000 at most), `instance_num` = n.
    fn fleet(n: usize) -> impl Fn(u32) -> Vec<u8> {
        move |offset| {
            let from = (offset as usize).min(n);
            let to = (from + ALL_PAGE_SIZE as usize).min(n);
            let page: Vec<_> = (from..to).map(instance).collect();
            serde_json::to_vec(&json!({"instance_num": n, "instances": page})).unwrap()
        }
    }

    /// The pager, sequentially: every page the plan asks for from `upstream` (offset to body),
    /// each delivery taken in by `add`. The offsets asked for, and the result.
    fn gather(
        l: &MirrorGathering,
        upstream: impl Fn(u32) -> Vec<u8>,
    ) -> (Vec<u32>, Result<Gathered, DcsError>) {
        let mut plan = PagePlan::<RawInstancePage>::new(ALL_PAGE_SIZE, MAX_ALL_INSTANCES);
        let mut g = Gathered::default();
        let mut offsets = Vec::new();
        while let Some((page, offset)) = plan.next_offset() {
            offsets.push(offset);
            let step = RawInstancePage::parse(&upstream(offset)).and_then(|mut p| {
                p.request_id = Some(format!("rid-{offset}"));
                for d in plan.receive(page, p)? {
                    l.take(&mut g, d)?;
                }
                Ok(())
            });
            if let Err(e) = step {
                return (offsets, Err(e));
            }
            if plan.is_done() {
                break;
            }
        }
        (offsets, Ok(g))
    }

    fn ids(a: &Answer) -> (u64, Vec<String>) {
        let b = body_json(a);
        let ids = b["instances"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["instance_id"].as_str().unwrap().to_string())
            .collect();
        (b["instance_num"].as_u64().unwrap(), ids)
    }

    #[test]
    fn the_plan_keeps_the_window_apart_and_forwards_the_rest() {
        let l = listing("?name=dcs&limit=2&status=RUNNING&offset=1", &[]);
        assert_eq!(
            (l.filter.as_str(), l.window),
            ("name=dcs&status=RUNNING", (1, 2))
        );
        let l = listing("", &[]);
        assert_eq!(
            (l.filter.as_str(), l.window),
            ("", (0, DEFAULT_MIRROR_LIMIT))
        );
        // each page: the caller's other parameters, the pager's offset and limit
        let pages = |filter: &str| MirrorPages {
            filter: filter.to_string(),
            ..l.source()
        };
        let r = pages("name=a%20b&tags=k%3Dv").page_request(2000, 1000);
        assert!(
            r.url.ends_with(&format!(
                "/v2/{PROJECT}/instances?name=a%20b&tags=k%3Dv&offset=2000&limit=1000"
            )),
            "{}",
            r.url
        );
        let r = pages("").page_request(0, 1000);
        assert!(
            r.url.ends_with("/instances?offset=0&limit=1000"),
            "{}",
            r.url
        );
        assert_eq!(r.method, "GET");
        // the query is validated as without the filter
        let (a, _) = now(plan_of(
            "GET",
            &format!("{LOCAL}/v2/{PROJECT}/instances?limit=1001"),
            &[],
            &ONLY,
        ));
        assert_eq!(error_of(&a), (400, "INVALID_REQUEST".into()));
        // without ALLOWED_INSTANCES: the passthrough, unchanged
        let url = format!("{LOCAL}/v2/{PROJECT}/instances?limit=2&name=x");
        match upstream_of(plan_of("GET", &url, &[], &DEV)).call {
            Call::Mirror {
                request,
                list: true,
            } => assert!(request.url.ends_with("/instances?limit=2&name=x")),
            c => panic!("{c:?}"),
        }
    }

    #[test]
    fn every_page_gathered_the_allowed_kept_then_paged() {
        // 2,500 instances: three pages; the allowed ones on each (i5, i999 | i1000, i1500 |
        // i2499), one allowed ID not in the fleet.
        let l = listing("", &[]);
        let (offsets, g) = gather(&l, fleet(2500));
        assert_eq!(offsets, [0, 1000, 2000]);
        let a = l.finish(g).finish(None);
        assert_inert(&a);
        assert_eq!(a.header("Cache-Control"), Some("private, max-age=5"));
        assert_eq!(a.header("X-Request-Id"), Some("rid-0"));
        let all = ["i5", "i999", "i1000", "i1500", "i2499"];
        assert_eq!(ids(&a), (5, all.map(String::from).to_vec()));
        // offset/limit over the allowed instances; instance_num always all of them
        for (q, want) in [
            ("?limit=2", &all[..2]),
            ("?offset=1&limit=2", &all[1..3]),
            ("?offset=4", &all[4..]),
            ("?offset=5", &[][..]),
            ("?offset=2147483647&limit=1000", &[][..]),
            ("?limit=1&offset=3", &all[3..4]),
        ] {
            let l = listing(q, &[]);
            let a = l.finish(gather(&l, fleet(2500)).1).finish(None);
            assert_eq!(
                ids(&a),
                (5, want.iter().map(|s| s.to_string()).collect()),
                "{q}"
            );
        }
        // a smaller fleet: what is there (i5, i999)
        let l = listing("?limit=1000", &[]);
        let (offsets, g) = gather(&l, fleet(1000));
        assert_eq!(offsets, [0]);
        assert_eq!(ids(&l.finish(g)).0, 2);
        // none allowed there: an empty list
        let (_, g) = gather(&l, fleet(3));
        let a = l.finish(g).finish(None);
        assert_eq!(body_json(&a), json!({"instance_num": 0, "instances": []}));
        // If-None-Match: 304, no body
        let tag = a.header("ETag").unwrap().to_string();
        let l = listing("?limit=1000", &[("if-none-match", tag.as_str())]);
        let a = l.finish(gather(&l, fleet(3)).1).finish(None);
        assert_eq!((a.status, a.body.is_none()), (304, true));
    }

    #[test]
    fn each_instance_passed_on_as_dcs_sent_it() {
        let odd = r#"{ "name":"x","instance_id" : "i5","big":123456789012345678901234567890,"f":1.50,"n":{"z":[],"a":"é\u00e9"} }"#;
        let body = format!(
            r#"{{"instances":[{odd},{{"instance_id":"i6"}}],"extra":{{"a":1}},"instance_num":"2"}}"#
        );
        let l = listing("", &[]);
        let (_, g) = gather(&l, |_| body.clone().into_bytes());
        let a = l.finish(g).finish(None);
        let text = String::from_utf8(a.body.clone().unwrap()).unwrap();
        assert!(text.contains(odd.trim()), "{text}");
        assert_eq!(ids(&a), (1, vec!["i5".to_string()]));
    }

    #[test]
    fn over_the_bound_refused_as_api_instances_all() {
        let l = listing("", &[]);
        let n = MAX_ALL_INSTANCES as usize;
        let (offsets, g) = gather(&l, fleet(n + 1));
        assert_eq!(offsets, [0], "refused at the first page");
        let a = l.finish(g).finish(None);
        assert_eq!(error_of(&a), (400, "INVALID_REQUEST".into()));
        let m = body_json(&a)["message"].as_str().unwrap().to_string();
        assert!(m.contains("10000 instances"), "{m}");
        // at the bound: ten pages
        let (offsets, g) = gather(&l, fleet(n));
        assert_eq!(offsets.len(), 10);
        assert_eq!(ids(&l.finish(g)).0, 5);
    }

    #[test]
    fn a_hostile_upstream_page_is_a_bad_upstream() {
        let deep = format!(
            r#"{{"instance_num":1,"instances":[{{"instance_id":"i5","x":{}{}}}]}}"#,
            "[".repeat(100_000),
            "]".repeat(100_000)
        );
        let many = serde_json::to_string(&json!({
            "instance_num": 1001,
            "instances": (0..1001).map(instance).collect::<Vec<_>>(),
        }))
        .unwrap();
        let l = listing("", &[]);
        for body in [
            "",
            "<html>502</html>",
            "null",
            r#""text""#,
            r#"[1,[{"instance_id":"i5"}]]"#,
            r#"{"instance_num":1}"#,
            r#"{"instances":[]}"#,
            r#"{"instance_num":-1,"instances":[]}"#,
            r#"{"instance_num":"1x","instances":[]}"#,
            r#"{"instance_num":1.5,"instances":[]}"#,
            r#"{"instance_num":1,"instances":{"instance_id":"i5"}}"#,
            r#"{"instance_num":1,"instances":"i5"}"#,
            r#"{"instance_num":1,"instances":[{"name":"x"}]}"#,
            r#"{"instance_num":1,"instances":[{"instance_id":5}]}"#,
            r#"{"instance_num":1,"instances":[{"instance_id":null}]}"#,
            r#"{"instance_num":1,"instances":[["i5"]]}"#,
            r#"{"instance_num":1,"instances":["i5"]}"#,
            r#"{"instance_num":1,"instances":[{"instance_id":"i5","instance_id":"i6"}]}"#,
            r#"{"instance_num":1,"instances":[{"instance_id":"i5"}],"instances":[]}"#,
            r#"{"instance_num":1,"instances":[{"instance_id":"i5"}"#,
            r#"{"instance_num":1,"instances":[{"instance_id":"i5"}]} x"#,
            many.as_str(),
        ] {
            let (_, g) = gather(&l, |_| body.as_bytes().to_vec());
            let a = l.finish(g).finish(None);
            assert_eq!(error_of(&a), (502, "BAD_UPSTREAM".into()), "{body:.80}");
            let m = body_json(&a)["message"].as_str().unwrap().len();
            assert!(m < 400, "{body:.80}: a message of {m} bytes");
        }
        // a page whose nesting is deep but valid JSON: read in linear time, no recursion
        let (_, g) = gather(&l, |_| deep.clone().into_bytes());
        let a = l.finish(g).finish(None);
        let out = RawInstancePage::parse(a.body.as_deref().unwrap()).unwrap();
        assert_eq!((out.instance_num, out.instances.len()), (1, 1));
        let tail = "]".repeat(100_000) + "}";
        assert!(out.instances[0].1.get().ends_with(&tail));
        // the server ignores offset: every page the same -> refused, not looped over
        let same = fleet(2500)(0);
        let (offsets, g) = gather(&l, |_| same.clone());
        assert_eq!(offsets, [0, 1000]);
        assert_eq!(
            error_of(&l.finish(g).finish(None)),
            (502, "BAD_UPSTREAM".into())
        );
    }

    #[test]
    fn the_kept_instances_are_bounded_and_upstream_errors_mapped() {
        let env = [
            ("TRUST_LOOPBACK", "true"),
            ("ALLOWED_INSTANCES", "i1,i2"),
            ("MAX_UPSTREAM_BYTES", "1024"),
        ];
        let url = format!("{LOCAL}/v2/{PROJECT}/instances");
        let l = mirror_listing(plan_of("GET", &url, &[], &env));
        let pad = "x".repeat(600);
        let body = serde_json::to_vec(&json!({"instance_num": 2, "instances": [
            {"instance_id": "i1", "pad": pad}, {"instance_id": "i2", "pad": pad}]}))
        .unwrap();
        let (_, g) = gather(&l, |_| body.clone());
        assert_eq!(
            error_of(&l.finish(g).finish(None)),
            (502, "UPSTREAM_TOO_LARGE".into())
        );
        for (e, want) in [
            (DcsError::network("refused"), (502, "UPSTREAM_UNREACHABLE")),
            (
                DcsError::invalid_response("$", "over").because(Reason::BodyTooLarge),
                (502, "UPSTREAM_TOO_LARGE"),
            ),
            (
                crate::policy::http_error(
                    400,
                    br#"{"error_code":"DCS.4800","error_msg":"bad status"}"#,
                    Some("rid-9".into()),
                ),
                (400, "HTTP_ERROR"),
            ),
        ] {
            let a = l.finish(Err(e)).finish(None);
            assert_eq!(error_of(&a), (want.0, want.1.to_string()));
        }
    }
}

#[test]
fn mount_point_and_ignored_query() {
    const MOUNT: [(&str, &str); 3] = [
        ("TRUST_LOOPBACK", "true"),
        ("PROXY_BASE_PATH", "/dcs/"),
        ("PROXY_IGNORE_QUERY", "path, nxtPpath"),
    ];
    let c = cfg(&MOUNT);
    assert_eq!(c.base_path, "/dcs");
    assert_eq!(c.mounted_target("/dcs").as_deref(), Some("/"));
    assert_eq!(c.mounted_target("/dcs/").as_deref(), Some("/"));
    assert_eq!(c.mounted_target("/dcs?x=1").as_deref(), Some("/?x=1"));
    assert_eq!(
        c.mounted_target("/dcs/v2/p/instances?path=v2&limit=5&path=p&nxtPpath=x")
            .as_deref(),
        Some("/v2/p/instances?limit=5")
    );
    assert_eq!(
        c.mounted_target("/dcs/healthz?path=healthz").as_deref(),
        Some("/healthz")
    );
    // an encoded key is not the ignored one: still refused by the route
    assert_eq!(
        c.mounted_target("/dcs/healthz?pat%68=x").as_deref(),
        Some("/healthz?pat%68=x")
    );
    for outside in [
        "/",
        "/dcsx",
        "/dcsx/v2",
        "/v2/p/instances",
        "/DCS/healthz",
        "/api/config",
    ] {
        assert_eq!(c.mounted_target(outside), None, "{outside}");
    }
    // at the root nothing changes
    assert_eq!(
        cfg(&[]).mounted_target("/a?path=1").as_deref(),
        Some("/a?path=1")
    );
    assert_eq!(cfg(&[]).mount_redirect("GET", "/"), None);

    // the routes under the mount
    let (a, _) = now(plan_of(
        "GET",
        &format!("{LOCAL}/dcs/healthz?path=healthz"),
        &[],
        &MOUNT,
    ));
    assert_eq!(a.status, 200);
    let (a, _) = now(plan_of("GET", &format!("{LOCAL}/healthz"), &[], &MOUNT));
    assert_eq!(error_of(&a), (404, "NOT_FOUND".into()));
    let (a, _) = now(plan_of(
        "GET",
        &format!("{LOCAL}/dcs/api/config"),
        &[],
        &MOUNT,
    ));
    assert_eq!(
        body_json(&a)["projectId"],
        "0123456789abcdef0123456789abcdef"
    );
    let u = upstream_of(plan_of(
        "GET",
        &format!("{LOCAL}/dcs/api/instances/i-1/tasks?limit=5&path=api&path=instances"),
        &[],
        &MOUNT,
    ));
    let Call::List { request } = &u.call else {
        panic!("{:?}", u.call)
    };
    assert!(
        request.url.ends_with("/instances/i-1/tasks?limit=5"),
        "{}",
        request.url
    );
    // an unknown parameter that is not ignored is still refused
    let (a, _) = now(plan_of(
        "GET",
        &format!("{LOCAL}/dcs/api/instances/i-1/tasks?paths=x"),
        &[],
        &MOUNT,
    ));
    assert_eq!(error_of(&a), (400, "INVALID_REQUEST".into()));
    // the page: /dcs redirects to /dcs/ (query kept); files are looked up without the mount
    let (a, _) = now(plan_of(
        "GET",
        &format!("{LOCAL}/dcs?instance=i-1"),
        &[],
        &MOUNT,
    ));
    assert_eq!(
        (a.status, a.header("Location")),
        (308, Some("/dcs/?instance=i-1"))
    );
    let (a, _) = now(plan_of("DELETE", &format!("{LOCAL}/dcs"), &[], &MOUNT));
    assert_ne!(a.status, 308);
    match plan_of("GET", &format!("{LOCAL}/dcs/pkg/slim.js"), &[], &MOUNT).step {
        Step::Asset { url, .. } => assert_eq!(url, format!("{LOCAL}/pkg/slim.js")),
        s => panic!("{s:?}"),
    }
    // a token is still needed under the mount
    let (a, _) = now(plan_of(
        "GET",
        "https://p.example.com/dcs/api/config",
        &[],
        &[("PROXY_BASE_PATH", "/dcs")],
    ));
    assert_eq!(error_of(&a), (401, "TOKEN_REQUIRED".into()));
}

#[test]
fn mount_configuration_is_checked() {
    for bad in ["dcs", "/a/../b", "/a//b", "/a b", "/a%2fb", "/a?b", "/./a"] {
        let e = ProxyConfig::from_env(env(&env_of(&[("PROXY_BASE_PATH", bad)]))).unwrap_err();
        assert_eq!(e.variable, "PROXY_BASE_PATH", "{bad}");
    }
    let long = format!("/{}", "a".repeat(300));
    let e = ProxyConfig::from_env(env(&[
        BASE.to_vec(),
        vec![("PROXY_BASE_PATH", long.as_str())],
    ]
    .concat()))
    .unwrap_err();
    assert_eq!(e.variable, "PROXY_BASE_PATH");
    assert_eq!(cfg(&[("PROXY_BASE_PATH", "/")]).base_path, "");
    assert_eq!(
        cfg(&[("PROXY_BASE_PATH", "/api/dcs-1.0_~x")]).base_path,
        "/api/dcs-1.0_~x"
    );
    for bad in ["limit", "path,offset", "a b", "p=1"] {
        let e = ProxyConfig::from_env(env(&env_of(&[("PROXY_IGNORE_QUERY", bad)]))).unwrap_err();
        assert_eq!(e.variable, "PROXY_IGNORE_QUERY", "{bad}");
    }
}

/// Two upstream pages: hidden instances (h*) with quirks of their own (an unknown status, a
/// coerced port, an unknown field) around allowed ones (a1, a2) with quirks too.
const HIDDEN_P1: &str = r#"{"instance_num":"5","instances":[
  {"instance_id":"h1","name":"SECRET-NAME","status":"WEIRD","port":"6379","secret_field":1},
  {"instance_id":"a1","name":"orders","status":"RUNNING","port":"6380"},
  {"instance_id":"h2","name":"SECRET-TWO","status":"RUNNING","engine":"Tair?"}]}"#;
const HIDDEN_P2: &str = r#"{"instance_num":"5","instances":[
  {"instance_id":"h3","name":"SECRET-3","status":"ODD"},
  {"instance_id":"a2","name":"carts","status":"STRANGE"}]}"#;

fn pages(bodies: &[&str]) -> Vec<Delivery<InstanceList>> {
    bodies.iter().flat_map(|b| delivered(b)).collect()
}

#[test]
fn allowed_instances_leak_nothing_of_the_hidden_ones() {
    let listing = |q: &str| {
        instance_listing(plan_of(
            "GET",
            &format!("{LOCAL}/api/instances{q}"),
            &[],
            &[("TRUST_LOOPBACK", "true"), ("ALLOWED_INSTANCES", "a1,a2")],
        ))
    };
    let a = listing("?all=1").finish(Ok(pages(&[HIDDEN_P1, HIDDEN_P2])));
    let b = body_json(&a);
    let text = String::from_utf8(a.body.clone().unwrap()).unwrap();
    for secret in [
        "SECRET",
        "h1",
        "h2",
        "h3",
        "WEIRD",
        "ODD",
        "Tair",
        "secret_field",
        "6379",
    ] {
        assert!(!text.contains(secret), "{secret} leaked: {text}");
    }
    assert_eq!(b["instanceCount"], 2);
    let paths: Vec<&str> = b["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["path"].as_str().unwrap())
        .collect();
    // the allowed instances' own quirks, at their place in the answer; not the pages' own
    // (instance_num sent as "5" would tell the upstream count)
    assert_eq!(paths, ["instances[0].port", "instances[1].status"]);

    // the window renumbers the paths and drops the warnings of what it leaves out
    let a = listing("?offset=1&limit=1").finish(Ok(pages(&[HIDDEN_P1, HIDDEN_P2])));
    let b = body_json(&a);
    assert_eq!(b["instances"][0]["instanceId"], "a2");
    let paths: Vec<&str> = b["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["instances[0].status"]);

    // a name filter that matches only hidden instances answers exactly as one that matches
    // nothing: no count, no warnings (the oracle of issue 32)
    const ONLY_HIDDEN: &str = r#"{"instance_num":"1","instances":[
      {"instance_id":"h1","name":"SECRET-NAME","status":"WEIRD","port":"6379"}]}"#;
    const NOTHING: &str = r#"{"instance_num":"0","instances":[]}"#;
    let hidden = listing("?name=SECRET-NA").finish(Ok(pages(&[ONLY_HIDDEN])));
    let nothing = listing("?name=NOTHING-XY").finish(Ok(pages(&[NOTHING])));
    assert_eq!(hidden.body, nothing.body);
    assert_eq!(hidden.header("ETag"), nothing.header("ETag"));
}
