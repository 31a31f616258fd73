//! Endpoints: the 34 DCS regions, and validation of explicit endpoint URLs.

use crate::field::{ArgError, Field, Problem};
use crate::url;
use dcs_tasks_parse::error::cat;

type Result<T> = core::result::Result<T, ArgError>;

/// The regions the official Python SDK knows for DCS, in its order.
pub const REGIONS: [&str; 34] = [
    "af-south-1",
    "cn-north-2",
    "cn-north-4",
    "cn-north-1",
    "cn-east-2",
    "cn-east-3",
    "cn-south-1",
    "cn-south-2",
    "cn-southwest-2",
    "ap-southeast-2",
    "ap-southeast-1",
    "ap-southeast-3",
    "ru-northwest-2",
    "sa-brazil-1",
    "la-north-2",
    "la-south-2",
    "cn-north-9",
    "na-mexico-1",
    "ae-ad-1",
    "tr-west-1",
    "ap-southeast-4",
    "eu-west-101",
    "me-east-1",
    "eu-west-0",
    "cn-east-5",
    "my-kualalumpur-1",
    "ru-moscow-1",
    "cn-east-4",
    "ap-southeast-5",
    "cn-north-12",
    "cn-south-4",
    "cn-southwest-3",
    "cn-north-11",
    "af-north-1",
];

/// Longest endpoint URL accepted.
pub const MAX_ENDPOINT_LEN: usize = 2048;

/// A validated base URL: scheme, authority and an optional base path, never a
/// trailing slash, no userinfo, query or fragment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// `https` or `http` (loopback only).
    pub scheme: &'static str,
    /// Lower-cased host, `[...]` kept for IPv6.
    pub host: String,
    /// Explicit port, if any (a default port is dropped).
    pub port: Option<u16>,
    /// Base path without trailing slash: `""` or `/proxy/dcs`.
    pub base_path: String,
}

impl Endpoint {
    /// `scheme://host[:port]base_path`
    pub fn base_url(&self) -> String {
        cat(&[self.scheme, "://", &self.authority(), &self.base_path])
    }

    /// `host[:port]`, the value of the `Host` header.
    pub fn authority(&self) -> String {
        url::authority(&self.host, self.port)
    }
}

/// The endpoint of a region: `https://dcs.{region}.myhuaweicloud.com`.
pub fn region_endpoint(region: &str) -> Result<Endpoint> {
    if !REGIONS.contains(&region) {
        let mut m = String::from("unknown DCS region ");
        m.push_str(&dcs_tasks_parse::text::quoted(region, 40));
        m.push_str(" (known: ");
        for (i, r) in REGIONS.iter().enumerate() {
            if i > 0 {
                m.push_str(", ");
            }
            m.push_str(r);
        }
        m.push_str("); pass `endpoint` for a region this version does not list");
        return Err(ArgError::new(Field::Region, m));
    }
    Ok(Endpoint {
        scheme: "https",
        host: cat(&["dcs.", region, ".myhuaweicloud.com"]),
        port: None,
        base_path: String::new(),
    })
}

/// Chooses `endpoint` when given, else `region`; one of them is required.
pub fn resolve(endpoint: Option<&str>, region: Option<&str>) -> Result<Endpoint> {
    match (endpoint, region) {
        (Some(e), _) => parse_endpoint(e),
        (None, Some(r)) => region_endpoint(r),
        (None, None) => Err(ArgError {
            field: Field::Endpoint,
            problem: Problem::EitherRequired(Field::Region),
        }),
    }
}

fn valid_path_segment(seg: &str) -> bool {
    !seg.is_empty()
        && seg != "."
        && seg != ".."
        && seg
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~'))
}

/// Validates an explicit endpoint: `https://host[:port][/base/path]`, or `http://` for
/// loopback hosts only (local development and the demo proxy).
pub fn parse_endpoint(raw: &str) -> Result<Endpoint> {
    let err = |m: &str| Err(ArgError::new(Field::Endpoint, m));
    if raw.is_empty() {
        return err("must not be empty");
    }
    if raw.len() > MAX_ENDPOINT_LEN {
        return err("longer than 2048 characters");
    }
    if raw.bytes().any(|b| b <= b' ' || b >= 0x7f) {
        return err("contains whitespace, control or non-ASCII characters");
    }
    if raw.contains('?') {
        return err("must not have a query");
    }
    if raw.contains('#') {
        return err("must not have a fragment");
    }
    if raw.contains('%') || raw.contains('\\') {
        return err("must not contain percent-encoding or backslashes");
    }
    let u = url::parse(raw).map_err(|m| ArgError::new(Field::Endpoint, m))?;
    if u.scheme == "http" && !u.is_loopback() {
        return err("http:// is allowed only for loopback hosts (localhost, 127.0.0.0/8, [::1]); use https://");
    }
    let trimmed = u.path.trim_end_matches('/');
    let mut base_path = String::new();
    if !trimmed.is_empty() {
        for seg in trimmed.get(1..).unwrap_or("").split('/') {
            if !valid_path_segment(seg) {
                return err(
                    "base path segments may hold only A-Z a-z 0-9 - _ . ~ (no empty, . or .. segments)",
                );
            }
            base_path.push('/');
            base_path.push_str(seg);
        }
    }
    Ok(Endpoint {
        scheme: u.scheme,
        host: u.host,
        port: u.port,
        base_path,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_map() {
        assert_eq!(REGIONS.len(), 34);
        assert_eq!(
            region_endpoint("cn-north-4").unwrap().base_url(),
            "https://dcs.cn-north-4.myhuaweicloud.com"
        );
        assert!(region_endpoint("mars-1").is_err());
    }

    #[test]
    fn endpoints() {
        let e = parse_endpoint("HTTPS://Proxy.Example.com:8443/dcs/api/").unwrap();
        assert_eq!(e.base_url(), "https://proxy.example.com:8443/dcs/api");
        assert_eq!(e.authority(), "proxy.example.com:8443");
        assert_eq!(
            parse_endpoint("https://x.com:443").unwrap().base_url(),
            "https://x.com"
        );
        assert_eq!(
            parse_endpoint("http://127.0.0.1:8787").unwrap().base_url(),
            "http://127.0.0.1:8787"
        );
        assert!(parse_endpoint("http://[::1]:9000").is_ok());
        assert!(parse_endpoint("http://localhost").is_ok());
        for bad in [
            "http://example.com",
            "ftp://x.com",
            "https://user:pw@x.com",
            "https://x.com?a=1",
            "https://x.com#f",
            "https://x.com:0",
            "https://x.com:99999",
            "https://x.com:",
            "https://",
            "https://x..com",
            "https://x.com/a/../b",
            "https://x.com/%2e%2e",
            "https:// x.com",
            "http://127.0.0.1.evil.com",
            "//x.com",
            "x.com",
        ] {
            assert!(parse_endpoint(bad).is_err(), "{bad}");
        }
    }
}
