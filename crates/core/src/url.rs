//! URLs and hosts: the one parser (and host rule set) behind endpoint validation, the
//! signer's request URLs, and the proxy's request URLs, origins and loopback check.
//!
//! The rules, once: an absolute `http`/`https` URL; no whitespace, control character, `\`
//! or fragment anywhere; no userinfo; a host that is an IPv6 literal in brackets (hex
//! digits, `:` and `.`) or a name of at most 253 characters in dot-separated labels of 1-63
//! characters from A-Z a-z 0-9 `-` `_` (not starting or ending with `-`); an optional port
//! of decimal digits from 1 to 65535. The host is lower-cased and the scheme's default port
//! dropped, as `fetch` writes the `Host` header and a browser writes `Origin`. Callers add
//! what they need on top (an endpoint takes no query and only plain path segments; the
//! signer refuses `.`/`..` segments). Every step is linear in the input's length.

/// A parsed URL, borrowing the path and query from the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Url<'a> {
    /// `https` or `http`.
    pub scheme: &'static str,
    /// Lower-cased host name, `[...]` kept for IPv6.
    pub host: String,
    /// Explicit port, `None` when absent or the scheme's default.
    pub port: Option<u16>,
    /// The raw path: `""` or starting with `/`.
    pub path: &'a str,
    /// The raw query after `?` (`Some("")` for a bare `?`).
    pub query: Option<&'a str>,
}

impl Url<'_> {
    /// `host[:port]`, as sent in `Host`.
    pub fn authority(&self) -> String {
        authority(&self.host, self.port)
    }

    /// `scheme://host[:port]`, as a browser writes `Origin`.
    pub fn origin(&self) -> String {
        dcs_tasks_parse::error::cat(&[self.scheme, "://", &self.authority()])
    }

    /// The path (`/` when empty) and `?query` when there is one: the request target.
    pub fn target(&self) -> String {
        let mut t = String::from(if self.path.is_empty() { "/" } else { self.path });
        if let Some(q) = self.query {
            t.push('?');
            t.push_str(q);
        }
        t
    }

    /// Whether the host is loopback: see [`is_loopback`].
    pub fn is_loopback(&self) -> bool {
        is_loopback(&self.host)
    }
}

/// `host[:port]` (the port only when given: the default one is already dropped).
pub fn authority(host: &str, port: Option<u16>) -> String {
    let mut s = host.to_string();
    if let Some(p) = port {
        s.push(':');
        s.push_str(&(p as u64).to_string());
    }
    s
}

/// Parses `http(s)://host[:port][/path][?query]` by the rules above; the error is a phrase
/// for the caller to prefix with its field (`"has an invalid port (1-65535)"`).
pub fn parse(raw: &str) -> Result<Url<'_>, &'static str> {
    if raw
        .bytes()
        .any(|b| b <= b' ' || b == 0x7f || b == b'\\' || b == b'#')
    {
        return Err("must not contain whitespace, control characters, '\\' or a fragment");
    }
    let (scheme, rest) = raw
        .split_once(':')
        .and_then(|(s, r)| Some((s, r.strip_prefix("//")?)))
        .ok_or("must be an absolute http(s) URL")?;
    let (scheme, default_port) = if scheme.eq_ignore_ascii_case("https") {
        ("https", 443)
    } else if scheme.eq_ignore_ascii_case("http") {
        ("http", 80)
    } else {
        return Err("must use http or https");
    };
    let end = rest
        .bytes()
        .position(|b| b == b'/' || b == b'?')
        .unwrap_or(rest.len());
    let (authority, tail) = rest.split_at_checked(end).unwrap_or((rest, ""));
    let (path, query) = match tail.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (tail, None),
    };
    if authority.contains('@') {
        return Err("must not contain userinfo (user:password@)");
    }
    let (name, port) = match authority.rsplit_once(':') {
        Some((n, p)) if !authority.ends_with(']') => (n, Some(p)),
        _ => (authority, None),
    };
    let host = name.to_ascii_lowercase();
    if !valid_host(&host) {
        return Err("has an invalid host name");
    }
    let port = match port.map(dcs_tasks_parse::text::digits) {
        None => None,
        Some(Some(n)) if (1..=65535).contains(&n) => (n != default_port).then_some(n as u16),
        Some(_) => return Err("has an invalid port (1-65535)"),
    };
    Ok(Url {
        scheme,
        host,
        port,
        path,
        query,
    })
}

