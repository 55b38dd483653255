//! The Rust half of `make demo`: load the sample city, check its duty matrix, route a few
//! cases, compute deadlines on its calendar, and run a working day of the city through the
//! case engine, printing its lights and escalations.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{FixedOffset, TimeZone};
use gridgov::case::{Action, Actor, Light, Report, Source, State};
use gridgov::engine::{Engine, EventBody};

fn main() -> Result<(), gridgov::Error> {
    let model = gridgov::Model::sample();
    let s = model.summary();
    println!(
        "[rust] {} (version {})",
        s.name,
        s.version.as_deref().unwrap_or("-")
    );
    for (level, n) in &s.areas_per_level {
        print!("{level}: {n}  ");
    }
    println!(
        "\n[rust] {} households, {} residents, {} units",
        s.households, s.population, s.units
    );

    let t0 = std::time::Instant::now();
    let report = model.check();
    println!(
        "[rust] duty check: {} cells ({} categories x {} grids) in {:.1} ms: {} gap cells, {} conflict cells, {} by territorial fallback",
        report.cells,
        report.categories,
        report.grids,
        t0.elapsed().as_secs_f64() * 1e3,
        report.gap_cells,
        report.conflict_cells,
        report.fallback_cells
    );
    let cst = FixedOffset::east_opt(8 * 3600)
        .ok_or_else(|| gridgov::Error::invalid("offset", 8, "bad"))?;
    for (cat, grid) in [
        ("C0101", "37990100100101"),
        ("E0102", "37990200100101"),
        ("E0601", "37990100200101"),
    ] {
        let route = model.route_detail(cat, grid)?;
        let unit = model.org().unit(route.unit);
        let name = &model.catalog().get(cat)?.name;
        println!(
            "[rust] route {cat} {name} in {grid} -> {} {} (rule {:?})",
            unit.id, unit.name, route.rule
        );
    }
    let start = cst
        .with_ymd_and_hms(2025, 9, 30, 16, 0, 0)
        .single()
        .ok_or_else(|| gridgov::Error::invalid("date", "2025-09-30", "bad"))?;
    // C0101 counts continuous hours (Guangzhou rule); E0102 counts working hours, so the
    // 2025 National Day + Mid-Autumn break (Oct 1-8) is skipped.
    for (category, urgency) in [
        ("C0101", "urgent"),
        ("C0101", "normal"),
        ("E0102", "normal"),
    ] {
        let limit = model.catalog().limit(category, urgency)?;
        let due = model.deadline(category, urgency, start.timestamp_millis())?;
        let due = cst
            .timestamp_millis_opt(due)
            .single()
            .map(|d| d.to_rfc3339());
        println!(
            "[rust] {category} ({urgency}, limit {limit}) reported {start} is due {}",
            due.unwrap_or_default()
        );
    }
    day_in_the_engine(&model, cst)
}

