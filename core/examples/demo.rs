//! The Rust half of `make demo`: load the sample city, check its duty matrix, route a few
//! cases, compute deadlines on its calendar, run a working day of the city through the case
//! engine (printing its lights and escalations), then simulate February and March 2026, score
//! both months, compare them and analyse the grid division under March's load.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use chrono::{FixedOffset, TimeZone};
use gridgov::calendar::Millis;
use gridgov::case::{Light, State};
use gridgov::division::{DivisionConfig, division_report};
use gridgov::engine::Engine;
use gridgov::event::EventBody;
use gridgov::score::{Scorecard, Table, compare, score};
use gridgov::simulate::{Simulation, simulate};

/// The simulator's seed: the same as the Python half's, so both print the same figures.
const SEED: u64 = 2026;

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
    let model = Arc::new(model);
    day_in_the_engine(&model, cst)?;
    two_months_scored(&model, cst)
}

/// `t` as a local time, e.g. `Mon 2026-03-02 17:00`.
fn local(cst: FixedOffset, t: Millis) -> String {
    cst.timestamp_millis_opt(t)
        .single()
        .map(|d| d.format("%a %Y-%m-%d %H:%M").to_string())
        .unwrap_or_default()
}

/// A working day of the city through the engine: Monday 2026-03-02 from the seeded simulator
/// (supervisors' and citizens' reports, the centre's steps, departments — some late —, checks
/// and rework, ratings, a sweep of the escalation rules every half hour), then its lights at
/// the end of the day and the escalations fired.
fn day_in_the_engine(model: &Arc<gridgov::Model>, cst: FixedOffset) -> Result<(), gridgov::Error> {
    let start = model.calendar().parse_local("2026-03-02")?;
    let sim = Simulation::new(start, 1).with_seed(SEED);
    let (_, end) = sim.window(model)?;
    let eng = simulate(Arc::clone(model), &sim)?;
    let mut lights: BTreeMap<&str, usize> = BTreeMap::new();
    for c in eng.cases() {
        let l = eng.light(c.id, end)?;
        *lights
            .entry(l.map_or("none (closed or between stages)", Light::as_str))
            .or_default() += 1;
    }
    println!(
        "[rust] a day in the engine ({} to {}, simulated, seed {SEED}): {} cases, {} events; lights at the end: {lights:?}",
        local(cst, start),
        local(cst, end),
        eng.cases().len(),
        eng.events().len()
    );
    let mut escalations: BTreeMap<String, usize> = BTreeMap::new();
    for e in eng.events() {
        if let EventBody::Escalation(f) = &e.body {
            *escalations.entry(f.name().to_string()).or_default() += 1;
        }
    }
    let closed = eng
        .cases()
        .iter()
        .filter(|c| c.state == State::Closed)
        .count();
    let reworked = eng.cases().iter().filter(|c| c.rework_count > 0).count();
    println!(
        "[rust] {closed} cases closed, {reworked} reworked, {} refused actions; escalations fired:",
        eng.denials().len()
    );
    for (name, n) in &escalations {
        println!("[rust]   {n:>4}  {name}");
    }
    let replayed = Engine::replay(Arc::clone(model), eng.events())?;
    println!(
        "[rust] replaying the {} events rebuilds the same engine: {}",
        eng.events().len(),
        replayed == eng
    );
    Ok(())
}

/// Display width of a text: CJK characters take two columns.
fn width(text: &str) -> usize {
    text.chars()
        .map(|c| {
            let wide = matches!(u32::from(c),
                0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF
                | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6);
            if wide { 2 } else { 1 }
        })
        .sum()
}

/// Prints `rows` under `header` in aligned columns: text columns (`left[i]`) to the left,
/// figures to the right.
fn print_table(header: &[&str], left: &[bool], rows: &[Vec<String>]) {
    let mut widths: Vec<usize> = header.iter().map(|h| width(h)).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(width(cell));
        }
    }
    let line = |cells: Vec<&str>| {
        let mut out = String::from("[rust]  ");
        for ((cell, w), l) in cells.into_iter().zip(&widths).zip(left) {
            let pad = " ".repeat(w - width(cell));
            out.push(' ');
            if *l {
                out.push_str(cell);
                out.push_str(&pad);
            } else {
                out.push_str(&pad);
                out.push_str(cell);
            }
        }
        println!("{}", out.trim_end());
    };
    line(header.to_vec());
    for row in rows {
        line(row.iter().map(String::as_str).collect());
    }
}

