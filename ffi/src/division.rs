//! Grid-division analysis: household bounds, load per worker outliers, adjacency, merge and
//! split suggestions, returned as one JSON document.

use std::ffi::c_char;

use gridgov::division::{DivisionConfig, division_report};

use crate::error::gridgov_status;
use crate::handle::{Handle, in_slice, in_text, need, out_string};
use crate::model::gridgov_model;
use crate::panic::guard;

/// Analyses the division of `model`'s unit grids under a case load and returns the report as
/// JSON through `out_json`.
///
/// `load` holds the number of cases of each unit grid, in the order `gridgov_model_grids_json`
/// lists their codes (the territory's order, also that of `gridgov_records_grid_load` and of
/// the report's `grids`): `load_len` must equal the number of unit grids.
///
/// `config_json` (`config_len` bytes; NULL or empty for the defaults) is a JSON object with
/// any of `households_min` (default 300), `households_max` (default 500), `outlier_k` (Tukey
/// fence factor, default 1.5), `adjacency` (`"auto"`, `"boundaries"`, `"declared"`) and
/// `min_shared_m` (default 1).
///
/// The report: `{"config", "adjacency_source", "summary", "grids", "adjacency",
/// "suggestions"}`. `summary` carries the counts of flagged grids and `load_q1`,
/// `load_median`, `load_q3`, `load_iqr`, `lower_fence`, `upper_fence` (numbers or null);
/// `grids` one object per unit grid (`code`, `name`, `community`, `households`,
/// `population`, `area_m2`, `cases`, `supervisors`, `workers`, `load_per_worker`,
/// `households_low`, `households_high`, `load_low`, `load_high`, `no_workers`);
/// `adjacency` the adjacent pairs `{"a", "b", "shared_m"}`; `suggestions` objects with
/// `"kind": "merge"` or `"split"`, `grids`, `reason` and their figures. The rules are those of
/// the core's `gridgov::division` module.
///
/// Errors: `GRIDGOV_STATUS_INVALID_VALUE` naming the bad value (`load length "12"` with the
/// number of unit grids expected, a config field such as `households_min`, an unknown config
/// field, `adjacency` `"boundaries"` for a model without boundaries, a total of cases that
/// overflows), `GRIDGOV_STATUS_PARSE` (malformed config JSON), `GRIDGOV_STATUS_NULL_POINTER`,
/// `GRIDGOV_STATUS_INVALID_UTF8`.
///
/// # Safety
/// `model` must be a valid handle; `load` must point to `load_len` readable `uint64_t` (NULL
/// when `load_len` is 0); `config_json` must point to `config_len` readable bytes (NULL when
/// `config_len` is 0); `out_json` a valid pointer; `out_len` NULL or valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gridgov_division_report(
    model: *const gridgov_model,
    load: *const u64,
    load_len: usize,
    config_json: *const c_char,
    config_len: usize,
    out_json: *mut *mut c_char,
    out_len: *mut usize,
) -> gridgov_status {
    guard(|| {
        let m = gridgov_model::borrow(model)?;
        let load = in_slice(load, load_len, "load")?;
        let config = in_text(config_json, config_len, "config_json")?;
        need(out_json, "out_json")?;
        let config = DivisionConfig::from_json(config)?;
        let report = division_report(m, load, &config)?;
        out_string(report.to_json(), out_json, out_len)
    })
}
