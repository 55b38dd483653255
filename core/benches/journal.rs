//! The engine on a SQLite journal: calls per second with one commit per call (`synchronous`
//! FULL and NORMAL) and in batches of 1 000 calls, against the same calls in memory; then
//! (outside criterion, printed) the journal's bytes per event and the time to open and verify a
//! journal of `GRIDGOV_BENCH_OPEN_EVENTS` events (default 10^6).
#![allow(missing_docs, reason = "criterion macros")]

#[path = "../tests/common/mod.rs"]
mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use common::main_path_call;
use criterion::{BatchSize, Criterion, Throughput};
use gridgov::Model;
use gridgov::engine::Engine;
use gridgov::journal::{OpenOptions, Synchronous};

fn scratch() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("gridgov-journal-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch folder");
    dir
}

fn remove(path: &Path) {
    for suffix in ["", "-wal", "-shm", "-writer"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        let _ = std::fs::remove_file(p);
    }
}

fn options(sync: Synchronous) -> OpenOptions {
    OpenOptions {
        synchronous: sync,
        ..OpenOptions::default()
    }
}

/// Runs calls `0..n` of the script on a fresh journal, `per_commit` calls per commit.
fn run(model: &Arc<Model>, path: &Path, sync: Synchronous, n: u64, per_commit: u64) -> Engine {
    remove(path);
    let mut eng = Engine::open(Arc::clone(model), path, &options(sync)).expect("open");
    let mut k = 0;
    while k < n {
        let end = (k + per_commit).min(n);
        if per_commit == 1 {
            main_path_call(&mut eng, k).expect("call");
        } else {
            eng.batch(|eng| {
                for j in k..end {
                    main_path_call(eng, j)?;
                }
                Ok(())
            })
            .expect("batch");
        }
        k = end;
    }
    eng
}

fn rates(c: &mut Criterion) {
    let model = Arc::new(Model::sample());
    let dir = scratch();
    let path = dir.join("bench.journal");
    let mut g = c.benchmark_group("journal");
    g.sample_size(10);
    let single = 400;
    g.throughput(Throughput::Elements(single));
    g.bench_function("one_commit_per_call_full", |b| {
        b.iter_batched(
            || (),
            |()| run(&model, &path, Synchronous::Full, single, 1),
            BatchSize::PerIteration,
        );
    });
    g.bench_function("one_commit_per_call_normal", |b| {
        b.iter_batched(
            || (),
            |()| run(&model, &path, Synchronous::Normal, single, 1),
            BatchSize::PerIteration,
        );
    });
    let batched = 80_000;
    g.throughput(Throughput::Elements(batched));
    g.bench_function("batches_of_1000_full", |b| {
        b.iter(|| run(&model, &path, Synchronous::Full, batched, 1000));
    });
    g.bench_function("in_memory", |b| {
        b.iter(|| {
            let mut eng = Engine::new(Arc::clone(&model));
            for k in 0..batched {
                main_path_call(&mut eng, k).expect("call");
            }
            eng
        });
    });
    g.finish();
    remove(&path);
}

/// Bytes per event and open (+ verify) time for a large journal, printed.
fn open_figures() {
    let n: u64 = std::env::var("GRIDGOV_BENCH_OPEN_EVENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let model = Arc::new(Model::sample());
    let dir = scratch();
    let path = dir.join("open.journal");
    let start = Instant::now();
    let eng = run(&model, &path, Synchronous::Full, n, 10_000);
    let write = start.elapsed().as_secs_f64();
    let events = eng.events().len();
    drop(eng);
    // fold the WAL into the file so its size is the journal's
    let c = rusqlite::Connection::open(&path).expect("open");
    c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .expect("checkpoint");
    drop(c);
    let bytes = std::fs::metadata(&path).map_or(0, |m| m.len());
    let time_open = |verify: bool| {
        let start = Instant::now();
        let eng = Engine::open(
            Arc::clone(&model),
            &path,
            &OpenOptions {
                verify,
                ..OpenOptions::default()
            },
        )
        .expect("open");
        assert_eq!(eng.events().len(), events);
        start.elapsed().as_secs_f64()
    };
    let verified = time_open(true);
    let unverified = time_open(false);
    let start = Instant::now();
    gridgov::journal::verify(&path).expect("verify");
    let verify_only = start.elapsed().as_secs_f64();
    println!(
        "journal figures: {events} events ({n} calls) written in batches of 10 000 in {write:.2} s ({:.0} calls/s); file {bytes} bytes = {:.0} bytes/event; open with verify {verified:.2} s, without {unverified:.2} s; journal::verify alone {verify_only:.2} s",
        n as f64 / write,
        bytes as f64 / events as f64,
    );
    remove(&path);
    let _ = std::fs::remove_dir(&dir);
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    rates(&mut c);
    c.final_summary();
    open_figures();
}
