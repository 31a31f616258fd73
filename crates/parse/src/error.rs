//! The one error type of the crate, with the stable codes of the JS contract.

use core::fmt;

/// Stable error codes (the JS `code` property).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// A caller-supplied argument is invalid; `field` names it.
    InvalidArgument,
    /// A response body could not be trusted; `path` is its wire path.
    InvalidResponse,
    /// The service answered with a non-2xx status.
    HttpError,
    /// The request never got an HTTP answer (DNS, reset, refused...).
    Network,
    /// The client's own `timeoutMs` elapsed.
    Timeout,
    /// The caller's `AbortSignal` fired.
    Aborted,
}

impl ErrorCode {
    /// The code as the JS contract spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidArgument => "INVALID_ARGUMENT",
            ErrorCode::InvalidResponse => "INVALID_RESPONSE",
            ErrorCode::HttpError => "HTTP_ERROR",
            ErrorCode::Network => "NETWORK",
            ErrorCode::Timeout => "TIMEOUT",
            ErrorCode::Aborted => "ABORTED",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a failure happened, where code branches on it (the message is for people: no code
/// reads it). Not part of the JS contract, which has the `code`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Reason {
    /// INVALID_RESPONSE: the body is over the call's byte limit (not read whole).
    BodyTooLarge,
    /// INVALID_ARGUMENT: the listing holds more tasks than the caller's bound allows.
    TooManyTasks,
    /// INVALID_ARGUMENT: the listing holds more instances than the caller's bound allows.
    TooManyInstances,
}

/// Every failure of the crate. Only the fields that belong to the code are set.
#[derive(Debug, Clone, PartialEq)]
pub struct DcsError {
    pub code: ErrorCode,
    pub message: String,
    /// The kind of failure, where code branches on it.
    pub reason: Option<Reason>,
    /// INVALID_ARGUMENT: the argument, e.g. `instanceId` or `auth.sk`.
    pub field: Option<String>,
    /// INVALID_RESPONSE: the wire path, e.g. `tasks[3].details.old_port` (`$` for the whole body).
    pub path: Option<String>,
    /// HTTP_ERROR: what the service answered (boxed: errors stay small on the happy path).
    pub http: Option<Box<HttpInfo>>,
}

/// The details of an `HTTP_ERROR`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpInfo {
    pub status: u16,
    pub error_code: Option<String>,
    pub error_msg: Option<String>,
    pub error_ext_msg: Option<String>,
    /// From the `X-Request-Id` response header.
    pub request_id: Option<String>,
}

/// Concatenates message parts (smaller than `format!`, which links `core::fmt` per call site).
pub fn cat(parts: &[&str]) -> String {
    let mut s = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    for p in parts {
        s.push_str(p);
    }
    s
}

impl DcsError {
    fn with(code: ErrorCode, message: String) -> Self {
        DcsError {
            code,
            message,
            reason: None,
            field: None,
            path: None,
            http: None,
        }
    }

    /// The error with its [`Reason`].
    pub fn because(mut self, reason: Reason) -> Self {
        self.reason = Some(reason);
        self
    }

    #[inline]
    pub fn invalid_argument(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::located(ErrorCode::InvalidArgument, field.into(), message.into())
    }

    #[inline]
    pub fn invalid_response(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self::located(ErrorCode::InvalidResponse, path.into(), message.into())
    }

    /// `where: message`, with `where` as the field (INVALID_ARGUMENT) or the path.
    /// One non-generic body: the public constructors only convert their arguments.
    fn located(code: ErrorCode, at: String, message: String) -> Self {
        let mut e = Self::with(code, cat(&[&at, ": ", &message]));
        if code == ErrorCode::InvalidArgument {
            e.field = Some(at);
        } else {
            e.path = Some(at);
        }
        e
    }

    pub fn network(message: impl Into<String>) -> Self {
        Self::with(ErrorCode::Network, message.into())
    }

    pub fn timeout(message: impl Into<String>) -> Self {
        Self::with(ErrorCode::Timeout, message.into())
    }

    pub fn aborted(message: impl Into<String>) -> Self {
        Self::with(ErrorCode::Aborted, message.into())
    }

    /// An HTTP error; the message is built from what is known.
    pub fn http(
        status: u16,
        error_code: Option<String>,
        error_msg: Option<String>,
        error_ext_msg: Option<String>,
        request_id: Option<String>,
    ) -> Self {
        let mut message = String::from("HTTP ");
        message.push_str(&(status as u64).to_string());
        if let Some(c) = &error_code {
            message.push_str(": ");
            message.push_str(c);
        }
        if let Some(m) = &error_msg {
            message.push_str(if error_code.is_some() { " " } else { ": " });
            message.push_str(m);
        }
        if let Some(r) = &request_id {
            message.push_str(" (request ");
            message.push_str(r);
            message.push(')');
        }
        let mut e = Self::with(ErrorCode::HttpError, message);
        e.http = Some(Box::new(HttpInfo {
            status,
            error_code,
            error_msg,
            error_ext_msg,
            request_id,
        }));
        e
    }

    /// The HTTP status of an `HTTP_ERROR`.
    pub fn status(&self) -> Option<u16> {
        self.http.as_ref().map(|h| h.status)
    }

    /// The service's request ID, when it sent one.
    pub fn request_id(&self) -> Option<&str> {
        self.http.as_ref().and_then(|h| h.request_id.as_deref())
    }
}

impl fmt::Display for DcsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code.as_str())?;
        f.write_str(": ")?;
        f.write_str(&self.message)
    }
}

impl std::error::Error for DcsError {}

pub type Result<T, E = DcsError> = core::result::Result<T, E>;
