//! Grid maps (unit-grid boundaries), point location and coordinate conversion on typed arrays.

use std::ffi::c_char;

use gridgov::Error;
use gridgov::spatial::{self, Crs, GridMap, GridMapOptions};

use crate::error::{Failure, gridgov_status};
use crate::handle::{Handle, in_slice, in_str, in_text, need, out_slice, out_string, write_out};
use crate::model::gridgov_model;
use crate::panic::guard;

/// An opaque, immutable map of unit-grid boundaries: the grids sorted by code, each with an
/// index (`0 .. len`) that point location returns. Create with `gridgov_gridmap_from_text`,
/// `gridgov_gridmap_from_path` or `gridgov_model_gridmap`; release with `gridgov_gridmap_free`.
/// A grid map may be shared between threads.
#[allow(non_camel_case_types, reason = "C naming")]
pub struct gridgov_gridmap {
    _private: [u8; 0],
}

impl Handle for gridgov_gridmap {
    type Inner = GridMap;
    const NAME: &'static str = "gridmap";
}

/// A coordinate reference system of input points (passed as `uint32_t`).
#[allow(non_camel_case_types, reason = "C naming")]
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum gridgov_crs {
    /// WGS-84 longitude/latitude (EPSG:4326, raw GPS). Grid maps are stored in it.
    Wgs84 = 0,
    /// CGCS2000 longitude/latitude (EPSG:4490), treated as WGS-84: they differ by centimetres.
    Cgcs2000 = 1,
    /// GCJ-02 (国测局, Amap, Tencent): WGS-84 shifted inside China's box.
    Gcj02 = 2,
    /// BD-09 (Baidu) longitude/latitude, derived from GCJ-02.
    Bd09 = 3,
}

fn crs_of(crs: u32, what: &str) -> Result<Crs, Failure> {
    match crs {
        0 => Ok(Crs::Wgs84),
        1 => Ok(Crs::Cgcs2000),
        2 => Ok(Crs::Gcj02),
        3 => Ok(Crs::Bd09),
        other => Err(Failure::boundary(
            gridgov_status::InvalidEnum,
            format!(
                "{what} {other} is not a gridgov_crs (0 WGS-84, 1 CGCS2000, 2 GCJ-02, 3 BD-09)"
            ),
        )),
    }
}

/// Loads a grid map from `GeoJSON` text of `len` bytes: a `FeatureCollection` of `Polygon` or
/// `MultiPolygon` features (holes allowed, WGS-84 longitude/latitude) whose property
/// `code_property` (e.g. `"code"`) holds the unit-grid code.
///
/// `GRIDGOV_STATUS_PARSE` for text that is not JSON; `GRIDGOV_STATUS_MODEL` for `GeoJSON` of the
/// wrong shape, invalid polygons (self-intersecting, unclosed, too few points, NaN), missing or
/// duplicate codes and overlapping grids: `gridgov_last_error_issues` lists every problem with
/// its path (`features[3].geometry...`).
///
/// # Safety
/// `text` must point to `len` readable bytes; `code_property` must be NULL or NUL-terminated;
/// `out` must be a valid pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gridgov_gridmap_from_text(
    text: *const c_char,
    len: usize,
    code_property: *const c_char,
    out: *mut *mut gridgov_gridmap,
) -> gridgov_status {
    guard(|| {
        let text = in_text(text, len, "text")?;
        let code_property = in_str(code_property, "code_property")?;
        need(out, "out")?;
        gridgov_gridmap::emit(GridMap::from_geojson_str(text, code_property)?, out)
    })
}

/// Loads a grid map from a `GeoJSON` file (see `gridgov_gridmap_from_text`); `GRIDGOV_STATUS_IO`
/// when it cannot be read.
///
/// # Safety
/// `path` and `code_property` must be NULL or NUL-terminated strings; `out` a valid pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gridgov_gridmap_from_path(
    path: *const c_char,
    code_property: *const c_char,
    out: *mut *mut gridgov_gridmap,
) -> gridgov_status {
    guard(|| {
        let path = in_str(path, "path")?;
        let code_property = in_str(code_property, "code_property")?;
        need(out, "out")?;
        gridgov_gridmap::emit(GridMap::load(path, code_property)?, out)
    })
}

