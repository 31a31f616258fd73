//! An HTTP request as plain data ([`HttpRequest`]): what the query builders make, what the
//! signer signs and what `fetch` sends. Its own module, so that the builders ([`crate::query`])
//! and the signer ([`crate::sign`]) both use it without using each other both ways.

/// An HTTP request as plain data: what `fetch` needs, and what the signer signs. Serialized
/// as `{ method, url, headers: { name: value } }`.
#[derive(Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "typescript", derive(tsify::Tsify))]
pub struct HttpRequest {
    pub method: String,
    pub url: String,
    /// Header names as they will be sent (case kept), in order.
    #[cfg_attr(feature = "typescript", tsify(type = "Record<string, string>"))]
    #[serde(serialize_with = "headers_map")]
    pub headers: Vec<(String, String)>,
}

/// The headers as one map (name to value), in order.
fn headers_map<S: serde::Serializer>(
    h: &[(String, String)],
    s: S,
) -> core::result::Result<S::Ok, S::Error> {
    s.collect_map(h.iter().map(|(k, v)| (k, v)))
}

impl HttpRequest {
    /// First value of a header, matched case-insensitively.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Sets a header, replacing any value under the same name (any case).
    pub fn set_header(&mut self, name: &str, value: impl Into<String>) {
        self.headers.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
        self.headers.push((name.to_string(), value.into()));
    }
}

/// Secret-bearing headers are redacted: `Debug` output is safe to log.
impl core::fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(k, v)| {
                let secret = ["authorization", "x-auth-token", "x-security-token"]
                    .iter()
                    .any(|s| k.eq_ignore_ascii_case(s));
                (k.as_str(), if secret { "[redacted]" } else { v.as_str() })
            })
            .collect();
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &headers)
            .finish()
    }
}
