//! Python bindings of gridgov: the private compiled module `gridgov._gridgov`.
//!
//! A thin translation layer over the core crate, with no domain logic: two frozen classes
//! (`calendar::PyCalendar`, `model::PyModel`) wrapping `Arc`s of core values, instants as
//! `int` milliseconds and arrays as borrowed `int64` `NumPy` arrays, heavy calls run with the GIL
//! released, and every core error mapped in one function (`errors::to_py`). The public API
//! (`datetime` and `datetime64` handling, result dataclasses, docstrings) is the pure-Python
//! package `gridgov` on top of this module.

mod calendar;
mod errors;
mod model;

/// The compiled core of the `gridgov` package (private: use `gridgov`).
#[pyo3::pymodule]
mod _gridgov {
    use pyo3::prelude::*;

    #[pymodule_export]
    use super::calendar::PyCalendar;
    #[pymodule_export]
    use super::model::PyModel;

    #[pymodule_init]
    fn init(m: &Bound<'_, PyModule>) -> PyResult<()> {
        m.add("__version__", gridgov::VERSION)
    }
}
