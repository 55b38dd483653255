//! Seeded generators of large synthetic cities, shared by tests and benchmarks.
#![allow(dead_code, reason = "each test or bench uses part of it")]

use std::collections::BTreeMap;

use gridgov::ModelFile;
use gridgov::calendar::{CalendarSpec, TimeLimit};
use gridgov::catalog::{CatalogConfig, CatalogSpec, CategoryConfig, MajorConfig, Stage};
use gridgov::duty::{DutyRuleConfig, Fallback};
use gridgov::org::{UnitConfig, UnitKind};
use gridgov::territory::AreaConfig;

/// A tiny xorshift generator (no dependency needed for seeded test data).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed.max(1))
    }
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn area(code: String, level: &str, parent: Option<&str>) -> AreaConfig {
    AreaConfig {
        name: format!("{level} {code}"),
        code,
        level: level.to_owned(),
        parent: parent.map(str::to_owned),
        population: None,
        households: Some(400),
        area_m2: None,
        neighbours: Vec::new(),
    }
}

/// A city of `districts × 10 streets × 10 communities × grids_per_community` unit grids and a
/// catalog of 12 major classes × `leaves_per_major` leaf categories, with a duty matrix that
/// gives every major class a department city-wide, every district its own unit for two major
/// classes, and every leaf category an override in one (seeded) street — so that every
/// category has its own set of applicable rules, the worst case for the static check.
/// No gaps and no conflicts.
pub fn large_city(
    districts: usize,
    grids_per_community: usize,
    leaves_per_major: usize,
    seed: u64,
) -> ModelFile {
    let mut rng = Rng::new(seed);
    let mut areas = vec![area("110100".into(), "city", None)];
    let mut streets = Vec::new();
    for d in 1..=districts {
        let dc = format!("1101{d:02}");
        areas.push(area(dc.clone(), "district", Some("110100")));
        for s in 1..=10 {
            let sc = format!("{dc}{s:03}");
            areas.push(area(sc.clone(), "street", Some(&dc)));
            streets.push(sc.clone());
            for c in 1..=10 {
                let cc = format!("{sc}{c:03}");
                areas.push(area(cc.clone(), "community", Some(&sc)));
                for g in 1..=grids_per_community {
                    areas.push(area(format!("{cc}{g:03}"), "grid", Some(&cc)));
                }
            }
        }
    }
    let majors: Vec<String> = (1..=6)
        .map(|m| format!("C{m:02}"))
        .chain((1..=6).map(|m| format!("E{m:02}")))
        .collect();
    let mut categories = Vec::new();
    for m in &majors {
        for l in 1..=leaves_per_major {
            let mut limits = BTreeMap::new();
            limits.insert("normal".to_owned(), TimeLimit::Working { minutes: 240 });
            categories.push(CategoryConfig {
                key: format!("{m}{l:02}"),
                name: format!("leaf {m}{l:02}"),
                limits,
                stages: None,
                filing: None,
                closing: None,
                source: None,
            });
        }
    }
    let catalog = CatalogConfig {
        base: None,
        urgencies: Some(vec!["normal".to_owned()]),
        default_urgency: Some("normal".to_owned()),
        stage_limits: Some(
            [
                (Stage::Verify, TimeLimit::Working { minutes: 60 }),
                (Stage::Dispatch, TimeLimit::Working { minutes: 30 }),
                (Stage::Check, TimeLimit::Working { minutes: 60 }),
            ]
            .into_iter()
            .collect(),
        ),
        majors: majors
            .iter()
            .map(|m| MajorConfig {
                key: m.clone(),
                name: format!("major {m}"),
            })
            .collect(),
        categories: categories.clone(),
    };
    let mut units = vec![UnitConfig {
        id: "CMD".into(),
        name: "command centre".into(),
        kind: UnitKind::CommandCentre,
        parent: None,
        jurisdiction: vec!["110100".into()],
    }];
    let mut duty = Vec::new();
    for m in &majors {
        units.push(UnitConfig {
            id: format!("DEPT-{m}"),
            name: format!("department {m}"),
            kind: UnitKind::Department,
            parent: Some("CMD".into()),
            jurisdiction: vec!["110100".into()],
        });
        duty.push(DutyRuleConfig {
            category: m.clone(),
            area: Some("110100".into()),
            unit: format!("DEPT-{m}"),
        });
    }
    for d in 1..=districts {
        let dc = format!("1101{d:02}");
        units.push(UnitConfig {
            id: format!("D{dc}"),
            name: format!("district office {dc}"),
            kind: UnitKind::Other,
            parent: Some("CMD".into()),
            jurisdiction: vec![dc.clone()],
        });
        for m in ["E01", "E06"] {
            duty.push(DutyRuleConfig {
                category: m.into(),
                area: Some(dc.clone()),
                unit: format!("D{dc}"),
            });
        }
    }
    for s in &streets {
        units.push(UnitConfig {
            id: format!("S{s}"),
            name: format!("street office {s}"),
            kind: UnitKind::StreetOffice,
            parent: Some("CMD".into()),
            jurisdiction: vec![s.clone()],
        });
    }
    for c in &categories {
        let s = &streets[rng.below(streets.len() as u64) as usize];
        duty.push(DutyRuleConfig {
            category: c.key.clone(),
            area: Some(s.clone()),
            unit: format!("S{s}"),
        });
    }
    ModelFile {
        name: format!(
            "synthetic city, {} grids",
            areas.iter().filter(|a| a.level == "grid").count()
        ),
        version: None,
        valid_from: None,
        valid_to: None,
        levels: None,
        code_format: None,
        catalog: Some(CatalogSpec::Custom(catalog)),
        calendar: Some(CalendarSpec::Builtin("china".into())),
        duty_fallback: Some(Fallback::StreetOffice),
        areas,
        units,
        workers: Vec::new(),
        duty,
        engine: None,
        escalation: Vec::new(),
    }
}

