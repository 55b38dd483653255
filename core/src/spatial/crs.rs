//! Coordinate reference systems of input points and the conversions between them; documented
//! in the parent module ("Coordinate systems").

use std::f64::consts::PI;
use std::fmt;
use std::str::FromStr;

use crate::error::{Error, Result};
use crate::parallel;

/// Coordinate reference systems accepted for input points: WGS-84 (EPSG:4326) and CGCS2000
/// (EPSG:4490) as the EPSG registry defines them, GCJ-02 and BD-09 as the public coordTransform
/// implementations compute them (see the
/// [module documentation](crate::spatial#coordinate-systems)).
///
/// # Examples
/// ```
/// use gridgov::spatial::Crs;
/// assert_eq!("GCJ02".parse::<Crs>()?, Crs::Gcj02);
/// assert_eq!("epsg:4490".parse::<Crs>()?, Crs::Cgcs2000);
/// assert_eq!(Crs::Bd09.as_str(), "bd09");
/// assert!("utm50n".parse::<Crs>().is_err());
/// # Ok::<(), gridgov::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Crs {
    /// WGS-84 longitude and latitude (EPSG:4326), raw GPS. Boundaries are stored in it.
    #[default]
    Wgs84,
    /// CGCS2000 longitude and latitude (EPSG:4490), treated as WGS-84: the two differ at the
    /// centimetre level.
    Cgcs2000,
    /// GCJ-02, the offset system of Amap (高德), Tencent and Google China.
    Gcj02,
    /// BD-09 (`bd09ll`), Baidu's system: GCJ-02 with a further offset.
    Bd09,
}

impl Crs {
    /// Every system, in declaration order.
    pub const ALL: [Crs; 4] = [Crs::Wgs84, Crs::Cgcs2000, Crs::Gcj02, Crs::Bd09];

    /// The canonical lower-case name (`wgs84`, `cgcs2000`, `gcj02`, `bd09`).
    pub fn as_str(self) -> &'static str {
        match self {
            Crs::Wgs84 => "wgs84",
            Crs::Cgcs2000 => "cgcs2000",
            Crs::Gcj02 => "gcj02",
            Crs::Bd09 => "bd09",
        }
    }

    /// The family a system converts through: WGS-84 and CGCS2000 are one.
    fn family(self) -> Family {
        match self {
            Crs::Wgs84 | Crs::Cgcs2000 => Family::Wgs,
            Crs::Gcj02 => Family::Gcj,
            Crs::Bd09 => Family::Bd,
        }
    }
}

impl serde::Serialize for Crs {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for Crs {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

impl fmt::Display for Crs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Crs {
    type Err = Error;

