//! Polygon validity in O(n log n): the findings and messages of geo's `Validation` for
//! polygons and multipolygons, computed without its all-pairs loops.
//!
//! geo's check compares every segment of a ring with every other one (O(n²): 9 s for a
//! 16,384-vertex ring) and relates every pair of holes and of multipolygon parts. Here:
//!
//! - **Self-intersections** are found among the pairs of segments whose bounding boxes meet,
//!   enumerated by a self-join over a [`SegmentTree`] (boxes of consecutive segments grouped by
//!   eight, level over level: segments of a ring are spatially coherent in ring order). Each
//!   pair is decided by geo's own predicate (`Line::intersects`, exact, plus the rule that
//!   segments meeting end to start are neighbours), so the verdict is geo's: boxes that do not
//!   meet hold no intersecting segments.
//! - **Holes and parts** are related with geo's `relate` (itself indexed) only when the cheap
//!   answer is not certain. When two rings' boxes are disjoint, or no segment of one meets a
//!   segment of the other and a vertex of each lies strictly on the side of the other that
//!   makes them valid, the relation geo would compute has no finding; otherwise (rings that
//!   touch, cross or are themselves invalid) `relate` decides, as it does in geo.
//!
//! One deliberate difference: a ring with fewer than 3 distinct points is reported as such and
//! not related to the other rings (geo relates it, and its `relate` asserts on such a ring in
//! debug builds — a panic on bad input).
//!
//! Messages are geo's error values (`InvalidPolygon`, `InvalidMultiPolygon`) formatted by geo,
//! in geo's order. `core/tests/spatial_validity.rs` compares both on invalid and random rings.

use geo::algorithm::validation::{GeometryIndex, InvalidMultiPolygon, InvalidPolygon, RingRole};
use geo::coordinate_position::CoordPos;
use geo::dimensions::Dimensions;
use geo::{Coord, Intersects, Line, LineString, Polygon, Relate};

use super::geometry::{self, Position, Pt};

/// Children per node of a [`SegmentTree`].
const FANOUT: usize = 8;

/// A bounding-box hierarchy over the segments of a ring in ring order: level 0 holds the box of
/// segment `i` (from `ring[i]` to `ring[i + 1]`), each next level the union of `FANOUT`
/// consecutive boxes below it, up to a level of at most `FANOUT` boxes.
pub(crate) struct SegmentTree<'a> {
    ring: &'a [Pt],
    levels: Vec<Vec<[f64; 4]>>,
}

#[inline]
fn meet(a: &[f64; 4], b: &[f64; 4]) -> bool {
    a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3]
}

fn coord(p: Pt) -> Coord<f64> {
    Coord { x: p[0], y: p[1] }
}

fn line(ring: &[Pt], i: usize) -> Line<f64> {
    Line::new(coord(ring[i]), coord(ring[i + 1]))
}

impl<'a> SegmentTree<'a> {
    /// The tree of a closed ring (no segment when it has fewer than two positions).
    pub(crate) fn new(ring: &'a [Pt]) -> Self {
        let base: Vec<[f64; 4]> = ring
            .windows(2)
            .map(|w| {
                [
                    w[0][0].min(w[1][0]),
                    w[0][1].min(w[1][1]),
                    w[0][0].max(w[1][0]),
                    w[0][1].max(w[1][1]),
                ]
            })
            .collect();
        let mut levels = vec![base];
        while levels.last().is_some_and(|l| l.len() > FANOUT) {
            let below = levels.last().map(Vec::as_slice).unwrap_or_default();
            let up = below
                .chunks(FANOUT)
                .map(|c| {
                    c.iter()
                        .copied()
                        .reduce(geometry::bbox_union)
                        .unwrap_or([0.0; 4])
                })
                .collect();
            levels.push(up);
        }
        Self { ring, levels }
    }

    fn top(&self) -> usize {
        self.levels.len() - 1
    }

