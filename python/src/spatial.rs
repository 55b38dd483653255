//! `gridgov._gridgov.GridMap` and coordinate conversion: unit-grid boundaries, point location
//! and China's coordinate systems over borrowed `float64` `NumPy` arrays.
//!
//! Grids cross as indices into `codes()` (sorted); the pure-Python layer maps them to codes,
//! builds object arrays and handles scalars, paths, dicts and `GeoDataFrame`s. Bulk calls release
//! the GIL.

use std::path::PathBuf;
use std::sync::Arc;

use gridgov::spatial::{self, Crs, GridMap, GridMapOptions};
use numpy::{IntoPyArray, PyArray1, PyReadonlyArray1};
use pyo3::prelude::*;
use pyo3::types::PyTuple;

use crate::errors::{OrRaise, invalid};

/// Unit-grid boundaries with an R-tree for point location.
#[pyclass(frozen, module = "gridgov._gridgov", name = "GridMap")]
pub struct PyGridMap {
    pub(crate) inner: Arc<GridMap>,
}

impl PyGridMap {
    pub(crate) fn new(map: GridMap) -> Self {
        Self {
            inner: Arc::new(map),
        }
    }
}

fn crs(name: &str) -> PyResult<Crs> {
    name.parse().or_raise()
}

fn slice<'a>(a: &'a PyReadonlyArray1<'_, f64>, name: &str) -> PyResult<&'a [f64]> {
    a.as_slice().map_err(|_| {
        invalid(
            name,
            "a non-contiguous array",
            "arrays must be C-contiguous and aligned",
        )
    })
}

fn same_length(lon: &[f64], lat: &[f64]) -> PyResult<()> {
    if lon.len() == lat.len() {
        Ok(())
    } else {
        Err(invalid(
            "lengths",
            format!("lon {}, lat {}", lon.len(), lat.len()),
            "lon and lat must have the same length",
        ))
    }
}

#[pymethods]
#[expect(
    clippy::needless_pass_by_value,
    reason = "PyO3 extracts array arguments by value"
)]
impl PyGridMap {
    /// Builds a grid map from `GeoJSON` text (a `FeatureCollection` of polygons) whose
    /// coordinates are in `crs` (converted to WGS-84 on load).
    #[staticmethod]
    #[pyo3(signature = (text, code_property, crs = "wgs84"))]
    fn from_geojson_text(
        py: Python<'_>,
        text: &str,
        code_property: &str,
        crs: &str,
    ) -> PyResult<Self> {
        let options = GridMapOptions {
            crs: self::crs(crs)?,
            ..GridMapOptions::new(code_property)
        };
        py.detach(|| GridMap::from_geojson_str_with(text, &options))
            .or_raise()
            .map(Self::new)
    }

    /// Loads a grid map from a `GeoJSON` file whose coordinates are in `crs`.
    #[staticmethod]
    #[pyo3(signature = (path, code_property, crs = "wgs84"))]
    fn load(py: Python<'_>, path: PathBuf, code_property: &str, crs: &str) -> PyResult<Self> {
        let options = GridMapOptions {
            crs: self::crs(crs)?,
            ..GridMapOptions::new(code_property)
        };
        py.detach(|| GridMap::load_with(path, &options))
            .or_raise()
            .map(Self::new)
    }

    /// Grid codes, sorted; a grid's index is its position here.
    fn codes(&self) -> Vec<String> {
        self.inner.codes().to_vec()
    }

    /// Index of the grid with `code`, if any.
    fn index_of(&self, code: &str) -> Option<usize> {
        self.inner.index_of(code)
    }

    /// Version of the boundaries (the model's version), if any.
    #[getter]
    fn version(&self) -> Option<&str> {
        self.inner.version()
    }

    /// `(min_lon, min_lat, max_lon, max_lat)` of all grids; `None` when empty.
    #[getter]
    fn bbox(&self) -> Option<(f64, f64, f64, f64)> {
        self.inner.bbox().map(|[a, b, c, d]| (a, b, c, d))
    }

