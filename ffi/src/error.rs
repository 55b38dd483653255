//! The status enum, [`Failure`] and the per-thread last error: the bottom of the crate's
//! module graph (it imports no other module of the crate). The exports that read the last
//! error live in `status`.

use std::cell::RefCell;
use std::ffi::{CStr, CString};
use std::sync::OnceLock;

use gridgov::{Error, ErrorKind};

/// Result of every gridgov C function. Numbers are stable and never reused: 0–5 belong to the
/// boundary, 100 and up are the core's `ErrorKind` numbers (`gridgov_status_name` names
/// them after the core kinds).
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
    /// The journal cannot be used as asked: another engine writes it, it was written for
    /// another model or with a newer schema, the disk is full, SQLite failed.
    Journal = 111,
    /// A stored event does not match its audit chain (the message names it).
    Tampered = 112,
    /// The event sink refused the events of a call; the call was refused.
    Sink = 113,
    /// The host's event sink is behind the journal: the journal committed a call's events and
    /// the sink then failed to take them (the call took effect), or a call was refused because
    /// the sink is still behind. Catch it up with `gridgov_engine_set_sink_from`.
    SinkBehind = 114,
}

/// One arm per core kind and no catch-all: a kind added to the core does not compile until it
/// has its status here (with the kind's number, which the tests check).
impl From<ErrorKind> for gridgov_status {
    fn from(kind: ErrorKind) -> Self {
        match kind {
            ErrorKind::InvalidValue => Self::InvalidValue,
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
            ErrorKind::Journal => Self::Journal,
            ErrorKind::Tampered => Self::Tampered,
            ErrorKind::Sink => Self::Sink,
            ErrorKind::SinkBehind => Self::SinkBehind,
        }
    }
}

/// The name of status number `status`: the six statuses of the boundary itself (0–5) by hand,
/// every other from the core kind of that number (`GRIDGOV_STATUS_` + its upper-cased
/// [`ErrorKind::name`]), so that a core kind's name cannot drift from its status;
/// `GRIDGOV_STATUS_UNKNOWN_CODE` for a number that is no status.
pub(crate) fn status_name(status: u32) -> &'static CStr {
    match status {
        0 => c"GRIDGOV_STATUS_OK",
        1 => c"GRIDGOV_STATUS_NULL_POINTER",
        2 => c"GRIDGOV_STATUS_INVALID_UTF8",
        3 => c"GRIDGOV_STATUS_PANIC",
        4 => c"GRIDGOV_STATUS_INSUFFICIENT_SIZE",
        5 => c"GRIDGOV_STATUS_INVALID_ENUM",
        n => ErrorKind::ALL
            .iter()
            .position(|k| k.number() == n)
            .map_or(c"GRIDGOV_STATUS_UNKNOWN_CODE", |i| &kind_status_names()[i]),
    }
}

/// The status names of the core kinds, in [`ErrorKind::ALL`] order, built on first use.
fn kind_status_names() -> &'static [CString] {
    static NAMES: OnceLock<Vec<CString>> = OnceLock::new();
    NAMES.get_or_init(|| {
        ErrorKind::ALL
            .iter()
            // Kind names are lower-case ASCII and `_` (a core test), so never hold a NUL.
            .map(|k| {
                CString::new(format!("GRIDGOV_STATUS_{}", k.name().to_ascii_uppercase()))
                    .unwrap_or_default()
            })
            .collect()
    })
}

/// What went wrong last on this thread.
enum LastError {
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

fn set_last(e: LastError) {
    LAST.with(|l| *l.borrow_mut() = e);
}

pub(crate) fn clear_last() {
    set_last(LastError::None);
}

/// The message of this thread's last failure (empty when none).
pub(crate) fn last_message() -> String {
    LAST.with(|l| match &*l.borrow() {
        LastError::None => String::new(),
        LastError::Boundary(m) => m.clone(),
        LastError::Core(e) => e.to_string(),
    })
}

/// The per-field problems of this thread's last failure as a JSON array (`[]` unless it was an
/// invalid model).
pub(crate) fn last_issues_json() -> String {
    LAST.with(|l| match &*l.borrow() {
        LastError::Core(e) => serde_json::to_string(e.issues()).unwrap_or_else(|_| "[]".into()),
        LastError::None | LastError::Boundary(_) => "[]".to_owned(),
    })
}
