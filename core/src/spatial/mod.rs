//! Grid boundaries, point location at city scale and China's coordinate systems (how this
//! module fits with the rest of the crate: `ARCHITECTURE.md` at the repository root).
//!
//! A [`GridMap`] holds the boundary of every unit grid — polygons with holes, or
//! multipolygons — keyed by grid code, loaded from a `GeoJSON` `FeatureCollection` and
//! validated (every problem reported at once, with the feature it is in). It answers "which
//! grid is this point in" exactly: an R-tree (`rstar`, bulk-loaded) over the bounding box of
//! every polygon finds the candidates, and an exact point-in-polygon test with robust
//! orientation predicates decides — through a per-polygon index (a grid of cells known to be
//! inside or outside, and the edges of each band) for polygons of 48 edges or more, so that a
//! point costs about the same in a 10^5-vertex county as in a square grid. [`GridMap::locate_many`] does the same for millions of
//! points on all cores. Input points may be WGS-84, CGCS2000, GCJ-02 or BD-09 ([`Crs`],
//! [`convert`]); boundaries are stored in WGS-84.
//!
//! # The boundary rule
//!
//! Polygons are closed: a point on a grid's boundary belongs to it unless a rule below gives
//! it to another grid. Among the grids whose closed polygon contains the point,
//!
//! 1. a grid that contains the point strictly inside (not on an edge or vertex) wins — with
//!    valid, non-overlapping grids there is at most one;
//! 2. otherwise (the point is exactly on an edge or vertex shared by several grids) the grid
//!    with the **smallest index** wins, that is the smallest code, since [`GridMap::codes`] is
//!    sorted;
//! 3. a point on the outer boundary of the map belongs to the one grid whose boundary it is
//!    on; a point inside a hole that no grid fills, or outside every grid, is in none
//!    (`None`, or −1 in bulk).
//!
//! "Exactly on" is decided with exact orientation predicates, so the answer is the same
//! whichever way the rings are written, and results never depend on the order of the input
//! points or on the number of threads. (Inside the tolerated overlap slivers of rule 1, the
//! smallest index also wins.)
//!
//! # Coordinate systems
//!
//! | system | who uses it | here |
//! |---|---|---|
//! | WGS-84 (EPSG:4326) | raw GPS | the system boundaries are stored in |
//! | CGCS2000 (EPSG:4490) | 数字城管 base data, 天地图 | treated as WGS-84 |
//! | GCJ-02 | Amap (高德), Tencent, Google China | converted |
//! | BD-09 (`bd09ll`) | Baidu | converted |
//!
//! **CGCS2000 is treated as WGS-84.** Both are geocentric frames on ellipsoids that differ only
//! in the flattening (1/298.257222101 against 1/298.257223563): the same latitude and
//! longitude differ by about 0.1 mm from the ellipsoids, and by centimetres from the frame
//! realisations and epochs — far below the accuracy of a GPS fix or of a grid boundary drawn
//! at 1:2000.
//!
//! **GCJ-02** is the public reimplementation of the 国测局 offset (Krasovsky semi-major axis
//! a = 6 378 245 m, e² = 0.006 693 421 622 965 943 23, the `transformLat`/`transformLng`
//! polynomials of (lon − 105, lat − 35)), as in the coordTransform and eviltransform
//! libraries. The offset reaches 700 m. As those libraries do, points outside the conventional
//! box 72.004 ≤ lon ≤ 137.8347, 0.8293 ≤ lat ≤ 55.8271 are not shifted. The offset has no
//! closed-form inverse; [`convert`] from GCJ-02 solves `wgs_to_gcj(w) = g` by Newton's method
//! from a first guess within 3·10⁻⁶ degree (two fixed-point steps on a 57 KiB table of the
//! offset, whose terms are each a function of one coordinate), with the offset's Jacobian
//! computed alongside it (every sine of the formula is a multiple of one angle per coordinate,
//! taken from a table and turned to the point, so a step calls no trigonometric function). The
//! offset's second derivatives stay below 0.06 per degree, so one step leaves about 10⁻¹¹;
//! iteration stops when the error left is bounded below 10⁻¹⁰ (one step; more within 10⁻⁴
//! degrees of lon = 105, where the offset has a √|lon − 105| cusp). The error left is below
//! 10⁻¹⁰ degrees (0.01 mm): the forward image of the result is within 3.4·10⁻¹² of the input
//! on a lattice of 4·10⁵ points over the box and around the cusp, within 5.3·10⁻¹¹ on a lattice
//! of 2.1·10⁶ (the largest next to the cusp; the tests check < 10⁻¹⁰ there and round trips
//! < 10⁻⁹ on random points all over China). The usual one-step estimate
//! `2·g − f(g)` is off by up to 5·10⁻⁵ degrees (several metres).
//!
//! **BD-09** adds Baidu's published rotation and shift to GCJ-02 (`x_pi` = π·3000/180, offsets
//! 0.0065 and 0.006). Baidu's inverse formula is itself approximate (about 4·10⁻⁷ degrees);
//! it is used as the starting point of the same iteration. Baidu uses WGS-84 outside China, so
//! outside the box all four systems coincide here.
//!
//! # Areas and lengths
//!
//! Areas ([`GridMap::area_m2`], the overlap check) and lengths ([`GridMap::adjacency`]) are
//! computed on a local equirectangular projection of each grid (or pair of grids): x =
//! Δlon·N(φ₀)·cos φ₀, y = Δlat·M(φ₀) with the WGS-84 prime-vertical and meridional radii of
//! curvature at the latitude φ₀ of the middle of the bounding box. For grids a few kilometres
//! across this agrees with the ellipsoidal (geodesic) area to better than 10⁻⁵.
//!
//! # Where things are
//!
//! - `map.rs`: the [`GridMap`] type — the stored boundaries and their R-tree, the accessors, the
//!   check against a territory, and the R-tree candidate-pair loop shared by the overlap check
//!   and adjacency.
//! - `geojson.rs`: reading and validating `GeoJSON` (or coordinates) into a [`GridMap`]
//!   ([`GridMapOptions`], [`GridFeature`]), the overlap check, writing `GeoJSON` back.
//! - `locate.rs`: point location under the boundary rule ([`GridMap::locate`],
//!   [`GridMap::locate_in`], [`GridMap::locate_many`]).
//! - `validate.rs`: polygon validity in O(n log n) with geo's findings and messages (segment
//!   box hierarchies; geo's `relate` only where rings touch).
//! - `adjacency.rs`: shared boundaries ([`GridMap::adjacency`], [`GridMap::adjacency_graph`]).
//! - `crs/`: the coordinate systems ([`Crs`], [`convert`], [`convert_many`]); `crs/gcj.rs` the
//!   GCJ-02 formula and its inverse, `crs/bd.rs` BD-09.
//! - `polygon_index.rs`: the index over a detailed polygon's edges (cells inside, outside or
//!   crossed; edges per band), built on load, with the plain test's answer bit for bit.
//! - `geometry.rs`: plane geometry on degrees — the exact point-in-ring test, local metric
//!   projections for areas and lengths.
//!
//! # Examples
//! ```
//! use gridgov::spatial::{Crs, GridMap};
//! let text = r#"{"type": "FeatureCollection", "features": [
//!   {"type": "Feature", "properties": {"code": "A"},
//!    "geometry": {"type": "Polygon", "coordinates": [[[117.0, 36.7], [117.001, 36.7], [117.001, 36.701], [117.0, 36.701], [117.0, 36.7]]]}},
//!   {"type": "Feature", "properties": {"code": "B"},
//!    "geometry": {"type": "Polygon", "coordinates": [[[117.001, 36.7], [117.002, 36.7], [117.002, 36.701], [117.001, 36.701], [117.001, 36.7]]]}}
//! ]}"#;
//! let map = GridMap::from_geojson_str(text, "code")?;
//! assert_eq!(map.codes(), ["A", "B"]);
//! assert_eq!(map.locate(117.0005, 36.7005), Some(0));
//! assert_eq!(map.locate(117.001, 36.7005), Some(0)); // on the shared edge: smallest index
//! assert_eq!(map.locate(117.5, 36.7), None);
//! let mut out = [0i64; 2];
//! map.locate_many(&[117.0015, 118.0], &[36.7005, 36.0], Crs::Wgs84, 0, &mut out)?;
//! assert_eq!(out, [1, -1]);
//! assert_eq!(map.adjacency(1.0).len(), 1); // A and B share a ~111 m edge
//! # Ok::<(), gridgov::Error>(())
//! ```

mod adjacency;
mod crs;
mod geojson;
mod geometry;
mod locate;
mod map;
mod polygon_index;
mod validate;

pub use adjacency::DEFAULT_MIN_SHARED_M;
pub use crs::{Crs, convert, convert_many};
pub use geojson::{
    DEFAULT_CODE_PROPERTY, DEFAULT_OVERLAP_TOLERANCE_M2, GridFeature, GridMapOptions,
};
pub use map::GridMap;
