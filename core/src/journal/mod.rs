//! The engine on disk: a SQLite journal ([`Engine::open`]) that loses no committed call, shows
//! no partial one, and detects edits.
//!
//! A journal is one SQLite file (WAL mode) holding:
//!
//! | table | what it holds |
//! |---|---|
//! | `meta` | `schema_version` (this library writes [`SCHEMA_VERSION`]), `created_by`, and `migration_events` (the first event from which a migration is also an event of the chain; journals migrated before keep those as `models` rows only) |
//! | `models` | each model the journal ran on: its SHA-256, its text (the model file as JSON), its boundaries (GeoJSON), the first event written under it (after events: its `migrate` event), and a link chaining it to the events before it |
//! | `events` | the event log: one row per event with its JSON line (contact data included) and its audit-chain `hash` ([`crate::audit`]), plus `case_id`, `at`, `actor_kind`, `actor` and `action` copied out for queries |
//! | `cases` | every case as of the last commit (state, unit, stage, deadline, counters…), written in the same transaction as the events, so readers need not replay; derived, not covered by the chain |
//!
//! Every accepted report, action and sweep is one transaction, committed before the call
//! returns; a batch ([`Engine::begin_batch`]) is one transaction. Opening replays the events
//! (with every check) to exactly the committed state, verifying the chain first unless
//! [`OpenOptions::verify`] is off. One engine writes a journal at a time: the writer holds a
//! lock on a small file beside it (`<path>-writer`, a SQLite file in exclusive locking mode,
//! released by the operating system if the process dies); readers in other processes read the
//! journal file itself while it is written and see whole transactions only.
//!
//! **Events on disk.** With [`OpenOptions::keep_events`] off the engine keeps in memory only
//! the events of the call or batch in progress: once a commit is in the journal they are
//! dropped ([`Engine::events_on_disk`]), and opening replays the journal as it reads it,
//! 8,192 events at a time (`check::SCAN_CHUNK`), never holding it whole. The engine's memory is
//! then its cases, the escalation queue and one position per case — flat however long the
//! history (the soak in `BENCHMARKS.md`). A case's history ([`Engine::history_owned`], by
//! `case_id` on the `events_by_case` index), the JSON lines ([`Engine::events_json_lines`], the
//! stored lines, written again without contact data for a viewer who may not see it) and
//! [`Engine::verify`] (the stored chain) read the journal through
//! [`crate::engine::EventSink::read_lines`] and [`crate::engine::EventSink::verify`]. The
//! trade-offs: those reads cost SQL instead of a memory walk; [`Engine::events`] holds only the
//! call in progress and [`Engine::history`] (borrowed events) is refused; a clone has no journal
//! and cannot read its history.
//!
//! | file | what it holds |
//! |---|---|
//! | `journal/mod.rs` | [`OpenOptions`], [`Engine::open`], creating and checking the schema, the writer lock, migrations |
//! | `journal/schema.rs` | the schema and its version, the model's identity and records, the errors |
//! | `journal/store.rs` | the [`crate::engine::EventSink`] that writes each commit in one transaction, and reads the stored lines back (all, or one case's) |
//! | `journal/check.rs` | reading the stored events back, a chunk at a time, and checking them against their chain ([`verify`]) |

mod check;
mod schema;
mod store;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use rusqlite::{Connection, ErrorCode, OpenFlags, OptionalExtension, params};
use serde::Deserialize;

use crate::audit::{self, GENESIS};
use crate::case::Actor;
use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::event::{Event, EventBody, Migration};
use crate::model::Model;
use crate::sink::line_after;

pub use check::verify;
pub use schema::SCHEMA_VERSION;

use schema::{SCHEMA, journal_error, model_identity, model_record, sql_error};

/// How hard SQLite pushes each commit to the disk (`PRAGMA synchronous`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Synchronous {
    /// `FULL` (the default): a commit is on the disk when the call returns; a power cut loses
    /// nothing acknowledged.
    #[default]
    Full,
    /// `NORMAL`: in WAL mode a commit survives a crash of the process but the last commits
    /// before a power cut or an operating-system crash may be lost (never half-written:
    /// the journal stays consistent). Faster when each action commits alone (see
    /// `BENCHMARKS.md`).
    Normal,
}

impl Synchronous {
    fn pragma(self) -> &'static str {
        match self {
            Synchronous::Full => "FULL",
            Synchronous::Normal => "NORMAL",
        }
    }
}

