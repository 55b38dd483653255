//! The journal as the engine's durable sink: each commit is one SQLite transaction holding the
//! new events and the new state of the cases they touched; it commits in
//! [`EventSink::finish`], after every other sink took the events.

use std::path::PathBuf;

use rusqlite::{Connection, params};

use crate::audit::{self, Verified};
use crate::calendar::Millis;
use crate::case::{Actor, Case, CaseId};
use crate::error::{Error, Result};
use crate::event::Event;
use crate::model::Model;
use crate::sink::{Commit, EventSink, line_after};

use super::check::{self, Stored, columns};
use super::schema::sql_error;

/// The journal's writing connection, its writer lock, and what it last committed.
pub(super) struct JournalSink {
    conn: Connection,
    /// Held for the life of the sink: no other engine may write the journal.
    _lock: Connection,
    path: PathBuf,
    /// Events committed (the `seq` of the last one).
    committed: u64,
    /// The head of the committed chain.
    head: [u8; 32],
    /// The commit in progress: (events after it, its head).
    pending: Option<(u64, [u8; 32])>,
}

impl JournalSink {
    pub(super) fn new(
        conn: Connection,
        lock: Connection,
        path: PathBuf,
        stored: &Stored,
    ) -> JournalSink {
        JournalSink {
            conn,
            _lock: lock,
            path,
            committed: stored.count,
            head: stored.head,
            pending: None,
        }
    }

    fn err(&self, what: &str, e: &rusqlite::Error) -> Error {
        sql_error(&self.path, what, e)
    }

    /// Inserts the events and the touched cases inside the open transaction.
    fn insert(&self, commit: &Commit<'_>) -> Result<()> {
        let last: i64 = self
            .conn
            .query_row("SELECT coalesce(max(seq), 0) FROM events", [], |r| r.get(0))
            .map_err(|e| self.err("reading the last event", &e))?;
        if last != self.committed as i64 {
            return Err(Error::Journal {
                path: self.path.display().to_string(),
                reason: format!(
                    "its last event is {last}, this engine wrote up to {}: something else wrote the journal; reopen it",
                    self.committed
                ),
            });
        }
        self.insert_events(commit.events, commit.lines, commit.hex)?;
        let last_seq = commit.events.last().map_or(0, |e| e.seq);
        self.insert_cases(commit.cases, last_seq, commit.model)
    }

    /// Inserts event rows (with their lines and hex links) inside the open transaction.
    fn insert_events(&self, events: &[Event], lines: &[String], hex: &[String]) -> Result<()> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "INSERT INTO events (seq, case_id, at, actor_kind, actor, action, line, hash)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )
            .map_err(|e| self.err("writing an event", &e))?;
        for ((e, line), hash) in events.iter().zip(lines).zip(hex) {
            let (kind, actor, action) = columns(e);
            stmt.execute(params![
                e.seq as i64,
                e.case as i64,
                e.at,
                kind,
                actor,
                action,
                line,
                hash
            ])
            .map_err(|err| self.err(&format!("writing event {}", e.seq), &err))?;
        }
        Ok(())
    }

    /// Writes the current state of `cases` (each with its running stage's deadline) inside the
    /// open transaction; `last_seq` is the commit's last event.
    fn insert_cases(
        &self,
        cases: &[(&Case, Option<Millis>)],
        last_seq: u64,
        model: &Model,
    ) -> Result<()> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "INSERT OR REPLACE INTO cases (id, state, open, category, urgency, grid, unit,
                   source, reporter, reported_at, last_at, stage, deadline, closed_at,
                   satisfaction, rework_count, return_count, reopen_count, supervised_count,
                   postponed_minutes, self_handled, last_seq)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,
                   ?17, ?18, ?19, ?20, ?21, ?22)",
            )
            .map_err(|e| self.err("writing a case", &e))?;
        let last_seq = last_seq as i64;
        for &(c, deadline) in cases {
            let id = c.id;
            let reporter = match &c.reporter {
                Actor::Worker(w) | Actor::Citizen(w) => &**w,
                Actor::System => "system",
            };
            stmt.execute(params![
                id as i64,
                c.state.as_str(),
                c.state.is_open(),
                &*c.category,
                &*c.urgency,
                model.territory().area(c.grid).code.as_str(),
                c.unit.map(|u| model.org().unit(u).id.as_str()),
                c.source.as_str(),
                reporter,
                c.reported_at,
                c.last_at,
                c.timer.as_ref().map(|t| t.stage.as_str()),
                deadline,
                c.closed_at,
                c.satisfaction,
                c.rework_count,
                c.return_count,
                c.reopen_count,
                c.supervised_count,
                c.postponed_minutes,
                c.self_handled,
                last_seq
            ])
            .map_err(|err| self.err(&format!("writing case {id}"), &err))?;
        }
        Ok(())
    }

    /// Writes a whole history into this (empty) journal in one transaction: `events` chained
    /// from the genesis hash, written [`HISTORY_CHUNK`] at a time so that only one chunk's lines
    /// are held at once, then every case in `cases`. Returns the head of the chain. On any
    /// error the transaction is rolled back and the journal stays empty.
    pub(super) fn write_history(
        &mut self,
        events: &[Event],
        cases: &[(&Case, Option<Millis>)],
        model: &Model,
    ) -> Result<[u8; 32]> {
        if self.committed != 0 {
            return Err(Error::Journal {
                path: self.path.display().to_string(),
                reason: format!(
                    "already holds {} events; a history can only be written into an empty journal",
                    self.committed
                ),
            });
        }
        self.conn
            .execute_batch("BEGIN IMMEDIATE")
            .map_err(|e| self.err("starting the history's commit", &e))?;
        let run = || -> Result<[u8; 32]> {
            let mut link = audit::GENESIS;
            let mut lines = Vec::with_capacity(HISTORY_CHUNK.min(events.len()));
            let mut hex = Vec::with_capacity(HISTORY_CHUNK.min(events.len()));
            for chunk in events.chunks(HISTORY_CHUNK) {
                lines.clear();
                hex.clear();
                for e in chunk {
                    let (line, next, h) = line_after(&link, e)?;
                    link = next;
                    lines.push(line);
                    hex.push(h);
                }
                self.insert_events(chunk, &lines, &hex)?;
            }
            self.insert_cases(cases, events.last().map_or(0, |e| e.seq), model)?;
            Ok(link)
        };
        match run() {
            Ok(head) => match self.conn.execute_batch("COMMIT") {
                Ok(()) => {
                    self.committed = events.len() as u64;
                    self.head = head;
                    Ok(head)
                }
                Err(e) => {
                    let _ = self.conn.execute_batch("ROLLBACK");
                    Err(self.err("committing the history", &e))
                }
            },
            Err(e) => {
                let _ = self.conn.execute_batch("ROLLBACK");
                Err(e)
            }
        }
    }
}

