//! Plane geometry on longitude/latitude degrees: the exact point-in-ring test, local metric
//! projections for areas and lengths.

use geo::Coord;
use geo::kernels::{Kernel, Orientation, RobustKernel};

/// A position: `[longitude, latitude]` in degrees.
pub(crate) type Pt = [f64; 2];

/// Where a point lies relative to a closed ring or polygon.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Position {
    Inside,
    OnBoundary,
    Outside,
}

/// WGS-84 semi-major axis (m).
const WGS84_A: f64 = 6_378_137.0;
/// WGS-84 flattening.
const WGS84_F: f64 = 1.0 / 298.257_223_563;

/// Metres per degree of longitude and of latitude at latitude `lat` (degrees), from the
/// WGS-84 prime-vertical (N) and meridional (M) radii of curvature.
pub(crate) fn metres_per_degree(lat: f64) -> (f64, f64) {
    let e2 = WGS84_F * (2.0 - WGS84_F);
    let phi = lat.to_radians();
    let sin = phi.sin();
    let denom = 1.0 - e2 * sin * sin;
    let prime_vertical = WGS84_A / denom.sqrt();
    let meridional = WGS84_A * (1.0 - e2) / (denom * denom.sqrt());
    let per_degree = std::f64::consts::PI / 180.0;
    (
        prime_vertical * phi.cos() * per_degree,
        meridional * per_degree,
    )
}

fn orient(a: Pt, b: Pt, p: Pt) -> Orientation {
    RobustKernel::orient2d(
        Coord { x: a[0], y: a[1] },
        Coord { x: b[0], y: b[1] },
        Coord { x: p[0], y: p[1] },
    )
}

/// What one segment `a → b` of a ring contributes to the position of `p`: nothing, "p is on
/// it", or ±1 to the winding number (the ray from `p` towards +x crosses it upwards or
/// downwards). The one place the point-in-ring rule is written: [`ring_position`] sums it over
/// a ring, the polygon index (`polygon_index.rs`) over the segments of one band.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step {
    Skip,
    OnBoundary,
    Wind(i32),
}

/// The contribution of segment `a → b` to the position of `p` (see [`Step`]).
#[inline]
pub(crate) fn edge_step(a: Pt, b: Pt, p: Pt) -> Step {
    let [px, py] = p;
    // Segments entirely above, below or to the left of p neither contain p nor cross the
    // ray from p towards +x.
    if (a[1] > py && b[1] > py) || (a[1] < py && b[1] < py) || (a[0] < px && b[0] < px) {
        return Step::Skip;
    }
    #[allow(clippy::float_cmp, reason = "exact: a horizontal segment")]
    let horizontal = a[1] == b[1];
    if horizontal {
        // A horizontal segment on p's line: only "on it" matters.
        if (a[0] <= px && px <= b[0]) || (b[0] <= px && px <= a[0]) {
            return Step::OnBoundary;
        }
        return Step::Skip;
    }
    let o = orient(a, b, p);
    if o == Orientation::Collinear {
        // p is on the line and within the segment's latitude span: on the segment.
        return Step::OnBoundary;
    }
    if a[1] <= py && py < b[1] {
        if o == Orientation::CounterClockwise {
            return Step::Wind(1);
        }
    } else if b[1] <= py && py < a[1] && o == Orientation::Clockwise {
        return Step::Wind(-1);
    }
    Step::Skip
}

/// Position of `p` relative to the closed ring `ring` (first position repeated at the end).
///
/// Winding number with exact orientation predicates (Shewchuk's, through geo's
/// `RobustKernel`): a point is `OnBoundary` exactly when it lies on one of the ring's segments,
/// whatever the direction the ring is written in, so two rings sharing an edge agree on it.
#[inline]
pub(crate) fn ring_position(ring: &[Pt], p: Pt) -> Position {
    let mut winding: i32 = 0;
    for (a, b) in ring.iter().zip(ring.iter().skip(1)) {
        match edge_step(*a, *b, p) {
            Step::Skip => {}
            Step::OnBoundary => return Position::OnBoundary,
            Step::Wind(w) => winding += w,
        }
    }
    if winding == 0 {
        Position::Outside
    } else {
        Position::Inside
    }
}

/// Bounding box `[min lon, min lat, max lon, max lat]` of positions (empty: inverted box).
pub(crate) fn bbox_of(points: &[Pt]) -> [f64; 4] {
    let mut b = [
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    ];
    for p in points {
        b[0] = b[0].min(p[0]);
        b[1] = b[1].min(p[1]);
        b[2] = b[2].max(p[0]);
        b[3] = b[3].max(p[1]);
    }
    b
}

/// Union of two boxes.
pub(crate) fn bbox_union(a: [f64; 4], b: [f64; 4]) -> [f64; 4] {
    [
        a[0].min(b[0]),
        a[1].min(b[1]),
        a[2].max(b[2]),
        a[3].max(b[3]),
    ]
}

/// Whether the closed box contains `p`.
#[inline]
pub(crate) fn bbox_contains(b: &[f64; 4], p: Pt) -> bool {
    b[0] <= p[0] && p[0] <= b[2] && b[1] <= p[1] && p[1] <= b[3]
}

/// Twice the signed area of a closed ring in degree², by the shoelace formula taken about
/// the first position (which keeps the products small and exact-ish).
pub(crate) fn ring_area2_deg(ring: &[Pt]) -> f64 {
    let Some(o) = ring.first() else { return 0.0 };
    let mut s = 0.0;
    for (a, b) in ring.iter().zip(ring.iter().skip(1)) {
        let (ax, ay) = (a[0] - o[0], a[1] - o[1]);
        let (bx, by) = (b[0] - o[0], b[1] - o[1]);
        s += ax * by - bx * ay;
    }
    s
}

