//! A host's sink and the journal never diverge: the journal is the truth, and a host's sink
//! that fell behind it (its commit failed after the journal's, or the process died between)
//! is caught up by redelivery keyed by `seq` ([`Engine::catch_up`], [`Engine::set_sink_from`]).
#![cfg(feature = "journal")]

mod common;

use std::path::Path;
use std::sync::{Arc, Mutex};

use common::journal::{model, open, scratch};
use common::{MAIN_PATH_T0, main_path_call};
use gridgov::audit;
use gridgov::engine::{CATCH_UP_CHUNK, Commit, Engine, EventSink};
use gridgov::journal::OpenOptions;
use gridgov::simulate::{Simulation, simulate};
use gridgov::{Error, ErrorKind};
use rusqlite::Connection;

/// Every event's line and hash in the journal, by SQL.
fn stored(path: &Path) -> Vec<(u64, String, String)> {
    let c = Connection::open(path).expect("reader");
    let mut stmt = c
        .prepare("SELECT seq, line, hash FROM events ORDER BY seq")
        .expect("query");
    stmt.query_map([], |r| {
        Ok((r.get::<_, i64>(0)? as u64, r.get(1)?, r.get(2)?))
    })
    .expect("rows")
    .collect::<Result<_, _>>()
    .expect("lines")
}

/// A host's database: the rows it committed (seq, line, hash), the commits it was handed,
/// and when it fails.
#[derive(Default)]
struct HostDb {
    rows: Vec<(u64, String, String)>,
    pending: Vec<(u64, String, String)>,
    /// Per commit handed to `write`: (first seq, events, prev as hex).
    commits: Vec<(u64, usize, String)>,
    /// Fail `finish(true)` of the commit whose number (from 1) is in here.
    fail_finish: Vec<usize>,
    /// Fail `write` of the commit whose number (from 1) is in here.
    fail_write: Vec<usize>,
}

impl HostDb {
    fn last_seq(&self) -> u64 {
        self.rows.last().map_or(0, |r| r.0)
    }
}

/// A two-phase host sink: `write` stages the events in its transaction, `finish` commits it.
/// It stores by `seq`: a row it already has is skipped (idempotent delivery), and a commit
/// that does not chain to its last row is refused.
struct Host(Arc<Mutex<HostDb>>);

impl EventSink for Host {
    fn write(&mut self, commit: &Commit<'_>) -> gridgov::Result<()> {
        let mut db = self.0.lock().expect("lock");
        db.commits.push((
            commit.events.first().map_or(0, |e| e.seq),
            commit.events.len(),
            audit::hex(&commit.prev),
        ));
        if db.fail_write.contains(&db.commits.len()) {
            return Err(Error::Sink {
                reason: "the host's database refused the insert".into(),
            });
        }
        let last = db.last_seq();
        let prev_ok = match db.rows.last() {
            None => commit.prev == audit::GENESIS,
            Some(row) => {
                commit.events.first().is_none_or(|e| e.seq != last + 1)
                    || audit::hex(&commit.prev) == row.2
            }
        };
        assert!(prev_ok, "the commit chains to the host's last row");
        db.pending.clear();
        for ((e, line), hex) in commit.events.iter().zip(commit.lines).zip(commit.hex) {
            if e.seq > last {
                db.pending.push((e.seq, line.clone(), hex.clone()));
            }
        }
        Ok(())
    }

    fn finish(&mut self, commit: bool) -> gridgov::Result<()> {
        let mut db = self.0.lock().expect("lock");
        let pending = std::mem::take(&mut db.pending);
        if !commit {
            return Ok(());
        }
        if db.fail_finish.contains(&db.commits.len()) {
            return Err(Error::Sink {
                reason: "the host's commit timed out".into(),
            });
        }
        db.rows.extend(pending);
        Ok(())
    }
}

/// The engine's events as the library exports them with contact data (what a sink is given).
fn export(eng: &Engine) -> String {
    gridgov::event::to_json_lines(eng.events(), true).expect("export")
}

/// Asserts that `rows` hold exactly the lines of `export`, naming the first that differs.
fn same_lines(rows: &[(u64, String, String)], export: &str) {
    let want: Vec<&str> = export.lines().collect();
    for (i, (row, line)) in rows.iter().zip(&want).enumerate() {
        assert_eq!(row.1, *line, "line {}", i + 1);
    }
    assert_eq!(rows.len(), want.len());
}

fn host(db: &Arc<Mutex<HostDb>>) -> Box<dyn EventSink> {
    Box::new(Host(Arc::clone(db)))
}

