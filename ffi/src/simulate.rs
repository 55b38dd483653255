//! The seeded simulator: a model's city through a new case engine for N days (demo and test
//! histories).

use std::sync::Arc;

use gridgov::simulate::{Simulation, simulate};

use crate::engine::gridgov_engine;
use crate::error::gridgov_status;
use crate::handle::{Handle, need};
use crate::model::gridgov_model;
use crate::panic::guard;

/// Simulates `days` days of `model`'s city from `start_ms` and writes a new engine holding
/// everything that happened to `out` (release it with `gridgov_engine_free`; it shares the
/// model, like `gridgov_engine_new`).
///
/// The window is `[start_ms, start_ms + days × 24 h)`. About `reports_per_day` reports come in
/// on a working day of the model's calendar (40 % of that on a day off): supervisors' reports
/// in their own grids (about 65 %) and citizens' through the hotline, the app and the media,
/// which then go through the whole lifecycle — acceptance or rejection, verification,
/// filing or voiding, dispatch by the duty matrix, returns and re-dispatch, handling on time or
/// late relative to each stage's deadline, postponements, shelving, checks and rework,
/// closing, citizen ratings and reopenings — every action by a worker the permission matrix
/// allows, within their scope, and a sweep of the escalation rules every 30 minutes. The
/// same arguments give the same events (`gridgov_engine_events_json`), whatever the machine
/// or thread. A 30-day month of the sample city at 120 reports per day takes well under a
/// second. The core's `gridgov::simulate` documents the mix.
///
/// Errors, with the message in `gridgov_last_error`: `GRIDGOV_STATUS_NULL_POINTER`,
/// `GRIDGOV_STATUS_INVALID_VALUE` (`days` 0 or more than 3660, more than 100000 reports per
/// day, `INT64_MIN`, a window that overflows), `GRIDGOV_STATUS_CALENDAR_RANGE` (the window's
/// first or last day, or a deadline, outside the calendar's covered years). On error `*out`
/// is left untouched.
///
/// # Safety
/// `model` must be a valid handle; `out` a valid pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gridgov_engine_simulate(
    model: *const gridgov_model,
    start_ms: i64,
    days: u32,
    seed: u64,
    reports_per_day: u32,
    out: *mut *mut gridgov_engine,
) -> gridgov_status {
    guard(|| {
        let m = gridgov_model::borrow(model)?;
        need(out, "out")?;
        let sim = Simulation {
            start: start_ms,
            days,
            seed,
            reports_per_day,
        };
        let eng = simulate(Arc::clone(m), &sim)?;
        gridgov_engine::emit(eng, out)
    })
}
