//! Real boundaries (issue 15): detailed polygons of 10^3–10^5 vertices, generated seeded
//! (jittered circles and fractal coastlines, `core/tests/common/mod.rs`).
//!
//! - loading and validating 10^6 vertices (ten 10^5-vertex coastlines side by side), with and
//!   without the overlap check;
//! - locating 10^6 points into one detailed polygon, one thread, with the polygon index; and
//!   10^5 points by the plain test on every edge (`locate_unindexed`, what `locate` did before);
//! - locating 10^6 points given in WGS-84 and in GCJ-02 into the same map, one thread (the
//!   GCJ-02 → WGS-84 inverse is the difference).

#[path = "../tests/common/mod.rs"]
mod common;

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use gridgov::spatial::{Crs, GridFeature, GridMap, GridMapOptions, convert_many};

const POINTS: usize = 1_000_000;

/// Ten coastlines of `n` vertices each in a row, 0.5° apart (no overlaps).
fn coastlines(count: usize, n: usize) -> Vec<GridFeature> {
    (0..count)
        .map(|i| GridFeature {
            code: format!("C{i:02}"),
            polygons: vec![vec![common::fractal_coastline(
                110.0 + 0.5 * i as f64,
                30.0,
                0.2,
                n,
                0.55,
                i as u64 + 1,
            )]],
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("load_1e6_vertices");
    g.sample_size(10);
    g.throughput(Throughput::Elements(1_000_000));
    let features = coastlines(10, 100_000);
    g.bench_function("10_coastlines_of_1e5_validated", |b| {
        b.iter(|| {
            GridMap::from_features(black_box(features.clone()), &GridMapOptions::default())
                .expect("valid")
        });
    });
    let no_overlap = GridMapOptions {
        overlap_tolerance_m2: f64::INFINITY,
        ..GridMapOptions::default()
    };
    g.bench_function("10_coastlines_of_1e5_without_overlap_check", |b| {
        b.iter(|| GridMap::from_features(black_box(features.clone()), &no_overlap).expect("valid"));
    });
    let text = GridMap::from_features(features.clone(), &GridMapOptions::default())
        .expect("valid")
        .to_geojson();
    g.bench_function("10_coastlines_of_1e5_from_geojson_text", |b| {
        b.iter(|| GridMap::from_geojson_str(black_box(&text), "code").expect("valid"));
    });
    g.finish();

    let mut out = vec![0i64; POINTS];
    let mut plain = Vec::new();
    let mut g = c.benchmark_group("locate_1e6_points_1_thread");
    g.sample_size(10);
    g.throughput(Throughput::Elements(POINTS as u64));
    for n in [1_000usize, 10_000, 100_000] {
        for (shape, ring) in [
            (
                "circle",
                common::jittered_circle(117.0, 36.0, 0.1, n, 0.01, 3),
            ),
            (
                "coastline",
                common::fractal_coastline(117.0, 36.0, 0.1, n, 0.55, 3),
            ),
        ] {
            let map = GridMap::from_features(
                vec![GridFeature {
                    code: "A".into(),
                    polygons: vec![vec![ring]],
                }],
                &GridMapOptions::default(),
            )
            .expect("valid");
            let bbox = map.bbox().expect("not empty");
            let (lon, lat) = common::random_points(POINTS, bbox, 0.05, 11);
            g.bench_function(format!("{shape}_{n}_vertices"), |b| {
                b.iter(|| {
                    map.locate_many(&lon, &lat, Crs::Wgs84, 1, &mut out)
                        .expect("valid");
                });
            });
            if n <= 10_000 {
                // Before issue 15: the plain test on every edge (10^5 points, scaled to 10^6
                // by the throughput of the group below).
                plain.push((format!("{shape}_{n}_vertices"), map, lon, lat));
            }
        }
    }
    g.finish();

    let mut g = c.benchmark_group("locate_1e5_points_plain_test");
    g.sample_size(10);
    g.throughput(Throughput::Elements(100_000));
    for (name, map, lon, lat) in &plain {
        g.bench_function(name.as_str(), |b| {
            b.iter(|| {
                lon[..100_000]
                    .iter()
                    .zip(&lat[..100_000])
                    .filter(|(x, y)| map.locate_unindexed(**x, **y).is_some())
                    .count()
            });
        });
    }
    g.finish();

    // The same points in WGS-84 and in GCJ-02 (converted beforehand) into one map.
    let map =
        GridMap::from_features(coastlines(10, 10_000), &GridMapOptions::default()).expect("valid");
    let bbox = map.bbox().expect("not empty");
    let (lon, lat) = common::random_points(POINTS, bbox, 0.02, 12);
    let (mut glon, mut glat) = (vec![0.0; POINTS], vec![0.0; POINTS]);
    convert_many(&lon, &lat, Crs::Wgs84, Crs::Gcj02, &mut glon, &mut glat).expect("valid");
    let mut g = c.benchmark_group("locate_crs_1e6_points_1_thread");
    g.sample_size(10);
    g.throughput(Throughput::Elements(POINTS as u64));
    g.bench_function("wgs84", |b| {
        b.iter(|| {
            map.locate_many(&lon, &lat, Crs::Wgs84, 1, &mut out)
                .expect("valid");
        });
    });
    g.bench_function("gcj02", |b| {
        b.iter(|| {
            map.locate_many(&glon, &glat, Crs::Gcj02, 1, &mut out)
                .expect("valid");
        });
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
