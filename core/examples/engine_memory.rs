//! Measures the resident memory of an engine holding 10^6 open cases (each reported,
//! accepted, filed and dispatched: four events), as `VmRSS` from `/proc/self/status`.
//!
//! `cargo run --release -p gridgov --example engine_memory [cases]`

use std::sync::Arc;

use gridgov::Model;
use gridgov::case::{Action, Actor, Report, Source};
use gridgov::engine::Engine;

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|n| n.parse().ok()))
        })
        .unwrap_or(0)
}

fn main() -> Result<(), gridgov::Error> {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let model = Arc::new(Model::sample());
    let grids: Vec<String> = model
        .org()
        .find_worker("SV001")
        .map(|w| model.org().worker(w).grids.clone())?
        .iter()
        .map(|g| model.territory().area(*g).code.to_string())
        .collect();
    let before = rss_kib();
    let started = std::time::Instant::now();
    let mut eng = Engine::new(model);
    let w = |s: &str| Actor::Worker(s.into());
    let (sv, ac, sl, dp) = (w("SV001"), w("AC01"), w("SL01"), w("DP01"));
    // 2025-11-03 09:00 +08:00 plus one second per case
    let t0 = 1_762_131_600_000_i64;
    for i in 0..n {
        let t = t0 + i as i64 * 1000;
        let id = eng.report(
            sv.clone(),
            t,
            Report {
                category: ["E0102", "C0101", "E0101", "C0201"][i % 4].into(),
                grid: grids[i % grids.len()].as_str().into(),
                point: None,
                urgency: None,
                source: Source::Supervisor,
                description: String::new(),
                contact: None,
                contact_sha256: None,
            },
        )?;
        eng.act(id, ac.clone(), t, Action::Accept)?;
        eng.act(id, sl.clone(), t, Action::File)?;
        eng.act(
            id,
            dp.clone(),
            t,
            Action::Dispatch {
                unit: None,
                reason: None,
            },
        )?;
    }
    let elapsed = started.elapsed();
    let after = rss_kib();
    let open = eng.cases().iter().filter(|c| c.state.is_open()).count();
    println!(
        "{open} open cases, {} events: RSS {:.1} MiB ({:.0} bytes per case), built in {:.2} s ({:.2} M actions/s)",
        eng.events().len(),
        (after - before) as f64 / 1024.0,
        (after - before) as f64 * 1024.0 / n as f64,
        elapsed.as_secs_f64(),
        (n * 4) as f64 / elapsed.as_secs_f64() / 1e6
    );
    Ok(())
}
