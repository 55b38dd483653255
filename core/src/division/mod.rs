//! Grid-division analysis: which unit grids are "too fine or too coarse".
//!
//! Given a model (grid attributes, supervisors and their grids, boundaries or declared
//! neighbours) and the number of cases per unit grid over some period (one count per grid, in
//! the order of [`Territory::grids`](crate::territory::Territory::grids), as
//! [`Records::grid_load`](crate::score::Records::grid_load) counts them), [`division_report`]
//!
//! 1. computes per unit grid its households, population, surface, cases, **worker
//!    equivalents** (each supervisor counts `1/k` in each of the `k` grids assigned to it) and
//!    **load per worker** (cases ÷ worker equivalents; none when no supervisor covers the grid);
//! 2. flags grids outside the household bounds (default 300–500, [`DivisionConfig`]) and grids
//!    whose load per worker is an outlier of the city's distribution (Tukey fences, below);
//! 3. builds the adjacency graph of the unit grids, from shared boundaries when the model has
//!    them ([`Model::grid_map`](crate::Model::grid_map), [`GridMap::adjacency`](crate::spatial::GridMap::adjacency)),
//!    otherwise from the declared `neighbours` of the areas;
//! 4. suggests **merges** of adjacent under-loaded grids of one community and **splits** of
//!    over-loaded grids, each with the figures behind it.
//!
//! # Bounds and outliers
//!
//! A grid is `households_low` when its households are known and below `households_min`, and
//! `households_high` when above `households_max` (grids whose households are unknown get
//! neither flag). The defaults 300–500 households per basic grid are the figure commonly cited
//! for urban communities in articles on 网格化服务管理 (no official text gives it; GB/T 34300-2017
//! 城乡社区网格化服务管理规范 may, but its figures could not be checked), hence configurable.
//!
//! Load outliers use **Tukey's fences** on the distribution of load per worker over the grids
//! that have workers: with `Q1`, `Q3` the quartiles and `IQR = Q3 − Q1`, a grid is `load_low`
//! when its load per worker is strictly below `Q1 − k·IQR` and `load_high` when strictly above
//! `Q3 + k·IQR` (`k` = `outlier_k`, default 1.5). Quartiles are computed like `NumPy`'s default
//! (`numpy.quantile(x, q)`, method `"linear"`): on the sorted values `x[0..n]`, at position
//! `h = (n − 1)·q`, the value `x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋])` (evaluated in the same
//! two-sided way as `NumPy`, so that the results agree to the last bit). Grids without workers
//! are flagged `no_workers` and take no part in the distribution.
//!
//! # Suggestions
//!
//! * **merge** — two grids that are adjacent, have the same parent area (the community, with
//!   the default levels), are both under-loaded (`households_low` or `load_low`, and not
//!   `load_high`), both have known households, and whose combined households do not exceed
//!   `households_max`. Pairs are chosen greedily: smallest combined households first (then
//!   fewest combined cases, then codes), each grid in at most one merge. The figures: the
//!   grids, their households and cases, the combined households, cases, worker equivalents and
//!   load per worker, and the shared boundary length when boundaries decided the adjacency.
//! * **split** — a grid that is `households_high` or `load_high`: into
//!   `parts = max(2, ⌈households ÷ households_max⌉)` parts (2 when households are unknown),
//!   with its households, cases, workers, load per worker and the city's median, `Q3` and
//!   upper fence of load per worker.
//!
//! Merges come first, in the order chosen, then splits in territory order.
//!
//! # The JSON form
//!
//! [`DivisionReport::to_json`] (also what the C function `gridgov_division_report` returns):
//!
//! ```text
//! {
//!   "config":    {"households_min": 300, "households_max": 500, "outlier_k": 1.5,
//!                 "adjacency": "auto", "min_shared_m": 1.0},
//!   "adjacency_source": "boundaries" | "declared",
//!   "summary":   {"grids", "cases", "households_known", "households_in_bounds",
//!                 "households_low", "households_high", "grids_with_workers", "no_workers",
//!                 "load_low", "load_high", "flagged", "edges", "grids_without_boundary",
//!                 "merge_suggestions", "split_suggestions",
//!                 "load_q1", "load_median", "load_q3", "load_iqr",
//!                 "lower_fence", "upper_fence"},          // the last six: number or null
//!   "grids":     [{"code", "name", "community", "households", "population", "area_m2",
//!                  "cases", "supervisors", "workers", "load_per_worker",
//!                  "households_low", "households_high", "load_low", "load_high",
//!                  "no_workers"}, ...],                   // territory order
//!   "adjacency": [{"a": code, "b": code, "shared_m": metres | null}, ...],
//!   "suggestions": [
//!     {"kind": "merge", "grids": [code, code], "reason": text, "community": code,
//!      "households": [h, h], "cases": [c, c], "combined_households", "combined_cases",
//!      "combined_workers", "combined_load_per_worker", "shared_m"},
//!     {"kind": "split", "grids": [code], "reason": text, "households", "cases", "workers",
//!      "load_per_worker", "parts", "households_per_part", "median_load_per_worker",
//!      "q3_load_per_worker", "upper_fence"}
//!   ]
//! }
//! ```
//!
//! Optional figures (unknown households, no workers, no distribution) are `null`.
//!
//! # Examples
//! ```
//! use gridgov::division::{division_report, AdjacencySource, DivisionConfig};
//! let model = gridgov::Model::sample();
//! // One count per unit grid, in the order of `Territory::grids()`.
//! let grids = model.territory().grids().len();
//! let load: Vec<u64> = (0..grids).map(|i| (i % 7) as u64 * 3).collect();
//! let report = division_report(&model, &load, &DivisionConfig::default())?;
//! assert_eq!(report.grids.len(), 408);
//! assert_eq!(report.adjacency_source, AdjacencySource::Boundaries);
//! assert!(report.summary.load_median.is_some());
//! # Ok::<(), gridgov::Error>(())
//! ```

mod adjacency;
mod analysis;
mod config;
mod report;

pub use adjacency::adjacency_graph;
pub use analysis::division_report;
pub use config::{
    AdjacencyChoice, AdjacencySource, DEFAULT_HOUSEHOLDS_MAX, DEFAULT_HOUSEHOLDS_MIN,
    DEFAULT_OUTLIER_K, DivisionConfig,
};
pub use report::{
    AdjacentPair, DivisionReport, DivisionSummary, GridFigures, MergeSuggestion, SplitSuggestion,
    Suggestion,
};