/// How [`Engine::open`] opens a journal. Its JSON form (for the bindings,
/// [`OpenOptions::from_json`]) has the same members, every one optional:
/// `{"verify": true, "synchronous": "full", "migrate": false, "busy_timeout_ms": 5000,
/// "max_pages": null, "keep_events": true}`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OpenOptions {
    /// Verify the stored chain before replaying (default `true`). Turning it off saves the
    /// hashing on huge journals (see `BENCHMARKS.md` for its cost); [`Engine::verify`] still
    /// checks on demand.
    pub verify: bool,
    /// `PRAGMA synchronous` (default [`Synchronous::Full`]).
    pub synchronous: Synchronous,
    /// Accept a model other than the journal's last one; without it a different model is
    /// refused. The change is recorded, in one transaction, as a row of the `models` table
    /// (the model's text, chained) and — when the journal holds events — as an event of the
    /// chain ([`crate::event::EventBody::Migration`]: case 0, actor the system, both hashes),
    /// which [`verify`] checks against the row.
    pub migrate: bool,
    /// How long a commit waits for a reader's checkpoint (milliseconds; default 5000).
    pub busy_timeout_ms: u32,
    /// A cap on the journal's size in pages (`PRAGMA max_page_count`; `None`: no cap). A
    /// commit that would pass it is refused as if the disk were full.
    pub max_pages: Option<u32>,
    /// Keep every event in memory (`true`, the default) or only those of the call or batch in
    /// progress (`false`: the events stay on disk). Off, the engine's memory no longer grows
    /// with its history — it holds the cases, the escalation queue and one position per case
    /// — and opening streams the journal 8,192 events at a time instead of loading it.
    /// What it costs: a case's history ([`Engine::history_owned`], [`Engine::case_json`]) and
    /// the JSON lines ([`Engine::events_json_lines`]) are read from SQLite; [`Engine::events`]
    /// holds only the call in progress; [`Engine::history`] (borrowed events) is refused; a
    /// clone has no journal and cannot read its history ([`Engine::events_on_disk`]).
    pub keep_events: bool,
}

impl Default for OpenOptions {
    fn default() -> Self {
        OpenOptions {
            verify: true,
            synchronous: Synchronous::Full,
            migrate: false,
            busy_timeout_ms: 5000,
            max_pages: None,
            keep_events: true,
        }
    }
}

impl OpenOptions {
    /// Reads options from their JSON form (`null` or `{}`: the defaults).
    ///
    /// # Errors
    /// [`Error::InvalidValue`] naming an unknown member or a value of the wrong type.
    ///
    /// # Examples
    /// ```
    /// use gridgov::journal::{OpenOptions, Synchronous};
    /// let o = OpenOptions::from_json(&serde_json::json!({"synchronous": "normal"}))?;
    /// assert_eq!(o.synchronous, Synchronous::Normal);
    /// assert!(o.verify);
    /// assert!(OpenOptions::from_json(&serde_json::json!({"verfy": false})).is_err());
    /// # Ok::<(), gridgov::Error>(())
    /// ```
    pub fn from_json(value: &serde_json::Value) -> Result<OpenOptions> {
        if value.is_null() {
            return Ok(OpenOptions::default());
        }
        OpenOptions::deserialize(value).map_err(|e| {
            Error::invalid(
                "options",
                value,
                format!(
                    "{e}; the options are verify, synchronous (\"full\" or \"normal\"), migrate, busy_timeout_ms, max_pages, keep_events"
                ),
            )
        })
    }
}

/// Takes the writer lock: a SQLite file beside the journal in exclusive locking mode, held
/// while the returned connection lives (the operating system drops it with the process).
fn lock_writer(path: &Path) -> Result<Connection> {
    let mut lock_path = path.as_os_str().to_owned();
    lock_path.push("-writer");
    let lock_path = std::path::PathBuf::from(lock_path);
    let err = |e: &rusqlite::Error| sql_error(&lock_path, "taking the writer lock", e);
    let c = Connection::open(&lock_path).map_err(|e| err(&e))?;
    c.busy_timeout(Duration::ZERO).map_err(|e| err(&e))?;
    c.query_row("PRAGMA locking_mode=EXCLUSIVE", [], |_| Ok(()))
        .map_err(|e| err(&e))?;
    let taken = c.execute_batch(
        "BEGIN EXCLUSIVE;
         CREATE TABLE IF NOT EXISTS writer (pid INTEGER NOT NULL);
         DELETE FROM writer;",
    );
    let taken = taken.and_then(|()| {
        c.execute("INSERT INTO writer VALUES (?1)", [std::process::id()])?;
        c.execute_batch("COMMIT")
    });
    match taken {
        Ok(()) => Ok(c),
        Err(e)
            if matches!(
                e.sqlite_error_code(),
                Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
            ) =>
        {
            Err(journal_error(
                path,
                "is open for writing by another engine (its writer lock is held); only one engine may write a journal, readers may open it read-only",
            ))
        }
        Err(e) => Err(err(&e)),
    }
}

