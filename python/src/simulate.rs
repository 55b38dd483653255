//! `gridgov._gridgov.simulate`: the core's seeded simulator (`gridgov::simulate`), returning
//! a new `Engine` on the model. The pure-Python layer (`gridgov._simulate`) turns dates and
//! datetimes into the start instant.

use gridgov::Error;
use gridgov::simulate::{Simulation, simulate as run};
use pyo3::prelude::*;

use crate::engine::PyEngine;
use crate::errors::OrRaise;
use crate::model::PyModel;

/// Simulates `days` days of the model's city from `start` (epoch ms) with `seed` and
/// `reports_per_day` reports per working day; returns the engine. The work runs with the GIL
/// released.
#[pyfunction]
pub fn simulate(
    py: Python<'_>,
    model: Bound<'_, PyModel>,
    start: i64,
    days: i64,
    seed: u64,
    reports_per_day: i64,
) -> PyResult<PyEngine> {
    // out-of-range numbers are the core's ValidationError, as for any other bad value
    let number = |what: &str, v: i64, min: u32, max: u32| {
        u32::try_from(v)
            .map_err(|_| Error::invalid(what, v, format!("must be from {min} to {max}")))
    };
    let m = std::sync::Arc::clone(&model.get().inner);
    let engine = py
        .detach(|| {
            let sim = Simulation {
                start,
                days: number("days", days, 1, Simulation::MAX_DAYS)?,
                seed,
                reports_per_day: number(
                    "reports_per_day",
                    reports_per_day,
                    0,
                    Simulation::MAX_REPORTS_PER_DAY,
                )?,
            };
            run(m, &sim)
        })
        .or_raise()?;
    Ok(PyEngine::from_core(engine, model.unbind()))
}
