//! The engine on disk and the event sink: `gridgov_engine_open` (a SQLite journal), batches,
//! `gridgov_engine_set_sink` (a host's callback taking each commit's events),
//! `gridgov_engine_set_sink_from` (a host's sink caught up from its last stored event, with an
//! optional commit callback) and `gridgov_journal_verify`.

use std::ffi::{CString, c_char, c_void};
use std::sync::Arc;

use gridgov::Error;
use gridgov::engine::{Engine, EventSink};
use gridgov::journal::{self, OpenOptions};
use gridgov::sink::Commit;

use crate::engine::{borrow_mut, gridgov_engine, parse};
use crate::error::{Failure, gridgov_status};
use crate::handle::{Handle, in_str, need, null, out_as_json, write_out};
use crate::model::gridgov_model;
use crate::panic::guard;

/// A host's event sink: called with the events of each accepted call (or batch) before the call
/// returns. `lines` holds `len` bytes (NUL-terminated as well): one JSON line per event, each
/// ending in `\n`, exactly as `gridgov_engine_events_json` writes them with contact data
/// (`hash` included). Return 0 to accept; any other value refuses the call, which then fails
/// with `GRIDGOV_STATUS_SINK` and leaves the engine (and its journal) unchanged. The sink must
/// not call the engine; `user` is passed through untouched.
///
/// With a journal the callback runs after the journal wrote the events and before it commits
/// them. A sink that commits its own transaction inside the callback can therefore end one
/// commit *ahead* of the journal if the journal's commit then fails or the process dies in
/// between (`gridgov_engine_set_sink_from` then reports the host's last `seq` beyond the
/// journal's); one that commits in a `gridgov_sink_finish` callback can only end *behind*, and
/// is caught up.
#[allow(non_camel_case_types, reason = "C naming")]
pub type gridgov_sink =
    Option<unsafe extern "C" fn(user: *mut c_void, lines: *const c_char, len: usize) -> i32>;

/// A host's commit callback, for a sink that writes each commit in a transaction it opens in
/// its `gridgov_sink` and ends here: called with `commit` 1 once the journal (if any) committed
/// the events (commit yours; return 0, or non-zero when your commit failed), or 0 when the call
/// is refused after your sink took the events (roll yours back; the return value is ignored).
/// With a journal, a failure here leaves your database *behind* the journal, never ahead: the
/// call returns `GRIDGOV_STATUS_SINK_BEHIND` (it took effect), later calls are refused with the
/// same status until `gridgov_engine_set_sink_from` catches your sink up. Without a journal a
/// failure refuses the call (`GRIDGOV_STATUS_SINK`, the engine unchanged).
#[allow(non_camel_case_types, reason = "C naming")]
pub type gridgov_sink_finish = Option<unsafe extern "C" fn(user: *mut c_void, commit: i32) -> i32>;

/// A C callback (and its optional commit callback) as a core [`EventSink`].
struct CSink {
    call: unsafe extern "C" fn(*mut c_void, *const c_char, usize) -> i32,
    finish: gridgov_sink_finish,
    user: *mut c_void,
}

// SAFETY: the engine is used by one thread at a time (documented); the sink and its `user` are
// called only from inside engine calls, so from the thread the caller uses the engine on.
unsafe impl Send for CSink {}

impl EventSink for CSink {
    fn write(&mut self, commit: &Commit<'_>) -> gridgov::Result<()> {
        let mut text = String::with_capacity(commit.lines.iter().map(|l| l.len() + 1).sum());
        for line in commit.lines {
            text.push_str(line);
            text.push('\n');
        }
        let len = text.len();
        let text = CString::new(text).map_err(|_| Error::Sink {
            reason: "an event line holds a NUL byte".into(),
        })?;
        // SAFETY: `call` is the caller's function, given `user` as registered and `len`
        // readable bytes that stay alive for the call.
        let status = unsafe { (self.call)(self.user, text.as_ptr(), len) };
        if status == 0 {
            Ok(())
        } else {
            Err(Error::Sink {
                reason: format!(
                    "the sink returned {status} for {} events (seq {}..={})",
                    commit.events.len(),
                    commit.events.first().map_or(0, |e| e.seq),
                    commit.events.last().map_or(0, |e| e.seq)
                ),
            })
        }
    }

    fn finish(&mut self, commit: bool) -> gridgov::Result<()> {
        let Some(finish) = self.finish else {
            return Ok(());
        };
        // SAFETY: `finish` is the caller's function, given `user` as registered.
        let status = unsafe { finish(self.user, i32::from(commit)) };
        if status == 0 || !commit {
            Ok(())
        } else {
            Err(Error::Sink {
                reason: format!("the sink's commit returned {status}"),
            })
        }
    }
}

/// The journal options a caller passed (NULL: the defaults; otherwise a NUL-terminated string).
fn open_options(options_json: *const c_char) -> Result<OpenOptions, Failure> {
    if options_json.is_null() {
        return Ok(OpenOptions::default());
    }
    Ok(OpenOptions::from_json(&parse(
        in_str(options_json, "options_json")?,
        "options_json",
    )?)?)
}

