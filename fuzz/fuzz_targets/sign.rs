//! `sign_request` over arbitrary methods, URLs, headers, credentials (built directly, so
//! unvalidated ones reach the signer) and times.
//!
//! Invariants: never panics; an error is INVALID_ARGUMENT naming a field; a success
//! carries exactly one `Authorization` (`SDK-HMAC-SHA256 Access=..., SignedHeaders=...,
//! Signature=<64 hex>`), an `X-Sdk-Date` of the given time, no `Host`, and signing the
//! signed request again at the same time gives the same request (canonical form is a
//! fixed point).
#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use dcs_tasks_core::{sign_request, Credentials, HttpRequest};
use dcs_tasks_fuzz::{assert_argument_error, word};
use libfuzzer_sys::fuzz_target;

const METHODS: &[&str] = &[
    "GET", "DELETE", "POST", "get", "PATCH", "", "G T", "GET\r\n", "É",
];
const SCHEMES: &[&str] = &[
    "https://", "http://", "HTTPS://", "ftp://", "https:/", "", "https:",
];
const HOSTS: &[&str] = &[
    "dcs.cn-north-4.myhuaweicloud.com",
    "EXAMPLE.com:443",
    "example.com:0443",
    "example.com:80",
    "example.com:65536",
    "example.com:",
    "127.0.0.1:8787",
    "[::1]",
    "[::1]:443",
    "[]",
    "user@host",
    "a_b.example",
    "é.example",
    "",
];
const PATHS: &[&str] = &[
    "",
    "/",
    "/v2/p/instances/i/tasks",
    "/a b",
    "/%2e%2e/x",
    "/./x",
    "/a/../b",
    "/%",
    "/%zz",
    "/%ff%fe",
    "/é",
    "/a%2Fb",
    "//",
];
const QUERIES: &[&str] = &[
    "",
    "?",
    "?limit=10&offset=0",
    "?b=2&a=1&a=0",
    "?a",
    "?=",
    "?&&",
    "?a+b=c%20d",
    "?%ff=%",
    "?k=é",
    "#frag",
];
const HEADERS: &[&str] = &[
    "Content-Type",
    "content-type",
    "X-Project-Id",
    "Host",
    "host",
    "Authorization",
    "X-Sdk-Date",
    "x-sdk-date",
    "X-Security-Token",
    "X-Sdk-Content-Sha256",
    "x_underscore",
    "Bad Name",
    "",
];

fn pick<'a>(u: &mut Unstructured<'a>, list: &[&str]) -> arbitrary::Result<String> {
    Ok(if u.ratio(1u8, 5u8)? {
        String::arbitrary(u)?
    } else {
        (*u.choose(list)?).to_string()
    })
}

#[derive(Debug)]
struct Input {
    req: HttpRequest,
    cred: Credentials,
    now_ms: i64,
}

impl<'a> Arbitrary<'a> for Input {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        let method = pick(u, METHODS)?;
        let url = if u.ratio(1u8, 8u8)? {
            String::arbitrary(u)?
        } else {
            let mut s = pick(u, SCHEMES)?;
            s.push_str(&pick(u, HOSTS)?);
            s.push_str(&pick(u, PATHS)?);
            s.push_str(&pick(u, QUERIES)?);
            s
        };
        let n = u.int_in_range(0u8..=6)?;
        let mut headers = Vec::new();
        for _ in 0..n {
            let k = pick(u, HEADERS)?;
            let v = match u.int_in_range(0u8..=3)? {
                0 => "application/json".to_string(),
                1 => "text/plain".to_string(),
                _ => word(u)?,
            };
            headers.push((k, v));
        }
        let secret = |u: &mut Unstructured<'a>, ok: &str| -> arbitrary::Result<String> {
            Ok(if u.ratio(3u8, 4u8)? {
                ok.to_string()
            } else {
                String::arbitrary(u)?
            })
        };
        let cred = Credentials {
            ak: secret(u, "FUZZAKFUZZAKFUZZAK")?,
            sk: secret(u, "fuzz-secret-key-not-a-real-one")?,
            security_token: if bool::arbitrary(u)? {
                None
            } else {
                Some(secret(u, "fuzz+/=token")?)
            },
        };
        let now_ms = match u.int_in_range(0u8..=3)? {
            0 => i64::arbitrary(u)?,
            1 => *u.choose(&[
                i64::MIN,
                -1,
                0,
                253_402_300_799_999,
                253_402_300_800_000,
                i64::MAX,
            ])?,
            _ => u.int_in_range(0i64..=253_402_300_799_999)?,
        };
        Ok(Input {
            req: HttpRequest {
                method,
                url,
                headers,
            },
            cred,
            now_ms,
        })
    }
}

fuzz_target!(|i: Input| {
    let signed = match sign_request(&i.req, &i.cred, i.now_ms) {
        Ok(s) => s,
        Err(e) => {
            assert_argument_error(&e.into());
            return;
        }
    };
    let auths: Vec<&str> = signed
        .headers
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case("authorization"))
        .map(|(_, v)| v.as_str())
        .collect();
    assert_eq!(auths.len(), 1, "{signed:?}");
    let prefix = format!("SDK-HMAC-SHA256 Access={}, SignedHeaders=", i.cred.ak);
    let a = auths[0];
    // Messages show the header without the signature (the test logs are grepped for them).
    let shown = a.rsplit_once(", Signature=").map_or(a, |(head, _)| head);
    assert!(a.starts_with(&prefix), "{shown}");
    let sig = a.rsplit_once(", Signature=").expect("no signature").1;
    assert!(
        sig.len() == 64 && sig.bytes().all(|b| b.is_ascii_hexdigit()),
        "{shown}"
    );
    let date = signed.header("X-Sdk-Date").expect("no X-Sdk-Date");
    assert_eq!(date, dcs_tasks_parse::time::format_sdk_date(i.now_ms));
    assert_eq!(date.len(), 16, "{date}");
    if i.req.header("host").is_none() {
        assert!(signed.header("host").is_none(), "Host returned: {signed:?}");
    }
    if let Some(t) = &i.cred.security_token {
        assert_eq!(signed.header("X-Security-Token"), Some(t.as_str()));
    }
    match sign_request(&signed, &i.cred, i.now_ms) {
        Ok(again) => {
            assert_eq!(again.url, signed.url, "re-signing changed the URL");
            assert_eq!(
                again.headers, signed.headers,
                "re-signing changed the headers"
            );
        }
        Err(e) => panic!("the signer refused its own output: {e:?}"),
    }
});
