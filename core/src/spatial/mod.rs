//! Grid boundaries, point location at city scale and China's coordinate systems
//! (DESIGN §3.11).
//!
//! A [`GridMap`] holds the boundary of every unit grid — polygons with holes, or
//! multipolygons — keyed by grid code, loaded from a `GeoJSON` `FeatureCollection` and
//! validated (every problem reported at once, with the feature it is in). It answers "which
//! grid is this point in" exactly: an R-tree (`rstar`, bulk-loaded) over the bounding box of
//! every polygon finds the candidates, and an exact point-in-polygon test with robust
//! orientation predicates decides. [`GridMap::locate_many`] does the same for millions of
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
//! closed-form inverse; [`convert`] from GCJ-02 solves `wgs_to_gcj(w) = g` by fixed-point
//! iteration `w ← w − (f(w) − g)`. The offset changes by less than 0.008 degree per degree,
//! so each step gains two to three digits; iteration stops after a step below 10⁻⁸ degrees
//! (3–4 steps), leaving an error below 10⁻¹⁰ degrees (0.01 mm; the tests check < 10⁻⁹ on
//! random points all over China). The usual one-step estimate `2·g − f(g)` is off by up to
//! 5·10⁻⁵ degrees (several metres).
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

mod crs;
mod geometry;

pub use crs::{Crs, convert, convert_many};

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::ops::ControlFlow;
use std::path::Path;

use geo::{Area, BooleanOps, LineString, MultiPolygon, Polygon, Validation};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RTree};
use serde_json::Value;

use crate::error::{Error, Issues, Result};
use crate::parallel;
use crate::territory::Territory;
use geometry::{LocalFrame, Position, Pt};

/// Polygons of one grid: polygons → rings → positions.
type Polygons = Vec<Vec<Vec<Pt>>>;

/// Default name of the property holding the grid code.
pub const DEFAULT_CODE_PROPERTY: &str = "code";
/// Default area (m²) by which two grids may overlap before it is an error.
pub const DEFAULT_OVERLAP_TOLERANCE_M2: f64 = 1.0;
/// Default length (m) of shared boundary above which two grids are adjacent.
pub const DEFAULT_MIN_SHARED_M: f64 = 1.0;

/// Distance (m) within which two boundary segments count as the same line for adjacency.
const COLLINEAR_TOL_M: f64 = 0.01;
/// Margin (degrees, about 1 cm) added to boxes when looking for adjacent grids.
const ADJACENCY_MARGIN_DEG: f64 = 1e-7;
/// Below this many features or polygons per thread, geometry checks do not spawn threads.
const GEOMETRY_ITEMS_PER_THREAD: usize = 64;
/// Below this many points per thread, bulk location does not spawn threads.
const MIN_POINTS_PER_THREAD: usize = 16_384;
/// From this many points per thread on, bulk location visits points in Z-order.
const SORT_MIN_POINTS: usize = 4_096;
/// Number of cells of the Z-order raster (256 × 256).
const CELLS: usize = 1 << 16;

/// How to read a grid map.
#[derive(Debug, Clone, PartialEq)]
pub struct GridMapOptions {
    /// Name of the feature property that holds the grid code (a string, or an integer
    /// rendered in decimal). Default `"code"`.
    pub code_property: String,
    /// Largest area (m²) by which two grids may overlap (digitising slivers). Default 1 m².
    /// `f64::INFINITY` skips the overlap check.
    pub overlap_tolerance_m2: f64,
    /// The coordinate system of the file. Boundaries are stored in WGS-84 (= CGCS2000);
    /// GCJ-02 and BD-09 files are converted vertex by vertex on load. Default WGS-84.
    pub crs: Crs,
    /// Version of the boundaries (the model's version). Default: the `FeatureCollection`'s
    /// `"version"` member, if any.
    pub version: Option<String>,
}

impl Default for GridMapOptions {
    fn default() -> Self {
        Self {
            code_property: DEFAULT_CODE_PROPERTY.to_owned(),
            overlap_tolerance_m2: DEFAULT_OVERLAP_TOLERANCE_M2,
            crs: Crs::Wgs84,
            version: None,
        }
    }
}

impl GridMapOptions {
    /// Default options with the code in property `code_property`.
    pub fn new(code_property: impl Into<String>) -> Self {
        Self {
            code_property: code_property.into(),
            ..Self::default()
        }
    }
}

/// One grid boundary given as coordinates, for [`GridMap::from_features`].
#[derive(Debug, Clone, PartialEq)]
pub struct GridFeature {
    /// The grid code.
    pub code: String,
    /// Polygons (one, or several for a multipolygon), each a list of closed rings — the shell
    /// first, then holes — of `[longitude, latitude]` positions, the first repeated at the
    /// end as in `GeoJSON`.
    pub polygons: Vec<Vec<Vec<[f64; 2]>>>,
}

type TreeEntry = GeomWithData<Rectangle<Pt>, u32>;

/// A ring: `coords[start..end]`, closed.
#[derive(Debug, Clone, PartialEq)]
struct Ring {
    start: usize,
    end: usize,
    bbox: [f64; 4],
}

/// One polygon of a grid: `rings[start..end]`, the shell first.
#[derive(Debug, Clone, PartialEq)]
struct Part {
    grid: usize,
    start: usize,
    end: usize,
    bbox: [f64; 4],
}

