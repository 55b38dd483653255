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
//!    them ([`Model::grid_map`], [`GridMap::adjacency`](crate::spatial::GridMap::adjacency)),
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

use std::fmt::Write as _;

use petgraph::graph::UnGraph;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{Error, Result};
use crate::model::Model;
use crate::spatial::DEFAULT_MIN_SHARED_M;
use crate::territory::AreaId;

/// Default lower bound of households per unit grid (the commonly cited 300–500; see the module).
pub const DEFAULT_HOUSEHOLDS_MIN: u64 = 300;
/// Default upper bound of households per unit grid (the commonly cited 300–500; see the module).
pub const DEFAULT_HOUSEHOLDS_MAX: u64 = 500;
/// Default Tukey fence factor `k`.
pub const DEFAULT_OUTLIER_K: f64 = 1.5;

/// Which adjacency to use ([`DivisionConfig::adjacency`]).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum AdjacencyChoice {
    /// Shared boundaries when the model has them, else declared neighbours.
    #[default]
    Auto,
    /// Shared boundaries; an error when the model has none.
    Boundaries,
    /// The areas' declared `neighbours`.
    Declared,
}

/// Where an adjacency graph came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AdjacencySource {
    /// Grids sharing more than `min_shared_m` metres of boundary ([`Model::grid_map`]).
    /// Unit grids without a boundary have no neighbour.
    Boundaries,
    /// The areas' declared `neighbours`, made symmetric (one side declaring is enough);
    /// neighbours that are not unit grids are ignored.
    Declared,
}

/// Settings of the analysis. Every field has a default, so `{}` is a valid configuration.
///
/// # Examples
/// ```
/// use gridgov::division::DivisionConfig;
/// let c = DivisionConfig::from_json(r#"{"households_max": 600}"#)?;
/// assert_eq!((c.households_min, c.households_max, c.outlier_k), (300, 600, 1.5));
/// let e = DivisionConfig::from_json(r#"{"households_min": 700}"#).unwrap_err();
/// assert!(e.to_string().contains("households_min"));
/// # Ok::<(), gridgov::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct DivisionConfig {
    /// Fewest households a unit grid should have (default 300: "300–500 households per basic
    /// grid" is the figure commonly cited for urban communities, not an official text).
    pub households_min: u64,
    /// Most households a unit grid should have (default 500, same source); at least 1.
    pub households_max: u64,
    /// Tukey fence factor `k` on the distribution of load per worker (default 1.5): outliers
    /// lie below `Q1 − k·IQR` or above `Q3 + k·IQR`. Finite, ≥ 0.
    pub outlier_k: f64,
    /// Which adjacency to use (default `auto`: boundaries when the model has them).
    pub adjacency: AdjacencyChoice,
    /// Shared boundary length (metres) above which two grids are adjacent (default 1 m, so
    /// that grids meeting at a corner are not). Finite, ≥ 0.
    pub min_shared_m: f64,
}

impl Default for DivisionConfig {
    fn default() -> Self {
        Self {
            households_min: DEFAULT_HOUSEHOLDS_MIN,
            households_max: DEFAULT_HOUSEHOLDS_MAX,
            outlier_k: DEFAULT_OUTLIER_K,
            adjacency: AdjacencyChoice::Auto,
            min_shared_m: DEFAULT_MIN_SHARED_M,
        }
    }
}

impl DivisionConfig {
    /// Checks the settings.
    ///
    /// # Errors
    /// [`Error::InvalidValue`] naming the field: `households_max` of 0, `households_min`
    /// above `households_max`, `outlier_k` or `min_shared_m` negative or not finite.
    pub fn validate(&self) -> Result<()> {
        if self.households_max == 0 {
            return Err(Error::invalid(
                "households_max",
                self.households_max,
                "must be at least 1",
            ));
        }
        if self.households_min > self.households_max {
            return Err(Error::invalid(
                "households_min",
                self.households_min,
                format!("is greater than households_max ({})", self.households_max),
            ));
        }
        if !(self.outlier_k.is_finite() && self.outlier_k >= 0.0) {
            return Err(Error::invalid(
                "outlier_k",
                self.outlier_k,
                "must be a finite number >= 0",
            ));
        }
        if !(self.min_shared_m.is_finite() && self.min_shared_m >= 0.0) {
            return Err(Error::invalid(
                "min_shared_m",
                self.min_shared_m,
                "must be a finite number >= 0",
            ));
        }
        Ok(())
    }

