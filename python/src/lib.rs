//! Python bindings of gridgov: the private compiled module `gridgov._gridgov`.
//!
//! A thin translation layer over the core crate, with no domain logic: frozen classes
//! (`calendar::PyCalendar`, `model::PyModel`, `spatial::PyGridMap`) wrapping `Arc`s of core
//! values, and one (`engine::PyEngine`) wrapping a `Mutex` of the mutable case engine;
//! instants as `int` milliseconds and arrays as borrowed `int64`/`float64` `NumPy` arrays,
//! heavy calls run with the GIL released, and every core error mapped in one function
//! (`errors::to_py`). The public API (`datetime` and `datetime64` handling, grid codes for
//! indices, result dataclasses, docstrings) is the pure-Python package `gridgov` on top of
//! this module.

mod calendar;
mod division;
mod divisions;
mod engine;
mod errors;
mod model;
mod panic;
mod score;
mod simulate;
mod spatial;

/// The compiled core of the `gridgov` package (private: use `gridgov`).
#[pyo3::pymodule]
mod _gridgov {
    use pyo3::prelude::*;

    #[pymodule_export]
    use super::calendar::PyCalendar;
    #[pymodule_export]
    use super::division::division_report_json;
    #[pymodule_export]
    use super::divisions::PyDivisionCodes;
    #[pymodule_export]
    use super::engine::{PyEngine, verify_events, verify_journal};
    #[pymodule_export]
    use super::errors::error_kinds;
    #[pymodule_export]
    use super::model::PyModel;
    #[pymodule_export]
    use super::score::{PyRecords, PyScorecard};
    #[pymodule_export]
    use super::simulate::simulate;
    #[pymodule_export]
    use super::spatial::{PyGridMap, convert, convert_many};

    #[pymodule_export]
    use super::panic::_test_panic;

    #[pymodule_init]
    fn init(m: &Bound<'_, PyModule>) -> PyResult<()> {
        super::panic::install_hook();
        m.add("RECORD_SCHEMA_VERSION", gridgov::score::SCHEMA_VERSION)?;
        m.add("__version__", gridgov::VERSION)
    }
}