/// A tiny seeded generator (the demo needs no dependency).
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// Monday 2025-11-03 and the two days after it: supervisors report what they see on patrol,
/// the centre accepts, files and dispatches, departments handle (some late, some sloppy), the
/// supervisors check, the centre closes; the engine sweeps every half hour.
fn day_in_the_engine(model: &gridgov::Model, cst: FixedOffset) -> Result<(), gridgov::Error> {
    let bad = |what: &'static str| gridgov::Error::invalid(what, "demo", "cannot be built");
    let at = |d: u32, h: u32, m: u32| {
        cst.with_ymd_and_hms(2025, 11, d, h, m, 0)
            .single()
            .map(|t| t.timestamp_millis())
    };
    let start = at(3, 8, 0).ok_or_else(|| bad("start"))?;
    let mut eng = Engine::new(Arc::new(model.clone()));
    let org = model.org();
    let supervisors: Vec<_> = org
        .workers_with(Some(gridgov::org::Role::Supervisor))
        .collect();
    let categories = [
        "E0102", "E0103", "C0101", "C0111", "E0501", "E0104", "C0201", "E0202",
    ];
    let w = |s: &str| Actor::Worker(s.into());
    // Reports of the three days, in time order so that case ids follow the clock.
    let mut rng = Rng(20_251_103);
    let mut reports = Vec::new();
    for i in 0..360 {
        let sv = supervisors[rng.below(supervisors.len() as u64) as usize];
        let grid = sv.grids[rng.below(sv.grids.len() as u64) as usize];
        // 120 reports a day, Monday to Wednesday, 08:00-17:00
        let t = start + (i / 120) * 86_400_000 + rng.below(9 * 3_600_000) as i64;
        let cat = categories[rng.below(categories.len() as u64) as usize];
        reports.push((
            t,
            sv.id.clone(),
            model.territory().area(grid).code.to_string(),
            cat,
        ));
    }
    reports.sort();
    let mut queue: BTreeMap<(i64, u64), u8> = BTreeMap::new();
    let mut escalations: BTreeMap<String, usize> = BTreeMap::new();
    let mut next_sweep = start;
    let end = at(5, 18, 0).ok_or_else(|| bad("end"))?;
    let mut ri = 0;
    while next_sweep <= end {
        // reports up to the sweep instant
        while ri < reports.len() && reports[ri].0 <= next_sweep {
            let (t, sv, grid, cat) = &reports[ri];
            let id = eng.report(
                w(sv),
                *t,
                Report {
                    category: (*cat).into(),
                    grid: grid.as_str().into(),
                    point: None,
                    urgency: None,
                    source: Source::Supervisor,
                    description: String::new(),
                    contact: None,
                    contact_sha256: None,
                },
            )?;
            queue.insert((*t + 600_000, id), 1);
            ri += 1;
        }
        // the workflow steps that are due
        while let Some((&(t, id), &step)) = queue.first_key_value() {
            if t > next_sweep {
                break;
            }
            queue.remove(&(t, id));
            let case = eng.case(id)?.clone();
            let reporter = match &case.reporter {
                Actor::Worker(x) => x.to_string(),
                _ => String::new(),
            };
            let handler = case.unit.and_then(|u| {
                org.workers_with(Some(gridgov::org::Role::Handler))
                    .find(|h| h.unit == u)
                    .map(|h| h.id.clone())
            });
            let (actor, action, next) = match step {
                1 => ("AC01".to_owned(), Action::Accept, Some((2, 300_000))),
                2 => ("SL01".to_owned(), Action::File, Some((3, 600_000))),
                3 => (
                    "DP01".to_owned(),
                    Action::Dispatch {
                        unit: None,
                        reason: None,
                    },
                    Some((4, 1_800_000)),
                ),
                // departments take from half an hour to a day and a half of clock time
                4 => (
                    handler.clone().unwrap_or_default(),
                    Action::Handle {
                        result: "done".into(),
                    },
                    Some((5, 1_800_000)),
                ),
                5 => (
                    reporter,
                    Action::Check {
                        passed: rng.below(6) != 0,
                    },
                    Some((6, 1_200_000)),
                ),
                _ => (
                    "SL01".to_owned(),
                    Action::Close {
                        reason: "fixed".into(),
                    },
                    None,
                ),
            };
            let delay = if step == 3 {
                rng.below(36 * 3_600_000) as i64
            } else {
                0
            };
            if eng.act(id, w(&actor), t, action).is_ok() {
                let state = eng.case(id)?.state;
                let follow = match (state, next) {
                    (State::Dispatched, _) if step == 5 => Some((4, 3_600_000)), // rework
                    (_, Some(n)) => Some(n),
                    _ => None,
                };
                if let Some((s, d)) = follow {
                    queue.insert((t + d + delay, id), s);
                }
            }
        }
        for e in eng.sweep(next_sweep)? {
            if let EventBody::Escalation(f) = &e.body {
                *escalations.entry(f.name.to_string()).or_default() += 1;
            }
        }
        if next_sweep == at(3, 17, 0).unwrap_or(0) || next_sweep == at(5, 17, 0).unwrap_or(0) {
            let mut lights: BTreeMap<&str, usize> = BTreeMap::new();
            for c in eng.cases() {
                let l = eng.light(c.id, next_sweep)?;
                *lights
                    .entry(l.map_or("none (closed or between stages)", Light::as_str))
                    .or_default() += 1;
            }
            let when = cst
                .timestamp_millis_opt(next_sweep)
                .single()
                .map(|d| d.format("%a %Y-%m-%d %H:%M").to_string());
            println!(
                "[rust] engine at {}: {} cases, lights {lights:?}",
                when.unwrap_or_default(),
                eng.cases().len()
            );
        }
        next_sweep += 1_800_000;
    }
    let closed = eng
        .cases()
        .iter()
        .filter(|c| c.state == State::Closed)
        .count();
    let reworked = eng.cases().iter().filter(|c| c.rework_count > 0).count();
    println!(
        "[rust] after three days: {} events, {closed} cases closed, {reworked} reworked; escalations fired:",
        eng.events().len()
    );
    for (name, n) in &escalations {
        println!("[rust]   {n:>4}  {name}");
    }
    let replayed = Engine::replay(Arc::new(model.clone()), eng.events())?;
    println!(
        "[rust] replaying the {} events rebuilds the same engine: {}",
        eng.events().len(),
        replayed == eng
    );
    Ok(())
}
