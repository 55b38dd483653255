//! Benchmarks of the working calendar: single calls and the bulk forms over 10^6 seeded random
//! instants in 2024–2026 with random durations of 0–40 working hours.
//!
//! Run with `cargo bench -p gridgov --bench calendar` (add `-- --quick` for a short run).

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use gridgov::calendar::{Calendar, DAY_MS, Millis};

const H: i64 = 3_600_000;
const BULK: usize = 1_000_000;

struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Random instants in the covered years (stopping 30 days before the end, so that adding up to
/// 40 working hours never runs past 2026) and random durations of 0–40 working hours.
fn inputs(cal: &Calendar, n: usize, seed: u64) -> (Vec<Millis>, Vec<i64>) {
    let (first, end) = cal.covered_range();
    let span = (end - first - 30 * DAY_MS) as u64;
    let mut rng = XorShift(seed);
    let starts = (0..n).map(|_| first + rng.below(span) as i64).collect();
    let durations = (0..n)
        .map(|_| rng.below(40 * H as u64 + 1) as i64)
        .collect();
    (starts, durations)
}

fn single(c: &mut Criterion) {
    let cal = Calendar::china();
    let n = 4096;
    let (starts, durations) = inputs(&cal, n, 1);
    let mut ends = vec![0; n];
    if cal
        .add_working_many(&starts, &durations, &mut ends)
        .is_err()
    {
        return;
    }
    let dates: Vec<_> = starts
        .iter()
        .filter_map(|&t| cal.try_local_date(t).ok())
        .collect();

    let mut g = c.benchmark_group("calendar_single");
    g.sample_size(20)
        .measurement_time(Duration::from_secs(2))
        .warm_up_time(Duration::from_millis(500))
        .throughput(Throughput::Elements(1));
    let mask = n - 1;
    let mut i = 0;
    g.bench_function("is_workday", |b| {
        b.iter(|| {
            i = (i + 1) & mask;
            cal.is_workday(black_box(dates[i]))
        });
    });
    g.bench_function("add_working", |b| {
        b.iter(|| {
            i = (i + 1) & mask;
            cal.add_working(black_box(starts[i]), black_box(durations[i]))
        });
    });
    g.bench_function("working_between", |b| {
        b.iter(|| {
            i = (i + 1) & mask;
            cal.working_between(black_box(starts[i]), black_box(ends[i]))
        });
    });
    g.bench_function("next_working", |b| {
        b.iter(|| {
            i = (i + 1) & mask;
            cal.next_working(black_box(starts[i]))
        });
    });
    g.finish();
}

fn bulk(c: &mut Criterion) {
    let cal = Calendar::china();
    let (starts, durations) = inputs(&cal, BULK, 2);
    let mut out = vec![0; BULK];
    let mut ends = vec![0; BULK];
    if cal
        .add_working_many(&starts, &durations, &mut ends)
        .is_err()
    {
        return;
    }
    let mut flags = vec![false; BULK];

    let mut g = c.benchmark_group("calendar_bulk_1e6");
    g.sample_size(10)
        .measurement_time(Duration::from_secs(3))
        .warm_up_time(Duration::from_millis(500))
        .throughput(Throughput::Elements(BULK as u64));
    g.bench_function("add_working_many", |b| {
        b.iter(|| cal.add_working_many(black_box(&starts), black_box(&durations), &mut out));
    });
    g.bench_function("working_between_many", |b| {
        b.iter(|| cal.working_between_many(black_box(&starts), black_box(&ends), &mut out));
    });
    g.bench_function("next_working_many", |b| {
        b.iter(|| cal.next_working_many(black_box(&starts), &mut out));
    });
    g.bench_function("is_workday_many", |b| {
        b.iter(|| cal.is_workday_many(black_box(&starts), &mut flags));
    });
    g.finish();
}

criterion_group!(benches, single, bulk);
criterion_main!(benches);
