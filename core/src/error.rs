//! Typed errors.
//!
//! Every fallible operation in the crate returns [`Error`]. Each variant carries the offending
//! value and the reason, and maps one to one onto an [`ErrorKind`], whose stable numbers are the
//! C status codes (`GRIDGOV_STATUS_*`) and which picks the Python exception class.
//! [`ErrorKind::ALL`] is the one list the bindings are checked against.

use std::fmt;
use std::io;

use crate::lifecycle::{ActionKind, State};

/// Result alias used throughout the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The most bytes of one value, or of one line of a message, that an error shows; the rest is
/// counted (`"aaa…" (N more bytes)`), so that a message stays a few hundred characters
/// whatever the input (an 8 MB line of TOML gives a short message, not a 16 MB one).
pub const MAX_SHOWN: usize = 300;

/// The most lines of one message an error shows.
pub const MAX_LINES: usize = 24;

/// The most problems of a model that [`Issues`]' `Display` lists ([`Error::issues`] has them
/// all).
pub const MAX_ISSUES_SHOWN: usize = 50;

/// The largest char boundary of `s` at or below `n`.
fn boundary(s: &str, n: usize) -> usize {
    if n >= s.len() {
        return s.len();
    }
    (0..=n).rev().find(|&i| s.is_char_boundary(i)).unwrap_or(0)
}

/// `s` cut to at most `max` bytes (at a char boundary) with `… (N more bytes)` appended when
/// cut.
fn clipped(s: &str, max: usize) -> String {
    let cut = boundary(s, max);
    if cut == s.len() {
        s.to_owned()
    } else {
        format!("{}… ({} more bytes)", &s[..cut], s.len() - cut)
    }
}

/// A value shown quoted and escaped like `{:?}`, cut at [`MAX_SHOWN`] bytes:
/// `"aaaa"… (1000 more bytes)`.
pub struct Clip<'a>(pub &'a str);

impl fmt::Display for Clip<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cut = boundary(self.0, MAX_SHOWN);
        if cut == self.0.len() {
            write!(f, "{:?}", self.0)
        } else {
            write!(
                f,
                "{:?}… ({} more bytes)",
                &self.0[..cut],
                self.0.len() - cut
            )
        }
    }
}

/// A message shown as it is, each line cut at [`MAX_SHOWN`] bytes and at most [`MAX_LINES`]
/// lines.
pub struct Text<'a>(pub &'a str);

impl fmt::Display for Text<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.len() <= MAX_SHOWN {
            return f.write_str(self.0);
        }
        let mut lines = self.0.split('\n');
        for (i, line) in lines.by_ref().take(MAX_LINES).enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            f.write_str(&clipped(line, MAX_SHOWN))?;
        }
        let rest = lines.count();
        if rest > 0 {
            write!(f, "\n… ({rest} more lines)")?;
        }
        Ok(())
    }
}

/// One problem found while validating a model file, with the path of the bad field.
///
/// Paths use dots for fields and brackets for list positions, e.g.
/// `areas[12].code` or `calendar.weekly.sat[0]`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Issue {
    /// Path of the offending field inside the model file.
    pub path: String,
    /// What is wrong with it, naming the bad value.
    pub message: String,
}

impl Issue {
    /// Creates an issue at `path`. A path or message longer than a few hundred bytes is cut
    /// (see [`MAX_SHOWN`]): an issue names its value without repeating a huge input.
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        let (path, message) = (path.into(), message.into());
        Self {
            path: if path.len() > MAX_SHOWN {
                clipped(&path, MAX_SHOWN)
            } else {
                path
            },
            message: if message.len() > 4 * MAX_SHOWN {
                Text(&message).to_string()
            } else {
                message
            },
        }
    }
}

impl fmt::Display for Issue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

/// The list of every problem found in a model file (never only the first).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Issues(pub Vec<Issue>);

impl Issues {
    /// Records a problem at `path`.
    pub fn push(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.0.push(Issue::new(path, message));
    }