/// An indicator's value for display: rates in percent, hours with their unit, counts whole.
fn figure(column: &str, v: Option<f64>) -> String {
    match v {
        None => "-".into(),
        Some(v) if column.ends_with("_rate") || column.ends_with("_share") => {
            format!("{:.1}%", v * 100.0)
        }
        Some(v) if column.ends_with("_hours") => format!("{v:.2} h"),
        Some(v) if column == "score" => format!("{v:.1}"),
        Some(v) => format!("{v:.0}"),
    }
}

/// The top 3 and bottom 3 of a table by rank (all of them when 6 or fewer are ranked), with
/// score, grade and `keys`; subjects below the minimum sample are not ranked and are listed
/// after the table.
fn top_bottom(title: &str, table: &Table, keys: &[&str], sample: &str, min_sample: u64) {
    let mut ranked: Vec<_> = table.rows.iter().filter(|r| r.rank.is_some()).collect();
    ranked.sort_by(|a, b| a.rank.cmp(&b.rank).then_with(|| a.id.cmp(&b.id)));
    let n = ranked.len();
    let cell = |r: &gridgov::score::Row| {
        let mut cells = vec![
            r.rank.map(|k| k.to_string()).unwrap_or_default(),
            r.id.clone(),
            r.name.clone(),
            figure("score", r.score),
            r.grade.map(String::from).unwrap_or_default(),
        ];
        for k in keys {
            let v = table.subject.column(k).and_then(|c| r.values[c]);
            cells.push(figure(k, v));
        }
        cells
    };
    let mut rows: Vec<Vec<String>> = Vec::new();
    if n <= 6 {
        rows.extend(ranked.iter().map(|r| cell(r)));
    } else {
        rows.extend(ranked[..3].iter().map(|r| cell(r)));
        let mut gap = vec![String::new(); 5 + keys.len()];
        gap[0] = "⋮".into();
        rows.push(gap);
        rows.extend(ranked[n - 3..].iter().map(|r| cell(r)));
    }
    let which = if n <= 6 { "all" } else { "top 3 and bottom 3" };
    println!("[rust] {title}: {which} of {n} ranked");
    let mut header = vec!["rank", "id", "name", "score", "grade"];
    header.extend(keys);
    let mut left = vec![false, true, true, false, false];
    left.extend(keys.iter().map(|_| false));
    if n > 0 {
        print_table(&header, &left, &rows);
    }
    let unranked: Vec<String> = table
        .rows
        .iter()
        .filter(|r| r.rank.is_none())
        .map(|r| format!("{} ({})", r.id, r.sample))
        .collect();
    if unranked.is_empty() {
        println!(
            "[rust]   (none has fewer than {min_sample} {sample}, the minimum sample: all ranked)"
        );
    } else {
        let more = match unranked.len() {
            0..=8 => String::new(),
            k => format!(" and {} more", k - 8),
        };
        println!(
            "[rust]   not ranked (fewer than {min_sample} {sample}, or no score): {}{more}",
            unranked[..unranked.len().min(8)].join(", ")
        );
    }
    println!();
}

/// A change in the words of the field reports: "response 12.0 % faster".
fn in_words(indicator: &str, change: Option<f64>, pct: Option<f64>) -> String {
    let what = match indicator {
        "mean_response_hours" => "response",
        "mean_handle_hours" => "handling",
        "on_time_closure_rate" => "on-time closure",
        _ => "satisfaction",
    };
    match (change, pct) {
        (Some(_), Some(p)) if indicator.ends_with("_hours") => {
            let how = if p < 0.0 { "faster" } else { "slower" };
            format!("{what} {:.1} % {how}", p.abs())
        }
        (Some(c), _) if !indicator.ends_with("_hours") => {
            let how = if c >= 0.0 { "higher" } else { "lower" };
            format!("{what} {:.1} points {how}", c.abs())
        }
        _ => "-".into(),
    }
}

