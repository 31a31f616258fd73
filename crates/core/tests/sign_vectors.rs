//! SDK-HMAC-SHA256: the public vectors A-D of the facts sheet, SHA-256 (FIPS 180-4) and
//! HMAC-SHA256 (RFC 4231) vectors, validation and redaction.
#![cfg(not(target_arch = "wasm32"))]

use dcs_tasks_core::query::{build_list_tasks_request, Arg, ListTasksInput};
use dcs_tasks_core::sign::{
    canonical_query, canonical_request, canonical_uri, hex, hmac_sha256, sha256, sign_request,
    sign_request_with_body, signature, string_to_sign, token_request, Credentials, EMPTY_HASH,
};
use dcs_tasks_core::{ErrorCode, HttpRequest};

const AK: &str = "HPUAXXXXXXXXXXXXXXXX";
const SK: &str = "SKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSKSK";
const PROJECT: &str = "0123456789abcdef0123456789abcdef";
const INSTANCE: &str = "3e5c8b1a-1111-2222-3333-444455556666";
const BASE: &str = "https://dcs.cn-north-4.myhuaweicloud.com/v2/0123456789abcdef0123456789abcdef/instances/3e5c8b1a-1111-2222-3333-444455556666/tasks";
/// 2024-01-01T00:00:00Z
const JAN_2024: i64 = 1_704_067_200_000;

fn h(k: &str, v: &str) -> (String, String) {
    (k.to_string(), v.to_string())
}

fn req(method: &str, url: &str, headers: &[(&str, &str)]) -> HttpRequest {
    HttpRequest {
        method: method.to_string(),
        url: url.to_string(),
        headers: headers.iter().map(|(k, v)| h(k, v)).collect(),
    }
}

fn cred(token: Option<&str>) -> Credentials {
    Credentials::new(AK, SK, token.map(str::to_string)).unwrap()
}

fn auth(r: &HttpRequest) -> &str {
    r.header("Authorization").expect("Authorization")
}

fn vector_a_request() -> HttpRequest {
    build_list_tasks_request(&ListTasksInput {
        endpoint: Arg::Str("https://dcs.cn-north-4.myhuaweicloud.com".into()),
        project_id: Arg::Str(PROJECT.into()),
        instance_id: Arg::Str(INSTANCE.into()),
        offset: Arg::Num(0.0),
        limit: Arg::Num(10.0),
        start_time: Arg::Str("20200609160000".into()),
        end_time: Arg::Str("20200617155959".into()),
        ..Default::default()
    })
    .unwrap()
}

// ------------------------------------------------------------------ hash primitives

#[test]
fn sha256_fips_180_4() {
    let cases: [(&[u8], &str); 3] = [
        (b"", EMPTY_HASH),
        (
            b"abc",
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        ),
        (
            b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
        ),
    ];
    for (m, d) in cases {
        assert_eq!(hex(&sha256(m)), d);
    }
    assert_eq!(
        hex(&sha256(b"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu")),
        "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"
    );
    assert_eq!(
        hex(&sha256(&vec![b'a'; 1_000_000])),
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
    );
}

#[test]
fn sha256_padding_boundaries() {
    // Message bytes i % 251; digests from Python's hashlib.
    let cases = [
        (
            55,
            "463eb28e72f82e0a96c0a4cc53690c571281131f672aa229e0d45ae59b598b59",
        ),
        (
            56,
            "da2ae4d6b36748f2a318f23e7ab1dfdf45acdc9d049bd80e59de82a60895f562",
        ),
        (
            63,
            "29af2686fd53374a36b0846694cc342177e428d1647515f078784d69cdb9e488",
        ),
        (
            64,
            "fdeab9acf3710362bd2658cdc9a29e8f9c757fcf9811603a8c447cd1d9151108",
        ),
        (
            65,
            "4bfd2c8b6f1eec7a2afeb48b934ee4b2694182027e6d0fc075074f2fabb31781",
        ),
        (
            119,
            "da18797ed7c3a777f0847f429724a2d8cd5138e6ed2895c3fa1a6d39d18f7ec6",
        ),
        (
            120,
            "f52b23db1fbb6ded89ef42a23ce0c8922c45f25c50b568a93bf1c075420bbb7c",
        ),
        (
            128,
            "471fb943aa23c511f6f72f8d1652d9c880cfa392ad80503120547703e56a2be5",
        ),
        (
            1000,
            "4e4c294b331f7a2099a379bec34b9f9fc03dc46ab465d998f4d683da53487e6d",
        ),
    ];
    for (n, d) in cases {
        let m: Vec<u8> = (0..n).map(|i| (i % 251) as u8).collect();
        assert_eq!(hex(&sha256(&m)), d, "length {n}");
    }
}

