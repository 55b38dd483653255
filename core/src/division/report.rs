//! What the analysis finds: per-grid figures, adjacent pairs, merge and split suggestions, the
//! summary, and the report's JSON form.

use petgraph::graph::UnGraph;
use serde::Serialize;

use super::config::{AdjacencySource, DivisionConfig};

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

/// The result of [`division_report`](super::division_report); see the [module documentation](crate::division) for the rules and
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
    pub(super) edges: Vec<(usize, usize)>,
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

    /// The report as JSON (shape in the [module documentation](crate::division)).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| String::from("{}"))
    }
}