/// Like `gridgov_gridmap_from_text`, for boundaries whose coordinates are in `crs` (a
/// `gridgov_crs`): e.g. digitised on GCJ-02 (Amap) or BD-09 (Baidu) tiles. Every vertex is
/// converted to WGS-84 on load, then validated; the map is stored, located into and written
/// back in WGS-84. An unknown `crs` gives `GRIDGOV_STATUS_INVALID_ENUM`.
///
/// # Safety
/// As `gridgov_gridmap_from_text`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gridgov_gridmap_from_text_crs(
    text: *const c_char,
    len: usize,
    code_property: *const c_char,
    crs: u32,
    out: *mut *mut gridgov_gridmap,
) -> gridgov_status {
    guard(|| {
        let text = in_text(text, len, "text")?;
        let code_property = in_str(code_property, "code_property")?;
        let crs = crs_of(crs, "crs")?;
        need(out, "out")?;
        let options = GridMapOptions {
            crs,
            ..GridMapOptions::new(code_property)
        };
        gridgov_gridmap::emit(GridMap::from_geojson_str_with(text, &options)?, out)
    })
}

/// Like `gridgov_gridmap_from_path`, for boundaries whose coordinates are in `crs` (see
/// `gridgov_gridmap_from_text_crs`).
///
/// # Safety
/// As `gridgov_gridmap_from_path`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gridgov_gridmap_from_path_crs(
    path: *const c_char,
    code_property: *const c_char,
    crs: u32,
    out: *mut *mut gridgov_gridmap,
) -> gridgov_status {
    guard(|| {
        let path = in_str(path, "path")?;
        let code_property = in_str(code_property, "code_property")?;
        let crs = crs_of(crs, "crs")?;
        need(out, "out")?;
        let options = GridMapOptions {
            crs,
            ..GridMapOptions::new(code_property)
        };
        gridgov_gridmap::emit(GridMap::load_with(path, &options)?, out)
    })
}

/// Creates a grid-map handle holding a copy of the model's unit-grid boundaries (free it
/// separately). A model without boundaries gives `GRIDGOV_STATUS_UNKNOWN` (the closest status:
/// the model knows no grid map) and writes nothing.
///
/// # Safety
/// `model` must be a valid handle; `out` a valid pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gridgov_model_gridmap(
    model: *const gridgov_model,
    out: *mut *mut gridgov_gridmap,
) -> gridgov_status {
    guard(|| {
        let m = gridgov_model::borrow(model)?;
        need(out, "out")?;
        let Some(map) = m.grid_map() else {
            return Err(Failure::boundary(
                gridgov_status::Unknown,
                format!("model {:?} has no grid boundaries", m.name()),
            ));
        };
        gridgov_gridmap::emit(map.clone(), out)
    })
}

/// Releases a grid map. NULL is accepted and ignored.
///
/// # Safety
/// `gridmap` must be NULL or a handle from this library not yet freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gridgov_gridmap_free(gridmap: *mut gridgov_gridmap) {
    let _ = guard(|| {
        gridgov_gridmap::free(gridmap);
        Ok(())
    });
}

/// The number of grids in the map (valid indices are `0 .. len`).
///
/// # Safety
/// `gridmap` must be a valid handle; `out` a valid pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gridgov_gridmap_len(
    gridmap: *const gridgov_gridmap,
    out: *mut usize,
) -> gridgov_status {
    guard(|| {
        let g = gridgov_gridmap::borrow(gridmap)?;
        need(out, "out")?;
        write_out(out, g.len())
    })
}

/// The code of the grid at `index` (grids are sorted by code). An index `>= len` gives
/// `GRIDGOV_STATUS_INVALID_VALUE` naming it.
///
/// # Safety
/// `gridmap` must be a valid handle; `out` a valid pointer; `out_len` NULL or valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gridgov_gridmap_code(
    gridmap: *const gridgov_gridmap,
    index: usize,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> gridgov_status {
    guard(|| {
        let g = gridgov_gridmap::borrow(gridmap)?;
        need(out, "out")?;
        let Some(code) = g.codes().get(index) else {
            return Err(Error::invalid(
                "index",
                index,
                format!("out of range: the grid map has {} grids", g.len()),
            )
            .into());
        };
        out_string(code.clone(), out, out_len)
    })
}

