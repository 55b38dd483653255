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
    }
}