/// Unit-grid boundaries: polygons (with holes) and multipolygons keyed by grid code, an R-tree
/// over their bounding boxes, and exact point location (see the [module documentation](self)
/// for the boundary rule).
///
/// Grids are indexed `0..len()` in code order. Immutable, `Send + Sync`: share it between
/// threads freely.
#[derive(Clone)]
pub struct GridMap {
    codes: Vec<String>,
    version: Option<String>,
    code_property: String,
    /// Index of each grid's feature in the source it was loaded from.
    source_index: Vec<usize>,
    /// Per grid: `parts[a..b]`.
    grid_parts: Vec<(usize, usize)>,
    parts: Vec<Part>,
    rings: Vec<Ring>,
    coords: Vec<Pt>,
    areas: Vec<f64>,
    bbox: Option<[f64; 4]>,
    tree: RTree<TreeEntry>,
}

impl fmt::Debug for GridMap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GridMap")
            .field("grids", &self.codes.len())
            .field("polygons", &self.parts.len())
            .field("vertices", &self.coords.len())
            .field("version", &self.version)
            .field("bbox", &self.bbox)
            .finish_non_exhaustive()
    }
}

/// Two maps are equal when they have the same codes, version and geometry (position for
/// position); where they were loaded from does not matter.
impl PartialEq for GridMap {
    fn eq(&self, other: &Self) -> bool {
        self.codes == other.codes
            && self.version == other.version
            && self.grid_parts == other.grid_parts
            && self.parts == other.parts
            && self.rings == other.rings
            && self.coords == other.coords
    }
}

