//! The analysis itself: figures per grid, quartiles and Tukey fences of load per worker, and
//! the merge and split suggestions.

use std::fmt::Write as _;

use crate::error::{Error, Result};
use crate::model::Model;

use super::adjacency::{Edges, edges, grid_positions, resolve};
use super::config::DivisionConfig;
use super::report::{
    AdjacentPair, DivisionReport, DivisionSummary, GridFigures, MergeSuggestion, SplitSuggestion,
    Suggestion,
};

/// Quantile `q` of sorted values like `numpy.quantile(x, q)` (method `"linear"`), including
/// `NumPy`'s two-sided interpolation formula; `None` for no values.
fn quantile(sorted: &[f64], q: f64) -> Option<f64> {
    let last = sorted.len().checked_sub(1)?;
    let position = last as f64 * q;
    let floor = position.floor();
    let index = (floor as usize).min(last);
    let gamma = position - floor;
    let below = *sorted.get(index)?;
    let above = *sorted.get((index + 1).min(last))?;
    let diff = above - below;
    Some(if gamma >= 0.5 {
        above - diff * (1.0 - gamma)
    } else {
        below + diff * gamma
    })
}

/// Quartiles and fences of load per worker.
#[derive(Clone, Copy)]
struct Fences {
    q1: f64,
    median: f64,
    q3: f64,
    lower: f64,
    upper: f64,
}

fn fences(values: &mut [f64], k: f64) -> Option<Fences> {
    values.sort_by(f64::total_cmp);
    let q1 = quantile(values, 0.25)?;
    let median = quantile(values, 0.5)?;
    let q3 = quantile(values, 0.75)?;
    let iqr = q3 - q1;
    Some(Fences {
        q1,
        median,
        q3,
        lower: q1 - k * iqr,
        upper: q3 + k * iqr,
    })
}

/// Formats an optional number with two decimals, or `n/a`.
fn num(v: Option<f64>) -> String {
    v.map_or_else(|| "n/a".to_owned(), |v| format!("{v:.2}"))
}

