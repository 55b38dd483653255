//! The adjacency of the unit grids: from shared boundaries or from declared neighbours.

use petgraph::graph::UnGraph;

use crate::error::{Error, Result};
use crate::model::Model;
use crate::territory::AreaId;

use super::config::{AdjacencyChoice, AdjacencySource};

/// Adjacency of the unit grids, as positions into `territory.grids()`, `a < b`, sorted.
pub(super) type Edges = Vec<(usize, usize, Option<f64>)>;

/// Position of each area in `territory.grids()`, `None` for areas that are not unit grids.
pub(super) fn grid_positions(model: &Model) -> Vec<Option<usize>> {
    let t = model.territory();
    let mut pos = vec![None; t.len()];
    for (i, g) in t.grids().iter().enumerate() {
        pos[g.index()] = Some(i);
    }
    pos
}

pub(super) fn resolve(model: &Model, choice: AdjacencyChoice) -> Result<AdjacencySource> {
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
pub(super) fn edges(
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