/// A feature as read, before validation.
struct Source {
    index: usize,
    code: Option<String>,
    polygons: Option<Polygons>,
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn label(code: Option<&str>) -> String {
    match code {
        Some(c) => format!("grid {c:?}"),
        None => "feature without a code".to_owned(),
    }
}

/// Reads the grid code from a property value.
fn code_of(v: &Value) -> std::result::Result<String, String> {
    match v {
        Value::String(s) if s.trim().is_empty() => Err("grid code is empty".to_owned()),
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => {
            if let Some(u) = n.as_u64() {
                Ok(u.to_string())
            } else if let Some(i) = n.as_i64() {
                Ok(i.to_string())
            } else {
                match n.as_f64() {
                    // Some GIS exports write integer codes as doubles.
                    Some(f) if f.fract() == 0.0 && f.abs() < 9.007_199_254_740_992e15 => {
                        Ok(format!("{f:.0}"))
                    }
                    _ => Err(format!(
                        "grid code {n} is not an integer; write codes as strings"
                    )),
                }
            }
        }
        Value::Null => Err("missing grid code".to_owned()),
        other => Err(format!(
            "grid code must be a string or an integer, found {}",
            kind_of(other)
        )),
    }
}

/// Parses the `FeatureCollection` into sources, recording shape problems.
fn parse_collection(
    value: Value,
    code_property: &str,
    issues: &mut Issues,
) -> Result<(Vec<Source>, Option<String>)> {
    let Value::Object(mut top) = value else {
        issues.push(
            "",
            format!(
                "expected a GeoJSON FeatureCollection, found {}",
                kind_of(&value)
            ),
        );
        return Err(Error::Model(std::mem::take(issues)));
    };
    match top.get("type") {
        Some(Value::String(t)) if t == "FeatureCollection" => {}
        Some(Value::String(t)) => {
            issues.push(
                "type",
                format!("expected a GeoJSON FeatureCollection, found type {t:?}"),
            );
            return Err(Error::Model(std::mem::take(issues)));
        }
        _ => {
            issues.push(
                "type",
                "expected a GeoJSON FeatureCollection (\"type\": \"FeatureCollection\")",
            );
            return Err(Error::Model(std::mem::take(issues)));
        }
    }
    let version = match top.remove("version") {
        Some(Value::String(v)) => Some(v),
        Some(Value::Null) | None => None,
        Some(other) => {
            issues.push(
                "version",
                format!("version must be a string, found {}", kind_of(&other)),
            );
            None
        }
    };
    let features = match top.remove("features") {
        Some(Value::Array(items)) => items,
        Some(other) => {
            issues.push(
                "features",
                format!("expected an array of features, found {}", kind_of(&other)),
            );
            return Err(Error::Model(std::mem::take(issues)));
        }
        None => {
            issues.push("features", "missing \"features\"");
            return Err(Error::Model(std::mem::take(issues)));
        }
    };
    let mut sources = Vec::with_capacity(features.len());
    for (i, feature) in features.into_iter().enumerate() {
        let path = format!("features[{i}]");
        let Value::Object(mut obj) = feature else {
            issues.push(
                path,
                format!("expected a Feature object, found {}", kind_of(&feature)),
            );
            continue;
        };
        match obj.get("type") {
            Some(Value::String(t)) if t == "Feature" => {}
            Some(Value::String(t)) => issues.push(
                format!("{path}.type"),
                format!("expected a Feature, found type {t:?}"),
            ),
            _ => issues.push(format!("{path}.type"), "expected \"type\": \"Feature\""),
        }
        let code_path = format!("{path}.properties.{code_property}");
        let code = match obj.get("properties") {
            Some(Value::Object(props)) => {
                match code_of(props.get(code_property).unwrap_or(&Value::Null)) {
                    Ok(c) => Some(c),
                    Err(msg) => {
                        issues.push(code_path, msg);
                        None
                    }
                }
            }
            Some(Value::Null) | None => {
                issues.push(
                    code_path,
                    "missing grid code (the feature has no properties)",
                );
                None
            }
            Some(other) => {
                issues.push(
                    format!("{path}.properties"),
                    format!("properties must be an object, found {}", kind_of(other)),
                );
                None
            }
        };
        let gpath = format!("{path}.geometry");
        let who = label(code.as_deref());
        let polygons = match obj.remove("geometry") {
            None | Some(Value::Null) => {
                issues.push(gpath, format!("{who} has no geometry"));
                None
            }
            Some(g) => parse_geometry(g, &gpath, &who, issues),
        };
        sources.push(Source {
            index: i,
            code,
            polygons,
        });
    }
    Ok((sources, version))
}

fn parse_geometry(g: Value, path: &str, who: &str, issues: &mut Issues) -> Option<Polygons> {
    let gtype = match &g {
        Value::Object(o) => match o.get("type") {
            Some(Value::String(t)) => t.clone(),
            _ => {
                issues.push(path, format!("{who}: geometry has no \"type\""));
                return None;
            }
        },
        other => {
            issues.push(
                path,
                format!(
                    "{who}: geometry must be an object, found {}",
                    kind_of(other)
                ),
            );
            return None;
        }
    };
    if gtype != "Polygon" && gtype != "MultiPolygon" {
        issues.push(
            path,
            format!("{who}: geometry type {gtype:?} is not a Polygon or MultiPolygon"),
        );
        return None;
    }
    let geometry = match geojson::Geometry::from_json_value(g) {
        Ok(geometry) => geometry,
        Err(e) => {
            issues.push(path, format!("{who}: malformed {gtype}: {e}"));
            return None;
        }
    };
    let to_rings = |rings: Vec<Vec<Vec<f64>>>| -> Vec<Vec<Pt>> {
        rings
            .into_iter()
            .map(|ring| {
                ring.into_iter()
                    .map(|p| {
                        [
                            p.first().copied().unwrap_or(f64::NAN),
                            p.get(1).copied().unwrap_or(f64::NAN),
                        ]
                    })
                    .collect()
            })
            .collect()
    };
    match geometry.value {
        geojson::Value::Polygon(rings) => Some(vec![to_rings(rings)]),
        geojson::Value::MultiPolygon(polys) => Some(polys.into_iter().map(to_rings).collect()),
        _ => {
            issues.push(
                path,
                format!("{who}: geometry type {gtype:?} is not a Polygon or MultiPolygon"),
            );
            None
        }
    }
}

fn fmt_pt(p: Pt) -> String {
    format!("[{}, {}]", p[0], p[1])
}

/// Ring-level checks (finite, degrees, closed, ≥ 4 positions). Returns `true` when clean.
fn check_rings(polygons: &[Vec<Vec<Pt>>], path: &str, who: &str, issues: &mut Issues) -> bool {
    let before = issues.len();
    if polygons.is_empty() {
        issues.push(path, format!("{who}: geometry has no polygon"));
    }
    let multi = polygons.len() > 1;
    for (pi, poly) in polygons.iter().enumerate() {
        let pname = if multi {
            format!("polygon {pi}: ")
        } else {
            String::new()
        };
        if poly.is_empty() {
            issues.push(path, format!("{who}: {pname}polygon has no rings"));
        }
        for (ri, ring) in poly.iter().enumerate() {
            let role = if ri == 0 {
                "exterior ring".to_owned()
            } else {
                format!("interior ring {}", ri - 1)
            };
            if let Some(k) = ring
                .iter()
                .position(|p| !(p[0].is_finite() && p[1].is_finite()))
            {
                issues.push(
                    path,
                    format!(
                        "{who}: {pname}{role} has a non-finite coordinate at position {k}: {}",
                        fmt_pt(ring[k])
                    ),
                );
                continue;
            }
            if let Some(k) = ring
                .iter()
                .position(|p| !((-180.0..=180.0).contains(&p[0]) && (-90.0..=90.0).contains(&p[1])))
            {
                issues.push(
                    path,
                    format!(
                        "{who}: {pname}{role} position {k} {} is not longitude/latitude in degrees",
                        fmt_pt(ring[k])
                    ),
                );
                continue;
            }
            if ring.len() < 4 {
                issues.push(
                    path,
                    format!(
                        "{who}: {pname}{role} has {} position{}; a ring needs at least 4 (3 corners and the first repeated)",
                        ring.len(),
                        if ring.len() == 1 { "" } else { "s" }
                    ),
                );
                continue;
            }
            #[allow(
                clippy::float_cmp,
                reason = "a ring is closed when the positions are equal"
            )]
            let unclosed = ring.first() != ring.last();
            if let (Some(first), Some(last), true) = (ring.first(), ring.last(), unclosed) {
                issues.push(
                    path,
                    format!(
                        "{who}: {pname}{role} is not closed: the first position {} differs from the last {}",
                        fmt_pt(*first),
                        fmt_pt(*last)
                    ),
                );
            }
        }
    }
    issues.len() == before
}

