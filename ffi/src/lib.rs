//! # gridgov C ABI
//!
//! `libgridgov` exposes the gridgov core to C and to Java (through JNA). The header
//! `include/gridgov.h` is generated from this crate by cbindgen and checked in.
//!
//! ## Conventions (see the README's "C API conventions")
//! - Every function returns a [`gridgov_status`]; `GRIDGOV_STATUS_OK` is 0.
//! - Arguments come in the order self, inputs, outputs. Outputs are written only on success.
//! - Every pointer is checked for NULL (`GRIDGOV_STATUS_NULL_POINTER`), every string for UTF-8
//!   (`GRIDGOV_STATUS_INVALID_UTF8`). An input buffer is always followed by its length.
//! - Handles are opaque: `gridgov_model`, `gridgov_calendar`, `gridgov_gridmap`,
//!   `gridgov_engine`, `gridgov_records`, `gridgov_scorecard`, created by a constructor and
//!   released by the matching `_free` (which accepts NULL). All but `gridgov_engine` are
//!   immutable and shareable across threads; an engine is mutable and used by one thread at a
//!   time.
//! - Strings returned through `char **out` are NUL-terminated UTF-8 owned by the caller, who
//!   releases them with [`gridgov_string_free`].
//! - Every export runs behind a panic boundary: a Rust panic becomes `GRIDGOV_STATUS_PANIC`.
//! - After a failure, [`gridgov_last_error`] copies the message (it names the bad value) and
//!   [`gridgov_last_error_issues`] gives the per-field problems of an invalid model as JSON.
//!   Both are per thread.
//! - Instants are `int64_t` milliseconds since the Unix epoch (UTC); durations are `int64_t`
//!   milliseconds. [`GRIDGOV_NO_TIME`] (`INT64_MIN`) asks for the default of an optional
//!   instant and is refused where an instant is required.

mod calendar;
mod division;
mod engine;
mod error;
mod handle;
mod journal;
mod model;
mod panic;
mod score;
mod simulate;
mod spatial;
mod status;
#[cfg(test)]
mod tests;

pub use calendar::*;
pub use division::*;
pub use engine::*;
pub use error::*;
pub use journal::*;
pub use model::*;
pub use score::*;
pub use simulate::*;
pub use spatial::*;
pub use status::*;

use std::ffi::c_char;

/// The library version as a static NUL-terminated string (never free it).
#[unsafe(no_mangle)]
pub extern "C" fn gridgov_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}
