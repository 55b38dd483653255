//! The audit trail at scale: export with the hash chain, `Engine::verify`, verification of
//! exported text, reading it back and the verified replay, on a simulated history of the sample
//! city (20 days at 3,000 reports a working day).

use std::sync::Arc;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use gridgov::Model;
use gridgov::engine::Engine;
use gridgov::simulate::{Simulation, simulate};

fn bench(c: &mut Criterion) {
    let model = Arc::new(Model::sample());
    let start = model
        .calendar()
        .parse_local("2026-03-02")
        .expect("a covered date");
    let sim = Simulation::new(start, 20)
        .with_seed(1)
        .with_reports_per_day(3_000);
    let eng = simulate(Arc::clone(&model), &sim).expect("the simulation runs");
    let text = eng.events_json_lines(None).expect("exports");
    let n = eng.events().len() as u64;
    let mut g = c.benchmark_group("chain");
    g.sample_size(10);
    g.throughput(Throughput::Elements(n));
    g.bench_function("export_events_json_lines", |b| {
        b.iter(|| eng.events_json_lines(None).expect("exports"));
    });
    g.bench_function("engine_verify", |b| {
        b.iter(|| eng.verify().expect("verifies"));
    });
    g.bench_function("verify_json_lines", |b| {
        b.iter(|| gridgov::audit::verify_json_lines(&text).expect("verifies"));
    });
    g.bench_function("from_json_lines", |b| {
        b.iter(|| gridgov::event::from_json_lines(&text).expect("reads"));
    });
    g.bench_function("replay_json_lines", |b| {
        b.iter(|| Engine::replay_json_lines(Arc::clone(&model), &text).expect("replays"));
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