/// Opens the journal connection with the writer's settings.
fn connect(path: &Path, options: &OpenOptions) -> Result<Connection> {
    let err = |what: &str, e: &rusqlite::Error| sql_error(path, what, e);
    let c = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| err("opening", &e))?;
    c.busy_timeout(Duration::from_millis(u64::from(options.busy_timeout_ms)))
        .map_err(|e| err("setting the busy timeout", &e))?;
    let mode: String = c
        .query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))
        .map_err(|e| err("switching to WAL mode", &e))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(journal_error(
            path,
            format!("SQLite refused WAL mode (journal_mode is {mode:?})"),
        ));
    }
    c.execute_batch(&format!(
        "PRAGMA synchronous={};",
        options.synchronous.pragma()
    ))
    .map_err(|e| err("setting synchronous", &e))?;
    if let Some(pages) = options.max_pages {
        c.query_row(&format!("PRAGMA max_page_count={pages}"), [], |_| Ok(()))
            .map_err(|e| err("setting max_page_count", &e))?;
    }
    Ok(c)
}

/// Creates the schema in a new file, or checks the version of an existing one.
fn prepare_schema(c: &Connection, path: &Path, model: &Model) -> Result<()> {
    let err = |what: &str, e: &rusqlite::Error| sql_error(path, what, e);
    c.execute_batch("BEGIN IMMEDIATE")
        .map_err(|e| err("starting", &e))?;
    let result = (|| -> Result<()> {
        let has_meta: bool = c
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'meta'",
                [],
                |r| r.get::<_, i64>(0),
            )
            .map_err(|e| err("reading the schema", &e))?
            > 0;
        if !has_meta {
            let tables: i64 = c
                .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
                .map_err(|e| err("reading the schema", &e))?;
            if tables > 0 {
                return Err(journal_error(
                    path,
                    "is a SQLite file but not a gridgov journal (it has tables and no `meta`)",
                ));
            }
            c.execute_batch(SCHEMA)
                .map_err(|e| err("creating the schema", &e))?;
            c.execute(
                "INSERT INTO meta (key, value) VALUES ('schema_version', ?1), ('created_by', ?2)",
                params![
                    SCHEMA_VERSION.to_string(),
                    format!("gridgov {}", crate::VERSION)
                ],
            )
            .map_err(|e| err("creating the schema", &e))?;
            let (text, boundaries, sha) = model_identity(model);
            let genesis = audit::hex(&GENESIS);
            let link = audit::link(&GENESIS, model_record(&sha, 1, None, &genesis).as_bytes());
            c.execute(
                "INSERT INTO models (sha256, text, boundaries, from_seq, previous, head, link)
                 VALUES (?1, ?2, ?3, 1, NULL, ?4, ?5)",
                params![sha, text, boundaries, genesis, audit::hex(&link)],
            )
            .map_err(|e| err("recording the model", &e))?;
        }
        let version: Option<String> = c
            .query_row(
                "SELECT value FROM meta WHERE key = 'schema_version'",
                [],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| err("reading the schema version", &e))?;
        match version.as_deref().map(str::parse::<u32>) {
            Some(Ok(SCHEMA_VERSION)) => {
                // Migrations are events from here on (journals written before that have
                // their migrations as model records only).
                c.execute(
                    "INSERT OR IGNORE INTO meta (key, value)
                     SELECT 'migration_events', CAST(coalesce(max(seq), 0) + 1 AS TEXT) FROM events",
                    [],
                )
                .map_err(|e| err("reading the schema", &e))?;
                Ok(())
            }
            Some(Ok(v)) if v > SCHEMA_VERSION => Err(journal_error(
                path,
                format!(
                    "was written with journal schema version {v}; this library (gridgov {}) reads version {SCHEMA_VERSION}: open it with a newer gridgov",
                    crate::VERSION
                ),
            )),
            Some(Ok(v)) => Err(journal_error(
                path,
                format!(
                    "has journal schema version {v}, which this library (version {SCHEMA_VERSION}) cannot read"
                ),
            )),
            Some(Err(_)) | None => Err(journal_error(
                path,
                format!(
                    "has no valid schema_version in `meta` (found {version:?}; this library writes {SCHEMA_VERSION})"
                ),
            )),
        }
    })();
    match result {
        Ok(()) => c
            .execute_batch("COMMIT")
            .map_err(|e| err("creating the schema", &e)),
        Err(e) => {
            let _ = c.execute_batch("ROLLBACK");
            Err(e)
        }
    }
}

