//! An index over one detailed polygon's edges, built once when the map loads, that answers
//! the exact point-in-polygon question in O(1) for most points and O(edges in one band)
//! for the rest, with the very answer of the plain test (`geometry::ring_position` over every
//! ring).
//!
//! The polygon's bounding box is cut into a grid of about [`CELLS_PER_EDGE`] cells per edge.
//! A point's cell is `(fx(x), fy(y))` with `fx(x) = ⌊(x − x0)·sx⌋` clamped (and `fy` alike):
//! monotone functions, so the points that fall in one cell form a rectangle, and a segment's
//! points all fall in the cells of its bounding box's corners' range. Each segment marks those
//! cells **crossed** and is listed in those **rows** (bands of y). Then:
//!
//! - a cell no segment marks holds no boundary point, so every point of it has the position of
//!   any other: a run of such cells along a row is classified once, exactly, from a point that
//!   falls in its first cell, as **inside** or **outside** the polygon;
//! - a point in a crossed cell is decided by the segments of its row only: every segment left
//!   out lies wholly above or below the point, which the plain test skips anyway. The row's
//!   segments are visited ring by ring in storage order and combined as the plain test
//!   combines rings (shell first, then holes in order), through the same per-segment rule
//!   ([`geometry::edge_step`]), so the answer is the same bit for bit: on the boundary exactly
//!   when the plain test says so, whatever the rounding.
//!
//! Polygons with fewer than [`MIN_INDEXED_EDGES`] edges are not indexed (the plain test is as
//! fast). Memory: one byte per cell and four per listed segment, about 12 bytes per edge.

use super::geometry::{self, Position, Pt, Step};

/// Polygons with fewer edges are tested plainly.
pub(crate) const MIN_INDEXED_EDGES: usize = 48;
/// Cells per edge of the polygon (about).
const CELLS_PER_EDGE: f64 = 4.0;
/// Upper bound on the cells along one side.
const MAX_SIDE: usize = 4096;

const OUTSIDE: u8 = 0;
const INSIDE: u8 = 1;
const CROSSED: u8 = 2;

/// The edge index of one polygon (see the module documentation).
#[derive(Debug, Clone)]
pub(crate) struct PolygonIndex {
    x0: f64,
    y0: f64,
    sx: f64,
    sy: f64,
    nx: usize,
    ny: usize,
    /// `nx × ny` cell states, row by row.
    cells: Vec<u8>,
    /// Row `r`'s segments are `edges[row_start[r]..row_start[r + 1]]`.
    row_start: Vec<u32>,
    /// Segment `k` runs from `coords[k]` to `coords[k + 1]`; ascending within a row.
    edges: Vec<u32>,
    /// The end of each ring in `coords` (exclusive), the shell first.
    ends: Vec<usize>,
}

#[inline]
fn cell_of(v: f64, origin: f64, scale: f64, n: usize) -> usize {
    let t = ((v - origin) * scale).floor();
    if t <= 0.0 {
        0
    } else if t >= (n - 1) as f64 {
        n - 1
    } else {
        t as usize
    }
}

