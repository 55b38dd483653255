//! Reading the stored events back, and checking every stored column against the audit chain:
//! the first event whose hash, link, line or copied-out column does not match is named.

use std::path::Path;

use rusqlite::{Connection, OpenFlags};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::audit::{self, GENESIS, Verified};
use crate::case::Actor;
use crate::error::{Error, Result};
use crate::event::{self, Event, EventBody};
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

/// The checks of [`check_row`] in one pass over the line, for a line in canonical form (as
/// the library writes them): the scan that follows the chain hands the line's members to the
/// event reader, and the event is written again (not hashed again) to compare with the line.
/// `None` whenever any check would fail or the fast path does not take the line:
/// [`check_row`] then decides, and names the error.
fn check_row_fast(
    position: u64,
    row: &Row,
    prev: &[u8; 32],
    strings: &mut event::Strings,
    buf: &mut Vec<u8>,
) -> Option<(Event, [u8; 32])> {
    if u64::try_from(row.seq).ok()? != position {
        return None;
    }
    let line = row.line.as_str();
    let mut members = event::Members::new(strings);
    let link = audit::follows_members(line, prev, |key, value| members.take(line, key, value))?;
    let e = members.into_event()?;
    if e.seq != position || row.hash.as_bytes() != audit::hex_array(&link).as_slice() {
        return None;
    }
    buf.clear();
    event::write_line_linked(buf, &e, &link).ok()?;
    if buf.as_slice() != line.as_bytes() {
        return None;
    }
    column_mismatch(row, &e).is_none().then_some((e, link))
}