    fn children(&self, level: usize, node: usize) -> std::ops::Range<usize> {
        let n = self.levels[level - 1].len();
        (node * FANOUT).min(n)..((node + 1) * FANOUT).min(n)
    }

    /// The box of the whole ring.
    fn bbox(&self) -> Option<[f64; 4]> {
        self.levels[self.top()]
            .iter()
            .copied()
            .reduce(geometry::bbox_union)
    }

    /// Whether some pair of distinct segments `(i, j)` with meeting boxes has `hit(i, j)`
    /// (each unordered pair is offered once, `i < j`).
    fn any_self_pair(&self, hit: &mut impl FnMut(usize, usize) -> bool) -> bool {
        let top = self.top();
        let n = self.levels[top].len();
        for a in 0..n {
            for b in a..n {
                if meet(&self.levels[top][a], &self.levels[top][b])
                    && self.self_pair(top, a, b, hit)
                {
                    return true;
                }
            }
        }
        false
    }

    fn self_pair(
        &self,
        level: usize,
        a: usize,
        b: usize,
        hit: &mut impl FnMut(usize, usize) -> bool,
    ) -> bool {
        if level == 0 {
            return a != b && hit(a, b);
        }
        let below = &self.levels[level - 1];
        for ca in self.children(level, a) {
            let cb_start = if a == b {
                ca
            } else {
                self.children(level, b).start
            };
            for cb in cb_start..self.children(level, b).end {
                if meet(&below[ca], &below[cb]) && self.self_pair(level - 1, ca, cb, hit) {
                    return true;
                }
            }
        }
        false
    }

    /// Whether some segment `i` of `self` and `j` of `other` with meeting boxes has
    /// `hit(i, j)`.
    fn any_cross_pair(
        &self,
        other: &SegmentTree<'_>,
        hit: &mut impl FnMut(usize, usize) -> bool,
    ) -> bool {
        let (ta, tb) = (self.top(), other.top());
        for a in 0..self.levels[ta].len() {
            for b in 0..other.levels[tb].len() {
                if meet(&self.levels[ta][a], &other.levels[tb][b])
                    && self.cross_pair(other, ta, a, tb, b, hit)
                {
                    return true;
                }
            }
        }
        false
    }

    fn cross_pair(
        &self,
        other: &SegmentTree<'_>,
        la: usize,
        a: usize,
        lb: usize,
        b: usize,
        hit: &mut impl FnMut(usize, usize) -> bool,
    ) -> bool {
        if la == 0 && lb == 0 {
            return hit(a, b);
        }
        // Descend the higher of the two (both when level).
        if la >= lb && la > 0 {
            for ca in self.children(la, a) {
                if meet(&self.levels[la - 1][ca], &other.levels[lb][b])
                    && self.cross_pair(other, la - 1, ca, lb, b, hit)
                {
                    return true;
                }
            }
        } else {
            for cb in other.children(lb, b) {
                if meet(&self.levels[la][a], &other.levels[lb - 1][cb])
                    && self.cross_pair(other, la, a, lb - 1, cb, hit)
                {
                    return true;
                }
            }
        }
        false
    }

    /// Whether any segment of `self` meets (touches or crosses) any segment of `other`.
    fn meets(&self, other: &SegmentTree<'_>) -> bool {
        let (r, s) = (self.ring, other.ring);
        self.any_cross_pair(other, &mut |i, j| line(r, i).intersects(&line(s, j)))
    }
}

/// geo's self-intersection verdict for a ring: two distinct segments intersect and are not
/// neighbours (one ending exactly where the other starts).
fn has_self_intersection(tree: &SegmentTree<'_>) -> bool {
    let r = tree.ring;
    tree.any_self_pair(&mut |i, j| {
        let (a, b) = (line(r, i), line(r, j));
        (a.intersects(&b) || b.intersects(&a)) && a.start != b.end && a.end != b.start
    })
}

