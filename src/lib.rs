//! `dcs-tasks`: list the background tasks of a Huawei Cloud DCS instance.
//!
//! The core (request building and validation, SDK-HMAC-SHA256 signing on RustCrypto, the
//! strict normalizing parser on serde_json) is pure Rust and sans-IO; it compiles natively
//! and for `wasm32-unknown-unknown`. The list parser, the output types, the error type and
//! the time forms live in `dcs-tasks-parse` (crates/parse, built for speed) and are
//! re-exported here at the same paths (`dcs_tasks::normalize`, `model`, `error`, `time`,
//! `text`). `src/core/` is the sans-IO rest (no JS crate); `src/wasm/` the JS boundary and
//! all I/O (the `fetch` client on gloo-net/web-sys, the edge proxy), on wasm only.

#![forbid(unsafe_code)]

pub mod core;
#[cfg(target_arch = "wasm32")]
pub mod wasm;

// Every module is also reachable at the crate root (`dcs_tasks::query`, `dcs_tasks::client`).
pub use crate::core::{
    call, endpoint, error_body, policy, progress, query, route, sign, url, watch,
};
#[cfg(all(target_arch = "wasm32", feature = "proxy"))]
pub use crate::wasm::proxy;
#[cfg(target_arch = "wasm32")]
pub use crate::wasm::{bindings, client, fetch};
#[cfg(target_arch = "wasm32")]
use crate::wasm::{iter, options};

pub use dcs_tasks_parse::{error, model, normalize, text, time};

pub use error::{DcsError, ErrorCode, Result};
pub use error_body::{parse_error_body, ErrorBody};
pub use model::{ParseOptions, Task, TaskDetails, TaskList, TaskProgress, Warning, WarningCode};
pub use normalize::parse_list_tasks_response;
pub use progress::parse_task_progress;
pub use query::{build_list_tasks_request, Arg, HttpRequest, ListTasksInput};
pub use sign::{sign_request, Credentials};

/// The wasm heap allocator: Talc instead of the default dlmalloc (smaller and faster on
/// wasm; the benchmark and size figures are in BENCHMARKS.md).
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
