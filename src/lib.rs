//! `dcs-tasks`: the wasm layer of dcs-tasks (the npm package). It converts JS values to the
//! core's types and back and does all the I/O; every decision is `dcs-tasks-core`'s (sans-IO:
//! requests, signing, retries, paging, the watch, the proxy) and every list is parsed by
//! `dcs-tasks-parse`. Native users depend on `dcs-tasks-core`, whose root is the Rust API.
//!
//! - [`bindings`]: the pure functions (`buildListTasksRequest`, `signRequest`,
//!   `parseListTasksResponse`, `knownValues`) and the JS `DcsError`.
//! - `attention`: `summarizeFleet`, the core's attention model over a fleet's entries.
//! - `options`: the option objects, serde structs read with serde-wasm-bindgen.
//! - [`client`]: `DcsClient`; [`fetch`]: one call's I/O (gloo-net, web-sys); `cancel`: the
//!   deadline and the abort signals (gloo-timers); `pager`: a listing's pages; `fleet`: `listFleetTasks`' listings; `iter`: the async iterators of
//!   `listAllTasks`, `listAllInstances`, `listFleetTasks` and `watchTaskProgress`.
//! - `proxy` (cargo feature `proxy`): the edge proxy's handler, built into its own wasm;
//!   `watch`: its look at the fleet and the scheduled check (`runWatchdog`).
//!   `share`: its identical upstream reads shared between callers.
//! - `wire`: where a client's calls go and how their answers are read: DCS's routes and the
//!   strict parsers, or (cargo feature `page`, the elements' build) a dcs-tasks proxy's
//!   normalized routes.
#![cfg(target_arch = "wasm32")]
#![forbid(unsafe_code)]

// The proxy reads DCS's wire JSON; the elements' build reads only a proxy's normalized answers.
#[cfg(all(feature = "proxy", feature = "page"))]
compile_error!("the features `proxy` and `page` are two different builds: enable one");

mod attention;
#[doc(hidden)]
pub mod bindings;
mod cancel;
pub mod client;
pub mod fetch;
mod fleet;
mod iter;
mod options;
mod pager;
#[cfg(feature = "proxy")]
pub mod proxy;
#[cfg(feature = "proxy")]
mod share;
#[cfg(feature = "proxy")]
mod watch;
mod wire;

/// The wasm heap allocator: Talc instead of the default dlmalloc (smaller and faster on
/// wasm; the benchmark and size figures are in BENCHMARKS.md).
#[cfg(not(target_feature = "atomics"))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
