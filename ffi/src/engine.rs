//! The case engine: reports and actions as JSON, cases as JSON, escalation sweeps (JSON and
//! typed arrays), event export and replay.
//!
//! Unlike the other handles, an engine is **mutable and not thread-safe**: use it from one
//! thread at a time (or lock around every call). Functions taking `const gridgov_engine *` only
//! read it and may run concurrently with each other, never with a function taking
//! `gridgov_engine *`.

use std::ffi::c_char;
use std::sync::Arc;

use gridgov::case::{Action, Actor, Report};
use gridgov::engine::Engine;
use gridgov::event::{Event, EventBody};
use gridgov::{Error, Model};
use serde_json::Value;

use crate::error::{Failure, gridgov_status};
use crate::handle::{
    Handle, in_str, in_text, need, null, out_as_json, out_slice, out_string, write_out,
};
use crate::model::gridgov_model;
use crate::panic::guard;

/// An opaque case engine: the cases of one model, their events, timers and escalations.
/// Create with `gridgov_engine_new`, `gridgov_engine_replay` or `gridgov_engine_open` (on a
/// journal); release with `gridgov_engine_free` (which closes its journal). **Not
/// thread-safe**: one thread at a time, or the caller locks.
#[allow(non_camel_case_types, reason = "C naming")]
pub struct gridgov_engine {
    _private: [u8; 0],
}

impl Handle for gridgov_engine {
    type Inner = Engine;
    const NAME: &'static str = "engine";
}

/// Borrows the engine behind a mutable handle.
pub(crate) fn borrow_mut<'a>(ptr: *mut gridgov_engine) -> Result<&'a mut Engine, Failure> {
    if ptr.is_null() {
        return Err(null(gridgov_engine::NAME));
    }
    // SAFETY: non-NULL; per the contract it came from `emit`, is not yet freed, and no other
    // thread uses it during the call (the engine is documented as not thread-safe).
    Ok(unsafe { &mut *ptr.cast::<Engine>() })
}

/// Parses JSON text; malformed text is `GRIDGOV_STATUS_PARSE` naming the argument.
pub(crate) fn parse(text: &str, what: &str) -> Result<Value, Failure> {
    serde_json::from_str(text).map_err(|e| {
        Error::Parse {
            format: "JSON",
            message: format!("{what}: {e}"),
        }
        .into()
    })
}

/// Reads an actor: `{"worker": "SV001"}`, `{"citizen": "c-1"}` or `"system"`.
fn actor_of(text: &str, what: &str) -> Result<Actor, Failure> {
    serde_json::from_value(parse(text, what)?).map_err(|e| {
        Error::invalid(
            what,
            text,
            format!("{e}; an actor is {{\"worker\": id}}, {{\"citizen\": id}} or \"system\""),
        )
        .into()
    })
}

/// Parses a report from JSON text (the core refuses non-objects and unknown fields).
fn report_of(text: &str) -> Result<Report, Failure> {
    Report::from_json(parse(text, "report_json")?).map_err(Into::into)
}

/// Parses an action from JSON text (the core refuses non-objects and unknown fields).
fn action_of(text: &str) -> Result<Action, Failure> {
    Action::from_json(parse(text, "action_json")?).map_err(Into::into)
}

fn events_array(events: &[Event]) -> Result<Value, Error> {
    events
        .iter()
        .map(|e| e.to_json(false))
        .collect::<Result<Vec<Value>, Error>>()
        .map(Value::Array)
}

/// Creates an empty engine on `model`, with the model's engine settings and escalation rules.
/// The engine shares the model (reference-counted, not copied): freeing `model` afterwards is
/// fine.
///
/// # Safety
/// `model` must be a valid handle; `out` a valid pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gridgov_engine_new(
    model: *const gridgov_model,
    out: *mut *mut gridgov_engine,
) -> gridgov_status {
    guard(|| {
        let m = gridgov_model::borrow(model)?;
        need(out, "out")?;
        gridgov_engine::emit(Engine::new(Arc::clone(m)), out)
    })
}

/// Releases an engine. NULL is accepted and ignored.
///
/// # Safety
/// `engine` must be NULL or a handle from this library not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gridgov_engine_free(engine: *mut gridgov_engine) {
    let _ = guard(|| {
        gridgov_engine::free(engine);
        Ok(())
    });
}

