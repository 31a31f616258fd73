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
    /// The code as the answers and the log line spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            ProxyCode::InvalidRequest => "INVALID_REQUEST",
            ProxyCode::TokenRequired => "TOKEN_REQUIRED",
            ProxyCode::Unauthorized => "UNAUTHORIZED",
            ProxyCode::ForbiddenProject => "FORBIDDEN_PROJECT",
            ProxyCode::ForbiddenInstance => "FORBIDDEN_INSTANCE",
            ProxyCode::ForbiddenOrigin => "FORBIDDEN_ORIGIN",
            ProxyCode::DeleteDisabled => "DELETE_DISABLED",
            ProxyCode::NotFound => "NOT_FOUND",
            ProxyCode::MethodNotAllowed => "METHOD_NOT_ALLOWED",
            ProxyCode::ConfigError => "CONFIG_ERROR",
            ProxyCode::Internal => "INTERNAL",
            ProxyCode::AssetsError => "ASSETS_ERROR",
            ProxyCode::BadUpstream => "BAD_UPSTREAM",
            ProxyCode::HttpError => "HTTP_ERROR",
            ProxyCode::InvalidResponse => "INVALID_RESPONSE",
            ProxyCode::UpstreamTooLarge => "UPSTREAM_TOO_LARGE",
            ProxyCode::UpstreamUnreachable => "UPSTREAM_UNREACHABLE",
            ProxyCode::UpstreamTimeout => "UPSTREAM_TIMEOUT",
            ProxyCode::UpstreamError => "UPSTREAM_ERROR",
        }
    }
}

impl serde::Serialize for ProxyCode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}