/// A migration [`check_model`] found asked for: the journal's last model and its record's
/// link, and the new model's text, boundaries and hash.
struct Migrating {
    stored: String,
    link: String,
    text: String,
    boundaries: Option<String>,
    sha: String,
}

/// Checks the model against the journal's last one: `None` when it is the same, the migration
/// to record when it differs and `options.migrate` asks for it. Writes nothing.
fn check_model(
    c: &Connection,
    path: &Path,
    model: &Model,
    options: &OpenOptions,
) -> Result<Option<Migrating>> {
    let err = |what: &str, e: &rusqlite::Error| sql_error(path, what, e);
    let (stored, link): (String, String) = c
        .query_row(
            "SELECT sha256, link FROM models ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .map_err(|e| err("reading the model", &e))?;
    let (text, boundaries, sha) = model_identity(model);
    if stored == sha {
        return Ok(None);
    }
    if !options.migrate {
        return Err(journal_error(
            path,
            format!(
                "was written for model sha256 {stored}, not this model (sha256 {sha}); open it with the same model, or migrate explicitly (OpenOptions::migrate)"
            ),
        ));
    }
    Ok(Some(Migrating {
        stored,
        link,
        text,
        boundaries,
        sha,
    }))
}

/// Records a migration: the new model's row of `models` and — after events — its event in the
/// chain, in one transaction; returns that event with the new chain head.
fn record_migration(
    c: &Connection,
    path: &Path,
    migrating: Migrating,
    stored_events: u64,
    head: &[u8; 32],
) -> Result<Option<(Event, [u8; 32])>> {
    let err = |what: &str, e: &rusqlite::Error| sql_error(path, what, e);
    let Migrating {
        stored,
        link,
        text,
        boundaries,
        sha,
    } = migrating;
    let from_seq = stored_events + 1;
    let prev = check::parse_hash(&link).unwrap_or(GENESIS);
    let head_hex = audit::hex(head);
    let record = audit::link(
        &prev,
        model_record(&sha, from_seq, Some(&stored), &head_hex).as_bytes(),
    );
    // After events, the migration is itself an event of the chain (case 0, the system), in
    // the same transaction as its model record; before any event there is nothing to mark.
    let event = (stored_events > 0)
        .then(|| migration_event(c, path, from_seq, &stored, &sha, head))
        .transpose()?;
    c.execute_batch("BEGIN IMMEDIATE")
        .map_err(|e| err("recording the migration", &e))?;
    let written = (|| -> Result<()> {
        c.execute(
            "INSERT INTO models (sha256, text, boundaries, from_seq, previous, head, link)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                sha,
                text,
                boundaries,
                from_seq as i64,
                stored,
                head_hex,
                audit::hex(&record)
            ],
        )
        .map_err(|e| err("recording the migration", &e))?;
        if let Some((e, line, _, hex)) = &event {
            let (kind, actor, action) = check::columns(e);
            c.execute(
                "INSERT INTO events (seq, case_id, at, actor_kind, actor, action, line, hash)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![e.seq as i64, 0, e.at, kind, actor, action, line, hex],
            )
            .map_err(|er| err("recording the migration event", &er))?;
        }
        c.execute_batch("COMMIT")
            .map_err(|e| err("recording the migration", &e))
    })();
    if let Err(e) = written {
        let _ = c.execute_batch("ROLLBACK");
        return Err(e);
    }
    Ok(event.map(|(e, _, link, _)| (e, link)))
}