impl Rng {
    /// A uniform float in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// A uniform float in [lo, hi).
    pub fn uniform(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }
}

/// The box of [`lattice_grid_map`]: 0.25° × 0.2° of a city (as in peers.md §6.2).
pub const LATTICE_BOX: [f64; 4] = [117.0, 36.6, 117.25, 36.8];

/// Polygons of a jittered `cols × rows` lattice of quads over [`LATTICE_BOX`], each edge split
/// by `per_edge` jittered intermediate vertices shared by both neighbours (so a polygon has
/// `4·(per_edge + 1)` distinct vertices: 8 for `per_edge = 1`, 48 for 11). Codes are
/// `G{row:04}{col:04}`; rings are closed and counter-clockwise. Seeded.
pub fn lattice_polygons(
    cols: usize,
    rows: usize,
    per_edge: usize,
    seed: u64,
) -> Vec<(String, Vec<[f64; 2]>)> {
    let mut rng = Rng::new(seed);
    let [x0, y0, x1, y1] = LATTICE_BOX;
    let (dx, dy) = ((x1 - x0) / cols as f64, (y1 - y0) / rows as f64);
    // corner (r, c): row 0 is the north edge
    let mut corner = vec![vec![[0.0; 2]; cols + 1]; rows + 1];
    for (r, row) in corner.iter_mut().enumerate() {
        for (c, p) in row.iter_mut().enumerate() {
            let interior = r > 0 && r < rows && c > 0 && c < cols;
            let (jx, jy) = if interior {
                (rng.uniform(-0.2, 0.2) * dx, rng.uniform(-0.2, 0.2) * dy)
            } else {
                (0.0, 0.0)
            };
            *p = [x0 + c as f64 * dx + jx, y1 - r as f64 * dy + jy];
        }
    }
    let split = |a: [f64; 2], b: [f64; 2], rng: &mut Rng, outline: bool| -> Vec<[f64; 2]> {
        let (ex, ey) = (b[0] - a[0], b[1] - a[1]);
        (1..=per_edge)
            .map(|i| {
                let t = i as f64 / (per_edge + 1) as f64;
                let off = if outline {
                    0.0
                } else {
                    rng.uniform(-0.02, 0.02)
                };
                // perpendicular offset, in units of the edge length
                [a[0] + t * ex - off * ey, a[1] + t * ey + off * ex]
            })
            .collect()
    };
    // horizontal edge (r, c): corner (r, c) -> (r, c + 1); vertical (r, c): (r, c) -> (r + 1, c)
    let mut horizontal = vec![vec![Vec::new(); cols]; rows + 1];
    for r in 0..=rows {
        for c in 0..cols {
            horizontal[r][c] = split(
                corner[r][c],
                corner[r][c + 1],
                &mut rng,
                r == 0 || r == rows,
            );
        }
    }
    let mut vertical = vec![vec![Vec::new(); cols + 1]; rows];
    for r in 0..rows {
        for c in 0..=cols {
            vertical[r][c] = split(
                corner[r][c],
                corner[r + 1][c],
                &mut rng,
                c == 0 || c == cols,
            );
        }
    }
    let mut out = Vec::with_capacity(rows * cols);
    for r in 0..rows {
        for c in 0..cols {
            // counter-clockwise: NW -> SW -> SE -> NE -> NW
            let mut ring = vec![corner[r][c]];
            ring.extend(vertical[r][c].iter().copied());
            ring.push(corner[r + 1][c]);
            ring.extend(horizontal[r + 1][c].iter().copied());
            ring.push(corner[r + 1][c + 1]);
            ring.extend(vertical[r][c + 1].iter().rev().copied());
            ring.push(corner[r][c + 1]);
            ring.extend(horizontal[r][c].iter().rev().copied());
            ring.push(corner[r][c]);
            out.push((format!("G{r:04}{c:04}"), ring));
        }
    }
    out
}

/// [`lattice_polygons`] as a `GeoJSON` `FeatureCollection` (code in property `code`).
pub fn lattice_geojson(cols: usize, rows: usize, per_edge: usize, seed: u64) -> String {
    let features: Vec<serde_json::Value> = lattice_polygons(cols, rows, per_edge, seed)
        .into_iter()
        .map(|(code, ring)| {
            serde_json::json!({
                "type": "Feature",
                "properties": {"code": code},
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            })
        })
        .collect();
    serde_json::json!({"type": "FeatureCollection", "features": features}).to_string()
}

/// `n` seeded uniform points over `bbox` widened by `margin` (a fraction of its size) on
/// every side, so that some fall outside.
pub fn random_points(n: usize, bbox: [f64; 4], margin: f64, seed: u64) -> (Vec<f64>, Vec<f64>) {
    let mut rng = Rng::new(seed);
    let (mx, my) = ((bbox[2] - bbox[0]) * margin, (bbox[3] - bbox[1]) * margin);
    let mut lon = Vec::with_capacity(n);
    let mut lat = Vec::with_capacity(n);
    for _ in 0..n {
        lon.push(rng.uniform(bbox[0] - mx, bbox[2] + mx));
        lat.push(rng.uniform(bbox[1] - my, bbox[3] + my));
    }
    (lon, lat)
}
