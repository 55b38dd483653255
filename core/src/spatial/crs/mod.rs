//! Coordinate reference systems of input points and the conversions between them; documented
//! in the parent module ("Coordinate systems").

use std::fmt;
use std::str::FromStr;

use crate::error::{Error, Result};
use crate::parallel;

mod bd;
mod gcj;

use bd::{bd_to_gcj, gcj_to_bd};
use gcj::{gcj_to_wgs, gcj_to_wgs_slice, wgs_to_gcj};

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

/// Converts valid points (finite, in range) array to array: `convert_unchecked` for each, with
/// the GCJ-02 → WGS-84 inverse taken several points at a time (the same results, faster).
pub(crate) fn convert_slice_unchecked(
    lon: &[f64],
    lat: &[f64],
    from: Crs,
    to: Crs,
    out_lon: &mut [f64],
    out_lat: &mut [f64],
) {
    match (from.family(), to.family()) {
        (Family::Gcj, Family::Wgs) => gcj_to_wgs_slice(lon, lat, out_lon, out_lat),
        (Family::Bd, Family::Wgs) => {
            let mut gcj_lon = vec![0.0; lon.len()];
            let mut gcj_lat = vec![0.0; lon.len()];
            for (((x, y), gx), gy) in lon
                .iter()
                .zip(lat)
                .zip(gcj_lon.iter_mut())
                .zip(gcj_lat.iter_mut())
            {
                (*gx, *gy) = bd_to_gcj(*x, *y);
            }
            gcj_to_wgs_slice(&gcj_lon, &gcj_lat, out_lon, out_lat);
        }
        _ => {
            for (((x, y), ox), oy) in lon
                .iter()
                .zip(lat)
                .zip(out_lon.iter_mut())
                .zip(out_lat.iter_mut())
            {
                (*ox, *oy) = convert_unchecked(*x, *y, from, to);
            }
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
            convert_slice_unchecked(lon, lat, from, to, out_lon, out_lat);
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
