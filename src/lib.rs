//! `dcs-tasks`: list the background tasks of a Huawei Cloud DCS instance.
//!
//! The core (request building and validation, SDK-HMAC-SHA256 signing on RustCrypto, the
//! strict normalizing parser on serde_json) is pure Rust and sans-IO; it compiles natively
//! and for `wasm32-unknown-unknown`. The list parser, the output types, the error type and
//! the time forms live in `dcs-tasks-parse` (crates/parse, built for speed) and are
//! re-exported here at the same paths (`dcs_tasks::normalize`, `model`, `error`, `time`,
//! `text`). The I/O edges (the `fetch` client on gloo-net/web-sys, the edge proxy) and the
//! wasm-bindgen bindings exist only on wasm.

#![forbid(unsafe_code)]

pub mod call;
pub mod endpoint;
pub mod error_body;
pub mod policy;
pub mod progress;
pub mod query;
pub mod route;
pub mod sign;

pub use dcs_tasks_parse::{error, model, normalize, text, time};

pub use error::{DcsError, ErrorCode, Result};
pub use error_body::{parse_error_body, ErrorBody};
pub use model::{ParseOptions, Task, TaskDetails, TaskList, TaskProgress, Warning, WarningCode};
pub use normalize::parse_list_tasks_response;
pub use progress::parse_task_progress;
pub use query::{build_list_tasks_request, Arg, HttpRequest, ListTasksInput};
pub use sign::{sign_request, Credentials};

#[cfg(target_arch = "wasm32")]
#[doc(hidden)]
pub mod bindings;
#[cfg(target_arch = "wasm32")]
pub mod client;
#[cfg(target_arch = "wasm32")]
pub mod fetch;
#[cfg(target_arch = "wasm32")]
mod iter;
#[cfg(target_arch = "wasm32")]
mod options;
#[cfg(all(target_arch = "wasm32", feature = "proxy"))]
pub mod proxy;

/// The wasm heap allocator: Talc instead of the default dlmalloc (smaller and faster on
/// wasm; the benchmark and size figures are in BENCHMARKS.md).
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
