//! The polygon indexes (`spatial/polygon_index.rs`) give exactly the plain test's answer
//! (`GridMap::locate_unindexed`): on random points, on every vertex and edge midpoint, on every
//! crossing of the vertices' longitudes and latitudes (points on vertices, on horizontal and
//! vertical edges and on the lines through them), for detailed polygons with holes, islands and
//! shared boundaries; and memory stays near a dozen bytes per edge.

mod common;

use gridgov::spatial::{Crs, GridFeature, GridMap, GridMapOptions};

fn map_of(features: Vec<GridFeature>) -> GridMap {
    GridMap::from_features(features, &GridMapOptions::default())
        .unwrap_or_else(|e| panic!("{:?}", &e.issues()[..e.issues().len().min(3)]))
}

fn one(code: &str, polygons: Vec<Vec<Vec<[f64; 2]>>>) -> GridFeature {
    GridFeature {
        code: code.to_owned(),
        polygons,
    }
}

/// Compares indexed and plain location on `points`; returns how many were in some grid.
#[track_caller]
fn compare(map: &GridMap, points: &[[f64; 2]]) -> usize {
    let mut inside = 0;
    for p in points {
        let (a, b) = (map.locate(p[0], p[1]), map.locate_unindexed(p[0], p[1]));
        assert_eq!(a, b, "point {p:?}");
        inside += usize::from(a.is_some());
    }
    // The bulk form too (its Z-order visit and threads change nothing).
    let (lon, lat): (Vec<f64>, Vec<f64>) = points.iter().map(|p| (p[0], p[1])).unzip();
    let mut out = vec![0i64; points.len()];
    map.locate_many(&lon, &lat, Crs::Wgs84, 0, &mut out)
        .expect("valid points");
    for (p, o) in points.iter().zip(&out) {
        assert_eq!(
            *o,
            map.locate_unindexed(p[0], p[1]).map_or(-1, |g| g as i64),
            "point {p:?}"
        );
    }
    inside
}

/// Random points over the map's box, every vertex, every edge midpoint, and the crossings of
/// (a sample of) the vertices' longitudes and latitudes.
fn probes(map: &GridMap, rings: &[&[[f64; 2]]], seed: u64) -> Vec<[f64; 2]> {
    let b = map.bbox().expect("not empty");
    let (lon, lat) = common::random_points(10_000, b, 0.05, seed);
    let mut points: Vec<[f64; 2]> = lon.into_iter().zip(lat).map(|(x, y)| [x, y]).collect();
    let mut xs = Vec::new();
    let mut ys = Vec::new();
    let total: usize = rings.iter().map(|r| r.len()).sum();
    let every = (total / 4_000).max(1);
    for ring in rings {
        for w in ring.windows(2).step_by(every) {
            points.push(w[0]);
            points.push([
                f64::midpoint(w[0][0], w[1][0]),
                f64::midpoint(w[0][1], w[1][1]),
            ]);
            xs.push(w[0][0]);
            ys.push(w[0][1]);
        }
    }
    let step_x = (xs.len() / 80).max(1);
    let step_y = (ys.len() / 80).max(1);
    for x in xs.iter().step_by(step_x) {
        for y in ys.iter().step_by(step_y) {
            points.push([*x, *y]);
        }
    }
    points
}

#[test]
fn detailed_single_polygons() {
    for (k, n) in [60usize, 500, 5_000, 12_000].into_iter().enumerate() {
        let seed = k as u64 + 1;
        for ring in [
            common::jittered_circle(117.0, 36.0, 0.1, n, 0.02, seed),
            common::fractal_coastline(117.0, 36.0, 0.1, n, 0.55, seed),
        ] {
            let map = map_of(vec![one("A", vec![vec![ring.clone()]])]);
            let inside = compare(&map, &probes(&map, &[&ring], seed));
            assert!(inside > 1_000, "{inside}");
        }
    }
}

