//! Working calendars: single values and typed arrays of `int64_t` epoch milliseconds.

use std::ffi::c_char;

use gridgov::calendar::Calendar;
use gridgov::catalog::Stage;
use gridgov::model::Format;

use crate::error::gridgov_status;
use crate::handle::{Handle, in_slice, in_str, in_text, need, out_slice, out_string, write_out};
use crate::model::{format_of, gridgov_model};
use crate::panic::guard;

/// An opaque, immutable working calendar. Release with `gridgov_calendar_free`.
/// A calendar may be shared between threads.
#[allow(non_camel_case_types, reason = "C naming")]
pub struct gridgov_calendar {
    _private: [u8; 0],
}

impl Handle for gridgov_calendar {
    type Inner = Calendar;
    const NAME: &'static str = "calendar";
}

/// Creates the built-in China calendar: State Council schedules 2019–2026, workdays
/// 08:00–12:00 and 14:00–18:00, UTC+8.
///
/// # Safety
/// `out` must be a valid pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gridgov_calendar_china(out: *mut *mut gridgov_calendar) -> gridgov_status {
    guard(|| gridgov_calendar::emit(Calendar::china(), out))
}

/// Creates a calendar from the TOML or JSON text of a `calendar` table (same shape as in the
/// model file; `base = "china"` extends the built-in one).
///
/// # Safety
/// `text` must point to `len` readable bytes; `out` must be a valid pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gridgov_calendar_from_text(
    text: *const c_char,
    len: usize,
    format: u32,
    out: *mut *mut gridgov_calendar,
) -> gridgov_status {
    guard(|| {
        let text = in_text(text, len, "text")?;
        let format = format_of(format)?.unwrap_or_else(|| Format::detect(text));
        need(out, "out")?;
        let cal = match format {
            Format::Json => Calendar::from_json_str(text)?,
            Format::Toml => Calendar::from_toml_str(text)?,
        };
        gridgov_calendar::emit(cal, out)
    })
}

/// Creates a calendar handle holding a copy of the model's calendar (free it separately).
///
/// # Safety
/// `model` must be a valid handle; `out` a valid pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gridgov_model_calendar(
    model: *const gridgov_model,
    out: *mut *mut gridgov_calendar,
) -> gridgov_status {
    guard(|| {
        let m = gridgov_model::borrow(model)?;
        gridgov_calendar::emit(m.calendar().clone(), out)
    })
}

/// Creates a calendar handle holding a copy of the model's calendar named `name` (free it
/// separately): `"default"` is the model's `calendar`, the others its `[calendars]`
/// (`gridgov_model_calendars_json` lists them).
///
/// # Errors
/// `GRIDGOV_STATUS_UNKNOWN` naming the calendar when the model has none of that name.
///
/// # Safety
/// `model` must be a valid handle; `name` a NUL-terminated string; `out` a valid pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gridgov_model_calendar_named(
    model: *const gridgov_model,
    name: *const c_char,
    out: *mut *mut gridgov_calendar,
) -> gridgov_status {
    guard(|| {
        let m = gridgov_model::borrow(model)?;
        let name = in_str(name, "name")?;
        need(out, "out")?;
        gridgov_calendar::emit(m.calendar_named(name)?.clone(), out)
    })
}

/// The name of the calendar a deadline of `stage` (`"accept"`, `"verify"`, `"file"`,
/// `"dispatch"`, `"handle"`, `"check"`, `"close"`) is counted on, for `unit` (a unit id, or
/// NULL): the calendar of whoever must act — handling on the unit's calendar, the centre's
/// stages on the stage's (`[engine.stage_calendars]`), anything else on `"default"`. Open it
/// with `gridgov_model_calendar_named`.
///
/// # Errors
/// `GRIDGOV_STATUS_INVALID_VALUE` for an unknown stage; `GRIDGOV_STATUS_UNKNOWN` naming an
/// unknown unit.
///
/// # Safety
/// `model` must be a valid handle; `stage` a NUL-terminated string; `unit` NULL or a
/// NUL-terminated string; `out_name` a valid pointer; `out_len` NULL or valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gridgov_model_calendar_for(
    model: *const gridgov_model,
    stage: *const c_char,
    unit: *const c_char,
    out_name: *mut *mut c_char,
    out_len: *mut usize,
) -> gridgov_status {
    guard(|| {
        let m = gridgov_model::borrow(model)?;
        let stage: Stage = in_str(stage, "stage")?.parse()?;
        let unit = if unit.is_null() {
            None
        } else {
            Some(m.org().find_unit(in_str(unit, "unit")?)?)
        };
        need(out_name, "out_name")?;
        out_string(
            m.calendar_name_for(stage, unit).to_owned(),
            out_name,
            out_len,
        )
    })
}

/// Releases a calendar. NULL is accepted and ignored.
///
/// # Safety
/// `calendar` must be NULL or a handle from this library not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gridgov_calendar_free(calendar: *mut gridgov_calendar) {
    let _ = guard(|| {
        gridgov_calendar::free(calendar);
        Ok(())
    });
}

/// The first and last year the calendar's holiday data covers.
///
/// # Safety
/// `calendar` must be a valid handle; `out_first` and `out_last` valid pointers.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gridgov_calendar_years(
    calendar: *const gridgov_calendar,
    out_first: *mut i32,
    out_last: *mut i32,
) -> gridgov_status {
    guard(|| {
        let c = gridgov_calendar::borrow(calendar)?;
        need(out_first, "out_first")?;
        need(out_last, "out_last")?;
        let (a, b) = c.years();
        write_out(out_first, a)?;
        write_out(out_last, b)
    })
}

