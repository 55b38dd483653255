//! Performance scoring (绩效评价): case records (from CSV or from an engine), scorecards over a
//! period, their tables as JSON, merging, scorecard JSON and period comparison.
//!
//! The indicators, composite scores, grades and ranks are those of the core (`gridgov::score`,
//! whose documentation defines each one); this module only carries them across the boundary.
//! Both handles are immutable and may be shared between threads.

use std::ffi::c_char;
use std::sync::Arc;

use gridgov::Error;
use gridgov::calendar::Millis;
use gridgov::score::{
    Freq, OnError, Records, Scorecard, compare_at, drill_down, drill_down_csv, periods, score,
};

use crate::engine::gridgov_engine;
use crate::error::{Failure, gridgov_status};
use crate::handle::{Handle, in_str, in_text, need, out_as_json, out_slice, out_string, write_out};
use crate::model::gridgov_model;
use crate::panic::guard;

/// "No instant" (`INT64_MIN`, the `NaT` of `NumPy`): passed as an optional instant
/// (`as_of`), it asks for the default. Anywhere an instant is required it is refused with
/// `GRIDGOV_STATUS_INVALID_VALUE`.
pub const GRIDGOV_NO_TIME: i64 = -9_223_372_036_854_775_807 - 1;

/// An opaque, immutable table of case records (one row per case, the schema of the core's
/// `gridgov::score` documentation), bound to a model. Create with `gridgov_records_from_csv`
/// or `gridgov_engine_records`; release with `gridgov_records_free`. Shareable across threads.
#[allow(non_camel_case_types, reason = "C naming")]
pub struct gridgov_records {
    _private: [u8; 0],
}

impl Handle for gridgov_records {
    type Inner = Records<'static>;
    const NAME: &'static str = "records";
}

/// An opaque, immutable scorecard: the additive tallies of one period `[start, end)` judged as
/// of one instant, from which every table is built. Create with `gridgov_score`,
/// `gridgov_scorecard_merge` or `gridgov_scorecard_from_json`; release with
/// `gridgov_scorecard_free`. Shareable across threads.
#[allow(non_camel_case_types, reason = "C naming")]
pub struct gridgov_scorecard {
    _private: [u8; 0],
}

impl Handle for gridgov_scorecard {
    type Inner = Scorecard;
    const NAME: &'static str = "scorecard";
}

/// The version of the case-record schema this library writes (the `schema_version` column
/// of `gridgov_records_to_csv`) and the newest it reads: version 2 adds `schema_version`,
/// `shelved_at` and `resumed_at`; version 3 adds `wrong_unit_returns` and `void_cause`
/// (returns and voids after filing are approved); version 4 adds `checks`, `checks_on_time`,
/// `last_checked_at` and `last_checker` (every check counts, failed ones too),
/// `verify_assignee` (verification tasks are assigned), and `second_unit`, `co_units` and
/// `co_on_time` (two-level and joint dispatch; the lists are unit ids joined by `;`); a
/// version-1 table (no `schema_version` column) still reads.
pub const GRIDGOV_RECORD_SCHEMA_VERSION: i64 = 4;

/// An optional instant: `GRIDGOV_NO_TIME` is the default.
fn optional_time(t: i64) -> Option<Millis> {
    (t != GRIDGOV_NO_TIME).then_some(t)
}

