//! Point location at city scale: 10^6 seeded random points into 2·10^4 generated grid
//! polygons (a jittered 200 × 100 lattice of quads with 8 or 48 vertices, over a 0.25° × 0.2°
//! box, the setting peers are usually measured in), on one thread and on all cores; loading and
//! indexing the map;
//! and GCJ-02 → WGS-84 conversion of 10^6 points.

#[path = "../tests/common/mod.rs"]
mod common;

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use gridgov::spatial::{Crs, GridMap, GridMapOptions, convert_many};

const POINTS: usize = 1_000_000;

fn bench(c: &mut Criterion) {
    let (lon, lat) = common::random_points(POINTS, common::LATTICE_BOX, 0.02, 7);
    let mut out = vec![0i64; POINTS];
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);

    for (per_edge, vertices) in [(1, 8), (11, 48)] {
        let text = common::lattice_geojson(200, 100, per_edge, 42);
        let map = GridMap::from_geojson_str(&text, "code").expect("valid lattice");
        assert_eq!(map.len(), 20_000);

        let mut g = c.benchmark_group(format!("locate_20k_polygons_{vertices}_vertices"));
        g.sample_size(10);
        g.throughput(Throughput::Elements(POINTS as u64));
        g.bench_function("1e6_points_1_thread", |b| {
            b.iter(|| {
                map.locate_many(&lon, &lat, Crs::Wgs84, 1, &mut out)
                    .expect("valid points");
            });
        });
        g.bench_function(format!("1e6_points_{cores}_threads"), |b| {
            b.iter(|| {
                map.locate_many(&lon, &lat, Crs::Wgs84, 0, &mut out)
                    .expect("valid points");
            });
        });
        g.finish();

        let mut g = c.benchmark_group(format!("build_20k_polygons_{vertices}_vertices"));
        g.sample_size(10);
        g.throughput(Throughput::Elements(20_000));
        g.bench_function("from_geojson_validated", |b| {
            b.iter(|| GridMap::from_geojson_str(black_box(&text), "code").expect("valid"));
        });
        let no_overlap = GridMapOptions {
            overlap_tolerance_m2: f64::INFINITY,
            ..GridMapOptions::default()
        };
        g.bench_function("from_geojson_without_overlap_check", |b| {
            b.iter(|| {
                GridMap::from_geojson_str_with(black_box(&text), &no_overlap).expect("valid")
            });
        });
        g.finish();
    }

    let mut g = c.benchmark_group("convert");
    g.sample_size(10);
    g.throughput(Throughput::Elements(POINTS as u64));
    let (mut x, mut y) = (vec![0.0; POINTS], vec![0.0; POINTS]);
    g.bench_function("gcj02_to_wgs84_1e6", |b| {
        b.iter(|| convert_many(&lon, &lat, Crs::Gcj02, Crs::Wgs84, &mut x, &mut y).expect("valid"));
    });
    g.bench_function("wgs84_to_gcj02_1e6", |b| {
        b.iter(|| convert_many(&lon, &lat, Crs::Wgs84, Crs::Gcj02, &mut x, &mut y).expect("valid"));
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
