//! The edge proxy's request validation: `proxy::route` over arbitrary methods and request
//! targets under a few configurations (and, now and then, a configuration read by
//! `ProxyConfig::from_env` from arbitrary variables), plus the other per-request
//! decisions: `caller_token`, `admit`, `origin_allowed`, `static_asset`, `etag_matches`; and
//! the ListInstances mirror under ALLOWED_INSTANCES over an arbitrary upstream page
//! (`RawInstancePage::parse`, `MirrorGathering::take` and `finish`).
//!
//! Invariants: never panics; a refusal is 400/403/404/405/414 with a code; a route is
//! only GET (HEAD for static files, DELETE for the enabled delete route); every routed ID
//! is a valid ID; every routed list query is within the documented bounds; without
//! PROXY_TOKEN every caller is authorized. The mirror's query minus offset/limit is its
//! filter. A raw page is at most 1,000 objects with their IDs, or an INVALID_RESPONSE with
//! a short message; its answer is 200 with only allowed instances (read back as a page),
//! or a JSON error (400 over the bound, 502).
#![no_main]

use std::sync::OnceLock;

use arbitrary::{Arbitrary, Unstructured};
use dcs_tasks_core::policy::Delivery;
use dcs_tasks_core::proxy::{
    etag, etag_matches, route, static_asset, Caller, Gathered, Gathering, MirrorGathering,
    ProxyConfig, RawInstancePage, Route, Token, MAX_TARGET_LEN,
};
use dcs_tasks_core::query::check_id;
use dcs_tasks_core::{ErrorCode, Field};
use dcs_tasks_fuzz::word;
use libfuzzer_sys::fuzz_target;

const PROJECT: &str = "0123456789abcdef0123456789abcdef";
const INSTANCE: &str = "3e5c8b1a-1111-2222-3333-444455556666";
const TOKEN: &str = "proxy-token-0123456789";

fn make(vars: &[(&str, &str)]) -> ProxyConfig {
    let vars: Vec<(String, String)> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    ProxyConfig::from_env(|k| vars.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()))
        .expect("fixed config")
}

fn configs() -> &'static [ProxyConfig; 3] {
    static C: OnceLock<[ProxyConfig; 3]> = OnceLock::new();
    C.get_or_init(|| {
        [
            make(&[
                ("HUAWEICLOUD_SDK_PROJECT_ID", PROJECT),
                ("DCS_REGION", "cn-north-4"),
                ("DCS_AUTH_TOKEN", "iam-token"),
            ]),
            make(&[
                ("HUAWEICLOUD_SDK_PROJECT_ID", PROJECT),
                ("DCS_REGION", "ap-southeast-1"),
                ("HUAWEICLOUD_SDK_AK", "AK"),
                ("HUAWEICLOUD_SDK_SK", "SK"),
                ("ALLOWED_INSTANCES", &format!("{INSTANCE}, other_1")),
                ("ENABLE_DELETE", "true"),
                ("PROXY_TOKEN", TOKEN),
                (
                    "ALLOWED_ORIGINS",
                    "https://console.example.com,http://127.0.0.1:8787",
                ),
            ]),
            make(&[
                ("HUAWEICLOUD_SDK_PROJECT_ID", "p"),
                ("DCS_ENDPOINT", "http://127.0.0.1:9000/mock/dcs"),
                ("HUAWEICLOUD_SDK_AK", "AK"),
                ("HUAWEICLOUD_SDK_SK", "SK"),
                ("HUAWEICLOUD_SDK_SECURITY_TOKEN", "STS"),
                ("DEMO_INSTANCE", "demo"),
                ("PUBLIC_ACCESS", "read"),
                ("ENABLE_DELETE", "off"),
                ("UPSTREAM_TIMEOUT_MS", "100"),
                ("MAX_UPSTREAM_BYTES", "1024"),
            ]),
        ]
    })
}