    /// Reads and validates a configuration from JSON text (an object; missing fields take
    /// their defaults; empty or blank text is the default configuration).
    ///
    /// # Errors
    /// [`Error::Parse`] for malformed JSON; [`Error::InvalidValue`] naming the field for an
    /// unknown field, a wrong type or a value [`DivisionConfig::validate`] refuses.
    pub fn from_json(text: &str) -> Result<DivisionConfig> {
        if text.trim().is_empty() {
            return Ok(DivisionConfig::default());
        }
        let value: Value = serde_json::from_str(text).map_err(|e| Error::Parse {
            format: "JSON",
            message: format!("division config: {e}"),
        })?;
        if !value.is_object() {
            return Err(Error::invalid(
                "config",
                value,
                "the division config must be a JSON object",
            ));
        }
        let config: DivisionConfig = serde_path_to_error::deserialize(&value).map_err(|e| {
            let path = e.path().to_string();
            let (what, bad) = if path == "." {
                ("config".to_owned(), value.to_string())
            } else {
                let pointer = format!("/{}", path.replace('.', "/"));
                let bad = value
                    .pointer(&pointer)
                    .map_or_else(|| value.to_string(), Value::to_string);
                (path, bad)
            };
            Error::invalid(what, bad, e.into_inner().to_string())
        })?;
        config.validate()?;
        Ok(config)
    }
}

/// The figures and flags of one unit grid.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[expect(
    clippy::struct_excessive_bools,
    reason = "independent flags, one column each in the JSON and the Python table"
)]
pub struct GridFigures {
    /// The grid code.
    pub code: String,
    /// The grid name.
    pub name: String,
    /// Code of the parent area (the community, with the default levels).
    pub community: Option<String>,
    /// Households, as in the model.
    pub households: Option<u64>,
    /// Residents, as in the model.
    pub population: Option<u64>,
    /// Surface in m², as in the model.
    pub area_m2: Option<f64>,
    /// Cases (from the load input).
    pub cases: u64,
    /// Number of supervisors assigned to the grid.
    pub supervisors: u32,
    /// Worker equivalents: each supervisor counts `1/k` in each of its `k` grids.
    pub workers: f64,
    /// Cases per worker equivalent; `None` when no supervisor covers the grid.
    pub load_per_worker: Option<f64>,
    /// Households known and below `households_min`.
    pub households_low: bool,
    /// Households known and above `households_max`.
    pub households_high: bool,
    /// Load per worker below the lower Tukey fence.
    pub load_low: bool,
    /// Load per worker above the upper Tukey fence.
    pub load_high: bool,
    /// No supervisor covers the grid.
    pub no_workers: bool,
}

impl GridFigures {
    /// `true` when any flag is set.
    pub fn is_flagged(&self) -> bool {
        self.households_low
            || self.households_high
            || self.load_low
            || self.load_high
            || self.no_workers
    }
}

/// Two adjacent unit grids.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AdjacentPair {
    /// Code of the grid that comes first in territory order.
    pub a: String,
    /// Code of the other grid.
    pub b: String,
    /// Shared boundary in metres (`None` for declared neighbours).
    pub shared_m: Option<f64>,
}

/// A suggestion to merge adjacent under-loaded grids of one community.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MergeSuggestion {
    /// The grid codes, in territory order.
    pub grids: Vec<String>,
    /// Why, in words, with the numbers.
    pub reason: String,
    /// Their common parent area.
    pub community: Option<String>,
    /// Households of each grid.
    pub households: Vec<u64>,
    /// Cases of each grid.
    pub cases: Vec<u64>,
    /// Households of the merged grid.
    pub combined_households: u64,
    /// Cases of the merged grid.
    pub combined_cases: u64,
    /// Worker equivalents of the merged grid.
    pub combined_workers: f64,
    /// Cases per worker equivalent of the merged grid (`None` without workers).
    pub combined_load_per_worker: Option<f64>,
    /// Shared boundary in metres (`None` for declared neighbours).
    pub shared_m: Option<f64>,
}

/// A suggestion to split an over-loaded grid.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SplitSuggestion {
    /// The grid code (one).
    pub grids: Vec<String>,
    /// Why, in words, with the numbers.
    pub reason: String,
    /// Households of the grid.
    pub households: Option<u64>,
    /// Cases of the grid.
    pub cases: u64,
    /// Worker equivalents of the grid.
    pub workers: f64,
    /// Cases per worker equivalent (`None` without workers).
    pub load_per_worker: Option<f64>,
    /// Suggested number of parts: `max(2, ⌈households ÷ households_max⌉)`.
    pub parts: u64,
    /// Households of each part (`households ÷ parts`), when households are known.
    pub households_per_part: Option<f64>,
    /// The city's median load per worker.
    pub median_load_per_worker: Option<f64>,
    /// The city's third quartile of load per worker.
    pub q3_load_per_worker: Option<f64>,
    /// The upper Tukey fence.
    pub upper_fence: Option<f64>,
}

/// A merge or split suggestion (JSON: an object with `"kind": "merge"` or `"split"`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Suggestion {
    /// Merge adjacent under-loaded grids.
    Merge(MergeSuggestion),
    /// Split an over-loaded grid.
    Split(SplitSuggestion),
}