    /// `true` when nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Number of recorded problems.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Turns the collected problems into `Err(Error::Model)`, or `Ok(value)` when there are none.
    pub fn into_result<T>(self, value: T) -> Result<T> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            Err(Error::Model(self))
        }
    }
}

impl fmt::Display for Issues {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0.len();
        write!(
            f,
            "{n} problem{} in the model",
            if n == 1 { "" } else { "s" }
        )?;
        for issue in self.0.iter().take(MAX_ISSUES_SHOWN) {
            write!(f, "\n  {}", Text(&issue.to_string()))?;
        }
        if n > MAX_ISSUES_SHOWN {
            write!(
                f,
                "\n  … and {} more (every problem is in the error's list of issues)",
                n - MAX_ISSUES_SHOWN
            )?;
        }
        Ok(())
    }
}

/// The error type of the crate.
///
/// Exhaustive on purpose, like [`ErrorKind`]: each variant is one kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// A value is out of its allowed domain (negative duration, `NaT`, overflow, bad window…).
    #[error("invalid {} {}: {}", Text(.what), Clip(.value), Text(.reason))]
    InvalidValue {
        /// What the value is (argument name, array element such as `starts[3]`, field).
        what: String,
        /// The offending value, rendered as text.
        value: String,
        /// Why it is rejected.
        reason: String,
    },
    /// A code (area, category, pattern) is malformed.
    #[error("invalid {what} code {}: {}", Clip(.value), Text(.reason))]
    InvalidCode {
        /// Which kind of code (`grid`, `area`, `category`, `duty pattern`).
        what: &'static str,
        /// The offending code.
        value: String,
        /// Why it is rejected.
        reason: String,
    },
    /// A well-formed identifier that the model does not know.
    #[error("unknown {what} {}", Clip(.value))]
    Unknown {
        /// Which kind of thing (`area`, `grid`, `unit`, `worker`, `category`, `urgency`, `role`).
        what: &'static str,
        /// The identifier that was not found.
        value: String,
    },
    /// A date outside the years whose holiday data the calendar carries.
    #[error("date {} is outside the calendar's covered years {first_year}-{last_year}", Text(.date))]
    CalendarRange {
        /// The date (local, ISO form) that was asked about.
        date: String,
        /// First covered year.
        first_year: i32,
        /// Last covered year.
        last_year: i32,
    },
    /// No duty rule and no territorial fallback covers a (category, grid) pair.
    #[error("no unit is responsible for category {} in grid {}", Clip(.category), Clip(.grid))]
    NoResponsibleUnit {
        /// Category key.
        category: String,
        /// Unit-grid code.
        grid: String,
    },
    /// Two or more equally specific duty rules name different units.
    #[error(
        "conflicting duty rules {rules:?} name units {units:?} for category {category:?} in grid {grid:?}"
    )]
    DutyConflict {
        /// Category key.
        category: String,
        /// Unit-grid code.
        grid: String,
        /// Indices of the conflicting rules in the model's `duty` list.
        rules: Vec<usize>,
        /// The units they name.
        units: Vec<String>,
    },
    /// A model file (or a section of one) is semantically invalid: every problem, with paths.
    #[error("{0}")]
    Model(Issues),
    /// A file is not well-formed TOML or JSON, or has the wrong shape.
    #[error("cannot parse {format}: {}", Text(.message))]
    Parse {
        /// `TOML` or `JSON`.
        format: &'static str,
        /// The parser's message, with the path or line of the problem.
        message: String,
    },
    /// An action that the case's state does not allow (see the table in [`crate::case`]).
    #[error("case {case}: cannot {action} a case that is {state}{}", Detail(*detail))]
    InvalidTransition {
        /// The case id.
        case: u64,
        /// Its current state.
        state: State,
        /// The refused action.
        action: ActionKind,
        /// More about the refusal (a pending request missing, a rating already given), when
        /// the state alone does not say it.
        detail: Option<&'static str>,
    },
    /// The actor may not perform the action, or not on this case (see [`crate::access`]).
    #[error("{} may not {}: {}", Text(.actor), Text(.action), Text(.reason))]
    PermissionDenied {
        /// The actor, e.g. `worker "SV001"`.
        actor: String,
        /// The refused action.
        action: String,
        /// Why: the role, or the scope.
        reason: String,
    },
    /// A file could not be read.
    #[error("cannot read {}: {}", Clip(.path), Text(.message))]
    Io {
        /// The path that was asked for.
        path: String,
        /// What kind of failure (`NotFound`, `PermissionDenied`…): bindings pick their
        /// exception from it (Python raises `FileNotFoundError` for a missing file).
        kind: io::ErrorKind,
        /// The operating system's message.
        message: String,
    },
    /// The journal (the engine's SQLite file) cannot be used as asked: another engine writes
    /// it, its schema is newer, it was written for another model, the disk is full, SQLite
    /// failed. Nothing committed before is lost.
    #[error("journal {path:?}: {reason}")]
    Journal {
        /// The journal's path.
        path: String,
        /// What went wrong, naming the values involved (both versions, both model hashes).
        reason: String,
    },
    /// A stored event does not match its audit chain: it, or one before it, was altered,
    /// inserted, removed or reordered.
    #[error("event {seq} of the journal fails verification: {reason}")]
    Tampered {
        /// The sequence number of the first event that does not verify (its position in the
        /// log, from 1).
        seq: u64,
        /// Which column or link does not match.
        reason: String,
    },
    /// An event sink refused the events of a call: the call is refused and the engine is
    /// unchanged.
    #[error("the event sink refused the events: {reason}")]
    Sink {
        /// The sink's reason.
        reason: String,
    },
    /// The host's event sink is behind the journal: the journal committed events up to
    /// `committed_seq` but the host's sink has taken them only up to `sink_seq`. Returned by the
    /// call whose events the journal committed when the host's sink then failed to commit them
    /// (the call took effect: the engine keeps its events, they are durable), and by every
    /// changing call after it, refused unchanged, until the sink is caught up
    /// (`Engine::set_sink_from`).
    #[error(
        "the host's event sink is behind the journal: the journal committed events up to seq {committed_seq}, the sink took them up to seq {sink_seq} ({}); catch the sink up from its last stored seq before the next call",
        Text(.reason)
    )]
    SinkBehind {
        /// The last event the host's sink took.
        sink_seq: u64,
        /// The last event the journal committed.
        committed_seq: u64,
        /// Why the sink is behind (its error when it fell behind).
        reason: String,
    },
}