/// The migration event at `seq` (after the chain head `head`): now, or the last event's time
/// if the clock is behind it; its line, link and link as hex.
fn migration_event(
    c: &Connection,
    path: &Path,
    seq: u64,
    from: &str,
    to: &str,
    head: &[u8; 32],
) -> Result<(Event, String, [u8; 32], String)> {
    let last_at: i64 = c
        .query_row("SELECT at FROM events ORDER BY seq DESC LIMIT 1", [], |r| {
            r.get(0)
        })
        .map_err(|e| sql_error(path, "reading the last event", &e))?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
    let e = Event {
        seq,
        case: 0,
        at: now.max(last_at),
        actor: Actor::System,
        body: EventBody::Migration(Box::new(Migration {
            from: from.to_owned(),
            to: to.to_owned(),
        })),
        limit: None,
        assigned_to: None,
    };
    let (line, link, hex) = line_after(head, &e)?;
    Ok((e, line, link, hex))
}

/// Chunks of events read ahead of the replay while opening (each of [`check::SCAN_CHUNK`]).
const OPEN_CHUNKS_AHEAD: usize = 2;

impl Engine {
    /// Opens the journal at `path` (creating it when it does not exist) and returns the engine
    /// it holds: every committed event replayed with every check, the chain verified first
    /// unless `options.verify` is off. From then on every accepted report, action and sweep is
    /// committed to the journal before the call returns (a batch, at
    /// [`Engine::commit_batch`]); a call the journal cannot take is refused and leaves the
    /// engine unchanged.
    ///
    /// # Errors
    /// [`Error::Journal`] when another engine writes the journal, when it was written for
    /// another model (naming both hashes; see [`OpenOptions::migrate`]) or with a newer schema
    /// (naming both versions), or when SQLite fails; [`Error::Tampered`] naming the first
    /// stored event that does not verify.
    ///
    /// # Examples
    /// ```
    /// use std::sync::Arc;
    /// use gridgov::case::{Actor, Report, Source};
    /// use gridgov::engine::Engine;
    /// use gridgov::journal::OpenOptions;
    /// let dir = std::env::temp_dir().join(format!("gridgov-doc-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir).unwrap();
    /// let path = dir.join("city.journal");
    /// # let _ = std::fs::remove_file(&path);
    /// let model = Arc::new(gridgov::Model::sample());
    /// let mut eng = Engine::open(Arc::clone(&model), &path, &OpenOptions::default())?;
    /// eng.report(Actor::Worker("SV001".into()), 1_759_219_200_000, Report {
    ///     category: "C0101".into(), grid: "37990100100101".into(), point: None, urgency: None,
    ///     source: Source::Supervisor, description: String::new(), contact: None, contact_sha256: None })?;
    /// drop(eng);
    /// let again = Engine::open(model, &path, &OpenOptions::default())?;
    /// assert_eq!(again.cases().len(), 1);
    /// # drop(again); let _ = std::fs::remove_dir_all(&dir);
    /// # Ok::<(), gridgov::Error>(())
    /// ```
    pub fn open(
        model: Arc<Model>,
        path: impl AsRef<Path>,
        options: &OpenOptions,
    ) -> Result<Engine> {
        let path = path.as_ref();
        let lock = lock_writer(path)?;
        let conn = connect(path, options)?;
        prepare_schema(&conn, path, &model)?;
        // The events are replayed as they are read, a chunk at a time: this thread reads (and
        // checks) them while another replays the chunks read before. The errors are those of
        // reading (and checking) everything first, then checking the model, then replaying: a
        // chunk that does not replay stops the replay, not the reading.
        let keep_events = options.keep_events;
        let (chunks, received) = std::sync::mpsc::sync_channel::<Vec<Event>>(OPEN_CHUNKS_AHEAD);
        let reading = &conn;
        let ((mut engine, failed), scanned) = crate::parallel::join(
            move || {
                let mut engine = Engine::replay_start(model, keep_events);
                let mut failed = None;
                for events in received {
                    if failed.is_none()
                        && let Err(e) = engine.replay_chunk(events)
                    {
                        failed = Some(e);
                    }
                }
                (engine, failed)
            },
            move || {
                // a replay that stopped no longer receives: keep reading and checking
                let scanned = check::scan(
                    reading,
                    path,
                    options.verify,
                    Some(&mut |events| {
                        let _ = chunks.send(events);
                    }),
                );
                drop(chunks);
                scanned
            },
        );
        let mut stored = scanned?;
        let migrating = check_model(&conn, path, engine.model(), options)?;
        if let Some(e) = failed {
            return Err(journal_error(
                path,
                format!("its events do not replay on this model: {e}"),
            ));
        }
        // Only a journal whose events replay on the new model is migrated.
        if let Some(migrating) = migrating
            && let Some((migration, head)) =
                record_migration(&conn, path, migrating, stored.count, &stored.head)?
        {
            engine.replay_chunk(vec![migration]).map_err(|e| {
                journal_error(path, format!("its migration event does not replay: {e}"))
            })?;
            stored.count += 1;
            stored.head = head;
        }
        engine.replay_end();
        let sink = store::JournalSink::new(conn, lock, path.to_path_buf(), &stored);
        engine.attach_durable(Box::new(sink), stored.head);
        Ok(engine)
    }

