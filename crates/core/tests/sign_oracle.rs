//! Differential test against the official Python signer (huaweicloudsdkcore).
//!
//! Ignored by default (plain `cargo test` needs no Python). Run through
//! `tests/sign-oracle/run.sh`, which generates the cases with `gen_cases.py` and runs
//! `DCS_SIGN_CASES=build/sign-cases.tsv cargo test --test sign_oracle -- --include-ignored`.
//! Fails (never passes vacuously) when the variable is unset, the file is missing, or it
//! holds fewer than 200 cases.
#![cfg(not(target_arch = "wasm32"))]

use dcs_tasks_core::sign::{canonical_request, sign_request_with_body, Credentials, EMPTY_HASH};
use dcs_tasks_core::HttpRequest;

const MIN_CASES: usize = 200;

fn unhex(s: &str) -> Vec<u8> {
    assert!(s.len() % 2 == 0, "odd hex field");
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex field"))
        .collect()
}

fn text(s: &str) -> String {
    String::from_utf8(unhex(s)).expect("UTF-8 field")
}

struct Case {
    line: usize,
    method: String,
    url: String,
    headers: Vec<(String, String)>,
    ak: String,
    sk: String,
    token: Option<String>,
    date_ms: i64,
    sdk_date: String,
    body: Vec<u8>,
    authorization: String,
    uri: String,
    header_names: String,
    canonical: String,
}

fn parse(line: usize, l: &str) -> Case {
    let f: Vec<&str> = l.split('\t').collect();
    assert_eq!(f.len(), 13, "line {line}: expected 13 fields");
    let hs = text(f[2]);
    let mut parts: Vec<&str> = hs.split('\n').collect();
    assert_eq!(parts.pop(), Some(""), "line {line}: headers field");
    assert!(parts.len() % 2 == 0, "line {line}: headers field");
    let headers = parts
        .chunks(2)
        .map(|kv| (kv[0].to_string(), kv[1].to_string()))
        .collect();
    let token = text(f[5]);
    Case {
        line,
        method: text(f[0]),
        url: text(f[1]),
        headers,
        ak: text(f[3]),
        sk: text(f[4]),
        token: (!token.is_empty()).then_some(token),
        date_ms: f[6].parse().expect("date ms"),
        sdk_date: text(f[7]),
        body: unhex(f[8]),
        authorization: text(f[9]),
        uri: text(f[10]),
        header_names: text(f[11]),
        canonical: text(f[12]),
    }
}

/// `path?query` of a URL (what follows `scheme://authority`).
fn path_and_query(url: &str) -> &str {
    let rest = &url[url.find("://").map_or(0, |i| i + 3)..];
    &rest[rest.find(['/', '?']).unwrap_or(rest.len())..]
}

/// Our canonical request for a signed request, for the failure report.
fn our_canonical(c: &Case, signed: &HttpRequest) -> String {
    let mut hs: Vec<(String, String)> = signed
        .headers
        .iter()
        .filter(|(k, _)| !k.eq_ignore_ascii_case("authorization"))
        .cloned()
        .collect();
    if signed.header("host").is_none() {
        let rest = &c.url[c.url.find("://").unwrap() + 3..];
        let host = &rest[..rest.find(['/', '?']).unwrap_or(rest.len())];
        hs.push((
            "host".into(),
            format!("{} (as derived)", host.to_ascii_lowercase()),
        ));
    }
    let payload = if c.body.is_empty() {
        EMPTY_HASH.to_string()
    } else {
        "<body hash>".into()
    };
    canonical_request(&c.method, &c.url, &hs, &payload)
        .map(|(s, _)| s)
        .unwrap_or_else(|e| e.to_string())
}

#[test]
#[ignore = "needs the Python oracle: run tests/sign-oracle/run.sh"]
fn matches_the_official_python_signer() {
    let path = std::env::var("DCS_SIGN_CASES")
        .expect("DCS_SIGN_CASES must name the cases file (run tests/sign-oracle/run.sh)");
    let data = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {path}: {e}"));
    let cases: Vec<Case> = data
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.is_empty() && !l.starts_with('#'))
        .map(|(i, l)| parse(i + 1, l))
        .collect();
    assert!(
        cases.len() >= MIN_CASES,
        "{path} holds {} cases, need at least {MIN_CASES}",
        cases.len()
    );
    let mut failures = Vec::new();
    for c in &cases {
        let req = HttpRequest {
            method: c.method.clone(),
            url: c.url.clone(),
            headers: c.headers.clone(),
        };
        let cred = match Credentials::new(c.ak.clone(), c.sk.clone(), c.token.clone()) {
            Ok(cred) => cred,
            Err(e) => {
                failures.push(format!("line {}: credentials rejected: {e}", c.line));
                continue;
            }
        };
        let signed = match sign_request_with_body(&req, &cred, c.date_ms, &c.body) {
            Ok(s) => s,
            Err(e) => {
                failures.push(format!(
                    "line {}: {} {:?} rejected: {e}",
                    c.line, c.method, c.url
                ));
                continue;
            }
        };
        let got_auth = signed.header("authorization").unwrap_or("");
        let got_uri = path_and_query(&signed.url);
        let mut names: Vec<String> = signed
            .headers
            .iter()
            .map(|(k, _)| k.to_ascii_lowercase())
            .collect();
        names.sort();
        let names = names.join(",");
        let date_ok = signed.header("x-sdk-date") == Some(c.sdk_date.as_str());
        if got_auth != c.authorization || got_uri != c.uri || names != c.header_names || !date_ok {
            failures.push(format!(
                "line {}: {} {:?} headers {:?}\n  authorization  ours {got_auth:?}\n                 sdk  {:?}\n  \
                 uri  ours {got_uri:?}\n       sdk  {:?}\n  header names  ours {names}\n                sdk  {}\n  \
                 canonical ours:\n{}\n  canonical sdk:\n{}",
                c.line,
                c.method,
                c.url,
                c.headers,
                c.authorization,
                c.uri,
                c.header_names,
                our_canonical(c, &signed),
                c.canonical
            ));
        }
    }
    if !failures.is_empty() {
        let shown: Vec<&String> = failures.iter().take(5).collect();
        panic!(
            "{} of {} cases differ from the Python SDK; first ones:\n{}",
            failures.len(),
            cases.len(),
            shown
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join("\n\n")
        );
    }
    eprintln!(
        "{} cases identical to the official Python signer",
        cases.len()
    );
}