/// Area in m² of a polygon given as rings (first the shell, then holes), on the local
/// equirectangular projection at latitude `lat0`.
pub(crate) fn polygon_area_m2<'a>(rings: impl IntoIterator<Item = &'a [Pt]>, lat0: f64) -> f64 {
    let (kx, ky) = metres_per_degree(lat0);
    let mut total = 0.0;
    for (i, ring) in rings.into_iter().enumerate() {
        let a = ring_area2_deg(ring).abs() / 2.0;
        if i == 0 {
            total += a;
        } else {
            total -= a;
        }
    }
    total * kx * ky
}

/// A local metric frame: x = (lon − lon0)·kx, y = (lat − lat0)·ky, in metres.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LocalFrame {
    lon0: f64,
    lat0: f64,
    kx: f64,
    ky: f64,
}

impl LocalFrame {
    /// The frame centred on the box.
    pub(crate) fn around(b: [f64; 4]) -> Self {
        let lon0 = f64::midpoint(b[0], b[2]);
        let lat0 = f64::midpoint(b[1], b[3]);
        let (kx, ky) = metres_per_degree(lat0);
        Self { lon0, lat0, kx, ky }
    }

    /// Projects a position to metres.
    #[inline]
    pub(crate) fn project(&self, p: Pt) -> [f64; 2] {
        [(p[0] - self.lon0) * self.kx, (p[1] - self.lat0) * self.ky]
    }
}

/// Length (m) of the part of segment `b0-b1` that runs along segment `a0-a1`, both in metres:
/// zero unless both ends of `b` lie within `tol` of `a`'s line.
pub(crate) fn collinear_overlap(
    a0: [f64; 2],
    a1: [f64; 2],
    b0: [f64; 2],
    b1: [f64; 2],
    tol: f64,
) -> f64 {
    let (dx, dy) = (a1[0] - a0[0], a1[1] - a0[1]);
    let len = dx.hypot(dy);
    if len == 0.0 {
        return 0.0;
    }
    let (ux, uy) = (dx / len, dy / len);
    let rel = |q: [f64; 2]| (q[0] - a0[0], q[1] - a0[1]);
    let (q0x, q0y) = rel(b0);
    let (q1x, q1y) = rel(b1);
    if (ux * q0y - uy * q0x).abs() > tol || (ux * q1y - uy * q1x).abs() > tol {
        return 0.0;
    }
    let t0 = ux * q0x + uy * q0y;
    let t1 = ux * q1x + uy * q1y;
    let lo = t0.min(t1).max(0.0);
    let hi = t0.max(t1).min(len);
    (hi - lo).max(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square() -> Vec<Pt> {
        vec![[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0], [0.0, 0.0]]
    }

    #[test]
    fn ring_positions() {
        let sq = square();
        let mut rev = sq.clone();
        rev.reverse();
        for ring in [&sq, &rev] {
            assert_eq!(ring_position(ring, [0.5, 0.5]), Position::Inside);
            assert_eq!(ring_position(ring, [1.5, 0.5]), Position::Outside);
            assert_eq!(ring_position(ring, [-0.5, 0.5]), Position::Outside);
            assert_eq!(ring_position(ring, [0.5, 0.0]), Position::OnBoundary);
            assert_eq!(ring_position(ring, [1.0, 0.3]), Position::OnBoundary);
            assert_eq!(ring_position(ring, [0.0, 0.0]), Position::OnBoundary);
            assert_eq!(ring_position(ring, [1.0, 1.0]), Position::OnBoundary);
            assert_eq!(ring_position(ring, [0.5, 1.0]), Position::OnBoundary);
            assert_eq!(ring_position(ring, [2.0, 0.0]), Position::Outside);
            assert_eq!(ring_position(ring, [-1.0, 1.0]), Position::Outside);
            assert_eq!(ring_position(ring, [0.5, 1.5]), Position::Outside);
        }
    }

    #[test]
    fn vertex_on_ray() {
        // A diamond: the ray from the centre passes exactly through the right vertex.
        let d = vec![
            [0.0, -1.0],
            [1.0, 0.0],
            [0.0, 1.0],
            [-1.0, 0.0],
            [0.0, -1.0],
        ];
        assert_eq!(ring_position(&d, [0.0, 0.0]), Position::Inside);
        assert_eq!(ring_position(&d, [-2.0, 0.0]), Position::Outside);
        assert_eq!(ring_position(&d, [0.5, 0.5]), Position::OnBoundary);
    }

    #[test]
    fn areas() {
        let sq = square();
        assert!((ring_area2_deg(&sq) - 2.0).abs() < 1e-15);
        let (kx, ky) = metres_per_degree(0.0);
        assert!((kx - 111_319.49).abs() < 0.01, "{kx}");
        assert!((ky - 110_574.28).abs() < 0.01, "{ky}");
    }

    #[test]
    fn overlaps() {
        let l = collinear_overlap([0.0, 0.0], [10.0, 0.0], [12.0, 0.0], [4.0, 0.0], 0.01);
        assert!((l - 6.0).abs() < 1e-12);
        assert!(collinear_overlap([0.0, 0.0], [10.0, 0.0], [2.0, 1.0], [4.0, 1.0], 0.01) == 0.0);
    }
}
