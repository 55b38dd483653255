//! Spatial: coordinate systems against published pairs, grid maps (validation, point location
//! and its boundary rule, adjacency, `GeoJSON` round trip) and the sample city's boundaries.

mod common;

use std::collections::BTreeSet;

use geo::coordinate_position::CoordPos;
use geo::{CoordinatePosition, GeodesicArea, LineString, MultiPolygon, Polygon};
use gridgov::spatial::{
    Crs, DEFAULT_MIN_SHARED_M, GridFeature, GridMap, GridMapOptions, convert, convert_many,
};
use gridgov::{Error, ErrorKind, Model};
use serde_json::{Value, json};

// ------------------------------------------------------------------ coordinate systems

fn close(a: (f64, f64), b: (f64, f64), tol: f64) -> bool {
    (a.0 - b.0).abs() <= tol && (a.1 - b.1).abs() <= tol
}

#[track_caller]
fn assert_close(got: (f64, f64), want: (f64, f64), tol: f64) {
    assert!(
        close(got, want, tol),
        "got {got:?}, want {want:?} (tolerance {tol:e}; off by {:e}, {:e})",
        got.0 - want.0,
        got.1 - want.1
    );
}

/// wandergis/coordtransform, `test/app.js` (the reference JavaScript implementation of the
/// GCJ-02 and BD-09 formulas), for the point (116.404, 39.915) near Tiananmen.
#[test]
fn coordtransform_published_pairs() {
    let p = (116.404, 39.915);
    // wgs84togcj02: [116.41024449916938, 39.91640428150164] — same formula, same constants.
    assert_close(
        convert(p.0, p.1, Crs::Wgs84, Crs::Gcj02).unwrap(),
        (116.410_244_499_169_38, 39.916_404_281_501_64),
        1e-12,
    );
    // gcj02tobd09: [116.41036949371029, 39.92133699351021]
    assert_close(
        convert(p.0, p.1, Crs::Gcj02, Crs::Bd09).unwrap(),
        (116.410_369_493_710_29, 39.921_336_993_510_21),
        1e-12,
    );
    // bd09togcj02: [116.39762729119315, 39.90865673957631] — Baidu's approximate inverse; ours
    // iterates, so it differs by the approximation's error (~4e-7) but maps back exactly.
    let g = convert(p.0, p.1, Crs::Bd09, Crs::Gcj02).unwrap();
    assert_close(g, (116.397_627_291_193_15, 39.908_656_739_576_31), 1e-6);
    assert_close(convert(g.0, g.1, Crs::Gcj02, Crs::Bd09).unwrap(), p, 1e-10);
    // gcj02towgs84: [116.39775550083061, 39.91359571849836] — the one-step `2p - f(p)`
    // estimate; the exact inverse is within its error (~1e-5) and maps back to p.
    let w = convert(p.0, p.1, Crs::Gcj02, Crs::Wgs84).unwrap();
    assert_close(w, (116.397_755_500_830_61, 39.913_595_718_498_36), 2e-5);
    assert!(!close(
        w,
        (116.397_755_500_830_61, 39.913_595_718_498_36),
        1e-7
    ));
    assert_close(convert(w.0, w.1, Crs::Wgs84, Crs::Gcj02).unwrap(), p, 1e-10);
}

/// googollee/eviltransform, `python/test.py`: (wgsLat, wgsLng, gcjLat, gcjLng) for Shanghai,
/// Shenzhen and Beijing. eviltransform uses a = 6378137 instead of Krasovsky's 6378245, which
/// moves the offset by ~1e-7 degrees; its own tests compare to 6 decimal places.
#[test]
fn eviltransform_published_pairs() {
    let tests = [
        (
            31.177_427_6,
            121.527_210_6,
            31.175_303_983_645_97,
            121.531_541_859_215,
        ),
        (
            22.543_847,
            113.912_316,
            22.540_796_131_694_766,
            113.917_176_480_836_3,
        ),
        (
            39.911_954,
            116.377_817,
            39.913_345_455_360_69,
            116.384_047_224_556_57,
        ),
    ];
    for (wlat, wlon, glat, glon) in tests {
        assert_close(
            convert(wlon, wlat, Crs::Wgs84, Crs::Gcj02).unwrap(),
            (glon, glat),
            1e-6,
        );
        assert_close(
            convert(glon, glat, Crs::Gcj02, Crs::Wgs84).unwrap(),
            (wlon, wlat),
            1e-6,
        );
    }
    // (Its TESTS_bd pairs are not used: eviltransform's own bd2wgs does not reproduce them,
    // they seem to come from Baidu's service rather than from the published formula.)
}

#[test]
fn round_trips_over_china_better_than_1e9() {
    let mut rng = common::Rng::new(5);
    let mut worst: f64 = 0.0;
    for _ in 0..20_000 {
        let p = (rng.uniform(73.0, 135.0), rng.uniform(1.0, 55.0));
        for from in Crs::ALL {
            for to in Crs::ALL {
                let q = convert(p.0, p.1, from, to).unwrap();
                let back = convert(q.0, q.1, to, from).unwrap();
                worst = worst.max((back.0 - p.0).abs()).max((back.1 - p.1).abs());
            }
        }
    }
    assert!(worst < 1e-9, "worst round trip error {worst:e} degrees");
    // Near the singular line lon = 105 (sqrt(|lon - 105|) in the offset) too.
    for lon in [105.0, 105.0 + 1e-12, 105.0 - 1e-9, 105.003] {
        let w = convert(lon, 30.0, Crs::Gcj02, Crs::Wgs84).unwrap();
        assert_close(
            convert(w.0, w.1, Crs::Wgs84, Crs::Gcj02).unwrap(),
            (lon, 30.0),
            1e-9,
        );
    }
}

#[test]
fn offsets_are_hundreds_of_metres_in_china() {
    // Jinan, Shandong: GCJ-02 moves a point by a few hundred metres, BD-09 by more.
    let (lon, lat) = (117.0, 36.65);
    let g = convert(lon, lat, Crs::Wgs84, Crs::Gcj02).unwrap();
    let b = convert(lon, lat, Crs::Wgs84, Crs::Bd09).unwrap();
    let metres = |a: (f64, f64)| {
        let dx = (a.0 - lon) * 111_320.0 * lat.to_radians().cos();
        let dy = (a.1 - lat) * 110_950.0;
        dx.hypot(dy)
    };
    assert!((100.0..800.0).contains(&metres(g)), "{}", metres(g));
    assert!((500.0..2000.0).contains(&metres(b)), "{}", metres(b));
    // CGCS2000 is treated as WGS-84.
    assert_eq!(
        convert(lon, lat, Crs::Cgcs2000, Crs::Wgs84).unwrap(),
        (lon, lat)
    );
    assert_eq!(
        convert(lon, lat, Crs::Cgcs2000, Crs::Gcj02).unwrap(),
        convert(lon, lat, Crs::Wgs84, Crs::Gcj02).unwrap()
    );
}