impl Suggestion {
    /// The grid codes concerned.
    pub fn grids(&self) -> &[String] {
        match self {
            Suggestion::Merge(m) => &m.grids,
            Suggestion::Split(s) => &s.grids,
        }
    }

    /// The reason, in words.
    pub fn reason(&self) -> &str {
        match self {
            Suggestion::Merge(m) => &m.reason,
            Suggestion::Split(s) => &s.reason,
        }
    }
}

/// City-wide figures of a [`DivisionReport`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DivisionSummary {
    /// Number of unit grids.
    pub grids: usize,
    /// Total cases over the unit grids.
    pub cases: u64,
    /// Grids whose households are known.
    pub households_known: usize,
    /// Grids whose households are known and within `[households_min, households_max]`.
    pub households_in_bounds: usize,
    /// Grids flagged `households_low`.
    pub households_low: usize,
    /// Grids flagged `households_high`.
    pub households_high: usize,
    /// Grids covered by at least one supervisor.
    pub grids_with_workers: usize,
    /// Grids flagged `no_workers`.
    pub no_workers: usize,
    /// Grids flagged `load_low`.
    pub load_low: usize,
    /// Grids flagged `load_high`.
    pub load_high: usize,
    /// Grids with at least one flag.
    pub flagged: usize,
    /// Edges of the adjacency graph.
    pub edges: usize,
    /// Unit grids without a boundary (0 with declared adjacency).
    pub grids_without_boundary: usize,
    /// Number of merge suggestions.
    pub merge_suggestions: usize,
    /// Number of split suggestions.
    pub split_suggestions: usize,
    /// First quartile of load per worker (`None` when no grid has workers).
    pub load_q1: Option<f64>,
    /// Median of load per worker.
    pub load_median: Option<f64>,
    /// Third quartile of load per worker.
    pub load_q3: Option<f64>,
    /// Interquartile range `Q3 − Q1`.
    pub load_iqr: Option<f64>,
    /// Lower Tukey fence `Q1 − k·IQR`.
    pub lower_fence: Option<f64>,
    /// Upper Tukey fence `Q3 + k·IQR`.
    pub upper_fence: Option<f64>,
}

/// The result of [`division_report`]; see the [module documentation](self) for the rules and
/// the JSON form.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DivisionReport {
    /// The configuration used.
    pub config: DivisionConfig,
    /// Where the adjacency came from.
    pub adjacency_source: AdjacencySource,
    /// City-wide figures.
    pub summary: DivisionSummary,
    /// One entry per unit grid, in territory order ([`crate::territory::Territory::grids`]).
    pub grids: Vec<GridFigures>,
    /// Adjacent grid pairs, sorted by the territory positions of `a` then `b`.
    pub adjacency: Vec<AdjacentPair>,
    /// Merge suggestions, then split suggestions.
    pub suggestions: Vec<Suggestion>,
    /// The adjacency as positions into `grids` (`a < b`), parallel to `adjacency`.
    #[serde(skip)]
    edges: Vec<(usize, usize)>,
}

impl DivisionReport {
    /// The adjacency graph: node `i` (weight `i`) is `grids[i]`, edges carry the shared
    /// boundary in metres (`None` for declared neighbours).
    ///
    /// # Examples
    /// ```
    /// use gridgov::division::{division_report, DivisionConfig};
    /// let model = gridgov::Model::sample();
    /// let load = vec![0u64; model.territory().grids().len()];
    /// let report = division_report(&model, &load, &DivisionConfig::default())?;
    /// let g = report.graph();
    /// assert_eq!(g.node_count(), 408);
    /// assert_eq!(g.edge_count(), report.adjacency.len());
    /// # Ok::<(), gridgov::Error>(())
    /// ```
    pub fn graph(&self) -> UnGraph<usize, Option<f64>> {
        let mut g = UnGraph::with_capacity(self.grids.len(), self.edges.len());
        let nodes: Vec<_> = (0..self.grids.len()).map(|i| g.add_node(i)).collect();
        for (&(a, b), pair) in self.edges.iter().zip(&self.adjacency) {
            g.add_edge(nodes[a], nodes[b], pair.shared_m);
        }
        g
    }

    /// The merge suggestions.
    pub fn merges(&self) -> impl Iterator<Item = &MergeSuggestion> + '_ {
        self.suggestions.iter().filter_map(|s| match s {
            Suggestion::Merge(m) => Some(m),
            Suggestion::Split(_) => None,
        })
    }

    /// The split suggestions.
    pub fn splits(&self) -> impl Iterator<Item = &SplitSuggestion> + '_ {
        self.suggestions.iter().filter_map(|s| match s {
            Suggestion::Split(s) => Some(s),
            Suggestion::Merge(_) => None,
        })
    }

    /// The figures of the grid with `code`, if it is a unit grid of the report.
    pub fn grid(&self, code: &str) -> Option<&GridFigures> {
        self.grids.iter().find(|g| g.code == code)
    }

    /// The report as JSON (shape in the [module documentation](self)).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| String::from("{}"))
    }
}

