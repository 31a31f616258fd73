//! Who may call the proxy: the caller's token, loopback, origins and instances.

use super::codes::ProxyCode;
use super::config::ProxyConfig;
use super::routes::{refuse, Refusal};

impl ProxyConfig {
    /// What the caller sent for `PROXY_TOKEN`: `Authorization: Bearer <it>` or, so that any
    /// DCS client works unchanged, `X-Auth-Token: <it>`. Compared in constant time. Without
    /// `PROXY_TOKEN` configured nothing a caller sends is a token: always `Missing`.
    pub fn caller_token(&self, authorization: Option<&str>, x_auth_token: Option<&str>) -> Token {
        let Some(expected) = &self.proxy_token else {
            return Token::Missing;
        };
        let bearer = authorization.and_then(|a| {
            let a = a.trim();
            // Byte-wise: a header may hold non-ASCII, and slicing a str mid-character panics.
            let b = a.as_bytes();
            (b.len() > 7 && b[..7].eq_ignore_ascii_case(b"bearer "))
                .then(|| a.get(7..).unwrap_or("").trim())
        });
        let a = bearer
            .map(|b| ct_eq(b.as_bytes(), expected.as_bytes()))
            .unwrap_or(false);
        let b = x_auth_token
            .map(|t| ct_eq(t.trim().as_bytes(), expected.as_bytes()))
            .unwrap_or(false);
        if a | b {
            Token::Valid
        } else if authorization.is_some() || x_auth_token.is_some() {
            Token::Wrong
        } else {
            Token::Missing
        }
    }

    /// Does this caller carry the configured `PROXY_TOKEN`?
    pub fn caller_authorized(
        &self,
        authorization: Option<&str>,
        x_auth_token: Option<&str>,
    ) -> bool {
        self.caller_token(authorization, x_auth_token) == Token::Valid
    }

    /// May a caller use an API route (`/api/...` or a DCS mirror route) with `method`?
    /// Closed by default:
    ///
    /// | configured | loopback caller | other callers |
    /// | --- | --- | --- |
    /// | nothing | nothing (401 `TOKEN_REQUIRED`) | nothing (401 `TOKEN_REQUIRED`) |
    /// | `TRUST_LOOPBACK=true` | everything | nothing (401 `TOKEN_REQUIRED`) |
    /// | `PUBLIC_ACCESS=read` | reads (everything with `TRUST_LOOPBACK`) | reads; DELETE 401 `TOKEN_REQUIRED` |
    /// | `PROXY_TOKEN` | with the token | with the token |
    /// | both | reads; DELETE with the token | reads; DELETE with the token |
    ///
    /// `TRUST_LOOPBACK` has no effect once `PROXY_TOKEN` is set. A refusal names
    /// `PROXY_TOKEN` and nothing of the configuration.
    pub fn admit(&self, method: &str, caller: Caller, token: Token) -> Result<(), Refusal> {
        let read = matches!(method, "GET" | "HEAD");
        match (self.proxy_token.is_some(), token) {
            (true, Token::Valid) => Ok(()),
            _ if read && self.public_read => Ok(()),
            (false, _) if caller == Caller::Loopback && self.trust_loopback => Ok(()),
            (false, _) => Err(refuse(
                401,
                ProxyCode::TokenRequired,
                "this proxy answers API requests only with a token: set PROXY_TOKEN on it and send it as Authorization: Bearer <PROXY_TOKEN>",
            )),
            (true, Token::Wrong) => Err(refuse(
                401,
                ProxyCode::Unauthorized,
                "the proxy token is not valid: send Authorization: Bearer <PROXY_TOKEN>",
            )),
            (true, _) => Err(refuse(
                401,
                ProxyCode::TokenRequired,
                "send the proxy token as Authorization: Bearer <PROXY_TOKEN> (or X-Auth-Token)",
            )),
        }
    }

    /// Is this `Origin` allowed? The proxy's own origin always is.
    pub fn origin_allowed(&self, origin: &str, own_origin: &str) -> bool {
        origin == own_origin || self.allowed_origins.iter().any(|o| o == origin)
    }

    pub fn instance_allowed(&self, instance: &str) -> bool {
        self.allowed_instances
            .as_ref()
            .map(|l| l.iter().any(|i| i == instance))
            .unwrap_or(true)
    }
}

/// What a caller sent for the proxy token (see [`ProxyConfig::caller_token`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Token {
    Missing,
    Wrong,
    Valid,
}

/// Where a request comes from, as far as the proxy can tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caller {
    /// Addressed to a loopback host (`localhost`, `127.0.0.0/8`, `[::1]`) and not forwarded.
    Loopback,
    Other,
}

impl Caller {
    /// A request is loopback when its URL's host is (see [`crate::url::is_loopback`]) and
    /// it was not relayed: no `Forwarded` header, and `CF-Connecting-IP`, `X-Forwarded-For`
    /// and `X-Real-IP` (read through `header`, by lower-case name) absent or naming only
    /// loopback addresses. A request from elsewhere (the Cloudflare edge, a tunnel, a
    /// reverse proxy) is not loopback whatever its `Host` says. Linear in the headers.
    pub fn of(url_host_loopback: bool, header: impl Fn(&str) -> Option<String>) -> Caller {
        let local_ip = |ip: &str| crate::url::is_loopback_ip(ip.trim());
        let relayed = header("forwarded").is_some()
            || ["cf-connecting-ip", "x-forwarded-for", "x-real-ip"]
                .iter()
                .any(|h| header(h).is_some_and(|v| !v.split(',').all(local_ip)));
        if url_host_loopback && !relayed {
            Caller::Loopback
        } else {
            Caller::Other
        }
    }
}

/// Constant-time equality (the length is not secret).
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    let mut diff = (a.len() != b.len()) as u8;
    for i in 0..a.len().max(b.len()) {
        diff |= a.get(i).copied().unwrap_or(0) ^ b.get(i).copied().unwrap_or(0xff);
    }
    diff == 0
}