fn to_geo_polygon(rings: &[Vec<Pt>]) -> Polygon<f64> {
    let ls = |r: &Vec<Pt>| LineString::from(r.iter().map(|p| (p[0], p[1])).collect::<Vec<_>>());
    let mut it = rings.iter();
    let shell = it.next().map_or_else(|| LineString::new(Vec::new()), ls);
    Polygon::new(shell, it.map(ls).collect())
}

/// OGC validity through geo's `Validation` (self-intersections, holes outside the shell,
/// crossing rings, overlapping parts of a multipolygon).
fn check_validity(polygons: &[Vec<Vec<Pt>>], path: &str, who: &str, issues: &mut Issues) -> bool {
    let before = issues.len();
    if polygons.len() == 1 {
        for e in to_geo_polygon(&polygons[0]).validation_errors() {
            issues.push(path, format!("{who}: {e}"));
        }
    } else {
        let mp = MultiPolygon::new(polygons.iter().map(|p| to_geo_polygon(p)).collect());
        for e in mp.validation_errors() {
            issues.push(path, format!("{who}: {e}"));
        }
    }
    issues.len() == before
}

impl GridMap {
    /// Loads grid boundaries from a `GeoJSON` `FeatureCollection` of Polygon and `MultiPolygon`
    /// features, with the grid code in property `code_property` (other options default).
    ///
    /// # Errors
    /// [`Error::Parse`] for malformed JSON; [`Error::Model`] listing **every** problem with a
    /// path naming the feature (`features[12].geometry`) and a message naming its code:
    /// not a `FeatureCollection`, a feature without geometry or of another geometry type, a
    /// missing or duplicate code, an invalid polygon (ring not closed, fewer than 4
    /// positions, non-finite or non-degree coordinates, self-intersection, hole outside its
    /// shell, overlapping parts), two grids overlapping by more than 1 m².
    ///
    /// # Examples
    /// ```
    /// use gridgov::spatial::GridMap;
    /// let bad = r#"{"type": "FeatureCollection", "features": [
    ///   {"type": "Feature", "properties": {"code": "A"},
    ///    "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}},
    ///   {"type": "Feature", "properties": {},
    ///    "geometry": {"type": "Point", "coordinates": [0, 0]}}
    /// ]}"#;
    /// let err = GridMap::from_geojson_str(bad, "code").unwrap_err();
    /// let paths: Vec<&str> = err.issues().iter().map(|i| i.path.as_str()).collect();
    /// assert_eq!(paths, ["features[0].geometry", "features[1].properties.code", "features[1].geometry"]);
    /// assert!(err.issues()[0].message.contains("self-intersection"));
    /// ```
    pub fn from_geojson_str(text: &str, code_property: &str) -> Result<GridMap> {
        Self::from_geojson_str_with(text, &GridMapOptions::new(code_property))
    }

    /// Like [`GridMap::from_geojson_str`] with every option ([`GridMapOptions`]).
    ///
    /// # Errors
    /// As [`GridMap::from_geojson_str`]; [`Error::InvalidValue`] for a negative or NaN
    /// `overlap_tolerance_m2`.
    pub fn from_geojson_str_with(text: &str, options: &GridMapOptions) -> Result<GridMap> {
        check_options(options)?;
        let value: Value = serde_json::from_str(text).map_err(|e| Error::Parse {
            format: "GeoJSON",
            message: e.to_string(),
        })?;
        let mut issues = Issues::default();
        let (sources, version) = parse_collection(value, &options.code_property, &mut issues)?;
        let version = options.version.clone().or(version);
        Self::build(sources, options, version, issues)
    }

    /// Builds a map from boundaries given as coordinates (for hosts that hold geometry
    /// already, e.g. shapely arrays), with the same validation as `GeoJSON`: issues are reported
    /// at `features[i]` for the i-th element of `features`.
    ///
    /// # Errors
    /// As [`GridMap::from_geojson_str_with`].
    pub fn from_features(features: Vec<GridFeature>, options: &GridMapOptions) -> Result<GridMap> {
        check_options(options)?;
        let mut issues = Issues::default();
        let sources = features
            .into_iter()
            .enumerate()
            .map(|(i, f)| {
                let code = match code_of(&Value::String(f.code)) {
                    Ok(c) => Some(c),
                    Err(msg) => {
                        issues.push(
                            format!("features[{i}].properties.{}", options.code_property),
                            msg,
                        );
                        None
                    }
                };
                Source {
                    index: i,
                    code,
                    polygons: Some(f.polygons),
                }
            })
            .collect();
        Self::build(sources, options, options.version.clone(), issues)
    }

    /// Reads a `GeoJSON` file (see [`GridMap::from_geojson_str`]).
    ///
    /// # Errors
    /// [`Error::Io`] naming the path when the file cannot be read, then as
    /// [`GridMap::from_geojson_str`].
    pub fn load(path: impl AsRef<Path>, code_property: &str) -> Result<GridMap> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| Error::Io {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
        Self::from_geojson_str(&text, code_property)
    }

