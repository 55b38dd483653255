//! The one place where core errors become Python exceptions.
//!
//! The exception classes are defined in Python (`gridgov/_errors.py`), because several derive
//! from two bases (`ValidationError(GridgovError, ValueError)`), which `create_exception!`
//! cannot express. Each core [`Error`] variant maps to exactly one class; the message is the
//! core's `Display` text and the variant's fields become keyword attributes.

use gridgov::Error;
use pyo3::prelude::*;
use pyo3::types::PyDict;

/// Turns a core error into the matching `gridgov` exception.
pub(crate) fn to_py(err: &Error) -> PyErr {
    Python::attach(|py| build(py, err).unwrap_or_else(|e| e))
}

/// Shorthand for `result.map_err(|e| to_py(&e))`.
pub(crate) trait OrRaise<T> {
    /// Maps the core error to its Python exception.
    fn or_raise(self) -> PyResult<T>;
}

impl<T> OrRaise<T> for gridgov::Result<T> {
    fn or_raise(self) -> PyResult<T> {
        self.map_err(|e| to_py(&e))
    }
}

fn build(py: Python<'_>, err: &Error) -> PyResult<PyErr> {
    let kw = PyDict::new(py);
    let class = match err {
        Error::InvalidValue {
            what,
            value,
            reason,
        } => {
            kw.set_item("what", what)?;
            kw.set_item("value", value)?;
            kw.set_item("reason", reason)?;
            "ValidationError"
        }
        Error::InvalidCode {
            what,
            value,
            reason,
        } => {
            kw.set_item("what", *what)?;
            kw.set_item("value", value)?;
            kw.set_item("reason", reason)?;
            "CodeError"
        }
        Error::Unknown { what, value } => {
            kw.set_item("what", *what)?;
            kw.set_item("value", value)?;
            "UnknownError"
        }
        Error::CalendarRange {
            date,
            first_year,
            last_year,
        } => {
            kw.set_item("date", date)?;
            kw.set_item("first_year", first_year)?;
            kw.set_item("last_year", last_year)?;
            "CalendarRangeError"
        }
        Error::NoResponsibleUnit { category, grid } => {
            kw.set_item("category", category)?;
            kw.set_item("grid", grid)?;
            "NoResponsibleUnitError"
        }
        Error::DutyConflict {
            category,
            grid,
            rules,
            units,
        } => {
            kw.set_item("category", category)?;
            kw.set_item("grid", grid)?;
            kw.set_item("rules", rules)?;
            kw.set_item("units", units)?;
            "DutyConflictError"
        }
        Error::Model(issues) => {
            let pairs: Vec<(&str, &str)> = issues
                .0
                .iter()
                .map(|i| (i.path.as_str(), i.message.as_str()))
                .collect();
            kw.set_item("issues", pairs)?;
            "ModelError"
        }
        Error::Parse { format, message } => {
            kw.set_item("format", *format)?;
            kw.set_item("parser_message", message)?;
            "ParseError"
        }
        Error::Io { path, message: _ } => {
            kw.set_item("path", path)?;
            "GridgovIOError"
        }
        Error::InvalidTransition {
            case,
            state,
            action,
            detail,
        } => {
            kw.set_item("case", case)?;
            kw.set_item("state", state)?;
            kw.set_item("action", action)?;
            kw.set_item("detail", detail.trim_start_matches([':', ' ']))?;
            "InvalidTransition"
        }
        Error::PermissionDenied {
            actor,
            action,
            reason,
        } => {
            kw.set_item("actor", actor)?;
            kw.set_item("action", action)?;
            kw.set_item("reason", reason)?;
            "PermissionDenied"
        }
    };
    let class = py.import("gridgov._errors")?.getattr(class)?;
    let exc = class.call((err.to_string(),), Some(&kw))?;
    Ok(PyErr::from_value(exc))
}

/// A [`gridgov::Error::InvalidValue`] raised by the binding itself (bad argument shapes).
pub(crate) fn invalid(what: &str, value: impl std::fmt::Display, reason: &str) -> PyErr {
    to_py(&Error::invalid(what, value, reason))
}