#[test]
fn identity_outside_china() {
    let outside = [
        (2.3522, 48.8566),    // Paris
        (-74.006, 40.7128),   // New York
        (151.2093, -33.8688), // Sydney
        (72.0, 30.0),         // just west of the box
        (137.84, 35.0),       // just east of the box
        (100.0, 0.8),         // just south
        (100.0, 55.83),       // just north
        (-180.0, -90.0),
        (180.0, 90.0),
    ];
    for (lon, lat) in outside {
        for from in Crs::ALL {
            for to in Crs::ALL {
                assert_eq!(
                    convert(lon, lat, from, to).unwrap(),
                    (lon, lat),
                    "{from}->{to}"
                );
            }
        }
    }
    // Just inside the box the offset applies.
    assert_ne!(
        convert(72.1, 30.0, Crs::Wgs84, Crs::Gcj02).unwrap(),
        (72.1, 30.0)
    );
}

#[test]
fn crs_names() {
    for (text, crs) in [
        ("wgs84", Crs::Wgs84),
        ("WGS84", Crs::Wgs84),
        ("EPSG:4326", Crs::Wgs84),
        ("epsg:4490", Crs::Cgcs2000),
        ("CGCS2000", Crs::Cgcs2000),
        ("gcj02", Crs::Gcj02),
        ("GCJ-02", Crs::Gcj02),
        (" bd09 ", Crs::Bd09),
        ("BD09", Crs::Bd09),
        ("bd09ll", Crs::Bd09),
    ] {
        assert_eq!(text.parse::<Crs>().unwrap(), crs, "{text}");
    }
    for crs in Crs::ALL {
        assert_eq!(crs.as_str().parse::<Crs>().unwrap(), crs);
        assert_eq!(crs.to_string(), crs.as_str());
    }
    let err = "utm50n".parse::<Crs>().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidValue);
    let Error::InvalidValue { what, value, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(what, "crs");
    assert!(value.contains("utm50n"));
    assert!(err.to_string().contains("utm50n"));
}

#[test]
fn conversion_errors_name_the_value_and_index() {
    for (lon, lat, what) in [
        (f64::NAN, 30.0, "lon"),
        (100.0, f64::INFINITY, "lat"),
        (500_000.0, 4_000_000.0, "lon"), // projected metres by mistake
        (100.0, 91.0, "lat"),
    ] {
        let err = convert(lon, lat, Crs::Gcj02, Crs::Wgs84).unwrap_err();
        let Error::InvalidValue { what: w, .. } = &err else {
            panic!("{err:?}")
        };
        assert_eq!(w, what);
    }
    let lon = [117.0, 117.1, f64::NAN, 117.2];
    let lat = [36.6, 36.7, 36.7, f64::NEG_INFINITY];
    let (mut x, mut y) = ([7.0; 4], [7.0; 4]);
    let err = convert_many(&lon, &lat, Crs::Gcj02, Crs::Wgs84, &mut x, &mut y).unwrap_err();
    assert!(err.to_string().contains("lon[2]"), "{err}");
    assert_eq!((x, y), ([7.0; 4], [7.0; 4]), "outputs untouched on error");
    let err = convert_many(
        &lon[..2],
        &lat[..1],
        Crs::Gcj02,
        Crs::Wgs84,
        &mut x[..2],
        &mut y[..2],
    )
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidValue);
    assert!(err.to_string().contains("lat"), "{err}");
    let err = convert_many(
        &lon[..2],
        &lat[..2],
        Crs::Gcj02,
        Crs::Wgs84,
        &mut x[..3],
        &mut y[..2],
    )
    .unwrap_err();
    assert!(err.to_string().contains("out_lon"), "{err}");
    // Empty arrays are fine.
    convert_many(&[], &[], Crs::Wgs84, Crs::Bd09, &mut [], &mut []).unwrap();
}

#[test]
fn convert_many_matches_convert_on_all_cores() {
    let (lon, lat) = common::random_points(100_000, [110.0, 20.0, 125.0, 45.0], 0.0, 3);
    let (mut x, mut y) = (vec![0.0; lon.len()], vec![0.0; lon.len()]);
    convert_many(&lon, &lat, Crs::Bd09, Crs::Wgs84, &mut x, &mut y).unwrap();
    for i in (0..lon.len()).step_by(997) {
        assert_eq!(
            (x[i], y[i]),
            convert(lon[i], lat[i], Crs::Bd09, Crs::Wgs84).unwrap()
        );
    }
}

// ------------------------------------------------------------------ building test maps