/// Opens (or creates) the journal at `path` and writes an engine holding every committed event
/// to `out`: the events are replayed with every check, after the audit chain was verified
/// (unless the options say `"verify": false`). From then on every accepted report, action and
/// sweep commits to the journal before its call returns; a call the journal cannot take fails
/// and leaves the engine unchanged. Free the engine with `gridgov_engine_free`, which closes
/// the journal.
///
/// `options_json`: NULL for the defaults, or `{"verify": true, "synchronous": "full" | "normal",
/// "migrate": false, "busy_timeout_ms": 5000, "max_pages": null, "keep_events": true}` (each
/// member optional). `"keep_events": false` keeps the events on disk: the engine holds in memory
/// only the events of the call in progress, so its memory does not grow with the history, and
/// `gridgov_engine_events_json`, `gridgov_engine_case_json`'s history and
/// `gridgov_engine_verify` read the journal (`gridgov_engine_events_on_disk`).
///
/// Errors: `GRIDGOV_STATUS_JOURNAL` (another engine writes the journal; it was written for
/// another model — the message names both hashes — unless `"migrate": true`; a newer schema
/// version — both versions named; a full disk; SQLite failed), `GRIDGOV_STATUS_TAMPERED` (the
/// first stored event that does not verify), `GRIDGOV_STATUS_PARSE` / `GRIDGOV_STATUS_INVALID_VALUE`
/// (options).
///
/// # Safety
/// `model` must be a valid handle; `path` a NUL-terminated string; `options_json` NULL or a
/// NUL-terminated string; `out` a valid pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gridgov_engine_open(
    model: *const gridgov_model,
    path: *const c_char,
    options_json: *const c_char,
    out: *mut *mut gridgov_engine,
) -> gridgov_status {
    guard(|| {
        let m = gridgov_model::borrow(model)?;
        let path = in_str(path, "path")?;
        let options = open_options(options_json)?;
        need(out, "out")?;
        let eng = Engine::open(Arc::clone(m), path, &options)?;
        gridgov_engine::emit(eng, out)
    })
}

/// Writes the engine's whole history (every event, chained, and every case) into a new or empty
/// journal at `path` in one transaction, then commits every later report, action and sweep to
/// it, as if the engine had been opened there (`gridgov_engine_open` on the file gives it
/// back). For a history made in memory: a simulation, or the JSON lines a host kept, replayed,
/// when it moves to the journal. `options_json`: as `gridgov_engine_open` (NULL: defaults).
///
/// Errors: `GRIDGOV_STATUS_JOURNAL` (the file holds events; it was created for another model —
/// unless `"migrate": true`; another engine writes it; SQLite failed or the disk is full),
/// `GRIDGOV_STATUS_INVALID_VALUE` (inside a batch; the engine already writes a journal; bad
/// options), `GRIDGOV_STATUS_PARSE` (options). On error the engine is unchanged and the
/// journal holds no event.
///
/// # Safety
/// `engine` must be a valid handle used by no other thread; `path` a NUL-terminated string;
/// `options_json` NULL or a NUL-terminated string.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gridgov_engine_attach_journal(
    engine: *mut gridgov_engine,
    path: *const c_char,
    options_json: *const c_char,
) -> gridgov_status {
    guard(|| {
        let eng = borrow_mut(engine)?;
        let path = in_str(path, "path")?;
        let options = open_options(options_json)?;
        eng.attach_journal(path, &options)?;
        Ok(())
    })
}

/// Opens a batch: later reports, actions and sweeps apply to the engine as usual but reach the
/// journal and the sink only at `gridgov_engine_batch_commit`, in one transaction. If any call
/// inside the batch fails, the commit commits nothing.
///
/// Errors: `GRIDGOV_STATUS_INVALID_VALUE` when a batch is already open.
///
/// # Safety
/// `engine` must be a valid handle used by no other thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gridgov_engine_batch_begin(engine: *mut gridgov_engine) -> gridgov_status {
    guard(|| {
        borrow_mut(engine)?.begin_batch()?;
        Ok(())
    })
}

/// Commits the open batch in one transaction and writes the number of events committed to
/// `out_events` (NULL: not wanted).
///
/// Errors: `GRIDGOV_STATUS_INVALID_VALUE` when no batch is open or a call inside it failed
/// (then nothing is committed and the engine is back where the batch began);
/// `GRIDGOV_STATUS_JOURNAL` / `GRIDGOV_STATUS_SINK` when the journal or the sink refuses
/// (likewise).
///
/// # Safety
/// `engine` must be a valid handle used by no other thread; `out_events` NULL or valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gridgov_engine_batch_commit(
    engine: *mut gridgov_engine,
    out_events: *mut usize,
) -> gridgov_status {
    guard(|| {
        let n = borrow_mut(engine)?.commit_batch()?;
        if !out_events.is_null() {
            write_out(out_events, n)?;
        }
        Ok(())
    })
}

