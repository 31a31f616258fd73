//! The JS boundary and all I/O (wasm only): the bindings of the pure functions, the strict
//! option objects, `DcsClient`, the fetch/timer/abort I/O and the pager, listAllTasks'
//! iterator, and the edge proxy's handler (cargo feature `proxy`).

#[doc(hidden)]
pub mod bindings;
pub mod client;
pub mod fetch;
pub(crate) mod iter;
pub(crate) mod options;
#[cfg(feature = "proxy")]
pub mod proxy;