/// A host by the rules above (already lower-cased or not: letters of either case pass).
pub fn valid_host(host: &str) -> bool {
    if let Some(ip6) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        return !ip6.is_empty()
            && ip6.len() <= 253
            && ip6
                .bytes()
                .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.');
    }
    !host.is_empty()
        && host.len() <= 253
        && host.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

/// `localhost` and its subdomains, `127.0.0.0/8` as a dotted quad, and `[::1]`: the hosts
/// that reach only this machine (lower-cased input).
pub fn is_loopback(host: &str) -> bool {
    host == "localhost" || host.ends_with(".localhost") || is_loopback_ip(host)
}

/// A loopback address: `127.0.0.0/8` as a dotted quad, or `::1` (bare, as `X-Forwarded-For`
/// writes it, or bracketed, as a URL host does), or `127.0.0.0/8` mapped into IPv6
/// (`::ffff:127.0.0.1`: what a dual-stack Node server, Next.js' included, reports as the peer).
pub fn is_loopback_ip(ip: &str) -> bool {
    if ip == "::1" || ip == "[::1]" {
        return true;
    }
    let unbracketed = ip
        .strip_prefix('[')
        .and_then(|i| i.strip_suffix(']'))
        .unwrap_or(ip);
    let mapped = unbracketed
        .get(..7)
        .is_some_and(|p| p.eq_ignore_ascii_case("::ffff:"));
    let ip = if mapped { &unbracketed[7..] } else { ip };
    let mut parts = 0;
    ip.starts_with("127.")
        && ip.split('.').all(|p| {
            parts += 1;
            p.len() <= 3 && dcs_tasks_parse::text::digits(p).is_some_and(|v| v <= 255)
        })
        && parts == 4
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_normalizes() {
        let u = parse("HTTPS://Api_1.Example.COM:0443/a/b?x=1&y").unwrap();
        assert_eq!(u.scheme, "https");
        assert_eq!(u.host, "api_1.example.com");
        assert_eq!(u.port, None);
        assert_eq!(u.path, "/a/b");
        assert_eq!(u.query, Some("x=1&y"));
        assert_eq!(u.origin(), "https://api_1.example.com");
        assert_eq!(u.target(), "/a/b?x=1&y");
        let u = parse("http://[::1]:8787?q").unwrap();
        assert_eq!(
            (u.authority(), u.target(), u.is_loopback()),
            ("[::1]:8787".into(), "/?q".into(), true)
        );
        assert_eq!(parse("https://h:8443").unwrap().origin(), "https://h:8443");
    }

    #[test]
    fn refuses_by_one_rule_set() {
        for bad in [
            "",
            "x.com",
            "//x.com",
            "ftp://x.com",
            "https://",
            "https:///p",
            "https://u:p@x.com",
            "https://x..com",
            "https://x.com.",
            "https://-x.com",
            "https://x-.com",
            "https://x%41.com",
            "https://hóst",
            "https://[]",
            "https://[::1",
            "https://x.com:",
            "https://x.com:0",
            "https://x.com:65536",
            "https://x.com:12a",
            "https://x.com:-1",
            "https://x y.com",
            "https://x.com/a b",
            "https://x.com/#f",
            "https://x.com/a\\b",
        ] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
        let long = "a".repeat(64);
        assert!(parse(&dcs_tasks_parse::error::cat(&["https://", &long, ".com"])).is_err());
        assert!(!valid_host(&"a.".repeat(127)));
    }

    #[test]
    fn loopback_hosts() {
        for h in [
            "localhost",
            "app.localhost",
            "127.0.0.1",
            "127.255.0.9",
            "[::1]",
            "[::ffff:127.0.0.1]",
        ] {
            assert!(is_loopback(h), "{h}");
        }
        for h in [
            "127.0.0.1.evil.com",
            "127.0.0",
            "127.0.0.256",
            "127.0.0.1.2",
            "localhost.evil.com",
            "evil-localhost",
            "[::2]",
            "10.0.0.1",
            "dcs-tasks.example.workers.dev",
            "[::ffff:10.0.0.1]",
        ] {
            assert!(!is_loopback(h), "{h}");
        }
        for ip in ["::ffff:127.0.0.1", "::FFFF:127.1.2.3", "::1"] {
            assert!(is_loopback_ip(ip), "{ip}");
        }
        for ip in [
            "::ffff:10.0.0.1",
            "::ffff:",
            "::ffff:127.0.0.1.2",
            "::ffff:127.0.0.1]",
            "::fffff:127.0.0.1",
            "é::ffff:127.0.0.1",
        ] {
            assert!(!is_loopback_ip(ip), "{ip}");
        }
    }
}