const VARS: &[&str] = &[
    "HUAWEICLOUD_SDK_PROJECT_ID",
    "DCS_REGION",
    "DCS_ENDPOINT",
    "HUAWEICLOUD_SDK_AK",
    "HUAWEICLOUD_SDK_SK",
    "HUAWEICLOUD_SDK_SECURITY_TOKEN",
    "DCS_AUTH_TOKEN",
    "ALLOWED_ORIGINS",
    "PROXY_TOKEN",
    "ALLOWED_INSTANCES",
    "ENABLE_DELETE",
    "DEMO_INSTANCE",
    "UPSTREAM_TIMEOUT_MS",
    "MAX_UPSTREAM_BYTES",
    "PUBLIC_ACCESS",
];

const METHODS: &[&str] = &["GET", "HEAD", "DELETE", "POST", "OPTIONS", "get", ""];
const SEGMENTS: &[&str] = &[
    "v2",
    "api",
    "instances",
    "tasks",
    "progress",
    "healthz",
    "config",
    PROJECT,
    INSTANCE,
    "other_1",
    "demo",
    "p",
    "t1",
    "",
    ".",
    "..",
    "%2e",
    "a%2Fb",
    "a.b",
    "index.html",
    "app.js",
    ".env",
    "x y",
    "é",
];
const QUERY_KEYS: &[&str] = &[
    "offset",
    "limit",
    "start_time",
    "end_time",
    "all",
    "begin_time",
    "name",
    "status",
    "instance_id",
    "",
];
/// Pieces of upstream pages.
const PAGE_PARTS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "\"instance_num\"",
    "\"instances\"",
    "\"instance_id\"",
    "\"",
    "3",
    "\"3\"",
    "-1",
    "null",
    "\"i1\"",
    "\"other_1\"",
    "\"3e5c8b1a-1111-2222-3333-444455556666\"",
    " ",
];

struct Input {
    cfg: Option<Vec<(String, String)>>,
    which: usize,
    method: String,
    target: String,
    authorization: Option<String>,
    x_auth_token: Option<String>,
    origin: String,
    if_none_match: Option<String>,
    /// An upstream ListInstances page for the mirror, and the caller's window.
    page: Vec<u8>,
    window: (u32, u32),
}

impl std::fmt::Debug for Input {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {:?} (config {}, env {:?})",
            self.method, self.target, self.which, self.cfg
        )
    }
}

fn maybe_word(u: &mut Unstructured) -> arbitrary::Result<Option<String>> {
    Ok(match u.int_in_range(0u8..=3)? {
        0 => None,
        1 => Some(format!("Bearer {TOKEN}")),
        2 => Some(word(u)?),
        _ => Some(String::arbitrary(u)?),
    })
}

impl<'a> Arbitrary<'a> for Input {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        let cfg = if u.ratio(1u8, 8u8)? {
            let mut env = Vec::new();
            for v in VARS {
                if bool::arbitrary(u)? {
                    env.push((v.to_string(), word(u)?));
                }
            }
            Some(env)
        } else {
            None
        };
        let which = u.int_in_range(0usize..=2)?;
        let method = if u.ratio(1u8, 8u8)? {
            String::arbitrary(u)?
        } else {
            (*u.choose(METHODS)?).to_string()
        };
        let target = if u.ratio(1u8, 6u8)? {
            String::arbitrary(u)?
        } else {
            let mut t = String::new();
            for _ in 0..u.int_in_range(0u8..=8)? {
                t.push('/');
                if u.ratio(1u8, 6u8)? {
                    t.push_str(&String::arbitrary(u)?);
                } else {
                    t.push_str(u.choose(SEGMENTS)?);
                }
            }
            if t.is_empty() || bool::arbitrary(u)? {
                t.push('/');
            }
            let n = u.int_in_range(0u8..=4)?;
            for j in 0..n {
                t.push(if j == 0 { '?' } else { '&' });
                t.push_str(u.choose(QUERY_KEYS)?);
                if !u.ratio(1u8, 8u8)? {
                    t.push('=');
                    t.push_str(&word(u)?);
                }
            }
            if u.ratio(1u8, 64u8)? {
                t = t.repeat(u.int_in_range(1usize..=400)?);
            }
            t
        };
        Ok(Input {
            cfg,
            which,
            method,
            target,
            authorization: maybe_word(u)?,
            x_auth_token: maybe_word(u)?,
            origin: word(u)?,
            if_none_match: maybe_word(u)?,
            page: if u.ratio(1u8, 4u8)? {
                Vec::arbitrary(u)?
            } else {
                let mut p = String::new();
                for _ in 0..u.int_in_range(0u8..=60)? {
                    p.push_str(u.choose(PAGE_PARTS)?);
                }
                p.into_bytes()
            },
            window: (u.int_in_range(0u32..=3)?, u.int_in_range(1u32..=3)?),
        })
    }
}