/// The first copied-out column of `row` that differs from its event `e`: (column, what the
/// row says, what the line says).
fn column_mismatch(row: &Row, e: &Event) -> Option<(&'static str, String, String)> {
    let (kind, actor, action) = columns(e);
    if row.case_id != e.case as i64 {
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
    }
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
    if let Some((column, stored, line)) = column_mismatch(row, &e) {
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
    let mut strings = event::Strings::new();
    let mut buf = Vec::with_capacity(512);
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
            let (e, link) = match check_row_fast(position, &row, &prev, &mut strings, &mut buf) {
                Some(checked) => checked,
                None => check_row(position, &row, &prev)?,
            };
            prev = link;
            e
        } else {
            let bad = |reason: String| Error::Tampered {
                seq: position,
                reason,
            };
            // a line in canonical form is read in one pass (the same event `from_json` reads)
            let line = row.line.as_str();
            let mut members = event::Members::new(&mut strings);
            let fast = audit::scan_members(line, |key, value| members.take(line, key, value))
                .then(|| members.into_event())
                .flatten();
            // otherwise, in this order: the line's JSON, the hash column, the event
            let value: Option<Value> = match fast {
                Some(_) => None,
                None => Some(
                    serde_json::from_str(line)
                        .map_err(|e| bad(format!("its line is not JSON ({e})")))?,
                ),
            };
            prev = parse_hash(&row.hash)
                .ok_or_else(|| bad(format!("its hash column {:?} is not a hash", row.hash)))?;
            match fast {
                Some(e) => e,
                None => Event::from_json(value.unwrap_or(Value::Null))
                    .map_err(|e| bad(format!("its line is not an event ({e})")))?,
            }
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

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    /// A stored row of `e` after `prev`, as the journal writes it; and its link.
    fn row_of(e: &Event, prev: &[u8; 32]) -> (Row, [u8; 32]) {
        let (line, link, hash) = line_after(prev, e).expect("writes");
        let (kind, actor, action) = columns(e);
        let row = Row {
            seq: e.seq as i64,
            case_id: e.case as i64,
            at: e.at,
            actor_kind: kind.to_owned(),
            actor: actor.to_owned(),
            action: action.to_owned(),
            line,
            hash,
        };
        (row, link)
    }

    /// The fast path takes every row the library writes, with the general check's event and
    /// link, and never takes an edited row the general check refuses.
    #[test]
    fn the_fast_check_of_a_row_agrees_with_the_general_one() {
        let model = Arc::new(crate::Model::sample());
        let start = 1_762_099_200_000; // 2025-11-03 00:00 in Asia/Shanghai
        let eng = crate::simulate::simulate(model, &crate::simulate::Simulation::new(start, 3))
            .expect("simulates");
        let mut strings = event::Strings::new();
        let mut buf = Vec::new();
        let mut prev = GENESIS;
        let mut contacts = 0;
        let mut checked = 0;
        let mut refused = 0;
        for (i, e) in eng.events().iter().enumerate() {
            let position = i as u64 + 1;
            let (row, link) = row_of(e, &prev);
            contacts += usize::from(row.line.contains("\"contact\":"));
            let general = check_row(position, &row, &prev).expect("a written row checks");
            let fast = check_row_fast(position, &row, &prev, &mut strings, &mut buf);
            assert_eq!(fast, Some(general), "row {position}");
            // edits: of the line, the hash column, the copied columns, the position
            if i % 7 == 0 {
                let mut edits: Vec<Row> = Vec::new();
                let with = |f: &dyn Fn(&mut Row)| {
                    let mut r = row_of(e, &prev).0;
                    f(&mut r);
                    r
                };
                for (k, _) in row.line.char_indices().step_by(5) {
                    edits.push(with(&|r: &mut Row| r.line.insert(k, ' ')));
                    edits.push(with(&|r: &mut Row| {
                        let c = r.line[k..].chars().next().unwrap_or(' ');
                        let other = if c == '1' { '2' } else { '1' };
                        r.line
                            .replace_range(k..k + c.len_utf8(), &other.to_string());
                    }));
                }
                edits.push(with(&|r: &mut Row| r.hash = audit::hex(&GENESIS)));
                edits.push(with(&|r: &mut Row| r.case_id += 1));
                edits.push(with(&|r: &mut Row| r.at += 1));
                edits.push(with(&|r: &mut Row| r.actor.push('x')));
                edits.push(with(&|r: &mut Row| r.actor_kind = "citizen".into()));
                edits.push(with(&|r: &mut Row| r.action = "report".into()));
                edits.push(with(&|r: &mut Row| r.seq += 1));
                // forged: the line's object changed and its link recomputed, as a forger who
                // rewrites the chain would (rows without a contact: its digest is not forged)
                if !row.line.contains("\"contact\":") {
                    let forge = |f: &dyn Fn(&mut serde_json::Map<String, Value>)| {
                        let mut r = row_of(e, &prev).0;
                        let mut v: serde_json::Map<String, Value> =
                            serde_json::from_str(&r.line).expect("a line is an object");
                        v.remove("hash");
                        f(&mut v);
                        let canonical = Value::Object(v.clone()).to_string();
                        let link = audit::link(&prev, canonical.as_bytes());
                        r.hash = audit::hex(&link);
                        v.insert("hash".into(), Value::String(r.hash.clone()));
                        r.line = Value::Object(v).to_string();
                        r
                    };
                    let unchanged = forge(&|_| {});
                    assert_eq!(unchanged.line, row.line, "the forger writes as the library");
                    for key in ["limit", "assigned_to", "urgency", "point", "reason"] {
                        edits.push(forge(&|v| {
                            v.entry(key).or_insert(Value::Null);
                        }));
                    }
                    edits.push(forge(&|v| {
                        v.insert("extra".into(), 1.into());
                    }));
                    edits.push(forge(&|v| {
                        v.insert("v".into(), 2.into());
                    }));
                    edits.push(forge(&|v| {
                        v.insert("at".into(), serde_json::json!(e.at as f64));
                    }));
                }
                for edit in &edits {
                    let general = check_row(position, edit, &prev).ok();
                    refused += usize::from(general.is_none());
                    let fast = check_row_fast(position, edit, &prev, &mut strings, &mut buf);
                    assert!(
                        fast.is_none() || fast == general,
                        "row {position}: the fast check took {:?}",
                        edit.line
                    );
                    checked += 1;
                }
            }
            prev = link;
        }
        assert!(contacts > 0, "some rows carry a citizen contact");
        assert!(checked > 10_000, "{checked} edits");
        assert!(
            refused > checked / 2,
            "{refused} of {checked} edits refused"
        );
    }
}