/// Records a new case reported by `actor_json` at `at_ms` and writes its id (1, 2, 3…) to
/// `out_case`.
///
/// `actor_json`: `{"worker": "SV001"}` or `{"citizen": "c-1"}`. `report_json`:
/// `{"category": "C0101", "grid": "37990100100101", "urgency": "normal", "source":
/// "supervisor", "description": "...", "contact": "..."}`; `category` is required, and `grid`
/// or a `point` (`{"lon": 117.05, "lat": 36.74, "crs": "gcj02"}`, located on the model's
/// boundaries); `urgency` defaults to the catalog's default, `source` (`supervisor`, `hotline`,
/// `app`, `media`, `leader`, `sensor`) to `supervisor`; `contact` is citizen contact data, kept
/// out of exports unless asked for by an allowed role.
///
/// Errors: `GRIDGOV_STATUS_PARSE` (malformed JSON), `GRIDGOV_STATUS_INVALID_VALUE` (a missing,
/// extra or mistyped field; a point in no grid; `INT64_MIN`), `GRIDGOV_STATUS_INVALID_CODE` / `GRIDGOV_STATUS_UNKNOWN`
/// (category, grid, urgency, worker), `GRIDGOV_STATUS_PERMISSION_DENIED` (written to the
/// security log). On error no case is created.
///
/// # Safety
/// `engine` must be a valid handle used by no other thread; `actor_json` and `report_json`
/// NUL-terminated strings; `out_case` a valid pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gridgov_engine_report(
    engine: *mut gridgov_engine,
    actor_json: *const c_char,
    at_ms: i64,
    report_json: *const c_char,
    out_case: *mut u64,
) -> gridgov_status {
    guard(|| {
        let eng = borrow_mut(engine)?;
        let actor_text = in_str(actor_json, "actor_json")?;
        let report_text = in_str(report_json, "report_json")?;
        need(out_case, "out_case")?;
        let actor = actor_of(actor_text, "actor")?;
        let report = report_of(report_text)?;
        let id = eng.report(actor, at_ms, report)?;
        write_out(out_case, id)
    })
}

/// Applies an action to case `case_id` and returns the recorded event as a JSON object (the
/// event schema of `gridgov_engine_events_json`) through `out_event_json`.
///
/// `action_json` names the action and carries its fields, e.g. `{"action": "dispatch", "unit":
/// "WATER"}`. Actions and fields: `accept`, `reject` (reason), `verify` (valid: bool), `file`,
/// `void` (reason), `dispatch` (unit: optional, the duty matrix's answer by default; reason:
/// required when `unit` overrides it), `start`, `request_postpone` (minutes),
/// `approve_postpone`, `deny_postpone`, `request_shelve` (reason), `approve_shelve`, `handle`
/// (result), `check` (passed: bool), `close` (reason), `rate` (satisfaction: 1–5), `reopen`
/// (reason), `supervise` (note; level: `general` by default or `leader`: a 督办 order with a
/// reply deadline, one unanswered at a time), `reply` (note: answers the order),
/// `self_handle` (result), `callback` (satisfaction: 1–5; by the acceptor, on a checked
/// citizen's report, before closing: below the model's `[engine.callback] satisfied` it sends
/// the case back for redo when the model's `redo` is true); returns and voids after filing on
/// approval: `request_return` (cause: `wrong_unit`, `outside_duty` or `other`; reason),
/// `approve_return`, `deny_return`, `request_void` (cause: `duplicate`, `outside_scope` or
/// `problem_gone`; reason), `approve_void`, `deny_void`. A plain `return`, or a `void` of a
/// filed case, is refused with `GRIDGOV_STATUS_INVALID_TRANSITION` (the message names the case
/// and the action). Two-level and joint dispatch: `subdispatch` (unit: a sub-unit, at any
/// depth, of the unit holding the case; by its handler; the handling deadline does not move;
/// any other unit is `GRIDGOV_STATUS_INVALID_VALUE` naming the case and both units),
/// `co_dispatch` (unit: a co-handler, 协办, named by the dispatcher; the dispatched unit leads),
/// `co_feedback` (result: a co-handler's own feedback, once, by its handler); the lead's
/// `handle` is `GRIDGOV_STATUS_INVALID_VALUE` naming the co-handlers that have not fed back,
/// while the model's `[engine] co_feedback_required` is true (the default).
///
/// Errors, with the message in `gridgov_last_error`: `GRIDGOV_STATUS_INVALID_TRANSITION` (the
/// case's state does not allow the action), `GRIDGOV_STATUS_PERMISSION_DENIED` (role or scope;
/// written to the security log), `GRIDGOV_STATUS_UNKNOWN` (case, worker, unit),
/// `GRIDGOV_STATUS_INVALID_VALUE` (unknown action, missing, extra or mistyped fields, a rating
/// out of 1–5, an empty reason, a time earlier than the case's last event, `INT64_MIN`),
/// `GRIDGOV_STATUS_CALENDAR_RANGE` (a deadline outside the calendar), `GRIDGOV_STATUS_PARSE`
/// (malformed JSON), `GRIDGOV_STATUS_JOURNAL` / `GRIDGOV_STATUS_SINK` (the journal or the sink
/// could not take the events). A refused action leaves the engine exactly as it was: the
/// escalations of the case due at or before `at_ms`, which an accepted action records first,
/// are not recorded (the next sweep records them).
///
/// # Safety
/// `engine` must be a valid handle used by no other thread; `actor_json` and `action_json`
/// NUL-terminated strings; `out_event_json` a valid pointer; `out_len` NULL or valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gridgov_engine_act(
    engine: *mut gridgov_engine,
    case_id: u64,
    actor_json: *const c_char,
    at_ms: i64,
    action_json: *const c_char,
    out_event_json: *mut *mut c_char,
    out_len: *mut usize,
) -> gridgov_status {
    guard(|| {
        let eng = borrow_mut(engine)?;
        let actor_text = in_str(actor_json, "actor_json")?;
        let action_text = in_str(action_json, "action_json")?;
        need(out_event_json, "out_event_json")?;
        let actor = actor_of(actor_text, "actor")?;
        let action = action_of(action_text)?;
        let event = eng.act(case_id, actor, at_ms, action)?;
        out_as_json(&event.to_json(false)?, out_event_json, out_len)
    })
}