fuzz_target!(|i: Input| {
    let owned;
    let cfg = match &i.cfg {
        Some(env) => match ProxyConfig::from_env(|k| {
            env.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone())
        }) {
            Ok(c) => {
                owned = c;
                &owned
            }
            Err(e) => {
                assert!(e.message.starts_with(e.variable), "{e:?}");
                return;
            }
        },
        None => &configs()[i.which],
    };

    // Per-request decisions other than the route.
    let token = cfg.caller_token(i.authorization.as_deref(), i.x_auth_token.as_deref());
    if cfg.proxy_token.is_none() {
        assert_eq!(token, Token::Missing);
    }
    for caller in [Caller::Loopback, Caller::Other] {
        match cfg.admit(&i.method, caller, token) {
            Ok(()) => assert!(
                token == Token::Valid
                    || (cfg.public_read && matches!(i.method.as_str(), "GET" | "HEAD"))
                    || (cfg.proxy_token.is_none() && caller == Caller::Loopback),
                "{i:?}"
            ),
            Err(r) => {
                assert_eq!(r.status, 401);
                // Names PROXY_TOKEN and nothing of the configuration (a 1-character
                // project ID such as config 2's "p" is in any English text).
                assert!(r.message.contains("PROXY_TOKEN"), "{r:?}");
                assert!(
                    cfg.project_id.len() < 8 || !r.message.contains(&cfg.project_id),
                    "{r:?}"
                );
            }
        }
    }
    let _ = cfg.origin_allowed(&i.origin, "https://proxy.example.com");
    if let Some((p, ct)) = static_asset(i.target.split('?').next().unwrap_or("")) {
        assert!(
            p.starts_with('/') && !p.contains("/.") && !p.contains('%'),
            "{p}"
        );
        assert!(!ct.is_empty());
    }
    let tag = etag(i.target.as_bytes());
    assert!(etag_matches(Some(&tag), &tag));
    let _ = etag_matches(i.if_none_match.as_deref(), &tag);

    match route(&i.method, &i.target, cfg) {
        Err(r) => {
            assert!(matches!(r.status, 400 | 403 | 404 | 405 | 414), "{r:?}");
            assert!(
                !r.code.as_str().is_empty() && !r.message.is_empty(),
                "{r:?}"
            );
        }
        Ok(r) => {
            assert!(i.target.len() <= MAX_TARGET_LEN);
            assert!(i.target.starts_with('/') && !i.target.starts_with("//"));
            match &r {
                Route::Static => assert!(matches!(i.method.as_str(), "GET" | "HEAD"), "{i:?}"),
                Route::MirrorDelete { .. } => {
                    assert_eq!(i.method, "DELETE");
                    assert!(cfg.enable_delete);
                }
                _ => assert_eq!(i.method, "GET", "{i:?}"),
            }
            if let Some(inst) = r.instance() {
                assert!(check_id(Field::InstanceId, inst).is_ok(), "{inst:?}");
            }
            match &r {
                Route::MirrorProgress { task, .. }
                | Route::MirrorDelete { task, .. }
                | Route::ApiProgress { task, .. } => {
                    assert!(check_id(Field::TaskId, task).is_ok(), "{task:?}")
                }
                Route::MirrorList { query, .. } | Route::ApiList { query, .. } => {
                    assert!(
                        query.limit.is_none_or(|l| (1..=1000).contains(&l)),
                        "{query:?}"
                    );
                    assert!(
                        query.offset.is_none_or(|o| o <= i32::MAX as u32),
                        "{query:?}"
                    );
                    if let (Some(s), Some(e)) = (query.start_ms, query.end_ms) {
                        assert!(s <= e, "{query:?}");
                    }
                    // What the proxy sends upstream is a query the API takes.
                    let q = query.to_query_string();
                    assert!(q.bytes().all(|b| b.is_ascii_graphic()), "{q}");
                    assert!(!q.contains("begin_time"), "{q}");
                }
                Route::ApiInstances { query, .. } => {
                    assert!(
                        query.limit.is_none_or(|l| (1..=1000).contains(&l)),
                        "{query:?}"
                    );
                    let q = query.to_query_string();
                    assert!(q.bytes().all(|b| b.is_ascii_graphic()), "{q}");
                }
                // The mirror's rebuilt ListInstances query: encoded, one pair per parameter;
                // the filter is the same without offset and limit, which are within bounds.
                Route::MirrorInstances {
                    query,
                    filter,
                    offset,
                    limit,
                } => {
                    assert!(query.bytes().all(|b| b.is_ascii_graphic()), "{query}");
                    assert!(!query.contains("&&") && !query.starts_with('&'), "{query}");
                    let kept: Vec<&str> = query
                        .split('&')
                        .filter(|p| {
                            !p.is_empty() && !p.starts_with("offset=") && !p.starts_with("limit=")
                        })
                        .collect();
                    assert_eq!(kept.join("&"), *filter, "{query}");
                    assert!(limit.is_none_or(|l| (1..=1000).contains(&l)), "{query}");
                    assert!(offset.is_none_or(|o| o <= i32::MAX as u32), "{query}");
                }
                _ => {}
            }
        }
    }

    mirror_page(&i.page, i.window);
});

