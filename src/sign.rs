//! SDK-HMAC-SHA256 (placeholder until the signer lands).
use crate::error::Result;
use crate::query::HttpRequest;
pub struct Credentials {
    pub ak: String,
    pub sk: String,
    pub security_token: Option<String>,
}
pub fn sign_request(_r: &HttpRequest, _c: &Credentials, _now_ms: i64) -> Result<HttpRequest> {
    Err(crate::DcsError::invalid_argument("cred", "unimplemented"))
}