/// Events per chunk when a whole history is written ([`JournalSink::write_history`]).
const HISTORY_CHUNK: usize = 8192;

impl EventSink for JournalSink {
    fn write(&mut self, commit: &Commit<'_>) -> Result<()> {
        self.conn
            .execute_batch("BEGIN IMMEDIATE")
            .map_err(|e| self.err("starting a commit", &e))?;
        match self.insert(commit) {
            Ok(()) => {
                let head = commit.hashes.last().copied().unwrap_or(self.head);
                self.pending = Some((self.committed + commit.events.len() as u64, head));
                Ok(())
            }
            Err(e) => {
                let _ = self.conn.execute_batch("ROLLBACK");
                Err(e)
            }
        }
    }

    fn finish(&mut self, commit: bool) -> Result<()> {
        let pending = self.pending.take();
        if !commit {
            return self
                .conn
                .execute_batch("ROLLBACK")
                .map_err(|e| self.err("rolling back", &e));
        }
        match self.conn.execute_batch("COMMIT") {
            Ok(()) => {
                if let Some((committed, head)) = pending {
                    self.committed = committed;
                    self.head = head;
                }
                Ok(())
            }
            Err(e) => {
                let _ = self.conn.execute_batch("ROLLBACK");
                Err(self.err("committing", &e))
            }
        }
    }

    fn verify(&self) -> Option<Result<Verified>> {
        let run = || -> Result<Verified> {
            self.conn
                .execute_batch("BEGIN")
                .map_err(|e| self.err("starting a read", &e))?;
            let stored = check::scan(&self.conn, &self.path, true, None);
            let _ = self.conn.execute_batch("COMMIT");
            let stored = stored?;
            if stored.count != self.committed || stored.head != self.head {
                return Err(Error::Tampered {
                    seq: stored.count.min(self.committed) + 1,
                    reason: format!(
                        "the journal holds {} events with head {}, this engine committed {} with head {}: events were removed, added or rewritten",
                        stored.count,
                        audit::hex(&stored.head),
                        self.committed,
                        audit::hex(&self.head)
                    ),
                });
            }
            Ok(Verified {
                events: stored.count as usize,
                head: audit::hex(&stored.head),
            })
        };
        Some(run())
    }

    fn read_lines(
        &self,
        case: Option<CaseId>,
        after: u64,
        each: &mut dyn FnMut(u64, &str) -> Result<bool>,
    ) -> Option<Result<()>> {
        let mut run = || -> Result<()> {
            let err = |e: &rusqlite::Error| self.err("reading the events", e);
            let after = i64::try_from(after).unwrap_or(i64::MAX);
            let mut stmt = match case {
                Some(_) => self.conn.prepare_cached(
                    "SELECT seq, line FROM events WHERE case_id = ?1 AND seq > ?2 ORDER BY seq",
                ),
                None => self
                    .conn
                    .prepare_cached("SELECT seq, line FROM events WHERE seq > ?1 ORDER BY seq"),
            }
            .map_err(|e| err(&e))?;
            let mut rows = match case {
                Some(id) => stmt.query([id as i64, after]),
                None => stmt.query([after]),
            }
            .map_err(|e| err(&e))?;
            while let Some(r) = rows.next().map_err(|e| err(&e))? {
                let seq: i64 = r.get(0).map_err(|e| err(&e))?;
                let line = r.get_ref(1).map_err(|e| err(&e))?;
                let line = line.as_str().map_err(|e| Error::Journal {
                    path: self.path.display().to_string(),
                    reason: format!("the line of event {seq} is not text ({e})"),
                })?;
                if !each(u64::try_from(seq).unwrap_or(0), line)? {
                    break;
                }
            }
            Ok(())
        };
        Some(run())
    }
}