/// Whether the local date of instant `t_ms` is a working day (`GRIDGOV_STATUS_CALENDAR_RANGE`
/// outside the covered years).
///
/// # Safety
/// `calendar` must be a valid handle; `out` a valid pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gridgov_calendar_is_workday(
    calendar: *const gridgov_calendar,
    t_ms: i64,
    out: *mut bool,
) -> gridgov_status {
    guard(|| {
        let c = gridgov_calendar::borrow(calendar)?;
        need(out, "out")?;
        let mut r = [false];
        c.is_workday_many(&[t_ms], &mut r)?;
        write_out(out, r[0])
    })
}

/// Adds `duration_ms` of working time to `start_ms`: the earliest instant at which that much
/// working time has elapsed since `start_ms`.
///
/// # Safety
/// `calendar` must be a valid handle; `out_ms` a valid pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gridgov_calendar_add_working(
    calendar: *const gridgov_calendar,
    start_ms: i64,
    duration_ms: i64,
    out_ms: *mut i64,
) -> gridgov_status {
    guard(|| {
        let c = gridgov_calendar::borrow(calendar)?;
        need(out_ms, "out_ms")?;
        write_out(out_ms, c.add_working(start_ms, duration_ms)?)
    })
}

/// Working time in `[a_ms, b_ms)`, in milliseconds (negative when `b_ms < a_ms`).
///
/// # Safety
/// `calendar` must be a valid handle; `out_ms` a valid pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gridgov_calendar_working_between(
    calendar: *const gridgov_calendar,
    a_ms: i64,
    b_ms: i64,
    out_ms: *mut i64,
) -> gridgov_status {
    guard(|| {
        let c = gridgov_calendar::borrow(calendar)?;
        need(out_ms, "out_ms")?;
        write_out(out_ms, c.working_between(a_ms, b_ms)?)
    })
}

/// The next working instant at or after `t_ms`.
///
/// # Safety
/// `calendar` must be a valid handle; `out_ms` a valid pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gridgov_calendar_next_working(
    calendar: *const gridgov_calendar,
    t_ms: i64,
    out_ms: *mut i64,
) -> gridgov_status {
    guard(|| {
        let c = gridgov_calendar::borrow(calendar)?;
        need(out_ms, "out_ms")?;
        write_out(out_ms, c.next_working(t_ms)?)
    })
}

/// Bulk [`gridgov_calendar_add_working`]: `out_ms[i] = start_ms[i] + durations_ms[i]` of
/// working time, for `n` elements. On failure nothing is written and the message names the
/// first bad index.
///
/// # Safety
/// `calendar` must be a valid handle; the three arrays must hold `n` elements each (they may
/// be NULL when `n` is 0).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gridgov_calendar_add_working_many(
    calendar: *const gridgov_calendar,
    start_ms: *const i64,
    durations_ms: *const i64,
    n: usize,
    out_ms: *mut i64,
) -> gridgov_status {
    guard(|| {
        let c = gridgov_calendar::borrow(calendar)?;
        let starts = in_slice(start_ms, n, "start_ms")?;
        let durations = in_slice(durations_ms, n, "durations_ms")?;
        if n > 0 {
            need(out_ms, "out_ms")?;
        }
        let mut result = vec![0i64; n];
        c.add_working_many(starts, durations, &mut result)?;
        out_slice(&result, out_ms, "out_ms")
    })
}

/// Bulk [`gridgov_calendar_working_between`] over `n` pairs.
///
/// # Safety
/// `calendar` must be a valid handle; the three arrays must hold `n` elements each.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gridgov_calendar_working_between_many(
    calendar: *const gridgov_calendar,
    a_ms: *const i64,
    b_ms: *const i64,
    n: usize,
    out_ms: *mut i64,
) -> gridgov_status {
    guard(|| {
        let c = gridgov_calendar::borrow(calendar)?;
        let a = in_slice(a_ms, n, "a_ms")?;
        let b = in_slice(b_ms, n, "b_ms")?;
        if n > 0 {
            need(out_ms, "out_ms")?;
        }
        let mut result = vec![0i64; n];
        c.working_between_many(a, b, &mut result)?;
        out_slice(&result, out_ms, "out_ms")
    })
}

/// Bulk [`gridgov_calendar_next_working`] over `n` instants.
///
/// # Safety
/// `calendar` must be a valid handle; both arrays must hold `n` elements.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gridgov_calendar_next_working_many(
    calendar: *const gridgov_calendar,
    t_ms: *const i64,
    n: usize,
    out_ms: *mut i64,
) -> gridgov_status {
    guard(|| {
        let c = gridgov_calendar::borrow(calendar)?;
        let t = in_slice(t_ms, n, "t_ms")?;
        if n > 0 {
            need(out_ms, "out_ms")?;
        }
        let mut result = vec![0i64; n];
        c.next_working_many(t, &mut result)?;
        out_slice(&result, out_ms, "out_ms")
    })
}

/// Bulk [`gridgov_calendar_is_workday`]: `out[i]` is 1 when the local date of `t_ms[i]` is a
/// working day, else 0.
///
/// # Safety
/// `calendar` must be a valid handle; both arrays must hold `n` elements.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gridgov_calendar_is_workday_many(
    calendar: *const gridgov_calendar,
    t_ms: *const i64,
    n: usize,
    out: *mut u8,
) -> gridgov_status {
    guard(|| {
        let c = gridgov_calendar::borrow(calendar)?;
        let t = in_slice(t_ms, n, "t_ms")?;
        if n > 0 {
            need(out, "out")?;
        }
        let mut result = vec![false; n];
        c.is_workday_many(t, &mut result)?;
        let bytes: Vec<u8> = result.into_iter().map(u8::from).collect();
        out_slice(&bytes, out, "out")
    })
}