/// The index of the grid with `code`, or -1 when the map has no such grid (not an error).
///
/// # Safety
/// `gridmap` must be a valid handle; `code` a NUL-terminated string; `out` a valid pointer.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gridgov_gridmap_index_of(
    gridmap: *const gridgov_gridmap,
    code: *const c_char,
    out: *mut i64,
) -> gridgov_status {
    guard(|| {
        let g = gridgov_gridmap::borrow(gridmap)?;
        let code = in_str(code, "code")?;
        need(out, "out")?;
        write_out(out, g.index_of(code).map_or(-1, |i| i as i64))
    })
}

/// The grid map as a `GeoJSON` `FeatureCollection` (WGS-84; `gridgov_gridmap_from_text` accepts it
/// back).
///
/// # Safety
/// `gridmap` must be a valid handle; `out` a valid pointer; `out_len` NULL or valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gridgov_gridmap_to_geojson(
    gridmap: *const gridgov_gridmap,
    out: *mut *mut c_char,
    out_len: *mut usize,
) -> gridgov_status {
    guard(|| {
        let g = gridgov_gridmap::borrow(gridmap)?;
        need(out, "out")?;
        out_string(g.to_geojson(), out, out_len)
    })
}

/// Locates `n` points (`lon[i]`, `lat[i]` in `crs`, a `gridgov_crs`) into grid indices:
/// `out_index[i]` is the index of the grid containing the point, or -1 when it lies in no grid.
/// A point on an edge or vertex shared by several grids gets the same grid whatever the input
/// order or thread count (the core's rule). Uses every core.
///
/// A NaN or infinite coordinate gives `GRIDGOV_STATUS_INVALID_VALUE` naming the first bad
/// index (`lon[3]`); on any failure nothing is written.
///
/// # Safety
/// `gridmap` must be a valid handle; `lon`, `lat` and `out_index` must hold `n` elements each
/// (they may be NULL when `n` is 0).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gridgov_gridmap_locate_many(
    gridmap: *const gridgov_gridmap,
    lon: *const f64,
    lat: *const f64,
    n: usize,
    crs: u32,
    out_index: *mut i64,
) -> gridgov_status {
    guard(|| {
        let g = gridgov_gridmap::borrow(gridmap)?;
        let lon = in_slice(lon, n, "lon")?;
        let lat = in_slice(lat, n, "lat")?;
        let crs = crs_of(crs, "crs")?;
        if n > 0 {
            need(out_index, "out_index")?;
        }
        let mut result = vec![-1_i64; n];
        g.locate_many(lon, lat, crs, 0, &mut result)?;
        out_slice(&result, out_index, "out_index")
    })
}

/// Converts `n` points from the coordinate system `from` to `to` (both `gridgov_crs`).
/// GCJ-02 → WGS-84 iterates to better than 1e-7 degrees; points outside China's box are not
/// shifted, as the convention has it. A NaN or infinite coordinate gives
/// `GRIDGOV_STATUS_INVALID_VALUE` naming its index; on failure nothing is written.
///
/// # Safety
/// The four arrays must hold `n` elements each (they may be NULL when `n` is 0).
#[unsafe(no_mangle)]
pub unsafe extern "C" fn gridgov_convert_many(
    lon: *const f64,
    lat: *const f64,
    n: usize,
    from: u32,
    to: u32,
    out_lon: *mut f64,
    out_lat: *mut f64,
) -> gridgov_status {
    guard(|| {
        let lon = in_slice(lon, n, "lon")?;
        let lat = in_slice(lat, n, "lat")?;
        let from = crs_of(from, "from")?;
        let to = crs_of(to, "to")?;
        if n > 0 {
            need(out_lon, "out_lon")?;
            need(out_lat, "out_lat")?;
        }
        let (mut x, mut y) = (vec![0.0_f64; n], vec![0.0_f64; n]);
        spatial::convert_many(lon, lat, from, to, &mut x, &mut y)?;
        out_slice(&x, out_lon, "out_lon")?;
        out_slice(&y, out_lat, "out_lat")
    })
}