/// Greedy word wrap at `width` columns.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for word in text.split_whitespace() {
        let last = lines.last_mut().map_or(0, |l| l.len());
        if last > 0 && last + 1 + word.len() > width {
            lines.push(String::new());
        }
        if let Some(l) = lines.last_mut() {
            if !l.is_empty() {
                l.push(' ');
            }
            l.push_str(word);
        }
    }
    lines
}

/// February and March 2026 of the city (the simulator from Monday 2026-02-02 for 58 days),
/// exported as case records, scored per month as of the records' own instant, compared, and
/// March's load put through the grid-division analysis.
fn two_months_scored(model: &Arc<gridgov::Model>, cst: FixedOffset) -> Result<(), gridgov::Error> {
    let cal = model.calendar();
    let t0 = Instant::now();
    let sim = Simulation::new(cal.parse_local("2026-02-02")?, 58).with_seed(SEED);
    let eng = simulate(Arc::clone(model), &sim)?;
    let t1 = Instant::now();
    let records = eng.records()?;
    let as_of = records.as_of(); // one millisecond after the engine's last event
    let (feb_start, mar_start, apr_start) = (
        cal.parse_local("2026-02-01")?,
        cal.parse_local("2026-03-01")?,
        cal.parse_local("2026-04-01")?,
    );
    let feb = score(&records, feb_start, mar_start, Some(as_of))?;
    let mar = score(&records, mar_start, apr_start, Some(as_of))?;
    let t2 = Instant::now();
    println!();
    println!(
        "[rust] February and March 2026 in the engine: simulate from Mon 2026-02-02 for 58 days, seed {SEED}"
    );
    println!(
        "[rust]   {} cases, {} events in {:.0} ms; exported as records and scored in {:.0} ms",
        eng.cases().len(),
        eng.events().len(),
        (t1 - t0).as_secs_f64() * 1e3,
        (t2 - t1).as_secs_f64() * 1e3
    );
    println!(
        "[rust]   February [2026-02-01, 2026-03-01) and March [2026-03-01, 2026-04-01), both as of {} (the records' own)",
        local(cst, as_of)
    );
    let (_, end) = sim.window(model)?;
    let mut lights: BTreeMap<&str, usize> = BTreeMap::new();
    for c in eng.cases() {
        let l = eng.light(c.id, end)?;
        *lights.entry(l.map_or("none", Light::as_str)).or_default() += 1;
    }
    let fired = eng
        .events()
        .iter()
        .filter(|e| matches!(e.body, EventBody::Escalation(_)))
        .count();
    println!(
        "[rust]   lights at {}: {lights:?}; {fired} escalations fired in the two months",
        local(cst, end)
    );
    let config = mar.config();
    let min = config.min_sample;
    let mut limits: Vec<String> = [config.accept_limit, config.file_limit, config.close_limit]
        .iter()
        .map(ToString::to_string)
        .collect();
    limits.dedup();
    println!(
        "[rust]   ranked with at least {min} cases in the sample; the centre's accept, file and close limits: {} (the model's [scoring] section, here the defaults)",
        limits.join(", ")
    );
    println!();
    top_bottom(
        "streets, March",
        &mar.areas("street")?,
        &["filed", "on_time_closure_rate", "satisfaction_rate"],
        "filed",
        min,
    );
    top_bottom(
        "departments, March",
        &mar.departments(),
        &["due", "on_time_rate", "median_handle_hours"],
        "due",
        min,
    );
    // Supervisors' valid_report_rate is 100 % throughout in the simulation (the centre voids
    // no supervisor report), so their check punctuality is shown instead.
    for (role, keys, sample) in [
        (
            "supervisor",
            ["reports", "missed_rate", "check_on_time_rate"],
            "reports",
        ),
        (
            "acceptor",
            ["accepted", "accept_on_time_rate", "accept_accuracy_rate"],
            "accepted",
        ),
        (
            "shift_leader",
            [
                "filing_decisions",
                "filing_on_time_rate",
                "closing_on_time_rate",
            ],
            "filing decisions",
        ),
        (
            "dispatcher",
            [
                "dispatched",
                "dispatch_on_time_rate",
                "dispatch_accuracy_rate",
            ],
            "dispatched",
        ),
    ] {
        top_bottom(
            &format!("posts: {role}, March"),
            &mar.posts(role)?,
            &keys,
            sample,
            min,
        );
    }
    compare_months(&feb, &mar)?;
    let city = mar.areas("city")?;
    let (filed, closed) = city.rows.first().map_or((None, None), |r| {
        (city.value(&r.id, "filed"), city.value(&r.id, "closed"))
    });
    println!(
        "[rust]   ({} of March's {} filed cases are still open on 31 March; February's had a month more to close, so March's closure figures are not final)",
        figure("filed", filed.zip(closed).map(|(f, c)| f - c)),
        figure("filed", filed)
    );
    let both = score(&records, feb_start, apr_start, Some(as_of))?;
    println!(
        "[rust]   February merged with March equals the card of both months at once: {}",
        feb.merge(&mar)? == both
    );
    println!();

    let div = division_report(
        model,
        &records.grid_load(mar_start, apr_start),
        &DivisionConfig::default(),
    )?;
    let s = &div.summary;
    let num = |v: Option<f64>| v.map_or("-".into(), |v| format!("{v}"));
    println!(
        "[rust] grid division under March's load ({} cases reported in {} unit grids):",
        s.cases, s.grids
    );
    println!(
        "[rust]   {} grids outside {}-{} households ({} below, {} above)",
        s.households_low + s.households_high,
        div.config.households_min,
        div.config.households_max,
        s.households_low,
        s.households_high
    );
    println!(
        "[rust]   cases per supervisor-equivalent: median {}, Q1 {}, Q3 {}, Tukey fences {}-{}: {} grids below, {} above",
        num(s.load_median),
        num(s.load_q1),
        num(s.load_q3),
        num(s.lower_fence),
        num(s.upper_fence),
        s.load_low,
        s.load_high
    );
    for (flag, out) in [
        (
            "load_low",
            div.grids.iter().filter(|g| g.load_low).collect::<Vec<_>>(),
        ),
        (
            "load_high",
            div.grids.iter().filter(|g| g.load_high).collect(),
        ),
    ] {
        if !out.is_empty() {
            let listed: Vec<String> = out
                .iter()
                .take(5)
                .map(|g| format!("{} ({})", g.code, num(g.load_per_worker)))
                .collect();
            let more = if out.len() > 5 { " ..." } else { "" };
            println!("[rust]     {flag}: {}{more}", listed.join(", "));
        }
    }
    let reasons = [
        (
            "merge",
            div.merges().map(|m| m.reason.as_str()).collect::<Vec<_>>(),
        ),
        ("split", div.splits().map(|m| m.reason.as_str()).collect()),
    ];
    for (kind, all) in reasons {
        let plural = if all.len() == 1 { "" } else { "s" };
        let first = if all.len() > 3 { ", the first 3:" } else { ":" };
        println!("[rust]   {} {kind} suggestion{plural}{first}", all.len());
        for reason in all.iter().take(3) {
            for (i, line) in wrap(reason, 100).iter().enumerate() {
                let bullet = if i == 0 { "-" } else { " " };
                println!("[rust]     {bullet} {line}");
            }
        }
    }
    Ok(())
}

