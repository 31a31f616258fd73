//! The proxy's error codes: the `code` of every JSON error it answers (`{code, message,
//! requestId?}`) and of its log line. Documented once, here; `edge/README.md` lists them with
//! the same words.

/// The `code` of a proxy error answer. [`ProxyCode::as_str`] is the wire spelling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProxyCode {
    /// 400: a path, query, header or body the proxy refuses (bad ID, unknown or repeated
    /// parameter, a value out of range, `all=1` over its bound).
    InvalidRequest,
    /// 401: an API route without the proxy's token (`PROXY_TOKEN`).
    TokenRequired,
    /// 401: a wrong proxy token.
    Unauthorized,
    /// 403: a project other than the configured one.
    ForbiddenProject,
    /// 403: an instance outside `ALLOWED_INSTANCES`.
    ForbiddenInstance,
    /// 403: an `Origin` outside `ALLOWED_ORIGINS`.
    ForbiddenOrigin,
    /// 403: a DELETE without `ENABLE_DELETE`.
    DeleteDisabled,
    /// 404: no such route, or no such static file.
    NotFound,
    /// 405: a method the route does not take.
    MethodNotAllowed,
    /// 500: the configuration is bad or missing (the log line names the variable).
    ConfigError,
    /// 500: the proxy failed itself.
    Internal,
    /// 502: the static file service (`ASSETS`, `ASSETS_DIR`) failed.
    AssetsError,
    /// 502: DCS answered something a mirror route does not pass on (a redirect, a body that
    /// is not JSON, a page that is not a ListInstances page).
    BadUpstream,
    /// 4xx as DCS sent it, or 502 for its 5xx: DCS answered with an error.
    HttpError,
    /// 502: DCS's body could not be trusted (not a list of tasks or instances).
    InvalidResponse,
    /// 502: DCS's body, or the request's bodies together, over `MAX_UPSTREAM_BYTES` /
    /// `MAX_REQUEST_BYTES`.
    UpstreamTooLarge,
    /// 502: DCS could not be reached.
    UpstreamUnreachable,
    /// 504: DCS did not answer within `UPSTREAM_TIMEOUT_MS` / `REQUEST_TIMEOUT_MS`.
    UpstreamTimeout,
    /// 502: any other failure of the upstream call.
    UpstreamError,
}

impl ProxyCode {
    /// Every code's wire spelling, in the order of the variants (`knownValues().proxyCodes`:
    /// the elements tell the proxy's own codes from DCS's by it).
    pub const ALL: [&'static str; 19] = [
        "INVALID_REQUEST",
        "TOKEN_REQUIRED",
        "UNAUTHORIZED",
        "FORBIDDEN_PROJECT",
        "FORBIDDEN_INSTANCE",
        "FORBIDDEN_ORIGIN",
        "DELETE_DISABLED",
        "NOT_FOUND",
        "METHOD_NOT_ALLOWED",
        "CONFIG_ERROR",
        "INTERNAL",
        "ASSETS_ERROR",
        "BAD_UPSTREAM",
        "HTTP_ERROR",
        "INVALID_RESPONSE",
        "UPSTREAM_TOO_LARGE",
        "UPSTREAM_UNREACHABLE",
        "UPSTREAM_TIMEOUT",
        "UPSTREAM_ERROR",
    ];

    /// The code as the answers and the log line spell it.
    pub fn as_str(self) -> &'static str {
        Self::ALL[self as usize]
    }
}

impl serde::Serialize for ProxyCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::ProxyCode::{self, *};

    /// `ALL` is in the variants' order: each variant's spelling is its name in SCREAMING_SNAKE
    /// (a new variant must be added to the match below, and to `ALL` at its place).
    #[test]
    fn all_follows_the_variants() {
        let every = [
            InvalidRequest,
            TokenRequired,
            Unauthorized,
            ForbiddenProject,
            ForbiddenInstance,
            ForbiddenOrigin,
            DeleteDisabled,
            NotFound,
            MethodNotAllowed,
            ConfigError,
            Internal,
            AssetsError,
            BadUpstream,
            HttpError,
            InvalidResponse,
            UpstreamTooLarge,
            UpstreamUnreachable,
            UpstreamTimeout,
            UpstreamError,
        ];
        assert_eq!(every.len(), ProxyCode::ALL.len());
        for (i, c) in every.into_iter().enumerate() {
            // exhaustive: a variant missing here does not compile
            let name = match c {
                InvalidRequest | TokenRequired | Unauthorized | ForbiddenProject
                | ForbiddenInstance | ForbiddenOrigin | DeleteDisabled | NotFound
                | MethodNotAllowed | ConfigError | Internal | AssetsError | BadUpstream
                | HttpError | InvalidResponse | UpstreamTooLarge | UpstreamUnreachable
                | UpstreamTimeout | UpstreamError => format!("{c:?}"),
            };
            let snake: String = name
                .chars()
                .enumerate()
                .flat_map(|(j, ch)| {
                    let sep = (j > 0 && ch.is_ascii_uppercase()).then_some('_');
                    sep.into_iter().chain(ch.to_uppercase())
                })
                .collect();
            assert_eq!(c as usize, i);
            assert_eq!(c.as_str(), snake, "{name}");
        }
    }
}