fn square(x0: f64, y0: f64, x1: f64, y1: f64) -> Vec<[f64; 2]> {
    vec![[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]
}

fn polygon(rings: &[Vec<[f64; 2]>]) -> Value {
    json!({"type": "Polygon", "coordinates": rings})
}

fn feature(code: &str, geometry: Value) -> Value {
    let mut f = json!({"type": "Feature", "properties": {"code": code}});
    f["geometry"] = geometry;
    f
}

fn collection(features: Vec<Value>) -> String {
    let mut c = json!({"type": "FeatureCollection"});
    c["features"] = Value::Array(features);
    c.to_string()
}

/// A 2 × 2 block of unit squares (degrees scaled by `s`) at (117, 36):
///
/// ```text
///   y=2 +-----+-----+
///       |  C  |  D  |
///   y=1 +-----+-----+
///       |  A  |  B  |
///   y=0 +-----+-----+
///      x=0   x=1   x=2
/// ```
/// plus a grid "E" with a hole, and a `MultiPolygon` grid "F" whose second part fills E's hole.
/// Features are written in reverse code order, so index order (by code) differs from file order.
fn block_map() -> (String, f64) {
    let s = 0.001;
    let (ox, oy) = (117.0, 36.0);
    let sq = |x0: f64, y0: f64, x1: f64, y1: f64| {
        square(ox + x0 * s, oy + y0 * s, ox + x1 * s, oy + y1 * s)
    };
    let mut hole = sq(3.4, 0.4, 3.6, 0.6);
    hole.reverse();
    let features = vec![
        feature(
            "F",
            json!({"type": "MultiPolygon", "coordinates": [
                [sq(5.0, 0.0, 6.0, 1.0)],
                [sq(3.4, 0.4, 3.6, 0.6)],
            ]}),
        ),
        feature("E", polygon(&[sq(3.0, 0.0, 4.0, 1.0), hole])),
        feature("D", polygon(&[sq(1.0, 1.0, 2.0, 2.0)])),
        feature("C", polygon(&[sq(0.0, 1.0, 1.0, 2.0)])),
        feature("B", polygon(&[sq(1.0, 0.0, 2.0, 1.0)])),
        feature("A", polygon(&[sq(0.0, 0.0, 1.0, 1.0)])),
    ];
    (collection(features), s)
}

fn at(s: f64, x: f64, y: f64) -> (f64, f64) {
    (117.0 + x * s, 36.0 + y * s)
}

// ------------------------------------------------------------------ point location

#[test]
fn codes_are_sorted_and_indexed() {
    let (text, _) = block_map();
    let map = GridMap::from_geojson_str(&text, "code").unwrap();
    assert_eq!(map.codes(), ["A", "B", "C", "D", "E", "F"]);
    assert_eq!(map.len(), 6);
    assert!(!map.is_empty());
    assert_eq!(map.index_of("D"), Some(3));
    assert_eq!(map.index_of("Z"), None);
    assert_eq!(map.code(5), Some("F"));
    assert_eq!(map.code(6), None);
    assert!(map.area_m2(6).is_nan());
    let b = map.bbox().unwrap();
    assert!((b[0] - 117.0).abs() < 1e-12 && (b[2] - 117.006).abs() < 1e-12);
    assert_eq!(map.version(), None);
}

#[test]
fn inside_outside_holes_and_multipolygons() {
    let (text, s) = block_map();
    let map = GridMap::from_geojson_str(&text, "code").unwrap();
    let loc = |x: f64, y: f64| {
        let (lon, lat) = at(s, x, y);
        map.locate(lon, lat).map(|i| map.codes()[i].as_str())
    };
    assert_eq!(loc(0.5, 0.5), Some("A"));
    assert_eq!(loc(1.5, 0.5), Some("B"));
    assert_eq!(loc(0.5, 1.5), Some("C"));
    assert_eq!(loc(1.7, 1.2), Some("D"));
    assert_eq!(loc(3.2, 0.5), Some("E"));
    assert_eq!(
        loc(3.5, 0.5),
        Some("F"),
        "the hole of E is filled by F's second part"
    );
    assert_eq!(loc(5.5, 0.5), Some("F"));
    // Outside everything.
    assert_eq!(loc(2.5, 0.5), None);
    assert_eq!(loc(-0.1, 0.5), None);
    assert_eq!(loc(4.5, 0.5), None);
    assert_eq!(loc(0.5, 2.1), None);
    assert_eq!(map.locate(f64::NAN, 36.0), None);
    assert_eq!(map.locate(0.0, 0.0), None);
}

#[test]
fn hole_without_a_filling_grid_is_in_no_grid() {
    let s = 0.001;
    let sq = |x0: f64, y0: f64, x1: f64, y1: f64| {
        square(117.0 + x0 * s, 36.0 + y0 * s, 117.0 + x1 * s, 36.0 + y1 * s)
    };
    let text = collection(vec![feature(
        "E",
        polygon(&[sq(0.0, 0.0, 1.0, 1.0), sq(0.4, 0.4, 0.6, 0.6)]),
    )]);
    let map = GridMap::from_geojson_str(&text, "code").unwrap();
    let (lon, lat) = at(s, 0.5, 0.5);
    assert_eq!(map.locate(lon, lat), None, "inside the hole");
    let (lon, lat) = at(s, 0.4, 0.5);
    assert_eq!(
        map.locate(lon, lat),
        Some(0),
        "on the hole's boundary: closed polygon"
    );
    let (lon, lat) = at(s, 0.2, 0.5);
    assert_eq!(map.locate(lon, lat), Some(0));
    // The hole's area is excluded.
    let full = GridMap::from_geojson_str(
        &collection(vec![feature("E", polygon(&[sq(0.0, 0.0, 1.0, 1.0)]))]),
        "code",
    )
    .unwrap();
    let ratio = map.area_m2(0) / full.area_m2(0);
    assert!((ratio - 0.96).abs() < 1e-9, "{ratio}");
}

#[test]
fn boundary_rule_on_shared_edges_and_vertices() {
    let (text, s) = block_map();
    let map = GridMap::from_geojson_str(&text, "code").unwrap();
    let loc = |x: f64, y: f64| {
        let (lon, lat) = at(s, x, y);
        map.locate(lon, lat).map(|i| map.codes()[i].as_str())
    };
    // The vertex shared by A, B, C, D: smallest code.
    assert_eq!(loc(1.0, 1.0), Some("A"));
    // Shared edges: the smaller code of the two.
    assert_eq!(loc(1.0, 0.5), Some("A")); // A|B
    assert_eq!(loc(0.5, 1.0), Some("A")); // A/C
    assert_eq!(loc(1.5, 1.0), Some("B")); // B/D
    assert_eq!(loc(1.0, 1.5), Some("C")); // C|D
    // Outer boundary of the map: the one grid whose boundary it is.
    assert_eq!(loc(0.0, 0.5), Some("A"));
    assert_eq!(loc(2.0, 0.5), Some("B"));
    assert_eq!(loc(2.0, 2.0), Some("D"));
    assert_eq!(loc(0.0, 2.0), Some("C"));
    assert_eq!(loc(1.5, 2.0), Some("D"));
    // The hole boundary shared by E (hole) and F (part): E < F.
    assert_eq!(loc(3.4, 0.5), Some("E"));
    assert_eq!(loc(3.6, 0.6), Some("E"));
}

#[test]
fn boundary_rule_on_skewed_shared_edges() {
    // Two triangles sharing a diagonal with awkward coordinates: points computed to lie on
    // the diagonal in floating point go to the smaller code; the robust predicate decides
    // "on" the same way for both rings.
    let sw = [117.012_345_678_9, 36.612_345_678_9];
    let ne = [117.023_456_789_1, 36.634_567_891_2];
    let se = [117.023_456_789_1, 36.612_345_678_9];
    let nw = [117.012_345_678_9, 36.634_567_891_2];
    let text = collection(vec![
        feature("Y", polygon(&[vec![sw, se, ne, sw]])),
        feature("X", polygon(&[vec![sw, ne, nw, sw]])),
    ]);
    let map = GridMap::from_geojson_str(&text, "code").unwrap();
    let mut on_edge = 0;
    for k in 0..=1000 {
        let frac = f64::from(k) / 1000.0;
        let q = [
            sw[0] + frac * (ne[0] - sw[0]),
            sw[1] + frac * (ne[1] - sw[1]),
        ];
        let got = map.locate(q[0], q[1]);
        // Every point of the segment's hull is in one of the two grids, never in none.
        assert!(got.is_some(), "{q:?}");
        let exact = geo::Line::new(
            geo::coord! {x: sw[0], y: sw[1]},
            geo::coord! {x: ne[0], y: ne[1]},
        )
        .coordinate_position(&geo::coord! {x: q[0], y: q[1]});
        if exact == CoordPos::OnBoundary || exact == CoordPos::Inside {
            on_edge += 1;
            assert_eq!(got, Some(0), "exactly on the shared edge: X (index 0)");
        }
    }
    assert!(on_edge >= 2, "{on_edge}");
}

#[test]
fn results_do_not_depend_on_feature_order() {
    let polys = common::lattice_polygons(12, 9, 2, 77);
    let build = |order: &[usize]| {
        let features = order
            .iter()
            .map(|&i| feature(&polys[i].0, polygon(&[polys[i].1.clone()])))
            .collect();
        GridMap::from_geojson_str(&collection(features), "code").unwrap()
    };
    let forward: Vec<usize> = (0..polys.len()).collect();
    let mut shuffled = forward.clone();
    let mut rng = common::Rng::new(11);
    for i in (1..shuffled.len()).rev() {
        shuffled.swap(i, rng.below(i as u64 + 1) as usize);
    }
    let m1 = build(&forward);
    let m2 = build(&shuffled);
    assert_eq!(m1, m2);
    // Every vertex of the lattice (shared by up to four grids) goes to the same grid.
    for (_, ring) in &polys {
        for p in ring {
            assert_eq!(m1.locate(p[0], p[1]), m2.locate(p[0], p[1]));
        }
    }
}

fn sample_map() -> GridMap {
    Model::sample()
        .grid_map()
        .expect("sample boundaries")
        .clone()
}

/// Brute force over every grid of a map, from its `GeoJSON`, with geo's own point-in-polygon.
struct BruteForce {
    grids: Vec<(MultiPolygon<f64>, geo::Rect<f64>)>,
}

impl BruteForce {
    fn new(map: &GridMap) -> Self {
        use geo::BoundingRect;
        let v: Value = serde_json::from_str(&map.to_geojson()).expect("valid JSON");
        let ring = |r: &Value| {
            LineString::from(
                r.as_array()
                    .expect("a ring")
                    .iter()
                    .map(|p| (p[0].as_f64().expect("lon"), p[1].as_f64().expect("lat")))
                    .collect::<Vec<_>>(),
            )
        };
        let poly = |rings: &Value| {
            let rings = rings.as_array().expect("rings");
            Polygon::new(ring(&rings[0]), rings[1..].iter().map(ring).collect())
        };
        let grids = v["features"]
            .as_array()
            .expect("features")
            .iter()
            .map(|f| {
                let g = &f["geometry"];
                let mp = if g["type"] == "Polygon" {
                    MultiPolygon::new(vec![poly(&g["coordinates"])])
                } else {
                    MultiPolygon::new(
                        g["coordinates"]
                            .as_array()
                            .expect("polygons")
                            .iter()
                            .map(poly)
                            .collect(),
                    )
                };
                let rect = mp.bounding_rect().expect("not empty");
                (mp, rect)
            })
            .collect();
        Self { grids }
    }

    /// The documented rule: interior first, then the smallest index among closed polygons.
    fn locate(&self, lon: f64, lat: f64) -> Option<usize> {
        let c = geo::coord! {x: lon, y: lat};
        let mut boundary = None;
        for (i, (mp, r)) in self.grids.iter().enumerate() {
            if c.x < r.min().x || c.x > r.max().x || c.y < r.min().y || c.y > r.max().y {
                continue;
            }
            match mp.coordinate_position(&c) {
                CoordPos::Inside => return Some(i),
                CoordPos::OnBoundary if boundary.is_none() => boundary = Some(i),
                _ => {}
            }
        }
        boundary
    }
}

#[test]
fn sample_city_matches_brute_force_on_1e5_random_points() {
    let map = sample_map();
    let brute = BruteForce::new(&map);
    let (lon, lat) = common::random_points(100_000, map.bbox().unwrap(), 0.02, 2026);
    let mut out = vec![0i64; lon.len()];
    map.locate_many(&lon, &lat, Crs::Wgs84, 0, &mut out)
        .unwrap();
    let mut inside = 0;
    for i in 0..lon.len() {
        let want = brute.locate(lon[i], lat[i]).map_or(-1, |g| g as i64);
        assert_eq!(out[i], want, "point {i}: ({}, {})", lon[i], lat[i]);
        assert_eq!(map.locate(lon[i], lat[i]).map_or(-1, |g| g as i64), want);
        inside += usize::from(want >= 0);
    }
    // Roads, ponds and the empty corners of the community blocks are in no grid.
    // (about half of the city's box: the blocks cover ~19 km² of ~39 km²)
    assert!(inside > 40_000 && inside < 60_000, "{inside}");
}

#[test]
fn sample_city_matches_brute_force_on_every_vertex_and_edge_midpoint() {
    let map = sample_map();
    let brute = BruteForce::new(&map);
    let mut n = 0;
    for (mp, _) in &brute.grids {
        for poly in mp {
            for ring in std::iter::once(poly.exterior()).chain(poly.interiors()) {
                for line in ring.lines() {
                    let m = geo::coord! {
                        x: f64::midpoint(line.start.x, line.end.x),
                        y: f64::midpoint(line.start.y, line.end.y),
                    };
                    for c in [line.start, m] {
                        let got = map.locate(c.x, c.y);
                        assert_eq!(got, brute.locate(c.x, c.y), "{c:?}");
                        assert!(got.is_some() || brute.locate(c.x, c.y).is_none());
                        n += 1;
                    }
                }
            }
        }
    }
    assert!(n > 5000, "{n}");
}

#[test]
fn order_and_thread_independence() {
    let map = sample_map();
    let (lon, lat) = common::random_points(100_000, map.bbox().unwrap(), 0.02, 99);
    let run = |threads: usize, lon: &[f64], lat: &[f64]| {
        let mut out = vec![0i64; lon.len()];
        map.locate_many(lon, lat, Crs::Wgs84, threads, &mut out)
            .unwrap();
        out
    };
    let one = run(1, &lon, &lat);
    assert_eq!(run(2, &lon, &lat), one);
    assert_eq!(run(7, &lon, &lat), one);
    assert_eq!(run(0, &lon, &lat), one);
    // Shuffle the input: each point keeps its answer.
    let mut perm: Vec<usize> = (0..lon.len()).collect();
    let mut rng = common::Rng::new(4);
    for i in (1..perm.len()).rev() {
        perm.swap(i, rng.below(i as u64 + 1) as usize);
    }
    let (slon, slat): (Vec<f64>, Vec<f64>) = perm.iter().map(|&i| (lon[i], lat[i])).unzip();
    for threads in [1, 3] {
        let shuffled = run(threads, &slon, &slat);
        for (k, &i) in perm.iter().enumerate() {
            assert_eq!(shuffled[k], one[i]);
        }
    }
    // Small inputs (no threads, no reordering) agree too.
    for i in (0..lon.len()).step_by(101) {
        assert_eq!(run(2, &lon[i..=i], &lat[i..=i])[0], one[i]);
    }
}

#[test]
fn locate_many_converts_and_checks_input() {
    let map = sample_map();
    let (lon, lat) = common::random_points(20_000, map.bbox().unwrap(), 0.0, 5);
    // The same points written in GCJ-02 and BD-09 locate to the same grids.
    let mut want = vec![0i64; lon.len()];
    map.locate_many(&lon, &lat, Crs::Wgs84, 0, &mut want)
        .unwrap();
    for crs in [Crs::Gcj02, Crs::Bd09, Crs::Cgcs2000] {
        let (mut x, mut y) = (vec![0.0; lon.len()], vec![0.0; lon.len()]);
        convert_many(&lon, &lat, Crs::Wgs84, crs, &mut x, &mut y).unwrap();
        let mut got = vec![0i64; lon.len()];
        map.locate_many(&x, &y, crs, 2, &mut got).unwrap();
        let differ = got.iter().zip(&want).filter(|(a, b)| a != b).count();
        assert_eq!(differ, 0, "{crs}");
        assert_eq!(
            map.locate_in(x[0], y[0], crs)
                .unwrap()
                .map_or(-1, |g| g as i64),
            want[0]
        );
    }
    // Errors name the index; the output is untouched.
    let mut out = vec![-7i64; 3];
    let err = map
        .locate_many(
            &[117.0, 117.0, f64::NAN],
            &[36.7, 36.7, 36.7],
            Crs::Wgs84,
            0,
            &mut out,
        )
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidValue);
    assert!(err.to_string().contains("lon[2]"), "{err}");
    let err = map
        .locate_many(
            &[117.0, 117.0, 117.0],
            &[36.7, f64::INFINITY, 36.7],
            Crs::Gcj02,
            0,
            &mut out,
        )
        .unwrap_err();
    assert!(err.to_string().contains("lat[1]"), "{err}");
    assert_eq!(out, [-7, -7, -7]);
    let err = map
        .locate_many(&[117.0, 117.0], &[36.7], Crs::Wgs84, 0, &mut out[..2])
        .unwrap_err();
    assert!(err.to_string().contains("lat"), "{err}");
    let err = map
        .locate_many(&[117.0], &[36.7], Crs::Wgs84, 0, &mut out)
        .unwrap_err();
    assert!(err.to_string().contains("out"), "{err}");
    assert!(map.locate_in(f64::NAN, 1.0, Crs::Wgs84).is_err());
    map.locate_many(&[], &[], Crs::Wgs84, 0, &mut []).unwrap();
}