/// March against February for the city and its districts.
fn compare_months(feb: &Scorecard, mar: &Scorecard) -> Result<(), gridgov::Error> {
    println!("[rust] March against February (compare; change in hours or percentage points):");
    let mut rows = Vec::new();
    let mut last_area = String::new();
    for level in ["city", "district"] {
        for c in compare(feb, mar, Some(level))? {
            let area = format!("{} {}", c.area, c.name);
            let shown = if area == last_area {
                String::new()
            } else {
                area.clone()
            };
            last_area = area;
            let change = match c.change {
                Some(v) if c.indicator.ends_with("_hours") => format!("{v:+.2} h"),
                Some(v) => format!("{v:+.1} pt"),
                None => "-".into(),
            };
            rows.push(vec![
                shown,
                c.indicator.to_owned(),
                figure(c.indicator, c.before),
                figure(c.indicator, c.after),
                change,
                c.change_pct.map_or("-".into(), |p| format!("{p:+.1} %")),
                in_words(c.indicator, c.change, c.change_pct),
            ]);
        }
    }
    print_table(
        &[
            "area",
            "indicator",
            "February",
            "March",
            "change",
            "change %",
            "in words",
        ],
        &[true, true, false, false, false, false, true],
        &rows,
    );
    Ok(())
}
