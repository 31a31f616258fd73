//! Property tests of the signer: it never panics, and signing is deterministic and idempotent.
#![cfg(not(target_arch = "wasm32"))]

use dcs_tasks_core::sign::{sign_request_with_body, Credentials};
use dcs_tasks_core::HttpRequest;
use proptest::prelude::*;

/// Mostly characters a URL or header may carry, sometimes anything.
fn any_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        60 => prop::sample::select(vec![
            "%", "%2", "%2F", "%2e", "%zz", "%ff", "%C3", "+", "=", "&", "?", "/", "//", ".", ":",
            "@", "[", "]", "é", "中", "😀", "\u{a0}", "a", "Z", "0", "-", "_", "~", "ab", "x1",
        ])
        .prop_map(String::from),
        1 => prop::sample::select(vec![" ", "\t", "\n", "\0", "#", "\\", ".."]).prop_map(String::from),
        1 => any::<char>().prop_map(String::from),
    ];
    prop::collection::vec(piece, 0..16).prop_map(|v| v.concat())
}

fn request() -> impl Strategy<Value = HttpRequest> {
    (
        prop::sample::select(vec!["GET", "GET", "DELETE", "post", "PUT", "", "G T"]),
        prop::sample::select(vec![
            "https://dcs.example.com",
            "http://127.0.0.1:9000",
            "https://[::1]:443",
            "https://H:80",
            "HTTP://Dcs.Example.COM:8080",
            "https://dcs.example.com",
            "ftp://x",
            "https://u@h",
        ]),
        any_text(),
        prop::collection::vec((any_text(), any_text()), 0..4),
        prop::collection::vec(
            (
                prop::sample::select(vec![
                    "X-A",
                    "x-b",
                    "Content-Type",
                    "content-type",
                    "Host",
                    "X_U",
                    "Authorization",
                    "X-Sdk-Date",
                    "X-Sdk-Content-Sha256",
                    "X-Security-Token",
                    "X-A",
                    "a b",
                ]),
                any_text(),
            ),
            0..3,
        ),
    )
        .prop_map(|(m, base, path, query, headers)| {
            let mut url = format!("{base}/{path}");
            if !query.is_empty() {
                url.push('?');
                let q: Vec<String> = query.iter().map(|(k, v)| format!("{k}={v}")).collect();
                url.push_str(&q.join("&"));
            }
            HttpRequest {
                method: m.to_string(),
                url,
                headers: headers
                    .into_iter()
                    .map(|(k, v)| (k.to_string(), v))
                    .collect(),
            }
        })
}

proptest! {
    #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::with_cases(2000) })]

    #[test]
    fn never_panics_and_resigning_is_stable(
        req in request(),
        body in prop::collection::vec(any::<u8>(), 0..70),
        token in prop::option::of("[A-Za-z0-9+/=]{1,40}"),
        now in -1i64..300_000_000_000_000,
    ) {
        let cred = Credentials::new("AK+/=", "SK+/=", token).unwrap();
        if let Ok(signed) = sign_request_with_body(&req, &cred, now, &body) {
            prop_assert!(signed.header("authorization").is_some());
            prop_assert!(signed.header("x-sdk-date").is_some());
            let again = sign_request_with_body(&signed, &cred, now, &body).unwrap();
            prop_assert_eq!(&again, &signed);
            prop_assert_eq!(sign_request_with_body(&req, &cred, now, &body).unwrap(), signed);
        }
    }
}