    fn build(
        sources: Vec<Source>,
        options: &GridMapOptions,
        version: Option<String>,
        mut issues: Issues,
    ) -> Result<GridMap> {
        let prop = &options.code_property;
        let mut seen: HashMap<String, usize> = HashMap::new();
        let mut keep = Vec::with_capacity(sources.len());
        for src in &sources {
            let mut duplicate = false;
            if let Some(code) = &src.code {
                if let Some(first) = seen.get(code) {
                    issues.push(
                        format!("features[{}].properties.{prop}", src.index),
                        format!("duplicate grid code {code:?} (first at features[{first}])"),
                    );
                    duplicate = true;
                } else {
                    seen.insert(code.clone(), src.index);
                }
            }
            keep.push(!duplicate);
        }
        // Geometry checks are independent per feature: run them on all cores.
        let items: Vec<(Source, bool)> = sources.into_iter().zip(keep).collect();
        let threads = parallel::thread_count(0, items.len(), GEOMETRY_ITEMS_PER_THREAD);
        let checked = parallel::map(items, threads, |(src, keep)| {
            let mut issues = Issues::default();
            let who = label(src.code.as_deref());
            let path = format!("features[{}].geometry", src.index);
            let mut polygons = src.polygons?;
            if !check_rings(&polygons, &path, &who, &mut issues) {
                return Some((issues, None));
            }
            if !matches!(options.crs, Crs::Wgs84 | Crs::Cgcs2000) {
                for p in polygons.iter_mut().flatten().flatten() {
                    let (x, y) = crs::convert_unchecked(p[0], p[1], options.crs, Crs::Wgs84);
                    *p = [x, y];
                }
            }
            if !check_validity(&polygons, &path, &who, &mut issues) {
                return Some((issues, None));
            }
            let valid = match (src.code, keep) {
                (Some(code), true) => Some((src.index, code, polygons)),
                _ => None,
            };
            Some((issues, valid))
        });
        let mut valid: Vec<(usize, String, Polygons)> = Vec::new();
        for (found, grid) in checked.into_iter().flatten() {
            issues.0.extend(found.0);
            valid.extend(grid);
        }
        let map = Self::assemble(valid, version, prop.clone())?;
        if options.overlap_tolerance_m2.is_finite() {
            map.check_overlaps(options.overlap_tolerance_m2, &mut issues);
        }
        // Report in feature order (stable: a feature's issues keep their order).
        issues.0.sort_by_key(|issue| feature_of(&issue.path));
        issues.into_result(map)
    }

