//! Reading the stored events back, and checking every stored column against the audit chain:
//! the first event whose hash, link, line or copied-out column does not match is named.

use std::path::Path;

use rusqlite::{Connection, OpenFlags};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::audit::{self, GENESIS, Verified};
use crate::case::Actor;
use crate::error::{Error, Result};
use crate::event::{Event, EventBody};
use crate::sink::line_after;

use super::schema::{journal_error, model_record, sql_error};

/// What the journal holds: how many events and the chain head.
pub(super) struct Stored {
    /// How many events the journal holds.
    pub(super) count: u64,
    /// The hash of the last one (the genesis hash when there is none).
    pub(super) head: [u8; 32],
}

/// Parses a 64-digit hex hash.
pub(super) fn parse_hash(hex: &str) -> Option<[u8; 32]> {
    if hex.len() != 64 || !hex.is_ascii() {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, b) in out.iter_mut().enumerate() {
        *b = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(out)
}

/// The columns the journal copies out of an event for queries: actor kind, actor, action.
pub(super) fn columns(e: &Event) -> (&'static str, &str, &'static str) {
    let (kind, actor) = match &e.actor {
        Actor::Worker(id) => ("worker", &**id),
        Actor::Citizen(id) => ("citizen", &**id),
        Actor::System => ("system", "system"),
    };
    let action = match &e.body {
        EventBody::Report(_) => "report",
        EventBody::Escalation(_) => "escalate",
        EventBody::Migration(_) => "migrate",
        EventBody::Action(a) => a.kind().as_str(),
    };
    (kind, actor, action)
}

/// One stored row of `events`.
struct Row {
    seq: i64,
    case_id: i64,
    at: i64,
    actor_kind: String,
    actor: String,
    action: String,
    line: String,
    hash: String,
}

/// Checks row `position` (from 1) after the link `prev`; returns its event and link.
fn check_row(position: u64, row: &Row, prev: &[u8; 32]) -> Result<(Event, [u8; 32])> {
    let bad = |reason: String| Error::Tampered {
        seq: position,
        reason,
    };
    if row.seq != position as i64 {
        return Err(bad(format!(
            "the row in position {position} has seq {}: a row was deleted, inserted or renumbered",
            row.seq
        )));
    }
    let value: Value =
        serde_json::from_str(&row.line).map_err(|e| bad(format!("its line is not JSON ({e})")))?;
    if value.get("hash").and_then(Value::as_str) != Some(row.hash.as_str()) {
        return Err(bad(
            "the hash in its line differs from its hash column".into()
        ));
    }
    let e = Event::from_json(value).map_err(|e| bad(format!("its line is not an event ({e})")))?;
    if e.seq != position {
        return Err(bad(format!(
            "its line says seq {}: rows were swapped or renumbered",
            e.seq
        )));
    }
    let (line, link, hex) = line_after(prev, &e)?;
    if hex != row.hash {
        return Err(bad(
            "its hash does not follow from the previous one: this event or an earlier one was altered, inserted, removed or reordered".into(),
        ));
    }
    if line != row.line {
        return Err(bad(
            "its line is not the event as the library writes it: the text was edited".into(),
        ));
    }
    let (kind, actor, action) = columns(&e);
    let mismatch = if row.case_id != e.case as i64 {
        Some(("case_id", row.case_id.to_string(), e.case.to_string()))
    } else if row.at != e.at {
        Some(("at", row.at.to_string(), e.at.to_string()))
    } else if row.actor_kind != kind {
        Some(("actor_kind", row.actor_kind.clone(), kind.to_owned()))
    } else if row.actor != actor {
        Some(("actor", row.actor.clone(), actor.to_owned()))
    } else if row.action != action {
        Some(("action", row.action.clone(), action.to_owned()))
    } else {
        None
    };
    if let Some((column, stored, line)) = mismatch {
        return Err(bad(format!(
            "its {column} column says {stored:?} where its line says {line:?}"
        )));
    }
    Ok((e, link))
}

/// A `models` row.
struct ModelRow {
    id: i64,
    sha256: String,
    text: String,
    boundaries: Option<String>,
    from_seq: i64,
    previous: Option<String>,
    head: String,
    link: String,
}

/// Where the event walk meets a model record: its first event, the chain head before it, and
/// for a migration that must be an event (`from`, `to`).
struct Boundary {
    from_seq: u64,
    head: String,
    migration: Option<(String, String)>,
}

/// Checks the `models` chain; returns where each row meets the event walk.
fn check_models(c: &Connection, path: &Path) -> Result<Vec<Boundary>> {
    // The first event from which a migration is an event of the chain (absent: a journal
    // no writer of this version has opened, whose migrations are model records only).
    let events_from: u64 = c
        .query_row(
            "SELECT value FROM meta WHERE key = 'migration_events'",
            [],
            |r| r.get::<_, String>(0),
        )
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(u64::MAX);
    let err = |e: &rusqlite::Error| sql_error(path, "reading the models", e);
    let mut stmt = c
        .prepare(
            "SELECT id, sha256, text, boundaries, from_seq, previous, head, link FROM models ORDER BY id",
        )
        .map_err(|e| err(&e))?;
    let rows = stmt
        .query_map([], |r| {
            Ok(ModelRow {
                id: r.get(0)?,
                sha256: r.get(1)?,
                text: r.get(2)?,
                boundaries: r.get(3)?,
                from_seq: r.get(4)?,
                previous: r.get(5)?,
                head: r.get(6)?,
                link: r.get(7)?,
            })
        })
        .map_err(|e| err(&e))?;
    let mut prev = GENESIS;
    let mut prev_sha: Option<String> = None;
    let mut out = Vec::new();
    for row in rows {
        let row = row.map_err(|e| err(&e))?;
        let from_seq = u64::try_from(row.from_seq).unwrap_or(0);
        let bad = |reason: &str| Error::Tampered {
            seq: from_seq,
            reason: format!("the model record {} ({reason})", row.id),
        };
        let mut h = Sha256::new();
        h.update(row.text.as_bytes());
        if let Some(b) = &row.boundaries {
            h.update([0u8]);
            h.update(b.as_bytes());
        }
        if audit::hex(&h.finalize()) != row.sha256 {
            return Err(bad("its text does not match its sha256"));
        }
        if row.previous != prev_sha || (prev_sha.is_none() && from_seq != 1) {
            return Err(bad("does not follow the model before it"));
        }
        let link = audit::link(
            &prev,
            model_record(&row.sha256, from_seq, row.previous.as_deref(), &row.head).as_bytes(),
        );
        if audit::hex(&link) != row.link {
            return Err(bad("its link does not follow from the record before it"));
        }
        prev = link;
        let migration = match &row.previous {
            Some(before) if from_seq > 1 && from_seq >= events_from => {
                Some((before.clone(), row.sha256.clone()))
            }
            _ => None,
        };
        prev_sha = Some(row.sha256.clone());
        out.push(Boundary {
            from_seq,
            head: row.head,
            migration,
        });
    }
    if out.is_empty() {
        return Err(journal_error(path, "has no model record"));
    }
    Ok(out)
}

/// Rows read (and checked) before they are handed on at once ([`scan`]).
pub(super) const SCAN_CHUNK: usize = 8192;

/// Reads every stored event in order, in one statement; with `verify`, checks each row and the
/// model records (naming the first that fails). With `each`, hands the events on
/// [`SCAN_CHUNK`] at a time, in order, as they are read (the caller applies and drops them: a
/// journal is never held in memory whole); without it, only counts and checks.
pub(super) fn scan(
    c: &Connection,
    path: &Path,
    verify: bool,
    mut each: Option<&mut dyn FnMut(Vec<Event>)>,
) -> Result<Stored> {
    let err = |e: &rusqlite::Error| sql_error(path, "reading the events", e);
    let models = if verify {
        check_models(c, path)?
    } else {
        Vec::new()
    };
    let mut next_model = models.iter().peekable();
    // The migration the next event must be (from, to), when a model record starts there.
    let mut expected: Option<&(String, String)> = None;
    let mut stmt = c
        .prepare(
            "SELECT seq, case_id, at, actor_kind, actor, action, line, hash FROM events ORDER BY seq",
        )
        .map_err(|e| err(&e))?;
    let mut rows = stmt.query([]).map_err(|e| err(&e))?;
    let mut prev = GENESIS;
    let mut events = Vec::with_capacity(if each.is_some() { SCAN_CHUNK } else { 0 });
    let mut count = 0u64;
    loop {
        let position = count + 1;
        while let Some(b) = next_model.peek() {
            if b.from_seq > position {
                break;
            }
            if b.from_seq == position && b.head != audit::hex(&prev) {
                return Err(Error::Tampered {
                    seq: position,
                    reason: "the model record starting here names another chain head".into(),
                });
            }
            if b.from_seq == position {
                expected = b.migration.as_ref();
            }
            next_model.next();
        }
        let Some(r) = rows.next().map_err(|e| err(&e))? else {
            break;
        };
        let row = Row {
            seq: r.get(0).map_err(|e| err(&e))?,
            case_id: r.get(1).map_err(|e| err(&e))?,
            at: r.get(2).map_err(|e| err(&e))?,
            actor_kind: r.get(3).map_err(|e| err(&e))?,
            actor: r.get(4).map_err(|e| err(&e))?,
            action: r.get(5).map_err(|e| err(&e))?,
            line: r.get(6).map_err(|e| err(&e))?,
            hash: r.get(7).map_err(|e| err(&e))?,
        };
        let event = if verify {
            let (e, link) = check_row(position, &row, &prev)?;
            prev = link;
            e
        } else {
            let bad = |reason: String| Error::Tampered {
                seq: position,
                reason,
            };
            let value: Value = serde_json::from_str(&row.line)
                .map_err(|e| bad(format!("its line is not JSON ({e})")))?;
            prev = parse_hash(&row.hash)
                .ok_or_else(|| bad(format!("its hash column {:?} is not a hash", row.hash)))?;
            Event::from_json(value).map_err(|e| bad(format!("its line is not an event ({e})")))?
        };
        if let Some((from, to)) = expected.take() {
            let found = match &event.body {
                EventBody::Migration(m) => m.from == *from && m.to == *to,
                _ => false,
            };
            if !found {
                return Err(Error::Tampered {
                    seq: position,
                    reason: format!(
                        "a model record says the journal migrated here from model {from} to {to}, but this event is not that migration"
                    ),
                });
            }
        } else if let EventBody::Migration(_) = event.body
            && verify
        {
            return Err(Error::Tampered {
                seq: position,
                reason: "a migration event with no model record starting at it".into(),
            });
        }
        if let Some(each) = each.as_mut() {
            events.push(event);
            if events.len() == SCAN_CHUNK {
                each(std::mem::replace(
                    &mut events,
                    Vec::with_capacity(SCAN_CHUNK),
                ));
            }
        }
        count += 1;
    }
    if let Some(each) = each
        && !events.is_empty()
    {
        each(events);
    }
    if let Some(b) = next_model.next() {
        let from_seq = b.from_seq;
        return Err(Error::Tampered {
            seq: from_seq,
            reason: format!(
                "a model record starts at event {from_seq}, after the last stored event {count}: events were removed"
            ),
        });
    }
    Ok(Stored { count, head: prev })
}

/// Checks a journal without opening an engine on it (read-only; another engine may be writing
/// it): walks the stored chain and the model records in one read transaction and returns the
/// number of events and the head. An auditor keeps the head to detect a later truncation.
///
/// # Errors
/// [`Error::Tampered`] naming the first event whose hash, link, line or copied-out column does
/// not match (a changed field, a deleted, inserted or swapped row); [`Error::Journal`] when the
/// file cannot be read as a journal.
pub fn verify(path: impl AsRef<Path>) -> Result<Verified> {
    let path = path.as_ref();
    let c = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| sql_error(path, "opening", &e))?;
    c.execute_batch("BEGIN")
        .map_err(|e| sql_error(path, "starting a read", &e))?;
    let stored = scan(&c, path, true, None)?;
    Ok(Verified {
        events: stored.count as usize,
        head: audit::hex(&stored.head),
    })
}