    /// Writes this engine's whole history (every event, chained, and every case) into a new or
    /// empty journal at `path` in one transaction, then commits every later call to it, as if
    /// the engine had run on that journal from the start ([`Engine::open`] on the file gives it
    /// back). For a history made in memory: a simulation, or events a host kept as JSON lines
    /// and replayed ([`Engine::replay_json_lines`]) when it moves to the journal.
    ///
    /// The events are written 8,192 at a time inside the transaction, so the lines of one
    /// chunk are held at once, not the whole history's; a crash before the commit leaves the
    /// journal empty.
    ///
    /// # Errors
    /// [`Error::InvalidValue`] inside an open batch, when the engine already writes a journal,
    /// or when its events stay in another journal (a clone of an engine opened with
    /// [`OpenOptions::keep_events`] off); [`Error::Journal`] when the journal holds events, was created for another model
    /// (unless `options.migrate`), is written by another engine, or SQLite fails (a full disk
    /// included). On error the engine is unchanged and the journal holds no event.
    ///
    /// # Examples
    /// ```
    /// use std::sync::Arc;
    /// use gridgov::engine::Engine;
    /// use gridgov::journal::OpenOptions;
    /// use gridgov::simulate::{Simulation, simulate};
    /// let dir = std::env::temp_dir().join(format!("gridgov-doc-attach-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir).unwrap();
    /// let path = dir.join("history.journal");
    /// # let _ = std::fs::remove_file(&path);
    /// let model = Arc::new(gridgov::Model::sample());
    /// let start = 1_762_099_200_000; // 2025-11-03 00:00 in Asia/Shanghai
    /// let mut eng = simulate(Arc::clone(&model), &Simulation::new(start, 2))?;
    /// eng.attach_journal(&path, &OpenOptions::default())?;
    /// let events = eng.events().len();
    /// drop(eng);
    /// let again = Engine::open(model, &path, &OpenOptions::default())?;
    /// assert_eq!(again.events().len(), events);
    /// # drop(again); let _ = std::fs::remove_dir_all(&dir);
    /// # Ok::<(), gridgov::Error>(())
    /// ```
    pub fn attach_journal(&mut self, path: impl AsRef<Path>, options: &OpenOptions) -> Result<()> {
        let path = path.as_ref();
        if self.in_batch() {
            return Err(Error::invalid(
                "journal",
                path.display(),
                "cannot be attached inside an open batch",
            ));
        }
        if self.has_durable() {
            return Err(Error::invalid(
                "journal",
                path.display(),
                "cannot be attached: this engine already writes a journal",
            ));
        }
        if self.events_on_disk() {
            return Err(Error::invalid(
                "journal",
                path.display(),
                "cannot be attached: this engine's events stay in another journal (a clone of an engine opened with keep_events off), so it has no whole history to write",
            ));
        }
        let lock = lock_writer(path)?;
        let conn = connect(path, options)?;
        let model = Arc::clone(self.model_arc());
        prepare_schema(&conn, path, &model)?;
        let stored = check::scan(&conn, path, false, None)?;
        if stored.count != 0 {
            return Err(journal_error(
                path,
                format!(
                    "already holds {} events; a history can only be written into an empty journal (open this one with Engine::open)",
                    stored.count
                ),
            ));
        }
        // an empty journal: a migration records no event (nothing ran under the old model)
        if let Some(migrating) = check_model(&conn, path, &model, options)? {
            record_migration(&conn, path, migrating, 0, &stored.head)?;
        }
        let cases = self
            .cases()
            .iter()
            .map(|c| Ok((c, self.deadline_of(c)?)))
            .collect::<Result<Vec<_>>>()?;
        let mut sink = store::JournalSink::new(conn, lock, path.to_path_buf(), &stored);
        let head = sink.write_history(self.events(), &cases, &model)?;
        drop(cases);
        self.attach_durable(Box::new(sink), head);
        if !options.keep_events {
            self.keep_events_on_disk();
        }
        Ok(())
    }
}
