//! The exports a caller uses after a call: the name of a status, the message and per-field
//! problems of this thread's last failure, and the release of strings the library returned.

use std::ffi::c_char;

use crate::error::{Failure, gridgov_status, last_issues_json, last_message, status_name};
use crate::handle::out_string;
use crate::panic::guard;

/// A static, NUL-terminated name for a status (`"GRIDGOV_STATUS_CALENDAR_RANGE"`): the name of
/// its `gridgov_status` constant. Never free it. Unknown numbers give
/// `"GRIDGOV_STATUS_UNKNOWN_CODE"`.
#[unsafe(no_mangle)]
pub extern "C" fn gridgov_status_name(status: u32) -> *const c_char {
    status_name(status).as_ptr()
}

/// Copies the message of this thread's last failure into `buf` (NUL-terminated).
///
/// `out_len` receives the message length without the NUL. If `buf_len` is too small, nothing is
/// copied, `out_len` receives the length needed and `GRIDGOV_STATUS_INSUFFICIENT_SIZE` is
/// returned (`buf` NULL with `buf_len` 0 asks for the length). `buf` NULL with a non-zero
/// `buf_len`, or `out_len` NULL, gives `GRIDGOV_STATUS_NULL_POINTER` and writes nothing. An
/// empty message means no failure happened yet. Messages are bounded: each line of one is at
/// most a few hundred bytes, longer values being cut with `… (N more bytes)`, so a 512-byte
/// buffer holds almost every message. This call does not reset the last error.
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
    if buf.is_null() && buf_len > 0 {
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

/// Panics inside the panic boundary, on purpose, and returns `GRIDGOV_STATUS_PANIC`: for a
/// host to check how it handles a gridgov bug. The panic's message (`"gridgov_test_panic:
/// deliberate panic"`) and location are in `gridgov_last_error`; nothing is printed to
/// standard error unless `GRIDGOV_PANIC_STDERR=1` is set (README: "Panics").
#[unsafe(no_mangle)]
#[allow(
    clippy::missing_panics_doc,
    reason = "the panic is the point, and the guard catches it"
)]
pub extern "C" fn gridgov_test_panic() -> gridgov_status {
    guard(|| panic!("gridgov_test_panic: deliberate panic"))
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

#[cfg(test)]
mod tests {
    use std::ffi::CStr;

    use gridgov::ErrorKind;

    use super::gridgov_status_name;
    use crate::error::gridgov_status;

    fn name(status: u32) -> &'static str {
        // SAFETY: gridgov_status_name returns a static NUL-terminated string.
        unsafe { CStr::from_ptr(gridgov_status_name(status)) }
            .to_str()
            .expect("ASCII")
    }

    #[test]
    fn every_core_kind_has_its_number_and_name() {
        for &kind in ErrorKind::ALL {
            let status = gridgov_status::from(kind);
            assert_eq!(status as u32, kind.number(), "{kind:?}");
            let expected = format!("GRIDGOV_STATUS_{}", kind.name().to_uppercase());
            assert_eq!(name(kind.number()), expected, "{kind:?}");
        }
    }

    #[test]
    fn boundary_and_unknown_statuses_are_named() {
        let boundary = [
            (gridgov_status::Ok, "GRIDGOV_STATUS_OK"),
            (gridgov_status::NullPointer, "GRIDGOV_STATUS_NULL_POINTER"),
            (gridgov_status::InvalidUtf8, "GRIDGOV_STATUS_INVALID_UTF8"),
            (gridgov_status::Panic, "GRIDGOV_STATUS_PANIC"),
            (
                gridgov_status::InsufficientSize,
                "GRIDGOV_STATUS_INSUFFICIENT_SIZE",
            ),
            (gridgov_status::InvalidEnum, "GRIDGOV_STATUS_INVALID_ENUM"),
        ];
        for (i, (status, expected)) in boundary.into_iter().enumerate() {
            assert_eq!(status as usize, i);
            assert_eq!(name(status as u32), expected);
        }
        for unknown in [6, 99, 115, 9999, u32::MAX] {
            assert_eq!(name(unknown), "GRIDGOV_STATUS_UNKNOWN_CODE", "{unknown}");
        }
    }

    /// Issue 16, finding 6: a NULL buffer with a non-zero length is a NULL pointer (it was
    /// `INSUFFICIENT_SIZE`), and nothing is written; NULL with 0 asks for the length.
    #[test]
    fn last_error_refuses_a_null_buffer_with_a_length() {
        use super::gridgov_last_error;
        // SAFETY: a NULL output is refused (that is what leaves a message).
        let _ = unsafe { crate::model::gridgov_model_sample(std::ptr::null_mut()) };
        let mut n = 12_345_usize;
        // SAFETY: `n` is a valid output; the buffer is NULL on purpose.
        let st = unsafe { gridgov_last_error(std::ptr::null_mut(), 100, &raw mut n) };
        assert_eq!(st, gridgov_status::NullPointer);
        assert_eq!(n, 12_345);
        // SAFETY: as above, with a length of 0.
        let st = unsafe { gridgov_last_error(std::ptr::null_mut(), 0, &raw mut n) };
        assert_eq!(st, gridgov_status::InsufficientSize);
        assert!(n > 0 && n != 12_345);
    }

    /// Issue 16, finding 7: a caught panic's message and location are the last error.
    #[test]
    fn a_caught_panic_leaves_its_message_and_location() {
        assert_eq!(super::gridgov_test_panic(), gridgov_status::Panic);
        let m = crate::error::last_message();
        assert!(m.contains("deliberate panic"), "{m}");
        assert!(m.contains("status.rs:"), "{m}");
    }

    /// The constants C sees (the checked-in header, itself checked against the sources by the
    /// header test) are named as `gridgov_status_name` names them, and there is one per
    /// boundary status and per core kind.
    #[test]
    fn the_header_constants_are_named_like_their_statuses() {
        let header =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../include/gridgov.h"))
                .expect("include/gridgov.h is readable");
        let constants: Vec<(&str, u32)> = header
            .lines()
            .filter_map(|l| {
                let (constant, number) = l.trim().trim_end_matches(',').split_once(" = ")?;
                let number = number.parse().ok()?;
                constant
                    .starts_with("GRIDGOV_STATUS_")
                    .then_some((constant, number))
            })
            .collect();
        assert_eq!(constants.len(), 6 + ErrorKind::ALL.len(), "{constants:?}");
        for (constant, number) in constants {
            assert_eq!(name(number), constant);
        }
    }
}