    /// Stores validated grids (sorted by code) and bulk-loads the R-tree.
    fn assemble(
        mut grids: Vec<(usize, String, Polygons)>,
        version: Option<String>,
        code_property: String,
    ) -> Result<GridMap> {
        grids.sort_by(|a, b| a.1.cmp(&b.1));
        let n = grids.len();
        let mut map = GridMap {
            codes: Vec::with_capacity(n),
            version,
            code_property,
            source_index: Vec::with_capacity(n),
            grid_parts: Vec::with_capacity(n),
            parts: Vec::new(),
            rings: Vec::new(),
            coords: Vec::new(),
            areas: Vec::with_capacity(n),
            bbox: None,
            tree: RTree::new(),
        };
        for (g, (index, code, polygons)) in grids.into_iter().enumerate() {
            let first_part = map.parts.len();
            let mut grid_box: Option<[f64; 4]> = None;
            for poly in polygons {
                let first_ring = map.rings.len();
                for ring in poly {
                    let start = map.coords.len();
                    let bbox = geometry::bbox_of(&ring);
                    map.coords.extend(ring);
                    map.rings.push(Ring {
                        start,
                        end: map.coords.len(),
                        bbox,
                    });
                }
                let bbox = map.rings[first_ring].bbox;
                grid_box = Some(grid_box.map_or(bbox, |b| geometry::bbox_union(b, bbox)));
                map.parts.push(Part {
                    grid: g,
                    start: first_ring,
                    end: map.rings.len(),
                    bbox,
                });
            }
            map.grid_parts.push((first_part, map.parts.len()));
            let lat0 = grid_box.map_or(0.0, |b| f64::midpoint(b[1], b[3]));
            let area = map.parts[first_part..]
                .iter()
                .map(|p| {
                    geometry::polygon_area_m2(
                        map.rings[p.start..p.end]
                            .iter()
                            .map(|r| &map.coords[r.start..r.end]),
                        lat0,
                    )
                })
                .sum();
            map.areas.push(area);
            if let Some(b) = grid_box {
                map.bbox = Some(map.bbox.map_or(b, |m| geometry::bbox_union(m, b)));
            }
            map.codes.push(code);
            map.source_index.push(index);
        }
        let entries = map
            .parts
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let id = u32::try_from(i).map_err(|_| {
                    Error::invalid("features", i, "more than 2^32 polygons in one grid map")
                })?;
                Ok(GeomWithData::new(
                    Rectangle::from_corners([p.bbox[0], p.bbox[1]], [p.bbox[2], p.bbox[3]]),
                    id,
                ))
            })
            .collect::<Result<Vec<_>>>()?;
        map.tree = RTree::bulk_load(entries);
        Ok(map)
    }

    /// Rings of a part as coordinate slices, the shell first.
    fn part_rings(&self, part: &Part) -> impl Iterator<Item = &[Pt]> + '_ {
        self.rings[part.start..part.end]
            .iter()
            .map(|r| &self.coords[r.start..r.end])
    }

    fn part_polygon_m(&self, part: &Part, frame: &LocalFrame) -> Polygon<f64> {
        let ls = |r: &[Pt]| {
            LineString::from(
                r.iter()
                    .map(|p| {
                        let q = frame.project(*p);
                        (q[0], q[1])
                    })
                    .collect::<Vec<_>>(),
            )
        };
        let mut rings = self.part_rings(part);
        let shell = rings.next().map_or_else(|| LineString::new(Vec::new()), ls);
        Polygon::new(shell, rings.map(ls).collect())
    }

    /// Records an issue for every pair of grids overlapping by more than `tol` m².
    fn check_overlaps(&self, tol: f64, issues: &mut Issues) {
        let overlap = self.grid_pairs(0.0, |part, other| {
            let (a, b) = (part.bbox, other.bbox);
            let ix = a[2].min(b[2]) - a[0].max(b[0]);
            let iy = a[3].min(b[3]) - a[1].max(b[1]);
            if ix <= 0.0 || iy <= 0.0 {
                return 0.0; // boxes only touch: interiors are disjoint
            }
            let frame = LocalFrame::around(geometry::bbox_union(a, b));
            let a = self.part_polygon_m(part, &frame);
            let o = self.part_polygon_m(other, &frame);
            a.intersection(&o).unsigned_area()
        });
        for ((i, j), area) in overlap {
            if area > tol {
                issues.push(
                    format!("features[{}].geometry", self.source_index[j]),
                    format!(
                        "grid {:?} overlaps grid {:?} (features[{}]) by {area:.1} m² (tolerance {tol} m²)",
                        self.codes[j], self.codes[i], self.source_index[i]
                    ),
                );
            }
        }
    }

    /// The map as a `GeoJSON` `FeatureCollection`: one feature per grid in index order, with
    /// properties `code` and `area_m2`, and a top-level `"version"` member when the map has a
    /// version. [`GridMap::from_geojson_str`] reads it back to an equal map.
    pub fn to_geojson(&self) -> String {
        let ring_json =
            |r: &[Pt]| Value::Array(r.iter().map(|p| serde_json::json!([p[0], p[1]])).collect());
        let poly_json = |part: &Part| Value::Array(self.part_rings(part).map(ring_json).collect());
        let features: Vec<Value> = (0..self.codes.len())
            .map(|g| {
                let (a, b) = self.grid_parts[g];
                let parts = &self.parts[a..b];
                let geometry = if parts.len() == 1 {
                    serde_json::json!({"type": "Polygon", "coordinates": poly_json(&parts[0])})
                } else {
                    serde_json::json!({
                        "type": "MultiPolygon",
                        "coordinates": parts.iter().map(poly_json).collect::<Vec<_>>()
                    })
                };
                serde_json::json!({
                    "type": "Feature",
                    "properties": {
                        "code": self.codes[g],
                        "area_m2": (self.areas[g] * 100.0).round() / 100.0,
                    },
                    "geometry": geometry,
                })
            })
            .collect();
        let mut top = serde_json::Map::new();
        top.insert("type".into(), Value::String("FeatureCollection".into()));
        if let Some(v) = &self.version {
            top.insert("version".into(), Value::String(v.clone()));
        }
        top.insert("features".into(), Value::Array(features));
        Value::Object(top).to_string()
    }

    /// Number of grids.
    pub fn len(&self) -> usize {
        self.codes.len()
    }

    /// `true` when the map has no grid.
    pub fn is_empty(&self) -> bool {
        self.codes.is_empty()
    }

    /// Grid codes, sorted; index `i` of every other method is `codes()[i]`.
    pub fn codes(&self) -> &[String] {
        &self.codes
    }

    /// The code of grid `index`, `None` when out of range.
    pub fn code(&self, index: usize) -> Option<&str> {
        self.codes.get(index).map(String::as_str)
    }

    /// Index of the grid with `code`.
    pub fn index_of(&self, code: &str) -> Option<usize> {
        self.codes.binary_search_by(|c| c.as_str().cmp(code)).ok()
    }

    /// Version of the boundaries, if known.
    pub fn version(&self) -> Option<&str> {
        self.version.as_deref()
    }

    /// Name of the property the codes were read from.
    pub fn code_property(&self) -> &str {
        &self.code_property
    }

    /// Area of grid `index` in m² (holes excluded; see the module documentation for the
    /// projection); NaN when `index` is out of range.
    pub fn area_m2(&self, index: usize) -> f64 {
        self.areas.get(index).copied().unwrap_or(f64::NAN)
    }

    /// Bounding box of the whole map, `[min lon, min lat, max lon, max lat]`; `None` when
    /// empty.
    pub fn bbox(&self) -> Option<[f64; 4]> {
        self.bbox
    }

    /// Index of the grid containing the WGS-84 point, `None` when it is in no grid (or not a
    /// finite coordinate). Points exactly on a boundary follow the rule of the
    /// [module documentation](self): interior first, then the smallest index.
    ///
    /// # Examples
    /// ```
    /// let model = gridgov::Model::sample();
    /// let map = model.grid_map().expect("the sample city has boundaries");
    /// let i = map.locate(117.0627, 36.7131).expect("inside the city");
    /// assert_eq!(map.codes()[i].len(), 14);
    /// assert_eq!(map.locate(116.0, 36.0), None);
    /// ```
    pub fn locate(&self, lon: f64, lat: f64) -> Option<usize> {
        if !(lon.is_finite() && lat.is_finite()) {
            return None;
        }
        self.locate_point([lon, lat])
    }

    /// Like [`GridMap::locate`] for a point in `crs`, which is converted to WGS-84 first.
    ///
    /// # Errors
    /// [`Error::InvalidValue`] naming `lon` or `lat` when a coordinate is NaN, infinite or
    /// outside ±180 / ±90 degrees.
    pub fn locate_in(&self, lon: f64, lat: f64, crs: Crs) -> Result<Option<usize>> {
        let (x, y) = convert(lon, lat, crs, Crs::Wgs84)?;
        Ok(self.locate_point([x, y]))
    }

    #[inline]
    fn locate_point(&self, p: Pt) -> Option<usize> {
        let mut buf = [0u32; 16];
        let mut n = 0usize;
        let mut spill: Vec<u32> = Vec::new();
        let _ = self.tree.locate_all_at_point_int(&p, |e| {
            if n < buf.len() {
                buf[n] = e.data;
                n += 1;
            } else {
                spill.push(e.data);
            }
            ControlFlow::<()>::Continue(())
        });
        let cands: &mut [u32] = if spill.is_empty() {
            &mut buf[..n]
        } else {
            spill.extend_from_slice(&buf[..n]);
            &mut spill
        };
        if cands.len() > 1 {
            // Parts are stored in grid order: ascending part index is ascending grid index.
            cands.sort_unstable();
        }
        let mut boundary = None;
        for &c in cands.iter() {
            let part = &self.parts[c as usize];
            match self.part_position(part, p) {
                Position::Inside => return Some(part.grid),
                Position::OnBoundary => {
                    if boundary.is_none() {
                        boundary = Some(part.grid);
                    }
                }
                Position::Outside => {}
            }
        }
        boundary
    }

    #[inline]
    fn part_position(&self, part: &Part, p: Pt) -> Position {
        let rings = &self.rings[part.start..part.end];
        let shell = &rings[0];
        match geometry::ring_position(&self.coords[shell.start..shell.end], p) {
            Position::Inside => {}
            other => return other,
        }
        for hole in &rings[1..] {
            if !geometry::bbox_contains(&hole.bbox, p) {
                continue;
            }
            match geometry::ring_position(&self.coords[hole.start..hole.end], p) {
                Position::Inside => return Position::Outside,
                Position::OnBoundary => return Position::OnBoundary,
                Position::Outside => {}
            }
        }
        Position::Inside
    }

    /// Locates many points: `out[i]` receives the index of the grid containing
    /// `(lon[i], lat[i])`, or −1 when it is in none. Points are given in `crs` and converted
    /// to WGS-84 first. The work is split into contiguous chunks over `threads` threads
    /// (`0`: all available cores); the result does not depend on the thread count. Each
    /// thread visits its points in spatial (Z-) order, which keeps the polygons it tests in
    /// cache: random input runs about twice as fast as in input order.
    ///
    /// Every input is checked before anything is written, so on error `out` is untouched.
    ///
    /// # Errors
    /// [`Error::InvalidValue`] when the lengths differ, or naming the first bad element
    /// (`lon[3]`) when a coordinate is NaN, infinite or out of range.
    ///
    /// # Examples
    /// ```
    /// use gridgov::spatial::Crs;
    /// let model = gridgov::Model::sample();
    /// let map = model.grid_map().expect("sample boundaries");
    /// let mut out = vec![0i64; 2];
    /// map.locate_many(&[117.0627, 100.0], &[36.7131, 30.0], Crs::Wgs84, 0, &mut out)?;
    /// assert!(out[0] >= 0 && out[1] == -1);
    /// let err = map.locate_many(&[117.0, f64::NAN], &[36.7, 36.7], Crs::Gcj02, 0, &mut out);
    /// assert!(err.unwrap_err().to_string().contains("lon[1]"));
    /// # Ok::<(), gridgov::Error>(())
    /// ```
    pub fn locate_many(
        &self,
        lon: &[f64],
        lat: &[f64],
        crs: Crs,
        threads: usize,
        out: &mut [i64],
    ) -> Result<()> {
        crs::check_lengths(lon.len(), &[("lat", lat.len()), ("out", out.len())])?;
        crs::check_points(lon, lat)?;
        let n = lon.len();
        let threads = parallel::thread_count(threads, n, MIN_POINTS_PER_THREAD);
        let one = |x: f64, y: f64| -> i64 {
            let p = match crs {
                Crs::Wgs84 | Crs::Cgcs2000 => [x, y],
                _ => {
                    let (x, y) = crs::convert_unchecked(x, y, crs, Crs::Wgs84);
                    [x, y]
                }
            };
            self.locate_point(p).map_or(-1, |g| g as i64)
        };
        let work = |lon: &[f64], lat: &[f64], out: &mut [i64]| {
            if lon.len() < SORT_MIN_POINTS {
                for ((x, y), o) in lon.iter().zip(lat).zip(out.iter_mut()) {
                    *o = one(*x, *y);
                }
                return;
            }
            // Visit the points in Z-order of their position so that consecutive queries touch
            // the same tree nodes and polygons, which then stay in cache: a counting sort into
            // the 256 × 256 cells of the map's box, carrying the coordinates along so that
            // they are read in order. The order of visits does not change any result.
            let keys: Vec<u16> = lon
                .iter()
                .zip(lat)
                .map(|(x, y)| self.cell(*x, *y))
                .collect();
            let mut start = vec![0usize; CELLS + 1];
            for &k in &keys {
                start[usize::from(k) + 1] += 1;
            }
            for c in 1..=CELLS {
                start[c] += start[c - 1];
            }
            let mut sorted = vec![(0.0f64, 0.0f64, 0usize); keys.len()];
            for (i, &k) in keys.iter().enumerate() {
                let slot = &mut start[usize::from(k)];
                sorted[*slot] = (lon[i], lat[i], i);
                *slot += 1;
            }
            for (x, y, i) in sorted {
                out[i] = one(x, y);
            }
        };
        parallel::map_chunks(((lon, lat), out), threads, |((lon, lat), out)| {
            work(lon, lat, out);
        });
        Ok(())
    }

    /// Z-order (Morton) number of the cell of a point on a 256 × 256 raster of the map's box.
    fn cell(&self, lon: f64, lat: f64) -> u16 {
        let Some(bbox) = self.bbox else { return 0 };
        let quantise = |value: f64, lo: f64, hi: f64| -> u16 {
            let t = if hi > lo {
                (value - lo) / (hi - lo)
            } else {
                0.0
            };
            (t.clamp(0.0, 1.0) * 255.0) as u16
        };
        let spread = |bits: u16| -> u16 {
            let mut v = bits & 0xff;
            v = (v | (v << 4)) & 0x0f0f;
            v = (v | (v << 2)) & 0x3333;
            (v | (v << 1)) & 0x5555
        };
        spread(quantise(lon, bbox[0], bbox[2])) | (spread(quantise(lat, bbox[1], bbox[3])) << 1)
    }

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

    /// The R-tree candidate-pair loop behind the overlap check and [`GridMap::adjacency`]:
    /// for every polygon `a` and every polygon `b` of a grid with a larger index whose bounding
    /// boxes, grown by `margin` degrees, intersect, `measure(a, b)`; the positive measures
    /// summed per pair of grids `(i, j)`, `i < j`. Polygons are visited on all cores, and the
    /// sums are taken in polygon order, so they do not depend on the number of threads.
    fn grid_pairs(
        &self,
        margin: f64,
        measure: impl Fn(&Part, &Part) -> f64 + Sync,
    ) -> BTreeMap<(usize, usize), f64> {
        let threads = parallel::thread_count(0, self.parts.len(), GEOMETRY_ITEMS_PER_THREAD);
        let found = parallel::map_chunks(0..self.parts.len(), threads, |parts| {
            let mut out = Vec::new();
            for part in &self.parts[parts] {
                let b = part.bbox;
                let env = AABB::from_corners(
                    [b[0] - margin, b[1] - margin],
                    [b[2] + margin, b[3] + margin],
                );
                let mut cands: Vec<u32> = self
                    .tree
                    .locate_in_envelope_intersecting(&env)
                    .map(|e| e.data)
                    .collect();
                cands.sort_unstable();
                for c in cands {
                    let other = &self.parts[c as usize];
                    if other.grid <= part.grid {
                        continue;
                    }
                    let value = measure(part, other);
                    if value > 0.0 {
                        out.push((part.grid, other.grid, value));
                    }
                }
            }
            out
        });
        let mut sums: BTreeMap<(usize, usize), f64> = BTreeMap::new();
        for (i, j, value) in found.into_iter().flatten() {
            *sums.entry((i, j)).or_insert(0.0) += value;
        }
        sums
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

    /// Checks the map against a model's territory: every code must be a unit grid of it.
    /// Returns the codes of the unit grids that have no boundary, in territory order (a
    /// report, not an error).
    ///
    /// # Errors
    /// [`Error::Model`] with one issue per unknown code, at
    /// `features[i].properties.code`: `"…" is not a unit grid of the model`.
    pub fn check_against(&self, territory: &Territory) -> Result<Vec<String>> {
        let mut issues = Issues::default();
        let mut bad: Vec<(usize, &String)> = self
            .codes
            .iter()
            .enumerate()
            .filter(|(_, code)| !territory.find(code).is_ok_and(|id| territory.is_grid(id)))
            .map(|(i, code)| (self.source_index[i], code))
            .collect();
        bad.sort();
        for (index, code) in bad {
            issues.push(
                format!("features[{index}].properties.{}", self.code_property),
                format!("{code:?} is not a unit grid of the model"),
            );
        }
        let missing = territory
            .grids()
            .iter()
            .map(|id| territory.area(*id).code.as_str())
            .filter(|code| self.index_of(code).is_none())
            .map(str::to_owned)
            .collect();
        issues.into_result(missing)
    }

    /// Returns the map with `version` set.
    #[must_use]
    pub fn with_version(mut self, version: Option<String>) -> GridMap {
        self.version = version;
        self
    }
}

/// The feature index of an issue path `features[12]...`; `None` (sorted first) otherwise.
fn feature_of(path: &str) -> Option<usize> {
    let rest = path.strip_prefix("features[")?;
    rest[..rest.find(']')?].parse().ok()
}

fn check_options(options: &GridMapOptions) -> Result<()> {
    let t = options.overlap_tolerance_m2;
    if t.is_nan() || t < 0.0 {
        return Err(Error::invalid(
            "overlap_tolerance_m2",
            t,
            "must be zero or positive (infinity skips the overlap check)",
        ));
    }
    if options.code_property.is_empty() {
        return Err(Error::invalid(
            "code_property",
            "\"\"",
            "the name of the code property is empty",
        ));
    }
    Ok(())
}