/// Case `case_id` as a JSON object: `id`, `state`, `open` (true while the case still needs
/// work: not closed and not in a final state), `category`, `urgency`, `grid` (code),
/// `unit` (id or null; the lead of a joint dispatch), `second_unit` (the sub-unit it was passed
/// on to, or null), `co_handlers` (`[{"unit", "fed_back_at", "on_time"}]`), `source`, `reporter` (an actor),
/// `verify_assignee` (the supervisor its verification task was assigned to, or null), `reported_at`, `last_at` (ms),
/// `stage` and `limit` of the running stage timer (null when none), `paused` (the clock is
/// stopped: shelved), `deadline` (ms or null), `light` at `now_ms` (`"green"`, `"yellow"`,
/// `"red"` or null when no timed stage runs), `rework_count`, `return_count`, `reopen_count`,
/// `supervised_count`, `postponed_minutes`, `pending_postpone` (minutes or null),
/// `pending_shelve` (reason or null), `wrong_unit_returns`, `pending_return` and
/// `pending_void` (`{"cause", "reason"}` or null), `order` (the last 督办 order:
/// `{"level", "issued_at", "limit", "deadline", "replied_at"}`, or null), `orders` and
/// `orders_replied_on_time`, `callback` (the last callback rating or null), `callbacks`,
/// `callback_redos`, `void_cause` and `void_reason` (an approved
/// void after filing, or null), `satisfaction` (1–5 or null), `closing_reason`,
/// `closed_at`, `self_handled` and `history` (its events, as in the events export, without
/// contact data).
///
/// Errors: `GRIDGOV_STATUS_UNKNOWN` (case), `GRIDGOV_STATUS_CALENDAR_RANGE` (`now_ms` or the
/// deadline outside the calendar), `GRIDGOV_STATUS_INVALID_VALUE` (`INT64_MIN`).
///
/// # Safety
/// `engine` must be a valid handle; `out` a valid pointer; `out_len` NULL or valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gridgov_engine_case_json(
    engine: *const gridgov_engine,
    case_id: u64,
    now_ms: i64,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> gridgov_status {
    guard(|| {
        let eng = gridgov_engine::borrow(engine)?;
        need(out, "out")?;
        out_as_json(&eng.case_json(case_id, now_ms)?, out, out_len)
    })
}

/// Fires every escalation due at or before `now_ms`, in time order, records each as an event
/// (actor `"system"`) and returns them as a JSON array of event objects (`"action":
/// "escalate"`, with `rule`, `name`, `effect`, `target`, `firing`). Idempotent: a second
/// sweep at the same instant returns `[]`; a late sweep fires each missed trigger once, at its
/// own instant. An engine whose model has no escalation rules always returns `[]`.
///
/// # Safety
/// `engine` must be a valid handle used by no other thread; `out_json` a valid pointer;
/// `out_len` NULL or valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gridgov_engine_sweep(
    engine: *mut gridgov_engine,
    now_ms: i64,
    out_json: *mut *mut c_char,
    out_len: *mut usize,
) -> gridgov_status {
    guard(|| {
        let eng = borrow_mut(engine)?;
        need(out_json, "out_json")?;
        let fired = eng.sweep(now_ms)?;
        out_as_json(&events_array(fired)?, out_json, out_len)
    })
}