/// Loads case records from CSV text of `len` bytes (RFC 4180, UTF-8; the first line names the
/// columns, columns outside the schema are ignored, an empty field is a missing value).
/// Instants are milliseconds since the epoch or ISO 8601: with an offset or `Z` absolute,
/// without one local time of the model's calendar (`2026-03-02 08:10`). The records share
/// the model (reference-counted, not copied): freeing `model` afterwards is fine.
///
/// `as_of` is the instant statuses are judged at by default (ms); `GRIDGOV_NO_TIME` takes
/// one millisecond after the latest instant of the table.
///
/// Errors: `GRIDGOV_STATUS_INVALID_VALUE` naming the row (from 0) and column,
/// `records[3].filed_at` (a missing required column or value, a value of the wrong type, an
/// unknown grid, category, urgency, unit, source or state, instants out of lifecycle order, a
/// satisfaction outside 1–5 or without `rated_at`, a negative count, a deadline the catalog
/// must compute without the category, a `schema_version` this library does not read
/// (`records[0].schema_version`, naming the version) or a column the stated version lacks
/// (`records.shelved_at`); `records[3]` for a row with the wrong number of fields,
/// `csv line 5` for an unterminated quote, `csv` for empty text);
/// `GRIDGOV_STATUS_CALENDAR_RANGE` (a computed deadline outside the calendar). On error
/// nothing is written to `out`.
///
/// # Safety
/// `model` must be a valid handle; `csv` must point to `len` readable bytes (NULL when `len`
/// is 0); `out` a valid pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gridgov_records_from_csv(
    model: *const gridgov_model,
    csv: *const c_char,
    len: usize,
    as_of: i64,
    out: *mut *mut gridgov_records,
) -> gridgov_status {
    guard(|| {
        let m = gridgov_model::borrow(model)?;
        let text = in_text(csv, len, "csv")?;
        need(out, "out")?;
        let records = Records::from_csv(Arc::clone(m), text, optional_time(as_of))?;
        gridgov_records::emit(records, out)
    })
}

/// `errors` of `gridgov_records_from_csv_checked`: stop at the first bad row with an error
/// (as `gridgov_records_from_csv`).
pub const GRIDGOV_ERRORS_RAISE: i32 = 0;
/// `errors` of `gridgov_records_from_csv_checked`: find every bad row; build no records.
pub const GRIDGOV_ERRORS_COLLECT: i32 = 1;
/// `errors` of `gridgov_records_from_csv_checked`: build records of the good rows and report
/// the bad ones.
pub const GRIDGOV_ERRORS_DROP: i32 = 2;

/// Loads case records from CSV text as `gridgov_records_from_csv` does, in a validation mode
/// `errors`: `GRIDGOV_ERRORS_RAISE` (the first bad row is the error, as
/// `gridgov_records_from_csv`), `GRIDGOV_ERRORS_COLLECT` (every bad row is reported, no records
/// are built: `*out_records` is set to NULL) or `GRIDGOV_ERRORS_DROP` (records of the good rows
/// in `*out_records`, the dropped rows reported).
///
/// The report, in `*out_problems` (free with `gridgov_string_free`; its length through
/// `out_problems_len` when that is not NULL), is a JSON array in row order, one object per
/// problem: `{"row": 14, "id": 1004, "column": "reported_at", "value": "2026/3/32 8:10",
/// "reason": "..."}` — `row` from 0 not counting the header (as in errors,
/// `records[ROW].COLUMN`), `id` the row's case id or `null` when it has none, `column` empty for
/// a row with the wrong number of fields. Every row of a duplicated case id is reported, its
/// reason naming the other rows. `[]` when nothing is wrong (and always with
/// `GRIDGOV_ERRORS_RAISE`).
///
/// Errors: `GRIDGOV_STATUS_INVALID_VALUE` for an `errors` that is not a mode (naming
/// `errors`), text that is not CSV (an unterminated quote, no header) and, in every mode, a
/// problem not about one row (a missing required column, a column of the wrong type); with
/// `GRIDGOV_ERRORS_RAISE` as `gridgov_records_from_csv`. On error nothing is written.
///
/// # Safety
/// `model` must be a valid handle; `csv` must point to `len` readable bytes (NULL when `len`
/// is 0); `out_records` and `out_problems` valid pointers; `out_problems_len` NULL or valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gridgov_records_from_csv_checked(
    model: *const gridgov_model,
    csv: *const c_char,
    len: usize,
    as_of: i64,
    errors: i32,
    out_records: *mut *mut gridgov_records,
    out_problems: *mut *mut c_char,
    out_problems_len: *mut usize,
) -> gridgov_status {
    guard(|| {
        let m = gridgov_model::borrow(model)?;
        let text = in_text(csv, len, "csv")?;
        need(out_records, "out_records")?;
        need(out_problems, "out_problems")?;
        let mode = match errors {
            GRIDGOV_ERRORS_RAISE => OnError::Raise,
            GRIDGOV_ERRORS_COLLECT => OnError::Collect,
            GRIDGOV_ERRORS_DROP => OnError::Drop,
            other => {
                return Err(Error::invalid(
                    "errors",
                    other,
                    "is not a validation mode (GRIDGOV_ERRORS_RAISE, _COLLECT or _DROP)",
                )
                .into());
            }
        };
        let checked = Records::from_csv_checked(Arc::clone(m), text, optional_time(as_of), mode)?;
        let json = serde_json::to_string(&checked.problems)
            .map_err(|e| Error::invalid("problems", "", e.to_string()))?;
        out_string(json, out_problems, out_problems_len)?;
        match checked.records {
            Some(r) => gridgov_records::emit(r, out_records),
            None => write_out(out_records, std::ptr::null_mut()),
        }
    })
}