/// geo's "at least 3 distinct points": fewer than 4 positions once consecutive repeats are
/// removed.
fn too_few_points(ring: &[Pt]) -> bool {
    let mut distinct = 0usize;
    let mut last: Option<Pt> = None;
    for p in ring {
        #[allow(clippy::float_cmp, reason = "repeated positions are exactly equal")]
        if last != Some(*p) {
            distinct += 1;
            last = Some(*p);
        }
    }
    distinct < 4
}

fn line_string(ring: &[Pt]) -> LineString<f64> {
    LineString::from(ring.iter().map(|p| (p[0], p[1])).collect::<Vec<_>>())
}

fn geo_polygon(rings: &[Vec<Pt>]) -> Polygon<f64> {
    let mut it = rings.iter().map(|r| line_string(r));
    let shell = it.next().unwrap_or_else(|| LineString::new(Vec::new()));
    Polygon::new(shell, it.collect())
}

/// Position of `p` relative to a polygon given as rings (shell first), as `locate` decides it.
fn polygon_position(rings: &[Vec<Pt>], p: Pt) -> Position {
    match geometry::ring_position(&rings[0], p) {
        Position::Inside => {}
        other => return other,
    }
    for hole in &rings[1..] {
        match geometry::ring_position(hole, p) {
            Position::Inside => return Position::Outside,
            Position::OnBoundary => return Position::OnBoundary,
            Position::Outside => {}
        }
    }
    Position::Inside
}

/// One polygon checked: its findings, and what the pair checks of a multipolygon need.
struct Checked<'a> {
    errors: Vec<InvalidPolygon>,
    trees: Vec<SegmentTree<'a>>,
    bbox: Option<[f64; 4]>,
}

/// geo's findings for one polygon (rings closed, finite, at least 4 positions each), in geo's
/// order: per ring too few points and self-intersection; then per hole containment in the
/// shell and a shared line with it, and per later hole a shared area and a shared line.
fn check_polygon(rings: &[Vec<Pt>]) -> Checked<'_> {
    let mut errors = Vec::new();
    let trees: Vec<SegmentTree<'_>> = rings.iter().map(|r| SegmentTree::new(r)).collect();
    let role = |i: usize| {
        if i == 0 {
            RingRole::Exterior
        } else {
            RingRole::Interior(i - 1)
        }
    };
    let degenerate: Vec<bool> = rings.iter().map(|r| too_few_points(r)).collect();
    for (i, tree) in trees.iter().enumerate() {
        if degenerate[i] {
            errors.push(InvalidPolygon::TooFewPointsInRing(role(i)));
        }
        if has_self_intersection(tree) {
            errors.push(InvalidPolygon::SelfIntersection(role(i)));
        }
    }
    // With a ring already invalid, the shortcuts below (which assume simple rings) are not
    // taken: every relation is geo's.
    let simple = errors.is_empty();
    let boxes: Vec<Option<[f64; 4]>> = trees.iter().map(SegmentTree::bbox).collect();
    let shell_poly = std::cell::OnceCell::new();
    let hole_polys: Vec<std::cell::OnceCell<Polygon<f64>>> = (1..rings.len())
        .map(|_| std::cell::OnceCell::new())
        .collect();
    for h in 1..rings.len() {
        if degenerate[0] || degenerate[h] {
            continue;
        }
        let inside_shell = simple
            && !trees[0].meets(&trees[h])
            && geometry::ring_position(&rings[0], rings[h][0]) == Position::Inside;
        if !inside_shell {
            let shell: &Polygon<f64> =
                shell_poly.get_or_init(|| Polygon::new(line_string(&rings[0]), vec![]));
            let im = shell.relate(&line_string(&rings[h]));
            if !im.is_contains() {
                errors.push(InvalidPolygon::InteriorRingNotContainedInExteriorRing(
                    role(h),
                ));
            }
            if im.get(CoordPos::OnBoundary, CoordPos::Inside) == Dimensions::OneDimensional {
                errors.push(InvalidPolygon::IntersectingRingsOnALine(
                    RingRole::Exterior,
                    role(h),
                ));
            }
        }
        for k in h + 1..rings.len() {
            let (Some(bh), Some(bk)) = (boxes[h], boxes[k]) else {
                continue;
            };
            if degenerate[k] {
                continue;
            }
            if !meet(&bh, &bk) {
                continue;
            }
            let apart = simple
                && !trees[h].meets(&trees[k])
                && geometry::ring_position(&rings[h], rings[k][0]) == Position::Outside
                && geometry::ring_position(&rings[k], rings[h][0]) == Position::Outside;
            if apart {
                continue;
            }
            let ph = hole_polys[h - 1].get_or_init(|| Polygon::new(line_string(&rings[h]), vec![]));
            let pk = hole_polys[k - 1].get_or_init(|| Polygon::new(line_string(&rings[k]), vec![]));
            let im = ph.relate(pk);
            if im.get(CoordPos::Inside, CoordPos::Inside) == Dimensions::TwoDimensional {
                errors.push(InvalidPolygon::IntersectingRingsOnAnArea(role(h), role(k)));
            }
            if im.get(CoordPos::OnBoundary, CoordPos::OnBoundary) == Dimensions::OneDimensional {
                errors.push(InvalidPolygon::IntersectingRingsOnALine(role(h), role(k)));
            }
        }
    }
    // A polygon whose shell is degenerate is not related to the other parts either.
    let bbox = boxes.first().copied().flatten().filter(|_| !degenerate[0]);
    Checked {
        errors,
        trees,
        bbox,
    }
}