// ------------------------------------------------------------------ validation

fn issues_of(err: &Error) -> Vec<(String, String)> {
    assert_eq!(err.kind(), ErrorKind::Model, "{err:?}");
    err.issues()
        .iter()
        .map(|i| (i.path.clone(), i.message.clone()))
        .collect()
}

#[test]
fn every_problem_is_reported_with_its_feature() {
    let good = square(117.0, 36.0, 117.001, 36.001);
    let bowtie = vec![
        [117.01, 36.0],
        [117.011, 36.001],
        [117.011, 36.0],
        [117.01, 36.001],
        [117.01, 36.0],
    ];
    let unclosed = vec![
        [117.02, 36.0],
        [117.021, 36.0],
        [117.021, 36.001],
        [117.02, 36.001],
    ];
    let too_few = vec![[117.03, 36.0], [117.031, 36.0], [117.03, 36.0]];
    let overlapping = square(117.0005, 36.0, 117.0015, 36.001);
    let features = vec![
        feature("G0", polygon(std::slice::from_ref(&good))), // 0 ok
        feature("G1", polygon(&[bowtie])),                   // 1
        feature("G2", polygon(&[unclosed])),                 // 2
        feature("G3", polygon(&[too_few])),                  // 3
        feature("G4", json!({"type": "Point", "coordinates": [117.0, 36.0]})), // 4
        json!({"type": "Feature", "properties": {"code": "G5"}}), // 5
        json!({"type": "Feature", "properties": {"name": "x"},
               "geometry": polygon(&[square(117.05, 36.0, 117.051, 36.001)])}), // 6
        feature("G0", polygon(&[square(117.06, 36.0, 117.061, 36.001)])), // 7 duplicate
        feature("G8", polygon(&[overlapping])),              // 8 overlaps G0
        feature(
            "G9",
            polygon(&[
                square(117.07, 36.0, 117.071, 36.001),
                square(117.08, 36.0, 117.081, 36.001), // hole outside its shell
            ]),
        ),
        json!({"type": "Feature", "properties": {"code": 12.5},
               "geometry": polygon(&[square(117.09, 36.0, 117.091, 36.001)])}), // 10
        json!("not a feature"), // 11
        json!({"type": "Feature", "properties": {"code": "G12"},
               "geometry": {"type": "Polygon", "coordinates": [[[117.1, 36.0], [117.1]]]}}), // 12
    ];
    let err = GridMap::from_geojson_str(&collection(features), "code").unwrap_err();
    let issues = issues_of(&err);
    let find =
        |path: &str, needle: &str| issues.iter().any(|(p, m)| p == path && m.contains(needle));
    assert!(
        find(
            "features[1].geometry",
            "\"G1\": exterior ring has a self-intersection"
        ),
        "{issues:#?}"
    );
    assert!(
        find(
            "features[2].geometry",
            "\"G2\": exterior ring is not closed"
        ),
        "{issues:#?}"
    );
    assert!(
        find(
            "features[3].geometry",
            "\"G3\": exterior ring has 3 positions"
        ),
        "{issues:#?}"
    );
    assert!(
        find(
            "features[4].geometry",
            "\"G4\": geometry type \"Point\" is not a Polygon"
        ),
        "{issues:#?}"
    );
    assert!(
        find("features[5].geometry", "\"G5\" has no geometry"),
        "{issues:#?}"
    );
    assert!(
        find("features[6].properties.code", "missing grid code"),
        "{issues:#?}"
    );
    assert!(
        find(
            "features[7].properties.code",
            "duplicate grid code \"G0\" (first at features[0])"
        ),
        "{issues:#?}"
    );
    assert!(
        find(
            "features[8].geometry",
            "grid \"G8\" overlaps grid \"G0\" (features[0]) by"
        ),
        "{issues:#?}"
    );
    assert!(
        find(
            "features[9].geometry",
            "\"G9\": interior ring at index 0 is not contained"
        ),
        "{issues:#?}"
    );
    assert!(
        find("features[10].properties.code", "not an integer"),
        "{issues:#?}"
    );
    assert!(
        find("features[11]", "expected a Feature object"),
        "{issues:#?}"
    );
    assert!(
        find("features[12].geometry", "\"G12\": malformed Polygon"),
        "{issues:#?}"
    );
    // Reported in feature order.
    let order: Vec<usize> = issues
        .iter()
        .map(|(p, _)| p["features[".len()..p.find(']').unwrap()].parse().unwrap())
        .collect();
    assert!(order.windows(2).all(|w| w[0] <= w[1]), "{order:?}");
    assert!(
        !find("features[0].geometry", ""),
        "the good feature has no issue"
    );
}