    /// Area of the grid at `index`, in m².
    fn area_m2(&self, index: usize) -> PyResult<f64> {
        if index >= self.inner.len() {
            return Err(invalid(
                "index",
                index,
                &format!("out of range: the grid map has {} grids", self.inner.len()),
            ));
        }
        Ok(self.inner.area_m2(index))
    }

    /// Bulk point location: grid index per point, -1 where the point lies in no grid.
    /// `threads` 0 uses every core.
    fn locate_many<'py>(
        &self,
        py: Python<'py>,
        lon: PyReadonlyArray1<'py, f64>,
        lat: PyReadonlyArray1<'py, f64>,
        crs: &str,
        threads: usize,
    ) -> PyResult<Bound<'py, PyArray1<i64>>> {
        let (x, y) = (slice(&lon, "lon")?, slice(&lat, "lat")?);
        same_length(x, y)?;
        let crs = self::crs(crs)?;
        let map = &*self.inner;
        let mut out = vec![-1_i64; x.len()];
        py.detach(|| map.locate_many(x, y, crs, threads, &mut out))
            .or_raise()?;
        Ok(out.into_pyarray(py))
    }

    /// Adjacent grid pairs `(i, j, shared metres)` with `i < j`, sharing more than
    /// `min_shared_m` of boundary.
    fn adjacency(&self, py: Python<'_>, min_shared_m: f64) -> PyResult<Vec<(usize, usize, f64)>> {
        if !min_shared_m.is_finite() || min_shared_m < 0.0 {
            return Err(invalid(
                "min_shared_m",
                min_shared_m,
                "must be a finite number >= 0",
            ));
        }
        let map = &*self.inner;
        Ok(py.detach(|| map.adjacency(min_shared_m)))
    }

    /// The grid map as a `GeoJSON` `FeatureCollection`.
    fn to_geojson(&self, py: Python<'_>) -> String {
        let map = &*self.inner;
        py.detach(|| map.to_geojson())
    }

    fn __len__(&self) -> usize {
        self.inner.len()
    }

    fn __repr__(&self) -> String {
        format!("<_gridgov.GridMap {} grids>", self.inner.len())
    }

    /// Pickles as `GridMap.from_geojson_text(to_geojson(), "code")`.
    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
    ) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyTuple>)> {
        let py = slf.py();
        let ctor = py.get_type::<Self>().getattr("from_geojson_text")?;
        let args = PyTuple::new(
            py,
            [
                slf.get().inner.to_geojson(),
                spatial::DEFAULT_CODE_PROPERTY.to_owned(), // what `to_geojson` writes
            ],
        )?;
        Ok((ctor, args))
    }
}

/// Converts one point between coordinate systems (`"wgs84"`, `"cgcs2000"`, `"gcj02"`, `"bd09"`).
#[pyfunction]
pub fn convert(lon: f64, lat: f64, src: &str, dst: &str) -> PyResult<(f64, f64)> {
    spatial::convert(lon, lat, crs(src)?, crs(dst)?).or_raise()
}

/// Two `float64` arrays: longitudes and latitudes.
type LonLat<'py> = (Bound<'py, PyArray1<f64>>, Bound<'py, PyArray1<f64>>);

/// Bulk [`convert`] over `float64` arrays; returns `(lon, lat)` arrays.
#[pyfunction]
#[expect(
    clippy::needless_pass_by_value,
    reason = "PyO3 extracts array arguments by value"
)]
pub fn convert_many<'py>(
    py: Python<'py>,
    lon: PyReadonlyArray1<'py, f64>,
    lat: PyReadonlyArray1<'py, f64>,
    src: &str,
    dst: &str,
) -> PyResult<LonLat<'py>> {
    let (x, y) = (slice(&lon, "lon")?, slice(&lat, "lat")?);
    same_length(x, y)?;
    let (from, to) = (crs(src)?, crs(dst)?);
    let (mut ox, mut oy) = (vec![0.0_f64; x.len()], vec![0.0_f64; x.len()]);
    py.detach(|| spatial::convert_many(x, y, from, to, &mut ox, &mut oy))
        .or_raise()?;
    Ok((ox.into_pyarray(py), oy.into_pyarray(py)))
}
