//! The sans-IO core: validation (query, endpoint), the one URL/host parser (url), signing (sign), one call's and a
//! listing's decisions (call, policy), the progress and error-body parsers, the proxy's
//! routing decisions (route), the progress watcher's decisions (watch). Native and wasm; no JS crate.

pub mod call;
pub mod endpoint;
pub mod error_body;
pub mod policy;
pub mod progress;
pub mod query;
pub mod route;
pub mod sign;
pub mod url;
pub mod watch;