/// The engine's cases as case records (one row per case), with the exact stage deadlines
/// (pauses and extensions included) and `as_of` one millisecond after the engine's last event
/// (0 for an engine without events). The records keep their own reference to the engine's
/// model and stay valid after `gridgov_engine_free`.
///
/// Errors: `GRIDGOV_STATUS_CALENDAR_RANGE` (a deadline outside the calendar).
///
/// # Safety
/// `engine` must be a valid handle not used by another thread for a mutating call; `out` a
/// valid pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gridgov_engine_records(
    engine: *const gridgov_engine,
    out: *mut *mut gridgov_records,
) -> gridgov_status {
    guard(|| {
        let eng = gridgov_engine::borrow(engine)?;
        need(out, "out")?;
        gridgov_records::emit(eng.records()?, out)
    })
}

/// The per-case drill-down of `records` over `[start, end)` (ms), statuses as of `as_of`
/// (`GRIDGOV_NO_TIME`: the records' own): the rows behind the area and department counts of
/// the card `gridgov_score` gives for the same arguments, as CSV text (free with
/// `gridgov_string_free`; its length through `out_len` when that is not NULL).
///
/// One line per case in a cohort of the period (reported, filed, dispatched or rated in it),
/// in the records' order, with the columns `id, grid, unit, category, urgency, source, state`;
/// the instants `reported_at, filed_at, dispatched_at, handled_at, closed_at` and the stage
/// deadlines `verify_deadline, dispatch_deadline, handle_deadline, check_deadline` as ISO 8601
/// with the calendar's offset (`2026-03-02T09:15:00+08:00`; empty when not reached or at or
/// after `as_of`); `verify_on_time, dispatch_on_time, handle_on_time, check_on_time` (`1`, `0`,
/// or empty when the stage was not done or has no deadline); `overdue` (the handling deadline
/// passed before `as_of`, not handled) and `on_shelf` (`true`/`false`); `response_hours`,
/// `handle_hours` (working hours); and one `true`/`false` column per count of the card —
/// `reported, public_reported, filed, public_filed, due_to_close, closed, closed_on_time,
/// shelved` (summed per grid: the area table) and `dept_due, dept_handled,
/// dept_handled_on_time, dept_overdue_handled, dept_overdue_unhandled, dept_shelved,
/// dept_postponed` (summed per unit: the department table).
///
/// Errors: `GRIDGOV_STATUS_INVALID_VALUE` (`end` not after `start`, either
/// `GRIDGOV_NO_TIME`, an instant outside the accepted range); `GRIDGOV_STATUS_CALENDAR_RANGE`
/// (a record's instant outside the calendar's years). On error nothing is written.
///
/// # Safety
/// `records` must be a valid handle; `out` a valid pointer; `out_len` NULL or valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gridgov_records_drill_down_csv(
    records: *const gridgov_records,
    start: i64,
    end: i64,
    as_of: i64,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> gridgov_status {
    guard(|| {
        let r = gridgov_records::borrow(records)?;
        need(out, "out")?;
        let cols = drill_down(r, start, end, optional_time(as_of))?;
        let offset = r.model().calendar().utc_offset_minutes();
        out_string(drill_down_csv(&cols, offset), out, out_len)
    })
}