/// The typed fast path of `gridgov_engine_sweep`: fires (and records) every escalation due at
/// or before `now_ms` and writes, in time order, the case id, the rule index (in the model's
/// escalation list) and the instant of each into `out_case`, `out_rule` and `out_at`, and
/// their number into `out_n`.
///
/// Capacity contract: nothing is ever lost. Every due escalation fires and is recorded, whatever
/// `capacity` is. When `n <= capacity`, the `n` entries are written and the status is
/// `GRIDGOV_STATUS_OK`. When more fired than fit, the first `capacity` are written, `*out_n`
/// receives the number that fired (`n > capacity`) and the status is
/// `GRIDGOV_STATUS_INSUFFICIENT_SIZE` — the one case where outputs are written on a non-OK
/// status; the firings are the last `n` events of the engine, so the caller gets the rest
/// from `gridgov_engine_events_json`. The arrays may be NULL when `capacity` is 0.
///
/// # Safety
/// `engine` must be a valid handle used by no other thread; each array must hold `capacity`
/// elements (or be NULL when `capacity` is 0); `out_n` a valid pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gridgov_engine_sweep_arrays(
    engine: *mut gridgov_engine,
    now_ms: i64,
    out_case: *mut u64,
    out_rule: *mut u32,
    out_at: *mut i64,
    capacity: usize,
    out_n: *mut usize,
) -> gridgov_status {
    guard(|| {
        let eng = borrow_mut(engine)?;
        if capacity > 0 {
            need(out_case, "out_case")?;
            need(out_rule, "out_rule")?;
            need(out_at, "out_at")?;
        }
        need(out_n, "out_n")?;
        let fired = eng.sweep(now_ms)?;
        let n = fired.len();
        let (mut cases, mut rules, mut ats) = (Vec::new(), Vec::new(), Vec::new());
        for e in fired.iter().take(capacity) {
            let EventBody::Escalation(f) = &e.body else {
                continue;
            };
            cases.push(e.case);
            rules.push(f.rule);
            ats.push(e.at);
        }
        out_slice(&cases, out_case, "out_case")?;
        out_slice(&rules, out_rule, "out_rule")?;
        out_slice(&ats, out_at, "out_at")?;
        write_out(out_n, n)?;
        if n > capacity {
            return Err(Failure::boundary(
                gridgov_status::InsufficientSize,
                format!(
                    "{n} escalations fired and are recorded, capacity {capacity}: the first \
                     {capacity} were written; the rest are the last events of \
                     gridgov_engine_events_json"
                ),
            ));
        }
        Ok(())
    })
}

/// Every event as JSON lines, one object per line, in order (event schema version 1:
/// `v`, `seq`, `case`, `at`, `actor`, `action` and its fields, `limit` when the event started a
/// timed stage). `viewer_json` NULL exports without citizen contact data; a viewer
/// (`{"worker": "AC01"}`) whose role may see it (acceptor, shift leader, manager) gets the
/// contact of report events, any other viewer `GRIDGOV_STATUS_PERMISSION_DENIED`
/// (`GRIDGOV_STATUS_UNKNOWN` for an unknown worker). `gridgov_engine_replay` reads the text back.
///
/// # Safety
/// `engine` must be a valid handle; `viewer_json` NULL or a NUL-terminated string; `out` a
/// valid pointer; `out_len` NULL or valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gridgov_engine_events_json(
    engine: *const gridgov_engine,
    viewer_json: *const c_char,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> gridgov_status {
    guard(|| {
        let eng = gridgov_engine::borrow(engine)?;
        let viewer = if viewer_json.is_null() {
            None
        } else {
            Some(actor_of(in_str(viewer_json, "viewer_json")?, "viewer")?)
        };
        need(out, "out")?;
        out_string(eng.events_json_lines(viewer.as_ref())?, out, out_len)
    })
}

/// The security log: every refused action (permission denied), as a JSON array of
/// `{"at", "actor", "case" (null for a refused report), "action", "reason"}`, in order.
///
/// # Safety
/// `engine` must be a valid handle; `out` a valid pointer; `out_len` NULL or valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gridgov_engine_denials_json(
    engine: *const gridgov_engine,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> gridgov_status {
    guard(|| {
        let eng = gridgov_engine::borrow(engine)?;
        need(out, "out")?;
        out_as_json(eng.denials(), out, out_len)
    })
}

