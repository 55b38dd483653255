//! Every conversion between C pointers and Rust values happens here: opaque handles, input
//! strings and slices, and outputs.
//!
//! Ownership: a handle returned by a `_new`-style constructor is a `Box` turned into a raw
//! pointer; the caller owns it and gives it back exactly once to the matching `_free`, which
//! accepts NULL. Borrowed handles (`const T *`) are never freed by the library.

use std::ffi::{CStr, CString, c_char};

use crate::error::{Failure, gridgov_status};

/// Maps an opaque C handle type to the Rust type behind it.
pub(crate) trait Handle: Sized {
    /// The Rust value the handle points to.
    type Inner;
    /// The name used in error messages.
    const NAME: &'static str;

    /// Moves `value` to the heap and writes the new handle through `out`.
    fn emit(value: Self::Inner, out: *mut *mut Self) -> Result<(), Failure> {
        if out.is_null() {
            return Err(null(Self::NAME));
        }
        let ptr = Box::into_raw(Box::new(value)).cast::<Self>();
        // SAFETY: `out` is non-NULL and, per every export's contract, valid for writes.
        unsafe { *out = ptr };
        Ok(())
    }

    /// Borrows the value behind a `const` handle.
    fn borrow<'a>(ptr: *const Self) -> Result<&'a Self::Inner, Failure> {
        if ptr.is_null() {
            return Err(null(Self::NAME));
        }
        // SAFETY: non-NULL; per the contract it came from `emit` and is not yet freed.
        Ok(unsafe { &*ptr.cast::<Self::Inner>() })
    }

    /// Takes back and drops a handle (NULL is ignored).
    fn free(ptr: *mut Self) {
        if !ptr.is_null() {
            // SAFETY: per the contract it came from `emit` and is freed exactly once.
            drop(unsafe { Box::from_raw(ptr.cast::<Self::Inner>()) });
        }
    }
}

pub(crate) fn null(what: &str) -> Failure {
    Failure::boundary(
        gridgov_status::NullPointer,
        format!("argument {what} is NULL"),
    )
}

/// Reads a NUL-terminated UTF-8 string argument.
pub(crate) fn in_str<'a>(ptr: *const c_char, what: &str) -> Result<&'a str, Failure> {
    if ptr.is_null() {
        return Err(null(what));
    }
    // SAFETY: non-NULL and, per the contract, NUL-terminated and alive for the call.
    let bytes = unsafe { CStr::from_ptr(ptr) }.to_bytes();
    std::str::from_utf8(bytes).map_err(|e| {
        Failure::boundary(
            gridgov_status::InvalidUtf8,
            format!(
                "argument {what} is not valid UTF-8 (bad byte at offset {})",
                e.valid_up_to()
            ),
        )
    })
}

/// Reads a (pointer, length) UTF-8 text argument. Text that is not UTF-8 but reads as GBK or
/// GB18030 — what Chinese Windows systems and Excel export — is named so in the message.
pub(crate) fn in_text<'a>(ptr: *const c_char, len: usize, what: &str) -> Result<&'a str, Failure> {
    let bytes = in_slice(ptr.cast::<u8>(), len, what)?;
    std::str::from_utf8(bytes).map_err(|e| {
        let hint = if gridgov::limits::looks_like_gb18030(bytes) {
            "; it looks like GBK/GB18030 (a Chinese export): convert it to UTF-8 first, for \
             example with iconv -f GB18030 -t UTF-8"
        } else {
            ""
        };
        Failure::boundary(
            gridgov_status::InvalidUtf8,
            format!(
                "argument {what} is not valid UTF-8 (bad byte at offset {}){hint}",
                e.valid_up_to()
            ),
        )
    })
}

/// Reads a (pointer, length) array argument; NULL is accepted for an empty array.
pub(crate) fn in_slice<'a, T>(ptr: *const T, len: usize, what: &str) -> Result<&'a [T], Failure> {
    if len == 0 {
        return Ok(&[]);
    }
    if ptr.is_null() {
        return Err(null(what));
    }
    // SAFETY: non-NULL, and per the contract valid for `len` reads of T, aligned, alive.
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// Copies `values` into a caller array of the same length (NULL accepted when empty).
pub(crate) fn out_slice<T: Copy>(values: &[T], ptr: *mut T, what: &str) -> Result<(), Failure> {
    if values.is_empty() {
        return Ok(());
    }
    if ptr.is_null() {
        return Err(null(what));
    }
    // SAFETY: non-NULL, and per the contract valid for `values.len()` writes of T.
    unsafe { std::ptr::copy_nonoverlapping(values.as_ptr(), ptr, values.len()) };
    Ok(())
}

/// Writes one value through an output pointer.
pub(crate) fn write_out<T>(out: *mut T, value: T) -> Result<(), Failure> {
    if out.is_null() {
        return Err(null("out"));
    }
    // SAFETY: non-NULL and, per the contract, valid for writes.
    unsafe { *out = value };
    Ok(())
}

/// Checks that an output pointer is non-NULL before any work is done.
pub(crate) fn need<T>(out: *mut T, what: &str) -> Result<(), Failure> {
    if out.is_null() {
        Err(null(what))
    } else {
        Ok(())
    }
}

/// Returns a string to the caller as an owned `char *` (free with `gridgov_string_free`), and
/// its length through `out_len` when that is not NULL.
pub(crate) fn out_string(
    s: String,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> Result<(), Failure> {
    need(out, "out")?;
    let len = s.len();
    let c = CString::new(s).map_err(|_| {
        Failure::boundary(
            gridgov_status::InvalidValue,
            "internal error: output text contains a NUL byte",
        )
    })?;
    write_out(out, c.into_raw())?;
    if !out_len.is_null() {
        write_out(out_len, len)?;
    }
    Ok(())
}

/// Serialises `value` as JSON and returns the text like [`out_string`].
pub(crate) fn out_as_json(
    value: &(impl serde::Serialize + ?Sized),
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> Result<(), Failure> {
    let text = serde_json::to_string(value).map_err(|e| {
        Failure::boundary(
            gridgov_status::InvalidValue,
            format!("internal error: cannot serialise output: {e}"),
        )
    })?;
    out_string(text, out, out_len)
}