/// Releases case records. NULL is accepted and ignored.
///
/// # Safety
/// `records` must be NULL or a handle from this library not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gridgov_records_free(records: *mut gridgov_records) {
    let _ = guard(|| {
        gridgov_records::free(records);
        Ok(())
    });
}

/// The number of records (cases).
///
/// # Safety
/// `records` must be a valid handle; `out` a valid pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gridgov_records_len(
    records: *const gridgov_records,
    out: *mut usize,
) -> gridgov_status {
    guard(|| {
        let r = gridgov_records::borrow(records)?;
        need(out, "out")?;
        write_out(out, r.len())
    })
}

/// Cases reported in `[start, end)` per unit grid, the `load` of `gridgov_division_report`:
/// `out[i]` is the count of the grid whose code is element `i` of `gridgov_model_grids_json`.
/// `out_len` must be the number of unit grids of the model.
///
/// Errors: `GRIDGOV_STATUS_INVALID_VALUE` for a period that is empty, reversed or bounded by
/// `GRIDGOV_NO_TIME` (`period`), or an `out_len` that is not the number of unit grids (naming
/// both); nothing is written then.
///
/// # Safety
/// `records` must be a valid handle; `out` must point to `out_len` writable `uint64_t`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gridgov_records_grid_load(
    records: *const gridgov_records,
    start: i64,
    end: i64,
    out: *mut u64,
    out_len: usize,
) -> gridgov_status {
    guard(|| {
        let r = gridgov_records::borrow(records)?;
        if start == GRIDGOV_NO_TIME || end == GRIDGOV_NO_TIME || end <= start {
            return Err(Error::invalid(
                "period",
                format!("[{start}, {end})"),
                "is not a period (start before end, neither GRIDGOV_NO_TIME)",
            )
            .into());
        }
        gridgov::limits::check_instant("start", start)?;
        gridgov::limits::check_instant("end", end)?;
        let load = r.grid_load(start, end);
        if out_len != load.len() {
            return Err(Error::invalid(
                "out_len",
                out_len,
                format!(
                    "is not the number of unit grids of the model ({})",
                    load.len()
                ),
            )
            .into());
        }
        need(out, "out")?;
        out_slice(&load, out, "out")
    })
}

/// The records' own `as_of` (ms): the one given to `gridgov_records_from_csv`, else one
/// millisecond after the latest instant of the table; for an engine's records, one
/// millisecond after its last event. `gridgov_score` uses it when asked for the default.
///
/// # Safety
/// `records` must be a valid handle; `out` a valid pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gridgov_records_as_of(
    records: *const gridgov_records,
    out: *mut i64,
) -> gridgov_status {
    guard(|| {
        let r = gridgov_records::borrow(records)?;
        need(out, "out")?;
        write_out(out, r.as_of())
    })
}

/// The records as CSV with every schema column, `schema_version` first (
/// `GRIDGOV_RECORD_SCHEMA_VERSION` on every row), instants as ISO 8601 UTC
/// (`2026-03-01T00:30:00.000Z`): `gridgov_records_from_csv` reads the text back to equal
/// records (pass the same `as_of`).
///
/// # Safety
/// `records` must be a valid handle; `out` a valid pointer; `out_len` NULL or valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gridgov_records_to_csv(
    records: *const gridgov_records,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> gridgov_status {
    guard(|| {
        let r = gridgov_records::borrow(records)?;
        need(out, "out")?;
        out_string(r.to_csv(), out, out_len)
    })
}

