//! Panics: a panic in the extension is a gridgov bug, which `PyO3` raises as
//! `pyo3_runtime.PanicException` carrying the panic's message. The module installs, when it is
//! imported, a panic hook that keeps that text off the interpreter's standard error (the
//! exception already carries it) unless `GRIDGOV_PANIC_STDERR=1` is set. The extension has its
//! own copy of Rust's runtime, so the hook sees only gridgov's panics; other extensions keep
//! theirs.

use pyo3::prelude::*;

/// Installs the hook (once per process).
pub(crate) fn install_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let print =
            std::env::var_os("GRIDGOV_PANIC_STDERR").is_some_and(|v| !v.is_empty() && v != "0");
        if !print {
            std::panic::set_hook(Box::new(|_| {}));
        }
    });
}

/// Panics on purpose (for tests of the panic path): raises `PanicException` with the message
/// `"gridgov _test_panic: deliberate panic"`.
#[pyfunction]
pub(crate) fn _test_panic() {
    panic!("gridgov _test_panic: deliberate panic");
}
