//! The strict, normalizing parser of `dcs-tasks` (sans-IO, on serde and serde_json), its
//! normalized output types, the crate family's one error type and the time forms.
//!
//! A crate of its own for one reason: the parser instantiates serde's generics, so the
//! optimization level of the crate holding it decides the parse speed. The release profile
//! builds this crate at `opt-level = 3` and everything else at `"z"` (BENCHMARKS.md).
//! Native users reach it through `dcs-tasks-core`, whose root re-exports its curated API.
#![forbid(unsafe_code)]

#[doc(hidden)]
pub mod de;
pub mod error;
pub mod model;
pub mod normalize;
pub mod text;
pub mod time;