/// Scores `records` over the period `[start, end)` (ms) with the model's `[scoring]`
/// configuration, every status judged as of `as_of` (ms; `GRIDGOV_NO_TIME` takes the records'
/// own, `gridgov_records_as_of`). The card keeps its own reference to the model and stays
/// valid after `gridgov_records_free`.
///
/// Errors: `GRIDGOV_STATUS_INVALID_VALUE` (`end` not after `start`, `start` or `end`
/// `GRIDGOV_NO_TIME`); `GRIDGOV_STATUS_CALENDAR_RANGE` (a record's instant outside the
/// calendar's years, naming the row and column).
///
/// # Safety
/// `records` must be a valid handle; `out` a valid pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gridgov_score(
    records: *const gridgov_records,
    start: i64,
    end: i64,
    as_of: i64,
    out: *mut *mut gridgov_scorecard,
) -> gridgov_status {
    guard(|| {
        let r = gridgov_records::borrow(records)?;
        need(out, "out")?;
        let card = score(r, start, end, optional_time(as_of))?;
        gridgov_scorecard::emit(card, out)
    })
}

/// Releases a scorecard. NULL is accepted and ignored.
///
/// # Safety
/// `card` must be NULL or a handle from this library not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gridgov_scorecard_free(card: *mut gridgov_scorecard) {
    let _ = guard(|| {
        gridgov_scorecard::free(card);
        Ok(())
    });
}

/// The card's period `[start, end)` and the instant its statuses are judged at (all ms).
///
/// # Safety
/// `card` must be a valid handle; `out_start`, `out_end` and `out_as_of` valid pointers.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gridgov_scorecard_period(
    card: *const gridgov_scorecard,
    out_start: *mut i64,
    out_end: *mut i64,
    out_as_of: *mut i64,
) -> gridgov_status {
    guard(|| {
        let c = gridgov_scorecard::borrow(card)?;
        need(out_start, "out_start")?;
        need(out_end, "out_end")?;
        need(out_as_of, "out_as_of")?;
        let (start, end) = c.period();
        write_out(out_start, start)?;
        write_out(out_end, end)?;
        write_out(out_as_of, c.as_of())
    })
}

/// One table of the card as JSON: `{"subject", "level" (areas only, else null), "columns",
/// "rows": [{"id", "name", <column>: value…, "score", "grade", "rank", "sample"}]}`, rows
/// sorted by id. An undefined value (a rate over 0, a score without any defined indicator,
/// the rank of a subject below the minimum sample) is `null`.
///
/// `table` names the table:
/// - `"areas:<level>"` (`"areas:grid"`, `"areas:street"`…): one row per area of the level,
///   keyed by area code;
/// - `"departments"`: one row per department (and per other unit with cases dispatched to it
///   in the period), keyed by unit id;
/// - `"posts:<role>"` with role `supervisor`, `acceptor`, `shift_leader` or `dispatcher`: one
///   row per worker of the role and per other id that acted in it, keyed by worker id.
///
/// Errors: `GRIDGOV_STATUS_INVALID_VALUE` for any other table name (naming it),
/// `GRIDGOV_STATUS_UNKNOWN` for a level the model does not have or another role.
///
/// # Safety
/// `card` must be a valid handle; `table` a NUL-terminated string; `out` a valid pointer;
/// `out_len` NULL or valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gridgov_scorecard_table_json(
    card: *const gridgov_scorecard,
    table: *const c_char,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> gridgov_status {
    guard(|| {
        let c = gridgov_scorecard::borrow(card)?;
        let name = in_str(table, "table")?;
        need(out, "out")?;
        let t = c.table(name)?;
        out_as_json(&t.to_json(), out, out_len)
    })
}