#[test]
fn a_host_failing_after_the_journal_committed_is_caught_up_on_reopen() {
    let dir = scratch("behind");
    let path = dir.join("city.journal");
    let db = Arc::new(Mutex::new(HostDb {
        fail_finish: vec![13],
        ..HostDb::default()
    }));
    let mut eng = open(&path).expect("open");
    eng.set_sink(Some(host(&db))).expect("sink");
    for k in 0..12 {
        main_path_call(&mut eng, k).expect("call");
    }
    assert_eq!(db.lock().expect("lock").last_seq(), 12);
    // Commit 13: the journal commits, then the host's commit fails.
    let err = main_path_call(&mut eng, 12).expect_err("the host's commit fails");
    assert_eq!(err.kind(), ErrorKind::SinkBehind, "{err}");
    assert_eq!(
        err,
        Error::SinkBehind {
            sink_seq: 12,
            committed_seq: 13,
            reason: "the event sink refused the events: the host's commit timed out".into(),
        }
    );
    assert!(err.to_string().contains("seq 13") && err.to_string().contains("seq 12"));
    // The call took effect: the engine keeps the event the journal has.
    assert_eq!(eng.events().len(), 13);
    assert_eq!(stored(&path).len(), 13);
    assert_eq!(eng.sink_behind(), Some(12));
    assert_eq!(db.lock().expect("lock").last_seq(), 12);
    // Later calls are refused, unchanged, until the sink is caught up.
    let before = eng.clone();
    let err = main_path_call(&mut eng, 13).expect_err("refused while behind");
    assert_eq!(err.kind(), ErrorKind::SinkBehind, "{err}");
    assert!(eng == before);
    let err = eng.begin_batch().expect_err("no batch while behind");
    assert_eq!(err.kind(), ErrorKind::SinkBehind);
    assert_eq!(stored(&path).len(), 13);
    drop(eng);

    // Restart: open the journal, ask the host for its last seq, catch up and attach.
    let mut eng = open(&path).expect("reopen");
    assert_eq!(eng.events().len(), 13);
    assert_eq!(eng.sink_behind(), None);
    let last = db.lock().expect("lock").last_seq();
    assert_eq!(eng.set_sink_from(host(&db), last).expect("catch up"), 1);
    assert_eq!(db.lock().expect("lock").rows, stored(&path));
    for k in 13..24 {
        main_path_call(&mut eng, k).expect("call");
    }
    eng.sweep(MAIN_PATH_T0 + 30 * 86_400_000).expect("sweep");
    let rows = db.lock().expect("lock").rows.clone();
    assert_eq!(
        rows,
        stored(&path),
        "the host holds exactly the journal's lines"
    );
    same_lines(&rows, &export(&eng));
}

#[test]
fn a_host_behind_is_caught_up_in_the_same_process() {
    let dir = scratch("behind-live");
    let path = dir.join("city.journal");
    let db = Arc::new(Mutex::new(HostDb {
        fail_finish: vec![3],
        ..HostDb::default()
    }));
    let mut eng = open(&path).expect("open");
    eng.set_sink(Some(host(&db))).expect("sink");
    for k in 0..2 {
        main_path_call(&mut eng, k).expect("call");
    }
    // A batch whose host commit fails: the journal has it, the engine keeps it.
    eng.begin_batch().expect("batch");
    for k in 2..8 {
        main_path_call(&mut eng, k).expect("call");
    }
    let err = eng.commit_batch().expect_err("the host's commit fails");
    assert_eq!(err.kind(), ErrorKind::SinkBehind, "{err}");
    assert_eq!(eng.events().len(), 8);
    assert_eq!(stored(&path).len(), 8);
    assert_eq!(eng.sink_behind(), Some(2));
    let last = db.lock().expect("lock").last_seq();
    assert_eq!(last, 2);
    assert_eq!(eng.set_sink_from(host(&db), last).expect("catch up"), 6);
    assert_eq!(eng.sink_behind(), None);
    for k in 8..16 {
        main_path_call(&mut eng, k).expect("call");
    }
    assert_eq!(db.lock().expect("lock").rows, stored(&path));
}

#[test]
fn without_a_journal_a_host_that_fails_to_commit_refuses_the_call() {
    let db = Arc::new(Mutex::new(HostDb {
        fail_finish: vec![3],
        ..HostDb::default()
    }));
    let mut eng = Engine::new(model());
    eng.set_sink(Some(host(&db))).expect("sink");
    for k in 0..2 {
        main_path_call(&mut eng, k).expect("call");
    }
    let before = eng.clone();
    let err = main_path_call(&mut eng, 2).expect_err("refused");
    assert_eq!(err.kind(), ErrorKind::Sink, "{err}");
    assert!(eng == before);
    assert_eq!(eng.sink_behind(), None);
    main_path_call(&mut eng, 2).expect("the next try goes through");
    assert_eq!(db.lock().expect("lock").last_seq(), 3);
}