#[test]
fn non_finite_coordinates_are_reported() {
    // JSON cannot carry NaN; hosts passing coordinates directly can.
    let mut nan = square(117.0, 36.0, 117.001, 36.001);
    nan[2][1] = f64::NAN;
    let mut inf = square(117.01, 36.0, 117.011, 36.001);
    inf[1][0] = f64::INFINITY;
    let projected = square(500_000.0, 4_000_000.0, 500_100.0, 4_000_100.0);
    let features = vec![
        GridFeature {
            code: "N".into(),
            polygons: vec![vec![nan]],
        },
        GridFeature {
            code: "I".into(),
            polygons: vec![vec![inf]],
        },
        GridFeature {
            code: "P".into(),
            polygons: vec![vec![projected]],
        },
        GridFeature {
            code: String::new(),
            polygons: vec![vec![square(117.02, 36.0, 117.021, 36.001)]],
        },
    ];
    let err = GridMap::from_features(features, &GridMapOptions::default()).unwrap_err();
    let issues = issues_of(&err);
    assert_eq!(issues.len(), 4, "{issues:#?}");
    assert_eq!(issues[0].0, "features[0].geometry");
    assert!(
        issues[0]
            .1
            .contains("\"N\": exterior ring has a non-finite coordinate at position 2")
    );
    assert!(issues[1].1.contains("\"I\"") && issues[1].1.contains("non-finite"));
    assert!(issues[2].1.contains("not longitude/latitude"));
    assert_eq!(issues[3].0, "features[3].properties.code");
    // The structured constructor builds the same map as GeoJSON.
    let polys = common::lattice_polygons(3, 2, 1, 1);
    let from_features = GridMap::from_features(
        polys
            .iter()
            .map(|(c, r)| GridFeature {
                code: c.clone(),
                polygons: vec![vec![r.clone()]],
            })
            .collect(),
        &GridMapOptions::default(),
    )
    .unwrap();
    let text = collection(
        polys
            .iter()
            .map(|(c, r)| feature(c, polygon(std::slice::from_ref(r))))
            .collect(),
    );
    assert_eq!(
        from_features,
        GridMap::from_geojson_str(&text, "code").unwrap()
    );
}