/// The Chinese labels of every scorecard column, as JSON `{"on_time_closure_rate": "按期结案率",
/// …}`: the indicator names of CJ/T 292 and of the centres' monthly reports, for tables shown
/// to leadership (`id`, `name`, `score`, `grade`, `rank` and `sample` included).
///
/// # Safety
/// `out` a valid pointer; `out_len` NULL or valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gridgov_score_column_labels_json(
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> gridgov_status {
    guard(|| {
        need(out, "out")?;
        out_as_json(&gridgov::score::column_labels_zh(), out, out_len)
    })
}

/// The card of both cards' periods (or record sets): cards over adjacent periods give their
/// union, cards over the same period are taken as disjoint record sets of it. The merge
/// equals the card computed at once. Neither input is changed.
///
/// Errors: `GRIDGOV_STATUS_INVALID_VALUE` when the models or scoring configurations differ,
/// the `as_of` differ (`other.as_of`), or the periods neither are equal nor adjoin
/// (`other.period`: a gap or an overlap).
///
/// # Safety
/// `a` and `b` must be valid handles; `out` a valid pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gridgov_scorecard_merge(
    a: *const gridgov_scorecard,
    b: *const gridgov_scorecard,
    out: *mut *mut gridgov_scorecard,
) -> gridgov_status {
    guard(|| {
        let first = gridgov_scorecard::borrow(a)?;
        let second = gridgov_scorecard::borrow(b)?;
        need(out, "out")?;
        gridgov_scorecard::emit(first.merge(second)?, out)
    })
}

/// The card as JSON (format `gridgov-scorecard/3`; a `/1` card of an earlier gridgov is refused by
/// `gridgov_scorecard_from_json`, naming its format): its period, `as_of`, scoring
/// configuration and every tally, so that a card computed on one machine is read back with
/// `gridgov_scorecard_from_json` and merged on another.
///
/// # Safety
/// `card` must be a valid handle; `out` a valid pointer; `out_len` NULL or valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gridgov_scorecard_to_json(
    card: *const gridgov_scorecard,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> gridgov_status {
    guard(|| {
        let c = gridgov_scorecard::borrow(card)?;
        need(out, "out")?;
        out_string(c.to_json(), out, out_len)
    })
}

/// Reads a card written by `gridgov_scorecard_to_json` (`len` bytes) against `model`. The
/// card shares `model` (freeing it afterwards is fine); cards read against the same model
/// handle, or scored from records of it, merge and compare without comparing model files.
///
/// Errors: `GRIDGOV_STATUS_PARSE` (malformed JSON or the wrong shape),
/// `GRIDGOV_STATUS_INVALID_VALUE` / `GRIDGOV_STATUS_UNKNOWN` (a format, area, unit or count
/// that does not fit the model).
///
/// # Safety
/// `model` must be a valid handle; `json` must point to `len` readable bytes (NULL when `len`
/// is 0); `out` a valid pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gridgov_scorecard_from_json(
    model: *const gridgov_model,
    json: *const c_char,
    len: usize,
    out: *mut *mut gridgov_scorecard,
) -> gridgov_status {
    guard(|| {
        let m = gridgov_model::borrow(model)?;
        let text = in_text(json, len, "json")?;
        need(out, "out")?;
        let card = Scorecard::from_json(Arc::clone(m), text)?;
        gridgov_scorecard::emit(card, out)
    })
}