/// Analyses the division of a model's unit grids under a case load; see the
/// [module documentation](crate::division).
///
/// `load[i]` is the number of cases in the unit grid `model.territory().grids()[i]`: one entry
/// per unit grid, in the order of [`Territory::grids`](crate::territory::Territory::grids)
/// (the order of [`DivisionReport::grids`] and of
/// [`Records::grid_load`](crate::score::Records::grid_load)).
///
/// # Errors
/// [`Error::InvalidValue`] naming the bad value: a configuration [`DivisionConfig::validate`]
/// refuses, `load` whose length is not the number of unit grids (naming both), a total number
/// of cases that overflows 64 bits (naming the entry, `load[3]`), boundary adjacency asked of
/// a model without boundaries.
///
/// # Examples
/// ```
/// use gridgov::division::{division_report, DivisionConfig};
/// let model = gridgov::Model::sample();
/// let t = model.territory();
/// // 40 cases in one grid, 3 in each other one.
/// let load: Vec<u64> = t
///     .grids()
///     .iter()
///     .map(|&g| if t.area(g).code.as_str() == "37990100100101" { 40 } else { 3 })
///     .collect();
/// let report = division_report(&model, &load, &DivisionConfig::default())?;
/// // The report's grids come in the order of the load.
/// assert_eq!(report.grids.len(), load.len());
/// assert_eq!(report.grids[0].code, "37990100100101");
/// assert_eq!((report.grids[0].cases, report.grids[1].cases), (40, 3));
///
/// // A load that is not one count per unit grid is refused, naming both lengths.
/// let err = division_report(&model, &[1, 2, 3], &DivisionConfig::default()).unwrap_err();
/// assert!(err.to_string().contains("load length \"3\""));
/// assert!(err.to_string().contains("expected 408"));
/// # Ok::<(), gridgov::Error>(())
/// ```
pub fn division_report(
    model: &Model,
    load: &[u64],
    config: &DivisionConfig,
) -> Result<DivisionReport> {
    config.validate()?;
    let t = model.territory();
    let grid_ids = t.grids();
    if load.len() != grid_ids.len() {
        return Err(Error::invalid(
            "load length",
            load.len(),
            format!(
                "expected {} entries, one per unit grid in the order of the territory's grids",
                grid_ids.len()
            ),
        ));
    }
    let pos = grid_positions(model);
    let mut total: u64 = 0;
    for (i, &v) in load.iter().enumerate() {
        total = total.checked_add(v).ok_or_else(|| {
            Error::invalid(
                format!("load[{i}]"),
                v,
                "the total number of cases overflows a 64-bit integer",
            )
        })?;
    }

    // Worker equivalents.
    let mut workers = vec![0.0f64; grid_ids.len()];
    let mut supervisors = vec![0u32; grid_ids.len()];
    for w in model.org().workers() {
        if w.grids.is_empty() {
            continue;
        }
        let share = 1.0 / w.grids.len() as f64;
        for g in &w.grids {
            if let Some(p) = pos[g.index()] {
                workers[p] += share;
                supervisors[p] = supervisors[p].saturating_add(1);
            }
        }
    }

    // Per-grid figures and the distribution of load per worker.
    let (hmin, hmax) = (config.households_min, config.households_max);
    let mut grids: Vec<GridFigures> = grid_ids
        .iter()
        .enumerate()
        .map(|(i, id)| {
            let a = t.area(*id);
            let cases = load[i];
            let load_per_worker = (workers[i] > 0.0).then(|| cases as f64 / workers[i]);
            GridFigures {
                code: a.code.to_string(),
                name: a.name.clone(),
                community: a.parent.map(|p| t.area(p).code.to_string()),
                households: a.households,
                population: a.population,
                area_m2: a.area_m2,
                cases,
                supervisors: supervisors[i],
                workers: workers[i],
                load_per_worker,
                households_low: a.households.is_some_and(|h| h < hmin),
                households_high: a.households.is_some_and(|h| h > hmax),
                load_low: false,
                load_high: false,
                no_workers: load_per_worker.is_none(),
            }
        })
        .collect();
    let mut values: Vec<f64> = grids.iter().filter_map(|g| g.load_per_worker).collect();
    let fences = fences(&mut values, config.outlier_k);
    if let Some(f) = fences {
        for g in &mut grids {
            if let Some(l) = g.load_per_worker {
                g.load_low = l < f.lower;
                g.load_high = l > f.upper;
            }
        }
    }

    // Adjacency.
    let source = resolve(model, config.adjacency)?;
    let (edges, grids_without_boundary) = edges(model, &pos, source, config.min_shared_m)?;

    let mut suggestions = merges(&grids, &workers, &edges, fences, config);
    suggestions.extend(splits(&grids, fences, config));

    let count = |f: fn(&GridFigures) -> bool| grids.iter().filter(|g| f(g)).count();
    let summary = DivisionSummary {
        grids: grids.len(),
        cases: total,
        households_known: count(|g| g.households.is_some()),
        households_in_bounds: count(|g| {
            g.households.is_some() && !g.households_low && !g.households_high
        }),
        households_low: count(|g| g.households_low),
        households_high: count(|g| g.households_high),
        grids_with_workers: count(|g| !g.no_workers),
        no_workers: count(|g| g.no_workers),
        load_low: count(|g| g.load_low),
        load_high: count(|g| g.load_high),
        flagged: count(GridFigures::is_flagged),
        edges: edges.len(),
        grids_without_boundary,
        merge_suggestions: suggestions
            .iter()
            .filter(|s| matches!(s, Suggestion::Merge(_)))
            .count(),
        split_suggestions: suggestions
            .iter()
            .filter(|s| matches!(s, Suggestion::Split(_)))
            .count(),
        load_q1: fences.map(|f| f.q1),
        load_median: fences.map(|f| f.median),
        load_q3: fences.map(|f| f.q3),
        load_iqr: fences.map(|f| f.q3 - f.q1),
        lower_fence: fences.map(|f| f.lower),
        upper_fence: fences.map(|f| f.upper),
    };
    let adjacency = edges
        .iter()
        .map(|&(a, b, shared_m)| AdjacentPair {
            a: grids[a].code.clone(),
            b: grids[b].code.clone(),
            shared_m,
        })
        .collect();
    Ok(DivisionReport {
        config: config.clone(),
        adjacency_source: source,
        summary,
        grids,
        adjacency,
        suggestions,
        edges: edges.iter().map(|&(a, b, _)| (a, b)).collect(),
    })
}

/// Why a grid is under-loaded, in words.
fn under_reason(g: &GridFigures, config: &DivisionConfig, lower: Option<f64>) -> String {
    let mut parts = Vec::new();
    if let (true, Some(h)) = (g.households_low, g.households) {
        parts.push(format!("{h} households, below {}", config.households_min));
    }
    if g.load_low {
        parts.push(format!(
            "{} cases per worker, below the lower fence {}",
            num(g.load_per_worker),
            num(lower)
        ));
    }
    format!("{}: {}", g.code, parts.join(" and "))
}

