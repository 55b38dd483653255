//! The panic boundary every export runs behind.

use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::error::{Failure, clear_last, gridgov_status};

/// Runs `f`, turning its failure into a status (with the message recorded for
/// `gridgov_last_error`) and a panic into `GRIDGOV_STATUS_PANIC`.
pub(crate) fn guard(f: impl FnOnce() -> Result<(), Failure>) -> gridgov_status {
    clear_last();
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(())) => gridgov_status::Ok,
        Ok(Err(Failure(status))) => status,
        Err(payload) => {
            let msg = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_owned());
            let _ = Failure::boundary(
                gridgov_status::Panic,
                format!("internal error (a gridgov bug, please report it): {msg}"),
            );
            gridgov_status::Panic
        }
    }
}