/// Compares two cards of one model per area of `level` (NULL: every level, top first) and
/// returns a JSON array with four objects per area, one per indicator
/// (`mean_response_hours`, `mean_handle_hours`, `on_time_closure_rate`,
/// `satisfaction_rate`): `{"area", "name", "level", "indicator", "before", "after",
/// "change", "unit", "change_pct"}`. `change` is `after − before` in `unit`: `"hours"` for
/// times, `"points"` (percentage points) for rates; `change_pct` is
/// `(after − before) / before × 100`; each is `null` when undefined. The cards' `as_of` are
/// not checked here (`gridgov_compare_at_json` refuses cards judged at different instants).
///
/// Errors: `GRIDGOV_STATUS_INVALID_VALUE` (cards of different models),
/// `GRIDGOV_STATUS_UNKNOWN` (a level the model does not have).
///
/// # Safety
/// `before` and `after` must be valid handles; `level` NULL or a NUL-terminated string; `out`
/// a valid pointer; `out_len` NULL or valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gridgov_compare_json(
    before: *const gridgov_scorecard,
    after: *const gridgov_scorecard,
    level: *const c_char,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> gridgov_status {
    // `compare` is `compare_at` with different instants allowed.
    guard(|| compare_cards(before, after, level, true, out, out_len))
}

/// The calendar periods of `freq` that meet `[start, end)` (ms), as JSON `[[start, end], …]`
/// in ms: each from local midnight of its first day on the model's calendar to local
/// midnight of the next period's first day, the first holding `start`, the last `end − 1`.
/// `freq` is `"MS"` (months), `"QS"` (quarters) or `"YS"` (years). Score each with
/// `gridgov_score` (one `as_of` for all) to get one card per period; the cards merge with
/// `gridgov_scorecard_merge` in either order of two adjacent periods.
///
/// Errors: `GRIDGOV_STATUS_INVALID_VALUE` for another `freq` (naming `freq`), an empty or
/// reversed range, or an instant outside the accepted range. On error nothing is written.
///
/// # Safety
/// `model` must be a valid handle; `freq` a NUL-terminated string; `out` a valid pointer;
/// `out_len` NULL or valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gridgov_periods_json(
    model: *const gridgov_model,
    start: i64,
    end: i64,
    freq: *const c_char,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> gridgov_status {
    guard(|| {
        let m = gridgov_model::borrow(model)?;
        let freq = Freq::parse(in_str(freq, "freq")?)?;
        need(out, "out")?;
        let p = periods(m.calendar(), start, end, freq)?;
        out_as_json(&p, out, out_len)
    })
}

/// As `gridgov_compare_json`, refusing cards judged at different instants unless
/// `allow_different_as_of` is non-zero: a case within its limit on one card may be overdue on
/// the other, so their rates do not measure the same thing. Each change states its `unit`:
/// `"hours"` for the mean hours, `"points"` (percentage points) for the rates; `change_pct` is
/// the change in percent of `before`.
///
/// Errors: `GRIDGOV_STATUS_INVALID_VALUE` naming `after.as_of` (both instants as local time,
/// `2026-03-07 00:00 (UTC+8)`) when they differ and that is not allowed; as
/// `gridgov_compare_json`. On error nothing is written.
///
/// # Safety
/// `before` and `after` must be valid handles; `level` NULL or a NUL-terminated string; `out`
/// a valid pointer; `out_len` NULL or valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gridgov_compare_at_json(
    before: *const gridgov_scorecard,
    after: *const gridgov_scorecard,
    level: *const c_char,
    allow_different_as_of: i32,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> gridgov_status {
    guard(|| {
        compare_cards(
            before,
            after,
            level,
            allow_different_as_of != 0,
            out,
            out_len,
        )
    })
}

/// The body of `gridgov_compare_json` and `gridgov_compare_at_json`.
fn compare_cards(
    before: *const gridgov_scorecard,
    after: *const gridgov_scorecard,
    level: *const c_char,
    allow_different_as_of: bool,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> Result<(), Failure> {
    let first = gridgov_scorecard::borrow(before)?;
    let second = gridgov_scorecard::borrow(after)?;
    let level = if level.is_null() {
        None
    } else {
        Some(in_str(level, "level")?)
    };
    need(out, "out")?;
    let changes = compare_at(first, second, level, allow_different_as_of)?;
    out_as_json(&changes, out, out_len)
}
