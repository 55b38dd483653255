//! Adjacency: which grids share a boundary, and how long it is ([`GridMap::adjacency`],
//! [`GridMap::adjacency_graph`]).

use super::geometry::{self, LocalFrame, Pt};
use super::map::{GridMap, Part};

/// Default length (m) of shared boundary above which two grids are adjacent.
pub const DEFAULT_MIN_SHARED_M: f64 = 1.0;

/// Distance (m) within which two boundary segments count as the same line for adjacency.
const COLLINEAR_TOL_M: f64 = 0.01;
/// Margin (degrees, about 1 cm) added to boxes when looking for adjacent grids.
const ADJACENCY_MARGIN_DEG: f64 = 1e-7;

impl GridMap {
    /// Pairs of grids sharing more than `min_shared_m` metres of boundary (use
    /// [`DEFAULT_MIN_SHARED_M`], 1 m, to ignore grids meeting at a corner): `(i, j, metres)`
    /// with `i < j`, sorted.
    ///
    /// Two boundary segments are shared where they run within 1 cm of each other, so grids
    /// whose common boundary is split at different vertices are still found adjacent.
    pub fn adjacency(&self, min_shared_m: f64) -> Vec<(usize, usize, f64)> {
        let shared = self.grid_pairs(ADJACENCY_MARGIN_DEG, |a, b| self.shared_length(a, b));
        shared
            .into_iter()
            .filter(|(_, len)| *len > min_shared_m)
            .map(|((i, j), len)| (i, j, len))
            .collect()
    }

    fn shared_length(&self, a: &Part, b: &Part) -> f64 {
        let frame = LocalFrame::around(geometry::bbox_union(a.bbox, b.bbox));
        let project = |r: &[Pt]| r.iter().map(|p| frame.project(*p)).collect::<Vec<_>>();
        let rings_b: Vec<Vec<[f64; 2]>> = self.part_rings(b).map(project).collect();
        let tol = COLLINEAR_TOL_M;
        let mut total = 0.0;
        for ra in self.part_rings(a) {
            let ra = project(ra);
            for (a0, a1) in ra.iter().zip(ra.iter().skip(1)) {
                let (ax0, ax1) = (a0[0].min(a1[0]) - tol, a0[0].max(a1[0]) + tol);
                let (ay0, ay1) = (a0[1].min(a1[1]) - tol, a0[1].max(a1[1]) + tol);
                for rb in &rings_b {
                    for (b0, b1) in rb.iter().zip(rb.iter().skip(1)) {
                        if b0[0].max(b1[0]) < ax0
                            || b0[0].min(b1[0]) > ax1
                            || b0[1].max(b1[1]) < ay0
                            || b0[1].min(b1[1]) > ay1
                        {
                            continue;
                        }
                        total += geometry::collinear_overlap(*a0, *a1, *b0, *b1, tol);
                    }
                }
            }
        }
        total
    }

    /// [`GridMap::adjacency`] as a graph: node `i` (weight `i`) is grid `i`, every grid has a
    /// node, edges carry the shared length in metres.
    pub fn adjacency_graph(&self, min_shared_m: f64) -> petgraph::graph::UnGraph<usize, f64> {
        let edges = self.adjacency(min_shared_m);
        let mut g = petgraph::graph::UnGraph::with_capacity(self.len(), edges.len());
        let nodes: Vec<_> = (0..self.len()).map(|i| g.add_node(i)).collect();
        for (i, j, len) in edges {
            g.add_edge(nodes[i], nodes[j], len);
        }
        g
    }
}
