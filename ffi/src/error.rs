//! Status codes and the per-thread last error.

use std::cell::RefCell;
use std::ffi::c_char;

use gridgov::{Error, ErrorKind};

use crate::handle::out_string;
use crate::panic::guard;

/// Result of every gridgov C function. Numbers are stable and never reused.
#[allow(non_camel_case_types, reason = "C naming")]
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum gridgov_status {
    /// Success.
    Ok = 0,
    /// A required pointer argument was NULL.
    NullPointer = 1,
    /// A string argument was not valid UTF-8.
    InvalidUtf8 = 2,
    /// A Rust panic was caught at the boundary (a bug: please report it).
    Panic = 3,
    /// A caller-provided buffer is too small; the needed size was written to the length output.
    InsufficientSize = 4,
    /// An enum argument had a value outside its range.
    InvalidEnum = 5,
    /// A value is out of its domain (negative duration, `NaT`, overflow, bad window...).
    InvalidValue = 100,
    /// A code is malformed.
    InvalidCode = 101,
    /// A well-formed identifier the model does not know.
    Unknown = 102,
    /// A date outside the calendar's covered years.
    CalendarRange = 103,
    /// No duty rule and no fallback covers the (category, grid).
    NoResponsibleUnit = 104,
    /// Equally specific duty rules name different units.
    DutyConflict = 105,
    /// The model is invalid; see `gridgov_last_error_issues`.
    Model = 106,
    /// Text is not well-formed TOML or JSON.
    Parse = 107,
    /// A file could not be read.
    Io = 108,
    /// The case's state does not allow the action (see the lifecycle table).
    InvalidTransition = 109,
    /// The actor may not perform the action, or not on this case (role or scope).
    PermissionDenied = 110,
}

impl From<ErrorKind> for gridgov_status {
    fn from(kind: ErrorKind) -> Self {
        match kind {
            ErrorKind::InvalidCode => Self::InvalidCode,
            ErrorKind::Unknown => Self::Unknown,
            ErrorKind::CalendarRange => Self::CalendarRange,
            ErrorKind::NoResponsibleUnit => Self::NoResponsibleUnit,
            ErrorKind::DutyConflict => Self::DutyConflict,
            ErrorKind::Model => Self::Model,
            ErrorKind::Parse => Self::Parse,
            ErrorKind::Io => Self::Io,
            ErrorKind::InvalidTransition => Self::InvalidTransition,
            ErrorKind::PermissionDenied => Self::PermissionDenied,
            ErrorKind::InvalidValue => Self::InvalidValue,
        }
    }
}

/// What went wrong last on this thread.
pub(crate) enum LastError {
    None,
    Boundary(String),
    Core(Error),
}

thread_local! {
    static LAST: RefCell<LastError> = const { RefCell::new(LastError::None) };
}

/// A failure inside an export: the status to return, with its message recorded.
pub(crate) struct Failure(pub gridgov_status);

impl Failure {
    pub(crate) fn boundary(status: gridgov_status, message: impl Into<String>) -> Self {
        set_last(LastError::Boundary(message.into()));
        Failure(status)
    }
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        let status = gridgov_status::from(e.kind());
        set_last(LastError::Core(e));
        Failure(status)
    }
}

pub(crate) fn set_last(e: LastError) {
    LAST.with(|l| *l.borrow_mut() = e);
}

pub(crate) fn clear_last() {
    set_last(LastError::None);
}

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

fn last_message() -> String {
    LAST.with(|l| match &*l.borrow() {
        LastError::None => String::new(),
        LastError::Boundary(m) => m.clone(),
        LastError::Core(e) => e.to_string(),
    })
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
    let json = LAST.with(|l| match &*l.borrow() {
        LastError::Core(e) => serde_json::to_string(e.issues()).unwrap_or_else(|_| "[]".into()),
        _ => "[]".to_owned(),
    });
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
