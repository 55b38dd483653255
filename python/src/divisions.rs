//! `gridgov._gridgov.DivisionCodes`: a frozen handle on a dated list of GB/T 2260 division
//! codes (the core's [`DivisionCodes`]).

use std::sync::{Arc, OnceLock};

use gridgov::divisions::DivisionCodes;
use pyo3::prelude::*;

use crate::errors::OrRaise;

/// A dated list of six-digit division codes with their names.
#[pyclass(frozen, module = "gridgov._gridgov", name = "DivisionCodes")]
pub struct PyDivisionCodes {
    pub(crate) inner: Arc<DivisionCodes>,
}

#[pymethods]
impl PyDivisionCodes {
    /// The list shipped with gridgov (National Bureau of Statistics, cut-off 2022-10-31).
    #[staticmethod]
    fn builtin() -> Self {
        // One shared copy of the shipped list, not a copy per call.
        static BUILTIN: OnceLock<Arc<DivisionCodes>> = OnceLock::new();
        Self {
            inner: Arc::clone(BUILTIN.get_or_init(|| Arc::new(DivisionCodes::builtin().clone()))),
        }
    }

    /// Reads a list: one `code,name` per line, `#` comments, `# as_of: YYYY-MM-DD`.
    #[staticmethod]
    fn parse(py: Python<'_>, text: &str) -> PyResult<Self> {
        let list = py.detach(|| DivisionCodes::parse(text)).or_raise()?;
        Ok(Self {
            inner: Arc::new(list),
        })
    }

    /// The list's date as its header states it (empty when it states none).
    #[getter]
    fn as_of(&self) -> &str {
        self.inner.as_of()
    }

    /// The name the list gives `code`, or `None`.
    fn name(&self, code: &str) -> Option<String> {
        self.inner.name(code).map(str::to_owned)
    }

    fn __len__(&self) -> usize {
        self.inner.len()
    }

    fn __contains__(&self, code: &str) -> bool {
        self.inner.contains(code)
    }

    fn __repr__(&self) -> String {
        format!(
            "DivisionCodes({} codes, as of {:?})",
            self.inner.len(),
            self.inner.as_of()
        )
    }
}
