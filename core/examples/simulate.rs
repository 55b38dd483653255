//! Simulates the sample city and prints what happened:
//! `cargo run --release -p gridgov --example simulate -- [START [DAYS [SEED [REPORTS_PER_DAY]]]]`
//! (defaults: 2026-03-02, 30 days, seed 1, 120 reports per working day).

use std::sync::Arc;
use std::time::Instant;

use gridgov::simulate::{Counts, Simulation, simulate};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize| args.get(i).map(String::as_str);
    let model = Arc::new(gridgov::Model::sample());
    let start = model
        .calendar()
        .parse_local(arg(0).unwrap_or("2026-03-02"))?;
    let mut sim = Simulation::new(start, arg(1).unwrap_or("30").parse()?);
    sim.seed = arg(2).unwrap_or("1").parse()?;
    sim.reports_per_day = match arg(3) {
        Some(n) => n.parse()?,
        None => Simulation::DEFAULT_REPORTS_PER_DAY,
    };
    let t0 = Instant::now();
    let eng = simulate(Arc::clone(&model), &sim)?;
    let elapsed = t0.elapsed();
    let counts = Counts::of(&eng)?;
    println!(
        "{} days from {} (seed {}, {} reports per working day): {} cases, {} events in {:.1} ms",
        sim.days,
        arg(0).unwrap_or("2026-03-02"),
        sim.seed,
        sim.reports_per_day,
        counts.cases,
        counts.events,
        elapsed.as_secs_f64() * 1e3
    );
    println!("{counts:#?}");
    println!("denials: {}", eng.denials().len());
    Ok(())
}
