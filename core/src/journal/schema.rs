//! The journal's schema and the helpers every part of the journal shares: the version, the
//! tables, the model's identity and records, and the errors.

use std::path::Path;

use rusqlite::ErrorCode;
use sha2::{Digest, Sha256};

use crate::audit;
use crate::error::Error;
use crate::model::Model;

/// The journal schema version this library writes and reads. A journal written by a newer
/// schema is refused, naming both versions.
pub const SCHEMA_VERSION: u32 = 1;

/// The path as text for messages.
pub(super) fn shown(path: &Path) -> String {
    path.display().to_string()
}

/// A journal error from SQLite's, with a plain reason for the cases a host must tell apart.
pub(super) fn sql_error(path: &Path, what: &str, e: &rusqlite::Error) -> Error {
    let reason = match e.sqlite_error_code() {
        Some(ErrorCode::DiskFull) => format!(
            "{what}: the disk is full or the journal reached its size limit ({e}); the call was refused and everything committed before is kept"
        ),
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => {
            format!("{what}: the journal is locked by another connection ({e})")
        }
        Some(ErrorCode::NotADatabase) => format!("{what}: the file is not a SQLite journal ({e})"),
        _ => format!("{what}: {e}"),
    };
    Error::Journal {
        path: shown(path),
        reason,
    }
}

pub(super) fn journal_error(path: &Path, reason: impl Into<String>) -> Error {
    Error::Journal {
        path: shown(path),
        reason: reason.into(),
    }
}

/// The model's text (its file as JSON), its boundaries, and the SHA-256 over both.
pub(super) fn model_identity(model: &Model) -> (String, Option<String>, String) {
    let text = model.to_json();
    let boundaries = model.grid_map().map(crate::spatial::GridMap::to_geojson);
    let mut h = Sha256::new();
    h.update(text.as_bytes());
    if let Some(b) = &boundaries {
        h.update([0u8]);
        h.update(b.as_bytes());
    }
    (text, boundaries, audit::hex(&h.finalize()))
}

/// The canonical text of a `models` row, which its link hashes (after the previous row's
/// link): the model's hash, the first event written under it, the model before it, and the
/// chain head of the events before it.
pub(super) fn model_record(
    sha256: &str,
    from_seq: u64,
    previous: Option<&str>,
    head: &str,
) -> String {
    serde_json::json!({"model": sha256, "from_seq": from_seq, "previous": previous, "head": head})
        .to_string()
}

pub(super) const SCHEMA: &str = "
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE models (
    id INTEGER PRIMARY KEY,
    sha256 TEXT NOT NULL,
    text TEXT NOT NULL,
    boundaries TEXT,
    from_seq INTEGER NOT NULL,
    previous TEXT,
    head TEXT NOT NULL,
    link TEXT NOT NULL
);
CREATE TABLE events (
    seq INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL,
    at INTEGER NOT NULL,
    actor_kind TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    line TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX events_by_case ON events (case_id, seq);
CREATE TABLE cases (
    id INTEGER PRIMARY KEY,
    state TEXT NOT NULL,
    open INTEGER NOT NULL,
    category TEXT NOT NULL,
    urgency TEXT NOT NULL,
    grid TEXT NOT NULL,
    unit TEXT,
    source TEXT NOT NULL,
    reporter TEXT NOT NULL,
    reported_at INTEGER NOT NULL,
    last_at INTEGER NOT NULL,
    stage TEXT,
    deadline INTEGER,
    closed_at INTEGER,
    satisfaction INTEGER,
    rework_count INTEGER NOT NULL,
    return_count INTEGER NOT NULL,
    reopen_count INTEGER NOT NULL,
    supervised_count INTEGER NOT NULL,
    postponed_minutes INTEGER NOT NULL,
    self_handled INTEGER NOT NULL,
    last_seq INTEGER NOT NULL
);
";