#[test]
fn wrong_shapes_and_malformed_json() {
    let err = GridMap::from_geojson_str("{\"type\": \"FeatureCollection\", ", "code").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Parse);
    let single = feature("A", polygon(&[square(117.0, 36.0, 117.001, 36.001)])).to_string();
    let err = GridMap::from_geojson_str(&single, "code").unwrap_err();
    assert_eq!(issues_of(&err)[0].0, "type");
    assert!(err.to_string().contains("found type \"Feature\""), "{err}");
    for text in [
        "[]",
        "42",
        "{\"features\": []}",
        "{\"type\": \"FeatureCollection\"}",
        "{\"type\": \"FeatureCollection\", \"features\": {}}",
    ] {
        let err = GridMap::from_geojson_str(text, "code").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Model, "{text}");
    }
    let empty =
        GridMap::from_geojson_str(r#"{"type":"FeatureCollection","features":[]}"#, "code").unwrap();
    assert!(empty.is_empty());
    assert_eq!(empty.locate(117.0, 36.0), None);
    assert_eq!(empty.bbox(), None);
    assert!(empty.adjacency(1.0).is_empty());
    // Options are checked.
    let bad = GridMapOptions {
        overlap_tolerance_m2: f64::NAN,
        ..GridMapOptions::default()
    };
    assert_eq!(
        GridMap::from_geojson_str_with(&single, &bad)
            .unwrap_err()
            .kind(),
        ErrorKind::InvalidValue
    );
}

#[test]
fn codes_from_other_properties_and_integers() {
    let text = collection(vec![
        json!({"type": "Feature", "properties": {"BGID": 37_990_100_100_101_u64},
               "geometry": polygon(&[square(117.0, 36.0, 117.001, 36.001)])}),
        json!({"type": "Feature", "properties": {"BGID": 37_990_100_100_102.0},
               "geometry": polygon(&[square(117.001, 36.0, 117.002, 36.001)])}),
    ]);
    let map = GridMap::from_geojson_str(&text, "BGID").unwrap();
    assert_eq!(map.codes(), ["37990100100101", "37990100100102"]);
    assert_eq!(map.code_property(), "BGID");
    let err = GridMap::from_geojson_str(&text, "code").unwrap_err();
    assert_eq!(issues_of(&err)[0].0, "features[0].properties.code");
}

#[test]
fn overlap_tolerance() {
    // Two squares of ~111 m x 111 m overlapping by a sliver 1e-7 degrees (~1 cm) wide:
    // about 1.1 m², over the default 1 m² but under 5 m².
    let a = square(117.0, 36.0, 117.001, 36.001);
    let b = square(117.001 - 1e-7, 36.0, 117.002, 36.001);
    let text = collection(vec![
        feature("A", polygon(&[a])),
        feature("B", polygon(&[b])),
    ]);
    let err = GridMap::from_geojson_str(&text, "code").unwrap_err();
    let issues = issues_of(&err);
    assert_eq!(issues.len(), 1, "{issues:?}");
    assert!(issues[0].1.contains("overlaps grid \"A\""), "{issues:?}");
    let lenient = GridMapOptions {
        overlap_tolerance_m2: 5.0,
        ..GridMapOptions::default()
    };
    let map = GridMap::from_geojson_str_with(&text, &lenient).unwrap();
    // Inside the sliver, both contain the point strictly: the smaller index wins.
    assert_eq!(map.locate(117.001 - 5e-8, 36.0005), Some(0));
    let off = GridMapOptions {
        overlap_tolerance_m2: f64::INFINITY,
        ..GridMapOptions::default()
    };
    assert!(GridMap::from_geojson_str_with(&text, &off).is_ok());
    // A grid inside another is an overlap too.
    let text = collection(vec![
        feature("A", polygon(&[square(117.0, 36.0, 117.001, 36.001)])),
        feature(
            "B",
            polygon(&[square(117.0002, 36.0002, 117.0004, 36.0004)]),
        ),
    ]);
    assert!(GridMap::from_geojson_str(&text, "code").is_err());
}

#[test]
fn multipolygon_parts_must_not_overlap() {
    let text = collection(vec![feature(
        "M",
        json!({"type": "MultiPolygon", "coordinates": [
            [square(117.0, 36.0, 117.002, 36.002)],
            [square(117.001, 36.001, 117.003, 36.003)],
        ]}),
    )]);
    let err = GridMap::from_geojson_str(&text, "code").unwrap_err();
    let issues = issues_of(&err);
    assert_eq!(issues[0].0, "features[0].geometry");
    assert!(
        issues[0]
            .1
            .contains("\"M\": polygons at indices 0 and 1 overlap"),
        "{issues:?}"
    );
}

