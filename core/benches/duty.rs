//! Routing and the static duty check at city scale (10^5 grids × 504 categories).

#[path = "../tests/common/mod.rs"]
mod common;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use gridgov::Model;

fn bench(c: &mut Criterion) {
    // 10 districts × 10 streets × 10 communities × 100 grids = 10^5 grids; 12 × 42 = 504 leaves.
    let model = Model::from_file(common::large_city(10, 100, 42, 42)).expect("valid");
    let cells = model.check().cells;
    let mut g = c.benchmark_group("duty");
    g.sample_size(10);
    g.throughput(Throughput::Elements(cells));
    g.bench_function("check_1e5_grids_x_504_categories", |b| {
        b.iter(|| model.check());
    });
    g.finish();

    let t = model.territory();
    let grids: Vec<String> = t
        .grids()
        .iter()
        .map(|g| t.area(*g).code.to_string())
        .collect();
    let cats: Vec<String> = model
        .catalog()
        .categories()
        .iter()
        .map(|c| c.key.to_string())
        .collect();
    let mut rng = common::Rng::new(9);
    let pairs: Vec<(usize, usize)> = (0..10_000)
        .map(|_| {
            (
                rng.below(cats.len() as u64) as usize,
                rng.below(grids.len() as u64) as usize,
            )
        })
        .collect();
    let mut g = c.benchmark_group("route");
    g.throughput(Throughput::Elements(pairs.len() as u64));
    g.bench_function("route_by_code_10k", |b| {
        b.iter(|| {
            pairs
                .iter()
                .filter(|(ci, gi)| model.route(&cats[*ci], &grids[*gi]).is_ok())
                .count()
        });
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
