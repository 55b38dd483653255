//! Seeded generators of large synthetic cities, shared by tests and benchmarks, and the way
//! to the fixtures shared with the C, Java and Python tests.
#![allow(dead_code, reason = "each test or bench uses part of it")]

#[cfg(feature = "journal")]
pub mod journal;

use std::collections::BTreeMap;
use std::path::PathBuf;

use gridgov::ModelFile;
use gridgov::calendar::{CalendarSpec, TimeLimit};
use gridgov::catalog::{CatalogConfig, CatalogSpec, CategoryConfig, MajorConfig, Stage};
use gridgov::duty::{DutyRuleConfig, Fallback};
use gridgov::org::{UnitConfig, UnitKind};
use gridgov::territory::AreaConfig;

/// The path of `name` in `tests/fixtures/` at the repository root, the one folder of test
/// data read by the tests of every language (`fixture_path("score/city.toml")`).
pub fn fixture_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures")
        .join(name)
}

/// The text of the fixture `name` (see [`fixture_path`]); panics naming the file when it
/// cannot be read.
pub fn fixture(name: &str) -> String {
    let path = fixture_path(name);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read the fixture {}: {e}", path.display()))
}

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
        calendar: None,
    }];
    let mut duty = Vec::new();
    for m in &majors {
        units.push(UnitConfig {
            id: format!("DEPT-{m}"),
            name: format!("department {m}"),
            kind: UnitKind::Department,
            parent: Some("CMD".into()),
            jurisdiction: vec!["110100".into()],
            calendar: None,
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
            calendar: None,
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
            calendar: None,
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
        calendars: std::collections::BTreeMap::new(),
        duty_fallback: Some(Fallback::StreetOffice),
        division_codes: None,
        areas,
        units,
        workers: Vec::new(),
        duty,
        engine: None,
        escalation: Vec::new(),
        scoring: None,
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

/// The box of [`lattice_grid_map`]: 0.25° × 0.2°, about a city.
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

/// `n` seeded random but consistent case records of `model` as CSV (instants as
/// milliseconds), spread over 2026-01-01 to 2026-07-15 local time, every state and
/// every acting column present.
pub fn random_records_csv(model: &gridgov::Model, n: usize, seed: u64) -> String {
    use gridgov::org::Role;
    use std::fmt::Write as _;
    let mut rng = Rng::new(seed);
    let grids: Vec<&str> = model
        .territory()
        .grids()
        .iter()
        .map(|&g| model.territory().area(g).code.as_str())
        .collect();
    let org = model.org();
    let ids = |role: Role| -> Vec<String> {
        let mut v: Vec<String> = org.workers_with(Some(role)).map(|w| w.id.clone()).collect();
        v.push(format!("former-{role:?}"));
        v
    };
    let sup = ids(Role::Supervisor);
    let acc = ids(Role::Acceptor);
    let sl = ids(Role::ShiftLeader);
    let dp = ids(Role::Dispatcher);
    let units: Vec<&str> = org
        .units()
        .iter()
        .filter(|u| matches!(u.kind, UnitKind::Department | UnitKind::StreetOffice))
        .map(|u| u.id.as_str())
        .collect();
    let cats = ["C0101", "E0101", "E0102", "C0201"];
    let sources = [
        "supervisor",
        "supervisor",
        "supervisor",
        "hotline",
        "app",
        "media",
    ];
    let t0 = model.calendar().parse_local("2026-01-01").expect("date");
    let span = 196 * 86_400_000i64;
    let mut out = String::from(
        "id,grid,category,source,reporter,state,reported_at,accepted_at,acceptor,verified_at,verifier,\
         filed_at,filer,dispatched_at,dispatcher,unit,handled_at,checked_at,checker,closed_at,closer,\
         rated_at,satisfaction,rework,returns,postponements,extension_minutes,self_handled,\
         verify_deadline,dispatch_deadline,handle_deadline,check_deadline\n",
    );
    let hour = 3_600_000i64;
    for id in 1..=n {
        let mut pick = |v: &[String]| v[rng.below(v.len() as u64) as usize].clone();
        let mut r = Rng::new(seed ^ (id as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15));
        let mut step = |max_h: i64| 1 + r.below((max_h * hour) as u64) as i64;
        let source = sources[id % sources.len()];
        let public = source != "supervisor";
        let reporter = if public { format!("c{id}") } else { pick(&sup) };
        let grid = grids[id * 7919 % grids.len()];
        let cat = cats[id % cats.len()];
        let rep = t0 + (id as i64 * 7_777_777) % span;
        let stage = (id * 31 + seed as usize) % 11; // how far the case got
        let mut t = rep;
        let cell = |c: &mut Vec<String>, v: Option<i64>| {
            c.push(v.map_or(String::new(), |x| x.to_string()));
        };
        let mut c: Vec<String> = vec![
            id.to_string(),
            grid.into(),
            cat.into(),
            source.into(),
            reporter,
        ];
        let self_handled = !public && stage == 10;
        let state = match stage {
            0 => "reported",
            1 if public => "rejected",
            1 => "accepted",
            2 if public => "invalid",
            2 => "voided",
            3 => "filed",
            4 => "dispatched",
            5 => "handled",
            6 => "checked",
            10 if self_handled => "closed",
            _ => "closed",
        };
        c.push(state.into());
        let mut times: [Option<i64>; 9] = [None; 9];
        times[0] = Some(rep);
        let reached = |k: usize| -> bool {
            if self_handled {
                return false;
            }
            match k {
                1 => stage >= 1,
                2 => public && stage >= 2,
                3 => stage >= 3 || (!public && stage == 2),
                4 => stage >= 4,
                5 => stage >= 5,
                6 => stage >= 6,
                7 => stage >= 7,
                8 => public && stage >= 8,
                _ => false,
            }
        };
        for (k, slot) in times.iter_mut().enumerate().skip(1) {
            if reached(k) {
                t += step(if k == 5 { 40 } else { 3 });
                *slot = Some(t);
            }
        }
        if self_handled {
            times[5] = Some(rep + step(1));
            times[7] = Some(times[5].unwrap_or(rep) + step(1));
        }
        let mut who = |k: usize, v: &mut Vec<String>| -> String {
            if times[k].is_some() {
                pick(v)
            } else {
                String::new()
            }
        };
        let mut sup_c = sup.clone();
        let (acceptor, verifier) = (who(1, &mut acc.clone()), who(2, &mut sup_c));
        let (filer, dispatcher) = (who(3, &mut sl.clone()), who(4, &mut dp.clone()));
        let (checker, closer) = (who(6, &mut sup.clone()), who(7, &mut sl.clone()));
        let unit = if times[4].is_some() {
            units[id % units.len()].to_owned()
        } else {
            String::new()
        };
        cell(&mut c, times[0]);
        cell(&mut c, times[1]);
        c.push(acceptor);
        cell(&mut c, times[2]);
        c.push(verifier);
        cell(&mut c, times[3]);
        c.push(filer);
        cell(&mut c, times[4]);
        c.push(dispatcher);
        c.push(unit);
        cell(&mut c, times[5]);
        cell(&mut c, times[6]);
        c.push(checker);
        cell(&mut c, times[7]);
        c.push(closer);
        cell(&mut c, times[8]);
        c.push(if times[8].is_some() {
            (1 + id % 5).to_string()
        } else {
            String::new()
        });
        c.push((id % 3 / 2).to_string());
        c.push((id % 7 / 6).to_string());
        c.push((id % 5 / 4).to_string());
        c.push(if id % 5 == 4 {
            "120".into()
        } else {
            "0".into()
        });
        c.push(self_handled.to_string());
        let dl = |k: usize, base: usize, h: i64| {
            times[k].and(times[base]).map(|b| b + h * hour - hour / 2)
        };
        cell(&mut c, if public { dl(2, 1, 1) } else { None });
        cell(&mut c, dl(4, 3, 1));
        cell(
            &mut c,
            times[4].map(|d| d + 8 * hour * ((id % 4) as i64 + 1)),
        );
        cell(&mut c, dl(6, 5, 1));
        let _ = writeln!(out, "{}", c.join(","));
    }
    out
}

/// The header and the odd data rows, and the header and the even data rows.
pub fn split_csv_rows(csv: &str) -> (String, String) {
    let mut lines = csv.lines();
    let head = lines.next().unwrap_or_default();
    let (mut a, mut b) = (format!("{head}\n"), format!("{head}\n"));
    for (i, l) in lines.enumerate() {
        let s = if i % 2 == 0 { &mut a } else { &mut b };
        s.push_str(l);
        s.push('\n');
    }
    (a, b)
}

/// 2025-11-03 09:00 +08:00 (a Monday): the start of [`main_path_call`]'s script.
pub const MAIN_PATH_T0: i64 = 1_762_131_600_000;

/// Call `k` (from 0) of a deterministic script on the sample city: case `k / 8` goes through
/// the main path (report, accept, file, dispatch, start, handle, check, close), one call per
/// `k`, a minute apart. The journal tests and benches drive engines with it, so a journal can
/// be compared with an engine that ran the same calls in memory.
pub fn main_path_call(eng: &mut gridgov::engine::Engine, k: u64) -> gridgov::Result<()> {
    use gridgov::case::{Action, Actor, Report, Source};
    let w = |s: &str| Actor::Worker(s.into());
    let case = k / 8 + 1;
    let t = MAIN_PATH_T0 + (case as i64 % 3600) * 1000 + (k % 8) as i64 * 60_000;
    let (actor, action) = match k % 8 {
        0 => {
            let id = eng.report(
                w("SV001"),
                t,
                Report {
                    category: "E0102".into(),
                    grid: "37990100100101".into(),
                    point: None,
                    urgency: None,
                    source: Source::Supervisor,
                    description: format!("case {case}"),
                    contact: None,
                    contact_sha256: None,
                },
            )?;
            assert_eq!(id, case, "the script's case ids follow k");
            return Ok(());
        }
        1 => (w("AC01"), Action::Accept),
        2 => (w("SL01"), Action::File),
        3 => (
            w("DP01"),
            Action::Dispatch {
                unit: None,
                reason: None,
            },
        ),
        4 => (w("H-SANIT-1"), Action::Start),
        5 => (
            w("H-SANIT-1"),
            Action::Handle {
                result: "done".into(),
            },
        ),
        6 => (w("SV001"), Action::Check { passed: true }),
        _ => (
            w("SL01"),
            Action::Close {
                reason: "fixed".into(),
            },
        ),
    };
    eng.act(case, actor, t, action).map(|_| ())
}

/// How many calls of [`main_path_call`] an engine has taken (from its cases and the events of
/// its last case that are not escalations).
pub fn main_path_calls(eng: &gridgov::engine::Engine) -> u64 {
    let n = eng.cases().len() as u64;
    if n == 0 {
        return 0;
    }
    let last = eng.history_owned(n).map_or(0, |h| {
        h.iter()
            .filter(|e| !matches!(e.body, gridgov::event::EventBody::Escalation(_)))
            .count() as u64
    });
    (n - 1) * 8 + last
}

/// A closed, counter-clockwise ring of `n` distinct vertices around `(cx, cy)` with radius
/// `r` (degrees) jittered by up to `jitter` (a fraction of `r`) per vertex: a simple polygon
/// (star-shaped about its centre) with many vertices. Seeded.
pub fn jittered_circle(
    cx: f64,
    cy: f64,
    r: f64,
    n: usize,
    jitter: f64,
    seed: u64,
) -> Vec<[f64; 2]> {
    let mut rng = Rng::new(seed);
    let mut ring: Vec<[f64; 2]> = (0..n)
        .map(|i| {
            let t = std::f64::consts::TAU * i as f64 / n as f64;
            let rr = r * (1.0 + jitter * rng.uniform(-1.0, 1.0));
            [cx + rr * t.cos(), cy + rr * t.sin()]
        })
        .collect();
    ring.push(ring[0]);
    ring
}

/// A closed, counter-clockwise "coastline" of `n` distinct vertices around `(cx, cy)`: the
/// radius is a periodic midpoint-displacement (fractal) curve of the angle with roughness
/// `rough` (0.5: halve the displacement at each level), between 0.35 r and 1.65 r. Star-shaped,
/// so simple, but jagged at every scale: a horizontal line crosses it many times. Seeded.
pub fn fractal_coastline(
    cx: f64,
    cy: f64,
    r: f64,
    n: usize,
    rough: f64,
    seed: u64,
) -> Vec<[f64; 2]> {
    let mut rng = Rng::new(seed);
    let size = n.next_power_of_two().max(4);
    let mut radius = vec![0.0f64; size];
    let mut step = size;
    let mut amplitude = 0.5;
    while step > 1 {
        let half = step / 2;
        for start in (0..size).step_by(step) {
            let (a, b) = (radius[start], radius[(start + step) % size]);
            radius[start + half] = f64::midpoint(a, b) + amplitude * rng.uniform(-1.0, 1.0);
        }
        amplitude *= rough;
        step = half;
    }
    let (lo, hi) = radius
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), v| {
            (l.min(*v), h.max(*v))
        });
    let scale = if hi > lo { 1.3 / (hi - lo) } else { 0.0 };
    let mut ring: Vec<[f64; 2]> = (0..n)
        .map(|i| {
            let k = i * size / n;
            let rr = r * (0.35 + (radius[k] - lo) * scale);
            let t = std::f64::consts::TAU * i as f64 / n as f64;
            [cx + rr * t.cos(), cy + rr * t.sin()]
        })
        .collect();
    ring.push(ring[0]);
    ring
}

/// Epoch milliseconds of a time on the sample city's clock (UTC+8).
pub fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> i64 {
    use chrono::TimeZone;
    chrono::FixedOffset::east_opt(8 * 3600)
        .expect("UTC+8")
        .with_ymd_and_hms(y, mo, d, h, mi, 0)
        .single()
        .expect("a time")
        .timestamp_millis()
}

/// The worker `id` as an actor.
pub fn w(id: &str) -> gridgov::case::Actor {
    gridgov::case::Actor::Worker(id.into())
}
