//! Instruction-count probe for issue 17 (`valgrind --tool=callgrind`, which a loaded machine
//! does not disturb): simulates the sample city (`days` days at `reports` reports a working
//! day, seed 1), then runs one step of the audit trail on its events and prints its wall time:
//! `export` (`Engine::events_json_lines`), `verify` (`Engine::verify`), `read`
//! (`event::from_json_lines`) or `replay` (`Engine::replay_json_lines`).
//!
//! `cargo run --release -p gridgov --example chain_probe -- export|verify|read|replay [days]
//! [reports]`

use std::sync::Arc;
use std::time::Instant;

use gridgov::Model;
use gridgov::engine::Engine;
use gridgov::simulate::{Simulation, simulate};

fn main() -> Result<(), gridgov::Error> {
    let arg = |i: usize| std::env::args().nth(i);
    let mode = arg(1).unwrap_or_else(|| "export".to_owned());
    let days: u32 = arg(2).and_then(|a| a.parse().ok()).unwrap_or(3);
    let reports: u32 = arg(3).and_then(|a| a.parse().ok()).unwrap_or(3_000);
    let model = Arc::new(Model::sample());
    let start = model.calendar().parse_local("2026-03-02")?;
    let sim = Simulation::new(start, days)
        .with_seed(1)
        .with_reports_per_day(reports);
    let eng = simulate(Arc::clone(&model), &sim)?;
    let text = if mode == "read" || mode == "replay" {
        eng.events_json_lines(None)?
    } else {
        String::new()
    };
    let n = eng.events().len();
    let t = Instant::now();
    match mode.as_str() {
        "export" => drop(eng.events_json_lines(None)?),
        "verify" => drop(eng.verify()?),
        "read" => drop(gridgov::event::from_json_lines(&text)?),
        _ => drop(Engine::replay_json_lines(Arc::clone(&model), &text)?),
    }
    let s = t.elapsed().as_secs_f64();
    println!(
        "{mode}: {n} events, {s:.3} s, {:.0} k events/s",
        n as f64 / s / 1e3
    );
    Ok(())
}