/// The mirror under ALLOWED_INSTANCES (the facts sheet's instance and `other_1`) over one
/// arbitrary upstream page.
fn mirror_page(body: &[u8], window: (u32, u32)) {
    let page = match RawInstancePage::parse(body) {
        Ok(p) => p,
        Err(e) => {
            assert_eq!(e.code, ErrorCode::InvalidResponse, "{e:?}");
            assert!(e.message.len() < 400, "{e:?}");
            return;
        }
    };
    assert!(page.instances.len() <= 1000);
    for (_, raw) in &page.instances {
        assert!(raw.get().starts_with('{'), "{raw}");
    }
    let l = MirrorGathering {
        config: make(&[
            ("HUAWEICLOUD_SDK_PROJECT_ID", PROJECT),
            ("DCS_REGION", "cn-north-4"),
            ("DCS_AUTH_TOKEN", "iam-token"),
            ("ALLOWED_INSTANCES", &format!("{INSTANCE}, other_1")),
        ]),
        filter: String::new(),
        window,
        if_none_match: None,
    };
    let mut g = Gathered::default();
    let total = page.instance_num;
    let d = Delivery {
        list: page,
        fetched: 0,
        total,
    };
    let r = l.take(&mut g, d).map(|()| g);
    let a = l.finish(r);
    match a.status {
        200 => {
            let out = RawInstancePage::parse(a.body.as_deref().unwrap_or(b"")).expect("a page");
            assert!(out.instances.len() as u64 <= out.instance_num.min(window.1 as u64));
            for (id, _) in &out.instances {
                assert!(id == INSTANCE || id == "other_1", "{id}");
            }
        }
        400 | 502 => assert!(a.code.is_some()),
        s => panic!("status {s}"),
    }
}