/// Drops the open batch: the engine goes back to where `gridgov_engine_batch_begin` left it;
/// the number of events dropped is written to `out_events` (NULL: not wanted).
///
/// Errors: `GRIDGOV_STATUS_INVALID_VALUE` when no batch is open.
///
/// # Safety
/// `engine` must be a valid handle used by no other thread; `out_events` NULL or valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gridgov_engine_batch_rollback(
    engine: *mut gridgov_engine,
    out_events: *mut usize,
) -> gridgov_status {
    guard(|| {
        let n = borrow_mut(engine)?.rollback_batch()?;
        if !out_events.is_null() {
            write_out(out_events, n)?;
        }
        Ok(())
    })
}

/// Sets the engine's event sink (replacing any), or removes it when `sink` is NULL. Events
/// recorded before are not sent. See `gridgov_sink` for the contract.
///
/// Errors: `GRIDGOV_STATUS_INVALID_VALUE` inside an open batch.
///
/// # Safety
/// `engine` must be a valid handle used by no other thread; `sink` NULL or a function that
/// stays callable, with `user`, until the sink is replaced or the engine freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gridgov_engine_set_sink(
    engine: *mut gridgov_engine,
    sink: gridgov_sink,
    user: *mut c_void,
) -> gridgov_status {
    guard(|| {
        let eng = borrow_mut(engine)?;
        let sink: Option<Box<dyn EventSink>> = match sink {
            None => None,
            Some(call) => Some(Box::new(CSink {
                call,
                finish: None,
                user,
            })),
        };
        eng.set_sink(sink)?;
        Ok(())
    })
}

/// Catches a host's sink up, then sets it as the engine's event sink (replacing any): every
/// committed event after event `after_seq` — the last one the host stored; 0 for none — is
/// redelivered to `sink` in order, in commits of at most 8,192 events, each one line per event
/// with its `hash` exactly as a live commit (and `gridgov_engine_events_json` with contact data)
/// writes it, each followed by `finish(user, 1)` when `finish` is not NULL. Then the sink takes
/// every later commit. The number of events redelivered is written to `out_delivered` (NULL:
/// not wanted). With `after_seq` the engine's last event it redelivers nothing: this is also how
/// a sink with a commit callback is set.
///
/// The restart path of a host that keeps its own database: open the journal
/// (`gridgov_engine_open`), ask the host for the last `seq` it stored, call this. And the way
/// back after `GRIDGOV_STATUS_SINK_BEHIND`. Store by `seq` and the redelivery gives no
/// duplicates.
///
/// Errors: `GRIDGOV_STATUS_NULL_POINTER` (`sink` NULL); `GRIDGOV_STATUS_INVALID_VALUE` inside a
/// batch, or when `after_seq` is beyond the engine's last event (both numbers named: your
/// database holds events the journal never committed — drop those after the journal's last
/// `seq`, then call again); `GRIDGOV_STATUS_SINK` when the sink refuses (the commits before the
/// refused one stay delivered: ask the host again and call again). On error the engine is
/// unchanged and keeps the sink it had.
///
/// # Safety
/// `engine` must be a valid handle used by no other thread; `sink` and `finish` (NULL or) a
/// function that stays callable, with `user`, until the sink is replaced or the engine freed;
/// `out_delivered` NULL or valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gridgov_engine_set_sink_from(
    engine: *mut gridgov_engine,
    sink: gridgov_sink,
    finish: gridgov_sink_finish,
    user: *mut c_void,
    after_seq: u64,
    out_delivered: *mut usize,
) -> gridgov_status {
    guard(|| {
        let eng = borrow_mut(engine)?;
        let call = sink.ok_or_else(|| null("sink"))?;
        let n = eng.set_sink_from(Box::new(CSink { call, finish, user }), after_seq)?;
        if !out_delivered.is_null() {
            write_out(out_delivered, n)?;
        }
        Ok(())
    })
}

/// Verifies the journal at `path` without opening an engine on it (read-only; another engine
/// may be writing it) and returns `{"events": n, "head": "<hex>"}`.
///
/// Errors: `GRIDGOV_STATUS_TAMPERED` naming the first event whose hash, link or stored columns
/// do not match (a changed field, a deleted, inserted or swapped row); `GRIDGOV_STATUS_JOURNAL`
/// when the file cannot be read as a journal.
///
/// # Safety
/// `path` a NUL-terminated string; `out` a valid pointer; `out_len` NULL or valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gridgov_journal_verify(
    path: *const c_char,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> gridgov_status {
    guard(|| {
        let path = in_str(path, "path")?;
        need(out, "out")?;
        out_as_json(&journal::verify(path)?, out, out_len)
    })
}

/// Whether the engine's events stay on disk (opened with `"keep_events": false`): it holds in
/// memory only the events of the call in progress and reads its history from the journal.
/// `gridgov_engine_len` still counts every event.
///
/// # Safety
/// `engine` must be a valid handle; `out` a valid pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gridgov_engine_events_on_disk(
    engine: *const gridgov_engine,
    out: *mut bool,
) -> gridgov_status {
    guard(|| {
        let eng = gridgov_engine::borrow(engine)?;
        need(out, "out")?;
        write_out(out, eng.events_on_disk())
    })
}