/// Rebuilds an engine on `model` from events as JSON lines of `len` bytes (the output of
/// `gridgov_engine_events_json`; blank lines are skipped). The audit chain is verified first:
/// every line must carry its `hash`, and an edited, inserted, removed or reordered line is
/// refused naming the first broken one. Then every event is applied again with every check,
/// the stage limits taken from the events. The replayed engine holds the same cases and events
/// (not the security log); it shares the model, like `gridgov_engine_new`.
///
/// Errors: `GRIDGOV_STATUS_PARSE` (a line that is not JSON, naming it),
/// `GRIDGOV_STATUS_INVALID_VALUE` (a line without a hash or whose hash does not follow, a
/// malformed event or one that does not apply, naming its line or position `events[i]`).
///
/// # Safety
/// `model` must be a valid handle; `events_jsonl` must point to `len` readable bytes (NULL
/// when `len` is 0); `out` a valid pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gridgov_engine_replay(
    model: *const gridgov_model,
    events_jsonl: *const c_char,
    len: usize,
    out: *mut *mut gridgov_engine,
) -> gridgov_status {
    replay(model, events_jsonl, len, out, Engine::replay_json_lines)
}

/// `gridgov_engine_replay` **without** verifying the audit chain, for a host that stores its
/// events without the `hash` members and asks for this explicitly. What it gives up: an edited
/// log (a changed unit, time or reason) replays without complaint as long as every event still
/// applies. Prefer `gridgov_engine_replay`.
///
/// Errors: as `gridgov_engine_replay`, less the chain's.
///
/// # Safety
/// As `gridgov_engine_replay`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gridgov_engine_replay_unverified(
    model: *const gridgov_model,
    events_jsonl: *const c_char,
    len: usize,
    out: *mut *mut gridgov_engine,
) -> gridgov_status {
    replay(
        model,
        events_jsonl,
        len,
        out,
        Engine::replay_json_lines_unverified,
    )
}

fn replay(
    model: *const gridgov_model,
    events_jsonl: *const c_char,
    len: usize,
    out: *mut *mut gridgov_engine,
    run: fn(Arc<Model>, &str) -> gridgov::Result<Engine>,
) -> gridgov_status {
    guard(|| {
        let m = gridgov_model::borrow(model)?;
        let text = in_text(events_jsonl, len, "events_jsonl")?;
        need(out, "out")?;
        let eng = run(Arc::clone(m), text)?;
        gridgov_engine::emit(eng, out)
    })
}

/// Checks the engine's SHA-256 audit chain and returns `{"events": n, "head": "<hex>"}`: the
/// head identifies the whole history (keep it to detect truncation of a stored log).
///
/// # Safety
/// `engine` must be a valid handle; `out` a valid pointer; `out_len` NULL or valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gridgov_engine_verify(
    engine: *const gridgov_engine,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> gridgov_status {
    guard(|| {
        let eng = gridgov_engine::borrow(engine)?;
        need(out, "out")?;
        out_as_json(&eng.verify()?, out, out_len)
    })
}

/// Verifies the hash chain of exported event lines (`len` bytes of JSON lines, as written by
/// `gridgov_engine_events_json`) and returns `{"events": n, "head": "<hex>"}`. A line that was
/// altered, inserted, removed or reordered gives `GRIDGOV_STATUS_INVALID_VALUE` with the first
/// broken line and its `seq` in `gridgov_last_error`.
///
/// # Safety
/// `text` must point to `len` readable bytes; `out` a valid pointer; `out_len` NULL or valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gridgov_verify_events(
    text: *const c_char,
    len: usize,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> gridgov_status {
    guard(|| {
        let text = in_text(text, len, "text")?;
        need(out, "out")?;
        out_as_json(&gridgov::audit::verify_json_lines(text)?, out, out_len)
    })
}

/// The number of cases (ids are `1 ..= cases`) and of events.
///
/// # Safety
/// `engine` must be a valid handle; `out_cases` and `out_events` valid pointers.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gridgov_engine_len(
    engine: *const gridgov_engine,
    out_cases: *mut usize,
    out_events: *mut usize,
) -> gridgov_status {
    guard(|| {
        let eng = gridgov_engine::borrow(engine)?;
        need(out_cases, "out_cases")?;
        need(out_events, "out_events")?;
        write_out(out_cases, eng.cases().len())?;
        write_out(out_events, eng.event_count() as usize)
    })
}
