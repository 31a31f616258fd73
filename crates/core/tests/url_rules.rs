//! One URL/host rule set: the endpoint validator, the signer and the proxy's ALLOWED_ORIGINS
//! accept and refuse the same hosts and ports, and normalize them the same way.

use dcs_tasks_core::endpoint::parse_endpoint;
use dcs_tasks_core::proxy::ProxyConfig;
use dcs_tasks_core::{sign_request, Credentials, HttpRequest};

fn signed_url(url: &str) -> Result<String, String> {
    let cred = Credentials::new("AK", "SK", None).unwrap();
    let req = HttpRequest {
        method: "GET".into(),
        url: url.to_string(),
        headers: Vec::new(),
    };
    let signed = sign_request(&req, &cred, 1_704_067_200_000).map_err(|e| e.to_string())?;
    Ok(signed.url)
}

fn origins_config(origin: &str) -> Result<ProxyConfig, String> {
    ProxyConfig::from_env(|k| {
        match k {
            "HUAWEICLOUD_SDK_PROJECT_ID" => Some("p"),
            "DCS_REGION" => Some("cn-north-4"),
            "DCS_AUTH_TOKEN" => Some("iam-token"),
            "ALLOWED_ORIGINS" => Some(origin),
            _ => None,
        }
        .map(String::from)
    })
    .map_err(|e| e.message)
}

#[test]
fn the_three_agree_on_hosts_and_ports() {
    let hosts = [
        ("api.example.com", true),
        ("api_v2.internal.example.com", true),
        ("Mixed.Example.COM", true),
        ("xn--bcher-kva.example", true),
        ("[2001:db8::1]", true),
        ("a-b.c", true),
        ("api.example.com:8443", true),
        ("api.example.com:0443", true),
        ("-api.example.com", false),
        ("api-.example.com", false),
        ("api..example.com", false),
        ("api.example.com.", false),
        ("h\u{f3}st.example", false),
        ("api%2eexample.com", false),
        ("user@api.example.com", false),
        ("api.example.com:", false),
        ("api.example.com:0", false),
        ("api.example.com:65536", false),
        ("api.example.com:8a", false),
        ("[]", false),
        ("[g::1]", false),
        ("", false),
    ];
    for (host, ok) in hosts {
        let base = format!("https://{host}");
        let e = parse_endpoint(&base);
        let s = signed_url(&format!("{base}/v2/p"));
        let o = origins_config(&base);
        assert_eq!(e.is_ok(), ok, "endpoint {base:?}: {e:?}");
        assert_eq!(s.is_ok(), ok, "signer {base:?}: {s:?}");
        assert_eq!(o.is_ok(), ok, "ALLOWED_ORIGINS {base:?}: {:?}", o.err());
        if let (Ok(e), Ok(o)) = (e, o) {
            // One normal form: lower-case host, default port dropped; the proxy compares
            // a browser's Origin with exactly this.
            assert_eq!(o.allowed_origins, vec![e.base_url()], "{base:?}");
            assert!(o.origin_allowed(&e.base_url(), ""), "{base:?}");
        }
    }
}

#[test]
fn loopback_is_one_rule() {
    for (host, loopback) in [
        ("localhost:8787", true),
        ("127.0.0.1", true),
        ("127.9.9.9:1", true),
        ("[::1]:9000", true),
        ("app.localhost", true),
        ("127.0.0.1.evil.com", false),
        ("localhost.evil.com", false),
        ("10.0.0.1", false),
    ] {
        let url = format!("http://{host}/x");
        assert_eq!(
            dcs_tasks_core::url::parse(&url).unwrap().is_loopback(),
            loopback,
            "{url}"
        );
        // http:// endpoints are allowed for loopback hosts only.
        assert_eq!(parse_endpoint(&format!("http://{host}")).is_ok(), loopback);
    }
}