#[test]
fn a_host_refusing_in_write_leaves_the_journal_and_the_engine_unchanged() {
    let dir = scratch("refuse");
    let path = dir.join("city.journal");
    let db = Arc::new(Mutex::new(HostDb {
        fail_write: vec![5],
        ..HostDb::default()
    }));
    let mut eng = open(&path).expect("open");
    eng.set_sink(Some(host(&db))).expect("sink");
    for k in 0..4 {
        main_path_call(&mut eng, k).expect("call");
    }
    let before = eng.clone();
    let err = main_path_call(&mut eng, 4).expect_err("refused");
    assert_eq!(err.kind(), ErrorKind::Sink, "{err}");
    assert!(eng == before);
    assert_eq!(eng.sink_behind(), None);
    assert_eq!(stored(&path).len(), 4);
    main_path_call(&mut eng, 4).expect("call");
    assert_eq!(db.lock().expect("lock").rows, stored(&path));
}

fn simulated() -> Engine {
    let sim = Simulation::new(1_759_219_200_000, 8).with_reports_per_day(1500);
    simulate(model(), &sim).expect("simulate")
}

#[test]
fn catching_up_from_zero_gives_the_export_in_bounded_chained_commits() {
    let eng = simulated();
    let n = eng.events().len();
    assert!(n > CATCH_UP_CHUNK, "{n} events: more than one commit");
    let db = Arc::new(Mutex::new(HostDb::default()));
    let mut sink = Host(Arc::clone(&db));
    assert_eq!(eng.catch_up(&mut sink, 0).expect("catch up"), n);
    let db = db.lock().expect("lock");
    same_lines(&db.rows, &export(&eng));
    let chain = gridgov::event::chain(eng.events()).expect("chain");
    let hashes: Vec<String> = chain.iter().map(|h| audit::hex(h)).collect();
    let got: Vec<String> = db.rows.iter().map(|r| r.2.clone()).collect();
    assert_eq!(got, hashes);
    // each commit at most CATCH_UP_CHUNK events, in order, each chained to the one before
    let mut next = 1;
    for (first, len, prev) in &db.commits {
        assert_eq!(*first, next);
        assert!(*len <= CATCH_UP_CHUNK && *len > 0);
        let want = if next == 1 {
            audit::hex(&audit::GENESIS)
        } else {
            hashes[next as usize - 2].clone()
        };
        assert_eq!(*prev, want);
        next += *len as u64;
    }
    assert_eq!(next as usize, n + 1);
    // from the middle: only the tail, chained to the event before it
    let tail = Arc::new(Mutex::new(HostDb::default()));
    let mut sink = Host(Arc::clone(&tail));
    let after = n as u64 - 100;
    tail.lock().expect("lock").rows = db.rows[..n - 100].to_vec();
    assert_eq!(eng.catch_up(&mut sink, after).expect("catch up"), 100);
    assert_eq!(tail.lock().expect("lock").rows, db.rows);
    // nothing to redeliver from the last event
    assert_eq!(eng.catch_up(&mut sink, n as u64).expect("catch up"), 0);
}

#[test]
fn catching_up_from_beyond_the_last_event_names_both_numbers() {
    let mut eng = Engine::new(model());
    for k in 0..5 {
        main_path_call(&mut eng, k).expect("call");
    }
    let db = Arc::new(Mutex::new(HostDb::default()));
    let err = eng
        .catch_up(&mut Host(Arc::clone(&db)), 9)
        .expect_err("beyond the last event");
    assert_eq!(err.kind(), ErrorKind::InvalidValue);
    let text = err.to_string();
    assert!(
        text.contains("after_seq") && text.contains('9') && text.contains("seq 5"),
        "{text}"
    );
    let err = eng.set_sink_from(host(&db), 6).expect_err("beyond");
    assert_eq!(err.kind(), ErrorKind::InvalidValue);
    assert!(!eng.has_sink(), "a refused sink is not attached");
    assert!(db.lock().expect("lock").commits.is_empty());
}

