//! Scoring throughput: validating 10^6 case records (CSV parsing excluded) and scoring them
//! at all three levels (every area level, departments, the four post tables).

#[path = "../tests/common/mod.rs"]
mod common;

use std::sync::Arc;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use gridgov::Model;
use gridgov::score::{Records, score};

fn bench(c: &mut Criterion) {
    let model = Arc::new(Model::sample());
    let n = 1_000_000;
    let csv = common::random_records_csv(&model, n, 11);
    let records = Records::from_csv(Arc::clone(&model), &csv, None).expect("records");
    let cols = records.to_columns();
    let cal = model.calendar();
    let (start, end) = (
        cal.parse_local("2026-01-01").expect("start"),
        cal.parse_local("2026-07-01").expect("end"),
    );
    let mut g = c.benchmark_group("score");
    g.sample_size(10);
    g.throughput(Throughput::Elements(n as u64));
    g.bench_function("validate 1e6 records", |b| {
        b.iter(|| Records::from_columns(Arc::clone(&model), &cols, None).expect("valid"));
    });
    g.bench_function("score 1e6 records, every table", |b| {
        b.iter(|| {
            let card = score(&records, start, end, None).expect("card");
            for level in model.territory().levels() {
                card.areas(level).expect("areas");
            }
            card.departments();
            for role in ["supervisor", "acceptor", "shift_leader", "dispatcher"] {
                card.posts(role).expect("posts");
            }
            card
        });
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