    /// Parses `wgs84`, `cgcs2000`, `gcj02` or `bd09`, case-insensitively; also `epsg:4326`,
    /// `epsg:4490`, `wgs-84`, `gcj-02`, `bd-09`, `bd09ll`.
    fn from_str(s: &str) -> Result<Crs> {
        let t = s.trim().to_ascii_lowercase();
        match t.as_str() {
            "wgs84" | "wgs-84" | "wgs 84" | "epsg:4326" => Ok(Crs::Wgs84),
            "cgcs2000" | "cgcs-2000" | "epsg:4490" => Ok(Crs::Cgcs2000),
            "gcj02" | "gcj-02" => Ok(Crs::Gcj02),
            "bd09" | "bd-09" | "bd09ll" => Ok(Crs::Bd09),
            _ => Err(Error::invalid(
                "crs",
                s,
                "unknown coordinate system; expected wgs84, cgcs2000, gcj02 or bd09 \
                 (or epsg:4326, epsg:4490)",
            )),
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Family {
    Wgs,
    Gcj,
    Bd,
}

/// Krasovsky semi-major axis used by GCJ-02.
const GCJ_A: f64 = 6_378_245.0;
/// Krasovsky first eccentricity squared used by GCJ-02 (as published, digits beyond f64 and all).
#[allow(
    clippy::excessive_precision,
    reason = "the constant as every implementation writes it"
)]
const GCJ_EE: f64 = 0.006_693_421_622_965_943_23;
/// Baidu's `x_pi`.
const X_PI: f64 = PI * 3000.0 / 180.0;
/// The inverse iterations stop after a step smaller than this (degrees). The offsets change
/// by less than 0.008 degree per degree, so the error left after such a step is below 10⁻¹⁰.
const INVERSE_STEP: f64 = 1e-8;
/// Upper bound on inverse iterations (3–4 are needed in practice).
const INVERSE_MAX_STEPS: usize = 30;

/// Whether a point lies outside the conventional GCJ-02 box (no offset there).
pub(crate) fn out_of_china(lon: f64, lat: f64) -> bool {
    !((72.004..=137.8347).contains(&lon) && (0.8293..=55.8271).contains(&lat))
}

fn transform_lat(x: f64, y: f64) -> f64 {
    let mut r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * x.abs().sqrt();
    r += (20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin()) * 2.0 / 3.0;
    r += (20.0 * (y * PI).sin() + 40.0 * (y / 3.0 * PI).sin()) * 2.0 / 3.0;
    r += (160.0 * (y / 12.0 * PI).sin() + 320.0 * (y * PI / 30.0).sin()) * 2.0 / 3.0;
    r
}

fn transform_lon(x: f64, y: f64) -> f64 {
    let mut r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * x.abs().sqrt();
    r += (20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin()) * 2.0 / 3.0;
    r += (20.0 * (x * PI).sin() + 40.0 * (x / 3.0 * PI).sin()) * 2.0 / 3.0;
    r += (150.0 * (x / 12.0 * PI).sin() + 300.0 * (x / 30.0 * PI).sin()) * 2.0 / 3.0;
    r
}

/// The GCJ-02 offset (degrees) at a WGS-84 point, without the box test.
fn gcj_offset(lon: f64, lat: f64) -> (f64, f64) {
    let dlat = transform_lat(lon - 105.0, lat - 35.0);
    let dlon = transform_lon(lon - 105.0, lat - 35.0);
    let radlat = lat / 180.0 * PI;
    let s = radlat.sin();
    let magic = 1.0 - GCJ_EE * s * s;
    let sqrt_magic = magic.sqrt();
    let dlat = (dlat * 180.0) / ((GCJ_A * (1.0 - GCJ_EE)) / (magic * sqrt_magic) * PI);
    let dlon = (dlon * 180.0) / (GCJ_A / sqrt_magic * radlat.cos() * PI);
    (dlon, dlat)
}

fn wgs_to_gcj(lon: f64, lat: f64) -> (f64, f64) {
    if out_of_china(lon, lat) {
        return (lon, lat);
    }
    let (dlon, dlat) = gcj_offset(lon, lat);
    (lon + dlon, lat + dlat)
}

fn gcj_to_wgs(lon: f64, lat: f64) -> (f64, f64) {
    if out_of_china(lon, lat) {
        return (lon, lat);
    }
    // w <- w - (f(w) - g), from w = g (whose first step is the usual `g - offset(g)`).
    let (mut x, mut y) = (lon, lat);
    for _ in 0..INVERSE_MAX_STEPS {
        let (dlon, dlat) = gcj_offset(x, y);
        let (ex, ey) = (x + dlon - lon, y + dlat - lat);
        x -= ex;
        y -= ey;
        if ex.abs() < INVERSE_STEP && ey.abs() < INVERSE_STEP {
            break;
        }
    }
    (x, y)
}

fn gcj_to_bd_raw(lon: f64, lat: f64) -> (f64, f64) {
    let z = lon.hypot(lat) + 0.00002 * (lat * X_PI).sin();
    let theta = lat.atan2(lon) + 0.000_003 * (lon * X_PI).cos();
    (z * theta.cos() + 0.0065, z * theta.sin() + 0.006)
}

fn gcj_to_bd(lon: f64, lat: f64) -> (f64, f64) {
    if out_of_china(lon, lat) {
        return (lon, lat);
    }
    gcj_to_bd_raw(lon, lat)
}

fn bd_to_gcj(lon: f64, lat: f64) -> (f64, f64) {
    if out_of_china(lon, lat) {
        return (lon, lat);
    }
    // Baidu's approximate inverse as the starting point, then g <- g - (F(g) - b).
    let (x0, y0) = (lon - 0.0065, lat - 0.006);
    let z = x0.hypot(y0) - 0.00002 * (y0 * X_PI).sin();
    let theta = y0.atan2(x0) - 0.000_003 * (x0 * X_PI).cos();
    let (mut x, mut y) = (z * theta.cos(), z * theta.sin());
    for _ in 0..INVERSE_MAX_STEPS {
        let (bx, by) = gcj_to_bd_raw(x, y);
        let (ex, ey) = (bx - lon, by - lat);
        x -= ex;
        y -= ey;
        if ex.abs() < INVERSE_STEP && ey.abs() < INVERSE_STEP {
            break;
        }
    }
    (x, y)
}

/// Converts a point that is known to be valid (finite, in range).
pub(crate) fn convert_unchecked(lon: f64, lat: f64, from: Crs, to: Crs) -> (f64, f64) {
    match (from.family(), to.family()) {
        (Family::Wgs, Family::Wgs) | (Family::Gcj, Family::Gcj) | (Family::Bd, Family::Bd) => {
            (lon, lat)
        }
        (Family::Wgs, Family::Gcj) => wgs_to_gcj(lon, lat),
        (Family::Wgs, Family::Bd) => {
            let (x, y) = wgs_to_gcj(lon, lat);
            gcj_to_bd(x, y)
        }
        (Family::Gcj, Family::Wgs) => gcj_to_wgs(lon, lat),
        (Family::Gcj, Family::Bd) => gcj_to_bd(lon, lat),
        (Family::Bd, Family::Gcj) => bd_to_gcj(lon, lat),
        (Family::Bd, Family::Wgs) => {
            let (x, y) = bd_to_gcj(lon, lat);
            gcj_to_wgs(x, y)
        }
    }
}

/// Checks that `lon`/`lat` are finite degrees in range, naming them `lon_name`/`lat_name`.
pub(crate) fn check_point(
    lon: f64,
    lat: f64,
    lon_name: &dyn Fn() -> String,
    lat_name: &dyn Fn() -> String,
) -> Result<()> {
    if !lon.is_finite() {
        return Err(Error::invalid(
            lon_name(),
            lon,
            "longitude is not a finite number",
        ));
    }
    if !lat.is_finite() {
        return Err(Error::invalid(
            lat_name(),
            lat,
            "latitude is not a finite number",
        ));
    }
    if !(-180.0..=180.0).contains(&lon) {
        return Err(Error::invalid(
            lon_name(),
            lon,
            "longitude is outside -180..180 degrees (projected coordinates are not accepted)",
        ));
    }
    if !(-90.0..=90.0).contains(&lat) {
        return Err(Error::invalid(
            lat_name(),
            lat,
            "latitude is outside -90..90 degrees (projected coordinates are not accepted)",
        ));
    }
    Ok(())
}

/// Converts one point (longitude, latitude in degrees) from one system to another.
///
/// GCJ-02 → WGS-84 (and BD-09 → anything) is solved by iteration to better than 10⁻¹⁰
/// degrees (see the [module documentation](crate::spatial#coordinate-systems)).
/// Outside China's box (72.004–137.8347 E, 0.8293–55.8271 N) the point is returned unchanged.
/// WGS-84 and CGCS2000 convert to each other unchanged.
///
/// # Errors
/// [`Error::InvalidValue`] naming `lon` or `lat` when a coordinate is NaN, infinite or outside
/// ±180 / ±90 degrees.
///
/// # Examples
/// ```
/// use gridgov::spatial::{convert, Crs};
/// // Tiananmen, WGS-84 -> GCJ-02 (the coordTransform test pair).
/// let (lon, lat) = convert(116.404, 39.915, Crs::Wgs84, Crs::Gcj02)?;
/// assert!((lon - 116.41024449916938).abs() < 1e-12 && (lat - 39.91640428150164).abs() < 1e-12);
/// // and back, by iteration
/// let (lon, lat) = convert(lon, lat, Crs::Gcj02, Crs::Wgs84)?;
/// assert!((lon - 116.404).abs() < 1e-9 && (lat - 39.915).abs() < 1e-9);
/// // outside China nothing moves
/// assert_eq!(convert(2.35, 48.85, Crs::Wgs84, Crs::Gcj02)?, (2.35, 48.85));
/// # Ok::<(), gridgov::Error>(())
/// ```
pub fn convert(lon: f64, lat: f64, from: Crs, to: Crs) -> Result<(f64, f64)> {
    check_point(lon, lat, &|| "lon".to_owned(), &|| "lat".to_owned())?;
    Ok(convert_unchecked(lon, lat, from, to))
}

/// Converts arrays of points; `out_lon[i], out_lat[i]` receive the converted `lon[i], lat[i]`.
///
/// Every input is checked before anything is written, so on error the outputs are untouched.
/// Large arrays are split into contiguous chunks over all available cores.
///
/// # Errors
/// [`Error::InvalidValue`] when the four lengths differ, or naming the first bad element
/// (`lon[3]`, `lat[7]`) when a coordinate is NaN, infinite or out of range.
///
/// # Examples
/// ```
/// use gridgov::spatial::{convert_many, Crs};
/// let (lon, lat) = ([116.404, 2.35], [39.915, 48.85]);
/// let (mut x, mut y) = ([0.0; 2], [0.0; 2]);
/// convert_many(&lon, &lat, Crs::Gcj02, Crs::Bd09, &mut x, &mut y)?;
/// assert!((x[0] - 116.41036949371029).abs() < 1e-12);
/// assert_eq!((x[1], y[1]), (2.35, 48.85));
/// let err = convert_many(&[f64::NAN], &[0.0], Crs::Wgs84, Crs::Gcj02, &mut x[..1], &mut y[..1]);
/// assert!(err.unwrap_err().to_string().contains("lon[0]"));
/// # Ok::<(), gridgov::Error>(())
/// ```
pub fn convert_many(
    lon: &[f64],
    lat: &[f64],
    from: Crs,
    to: Crs,
    out_lon: &mut [f64],
    out_lat: &mut [f64],
) -> Result<()> {
    check_lengths(
        lon.len(),
        &[
            ("lat", lat.len()),
            ("out_lon", out_lon.len()),
            ("out_lat", out_lat.len()),
        ],
    )?;
    check_points(lon, lat)?;
    let threads = parallel::thread_count(0, lon.len(), CONVERT_MIN_POINTS_PER_THREAD);
    parallel::map_chunks(
        ((lon, lat), (out_lon, out_lat)),
        threads,
        |((lon, lat), (out_lon, out_lat))| {
            for (((x, y), ox), oy) in lon
                .iter()
                .zip(lat)
                .zip(out_lon.iter_mut())
                .zip(out_lat.iter_mut())
            {
                (*ox, *oy) = convert_unchecked(*x, *y, from, to);
            }
        },
    );
    Ok(())
}

/// Below this many points per thread, bulk conversion does not spawn threads.
const CONVERT_MIN_POINTS_PER_THREAD: usize = 16_384;

/// Checks that every array has the length of `lon` (`n`).
pub(crate) fn check_lengths(n: usize, others: &[(&str, usize)]) -> Result<()> {
    for (name, len) in others {
        if *len != n {
            return Err(Error::invalid(
                *name,
                format!("length {len}"),
                format!("has {len} elements but lon has {n}"),
            ));
        }
    }
    Ok(())
}

/// Checks every point of two arrays of equal length, naming the first bad element.
pub(crate) fn check_points(lon: &[f64], lat: &[f64]) -> Result<()> {
    for (i, (x, y)) in lon.iter().zip(lat).enumerate() {
        // Fast path: the common case is a valid point.
        if (-180.0..=180.0).contains(x) && (-90.0..=90.0).contains(y) {
            continue;
        }
        check_point(*x, *y, &|| format!("lon[{i}]"), &|| format!("lat[{i}]"))?;
    }
    Ok(())
}