#[test]
fn holes_islands_and_multipolygons() {
    let shell = common::fractal_coastline(117.0, 36.0, 0.1, 3_000, 0.5, 5);
    // Many small holes on a ring around the centre, an island in one, a second part.
    let holes: Vec<Vec<[f64; 2]>> = (0..12u32)
        .map(|i| {
            let t = std::f64::consts::TAU * f64::from(i) / 12.0;
            common::jittered_circle(
                117.0 + 0.02 * t.cos(),
                36.0 + 0.02 * t.sin(),
                0.003,
                60,
                0.05,
                i.into(),
            )
        })
        .collect();
    let island = common::jittered_circle(117.02, 36.0, 0.002, 50, 0.05, 99);
    let other = common::jittered_circle(117.4, 36.0, 0.05, 400, 0.05, 98);
    let mut rings = vec![shell.clone()];
    rings.extend(holes.iter().cloned());
    let map = map_of(vec![
        one("A", vec![rings, vec![other.clone()]]),
        one("B", vec![vec![island.clone()]]),
    ]);
    let mut all: Vec<&[[f64; 2]]> = vec![&shell, &island, &other];
    all.extend(holes.iter().map(Vec::as_slice));
    let inside = compare(&map, &probes(&map, &all, 7));
    assert!(inside > 1_000);
}

#[test]
fn shared_detailed_boundaries_follow_the_tie_rule() {
    // A jittered lattice whose edges carry 15 vertices each (64 edges per polygon, indexed),
    // shared vertex for vertex between neighbours: points on shared edges and vertices go to
    // the smallest code in both forms.
    let lattice = common::lattice_polygons(8, 6, 15, 21);
    let rings: Vec<Vec<[f64; 2]>> = lattice.iter().map(|(_, r)| r.clone()).collect();
    let map = map_of(
        lattice
            .iter()
            .map(|(code, ring)| one(code, vec![vec![ring.clone()]]))
            .collect(),
    );
    let refs: Vec<&[[f64; 2]]> = rings.iter().map(Vec::as_slice).collect();
    compare(&map, &probes(&map, &refs, 8));
}

#[test]
fn axis_aligned_staircases() {
    // Exact horizontal and vertical edges on a lattice, probed at every lattice point and every
    // half-step: the ray's horizontal special case and the cell edges are hit head on.
    let mut ring = Vec::new();
    let steps = 100;
    for i in 0..steps {
        let (x, y) = (f64::from(i) * 0.001, f64::from(i) * 0.001);
        ring.push([117.0 + x, 36.0 + y]);
        ring.push([117.0 + x + 0.001, 36.0 + y]);
    }
    ring.push([117.0 + 0.1, 36.0 + 0.1]);
    ring.push([117.0, 36.0 + 0.1]);
    ring.push(ring[0]);
    let map = map_of(vec![one("S", vec![vec![ring.clone()]])]);
    let mut points = Vec::new();
    for i in 0..=2 * steps + 2 {
        for j in 0..=2 * steps + 2 {
            points.push([
                117.0 + f64::from(i) * 0.0005 - 0.0005,
                36.0 + f64::from(j) * 0.0005 - 0.0005,
            ]);
        }
    }
    let inside = compare(&map, &points);
    assert!(inside > 10_000, "{inside}");
}

#[test]
fn index_memory_is_about_a_dozen_bytes_per_edge() {
    let ring = common::fractal_coastline(117.0, 36.0, 0.1, 100_000, 0.55, 3);
    let map = map_of(vec![one("A", vec![vec![ring]])]);
    let (geometry, index) = map.memory_bytes();
    assert_eq!(geometry / 100_000, 16, "16 bytes per vertex: {geometry}");
    let per_edge = index as f64 / 100_000.0;
    eprintln!("index: {per_edge:.2} bytes per edge");
    assert!(per_edge < 24.0, "{per_edge} bytes per edge");
}