/// Adjacency of the unit grids, as positions into `territory.grids()`, `a < b`, sorted.
type Edges = Vec<(usize, usize, Option<f64>)>;

/// Position of each area in `territory.grids()`, `None` for areas that are not unit grids.
fn grid_positions(model: &Model) -> Vec<Option<usize>> {
    let t = model.territory();
    let mut pos = vec![None; t.len()];
    for (i, g) in t.grids().iter().enumerate() {
        pos[g.index()] = Some(i);
    }
    pos
}

fn resolve(model: &Model, choice: AdjacencyChoice) -> Result<AdjacencySource> {
    match (choice, model.grid_map().is_some()) {
        (AdjacencyChoice::Auto | AdjacencyChoice::Boundaries, true) => {
            Ok(AdjacencySource::Boundaries)
        }
        (AdjacencyChoice::Auto, false) | (AdjacencyChoice::Declared, _) => {
            Ok(AdjacencySource::Declared)
        }
        (AdjacencyChoice::Boundaries, false) => Err(Error::invalid(
            "adjacency",
            "boundaries",
            "the model has no grid boundaries (use \"declared\" or \"auto\")",
        )),
    }
}

/// The edges from `source`, plus the number of unit grids without a boundary.
fn edges(
    model: &Model,
    pos: &[Option<usize>],
    source: AdjacencySource,
    min_shared_m: f64,
) -> Result<(Edges, usize)> {
    let t = model.territory();
    let mut out: Edges = Vec::new();
    let mut without_boundary = 0;
    match source {
        AdjacencySource::Boundaries => {
            let Some(map) = model.grid_map() else {
                return Err(Error::invalid(
                    "adjacency",
                    "boundaries",
                    "the model has no grid boundaries",
                ));
            };
            let position = |i: usize| {
                map.code(i)
                    .and_then(|c| t.find_grid(c).ok())
                    .and_then(|id| pos[id.index()])
            };
            for (i, j, len) in map.adjacency(min_shared_m) {
                if let (Some(a), Some(b)) = (position(i), position(j)) {
                    out.push((a.min(b), a.max(b), Some(len)));
                }
            }
            without_boundary = t
                .grids()
                .iter()
                .filter(|g| map.index_of(t.area(**g).code.as_str()).is_none())
                .count();
        }
        AdjacencySource::Declared => {
            for (i, g) in t.grids().iter().enumerate() {
                for n in &t.area(*g).neighbours {
                    if let Some(j) = pos[n.index()]
                        && j != i
                    {
                        out.push((i.min(j), i.max(j), None));
                    }
                }
            }
        }
    }
    out.sort_by_key(|x| (x.0, x.1));
    out.dedup_by(|x, y| (x.0, x.1) == (y.0, y.1));
    Ok((out, without_boundary))
}

/// The adjacency graph of a model's unit grids from `source`: node `i` (weight: the
/// [`AreaId`]) is `territory().grids()[i]`; edges carry the shared boundary in metres
/// (`None` for declared neighbours). Boundaries count as shared above `min_shared_m` metres.
///
/// # Errors
/// [`Error::InvalidValue`] for [`AdjacencySource::Boundaries`] on a model without boundaries,
/// or a negative or non-finite `min_shared_m`.
///
/// # Examples
/// ```
/// use gridgov::division::{adjacency_graph, AdjacencySource};
/// let model = gridgov::Model::sample();
/// let g = adjacency_graph(&model, AdjacencySource::Declared, 1.0)?;
/// assert_eq!(g.node_count(), 408);
/// assert!(g.edge_count() > 408);
/// # Ok::<(), gridgov::Error>(())
/// ```
pub fn adjacency_graph(
    model: &Model,
    source: AdjacencySource,
    min_shared_m: f64,
) -> Result<UnGraph<AreaId, Option<f64>>> {
    if !(min_shared_m.is_finite() && min_shared_m >= 0.0) {
        return Err(Error::invalid(
            "min_shared_m",
            min_shared_m,
            "must be a finite number >= 0",
        ));
    }
    let pos = grid_positions(model);
    let (edges, _) = edges(model, &pos, source, min_shared_m)?;
    let grids = model.territory().grids();
    let mut g = UnGraph::with_capacity(grids.len(), edges.len());
    let nodes: Vec<_> = grids.iter().map(|id| g.add_node(*id)).collect();
    for (a, b, w) in edges {
        g.add_edge(nodes[a], nodes[b], w);
    }
    Ok(g)
}

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
/// [module documentation](self).
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
