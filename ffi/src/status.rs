//! The exports a caller uses after a call: the name of a status, the message and per-field
//! problems of this thread's last failure, and the release of strings the library returned.

use std::ffi::c_char;

use crate::error::{Failure, gridgov_status, last_issues_json, last_message};
use crate::handle::out_string;
use crate::panic::guard;

/// A static, NUL-terminated name for a status (`"GRIDGOV_STATUS_CALENDAR_RANGE"`); never free it.
/// Unknown numbers give `"GRIDGOV_STATUS_UNKNOWN_CODE"`.
#[unsafe(no_mangle)]
pub extern "C" fn gridgov_status_name(status: u32) -> *const c_char {
    let s: &'static str = match status {
        0 => "GRIDGOV_STATUS_OK\0",
        1 => "GRIDGOV_STATUS_NULL_POINTER\0",
        2 => "GRIDGOV_STATUS_INVALID_UTF8\0",
        3 => "GRIDGOV_STATUS_PANIC\0",
        4 => "GRIDGOV_STATUS_INSUFFICIENT_SIZE\0",
        5 => "GRIDGOV_STATUS_INVALID_ENUM\0",
        100 => "GRIDGOV_STATUS_INVALID_VALUE\0",
        101 => "GRIDGOV_STATUS_INVALID_CODE\0",
        102 => "GRIDGOV_STATUS_UNKNOWN\0",
        103 => "GRIDGOV_STATUS_CALENDAR_RANGE\0",
        104 => "GRIDGOV_STATUS_NO_RESPONSIBLE_UNIT\0",
        105 => "GRIDGOV_STATUS_DUTY_CONFLICT\0",
        106 => "GRIDGOV_STATUS_MODEL\0",
        107 => "GRIDGOV_STATUS_PARSE\0",
        108 => "GRIDGOV_STATUS_IO\0",
        109 => "GRIDGOV_STATUS_INVALID_TRANSITION\0",
        110 => "GRIDGOV_STATUS_PERMISSION_DENIED\0",
        _ => "GRIDGOV_STATUS_UNKNOWN_CODE\0",
    };
    s.as_ptr().cast()
}

/// Copies the message of this thread's last failure into `buf` (NUL-terminated).
///
/// `out_len` receives the message length without the NUL. If `buf_len` is too small, nothing is
/// copied, `out_len` receives the length needed and `GRIDGOV_STATUS_INSUFFICIENT_SIZE` is
/// returned. An empty message means no failure happened yet. This call does not reset the
/// last error.
///
/// # Safety
/// `buf` must point to `buf_len` writable bytes (it may be NULL when `buf_len` is 0);
/// `out_len` must be a valid pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gridgov_last_error(
    buf: *mut c_char,
    buf_len: usize,
    out_len: *mut usize,
) -> gridgov_status {
    // Not through `guard`: that would clear the message we are asked for.
    let message = last_message();
    if out_len.is_null() {
        return gridgov_status::NullPointer;
    }
    let needed = message.len();
    if buf_len <= needed || buf.is_null() {
        // SAFETY: out_len checked non-NULL; the caller guarantees it is valid.
        unsafe { *out_len = needed };
        return gridgov_status::InsufficientSize;
    }
    // SAFETY: buf has buf_len > needed writable bytes per the contract.
    unsafe {
        std::ptr::copy_nonoverlapping(message.as_ptr(), buf.cast::<u8>(), needed);
        *buf.add(needed) = 0;
        *out_len = needed;
    }
    gridgov_status::Ok
}

/// The per-field problems of this thread's last failure as a JSON array of
/// `{"path": ..., "message": ...}` (empty when the last failure was not an invalid model).
///
/// # Safety
/// `out` must be a valid pointer; `out_len` may be NULL or a valid pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gridgov_last_error_issues(
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> gridgov_status {
    let json = last_issues_json();
    // Writing the output must not disturb the recorded error, so no `guard` here either.
    match out_string(json, out, out_len) {
        Ok(()) => gridgov_status::Ok,
        Err(Failure(s)) => s,
    }
}

/// Releases a string returned by a gridgov function. NULL is accepted and ignored.
///
/// # Safety
/// `s` must be NULL or a pointer returned through a `char **out` of this library, not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gridgov_string_free(s: *mut c_char) {
    let _ = guard(|| {
        if !s.is_null() {
            // SAFETY: per the contract, `s` came from CString::into_raw in this library.
            drop(unsafe { std::ffi::CString::from_raw(s) });
        }
        Ok(())
    });
}
