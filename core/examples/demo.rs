//! The Rust half of `make demo`: load the sample city, check its duty matrix, route a few
//! cases and compute deadlines on its calendar.

use chrono::{FixedOffset, TimeZone};

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
    Ok(())
}
