//! `gridgov._gridgov.division_report_json`: the grid-division analysis of the core
//! (`gridgov::division`) over a load given per unit grid.
//!
//! The load crosses as a borrowed `uint64` array in `Model.grids()` order (the pure-Python
//! layer turns dicts and pandas Series keyed by code into it); the report crosses as the
//! core's JSON, which the pure-Python layer turns into pandas tables.

use gridgov::division::{DivisionConfig, division_report};
use numpy::PyReadonlyArray1;
use pyo3::prelude::*;

use crate::errors::{OrRaise, invalid};
use crate::model::PyModel;

/// The division report of `model` under `load` (cases per unit grid, one `uint64` per grid in
/// `Model.grids()` order, the order the core reads) as JSON; `config_json` is a JSON object of
/// settings (`""` for the defaults). A load of the wrong length raises `ValidationError`
/// (`load length`, from the core). The work runs with the GIL released.
#[pyfunction]
#[expect(
    clippy::needless_pass_by_value,
    reason = "PyO3 extracts array arguments by value"
)]
pub fn division_report_json(
    py: Python<'_>,
    model: &PyModel,
    load: PyReadonlyArray1<'_, u64>,
    config_json: &str,
) -> PyResult<String> {
    let per_grid = load.as_slice().map_err(|_| {
        invalid(
            "load",
            "a non-contiguous array",
            "arrays must be C-contiguous and aligned",
        )
    })?;
    let m = &*model.inner;
    py.detach(|| {
        let config = DivisionConfig::from_json(config_json)?;
        division_report(m, per_grid, &config).map(|r| r.to_json())
    })
    .or_raise()
}
