//! `dcs-tasks-core`: everything of dcs-tasks that does no I/O, native and wasm, with no JS
//! crate in its dependency tree (the wasm layer, the root crate `dcs-tasks`, does the I/O).
//!
//! - [`query`], [`endpoint`], [`url`]: validation of the arguments, the endpoints and regions,
//!   and the one URL/host parser; the list, progress and delete requests. [`field`]: typed
//!   argument errors (a [`Field`] and its problem; each surface spells the field its own way).
//! - [`request`]: the request as plain data; [`sign`]: SDK-HMAC-SHA256 signing, byte for byte
//!   as the official SDKs, and [`sign::Auth`], how a request is authorized.
//! - [`call`], [`policy`]: one call's retry, deadline and skew decisions; a listing's pages.
//! - [`progress`], [`error_body`], [`instances`]: the small parsers (the task-list parser is
//!   `dcs-tasks-parse`).
//! - [`watch`]: the progress watcher's decisions; [`fleet`]: `listFleetTasks`' decisions.
//! - [`proxy`]: the edge proxy's decisions (a request and the configuration to a plan).
//! - [`attention`]: what needs an operator (the fleet's attention list, the watchdog's input).
//! - [`watchdog`]: the watchdog's events, each once (the state of earlier runs, or a time window); [`webhook`]: their messages.
//! - [`views`]: what the elements and the page choose from (running statuses, time ranges).
//!
//! The curated API for native users is at the root: build a request, sign it, send it with
//! any HTTP client, parse the answer.
//!
//! ```
//! use dcs_tasks_core::{build_list_tasks_request, parse_list_tasks_response, Arg, ListTasksInput, ParseOptions};
//! let req = build_list_tasks_request(&ListTasksInput {
//!     region: Arg::from("cn-north-4"),
//!     project_id: Arg::from("0123456789abcdef0123456789abcdef"),
//!     instance_id: Arg::from("3e5c8b1a-1111-2222-3333-444455556666"),
//!     ..ListTasksInput::default()
//! })
//! .unwrap();
//! assert!(req.url.starts_with("https://dcs.cn-north-4.myhuaweicloud.com/v2/"));
//! let list = parse_list_tasks_response(br#"{"task_count":"0","tasks":[]}"#, ParseOptions::default()).unwrap();
//! assert_eq!(list.task_count, 0);
//! ```
#![forbid(unsafe_code)]

pub mod attention;
pub mod call;
pub mod endpoint;
pub mod error_body;
pub mod field;
pub mod fleet;
pub mod instances;
pub mod listing;
pub mod policy;
pub mod progress;
pub mod proxy;
pub mod query;
pub mod request;
pub mod rules;
pub mod sign;
pub mod url;
pub mod views;
pub mod watch;
pub mod watchdog;
pub mod webhook;

pub use dcs_tasks_parse::error::{DcsError, ErrorCode, Result};
pub use dcs_tasks_parse::model::{
    Instance, InstanceList, ParseOptions, Task, TaskDetails, TaskList, TaskProgress, Warning,
    WarningCode,
};
pub use dcs_tasks_parse::normalize::parse_list_tasks_response;
pub use error_body::{parse_error_body, ErrorBody};
pub use field::{ArgError, Field};
pub use instances::parse_list_instances_response;
pub use progress::parse_task_progress;
pub use query::{
    build_list_tasks_request, list_instances_request, Arg, HttpRequest, InstanceQuery,
    ListTasksInput,
};
pub use sign::{sign_request, Credentials};