fn merges(
    grids: &[GridFigures],
    workers: &[f64],
    edges: &Edges,
    fences: Option<Fences>,
    config: &DivisionConfig,
) -> Vec<Suggestion> {
    let under = |g: &GridFigures| (g.households_low || g.load_low) && !g.load_high;
    // Candidates: (combined households, combined cases, a, b, shared).
    let mut candidates: Vec<(u64, u64, usize, usize, Option<f64>)> = edges
        .iter()
        .filter_map(|&(a, b, shared)| {
            let (ga, gb) = (&grids[a], &grids[b]);
            if !(under(ga) && under(gb)) || ga.community.is_none() || ga.community != gb.community {
                return None;
            }
            let households = ga.households?.checked_add(gb.households?)?;
            (households <= config.households_max).then(|| {
                // The total over all grids fits in a u64 (checked), so a pair does too.
                (households, ga.cases.saturating_add(gb.cases), a, b, shared)
            })
        })
        .collect();
    candidates.sort_by(|x, y| {
        (x.0, x.1, &grids[x.2].code, &grids[x.3].code).cmp(&(
            y.0,
            y.1,
            &grids[y.2].code,
            &grids[y.3].code,
        ))
    });
    let lower = fences.map(|f| f.lower);
    let mut used = vec![false; grids.len()];
    let mut out = Vec::new();
    for (households, cases, a, b, shared_m) in candidates {
        if used[a] || used[b] {
            continue;
        }
        used[a] = true;
        used[b] = true;
        let (ga, gb) = (&grids[a], &grids[b]);
        let combined_workers = workers[a] + workers[b];
        let combined_load_per_worker =
            (combined_workers > 0.0).then(|| cases as f64 / combined_workers);
        let community = ga.community.clone();
        let mut reason = format!(
            "adjacent grids {} and {} of community {} are both under-loaded ({}; {}); merged \
             they would have {households} households (at most {}), {cases} cases",
            ga.code,
            gb.code,
            community.as_deref().unwrap_or("-"),
            under_reason(ga, config, lower),
            under_reason(gb, config, lower),
            config.households_max,
        );
        let _ = write!(
            reason,
            " and {} cases per worker",
            num(combined_load_per_worker)
        );
        out.push(Suggestion::Merge(MergeSuggestion {
            grids: vec![ga.code.clone(), gb.code.clone()],
            reason,
            community,
            households: vec![ga.households.unwrap_or(0), gb.households.unwrap_or(0)],
            cases: vec![ga.cases, gb.cases],
            combined_households: households,
            combined_cases: cases,
            combined_workers,
            combined_load_per_worker,
            shared_m,
        }));
    }
    out
}

fn splits(
    grids: &[GridFigures],
    fences: Option<Fences>,
    config: &DivisionConfig,
) -> Vec<Suggestion> {
    let max = config.households_max;
    grids
        .iter()
        .filter(|g| g.households_high || g.load_high)
        .map(|g| {
            let parts = g.households.map_or(2, |h| h.div_ceil(max).max(2));
            let households_per_part = g.households.map(|h| h as f64 / parts as f64);
            let mut why = Vec::new();
            if let (true, Some(h)) = (g.households_high, g.households) {
                why.push(format!("{h} households, above {max}"));
            }
            if g.load_high {
                why.push(format!(
                    "{} cases per worker = {} cases / {} worker equivalents, above the \
                     upper fence {} (city median {}, Q3 {})",
                    num(g.load_per_worker),
                    g.cases,
                    num(Some(g.workers)),
                    num(fences.map(|f| f.upper)),
                    num(fences.map(|f| f.median)),
                    num(fences.map(|f| f.q3)),
                ));
            }
            let mut reason = format!(
                "grid {} is over-loaded ({}); split it into {parts} parts",
                g.code,
                why.join(" and ")
            );
            if let Some(per) = households_per_part {
                let _ = write!(reason, " of about {per:.0} households each");
            }
            Suggestion::Split(SplitSuggestion {
                grids: vec![g.code.clone()],
                reason,
                households: g.households,
                cases: g.cases,
                workers: g.workers,
                load_per_worker: g.load_per_worker,
                parts,
                households_per_part,
                median_load_per_worker: fences.map(|f| f.median),
                q3_load_per_worker: fences.map(|f| f.q3),
                upper_fence: fences.map(|f| f.upper),
            })
        })
        .collect()
}
