//! Reading grid boundaries: a `GeoJSON` `FeatureCollection` (or coordinates a host already
//! holds) parsed and validated into a [`GridMap`], every problem reported at once with the
//! feature it is in ([`GridMapOptions`], [`GridFeature`]); the overlap check between grids; and
//! writing a map back as `GeoJSON`.

use std::collections::HashMap;
use std::path::Path;

use geo::{Area, BooleanOps, LineString, Polygon};
use serde_json::Value;

use crate::error::{Error, Issues, Result};
use crate::parallel;

use super::crs::{self, Crs};
use super::geometry::{self, LocalFrame, Pt};
use super::map::{GEOMETRY_ITEMS_PER_THREAD, GridMap, Part, Polygons};
use super::validate;

/// Default name of the property holding the grid code.
pub const DEFAULT_CODE_PROPERTY: &str = "code";
/// Default area (m²) by which two grids may overlap before it is an error.
pub const DEFAULT_OVERLAP_TOLERANCE_M2: f64 = 1.0;

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

/// OGC validity, with geo's findings and messages (self-intersections, holes outside the
/// shell, crossing rings, overlapping parts of a multipolygon), in O(n log n): `validate.rs`.
fn check_validity(polygons: &[Vec<Vec<Pt>>], path: &str, who: &str, issues: &mut Issues) -> bool {
    let before = issues.len();
    for e in validate::validation_messages(polygons) {
        issues.push(path, format!("{who}: {e}"));
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
        let text = crate::limits::strip_bom(text);
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
    /// [`Error::Io`] naming the path when the file cannot be read; [`Error::InvalidValue`]
    /// naming it when it is not UTF-8; then as [`GridMap::from_geojson_str`].
    pub fn load(path: impl AsRef<Path>, code_property: &str) -> Result<GridMap> {
        Self::load_with(path, &GridMapOptions::new(code_property))
    }

    /// Reads a `GeoJSON` file with every option ([`GridMapOptions`]): e.g. boundaries digitised
    /// on GCJ-02 (Amap) or BD-09 (Baidu) tiles, converted to WGS-84 vertex by vertex on load.
    ///
    /// # Errors
    /// [`Error::Io`] naming the path when the file cannot be read; [`Error::InvalidValue`]
    /// naming it when it is not UTF-8 (saying so when it reads as GBK/GB18030); then as
    /// [`GridMap::from_geojson_str_with`].
    ///
    /// # Examples
    /// ```
    /// use gridgov::spatial::{Crs, GridMap, GridMapOptions};
    /// let path = std::env::temp_dir().join("gridgov_doc_gcj02.geojson");
    /// std::fs::write(&path, r#"{"type": "FeatureCollection", "features": [
    ///   {"type": "Feature", "properties": {"code": "A"}, "geometry": {"type": "Polygon",
    ///    "coordinates": [[[117.0, 36.7], [117.01, 36.7], [117.01, 36.71], [117.0, 36.71], [117.0, 36.7]]]}}
    /// ]}"#)?;
    /// let options = GridMapOptions { crs: Crs::Gcj02, ..GridMapOptions::default() };
    /// let map = GridMap::load_with(&path, &options)?;
    /// // The square was drawn on GCJ-02 tiles: its WGS-84 corner is ~500 m west.
    /// assert_eq!(map.locate_in(117.005, 36.705, Crs::Gcj02)?, Some(0));
    /// assert!(map.bbox().unwrap()[0] < 116.995);
    /// # std::fs::remove_file(&path)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn load_with(path: impl AsRef<Path>, options: &GridMapOptions) -> Result<GridMap> {
        let path = path.as_ref();
        let text = crate::limits::read_text_file(path, "GeoJSON")?;
        Self::from_geojson_str_with(&text, options)
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
                if let Some(c) = crate::limits::control_char(code) {
                    issues.push(
                        format!("features[{}].properties.{prop}", src.index),
                        format!("{code:?} {}", crate::limits::control_reason(c)),
                    );
                }
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