#[test]
fn load_from_files() {
    let dir = std::env::temp_dir().join(format!("gridgov-spatial-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("grids.geojson");
    let (text, _) = block_map();
    std::fs::write(&path, &text).unwrap();
    let map = GridMap::load(&path, "code").unwrap();
    assert_eq!(map.len(), 6);
    let missing = dir.join("missing.geojson");
    let err = GridMap::load(&missing, "code").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Io);
    assert!(err.to_string().contains("missing.geojson"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn gcj02_files_are_converted_on_load() {
    fn shift(v: &mut Value) {
        match v {
            Value::Array(items) if items.first().is_some_and(Value::is_number) => {
                let (x, y) = (
                    items[0].as_f64().expect("lon"),
                    items[1].as_f64().expect("lat"),
                );
                let (gx, gy) = convert(x, y, Crs::Wgs84, Crs::Gcj02).expect("in range");
                *v = json!([gx, gy]);
            }
            Value::Array(items) => items.iter_mut().for_each(shift),
            _ => {}
        }
    }
    let map = sample_map();
    // Rewrite the sample city's boundaries in GCJ-02.
    let mut v: Value = serde_json::from_str(&map.to_geojson()).unwrap();
    for f in v["features"].as_array_mut().unwrap() {
        shift(&mut f["geometry"]["coordinates"]);
    }
    let options = GridMapOptions {
        crs: Crs::Gcj02,
        ..GridMapOptions::default()
    };
    let back = GridMap::from_geojson_str_with(&v.to_string(), &options).unwrap();
    assert_eq!(back.codes(), map.codes());
    assert_eq!(back.version(), map.version());
    for i in 0..map.len() {
        assert!((back.area_m2(i) / map.area_m2(i) - 1.0).abs() < 1e-6);
    }
    let (lon, lat) = common::random_points(10_000, map.bbox().unwrap(), 0.0, 8);
    let (mut a, mut b) = (vec![0i64; lon.len()], vec![0i64; lon.len()]);
    map.locate_many(&lon, &lat, Crs::Wgs84, 0, &mut a).unwrap();
    back.locate_many(&lon, &lat, Crs::Wgs84, 0, &mut b).unwrap();
    assert_eq!(a, b);
}

// ------------------------------------------------------------------ model and territory

#[test]
fn check_against_the_territory() {
    let model = Model::sample();
    let t = model.territory();
    let grid = |i: usize| t.area(t.grids()[i]).code.to_string();
    let text = collection(vec![
        feature(&grid(0), polygon(&[square(117.0, 36.0, 117.001, 36.001)])),
        feature(
            "37990100100199",
            polygon(&[square(117.001, 36.0, 117.002, 36.001)]),
        ),
        feature(&grid(1), polygon(&[square(117.002, 36.0, 117.003, 36.001)])),
        feature(
            "379901001001",
            polygon(&[square(117.003, 36.0, 117.004, 36.001)]),
        ),
    ]);
    let map = GridMap::from_geojson_str(&text, "code").unwrap();
    let err = map.check_against(t).unwrap_err();
    let issues = issues_of(&err);
    assert_eq!(
        issues,
        [
            (
                "features[1].properties.code".to_owned(),
                "\"37990100100199\" is not a unit grid of the model".to_owned()
            ),
            (
                "features[3].properties.code".to_owned(),
                "\"379901001001\" is not a unit grid of the model".to_owned()
            ),
        ]
    );
    assert_eq!(
        model.clone().with_grid_map(map).unwrap_err().issues().len(),
        2
    );
    // Two known grids: no error, the other 406 are reported as without boundary.
    let text = collection(vec![
        feature(&grid(0), polygon(&[square(117.0, 36.0, 117.001, 36.001)])),
        feature(&grid(1), polygon(&[square(117.002, 36.0, 117.003, 36.001)])),
    ]);
    let map = GridMap::from_geojson_str(&text, "code").unwrap();
    let missing = map.check_against(t).unwrap();
    assert_eq!(missing.len(), 406);
    assert_eq!(missing[0], grid(2));
    // Attaching it gives it the model's version.
    let with = model.clone().with_grid_map(map.clone()).unwrap();
    assert_eq!(with.grid_map().unwrap().version(), Some("2026.1"));
    assert_eq!(with.grid_map().unwrap().len(), 2);
    // A map of another version is refused.
    let other = map.with_version(Some("2025.9".into()));
    let err = model.with_grid_map(other).unwrap_err();
    assert_eq!(issues_of(&err)[0].0, "version");
}

#[test]
fn to_geojson_round_trips() {
    let (text, _) = block_map();
    let options = GridMapOptions {
        version: Some("v7".into()),
        ..GridMapOptions::default()
    };
    let map = GridMap::from_geojson_str_with(&text, &options).unwrap();
    let out = map.to_geojson();
    let back = GridMap::from_geojson_str(&out, "code").unwrap();
    assert_eq!(back, map);
    assert_eq!(back.version(), Some("v7"));
    assert_eq!(back.to_geojson(), out);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["type"], "FeatureCollection");
    assert_eq!(v["version"], "v7");
    assert_eq!(v["features"][5]["properties"]["code"], "F");
    assert_eq!(v["features"][5]["geometry"]["type"], "MultiPolygon");
    assert_eq!(
        v["features"][4]["geometry"]["coordinates"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let area = v["features"][0]["properties"]["area_m2"].as_f64().unwrap();
    assert!((area - map.area_m2(0)).abs() < 0.01);
    // The sample city too.
    let sample = sample_map();
    assert_eq!(
        GridMap::from_geojson_str(&sample.to_geojson(), "code").unwrap(),
        sample
    );
}

#[test]
fn grid_map_is_shareable() {
    fn check<T: Send + Sync + Clone + std::fmt::Debug>() {}
    check::<GridMap>();
    let map = sample_map();
    let debug = format!("{map:?}");
    assert!(debug.contains("grids: 408"), "{debug}");
}

// ------------------------------------------------------------------ the sample city

#[test]
fn sample_city_has_boundaries_for_every_grid() {
    let model = Model::sample();
    let map = model.grid_map().expect("boundaries");
    let t = model.territory();
    assert_eq!(map.len(), 408);
    assert_eq!(map.version(), Some("2026.1"));
    assert!(map.check_against(t).unwrap().is_empty());
    let mut codes: Vec<String> = t
        .grids()
        .iter()
        .map(|g| t.area(*g).code.to_string())
        .collect();
    codes.sort();
    assert_eq!(map.codes(), codes);
    // A plausible box in Shandong.
    let b = map.bbox().unwrap();
    assert!(
        b[0] > 117.0 && b[2] < 117.2 && b[1] > 36.6 && b[3] < 36.75,
        "{b:?}"
    );
    // Holes and multipolygons are exercised.
    let v: Value = serde_json::from_str(&map.to_geojson()).unwrap();
    let features = v["features"].as_array().unwrap();
    let multi = features
        .iter()
        .filter(|f| f["geometry"]["type"] == "MultiPolygon")
        .count();
    let holes = features
        .iter()
        .filter(|f| {
            f["geometry"]["type"] == "Polygon"
                && f["geometry"]["coordinates"].as_array().unwrap().len() > 1
        })
        .count();
    assert!(multi >= 2 && holes >= 4, "{multi} {holes}");
}

#[test]
fn sample_city_areas_agree_with_the_model() {
    let model = Model::sample();
    let map = model.grid_map().unwrap();
    let t = model.territory();
    for (i, code) in map.codes().iter().enumerate() {
        let area = map.area_m2(i);
        assert!((1e4..1e5).contains(&area), "{code}: {area}");
        let declared = t.area(t.find_grid(code).unwrap()).area_m2.unwrap();
        assert!(
            (declared / area - 1.0).abs() < 0.01,
            "{code}: {declared} vs {area}"
        );
        assert!(
            (declared - area).abs() < 0.1,
            "{code}: {declared} vs {area}"
        );
    }
    // Above the grids, areas are sums of the children.
    for a in t.areas() {
        let kids: Vec<_> = t
            .areas()
            .iter()
            .filter(|k| k.parent.is_some_and(|p| t.area(p).code == a.code))
            .collect();
        if kids.is_empty() {
            continue;
        }
        let sum: f64 = kids.iter().map(|k| k.area_m2.unwrap()).sum();
        assert!((sum - a.area_m2.unwrap()).abs() < 1.0, "{}", a.code);
    }
}

#[test]
fn local_projection_area_matches_geodesic_area() {
    let map = sample_map();
    let brute = BruteForce::new(&map);
    for (i, (mp, _)) in brute.grids.iter().enumerate() {
        let geodesic = mp.geodesic_area_unsigned();
        let ours = map.area_m2(i);
        assert!(
            (ours / geodesic - 1.0).abs() < 1e-5,
            "{}: {ours} vs {geodesic}",
            map.codes()[i]
        );
    }
}

#[test]
fn sample_city_adjacency_is_the_declared_neighbours() {
    let model = Model::sample();
    let map = model.grid_map().unwrap();
    let t = model.territory();
    let mut declared = BTreeSet::new();
    for g in t.grids() {
        let a = t.area(*g);
        for n in &a.neighbours {
            let (i, j) = (
                map.index_of(a.code.as_str()).unwrap(),
                map.index_of(t.area(*n).code.as_str()).unwrap(),
            );
            declared.insert((i.min(j), i.max(j)));
        }
    }
    let adjacency = map.adjacency(DEFAULT_MIN_SHARED_M);
    let found: BTreeSet<(usize, usize)> = adjacency.iter().map(|(i, j, _)| (*i, *j)).collect();
    assert_eq!(found, declared);
    for (i, j, len) in &adjacency {
        assert!(i < j);
        assert!((100.0..400.0).contains(len), "{i} {j} {len}");
    }
    assert!(
        adjacency
            .windows(2)
            .all(|w| (w[0].0, w[0].1) < (w[1].0, w[1].1))
    );
    // Diagonal neighbours meet at a single vertex: only found with a zero threshold... not even
    // then, since they share no length.
    assert_eq!(map.adjacency(0.0).len(), adjacency.len());
    let graph = map.adjacency_graph(DEFAULT_MIN_SHARED_M);
    assert_eq!(graph.node_count(), 408);
    assert_eq!(graph.edge_count(), declared.len());
    assert!(map.adjacency(1e6).is_empty());
}

#[test]
fn adjacency_with_differently_split_edges() {
    // A's right edge is one segment; B's left edge is split in two, C touches A at a corner.
    let a = vec![
        [117.0, 36.0],
        [117.001, 36.0],
        [117.001, 36.001],
        [117.0, 36.001],
        [117.0, 36.0],
    ];
    let b = vec![
        [117.001, 36.0],
        [117.002, 36.0],
        [117.002, 36.001],
        [117.001, 36.001],
        [117.001, 36.0004],
        [117.001, 36.0],
    ];
    let c = square(117.001, 36.001, 117.002, 36.002);
    let text = collection(vec![
        feature("A", polygon(&[a])),
        feature("B", polygon(&[b])),
        feature("C", polygon(&[c])),
    ]);
    let map = GridMap::from_geojson_str(&text, "code").unwrap();
    let adj = map.adjacency(1.0);
    assert_eq!(adj.len(), 2, "{adj:?}");
    assert_eq!((adj[0].0, adj[0].1), (0, 1));
    assert!((adj[0].2 - 110.96).abs() < 0.01, "{adj:?}"); // 0.001 degree of latitude at 36°
    assert_eq!((adj[1].0, adj[1].1), (1, 2));
    assert!((adj[1].2 - 90.16).abs() < 0.01, "{adj:?}"); // 0.001 degree of longitude at 36°
}

#[test]
fn arbitrary_geometry_never_panics() {
    // Random rings (often self-intersecting, degenerate, collinear, repeated points, holes
    // anywhere, overlapping multipolygon parts): every outcome is Ok or Error::Model.
    let mut rng = common::Rng::new(123);
    let mut ok = 0;
    for round in 0..400 {
        let mut features = Vec::new();
        for g in 0..=rng.below(6) {
            let mut polygons = Vec::new();
            for _ in 0..=rng.below(3) {
                let mut rings = Vec::new();
                for _ in 0..=rng.below(3) {
                    let n = rng.below(7) as usize;
                    let (cx, cy) = (
                        117.0 + rng.uniform(0.0, 0.01),
                        36.0 + rng.uniform(0.0, 0.01),
                    );
                    let mut ring: Vec<[f64; 2]> = (0..n)
                        .map(|_| {
                            // snap to a coarse lattice half of the time to provoke collinear
                            // and repeated positions
                            let (x, y) = (rng.uniform(-0.005, 0.005), rng.uniform(-0.005, 0.005));
                            if rng.below(2) == 0 {
                                [
                                    cx + (x * 400.0).round() / 400.0,
                                    cy + (y * 400.0).round() / 400.0,
                                ]
                            } else {
                                [cx + x, cy + y]
                            }
                        })
                        .collect();
                    if rng.below(5) != 0 {
                        if let Some(first) = ring.first().copied() {
                            ring.push(first);
                        }
                    }
                    rings.push(ring);
                }
                polygons.push(rings);
            }
            features.push(GridFeature {
                code: format!("R{round}G{g}"),
                polygons,
            });
        }
        let text = collection(
            features
                .iter()
                .map(|f| {
                    feature(
                        &f.code,
                        json!({"type": "MultiPolygon", "coordinates": f.polygons}),
                    )
                })
                .collect(),
        );
        for result in [
            GridMap::from_features(features, &GridMapOptions::default()),
            GridMap::from_geojson_str(&text, "code"),
        ] {
            match result {
                Ok(map) => {
                    ok += 1;
                    let b = map.bbox().unwrap_or([0.0; 4]);
                    for _ in 0..50 {
                        let _ = map.locate(rng.uniform(b[0], b[2]), rng.uniform(b[1], b[3]));
                    }
                    let _ = map.adjacency(0.0);
                    assert_eq!(
                        GridMap::from_geojson_str(&map.to_geojson(), "code").unwrap(),
                        map
                    );
                }
                Err(e) => assert_eq!(e.kind(), ErrorKind::Model, "{e}"),
            }
        }
    }
    assert!(ok > 0);
}