/// The messages geo's `Validation` gives for a polygon (one element of `polygons`) or a
/// multipolygon (several), in its order. Rings must be closed, finite and have at least 4
/// positions (`geojson.rs` checks that first).
pub(crate) fn validation_messages(polygons: &[Vec<Vec<Pt>>]) -> Vec<String> {
    if polygons.len() == 1 {
        return check_polygon(&polygons[0])
            .errors
            .iter()
            .map(ToString::to_string)
            .collect();
    }
    let checked: Vec<Checked<'_>> = polygons.iter().map(|p| check_polygon(p)).collect();
    let geo_polys: Vec<std::cell::OnceCell<Polygon<f64>>> = polygons
        .iter()
        .map(|_| std::cell::OnceCell::new())
        .collect();
    let mut out = Vec::new();
    for (i, ci) in checked.iter().enumerate() {
        for e in &ci.errors {
            out.push(InvalidMultiPolygon::InvalidPolygon(GeometryIndex(i), e.clone()).to_string());
        }
        for (j, cj) in checked.iter().enumerate().skip(i + 1) {
            let (Some(bi), Some(bj)) = (ci.bbox, cj.bbox) else {
                continue;
            };
            if !meet(&bi, &bj) {
                continue;
            }
            let apart = ci.errors.is_empty()
                && cj.errors.is_empty()
                && !ci
                    .trees
                    .iter()
                    .any(|ta| cj.trees.iter().any(|tb| ta.meets(tb)))
                && polygon_position(&polygons[j], polygons[i][0][0]) == Position::Outside
                && polygon_position(&polygons[i], polygons[j][0][0]) == Position::Outside;
            if apart {
                continue;
            }
            let pi = geo_polys[i].get_or_init(|| geo_polygon(&polygons[i]));
            let pj = geo_polys[j].get_or_init(|| geo_polygon(&polygons[j]));
            let im = pi.relate(pj);
            if im.get(CoordPos::Inside, CoordPos::Inside) == Dimensions::TwoDimensional {
                out.push(
                    InvalidMultiPolygon::ElementsOverlaps(GeometryIndex(i), GeometryIndex(j))
                        .to_string(),
                );
            }
            if im.get(CoordPos::OnBoundary, CoordPos::OnBoundary) == Dimensions::OneDimensional {
                out.push(
                    InvalidMultiPolygon::ElementsTouchOnALine(GeometryIndex(i), GeometryIndex(j))
                        .to_string(),
                );
            }
        }
    }
    out
}