#[test]
fn a_sink_failing_mid_catch_up_is_retried_without_duplicates() {
    let eng = simulated();
    let n = eng.events().len();
    assert!(n > 2 * CATCH_UP_CHUNK, "{n} events: more than two commits");
    let db = Arc::new(Mutex::new(HostDb {
        fail_write: vec![2],
        ..HostDb::default()
    }));
    let mut engine = eng;
    let err = engine
        .set_sink_from(host(&db), 0)
        .expect_err("the second commit fails");
    assert_eq!(err.kind(), ErrorKind::Sink);
    assert!(!engine.has_sink());
    let last = db.lock().expect("lock").last_seq();
    assert_eq!(
        last, CATCH_UP_CHUNK as u64,
        "the first commit stays delivered"
    );
    db.lock().expect("lock").fail_finish = vec![4];
    let err = engine
        .set_sink_from(host(&db), last)
        .expect_err("the fourth commit fails to finish");
    assert_eq!(err.kind(), ErrorKind::Sink);
    let last = db.lock().expect("lock").last_seq();
    assert_eq!(last, 2 * CATCH_UP_CHUNK as u64);
    assert_eq!(
        engine.set_sink_from(host(&db), last).expect("retry"),
        n - last as usize
    );
    let db = db.lock().expect("lock");
    let seqs: Vec<u64> = db.rows.iter().map(|r| r.0).collect();
    assert_eq!(seqs, (1..=n as u64).collect::<Vec<_>>(), "each event once");
    same_lines(&db.rows, &export(&engine));
}

/// A host sink whose commit panics.
struct PanicsOnFinish;

impl EventSink for PanicsOnFinish {
    fn write(&mut self, _: &Commit<'_>) -> gridgov::Result<()> {
        Ok(())
    }

    fn finish(&mut self, commit: bool) -> gridgov::Result<()> {
        assert!(!commit, "the host's commit has a bug");
        Ok(())
    }
}

#[test]
fn a_host_panicking_after_the_journal_committed_is_behind_not_unwound() {
    let dir = scratch("panic");
    let path = dir.join("city.journal");
    let mut eng = open(&path).expect("open");
    main_path_call(&mut eng, 0).expect("call");
    eng.set_sink(Some(Box::new(PanicsOnFinish))).expect("sink");
    let err = main_path_call(&mut eng, 1).expect_err("behind");
    assert_eq!(err.kind(), ErrorKind::SinkBehind, "{err}");
    assert!(
        err.to_string().contains("the host's commit has a bug"),
        "{err}"
    );
    assert_eq!((eng.events().len(), stored(&path).len()), (2, 2));
    assert_eq!(eng.sink_behind(), Some(1));
    // detaching the sink (the host will catch up on its own) lets calls go on
    eng.set_sink(None).expect("detach");
    main_path_call(&mut eng, 2).expect("call");
    assert_eq!(stored(&path).len(), 3);
}

/// An engine whose events stay on disk (`keep_events` off) redelivers from the journal: the
/// same lines, links and commits as one that keeps its events, from the start or from the
/// middle, across a batch in progress.
#[test]
fn an_engine_whose_events_stay_on_disk_catches_up_from_the_journal() {
    let dir = scratch("on-disk");
    let on_disk = OpenOptions {
        keep_events: false,
        ..OpenOptions::default()
    };
    let mut disk = Engine::open(model(), dir.join("disk.journal"), &on_disk).expect("open");
    let mut mem = open(&dir.join("memory.journal")).expect("open");
    for k in 0..40 {
        main_path_call(&mut disk, k).expect("call");
        main_path_call(&mut mem, k).expect("call");
    }
    assert!(disk.events_on_disk());
    assert_eq!(disk.committed_seq(), mem.committed_seq());
    for after in [0, 1, 17, 39, 40] {
        let (a, b) = (
            Arc::new(Mutex::new(HostDb::default())),
            Arc::new(Mutex::new(HostDb::default())),
        );
        if after > 0 {
            // the hosts already hold the first `after` rows
            let rows: Vec<(u64, String, String)> = stored(&dir.join("memory.journal"))
                .into_iter()
                .take(after as usize)
                .collect();
            a.lock().expect("lock").rows.clone_from(&rows);
            b.lock().expect("lock").rows = rows;
        }
        let n = disk
            .catch_up(&mut Host(Arc::clone(&a)), after)
            .expect("catch up on disk");
        assert_eq!(
            n,
            mem.catch_up(&mut Host(Arc::clone(&b)), after)
                .expect("catch up")
        );
        assert_eq!(n as u64, 40 - after);
        let (a, b) = (a.lock().expect("lock"), b.lock().expect("lock"));
        assert_eq!(a.rows, b.rows);
        assert_eq!(a.commits, b.commits);
        assert_eq!(a.rows, stored(&dir.join("disk.journal")));
    }
    // inside a batch, only what is committed is redelivered
    disk.begin_batch().expect("batch");
    main_path_call(&mut disk, 40).expect("call");
    assert_eq!(disk.committed_seq(), 40);
    let host = Arc::new(Mutex::new(HostDb::default()));
    assert_eq!(
        disk.catch_up(&mut Host(Arc::clone(&host)), 0)
            .expect("catch up"),
        40
    );
    disk.rollback_batch().expect("rollback");
}
