//! The panic boundary every export runs behind, and the panic hook that keeps a caught panic
//! off the host's standard error.
//!
//! A panic inside an export is a gridgov bug. It becomes `GRIDGOV_STATUS_PANIC`, with the
//! panic's message and location in `gridgov_last_error`. The first export called installs, once
//! for the process, a panic hook that stays silent for panics of gridgov calls (on the calling
//! thread, or on a worker thread the library started) and hands every other panic to the hook
//! that was installed before it (the host's, or Rust's default), so a Rust host linking the
//! static library keeps its own reporting. Set `GRIDGOV_PANIC_STDERR=1` in the environment to
//! have gridgov's panics printed as well (with a backtrace under `RUST_BACKTRACE`). A host that
//! installs its own hook *after* the first gridgov call replaces this one and sees gridgov's
//! panics itself; the status and the message are the same either way.

use std::cell::{Cell, RefCell};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Once;

use crate::error::{Failure, clear_last, gridgov_status};

thread_local! {
    /// Depth of gridgov exports running on this thread.
    static IN_CALL: Cell<u32> = const { Cell::new(0) };
    /// Where the last panic of a gridgov call on this thread happened (`file:line`).
    static LOCATION: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Whether the environment asks for gridgov's panics on standard error.
fn print_requested() -> bool {
    std::env::var_os("GRIDGOV_PANIC_STDERR").is_some_and(|v| !v.is_empty() && v != "0")
}

/// Installs the hook (once per process).
fn install_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let print = print_requested();
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let ours = IN_CALL.with(Cell::get) > 0
                || std::thread::current().name() == Some(gridgov::WORKER_THREAD_NAME);
            if ours {
                let at = info
                    .location()
                    .map(|l| format!("{}:{}", l.file(), l.line()));
                LOCATION.with(|l| *l.borrow_mut() = at);
                if !print {
                    return;
                }
            }
            previous(info);
        }));
    });
}

/// Marks this thread as inside a gridgov call while alive.
struct InCall;

impl InCall {
    fn enter() -> InCall {
        IN_CALL.with(|c| c.set(c.get() + 1));
        InCall
    }
}

impl Drop for InCall {
    fn drop(&mut self) {
        IN_CALL.with(|c| c.set(c.get().saturating_sub(1)));
    }
}

/// Runs `f`, turning its failure into a status (with the message recorded for
/// `gridgov_last_error`) and a panic into `GRIDGOV_STATUS_PANIC` (with the panic's message
/// and location recorded, and nothing printed).
pub(crate) fn guard(f: impl FnOnce() -> Result<(), Failure>) -> gridgov_status {
    install_hook();
    clear_last();
    let result = {
        let _in_call = InCall::enter();
        catch_unwind(AssertUnwindSafe(f))
    };
    match result {
        Ok(Ok(())) => gridgov_status::Ok,
        Ok(Err(Failure(status))) => status,
        Err(payload) => {
            let msg = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_owned());
            // Cut like every message (a few hundred bytes a line).
            let msg = gridgov::error::Text(&msg).to_string();
            let at = LOCATION
                .with(|l| l.borrow_mut().take())
                .map_or_else(String::new, |at| format!(" (at {at})"));
            let _ = Failure::boundary(
                gridgov_status::Panic,
                format!("internal error (a gridgov bug, please report it): {msg}{at}"),
            );
            gridgov_status::Panic
        }
    }
}