impl PolygonIndex {
    /// The index of the polygon whose rings are `coords[start..end]` for each `(start, end)`
    /// of `rings` (the shell first, each closed, stored one after the other), with bounding box
    /// `bbox`; `None` when it has too few edges to be worth one (or the edges cannot be
    /// numbered in 32 bits).
    pub(crate) fn build(
        coords: &[Pt],
        rings: &[(usize, usize)],
        bbox: [f64; 4],
    ) -> Option<PolygonIndex> {
        let edge_count: usize = rings.iter().map(|(a, b)| b - a - 1).sum();
        if edge_count < MIN_INDEXED_EDGES || coords.len() > u32::MAX as usize {
            return None;
        }
        let (w, h) = (bbox[2] - bbox[0], bbox[3] - bbox[1]);
        if !(w > 0.0 && h > 0.0) {
            return None;
        }
        let cells = edge_count as f64 * CELLS_PER_EDGE;
        let nx = ((cells * w / h).sqrt().ceil() as usize).clamp(1, MAX_SIDE);
        let ny = ((cells / nx as f64).ceil() as usize).clamp(1, MAX_SIDE);
        let mut index = PolygonIndex {
            x0: bbox[0],
            y0: bbox[1],
            sx: nx as f64 / w,
            sy: ny as f64 / h,
            nx,
            ny,
            cells: vec![OUTSIDE; nx * ny],
            row_start: vec![0; ny + 1],
            edges: Vec::new(),
            ends: rings.iter().map(|r| r.1).collect(),
        };
        // Rows: count, then fill (segments in ascending order within each row).
        let spans: Vec<(u32, usize, usize, usize, usize)> = rings
            .iter()
            .flat_map(|&(start, end)| start..end - 1)
            .map(|k| {
                let (a, b) = (coords[k], coords[k + 1]);
                let (cx0, cx1) = (index.col(a[0].min(b[0])), index.col(a[0].max(b[0])));
                let (cy0, cy1) = (index.row(a[1].min(b[1])), index.row(a[1].max(b[1])));
                (k as u32, cx0, cx1, cy0, cy1)
            })
            .collect();
        let mut counts = vec![0u32; ny + 1];
        for &(_, cx0, cx1, cy0, cy1) in &spans {
            for r in cy0..=cy1 {
                counts[r + 1] += 1;
                index.cells[r * nx + cx0..=r * nx + cx1].fill(CROSSED);
            }
        }
        for r in 0..ny {
            counts[r + 1] += counts[r];
        }
        index.row_start.clone_from(&counts);
        index.edges = vec![0; counts[ny] as usize];
        for &(k, _, _, cy0, cy1) in &spans {
            for slot in &mut counts[cy0..=cy1] {
                index.edges[*slot as usize] = k;
                *slot += 1;
            }
        }
        // Classify the runs of unmarked cells, once per run.
        for r in 0..ny {
            let mut run_state: Option<u8> = None;
            for c in 0..nx {
                let i = r * nx + c;
                if index.cells[i] == CROSSED {
                    run_state = None;
                    continue;
                }
                let state = match run_state {
                    Some(s) => s,
                    None => {
                        let p = [
                            index.x0 + (c as f64 + 0.5) / index.sx,
                            index.y0 + (r as f64 + 0.5) / index.sy,
                        ];
                        if index.col(p[0]) != c || index.row(p[1]) != r {
                            // No representative point found: leave it to the exact test.
                            index.cells[i] = CROSSED;
                            continue;
                        }
                        match index.row_position(coords, r, p) {
                            Position::Inside => INSIDE,
                            Position::Outside => OUTSIDE,
                            // Cannot happen (no boundary point in the cell); stay exact.
                            Position::OnBoundary => CROSSED,
                        }
                    }
                };
                index.cells[i] = state;
                run_state = (state != CROSSED).then_some(state);
            }
        }
        Some(index)
    }

    #[inline]
    fn col(&self, x: f64) -> usize {
        cell_of(x, self.x0, self.sx, self.nx)
    }

    #[inline]
    fn row(&self, y: f64) -> usize {
        cell_of(y, self.y0, self.sy, self.ny)
    }

    /// Position of `p` relative to the polygon: the plain test's answer. `coords` are the
    /// coordinates the index was built on.
    #[inline]
    pub(crate) fn position(&self, coords: &[Pt], p: Pt) -> Position {
        let r = self.row(p[1]);
        match self.cells[r * self.nx + self.col(p[0])] {
            INSIDE => Position::Inside,
            OUTSIDE => Position::Outside,
            _ => self.row_position(coords, r, p),
        }
    }

    /// The plain test restricted to the segments of row `r` (which must be `p`'s row): per
    /// ring the winding number and whether `p` is on it, combined as `locate.rs` combines
    /// rings — outside the shell is outside; on the shell, or on a hole reached with the shell
    /// inside and the holes before outside, is on the boundary; inside a hole is outside.
    /// Rings with no segment in the row hold the point outside them.
    fn row_position(&self, coords: &[Pt], r: usize, p: Pt) -> Position {
        let edges = &self.edges[self.row_start[r] as usize..self.row_start[r + 1] as usize];
        let ends = &self.ends;
        match edges.first() {
            Some(&k) if (k as usize) < ends[0] => {}
            // The shell has no segment in this row: the point is outside it.
            _ => return Position::Outside,
        }
        let mut ring = 0usize;
        let mut winding = 0i32;
        for &k in edges {
            let k = k as usize;
            if k >= ends[ring] {
                if let Some(done) = settle(ring, winding) {
                    return done;
                }
                winding = 0;
                while k >= ends[ring] {
                    ring += 1;
                }
            }
            match geometry::edge_step(coords[k], coords[k + 1], p) {
                Step::Skip => {}
                Step::OnBoundary => return Position::OnBoundary,
                Step::Wind(w) => winding += w,
            }
        }
        settle(ring, winding).unwrap_or(Position::Inside)
    }
}

/// What the plain test concludes once ring `ring` holds the point with winding number
/// `winding` (and not on it), the rings before having let it through: `Some` when that decides
/// the polygon.
#[inline]
fn settle(ring: usize, winding: i32) -> Option<Position> {
    match (ring, winding != 0) {
        (0, false) | (1.., true) => Some(Position::Outside), // outside the shell, inside a hole
        (0, true) | (1.., false) => None,                    // inside the shell, outside a hole
    }
}

impl PolygonIndex {
    /// Heap bytes held by the index.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.cells.capacity()
            + 4 * (self.row_start.capacity() + self.edges.capacity())
            + std::mem::size_of::<usize>() * self.ends.capacity()
    }
}