/// Declares [`ErrorKind`] from one list: each kind's variant, stable number and name. The
/// bindings derive their lists from it (`ErrorKind::ALL`): the C status of a kind has the
/// same number and is named `GRIDGOV_STATUS_` + the upper-cased name; the Python exception is
/// chosen by an exhaustive match on the kind. Tests in each binding walk `ALL`.
macro_rules! error_kinds {
    ($($(#[$doc:meta])* $kind:ident = $number:literal, $name:literal;)*) => {
        /// The kind of an [`Error`], with stable numbers shared with the C ABI.
        ///
        /// Numbers are never reused. 1–99 are reserved for the C boundary itself (NULL pointers,
        /// bad UTF-8, short buffers, panics). The enum is exhaustive on purpose: a kind added
        /// here must be mapped by every binding, and the compiler says where.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[repr(u32)]
        pub enum ErrorKind {
            $($(#[$doc])* $kind = $number,)*
        }

        impl ErrorKind {
            /// Every kind, in number order.
            pub const ALL: &'static [ErrorKind] = &[$(ErrorKind::$kind),*];

            /// The `snake_case` name (`"calendar_range"`): the C status is
            /// `GRIDGOV_STATUS_CALENDAR_RANGE`.
            pub fn name(self) -> &'static str {
                match self {
                    $(ErrorKind::$kind => $name,)*
                }
            }
        }
    };
}

error_kinds! {
    /// [`Error::InvalidValue`]
    InvalidValue = 100, "invalid_value";
    /// [`Error::InvalidCode`]
    InvalidCode = 101, "invalid_code";
    /// [`Error::Unknown`]
    Unknown = 102, "unknown";
    /// [`Error::CalendarRange`]
    CalendarRange = 103, "calendar_range";
    /// [`Error::NoResponsibleUnit`]
    NoResponsibleUnit = 104, "no_responsible_unit";
    /// [`Error::DutyConflict`]
    DutyConflict = 105, "duty_conflict";
    /// [`Error::Model`]
    Model = 106, "model";
    /// [`Error::Parse`]
    Parse = 107, "parse";
    /// [`Error::Io`]
    Io = 108, "io";
    /// [`Error::InvalidTransition`]
    InvalidTransition = 109, "invalid_transition";
    /// [`Error::PermissionDenied`]
    PermissionDenied = 110, "permission_denied";
    /// [`Error::Journal`]
    Journal = 111, "journal";
    /// [`Error::Tampered`]
    Tampered = 112, "tampered";
    /// [`Error::Sink`]
    Sink = 113, "sink";
    /// [`Error::SinkBehind`]
    SinkBehind = 114, "sink_behind";
}

impl ErrorKind {
    /// The stable number (the C status code).
    pub fn number(self) -> u32 {
        self as u32
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Formats an [`Error::InvalidTransition`] detail: `": detail"`, or nothing.
struct Detail(Option<&'static str>);

impl fmt::Display for Detail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(d) => write!(f, ": {d}"),
            None => Ok(()),
        }
    }
}

impl Error {
    /// The kind of this error.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::InvalidValue { .. } => ErrorKind::InvalidValue,
            Self::InvalidCode { .. } => ErrorKind::InvalidCode,
            Self::Unknown { .. } => ErrorKind::Unknown,
            Self::CalendarRange { .. } => ErrorKind::CalendarRange,
            Self::NoResponsibleUnit { .. } => ErrorKind::NoResponsibleUnit,
            Self::DutyConflict { .. } => ErrorKind::DutyConflict,
            Self::Model(_) => ErrorKind::Model,
            Self::Parse { .. } => ErrorKind::Parse,
            Self::Io { .. } => ErrorKind::Io,
            Self::InvalidTransition { .. } => ErrorKind::InvalidTransition,
            Self::PermissionDenied { .. } => ErrorKind::PermissionDenied,
            Self::Journal { .. } => ErrorKind::Journal,
            Self::Tampered { .. } => ErrorKind::Tampered,
            Self::Sink { .. } => ErrorKind::Sink,
            Self::SinkBehind { .. } => ErrorKind::SinkBehind,
        }
    }

    /// Shorthand for [`Error::InvalidValue`].
    pub fn invalid(
        what: impl Into<String>,
        value: impl fmt::Display,
        reason: impl Into<String>,
    ) -> Self {
        Self::InvalidValue {
            what: what.into(),
            value: value.to_string(),
            reason: reason.into(),
        }
    }

    /// Shorthand for [`Error::Unknown`].
    pub fn unknown(what: &'static str, value: impl Into<String>) -> Self {
        Self::Unknown {
            what,
            value: value.into(),
        }
    }

    /// An [`Error::Io`] for `path` from the operating system's error.
    pub fn io(path: impl Into<String>, err: &io::Error) -> Self {
        Self::Io {
            path: path.into(),
            kind: err.kind(),
            message: err.to_string(),
        }
    }

    /// The per-field problems of an [`Error::Model`], empty for other kinds.
    pub fn issues(&self) -> &[Issue] {
        match self {
            Self::Model(issues) => &issues.0,
            _ => &[],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_listed_once_in_number_order_with_distinct_names() {
        let numbers: Vec<u32> = ErrorKind::ALL.iter().map(|k| k.number()).collect();
        assert!(numbers.windows(2).all(|w| w[0] < w[1]), "{numbers:?}");
        assert!(numbers.iter().all(|n| (100..1000).contains(n)));
        let mut names: Vec<&str> = ErrorKind::ALL.iter().map(|k| k.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), ErrorKind::ALL.len());
        assert!(
            names
                .iter()
                .all(|n| n.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'))
        );
        assert_eq!(ErrorKind::CalendarRange.to_string(), "calendar_range");
    }
}