#[test]
fn hmac_sha256_rfc_4231() {
    let long_key = [0xaa; 131];
    let cases: [(&[u8], &[u8], &str); 6] = [
        (&[0x0b; 20], b"Hi There", "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
        (b"Jefe", b"what do ya want for nothing?", "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
        (&[0xaa; 20], &[0xdd; 50], "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
        (
            &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25],
            &[0xcd; 50],
            "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
        ),
        (&long_key, b"Test Using Larger Than Block-Size Key - Hash Key First", "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
        (
            &long_key,
            b"This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.",
            "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
        ),
    ];
    for (k, d, mac) in cases {
        assert_eq!(hex(&hmac_sha256(k, d)), mac);
    }
    // Test case 5: truncated to 128 bits.
    assert_eq!(
        hex(&hmac_sha256(&[0x0c; 20], b"Test With Truncation")[..16]),
        "a3b6167473100ee06e0c796c2955552b"
    );
    // A key of exactly one block is used as is (not hashed).
    assert_eq!(
        hex(&hmac_sha256(&[b'k'; 64], b"x")),
        "f91c4c403625fb06910ef93999265bbd2d62baeaec6ff36455498cc124fe3e66"
    );
}

// ------------------------------------------------------------------ public vectors

#[test]
fn vector_a_from_the_request_builder() {
    let r = vector_a_request();
    assert_eq!(r.header("Content-Type"), Some("application/json"));
    let signed = sign_request(&r, &cred(None), JAN_2024).unwrap();
    assert_eq!(signed.header("X-Sdk-Date"), Some("20240101T000000Z"));
    assert_eq!(
        auth(&signed),
        "SDK-HMAC-SHA256 Access=HPUAXXXXXXXXXXXXXXXX, SignedHeaders=content-type;host;x-project-id;x-sdk-date, Signature=6d5730b7e2b3d76486b7e6e8d805ee73b8e788a5be6835f0c8c9b0775dc1a3dc"
    );
    // Host is signed, not returned; JSON content needs no X-Sdk-Content-Sha256.
    assert!(signed.header("Host").is_none());
    assert!(signed.header("X-Sdk-Content-Sha256").is_none());
    assert!(signed.header("X-Security-Token").is_none());
    // The query goes out in canonical (sorted) form, as the SDK sends it.
    assert_eq!(
        signed.url,
        format!("{BASE}?end_time=20200617155959&limit=10&offset=0&start_time=20200609160000")
    );
    // Re-signing a signed request is stable.
    let again = sign_request(&signed, &cred(None), JAN_2024).unwrap();
    assert_eq!(again, signed);
}

#[test]
fn vector_a_canonical_request_hash() {
    let url = format!("{BASE}?offset=0&limit=10&start_time=20200609160000&end_time=20200617155959");
    let headers = [
        h("Content-Type", "application/json"),
        h("X-Project-Id", PROJECT),
        h("X-Sdk-Date", "20240101T000000Z"),
        h("Host", "dcs.cn-north-4.myhuaweicloud.com"),
    ];
    let (c, list) = canonical_request("GET", &url, &headers, EMPTY_HASH).unwrap();
    assert_eq!(list, "content-type;host;x-project-id;x-sdk-date");
    assert_eq!(
        c,
        format!(
            "GET\n/v2/{PROJECT}/instances/{INSTANCE}/tasks/\nend_time=20200617155959&limit=10&offset=0&start_time=20200609160000\n\
             content-type:application/json\nhost:dcs.cn-north-4.myhuaweicloud.com\nx-project-id:{PROJECT}\nx-sdk-date:20240101T000000Z\n\n\
             content-type;host;x-project-id;x-sdk-date\n{EMPTY_HASH}"
        )
    );
    assert_eq!(
        hex(&sha256(c.as_bytes())),
        "cc9adfc91e2eecfaf823118c202d258fb502bc8a841fdfac0f021e4ffb9ba483"
    );
    let sts = string_to_sign("20240101T000000Z", &c);
    assert_eq!(
        sts,
        "SDK-HMAC-SHA256\n20240101T000000Z\ncc9adfc91e2eecfaf823118c202d258fb502bc8a841fdfac0f021e4ffb9ba483"
    );
    assert_eq!(
        signature(SK, &sts),
        "6d5730b7e2b3d76486b7e6e8d805ee73b8e788a5be6835f0c8c9b0775dc1a3dc"
    );
}

#[test]
fn vector_b() {
    let r = req("GET", BASE, &[("X-Project-Id", PROJECT)]);
    let signed = sign_request(&r, &cred(None), JAN_2024).unwrap();
    assert_eq!(
        auth(&signed),
        "SDK-HMAC-SHA256 Access=HPUAXXXXXXXXXXXXXXXX, SignedHeaders=host;x-project-id;x-sdk-date, Signature=47686d58329be1661c376336b28e63242f2e950cf66add9caf474d04dd134a5c"
    );
    assert_eq!(signed.url, BASE);
}

/// The facts sheet prints `...1d3c3dca6c0`; the official Python SDK signer (3.1.219) gives
/// `...1d3e3dca6c0` for exactly this request, and so does the mock gateway: a typo in the sheet.
#[test]
fn vector_c() {
    let r = req(
        "GET",
        &format!("{BASE}?limit=10&offset=0"),
        &[("X-Project-Id", PROJECT)],
    );
    let signed = sign_request(&r, &cred(Some("TOKEN+/=abc")), JAN_2024).unwrap();
    assert_eq!(signed.header("X-Security-Token"), Some("TOKEN+/=abc"));
    assert_eq!(
        auth(&signed),
        "SDK-HMAC-SHA256 Access=HPUAXXXXXXXXXXXXXXXX, SignedHeaders=host;x-project-id;x-sdk-date;x-security-token, Signature=44ad4b9245a74219608f9b0a9e1d12f1803917945a5216616034a1d3e3dca6c0"
    );
}

#[test]
fn vector_d_go_sdk_unit_test() {
    // Only X-Sdk-Date is signed (no Host): reachable through canonical_request only, since
    // sign_request always signs Host.
    let headers = [h("X-Sdk-Date", "20060102T150405Z")];
    let (c, list) = canonical_request(
        "GET",
        "https://example.huaweicloud.com/path?limit=1",
        &headers,
        EMPTY_HASH,
    )
    .unwrap();
    assert_eq!(list, "x-sdk-date");
    let sig = signature("SecretKey", &string_to_sign("20060102T150405Z", &c));
    assert_eq!(
        sig,
        "5a2ce64c865e0e6046321c6f3d5a77ba8413eeaf355c3166c03d58d02ac79624"
    );
    // Through sign_request, Host is signed too (signature computed with the Python SDK).
    let r = req("GET", "https://example.huaweicloud.com/path?limit=1", &[]);
    let c = Credentials::new("AccessKey", "SecretKey", None).unwrap();
    let signed = sign_request(&r, &c, 1_136_214_245_000).unwrap();
    assert_eq!(
        auth(&signed),
        "SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=host;x-sdk-date, Signature=7eb88c06474c7197e670e0ae61651746453587eb5fad98074266578511cf3c01"
    );
}

// ------------------------------------------------------------------ canonical forms

#[test]
fn canonical_uri_and_query_follow_the_python_sdk() {
    assert_eq!(canonical_uri("/"), "/");
    assert_eq!(canonical_uri("/a/b"), "/a/b/");
    assert_eq!(canonical_uri("/a/b/"), "/a/b/");
    // decoded first, then re-encoded; %2F splits like a slash
    assert_eq!(canonical_uri("/a%2fb/c%20d/e+f"), "/a/b/c%20d/e%2Bf/");
    assert_eq!(
        canonical_uri("/x:y@z!$'()*,;="),
        "/x%3Ay%40z%21%24%27%28%29%2A%2C%3B%3D/"
    );
    assert_eq!(canonical_uri("/caf%C3%A9/é"), "/caf%C3%A9/%C3%A9/");
    // a lone % stays; invalid UTF-8 becomes U+FFFD
    assert_eq!(canonical_uri("/100%/%zz/%ff"), "/100%25/%25zz/%EF%BF%BD/");
    assert_eq!(canonical_query(""), "");
    assert_eq!(canonical_query("&&"), "");
    assert_eq!(canonical_query("b=2&a=1&a=0&c"), "a=0&a=1&b=2&c=");
    assert_eq!(
        canonical_query("q=a+b%20c&x=%2B%2b&e=a=b"),
        "e=a%3Db&q=a%2Bb%20c&x=%2B%2B"
    );
    assert_eq!(canonical_query("k=~-_.*&=v"), "=v&k=~-_.%2A");
}

#[test]
fn body_and_unsigned_payload() {
    let c = cred(None);
    // JSON body: hashed.
    let r = req(
        "POST",
        BASE,
        &[("Content-Type", "application/json;charset=UTF-8")],
    );
    let s = sign_request_with_body(&r, &c, JAN_2024, b"{\"a\":1}").unwrap();
    assert!(s.header("X-Sdk-Content-Sha256").is_none());
    let mut hs = s.headers.clone();
    hs.retain(|(k, _)| k != "Authorization");
    hs.push(h("host", "dcs.cn-north-4.myhuaweicloud.com"));
    let (canon, _) = canonical_request("POST", BASE, &hs, &hex(&sha256(b"{\"a\":1}"))).unwrap();
    let sig = signature(SK, &string_to_sign("20240101T000000Z", &canon));
    assert!(auth(&s).ends_with(&sig));
    // Non-JSON body: UNSIGNED-PAYLOAD header, signed, stands in for the hash.
    let r = req("PUT", BASE, &[("Content-Type", "text/plain")]);
    let s = sign_request_with_body(&r, &c, JAN_2024, b"hello").unwrap();
    assert_eq!(s.header("X-Sdk-Content-Sha256"), Some("UNSIGNED-PAYLOAD"));
    assert!(auth(&s).contains("SignedHeaders=content-type;host;x-sdk-content-sha256;x-sdk-date,"));
    let mut hs = s.headers.clone();
    hs.retain(|(k, _)| k != "Authorization");
    hs.push(h("host", "dcs.cn-north-4.myhuaweicloud.com"));
    let (canon, _) = canonical_request("PUT", BASE, &hs, "UNSIGNED-PAYLOAD").unwrap();
    assert!(auth(&s).ends_with(&signature(SK, &string_to_sign("20240101T000000Z", &canon))));
}

#[test]
fn host_header_underscores_and_default_ports() {
    let c = cred(None);
    // A given Host is used and kept.
    let r = req("GET", BASE, &[("Host", "other.example.com")]);
    let s = sign_request(&r, &c, JAN_2024).unwrap();
    assert_eq!(s.header("host"), Some("other.example.com"));
    assert!(auth(&s).contains("SignedHeaders=host;x-sdk-date,"));
    // Names with '_' are sent but never signed (like the SDK).
    let r = req("GET", BASE, &[("X_Custom", "1")]);
    let s = sign_request(&r, &c, JAN_2024).unwrap();
    assert_eq!(s.header("X_Custom"), Some("1"));
    assert!(auth(&s).contains("SignedHeaders=host;x-sdk-date,"));
    // Host as fetch sends it: lower-case, no default port.
    let a = sign_request(&req("GET", "https://Example.COM:443/p", &[]), &c, JAN_2024).unwrap();
    let b = sign_request(&req("GET", "https://example.com/p", &[]), &c, JAN_2024).unwrap();
    assert_eq!(auth(&a), auth(&b));
    let z = sign_request(&req("GET", "https://example.com:0443/p", &[]), &c, JAN_2024).unwrap();
    assert_eq!(auth(&z), auth(&b));
    let e = sign_request(
        &req("GET", "https://example.com:08443/p", &[]),
        &c,
        JAN_2024,
    )
    .unwrap();
    assert_ne!(auth(&e), auth(&b));
    let hs = [
        h("host", "example.com:8443"),
        h("x-sdk-date", "20240101T000000Z"),
    ];
    let (canon, _) =
        canonical_request("GET", "https://example.com:8443/p", &hs, EMPTY_HASH).unwrap();
    assert!(auth(&e).ends_with(&signature(SK, &string_to_sign("20240101T000000Z", &canon))));
    // An old Authorization / X-Sdk-Date is replaced, never signed.
    let r = req(
        "GET",
        BASE,
        &[("authorization", "x"), ("x-sdk-date", "19990101T000000Z")],
    );
    let s = sign_request(&r, &c, JAN_2024).unwrap();
    assert_eq!(s.headers.len(), 2);
    assert_eq!(s.header("X-Sdk-Date"), Some("20240101T000000Z"));
    // Header values are trimmed in the canonical form.
    let a = sign_request(&req("GET", BASE, &[("X-A", " v \t")]), &c, JAN_2024).unwrap();
    let b = sign_request(&req("GET", BASE, &[("X-A", "v")]), &c, JAN_2024).unwrap();
    assert_eq!(auth(&a), auth(&b));
}

#[test]
fn token_auth() {
    let r = token_request(&vector_a_request(), "MIItoken");
    assert_eq!(r.header("x-auth-token"), Some("MIItoken"));
    assert!(!format!("{r:?}").contains("MIItoken"));
}

// ------------------------------------------------------------------ validation

fn field_of(e: dcs_tasks_core::DcsError) -> String {
    assert_eq!(e.code, ErrorCode::InvalidArgument);
    e.field.unwrap()
}

#[test]
fn credential_validation() {
    let secret = "S3CRET-with space";
    let cases = [
        (Credentials::new("", "sk", None), "auth.ak"),
        (Credentials::new("a k", "sk", None), "auth.ak"),
        (Credentials::new("a,k", "sk", None), "auth.ak"),
        (Credentials::new("x".repeat(257), "sk", None), "auth.ak"),
        (Credentials::new("ak", "", None), "auth.sk"),
        (Credentials::new("ak", secret, None), "auth.sk"),
        (Credentials::new("ak", "s\nk", None), "auth.sk"),
        (Credentials::new("ak", "skü", None), "auth.sk"),
        (
            Credentials::new("ak", "sk", Some(format!("tok\r\n{secret}"))),
            "auth.securityToken",
        ),
        (
            Credentials::new("ak", "sk", Some("t".repeat(8193))),
            "auth.securityToken",
        ),
    ];
    for (r, f) in cases {
        // The core names the field; the JS surface of `DcsClient` puts `auth.` in front.
        let e = r.unwrap_err().js("auth.");
        assert!(
            !e.message.contains("S3CRET") && !e.message.contains("sk\n"),
            "{}",
            e.message
        );
        assert_eq!(field_of(e), f);
    }
    assert_eq!(
        Credentials::new("ak", "sk", Some(String::new()))
            .unwrap()
            .security_token,
        None
    );
    assert!(Credentials::new("A+/=", "S+/=", Some("T+/=".into())).is_ok());
    // Fields are public: the signer checks them again.
    let bad = Credentials {
        ak: "ak".into(),
        sk: String::new(),
        security_token: None,
    };
    assert_eq!(
        field_of(
            sign_request(&req("GET", BASE, &[]), &bad, JAN_2024)
                .unwrap_err()
                .into()
        ),
        "sk"
    );
}

#[test]
fn auth_from_its_keys() {
    use dcs_tasks_core::sign::{Auth, AuthError};
    use dcs_tasks_core::Field;
    let (a, s) = (Arg::Absent, |v: &str| Arg::Str(v.to_string()));
    assert_eq!(
        Auth::from_args(&s("MIItoken"), &a, &a, &a),
        Ok(Auth::Token("MIItoken".into()))
    );
    assert!(matches!(
        Auth::from_args(&a, &s("ak"), &s("sk"), &a),
        Ok(Auth::AkSk(_))
    ));
    assert_eq!(
        Auth::from_args(&s("t"), &a, &a, &s("x")),
        Err(AuthError::Both)
    );
    let key = |r: Result<Auth, AuthError>| match r {
        Err(AuthError::Key(e)) => e.field,
        other => panic!("{other:?}"),
    };
    assert_eq!(key(Auth::from_args(&s(""), &a, &a, &a)), Field::Token);
    assert_eq!(
        key(Auth::from_args(&Arg::Num(1.0), &a, &a, &a)),
        Field::Token
    );
    assert_eq!(key(Auth::from_args(&a, &a, &a, &a)), Field::Ak);
    assert_eq!(key(Auth::from_args(&a, &s("ak"), &a, &a)), Field::Sk);
    assert_eq!(
        key(Auth::from_args(&a, &s("ak"), &s("sk"), &Arg::Bool(true))),
        Field::SecurityToken
    );
}

#[test]
fn request_validation() {
    let c = cred(None);
    for url in [
        "",
        "dcs.example.com/x",
        "ftp://dcs.example.com/x",
        "https://",
        "https:///x",
        "https://user@host/x",
        "https://host:/x",
        "https://host:99999/x",
        "https://host:12a/x",
        "https://ho st/x",
        "https://host/x y",
        "https://host/x#frag",
        "https://host/a/../b",
        "https://host/a/%2E%2e/b",
        "https://host/./b",
        "https://host/a\\b",
        "https://host/a\nb",
        "https://hóst/x",
        "https://[]/x",
    ] {
        // The core names the field; `signRequest` puts `req.` in front.
        let e = sign_request(&req("GET", url, &[]), &c, JAN_2024).unwrap_err();
        assert_eq!(field_of(e.js("req.")), "req.url", "{url:?}");
    }
    for url in [
        "https://h",
        "https://h?x=1",
        "http://127.0.0.1:9000/v2/x",
        "https://[::1]:8443/x",
        "HTTPS://H.example.com/x?",
        "https://h/é?q=ü",
    ] {
        sign_request(&req("GET", url, &[]), &c, JAN_2024).unwrap_or_else(|e| panic!("{url}: {e}"));
    }
    for hs in [
        vec![("", "v")],
        vec![("X A", "v")],
        vec![("X:A", "v")],
        vec![("X-A", "a\r\nb")],
        vec![("X-A", "a\0")],
        vec![("X-A", "1"), ("x-a", "2")],
    ] {
        let e = sign_request(&req("GET", BASE, &hs), &c, JAN_2024).unwrap_err();
        assert_eq!(field_of(e.js("req.")), "req.headers", "{hs:?}");
    }
    for m in ["", "G ET", "GET\n"] {
        let e = sign_request(&req(m, BASE, &[]), &c, JAN_2024).unwrap_err();
        assert_eq!(field_of(e.js("req.")), "req.method");
    }
    assert!(sign_request(&req("GET", BASE, &[]), &c, -1).is_err());
    assert!(sign_request(&req("GET", BASE, &[]), &c, i64::MAX).is_err());
}

// ------------------------------------------------------------------ redaction

#[test]
fn debug_never_shows_secrets() {
    let c = Credentials::new(AK, SK, Some("TOKEN+/=abc".into())).unwrap();
    let d = format!("{c:?}");
    assert!(d.contains(AK), "{d}");
    assert!(!d.contains(SK) && !d.contains("TOKEN+/=abc"), "{d}");
    let signed = sign_request(&vector_a_request(), &c, JAN_2024).unwrap();
    let sig = auth(&signed).rsplit('=').next().unwrap().to_string();
    assert_eq!(sig.len(), 64);
    let d = format!("{signed:?}");
    assert!(
        !d.contains(SK) && !d.contains("TOKEN+/=abc") && !d.contains(&sig),
        "{d}"
    );
    let d = format!("{:#?}", (&c, &signed));
    assert!(
        !d.contains(SK) && !d.contains("TOKEN+/=abc") && !d.contains(&sig),
        "{d}"
    );
}

#[test]
fn never_panics_on_odd_input() {
    let c = cred(Some("t"));
    let inputs = [
        "https://h/%",
        "https://h/%%%",
        "https://h/%f",
        "https://h?%",
        "https://h?=&=&",
        "https://h?a=%ff%fe&a=%c3",
        "https://[:",
        "https://]:1/",
        "https://h:65535",
        "https://:1/",
        "https://h/\u{10ffff}?\u{10ffff}=\u{fffd}",
        "http://h/a//b///",
    ];
    for u in inputs {
        let _ = sign_request(&req("GET", u, &[("X-V", "\u{a0}é\u{3000}")]), &c, JAN_2024);
    }
}
